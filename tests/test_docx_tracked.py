"""Tracked changes written by polish: accept all == rewrite, reject all == original, formatting
kept, unchanged paragraphs byte-identical, edits inside hyperlinks stay inside, valid ids."""

from __future__ import annotations

import copy
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from copilot.documents.docx.text_map import W, iter_paragraphs, map_paragraph
from copilot.events import Done
from copilot.models import get_provider
from copilot.tasks.polish_docx import PolishOptions, PolishResult, polish_docx
from tests import test_polish_fakes as fakes

XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def run_polish(server: Any, profile: str, src: Path, out: Path, transform: fakes.Transform,
               **options: Any) -> PolishResult:
    server.set_default(fakes.model(transform))
    result = None
    for event in polish_docx(get_provider(profile), src, out, PolishOptions(**options)):
        if isinstance(event, Done):
            result = event.result
    assert isinstance(result, PolishResult)
    return result


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def accept_all(root: etree._Element) -> etree._Element:
    """Accept every tracked change: drop w:del, unwrap w:ins."""
    root = copy.deepcopy(root)
    for el in list(root.iter(W + "del")):
        el.getparent().remove(el)
    for el in list(root.iter(W + "ins")):
        _unwrap(el)
    return root


def reject_all(root: etree._Element) -> etree._Element:
    """Reject every tracked change: drop w:ins, unwrap w:del turning w:delText back into w:t."""
    root = copy.deepcopy(root)
    for el in list(root.iter(W + "ins")):
        el.getparent().remove(el)
    for el in list(root.iter(W + "del")):
        for t in el.iter(W + "delText"):
            t.tag = W + "t"
        _unwrap(el)
    return root


def _unwrap(el: etree._Element) -> None:
    parent = el.getparent()
    index = parent.index(el)
    for offset, child in enumerate(list(el)):
        parent.insert(index + offset, child)
    parent.remove(el)


def texts(part: str, root: etree._Element) -> list[str]:
    return [pm.text for pm in iter_paragraphs(part, root)]


@pytest.fixture
def memo(examples_dir: Path) -> Path:
    return examples_dir / "memo.docx"


def test_accept_gives_rewrite_reject_gives_original(fake_server: Any, fake_profile: str, memo: Path,
                                                    tmp_path: Path) -> None:
    before = memo.read_bytes()
    out = tmp_path / "memo.polished.docx"
    result = run_polish(fake_server, fake_profile, memo, out, fakes.upper)
    assert memo.read_bytes() == before
    assert result.changed >= 10
    old, new = parts(memo), parts(out)
    by_paragraph = {o.paragraph: o for o in result.outcomes}
    n = 0
    for name in ("word/document.xml", "word/footer1.xml", "word/footnotes.xml"):
        old_root, new_root = etree.fromstring(old[name]), etree.fromstring(new[name])
        assert texts(name, reject_all(new_root)) == texts(name, old_root)
        for text_before, text_after in zip(texts(name, old_root), texts(name, accept_all(new_root)), strict=True):
            n += 1
            outcome = by_paragraph.get(n)
            if outcome is not None and outcome.status == "changed":
                assert text_after == outcome.rewrite
            else:
                assert text_after == text_before
    # The footer's PAGE field, the footnote reference and the tab survived.
    accepted = etree.fromstring(new["word/document.xml"])
    assert len(list(accepted.iter(W + "footnoteReference"))) == 1
    assert len(list(accepted.iter(W + "tab"))) >= 1
    assert b"PAGE" in new["word/footer1.xml"]


def test_tracked_change_attributes(fake_server: Any, fake_profile: str, memo: Path, tmp_path: Path) -> None:
    out = tmp_path / "o.docx"
    run_polish(fake_server, fake_profile, memo, out, fakes.polish_words, author="Reviewer Bot")
    ids: list[str] = []
    for name, data in parts(out).items():
        if not name.endswith(".xml"):
            continue
        root = etree.fromstring(data)
        for el in root.iter(W + "ins", W + "del"):
            assert el.get(W + "author") == "Reviewer Bot"
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", el.get(W + "date") or "")
            ids.append(el.get(W + "id") or "")
            assert el.find(W + "hyperlink") is None  # w:ins/w:del never wrap a hyperlink
            for t in el.iter(W + "t", W + "delText"):
                assert t.get(XML_SPACE) == "preserve"
        for el in root.iter(W + "del"):
            assert next(el.iter(W + "t"), None) is None  # deleted text is w:delText
    assert ids and len(ids) == len(set(ids))


def test_unchanged_paragraphs_are_byte_identical(fake_server: Any, fake_profile: str, memo: Path,
                                                 tmp_path: Path) -> None:
    out = tmp_path / "o.docx"
    result = run_polish(fake_server, fake_profile, memo, out, fakes.polish_words)
    assert 0 < result.changed < result.paragraphs
    old_root = etree.fromstring(parts(memo)["word/document.xml"])
    new_root = etree.fromstring(parts(out)["word/document.xml"])
    old_ps, new_ps = list(old_root.iter(W + "p")), list(new_root.iter(W + "p"))
    assert len(old_ps) == len(new_ps)
    changed_texts = {o.original for o in result.outcomes if o.status == "changed"}
    same = 0
    for a, b in zip(old_ps, new_ps, strict=True):
        if map_paragraph("word/document.xml", a).text not in changed_texts:
            assert etree.tostring(a) == etree.tostring(b)
            same += 1
    assert same > 5
    # Parts with no change at all are copied byte for byte.
    assert parts(out)["word/styles.xml"] == parts(memo)["word/styles.xml"]


def test_formatting_and_hyperlink_kept(fake_server: Any, fake_profile: str, memo: Path, tmp_path: Path) -> None:
    import docx

    out = tmp_path / "o.docx"
    run_polish(fake_server, fake_profile, memo, out, fakes.upper, mode="clean")
    d = docx.Document(str(out))
    bold = [r.text for p in d.paragraphs for r in p.runs if r.bold]
    italic = [r.text for p in d.paragraphs for r in p.runs if r.italic]
    assert "第二季度的推广预算定为 ¥1,280,000" in "".join(bold)
    assert "NO LATER THAN 2025-03-31" in "".join(italic)
    root = etree.fromstring(parts(out)["word/document.xml"])
    link = next(root.iter(W + "hyperlink"))
    assert "".join(link.itertext()) == "BUDGET TEMPLATE"
    assert link.find(f"{W}r/{W}rPr/{W}rStyle").get(W + "val") == "Hyperlink"
    assert not list(root.iter(W + "ins")) and not list(root.iter(W + "del"))
    assert [p.style.name for p in d.paragraphs].count("List Number") == 3
    assert d.tables[0].cell(1, 1).text == "640,000"


def test_edits_inside_hyperlink_stay_inside(fake_server: Any, fake_profile: str, memo: Path, tmp_path: Path) -> None:
    out = tmp_path / "o.docx"
    run_polish(fake_server, fake_profile, memo, out, lambda t: t.replace("budget template", "budget form"))
    root = etree.fromstring(parts(out)["word/document.xml"])
    link = next(root.iter(W + "hyperlink"))
    assert link.find(f"{W}ins") is not None and link.find(f"{W}del") is not None
    assert "".join(t.text or "" for t in accept_all(link).iter(W + "t")) == "budget form"
