"""Building decks: layouts by placeholder type, notes, sample slides removed, .potx, overflow, atomic output."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER

from copilot.documents.decks.build import build_presentation, save_deck
from copilot.documents.decks.fit import box_metrics, line_count, split_to_fit, text_height
from copilot.documents.decks.layouts import find_layouts
from copilot.documents.decks.outline import Bullet, Outline, Slide, parse_outline
from copilot.errors import BadDocument, OutputExists
from copilot.events import Done, Notice
from copilot.tasks.build_deck import BuildResult, build_deck
from tests.decks_helpers import SAMPLE_MD, make_potx, sha


def _build(tmp_path: Path, outline: Outline, template: Path | None = None, name: str = "out.pptx") -> Path:
    prs, _ = build_presentation(outline, template)
    return save_deck(prs, tmp_path / name)


def test_default_template_uses_layouts_by_type(tmp_path: Path) -> None:
    path = _build(tmp_path, parse_outline(SAMPLE_MD))
    prs = Presentation(str(path))
    slides = list(prs.slides)
    assert len(slides) == 6
    kinds = [s.slide_layout._element.get("type") for s in slides]
    assert kinds == ["title", "obj", "secHead", "twoObj", "obj", "title"]
    title = slides[0]
    types = {int(ph.placeholder_format.type) for ph in title.placeholders}
    assert {PP_PLACEHOLDER.CENTER_TITLE, PP_PLACEHOLDER.SUBTITLE} <= types
    agenda = slides[1]
    body = next(ph for ph in agenda.placeholders if ph.placeholder_format.type == PP_PLACEHOLDER.OBJECT)
    assert [(p.text, p.level) for p in body.text_frame.paragraphs] == [
        ("Results", 0), ("Issues", 0), ("Staffing", 1), ("Night shift", 2), ("Next steps", 0)]
    assert agenda.notes_slide.notes_text_frame.text == "Keep this short.\nSecond line of notes."
    assert prs.core_properties.title == "Q3 Customer Service Review"


def test_layouts_are_found_when_the_template_reorders_them(tmp_path: Path) -> None:
    prs = Presentation()
    lst = prs.slide_master.slide_layouts._sldLayoutIdLst
    ids = list(lst)
    for el in ids:
        lst.remove(el)
    for el in reversed(ids):  # reverse the layout order: index-based code would pick "Blank" etc.
        lst.append(el)
    template = tmp_path / "reordered.pptx"
    prs.save(str(template))
    out = _build(tmp_path, parse_outline(SAMPLE_MD), template)
    names = [s.slide_layout.name for s in Presentation(str(out)).slides]
    assert names == ["Title Slide", "Title and Content", "Section Header", "Two Content", "Title and Content",
                     "Title Slide"]


def test_template_sample_slides_are_removed_and_package_is_valid(tmp_path: Path, corpus_dir: Path) -> None:
    template = corpus_dir / "pptx" / "ph-inherit-props.pptx"
    before = sha(template)
    assert len(Presentation(str(template)).slides) == 2
    out = _build(tmp_path, parse_outline("# T\n\n## A\n- b\n"), template)
    assert sha(template) == before
    with zipfile.ZipFile(out) as zf:
        assert zf.testzip() is None
        slide_parts = sorted(n for n in zf.namelist() if n.startswith("ppt/slides/slide"))
        assert len(slide_parts) == 2  # only ours: the template's own slides are not carried along
        assert b"Body Text" not in b"".join(zf.read(n) for n in slide_parts)
    prs = Presentation(str(out))
    assert [s.shapes.title.text for s in prs.slides] == ["T", "A"]


def test_potx_template_is_accepted(tmp_path: Path, corpus_dir: Path) -> None:
    potx = tmp_path / "company.potx"
    make_potx(corpus_dir / "pptx" / "test_slides.pptx", potx)
    with pytest.raises(Exception, match="not a PowerPoint file"):
        Presentation(str(potx))  # python-pptx alone refuses a template
    before = sha(potx)
    out = _build(tmp_path, parse_outline(SAMPLE_MD), potx)
    assert sha(potx) == before
    with zipfile.ZipFile(out) as zf:
        assert b"presentationml.presentation.main+xml" in zf.read("[Content_Types].xml")
        assert b"template.main+xml" not in zf.read("[Content_Types].xml")
    assert len(Presentation(str(out)).slides) == 6


def test_template_without_title_and_body_is_refused(corpus_dir: Path) -> None:
    template = corpus_dir / "pptx" / "sld-slide.pptx"
    with pytest.raises(BadDocument) as info:
        build_presentation(parse_outline("# T\n\n## A\n- b\n"), template)
    message = str(info.value)
    assert "sld-slide.pptx" in message and "title and one body placeholder" in message
    assert "Bullet Layout" in message and "\n" not in message


def test_find_layouts_reports_native_kinds(corpus_dir: Path) -> None:
    prs = Presentation(str(corpus_dir / "pptx" / "mst-slide-layouts.pptx"))
    layouts = find_layouts(prs, "mst-slide-layouts.pptx")
    assert layouts.native == {"content"}
    assert find_layouts(Presentation(), "default").native == {"title", "section", "content", "two-content",
                                                               "closing"}


LONG = ("Our customer satisfaction programme improved response times across every regional centre "
        "while keeping costs flat, thanks to the new ticket routing rules")


def test_overflow_splits_into_continued_slides_that_fit(tmp_path: Path) -> None:
    bullets = tuple(Bullet(f"{i + 1}. {LONG}", 1 if i % 5 == 4 else 0) for i in range(25))
    outline = Outline("Overflow", (), (Slide("Long slide", bullets, "Notes stay on the first slide."),))
    out = _build(tmp_path, outline)
    prs = Presentation(str(out))
    slides = list(prs.slides)[1:]
    assert len(slides) >= 3
    assert slides[0].shapes.title.text == "Long slide"
    assert all(s.shapes.title.text == "Long slide (cont.)" for s in slides[1:])
    texts: list[str] = []
    for s in slides:
        body = next(ph for ph in s.placeholders if ph.placeholder_format.type == PP_PLACEHOLDER.OBJECT)
        lines = [Bullet(p.text, p.level) for p in body.text_frame.paragraphs]
        texts.extend(b.text for b in lines)
        metrics = box_metrics(body, prs)
        assert text_height(lines, metrics) <= metrics.usable_height
        assert body.text_frame.auto_size is None  # never relies on shrink-on-overflow
    assert texts == [b.text for b in bullets]  # nothing lost, order kept
    assert slides[0].has_notes_slide and not slides[1].has_notes_slide


def test_cjk_text_counts_wider_than_latin() -> None:
    assert line_count("销售" * 30, 20) > line_count("ab" * 30, 20)
    from copilot.documents.decks.fit import BoxMetrics

    m = BoxMetrics(width=400, height=300, sizes=(24,) * 9, indents=(0,) * 9, space_before=(0,) * 9)
    cjk = [Bullet("客户满意度提升明显投诉数量下降" * 3)] * 10
    latin = [Bullet("customer satisfaction up" * 2)] * 10
    assert len(split_to_fit(cjk, m)) > len(split_to_fit(latin, m))


def test_zh_continuation_title(tmp_path: Path) -> None:
    bullets = tuple(Bullet("客户满意度显著提升，各区域中心的响应时间全面缩短，成本保持不变") for _ in range(20))
    out = _build(tmp_path, Outline("中文", (), (Slide("主要成果", bullets),)))
    titles = [s.shapes.title.text for s in Presentation(str(out)).slides]
    assert titles[1] == "主要成果" and titles[2] == "主要成果（续）"


def test_build_task_is_atomic_and_does_not_overwrite(tmp_path: Path) -> None:
    tmp_path = tmp_path / "work"
    tmp_path.mkdir()
    md = tmp_path / "deck.md"
    md.write_text(SAMPLE_MD, encoding="utf-8")
    out = tmp_path / "deck.pptx"
    events = list(build_deck(md, out))
    result = events[-1]
    assert isinstance(result, Done) and isinstance(result.result, BuildResult)
    assert result.result.slides == 6
    first = out.read_bytes()
    with pytest.raises(OutputExists):
        list(build_deck(md, out))
    assert out.read_bytes() == first
    list(build_deck(md, out, force=True))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deck.md", "deck.pptx"]  # no temp files left


def test_failed_build_leaves_no_output(tmp_path: Path, corpus_dir: Path) -> None:
    tmp_path = tmp_path / "work"
    tmp_path.mkdir()
    md = tmp_path / "deck.md"
    md.write_text(SAMPLE_MD, encoding="utf-8")
    with pytest.raises(BadDocument):
        list(build_deck(md, tmp_path / "x.pptx", template=corpus_dir / "pptx" / "sld-slide.pptx"))
    assert not (tmp_path / "x.pptx").exists() and [p.name for p in tmp_path.iterdir()] == ["deck.md"]


def test_overflow_notice_is_reported(tmp_path: Path) -> None:
    md = tmp_path / "deck.md"
    md.write_text("# D\n\n## Long\n" + "".join(f"- {LONG}\n" for _ in range(20)), encoding="utf-8")
    notices = [e.message for e in build_deck(md, tmp_path / "d.pptx") if isinstance(e, Notice)]
    assert any("cont." in n for n in notices)


def test_control_characters_from_a_model_do_not_break_the_file(tmp_path: Path) -> None:
    outline = Outline("Bad\x07 chars", (), (Slide("T\x01itle", (Bullet("a\x0bb\x1f"),), "n\x02otes"),))
    out = _build(tmp_path, outline)
    prs = Presentation(str(out))
    assert prs.slides[1].shapes.title.text == "Title"


def test_template_path_with_copy_is_not_modified(tmp_path: Path, corpus_dir: Path) -> None:
    template = tmp_path / "t.pptx"
    shutil.copy(corpus_dir / "pptx" / "test_slides.pptx", template)
    before = template.stat().st_mtime_ns, sha(template)
    _build(tmp_path, parse_outline(SAMPLE_MD), template)
    assert (template.stat().st_mtime_ns, sha(template)) == before


def test_long_titles_and_closing_text_are_reported_not_split() -> None:
    md = ("# " + "A very long deck title that goes on " * 6 + "\n\n## " + "Long slide title words " * 8
          + "\n- x\n\n## Bye\n<!-- layout: closing -->\n" + "".join(f"- line {i}\n" for i in range(20)))
    _, report = build_presentation(parse_outline(md))
    assert report.slides == 3
    assert any(n.startswith("the deck title") for n in report.notices)
    assert any(n.startswith("slide 2: the title") for n in report.notices)
    assert any(n.startswith("slide 3 'Bye'") for n in report.notices)
    _, quiet = build_presentation(parse_outline(SAMPLE_MD))
    assert quiet.notices == []
