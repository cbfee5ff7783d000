"""Word workspace against the fake server: read, polish, review (accept/reject), save, cancel."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.conftest import history_runs
from tests.fake_openai_server import FakeOpenAIServer
from tests.test_polish_fakes import change_number, model
from tests.ui.conftest import make_docx
from ui.main_window import MainWindow
from ui.workspaces.base import Workspace
from ui.workspaces.word import WordWorkspace

TEXTS = [
    "Please review the draft before Friday.",
    "The budget is 1200 dollars for 3 teams.",
    "We will meet in room 4 next week.",
    "Thanks for the good work on the draft.",
]


def _swap(text: str) -> str:
    return text.replace("draft", "revised draft").replace("Please", "Kindly")


def _wait_idle(qtbot: QtBot, ws: Workspace, timeout: int = 15000) -> None:
    qtbot.waitUntil(lambda: not ws.is_busy(), timeout=timeout)


@pytest.fixture
def word(window: MainWindow, qtbot: QtBot, tmp_path: Path) -> object:
    src = make_docx(tmp_path / "memo.docx", TEXTS)
    assert window.open_path(src)
    ws = window.workspaces["word"]
    _wait_idle(qtbot, ws)
    return ws


def test_open_shows_paragraphs(word: WordWorkspace) -> None:
    assert [p.text for p in word.paragraphs] == TEXTS
    assert word.model.rowCount() == 4
    assert "memo.docx" in word.file_label.text()
    # Before any run the bar is idle: the paragraph count, not "0 / 1 paragraphs".
    assert word.progress.value() == 0
    assert word.progress.text() == "4 paragraphs"


def test_polish_review_accept_reject_and_save(word: WordWorkspace, qtbot: QtBot, fake_server: FakeOpenAIServer,
                                              tmp_path: Path) -> None:
    import docx

    fake_server.set_default(model(_swap))
    word.run()
    qtbot.waitUntil(lambda: word.result is not None, timeout=20000)
    counts = word.model.counts()
    assert counts["changed"] == 2 and counts["accepted"] == 2
    polish = [r for r in history_runs() if r["task"] == "polish"]
    assert polish and polish[0]["source"] == "app" and polish[0]["status"] == "ok"
    assert word.progress.value() == word.progress.maximum()
    # The review shows deletions struck through and insertions in green.
    left, right = word.model.diff(0)
    assert "line-through" in left and "Please" in left
    assert "Kindly" in right and "#1b7f2a" in right
    # Reject the first change, keep the second.
    word.decide([0], "rejected")
    assert word.model.counts()["accepted"] == 1
    assert "1 accepted" in word.summary_label.text()

    out = tmp_path / "memo.reviewed.docx"
    word.save_to(out, "clean")
    _wait_idle(qtbot, word)
    texts = [p.text for p in docx.Document(str(out)).paragraphs]
    assert texts[0] == TEXTS[0]  # rejected: unchanged
    assert texts[3] == "Thanks for the good work on the revised draft."

    tracked = tmp_path / "memo.tracked.docx"
    word._decide_all("accepted")
    word.save_to(tracked, "track")
    _wait_idle(qtbot, word)
    xml = docx.Document(str(tracked)).element.xml
    assert "w:ins" in xml and "w:del" in xml and "Kindly" in xml
    assert (tmp_path / "memo.docx").read_bytes() != tracked.read_bytes()


def test_guard_rejections_are_listed_with_reasons(word: WordWorkspace, qtbot: QtBot, fake_server: FakeOpenAIServer) -> None:
    fake_server.set_default(model(change_number))
    word.run()
    qtbot.waitUntil(lambda: word.result is not None, timeout=20000)
    assert word.guard_list.count() >= 1
    text = word.guard_list.item(0).text()
    assert text.startswith("¶") and "number" in text.lower()
    assert word.model.counts()["changed"] == 0


def test_cancel_mid_job_drops_results(window: MainWindow, qtbot: QtBot, fake_server: FakeOpenAIServer, tmp_path: Path) -> None:
    fake_server.latency = 0.5
    fake_server.set_default(model(_swap))
    src = make_docx(tmp_path / "long.docx", [f"Paragraph {i} please read the draft." for i in range(40)])
    window.open_path(src)
    ws = window.workspaces["word"]
    assert isinstance(ws, WordWorkspace)
    _wait_idle(qtbot, ws)
    ws.run()
    qtbot.waitUntil(lambda: ws.progress.maximum() > 1, timeout=10000)
    assert ws.cancel_button.isEnabled()
    window._on_cancel()  # Esc
    assert not ws.is_busy() and ws.run_button.isEnabled()
    assert "cancel" in ws.eta_label.text().lower()
    qtbot.wait(300)
    assert ws.result is None


def test_error_shows_the_cli_one_line_in_the_banner(word: WordWorkspace, qtbot: QtBot,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(type(word), "profile_name", lambda self: "no-such-profile")
    word.run()
    window = word.window()
    assert isinstance(window, MainWindow)
    qtbot.waitUntil(lambda: bool(window.banner.text()), timeout=10000)
    text = window.banner.text()
    assert "no-such-profile" in text and "\n" not in text and "Traceback" not in text
    assert word.run_button.isEnabled()


def test_a_citation_into_a_header_or_the_body_selects_its_row(window: MainWindow, qtbot: QtBot, tmp_path: Path) -> None:
    """Knowledge-base citations name a paragraph within its part; the review finds header rows too."""
    import docx

    from copilot.kb.readers import _docx_blocks

    src = tmp_path / "headed.docx"
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "Confidential — internal travel policy"
    document.add_paragraph("")  # an empty body paragraph still counts in a citation's numbering
    for text in TEXTS:
        document.add_paragraph(text)
    document.save(str(src))
    cited = {b.text: b.locator for b in _docx_blocks(src) if b.text}
    header = cited["Confidential — internal travel policy"]
    assert header.get("part") == "header1"
    assert window.open_path(src)
    ws = window.workspaces["word"]
    _wait_idle(qtbot, ws)

    def current_text() -> str:
        index = ws.proxy.mapToSource(ws.table.currentIndex())
        return ws.model.rows[index.row()].para.text

    ws.reveal(header)
    assert current_text() == "Confidential — internal travel policy"
    ws.reveal(cited[TEXTS[2]])
    assert current_text() == TEXTS[2]
