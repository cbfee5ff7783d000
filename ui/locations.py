"""The main window's part in the knowledge base: a citation opens its file in its workspace at the
paragraph or slide, or with the system's viewer (PDF, Markdown, text, anything else); "Ask about
this document" in Word and PowerPoint goes to the Knowledge workspace scoped to that file."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ui.main_window import MainWindow
    from ui.workspaces.base import Workspace

__all__ = ["open_location", "wire_knowledge"]

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


def wire_knowledge(window: MainWindow, ws: Workspace) -> None:
    """Connect a new workspace's knowledge-base signals, if it has any."""
    opener = getattr(ws, "sig_open_location", None)
    if opener is not None:
        opener.connect(lambda file, loc: open_location(window, file, loc))
    asker = getattr(ws, "sig_ask_document", None)
    if asker is not None:
        asker.connect(lambda file: ask_about_document(window, file))


def ask_about_document(window: MainWindow, file: str) -> None:
    knowledge = window.show_workspace("knowledge")
    ask_about = getattr(knowledge, "ask_about", None)
    if ask_about is not None:
        ask_about(Path(file))
