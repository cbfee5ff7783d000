"""Every workspace's jobs go through ``Workspace.start_job``: busy state, progress and errors look
and behave the same everywhere. An error belongs to the workspace whose job failed: its banner is
hidden on other workspaces and goes when the next job there starts; the status line says what
failed and when (issue 20, item 4)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from copilot.cancel import CancelToken
from copilot.errors import ServerUnavailable
from copilot.events import Done, Event, Progress, Started
from ui.main_window import WORKSPACES, MainWindow

KEYS = [key for key, _module, _cls in WORKSPACES]  # every workspace the window offers, new ones included


@pytest.mark.parametrize("key", KEYS)
def test_start_job_shows_busy_progress_and_errors_the_same_way(key: str, window: MainWindow, qtbot: QtBot) -> None:
    ws = window.show_workspace(key)
    assert ws is not None
    busy: list[bool] = []
    ws.sig_busy.connect(busy.append)
    release = threading.Event()

    def failing(cancel: CancelToken) -> Iterator[Event]:
        yield Started("demo", 4)
        yield Progress(3, 4)
        release.wait(10)
        raise ServerUnavailable("Cannot reach http://127.0.0.1:9/v1 — is the server running?")

    ws.start_job(failing, what="Demo job")
    assert ws.is_busy() and busy == [True]
    qtbot.waitUntil(lambda: ws.progress_bar is None or ws.progress_bar.value() == 3, timeout=5000)
    if ws.progress_bar is not None:
        assert ws.progress_bar.maximum() == 4
    assert window.act_cancel.isEnabled()
    release.set()
    qtbot.waitUntil(lambda: not ws.is_busy(), timeout=5000)
    assert busy == [True, False]

    # The error: this workspace's banner, the one line, and a status line naming what and when.
    assert "Cannot reach http://127.0.0.1:9/v1" in window.banner.text()
    assert ws.last_error is not None and ws.last_error.what == "Demo job"
    status = window.statusBar().currentMessage()
    assert status.startswith("Demo job failed at ") and "Cannot reach" in status

    # Hidden on another workspace, back when returning.
    other = "code" if key != "code" else "word"
    window.show_workspace(other)
    assert window.banner.text() == ""
    window.show_workspace(key)
    assert "Cannot reach" in window.banner.text()

    # The next job here clears it, and succeeds.
    done: list[object] = []
    ws.start_job(lambda cancel: iter([Started("demo", 1), Progress(1, 1), Done("ok")]), on_done=done.append)
    assert window.banner.text() == ""
    qtbot.waitUntil(lambda: done == ["ok"] and not ws.is_busy(), timeout=5000)
    assert window.banner.text() == "" and ws.last_error is None


def test_an_error_elsewhere_never_shows_on_this_workspace(window: MainWindow, qtbot: QtBot) -> None:
    word = window.show_workspace("word")
    excel = window.workspace("excel")
    assert word is not None and excel is not None

    def failing(cancel: CancelToken) -> Iterator[Event]:
        raise ServerUnavailable("excel's server is down")
        yield Started("never")

    excel.start_job(failing, what="Asking")
    qtbot.waitUntil(lambda: excel.last_error is not None, timeout=5000)
    assert window.banner.text() == ""  # word is on screen
    window.show_workspace("excel")
    assert "excel's server is down" in window.banner.text()
