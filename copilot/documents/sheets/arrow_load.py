"""Sheets through Arrow: fastexcel reads a table's cells into Arrow columns in one Rust pass, the
columns' kinds are counted with Arrow compute kernels, and DuckDB scans the Arrow table in place
(registered, not copied).

fastexcel is read with strict typing, so each column it hands back holds one kind of value (plus
empty cells). A column mixing kinds (numbers and text, a "Total" label in a date column) makes it
refuse, and the table goes through the cell-by-cell path in ``load.py`` instead, which counts
mixed columns value by value. The result is the same LoadedTable either way.

Two ways in: ``fast_xlsx_region`` reads an .xlsx/.xlsm sheet with a header in its first row using
fastexcel alone (the header's cell types and the number formats come from ``xlsx_peek``), so the
sheet is parsed once; ``arrow_region`` reads the data rows of a table already found by
python-calamine's head (any format calamine reads, title rows, two-row headers, merged cells).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from typing import Any

from copilot.documents.sheets.detect import (
    ERROR_VALUES,
    HEAD_ROWS,
    MISSING_TEXT,
    ColumnKinds,
    TableSpec,
    _header_like,
    column_letter,
    detect_tables,
    is_totals_row,
)
from copilot.documents.sheets.read import _MAX_CELLS, RawSheet, Workbook
from copilot.errors import DocumentTooLarge

__all__ = ["ArrowRegion", "arrow_region", "fast_xlsx_region", "register_region"]

_FAST_SUFFIXES = {".xlsx", ".xlsm"}
# .xls stays on the cell path: fastexcel's BIFF reader panics on a truncated formula in the corpus
# (python-calamine reads it), and an .xls sheet holds at most 65,536 rows.
_ARROW_SUFFIXES = {".xlsx", ".xlsm", ".xlsb", ".ods"}
# DuckDB converts a registered Arrow table's whole schema for every statement (~1 s at 16,384
# columns), so very wide tables go into a native DuckDB table through the cell path instead.
MAX_ARROW_COLUMNS = 256
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
# A column whose type fastexcel cannot guess (all empty) is logged as a warning; it is not one.
logging.getLogger("fastexcel").setLevel(logging.ERROR)


@dataclass
class ArrowRegion:
    """A table's data rows as Arrow columns, and where they sit on the sheet."""

    spec: TableSpec
    data: Any  # pyarrow.RecordBatch, one column per spec column, no header rows
    sheet_start: tuple[int, int]  # the sheet's used range (0-based row, column)
    first_row: int  # 0-based sheet row of data's first row
    hints: dict[int, str] | None = None  # spec-relative column -> percent/currency (None: ask openpyxl)
    codes: dict[int, str] | None = None  # spec-relative column -> number format code (None: ask openpyxl)


def _reader(book: Workbook) -> Any:
    if book._fast is None:
        import fastexcel

        book._fast = fastexcel.read_excel(str(book.path))
    return book._fast


def _failed(exc: BaseException) -> bool:
    """Whether ``exc`` is fastexcel failing on the file (a Rust panic is a BaseException)."""
    return not isinstance(exc, KeyboardInterrupt | SystemExit | GeneratorExit | MemoryError | DocumentTooLarge)


def _supported(schema: Any) -> bool:
    """Kinds the Arrow path counts; durations and times of day go through the cell path."""
    import pyarrow as pa

    return all(pa.types.is_null(t) or pa.types.is_string(t) or pa.types.is_large_string(t)
               or pa.types.is_floating(t) or pa.types.is_integer(t) or pa.types.is_boolean(t)
               or pa.types.is_timestamp(t) or pa.types.is_date(t) for t in schema.types)


def _too_large(book: Workbook, name: str, height: int, width: int) -> DocumentTooLarge:
    return DocumentTooLarge(book.path, f"sheet '{name}' has {height:,} × {width} cells; "
                                       f"split it or export the part you need as CSV")


def _load(book: Workbook, name: str, **options: Any) -> Any:
    """fastexcel's strict read of part of a sheet (the sheet and its Arrow batch); None when a
    column mixes kinds or fastexcel fails."""
    try:
        sheet = _reader(book).load_sheet(name, dtype_coercion="strict", schema_sample_rows=None, **options)
        if sheet.height * sheet.width > _MAX_CELLS:
            raise _too_large(book, name, sheet.height, sheet.width)
        return sheet, sheet.to_arrow()
    except BaseException as exc:
        if not _failed(exc):
            raise
        # Mixed columns, or anything fastexcel dislikes: the cell path reads it (and words the error).
        return None


def _load_batch(book: Workbook, name: str, **options: Any) -> Any:
    """``_load``'s Arrow batch built straight from the cells (fastexcel's eager mode: ~0.1 s less
    CPU on a 200,000 × 20 sheet than an ExcelSheet turned into Arrow and freed), for a caller that
    has checked the size beforehand from what it knows of the sheet; checked again on what was read."""
    try:
        batch = _reader(book).load_sheet(name, dtype_coercion="strict", schema_sample_rows=None, eager=True,
                                         **options)
    except BaseException as exc:
        if not _failed(exc):
            raise
        return None
    if batch.num_rows * batch.num_columns > _MAX_CELLS:
        raise _too_large(book, name, batch.num_rows, batch.num_columns)
    return batch


@dataclass(frozen=True)
class _ColumnInfo:
    """What fastexcel's ``selected_columns`` says of a column, for a batch read eagerly."""

    name: str
    absolute_index: int
    column_name_from: str


def _eager_columns(names: list[str], header: dict[int, Any]) -> list[_ColumnInfo] | None:
    """The columns of a batch read with its first row as header: fastexcel names a column with no
    header cell ``__UNNAMED__<position>``, so the header cells (absolute columns, from the XML)
    must sit exactly at the other positions, which also gives the sheet's first column. None when
    they do not line up (a header that reads like a generated name, say)."""
    named = [i for i, n in enumerate(names) if n != f"__UNNAMED__{i}"]
    if not named or not header:
        return None
    start = min(header) - named[0]
    if start < 0 or sorted(c - start for c in header) != named:
        return None
    looked_up = set(named)
    return [_ColumnInfo(n, start + i, "looked_up" if i in looked_up else "generated") for i, n in enumerate(names)]


def arrow_region(book: Workbook, raw: RawSheet, spec: TableSpec) -> ArrowRegion | None:
    """``spec``'s data rows read by fastexcel (None: read them cell by cell)."""
    if book.kind != "sheet" or book.path.suffix.lower() not in _ARROW_SUFFIXES or spec.width > MAX_ARROW_COLUMNS:
        return None
    first = raw.start[0] + spec.data_start
    a = raw.start[1] + spec.col_start
    columns = f"{column_letter(a)}:{column_letter(a + spec.width - 1)}"
    if raw.height * spec.width > _MAX_CELLS:
        raise _too_large(book, spec.sheet, raw.height, spec.width)
    data = _load_batch(book, spec.sheet, header_row=None, skip_rows=first, use_columns=columns)
    if data is None:
        return None
    if data.num_columns != spec.width or not _supported(data.schema):
        return None
    return ArrowRegion(spec, data, raw.start, first)


def _header_value(cell: Any, name: str, seen: dict[str, str]) -> Any:
    if cell is None:
        return ""
    if cell.kind == "n":
        return float(cell.text)
    if cell.kind in ("inlineStr", "str"):
        return cell.text
    # A shared string: fastexcel renames a repeated header ("id", "id_1"); the repeat has the same index.
    return seen.setdefault(cell.text, name)


_RENAMED = re.compile(r"^(.*)_\d+$")


def _head_value(value: Any) -> Any:
    if value is None:
        return ""
    if value.__class__ is dt.datetime and not (value.hour or value.minute or value.second or value.microsecond):
        return value.date()  # as calamine gives a date-only cell
    return value


def fast_xlsx_region(book: Workbook, name: str) -> ArrowRegion | None:
    """One pass over an .xlsx sheet whose first row is its header; None when that is not so."""
    if book.kind != "sheet" or book.path.suffix.lower() not in _FAST_SUFFIXES:
        return None
    from copilot.documents.sheets.xlsx_peek import peek_xlsx

    peek = peek_xlsx(book.path, name)
    if peek is None or any(c.kind not in ("s", "inlineStr", "str", "n") or c.styled_date
                           or (c.kind == "n" and not _NUMBER.match(c.text)) for c in peek.header.values()):
        return None  # a header of dates, booleans or errors: leave it to the cell path
    if peek.header and max(peek.header) - min(peek.header) >= MAX_ARROW_COLUMNS:
        return None
    infos: Any = None
    dim = peek.dimension
    if dim is not None and (dim[2] - dim[0] + 1) * (dim[3] - dim[1] + 1) <= _MAX_CELLS:
        # The recorded dimension bounds the sheet's size before anything is read (a stale one
        # is caught by the batch's own check), so the cells can go straight into Arrow.
        data = _load_batch(book, name, header_row=0)
        if data is None:
            return None
        infos = _eager_columns(list(data.schema.names), peek.header)
    if infos is None:
        loaded = _load(book, name, header_row=0)
        if loaded is None:
            return None
        # Every column is selected here, so the selection is the sheet's columns;
        # available_columns() would work the same list out again (~0.1 s at 200,000 rows).
        infos, data = loaded[0].selected_columns, loaded[1]
        del loaded  # calamine's copy of the cells: free it before anything else is built
    absolute = [int(c.absolute_index) for c in infos]
    if (not absolute or len(absolute) > MAX_ARROW_COLUMNS
            or absolute != list(range(absolute[0], absolute[0] + len(absolute)))):
        return None
    seen: dict[str, str] = {}
    header: list[Any] = []
    for info, col in zip(infos, absolute, strict=True):
        cell = peek.header.get(col)
        if (cell is None) != (str(info.column_name_from) == "generated"):
            return None  # fastexcel and the XML disagree on where the header is
        value = _header_value(cell, str(info.name), seen)
        renamed = _RENAMED.match(value) if isinstance(value, str) and value == str(info.name) else None
        if renamed and renamed.group(1) in header:
            return None  # "x_1" after "x": a repeat fastexcel renamed, or the header's own text?
        header.append(value)
    if not _supported(data.schema):
        return None
    head = [header] + [[_head_value(v) for v in row.values()]
                       for row in data.slice(0, HEAD_ROWS - 1).to_pylist()]
    specs = detect_tables(name, head, len(header), [])
    if len(specs) != 1:
        return None
    spec = specs[0]
    if (spec.col_start, spec.col_stop, spec.header_start, spec.header_rows) != (0, len(header), 0, 1):
        return None
    if len(head) > 2 and _header_like(head[1]) and not _header_like(head[2]):
        return None  # a second header row or not: only the merged cells can tell (the cell path reads them)
    start = (peek.first_row, absolute[0])
    hints = {col - start[1]: kind for col, kind in peek.formats.items() if 0 <= col - start[1] < len(header)}
    codes = {col - start[1]: code for col, code in peek.codes.items() if 0 <= col - start[1] < len(header)}
    return ArrowRegion(spec, data, start, peek.first_row + 1, hints, codes)


def _sql_list(values: frozenset[str] | set[str]) -> str:
    return "(" + ", ".join("'" + v.replace("'", "''") + "'" for v in sorted(values)) + ")"


_BATCH = 64  # columns per counting statement
_MARKERS = _sql_list(MISSING_TEXT | {""})
_ERRORS = _sql_list(ERROR_VALUES)


def _empty_cells(arr: Any) -> Any:
    """Which cells of one Arrow column are empty (null, or text of length 0), read from its buffers.

    Arrow's compute module would do this in one call, but importing it (and pandas, which
    ``pyarrow.array`` imports) costs more than a whole small sheet.
    """
    import numpy as np
    import pyarrow as pa

    n, t = len(arr), arr.type
    if pa.types.is_null(t) or arr.null_count == n:
        return np.ones(n, dtype=bool)
    buffers = arr.buffers()
    empty = np.zeros(n, dtype=bool)
    if arr.null_count:
        bits = np.unpackbits(np.frombuffer(buffers[0], dtype=np.uint8), bitorder="little")
        empty = bits[arr.offset:arr.offset + n] == 0
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        offsets = np.frombuffer(buffers[1], dtype=np.int64 if pa.types.is_large_string(t) else np.int32)
        empty |= np.diff(offsets[arr.offset:arr.offset + n + 1]) == 0
    return empty


def _blank_rows(data: Any) -> Any:
    """Mask of the rows whose every cell is empty, or None when there are none."""
    import pyarrow as pa

    # A column without a gap rules blank rows out at once (the usual case for a data export).
    if any(arr.null_count == 0 and not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type))
           for arr in data.columns):
        return None
    blank: Any = None
    for arr in data.columns:
        empty = _empty_cells(arr)
        blank = empty if blank is None else blank & empty
        if not blank.any():
            return None
    return blank


def _row_numbers(n: int, base: int, keep: Any) -> Any:
    """Excel row numbers as an Arrow int64 column, null where a row is left out (blank, totals)."""
    import numpy as np
    import pyarrow as pa

    rows = np.arange(base, base + n, dtype=np.int64)
    validity = None if keep is None else pa.py_buffer(np.packbits(keep, bitorder="little").tobytes())
    return pa.Array.from_buffers(pa.int64(), n, [validity, pa.py_buffer(rows.tobytes())])


def _kind_sql(j: int, t: Any) -> list[str]:
    import pyarrow as pa

    c = f"c{j}"
    if pa.types.is_null(t):
        return []
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        # Error values are markers too: they are counted apart only where markers were found.
        return [f"count({c})", f"count_if({c} IN {_MARKERS})"]
    if pa.types.is_floating(t):
        return [f"count({c})", f"count_if({c} <> floor({c}))", f"min({c})", f"max({c})"]
    if pa.types.is_integer(t):
        return [f"count({c})", f"min({c})", f"max({c})"]
    if pa.types.is_timestamp(t):
        return [f"count({c})", f"count_if({c} <> date_trunc('day', {c}))"]
    return [f"count({c})"]  # booleans, dates


def _column(j: int, t: Any, total: int, values: list[Any], kinds: ColumnKinds) -> tuple[str, str]:
    """Kinds from the counts ``_kind_sql`` asked for (a text column's error count appended); the SQL
    that stores the column and its storage."""
    import pyarrow as pa

    c = f"c{j}"
    if pa.types.is_null(t):
        kinds.missing += total
        return f"CAST({c} AS DOUBLE)", "none"
    valid = int(values[0] or 0)  # count_if over no rows is NULL
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        marked, errors = int(values[1] or 0), int(values[2] or 0)
        kinds.missing += total - valid + marked
        kinds.errors += errors
        kinds.texts += valid - marked
        if not kinds.texts:
            return "CAST(NULL AS DOUBLE)", "none"
        return (f"CASE WHEN {c} IN {_MARKERS} THEN NULL ELSE {c} END" if marked else c), "text"
    kinds.missing += total - valid
    if pa.types.is_floating(t) or pa.types.is_integer(t):
        kinds.numbers += valid
        if pa.types.is_floating(t):
            kinds.non_integral += int(values[1] or 0)
        lo, hi = values[-2], values[-1]
        if valid and not kinds.non_integral and lo > -2**62 and hi < 2**62:
            return f"CAST({c} AS BIGINT)", "num"
        return c, "num"
    if pa.types.is_boolean(t):
        kinds.bools += valid
        return c, "bool"
    if pa.types.is_timestamp(t):
        with_time = int(values[1] or 0)
        kinds.datetimes += with_time
        kinds.dates += valid - with_time
        return (f"CAST({c} AS DATE)" if valid and not with_time else f"CAST({c} AS TIMESTAMP)"), "ts"
    kinds.dates += valid  # a date column (what _supported leaves)
    return f"CAST({c} AS DATE)", "ts"


def register_region(con: Any, region: ArrowRegion, columns: list[Any], table: str) -> dict[str, Any]:
    """Register ``region`` in DuckDB as ``table`` (c0.. plus __row) without copying it.

    Blank rows and a trailing totals row stay in the Arrow data with a null ``__row``; the view
    leaves them out. Fills each Column's kinds and storage; returns the view's select list and
    filter, rows, first/last Excel row, totals and the blank-row count.
    """
    import numpy as np
    import pyarrow as pa

    data = region.data
    n = data.num_rows
    blank = _blank_rows(data)
    kept = np.flatnonzero(~blank) if blank is not None else None
    count = len(kept) if kept is not None else n
    last = (int(kept[-1]) if count else -1) if kept is not None else n - 1
    totals: dict[str, Any] | None = None
    keep = None if blank is None else ~blank
    if count > 1:
        values = [_head_value(v) for v in data.slice(last, 1).to_pylist()[0].values()]
        if is_totals_row(values):
            from copilot.documents.sheets.load import _as_text

            totals = {"row": region.first_row + last + 1,
                      "values": {c.name: _as_text(v) for c, v in zip(columns, values, strict=True)
                                 if _as_text(v) is not None}}
            keep = np.ones(n, dtype=bool) if keep is None else keep
            keep[last] = False
    base = region.first_row + 1
    batch = pa.RecordBatch.from_arrays([_row_numbers(n, base, keep), *data.columns],
                                       names=["__row"] + [f"c{j}" for j in range(len(columns))])
    con.register(table, batch)
    where = "" if keep is None else " WHERE __row IS NOT NULL"
    types = list(data.schema.types)
    asked = [_kind_sql(j, t) for j, t in enumerate(types)]
    rows, first, last_row = con.execute(f"SELECT count(*), min(__row), max(__row) FROM {table}{where}").fetchone()
    answers: list[Any] = []
    # DuckDB plans a statement in time that grows faster than its length: a sheet 16,384 columns
    # wide is counted in statements of _BATCH columns, each scanning only its own columns.
    for at in range(0, len(asked), _BATCH):
        flat = [e for exprs in asked[at:at + _BATCH] for e in exprs]
        answers += con.execute(f"SELECT {', '.join(flat)} FROM {table}{where}").fetchone() if flat else []
    counts: list[list[Any]] = []
    at = 0
    for exprs in asked:
        counts.append(list(answers[at:at + len(exprs)]))
        at += len(exprs)
    marked = [j for j, t in enumerate(types) if (pa.types.is_string(t) or pa.types.is_large_string(t))]
    for j in marked:
        counts[j].append(0)
    marked = [j for j in marked if counts[j][1]]
    for at in range(0, len(marked), _BATCH):
        part = marked[at:at + _BATCH]
        errors = con.execute(f"SELECT {', '.join(f'count_if(c{j} IN {_ERRORS})' for j in part)} "
                             f"FROM {table}{where}").fetchone()
        for j, n in zip(part, errors, strict=True):
            counts[j][2] = n
    selects: list[str] = []
    for j, (col, t) in enumerate(zip(columns, types, strict=True)):
        sql, col.storage = _column(j, t, int(rows), counts[j], col.kinds)
        selects.append(sql)
    return {"rows": int(rows), "first_row": int(first or 0), "last_row": int(last_row or 0), "totals": totals,
            "blank": int(n - count), "selects": selects, "where": where, "batch": batch}
