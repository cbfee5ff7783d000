"""Origins (scheme + host + port) of model servers: what a stored key is bound to."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

__all__ = ["is_loopback", "origin_of", "plain_http_to_remote"]

_DEFAULT_PORTS = {"http": 80, "https": 443}


def origin_of(url: str | None) -> str | None:
    """``scheme://host:port`` with the scheme and host lower-cased and the default port spelled
    out, so ``https://API.openai.com/v1`` and ``https://api.openai.com:443`` are one origin.
    None for a missing or unparseable URL (no key is ever bound to it)."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    if scheme not in _DEFAULT_PORTS or not host:
        return None
    if ":" in host:  # an IPv6 literal keeps its brackets
        host = f"[{host}]"
    return f"{scheme}://{host}:{port or _DEFAULT_PORTS[scheme]}"


def _host(origin: str) -> str:
    host = origin.split("://", 1)[1].rsplit(":", 1)[0]
    return host.strip("[]")


def is_loopback(origin: str) -> bool:
    host = _host(origin)
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def plain_http_to_remote(origin: str | None) -> bool:
    """True when a key sent to ``origin`` would cross the network unencrypted."""
    return origin is not None and origin.startswith("http://") and not is_loopback(origin)
