"""The main window's column of workspace buttons."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSize, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QFrame, QPushButton, QVBoxLayout, QWidget

__all__ = ["WorkspaceSwitcher"]


class WorkspaceSwitcher(QFrame):
    """The column of workspace buttons on the left: one checked at a time, rows by index.

    Plain checkable QPushButtons rather than a QListWidget: the item-view machinery costs ~5 ms
    of start-up before the first paint, and five fixed entries need none of it."""

    currentRowChanged = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("workspaceList")
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 8, 0, 8)
        self._layout.setSpacing(2)
        self._layout.addStretch(1)
        self._buttons: list[QPushButton] = []
        self._current = -1
        self._icon_size = QSize(22, 22)

    def add(self, item_icon: QIcon, text: str) -> QPushButton:
        button = QPushButton(item_icon, text, self)
        button.setCheckable(True)
        button.setFlat(True)
        button.setIconSize(self._icon_size)
        row = len(self._buttons)
        button.clicked.connect(lambda _checked=False, r=row: self.setCurrentRow(r))
        self._layout.insertWidget(row, button)
        self._buttons.append(button)
        return button

    def item(self, row: int) -> QPushButton:
        return self._buttons[row]

    def count(self) -> int:
        return len(self._buttons)

    def currentRow(self) -> int:
        return self._current

    def setCurrentRow(self, row: int) -> None:
        if not 0 <= row < len(self._buttons):
            return
        for i, button in enumerate(self._buttons):
            button.setChecked(i == row)
        if row != self._current:
            self._current = row
            self.currentRowChanged.emit(row)

    def setFocusPolicy(self, policy: Any) -> None:
        super().setFocusPolicy(policy)
        for button in self._buttons:
            button.setFocusPolicy(policy)
