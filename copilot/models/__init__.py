"""Model access: profiles, providers and the helpers tasks call.

Tasks use ``get_provider`` and then ``complete`` / ``structured`` / ``bounded_map``; they never
see an SDK object. Providers are built in one place, ``copilot.models.factory``.
"""

from __future__ import annotations

from copilot.models.base import ChatChunk, ChatOptions, Completion, Message, Provider, Usage
from copilot.models.batch import bounded_map
from copilot.models.factory import LOOKUP, clear_provider_cache, get_provider, key_for, provider_for
from copilot.models.profiles import PRESETS, Profile, all_profiles, get_profile
from copilot.models.streaming import complete, stream_text
from copilot.models.structured import structured

__all__ = [
    "LOOKUP",
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
    "key_for",
    "provider_for",
    "stream_text",
    "structured",
]
