"""The knowledge base: the user's own documents, indexed locally in one SQLite file per base.

Read → chunk (``readers``) → store (``store``: FTS5 with CJK bigrams, float32 vectors per
embedding model) → search (``search``: BM25 + cosine, fused by reciprocal rank) → grounded answer
(``answer``: citations checked against the retrieved chunks).
"""

from __future__ import annotations

__all__: list[str] = []
