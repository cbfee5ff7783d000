"""The one place a provider is built from a profile (and its key).

The provider's HTTP client refuses every request to another origin than the profile's, redirects
included, so neither key nor text follows a redirect (``openai_compatible``).

Every front end goes through here: the CLI and the app's jobs (``get_provider``), the child
process (``provider_for`` with the key the parent looked up), and Settings' Test connection
(``provider_for`` with the key typed in the form, not yet stored). Which key a profile gets is
decided in ``key_for`` only.
"""

from __future__ import annotations

import threading
from typing import Final

from copilot.models.base import Provider
from copilot.models.profiles import Profile, get_profile

__all__ = ["LOOKUP", "clear_provider_cache", "get_provider", "key_for", "provider_for"]


class _Lookup:
    def __repr__(self) -> str:
        return "LOOKUP"


LOOKUP: Final = _Lookup()
"""``provider_for(profile)``'s default: look the profile's stored key up (``key_for``)."""

_cache_lock = threading.Lock()
_cache: dict[tuple[object, ...], Provider] = {}


def key_for(profile: Profile) -> str | None:
    """The key ``profile`` is used with: None for the embedded model and for servers that need
    none. Raises KeyMissing when a key is required and none is stored. Never logged.

    Only a key bound to the profile's origin (scheme + host + port) is returned, see
    ``copilot.secrets.get_key``: a profile moved to another server, a preset's variable on a
    foreign URL, get none."""
    if profile.kind == "embedded":
        return None
    from copilot.secrets import get_key

    return get_key(profile)


def provider_for(profile: Profile, api_key: str | _Lookup | None = LOOKUP) -> Provider:
    """Build (or reuse) the provider for ``profile`` with ``api_key`` (default: its stored key).

    Providers are cached by profile and key (by hash), so a changed key takes effect at once and
    no two profiles share a client; the embedded model is loaded once per process.
    """
    if profile.kind == "embedded":
        from copilot.models.embedded import EmbeddedProvider

        key: tuple[object, ...] = (profile,)
        with _cache_lock:
            if key not in _cache:
                _cache[key] = EmbeddedProvider(profile)
            return _cache[key]
    from copilot.logsetup import register_secret
    from copilot.models.openai_compatible import OpenAICompatibleProvider

    secret = key_for(profile) if isinstance(api_key, _Lookup) else api_key
    if secret:
        from copilot.secrets import check_transport

        register_secret(secret)  # redacted from logs and error text from now on, in this process too
        # Also for a key typed in Settings or handed to the child: never plain http:// to another
        # machine without the user's confirmation.
        check_transport(profile)
    key = (profile, hash(secret))
    with _cache_lock:
        if key not in _cache:
            _cache[key] = OpenAICompatibleProvider(profile, secret)
        return _cache[key]


def get_provider(profile_name: str | None = None) -> Provider:
    """The provider for a named profile, or the default profile when ``None``."""
    return provider_for(get_profile(profile_name))


def clear_provider_cache() -> None:
    with _cache_lock:
        _cache.clear()
