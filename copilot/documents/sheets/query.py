"""The DuckDB sandbox: a workbook's tables loaded into an in-process database that can read no
file and no URL, and a runner that executes one read-only statement with a time and row limit.

Model-written SQL is data until it passes ``check_sql``: DuckDB's own parser must see exactly one
SELECT statement, and its parse tree may name only our views, the statement's own CTEs and a few
harmless table functions. The connection is opened with ``enable_external_access=false`` and its
configuration locked, so even a statement that slipped through could not touch the disk or network.

Resources are bounded too: a memory limit, spills only into a private temp dir under the cache dir
with a size cap (never ``./.tmp`` of the current directory), a result cell's text capped at
``MAX_CELL_CHARS``, and a query past its time limit is interrupted (``con.interrupt()``) and waited
for, so it never keeps running behind the next one. The tree check accepts only a plain SELECT/WITH
tree: no DESCRIBE/SUMMARIZE/SHOW (``SHOW_REF``) nor PIVOT, and a CTE name counts only inside the
query that defines it.
"""

from __future__ import annotations

import datetime as dt
import decimal
import itertools
import json
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Generator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from copilot.cancel import CancelToken
from copilot.documents.sheets.arrow_load import fast_xlsx_region
from copilot.documents.sheets.detect import HEAD_ROWS, detect_tables
from copilot.documents.sheets.load import LoadedTable, load_table
from copilot.documents.sheets.read import RawSheet, Workbook, open_workbook
from copilot.errors import DocumentError, EmptyDocument, EncryptedDocument, UnsafeOutput

__all__ = ["QueryResult", "SheetDatabase", "SqlError", "check_sql", "open_database"]

_ALLOWED_TABLE_FUNCTIONS = frozenset({"range", "generate_series", "unnest"})
# Query nodes a plain SELECT/WITH may contain; table refs that are not plain reads are refused.
_QUERY_NODES = frozenset({"SELECT_NODE", "SET_OPERATION_NODE", "RECURSIVE_CTE_NODE", "CTE_NODE"})
_REFUSED_NODES = {"SHOW_REF": "DESCRIBE/SUMMARIZE/SHOW", "PIVOT": "PIVOT", "UNPIVOT": "UNPIVOT",
                  "COLUMN_DATA": "a materialized table", "DELIM_GET": "an internal table"}
MEMORY_LIMIT = "2GB"
MAX_TEMP_SIZE = "4GB"
MAX_CELL_CHARS = 2000
"""A result cell's text is cut here (with …): a model-written query cannot return megabytes per cell."""


class SqlError(Exception):
    """The statement was allowed but DuckDB could not run it (bad column, syntax, ...)."""


@dataclass(frozen=True)
class QueryResult:
    sql: str
    columns: list[str]
    rows: list[list[Any]]
    truncated: bool
    seconds: float


@dataclass
class SheetDatabase:
    path: Path
    con: Any
    tables: list[LoadedTable]
    skipped: list[dict[str, str]] = field(default_factory=list)
    spill_dir: str = ""
    """DuckDB's private temp dir (removed on close)."""
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def table(self, name: str | None) -> LoadedTable:
        if name is None:
            return self.tables[0]
        for t in self.tables:
            if name in (t.name, t.view, t.spec.sheet):
                return t
        from copilot.errors import UsageError

        raise UsageError(f"{self.path.name}: no sheet or table named '{name}' "
                         f"(have: {', '.join(t.name for t in self.tables)})")

    def cursor(self) -> Any:
        """A handle of its own on this database (a job's, the data view's): DuckDB refuses a second
        statement on a connection that is running one. Arrow-backed tables are registered on it too
        (a registration belongs to one connection)."""
        cursor = self.con.cursor()
        for t in self.tables:
            if t.arrow and t.arrow_data is not None:
                cursor.register(t.table, t.arrow_data)
        return cursor

    @property
    def views(self) -> set[str]:
        return {t.view.lower() for t in self.tables}

    def run(self, sql: str, *, timeout: float = 15.0, max_rows: int = 1000,
            cancel: CancelToken | None = None) -> QueryResult:
        """Check and run one statement. UnsafeOutput when refused, SqlError when it fails."""
        statement = check_sql(self.con, sql, self.views)
        return self._execute(statement, timeout, max_rows, cancel)

    def _execute(self, sql: str, timeout: float, max_rows: int, cancel: CancelToken | None) -> QueryResult:
        import duckdb

        box: dict[str, Any] = {}
        started = time.perf_counter()

        def work() -> None:
            try:
                cursor = self.con.execute(sql)
                box["columns"] = [d[0] for d in cursor.description or []]
                box["rows"] = cursor.fetchmany(max_rows + 1)
            except BaseException as exc:  # noqa: BLE001 - handed to the calling thread
                box["error"] = exc

        with self._lock:
            worker = threading.Thread(target=work, name="sheet-sql", daemon=True)
            worker.start()
            remove = cancel.on_cancel(self.con.interrupt) if cancel is not None else None
            worker.join(timeout)
            if worker.is_alive():
                # Interrupt until it has really stopped: the lock is held meanwhile, so a query past
                # its limit never runs on behind the next one.
                deadline = time.monotonic() + 30
                while worker.is_alive() and time.monotonic() < deadline:
                    self.con.interrupt()
                    worker.join(0.2)
                if remove is not None:
                    remove()
                raise SqlError(f"the query took longer than {timeout:g} s and was stopped; ask a simpler question")
            if remove is not None:
                remove()
        if cancel is not None:
            cancel.raise_if_cancelled()
        error = box.get("error")
        if isinstance(error, duckdb.PermissionException):
            raise UnsafeOutput(f"{self.path.name}: the query tried to reach a file or the network and was refused")
        if isinstance(error, duckdb.Error):
            raise SqlError(" ".join(str(error).split())[:400])
        if error is not None:
            raise error
        rows = [[_capped(_plain(v)) for v in row] for row in box["rows"]]
        truncated = len(rows) > max_rows
        return QueryResult(sql, box["columns"], rows[:max_rows], truncated, time.perf_counter() - started)

    def close(self) -> None:
        self.con.close()
        if self.spill_dir:
            shutil.rmtree(self.spill_dir, ignore_errors=True)


def _capped(value: Any) -> Any:
    if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
        return value[:MAX_CELL_CHARS - 1] + "…"
    if isinstance(value, list):
        return [_capped(v) for v in value]
    if isinstance(value, dict):
        return {k: _capped(v) for k, v in value.items()}
    return value


def _plain(value: Any) -> Any:
    """A result cell as a JSON-friendly value."""
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ") if value.time() != dt.time() else value.date().isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def _cte_names(node: dict[str, Any]) -> set[str]:
    names: set[str] = set()
    cte_map = node.get("cte_map")
    if isinstance(cte_map, dict):
        for entry in cte_map.get("map") or []:
            if isinstance(entry, dict) and isinstance(entry.get("key"), str):
                names.add(entry["key"].lower())
    return names


def _check_tree(node: Any, views: set[str], scope: frozenset[str]) -> None:
    """Refuse any table read but our views and the CTEs in scope, and any non-plain table ref."""
    if isinstance(node, list):
        for value in node:
            _check_tree(value, views, scope)
        return
    if not isinstance(node, dict):
        return
    names = _cte_names(node)
    if names:
        scope = scope | names  # the CTEs of this query: visible in it (and its own bodies), not outside
    node_type = node.get("type")
    if node_type in _REFUSED_NODES:
        raise UnsafeOutput(f"refused SQL: {_REFUSED_NODES[node_type]} is not allowed; only plain SELECT/WITH "
                           "queries over the sheet views are run")
    if node_type == "TABLE_FUNCTION":
        function = node.get("function") or {}
        name = str(function.get("function_name", "")).lower()
        if name not in _ALLOWED_TABLE_FUNCTIONS or function.get("schema") or function.get("catalog"):
            raise UnsafeOutput(f"refused SQL: table function {name}() is not allowed; query the sheet views only")
    elif node_type == "BASE_TABLE":
        name = str(node.get("table_name", ""))
        if node.get("catalog_name") or node.get("schema_name") or name.lower() not in views | scope:
            raise UnsafeOutput(f"refused SQL: it reads '{name[:60]}', which is not one of the sheet views")
    for value in node.values():
        _check_tree(value, views, scope)


def check_sql(con: Any, sql: str, views: set[str]) -> str:
    """The statement to run if ``sql`` is one read-only SELECT over our views; else UnsafeOutput."""
    import duckdb

    text = sql.strip().rstrip(";").strip()
    if not text:
        raise UnsafeOutput("the model returned no SQL statement")
    try:
        statements = con.extract_statements(text)
    except duckdb.Error as exc:
        raise SqlError(" ".join(str(exc).split())[:400]) from exc
    if len(statements) != 1:
        raise UnsafeOutput(f"refused SQL: {len(statements)} statements where exactly one SELECT is allowed")
    kind = statements[0].type
    if kind != duckdb.StatementType.SELECT:
        raise UnsafeOutput(f"refused SQL: a {kind.name} statement; only SELECT/WITH queries are run")
    try:
        raw = con.execute("SELECT json_serialize_sql(?::VARCHAR)", [text]).fetchone()[0]
    except duckdb.Error as exc:
        raise SqlError(" ".join(str(exc).split())[:400]) from exc
    tree = json.loads(raw)
    if tree.get("error"):
        raise SqlError(str(tree.get("error_message", "the SQL could not be parsed"))[:400])
    if len(tree.get("statements") or []) != 1:
        raise UnsafeOutput("refused SQL: exactly one SELECT statement is allowed")
    top = (tree["statements"][0] or {}).get("node") or {}
    if top.get("type") not in _QUERY_NODES:
        raise UnsafeOutput("refused SQL: only plain SELECT/WITH queries are run")
    _check_tree(tree, {v.lower() for v in views}, frozenset())
    return text


def _spill_dir() -> str:
    """A private temp dir for DuckDB's spills under the cache dir (not ./.tmp of the current dir)."""
    from copilot.paths import cache_dir

    root = cache_dir() / "duckdb-tmp"
    root.mkdir(parents=True, exist_ok=True)
    return tempfile.mkdtemp(prefix=f"{os.getpid()}-", dir=root)


def _connect(spill: str) -> Any:
    import duckdb

    con = duckdb.connect(":memory:", config={
        "enable_external_access": False,
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
        "threads": 1,
        "memory_limit": MEMORY_LIMIT,
        "temp_directory": spill,
        "max_temp_directory_size": MAX_TEMP_SIZE,
    })
    con.execute("SET enable_progress_bar = false")  # it draws on stderr
    return con


def _view_name(sheet: str, index: int, taken: set[str]) -> str:
    base = " ".join(sheet.split())[:60] or "sheet"
    name = base if index == 0 else f"{base}_{index + 1}"
    n = 2
    while name.lower() in taken:
        name = f"{base}_{n}"
        n += 1
    taken.add(name.lower())
    return name


def open_database(path: str | Path, *, sheet: str | None = None, cancel: CancelToken | None = None) -> SheetDatabase:
    """Read ``path`` (only ``sheet`` when given) into a locked, file-less DuckDB database."""
    loading = load_database(path, sheet=sheet, cancel=cancel)
    while True:
        try:
            next(loading)
        except StopIteration as stop:
            return stop.value  # type: ignore[no-any-return]


def load_database(path: str | Path, *, sheet: str | None = None,
                  cancel: CancelToken | None = None) -> Generator[tuple[str, int], None, SheetDatabase]:
    """``open_database`` as a generator yielding (sheet, rows loaded) after each chunk."""
    book: Workbook = open_workbook(path)
    spill = _spill_dir()
    con = _connect(spill)
    tables: list[LoadedTable] = []
    skipped: list[dict[str, str]] = []
    taken: set[str] = set()
    try:
        names = book.sheet_names
        if sheet is not None:
            if sheet not in names:
                from copilot.errors import UsageError

                raise UsageError(f"{book.path.name}: no sheet named '{sheet}' (sheets: {', '.join(names)})")
            names = [sheet]
        failures: list[DocumentError] = []
        for name in names:
            region = fast_xlsx_region(book, name)
            raw: RawSheet | None = None
            if region is not None:
                specs = [region.spec]
            else:
                try:
                    raw = book.sheet(name)
                except EncryptedDocument:
                    raise
                except DocumentError as exc:
                    # One unreadable sheet should not hide the others.
                    failures.append(exc)
                    skipped.append({"name": name, "reason": exc.reason})
                    continue
                head = list(itertools.islice(raw.rows(), HEAD_ROWS)) if raw.height else []
                specs = detect_tables(name, head, raw.width, raw.merged)
            if not specs:
                skipped.append({"name": name, "reason": "no cell values (empty, or only charts/images)"})
                continue
            for spec in specs:
                t = len(tables)
                view = _view_name(name, spec.index, taken)
                loading = load_table(con, book, raw, spec, f"t{t}", view, cancel, region)
                while True:
                    try:
                        rows = next(loading)
                    except StopIteration as stop:
                        loaded = stop.value
                        break
                    yield name, rows
                if loaded.rows == 0 and not loaded.totals_row:
                    loaded.drop(con)
                    skipped.append({"name": loaded.name, "reason": "a header but no data rows"})
                    continue
                tables.append(loaded)
        if not tables and failures:
            raise failures[0]
        if not tables:
            reasons = "; ".join(f"{s['name']}: {s['reason']}" for s in skipped[:3])
            raise EmptyDocument(book.path, f"no table with data found ({reasons or 'no sheets'}); "
                                           f"choose a sheet with rows of data")
        if sum(t.rows for t in tables) > 50_000:
            con.execute("SET threads = 2")  # worth it only when there is real data to scan
        # From here on nothing may change the sandbox's settings.
        con.execute("SET lock_configuration = true")
    except BaseException:
        con.close()
        shutil.rmtree(spill, ignore_errors=True)
        raise
    finally:
        book.close()
    return SheetDatabase(Path(path), con, tables, skipped, spill)
