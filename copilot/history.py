"""Run history in SQLite: what ran, from where, with which template/profile/model, tokens, time,
outcome — searchable with FTS5, Chinese included.

Document text (what was sent, what came back) is stored only when the user turned
``store_text_in_history`` on. Keys never are: nothing here receives one, and every text is redacted
before it is stored. Nothing at all is stored while an incognito run is active
(``copilot.incognito``).

Search: FTS5's unicode61 tokenizer does not split CJK text into words, and its trigram tokenizer
cannot match two-character words (华东), so Chinese is indexed as overlapping bigrams (华东区域 →
华东 东区 区域, column ``body``) plus single characters (column ``chars``); a query is turned into
the same tokens, phrases for CJK runs, prefixes for other words.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from copilot import incognito
from copilot.logsetup import redact
from copilot.paths import data_dir
from copilot.settings import load_settings

__all__ = ["HistoryEntry", "clear", "delete", "facets", "get", "history_path", "recent", "record", "search"]

_lock = threading.Lock()
_MAX_TEXT = 64_000  # characters of document text kept per run

_COLUMNS = ("id, started, task, template, profile, model, tokens_in, tokens_out, seconds, output_path, status, "
            "error, input_text, output_text, source, input_path")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started REAL NOT NULL,
    task TEXT NOT NULL,
    template TEXT,
    profile TEXT,
    model TEXT,
    tokens_in INTEGER DEFAULT 0,
    tokens_out INTEGER DEFAULT 0,
    seconds REAL DEFAULT 0,
    output_path TEXT,
    status TEXT NOT NULL,
    error TEXT,
    input_text TEXT,
    output_text TEXT
)
"""
_ADDED = {"source": "TEXT", "input_path": "TEXT"}  # columns newer than the first schema
_FTS = "CREATE VIRTUAL TABLE IF NOT EXISTS runs_fts USING fts5(body, chars, tokenize='unicode61')"
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]+")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class HistoryEntry:
    id: int
    started: float
    task: str
    template: str | None
    profile: str | None
    model: str | None
    tokens_in: int
    tokens_out: int
    seconds: float
    output_path: str | None
    status: str
    error: str | None
    input_text: str | None
    output_text: str | None
    source: str | None = None
    """Where it ran: cli, app, quick."""
    input_path: str | None = None

    def to_json(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


def history_path() -> Path:
    return data_dir() / "history.sqlite3"


def _connect() -> sqlite3.Connection:
    conn = sqlite3.connect(history_path(), timeout=10)
    conn.execute(_SCHEMA)
    have = {row[1] for row in conn.execute("PRAGMA table_info(runs)")}
    for name, kind in _ADDED.items():
        if name not in have:
            conn.execute(f"ALTER TABLE runs ADD COLUMN {name} {kind}")
    conn.execute(_FTS)
    return conn


def _index_text(text: str) -> tuple[str, str]:
    """(body, chars) for the FTS table: CJK runs as bigrams in body and single characters in chars."""
    chars: list[str] = []

    def bigrams(match: re.Match[str]) -> str:
        run = match.group()
        chars.extend(run)
        pairs = [run[i:i + 2] for i in range(len(run) - 1)] or [run]
        return " " + " ".join(pairs) + " "

    return _CJK.sub(bigrams, text), " ".join(dict.fromkeys(chars))


def _match_query(query: str) -> str | None:
    """An FTS5 MATCH expression for what a person typed: every word must match (AND)."""
    terms: list[str] = []
    for piece in _CJK.split(query):
        terms.extend(f'body:"{word}"*' for word in _WORD.findall(piece) if not _CJK.fullmatch(word))
    for run in _CJK.findall(query):
        if len(run) == 1:
            terms.append(f'chars:"{run}"')
        else:
            terms.append('body:"' + " ".join(run[i:i + 2] for i in range(len(run) - 1)) + '"')
    return " AND ".join(terms) or None


def record(*, task: str, status: str, template: str | None = None, profile: str | None = None,
           model: str | None = None, tokens_in: int = 0, tokens_out: int = 0, seconds: float = 0.0,
           output_path: str | Path | None = None, error: str | None = None,
           input_text: str | None = None, output_text: str | None = None,
           started: float | None = None, source: str | None = None,
           input_path: str | Path | None = None) -> int | None:
    """Append one run; its id, or None when nothing was stored (an incognito run).
    Texts are dropped unless the user opted in."""
    if incognito.active():
        return None
    keep_text = load_settings().store_text_in_history

    def text(value: str | None) -> str | None:
        return redact(value[:_MAX_TEXT]) if keep_text and value else None

    row = (
        started if started is not None else time.time(), task, template, profile, model, tokens_in, tokens_out,
        seconds, str(output_path) if output_path else None, status, redact(error) if error else None,
        text(input_text), text(output_text), source, str(input_path) if input_path else None,
    )
    searchable = " ".join(str(v) for v in (task, template, profile, model, status, row[10], row[8], row[14],
                                           row[11], row[12]) if v)
    body, chars = _index_text(searchable)
    with _lock, _connect() as conn:
        cursor = conn.execute(
            "INSERT INTO runs (started, task, template, profile, model, tokens_in, tokens_out, seconds,"
            " output_path, status, error, input_text, output_text, source, input_path)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", row)
        run_id = int(cursor.lastrowid or 0)
        conn.execute("INSERT INTO runs_fts (rowid, body, chars) VALUES (?,?,?)", (run_id, body, chars))
    conn.close()
    return run_id


def search(query: str | None = None, *, limit: int = 50, task: str | None = None, template: str | None = None,
           profile: str | None = None) -> list[HistoryEntry]:
    """Runs, newest first, matching every word of ``query`` (any language) and the filters."""
    where: list[str] = []
    args: list[object] = []
    match = _match_query(query) if query and query.strip() else None
    if match is not None:
        where.append("id IN (SELECT rowid FROM runs_fts WHERE runs_fts MATCH ?)")
        args.append(match)
    for column, value in (("task", task), ("template", template), ("profile", profile)):
        if value:
            where.append(f"{column} = ?")
            args.append(value)
    sql = f"SELECT {_COLUMNS} FROM runs"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY id DESC LIMIT ?"
    args.append(max(1, limit))
    with _lock, _connect() as conn:
        rows = conn.execute(sql, args).fetchall()
    conn.close()
    return [HistoryEntry(*row) for row in rows]


def recent(limit: int = 50) -> list[HistoryEntry]:
    return search(limit=limit)


def get(run_id: int) -> HistoryEntry | None:
    with _lock, _connect() as conn:
        row = conn.execute(f"SELECT {_COLUMNS} FROM runs WHERE id = ?", (run_id,)).fetchone()
    conn.close()
    return HistoryEntry(*row) if row else None


def facets() -> dict[str, list[str]]:
    """The distinct tasks, templates and profiles in the history (for filters)."""
    out: dict[str, list[str]] = {}
    with _lock, _connect() as conn:
        for column in ("task", "template", "profile"):
            out[column] = [r[0] for r in conn.execute(
                f"SELECT DISTINCT {column} FROM runs WHERE {column} IS NOT NULL ORDER BY {column}")]
    conn.close()
    return out


def delete(run_id: int) -> bool:
    with _lock, _connect() as conn:
        gone = conn.execute("DELETE FROM runs WHERE id = ?", (run_id,)).rowcount
        conn.execute("DELETE FROM runs_fts WHERE rowid = ?", (run_id,))
    conn.close()
    _vacuum()
    return gone > 0


def clear() -> int:
    with _lock, _connect() as conn:
        gone = conn.execute("DELETE FROM runs").rowcount
        conn.execute("DELETE FROM runs_fts")
    conn.close()
    _vacuum()
    return gone


def _vacuum() -> None:
    # Deleted text must not linger in free pages of the file.
    with _lock:
        conn = sqlite3.connect(history_path(), timeout=10)
        try:
            conn.execute("VACUUM")
        finally:
            conn.close()
