"""Review before adding: a prompt file opened from disk is shown in full before it joins the library.

A template is sent to the model whenever it is used, so a file from elsewhere (File › Open, a file
association, another instance handing a path over) is untrusted: the user reads exactly what would
be added — hotkeys already removed, skipped items with their reason — and chooses to add it or not.

    dialog = ImportReviewDialog(preview, parent)    # copilot.prompts.transfer.ImportPreview
    dialog.accepted.connect(lambda: add(preview))   # imports the reviewed texts, not the file again
    dialog.open()
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from copilot.prompts.transfer import ImportPreview

__all__ = ["ImportReviewDialog"]


class ImportReviewDialog(QDialog):
    def __init__(self, preview: ImportPreview, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("importReview")
        self.preview = preview
        self._items = preview.items()
        addable = sum(1 for _, text, _ in self._items if text is not None)
        self.setWindowTitle(self.tr("Review Before Adding"))
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        self.intro.setText(
            self.tr("%1 comes from outside your library. Read it before adding: a template's text is sent to "
                    "the model each time you use it. Hotkeys are never taken from a file.")
            .replace("%1", preview.source.name))
        self.list = QListWidget(self)
        self.list.setObjectName("importReviewItems")
        for label, text, why in self._items:
            self.list.addItem(label if text is not None else self.tr("%1 (skipped: %2)").replace("%1", label)
                              .replace("%2", why or ""))
        self.text = QPlainTextEdit(self)
        self.text.setObjectName("importReviewText")
        self.text.setReadOnly(True)
        self.note = QLabel(self)
        self.note.setObjectName("importReviewNote")
        self.note.setWordWrap(True)
        split = QSplitter(self)
        split.addWidget(self.list)
        split.addWidget(self.text)
        split.setSizes([200, 520])
        self.buttons = QDialogButtonBox(self)
        self.add_button = QPushButton(self.tr("Add to Library"), self)
        self.add_button.setObjectName("importReviewAdd")
        self.add_button.setEnabled(addable > 0)
        self.buttons.addButton(self.add_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(split, 1)
        layout.addWidget(self.note)
        layout.addWidget(self.buttons)
        self.list.currentRowChanged.connect(self._show)
        self.resize(760, 480)
        if self._items:
            self.list.setCurrentRow(0)

    def _show(self, row: int) -> None:
        if not 0 <= row < len(self._items):
            return
        _label, text, why = self._items[row]
        self.text.setPlainText(text if text is not None else "")
        self.note.setText(why or "")
        self.note.setVisible(bool(why))
