"""Chunking paragraphs to a token budget, and the on-disk cache of finished chunks (for resume)."""

from __future__ import annotations

import hashlib
import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from copilot.paths import cache_dir
from copilot.prompts import estimate_tokens

__all__ = ["Chunk", "ChunkCache", "input_budget", "make_chunks"]

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
    """Finished chunk replies under ``cache_dir()/polish``, keyed by everything that shapes them."""

    def __init__(self, root: Path | None = None, enabled: bool = True) -> None:
        from copilot import incognito

        self.root = root or cache_dir() / "polish"
        self.enabled = enabled and not incognito.active()  # an incognito run leaves nothing on disk

    @staticmethod
    def key(texts: list[str], context: str, template_id: str, version: int, model: str, lang: str,
            extra: dict[str, str]) -> str:
        blob = json.dumps([texts, context, template_id, version, model, lang, sorted(extra.items())],
                          ensure_ascii=False)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def get(self, key: str) -> list[str] | None:
        if not self.enabled:
            return None
        path = self.root / key[:2] / f"{key}.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if isinstance(data, list) and all(isinstance(x, str) for x in data):
            return data
        return None

    def put(self, key: str, rewrites: list[str]) -> None:
        if not self.enabled:
            return
        folder = self.root / key[:2]
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".{key}.{os.getpid()}.{threading.get_ident()}.tmp"
        tmp.write_text(json.dumps(rewrites, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, folder / f"{key}.json")
