"""The spreadsheet session tasks the app runs step by step: open once, profile, write the report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from copilot.cancel import CancelToken
from copilot.events import Done, Event
from copilot.tasks.sheet_session import open_sheet, profile_sheet, write_sheet_report


def _result(events: list[Event]) -> Any:
    last = events[-1]
    assert isinstance(last, Done)
    return last.result


def test_open_profile_and_report_on_one_open_database(tmp_path: Path) -> None:
    src = tmp_path / "sales.csv"
    src.write_text("区域,销售额\n华东,120.5\n华北,80\n华南,99.25\n", encoding="utf-8")
    db = _result(list(open_sheet(src, CancelToken())))
    try:
        profiles = _result(list(profile_sheet(db, CancelToken())))
        (table,) = profiles.values()
        assert table["rows"] == 3
        sales = next(c for c in table["columns"] if c["name"] == "销售额")
        assert (sales["min"], sales["max"]) == (80.0, 120.5)
        out = tmp_path / "report.xlsx"
        saved = _result(list(write_sheet_report(db, profiles, [], out, False, CancelToken())))
        assert Path(saved) == out and out.is_file()
        from openpyxl import load_workbook

        assert load_workbook(out).sheetnames
    finally:
        db.close()
    assert src.read_text(encoding="utf-8").startswith("区域,销售额")  # the input is never modified


def test_jobs_on_their_own_cursor_see_arrow_loaded_sheets(tmp_path: Path) -> None:
    """An .xlsx is registered as an Arrow batch on the loading connection; each job's own cursor
    (profile, questions, the app's data view) must see it too."""
    from openpyxl import Workbook

    from copilot.tasks.sheet_session import _own_handle

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["region", "sales"])
    for region, sales in (("East", 120.5), ("North", 80.0), ("South", 99.25)):
        sheet.append([region, sales])
    src = tmp_path / "sales.xlsx"
    book.save(src)
    db = _result(list(open_sheet(src, CancelToken())))
    try:
        profiles = _result(list(profile_sheet(db, CancelToken())))
        (table,) = profiles.values()
        assert table["rows"] == 3
        with _own_handle(db) as own:
            result = own.run(f'SELECT max(sales) FROM "{own.tables[0].view}"')
        assert result.rows == [[120.5]]
    finally:
        db.close()
