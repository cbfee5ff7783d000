"""The report workbook: a NEW .xlsx with a Profile sheet, a Charts sheet of native Excel charts
(bar by category, line by date) and one sheet per question (question, SQL, answer, result table,
a chart when the result has a label column and a numeric one). The user's workbook is never
opened for writing."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from copilot.atomic import atomic_path
from copilot.documents.sheets.load import quote_ident
from copilot.documents.sheets.profile import NUMERIC_TYPES
from copilot.documents.sheets.query import SheetDatabase, _plain
from copilot.numbers import format_value

__all__ = ["write_report"]

_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")
_PROFILE_HEADER = ["table", "column", "letter", "type", "count", "missing", "distinct", "min", "max", "mean",
                   "median", "std", "outliers", "top values"]
_MAX_RESULT_ROWS = 5000


_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
"""Control characters an .xlsx cannot hold (openpyxl's IllegalCharacterError); shown as U+FFFD."""


def _cell(value: Any) -> Any:
    """A value openpyxl can store (text cut to Excel's cell limit, control characters replaced)."""
    if value is None or isinstance(value, bool | int | float | dt.date | dt.datetime):
        return value
    return _ILLEGAL.sub("\ufffd", str(value)[:32000])


def _put(ws: Any, row: int, column: int, value: Any) -> Any:
    """Write a cell. Text from the user's sheet or the model that starts with "=" (a formula, a DDE
    payload, a HYPERLINK to somewhere) is stored as plain text, never as a formula."""
    cell = ws.cell(row, column)
    cell.value = _cell(value)
    if isinstance(cell.value, str) and cell.data_type == "f":
        cell.data_type = "s"
    return cell


def _excel_format(value: Any, code: str | None = None, column: str = "") -> str | None:
    """The number format a numeric cell gets: the source column's, else grouped digits. Excel's
    General format would show a large sum as 2.32E+06 in a narrow column."""
    from copilot.numbers import is_number, style_for_column

    if not is_number(value):
        return None
    style = style_for_column(column, code)
    if style is not None and not style.date:
        return code or "0"
    if float(value).is_integer():
        return "#,##0"
    return "#,##0.00" if abs(float(value)) >= 0.01 else "0.00####"


def _put_number(ws: Any, row: int, column: int, value: Any, code: str | None = None, name: str = "") -> Any:
    cell = _put(ws, row, column, value)
    number_format = _excel_format(cell.value, code, name)
    if number_format is not None:
        cell.number_format = number_format
    return cell


def _append(ws: Any, values: list[Any]) -> None:
    row = ws.max_row + 1 if ws.max_row > 1 or ws.cell(1, 1).value is not None else 1
    for j, value in enumerate(values, start=1):
        _put(ws, row, j, value)


def _title(name: str, used: set[str]) -> str:
    base = _BAD_TITLE.sub("_", name).strip("'")[:28] or "Sheet"
    title, n = base, 2
    while title.lower() in used:
        title = f"{base[:25]} {n}"
        n += 1
    used.add(title.lower())
    return title


def _date_value(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value) if len(value) == 10 else dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    return value


def _profile_sheet(ws: Any, profile: dict[str, Any]) -> None:
    from openpyxl.styles import Font

    _append(ws, ["File", Path(str(profile["file"])).name])
    for j, name in enumerate(_PROFILE_HEADER, start=1):
        _put(ws, 3, j, name).font = Font(bold=True)
    for table in profile["sheets"]:
        for c in table["columns"]:
            top = ", ".join(f"{format_value(v)} ({n:,})" for v, n in c["top"][:3])
            code = c.get("number_format")
            _append(ws, [
                table["name"], c["name"], c["letter"], c["type"], c["count"], c["missing"], c["distinct"],
                _date_value(c["min"]), _date_value(c["max"]), c["mean"], c["median"], c["std"],
                c.get("outliers", {}).get("count"), top])
            row = ws.max_row
            for j in range(5, 14):
                _put_number(ws, row, j, ws.cell(row, j).value, code if 8 <= j <= 11 else None,
                            c["name"] if j in (8, 9, 11) else "")
    row = ws.max_row + 2
    for table in profile["sheets"]:
        line = (f"{table['name']}: {table['rows']:,} rows, range {table['range']}, {table['header_rows']} header row(s), "
                f"{table['duplicate_rows']:,} duplicate row(s)")
        if table.get("totals_row"):
            line += f", totals row {table['totals_row']['row']} excluded"
        _put(ws, row, 1, line)
        row += 1
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 24


def _write_table(ws: Any, top: int, columns: list[str], rows: list[list[Any]],
                 formats: list[str | None] | None = None) -> None:
    from openpyxl.styles import Font

    codes = formats or []
    for j, name in enumerate(columns, start=1):
        _put(ws, top, j, name).font = Font(bold=True)
    for i, row in enumerate(rows[:_MAX_RESULT_ROWS], start=top + 1):
        for j, value in enumerate(row, start=1):
            _put_number(ws, i, j, _date_value(value), codes[j - 1] if j - 1 < len(codes) else None, columns[j - 1])


def _chart(ws: Any, top: int, columns: list[str], rows: list[list[Any]], anchor: str, title: str) -> bool:
    """A bar chart (label column + numeric columns) or a line chart (date column first)."""
    from openpyxl.chart import BarChart, LineChart, Reference

    n = min(len(rows), 50)
    if n < 2 or len(columns) < 2:
        return False
    numeric = [j for j in range(1, len(columns))
               if all(isinstance(r[j], int | float) and not isinstance(r[j], bool) for r in rows[:n]
                      if r[j] is not None) and any(r[j] is not None for r in rows[:n])][:3]
    if not numeric:
        return False
    first = [_date_value(r[0]) for r in rows[:n]]
    by_date = all(isinstance(v, dt.date) for v in first)
    chart: Any = LineChart() if by_date else BarChart()
    chart.title = title[:80]
    chart.height, chart.width = 7.5, 16
    for j in numeric:
        data = Reference(ws, min_col=j + 1, min_row=top, max_row=top + n)
        chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=top + 1, max_row=top + n))
    ws.add_chart(chart, anchor)
    return True


def _charts_sheet(wb: Any, db: SheetDatabase, profile: dict[str, Any]) -> None:
    """Per table: sum of the first numeric column by its best category column, and by month."""
    ws = None
    row = 1
    for table in profile["sheets"]:
        cols = table["columns"]
        numeric = next((c for c in cols if c["type"] in NUMERIC_TYPES and c["count"]), None)
        if numeric is None:
            continue
        category = next((c for c in cols if c["type"] == "text" and 2 <= c["distinct"] <= 30), None)
        date = next((c for c in cols if c["type"] in ("date", "datetime") and c["count"]), None)
        view, value = quote_ident(table["view"]), quote_ident(numeric["name"])
        queries = []
        if category is not None:
            key = quote_ident(category["name"])
            queries.append((f"{numeric['name']} by {category['name']}",
                            f"SELECT {key}, sum({value}) FROM {view} WHERE {key} IS NOT NULL "
                            f"GROUP BY 1 ORDER BY 2 DESC LIMIT 30", [category["name"], f"sum of {numeric['name']}"]))
        if date is not None:
            key = quote_ident(date["name"])
            queries.append((f"{numeric['name']} by month",
                            f"SELECT CAST(date_trunc('month', {key}) AS DATE), sum({value}) FROM {view} "
                            f"WHERE {key} IS NOT NULL GROUP BY 1 ORDER BY 1 LIMIT 240",
                            ["month", f"sum of {numeric['name']}"]))
        for title, sql, header in queries:
            rows = [[_plain(v) for v in r] for r in db.con.execute(sql).fetchall()]
            if len(rows) < 2:
                continue
            if ws is None:
                ws = wb.create_sheet("Charts")
            _put(ws, row, 1, f"{table['name']}: {title}")
            _write_table(ws, row + 1, header, rows, [None, numeric.get("number_format")])
            _chart(ws, row + 1, header, rows, f"D{row}", f"{table['name']}: {title}")
            row += max(len(rows) + 3, 17)


def write_report(path: str | Path, db: SheetDatabase, profile: dict[str, Any], answers: list[Any],
                 *, force: bool = False) -> Path:
    """Write the report workbook to ``path`` (a new file; OutputExists unless ``force``)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        target = target.with_suffix(".xlsx")
    if target.resolve() == Path(db.path).resolve():
        from copilot.errors import UsageError

        raise UsageError(f"{target.name}: the report must be a new file, not the workbook being analysed")
    wb = Workbook()
    used: set[str] = set()
    ws = wb.active
    ws.title = _title("Profile", used)
    _profile_sheet(ws, profile)
    _charts_sheet(wb, db, profile)
    used.add("charts")
    for i, answer in enumerate(answers, start=1):
        qs = wb.create_sheet(_title(f"Q{i} {answer.question}", used))
        labels = [("Question", answer.question), ("SQL", answer.sql), ("Answer", answer.answer)]
        if answer.untraceable_numbers:
            labels.append(("Not in result", ", ".join(answer.untraceable_numbers)))
        for claim in getattr(answer, "unsupported_claims", []):
            labels.append(("Unsupported claim", f"✗ {claim['claim']} — {claim['reason']}"))
        for r, (label, value) in enumerate(labels, start=1):
            _put(qs, r, 1, label).font = Font(bold=True)
            cell = _put(qs, r, 2, value)
            if label == "Unsupported claim":
                cell.font = Font(color="C00000")
        qs["B2"].alignment = Alignment(wrap_text=True, vertical="top")
        qs.column_dimensions["B"].width = 60
        top = max(6, len(labels) + 2)
        _write_table(qs, top, answer.columns, answer.rows, getattr(answer, "number_formats", None))
        _chart(qs, top, answer.columns, answer.rows, f"{_col_after(len(answer.columns))}{top}", answer.question)
    with atomic_path(target, force=force) as tmp:
        wb.save(tmp)
    return target


def _col_after(n: int) -> str:
    from copilot.documents.sheets.detect import column_letter

    return column_letter(max(n + 1, 3))
