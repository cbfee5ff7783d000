"""Paste-back safety: only into the window the text came from, never into a terminal (no Ctrl+C,
Ctrl+V or Return sent there), no recorded window → copy; the clipboard is restored only after the
program fetched the paste, and a program that fetches nothing keeps the result on the clipboard.

The desktop here is a recording stand-in for the OS (offscreen Qt cannot type into other programs);
the clipboard and the quick service are real. tests/ui/test_quick_xvfb.py drives a real X server."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtGui import QGuiApplication

from tests.ui.test_quick_window import _template
from ui.clipboard import Desktop, PasteFailed, paste_text
from ui.hotkeys import NullBackend

TERMINAL = 77
EDITOR = 42


class RecordingDesktop(Desktop):
    """Windows with classes; keystrokes recorded; Ctrl+C copies ``selection`` and Ctrl+V fetches the
    clipboard, as the focused program would (unless ``deaf``)."""

    kind = "recording"
    can_type = True

    def __init__(self, focused: int, selection: str = "", *, deaf: bool = False, focusable: bool = True) -> None:
        self.focused = focused
        self.selection = selection
        self.deaf = deaf
        self.focusable = focusable
        self.keys: list[tuple[int, str]] = []
        self.pasted: list[str] = []
        self.on_activate: Any = None

    def focused_window(self) -> int:
        return self.focused

    def window_classes(self, window: int) -> tuple[str, ...]:
        return {TERMINAL: ("gnome-terminal-server", "Gnome-terminal"), EDITOR: ("gedit", "Gedit")}.get(window, ())

    def activate(self, window: int) -> bool:
        if self.on_activate is not None:
            self.on_activate()
        if self.focusable:
            self.focused = window
        return self.focusable

    def send_keys(self, *combos: str) -> None:
        clipboard = QGuiApplication.clipboard()
        for combo in combos:
            self.keys.append((self.focused, combo))
            if combo == "ctrl+c" and self.selection:
                clipboard.setText(self.selection)
            elif combo == "ctrl+v" and not self.deaf:
                self.pasted.append(clipboard.text())


@pytest.fixture
def quick_templates(isolated_home: Any) -> None:
    from copilot.prompts import clear_cache, user_prompts_dir

    (user_prompts_dir() / "quick.upper.md").write_text(_template("quick.upper", "Upper"), encoding="utf-8")
    clear_cache()


def _service(qtbot: Any, profile: str, server: Any, target: Desktop) -> Any:
    from tests.fake_openai_server import last_user_text
    from ui.quick.service import QuickService
    from ui.runner import Runner

    server.set_default(lambda req: last_user_text(req).upper())
    svc = QuickService(Runner(), backend=NullBackend("no hotkeys in this test"), target=target, profile=profile)
    qtbot.addWidget(svc.window)
    return svc


def _close(svc: Any) -> None:
    svc.close()
    svc._runner.shutdown(3000)  # no worker thread may outlive the test


@pytest.fixture
def run_quick(qtbot: Any, fake_profile: str, fake_server: Any, quick_templates: None) -> Iterator[Any]:
    services: list[Any] = []

    def go(target: RecordingDesktop, action: str) -> tuple[Any, list[str], list[str]]:
        svc = _service(qtbot, fake_profile, fake_server, target)
        services.append(svc)
        states: list[str] = []
        messages: list[str] = []
        svc.sig_state.connect(states.append)
        svc.sig_message.connect(messages.append)
        svc.trigger()
        with qtbot.waitSignal(svc.sig_state, timeout=10000, check_params_cb=lambda s: s == "result"):
            svc.run("quick.upper")
        svc.window.buttons[action].click()
        return svc, states, messages

    yield go
    for svc in services:
        _close(svc)


@pytest.mark.parametrize("action", ["replace", "insert"])
def test_terminal_gets_no_keystroke_and_the_result_is_copied(run_quick: Any, action: str) -> None:
    QGuiApplication.clipboard().setText("rm -rf build")  # what the user copied from the terminal
    target = RecordingDesktop(TERMINAL, selection="SHOULD NOT BE COPIED BY CTRL+C")
    svc, states, messages = run_quick(target, action)
    assert svc.window.source_text() == "rm -rf build"
    assert target.keys == []  # no Ctrl+C (an interrupt), no Right+Return, no Ctrl+V
    assert states[-1] == "copied" and len(messages) == 1 and "terminal" in messages[0]
    assert QGuiApplication.clipboard().text() == "RM -RF BUILD"


def test_no_recorded_window_means_copy_not_paste(run_quick: Any) -> None:
    target = RecordingDesktop(0, selection="typed somewhere")
    _svc, states, _messages = run_quick(target, "replace")
    assert [combo for _, combo in target.keys] == ["ctrl+c"]  # capture only; nothing pasted
    assert states[-1] == "copied" and QGuiApplication.clipboard().text() == "TYPED SOMEWHERE"


def test_paste_goes_only_into_the_source_window_and_restores_after_the_fetch(run_quick: Any) -> None:
    target = RecordingDesktop(EDITOR, selection="make it loud")
    QGuiApplication.clipboard().setText("the user's clipboard")
    _svc, states, _ = run_quick(target, "replace")
    assert states[-1] == "replaced"
    assert target.keys[-1] == (EDITOR, "ctrl+v") and target.pasted == ["MAKE IT LOUD"]
    assert QGuiApplication.clipboard().text() == "the user's clipboard"


def test_paste_text_refuses_unknown_unfocusable_and_terminal_windows(qapp: Any) -> None:
    clipboard = QGuiApplication.clipboard()
    for window, desktop, words in ((0, RecordingDesktop(EDITOR), "no window"),
                                   (TERMINAL, RecordingDesktop(TERMINAL), "terminals"),
                                   (EDITOR, RecordingDesktop(5, focusable=False), "gone")):
        clipboard.setText("before")
        with pytest.raises(PasteFailed, match=words):
            paste_text("RESULT", window, desktop)
        assert desktop.keys == [] and desktop.pasted == []


def test_a_program_that_takes_nothing_keeps_the_result_on_the_clipboard(qapp: Any) -> None:
    clipboard = QGuiApplication.clipboard()
    clipboard.setText("before")
    deaf = RecordingDesktop(EDITOR, deaf=True)
    # A clipboard manager fetching the moment the result is set does not count as the paste.
    deaf.on_activate = lambda: clipboard.text()
    with pytest.raises(PasteFailed, match="on the clipboard"):
        paste_text("RESULT", EDITOR, deaf, wait_s=0.3)
    assert deaf.keys == [(EDITOR, "ctrl+v")]
    assert clipboard.text() == "RESULT"  # a late paste gets the result, never the old clipboard
