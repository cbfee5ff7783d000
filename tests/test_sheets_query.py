"""The DuckDB sandbox: only one SELECT over the sheet views runs; everything else is refused and
nothing is created on disk."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from copilot.documents.sheets.query import SheetDatabase, SqlError, open_database
from copilot.errors import UnsafeOutput

openpyxl = pytest.importorskip("openpyxl")


@pytest.fixture(scope="module")
def sales_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sales"
    ws.append(["Region", "Month", "Revenue"])
    import datetime as dt

    for m in range(1, 13):
        for region, base in (("East", 100), ("West", 80), ("华南", 60)):
            ws.append([region, dt.date(2024, m, 1), base + m * (3 if region == "East" else 2)])
    path = tmp_path_factory.mktemp("q") / "sales.xlsx"
    wb.save(path)
    return path


@pytest.fixture
def db(sales_path: Path) -> Iterator[SheetDatabase]:
    database = open_database(sales_path)
    yield database
    database.close()


def test_select_runs(db: SheetDatabase) -> None:
    result = db.run('SELECT "Region", sum("Revenue") AS total FROM "Sales" GROUP BY 1 ORDER BY 2 DESC')
    assert result.columns == ["Region", "total"]
    assert result.rows[0][0] == "East"
    with_cte = db.run('WITH q AS (SELECT * FROM "Sales" WHERE quarter("Month") = 3) SELECT count(*) FROM q')
    assert with_cte.rows == [[9]]
    assert db.run("SELECT * FROM range(3)").rows == [[0], [1], [2]]


def test_row_limit(db: SheetDatabase) -> None:
    result = db.run('SELECT * FROM "Sales"', max_rows=5)
    assert len(result.rows) == 5 and result.truncated


HOSTILE = [
    "COPY (SELECT 1) TO '{tmp}/x.csv'",
    "COPY \"Sales\" TO '{tmp}/sales.csv' (HEADER)",
    "ATTACH '{tmp}/evil.db' AS evil",
    "INSTALL httpfs",
    "LOAD httpfs",
    "CREATE TABLE x AS SELECT 1",
    "INSERT INTO t0 VALUES (1, 'a', NULL, 1)",
    "DELETE FROM t0",
    "DROP VIEW \"Sales\"",
    "UPDATE t0 SET c2 = 0",
    "SET enable_external_access = true",
    "PRAGMA database_list",
    "EXPORT DATABASE '{tmp}/dump'",
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM read_text('/etc/passwd')",
    "SELECT * FROM '/etc/passwd'",
    "SELECT * FROM 'http://127.0.0.1:9/x.csv'",
    "SELECT * FROM read_parquet('https://example.com/x.parquet')",
    "SELECT * FROM t0",  # the physical table, not a view
    "SELECT * FROM duckdb_settings()",
    "SELECT * FROM query('SELECT 1')",
    "SELECT 1; DROP VIEW \"Sales\"",
    "SELECT * FROM \"Sales\"; COPY (SELECT 1) TO '{tmp}/y.csv'",
    "WITH x AS (SELECT * FROM read_csv('/etc/passwd')) SELECT * FROM x",
    "SELECT (SELECT count(*) FROM read_csv('{tmp}/z.csv'))",
]


@pytest.mark.parametrize("template", HOSTILE)
def test_hostile_sql_refused(db: SheetDatabase, tmp_path: Path, template: str) -> None:
    before = set(os.listdir(tmp_path))
    sql = template.format(tmp=tmp_path)
    with pytest.raises(UnsafeOutput) as info:
        db.run(sql)
    assert "\n" not in str(info.value)
    assert set(os.listdir(tmp_path)) == before
    # The sandbox is intact afterwards.
    assert db.run('SELECT count(*) FROM "Sales"').rows == [[36]]


def test_settings_are_locked(db: SheetDatabase) -> None:
    import duckdb

    with pytest.raises(duckdb.Error):
        db.con.execute("SET enable_external_access = true")
    assert db.con.execute("SELECT current_setting('enable_external_access')").fetchone()[0] is False


def test_bad_sql_is_sql_error(db: SheetDatabase) -> None:
    with pytest.raises(SqlError):
        db.run('SELECT "Nope" FROM "Sales"')
    with pytest.raises(SqlError):
        db.run("SELEC 1")


def test_timeout_interrupts(db: SheetDatabase) -> None:
    with pytest.raises(SqlError, match="longer than"):
        db.run("SELECT count(*) FROM range(100000000000) a, range(1000) b WHERE a.range * b.range = -1",
               timeout=0.5)
    assert db.run('SELECT count(*) FROM "Sales"').rows == [[36]]
