"""Chunking paragraphs to a token budget, and the on-disk cache of finished chunks (for resume)."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from copilot.paths import cache_dir
from copilot.prompts import estimate_tokens

__all__ = ["Chunk", "ChunkCache", "input_budget", "make_chunks"]

CACHE_MAX_BYTES = 100 * 1024 * 1024
CACHE_MAX_AGE = 30 * 86400
"""With ``store_text_in_history = true``: finished chunks are kept this long (and within the size)."""
RESUME_MAX_AGE = 86400
"""With it false (the default): only an interrupted job's chunks stay, for a day, to resume it."""

# JSON framing per paragraph ({"id": "12", "text": ""}) in the request and in the reply.
_PER_ITEM = 12
_MAX_ITEMS = 16


@dataclass(frozen=True)
class Chunk:
    """Indices into the list of unique texts, plus neighbouring text for context."""

    items: tuple[int, ...]
    context: str


def input_budget(context_window: int, growth: float, reply_cap: int | None = None) -> int:
    """Tokens of paragraph text per request: the prompt, the text and the (possibly longer)
    reply must all fit the context window, and the reply must fit the profile's reply limit."""
    usable = max(300, context_window - 700)
    budget = int(usable / (1.0 + max(1.0, growth)))
    if reply_cap:
        budget = min(budget, int(reply_cap * 0.6 / max(1.0, growth)))
    return max(80, min(1500, budget))


def make_chunks(texts: list[str], budget: int, max_items: int = _MAX_ITEMS, context_chars: int = 240) -> list[Chunk]:
    """Consecutive runs of texts up to ``budget`` tokens; a longer text gets a chunk of its own."""
    chunks: list[Chunk] = []
    current: list[int] = []
    used = 0

    def close() -> None:
        nonlocal current, used
        if current:
            before = texts[current[0] - 1][-context_chars:] if current[0] > 0 else ""
            after = texts[current[-1] + 1][:context_chars] if current[-1] + 1 < len(texts) else ""
            context = "\n".join(x for x in (before, after) if x)
            chunks.append(Chunk(tuple(current), context))
        current, used = [], 0

    for i, text in enumerate(texts):
        cost = estimate_tokens(text) + _PER_ITEM
        if current and (used + cost > budget or len(current) >= max_items):
            close()
        current.append(i)
        used += cost
    close()
    return chunks


class ChunkCache:
    """Finished chunk replies under ``cache_dir()/polish``, keyed by everything that shapes them.

    They hold rewritten document text, so they obey ``store_text_in_history``: when it is false
    (the default) a job's entries are deleted when it finishes (they exist only so an interrupted
    job resumes) and left-overs expire after RESUME_MAX_AGE; when true, entries live CACHE_MAX_AGE.
    Either way the cache is pruned to CACHE_MAX_BYTES, oldest first.
    """

    def __init__(self, root: Path | None = None, enabled: bool = True) -> None:
        from copilot import incognito
        from copilot.errors import CopilotError
        from copilot.settings import load_settings

        self.root = root or cache_dir() / "polish"
        self.enabled = enabled and not incognito.active()  # an incognito run leaves nothing on disk
        try:
            self.keep = load_settings().store_text_in_history
        except CopilotError:
            self.keep = False
        self._used: set[str] = set()
        self._lock = threading.Lock()
        if self.enabled:
            self.prune()

    @staticmethod
    def key(texts: list[str], context: str, template_id: str, version: int, model: str, lang: str,
            extra: dict[str, str]) -> str:
        blob = json.dumps([texts, context, template_id, version, model, lang, sorted(extra.items())],
                          ensure_ascii=False)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def get(self, key: str) -> list[str] | None:
        if not self.enabled:
            return None
        with self._lock:
            self._used.add(key)
        try:
            data = json.loads(self._path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if isinstance(data, list) and all(isinstance(x, str) for x in data):
            return data
        return None

    def put(self, key: str, rewrites: list[str]) -> None:
        if not self.enabled:
            return
        with self._lock:
            self._used.add(key)
        folder = self.root / key[:2]
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".{key}.{os.getpid()}.{threading.get_ident()}.tmp"
        tmp.write_text(json.dumps(rewrites, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, folder / f"{key}.json")

    def finish(self) -> None:
        """The job completed: without store_text_in_history its chunks are not kept."""
        if not self.enabled or self.keep:
            return
        with self._lock:
            used, self._used = self._used, set()
        for key in used:
            with contextlib.suppress(OSError):
                self._path(key).unlink()

    def prune(self) -> None:
        """Drop entries past their age, then the oldest until the cache fits CACHE_MAX_BYTES."""
        max_age = CACHE_MAX_AGE if self.keep else RESUME_MAX_AGE
        now = time.time()
        entries: list[tuple[float, int, Path]] = []
        try:
            files = list(self.root.glob("*/*.json"))
        except OSError:
            return
        for path in files:
            try:
                info = path.stat()
            except OSError:
                continue
            if now - info.st_mtime > max_age:
                with contextlib.suppress(OSError):
                    path.unlink()
            else:
                entries.append((info.st_mtime, info.st_size, path))
        total = sum(size for _, size, _ in entries)
        for _, size, path in sorted(entries):
            if total <= CACHE_MAX_BYTES:
                break
            with contextlib.suppress(OSError):
                path.unlink()
            total -= size
