"""Opening a legacy .doc/.ppt in the app: offer to convert a copy with LibreOffice, then open the copy.

    if is_legacy_document(path):
        offer_conversion(window, path)   # a question box; on Yes the conversion runs in the background

The original is never changed; the converted copy is written beside it (``memo.converted.docx``),
so the workspace's outputs land there too. Without LibreOffice: a one-line banner naming the fix.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox

from copilot.cancel import CancelToken
from copilot.events import Done, Event, Started

__all__ = ["is_legacy_document", "offer_conversion"]

_DOCUMENTS = {".doc": ".docx", ".ppt": ".pptx"}  # .xls is read as it is by the Excel workspace


def is_legacy_document(path: Path) -> bool:
    return path.suffix.lower() in _DOCUMENTS


def offer_conversion(window: Any, path: Path, then: Callable[[Path], object] | None = None) -> bool:
    """Ask (non-blocking) to convert ``path``; True when the question was shown. The converted copy
    goes to ``then`` (the PowerPoint workspace's source picker), or is opened like any file."""
    from copilot.documents.legacy import soffice

    modern = _DOCUMENTS[path.suffix.lower()]
    if soffice() is None:
        window.show_error(QCoreApplication.translate(
            "LegacyOpen", "%1 is a legacy Office file: install LibreOffice to convert a copy, or save it as %2 in Office")
            .replace("%1", path.name).replace("%2", modern))
        return False
    question = QCoreApplication.translate(
        "LegacyOpen", "%1 is in an old Office format. Convert a copy to %2 with LibreOffice and open it? "
                      "The original is not changed.").replace("%1", path.name).replace("%2", modern)
    box = QMessageBox(QMessageBox.Icon.Question, QCoreApplication.translate("LegacyOpen", "Legacy File"), question,
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, window)
    box.setObjectName("legacyConvert")
    window.legacy_dialog = box

    def convert(cancel: CancelToken) -> Iterator[Event]:
        from copilot.documents.legacy import convert_beside

        yield Started("convert", None)
        yield Done(convert_beside(path))

    def opened(result: object) -> None:
        if isinstance(result, Path):
            done = QCoreApplication.translate("LegacyOpen", "Converted a copy: %1").replace("%1", result.name)
            window.statusBar().showMessage(done, 10000)
            (then or window.open_path)(result)

    def chosen(button: int) -> None:
        if button == QMessageBox.StandardButton.Yes:
            window.runner.start("convert", convert, on_done=opened, on_error=lambda exc: window.show_error(str(exc)))

    box.finished.connect(chosen)
    box.open()
    return True
