"""The text map sees what a reader sees and protects what the model must not touch."""

from __future__ import annotations

from lxml import etree

from copilot.documents.docx.diff import diff_edits, tokenize
from copilot.documents.docx.text_map import W, iter_paragraphs, map_paragraph
from copilot.documents.docx.tracked import ChangeStamp, apply_edits

NS = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
      'xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math"')


def para(inner: str) -> etree._Element:
    return etree.fromstring(f"<w:p {NS}>{inner}</w:p>")


def test_containers_python_docx_misses_are_read() -> None:
    p = para('<w:r><w:t>A </w:t></w:r><w:smartTag><w:r><w:t>smart</w:t></w:r></w:smartTag>'
             '<w:sdt><w:sdtPr/><w:sdtContent><w:r><w:t> sdt</w:t></w:r></w:sdtContent></w:sdt>'
             '<w:customXml><w:r><w:t> custom</w:t></w:r></w:customXml>'
             '<w:hyperlink><w:r><w:t> link</w:t></w:r></w:hyperlink>')
    pm = map_paragraph("word/document.xml", p)
    assert pm.text == "A smart sdt custom link" and not pm.has_tracked


def test_protected_items_become_placeholders() -> None:
    p = para('<w:r><w:t>Total</w:t><w:tab/><w:t>is</w:t></w:r>'
             '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r>'
             '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>7</w:t></w:r>'
             '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
             '<w:r><w:t> see</w:t><w:footnoteReference w:id="2"/><w:br/></w:r>'
             '<w:fldSimple w:instr="DATE"><w:r><w:t>1 May</w:t></w:r></w:fldSimple>'
             '<w:r><w:drawing/></w:r><m:oMath><m:r><m:t>x</m:t></m:r></m:oMath>')
    pm = map_paragraph("word/document.xml", p)
    assert pm.text == "Total⟦1⟧is⟦2⟧ see⟦3⟧⟦4⟧⟦5⟧⟦6⟧⟦7⟧"
    assert [ph.kind for ph in pm.placeholders] == ["tab", "field", "footnoteReference", "br", "field", "drawing",
                                                   "math"]
    assert pm.plain == "Totalis see"


def test_existing_tracked_changes_flagged_and_accepted_view_read() -> None:
    p = para('<w:r><w:t>keep </w:t></w:r><w:ins w:id="1" w:author="a"><w:r><w:t>new</w:t></w:r></w:ins>'
             '<w:del w:id="2" w:author="a"><w:r><w:delText>old</w:delText></w:r></w:del>')
    pm = map_paragraph("word/document.xml", p)
    assert pm.text == "keep new" and pm.has_tracked


def test_tables_nested_and_merged_cells_once_textboxes_skipped() -> None:
    body = etree.fromstring(
        f'<w:body {NS}><w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p><w:r><w:t>merged</w:t>'
        '</w:r></w:p></w:tc></w:tr><w:tr><w:tc><w:tbl><w:tr><w:tc><w:p><w:r><w:t>nested</w:t></w:r></w:p>'
        '</w:tc></w:tr></w:tbl><w:p/></w:tc><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc></w:tr></w:tbl>'
        '<w:p><w:r><w:t>outer</w:t></w:r><w:r><w:pict><w:txbxContent><w:p><w:r><w:t>in box</w:t></w:r></w:p>'
        '</w:txbxContent></w:pict></w:r></w:p></w:body>')
    texts = [pm.text for pm in iter_paragraphs("word/document.xml", body)]
    assert texts == ["merged", "nested", "", "", "outer⟦1⟧"]


def test_tokenize_words_and_cjk_chars() -> None:
    assert tokenize("It's 1,200 yuan.") == ["It's", " ", "1,200", " ", "yuan", "."]
    assert tokenize("预算增加") == ["预", "算", "增", "加"]


def test_split_runs_keep_formatting_and_insert_after_placeholder() -> None:
    p = para('<w:r><w:rPr><w:b/></w:rPr><w:t>Bold</w:t><w:tab/></w:r><w:r><w:rPr><w:i/></w:rPr>'
             '<w:t xml:space="preserve"> italic text</w:t></w:r><w:r><w:br/></w:r>')
    pm = map_paragraph("word/document.xml", p)
    new = "Bold⟦1⟧ italic words⟦2⟧ tail"
    apply_edits(pm, diff_edits(pm.text, new), "track", ChangeStamp("T", first_id=5))
    ins = list(p.iter(W + "ins"))
    assert [e.get(W + "id") for e in p.iter(W + "ins", W + "del")] == ["5", "6", "7"]
    assert ins[0].find(f"{W}r/{W}rPr/{W}i") is not None  # "words" takes its neighbour's italic
    assert "".join(ins[-1].itertext()) == " tail"
    accepted = map_paragraph("word/document.xml", p)
    assert accepted.text == new and accepted.pieces[0].t.getparent().find(f"{W}rPr/{W}b") is not None


def test_clean_mode_cjk_character_diff() -> None:
    p = para('<w:r><w:rPr><w:color w:val="FF0000"/></w:rPr><w:t>这个钱主要用在线上</w:t></w:r>')
    pm = map_paragraph("word/document.xml", p)
    edits = diff_edits(pm.text, "这笔预算主要用于线上")
    assert all(e.end - e.start <= 2 for e in edits)  # character-level, not the whole sentence
    apply_edits(pm, edits, "clean", ChangeStamp("T"))
    assert map_paragraph("word/document.xml", p).text == "这笔预算主要用于线上"
    assert all(r.find(f"{W}rPr/{W}color") is not None for r in p.iter(W + "r"))
    assert next(p.iter(W + "ins"), None) is None
