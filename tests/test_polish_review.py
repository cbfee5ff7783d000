"""Reviewing a polish run without Qt: read paragraphs, the side-by-side diff, saving only accepted edits."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from copilot.cancel import CancelToken
from copilot.errors import OutputExists
from copilot.events import Done, Event, Started
from copilot.tasks.polish.review import Paragraph, diff_html, read_paragraphs, save_reviewed

TEXTS = ["Please read the draft.", "", "We meet on Monday.", "Send it to the team."]


def _docx(path: Path, texts: list[str]) -> Path:
    document = docx.Document()
    for text in texts:
        document.add_paragraph(text)
    document.save(str(path))
    return path


def _done(events: list[Event]) -> object:
    assert isinstance(events[0], Started)
    last = events[-1]
    assert isinstance(last, Done)
    return last.result


def test_read_paragraphs_numbers_and_skips_empty(tmp_path: Path) -> None:
    src = _docx(tmp_path / "memo.docx", TEXTS)
    paragraphs = _done(list(read_paragraphs(src, CancelToken())))
    assert isinstance(paragraphs, list)
    assert [p.text for p in paragraphs] == [t for t in TEXTS if t]
    assert [p.number for p in paragraphs] == [1, 3, 4]  # numbering counts the empty paragraph
    assert all(isinstance(p, Paragraph) and not p.heading for p in paragraphs)


def test_diff_html_marks_changes_and_escapes() -> None:
    left, right = diff_html("hey <team>, send it", "Dear <team>, please send it")
    assert "line-through" in left and "hey" in left and "&lt;team&gt;" in left
    assert "#1b7f2a" in right and "Dear" in right and "please" in right
    assert "<team>" not in left + right  # text is escaped, never markup


def _texts(path: Path) -> list[str]:
    return [p.text for p in docx.Document(str(path)).paragraphs]


def test_save_reviewed_applies_only_accepted(tmp_path: Path) -> None:
    src = _docx(tmp_path / "memo.docx", TEXTS)
    before = src.read_bytes()
    accepted = {
        1: ("Please read the draft.", "Kindly read the draft."),
        3: ("We met on Monday.", "We gather on Monday."),  # reviewed against other text: skipped
    }
    out = tmp_path / "clean.docx"
    result = _done(list(save_reviewed(src, out, accepted, "clean", "Tester", CancelToken())))
    assert result == (out, 1)
    assert _texts(out) == ["Kindly read the draft.", "", "We meet on Monday.", "Send it to the team."]
    assert src.read_bytes() == before  # input never modified

    tracked = tmp_path / "tracked.docx"
    _done(list(save_reviewed(src, tracked, {4: ("Send it to the team.", "Send it to everyone.")}, "track",
                             "Tester", CancelToken())))
    xml = docx.Document(str(tracked)).element.xml
    assert "w:ins " in xml and "w:del " in xml and 'w:author="Tester"' in xml


def test_save_reviewed_respects_force(tmp_path: Path) -> None:
    src = _docx(tmp_path / "memo.docx", TEXTS)
    out = tmp_path / "out.docx"
    out.write_bytes(b"keep")
    with pytest.raises(OutputExists):
        list(save_reviewed(src, out, {}, "clean", "", CancelToken(), force=False))
    assert out.read_bytes() == b"keep"
