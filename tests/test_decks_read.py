"""Reading decks back: round trips through real templates, the whole corpus, bad input."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.util import Inches, Pt

from copilot.documents.decks.build import build_presentation, save_deck
from copilot.documents.decks.critique import check_deck
from copilot.documents.decks.layouts import find_layouts
from copilot.documents.decks.open import open_presentation
from copilot.documents.decks.outline import parse_outline, write_outline
from copilot.documents.decks.read import read_deck
from copilot.errors import BadDocument, DocumentError, EmptyDocument, EncryptedDocument, LegacyFormat
from tests.conftest import corpus_roots
from tests.decks_helpers import SAMPLE_MD, TEMPLATE_DECKS, make_potx, outline_for, sha


def test_round_trip_default_template(tmp_path: Path) -> None:
    outline = parse_outline(SAMPLE_MD)
    prs, _ = build_presentation(outline)
    path = save_deck(prs, tmp_path / "d.pptx")
    assert write_outline(read_deck(path).outline) == SAMPLE_MD


@pytest.mark.parametrize("name", TEMPLATE_DECKS)
def test_round_trip_corpus_templates(name: str, tmp_path: Path, corpus_dir: Path) -> None:
    template = corpus_dir / "pptx" / name
    before = sha(template)
    kinds = find_layouts(Presentation(str(template)), name).native
    outline = outline_for(kinds)
    prs, _report = build_presentation(outline, template)
    path = save_deck(prs, tmp_path / "d.pptx")
    back = read_deck(path).outline
    assert back == outline.normalised()
    assert write_outline(back) == write_outline(outline)
    assert sha(template) == before


def test_round_trip_potx(tmp_path: Path, corpus_dir: Path) -> None:
    potx = tmp_path / "t.potx"
    make_potx(corpus_dir / "pptx" / "no-slides.pptx", potx)
    prs, _ = build_presentation(parse_outline(SAMPLE_MD), potx)
    assert write_outline(read_deck(save_deck(prs, tmp_path / "d.pptx")).outline) == SAMPLE_MD


@pytest.mark.parametrize("root", corpus_roots())
def test_every_corpus_deck_reads_or_is_refused_in_one_line(root: Path) -> None:
    read = refused = 0
    for path in sorted((root / "pptx").glob("*.pptx")):
        before = sha(path)
        try:
            reading = read_deck(path)
        except DocumentError as exc:
            assert "\n" not in str(exc) and path.name in str(exc)
            refused += 1
        else:
            text = write_outline(reading.outline)
            assert parse_outline(text) == reading.outline
            check_deck(reading)
            read += 1
        assert sha(path) == before
    assert read >= 10 and refused <= 12


def test_corpus_content_is_read(corpus_dir: Path) -> None:
    notes = read_deck(corpus_dir / "pptx" / "ph-inherit-props.pptx").outline
    assert notes.slides[0].title == "Title Text"
    assert notes.slides[0].notes == "Notes in inherited position and size."
    table = read_deck(corpus_dir / "pptx" / "test_slides.pptx").outline
    bullets = [b.text for b in table.slides[0].bullets]
    assert "Col head 1 | Col head 2" in bullets and "Cell text 1 | Cell text 2" in bullets


def test_empty_deck_is_refused(corpus_dir: Path) -> None:
    with pytest.raises(EmptyDocument, match=r"no-slides\.pptx: has no slides"):
        read_deck(corpus_dir / "pptx" / "no-slides.pptx")


def _ole(extra: bytes = b"") -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + extra + b"\0" * 1024


def test_legacy_ppt_is_refused(tmp_path: Path) -> None:
    ppt = tmp_path / "old.ppt"
    ppt.write_bytes(_ole("PowerPoint Document".encode("utf-16-le")))
    with pytest.raises(LegacyFormat, match=r"old\.ppt: .*legacy.*\.pptx"):
        read_deck(ppt)


def test_encrypted_deck_is_refused(tmp_path: Path) -> None:
    ooxml = pytest.importorskip("msoffcrypto.format.ooxml")
    prs, _ = build_presentation(parse_outline(SAMPLE_MD))
    plain = save_deck(prs, tmp_path / "plain.pptx")
    encrypted = tmp_path / "secret.pptx"
    out = io.BytesIO()
    with plain.open("rb") as fh:
        ooxml.OOXMLFile(fh).encrypt("pw", out)
    encrypted.write_bytes(out.getvalue())
    with pytest.raises(EncryptedDocument, match=r"secret\.pptx: is password-protected"):
        read_deck(encrypted)
    with pytest.raises(EncryptedDocument):
        build_presentation(parse_outline(SAMPLE_MD), encrypted)


def test_encrypted_marker_without_msoffcrypto(tmp_path: Path) -> None:
    enc = tmp_path / "e.pptx"
    enc.write_bytes(_ole("EncryptedPackage".encode("utf-16-le")))
    with pytest.raises(EncryptedDocument):
        open_presentation(enc)


@pytest.mark.parametrize("content,reason", [
    (b"", "empty"),
    (b"hello, not a deck", "not a zip"),
    (b"PK\x03\x04broken zip", "not a zip"),
])
def test_corrupt_files_are_refused(tmp_path: Path, content: bytes, reason: str) -> None:
    bad = tmp_path / "bad.pptx"
    bad.write_bytes(content)
    with pytest.raises(BadDocument, match=reason):
        read_deck(bad)
    assert bad.read_bytes() == content


def test_truncated_and_wrong_kind_packages(tmp_path: Path, corpus_dir: Path) -> None:
    data = (corpus_dir / "pptx" / "test.pptx").read_bytes()
    cut = tmp_path / "cut.pptx"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(BadDocument):
        read_deck(cut)
    docx = next((corpus_dir / "docx").glob("*.docx"))
    renamed = tmp_path / "word.pptx"
    renamed.write_bytes(docx.read_bytes())
    with pytest.raises(BadDocument, match="Word document"):
        read_deck(renamed)
    missing_part = tmp_path / "nopres.pptx"
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(buf, "w") as dst:
        for info in src.infolist():
            if info.filename != "ppt/presentation.xml":
                dst.writestr(info, src.read(info.filename))
    missing_part.write_bytes(buf.getvalue())
    with pytest.raises(BadDocument):
        read_deck(missing_part)
    with pytest.raises(BadDocument, match="not found"):
        read_deck(tmp_path / "nope.pptx")


def test_deterministic_critique_checks(tmp_path: Path) -> None:
    prs = Presentation()
    blank = prs.slide_layouts[6]
    content = prs.slide_layouts[1]
    s1 = prs.slides.add_slide(content)
    s1.shapes.title.text = "Too much"
    body = s1.placeholders[1].text_frame
    for i in range(9):
        para = body.paragraphs[0] if i == 0 else body.add_paragraph()
        para.text = f"point {i} " + "word " * 10
    s2 = prs.slides.add_slide(blank)
    box = s2.shapes.add_textbox(Inches(1), Inches(1), Inches(4), Inches(1))
    box.text_frame.text = "tiny"
    box.text_frame.paragraphs[0].runs[0].font.size = Pt(12)
    path = tmp_path / "c.pptx"
    prs.save(str(path))
    findings = check_deck(read_deck(path))
    kinds = {(f.slide, f.kind) for f in findings}
    assert {(1, "bullets"), (1, "words"), (2, "no-title"), (2, "small-font")} <= kinds


def test_text_boxes_beside_two_columns_are_kept(tmp_path: Path) -> None:
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[3])  # Two Content
    slide.shapes.title.text = "Compare"
    slide.placeholders[1].text_frame.text = "left"
    slide.placeholders[2].text_frame.text = "right"
    box = slide.shapes.add_textbox(Inches(1), Inches(6.5), Inches(4), Inches(0.5))
    box.text_frame.text = "source: survey"
    path = tmp_path / "two.pptx"
    prs.save(str(path))
    s = read_deck(path).outline.slides[0]
    assert s.layout == "two-content"
    assert [b.text for b in s.bullets] == ["left", "source: survey"] and [b.text for b in s.right] == ["right"]
