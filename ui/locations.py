"""Following a knowledge-base citation from the main window: the file opens in its workspace at
the paragraph or slide, or with the system's viewer (PDF, Markdown, text, anything else)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ui.main_window import MainWindow

__all__ = ["open_location"]

_IN_APP = ("word", "excel", "powerpoint")


def open_location(window: MainWindow, file: str, locator: dict[str, Any]) -> None:
    path = Path(file)
    key = window.workspace_key_for(path)
    if key not in _IN_APP or not path.exists():
        from PySide6.QtCore import QCoreApplication, QUrl
        from PySide6.QtGui import QDesktopServices

        if not path.exists() or not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            window.show_error(QCoreApplication.translate("MainWindow", "%1 cannot be opened — check that it still "
                                                                       "exists").replace("%1", str(path)))
        return
    ws = window.workspaces.get(key)
    if ws is None or ws.current_path != path:
        if not window.open_path(path):
            return
        ws = window.workspaces.get(key)
    else:
        window.show_workspace(key)
    if ws is not None:
        ws.reveal(locator)
