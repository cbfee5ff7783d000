"""Where knowledge bases live and which exist: cheap enough for the UI thread (no numpy, no SQLite)."""

from __future__ import annotations

from pathlib import Path

from copilot.paths import data_dir

__all__ = ["kb_dir", "kb_names"]


def kb_dir() -> Path:
    path = data_dir() / "kb"
    path.mkdir(parents=True, exist_ok=True)
    return path


def kb_names() -> list[str]:
    return sorted(p.stem for p in kb_dir().glob("*.sqlite"))
