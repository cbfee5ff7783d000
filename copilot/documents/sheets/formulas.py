"""Excel formulas as data: parsed with openpyxl's tokenizer (never evaluated), their functions and
references listed, and written formulas checked to refer only to cells that exist."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from copilot.documents.sheets.detect import column_letter

__all__ = ["FormulaParts", "SheetShape", "check_formula", "parse_formula"]

_CELL = re.compile(r"^\$?([A-Za-z]{1,3})?\$?(\d+)?$")
_SHEET_REF = re.compile(r"^(?:'((?:[^']|'')+)'|([^'!]+))!(.+)$")


@dataclass
class FormulaParts:
    formula: str
    functions: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)  # defined names / structured references


@dataclass(frozen=True)
class SheetShape:
    """What a written formula may refer to: the sheet's used columns and rows, other sheet names."""

    sheet: str
    first_col: int  # 0-based
    last_col: int
    last_row: int  # 1-based
    sheet_names: tuple[str, ...]


def parse_formula(formula: str) -> FormulaParts:
    """Tokenize ``formula``; ValueError with a one-line reason when it is not a valid formula."""
    from openpyxl.formula.tokenizer import Token, Tokenizer

    text = formula.strip()
    if not text.startswith("="):
        text = "=" + text
    try:
        tokens = Tokenizer(text).items
    except Exception as exc:
        raise ValueError(f"not a valid formula ({' '.join(str(exc).split())[:120]})") from exc
    depth = 0
    parts = FormulaParts(text)
    for token in tokens:
        if token.type == Token.FUNC and token.subtype == Token.OPEN:
            depth += 1
            name = token.value.rstrip("(").upper()
            if name not in parts.functions:
                parts.functions.append(name)
        elif token.type == Token.FUNC and token.subtype == Token.CLOSE:
            depth -= 1
        elif token.type == Token.OPERAND and token.subtype == Token.RANGE:
            value = token.value
            if _is_reference(value):
                parts.references.append(value)
            elif value.upper() not in ("TRUE", "FALSE"):
                parts.names.append(value)
    if depth != 0:
        raise ValueError("unbalanced parentheses")
    return parts


def _is_reference(value: str) -> bool:
    m = _SHEET_REF.match(value)
    body = m.group(3) if m else value
    return all(_CELL.match(p) and p.replace("$", "") for p in body.split(":"))


def _split_sheet(ref: str) -> tuple[str | None, str]:
    m = _SHEET_REF.match(ref)
    if not m:
        return None, ref
    sheet = m.group(1).replace("''", "'") if m.group(1) is not None else m.group(2)
    return sheet, m.group(3)


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def check_formula(formula: str, shape: SheetShape) -> list[str]:
    """Problems with a written formula (empty when it tokenizes and every reference exists)."""
    try:
        parts = parse_formula(formula)
    except ValueError as exc:
        return [str(exc)]
    problems: list[str] = []
    if "[" in formula:
        problems.append("external workbook or structured references are not allowed")
    for name in parts.names:
        problems.append(f"'{name}' is not a cell reference on this sheet")
    for ref in parts.references:
        sheet, body = _split_sheet(ref)
        if sheet is not None and sheet not in shape.sheet_names:
            problems.append(f"{ref}: there is no sheet named '{sheet}'")
            continue
        if sheet is not None and sheet != shape.sheet:
            continue  # another existing sheet: its shape is not known here
        for piece in body.split(":"):
            m = _CELL.match(piece)
            if m is None:
                problems.append(f"{ref}: not a reference")
                break
            letters, row = m.group(1), m.group(2)
            if letters and not shape.first_col <= _col_index(letters) <= shape.last_col:
                problems.append(f"{ref}: column {letters.upper()} is outside the table "
                                f"({column_letter(shape.first_col)}–{column_letter(shape.last_col)})")
                break
            if row and not 1 <= int(row) <= shape.last_row:
                problems.append(f"{ref}: row {row} is outside the sheet (1–{shape.last_row})")
                break
    return problems
