"""Per-column statistics computed inside DuckDB, defined to match pandas: ``std`` is the sample
standard deviation (ddof=1), ``median`` and the quartiles use linear interpolation, ``distinct``
ignores missing values.

One scan per table for the aggregates, then one GROUP BY per column that gives both its distinct
count and its top values (a hash of the column built once; ``count(DISTINCT)`` plus a histogram
built it twice). Tables wider than a batch count distinct values in the batched scan and take top
values from one histogram scan instead: thousands of tiny statements would cost more in planning.
"""

from __future__ import annotations

import math
from typing import Any

from copilot.documents.sheets.load import Column, LoadedTable, quote_ident
from copilot.documents.sheets.query import SheetDatabase, _plain

__all__ = ["NUMERIC_TYPES", "profile_database", "profile_table"]

NUMERIC_TYPES = frozenset({"integer", "number", "percent", "currency"})
_DATE_TYPES = frozenset({"date", "datetime"})
TOP_N = 5
_HISTOGRAM_MAX = 2000
_BATCH = 64


def _num(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    return value


def _aggregates(col: Column, q: str, distinct: bool) -> list[str]:
    parts = [f"count({q})"] + ([f"count(DISTINCT {q})"] if distinct else [])
    if col.type in NUMERIC_TYPES:
        # One sort gives all three quartiles (three calls would sort the column three times).
        parts += [f"min({q})", f"max({q})", f"avg({q})", f"stddev_samp({q})", f"quantile_cont({q}, [0.5, 0.25, 0.75])"]
    elif col.type in _DATE_TYPES:
        parts += [f"min({q})", f"max({q})"]
    return parts


def profile_table(db: SheetDatabase, table: LoadedTable) -> dict[str, Any]:
    con = db.con
    view = quote_ident(table.view)
    # Aggregates in batches of columns: one SELECT with thousands of them (a very wide sheet)
    # takes DuckDB far longer to plan than the batches take to run.
    row: list[Any] = list(con.execute(f"SELECT count(*) FROM {view}").fetchone())
    total = int(row[0])
    narrow = len(table.columns) <= _BATCH
    slots: list[tuple[Column, int, int]] = []
    for start in range(0, len(table.columns), _BATCH):
        exprs: list[str] = []
        for col in table.columns[start:start + _BATCH]:
            parts = _aggregates(col, quote_ident(col.name), distinct=not narrow)
            slots.append((col, len(row) + len(exprs), len(parts)))
            exprs += parts
        row += con.execute(f"SELECT {', '.join(exprs)} FROM {view}").fetchone()
    bounds: dict[str, tuple[float, float]] = {}
    columns: list[dict[str, Any]] = []
    for col, at, n in slots:
        values = row[at:at + n]
        count = int(values[0])
        if narrow:
            values = [count, 0, *values[1:]]  # the distinct count comes with the top values below
        distinct = int(values[1])
        info: dict[str, Any] = {
            "name": col.name, "letter": col.letter, "type": col.type, "count": count,
            "missing": total - count, "distinct": distinct,
            "min": None, "max": None, "mean": None, "median": None, "std": None, "top": [],
        }
        if col.number_format:
            info["number_format"] = col.number_format
        if col.kinds.errors:
            info["errors"] = col.kinds.errors
        if col.type in NUMERIC_TYPES and count:
            lo, hi, mean, std = (_num(v) for v in values[2:6])
            median, q1, q3 = (_num(v) for v in values[6] or (None, None, None))
            info.update(min=_num(_plain(lo)), max=_num(_plain(hi)), mean=mean, median=median, std=std,
                        q1=q1, q3=q3)
            if q1 is not None and q3 is not None:
                iqr = q3 - q1
                bounds[col.name] = (q1 - 1.5 * iqr, q3 + 1.5 * iqr)
        elif col.type in _DATE_TYPES and count:
            info.update(min=_plain(values[2]), max=_plain(values[3]))
            info["date_range"] = [info["min"], info["max"]]
        columns.append(info)
    if narrow:
        _distinct_and_tops(db, table, columns, bounds)
    else:
        _outliers(db, table, columns, bounds)
        _tops(db, table, columns)
    duplicates = 0
    # A column with a different value in every row (an id) rules duplicate rows out.
    if total and not any(c["count"] == total and c["distinct"] == total for c in columns):
        distinct_rows = con.execute(f"SELECT count(*) FROM (SELECT DISTINCT * FROM {view})").fetchone()[0]
        duplicates = total - int(distinct_rows)
    result: dict[str, Any] = {
        "name": table.name, "sheet": table.spec.sheet, "view": table.view, "range": table.cell_range,
        "rows": total, "header_rows": table.header_rows, "duplicate_rows": duplicates,
        "totals_row": table.totals_row, "columns": columns,
    }
    if table.spec.notes:
        result["notes"] = list(table.spec.notes)
    return result


def _outliers(db: SheetDatabase, table: LoadedTable, columns: list[dict[str, Any]],
              bounds: dict[str, tuple[float, float]]) -> None:
    if not bounds:
        return
    names = list(bounds)
    exprs = [f"count_if({quote_ident(n)} < {bounds[n][0]!r} OR {quote_ident(n)} > {bounds[n][1]!r})" for n in names]
    row: list[Any] = []
    for start in range(0, len(exprs), _BATCH):
        row += db.con.execute(f"SELECT {', '.join(exprs[start:start + _BATCH])} FROM {quote_ident(table.view)}").fetchone()
    by_name = {c["name"]: c for c in columns}
    for name, count in zip(names, row, strict=True):
        _outlier_info(db, table, by_name[name], bounds[name], int(count))


def _outlier_info(db: SheetDatabase, table: LoadedTable, info: dict[str, Any], bound: tuple[float, float],
                  count: int) -> None:
    lo, hi = bound
    info["outliers"] = {"count": count, "low": lo, "high": hi}
    if count:
        q = quote_ident(info["name"])
        examples = db.con.execute(
            f"SELECT {q} FROM {quote_ident(table.view)} WHERE {q} < {lo!r} OR {q} > {hi!r} "
            f"ORDER BY abs({q} - {info['median']!r}) DESC LIMIT 5").fetchall()
        info["outliers"]["examples"] = [_plain(r[0]) for r in examples]


def _distinct_and_tops(db: SheetDatabase, table: LoadedTable, columns: list[dict[str, Any]],
                       bounds: dict[str, tuple[float, float]]) -> None:
    """Each column's distinct count, top values and (numbers) outlier count from one GROUP BY of it."""
    view = quote_ident(table.view)
    for info in columns:
        if not info["count"]:
            continue
        q = quote_ident(info["name"])
        bound = bounds.get(info["name"])
        outside = (f", sum(n) FILTER (WHERE v < {bound[0]!r} OR v > {bound[1]!r}) OVER ()"
                   if bound is not None else ", NULL")
        rows = db.con.execute(
            f"SELECT v, n, count(*) OVER (){outside} FROM (SELECT {q} AS v, count(*) AS n FROM {view} "
            f"WHERE {q} IS NOT NULL GROUP BY ALL) ORDER BY n DESC, v LIMIT {TOP_N}").fetchall()
        info["distinct"] = int(rows[0][2])
        info["top"] = [[_plain(v), int(n)] for v, n, _, _ in rows]
        if bound is not None:
            _outlier_info(db, table, info, bound, int(rows[0][3] or 0))


def _tops(db: SheetDatabase, table: LoadedTable, columns: list[dict[str, Any]]) -> None:
    view = quote_ident(table.view)
    # Few distinct values: one scan builds every such column's histogram at once.
    small = [c for c in columns if c["count"] and c["distinct"] <= _HISTOGRAM_MAX]
    for start in range(0, len(small), _BATCH):
        batch = small[start:start + _BATCH]
        row = db.con.execute(
            "SELECT " + ", ".join(f"histogram({quote_ident(c['name'])})" for c in batch) + f" FROM {view}").fetchone()
        for info, hist in zip(batch, row, strict=True):
            pairs = sorted((hist or {}).items(), key=lambda kv: (-kv[1], _sort_key(kv[0])))
            info["top"] = [[_plain(v), int(n)] for v, n in pairs[:TOP_N]]
    for info in columns:
        if not info["count"] or info["distinct"] <= _HISTOGRAM_MAX:
            continue
        q = quote_ident(info["name"])
        rows = db.con.execute(
            f"SELECT {q}, count(*) AS n FROM {view} WHERE {q} IS NOT NULL GROUP BY {q} "
            f"ORDER BY n DESC, {q} LIMIT {TOP_N}").fetchall()
        info["top"] = [[_plain(v), int(n)] for v, n in rows]


def _sort_key(value: Any) -> tuple[int, Any]:
    # Ties break by value like ORDER BY would; mixed Python types must still compare.
    if isinstance(value, bool | int | float):
        return (0, float(value))
    return (1, str(value))


def profile_database(db: SheetDatabase) -> dict[str, Any]:
    """The ``analyse --json`` document for every loaded table."""
    return {
        "file": str(db.path),
        "sheets": [profile_table(db, t) for t in db.tables],
        "skipped": list(db.skipped),
    }
