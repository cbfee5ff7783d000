"""What the model is told about a workbook: views, columns with types, a compact profile and at
most 20 sample rows — shrunk step by step until the whole prompt fits the token budget, so a
million-row sheet costs the same as a ten-row one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from copilot.documents.sheets.load import quote_ident
from copilot.documents.sheets.query import SheetDatabase, _plain

__all__ = ["LEVELS", "PROMPT_BUDGET", "ContextLevel", "tables_text"]

PROMPT_BUDGET = 3000
MAX_SAMPLE_ROWS = 20


@dataclass(frozen=True)
class ContextLevel:
    sample_rows: int
    cell_chars: int
    top_values: int
    max_columns: int
    name_chars: int


# From richest to leanest; the first that fits the budget is used.
LEVELS = [
    ContextLevel(20, 40, 3, 60, 60),
    ContextLevel(10, 30, 3, 50, 50),
    ContextLevel(5, 24, 2, 40, 40),
    ContextLevel(3, 16, 1, 30, 30),
    ContextLevel(2, 12, 0, 20, 24),
    ContextLevel(0, 12, 0, 12, 20),
    ContextLevel(0, 8, 0, 6, 12),
]


def _short(value: Any, limit: int) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        text = f"{value:.6g}" if abs(value) < 1e15 else repr(value)
    else:
        text = " ".join(str(_plain(value)).split())
    return text if len(text) <= limit else text[:max(1, limit - 1)] + "…"


def _column_line(col: dict[str, Any], level: ContextLevel) -> str:
    parts = [f"{col['type']}"]
    if col["missing"]:
        parts.append(f"{col['missing']} missing")
    parts.append(f"{col['distinct']} distinct")
    if col["min"] is not None:
        parts.append(f"min {_short(col['min'], 24)}, max {_short(col['max'], 24)}")
    if col["mean"] is not None:
        parts.append(f"mean {_short(col['mean'], 16)}")
    if level.top_values and col["type"] in ("text", "mixed", "boolean") and col["top"]:
        tops = ", ".join(f"{_short(v, level.cell_chars)} ({n})" for v, n in col["top"][:level.top_values])
        parts.append(f"top: {tops}")
    name = _short(col["name"], level.name_chars)
    return f"- {quote_ident(name)} ({col['letter']}): " + "; ".join(parts)


def _sample(db: SheetDatabase, view: str, columns: list[str], n: int, chars: int) -> list[str]:
    if n <= 0 or not columns:
        return []
    select = ", ".join(quote_ident(c) for c in columns)
    rows = db.con.execute(f"SELECT {select} FROM {quote_ident(view)} LIMIT {int(n)}").fetchall()
    return [" | ".join(_short(v, chars) for v in row) for row in rows]


def _table_text(db: SheetDatabase, table: dict[str, Any], level: ContextLevel, lang: str) -> str:
    cols = table["columns"]
    shown = cols[:level.max_columns]
    zh = lang == "zh"
    head = (f"视图 {quote_ident(table['view'])}（工作表 {table['sheet']}，区域 {table['range']}，{table['rows']} 行）"
            if zh else
            f"View {quote_ident(table['view'])} (sheet {table['sheet']}, range {table['range']}, {table['rows']} rows)")
    lines = [head, "列：" if zh else "Columns:"]
    lines += [_column_line(c, level) for c in shown]
    if len(cols) > len(shown):
        rest = ", ".join(quote_ident(_short(c["name"], level.name_chars)) for c in cols[len(shown):])
        lines.append(("其余列（仅列名）：" if zh else "More columns (names only): ") + rest)
    if table.get("totals_row"):
        lines.append("（表末的合计行已排除在视图之外）" if zh else "(the totals row at the end is not in the view)")
    sample = _sample(db, table["view"], [c["name"] for c in shown], min(level.sample_rows, MAX_SAMPLE_ROWS),
                     level.cell_chars)
    if sample:
        lines.append(f"样例行（前 {len(sample)} 行）：" if zh else f"Sample rows (first {len(sample)}):")
        lines.append(" | ".join(_short(c["name"], level.name_chars) for c in shown))
        lines += sample
    return "\n".join(lines)


def tables_text(db: SheetDatabase, profile: dict[str, Any], *, lang: str,
                measure: Callable[[str], int], budget: int = PROMPT_BUDGET) -> tuple[str, int]:
    """The richest description whose full prompt (``measure(text)`` tokens) fits ``budget``.

    Returns the text and the token count of the prompt it produces.
    """
    tables = profile["sheets"]
    text, tokens = "", 0
    for level in LEVELS:
        for count in range(len(tables), 0, -1):
            parts = [_table_text(db, t, level, lang) for t in tables[:count]]
            if count < len(tables):
                parts.append(("其他视图：" if lang == "zh" else "Other views: ")
                             + ", ".join(quote_ident(t["view"]) for t in tables[count:]))
            text = "\n\n".join(parts)
            tokens = measure(text)
            if tokens <= budget:
                return text, tokens
            if count > 1 and level is not LEVELS[-1]:
                break  # first try a leaner level with every table before dropping tables
    return text, tokens
