"""Wayland: detection, and why there is no global hotkey there.

Wayland compositors do not let an application grab keys for the whole desktop (X11-style grabs
through XWayland only see keys while an XWayland window has focus). The way that works on every
compositor is a desktop shortcut the user binds to a command: ``desk-copilot quick`` (or
``desk-copilot quick --template ID``) tells the running instance, over its local socket, to open
the quick window.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from PySide6.QtCore import QCoreApplication, QObject

from ui.hotkeys.base import NullBackend

__all__ = ["WaylandBackend", "is_wayland", "wayland_explanation"]


def is_wayland(env: Mapping[str, str] | None = None) -> bool:
    """True in a Wayland session (``XDG_SESSION_TYPE=wayland`` or ``WAYLAND_DISPLAY`` set)."""
    env = os.environ if env is None else env
    if env.get("XDG_SESSION_TYPE", "").strip().lower() == "wayland":
        return True
    return bool(env.get("WAYLAND_DISPLAY", "").strip())


def wayland_explanation() -> str:
    return QCoreApplication.translate(
        "Hotkeys",
        "Wayland does not allow applications to grab global keys. Bind the command "
        "`desk-copilot quick` (or `desk-copilot quick --template ID`) to a shortcut in your "
        "desktop's keyboard settings; it opens the quick window of the running Desk Copilot.")


class WaylandBackend(NullBackend):
    """Registers nothing; every registration fails with the explanation above (one line)."""

    backend_name = "wayland"

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(wayland_explanation(), parent)
