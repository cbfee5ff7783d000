"""A text map over WordprocessingML: what a reader sees in each paragraph, built from the XML.

python-docx's ``Paragraph.text`` misses text inside ``w:ins``, ``w:smartTag``, ``w:sdt`` and
``w:customXml`` and cannot tell a field result from typed text, so we walk the XML ourselves.
Each paragraph becomes a list of pieces: editable ``w:t`` texts and protected placeholders
(fields, note references, drawings, tabs, breaks, anything unknown) the model must give back
unchanged. The paragraph's text for the model has a token such as ``⟦1⟧`` per placeholder.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree

__all__ = [
    "TOKEN_RE",
    "ParaMap",
    "Placeholder",
    "TextPiece",
    "W",
    "iter_paragraphs",
    "map_paragraph",
    "placeholder_token",
    "strip_tokens",
]

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_M = "{http://schemas.openxmlformats.org/officeDocument/2006/math}"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"

TOKEN_RE = re.compile(r"⟦(\d+)⟧")

# Containers whose runs are part of the reader's text (accepted view).
_TRANSPARENT = {W + "hyperlink", W + "smartTag", W + "customXml", W + "ins", W + "moveTo", W + "dir", W + "bdo"}
# Deleted content: not in the accepted view.
_HIDDEN = {W + "del", W + "moveFrom"}
# Markers with no text that carry no risk when left where they are.
_IGNORED_IN_PARA = {W + "pPr", W + "bookmarkStart", W + "bookmarkEnd", W + "proofErr", W + "permStart",
                    W + "permEnd", W + "commentRangeStart", W + "commentRangeEnd", W + "moveFromRangeStart",
                    W + "moveFromRangeEnd", W + "moveToRangeStart", W + "moveToRangeEnd"}
_IGNORED_IN_RUN = {W + "rPr", W + "lastRenderedPageBreak", W + "delText", W + "delInstrText"}
_TRACKED = (W + "ins", W + "del", W + "moveFrom", W + "moveTo", W + "rPrChange", W + "pPrChange",
            W + "numberingChange", W + "cellIns", W + "cellDel")
_HEADING = re.compile(r"heading|title|标题|berschrift|titre", re.IGNORECASE)


def placeholder_token(n: int) -> str:
    return f"⟦{n}⟧"


def strip_tokens(text: str) -> str:
    return TOKEN_RE.sub("", text)


@dataclass
class TextPiece:
    """A ``w:t`` element and its text."""

    t: etree._Element
    text: str


@dataclass
class Placeholder:
    """Protected content: from ``first`` to ``last`` (run children or a container element)."""

    number: int
    kind: str
    first: etree._Element
    last: etree._Element

    @property
    def token(self) -> str:
        return placeholder_token(self.number)


@dataclass
class ParaMap:
    part: str
    p: etree._Element
    pieces: list[TextPiece | Placeholder] = field(default_factory=list)
    has_tracked: bool = False
    heading: bool = False

    @property
    def text(self) -> str:
        """The accepted-view text with a token per placeholder."""
        return "".join(x.text if isinstance(x, TextPiece) else x.token for x in self.pieces)

    @property
    def plain(self) -> str:
        """Only the typed text, placeholders dropped."""
        return "".join(x.text for x in self.pieces if isinstance(x, TextPiece))

    @property
    def placeholders(self) -> list[Placeholder]:
        return [x for x in self.pieces if isinstance(x, Placeholder)]


class _Walker:
    def __init__(self, pm: ParaMap) -> None:
        self.pm = pm
        self.field_depth = 0
        self.field_first: etree._Element | None = None
        self.count = 0

    def _placeholder(self, kind: str, first: etree._Element, last: etree._Element) -> None:
        self.count += 1
        self.pm.pieces.append(Placeholder(self.count, kind, first, last))

    def container(self, el: etree._Element) -> None:
        for child in el:
            tag = child.tag
            if not isinstance(tag, str) or tag in _IGNORED_IN_PARA:
                continue
            if tag == W + "r":
                self.run(child)
            elif tag in _TRANSPARENT:
                self.container(child)
            elif tag == W + "sdt":
                content = child.find(W + "sdtContent")
                if content is not None:
                    self.container(content)
            elif tag in _HIDDEN:
                continue
            elif self.field_depth:
                continue  # inside a complex field: part of its placeholder
            elif tag in (_M + "oMath", _M + "oMathPara"):
                self._placeholder("math", child, child)
            elif tag == W + "fldSimple":
                self._placeholder("field", child, child)
            elif any(True for _ in child.iter(W + "r", W + "t")):
                self._placeholder(etree.QName(child).localname, child, child)

    def run(self, r: etree._Element) -> None:
        for child in r:
            tag = child.tag
            if not isinstance(tag, str) or tag in _IGNORED_IN_RUN:
                continue
            if tag == W + "fldChar":
                kind = child.get(W + "fldCharType")
                if kind == "begin":
                    if self.field_depth == 0:
                        self.field_first = child
                    self.field_depth += 1
                elif kind == "end" and self.field_depth:
                    self.field_depth -= 1
                    if self.field_depth == 0 and self.field_first is not None:
                        self._placeholder("field", self.field_first, child)
                        self.field_first = None
                continue
            if self.field_depth:
                continue
            if tag == W + "t":
                text = child.text or ""
                if text:
                    self.pm.pieces.append(TextPiece(child, text))
            else:
                self._placeholder(etree.QName(child).localname, child, child)

    def finish(self) -> None:
        if self.field_depth and self.field_first is not None:
            # A field that does not end in this paragraph: protect what we saw of it.
            self._placeholder("field", self.field_first, self.field_first)
            self.pm.has_tracked = True  # never edit such a paragraph


def _is_heading(p: etree._Element) -> bool:
    ppr = p.find(W + "pPr")
    if ppr is None:
        return False
    if ppr.find(W + "outlineLvl") is not None:
        return True
    style = ppr.find(W + "pStyle")
    return style is not None and bool(_HEADING.search(style.get(W + "val", "")))


def map_paragraph(part: str, p: etree._Element) -> ParaMap:
    pm = ParaMap(part, p)
    walker = _Walker(pm)
    walker.container(p)
    walker.finish()
    if not pm.has_tracked:
        pm.has_tracked = any(True for _ in p.iter(*_TRACKED))
    pm.heading = _is_heading(p)
    return pm


def iter_paragraphs(part: str, root: etree._Element) -> Iterator[ParaMap]:
    """Every paragraph of a part in document order, nested tables included.

    Paragraphs inside text boxes are left out: Word stores each text box twice (DrawingML and a
    VML fallback), so editing one copy would make them disagree.
    """
    for p in root.iter(W + "p"):
        if any(a.tag == W + "txbxContent" for a in p.iterancestors()):
            continue
        yield map_paragraph(part, p)


def set_preserve(t: etree._Element) -> None:
    t.set(_XML_SPACE, "preserve")
