"""Main window: files routed by type, menus and shortcuts, banner, recent files, drag and drop,
language switch, closing with a job running, excepthook, single-instance handoff."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.fake_openai_server import FakeOpenAIServer
from tests.ui.conftest import make_docx
from ui.app import DeskApp
from ui.main_window import MainWindow
from ui.workspaces.base import Workspace
from ui.workspaces.prompts import PromptsWorkspace
from ui.workspaces.word import WordWorkspace

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def _first(kind: str) -> Path:
    files = sorted((CORPUS / kind).glob(f"*.{kind}"))
    if not files:
        pytest.skip(f"no {kind} in the corpus")
    return files[0]


def _wait_idle(qtbot: QtBot, ws: Workspace, timeout: int = 10000) -> None:
    qtbot.waitUntil(lambda: not ws.is_busy(), timeout=timeout)


def test_each_kind_of_file_opens_in_its_workspace(window: MainWindow, tmp_path: Path, qtbot: QtBot) -> None:
    docx = make_docx(tmp_path / "a.docx", ["Hello there."])
    code = tmp_path / "a.py"
    code.write_text("print('hi')\n", encoding="utf-8")
    prompt = tmp_path / "mine.md"
    prompt.write_text("---\nid: mine.hello\nname: Hello\ncategory: mine\ninputs: {text: {type: text}}\n---\n"
                      "user:\n{{ text }}\n", encoding="utf-8")
    cases = {"word": docx, "excel": _first("xlsx"), "powerpoint": _first("pptx"), "code": code, "prompts": prompt}
    for key, path in cases.items():
        assert window.open_path(path), window.banner.text()
        assert window.current_key() == key
        _wait_idle(qtbot, window.workspaces[key], 60000)
    prompts_ws = window.workspaces["prompts"]
    assert isinstance(prompts_ws, PromptsWorkspace)
    review = prompts_ws.review_dialog
    assert review is not None and review.isVisible()  # a prompt file is reviewed before it is added
    review.close()
    assert window.recent_files()[0] == str(prompt.resolve())


def test_unknown_file_shows_banner(window: MainWindow, tmp_path: Path) -> None:
    path = tmp_path / "notes.xyz"
    path.write_text("x", encoding="utf-8")
    assert not window.open_path(path)
    assert "notes.xyz" in window.banner.text()


def test_menus_and_shortcuts(window: MainWindow, qtbot: QtBot) -> None:
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles == ["&File", "&Edit", "&View", "&Tools", "&Help"]
    # Shortcuts are installed right after the first paint (start-up time, see ui.main_window).
    qtbot.waitUntil(lambda: not window.act_open.shortcut().isEmpty(), timeout=5000)
    assert window.act_open.shortcut().toString() == "Ctrl+O"
    assert window.act_save.shortcut().toString() == "Ctrl+S"
    assert window.act_cancel.shortcut().toString() == "Esc"
    assert "Ctrl+Return" in [s.toString() for s in window.act_run.shortcuts()]
    assert window.windowTitle() == "Desk Copilot"


def test_drag_and_drop_opens(window: MainWindow, tmp_path: Path) -> None:
    path = make_docx(tmp_path / "dropped.docx", ["Dropped."])
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(QPoint(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)
    assert window.current_key() == "word"
    assert window.workspaces["word"].current_path == path


def test_language_switch_changes_visible_texts(window: MainWindow, qtbot: QtBot) -> None:
    word = window.workspace("word")
    assert isinstance(word, WordWorkspace)
    assert word.run_button.text() == "Polish"
    window.set_language("zh_CN")
    qtbot.wait(50)
    assert window.menu_file.title() == "文件(&F)"
    assert word.run_button.text() == "润色"
    assert window.switcher.item(4).text() == "提示词"
    from copilot.settings import load_settings

    assert load_settings().language == "zh_CN"
    window.set_language("en")
    qtbot.wait(50)
    assert word.run_button.text() == "Polish" and window.menu_file.title() == "&File"


def test_theme_switch_persists(window: MainWindow) -> None:
    from PySide6.QtWidgets import QApplication

    from copilot.settings import load_settings

    window.set_theme("dark")
    assert load_settings().theme == "dark"
    assert QApplication.palette().window().color().lightness() < 100
    window.set_theme("light")
    assert QApplication.palette().window().color().lightness() > 150


def test_close_with_running_job_asks_and_cancels(window: MainWindow, qtbot: QtBot, fake_server: FakeOpenAIServer,
                                                 tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QMessageBox

    fake_server.latency = 2.0
    window.open_path(make_docx(tmp_path / "a.docx", ["Please read the draft."]))
    ws = window.workspaces["word"]
    qtbot.waitUntil(lambda: not ws.is_busy(), timeout=30000)
    ws.run()
    asked: list[str] = []

    def answer(*args: object, **kw: object) -> QMessageBox.StandardButton:
        asked.append(str(args[2]))
        return QMessageBox.StandardButton.No if len(asked) == 1 else QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    assert not window.close()
    assert window.isVisible() and ws.is_busy()
    assert window.close()
    assert len(asked) == 2 and "Word" in asked[0]
    assert not ws.is_busy()


def test_excepthook_logs_and_shows(desk: DeskApp, window: MainWindow, monkeypatch: pytest.MonkeyPatch,
                                   isolated_home: Path) -> None:
    import logging

    from ui.excepthook import install_excepthook

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    install_excepthook(desk)
    try:
        raise ValueError("boom in a slot")
    except ValueError:
        sys.excepthook(*sys.exc_info())
    assert "boom in a slot" in window.banner.text()
    for handler in logging.getLogger().handlers:
        handler.flush()
    log = (isolated_home / "logs" / "desk-copilot.log").read_text(encoding="utf-8")
    assert "boom in a slot" in log and "Traceback" in log


def test_dispatch_and_hooks(desk: DeskApp) -> None:
    got: list[dict[str, object]] = []
    desk.add_handler("quick", got.append)
    assert desk.dispatch({"cmd": "quick", "template": "polish.formal"})
    assert got == [{"cmd": "quick", "template": "polish.formal"}]
    assert not desk.dispatch({"cmd": "nope"})


def test_single_instance_handoff(desk: DeskApp, qtbot: QtBot, tmp_path: Path) -> None:
    """A second launch (a real process) hands its file to the running instance and exits 0."""
    from ui.single_instance import SingleInstance

    server = SingleInstance()
    assert server.listen()
    server.sig_message.connect(desk.dispatch)
    desk.server = server  # closed by desk.shutdown()
    path = make_docx(tmp_path / "handed.docx", ["Handed over."])
    proc = subprocess.Popen([sys.executable, "-m", "ui.launcher", "app", str(path)],
                            cwd=str(Path(__file__).resolve().parents[2]),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        qtbot.waitUntil(lambda: proc.poll() is not None, timeout=60000)
    finally:
        if proc.poll() is None:
            proc.kill()
    _out, err = proc.communicate()
    assert proc.returncode == 0, err
    qtbot.waitUntil(lambda: desk.window is not None, timeout=10000)
    window = desk.window
    assert window is not None
    qtbot.waitUntil(lambda: window.workspaces.get("word") is not None
                    and window.workspaces["word"].current_path == path, timeout=10000)


def test_closing_keeps_the_app_in_the_tray_only_with_setting_and_tray(qapp: QApplication) -> None:
    from ui.close_policy import apply_close_policy, quit_on_close

    assert quit_on_close(True, tray_available=True) is False
    assert quit_on_close(True, tray_available=False) is True
    assert quit_on_close(False, tray_available=True) is True
    assert quit_on_close(False, tray_available=False) is True
    try:
        assert apply_close_policy(qapp, False) is True
        assert qapp.quitOnLastWindowClosed()
        # Offscreen there is no system tray: closing quits even when the setting asks for the tray.
        assert apply_close_policy(qapp, True) is True
    finally:
        qapp.setQuitOnLastWindowClosed(True)


def test_open_text_shows_a_read_only_result_with_copy(window: MainWindow, qtbot: QtBot) -> None:
    from PySide6.QtGui import QGuiApplication

    dialog = window.open_text("RESULT TEXT", source="result text", template="quick.upper")
    assert dialog.isVisible() and dialog.parent() is window
    assert dialog.text() == "RESULT TEXT" and dialog.result_edit.isReadOnly()
    assert dialog.source.toPlainText() == "result text"
    assert "quick.upper" in dialog.template_label.text()
    dialog.copy_button.click()
    assert QGuiApplication.clipboard().text() == "RESULT TEXT"
    dialog.close()
    assert not dialog.isVisible()
