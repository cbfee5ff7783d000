"""The History window: search (Chinese and English), filters, copy output, re-run, delete, clear;
and the Incognito checkbox keeps an app run out of the history."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from copilot import history
from copilot.settings import load_settings, save_settings
from tests.conftest import history_runs
from tests.ui.conftest import make_docx
from ui.main_window import MainWindow


def _loaded(qtbot: QtBot, view: object) -> None:
    qtbot.waitUntil(lambda: not view.is_loading(), timeout=5000)  # type: ignore[attr-defined]


def test_history_window_search_filter_copy_rerun_delete_clear(window: MainWindow, qtbot: QtBot,
                                                              tmp_path: Path) -> None:
    settings = load_settings()
    settings.store_text_in_history = True
    save_settings(settings)
    memo = make_docx(tmp_path / "memo.docx", ["Please read the draft."])
    history.record(task="polish", status="ok", template="polish.formal", profile="fake", source="cli",
                   output_path=str(tmp_path / "memo.polished.docx"), input_path=str(memo))
    history.record(task="ask", status="ok", template="general.ask", profile="fake", source="app",
                   output_text="华东区域的销售额最高")
    view = window.open_history()
    _loaded(qtbot, view)
    assert view.model.rowCount() == 2 and view.isVisible()

    view.search_edit.setText("销售额")
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=5000)
    assert view.model.entries[0].task == "ask"
    view.copy_output()
    assert QGuiApplication.clipboard().text() == "华东区域的销售额最高"

    view.search_edit.setText("")
    qtbot.waitUntil(lambda: view.model.rowCount() == 2, timeout=5000)
    task_filter = view.filters["task"]
    task_filter.setCurrentIndex(task_filter.findData("polish"))
    view.reload()
    _loaded(qtbot, view)
    assert [e.task for e in view.model.entries] == ["polish"]

    view.rerun()  # opens the input in its workspace with the run's template
    word = window.workspaces["word"]
    qtbot.waitUntil(lambda: not word.is_busy(), timeout=10000)
    assert window.current_key() == "word" and word.current_path == memo
    assert word.template_id() == "polish.formal"

    view.delete_selected()
    qtbot.waitUntil(lambda: view.model.rowCount() == 0, timeout=5000)
    assert [r["task"] for r in history_runs()] == ["ask"]
    task_filter.setCurrentIndex(0)
    view.clear_all(confirm=False)
    _loaded(qtbot, view)
    assert history_runs() == [] and view.model.rowCount() == 0
    view.close()


def test_incognito_checkbox_keeps_app_runs_out(window: MainWindow, qtbot: QtBot, fake_server: object) -> None:
    fake_server.set_default("A private reply.")  # type: ignore[attr-defined]
    prompts = window.show_workspace("prompts")
    assert prompts is not None
    qtbot.waitUntil(lambda: prompts.select_template("general.ask") is None and prompts.template is not None,
                    timeout=10000)
    for name in prompts._input_widgets:
        prompts.set_input(name, "What is 2+2?")
    window.incognito_check.setChecked(True)
    prompts.run()
    qtbot.waitUntil(lambda: prompts.reply_view.toPlainText() == "A private reply.", timeout=30000)
    qtbot.waitUntil(lambda: not prompts.is_busy(), timeout=10000)
    assert history_runs() == []
    window.incognito_check.setChecked(False)
    prompts.run()
    qtbot.waitUntil(lambda: not prompts.is_busy() and len(history_runs()) == 1, timeout=30000)
