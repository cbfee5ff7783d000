"""One SQLite file per knowledge base: sources, chunks, the FTS5 index and vectors per model.

Every change to a source (its chunks, index rows and vectors) is one transaction, so a process
killed mid-index leaves the last committed state; sources that were never committed are simply
new on the next sync. Vectors are keyed by (embedding model, chunk text hash): a changed file
re-embeds only its changed chunks, and switching models keeps the old model's vectors.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from copilot.errors import KnowledgeBaseError, UsageError
from copilot.kb.chunks import Chunk
from copilot.kb.names import kb_dir, kb_names
from copilot.kb.text import index_text

__all__ = ["SCHEMA_VERSION", "KnowledgeBase", "SourceRow", "kb_dir", "kb_names", "open_kb"]

SCHEMA_VERSION = 1
DEFAULT_KB = "default"
_NAME = re.compile(r"^[\w][\w .\-]{0,63}$", re.UNICODE)
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS roots(path TEXT PRIMARY KEY, added REAL NOT NULL);
CREATE TABLE IF NOT EXISTS sources(
  id INTEGER PRIMARY KEY, path TEXT UNIQUE NOT NULL, size INTEGER, mtime_ns INTEGER, hash TEXT,
  status TEXT NOT NULL, error TEXT, chunks INTEGER NOT NULL DEFAULT 0, indexed_at REAL);
CREATE TABLE IF NOT EXISTS chunks(
  id INTEGER PRIMARY KEY, source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
  ord INTEGER NOT NULL, text TEXT NOT NULL, heading TEXT NOT NULL, locator TEXT NOT NULL, hash BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS chunks_source ON chunks(source_id);
CREATE INDEX IF NOT EXISTS chunks_hash ON chunks(hash);
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(body, tokenize='porter unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE IF NOT EXISTS fts_terms USING fts5vocab(fts, row);
CREATE TABLE IF NOT EXISTS vectors(model TEXT NOT NULL, hash BLOB NOT NULL, vec BLOB NOT NULL,
  PRIMARY KEY(model, hash)) WITHOUT ROWID;
"""


def check_name(name: str) -> str:
    if not _NAME.match(name) or name.strip() != name:
        raise UsageError(f'"{name}" is not a usable knowledge base name — use letters, digits, spaces, . _ -')
    return name


@dataclass(frozen=True)
class SourceRow:
    id: int
    path: str
    size: int | None
    mtime_ns: int | None
    hash: str | None
    status: str
    """"indexed", "failed" or "pending"."""
    error: str | None
    chunks: int
    indexed_at: float | None


@dataclass(frozen=True)
class ChunkRow:
    id: int
    file: str
    text: str
    heading: str
    locator: dict[str, Any]


# Vector matrices loaded for search, per (database, model), valid while the generation is unchanged.
_matrix_lock = threading.Lock()
_matrices: dict[tuple[str, str], tuple[str, np.ndarray, np.ndarray]] = {}


class KnowledgeBase:
    def __init__(self, name: str, path: Path) -> None:
        self.name = name
        self.path = path
        try:
            self._db = sqlite3.connect(str(path), timeout=30.0, isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            version = self._meta_raw("schema")
            if version is not None and int(version) > SCHEMA_VERSION:
                raise KnowledgeBaseError(
                    f"knowledge base \"{name}\" ({path}) was written by a newer Desk Copilot (schema {version}); "
                    f"update Desk Copilot, or drop it and add the files again")
            self._db.executescript(_SCHEMA)  # idempotent: IF NOT EXISTS throughout
            with self.transaction():
                self._db.execute("INSERT OR IGNORE INTO meta VALUES('schema', ?)", (str(SCHEMA_VERSION),))
                self._db.execute("INSERT OR IGNORE INTO meta VALUES('generation', '0')")
        except sqlite3.DatabaseError as exc:
            raise KnowledgeBaseError(f"knowledge base \"{name}\" ({path}) cannot be opened ({exc}); "
                                     f"drop it with: desk-copilot kb drop {name}") from None

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> KnowledgeBase:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ meta
    def _meta_raw(self, key: str) -> str | None:
        try:
            row = self._db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        except sqlite3.OperationalError:
            return None  # a new file: no tables yet
        return None if row is None else str(row[0])

    def meta(self, key: str) -> str | None:
        return self._meta_raw(key)

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction():
            self._db.execute("INSERT OR REPLACE INTO meta VALUES(?, ?)", (key, value))

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
            self._db.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key='generation'")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # ------------------------------------------------------------------ roots and sources
    def roots(self) -> list[str]:
        return [r[0] for r in self._db.execute("SELECT path FROM roots ORDER BY path")]

    def add_roots(self, paths: Iterable[Path]) -> None:
        with self.transaction() as db:
            db.executemany("INSERT OR IGNORE INTO roots VALUES(?, ?)", [(str(p), time.time()) for p in paths])

    def remove_root(self, path: str) -> bool:
        with self.transaction() as db:
            return db.execute("DELETE FROM roots WHERE path=?", (path,)).rowcount > 0

    def sources(self) -> list[SourceRow]:
        rows = self._db.execute("SELECT id, path, size, mtime_ns, hash, status, error, chunks, indexed_at "
                                "FROM sources ORDER BY path")
        return [SourceRow(*r) for r in rows]

    def source_map(self) -> dict[str, SourceRow]:
        return {s.path: s for s in self.sources()}

    def remove_sources(self, paths: Iterable[str]) -> int:
        count = 0
        with self.transaction() as db:
            for path in paths:
                row = db.execute("SELECT id FROM sources WHERE path=?", (path,)).fetchone()
                if row is None:
                    continue
                self._delete_chunks(row[0])
                db.execute("DELETE FROM sources WHERE id=?", (row[0],))
                count += 1
        return count

    def _delete_chunks(self, source_id: int) -> None:
        self._db.execute("DELETE FROM fts WHERE rowid IN (SELECT id FROM chunks WHERE source_id=?)", (source_id,))
        self._db.execute("DELETE FROM chunks WHERE source_id=?", (source_id,))

    def touch(self, path: str, size: int, mtime_ns: int) -> None:
        """Record a new size and mtime for a file whose content hash did not change."""
        with self.transaction() as db:
            db.execute("UPDATE sources SET size=?, mtime_ns=? WHERE path=?", (size, mtime_ns, path))

    def mark(self, path: str, status: str, error: str | None, size: int | None = None,
             mtime_ns: int | None = None) -> None:
        """A failed or pending source: its old chunks are dropped, the reason kept."""
        with self.transaction() as db:
            row = db.execute("SELECT id FROM sources WHERE path=?", (path,)).fetchone()
            if row is not None:
                self._delete_chunks(row[0])
                db.execute("UPDATE sources SET status=?, error=?, chunks=0, size=?, mtime_ns=?, hash=NULL, "
                           "indexed_at=? WHERE id=?", (status, error, size, mtime_ns, time.time(), row[0]))
            else:
                db.execute("INSERT INTO sources(path, size, mtime_ns, status, error, indexed_at) "
                           "VALUES(?, ?, ?, ?, ?, ?)", (path, size, mtime_ns, status, error, time.time()))

    def missing_vectors(self, model: str, hashes: Iterable[bytes]) -> set[bytes]:
        wanted = set(hashes)
        if not wanted:
            return set()
        have: set[bytes] = set()
        items = list(wanted)
        for i in range(0, len(items), 500):
            part = items[i:i + 500]
            marks = ",".join("?" * len(part))
            have.update(r[0] for r in self._db.execute(
                f"SELECT hash FROM vectors WHERE model=? AND hash IN ({marks})", (model, *part)))
        return wanted - have

    def put_source(self, path: str, size: int, mtime_ns: int, digest: str, chunks: list[Chunk],
                   hashes: list[bytes], vectors: dict[bytes, np.ndarray], model: str | None) -> None:
        """Replace a source's chunks, index rows and new vectors in one transaction."""
        with self.transaction() as db:
            row = db.execute("SELECT id FROM sources WHERE path=?", (path,)).fetchone()
            if row is None:
                source_id = db.execute("INSERT INTO sources(path, status) VALUES(?, 'pending')", (path,)).lastrowid
            else:
                source_id = row[0]
                self._delete_chunks(source_id)
            for order, (chunk, digest_c) in enumerate(zip(chunks, hashes, strict=True)):
                cur = db.execute("INSERT INTO chunks(source_id, ord, text, heading, locator, hash) "
                                 "VALUES(?, ?, ?, ?, ?, ?)",
                                 (source_id, order, chunk.text, chunk.heading,
                                  json.dumps(chunk.locator, ensure_ascii=False), digest_c))
                db.execute("INSERT INTO fts(rowid, body) VALUES(?, ?)",
                           (cur.lastrowid, index_text(chunk.heading + "\n" + chunk.text)))
            if model is not None:
                db.executemany("INSERT OR REPLACE INTO vectors VALUES(?, ?, ?)",
                               [(model, h, v.astype(np.float32).tobytes()) for h, v in vectors.items()])
            db.execute("UPDATE sources SET size=?, mtime_ns=?, hash=?, status='indexed', error=NULL, chunks=?, "
                       "indexed_at=? WHERE id=?", (size, mtime_ns, digest, len(chunks), time.time(), source_id))

    def put_vectors(self, model: str, vectors: dict[bytes, np.ndarray]) -> None:
        with self.transaction() as db:
            db.executemany("INSERT OR REPLACE INTO vectors VALUES(?, ?, ?)",
                           [(model, h, v.astype(np.float32).tobytes()) for h, v in vectors.items()])

    def collect_garbage(self) -> None:
        """Vectors of chunks no source holds any more."""
        with self.transaction() as db:
            db.execute("DELETE FROM vectors WHERE hash NOT IN (SELECT hash FROM chunks)")

    # ------------------------------------------------------------------ reading
    def chunk_hashes_without(self, model: str) -> list[tuple[bytes, str]]:
        """(hash, text to embed) of chunks that have no vector for ``model``."""
        rows = self._db.execute(
            "SELECT DISTINCT c.hash, c.heading || char(10) || c.text FROM chunks c "
            "WHERE NOT EXISTS (SELECT 1 FROM vectors v WHERE v.model=? AND v.hash=c.hash)", (model,))
        return [(r[0], r[1]) for r in rows]

    def chunk_count(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM chunks").fetchone()[0])

    def chunks_by_id(self, ids: list[int]) -> dict[int, ChunkRow]:
        out: dict[int, ChunkRow] = {}
        for i in range(0, len(ids), 500):
            part = ids[i:i + 500]
            marks = ",".join("?" * len(part))
            for row in self._db.execute(
                    f"SELECT c.id, s.path, c.text, c.heading, c.locator FROM chunks c JOIN sources s "
                    f"ON s.id = c.source_id WHERE c.id IN ({marks})", part):
                out[row[0]] = ChunkRow(row[0], row[1], row[2], row[3], json.loads(row[4]))
        return out

    def doc_freq(self, terms: list[str]) -> dict[str, int]:
        """How many chunks hold each term (terms the index stems differently count as 0)."""
        out: dict[str, int] = {}
        for term in terms:
            row = self._db.execute("SELECT doc FROM fts_terms WHERE term = ?", (term,)).fetchone()
            out[term] = int(row[0]) if row else 0
        return out

    def chunk_ids(self, files: list[str]) -> set[int]:
        marks = ",".join("?" * len(files))
        return {int(r[0]) for r in self._db.execute(
            f"SELECT c.id FROM chunks c JOIN sources s ON s.id = c.source_id WHERE s.path IN ({marks})", files)}

    def bm25(self, match: str, limit: int, files: list[str] | None = None) -> list[tuple[int, float]]:
        try:
            if files:
                marks = ",".join("?" * len(files))
                rows = self._db.execute(
                    f"SELECT fts.rowid, bm25(fts) FROM fts JOIN chunks c ON c.id = fts.rowid JOIN sources s "
                    f"ON s.id = c.source_id WHERE fts MATCH ? AND s.path IN ({marks}) ORDER BY bm25(fts) LIMIT ?",
                    (match, *files, limit)).fetchall()
            else:
                rows = self._db.execute("SELECT rowid, bm25(fts) FROM fts WHERE fts MATCH ? ORDER BY bm25(fts) "
                                        "LIMIT ?", (match, limit)).fetchall()
        except sqlite3.OperationalError as exc:
            raise KnowledgeBaseError(f"knowledge base \"{self.name}\": the search failed ({exc})") from None
        return [(int(r[0]), -float(r[1])) for r in rows]

    def vector_matrix(self, model: str) -> tuple[np.ndarray, np.ndarray]:
        """(chunk ids, normalised float32 matrix) of every chunk with a ``model`` vector (cached)."""
        generation = self.meta("generation") or "0"
        key = (str(self.path), model)
        with _matrix_lock:
            cached = _matrices.get(key)
            if cached is not None and cached[0] == generation:
                return cached[1], cached[2]
        rows = self._db.execute("SELECT c.id, v.vec FROM chunks c JOIN vectors v ON v.hash = c.hash "
                                "AND v.model = ? ORDER BY c.id", (model,)).fetchall()
        ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        if rows:
            matrix = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float32).reshape(len(rows), -1)
        else:
            matrix = np.zeros((0, 1), dtype=np.float32)
        with _matrix_lock:
            _matrices[key] = (generation, ids, matrix)
        return ids, matrix

    def integrity_ok(self) -> bool:
        return bool(self._db.execute("PRAGMA integrity_check").fetchone()[0] == "ok")


def kb_path(name: str) -> Path:
    return kb_dir() / f"{check_name(name)}.sqlite"


def open_kb(name: str = DEFAULT_KB, *, create: bool = False) -> KnowledgeBase:
    path = kb_path(name)
    if not path.exists() and not create:
        known = ", ".join(kb_names()) or "none yet"
        raise KnowledgeBaseError(f'no knowledge base named "{name}" (known: {known}) — '
                                 f"create it with: desk-copilot kb add FOLDER --kb {name}")
    return KnowledgeBase(name, path)


def drop_kb(name: str) -> None:
    path = kb_path(name)
    if not path.exists():
        raise KnowledgeBaseError(f'no knowledge base named "{name}"')
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    with _matrix_lock:
        for key in [k for k in _matrices if k[0] == str(path)]:
            del _matrices[key]
