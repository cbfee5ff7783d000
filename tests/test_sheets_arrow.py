"""Sheets through Arrow (fastexcel → DuckDB) give the same profile as the cell-by-cell path, and
pandas' numbers, on every format the Arrow path reads; mixed columns still go cell by cell."""

from __future__ import annotations

import datetime as dt
import math
import random
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from copilot.documents.sheets import arrow_load, load
from copilot.documents.sheets.profile import profile_database
from copilot.documents.sheets.query import open_database
from tests.conftest import find_full_corpus
from tests.test_sheets_profile import _assert_numeric_equal, _col

pd = pytest.importorskip("pandas")
openpyxl = pytest.importorskip("openpyxl")
pytest.importorskip("fastexcel")

HEADER = ["Region", "Order", "Amount", "Share", "Price", "Day", "When", "Note", "Paid", "Blank"]
FORMATS = {"Share": "0.0%", "Price": '"¥"#,##0.00', "Day": "yyyy-mm-dd", "When": "yyyy-mm-dd hh:mm"}


def _rows() -> list[list[Any]]:
    rnd = random.Random(11)
    base = dt.datetime(2024, 1, 1, 8, 30)
    rows = []
    for i in range(1, 151):
        rows.append([rnd.choice(["East", "West", "North", "华南"]), i,
                     round(rnd.gauss(500, 120), 2) if i % 13 else None, round(rnd.random(), 3),
                     rnd.randrange(10, 90) * 1.0, (base + dt.timedelta(days=i % 40)).date(),
                     base + dt.timedelta(hours=7 * i), rnd.choice(["N/A", "ok", "late", "#DIV/0!", None]),
                     bool(i % 3), None])
    rows[60][2] = 5000.0  # an outlier
    rows.append(list(rows[10]))  # a duplicate row
    return rows


def _write(path: Path, *, top: int = 1, left: int = 1, title: bool = False, blank_row: bool = True,
           totals: bool = True) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sales"
    r = top
    if title:
        ws.cell(r, left, "Quarterly sales (title row)")
        r += 2
    for j, name in enumerate(HEADER):
        ws.cell(r, left + j, name)
    for i, values in enumerate(_rows()):
        r += 1
        if blank_row and i == 40:
            r += 1  # a blank row inside the table
        for j, value in enumerate(values):
            if value is not None:
                cell = ws.cell(r, left + j, value)
                cell.number_format = FORMATS.get(HEADER[j], "General")
    if totals:
        ws.cell(r + 1, left, "Total")
        ws.cell(r + 1, left + 2, 12345.0)
    wb.save(path)
    return path


def _profiles(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[dict[str, Any], list[bool], dict[str, Any]]:
    """(profile through Arrow, which tables went through Arrow, profile cell by cell)."""
    db = open_database(path)
    try:
        fast, used = profile_database(db), [t.arrow for t in db.tables]
    finally:
        db.close()
    with monkeypatch.context() as m:
        m.setattr(arrow_load, "fast_xlsx_region", lambda book, name: None)
        m.setattr("copilot.documents.sheets.query.fast_xlsx_region", lambda book, name: None)
        m.setattr(load, "arrow_region", lambda book, raw, spec: None)
        db = open_database(path)
        try:
            slow = profile_database(db)
            assert not any(t.arrow for t in db.tables)
        finally:
            db.close()
    return fast, used, slow


def _same(a: Any, b: Any, where: str = "") -> None:
    if isinstance(a, dict) and isinstance(b, dict):
        assert a.keys() == b.keys(), where
        for k in a:
            _same(a[k], b[k], f"{where}/{k}")
    elif isinstance(a, list) and isinstance(b, list):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _same(x, y, f"{where}[{i}]")
    elif isinstance(a, float) and isinstance(b, float) and not (math.isnan(a) or math.isnan(b)):
        assert a == pytest.approx(b, rel=1e-12, abs=1e-12), where
    else:
        assert a == b and type(a) is type(b), (where, a, b)


def _check_against_pandas(table: dict[str, Any], df: Any) -> None:
    types = {c["name"]: c["type"] for c in table["columns"]}
    assert types == {"Order": "integer", "Amount": "number", "Share": "percent", "Price": "currency",
                     "Day": "date", "When": "datetime", "Region": "text", "Note": "text", "Paid": "boolean",
                     "Blank": "empty"}
    assert table["rows"] == len(df)
    assert table["duplicate_rows"] == int(df.duplicated().sum()) == 1
    for name in ("Order", "Amount", "Share", "Price"):
        _assert_numeric_equal(_col(table, name), df[name])
    assert _col(table, "Day")["max"] == df["Day"].max().date().isoformat()
    assert _col(table, "When")["min"] == df["When"].min().isoformat(sep=" ")
    # "N/A" text and #DIV/0! error cells read as missing, as in pandas.
    assert _col(table, "Note")["count"] == int(df["Note"].count())
    assert _col(table, "Region")["distinct"] == df["Region"].nunique()


def test_xlsx_read_once_through_arrow_equals_cell_path_and_pandas(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path / "typed.xlsx")
    calls: list[str] = []
    real = arrow_load.fast_xlsx_region

    def spy(book: Any, name: str) -> Any:
        region = real(book, name)
        calls.append("fast" if region is not None else "no")
        return region

    monkeypatch.setattr("copilot.documents.sheets.query.fast_xlsx_region", spy)
    fast, used, slow = _profiles(path, monkeypatch)
    assert calls == ["fast"] and used == [True]
    _same(fast, slow)
    (table,) = fast["sheets"]
    assert table["totals_row"] == {"row": 154, "values": {"Region": "Total", "Amount": "12345"}}
    assert table["range"] == "A1:J153"
    df = pd.read_excel(path, engine="calamine").dropna(how="all").iloc[:-1]
    _check_against_pandas(table, df)
    assert _col(table, "Share")["number_format"] == "0.0%"


def test_title_rows_and_offset_table_read_through_arrow(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path / "offset.xlsx", top=3, left=3, title=True, totals=False)
    fast, used, slow = _profiles(path, monkeypatch)
    assert used == [True]
    _same(fast, slow)
    (table,) = fast["sheets"]
    assert table["range"].startswith("C5:")
    df = pd.read_excel(path, engine="calamine", header=4, usecols="C:L").dropna(how="all")
    assert list(df.columns) == HEADER
    _check_against_pandas(table, df)


def test_mixed_column_goes_cell_by_cell(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["id", "value", "when"])
    for i in range(30):
        ws.append([i, "pending" if i == 20 else i * 1.5, dt.date(2024, 1, 1 + i)])
    ws.append([None, 99.0, "Total"])  # a totals label in a date column
    path = tmp_path / "mixed.xlsx"
    wb.save(path)
    fast, used, slow = _profiles(path, monkeypatch)
    assert used == [False]
    _same(fast, slow)
    assert _col(fast["sheets"][0], "value")["type"] == "mixed"


def test_repeated_header_names_keep_their_numbering(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["x", "x", "x_1", "2024"])
    for i in range(5):
        ws.append([i, i * 2.5, "a", i])
    path = tmp_path / "names.xlsx"
    wb.save(path)
    fast, _used, slow = _profiles(path, monkeypatch)
    _same(fast, slow)
    assert [c["name"] for c in fast["sheets"][0]["columns"]] == ["x", "x (2)", "x_1", "2024"]


@pytest.mark.parametrize("name", ["merged_range.xlsx", "table-multiple.xlsx", "inlineStr_with_value.xlsx"])
def test_bundled_corpus_through_arrow_equals_cell_path(name: str, corpus_dir: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    fast, used, slow = _profiles(corpus_dir / "xlsx" / name, monkeypatch)
    assert any(used)
    _same(fast, slow)


_FULL = find_full_corpus()


@pytest.mark.skipif(_FULL is None, reason="no ../shared/corpus")
@pytest.mark.parametrize("name", ["issues.xlsb", "issue221.xlsm", "merged_cells.ods", "number_rows_repeated.ods",
                                  "richtext_issue.ods"])
def test_full_corpus_formats_through_arrow_equal_cell_path(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _FULL is not None
    fast, used, slow = _profiles(_FULL / "xlsx" / name, monkeypatch)
    assert any(used)
    _same(fast, slow)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_ods_through_arrow_equals_pandas(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = _write(tmp_path / "typed.xlsx", blank_row=False, totals=False)
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path / 'lo'}", "--headless", "--convert-to",
                    "ods", "--outdir", str(tmp_path), str(source)], check=True, capture_output=True, timeout=120)
    path = tmp_path / "typed.ods"
    fast, used, slow = _profiles(path, monkeypatch)
    assert used == [True]
    _same(fast, slow)
    table = fast["sheets"][0]
    df = pd.read_excel(path, engine="calamine")
    for name in ("Order", "Amount", "Share", "Price"):
        _assert_numeric_equal(_col(table, name), df[name])
    assert table["rows"] == len(df)


def test_builtin_number_formats_match_openpyxl() -> None:
    from openpyxl.styles.numbers import BUILTIN_FORMATS

    from copilot.documents.sheets.xlsx_peek import BUILTIN_FORMATS as ours

    assert ours == BUILTIN_FORMATS


def _set_dimension(path: Path, ref: str | None) -> Path:
    """Rewrite the sheet's recorded <dimension ref> (None: remove it), as a stale writer leaves it."""
    import re
    import zipfile

    out = path.with_name(f"{path.stem}-dim{path.suffix}")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                text = data.decode("utf-8")
                text = re.sub(r'<dimension ref="[^"]*"/>', "" if ref is None else f'<dimension ref="{ref}"/>', text)
                data = text.encode("utf-8")
            dst.writestr(item, data)
    return out


@pytest.mark.parametrize("dimension", ["C2:L154", None, "A1:Z9", "D2:M154"])
def test_offset_header_with_a_gap_reads_the_same_whatever_the_recorded_dimension(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dimension: str | None) -> None:
    """The used range and the columns' positions come from the cells, not from what the writer
    recorded: a missing, stale or shifted dimension changes nothing."""
    path = _write(tmp_path / "offset.xlsx", top=2, left=3, totals=False)
    book = openpyxl.load_workbook(path)
    book.active.cell(2, 3 + HEADER.index("Paid")).value = None  # a header cell left empty
    book.save(path)
    path = _set_dimension(path, dimension)
    fast, used, slow = _profiles(path, monkeypatch)
    assert used == [True]
    _same(fast, slow)
    (table,) = fast["sheets"]
    assert table["range"] == "C2:L154"
    assert _col(table, "Share")["type"] == "percent" and _col(table, "Price")["type"] == "currency"


def test_eager_columns_line_up_with_the_header_cells() -> None:
    line_up = arrow_load._eager_columns
    assert [(c.name, c.absolute_index, c.column_name_from) for c in line_up(
        ["__UNNAMED__0", "a", "b", "__UNNAMED__3", "d"], {2: "a", 3: "b", 5: "d"}) or []] == [
        ("__UNNAMED__0", 1, "generated"), ("a", 2, "looked_up"), ("b", 3, "looked_up"),
        ("__UNNAMED__3", 4, "generated"), ("d", 5, "looked_up")]
    assert line_up(["a", "b"], {0: "a", 2: "b"}) is None  # a gap fastexcel did not see
    assert line_up(["__UNNAMED__0", "b"], {0: "x", 1: "b"}) is None  # a header named like a generated one
    assert line_up(["__UNNAMED__0"], {}) is None


def test_a_sheet_over_the_cell_limit_is_refused_in_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Its recorded dimension keeps it off the straight-into-Arrow read (a dimension can also be
    far larger than the data, so it is not refused on that alone); the read refuses it."""
    from copilot.errors import DocumentTooLarge

    path = _write(tmp_path / "big.xlsx")
    monkeypatch.setattr(arrow_load, "_MAX_CELLS", 500)
    eager: list[object] = []
    real = arrow_load._load_batch
    monkeypatch.setattr(arrow_load, "_load_batch", lambda *a, **k: eager.append(a) or real(*a, **k))
    with pytest.raises(DocumentTooLarge) as info:
        open_database(path)
    assert "Sales" in str(info.value) and "\n" not in str(info.value)
    assert not eager


def test_a_stale_small_dimension_is_caught_on_what_was_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from copilot.errors import DocumentTooLarge

    path = _set_dimension(_write(tmp_path / "stale.xlsx"), "A1:B2")
    monkeypatch.setattr(arrow_load, "_MAX_CELLS", 500)
    with pytest.raises(DocumentTooLarge) as info:
        open_database(path)
    assert "Sales" in str(info.value) and "\n" not in str(info.value)


def test_error_values_written_as_text_are_counted_on_the_arrow_path(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """"#N/A" typed as text is both missing and an error value; "n/a" only missing. Error values are
    looked for only in columns where a missing-value marker turned up."""
    xlsxwriter = pytest.importorskip("xlsxwriter")
    path = tmp_path / "texts.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Notes")
    sheet.write_row(0, 0, ["id", "status", "clean"])
    for i in range(60):
        sheet.write_number(i + 1, 0, i + 1)
        sheet.write_string(i + 1, 1, ["ok", "#N/A", "n/a", "late", "#REF!"][i % 5])
        sheet.write_string(i + 1, 2, ["a", "b", "c"][i % 3])
    book.close()
    fast, used, slow = _profiles(path, monkeypatch)
    assert used == [True]
    _same(fast, slow)
    (table,) = fast["sheets"]
    status, clean = _col(table, "status"), _col(table, "clean")
    assert (status["count"], status["missing"], status["errors"]) == (24, 36, 24)
    assert "errors" not in clean and clean["missing"] == 0
