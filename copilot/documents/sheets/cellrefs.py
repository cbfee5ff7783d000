"""The alternative narration style: the model writes references to result cells, the app fills them.

A narration like 「[[R1C1]]的销售额最高，为 [[R1C2]] 元，其次是 [[R2C1]]」 is filled from the result
rows (``R<row>C<column>``, 1-based over the result table), so no number or name in it can be
invented, and every filled span keeps the row it came from: the claim checker then knows exactly
which entity a superlative is about (a date label, an abbreviation) and that a quoted value belongs
to the same row. A reference outside the table is itself reported.

Measured against free-text checking in ``benchmarks/claims.py``; the app and the CLI narrate in free
text (a small local model does not keep to the reference syntax), see the closing note of issue 20.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from copilot.documents.sheets.claims import Mention, check_mentions, mentions_from_text
from copilot.numbers import format_value, is_number

__all__ = ["REFERENCE", "fill_references", "unsupported_claims_with_references"]

REFERENCE = re.compile(r"\[\[\s*R(\d+)\s*C(\d+)\s*\]\]", re.I)


def fill_references(narration: str, columns: Sequence[str], rows: Sequence[Sequence[Any]],
                    styles: Sequence[Any] = ()) -> tuple[str, list[Mention], list[str]]:
    """The narration with its references replaced by cell text; the mentions; bad references."""
    parts: list[str] = []
    mentions: list[Mention] = []
    bad: list[str] = []
    at = 0
    length = 0
    for m in REFERENCE.finditer(narration):
        parts.append(narration[at:m.start()])
        length += m.start() - at
        at = m.end()
        r, c = int(m.group(1)) - 1, int(m.group(2)) - 1
        if not (0 <= r < len(rows) and 0 <= c < len(columns) and c < len(rows[r])):
            bad.append(m.group(0))
            parts.append(m.group(0))
            length += len(m.group(0))
            continue
        value = rows[r][c]
        text = format_value(value, styles[c] if c < len(styles) else None)
        numeric = is_number(value)
        mentions.append(Mention(length, length + len(text), text, frozenset({r}), c if numeric else None))
        parts.append(text)
        length += len(text)
    parts.append(narration[at:])
    return "".join(parts), mentions, bad


def unsupported_claims_with_references(narration: str, columns: Sequence[str], rows: Sequence[Sequence[Any]],
                                       *, sql: str = "", question: str = "", known_names: Sequence[str] = (),
                                       source_columns: Sequence[str] = ()) -> tuple[str, list[dict[str, str]]]:
    """Fill the references, then check the claims with the rows the references name."""
    filled, refs, bad = fill_references(narration, columns, rows)
    taken = [(m.start, m.end) for m in refs]
    # Names the model still wrote as text (against the instruction) are found the usual way.
    extra = [m for m in mentions_from_text(filled, columns, rows, known_names)
             if not any(m.start < e and s < m.end for s, e in taken)]
    mentions = sorted([*refs, *extra], key=lambda m: m.start)
    claims = check_mentions(filled, mentions, columns, rows, sql=sql, question=question,
                            source_columns=source_columns)
    zh = any("\u4e00" <= ch <= "\u9fff" for ch in filled)
    for ref in bad:
        claims.append({"claim": ref, "reason": f"{ref} 不在结果表中" if zh else f"{ref} is outside the result table"})
    return filled, claims
