"""The Settings key-sequence editor: one chord, validated as typed, a Default button."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from ui.hotkeys.edit import DEFAULT_HOTKEY, HotkeyEdit
from ui.hotkeys.wayland import wayland_explanation


def test_hotkey_edit_typing_validation_and_default(qtbot: Any) -> None:
    edit = HotkeyEdit(explanation=wayland_explanation())
    qtbot.addWidget(edit)
    edit.set_value(DEFAULT_HOTKEY)
    assert edit.value() == "Ctrl+Alt+Space" and edit.is_valid()
    assert "desk-copilot quick" in edit.note.text()
    with qtbot.waitSignal(edit.sig_changed) as changed:
        qtbot.keyClick(edit.edit, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
    assert changed.args == ["Ctrl+Alt+K"]
    assert edit.value() == "Ctrl+Alt+K"
    edit.set_value("Shift+A")  # would swallow typing: refused with a one-line reason
    assert not edit.is_valid()
    assert "needs Ctrl, Alt or Meta" in edit.problem.text() and "\n" not in edit.problem.text()
    with qtbot.waitSignal(edit.sig_changed) as changed:
        edit.reset.click()
    assert changed.args == ["Ctrl+Alt+Space"] and edit.is_valid()
