"""A key-sequence editor for the Settings dialog: one chord, checked as it is typed.

    edit = HotkeyEdit(parent)
    edit.set_value(settings.hotkey)          # "Ctrl+Alt+Space"
    form.addRow(tr("Quick-action hotkey"), edit)
    ...
    if edit.is_valid(): settings.hotkey = edit.value()

The app re-registers the hotkey by itself when settings.toml changes (ui.tray watches it); a
registration problem (a conflict) then appears as a one-line tray message. On Wayland the
editor says why there is no global hotkey and what to bind instead.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QKeySequenceEdit, QLabel, QPushButton, QVBoxLayout, QWidget

from ui.hotkeys.base import HotkeyError, parse_chord

__all__ = ["DEFAULT_HOTKEY", "HotkeyEdit"]

DEFAULT_HOTKEY = "Ctrl+Alt+Space"


class HotkeyEdit(QWidget):
    sig_changed = Signal(str)
    """A new valid chord was entered (portable text, e.g. "Ctrl+Alt+K")."""

    def __init__(self, parent: QWidget | None = None, *, explanation: str = "") -> None:
        super().__init__(parent)
        self.edit = QKeySequenceEdit(self)
        self.edit.setObjectName("hotkeyEdit")
        self.edit.setMaximumSequenceLength(1)
        self.reset = QPushButton(self)
        self.reset.setObjectName("hotkeyReset")
        self.problem = QLabel(self)
        self.problem.setObjectName("hotkeyProblem")
        self.problem.setWordWrap(True)
        self.problem.hide()
        self.note = QLabel(explanation, self)
        self.note.setObjectName("hotkeyNote")
        self.note.setWordWrap(True)
        self.note.setVisible(bool(explanation))
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addWidget(self.reset)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.problem)
        layout.addWidget(self.note)
        self.edit.keySequenceChanged.connect(self._on_edit_changed)
        self.reset.clicked.connect(lambda: self.set_value(DEFAULT_HOTKEY, emit=True))
        self.retranslate()

    def retranslate(self) -> None:
        self.reset.setText(self.tr("Default"))
        self.edit.setToolTip(self.tr("Press the new shortcut, e.g. Ctrl+Alt+Space"))

    def value(self) -> str:
        return self.edit.keySequence().toString(QKeySequence.SequenceFormat.PortableText)

    def set_value(self, text: str, *, emit: bool = False) -> None:
        self.edit.blockSignals(True)
        self.edit.setKeySequence(QKeySequence.fromString(text, QKeySequence.SequenceFormat.PortableText))
        self.edit.blockSignals(False)
        self._check(emit)

    def is_valid(self) -> bool:
        try:
            parse_chord(self.value())
        except HotkeyError:
            return False
        return True

    def _on_edit_changed(self, _sequence: QKeySequence) -> None:
        self._check(True)

    def _check(self, emit: bool) -> None:
        try:
            chord = parse_chord(self.value())
        except HotkeyError as exc:
            self.problem.setText(str(exc))
            self.problem.show()
            return
        self.problem.hide()
        if emit:
            self.sig_changed.emit(str(chord))
