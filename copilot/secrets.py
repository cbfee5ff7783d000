"""API keys: the OS keyring (service ``desk-copilot``, user = profile name), then the environment.

Keys are never written to a file by this app. Every key we hand out is registered with
``copilot.logsetup`` so that it is redacted from log records and error text.
"""

from __future__ import annotations

import logging
import os

from copilot.errors import KeyMissing, SecretStoreUnavailable
from copilot.logsetup import register_secret
from copilot.models.profiles import Profile

__all__ = ["SERVICE", "delete_key", "get_key", "keyring_status", "set_key"]

SERVICE = "desk-copilot"
log = logging.getLogger(__name__)


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
    key = key.strip()
    if not key:
        raise KeyMissing(f'Empty key for profile "{profile.name}" — nothing stored')
    reason = keyring_status()
    if reason:
        raise _unavailable(profile, reason)
    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.set_password(SERVICE, profile.name, key)
    except (KeyringError, OSError) as exc:
        raise _unavailable(profile, f"the keyring refused it ({type(exc).__name__})") from None
    register_secret(key)


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


def _from_keyring(profile: Profile) -> str | None:
    if keyring_status():
        return None
    import keyring

    try:
        return keyring.get_password(SERVICE, profile.name)
    except Exception as exc:  # noqa: BLE001 - a broken backend must not stop env lookup
        log.debug("keyring lookup for profile %s failed: %s", profile.name, type(exc).__name__)
        return None


def get_key(profile: Profile) -> str | None:
    """The profile's key, or None for servers that need none. Raises KeyMissing when required."""
    key = _from_keyring(profile)
    if not key and profile.key_env:
        key = os.environ.get(profile.key_env) or None
    if key:
        register_secret(key)
        return key
    if profile.key_required:
        env = f", or set {profile.key_env}" if profile.key_env else ""
        raise KeyMissing(
            f'No key for profile "{profile.name}" — run: desk-copilot keys set {profile.name}{env}'
        )
    return None
