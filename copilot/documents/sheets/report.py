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

__all__ = ["write_report"]

_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")
_PROFILE_HEADER = ["table", "column", "letter", "type", "count", "missing", "distinct", "min", "max", "mean",
                   "median", "std", "outliers", "top values"]
_MAX_RESULT_ROWS = 5000


def _cell(value: Any) -> Any:
    """A value openpyxl can store (text cut to Excel's cell limit)."""
    if value is None or isinstance(value, bool | int | float | dt.date | dt.datetime):
        return value
    return str(value)[:32000]


def _put(ws: Any, row: int, column: int, value: Any) -> Any:
    """Write a cell. Text from the user's sheet or the model that starts with "=" (a formula, a DDE
    payload, a HYPERLINK to somewhere) is stored as plain text, never as a formula."""
    cell = ws.cell(row, column)
    cell.value = _cell(value)
    if isinstance(cell.value, str) and cell.data_type == "f":
        cell.data_type = "s"
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
            top = ", ".join(f"{v} ({n})" for v, n in c["top"][:3])
            _append(ws, [
                table["name"], c["name"], c["letter"], c["type"], c["count"], c["missing"], c["distinct"],
                _date_value(c["min"]), _date_value(c["max"]), c["mean"], c["median"], c["std"],
                c.get("outliers", {}).get("count"), top])
    row = ws.max_row + 2
    for table in profile["sheets"]:
        line = (f"{table['name']}: {table['rows']} rows, range {table['range']}, {table['header_rows']} header row(s), "
                f"{table['duplicate_rows']} duplicate row(s)")
        if table.get("totals_row"):
            line += f", totals row {table['totals_row']['row']} excluded"
        _put(ws, row, 1, line)
        row += 1
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 24


def _write_table(ws: Any, top: int, columns: list[str], rows: list[list[Any]]) -> None:
    from openpyxl.styles import Font

    for j, name in enumerate(columns, start=1):
        _put(ws, top, j, name).font = Font(bold=True)
    for i, row in enumerate(rows[:_MAX_RESULT_ROWS], start=top + 1):
        for j, value in enumerate(row, start=1):
            _put(ws, i, j, _date_value(value))


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
            _write_table(ws, row + 1, header, rows)
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
        for r, (label, value) in enumerate(labels, start=1):
            _put(qs, r, 1, label).font = Font(bold=True)
            _put(qs, r, 2, value)
        qs["B2"].alignment = Alignment(wrap_text=True, vertical="top")
        qs.column_dimensions["B"].width = 60
        _write_table(qs, 6, answer.columns, answer.rows)
        _chart(qs, 6, answer.columns, answer.rows, f"{_col_after(len(answer.columns))}6", answer.question)
    with atomic_path(target, force=force) as tmp:
        wb.save(tmp)
    return target


def _col_after(n: int) -> str:
    from copilot.documents.sheets.detect import column_letter

    return column_letter(max(n + 1, 3))
