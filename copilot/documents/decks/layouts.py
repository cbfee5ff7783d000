"""Find a template's slide layouts by what their placeholders are, never by position.

A user's template may order (or name, in any language) its layouts however it likes; what is
stable is the placeholder *type*: TITLE / CENTER_TITLE, SUBTITLE, BODY / OBJECT.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from copilot.documents.decks.outline import Layout
from copilot.errors import BadDocument

__all__ = ["LayoutInfo", "LayoutSet", "describe_layout", "find_layouts", "kind_of_layout", "layout_info"]

# PP_PLACEHOLDER values, as ints so this module needs no pptx import at load time.
TITLE, BODY, CENTER_TITLE, SUBTITLE, OBJECT = 1, 2, 3, 4, 7
_BODYISH = {BODY, OBJECT}
_TITLES = {TITLE, CENTER_TITLE}
_NAMES = {TITLE: "title", BODY: "body", CENTER_TITLE: "center title", SUBTITLE: "subtitle", OBJECT: "content"}


@dataclass(frozen=True)
class LayoutInfo:
    """What one layout offers: its title and body placeholders (idx), in reading order."""

    name: str
    xml_type: str | None
    title_idx: int | None
    subtitle_idx: int | None
    bodies: tuple[int, ...]
    """Body/content placeholders (idx), left to right then top to bottom; vertical ones excluded."""
    body_areas: tuple[int, ...]
    other_types: tuple[int, ...]


def _ph_type(ph: Any) -> int:
    try:
        return int(ph.placeholder_format.type)
    except (ValueError, AttributeError):  # unknown type value in a hand-made template
        return -1


def layout_info(layout: Any) -> LayoutInfo:
    title_idx: int | None = None
    subtitle_idx: int | None = None
    bodies: list[tuple[int, int, int, int]] = []
    others: list[int] = []
    for ph in layout.placeholders:
        t = _ph_type(ph)
        idx = int(ph.placeholder_format.idx)
        if t in _TITLES and title_idx is None:
            title_idx = idx
        elif t == SUBTITLE and subtitle_idx is None:
            subtitle_idx = idx
        elif t in _BODYISH:
            ph_el = ph._element.ph
            if ph_el is not None and ph_el.get("orient") == "vert":
                others.append(t)  # vertical text: not for bullets
                continue
            left, top = int(ph.left or 0), int(ph.top or 0)
            area = int(ph.width or 0) * int(ph.height or 0)
            bodies.append((left, top, idx, area))
        else:
            others.append(t)
    bodies.sort(key=lambda b: (b[0] // 100000, b[1]))
    return LayoutInfo(
        name=str(layout.name or ""),
        xml_type=layout._element.get("type"),
        title_idx=title_idx,
        subtitle_idx=subtitle_idx,
        bodies=tuple(b[2] for b in bodies),
        body_areas=tuple(b[3] for b in bodies),
        other_types=tuple(others),
    )


def _is_section(info: LayoutInfo) -> bool:
    name = info.name.lower()
    return info.xml_type == "secHead" or "section" in name or "节" in info.name


def kind_of_layout(info: LayoutInfo) -> Layout | None:
    """The outline slide kind a layout is the natural home of (None: not one we use)."""
    if info.title_idx is None:
        return None
    if info.subtitle_idx is not None and not info.bodies:
        return "title"
    if info.xml_type == "title":
        return "title"
    if len(info.bodies) == 1 and _is_section(info):
        return "section"
    if len(info.bodies) == 1:
        return "content"
    if len(info.bodies) == 2 and (info.xml_type in (None, "twoObj", "twoTxTwoObj", "twoColTx")):
        # Two side-by-side bodies of similar size (not "content with caption").
        a, b = info.body_areas
        if min(a, b) >= 0.6 * max(a, b):
            return "two-content"
    return None


def describe_layout(info: LayoutInfo) -> str:
    parts = []
    if info.title_idx is not None:
        parts.append("title")
    if info.subtitle_idx is not None:
        parts.append("subtitle")
    parts.extend("body" for _ in info.bodies)
    return f"'{info.name}' [{', '.join(parts) or 'no title/body placeholders'}]"


@dataclass
class LayoutSet:
    """The layout chosen for each slide kind, and which kinds have a layout of their own."""

    layouts: dict[str, Any]
    infos: dict[str, LayoutInfo]
    native: frozenset[str]
    """Kinds whose layout is made for them (the rest fall back, e.g. section → title layout)."""

    def for_kind(self, kind: Layout) -> tuple[Any, LayoutInfo]:
        return self.layouts[kind], self.infos[kind]


def _score_content(info: LayoutInfo) -> tuple[int, int, int]:
    # Prefer the template's "Title and Content" (type obj/tx), then the biggest body.
    pref = 2 if info.xml_type in ("obj", "tx") else (1 if info.xml_type is None else 0)
    return (pref, -len(info.other_types), info.body_areas[0] if info.body_areas else 0)


def find_layouts(prs: Any, template: str | Path) -> LayoutSet:
    """Choose layouts for every slide kind from ``prs``'s layouts (all masters).

    Raises:
        BadDocument: no layout has a title and a body placeholder; the message lists what was found.
    """
    candidates: dict[str, list[tuple[Any, LayoutInfo]]] = {k: [] for k in
                                                          ("title", "section", "content", "two-content")}
    seen: list[LayoutInfo] = []
    for master in prs.slide_masters:
        for layout in master.slide_layouts:
            info = layout_info(layout)
            seen.append(info)
            kind = kind_of_layout(info)
            if kind is not None and kind in candidates:
                candidates[kind].append((layout, info))
    if not candidates["content"]:
        found = "; ".join(describe_layout(i) for i in seen[:8]) or "no layouts"
        raise BadDocument(template, "has no slide layout with a title and one body placeholder "
                                    f"(found: {found}) — use a template with a 'Title and Content' layout")
    content = max(candidates["content"], key=lambda c: _score_content(c[1]))
    layouts: dict[str, Any] = {"content": content[0]}
    infos: dict[str, LayoutInfo] = {"content": content[1]}
    native = {"content"}
    for wanted in ("title", "section", "two-content"):
        if candidates[wanted]:
            layouts[wanted], infos[wanted] = candidates[wanted][0]
            native.add(wanted)
    if "title" not in layouts:
        layouts["title"], infos["title"] = content
    if "section" not in layouts:
        layouts["section"], infos["section"] = layouts["title"], infos["title"]
    if "two-content" not in layouts:
        layouts["two-content"], infos["two-content"] = content
    # A closing slide ("Thank you / Questions") uses the title layout.
    layouts["closing"], infos["closing"] = layouts["title"], infos["title"]
    if "title" in native:
        native.add("closing")
    return LayoutSet(layouts, infos, frozenset(native))
