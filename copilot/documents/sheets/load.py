"""Loading a detected table into DuckDB: through Arrow when fastexcel can read its columns
(``arrow_load.py``), else streamed cell by cell, chunk by chunk, as below.

Rows go from the reader to DuckDB in chunks of ``CHUNK`` rows as numpy arrays (one per column),
so Python never holds more than one chunk; each column's physical type is decided per chunk and
widened with ``ALTER TABLE`` when a later chunk disagrees (numbers then text -> VARCHAR).
The last row is held back until the end so a trailing totals row can be reported and left out.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from copilot.cancel import CancelToken
from copilot.documents.sheets.arrow_load import ArrowRegion, arrow_region, register_region
from copilot.documents.sheets.detect import (
    ERROR_VALUES,
    MISSING_TEXT,
    ColumnKinds,
    TableSpec,
    column_letter,
    decide_type,
    is_totals_row,
)
from copilot.documents.sheets.read import RawSheet, Workbook

__all__ = ["CHUNK", "Column", "LoadedTable", "load_table", "quote_ident"]

CHUNK = 20_000
_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
_NAT = np.iinfo(np.int64).min
_STORAGE_SQL = {"num": "DOUBLE", "bool": "BOOLEAN", "ts": "TIMESTAMP", "text": "VARCHAR", "none": "DOUBLE"}


def quote_ident(name: str) -> str:
    """A DuckDB identifier for any text: hostile header text stays a name, never SQL."""
    return '"' + name.replace('"', '""') + '"'


@dataclass
class Column:
    name: str
    index: int  # column within the table's sheet range (relative to the sheet's first used column)
    offset: int = 0  # the sheet's first used column (0-based), for letters
    kinds: ColumnKinds = field(default_factory=ColumnKinds)
    storage: str = "none"
    type: str = "empty"
    hint: str | None = None
    number_format: str | None = None  # the Excel format code of its first data cells, for display

    @property
    def letter(self) -> str:
        return column_letter(self.offset + self.index)


@dataclass
class LoadedTable:
    spec: TableSpec
    table: str  # physical table (c0, c1, ... plus __row)
    view: str  # view the model queries: display names, no helper columns
    columns: list[Column]
    rows: int
    first_row: int  # Excel row number of the first data row
    last_row: int
    sheet_start: tuple[int, int]
    totals_row: dict[str, Any] | None = None
    skipped_blank_rows: int = 0
    arrow: bool = False  # ``table`` is a registered Arrow table (unregister it, not DROP TABLE)
    arrow_data: Any = field(default=None, repr=False, compare=False)
    """The registered Arrow batch: a registration is per connection, so each cursor registers it
    again (``SheetDatabase.cursor``) — zero-copy."""

    def drop(self, con: Any) -> None:
        con.execute(f"DROP VIEW {quote_ident(self.view)}")
        if self.arrow:
            con.unregister(self.table)
        else:
            con.execute(f"DROP TABLE {self.table}")

    @property
    def name(self) -> str:
        return self.spec.sheet if self.spec.index == 0 else f"{self.spec.sheet} [{self.spec.index + 1}]"

    @property
    def header_rows(self) -> int:
        return self.spec.header_rows

    @property
    def cell_range(self) -> str:
        c0 = self.sheet_start[1] + self.spec.col_start
        c1 = self.sheet_start[1] + self.spec.col_stop - 1
        top = self.sheet_start[0] + self.spec.header_start + 1
        return f"{column_letter(c0)}{top}:{column_letter(c1)}{max(self.last_row, top)}"


def _micros(value: Any) -> int:
    if isinstance(value, dt.datetime):
        days = value.toordinal() - _EPOCH_ORDINAL
        return ((days * 86400 + value.hour * 3600 + value.minute * 60 + value.second) * 1_000_000
                + value.microsecond)
    if isinstance(value, dt.date):
        return (value.toordinal() - _EPOCH_ORDINAL) * 86_400_000_000
    return _NAT


def _as_text(value: Any) -> str | None:
    if value.__class__ is str:
        return None if (not value or value in MISSING_TEXT) else str(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _chunk_kind(counts: Counter[type]) -> str:
    present = {t for t in counts if t is not str} | ({str} if counts.get(str) else set())
    if not present:
        return "none"
    if present <= {float, int}:
        return "num"
    if present == {bool}:
        return "bool"
    if present <= {dt.date, dt.datetime}:
        return "ts"
    return "text"


def _count(values: tuple[Any, ...], kinds: ColumnKinds) -> Counter[type]:
    counts: Counter[type] = Counter(map(type, values))
    strings = counts.get(str, 0)
    if strings:
        empty = values.count("")
        marked = errors = 0
        if strings > empty:
            # map() over a frozenset's __contains__ runs in C; every cell value is hashable.
            marked = sum(map(MISSING_TEXT.__contains__, values))
            if marked:
                errors = sum(map(ERROR_VALUES.__contains__, values))
        kinds.missing += empty + marked
        kinds.errors += errors
        kinds.texts += strings - empty - marked
        if strings - empty - marked == 0:
            del counts[str]
    kinds.missing += counts.get(type(None), 0)
    counts.pop(type(None), None)
    kinds.numbers += counts.get(float, 0) + counts.get(int, 0)
    kinds.bools += counts.get(bool, 0)
    kinds.others += counts.get(dt.time, 0) + counts.get(dt.timedelta, 0)
    if counts.get(dt.datetime):
        with_time = sum(1 for v in values if v.__class__ is dt.datetime
                        and (v.hour or v.minute or v.second or v.microsecond))
        kinds.datetimes += with_time
        kinds.dates += counts[dt.datetime] - with_time
    kinds.dates += counts.get(dt.date, 0)
    return counts


def _array(values: tuple[Any, ...], storage: str, kinds: ColumnKinds, counts: Counter[type]) -> Any:
    """One chunk of one column as a numpy array of the column's storage type.

    The common pure cases (all text, all dates) are inlined comprehensions: a function call per
    cell would cost more than the rest of the conversion.
    """
    if storage == "num":
        if str in counts or "" in values:
            arr = np.array([v if v.__class__ is not str else None for v in values], dtype=np.float64)
        else:
            arr = np.array(values, dtype=np.float64)  # None -> NaN
        finite = arr[~np.isnan(arr)]
        kinds.non_integral += int(np.count_nonzero(finite != np.floor(finite)))
        return arr
    if storage == "bool":
        return np.array([float(v) if v.__class__ is bool else None for v in values], dtype=np.float64)
    if storage == "ts":
        if set(counts) <= {dt.date, str}:
            day = 86_400_000_000
            micros = [(v.toordinal() - _EPOCH_ORDINAL) * day if v.__class__ is dt.date else _NAT for v in values]
        else:
            micros = [_micros(v) for v in values]
        return np.array(micros, dtype=np.int64).view("datetime64[us]")
    if storage == "text":
        if set(counts) <= {str}:
            if "" not in values and None not in values and not any(map(MISSING_TEXT.__contains__, values)):
                return np.array(values, dtype=object)
            return np.array([None if (not v or v in MISSING_TEXT) else v for v in values], dtype=object)
        return np.array([_as_text(v) for v in values], dtype=object)
    return np.full(len(values), np.nan)


class _Loader:
    def __init__(self, con: Any, table: str, columns: list[Column]) -> None:
        self.con = con
        self.table = table
        self.columns = columns
        self.created = False

    def _create(self) -> None:
        # Created from the first chunk's kinds, so most columns never need an ALTER.
        cols = ", ".join(f"c{j} {_STORAGE_SQL[c.storage]}" for j, c in enumerate(self.columns))
        self.con.execute(f"CREATE TABLE {self.table} (__row BIGINT, {cols})")
        self.created = True

    def _alter(self, j: int, storage: str) -> None:
        col = self.columns[j]
        if storage == "text" and col.storage == "num":
            # 12.0 -> "12" so a mixed column's numbers read as the user typed them.
            using = (f"CASE WHEN c{j} = trunc(c{j}) AND abs(c{j}) < 1e15 THEN CAST(CAST(c{j} AS BIGINT) AS VARCHAR) "
                     f"ELSE CAST(c{j} AS VARCHAR) END")
        elif storage == "text" and col.storage == "bool":
            using = f"CASE WHEN c{j} THEN 'TRUE' WHEN NOT c{j} THEN 'FALSE' END"
        else:
            using = f"CAST(c{j} AS {_STORAGE_SQL[storage]})"
        self.con.execute(f"ALTER TABLE {self.table} ALTER COLUMN c{j} TYPE {_STORAGE_SQL[storage]} USING {using}")
        col.storage = storage

    def flush(self, chunk: list[list[Any]], row_numbers: list[int]) -> None:
        if not chunk:
            if not self.created:
                self._create()
            return
        arrays: dict[str, Any] = {"__row": np.array(row_numbers, dtype=np.int64)}
        selects = ["__row"]
        transposed = list(zip(*chunk, strict=True))
        counted = [_count(values, col.kinds) for values, col in zip(transposed, self.columns, strict=True)]
        kinds = [_chunk_kind(c) for c in counted]
        if not self.created:
            for col, kind in zip(self.columns, kinds, strict=True):
                col.storage = kind
            self._create()
        for j, values in enumerate(transposed):
            col = self.columns[j]
            kind = kinds[j]
            if kind != "none" and kind != col.storage:
                self._alter(j, kind if col.storage == "none" else "text")
            arrays[f"c{j}"] = _array(values, col.storage, col.kinds, counted[j])
            selects.append(f"CAST(c{j} AS {_STORAGE_SQL[col.storage]})")
        self.con.register("_chunk", arrays)
        try:
            self.con.execute(f"INSERT INTO {self.table} SELECT {', '.join(selects)} FROM _chunk")
        finally:
            self.con.unregister("_chunk")

    def finish(self) -> None:
        # One min/max scan and one rewrite for every column that narrows (integers, dates): an
        # ALTER per column costs a pass over the table's columns each, quadratic on wide sheets.
        ints = [j for j, c in enumerate(self.columns)
                if c.storage == "num" and c.kinds.numbers and not c.kinds.non_integral]
        dates = [j for j, c in enumerate(self.columns) if c.storage == "ts" and c.kinds.dates and not c.kinds.datetimes]
        if ints:
            row = self.con.execute("SELECT " + ", ".join(f"min(c{j}), max(c{j})" for j in ints)
                                   + f" FROM {self.table}").fetchone()
            ints = [j for n, j in enumerate(ints)
                    if row[2 * n] is not None and row[2 * n] > -2**62 and row[2 * n + 1] < 2**62]
        casts = {j: "BIGINT" for j in ints} | {j: "DATE" for j in dates}
        if not casts:
            return
        select = ", ".join(["__row", *(f"CAST(c{j} AS {casts[j]}) AS c{j}" if j in casts else f"c{j}"
                                       for j in range(len(self.columns)))])
        self.con.execute(f"CREATE OR REPLACE TABLE {self.table} AS SELECT {select} FROM {self.table}")


def _data_rows(raw: RawSheet, spec: TableSpec) -> Iterator[tuple[int, list[Any]]]:
    a, b, width = spec.col_start, spec.col_stop, spec.width
    base = raw.start[0] + 1
    whole = a == 0 and b == raw.width
    for i, row in enumerate(itertools.islice(raw.rows(), spec.data_start, None), start=spec.data_start):
        cells = row if whole and len(row) == width else row[a:b]
        if len(cells) < width:
            cells = list(cells) + [""] * (width - len(cells))
        yield base + i, cells


def _describe(book: Workbook, raw: RawSheet | None, spec: TableSpec, columns: list[Column],
              hints: dict[int, str] | None = None, codes: dict[int, str] | None = None) -> None:
    """Number formats (given, or read through openpyxl) and each column's type from its kinds."""
    span = range(spec.col_start, spec.col_stop)
    if hints is None:
        hints = book.number_formats(raw, spec.data_start, span) if raw is not None else {}
    else:  # spec-relative, as the peek gives them
        hints = {spec.col_start + j: kind for j, kind in hints.items()}
    if codes is None:
        codes = book.format_codes(raw, spec.data_start, span) if raw is not None else {}
    else:
        codes = {spec.col_start + j: code for j, code in codes.items()}
    for col in columns:
        col.hint = hints.get(col.index)
        col.number_format = codes.get(col.index)
        col.type = decide_type(col.kinds, col.hint)


def _create_view(con: Any, columns: list[Column], table: str, view: str,
                 selects: list[str] | None = None, where: str = "") -> None:
    exprs = selects or [f"c{j}" for j in range(len(columns))]
    select = ", ".join(f"{e} AS {quote_ident(c.name)}" for e, c in zip(exprs, columns, strict=True))
    con.execute(f"CREATE VIEW {quote_ident(view)} AS SELECT {select} FROM {table}{where}")


def load_table(con: Any, book: Workbook, raw: RawSheet | None, spec: TableSpec, table: str, view: str,
               cancel: CancelToken | None = None,
               region: ArrowRegion | None = None) -> Generator[int, None, LoadedTable]:
    """Load ``spec``'s data rows into DuckDB as ``table`` and create ``view`` over it.

    ``region`` is the table already read into Arrow (``fast_xlsx_region``); without it, and with
    ``raw`` from calamine, fastexcel reads the table's rows when its columns are not mixed, else
    they stream cell by cell. A generator: yields the number of rows loaded so far (for progress)
    and returns the LoadedTable (``loaded = yield from load_table(...)``).
    """
    if region is None and raw is not None:
        region = arrow_region(book, raw, spec)
    if region is not None:
        if cancel is not None:
            cancel.raise_if_cancelled()
        columns = [Column(name, spec.col_start + j, region.sheet_start[1]) for j, name in enumerate(spec.names)]
        done = register_region(con, region, columns, table)
        _describe(book, raw, spec, columns, region.hints, region.codes)
        _create_view(con, columns, table, view, done["selects"], done["where"])
        yield done["rows"]
        return LoadedTable(spec, table, view, columns, done["rows"], done["first_row"], done["last_row"],
                           region.sheet_start, done["totals"], done["blank"], arrow=True,
                           arrow_data=done["batch"])
    assert raw is not None
    columns = [Column(name, spec.col_start + j, raw.start[1]) for j, name in enumerate(spec.names)]
    loader = _Loader(con, table, columns)
    chunk: list[list[Any]] = []
    numbers: list[int] = []
    count = blank = 0
    first_row = last_row = 0
    pending: tuple[int, list[Any]] | None = None
    for excel_row, cells in _data_rows(raw, spec):
        if cells.count("") + cells.count(None) == len(cells):
            blank += 1
            continue
        if pending is not None:
            chunk.append(pending[1])
            numbers.append(pending[0])
            count += 1
        pending = (excel_row, cells)
        if len(chunk) >= CHUNK:
            loader.flush(chunk, numbers)
            chunk, numbers = [], []
            if cancel is not None:
                cancel.raise_if_cancelled()
            yield count
    totals: dict[str, Any] | None = None
    if pending is not None:
        if count and is_totals_row(pending[1]):
            totals = {"row": pending[0],
                      "values": {c.name: _as_text(v) for c, v in zip(columns, pending[1], strict=True)
                                 if _as_text(v) is not None}}
        else:
            chunk.append(pending[1])
            numbers.append(pending[0])
            count += 1
    loader.flush(chunk, numbers)
    loader.finish()
    if numbers:
        last_row = numbers[-1]
    first_row = int(con.execute(f"SELECT coalesce(min(__row), 0) FROM {table}").fetchone()[0]) if count else 0
    last_row = int(con.execute(f"SELECT coalesce(max(__row), 0) FROM {table}").fetchone()[0]) if count else 0
    _describe(book, raw, spec, columns)
    _create_view(con, columns, table, view)
    return LoadedTable(spec, table, view, columns, count, first_row, last_row, raw.start, totals, blank)
