"""Global hotkeys: one backend per desktop, chosen by ``create_backend``.

    backend = create_backend(parent)
    backend.sig_activated.connect(on_hotkey)        # name of the hotkey pressed
    problems = backend.register_all({"quick": "Ctrl+Alt+Space", "template:polish.formal": "ctrl+alt+f"})

Every failure is one line (``HotkeyError``); on Wayland and without a display the backend
registers nothing and its ``explanation()`` says what to do instead (``desk-copilot quick``).
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Mapping

from PySide6.QtCore import QCoreApplication, QObject

from ui.hotkeys.base import (
    Chord,
    HotkeyBackend,
    HotkeyConflict,
    HotkeyError,
    HotkeyUnavailable,
    NullBackend,
    parse_chord,
)
from ui.hotkeys.wayland import WaylandBackend, is_wayland, wayland_explanation

__all__ = [
    "Chord",
    "HotkeyBackend",
    "HotkeyConflict",
    "HotkeyError",
    "HotkeyUnavailable",
    "NullBackend",
    "WaylandBackend",
    "create_backend",
    "is_wayland",
    "parse_chord",
    "session_kind",
    "wayland_explanation",
]

log = logging.getLogger(__name__)


def session_kind(env: Mapping[str, str] | None = None, platform: str | None = None) -> str:
    """"windows", "macos", "wayland", "x11" or "none" (no display at all)."""
    env = os.environ if env is None else env
    platform = platform or sys.platform
    if platform == "win32":
        return "windows"
    if platform == "darwin":
        return "macos"
    if is_wayland(env):
        return "wayland"
    return "x11" if env.get("DISPLAY") else "none"


def create_backend(parent: QObject | None = None, env: Mapping[str, str] | None = None,
                   platform: str | None = None) -> HotkeyBackend:
    """The backend for this desktop. Never raises: a backend that cannot work is a NullBackend
    whose registrations fail with the reason."""
    kind = session_kind(env, platform)
    try:
        if kind == "wayland":
            return WaylandBackend(parent)
        if kind == "x11":
            from ui.hotkeys.x11 import X11Backend

            return X11Backend(parent, (env or os.environ).get("DISPLAY"))
        if kind == "windows":
            from ui.hotkeys.windows import WindowsBackend

            return WindowsBackend(parent)
        if kind == "macos":
            from ui.hotkeys.macos import MacBackend

            return MacBackend(parent)
    except ImportError as exc:
        return NullBackend(QCoreApplication.translate(
            "Hotkeys", "global hotkeys need {0} (pip install python-xlib)").format(exc.name or exc), parent)
    except HotkeyError as exc:
        return NullBackend(str(exc), parent)
    return NullBackend(QCoreApplication.translate(
        "Hotkeys", "no display found (DISPLAY is not set) — global hotkeys are off; "
        "use `desk-copilot quick` instead"), parent)
