"""What a person should know about the model answering: its profile, model, where it runs, and
whether it is the small embedded demo model (shown in the status bar and the quick window)."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from copilot.models.profiles import Profile

__all__ = ["ModelInfo", "describe_profile", "is_demo_model"]

Where = Literal["hosted", "local server", "embedded"]
_DEMO_MARKERS = ("smollm2-135m", "smollm-135m")


@dataclass(frozen=True)
class ModelInfo:
    profile: str
    model: str
    where: Where
    demo: bool
    target: str  # base URL or GGUF file, for a tooltip


def _is_local(url: str) -> bool:
    host = (urlsplit(url).hostname or "").strip("[]").lower()
    if host in ("localhost", "") or host.endswith(".local") or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_private or address.is_link_local


def is_demo_model(profile: Profile) -> bool:
    """The embedded SmolLM2-135M (the default GGUF): fine for trying the app, weak at real work."""
    if profile.kind != "embedded":
        return False
    names = f"{profile.model} {profile.gguf or ''}".lower()
    return profile.gguf is None or any(marker in names for marker in _DEMO_MARKERS)


def describe_profile(profile: Profile) -> ModelInfo:
    if profile.kind == "embedded":
        where: Where = "embedded"
    else:
        where = "local server" if _is_local(profile.base_url or "") else "hosted"
    model = profile.model or (profile.gguf.rsplit("/", 1)[-1] if profile.gguf else "")
    return ModelInfo(profile.name, model, where, is_demo_model(profile), profile.display_target)
