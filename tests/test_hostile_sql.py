"""Model-written SQL against the DuckDB sandbox: only plain SELECT/WITH trees, CTE names scoped,
bounded memory, spills and cell sizes, and a timeout that really stops the query."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from copilot.documents.sheets.query import MAX_CELL_CHARS, SheetDatabase, SqlError, open_database
from copilot.errors import UnsafeOutput
from copilot.paths import cache_dir


@pytest.fixture
def db(tmp_path: Path) -> Iterator[SheetDatabase]:
    path = tmp_path / "sales.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sales"
    ws.append(["Region", "Amount"])
    for i in range(20):
        ws.append([f"R{i % 3}", i * 10])
    wb.save(path)
    database = open_database(path)
    yield database
    database.close()


@pytest.mark.parametrize("sql", [
    "DESCRIBE Sales", "SUMMARIZE Sales", "SHOW TABLES", "SHOW ALL TABLES",
    "SELECT * FROM (DESCRIBE Sales)", "SELECT * FROM (SUMMARIZE Sales)",
    "PIVOT Sales ON Region USING sum(Amount)",
    # A CTE name counts only inside its own query: the outer duckdb_tables is the system view.
    "SELECT * FROM (WITH duckdb_tables AS (SELECT 1) SELECT * FROM duckdb_tables), duckdb_tables",
    "SELECT * FROM Sales WHERE Region IN (WITH t0 AS (SELECT 'x') SELECT * FROM t0) UNION SELECT * FROM t0",
])
def test_only_plain_select_trees_run(db: SheetDatabase, sql: str) -> None:
    with pytest.raises(UnsafeOutput) as info:
        db.run(sql)
    assert str(info.value).startswith("refused SQL") and "\n" not in str(info.value)


@pytest.mark.parametrize("sql", [
    "WITH big AS (SELECT Region, sum(Amount) AS s FROM Sales GROUP BY Region) SELECT * FROM big ORDER BY s",
    "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT sum(n) FROM r",
    "FROM Sales SELECT count(*)",
    "SELECT 1 UNION ALL SELECT 2",
])
def test_ordinary_queries_still_run(db: SheetDatabase, sql: str) -> None:
    assert db.run(sql).rows


def test_result_cells_are_capped(db: SheetDatabase) -> None:
    result = db.run("SELECT repeat('x', 100000) AS big, [repeat('y', 50000)] AS list")
    big, listed = result.rows[0]
    assert len(big) == MAX_CELL_CHARS and big.endswith("…")
    assert len(listed[0]) == MAX_CELL_CHARS


def test_memory_limit_and_private_spill_dir(db: SheetDatabase) -> None:
    limit, temp, temp_max = db.con.execute(
        "SELECT current_setting('memory_limit'), current_setting('temp_directory'), "
        "current_setting('max_temp_directory_size')").fetchone()
    assert limit.endswith("GiB") and float(limit.split()[0]) < 4
    assert Path(temp).is_relative_to(cache_dir()) and Path(temp).is_dir()
    assert float(temp_max.split()[0]) < 8
    db.close()
    assert not Path(temp).exists()  # the spill dir goes with the database


def test_timeout_stops_the_query_before_returning(db: SheetDatabase) -> None:
    start = time.monotonic()
    with pytest.raises(SqlError) as info:
        db.run("SELECT sum(x.range) FROM range(100000000000) x", timeout=1)
    assert "took longer than 1 s" in str(info.value)
    assert time.monotonic() - start < 30
    assert not [t for t in threading.enumerate() if t.name == "sheet-sql"]  # nothing runs on behind
    assert db.run("SELECT count(*) FROM Sales", timeout=5).rows == [[20]]
