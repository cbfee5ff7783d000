"""Word-level diff (character-level for CJK) between a paragraph and its rewrite.

Placeholders are fixed points: the guard has already checked both texts carry the same tokens in
the same order, so the texts are diffed segment by segment between them and a placeholder is
never part of an edit.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from copilot.documents.docx.text_map import TOKEN_RE

__all__ = ["Edit", "diff_edits", "tokenize"]

_CJK = "\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
_TOKEN = re.compile(rf"[{_CJK}]|[^\s{_CJK}\W]+(?:['’.,\-][^\s{_CJK}\W]+)*|\s+|.", re.DOTALL)


@dataclass(frozen=True)
class Edit:
    """Replace original characters ``[start, end)`` with ``text`` (either may be empty)."""

    start: int
    end: int
    text: str


def tokenize(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _segments(text: str) -> list[tuple[int, str]]:
    """(offset, text) of the stretches between placeholder tokens, including empty ones."""
    out: list[tuple[int, str]] = []
    pos = 0
    for m in TOKEN_RE.finditer(text):
        out.append((pos, text[pos:m.start()]))
        pos = m.end()
    out.append((pos, text[pos:]))
    return out


def _diff_segment(offset: int, old: str, new: str) -> list[Edit]:
    if old == new:
        return []
    a, b = tokenize(old), tokenize(new)
    # A rewrite mostly keeps the paragraph's start and end: match those outright and leave only
    # the middle to SequenceMatcher, whose cost grows with the product of the two lengths.
    head = 0
    limit = min(len(a), len(b))
    while head < limit and a[head] == b[head]:
        head += 1
    tail = 0
    limit -= head
    while tail < limit and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    start = offset + sum(map(len, a[:head]))
    a, b = a[head:len(a) - tail], b[head:len(b) - tail]
    a_pos = [start]
    for tok in a:
        a_pos.append(a_pos[-1] + len(tok))
    edits: list[Edit] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        edits.append(Edit(a_pos[i1], a_pos[i2], "".join(b[j1:j2])))
    return edits


def diff_edits(old: str, new: str) -> list[Edit]:
    """Edits turning ``old`` into ``new``; both must have the same placeholder tokens in order."""
    old_segs, new_segs = _segments(old), _segments(new)
    if len(old_segs) != len(new_segs):
        raise ValueError("placeholder tokens differ")
    edits: list[Edit] = []
    for (offset, a), (_, b) in zip(old_segs, new_segs, strict=True):
        edits.extend(_diff_segment(offset, a, b))
    return edits
