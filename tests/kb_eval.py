"""Retrieval quality on the labelled knowledge-base set (tests/corpus/kb): hit@1 and hit@5.

A hit is a result from the labelled file whose text holds the labelled evidence, so the chunk
(and with it the locator) is the right one, not just the file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from copilot.kb.embed import Embedder
from copilot.kb.search import Mode, search
from copilot.kb.store import KnowledgeBase

CORPUS = Path(__file__).resolve().parent / "corpus" / "kb"


def questions() -> list[dict[str, Any]]:
    return list(json.loads((CORPUS / "questions.json").read_text(encoding="utf-8")))


@dataclass
class Quality:
    mode: str
    hit1: float
    hit5: float
    misses: list[str]
    by_lang: dict[str, tuple[float, float]]


def _is_hit(hit: Any, item: dict[str, Any]) -> bool:
    compact = "".join(hit.text.split())
    return bool(Path(hit.file).name == item["file"] and "".join(item["evidence"].split()) in compact)


def evaluate(kb: KnowledgeBase, mode: Mode, embedder: Embedder | None) -> Quality:
    items = questions()
    ranks: list[tuple[str, int | None]] = []
    misses: list[str] = []
    for item in items:
        hits = search(kb, item["q"], k=5, mode=mode, embedder=embedder)
        rank = next((i for i, h in enumerate(hits) if _is_hit(h, item)), None)
        ranks.append((item["lang"], rank))
        if rank is None:
            misses.append(item["q"])

    def rate(lang: str | None, depth: int) -> float:
        chosen = [r for lg, r in ranks if lang is None or lg == lang]
        return sum(1 for r in chosen if r is not None and r < depth) / len(chosen)

    return Quality(mode, rate(None, 1), rate(None, 5), misses,
                   {lang: (rate(lang, 1), rate(lang, 5)) for lang in ("zh", "en")})
