"""Generate examples/memo.docx: a realistic bilingual draft memo for the polish command.

It has Chinese and English paragraphs, a table, a footnote, a hyperlink, bold/italic runs, a
numbered list, a PAGE field in the footer and figures that must not change (¥1,280,000, 15%,
2025-03-31). Run: ``python examples/make_sample_memo.py [OUT]`` (default: examples/memo.docx).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from docx.text.paragraph import Paragraph

HERE = Path(__file__).resolve().parent
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
FOOTNOTE_TEXT = "数据来源：财务部 2025 年第一季度报表（未经审计）。"


def add_hyperlink(paragraph: Paragraph, url: str, text: str) -> None:
    r_id = paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), r_id)
    run = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    style = OxmlElement("w:rStyle")
    style.set(qn("w:val"), "Hyperlink")
    color = OxmlElement("w:color")
    color.set(qn("w:val"), "0563C1")
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    rpr.extend([style, color, underline])
    t = OxmlElement("w:t")
    t.text = text
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    run.extend([rpr, t])
    link.append(run)
    paragraph._p.append(link)


def add_page_field(paragraph: Paragraph) -> None:
    for kind, instr in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        run = OxmlElement("w:r")
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run.append(fld)
        elif instr == " PAGE ":
            el = OxmlElement("w:instrText")
            el.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            el.text = instr
            run.append(el)
        else:
            t = OxmlElement("w:t")
            t.text = instr
            run.append(t)
        paragraph._p.append(run)


def add_footnote_ref(paragraph: Paragraph) -> None:
    run = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    va = OxmlElement("w:vertAlign")
    va.set(qn("w:val"), "superscript")
    rpr.append(va)
    ref = OxmlElement("w:footnoteReference")
    ref.set(qn("w:id"), "1")
    run.extend([rpr, ref])
    paragraph._p.append(run)


FOOTNOTES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:footnotes xmlns:w="{W_NS}">
<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>
<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>
<w:footnote w:id="1"><w:p><w:pPr><w:pStyle w:val="FootnoteText"/></w:pPr><w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> {FOOTNOTE_TEXT}</w:t></w:r></w:p></w:footnote>
</w:footnotes>"""


def add_footnotes_part(path: Path) -> None:
    """python-docx cannot create footnotes: add the part, its relationship and content type."""
    with zipfile.ZipFile(path) as zin:
        entries = [(i, zin.read(i.filename)) for i in zin.infolist()]
    tmp = Path(tempfile.mkstemp(suffix=".docx")[1])
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, data in entries:
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/word/footnotes.xml" ContentType='
                                    b'"application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/>'
                                    b"</Types>")
            elif info.filename == "word/_rels/document.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdFootnotes" Type="http://schemas.'
                                    b'openxmlformats.org/officeDocument/2006/relationships/footnotes" '
                                    b'Target="footnotes.xml"/></Relationships>')
            zout.writestr(info, data)
        zout.writestr("word/footnotes.xml", FOOTNOTES.encode("utf-8"))
    shutil.move(tmp, path)


def build(out: Path) -> Path:
    d = docx.Document()
    normal = d.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(11)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "SimSun")

    d.add_heading("关于 2025 年第二季度市场推广预算的备忘录", level=1)
    meta = d.add_paragraph()
    meta.add_run("收件人：").bold = True
    meta.add_run("市场部全体同事\t")
    meta.add_run("发件人：").bold = True
    meta.add_run("王芳（市场总监）")

    p = d.add_paragraph("各位同事，经过管理层上周的讨论，")
    p.add_run("第二季度的推广预算定为 ¥1,280,000").bold = True
    p.add_run("，比第一季度多了 15%。这个钱主要是用在线上渠道和两场线下活动上面，大家要好好规划一下怎么花。")
    add_footnote_ref(p)

    p = d.add_paragraph("Please note that the budget request has to be submitted ")
    p.add_run("no later than 2025-03-31").italic = True
    p.add_run(", otherwise finance will not be able to proceed it in time. The template is on the intranet: ")
    add_hyperlink(p, "https://intranet.example.com/finance/budget-template", "budget template")
    p.add_run(".")

    d.add_paragraph("本季度的重点工作如下：")
    for item in ("完成新品发布会的场地和嘉宾的确认，时间暂定在 5 月 20 日。",
                 "Refresh the product landing pages and run A/B tests on the two headline options.",
                 "把社交媒体的投放预算从 30% 提高到 40%，重点做短视频。"):
        d.add_paragraph(item, style="List Number")

    table = d.add_table(rows=4, cols=3)
    table.style = "Table Grid"
    rows = [("项目 Item", "预算 Budget (¥)", "负责人 Owner"),
            ("线上广告 Online ads", "640,000", "李雷"),
            ("线下活动 Events", "420,000", "韩梅梅"),
            ("内容制作 Content", "220,000", "Tom Baker")]
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            cell = table.cell(r, c)
            cell.text = value
            if r == 0:
                cell.paragraphs[0].runs[0].bold = True

    d.add_paragraph("完整的推广方案见 https://intranet.example.com/marketing/q2-plan ，请大家在周五之前看一下并提出意见。")

    p = d.add_paragraph("If you have any questions, feel free to reach out to me at ")
    p.add_run("fang.wang@example.com").font.color.rgb = RGBColor(0x1F, 0x4E, 0x79)
    p.add_run(" before Friday. Thanks everyone for the hard works this quarter!")

    closing = d.add_paragraph("王芳\n2025 年 3 月 10 日")
    closing.alignment = WD_ALIGN_PARAGRAPH.RIGHT

    footer = d.sections[0].footer.paragraphs[0]
    footer.text = "内部资料 Internal — 第 "
    add_page_field(footer)
    footer.add_run(" 页")

    tmp = Path(tempfile.mkstemp(suffix=".docx")[1])
    d.save(str(tmp))
    add_footnotes_part(tmp)
    out.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(tmp, out)
    return out


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "memo.docx"
    build(target)
    sys.stdout.write(f"wrote {target}\n")
