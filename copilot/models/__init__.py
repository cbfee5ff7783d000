"""Model access: profiles, providers and the helpers tasks call.

Tasks use ``get_provider`` and then ``complete`` / ``structured`` / ``bounded_map``; they never
see an SDK object.
"""

from __future__ import annotations

import threading

from copilot.models.base import ChatChunk, ChatOptions, Completion, Message, Provider, Usage
from copilot.models.batch import bounded_map
from copilot.models.profiles import PRESETS, Profile, all_profiles, get_profile
from copilot.models.streaming import complete, stream_text
from copilot.models.structured import structured

__all__ = [
    "PRESETS",
    "ChatChunk",
    "ChatOptions",
    "Completion",
    "Message",
    "Profile",
    "Provider",
    "Usage",
    "all_profiles",
    "bounded_map",
    "clear_provider_cache",
    "complete",
    "get_profile",
    "get_provider",
    "provider_for",
    "stream_text",
    "structured",
]

_cache_lock = threading.Lock()
_cache: dict[tuple[object, ...], Provider] = {}


def provider_for(profile: Profile) -> Provider:
    """Build (or reuse) the provider for ``profile``. Looks the key up but never logs it."""
    if profile.kind == "embedded":
        from copilot.models.embedded import EmbeddedProvider

        key: tuple[object, ...] = (profile,)
        with _cache_lock:
            if key not in _cache:
                _cache[key] = EmbeddedProvider(profile)
            return _cache[key]
    from copilot.models.openai_compatible import OpenAICompatibleProvider
    from copilot.secrets import get_key

    api_key = get_key(profile)
    # Keyed by the key's hash too, so a changed key takes effect and no profile shares a client.
    key = (profile, hash(api_key))
    with _cache_lock:
        if key not in _cache:
            _cache[key] = OpenAICompatibleProvider(profile, api_key)
        return _cache[key]


def get_provider(profile_name: str | None = None) -> Provider:
    """The provider for a named profile, or the default profile when ``None``."""
    return provider_for(get_profile(profile_name))


def clear_provider_cache() -> None:
    with _cache_lock:
        _cache.clear()

