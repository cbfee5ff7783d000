"""User settings in ``settings.toml`` under the config dir. Never holds a key."""

from __future__ import annotations

import threading
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomli_w

from copilot.atomic import write_text
from copilot.errors import ConfigError
from copilot.paths import config_dir

__all__ = ["Settings", "load_settings", "save_settings", "settings_path"]

_lock = threading.Lock()


def settings_path() -> Path:
    return config_dir() / "settings.toml"


@dataclass
class Settings:
    default_profile: str = "embedded"
    profiles: dict[str, dict[str, Any]] = field(default_factory=dict)
    """User profiles and overrides of presets, by name (see copilot.models.profiles)."""
    workspace_profiles: dict[str, str] = field(default_factory=dict)
    """A default profile per app workspace (word, excel, powerpoint, code, prompts)."""
    author: str = "Desk Copilot"
    """Author of tracked changes."""
    language: str = ""
    """UI language: "zh_CN", "en" or "" for the system locale."""
    theme: str = "system"
    store_text_in_history: bool = False
    hotkey: str = "Ctrl+Alt+Space"
    close_to_tray: bool = True
    autostart: bool = False
    extra: dict[str, Any] = field(default_factory=dict)
    """Sections other parts of the app keep (recent files, window geometry, ...)."""

    def to_toml(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "default_profile": self.default_profile,
            "author": self.author,
            "language": self.language,
            "theme": self.theme,
            "store_text_in_history": self.store_text_in_history,
            "hotkey": self.hotkey,
            "close_to_tray": self.close_to_tray,
            "autostart": self.autostart,
            "workspace_profiles": dict(self.workspace_profiles),
            "profiles": {k: {kk: vv for kk, vv in v.items() if vv is not None} for k, v in self.profiles.items()},
        }
        data.update(self.extra)
        return data


_KNOWN = {
    "default_profile", "author", "language", "theme", "store_text_in_history", "hotkey",
    "close_to_tray", "autostart", "workspace_profiles", "profiles",
}


def load_settings() -> Settings:
    path = settings_path()
    if not path.exists():
        return Settings()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path} is not valid TOML ({exc}) — fix or delete it") from None
    settings = Settings()
    for key in _KNOWN:
        if key in data:
            setattr(settings, key, data[key])
    settings.extra = {k: v for k, v in data.items() if k not in _KNOWN}
    return settings


def save_settings(settings: Settings) -> None:
    with _lock:
        write_text(settings_path(), tomli_w.dumps(settings.to_toml()), force=True)
