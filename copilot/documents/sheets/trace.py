"""Checking that every number in a narrated answer comes from the query result.

A number in the answer is traceable when some value in the result table (or the question, or a
column name) equals it at the precision it was written with — allowing thousands separators,
percent of a fraction (0.253 -> 25.3%), units (万, 亿, k, million) and a dropped sign
("fell by 5" for -5). Everything else is returned as untraceable and shown as such.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from typing import Any

__all__ = ["find_numbers", "untraceable_numbers"]

_NUMBER = re.compile(
    r"(?<![A-Za-z0-9_.])([-+−]?)(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?"
    r"(?:\s*(%|％|percent\b|per cent\b|万|亿|千|k\b|K\b|M\b|million\b|billion\b|bn\b|thousand\b))?"
)
_UNITS = {"万": 1e4, "亿": 1e8, "千": 1e3, "k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6,
          "billion": 1e9, "bn": 1e9}
_DIGITS = re.compile(r"\d+(?:\.\d+)?")


def find_numbers(text: str) -> list[tuple[str, float, float, bool]]:
    """(as written, value, tolerance, is_percent) for each number in ``text``."""
    found = []
    for m in _NUMBER.finditer(text):
        sign, whole, frac, unit = m.group(1), m.group(2), m.group(3) or "", (m.group(4) or "").lower()
        value = float(whole.replace(",", "") + frac)
        if sign in ("-", "−"):
            value = -value
        decimals = len(frac) - 1 if frac else 0
        tolerance = 0.5 * 10 ** -decimals
        percent = unit in ("%", "％", "percent", "per cent")
        scale = _UNITS.get(unit, 1.0)
        found.append((m.group(0).strip(), value * scale, tolerance * scale, percent))
    return found


def _values(cell: Any) -> Iterable[float]:
    if cell is None or isinstance(cell, bool):
        return
    if isinstance(cell, int | float):
        if not (isinstance(cell, float) and (math.isnan(cell) or math.isinf(cell))):
            yield float(cell)
        return
    if isinstance(cell, dt.date | dt.datetime):
        cell = cell.isoformat()
    for part in _DIGITS.findall(str(cell)):
        yield float(part)


def _matches(value: float, tolerance: float, percent: bool, known: list[float]) -> bool:
    candidates = [value, abs(value)]
    if percent:
        candidates += [value / 100, abs(value) / 100]
    for candidate in candidates:
        tol = tolerance / 100 if percent and candidate in (value / 100, abs(value) / 100) else tolerance
        tol = max(tol, 1e-9 * abs(candidate))
        for k in known:
            if abs(k - candidate) <= tol or abs(abs(k) - candidate) <= tol:
                return True
    return False


def untraceable_numbers(answer: str, columns: list[str], rows: list[list[Any]],
                        question: str = "") -> list[str]:
    """Numbers written in ``answer`` that the result table (or question) does not contain."""
    known: set[float] = set()
    for row in rows:
        for cell in row:
            known.update(_values(cell))
    for text in [question, *columns]:
        known.update(_values(text))
    # "3 regions", "top 5": counting the rows shown is reading the table, not inventing.
    known.update(float(n) for n in range(len(rows) + 1))
    ordered = sorted(known)
    missing: list[str] = []
    for written, value, tolerance, percent in find_numbers(answer):
        if not _matches(value, tolerance, percent, ordered):
            missing.append(written)
    return missing
