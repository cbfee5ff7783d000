"""A deck outline from a question to the knowledge base: the retrieved chunks are the source
document of the deck outline task, and each slide's speaker notes list the sources it draws on."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from copilot.cancel import CancelToken
from copilot.errors import KnowledgeBaseError
from copilot.events import Done, Event
from copilot.kb.answer import relevant_hits
from copilot.kb.cite import locator_text
from copilot.kb.embed import Embedder
from copilot.kb.search import Hit, coverage, search
from copilot.kb.store import KnowledgeBase
from copilot.kb.text import query_terms
from copilot.models import Provider

__all__ = ["outline_from_kb", "outline_from_kb_named", "slide_sources"]

_MIN_SLIDE_COVERAGE = 0.2


def _source_line(n: int, hit: Hit) -> str:
    return f"[{n}] {Path(hit.file).name} — {locator_text(hit.locator)}"


def slide_sources(slide_text: str, hits: list[Hit], limit: int = 3) -> list[int]:
    """1-based numbers of the chunks a slide draws on: those sharing the most of its terms."""
    wanted = set(query_terms(slide_text))
    scored = [(coverage(wanted, h.heading + "\n" + h.text), n) for n, h in enumerate(hits, start=1)]
    best = sorted((s for s in scored if s[0] >= _MIN_SLIDE_COVERAGE), key=lambda s: -s[0])[:limit]
    return sorted(n for _, n in best)


def outline_from_kb(kb: KnowledgeBase, provider: Provider, topic: str, *, embedder: Embedder | None = None,
                    k: int = 8, cancel: CancelToken | None = None, **options: Any) -> Iterator[Event]:
    """Outline a deck on ``topic`` from ``kb``; ``options`` go to the outline task (slides, audience,
    tone, lang). Ends with Done(OutlineResult) whose slides' notes end with their sources."""
    from copilot.documents.decks.outline import Outline, write_outline
    from copilot.tasks.outline_deck import OutlineResult, outline_deck

    hits = relevant_hits(search(kb, topic, k=k, embedder=embedder))
    if not hits:
        raise KnowledgeBaseError(f'nothing relevant to "{topic[:80]}" in knowledge base "{kb.name}" — '
                                 f"add the documents first, or outline from the topic alone")
    text = f"# {topic}\n\n" + "\n\n".join(f"## {_source_line(n, h)}\n\n{h.text}" for n, h in enumerate(hits, 1))
    result: OutlineResult | None = None
    for event in outline_deck(provider, text=text, cancel=cancel, **options):
        if isinstance(event, Done):
            result = event.result  # type: ignore[assignment]
        else:
            yield event
    assert result is not None
    slides = []
    for slide in result.outline.slides:
        body = " ".join([slide.title, *(b.text for b in slide.bullets + slide.right)])
        numbers = slide_sources(body, hits)
        if numbers:
            sources = "\n".join(_source_line(n, hits[n - 1]) for n in numbers)
            slide = dataclasses.replace(slide, notes=(slide.notes + "\n\n" if slide.notes else "") + sources)
        slides.append(slide)
    outline = Outline(result.outline.title, result.outline.subtitle, tuple(slides))
    yield Done(dataclasses.replace(result, outline=outline, markdown=write_outline(outline)))


def outline_from_kb_named(name: str, provider: Provider, topic: str, *, cancel: CancelToken | None = None,
                          **options: Any) -> Iterator[Event]:
    """``outline_from_kb`` on the knowledge base called ``name``, with its own embeddings."""
    from copilot.kb.manage import kb_embedder
    from copilot.kb.store import open_kb

    with open_kb(name) as kb:
        yield from outline_from_kb(kb, provider, topic, embedder=kb_embedder(kb), cancel=cancel, **options)
