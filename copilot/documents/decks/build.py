"""Build a .pptx from an outline in a template: real layouts and placeholders, notes, no overflow."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from copilot.atomic import atomic_path
from copilot.cancel import CancelToken
from copilot.documents.decks.fit import BoxMetrics, box_metrics, split_to_fit, text_height
from copilot.documents.decks.layouts import LayoutInfo, LayoutSet, find_layouts
from copilot.documents.decks.open import open_presentation
from copilot.documents.decks.outline import Bullet, Layout, Outline, Slide
from copilot.textutil import detect_lang

__all__ = ["BuildReport", "PlannedSlide", "build_presentation", "continued_title", "plan_slides",
           "remove_all_slides", "save_deck"]

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_P_NS = "http://schemas.openxmlformats.org/presentationml/2006/main"
_P14_SECTIONS = "{http://schemas.microsoft.com/office/powerpoint/2010/main}sectionLst"


def _safe(text: str) -> str:
    """Text XML can hold (model output may contain control characters)."""
    return _CONTROL.sub("", text)


def continued_title(title: str) -> str:
    return f"{title}（续）" if detect_lang(title) == "zh" else f"{title} (cont.)"


@dataclass(frozen=True)
class PlannedSlide:
    kind: Layout
    title: str
    bullets: tuple[Bullet, ...]
    right: tuple[Bullet, ...] = ()
    notes: str = ""
    continued: bool = False


@dataclass
class BuildReport:
    slides: int = 0
    added_for_overflow: int = 0
    template: str = "default"
    notices: list[str] = field(default_factory=list)
    native_kinds: frozenset[str] = frozenset()


def remove_all_slides(prs: Any) -> int:
    """Drop every slide: its id, its relationship (so the part is not saved) and any section list."""
    sld_id_lst = prs.slides._sldIdLst
    removed = 0
    for sld_id in list(sld_id_lst):
        rid = sld_id.rId
        sld_id_lst.remove(sld_id)
        prs.part.drop_rel(rid)
        removed += 1
    root = prs.part._element
    for ext_lst in root.findall(f"{{{_P_NS}}}extLst"):
        for ext in ext_lst.findall(f"{{{_P_NS}}}ext"):
            if ext.find(_P14_SECTIONS) is not None:
                ext_lst.remove(ext)
    for child in list(root):
        if child.tag.endswith("}custShowLst"):
            root.remove(child)
    return removed


class _Metrics:
    """Box metrics per (layout, placeholder idx), computed once."""

    def __init__(self, prs: Any) -> None:
        self.prs = prs
        self._cache: dict[tuple[int, int, bool], BoxMetrics] = {}

    def get(self, layout: Any, idx: int | None, *, title: bool = False) -> BoxMetrics | None:
        if idx is None:
            return None
        key = (id(layout), idx, title)
        if key not in self._cache:
            ph = next((p for p in layout.placeholders if p.placeholder_format.idx == idx), None)
            if ph is None:
                return None
            self._cache[key] = box_metrics(ph, self.prs, title=title)
        return self._cache[key]

    def warn_if_over(self, layout: Any, idx: int | None, lines: tuple[Bullet, ...], what: str,
                     notice: Callable[[str], None], *, title: bool = False) -> None:
        """Titles and subtitles are not split: say so when they will not fit their box."""
        m = self.get(layout, idx, title=title)
        if m is not None and lines and text_height(lines, m) > m.height:
            notice(f"{what} is longer than its box holds — shorten it")


def plan_slides(outline: Outline, layouts: LayoutSet, metrics: _Metrics,
                notice: Callable[[str], None]) -> list[PlannedSlide]:
    """The slides to make, with bullets that do not fit moved onto "… (cont.)" slides."""
    planned: list[PlannedSlide] = []
    for number, slide in enumerate(outline.slides, start=2):
        kind = slide.kind
        layout, info = layouts.for_kind(kind)
        left, right = _columns(slide, info)
        metrics.warn_if_over(layout, info.title_idx, (Bullet(slide.title),), f"slide {number}: the title",
                             notice, title=True)
        if kind in ("title", "closing") or not info.bodies:
            where = info.subtitle_idx if info.subtitle_idx is not None else (info.bodies[0] if info.bodies else None)
            metrics.warn_if_over(layout, where, left + right, f"slide {number} '{slide.title}': the text", notice)
            planned.append(PlannedSlide(kind, slide.title, left + right, (), slide.notes))
            continue
        m_left = metrics.get(layout, info.bodies[0])
        pages_left = split_to_fit(left, m_left) if m_left and left else [list(left)]
        pages_right: list[list[Bullet]] = [list(right)]
        if right and len(info.bodies) > 1:
            m_right = metrics.get(layout, info.bodies[1])
            pages_right = split_to_fit(right, m_right) if m_right else [list(right)]
        for page in pages_left + pages_right:
            m = m_left
            if page and m is not None and len(page) == 1 and text_height(page, m) > m.usable_height:
                notice(f"slide {number} '{slide.title}': one bullet is longer than its box holds — shorten it")
        count = max(len(pages_left), len(pages_right))
        for i in range(count):
            planned.append(PlannedSlide(
                kind, slide.title if i == 0 else continued_title(slide.title),
                tuple(pages_left[i]) if i < len(pages_left) else (),
                tuple(pages_right[i]) if i < len(pages_right) else (),
                slide.notes if i == 0 else "", continued=i > 0,
            ))
    return planned


def _columns(slide: Slide, info: LayoutInfo) -> tuple[tuple[Bullet, ...], tuple[Bullet, ...]]:
    if len(info.bodies) > 1:
        return slide.bullets, slide.right
    return slide.bullets + slide.right, ()


def _fill(ph: Any, lines: tuple[Bullet, ...], *, levels: bool = True) -> None:
    tf = ph.text_frame
    for i, b in enumerate(lines):
        para = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        para.text = _safe(b.text)
        if levels and b.level:
            para.level = min(8, b.level)


def _remove(ph: Any) -> None:
    el = ph._element
    el.getparent().remove(el)


def _make_slide(prs: Any, layout: Any, info: LayoutInfo, title: str, body: tuple[Bullet, ...],
                right: tuple[Bullet, ...], notes: str, *, subtitle_style: bool) -> None:
    slide = prs.slides.add_slide(layout)
    by_idx = {ph.placeholder_format.idx: ph for ph in slide.placeholders}
    if info.title_idx is not None and info.title_idx in by_idx:
        ph = by_idx.pop(info.title_idx)
        if title:
            ph.text_frame.text = _safe(title)
        else:
            _remove(ph)
    targets: list[tuple[int | None, tuple[Bullet, ...], bool]] = []
    if subtitle_style:
        # Title-like slides: lines go to the subtitle (or, lacking one, the first body), no levels.
        where = info.subtitle_idx if info.subtitle_idx is not None else (info.bodies[0] if info.bodies else None)
        targets.append((where, body + right, False))
    else:
        bodies = list(info.bodies)
        targets.append((bodies[0] if bodies else info.subtitle_idx, body, True))
        if len(bodies) > 1:
            targets.append((bodies[1], right, True))
    for idx, lines, levels in targets:
        if idx is not None and idx in by_idx:
            ph = by_idx.pop(idx)
            if lines:
                _fill(ph, lines, levels=levels)
            else:
                _remove(ph)
    # Leftover empty title/body placeholders would show "Click to add text" in the editor.
    for ph in by_idx.values():
        if not (ph.has_text_frame and ph.text_frame.text):
            _remove(ph)
    if notes:
        slide.notes_slide.notes_text_frame.text = _safe(notes)


def build_presentation(outline: Outline, template: str | Path | None = None,
                       cancel: CancelToken | None = None,
                       progress: Callable[[int, int], None] | None = None) -> tuple[Any, BuildReport]:
    """A python-pptx Presentation for ``outline`` in ``template`` (python-pptx's default when None).

    Raises:
        BadDocument (and the other DocumentErrors of open_presentation): unusable template, naming
        what is missing.
    """
    from pptx import Presentation

    outline = outline.normalised()
    report = BuildReport(template=Path(template).name if template else "default")
    if template is not None:
        prs = open_presentation(template)
        name: str | Path = Path(template)
    else:
        prs = Presentation()
        name = "default template"
    layouts = find_layouts(prs, name)
    report.native_kinds = layouts.native
    removed = remove_all_slides(prs)
    if removed:
        report.notices.append(f"removed the template's {removed} sample slide(s)")
    metrics = _Metrics(prs)
    planned = [PlannedSlide("title", outline.title, tuple(Bullet(s) for s in outline.subtitle))]
    t_layout, t_info = layouts.for_kind("title")
    metrics.warn_if_over(t_layout, t_info.title_idx, (Bullet(outline.title),), "the deck title",
                         report.notices.append, title=True)
    metrics.warn_if_over(t_layout, t_info.subtitle_idx if t_info.subtitle_idx is not None else
                         (t_info.bodies[0] if t_info.bodies else None),
                         planned[0].bullets, "the subtitle", report.notices.append)
    planned += plan_slides(outline, layouts, metrics, report.notices.append)
    report.added_for_overflow = sum(1 for p in planned if p.continued)
    for i, p in enumerate(planned):
        if cancel is not None:
            cancel.raise_if_cancelled()
        layout, info = layouts.for_kind(p.kind)
        _make_slide(prs, layout, info, p.title, p.bullets, p.right, p.notes,
                    subtitle_style=p.kind in ("title", "closing") or (p.kind == "section" and not info.bodies))
        if progress is not None:
            progress(i + 1, len(planned))
    prs.core_properties.title = _safe(outline.title)[:255]
    report.slides = len(planned)
    return prs, report


def save_deck(prs: Any, path: str | Path, *, force: bool = False) -> Path:
    """Save atomically: the target appears complete or not at all; OutputExists without ``force``."""
    target = Path(path)
    with atomic_path(target, force=force) as tmp:
        prs.save(str(tmp))
    return target
