"""Read a deck back as an outline: titles, bullets with levels, notes and table text, in slide order.

Besides the outline, per-slide facts are collected for the deterministic critique (words, bullet
count, missing titles, font sizes, inherited through the template like the builder measures them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from copilot.documents.decks.fit import BoxMetrics, box_metrics, xp
from copilot.documents.decks.layouts import LayoutInfo, kind_of_layout, layout_info
from copilot.documents.decks.open import open_presentation
from copilot.documents.decks.outline import Bullet, Layout, Outline, Slide, clean_text
from copilot.errors import EmptyDocument

__all__ = ["DeckReading", "SlideFacts", "count_words", "read_deck"]

_CONT = re.compile(r"^(.*?)\s*(?:\(cont\.\)|（续）)$")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’\-]*")
_TITLE_TYPES = {1, 3}
_SUBTITLE = 4
_BODY_TYPES = {2, 7}


def count_words(text: str) -> int:
    """Latin words plus half the CJK characters (two Chinese characters make about one word)."""
    return len(_WORD.findall(text)) + (len(_CJK.findall(text)) + 1) // 2


@dataclass
class SlideFacts:
    number: int
    title: str
    bullets: int = 0
    words: int = 0
    small_fonts: list[float] = field(default_factory=list)
    layout_kind: str | None = None


@dataclass
class DeckReading:
    outline: Outline
    facts: list[SlideFacts]
    path: Path


def _ph_type(shape: Any) -> int | None:
    if not shape.is_placeholder:
        return None
    try:
        return int(shape.placeholder_format.type)
    except (ValueError, AttributeError):
        return -1


def _paragraphs(tf: Any) -> list[Bullet]:
    out = []
    for para in tf.paragraphs:
        text = clean_text(para.text)
        if text:
            out.append(Bullet(text, max(0, min(4, int(para.level or 0)))))
    return out


def _explicit_small(tf: Any) -> list[float]:
    sizes = []
    for para in tf.paragraphs:
        for run in para.runs:
            if run.font.size is not None and run.text.strip() and run.font.size.pt < 18:
                sizes.append(float(run.font.size.pt))
    return sizes


def _table_rows(shape: Any) -> list[Bullet]:
    rows = []
    for row in shape.table.rows:
        cells = [clean_text(c.text) for c in row.cells]
        if any(cells):
            rows.append(Bullet(" | ".join(cells)))
    return rows


class _Cache:
    """Per-layout facts computed once per deck (python-pptx's inheritance lookups are slow)."""

    def __init__(self, prs: Any) -> None:
        self.prs = prs
        self._info: dict[str, LayoutInfo] = {}
        self._pos: dict[tuple[str, int], tuple[int, int]] = {}
        self._metrics: dict[tuple[str, int], BoxMetrics] = {}

    def info(self, layout: Any) -> LayoutInfo:
        key = str(layout.part.partname)
        if key not in self._info:
            self._info[key] = layout_info(layout)
        return self._info[key]

    def position(self, shape: Any, layout_key: str) -> tuple[int, int]:
        """(top, left) from the shape's own xfrm, else inherited (cached per layout placeholder)."""
        el = shape._element
        for path in ("p:spPr/a:xfrm/a:off", "p:xfrm/a:off", "p:grpSpPr/a:xfrm/a:off"):
            found = xp(el, path)
            if found:
                return int(found[0].get("y", 0)), int(found[0].get("x", 0))
        if not shape.is_placeholder:
            return 0, 0
        key = (layout_key, int(shape.placeholder_format.idx))
        if key not in self._pos:
            self._pos[key] = (int(shape.top or 0), int(shape.left or 0))
        return self._pos[key]

    def metrics(self, shape: Any, layout_key: str) -> BoxMetrics:
        el = shape._element
        own = xp(el, "p:spPr/a:xfrm") or xp(el, "p:txBody/a:lstStyle/*") or any(
            b.attrib for b in xp(el, "p:txBody/a:bodyPr"))
        if own:
            return box_metrics(shape, self.prs)
        key = (layout_key, int(shape.placeholder_format.idx))
        if key not in self._metrics:
            self._metrics[key] = box_metrics(shape, self.prs)
        return self._metrics[key]


def _walk(shapes: Any, cache: _Cache, layout_key: str) -> list[Any]:
    """Shapes in reading order (top, then left), group members included."""
    flat: list[tuple[tuple[int, int], Any]] = []
    for shape in shapes:
        if shape.shape_type is not None and int(shape.shape_type) == 6:  # MSO_SHAPE_TYPE.GROUP
            flat.extend((cache.position(s, layout_key), s) for s in _walk(shape.shapes, cache, layout_key))
        else:
            flat.append((cache.position(shape, layout_key), shape))
    flat.sort(key=lambda item: (item[0][0] // 50000, item[0][1]))
    return [s for _, s in flat]


def _notes(slide: Any) -> str:
    if not slide.has_notes_slide:
        return ""
    tf = slide.notes_slide.notes_text_frame
    if tf is None:
        return ""
    lines = [p.text.replace("\v", "\n").rstrip() for p in tf.paragraphs]
    return "\n".join(lines).strip("\n")


def _read_slide(slide: Any, number: int, cache: _Cache) -> tuple[str, list[Bullet], list[Bullet], list[Bullet],
                                                                 SlideFacts]:
    """(title, subtitle lines, body bullets (column 1), column 2, facts)."""
    title = ""
    subtitle: list[Bullet] = []
    bodies: list[tuple[int, list[Bullet]]] = []
    extra: list[Bullet] = []
    facts = SlideFacts(number, "")
    small: list[float] = []
    all_text: list[str] = []
    layout_key = str(slide.slide_layout.part.partname)
    for shape in _walk(slide.shapes, cache, layout_key):
        t = _ph_type(shape)
        if getattr(shape, "has_table", False) and shape.has_table:
            rows = _table_rows(shape)
            extra.extend(rows)
            all_text.extend(b.text for b in rows)
            continue
        if not shape.has_text_frame:
            continue
        tf = shape.text_frame
        paras = _paragraphs(tf)
        all_text.extend(b.text for b in paras)
        small.extend(_explicit_small(tf))
        if t in _TITLE_TYPES and not title:
            title = " ".join(b.text for b in paras)
            continue
        if t == _SUBTITLE:
            subtitle.extend(Bullet(b.text) for b in paras)
            continue
        if t in _BODY_TYPES:
            bodies.append((cache.position(shape, layout_key)[1], paras))
            if paras:
                try:
                    m = cache.metrics(shape, layout_key)
                    small.extend(m.size(b.level) for b in paras if m.size(b.level) < 18)
                except (AttributeError, KeyError, ValueError):
                    pass
            continue
        extra.extend(paras)
    bodies.sort(key=lambda b: b[0])
    facts.title = title
    facts.bullets = sum(len(p) for _, p in bodies) + len(extra)
    facts.words = count_words(" ".join(all_text))
    facts.small_fonts = sorted(set(small))
    left = bodies[0][1] if bodies else []
    right = [b for _, paras in bodies[1:] for b in paras]
    # Text boxes and tables follow the (first column's) bullets; nothing on the slide is dropped.
    return title, subtitle, left + extra, right, facts


def read_deck(path: str | Path, *, merge_continued: bool = True) -> DeckReading:
    """The deck at ``path`` as an outline plus per-slide facts.

    The first slide becomes the ``# title`` when it uses a title layout or repeats the document
    title; "X (cont.)" slides that follow X are merged back into X (the builder made them).

    Raises:
        DocumentError subclasses (legacy, encrypted, corrupt); EmptyDocument when there are no slides.
    """
    p = Path(path)
    prs = open_presentation(p)
    slides = list(prs.slides)
    if not slides:
        raise EmptyDocument(p, "has no slides — nothing to read")
    core_title = clean_text(prs.core_properties.title or "")
    deck_title = core_title
    subtitle: tuple[str, ...] = ()
    out: list[Slide] = []
    facts: list[SlideFacts] = []
    cache = _Cache(prs)
    for i, slide in enumerate(slides):
        info = cache.info(slide.slide_layout)
        kind = kind_of_layout(info)
        title, sub, left, right, f = _read_slide(slide, i + 1, cache)
        f.layout_kind = kind
        facts.append(f)
        notes = _notes(slide)
        if i == 0 and title and (kind == "title" or (core_title and title == core_title)):
            deck_title = title
            subtitle = tuple(b.text for b in sub + left + right)
            continue
        layout: Layout | None = None
        if kind == "title":
            layout = "closing" if i == len(slides) - 1 and i > 0 else "title"
        elif kind in ("section", "two-content"):
            layout = kind
        if layout in ("title", "closing"):
            left, right = [Bullet(b.text) for b in sub + left + right], []
        elif sub:
            left = [Bullet(b.text) for b in sub] + left
        cont = _CONT.match(title) if merge_continued else None
        if cont and out and out[-1].title == cont.group(1) and out[-1].layout == layout:
            prev = out[-1]
            out[-1] = Slide(prev.title, prev.bullets + tuple(left), prev.notes or notes, prev.layout,
                            prev.right + tuple(right))
            continue
        out.append(Slide(title, tuple(left), notes, layout, tuple(right)))
    if not deck_title:
        deck_title = p.stem
    return DeckReading(Outline(deck_title, subtitle, tuple(out)).normalised(), facts, p)
