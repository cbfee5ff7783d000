"""What each profile's server accepts for structured replies, remembered across runs.

Levels, tried in order: ``json_schema`` (OpenAI's structured outputs), ``json_object`` (JSON
mode; the schema rides along, which llama-cpp-python's server turns into a grammar), ``plain``
(the schema is described in the prompt and the reply parsed). A server that refuses a level is
never asked with it again: the level is kept per profile in the cache dir, keyed by the profile's
base URL and model, so a profile pointed elsewhere starts over.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
from typing import Final

from copilot.paths import cache_dir

__all__ = ["LEVELS", "remember_level", "remembered_level"]

LEVELS: Final = ("json_schema", "json_object", "plain")

log = logging.getLogger(__name__)
_lock = threading.Lock()


def _read() -> dict[str, dict[str, object]]:
    try:
        data = json.loads((cache_dir() / "structured-formats.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _server(base_url: str | None, model: str) -> str:
    return f"{base_url or ''} {model}"


def remembered_level(profile_name: str, base_url: str | None, model: str) -> int:
    """The first level to try for this profile's server (0 when nothing is known)."""
    with _lock:
        entry = _read().get(profile_name)
    if not isinstance(entry, dict) or entry.get("server") != _server(base_url, model):
        return 0
    level = entry.get("level")
    return level if isinstance(level, int) and 0 <= level < len(LEVELS) else 0


def remember_level(profile_name: str, base_url: str | None, model: str, level: int) -> None:
    from copilot.atomic import write_text

    with _lock:
        data = _read()
        data[profile_name] = {"server": _server(base_url, model), "level": level, "format": LEVELS[level]}
        with contextlib.suppress(OSError):
            write_text(cache_dir() / "structured-formats.json", json.dumps(data, indent=1), force=True)
    log.info("profile %s: structured replies use %s", profile_name, LEVELS[level])
