"""The top of an .xlsx/.xlsm sheet read straight from its XML, without parsing the whole sheet.

fastexcel reads a sheet's values into Arrow in one Rust pass but does not say where the used range
starts, what type each header cell had, or which number formats the columns use. Those all live in
the first rows of the sheet's XML, so a streaming parse that stops after them costs a few
milliseconds whatever the sheet's size (openpyxl would first load every shared string).
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from xml.etree.ElementTree import Element, XMLPullParser

from copilot.documents.sheets.read import format_kind

__all__ = ["HeaderCell", "XlsxPeek", "peek_xlsx"]

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_REF = re.compile(r"^([A-Z]{1,3})(\d+)$")
# Built-in number formats (ECMA-376 §18.8.30), as openpyxl names them (importing openpyxl to look
# them up would cost more than the rest of the peek).
BUILTIN_FORMATS = {
    0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00", 5: '"$"#,##0_);("$"#,##0)',
    6: '"$"#,##0_);[Red]("$"#,##0)', 7: '"$"#,##0.00_);("$"#,##0.00)', 8: '"$"#,##0.00_);[Red]("$"#,##0.00)',
    9: "0%", 10: "0.00%", 11: "0.00E+00", 12: "# ?/?", 13: "# ??/??", 14: "mm-dd-yy", 15: "d-mmm-yy",
    16: "d-mmm", 17: "mmm-yy", 18: "h:mm AM/PM", 19: "h:mm:ss AM/PM", 20: "h:mm", 21: "h:mm:ss",
    22: "m/d/yy h:mm", 37: "#,##0_);(#,##0)", 38: "#,##0_);[Red](#,##0)", 39: "#,##0.00_);(#,##0.00)",
    40: "#,##0.00_);[Red](#,##0.00)", 41: '_(* #,##0_);_(* \\(#,##0\\);_(* "-"_);_(@_)',
    42: '_("$"* #,##0_);_("$"* \\(#,##0\\);_("$"* "-"_);_(@_)',
    43: '_(* #,##0.00_);_(* \\(#,##0.00\\);_(* "-"??_);_(@_)',
    44: '_("$"* #,##0.00_)_("$"* \\(#,##0.00\\)_("$"* "-"??_)_(@_)', 45: "mm:ss", 46: "[h]:mm:ss",
    47: "mmss.0", 48: "##0.0E+0", 49: "@",
}
_BLOCK = 64 * 1024
_MAX_BYTES = 64 * 1024 * 1024  # a header buried this deep is not worth a fast path


@dataclass(frozen=True)
class HeaderCell:
    kind: str  # the cell's t attribute: "s" shared string, "inlineStr", "str", "n", "b", "e", "d"
    text: str  # inline text, the number as written, or the shared-string index
    styled_date: bool = False


@dataclass
class XlsxPeek:
    first_row: int  # 0-based row of the first row holding a value (the used range's top)
    header: dict[int, HeaderCell]  # absolute column -> the first row's cell
    formats: dict[int, str] = field(default_factory=dict)  # absolute column -> "percent" | "currency"
    codes: dict[int, str] = field(default_factory=dict)  # absolute column -> most common format code
    # The sheet's <dimension ref>: (first row, first column, last row, last column), 0-based, as
    # the writer recorded it (None when absent or unreadable; it may be stale, so check it).
    dimension: tuple[int, int, int, int] | None = None


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _sheet_member(zf: zipfile.ZipFile, sheet: str) -> str | None:
    from xml.etree.ElementTree import fromstring

    book = fromstring(zf.read("xl/workbook.xml"))
    rid = next((s.get(f"{_REL}id") for s in book.iter(f"{_MAIN}sheet") if s.get("name") == sheet), None)
    if rid is None:
        return None
    rels = fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    target = next((r.get("Target") for r in rels.iter(f"{_PKG_REL}Relationship") if r.get("Id") == rid), None)
    if not target:
        return None
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))


def _style_codes(zf: zipfile.ZipFile) -> list[str]:
    """Style index -> its number format code."""
    from xml.etree.ElementTree import fromstring

    try:
        styles = fromstring(zf.read("xl/styles.xml"))
    except KeyError:
        return []
    custom = {int(f.get("numFmtId", "-1")): f.get("formatCode", "") for f in styles.iter(f"{_MAIN}numFmt")}
    xfs = styles.find(f"{_MAIN}cellXfs")
    codes = []
    for xf in xfs if xfs is not None else []:
        fmt = int(xf.get("numFmtId", "0"))
        codes.append(custom[fmt] if fmt in custom else BUILTIN_FORMATS.get(fmt, "General"))
    return codes


def _is_date_code(code: str) -> bool:
    # Quoted text, [colours] and \-escaped characters are not date parts.
    return bool(re.search(r"[dmyhs]", re.sub(r'"[^"]*"|\[[^]]*]|\\.', "", code), re.IGNORECASE))


def _text(cell: Element) -> str | None:
    """The cell's stored text, or None when it holds no value."""
    v = cell.find(f"{_MAIN}v")
    if v is not None and v.text is not None:
        return v.text
    inline = cell.find(f"{_MAIN}is")
    if inline is not None:
        return "".join(t.text or "" for t in inline.iter(f"{_MAIN}t"))
    return None


_Rows = tuple[int, dict[int, HeaderCell], dict[int, list[tuple[int, int]]], dict[int, int],
              tuple[int, int, int, int] | None]
_RANGE = re.compile(r"^([A-Z]{1,3})(\d+)(?::([A-Z]{1,3})(\d+))?$")


def _dimension(ref: str | None) -> tuple[int, int, int, int] | None:
    m = _RANGE.match(ref or "")
    if m is None:
        return None
    first = (int(m.group(2)) - 1, _col_index(m.group(1)))
    last = (int(m.group(4)) - 1, _col_index(m.group(3))) if m.group(3) else first
    return first[0], first[1], last[0], last[1]


def _read_rows(handle: IO[bytes], sample_rows: int) -> _Rows | None:
    """First used row, its cells, (row, style) of every cell below it for ``sample_rows`` rows,
    the header cells' styles and the sheet's recorded dimension."""
    parser: Any = XMLPullParser(events=("end",))  # typeshed's event union does not unpack
    dimension: tuple[int, int, int, int] | None = None
    first_row: int | None = None
    header: dict[int, HeaderCell] = {}
    header_styles: dict[int, int] = {}
    styles: dict[int, list[tuple[int, int]]] = {}
    row_index = -1
    read = 0
    while True:
        block = handle.read(_BLOCK)
        read += len(block)
        if not block or read > _MAX_BYTES:
            return (first_row, header, styles, header_styles, dimension) if first_row is not None else None
        parser.feed(block)
        for _event, elem in parser.read_events():
            if elem.tag != f"{_MAIN}row":
                if elem.tag == f"{_MAIN}dimension":
                    dimension = _dimension(elem.get("ref"))
                continue
            r = elem.get("r")
            row_index = int(r) - 1 if r and r.isdigit() else row_index + 1
            if first_row is not None and row_index > first_row + sample_rows:
                return first_row, header, styles, header_styles, dimension
            col = -1
            for cell in elem.iter(f"{_MAIN}c"):
                ref = _REF.match(cell.get("r") or "")
                col = _col_index(ref.group(1)) if ref else col + 1
                style = int(cell.get("s", "0"))
                if first_row is not None and row_index > first_row:
                    # Every cell element counts, valued or not, as openpyxl sees them.
                    styles.setdefault(col, []).append((row_index - first_row, style))
                    continue
                text = _text(cell)
                if text is None:
                    continue
                if first_row is None:
                    first_row = row_index
                header[col] = HeaderCell(cell.get("t", "n"), text)
                header_styles[col] = style
            elem.clear()


def _most_common(values: list[str]) -> str | None:
    counted = Counter(values)
    return max(counted, key=lambda k: counted[k]) if counted else None  # ties: the first seen


def peek_xlsx(path: Path, sheet: str, sample_rows: int = 50, code_rows: int = 20) -> XlsxPeek | None:
    """The top of ``sheet``: None when the package is not laid out as expected (then read it fully).

    Format kinds are taken from ``sample_rows`` rows below the first, codes from ``code_rows``,
    as ``Workbook.number_formats`` and ``Workbook.format_codes`` take them through openpyxl.
    """
    try:
        with zipfile.ZipFile(path) as zf:
            member = _sheet_member(zf, sheet)
            if member is None:
                return None
            codes = _style_codes(zf)
            with zf.open(member) as handle:
                found = _read_rows(handle, sample_rows)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, SyntaxError):
        return None
    if found is None:
        return None
    first_row, header, styles, header_styles, dimension = found

    def code(style: int) -> str:
        return codes[style] if 0 <= style < len(codes) else "General"

    header = {c: HeaderCell(h.kind, h.text, _is_date_code(code(header_styles[c]))) for c, h in header.items()}
    peek = XlsxPeek(first_row, header, dimension=dimension)
    for col, seen in styles.items():
        kind = _most_common([k for _, s in seen if (k := format_kind(code(s)))])
        if kind:
            peek.formats[col] = kind
        common = _most_common([code(s) for r, s in seen if r <= code_rows and code(s) not in ("General", "@")])
        if common:
            peek.codes[col] = common
    return peek
