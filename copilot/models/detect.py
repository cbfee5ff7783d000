"""Find model servers already running on this machine: Ollama, LM Studio, vLLM, llama.cpp.

Probes 127.0.0.1 on the usual ports plus ``detect_ports`` from settings.toml ``[models]``, all at
once with short timeouts, never through a proxy. A port that answers is identified by what it
serves (Ollama's ``/api/tags``, LM Studio's ``/api/v0/models``, ``owned_by`` in ``/v1/models``),
so a server on an unusual port is still named right. Replies are bounded in size: whatever
listens on a local port is not trusted.
"""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

__all__ = ["DEFAULT_PORTS", "DetectedServer", "add_detected", "detect_ports", "detect_servers"]

DEFAULT_PORTS: dict[int, str] = {11434: "ollama", 1234: "lmstudio", 8000: "vllm", 8080: "llamacpp"}
_TITLES = {"ollama": "Ollama", "lmstudio": "LM Studio", "vllm": "vLLM", "llamacpp": "llama.cpp server",
           "openai-compatible": "OpenAI-compatible server"}
_LIMIT = 1_000_000
_HOST = "127.0.0.1"


@dataclass(frozen=True)
class DetectedServer:
    kind: str
    port: int
    models: tuple[str, ...]

    @property
    def base_url(self) -> str:
        return f"http://{_HOST}:{self.port}/v1"

    @property
    def title(self) -> str:
        return _TITLES.get(self.kind, self.kind)

    @property
    def profile_name(self) -> str:
        """The preset's name on its usual port, ``kind-port`` elsewhere."""
        return self.kind if DEFAULT_PORTS.get(self.port) == self.kind else f"{self.kind}-{self.port}"

    @property
    def chat_model(self) -> str | None:
        """The first model that is not an embedding model."""
        for name in self.models:
            if "embed" not in name.lower():
                return name
        return None

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "title": self.title, "port": self.port, "base_url": self.base_url,
                "models": list(self.models), "profile": self.profile_name}


_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _get_json(port: int, path: str, timeout: float) -> Any:
    try:
        with _opener.open(f"http://{_HOST}:{port}{path}", timeout=timeout) as response:
            data = response.read(_LIMIT + 1)
    except (urllib.error.URLError, OSError, ValueError):
        return None
    if len(data) > _LIMIT:
        return None
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None


def _names(items: object, key: str) -> tuple[str, ...]:
    if not isinstance(items, list):
        return ()
    return tuple(str(item[key])[:200] for item in items[:200] if isinstance(item, dict) and isinstance(item.get(key), str))


def _port_open(port: int, timeout: float) -> bool:
    try:
        with socket.create_connection((_HOST, port), timeout=timeout):
            return True
    except OSError:
        return False


def _probe(port: int, timeout: float) -> DetectedServer | None:
    if not _port_open(port, timeout):
        return None
    tags = _get_json(port, "/api/tags", timeout)
    if isinstance(tags, dict) and isinstance(tags.get("models"), list):
        return DetectedServer("ollama", port, _names(tags["models"], "name"))
    listing = _get_json(port, "/v1/models", timeout)
    if not isinstance(listing, dict) or not isinstance(listing.get("data"), list):
        return None
    models = _names(listing["data"], "id")
    owners = {str(item.get("owned_by", "")).lower() for item in listing["data"][:200] if isinstance(item, dict)}
    if "vllm" in owners:
        kind = "vllm"
    elif "llamacpp" in owners:
        kind = "llamacpp"
    elif isinstance(lm := _get_json(port, "/api/v0/models", timeout), dict) and isinstance(lm.get("data"), list):
        kind = "lmstudio"
    else:
        kind = DEFAULT_PORTS.get(port, "openai-compatible")
    return DetectedServer(kind, port, models)


def detect_ports() -> list[int]:
    """The usual ports and the extra ones from settings (``[models] detect_ports = [8081]``)."""
    from copilot.models.hubs import models_settings

    ports = list(DEFAULT_PORTS)
    extra = models_settings().get("detect_ports", [])
    if isinstance(extra, list):
        ports += [int(p) for p in extra if isinstance(p, int) and 0 < p < 65536 and p not in ports]
    return ports


def detect_servers(ports: list[int] | None = None, timeout: float = 0.8) -> list[DetectedServer]:
    """Every server that answers on ``ports`` (default: :func:`detect_ports`), in port order."""
    wanted = ports if ports is not None else detect_ports()
    with ThreadPoolExecutor(max_workers=max(1, min(8, len(wanted)))) as pool:
        found = list(pool.map(lambda p: _probe(p, timeout), wanted))
    return [server for server in found if server is not None]


def add_detected(server: DetectedServer, *, make_default: bool = False) -> str:
    """Create (or update) the profile for a detected server; return its name."""
    from copilot.models.profiles import PRESETS, Profile, add_profile, use_profile

    name = server.profile_name
    preset = PRESETS.get(server.kind)
    model = server.chat_model or (preset.model if preset else "local-model")
    add_profile(Profile(name, base_url=server.base_url, model=model, key_required=False, concurrency=2,
                        timeout=300.0), replace=True)
    if make_default:
        use_profile(name)
    return name
