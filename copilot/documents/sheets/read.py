"""Reading spreadsheets cell by cell: python-calamine for cell values (xlsx, xlsm, xlsb, xls, ods),
openpyxl only for what calamine lacks (number formats), the standard csv module plus
charset-normalizer for CSV text in any encoding (GBK included). Tables whose columns each hold one
kind of value are read column by column into Arrow instead (``arrow_load.py``).

Rows are produced lazily: nothing here builds a Python list of a whole large sheet. Calamine keeps
the sheet's cells in its own compact (Rust) memory; CSV is read line by line.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from copilot.errors import BadDocument, DocumentTooLarge, EmptyDocument, EncryptedDocument, LegacyFormat

__all__ = ["CSV_SUFFIXES", "SPREADSHEET_SUFFIXES", "RawSheet", "Workbook", "open_workbook"]

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"}
CSV_SUFFIXES = {".csv", ".tsv", ".txt"}
_OPENPYXL_SUFFIXES = {".xlsx", ".xlsm"}
# Leading bytes of each container: a file that is not what its name says is refused early.
_ZIP = b"PK\x03\x04"
_CFB = b"\xd0\xcf\x11\xe0"
_MAX_CELLS = 60_000_000  # beyond this a sheet would not fit in memory on a desktop


@dataclass
class RawSheet:
    """One sheet's cells as read, before any interpretation.

    ``rows()`` yields lists of cell values (``str``, ``float``, ``int``, ``bool``, ``datetime.date``,
    ``datetime.datetime``, ``datetime.time``, ``datetime.timedelta``; ``""`` for an empty cell) starting
    at ``start`` (0-based absolute row, column). ``merged`` holds merged ranges relative to ``start``
    as (first_row, first_col, last_row, last_col). ``formats`` maps a relative column to a number
    format seen in its first data rows (filled on demand by ``Workbook.number_formats``).
    """

    name: str
    start: tuple[int, int]
    height: int
    width: int
    merged: list[tuple[int, int, int, int]]
    _rows: Any = field(repr=False)
    hints: dict[int, str] = field(default_factory=dict)

    def rows(self) -> Iterator[list[Any]]:
        return iter(self._rows())


class Workbook:
    """An opened spreadsheet file; ``sheet(name)`` reads one sheet (lazily, one at a time)."""

    def __init__(self, path: Path, kind: str, sheet_names: list[str], book: Any = None,
                 encoding: str | None = None, delimiter: str = ",") -> None:
        self.path = path
        self.kind = kind
        self.sheet_names = sheet_names
        self.encoding = encoding
        self._book = book
        self._delimiter = delimiter
        self._styled: Any = None
        self._styled_failed = False
        self._fast: Any = None  # fastexcel's reader, opened on first use (arrow_load.py)

    def _openpyxl(self) -> Any:
        """The workbook opened read-only by openpyxl, once, for number formats (None if it cannot)."""
        if self._styled is None and not self._styled_failed:
            import warnings

            import openpyxl

            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # odd styles are not the user's problem here
                    self._styled = openpyxl.load_workbook(self.path, read_only=True, data_only=True)
            except Exception:  # noqa: BLE001 - formats are a nicety; calamine already read the values
                self._styled_failed = True
        return self._styled

    def sheet(self, name: str) -> RawSheet:
        if self.kind == "csv":
            return self._csv_sheet(name)
        try:
            sheet = self._book.get_sheet_by_name(name)
        except Exception as exc:
            raise _calamine_error(self.path, exc) from exc
        height, width = int(sheet.height), int(sheet.width)
        if height * width > _MAX_CELLS:
            raise DocumentTooLarge(self.path, f"sheet '{name}' has {height:,} × {width} cells; "
                                              f"split it or export the part you need as CSV")
        start = sheet.start or (0, 0)
        merged: list[tuple[int, int, int, int]] = []
        for (r0, c0), (r1, c1) in sheet.merged_cell_ranges or []:
            merged.append((r0 - start[0], c0 - start[1], r1 - start[0], c1 - start[1]))
        skip = int(start[0])

        def rows() -> Iterator[list[Any]]:
            # iter_rows() begins at row 0 even when the used range starts lower (columns do start at
            # ``start``), so skip down to the first used row.
            return itertools.islice(sheet.iter_rows(), skip, None)

        return RawSheet(name, (int(start[0]), int(start[1])), height, width, merged, rows)

    def number_formats(self, sheet: RawSheet, row_offset: int, columns: range, sample_rows: int = 50) -> dict[int, str]:
        """Number formats of the first ``sample_rows`` rows from ``row_offset`` (xlsx/xlsm only).

        openpyxl is opened read-only and stops after the sample, so a large sheet costs little.
        Returns relative column -> "percent" | "currency" for columns where the format says so.
        """
        if self.kind == "csv":
            return dict(sheet.hints)
        if self.path.suffix.lower() not in _OPENPYXL_SUFFIXES:
            return {}
        found: dict[int, dict[str, int]] = {}
        wb = self._openpyxl()
        if wb is None:
            return {}
        try:
            ws = wb[sheet.name]
            first = sheet.start[0] + row_offset + 1
            min_col = sheet.start[1] + columns.start + 1
            max_col = sheet.start[1] + columns.stop
            for row in ws.iter_rows(min_row=first, max_row=first + sample_rows - 1,
                                    min_col=min_col, max_col=max_col):
                for cell in row:
                    kind = format_kind(getattr(cell, "number_format", None))
                    column = getattr(cell, "column", None)
                    if kind and isinstance(column, int):
                        rel = column - 1 - sheet.start[1]
                        found.setdefault(rel, {}).setdefault(kind, 0)
                        found[rel][kind] += 1
        except Exception:  # noqa: BLE001 - see above
            return {}
        return {col: max(kinds, key=lambda k: kinds[k]) for col, kinds in found.items()}

    def format_codes(self, sheet: RawSheet, row_offset: int, columns: range, sample_rows: int = 20) -> dict[int, str]:
        """The most common non-General number format code per relative column in the first data rows
        (xlsx/xlsm only): what a person sees in Excel, for showing results the same way."""
        if self.kind == "csv" or self.path.suffix.lower() not in _OPENPYXL_SUFFIXES:
            return {}
        wb = self._openpyxl()
        if wb is None:
            return {}
        found: dict[int, dict[str, int]] = {}
        try:
            ws = wb[sheet.name]
            first = sheet.start[0] + row_offset + 1
            for row in ws.iter_rows(min_row=first, max_row=first + sample_rows - 1,
                                    min_col=sheet.start[1] + columns.start + 1, max_col=sheet.start[1] + columns.stop):
                for cell in row:
                    code, column = getattr(cell, "number_format", None), getattr(cell, "column", None)
                    if isinstance(code, str) and code not in ("General", "@") and isinstance(column, int):
                        counts = found.setdefault(column - 1 - sheet.start[1], {})
                        counts[code] = counts.get(code, 0) + 1
        except Exception:  # noqa: BLE001 - formats are a nicety, as in number_formats
            return {}
        return {col: max(codes, key=lambda k: codes[k]) for col, codes in found.items()}

    def _csv_sheet(self, name: str) -> RawSheet:
        hints: dict[int, str] = {}
        path, encoding, delimiter = self.path, self.encoding or "utf-8", self._delimiter

        def rows() -> Iterator[list[Any]]:
            # Typing a cell is a pure function of its column and text (plus the column's first
            # percent/currency hint, set by the first cell that shows one), and CSV columns repeat
            # their values (regions, dates, flags): each column remembers the cells it has typed,
            # up to a bound, so a repeat costs a dict lookup instead of the regexes.
            seen: list[dict[str, Any]] = []
            with path.open("r", encoding=encoding, errors="replace", newline="") as handle:
                try:
                    for record in csv.reader(handle, delimiter=delimiter):
                        while len(seen) < len(record):
                            seen.append({})
                        row: list[Any] = []
                        for j, text in enumerate(record):
                            typed = seen[j].get(text, _UNSEEN)
                            if typed is _UNSEEN:
                                typed = _csv_value(text, j, hints)
                                if len(seen[j]) < _TYPED_PER_COLUMN:
                                    seen[j][text] = typed
                            row.append(typed)
                        yield row
                except csv.Error as exc:
                    raise _csv_error(path, exc) from None

        width = 0
        height = 0
        for record in _peek_csv(path, encoding, delimiter, 200):
            width = max(width, len(record))
            height += 1
        if height == 0:
            raise EmptyDocument(path, "the CSV file has no rows; choose a file with data")
        return RawSheet(name, (0, 0), height, width, [], rows, hints)

    def close(self) -> None:
        if self._book is not None:
            self._book.close()
        if self._styled is not None:
            self._styled.close()
        self._fast = None


_UNSEEN = object()
_TYPED_PER_COLUMN = 20_000  # distinct cells remembered per CSV column (an id column never repeats)


def _csv_error(path: Path, exc: csv.Error) -> BadDocument:
    return BadDocument(path, f"not a readable CSV file ({' '.join(str(exc).split())[:120]}); "
                             "check it opens in a spreadsheet program")


def _peek_csv(path: Path, encoding: str, delimiter: str, limit: int) -> Iterator[list[str]]:
    with path.open("r", encoding=encoding, errors="replace", newline="") as handle:
        try:
            for i, record in enumerate(csv.reader(handle, delimiter=delimiter)):
                if i >= limit:
                    return
                yield record
        except csv.Error as exc:
            raise _csv_error(path, exc) from None


_PERCENT_FMT = re.compile(r"(?<!\\)%")
_CURRENCY_FMT = re.compile(r"[$¥€£₩₹]|\[\$|CNY|RMB|USD|EUR", re.IGNORECASE)


def format_kind(number_format: object) -> str | None:
    """"percent" or "currency" from an Excel number format code, else None."""
    if not isinstance(number_format, str) or number_format in ("General", "@"):
        return None
    # Quoted literals ("kg") and escaped characters are text, not format.
    code = re.sub(r'"[^"]*"', "", number_format)
    if _PERCENT_FMT.search(code):
        return "percent"
    if _CURRENCY_FMT.search(number_format):  # "¥"#,##0.00 quotes its symbol
        return "currency"
    return None


_NUM = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?([eE][+-]?\d+)?$")
_CURRENCY_PREFIX = re.compile(r"^([+-]?)\s*(?:[$¥€£₩₹]|US\$|RMB|CNY)\s*")
_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")


def _csv_value(text: str, column: int, hints: dict[int, str]) -> Any:
    """A CSV cell as the typed value a spreadsheet would hold (numbers, dates, percent, money)."""
    s = text.strip()
    if not s:
        return ""
    first = s[0]
    if first.isdigit() or first in "+-.$¥€£₩₹RUC":
        body = s
        currency = False
        m = None if first.isdigit() else _CURRENCY_PREFIX.match(body)  # a symbol or sign comes first
        if m:
            body = m.group(1) + body[m.end():]
            currency = True
        percent = body.endswith("%")
        if percent:
            body = body[:-1].rstrip()
        if _NUM.match(body):
            number = float(body.replace(",", ""))
            if percent:
                hints.setdefault(column, "percent")
                return number / 100
            if currency:
                hints.setdefault(column, "currency")
            if number.is_integer() and "." not in body and "e" not in body.lower() and abs(number) < 2**53:
                return int(number)
            return number
        d = _DATE.match(s)
        if d:
            try:
                year, month, day = int(d.group(1)), int(d.group(2)), int(d.group(3))
                if d.group(4) is None:
                    return dt.date(year, month, day)
                return dt.datetime(year, month, day, int(d.group(4)), int(d.group(5)), int(d.group(6) or 0))
            except ValueError:
                return text
    lowered = s.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    return text


def _calamine_error(path: Path, exc: BaseException) -> Exception:
    name = type(exc).__name__
    text = " ".join(str(exc).split())[:120]
    if name == "PasswordError" or "password" in text.lower():
        return EncryptedDocument(path, "the workbook is password-protected; save an unprotected copy and try again")
    if "cell limit" in text.lower():
        return DocumentTooLarge(path, f"the sheet is too large to read ({text}); split it and try again")
    return BadDocument(path, f"cannot be read as a spreadsheet ({text}); re-save it in Excel or LibreOffice")


def _sniff_encoding(path: Path) -> str:
    from charset_normalizer import from_bytes

    with path.open("rb") as handle:
        head = handle.read(256 * 1024)
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still UTF-8.
        if exc.start >= len(head) - 4:
            return "utf-8"
    best = from_bytes(head).best()
    if best is None:
        raise BadDocument(path, "is not readable text in any known encoding; re-save it as UTF-8 CSV")
    encoding = str(best.encoding)
    # GB2312 is a subset: decoding a real GBK/GB18030 file with it fails on rarer characters.
    return "gb18030" if encoding.lower() in ("gb2312", "gbk", "gb18030") else encoding


def _open_csv(path: Path) -> Workbook:
    if path.stat().st_size == 0:
        raise EmptyDocument(path, "the file is empty; choose a file with data")
    with path.open("rb") as handle:
        head = handle.read(4096)
    if head.startswith((_ZIP, _CFB)) or b"\x00" in head[:1024]:
        raise BadDocument(path, "is not a text CSV file (it looks binary); export it as CSV and try again")
    encoding = _sniff_encoding(path)
    with path.open("r", encoding=encoding, errors="replace", newline="") as handle:
        sample = handle.read(64 * 1024)
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    with contextlib.suppress(csv.Error):
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    return Workbook(path, "csv", [path.stem], encoding=encoding, delimiter=delimiter)


def open_workbook(path: str | Path) -> Workbook:
    """Open ``path`` for reading; raises a one-line DocumentError for anything unusable."""
    p = Path(path)
    if not p.is_file():
        raise BadDocument(p, "file not found; check the path")
    suffix = p.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return _open_csv(p)
    if suffix not in SPREADSHEET_SUFFIXES:
        if suffix in (".numbers", ".et", ".wk1", ".123"):
            raise LegacyFormat(p, f"{suffix} files are not supported; save as .xlsx and try again")
        raise BadDocument(p, "is not a spreadsheet (.xlsx, .xlsm, .xlsb, .xls, .ods or .csv expected)")
    if p.stat().st_size == 0:
        raise EmptyDocument(p, "the file is empty (0 bytes); choose a workbook with data")
    with p.open("rb") as handle:
        head = handle.read(8)
    if suffix in (".xlsx", ".xlsm", ".xlsb") and head.startswith(_CFB):
        # An OOXML workbook inside an OLE container is how Excel stores an encrypted file.
        raise EncryptedDocument(p, "the workbook is password-protected; save an unprotected copy and try again")
    if suffix in (".xlsx", ".xlsm", ".xlsb", ".ods") and not head.startswith(_ZIP):
        raise BadDocument(p, f"is not a valid {suffix} file (not a zip package); re-save it in Excel or LibreOffice")
    if suffix == ".xls" and not head.startswith(_CFB):
        raise BadDocument(p, "is not a valid .xls file; re-save it in Excel or LibreOffice")
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(p))
        names = list(book.sheet_names)
        kinds = {m.name: str(m.typ) for m in book.sheets_metadata}
        # Chart sheets and macro sheets hold no table.
        names = [n for n in names if kinds.get(n, "WorkSheet").endswith("WorkSheet")] or names
    except Exception as exc:
        raise _calamine_error(p, exc) from exc
    if not names:
        raise EmptyDocument(p, "the workbook has no sheets")
    return Workbook(p, "sheet", names, book=book)


def csv_text(rows: list[list[Any]]) -> str:
    """Rows as CSV text (used for compact sample rows in prompts)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()
