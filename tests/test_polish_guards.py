"""Guards: each way a model can misbehave is caught, the paragraph kept and the reason reported."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from copilot.documents.docx.text_map import W, iter_paragraphs
from copilot.tasks.polish.guards import check_rewrite
from tests import test_polish_fakes as fakes
from tests.test_docx_tracked import run_polish


@pytest.mark.parametrize(("old", "new", "template", "reason"), [
    ("Total ⟦1⟧ is due.", "Total is due.", "polish.polish", "dropped 1 protected"),
    ("Total is due.", "Total ⟦1⟧ is due.", "polish.polish", "added 1 protected"),
    ("A ⟦1⟧ then ⟦2⟧.", "A ⟦2⟧ then ⟦1⟧.", "polish.polish", "out of order"),
    ("Budget ¥1,280,000 for Q2.", "Budget ¥1,290,000 for Q2.", "polish.polish", "changed numbers"),
    ("增长 15%。", "增长 16%。", "polish.polish", "changed numbers"),
    ("Due 2025-03-31.", "Due 2025-03-30.", "polish.formal", "changed numbers"),
    ("See https://a.example.com/x now.", "See https://b.example.com/x now.", "polish.polish", "URL"),
    ("Mail fang@example.com today.", "Mail us today.", "polish.polish", "e-mail"),
    ("Mail us today please.", "Mail us today at https://x.example.com please.", "polish.polish", "added a URL"),
    ("A fairly ordinary sentence that says very little.", "A fairly ordinary sentence that says very little. " * 4,
     "polish.polish", "length changed"),
    ("Some text here.", "", "polish.polish", "empty"),
    ("Some text here.", "Some text\nhere.", "polish.polish", "several lines"),
])
def test_guard_rejects(old: str, new: str, template: str, reason: str) -> None:
    got = check_rewrite(old, new, template)
    assert got is not None and reason in got


@pytest.mark.parametrize(("old", "new", "template"), [
    ("Pay $1,200 by Friday ⟦1⟧.", "Please pay $1200 by Friday ⟦1⟧.", "polish.polish"),
    ("会议定于 2024 年 3 月 5 日召开。", "The meeting will be held on March 5, 2024.", "polish.translate_zh_en"),
    ("The meeting is on 5 March 2024.", "会议定于 2024 年 3 月 5 日召开。", "polish.translate_en_zh"),
    ("A very long and rambling sentence that keeps going and going without saying much at all.",
     "A rambling sentence that says little.", "polish.concise"),
    ("See https://a.example.com/x.", "Please see https://a.example.com/x.", "polish.formal"),
])
def test_guard_accepts(old: str, new: str, template: str) -> None:
    assert check_rewrite(old, new, template) is None


@pytest.mark.parametrize(("transform", "reason"), [
    (fakes.drop_placeholder, "dropped"),
    (fakes.add_placeholder, "added 1 protected"),
    (fakes.change_number, "changed numbers"),
    (fakes.change_url, "URL"),
    (fakes.add_link, "added a URL"),
    (fakes.triple_length, "length changed"),
])
def test_misbehaving_model_is_caught(fake_server: Any, fake_profile: str, examples_dir: Path, tmp_path: Path,
                                     transform: fakes.Transform, reason: str) -> None:
    src = examples_dir / "memo.docx"
    out = tmp_path / "out.docx"
    result = run_polish(fake_server, fake_profile, src, out, transform)
    assert result.rejected, "the guard did not fire"
    assert any(reason in o.reason for o in result.rejected)
    rejected_texts = {o.original for o in result.rejected}
    # Rejected paragraphs are exactly as they were; the document is still written.
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(out) as b:
        for name in ("word/document.xml", "word/footnotes.xml", "word/footer1.xml"):
            old = {pm.text: etree.tostring(pm.p) for pm in iter_paragraphs(name, etree.fromstring(a.read(name)))}
            for pm in iter_paragraphs(name, etree.fromstring(b.read(name))):
                if pm.text in rejected_texts:
                    assert etree.tostring(pm.p) == old[pm.text]
                    assert next(pm.p.iter(W + "ins"), None) is None
