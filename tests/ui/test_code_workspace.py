"""Code workspace: streamed snippet from the fake server, check status, copy, save, open a file."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from tests.conftest import history_runs
from tests.fake_openai_server import FakeOpenAIServer
from ui.main_window import MainWindow
from ui.workspaces.code import CodeWorkspace

REPLY = "Here you go:\n\n```python\ndef add(a, b):\n    return a + b\n```\n\nIt adds two numbers."


def test_generate_streams_checks_and_saves(window: MainWindow, qtbot: QtBot, fake_server: FakeOpenAIServer,
                                           tmp_path: Path) -> None:
    from PySide6.QtGui import QGuiApplication

    fake_server.set_default(REPLY)
    ws = window.show_workspace("code")
    assert isinstance(ws, CodeWorkspace)
    ws.set_language("python")
    ws.task_edit.setPlainText("a function adding two numbers")
    deltas: list[str] = []
    ws.runner.sig_running_changed.connect(lambda: deltas.append(ws.editor.toPlainText()))
    window._on_run()  # Ctrl+Enter
    qtbot.waitUntil(lambda: ws.result is not None, timeout=30000)
    assert ws.editor.toPlainText().strip() == "def add(a, b):\n    return a + b"
    assert "✓" in ws.check_label.text()
    assert any(r["task"] == "code" and r["source"] == "app" for r in history_runs())
    ws.copy()
    assert "def add" in QGuiApplication.clipboard().text()
    out = tmp_path / "add.py"
    ws.save_to(out)
    assert out.read_text(encoding="utf-8").startswith("def add")


def test_cancel_keeps_partial_code(window: MainWindow, qtbot: QtBot, fake_server: FakeOpenAIServer) -> None:
    fake_server.tokens_per_second = 20
    fake_server.set_default(REPLY * 5)
    ws = window.show_workspace("code")
    assert isinstance(ws, CodeWorkspace)
    ws.task_edit.setPlainText("add numbers")
    ws.run()
    qtbot.waitUntil(lambda: len(ws.editor.toPlainText()) > 5, timeout=30000)
    ws.cancel()
    partial = ws.editor.toPlainText()
    assert partial and not ws.is_busy() and ws.run_button.isEnabled()
    qtbot.wait(300)
    assert ws.editor.toPlainText() == partial and ws.result is None


def test_open_code_file_sets_language(window: MainWindow, tmp_path: Path) -> None:
    path = tmp_path / "query.sql"
    path.write_text("SELECT 1;\n", encoding="utf-8")
    assert window.open_path(path)
    ws = window.workspaces["code"]
    assert ws.language() == "sql" and ws.editor.toPlainText() == "SELECT 1;\n"  # type: ignore[attr-defined]
