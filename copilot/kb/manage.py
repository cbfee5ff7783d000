"""What the CLI and the app share: which embedder a base uses, removing a source root, listing."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from copilot.errors import KnowledgeBaseError
from copilot.kb.embed import Embedder, embedder_for
from copilot.kb.store import KnowledgeBase

__all__ = ["DEFAULT_EMBEDDINGS", "kb_embedder", "remove_path", "set_embeddings", "source_list"]

# Decided by measurement on the labelled set (benchmarks/RESULTS.md, "Knowledge base").
DEFAULT_EMBEDDINGS = "offline"
_CHOICES = ("offline", "server", "none")


def set_embeddings(kb: KnowledgeBase, spec: str | None, profile: str | None) -> None:
    """Record which embeddings ``kb`` uses (first add keeps the default unless told otherwise)."""
    if spec is None:
        if kb.meta("embeddings") is None:
            kb.set_meta("embeddings", DEFAULT_EMBEDDINGS)
        return
    if spec not in _CHOICES:
        raise KnowledgeBaseError(f"embeddings must be one of {', '.join(_CHOICES)}")
    kb.set_meta("embeddings", spec)
    kb.set_meta("embed_profile", profile or "")


def kb_embedder(kb: KnowledgeBase) -> Embedder | None:
    spec = kb.meta("embeddings") or DEFAULT_EMBEDDINGS
    return embedder_for(spec, kb.meta("embed_profile") or None)


def remove_path(kb: KnowledgeBase, path: Path) -> int:
    """Forget a file or folder that was added (and the files indexed from it); returns files removed."""
    target = str(path.expanduser().absolute())
    if not kb.remove_root(target):
        raise KnowledgeBaseError(f"{path} was not added to knowledge base \"{kb.name}\" — see: desk-copilot kb list "
                                 f"--kb {kb.name}")
    others = kb.roots()

    def covered(p: str) -> bool:
        return any(p == r or p.startswith(r.rstrip(os.sep) + os.sep) for r in others)

    doomed = [p for p in kb.source_map() if (p == target or p.startswith(target.rstrip(os.sep) + os.sep))
              and not covered(p)]
    return kb.remove_sources(doomed)


def source_list(kb: KnowledgeBase) -> list[dict[str, Any]]:
    return [{"file": s.path, "status": s.status, "error": s.error, "chunks": s.chunks,
             "last_indexed": s.indexed_at} for s in kb.sources()]
