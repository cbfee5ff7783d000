"""Whether closing the main window quits the app or leaves it in the tray."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

__all__ = ["apply_close_policy", "quit_on_close"]


def quit_on_close(close_to_tray: bool, tray_available: bool | None = None) -> bool:
    """Whether closing the main window quits the app: it stays in the tray only when the user asked
    for that (Settings.close_to_tray) AND there is a tray to get it back from."""
    if tray_available is None:
        from PySide6.QtWidgets import QSystemTrayIcon

        tray_available = QSystemTrayIcon.isSystemTrayAvailable()
    return not (close_to_tray and tray_available)


def apply_close_policy(qapp: QApplication, close_to_tray: bool | None = None) -> bool:
    """Set ``quitOnLastWindowClosed`` from the setting (read when not given); returns the value set."""
    if close_to_tray is None:
        from copilot.errors import CopilotError
        from copilot.settings import Settings, load_settings

        try:
            close_to_tray = load_settings().close_to_tray
        except CopilotError:
            close_to_tray = Settings().close_to_tray
    quit_ = quit_on_close(bool(close_to_tray))
    qapp.setQuitOnLastWindowClosed(quit_)
    return quit_
