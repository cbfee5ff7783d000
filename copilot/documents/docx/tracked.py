"""Applying a paragraph's edits onto its runs: as tracked changes (w:ins / w:del) or directly.

Runs are split so each piece keeps the formatting it had; inserted text copies the ``w:rPr`` of
its neighbour; everything is placed in the run's own parent, so edits inside a hyperlink stay
inside it (``w:ins``/``w:del`` may not contain ``w:hyperlink``). Paragraphs without edits are
never touched, so they serialise byte-identically.
"""

from __future__ import annotations

import copy
import datetime as dt
import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from lxml import etree

from copilot.documents.docx.diff import Edit
from copilot.documents.docx.text_map import ParaMap, Placeholder, TextPiece, W, set_preserve

__all__ = ["ChangeStamp", "apply_edits", "max_annotation_id", "utc_now"]

Mode = Literal["track", "clean"]


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def max_annotation_id(roots: Iterable[etree._Element]) -> int:
    """Highest numeric ``w:id`` in use, so our ids never collide with existing ones."""
    top = 0
    for root in roots:
        for el in root.iter():
            value = el.get(W + "id") if isinstance(el.tag, str) else None
            if value is not None and value.lstrip("-").isdigit():
                top = max(top, int(value))
    return top


@dataclass
class ChangeStamp:
    """Author, date and a shared id counter for every tracked change of one run."""

    author: str
    date: str = field(default_factory=utc_now)
    first_id: int = 1
    _ids: itertools.count[int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._ids = itertools.count(self.first_id)

    def wrap(self, kind: Literal["ins", "del"], run: etree._Element) -> etree._Element:
        el = etree.Element(W + kind)
        el.set(W + "id", str(next(self._ids)))
        el.set(W + "author", self.author)
        el.set(W + "date", self.date)
        el.append(run)
        return el


def _content_children(r: etree._Element) -> list[etree._Element]:
    return [c for c in r if isinstance(c.tag, str) and c.tag != W + "rPr"]


def _split_run(r: etree._Element) -> None:
    """Turn a run with several content children into one run per child (same formatting)."""
    children = _content_children(r)
    if len(children) <= 1:
        return
    parent = r.getparent()
    if parent is None:
        return
    rpr = r.find(W + "rPr")
    index = parent.index(r)
    for offset, child in enumerate(children):
        new = etree.Element(W + "r", attrib=dict(r.attrib))
        if rpr is not None:
            new.append(copy.deepcopy(rpr))
        new.append(child)
        parent.insert(index + offset, new)
    parent.remove(r)


def _run_of(el: etree._Element) -> etree._Element:
    parent = el.getparent()
    return parent if parent is not None and parent.tag == W + "r" else el


def _new_run(template: etree._Element | None, text: str, deleted: bool = False) -> etree._Element:
    r = etree.Element(W + "r")
    if template is not None and template.tag == W + "r":
        for key, value in template.attrib.items():
            r.set(key, value)
        rpr = template.find(W + "rPr")
        if rpr is not None:
            r.append(copy.deepcopy(rpr))
    t = etree.SubElement(r, W + ("delText" if deleted else "t"))
    t.text = text
    set_preserve(t)
    return r


@dataclass
class _PieceOps:
    deleted: list[bool]
    inserts: dict[int, list[str]] = field(default_factory=dict)


def apply_edits(pm: ParaMap, edits: list[Edit], mode: Mode, stamp: ChangeStamp) -> None:
    """Apply ``edits`` (offsets into ``pm.text``) to the paragraph's XML."""
    if not edits:
        return
    owner: list[tuple[int, int] | None] = []  # char -> (piece index, offset) or None for tokens
    ph_at: list[int] = []  # char -> piece index (for placeholders too)
    for k, piece in enumerate(pm.pieces):
        if isinstance(piece, TextPiece):
            owner.extend(zip(itertools.repeat(k), range(len(piece.text))))
            ph_at.extend([k] * len(piece.text))
        else:
            owner.extend([None] * len(piece.token))
            ph_at.extend([k] * len(piece.token))

    # One content child per run from here on, so every piece can be replaced on its own.
    runs: dict[int, etree._Element] = {}
    for piece in pm.pieces:
        for el in ((piece.t,) if isinstance(piece, TextPiece) else (piece.first, piece.last)):
            r = _run_of(el)
            if r.tag == W + "r":
                runs[id(r)] = r
    for r in runs.values():
        _split_run(r)

    ops: dict[int, _PieceOps] = {}
    anchored: list[tuple[etree._Element, bool, str]] = []  # (node, after?, text)

    def piece_ops(k: int) -> _PieceOps:
        if k not in ops:
            text = pm.pieces[k]
            assert isinstance(text, TextPiece)
            ops[k] = _PieceOps([False] * len(text.text))
        return ops[k]

    for edit in edits:
        for i in range(edit.start, edit.end):
            o = owner[i]
            if o is None:
                raise ValueError("edit touches a placeholder")
            piece_ops(o[0]).deleted[o[1]] = True
        if not edit.text:
            continue
        if edit.end > edit.start:
            first = owner[edit.start]
            assert first is not None
            last_off = max(o[1] for o in owner[edit.start:edit.end] if o is not None and o[0] == first[0])
            piece_ops(first[0]).inserts.setdefault(last_off + 1, []).append(edit.text)
            continue
        p = edit.start
        before = owner[p - 1] if p > 0 else None
        after = owner[p] if p < len(owner) else None
        if before is not None:
            piece_ops(before[0]).inserts.setdefault(before[1] + 1, []).append(edit.text)
        elif after is not None:
            piece_ops(after[0]).inserts.setdefault(after[1], []).append(edit.text)
        elif p > 0:
            ph = pm.pieces[ph_at[p - 1]]
            assert isinstance(ph, Placeholder)
            anchored.append((_run_of(ph.last), True, edit.text))
        else:
            ph = pm.pieces[ph_at[p]]
            assert isinstance(ph, Placeholder)
            anchored.append((_run_of(ph.first), False, edit.text))

    nearest_run = _first_text_run(pm)
    for k, po in ops.items():
        piece = pm.pieces[k]
        assert isinstance(piece, TextPiece)
        _rewrite_piece(piece, po, mode, stamp)
    for node, after_node, text in anchored:
        template = node if node.tag == W + "r" else nearest_run
        new = _new_run(template, text)
        added = stamp.wrap("ins", new) if mode == "track" else new
        parent = node.getparent()
        assert parent is not None
        parent.insert(parent.index(node) + (1 if after_node else 0), added)


def _first_text_run(pm: ParaMap) -> etree._Element | None:
    for piece in pm.pieces:
        if isinstance(piece, TextPiece):
            return _run_of(piece.t)
    return None


def _rewrite_piece(piece: TextPiece, po: _PieceOps, mode: Mode, stamp: ChangeStamp) -> None:
    r = _run_of(piece.t)
    parent = r.getparent()
    assert parent is not None
    text = piece.text
    # Sequence of (kind, text) with kind in keep/del/ins, merged when adjacent and alike.
    parts: list[tuple[str, str]] = []

    def push(kind: str, s: str) -> None:
        if not s:
            return
        if parts and parts[-1][0] == kind:
            parts[-1] = (kind, parts[-1][1] + s)
        else:
            parts.append((kind, s))

    # Stretches of kept or deleted characters, cut where the flag changes or an insert lands.
    deleted, inserts, n = po.deleted, po.inserts, len(text)
    i = 0
    while True:
        for s in inserts.get(i, ()):
            push("ins", s)
        if i >= n:
            break
        flag = deleted[i]
        j = i + 1
        while j < n and deleted[j] is flag and j not in inserts:
            j += 1
        push("del" if flag else "keep", text[i:j])
        i = j
    nodes: list[etree._Element] = []
    for kind, s in parts:
        if kind == "keep":
            nodes.append(_new_run(r, s))
        elif kind == "ins":
            run = _new_run(r, s)
            nodes.append(stamp.wrap("ins", run) if mode == "track" else run)
        elif mode == "track":
            nodes.append(stamp.wrap("del", _new_run(r, s, deleted=True)))
    index = parent.index(r)
    for offset, node in enumerate(nodes):
        parent.insert(index + offset, node)
    parent.remove(r)
