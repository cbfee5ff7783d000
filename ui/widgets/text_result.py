"""A read-only "Quick action result" window owned by the main window ("Open in app" from the
quick window): the result, the original selection, Copy and Close. Nothing is saved anywhere."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

__all__ = ["TextResultDialog"]


class TextResultDialog(QDialog):
    def __init__(self, text: str, source: str = "", template: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("TextResultDialog")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(640, 460)
        self.template = template
        self.template_label = QLabel()
        self.template_label.setVisible(bool(template))
        self.result_label = QLabel()
        self.result_edit = QPlainTextEdit(text)
        self.result_edit.setReadOnly(True)
        self.result_edit.setObjectName("quickResultText")
        self.source_label = QLabel()
        self.source = QPlainTextEdit(source)
        self.source.setReadOnly(True)
        self.source.setObjectName("quickSourceText")
        for w in (self.source_label, self.source):
            w.setVisible(bool(source))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton()
        self.buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.template_label)
        layout.addWidget(self.result_label)
        layout.addWidget(self.result_edit, 2)
        layout.addWidget(self.source_label)
        layout.addWidget(self.source, 1)
        layout.addWidget(self.buttons)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Quick action result"))
        self.template_label.setText(self.tr("Template: %1").replace("%1", self.template))
        self.result_label.setText(self.tr("Result"))
        self.source_label.setText(self.tr("Original text"))
        self.copy_button.setText(self.tr("Copy"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def text(self) -> str:
        return self.result_edit.toPlainText()

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.text())
