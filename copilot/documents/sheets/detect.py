"""Finding what a sheet holds: table regions, header rows (one or two, merged cells joined into
names like ``2024 / Q1``), column types and trailing totals rows.

Detection looks only at the top of a sheet (``HEAD_ROWS`` rows), so it costs the same for ten
rows or a million; types and totals are decided while the rows stream past (see ``load.py``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["ERROR_VALUES", "HEAD_ROWS", "MAX_COLUMNS", "MISSING_TEXT", "NA_TEXT", "ColumnKinds", "TableSpec", "column_letter", "decide_type", "detect_tables",
           "is_error_value", "is_totals_row"]

HEAD_ROWS = 30
MAX_COLUMNS = 512
"""Columns loaded per table: a 16,384-column sheet is cut here with a note, not loaded for minutes."""
ERROR_VALUES = frozenset({"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!",
                          "#GETTING_DATA", "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#UNKNOWN!"})
# Text pandas also reads as missing (its default na_values), so counts agree with pandas.
NA_TEXT = frozenset({"N/A", "n/a", "NA", "NaN", "nan", "null", "NULL", "None", "<NA>", "#NA", "-NaN", "-nan",
                     "1.#IND", "1.#QNAN", "-1.#IND", "-1.#QNAN", "#N/A N/A"})
MISSING_TEXT = ERROR_VALUES | NA_TEXT
_TOTALS = re.compile(r"^\s*(grand\s+total|totals?|sum|subtotal|合计|总计|小计|总和|共计|合\s*计|总\s*计)\s*[:：]?\s*$",
                     re.IGNORECASE)


def column_letter(index: int) -> str:
    """0-based column index -> Excel letters (0 -> A, 26 -> AA)."""
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def is_error_value(value: object) -> bool:
    return isinstance(value, str) and value in ERROR_VALUES


def _empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _is_text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip()) and value not in MISSING_TEXT


@dataclass
class TableSpec:
    """One table found on a sheet. Row/column numbers are relative to the sheet's ``start``."""

    sheet: str
    index: int  # 0 for the first table on the sheet
    col_start: int
    col_stop: int  # exclusive
    header_start: int  # first header row (relative); == data_start when there is no header
    header_rows: int
    names: list[str]
    notes: list[str] = field(default_factory=list)

    @property
    def data_start(self) -> int:
        return self.header_start + self.header_rows

    @property
    def width(self) -> int:
        return self.col_stop - self.col_start


@dataclass
class ColumnKinds:
    """What one column's cells turned out to be, counted while rows stream past."""

    numbers: int = 0
    non_integral: int = 0
    texts: int = 0
    bools: int = 0
    dates: int = 0
    datetimes: int = 0  # date values carrying a time of day
    others: int = 0  # times, durations
    errors: int = 0
    missing: int = 0

    @property
    def present(self) -> int:
        return self.numbers + self.texts + self.bools + self.dates + self.datetimes + self.others


def decide_type(kinds: ColumnKinds, hint: str | None) -> str:
    """One of integer, number, percent, currency, date, datetime, text, boolean, mixed, empty."""
    groups = sum(1 for n in (kinds.numbers, kinds.texts + kinds.others, kinds.bools,
                             kinds.dates + kinds.datetimes) if n)
    if groups == 0:
        return "empty"
    if groups > 1:
        return "mixed"
    if kinds.numbers:
        if hint in ("percent", "currency"):
            return hint
        return "number" if kinds.non_integral else "integer"
    if kinds.bools:
        return "boolean"
    if kinds.dates or kinds.datetimes:
        return "datetime" if kinds.datetimes else "date"
    return "text"


def is_totals_row(row: Sequence[Any]) -> bool:
    """A row whose first non-empty cell says Total/合计/... and that holds at least one number."""
    first = next((v for v in row if not _empty(v)), None)
    if not (isinstance(first, str) and _TOTALS.match(first)):
        return False
    return any(isinstance(v, int | float) and not isinstance(v, bool) for v in row)


def _column_blocks(head: list[list[Any]], width: int) -> list[tuple[int, int]]:
    """Runs of columns separated by a column that is empty in every head row."""
    used = [any(j < len(r) and not _empty(r[j]) for r in head) for j in range(width)]
    blocks: list[tuple[int, int]] = []
    start: int | None = None
    for j, flag in enumerate([*used, False]):
        if flag and start is None:
            start = j
        elif not flag and start is not None:
            blocks.append((start, j))
            start = None
    return blocks


def _row_cells(row: list[Any], a: int, b: int) -> list[Any]:
    cells = row[a:b]
    return cells + [""] * (b - a - len(cells))


def _label(value: object) -> bool:
    """Text, or a whole number that reads as a year — header cells like "2024" in a CSV."""
    if _is_text(value):
        return True
    return (isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer()
            and 1900 <= value <= 2100)


def _header_like(cells: list[Any]) -> bool:
    filled = [v for v in cells if not _empty(v)]
    texts = sum(1 for v in filled if _is_text(v))
    return texts > 0 and all(_label(v) for v in filled)


def _header_row(rows: list[list[Any]]) -> int | None:
    """The first row that looks like a header: mostly filled with text, followed by data rows."""
    width = len(rows[0]) if rows else 0
    for i, row in enumerate(rows[:HEAD_ROWS - 2]):
        filled = [v for v in row if not _empty(v)]
        if not filled:
            continue
        # A one-cell row above a wider table is a title, not a header.
        if width > 2 and len(filled) == 1:
            continue
        if _header_like(row) and len(filled) >= max(1, width // 2):
            return i
        return None  # the first real row holds numbers/dates: there is no header
    return None


def _merged_top(merged: list[tuple[int, int, int, int]], row: int, a: int, b: int) -> dict[int, int]:
    """Column -> column holding the value, for cells of ``row`` covered by a horizontal merge."""
    owner: dict[int, int] = {}
    for r0, c0, r1, c1 in merged:
        if r0 <= row <= r1 and c1 > c0:
            for c in range(max(c0, a), min(c1, b - 1) + 1):
                owner[c] = c0
    return owner


def _vertical_merge(merged: list[tuple[int, int, int, int]], row: int, col: int) -> bool:
    return any(r0 == row and r1 > r0 and c0 <= col <= c1 for r0, c0, r1, c1 in merged)


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return " ".join(str(value).split())


def _two_row_header(rows: list[list[Any]], h: int, a: int, merged: list[tuple[int, int, int, int]]) -> bool:
    if h + 2 >= len(rows):
        return False
    top, second, data = rows[h], rows[h + 1], rows[h + 2]
    if not _header_like(second):
        return False
    if _header_like(data):
        return False  # the row after is text too: the second row is data
    horizontal = any(r0 == h and c1 > c0 for r0, c0, r1, c1 in merged)
    gaps_under = any(_empty(top[j]) and not _empty(second[j]) for j in range(len(top)))
    return horizontal or gaps_under


def _names(rows: list[list[Any]], h: int, count: int, a: int,
           merged: list[tuple[int, int, int, int]]) -> list[str]:
    width = len(rows[h])
    if count == 0:
        return [column_letter(a + j) for j in range(width)]
    if count == 1:
        raw = [_text(v) if not _empty(v) else "" for v in rows[h]]
    else:
        top = [_text(v) if not _empty(v) else "" for v in rows[h]]
        owner = _merged_top(merged, h, a, a + width)
        filled = list(top)
        for j in range(width):
            if a + j in owner:
                filled[j] = top[owner[a + j] - a]
            elif not top[j] and not merged and j > 0:
                # Without merge information (CSV, ODS) a blank top cell continues the group to its left.
                filled[j] = filled[j - 1]
        second = [_text(v) if not _empty(v) else "" for v in rows[h + 1]]
        raw = []
        for j in range(width):
            upper, lower = filled[j], second[j]
            if _vertical_merge(merged, h, a + j) or not lower:
                raw.append(upper)
            elif not upper or upper == lower:
                raw.append(lower)
            else:
                raw.append(f"{upper} / {lower}")
    names: list[str] = []
    seen: dict[str, int] = {}
    for j, name in enumerate(raw):
        name = name[:80] or column_letter(a + j)
        key = name.lower()
        if key in seen:
            seen[key] += 1
            name = f"{name} ({seen[key]})"
        else:
            seen[key] = 1
        names.append(name)
    return names


def detect_tables(sheet: str, head: list[list[Any]], width: int,
                  merged: list[tuple[int, int, int, int]]) -> list[TableSpec]:
    """Tables in the first rows of a sheet (relative coordinates); empty list if there is no data."""
    head = [list(r) for r in head[:HEAD_ROWS]]
    tables: list[TableSpec] = []
    for a, full_b in _column_blocks(head, width):
        # A table wider than MAX_COLUMNS is cut (loading and profiling cost grows with every column).
        b = min(full_b, a + MAX_COLUMNS)
        rows = [_row_cells(r, a, b) for r in head]
        first = next((i for i, r in enumerate(rows) if any(not _empty(v) for v in r)), None)
        if first is None:
            continue
        h = _header_row(rows)
        if h is None:
            spec = TableSpec(sheet, len(tables), a, b, first, 0, _names(rows, first, 0, a, merged),
                             ["no header row found; columns are named by letter"])
        else:
            count = 2 if _two_row_header(rows, h, a, merged) else 1
            spec = TableSpec(sheet, len(tables), a, b, h, count, _names(rows, h, count, a, merged))
            if h > first:
                spec.notes.append(f"skipped {h - first} title row(s) above the header")
        if full_b > b:
            spec.notes.append(f"only the first {MAX_COLUMNS:,} of {full_b - a:,} columns are loaded; "
                              "split the sheet to analyse the rest")
        tables.append(spec)
    return tables
