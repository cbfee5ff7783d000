"""User settings in ``settings.toml`` under the config dir. Never holds a key."""

from __future__ import annotations

import contextlib
import marshal
import threading
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from copilot.errors import ConfigError
from copilot.paths import cache_dir, config_dir

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
    request_deadline: float = 600.0
    """Seconds one model request may take in all, however the server trickles its reply."""
    quick_deadline: float = 60.0
    """The same for the quick actions (hotkey window), where someone is waiting for the text."""
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
            "request_deadline": self.request_deadline,
            "quick_deadline": self.quick_deadline,
            "workspace_profiles": dict(self.workspace_profiles),
            "profiles": {k: {kk: vv for kk, vv in v.items() if vv is not None} for k, v in self.profiles.items()},
        }
        data.update(self.extra)
        return data


_KNOWN = {
    "default_profile", "author", "language", "theme", "store_text_in_history", "hotkey",
    "close_to_tray", "autostart", "workspace_profiles", "profiles", "request_deadline", "quick_deadline",
}


def load_settings() -> Settings:
    path = settings_path()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Settings()
    except OSError as exc:
        raise ConfigError(f"{path} cannot be read ({exc.strerror or exc}) — check its permissions") from None
    data = _read(path, raw)
    settings = Settings()
    for key in _KNOWN:
        if key in data:
            setattr(settings, key, data[key])
    settings.extra = {k: v for k, v in data.items() if k not in _KNOWN}
    return settings


# Parsed settings, keyed by the file's content. Importing tomllib and parsing cost ~15 ms, a tenth
# of the app's start-up; the app and every CLI command load settings first. A marshal copy in the
# cache dir (and this process's last one) is used while settings.toml's bytes are unchanged.
# Settings never hold a key, so the copy holds nothing secret; marshal gives each caller its own
# objects.
_CACHE_VERSION = 1
_Identity = tuple[int, int, int]
_memo: tuple[_Identity, bytes] | None = None


def _cache_file() -> Path:
    return cache_dir() / "settings.marshal"


def _read(path: Path, raw: bytes) -> dict[str, Any]:
    global _memo
    identity: _Identity = (_CACHE_VERSION, zlib.crc32(raw), len(raw))
    if _memo is not None and _memo[0] == identity:
        return dict(marshal.loads(_memo[1]))
    with contextlib.suppress(OSError, EOFError, ValueError, TypeError):
        cached_identity, blob = marshal.loads(_cache_file().read_bytes())
        if cached_identity == identity:
            _memo = (identity, blob)
            return dict(marshal.loads(blob))
    data = _parse(path, raw)
    try:
        blob = marshal.dumps(data)
    except ValueError:
        return data  # a value marshal cannot hold (a TOML date in a section of its own): no cache
    _memo = (identity, blob)
    from copilot.atomic import write_bytes

    with contextlib.suppress(OSError):
        write_bytes(_cache_file(), marshal.dumps((identity, blob)), force=True)
    return data


def _parse(path: Path, raw: bytes) -> dict[str, Any]:
    import tomllib

    try:
        return tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path} is not valid TOML ({exc}) — fix or delete it") from None


def save_settings(settings: Settings) -> None:
    import tomli_w

    from copilot.atomic import write_text

    with _lock:
        write_text(settings_path(), tomli_w.dumps(settings.to_toml()), force=True)
