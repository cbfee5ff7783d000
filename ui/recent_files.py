"""The recently opened files (File ▸ Open Recent), newest first, kept in the settings file."""

from __future__ import annotations

import logging
from pathlib import Path

__all__ = ["MAX_RECENT", "add_recent", "recent_files", "store_recent"]

log = logging.getLogger(__name__)

MAX_RECENT = 10


def recent_files() -> list[str]:
    from copilot.errors import CopilotError
    from copilot.settings import load_settings

    try:
        value = load_settings().extra.get("recent_files", [])
    except CopilotError:
        return []
    return [str(v) for v in value] if isinstance(value, list) else []


def store_recent(files: list[str]) -> None:
    from copilot.errors import CopilotError
    from copilot.settings import load_settings, save_settings

    try:
        settings = load_settings()
        settings.extra["recent_files"] = files[:MAX_RECENT]
        save_settings(settings)
    except CopilotError as exc:
        log.warning("cannot store recent files: %s", exc)


def add_recent(path: Path) -> None:
    text = str(path.resolve())
    store_recent([text] + [f for f in recent_files() if f != text])
