"""The one-line notice above the workspaces while the embedded SmolLM2-135M demo model is active,
with a button to the model chooser (the status bar marks the same model "demo-grade")."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from ui.theme import banner_style

__all__ = ["DemoNotice"]


class DemoNotice(QFrame):
    """One line above the workspace while it uses the embedded SmolLM2-135M demo model, with a
    button to the model chooser (the status bar marks the same model "demo-grade")."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("demoNotice")
        self.setStyleSheet(banner_style())
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 4, 6, 4)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.button = QPushButton()
        layout.addWidget(self.label, 1)
        layout.addWidget(self.button)
        self.hide()

    def retranslate(self) -> None:
        self.label.setText(QCoreApplication.translate(
            "MainWindow", "Demo model: the embedded SmolLM2-135M is for trying the app and is weak at real "
                          "documents."))
        self.button.setText(QCoreApplication.translate("MainWindow", "Choose a model…"))
