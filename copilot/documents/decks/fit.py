"""Will these bullets fit in that box? An estimate from the box size and the template's font sizes.

PowerPoint's "shrink text on overflow" (TEXT_TO_FIT_SHAPE / normAutofit) is only a flag that
PowerPoint applies when someone edits the slide; LibreOffice and viewers show the overflow. So we
measure instead: the placeholder's size and insets, the font size and spacing each level
inherits (slide layout → slide master placeholder → master text styles → presentation defaults),
and an average glyph width per character class (CJK characters are about twice as wide as Latin
letters). Bullets that would not fit continue on another slide.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from copilot.documents.decks.outline import Bullet

__all__ = ["BoxMetrics", "box_metrics", "split_to_fit", "text_height", "text_width_em", "xp"]

_NS = {"a": "http://schemas.openxmlformats.org/drawingml/2006/main",
       "p": "http://schemas.openxmlformats.org/presentationml/2006/main"}
_EMU_PER_PT = 12700
_DEFAULT_SIZE = 18.0
_SAFETY = 0.92  # keep a margin: glyph widths are averages, fonts differ
_LINE = 1.2  # single line spacing is ~1.2 × the font size in PowerPoint


@dataclass(frozen=True)
class BoxMetrics:
    """A text box's usable geometry in points, and per-level (0..8) text settings."""

    width: float
    height: float
    sizes: tuple[float, ...]
    indents: tuple[float, ...]
    space_before: tuple[float, ...]
    line_factor: float = 1.0

    @property
    def usable_height(self) -> float:
        return self.height * _SAFETY

    def size(self, level: int) -> float:
        return self.sizes[min(level, len(self.sizes) - 1)]


def _char_em(ch: str) -> float:
    if ch == " ":
        return 0.28
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return 1.0  # CJK ideographs, kana, hangul, full-width forms
    if ch.isupper():
        return 0.64
    if ch.isdigit():
        return 0.55
    if ch.isalpha():
        # Lowercase averages ~0.47 em in Calibri, ~0.55 in DejaVu Sans (LibreOffice's stand-in): between.
        return 0.5
    return 0.34


def text_width_em(text: str) -> float:
    """Width of ``text`` in ems (1 em = the font size)."""
    return sum(_char_em(c) for c in text)


_TOKEN = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef\u3000-\u303f]|[^\s\u2e80-\u9fff"
                    r"\uac00-\ud7af\uf900-\ufaff\uff00-\uffef\u3000-\u303f]+\s*|\s+")


def line_count(text: str, width_em: float) -> int:
    """Lines ``text`` wraps to in a column ``width_em`` wide (greedy, breaking at spaces and CJK chars)."""
    if width_em <= 1:
        return max(1, math.ceil(text_width_em(text)))
    lines, used = 1, 0.0
    for token in _TOKEN.findall(text):
        w = text_width_em(token.rstrip())
        full = text_width_em(token)
        if used and used + w > width_em:
            lines += 1
            used = 0.0
        while w > width_em:  # a word longer than the line is broken
            lines += 1
            w -= width_em
            full -= width_em
        used += full
    return lines


def bullet_height(b: Bullet, m: BoxMetrics) -> float:
    size = m.size(b.level)
    width_pt = max(size, m.width - m.indents[min(b.level, len(m.indents) - 1)])
    lines = line_count(b.text, width_pt / size)
    return lines * size * _LINE * m.line_factor + m.space_before[min(b.level, len(m.space_before) - 1)]


def text_height(bullets: Sequence[Bullet], m: BoxMetrics) -> float:
    return sum(bullet_height(b, m) for b in bullets)


def split_to_fit(bullets: Sequence[Bullet], m: BoxMetrics) -> list[list[Bullet]]:
    """Bullets grouped into pages that each fit ``m``; a top-level bullet keeps its sub-bullets
    together when the group fits on a page. A single bullet too tall for any page gets its own."""
    groups: list[list[Bullet]] = []
    for b in bullets:
        if b.level == 0 or not groups:
            groups.append([b])
        else:
            groups[-1].append(b)
    pages: list[list[Bullet]] = [[]]
    used = 0.0
    cap = m.usable_height
    for group in groups:
        h = text_height(group, m)
        if used + h <= cap:
            pages[-1].extend(group)
            used += h
            continue
        if h <= cap:  # the group fits on a page of its own
            if pages[-1]:
                pages.append([])
            pages[-1].extend(group)
            used = h
            continue
        for b in group:  # a group taller than a page: split it bullet by bullet
            bh = bullet_height(b, m)
            if used + bh > cap and pages[-1]:
                pages.append([])
                used = 0.0
            pages[-1].append(b)
            used += bh
    return [p for p in pages if p] or [[]]


# ----------------------------------------------------------------------------- inheritance walk
@functools.lru_cache(maxsize=256)
def _compiled(path: str) -> Any:
    from lxml import etree

    return etree.XPath(path, namespaces=_NS)


def xp(el: Any, path: str) -> list[Any]:
    # Compiled once per path: python-pptx's own xpath() re-parses the expression on every call.
    if el is None:
        return []
    return list(_compiled(path)(el))


def _lvl_attr(styles: list[Any], level: int, attr_path: str) -> str | None:
    """The first value of ``attr_path`` under ``a:lvl{level+1}pPr`` among ``styles`` (nearest first)."""
    for style in styles:
        found = xp(style, f"a:lvl{level + 1}pPr/{attr_path}")
        if found:
            return str(found[0])
    return None


def _ins(bodyprs: list[Any], name: str, default: int) -> int:
    for bp in bodyprs:
        v = bp.get(name)
        if v is not None:
            try:
                return int(v)
            except ValueError:
                continue
    return default


def _chain(ph: Any) -> list[Any]:
    """The placeholder and the ones it inherits from (layout placeholder → master placeholder)."""
    chain = [ph]
    for _ in range(2):
        base = getattr(chain[-1], "_base_placeholder", None)
        if base is None:
            break
        chain.append(base)
    return chain


def box_metrics(ph: Any, prs: Any, *, title: bool = False) -> BoxMetrics:
    """Metrics for a (layout or slide) placeholder, walking the inheritance chain for each value."""
    chain = _chain(ph)
    width = height = 0
    for p in chain:
        if not width and p.width:
            width, height = int(p.width), int(p.height or 0)
    lst_styles = [s for p in chain for s in xp(p._element, "p:txBody/a:lstStyle")]
    bodyprs = [s for p in chain for s in xp(p._element, "p:txBody/a:bodyPr")]
    master = chain[-1].part.slide_master if hasattr(chain[-1].part, "slide_master") else None
    master_el = master._element if master is not None else _master_of(chain[-1])
    style_name = "p:titleStyle" if title else "p:bodyStyle"
    styles = lst_styles + xp(master_el, f"p:txStyles/{style_name}") + xp(prs.part._element, "p:defaultTextStyle")
    sizes, indents, before = [], [], []
    for level in range(9):
        sz = _lvl_attr(styles, level, "a:defRPr/@sz")
        size = int(sz) / 100 if sz and sz.isdigit() else _DEFAULT_SIZE
        sizes.append(size)
        mar = _lvl_attr(styles, level, "@marL")
        indents.append(int(mar) / _EMU_PER_PT if mar and mar.lstrip("-").isdigit() else 0.0)
        pts = _lvl_attr(styles, level, "a:spcBef/a:spcPts/@val")
        pct = _lvl_attr(styles, level, "a:spcBef/a:spcPct/@val")
        if pts and pts.isdigit():
            before.append(int(pts) / 100)
        elif pct and pct.isdigit():
            before.append(size * _LINE * int(pct) / 100000)
        else:
            before.append(0.0)
    line = _lvl_attr(styles, 0, "a:lnSpc/a:spcPct/@val")
    line_factor = int(line) / 100000 if line and line.isdigit() else 1.0
    lins = _ins(bodyprs, "lIns", 91440) + _ins(bodyprs, "rIns", 91440)
    tins = _ins(bodyprs, "tIns", 45720) + _ins(bodyprs, "bIns", 45720)
    return BoxMetrics(
        width=max(1.0, (width - lins) / _EMU_PER_PT),
        height=max(1.0, (height - tins) / _EMU_PER_PT),
        sizes=tuple(sizes), indents=tuple(indents), space_before=tuple(before),
        line_factor=max(0.5, line_factor),
    )


def _master_of(ph: Any) -> Any:
    part = ph.part
    if part.__class__.__name__ == "SlideMasterPart":
        return part._element
    try:
        return part.slide_master._element
    except AttributeError:
        return None
