"""``desk-copilot quick [--template ID]``: reaches the running instance over its local socket and
opens the quick window there; with no instance it fails in one line with exit status 1."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from tests.conftest import ROOT


def _quick_command(*args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "ui.launcher", "quick", *args], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_quick_without_a_running_instance_is_one_line_exit_1(isolated_home: Any) -> None:
    proc = _quick_command()
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1
    assert out == ""
    lines = [line for line in err.splitlines() if line.strip()]
    assert lines == ["desk-copilot quick: Desk Copilot is not running — start it first (desk-copilot), "
                     "then use the shortcut again"]


@pytest.fixture
def running_app(qtbot: Any, fake_profile: str, fake_server: Any, isolated_home: Any,
                monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The app's single-instance server and the tray plug-in, in this process (no main window)."""
    for var in ("DISPLAY", "WAYLAND_DISPLAY", "XDG_SESSION_TYPE"):
        monkeypatch.delenv(var, raising=False)  # never grab keys on a developer's real desktop
    from copilot.prompts import clear_cache, user_prompts_dir
    from copilot.settings import load_settings, save_settings
    from tests.fake_openai_server import last_user_text
    from ui import tray
    from ui.app import DeskApp
    from ui.single_instance import SingleInstance

    settings = load_settings()
    settings.workspace_profiles["quick"] = fake_profile
    save_settings(settings)
    (user_prompts_dir() / "quick.upper.md").write_text(textwrap.dedent("""\
        ---
        id: quick.upper
        name: {zh: 大写, en: Upper case}
        category: quick
        output: replace
        inputs:
          text: {type: text, source: selection}
        ---
        user:
        {{ text }}
        """), encoding="utf-8")
    clear_cache()
    fake_server.set_default(lambda req: last_user_text(req).upper())
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    server = SingleInstance()
    assert server.listen()
    desk = DeskApp(app, server)
    tray.install(desk)
    yield desk
    tray._shutdown(desk.quick, desk.tray)
    desk.shutdown()
    desk.tray.menu.deleteLater()


def _wait_process(qtbot: Any, proc: subprocess.Popen[str]) -> tuple[str, str]:
    # The event loop must run while the command talks to us.
    qtbot.waitUntil(lambda: proc.poll() is not None, timeout=60000)
    return proc.communicate(timeout=10)


def test_quick_command_triggers_the_running_instance(running_app: Any, qtbot: Any) -> None:
    desk = running_app
    assert desk.has_handler("quick") and desk.has_handler("settings-changed")
    QGuiApplication.clipboard().setText("from the command")  # offscreen: the capture reads the clipboard
    states: list[str] = []
    desk.quick.sig_state.connect(states.append)
    with qtbot.waitSignal(desk.sig_message, timeout=60000) as got:
        proc = _quick_command("--template", "quick.upper")
        _out, err = _wait_process(qtbot, proc)
    assert proc.returncode == 0, err
    assert got.args[0] == {"cmd": "quick", "template": "quick.upper"}
    qtbot.waitUntil(lambda: "result" in states, timeout=10000)
    window = desk.quick.window
    assert window.isVisible() and window.windowTitle() == "Desk Copilot — Quick action"
    assert window.result_text() == "FROM THE COMMAND"
    window.hide()

    with qtbot.waitSignal(desk.sig_message, timeout=60000) as got:
        proc = _quick_command()
        _wait_process(qtbot, proc)
    assert got.args[0] == {"cmd": "quick", "template": None}
    assert window.isVisible() and window.source_text() == "from the command"
    window.hide()


def test_settings_changes_reregister_hotkeys_and_pause(running_app: Any, qtbot: Any) -> None:
    from copilot.settings import load_settings, save_settings

    desk = running_app
    settings = load_settings()
    settings.hotkey = "Ctrl+Alt+K"
    save_settings(settings)  # the settings folder is watched: no message needed
    qtbot.waitUntil(lambda: "Ctrl+Alt+K" in desk.tray.act_quick.text(), timeout=10000)
    settings.hotkey = "Ctrl+Alt+J"
    save_settings(settings)
    desk.dispatch({"cmd": "settings-changed"})  # ... and the explicit message works too
    assert "Ctrl+Alt+J" in desk.tray.act_quick.text()
    desk.tray.act_pause.trigger()
    assert desk.quick.backend.paused
    desk.tray.act_pause.trigger()
    assert not desk.quick.backend.paused
