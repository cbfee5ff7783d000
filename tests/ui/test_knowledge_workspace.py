"""Knowledge workspace: index a folder, ask (streamed, checked answer), click a citation and land in
the right workspace at the right paragraph or slide; watched folders sync in the background."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from tests.kb_helpers import make_docx, make_pptx
from tests.ui.test_screenshots import xvfb_display  # noqa: F401 - the fixture


def _idle(qtbot: Any, ws: Any, timeout: int = 30000) -> None:
    qtbot.waitUntil(lambda: not ws.is_busy(), timeout=timeout)


def _click_text(qtbot: Any, view: Any, text: str) -> None:
    """A real mouse click on ``text`` in a QTextBrowser (the way a user follows a citation)."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QTextCursor

    found = view.document().find(text)
    assert not found.isNull(), text
    cursor = QTextCursor(view.document())
    cursor.setPosition(found.selectionStart() + 1)
    pos = view.cursorRect(cursor).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    docs = tmp_path / "公司制度"
    docs.mkdir()
    make_docx(docs / "差旅管理办法.docx", [
        ("h1", "第一章 总则"), ("p", "为规范员工因公出差，制定本办法。"),
        ("h1", "第三章 住宿"), ("p", "员工出差住宿标准：一线城市每晚不超过600元，其他城市每晚不超过400元。")])
    make_pptx(docs / "客户服务.pptx", [("Service overview", ["Support for all products"], ""),
                                      ("Response times", ["Priority 1 incidents: response within 4 hours"], "")])
    return docs


def test_index_ask_and_follow_citations(window: Any, qtbot: Any, fake_server: Any, folder: Path) -> None:
    ws = window.show_workspace("knowledge")
    assert ws is not None and window.current_key() == "knowledge"
    ws.add_paths([folder])
    qtbot.waitUntil(lambda: ws.sources.rowCount() == 2, timeout=30000)
    _idle(qtbot, ws)
    statuses = {ws.sources.item(r, 0).text(): ws.sources.item(r, 1).text() for r in range(2)}
    assert statuses == {"差旅管理办法.docx": "indexed", "客户服务.pptx": "indexed"}

    fake_server.set_default("一线城市出差住宿每晚不超过600元[1]。另有交通补贴。")
    ws.ask("出差住宿标准是多少？")
    qtbot.waitUntil(lambda: ws.answer is not None, timeout=30000)
    html = ws.view.toHtml()
    assert 'href="cite:1"' in html and "差旅管理办法.docx" in ws.view.toPlainText()
    assert ws.answer.uncited == ["另有交通补贴。"]  # shown dimmed, listed below
    assert "cite no source" in ws.view.toPlainText()

    _click_text(qtbot, ws.view, "[1]")
    qtbot.waitUntil(lambda: window.current_key() == "word", timeout=10000)
    word = window.workspaces["word"]
    qtbot.waitUntil(lambda: word.table.currentIndex().isValid(), timeout=30000)
    row = word.proxy.mapToSource(word.table.currentIndex()).row()
    assert word.model.rows[row].para.number == 4  # h1, p, h1, then the cited paragraph
    assert "600元" in word.model.rows[row].para.text

    # A search result for the deck opens the PowerPoint workspace at its slide.
    window.show_workspace("knowledge")
    ws.query_edit.setText("response time priority 1")
    ws.search()
    qtbot.waitUntil(lambda: bool(ws.hits), timeout=15000)
    assert Path(ws.hits[0].file).name == "客户服务.pptx" and ws.hits[0].locator == {"slide": 2}
    _click_text(qtbot, ws.view, "1. 客户服务.pptx")
    qtbot.waitUntil(lambda: window.current_key() == "powerpoint", timeout=10000)
    deck = window.workspaces["powerpoint"]
    qtbot.waitUntil(lambda: deck.tree.currentIndex().isValid() and deck.model.rowCount() > 0, timeout=30000)
    slide = deck.model.slide_at(deck.tree.currentIndex())
    assert slide is not None and slide.title == "Response times"


def test_ask_about_this_document(window: Any, qtbot: Any, fake_server: Any, folder: Path) -> None:
    from PySide6.QtCore import Qt

    assert window.open_path(folder / "客户服务.pptx")
    deck = window.workspaces["powerpoint"]
    _idle(qtbot, deck)
    qtbot.mouseClick(deck.ask_doc_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.current_key() == "knowledge", timeout=10000)
    ws = window.workspaces["knowledge"]
    assert ws.kb_name() == "documents" and ws.scope == [str(folder / "客户服务.pptx")]
    assert ws.scope_label.isVisible() and "客户服务.pptx" in ws.scope_label.text()
    qtbot.waitUntil(lambda: ws.sources.rowCount() == 1, timeout=30000)
    _idle(qtbot, ws)
    fake_server.set_default("Priority 1 incidents get a response within 4 hours [1].")
    ws.ask("How fast do we respond to priority 1?")
    qtbot.waitUntil(lambda: ws.answer is not None, timeout=30000)
    assert [Path(c.file).name for c in ws.answer.citations] == ["客户服务.pptx"]
    assert ws.answer.citations[0].locator == {"slide": 2}
    qtbot.mouseClick(ws.scope_clear, Qt.MouseButton.LeftButton)
    assert ws.scope is None and not ws.scope_label.isVisible()


def test_outline_from_knowledge_base(window: Any, qtbot: Any, fake_server: Any, folder: Path) -> None:
    import json

    ws = window.show_workspace("knowledge")
    ws.add_paths([folder])
    qtbot.waitUntil(lambda: ws.sources.rowCount() == 2, timeout=30000)
    _idle(qtbot, ws)
    outline = {"title": "差旅标准", "subtitle": "", "slides": [
        {"title": "住宿标准", "bullets": [{"text": "一线城市每晚不超过600元"}], "notes": ""}]}
    fake_server.reply(lambda req: "response_format" in req or "JSON" in str(req["messages"][0]), json.dumps(outline))
    fake_server.set_default("讲解要点。")
    deck = window.show_workspace("powerpoint")
    deck.source_tabs.setCurrentIndex(0)
    deck.topic_edit.setPlainText("出差住宿标准")
    deck.slides_spin.setValue(2)
    deck.kb_combo.refill()
    deck.kb_combo.setCurrentIndex(deck.kb_combo.findData("default"))
    deck.run()
    qtbot.waitUntil(lambda: deck.model.rowCount() == 1 and not deck.is_busy(), timeout=30000)
    notes = deck.model.slides[0].notes
    assert notes.startswith("讲解要点。") and "差旅管理办法.docx — paragraph 4 (第三章 住宿)" in notes


def test_watched_folder_syncs_in_the_background(window: Any, qtbot: Any, folder: Path) -> None:
    ws = window.show_workspace("knowledge")
    ws._debounce.setInterval(200)
    ws.add_paths([folder])
    qtbot.waitUntil(lambda: ws.sources.rowCount() == 2, timeout=30000)
    _idle(qtbot, ws)
    time.sleep(0.05)
    (folder / "新规定.md").write_text("# 报销\n\n报销须在10个工作日内提交。\n", encoding="utf-8")
    qtbot.waitUntil(lambda: ws.sources.rowCount() == 3, timeout=20000)
    (folder / "新规定.md").unlink()
    qtbot.waitUntil(lambda: ws.sources.rowCount() == 2, timeout=20000)
    _idle(qtbot, ws)


@pytest.mark.xvfb
def test_screenshot_under_xvfb(xvfb_display: str) -> None:  # noqa: F811 - the imported fixture
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    out = root / "docs" / "screenshots"
    env = {**os.environ, "DISPLAY": xvfb_display, "QT_QPA_PLATFORM": "xcb"}
    env.pop("DESK_COPILOT_HOME", None)
    result = subprocess.run([sys.executable, "-m", "tests.ui.kb_screenshot", str(out)], cwd=str(root), env=env,
                            capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stderr[-3000:]
    png = out / "knowledge.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
