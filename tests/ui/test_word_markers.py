"""Word review shows what the text means: placeholders as markers (→, chips) with a tooltip, never
⟦n⟧; rows fit their paragraph up to a limit, then end in "…"."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from tests.test_polish_fakes import model

ROOT = Path(__file__).resolve().parents[2]


def _swap(text: str) -> str:
    return text.replace("请", "敬请").replace("please", "kindly")


@pytest.fixture
def word(window: object, qtbot: object, tmp_path: Path) -> object:
    src = tmp_path / "memo.docx"
    shutil.copy(ROOT / "examples" / "memo.docx", src)
    assert window.open_path(src)  # type: ignore[attr-defined]
    ws = window.workspaces["word"]  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: bool(ws.paragraphs) and not ws.is_busy(), timeout=20000)  # type: ignore[attr-defined]
    return ws


def test_placeholders_show_as_markers_never_tokens(word: object, qtbot: object, fake_server: object) -> None:
    fake_server.set_default(model(_swap))  # type: ignore[attr-defined]
    word.run()  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: word.result is not None and not word.is_busy(), timeout=30000)  # type: ignore[attr-defined]
    m = word.model  # type: ignore[attr-defined]
    with_markers = [i for i, r in enumerate(m.rows) if "⟦" in r.para.text]
    assert with_markers, "the sample memo has tabs, a footnote, a link or a field"
    for i in range(m.rowCount()):
        for column in (1, 2):
            index = m.index(i, column)
            for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                assert "⟦" not in str(index.data(role) or "")
            assert "⟦" not in m.diff(i)[column - 1]
    i = with_markers[0]
    kinds = m.rows[i].para.placeholders
    assert kinds and len(kinds) >= m.rows[i].para.text.count("⟦")
    tip = m.index(i, 1).data(Qt.ItemDataRole.ToolTipRole)
    assert "kept as it is" in tip or "a tab" in tip or "line break" in tip
    word.table.setCurrentIndex(word.proxy.mapFromSource(m.index(i, 1)))  # type: ignore[attr-defined]
    assert "⟦" not in word.original_view.toPlainText() and "⟦" not in word.rewrite_view.toPlainText()  # type: ignore[attr-defined]


def test_rows_fit_up_to_a_limit_and_elide(window: object, qtbot: object, tmp_path: Path) -> None:
    from tests.ui.conftest import make_docx
    from ui.workspaces.word_review import ROW_MAX_LINES, HtmlDelegate, _last_fitting_line

    texts = ["Short.", "A medium paragraph that takes a couple of lines in a narrow column. " * 2,
             "一段很长的中文段落，" * 120]
    assert window.open_path(make_docx(tmp_path / "rows.docx", texts))  # type: ignore[attr-defined]
    ws = window.workspaces["word"]  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: len(ws.paragraphs) == 3 and not ws.is_busy(), timeout=20000)  # type: ignore[attr-defined]
    ws.show_combo.setCurrentIndex(0)  # every paragraph
    window.resize(1024, 700)  # type: ignore[attr-defined]
    ws.table.fit_visible_rows()
    spacing = ws.table.line_height()
    heights = [ws.table.rowHeight(r) for r in range(3)]
    assert heights[0] < heights[1] < heights[2]
    assert heights[0] < 2 * spacing and heights[2] <= ROW_MAX_LINES * spacing + 12
    # The long one is cut after a whole line: the clip ends at a line's bottom, "…" drawn there.
    from PySide6.QtGui import QColor, QTextDocument

    doc = QTextDocument()
    doc.setDocumentMargin(2)
    doc.setHtml(texts[2])
    doc.setTextWidth(300)
    top, end, height = _last_fitting_line(doc, 5 * spacing)  # type: ignore[misc]
    assert top + height <= 5 * spacing and end <= 300
    pixmap = HtmlDelegate._render(texts[2], 300, 5 * spacing, QColor("black"), ws.table.font(), 1.0)
    assert not pixmap.isNull()


def test_guard_list_shows_markers(word: object, qtbot: object, fake_server: object) -> None:
    from tests.test_polish_fakes import drop_placeholder

    fake_server.set_default(model(drop_placeholder))  # type: ignore[attr-defined]
    word.run()  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: word.result is not None and not word.is_busy(), timeout=30000)  # type: ignore[attr-defined]
    items = [word.guard_list.item(i) for i in range(word.guard_list.count())]  # type: ignore[attr-defined]
    assert items, "dropping a placeholder is caught by the guards"
    assert all("⟦" not in item.toolTip() and "⟦" not in item.text() for item in items)
