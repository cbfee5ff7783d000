"""Hostile templates in the app: a .md opened from disk is reviewed before it is added and never
brings a hotkey; reserved shortcuts (copy, paste, ...) are refused; a template that would render
for ever does not freeze the Prompts workspace."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QObject

from ui.hotkeys.base import Chord, HotkeyBackend, HotkeyError, parse_chord, reserved_for

HOSTILE = Path(__file__).resolve().parents[1] / "hostile" / "templates"


@pytest.mark.parametrize("text", ["Ctrl+C", "ctrl+v", "Ctrl+X", "Ctrl+Z", "Ctrl+Shift+Z", "Ctrl+Y", "Ctrl+A",
                                  "Ctrl+S", "Ctrl+W", "Ctrl+Q", "Ctrl+F", "Ctrl+P", "Ctrl+N", "Ctrl+O",
                                  "Ctrl+Insert", "Alt+F4", "Alt+Tab"])
def test_reserved_shortcuts_are_refused_in_one_line(text: str) -> None:
    with pytest.raises(HotkeyError) as info:
        parse_chord(text)
    assert "reserved" in str(info.value) and "\n" not in str(info.value)


def test_reserved_shortcuts_per_platform() -> None:
    assert reserved_for(Chord("Space", ctrl=True), "darwin") == "Spotlight"  # ⌘Space
    assert reserved_for(Chord("H", ctrl=True), "darwin") == "hide"
    assert reserved_for(Chord("F4", alt=True), "win32") == "close window"
    assert reserved_for(Chord("Space", ctrl=True, alt=True), "linux") is None
    assert reserved_for(Chord("Space", ctrl=True, alt=True), "darwin") is None


class _Recording(HotkeyBackend):
    backend_name = "recording"

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.grabbed: list[str] = []

    def _grab(self, name: str, chord: Chord) -> None:
        self.grabbed.append(f"{name}={chord}")

    def _ungrab(self, name: str, chord: Chord) -> None:
        self.grabbed.remove(f"{name}={chord}")


def test_template_file_with_a_reserved_hotkey_is_never_grabbed(qapp: object) -> None:
    """A user template that already carries Ctrl+C (imported before the fix) fails in one line."""
    backend = _Recording()
    problems = backend.register_all({"quick": "Ctrl+Alt+Space", "template:mine.copy": "ctrl+c"})
    assert backend.grabbed == ["quick=Ctrl+Alt+Space"]
    assert len(problems) == 1 and "reserved for copy" in problems[0]


def test_opening_a_md_shows_it_for_review_before_adding(window: object, qtbot: object, tmp_path: Path) -> None:
    from copilot.prompts import get_template
    from copilot.prompts.library import user_path

    path = tmp_path / "from-a-colleague.md"
    shutil.copy(HOSTILE / "hotkey_copy.md", path)
    before = path.read_bytes()
    assert window.open_path(path)  # type: ignore[attr-defined]  # what File › Open and the socket call
    ws = window.workspaces["prompts"]  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: ws.review_dialog is not None and ws.review_dialog.isVisible(), timeout=30000)
    dialog = ws.review_dialog
    assert not user_path("hostile.hotkey_copy").exists()  # nothing added before the user agrees
    shown = dialog.text.toPlainText()
    assert "{{ text }}" in shown and "hotkey:" not in shown
    assert "hotkey" in dialog.note.text()
    dialog.add_button.click()
    qtbot.waitUntil(lambda: user_path("hostile.hotkey_copy").exists() and not ws.is_busy(), timeout=30000)
    assert get_template("hostile.hotkey_copy").spec.hotkey is None
    assert path.read_bytes() == before
    from PySide6.QtWidgets import QApplication, QMessageBox

    qtbot.waitUntil(lambda: any(isinstance(w, QMessageBox) and w.isVisible() for w in QApplication.topLevelWidgets()))
    box = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible())
    assert "hotkey" in box.detailedText()  # the user is told what was removed
    box.close()


def test_cancelled_review_adds_nothing(window: object, qtbot: object, tmp_path: Path) -> None:
    from copilot.prompts.library import user_path

    path = tmp_path / "x.md"
    shutil.copy(HOSTILE / "hotkey_copy.md", path)
    window.open_path(path)  # type: ignore[attr-defined]
    ws = window.workspaces["prompts"]  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: ws.review_dialog is not None and ws.review_dialog.isVisible(), timeout=30000)
    ws.review_dialog.reject()
    qtbot.wait(200)
    assert not user_path("hostile.hotkey_copy").exists()


def test_hostile_preview_never_blocks_the_window(window: object, qtbot: object) -> None:
    ws = window.show_workspace("prompts")  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: ws.list.count() > 0, timeout=60000)
    start = time.monotonic()
    ws.raw.setPlainText((HOSTILE / "dos_nested_loops.md").read_text(encoding="utf-8"))
    qtbot.waitUntil(lambda: ws.template is not None and ws.template.id == "hostile.dos_nested_loops", timeout=10000)
    ws.set_input("text", "hello")  # renders the preview again, now with every input
    returned = time.monotonic() - start
    qtbot.waitUntil(lambda: "took longer" in ws.preview_view.toPlainText(), timeout=15000)
    assert returned < 1.5, f"the editor blocked for {returned:.1f} s"
