"""Hybrid search: BM25 over the FTS5 index plus cosine over the stored vectors, fused by
reciprocal rank (each list contributes 1 / (60 + rank))."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from copilot.kb.embed import Embedder
from copilot.kb.store import KnowledgeBase
from copilot.kb.text import fts_query, query_terms, terms

__all__ = ["Hit", "Mode", "coverage", "search"]

Mode = Literal["hybrid", "bm25", "vector"]
_RRF_K = 60
_DEPTH = 50


@dataclass(frozen=True)
class Hit:
    chunk_id: int
    file: str
    locator: dict[str, Any]
    text: str
    heading: str
    score: float
    coverage: float
    """Share of the query's meaningful terms found in the chunk (0–1): how on-topic it is."""
    cosine: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "locator": self.locator, "text": self.text, "score": round(self.score, 6)}


def coverage(query_terms: set[str], text: str) -> float:
    if not query_terms:
        return 0.0
    return len(query_terms & set(terms(text))) / len(query_terms)


def search(kb: KnowledgeBase, query: str, *, k: int = 8, mode: Mode = "hybrid",
           embedder: Embedder | None = None, files: list[str] | None = None) -> list[Hit]:
    """The ``k`` best chunks for ``query`` (from ``files`` only, when given). Without an embedder,
    hybrid is BM25 alone."""
    ranked: list[list[int]] = []
    scores: dict[int, float] = {}
    cosines: dict[int, float] = {}
    if mode in ("hybrid", "bm25"):
        match = fts_query(query, kb.doc_freq, kb.chunk_count())
        bm = kb.bm25(match, _DEPTH, files) if match else []
        ranked.append([cid for cid, _ in bm])
        if mode == "bm25":
            scores = dict(bm)
    if mode in ("hybrid", "vector") and embedder is not None:
        ids, matrix = kb.vector_matrix(embedder.model)
        if files and len(ids):
            keep = np.isin(ids, np.fromiter(kb.chunk_ids(files), dtype=np.int64))
            ids, matrix = ids[keep], matrix[keep]
        if len(ids):
            q = embedder.embed([query])[0]
            sims = matrix @ q
            top = min(_DEPTH, len(ids))
            best = np.argpartition(-sims, top - 1)[:top]
            best = best[np.argsort(-sims[best])]
            ranked.append([int(ids[i]) for i in best])
            cosines = {int(ids[i]): float(sims[i]) for i in best}
            if mode == "vector":
                scores = dict(cosines)
    if mode == "hybrid":
        for ranking in ranked:
            for rank, cid in enumerate(ranking):
                scores[cid] = scores.get(cid, 0.0) + 1.0 / (_RRF_K + rank + 1)
    order = sorted(scores, key=lambda c: -scores[c])[:k]
    rows = kb.chunks_by_id(order)
    wanted = set(query_terms(query))
    hits: list[Hit] = []
    for cid in order:
        row = rows.get(cid)
        if row is None:
            continue
        hits.append(Hit(cid, row.file, row.locator, row.text, row.heading, scores[cid],
                        coverage(wanted, row.heading + "\n" + row.text), cosines.get(cid)))
    return hits
