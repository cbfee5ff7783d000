"""API keys: the OS keyring (service ``desk-copilot``, user = profile name), then the environment.

A stored key is bound to the origin (scheme + host + port) it was stored for: the keyring entry
holds ``{"origin": ..., "key": ...}``, and a profile whose base URL now points elsewhere does not
get it (the user sets it again for the new server). A preset's environment variable
(``OPENAI_API_KEY``, ...) is only used for that preset's own origin, so a profile moved to another
server never picks it up. A key never goes over plain ``http://`` to a non-loopback host unless
the user confirmed it for that profile (``allow_http_key``).

Keys are never written to a file by this app. Every key we hand out is registered with
``copilot.logsetup`` so that it is redacted from log records and error text.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass

from copilot.errors import ConfigError, InsecureTransport, KeyMissing, SecretStoreUnavailable
from copilot.logsetup import register_secret
from copilot.models.origin import origin_of, plain_http_to_remote
from copilot.models.profiles import PRESETS, Profile

__all__ = ["SERVICE", "StoredKey", "bound_origin", "check_transport", "delete_key", "env_key_applies", "get_key",
           "keyring_status", "set_key", "stored_key"]

SERVICE = "desk-copilot"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StoredKey:
    key: str
    origin: str | None
    """The origin the key was stored for; None for an entry written before keys were bound."""


def keyring_status() -> str | None:
    """``None`` when a usable keyring backend exists, otherwise a one-line reason."""
    try:
        import keyring
        from keyring.backends import fail
    except Exception as exc:  # noqa: BLE001 - any import problem means "no keyring"
        return f"the keyring package cannot be loaded ({type(exc).__name__})"
    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring):
        return "no OS keyring backend is available on this machine"
    return None


def _unavailable(profile: Profile, reason: str) -> SecretStoreUnavailable:
    env = profile.key_env or "an environment variable"
    hint = (f"set {profile.key_env} in the environment instead" if profile.key_env else
            f"add the profile again with --key-env VAR and set {env}")
    return SecretStoreUnavailable(f"Cannot store the key for profile \"{profile.name}\": {reason} — {hint}")


def set_key(profile: Profile, key: str) -> None:
    """Store ``key`` for the profile's current origin (replacing any key stored for another)."""
    key = key.strip()
    if not key:
        raise KeyMissing(f'Empty key for profile "{profile.name}" — nothing stored')
    origin = origin_of(profile.base_url)
    if origin is None:
        raise ConfigError(f'Profile "{profile.name}" has no valid http(s) base URL — a key is stored for a '
                          f"server, so set the URL first")
    reason = keyring_status()
    if reason:
        raise _unavailable(profile, reason)
    import keyring
    from keyring.errors import KeyringError

    register_secret(key)
    try:
        keyring.set_password(SERVICE, profile.name, json.dumps({"origin": origin, "key": key}))
    except (KeyringError, OSError) as exc:
        raise _unavailable(profile, f"the keyring refused it ({type(exc).__name__})") from None


def delete_key(profile: Profile) -> bool:
    """Remove the stored key; False when there was none."""
    reason = keyring_status()
    if reason:
        raise _unavailable(profile, reason)
    import keyring
    from keyring.errors import KeyringError, PasswordDeleteError

    try:
        keyring.delete_password(SERVICE, profile.name)
    except PasswordDeleteError:
        return False
    except (KeyringError, OSError) as exc:
        raise _unavailable(profile, f"the keyring refused it ({type(exc).__name__})") from None
    return True


def stored_key(profile: Profile) -> StoredKey | None:
    """The keyring entry of the profile, whatever origin it is bound to (None: nothing stored)."""
    if keyring_status():
        return None
    import keyring

    try:
        raw = keyring.get_password(SERVICE, profile.name)
    except Exception as exc:  # noqa: BLE001 - a broken backend must not stop env lookup
        log.debug("keyring lookup for profile %s failed: %s", profile.name, type(exc).__name__)
        return None
    if not raw:
        return None
    try:
        data = json.loads(raw)
    except ValueError:
        data = None
    if isinstance(data, dict) and isinstance(data.get("key"), str):
        origin = data.get("origin")
        return StoredKey(data["key"], origin if isinstance(origin, str) else None)
    return StoredKey(raw, None)  # stored by an older version, before keys were bound to origins


def _preset_origins(env_var: str) -> set[str]:
    return {o for p in PRESETS.values() if p.key_env == env_var and (o := origin_of(p.base_url)) is not None}


def env_key_applies(profile: Profile) -> bool:
    """A preset's variable serves only its preset's origin; a variable the user named for this
    profile (one no preset uses) serves the profile wherever it points."""
    if not profile.key_env:
        return False
    origins = _preset_origins(profile.key_env)
    return not origins or origin_of(profile.base_url) in origins


def _legacy_origin(profile: Profile) -> str | None:
    """An unbound (old) entry is trusted only for the origin of the preset of the same name: that
    is the one server the old version can have stored it for without the user moving the profile."""
    preset = PRESETS.get(profile.name)
    return origin_of(preset.base_url) if preset is not None and preset.base_url else None


def bound_origin(profile: Profile, stored: StoredKey) -> str | None:
    """The origin ``stored`` serves for ``profile`` (an old unbound entry: its preset's origin)."""
    return stored.origin if stored.origin is not None else _legacy_origin(profile)


def check_transport(profile: Profile) -> None:
    """Refuse to send a key over plain http:// to another machine unless the user confirmed it."""
    origin = origin_of(profile.base_url)
    if plain_http_to_remote(origin) and not profile.allow_http_key:
        raise InsecureTransport(
            f'Profile "{profile.name}" would send its key unencrypted to {origin} (plain http:// to another '
            f"machine) — use https://, or confirm it with: desk-copilot keys set {profile.name} --allow-http-key")


def get_key(profile: Profile) -> str | None:
    """The profile's key for its current origin, or None for servers that need none.

    Raises KeyMissing when a key is required and none applies, InsecureTransport when the key
    would go over plain http:// to another machine without the user's confirmation."""
    origin = origin_of(profile.base_url)
    stored = stored_key(profile)
    key: str | None = None
    moved_from: str | None = None
    if stored is not None and origin is not None:
        bound = bound_origin(profile, stored)
        if bound == origin:
            key = stored.key
            if stored.origin is None:
                _rebind(profile, stored.key)
        else:
            moved_from = bound or "an unknown server (it was stored by an older version)"
            log.info("profile %s: its stored key is for another origin; not sent", profile.name)
    if not key and profile.key_env and env_key_applies(profile):
        key = os.environ.get(profile.key_env) or None
    if key:
        register_secret(key)
        check_transport(profile)
        return key
    if moved_from is not None and profile.key_required:
        raise KeyMissing(f'The key stored for profile "{profile.name}" is for {moved_from}, and the profile now '
                         f"points at {origin} — set it again with: desk-copilot keys set {profile.name}")
    if profile.key_required:
        env = ""
        if profile.key_env and env_key_applies(profile):
            env = f", or set {profile.key_env}"
        elif profile.key_env and os.environ.get(profile.key_env):
            env = f" ({profile.key_env} is only used for {', '.join(sorted(_preset_origins(profile.key_env)))})"
        raise KeyMissing(
            f'No key for profile "{profile.name}" — run: desk-copilot keys set {profile.name}{env}'
        )
    return None


def _rebind(profile: Profile, key: str) -> None:
    """Write an old unbound entry back bound to its origin, so it never needs the guess again."""
    try:
        set_key(profile, key)
    except ConfigError as exc:
        log.info("profile %s: could not rebind its stored key: %s", profile.name, type(exc).__name__)
