"""The app's last line of defence: unhandled exceptions are logged with their traceback and shown
as one line (the main window's banner, or a message box before it exists); they never close the app."""

from __future__ import annotations

import logging
import sys
from types import TracebackType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ui.app import DeskApp

__all__ = ["install_excepthook"]

log = logging.getLogger("ui.app")


def install_excepthook(desk: DeskApp) -> None:
    """Log unhandled exceptions with their traceback and show them; never let them close the app."""
    showing = [False]

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            desk.qapp.quit()
            return
        from copilot.logsetup import redacted_traceback

        log.critical("unhandled exception", exc_info=(exc_type, exc, tb))  # the log filter redacts
        sys.stderr.write(redacted_traceback(exc.with_traceback(tb)))
        if showing[0]:
            return
        showing[0] = True
        try:
            from ui.workspaces.base import error_text

            text = error_text(exc)
            window = desk.window
            if window is not None and window.isVisible():
                window.show_error(text, internal=True)
            else:
                from PySide6.QtWidgets import QMessageBox

                QMessageBox.critical(None, "Desk Copilot", text)
        finally:
            showing[0] = False

    sys.excepthook = hook
