"""``kb ask``: retrieve → render the grounded prompt → stream the model → check the citations."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from copilot.cancel import CancelToken
from copilot.events import Delta, Done, Event, Started
from copilot.kb.cite import check_answer, locator_text
from copilot.kb.embed import Embedder
from copilot.kb.search import Hit, search
from copilot.kb.store import KnowledgeBase
from copilot.models import Provider, stream_text
from copilot.textutil import detect_lang

__all__ = ["Citation", "KbAnswer", "answer", "relevant_hits"]

TEMPLATE = "kb.answer"
# A chunk sharing under this share of the question's terms, and (with vectors) under this cosine,
# is not about the question: with nothing better the answer is "nothing relevant found".
_MIN_COVERAGE = 0.34
_MIN_COSINE = 0.55
_MAX_REPLY_CHARS = 8000
NOTHING = {"zh": "知识库“{kb}”中没有找到与这个问题相关的内容。",
           "en": 'Nothing relevant was found in the knowledge base "{kb}".'}


@dataclass(frozen=True)
class Citation:
    n: int
    file: str
    locator: dict[str, Any]
    text: str
    heading: str = ""
    """The heading path above the chunk (a slide's title): lets the app find the place."""

    def to_json(self) -> dict[str, Any]:
        return {"n": self.n, "file": self.file, "locator": self.locator, "text": self.text}


@dataclass
class KbAnswer:
    question: str
    answer: str
    citations: list[Citation] = field(default_factory=list)
    uncited: list[str] = field(default_factory=list)
    removed_citations: list[int] = field(default_factory=list)
    unsupported_numbers: list[str] = field(default_factory=list)
    found: bool = True
    sources: list[Citation] = field(default_factory=list)
    """Every chunk the model was given, numbered as in the prompt."""
    model: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"question": self.question, "answer": self.answer,
                "citations": [c.to_json() for c in self.citations], "uncited": self.uncited,
                "removed_citations": self.removed_citations, "unsupported_numbers": self.unsupported_numbers,
                "found": self.found}


def relevant_hits(hits: list[Hit]) -> list[Hit]:
    return [h for h in hits if h.coverage >= _MIN_COVERAGE or (h.cosine is not None and h.cosine >= _MIN_COSINE)]


def _lang(text: str) -> Literal["zh", "en"]:
    return "zh" if detect_lang(text) == "zh" else "en"


def answer(kb: KnowledgeBase, provider: Provider, question: str, *, embedder: Embedder | None = None,
           k: int = 6, cancel: CancelToken | None = None, lang: Literal["zh", "en"] | None = None,
           template_id: str = TEMPLATE, question_input: str = "question",
           files: list[str] | None = None) -> Iterator[Event]:
    """Yields the streamed answer as ``Delta``s and ends with ``Done(KbAnswer)``.

    ``template_id`` takes ``sources`` and ``question_input``; ``files`` limits the search to them.
    """
    from copilot.prompts import get_template

    yield Started("kb-ask")
    lang = lang or _lang(question)
    hits = relevant_hits(search(kb, question, k=k, embedder=embedder, files=files))
    if not hits:
        text = NOTHING[lang].format(kb=kb.name)
        yield Delta(text)
        yield Done(KbAnswer(question, text, found=False))
        return
    sources = [Citation(i, h.file, h.locator, h.text, h.heading) for i, h in enumerate(hits, start=1)]
    blocks = [f"[{c.n}] {Path(c.file).name} — {locator_text(c.locator)}\n{c.text}" for c in sources]
    rendered = get_template(template_id).render({"sources": "\n\n".join(blocks), question_input: question},
                                                lang=lang)
    parts: list[str] = []
    size = 0
    for chunk in stream_text(provider, rendered.messages, rendered.options, cancel):
        if chunk.text:
            size += len(chunk.text)
            if size > _MAX_REPLY_CHARS:
                break  # a runaway reply: what came so far is checked like any other
            parts.append(chunk.text)
            yield Delta(chunk.text)
    checked = check_answer("".join(parts), [c.text for c in sources])
    by_n = {c.n: c for c in sources}
    yield Done(KbAnswer(question, checked.text, [by_n[n] for n in checked.cited], checked.uncited,
                        checked.removed, checked.unsupported_numbers, True, sources, provider.model))
