"""Where Desk Copilot keeps its files. ``DESK_COPILOT_HOME`` overrides everything (tests, scripts)."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["builtin_prompts_dir", "cache_dir", "config_dir", "data_dir", "home_override", "log_dir"]

APP_NAME = "desk-copilot"


def home_override() -> Path | None:
    value = os.environ.get("DESK_COPILOT_HOME")
    return Path(value) if value else None


def _dir(kind: str) -> Path:
    home = home_override()
    if home is not None:
        path = home / kind
    else:
        import platformdirs

        getter = {
            "config": platformdirs.user_config_dir,
            "data": platformdirs.user_data_dir,
            "cache": platformdirs.user_cache_dir,
            "logs": platformdirs.user_log_dir,
        }[kind]
        path = Path(getter(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def config_dir() -> Path:
    """settings.toml lives here."""
    return _dir("config")


def data_dir() -> Path:
    """History database and the user's prompt templates."""
    return _dir("data")


def cache_dir() -> Path:
    """Chunk caches that make interrupted jobs resumable."""
    return _dir("cache")


def log_dir() -> Path:
    return _dir("logs")


def builtin_prompts_dir() -> Path:
    """The shipped templates: ``prompts/`` at the source root, or inside the installed wheel/bundle."""
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "prompts", here / "_builtin_prompts"):
        if candidate.is_dir():
            return candidate
    return here.parent / "prompts"
