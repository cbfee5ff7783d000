"""Bring a knowledge base up to date with its folders: only new, changed and deleted files cost work.

A file is unchanged when its size and mtime match the stored ones; when they differ its content
hash decides. A changed file is re-read, and only chunks whose text is new are embedded. A file
whose size or mtime moves while it is read is still being written: it is left pending and retried
on the next sync instead of being indexed half-written.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from copilot.cancel import CancelToken
from copilot.errors import Cancelled, DocumentError, KnowledgeBaseError
from copilot.events import Done, Event, Notice, Progress, Started
from copilot.kb.embed import Embedder
from copilot.kb.readers import SUFFIXES, read_chunks
from copilot.kb.store import KnowledgeBase

__all__ = ["SyncReport", "add_paths", "chunk_hash", "scan", "sync"]

log = logging.getLogger(__name__)
_EMBED_BATCH = 256


@dataclass
class SyncReport:
    added: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0
    failed: list[dict[str, str]] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)
    chunks: int = 0
    """Chunks written in this run."""

    def to_json(self) -> dict[str, object]:
        return {"added": self.added, "changed": self.changed, "removed": self.removed,
                "unchanged": self.unchanged, "failed": self.failed}


def chunk_hash(heading: str, text: str) -> bytes:
    return hashlib.blake2b(f"{heading}\n{text}".encode(), digest_size=16).digest()


def _wanted(name: str) -> bool:
    # Office lock files and hidden files are never the user's documents.
    return not name.startswith((".", "~$")) and Path(name).suffix.lower() in SUFFIXES


def scan(roots: list[str], problems: list[dict[str, str]]) -> dict[str, os.stat_result]:
    """Every indexable file under ``roots`` with its stat; unreadable folders go to ``problems``."""
    found: dict[str, os.stat_result] = {}
    for root in roots:
        path = Path(root)
        try:
            st = path.stat()
        except OSError:
            continue  # a root that is gone: its files count as removed
        if path.is_file():
            found[str(path)] = st
            continue
        seen: set[tuple[int, int]] = set()

        def onerror(exc: OSError, root: str = root) -> None:
            problems.append({"file": str(exc.filename or root),
                             "error": f"folder cannot be read ({exc.strerror or exc}) — check its permissions"})

        for folder, dirs, files in os.walk(path, onerror=onerror, followlinks=True):
            try:
                fst = os.stat(folder)
            except OSError:
                dirs[:] = []
                continue
            key = (fst.st_dev, fst.st_ino)
            if key in seen:  # a symlink loop, or the same folder reached twice
                dirs[:] = []
                continue
            seen.add(key)
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                if not _wanted(name):
                    continue
                full = os.path.join(folder, name)
                try:
                    found[full] = os.stat(full)
                except OSError:
                    continue  # deleted or a dangling link between listing and stat
    return found


def _digest(path: str) -> str:
    h = hashlib.blake2b(digest_size=20)
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _embed_missing(kb: KnowledgeBase, embedder: Embedder, pairs: list[tuple[bytes, str]]) -> dict[bytes, np.ndarray]:
    wanted = kb.missing_vectors(embedder.model, [h for h, _ in pairs])
    todo = [(h, t) for h, t in dict(pairs).items() if h in wanted]
    out: dict[bytes, np.ndarray] = {}
    for i in range(0, len(todo), _EMBED_BATCH):
        part = todo[i:i + _EMBED_BATCH]
        matrix = embedder.embed([t for _, t in part])
        out.update({h: matrix[j] for j, (h, _) in enumerate(part)})
    return out


def sync(kb: KnowledgeBase, embedder: Embedder | None, cancel: CancelToken | None = None) -> Iterator[Event]:
    """Check every source; yields progress per file read and ends with ``Done(SyncReport)``.

    Cancelling keeps every file finished so far (each is its own transaction).
    """
    cancel = cancel or CancelToken()
    report = SyncReport()
    problems: list[dict[str, str]] = []
    found = scan(kb.roots(), problems)
    known = kb.source_map()
    gone = [p for p in known if p not in found]
    report.removed = kb.remove_sources(gone)
    todo: list[tuple[str, os.stat_result]] = []
    for path, st in found.items():
        row = known.get(path)
        if row is not None and row.size == st.st_size and row.mtime_ns == st.st_mtime_ns \
                and row.status in ("indexed", "failed"):
            report.unchanged += 1
        else:
            todo.append((path, st))
    yield Started("kb-sync", total=len(todo))
    for done, (path, st) in enumerate(todo):
        if cancel.is_cancelled:
            raise Cancelled("Indexing cancelled — the files done so far are kept; sync again to finish")
        yield Progress(done, len(todo), Path(path).name)
        row = known.get(path)
        try:
            digest = _digest(path)
        except OSError as exc:
            kb.mark(path, "failed", f"cannot be read ({exc.strerror or exc})")
            report.failed.append({"file": path, "error": f"{Path(path).name}: cannot be read ({exc.strerror or exc})"})
            continue
        if row is not None and row.hash == digest and row.status == "indexed":
            kb.touch(path, st.st_size, st.st_mtime_ns)
            report.unchanged += 1
            continue
        try:
            chunks = read_chunks(Path(path))
        except DocumentError as exc:
            kb.mark(path, "failed", exc.reason, st.st_size, st.st_mtime_ns)
            report.failed.append({"file": path, "error": str(exc)})
            yield Notice(str(exc))
            continue
        except Exception as exc:
            log.exception("reading %s for the knowledge base failed", path)
            reason = f"cannot be read ({type(exc).__name__})"
            kb.mark(path, "failed", reason, st.st_size, st.st_mtime_ns)
            report.failed.append({"file": path, "error": f"{Path(path).name}: {reason}"})
            continue
        try:
            after = os.stat(path)
        except OSError:
            continue  # deleted while being read: the next sync counts it as removed
        if (after.st_size, after.st_mtime_ns) != (st.st_size, st.st_mtime_ns) or _digest(path) != digest:
            kb.mark(path, "pending", "the file changed while it was read — retried on the next sync")
            report.pending.append(path)
            continue
        hashes = [chunk_hash(c.heading, c.text) for c in chunks]
        vectors: dict[bytes, np.ndarray] = {}
        if embedder is not None:
            vectors = _embed_missing(kb, embedder, [(h, f"{c.heading}\n{c.text}") for h, c in zip(hashes, chunks,
                                                                                                    strict=True)])
        kb.put_source(path, st.st_size, st.st_mtime_ns, digest, chunks, hashes, vectors,
                      embedder.model if embedder is not None else None)
        report.chunks += len(chunks)
        if row is None or row.hash is None:
            report.added += 1
        else:
            report.changed += 1
    if embedder is not None:
        # Chunks indexed under another model (or before vectors were on) get theirs now.
        missing = kb.chunk_hashes_without(embedder.model)
        if missing:
            kb.put_vectors(embedder.model, _embed_missing(kb, embedder, missing))
    if report.removed or report.changed:
        kb.collect_garbage()
    report.failed.extend(problems)
    yield Progress(len(todo), len(todo), "")
    yield Done(report)


def add_paths(kb: KnowledgeBase, paths: list[Path]) -> None:
    """Record files and folders as sources of ``kb`` (they are read by the next ``sync``)."""
    roots: list[Path] = []
    for p in paths:
        path = p.expanduser().absolute()
        if not path.exists():
            raise KnowledgeBaseError(f"{p}: no such file or folder — check the path")
        if path.is_file() and path.suffix.lower() not in SUFFIXES:
            raise KnowledgeBaseError(f"{path.name}: {path.suffix or 'this'} format is not indexed — supported: "
                                     f"{', '.join(sorted(SUFFIXES))}")
        if path.is_dir() and not os.access(path, os.R_OK | os.X_OK):
            raise KnowledgeBaseError(f"{path}: the folder cannot be read — check its permissions")
        roots.append(path)
    kb.add_roots(roots)
