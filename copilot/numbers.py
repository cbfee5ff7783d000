"""Numbers as people write them: one formatter for every table and line a person reads.

Thousands separators always; the decimals, currency symbol and percent sign of the source column's
Excel number format when the workbook has one; otherwise integers as integers and at most two
decimals (more significant digits only for small fractions). Scientific notation only beyond 1e15
or below 1e-6. zh_CN and en group digits the same way (1,234,567.89) and no 万 is invented.

Machine outputs (``--json``, Copy in the app) keep the raw value: see ``exact_text``.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
import re
from dataclasses import dataclass
from typing import Any

__all__ = ["NumberStyle", "exact_text", "format_for_result_column", "format_value", "is_number",
           "style_for_column", "style_from_format"]

_SCI_HIGH = 1e15
_SCI_LOW = 1e-6


@dataclass(frozen=True)
class NumberStyle:
    """What a number format code says about how a person expects to see the number."""

    decimals: int | None = None  # None: the default (integers as integers, ≤ 2 decimals)
    percent: bool = False
    prefix: str = ""  # currency symbol written before the number
    suffix: str = ""  # currency or unit written after it
    grouping: bool = True
    date: bool = False


_QUOTED = re.compile(r'"([^"]*)"')
_BRACKET_CURRENCY = re.compile(r"\[\$([^\]-]*)(?:-[0-9A-Fa-f]+)?\]")
_BRACKETS = re.compile(r"\[[^\]]*\]")
_DATE_LETTERS = re.compile(r"[yYdDhHsS]|(?<![0#?])[mM]")
_CURRENCY_SIGNS = "$¥€£₩₹"


def style_from_format(code: object) -> NumberStyle | None:
    """The style an Excel number format code asks for; None for General, text or unknown codes."""
    if not isinstance(code, str) or not code or code in ("General", "@"):
        return None
    section = _first_section(code)
    prefix = suffix = ""
    # [$¥-804]#,##0.00 and "¥"#,##0.00 and ¥#,##0.00 all name the currency.
    bracket = _BRACKET_CURRENCY.search(section)
    literals = [m.group(1) for m in _QUOTED.finditer(section)]
    bare = _BRACKETS.sub("", _QUOTED.sub("", section)).replace("\\", "").replace("_)", "").replace("*", "")
    digits_at = min((bare.find(ch) for ch in "0#?" if ch in bare), default=-1)
    if digits_at < 0:
        if _DATE_LETTERS.search(bare):
            return NumberStyle(date=True)
        return None
    symbol = bracket.group(1) if bracket else next(
        (lit for lit in literals if lit.strip() and any(c in lit for c in _CURRENCY_SIGNS + "元")), "")
    if not symbol:
        symbol = next((c for c in bare if c in _CURRENCY_SIGNS), "")
    if symbol:
        at = section.find(symbol)
        first_digit = min((section.find(ch) for ch in "0#?" if ch in section), default=len(section))
        if at >= 0 and at > first_digit:
            suffix = symbol.strip()
        else:
            prefix = symbol.strip()
    number = bare[digits_at:]
    m = re.match(r"[0#?,]*(?:\.([0#?]*))?", number)
    decimals = len(m.group(1)) if m and m.group(1) is not None else 0
    grouping = "," in number.split(".")[0]
    percent = "%" in bare
    return NumberStyle(decimals=decimals, percent=percent, prefix=prefix, suffix=suffix,
                       grouping=grouping or not percent)


def _first_section(code: str) -> str:
    # Positive section only: "#,##0.00;[Red]-#,##0.00" -> "#,##0.00" (a ';' inside quotes is text).
    depth, out = False, []
    for ch in code:
        if ch == '"':
            depth = not depth
        elif ch == ";" and not depth:
            break
        out.append(ch)
    return "".join(out)


def is_number(value: Any) -> bool:
    return isinstance(value, int | float | decimal.Decimal) and not isinstance(value, bool)


def _sci(value: float) -> str:
    return f"{value:.6g}"


def _default_decimals(value: float) -> int:
    magnitude = abs(value)
    if magnitude == 0 or float(value).is_integer():
        return 0
    if magnitude >= 0.01:
        return 2
    # 0.00123 -> 0.00123: three significant digits rather than "0.00".
    return min(8, -math.floor(math.log10(magnitude)) + 2)


def _number(value: float, style: NumberStyle | None) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    shown = value * 100 if style is not None and style.percent else value
    magnitude = abs(shown)
    if magnitude >= _SCI_HIGH or (0 < magnitude < _SCI_LOW):
        text = _sci(shown)
    else:
        decimals = style.decimals if style is not None and style.decimals is not None else None
        if decimals is None:
            decimals = _default_decimals(shown)
            grouping = style is None or style.grouping
            text = f"{shown:,.{decimals}f}" if grouping else f"{shown:.{decimals}f}"
            if decimals > 2:  # a small fraction: no trailing zeros
                text = text.rstrip("0").rstrip(".")
        else:
            grouping = style.grouping if style is not None else True
            text = f"{shown:,.{decimals}f}" if grouping else f"{shown:.{decimals}f}"
        if text.startswith("-") and text.strip("-0.,") == "":
            text = text[1:]  # -0.00 reads as 0.00
    if style is None:
        return text
    sign = ""
    if text.startswith("-") and style.prefix:
        sign, text = "-", text[1:]
    return f"{sign}{style.prefix}{text}{'%' if style.percent else ''}{(' ' + style.suffix) if style.suffix else ''}"


def format_value(value: Any, style: NumberStyle | None = None) -> str:
    """Any result or profile cell as a person reads it ("" for missing)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int) and not (style is not None and (style.percent or style.decimals)):
        if abs(value) >= _SCI_HIGH:
            return _sci(float(value))
        text = f"{value:,}" if style is None or style.grouping else str(value)
        return f"{style.prefix}{text}{(' ' + style.suffix) if style.suffix else ''}" if style else text
    if is_number(value):
        return _number(float(value), style)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="seconds") if value.time() != dt.time() else value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def exact_text(value: Any) -> str:
    """The exact value, for a tooltip or the clipboard: no grouping, no rounding."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return repr(value)
        if abs(value) >= _SCI_HIGH or (0 < abs(value) < _SCI_LOW):
            return repr(value)
        text = format(decimal.Decimal(repr(value)), "f")
        return text[:-2] if text.endswith(".0") else text
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    if isinstance(value, dt.date):
        return format_value(value)
    return str(value)


# Years, ids and codes are labels, not quantities: 2024, not 2,024 (what Excel's General shows).
_LABEL_NUMBERS = re.compile(r"^(?:年|年份|年度|year|yr|fy)$|(?:^|[_\s])(?:id|no|code|zip)$|编号|代码|代号|邮编|工号|学号|"
                            r"单号|序号|^id|号码", re.IGNORECASE)
_PLAIN = NumberStyle(decimals=None, grouping=False)


def style_for_column(name: str, code: str | None) -> NumberStyle | None:
    """The style of a column: its number format's, else plain digits for years and ids, else None."""
    style = style_from_format(code)
    if style is not None:
        return style
    return _PLAIN if _LABEL_NUMBERS.search(name.strip()) else None


_COUNTING = re.compile(r"count|计数|个数|次数|笔数|数目|rows?\b|num_|number of", re.IGNORECASE)


def _bare(name: str) -> str:
    return re.sub(r'[\s"`\[\]]', "", name).lower()


def format_for_result_column(name: str, formats: dict[str, str | None]) -> str | None:
    """The number format code a query-result column inherits from its source column.

    ``formats`` maps source column names to their format codes. A result column named like a
    source column takes its code; one whose name contains a source column's name (``sum(销售额)``,
    ``销售额合计``) takes it too unless it counts rows; anything else gets none.
    """
    key = _bare(name)
    by_name = {_bare(n): code for n, code in formats.items() if code}
    if key in by_name:
        return by_name[key]
    if _COUNTING.search(name):
        return None
    for source in sorted(by_name, key=len, reverse=True):
        if source and source in key:
            return by_name[source]
    return None
