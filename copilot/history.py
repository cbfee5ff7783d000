"""Run history in SQLite: what ran, with which template/profile/model, tokens, time, outcome.

Document text is stored only when the user turned ``store_text_in_history`` on. Keys never are:
nothing here receives one, and error text is redacted before it is stored.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from copilot.logsetup import redact
from copilot.paths import data_dir
from copilot.settings import load_settings

__all__ = ["HistoryEntry", "history_path", "recent", "record"]

_lock = threading.Lock()

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


def history_path() -> Path:
    return data_dir() / "history.sqlite3"


def _connect() -> sqlite3.Connection:
    conn = sqlite3.connect(history_path(), timeout=10)
    conn.execute(_SCHEMA)
    return conn


def record(*, task: str, status: str, template: str | None = None, profile: str | None = None,
           model: str | None = None, tokens_in: int = 0, tokens_out: int = 0, seconds: float = 0.0,
           output_path: str | Path | None = None, error: str | None = None,
           input_text: str | None = None, output_text: str | None = None,
           started: float | None = None) -> None:
    """Append one run. Texts are dropped unless the user opted in."""
    keep_text = load_settings().store_text_in_history
    row = (
        started if started is not None else time.time(), task, template, profile, model, tokens_in, tokens_out,
        seconds, str(output_path) if output_path else None, status, redact(error) if error else None,
        redact(input_text) if keep_text and input_text else None,
        redact(output_text) if keep_text and output_text else None,
    )
    with _lock, _connect() as conn:
        conn.execute(
            "INSERT INTO runs (started, task, template, profile, model, tokens_in, tokens_out, seconds,"
            " output_path, status, error, input_text, output_text) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            row,
        )
    conn.close()


def recent(limit: int = 50) -> list[HistoryEntry]:
    with _lock, _connect() as conn:
        rows = conn.execute(
            "SELECT id, started, task, template, profile, model, tokens_in, tokens_out, seconds, output_path,"
            " status, error, input_text, output_text FROM runs ORDER BY id DESC LIMIT ?", (limit,)
        ).fetchall()
    conn.close()
    return [HistoryEntry(*row) for row in rows]
