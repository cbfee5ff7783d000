"""The model side of a polish: choose the paragraphs to send, ask for rewrites, check them. Writes nothing.

Flow: candidates (skip empty / headings / short / already tracked) → identical texts asked once →
chunks to a token budget → each chunk asked concurrently (``bounded_map``) and cached on disk as it
finishes → rewrites checked by the guards. A chunk that fails leaves its paragraphs unchanged.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel

from copilot.cancel import CancelToken
from copilot.documents.docx.text_map import ParaMap, strip_tokens
from copilot.errors import (
    AuthError,
    Cancelled,
    ConfigError,
    CopilotError,
    EmbeddedUnavailable,
    ModelError,
    ModelNotFound,
    PromptError,
)
from copilot.events import Event, Notice, Progress, Started
from copilot.models import Provider, complete, structured
from copilot.models.base import ChatOptions, Completion
from copilot.prompts import Template, estimate_tokens
from copilot.tasks.polish.chunks import Chunk, ChunkCache, input_budget, make_chunks
from copilot.tasks.polish.document import PolishDocument
from copilot.tasks.polish.guards import check_rewrite, limits_for
from copilot.tasks.polish.results import ParagraphOutcome, PolishOptions
from copilot.textutil import detect_lang

__all__ = ["PolishReply", "Proposals", "propose_rewrites", "reply_schema"]

_FATAL = (AuthError, ModelNotFound, EmbeddedUnavailable, ConfigError, Cancelled, PromptError)
_WORD = re.compile(r"[^\W\d_]")  # a letter (any script): digit-only cells are left alone


class _Item(BaseModel):
    id: str
    text: str


class PolishReply(BaseModel):
    """The reply shape every polish template asks for."""

    paragraphs: list[_Item]


def reply_schema(count: int, max_chars: int) -> dict[str, Any]:
    """The JSON schema of a PolishReply with exactly ``count`` items, the ids we sent and bounded
    texts. The schema is what servers and the embedded model's grammar see, so a small model
    cannot loop on extra items or run a text on until max_tokens cuts the JSON; validation stays
    the loose PolishReply so a wrong id or a long text is handled (and reported) by our own checks
    rather than costing a repair round. (A fresh dict each call: it is tiny, and a pydantic
    subclass per chunk size cost ~2 ms of class building each.)
    """
    ids = [str(n + 1) for n in range(count)]
    item = {"type": "object", "additionalProperties": False, "required": ["id", "text"],
            "properties": {"id": {"type": "string", "enum": ids},
                           "text": {"type": "string", "maxLength": max_chars}}}
    return {"type": "object", "additionalProperties": False, "required": ["paragraphs"],
            "title": "PolishReply",
            "properties": {"paragraphs": {"type": "array", "items": item,
                                          "minItems": count, "maxItems": count}}}


@dataclass
class _ChunkAnswer:
    rewrites: dict[int, str] = field(default_factory=dict)
    failed: dict[int, str] = field(default_factory=dict)
    tokens_in: int = 0
    tokens_out: int = 0
    requests: int = 0



class _Asker:
    """Asks the model for one chunk; thread-safe (runs in bounded_map's workers)."""

    def __init__(self, provider: Provider, template: Template, texts: list[str], options: PolishOptions,
                 cache: ChunkCache, cancel: CancelToken) -> None:
        self.provider = provider
        self.template = template
        self.texts = texts
        self.options = options
        self.cache = cache
        self.cancel = cancel
        self.batch = "paragraphs" in template.inputs
        growth = limits_for(template.id).high
        self.growth = growth

    def _max_tokens(self, texts: list[str], rendered_options: ChatOptions, prompt_tokens: int) -> int:
        want = int(sum(estimate_tokens(t) for t in texts) * self.growth * 1.3) + 16 * len(texts) + 64
        room = self.provider.context_window - prompt_tokens - 16
        cap = rendered_options.max_tokens or want
        return max(64, min(want, cap, room))

    def __call__(self, chunk: Chunk) -> _ChunkAnswer:
        answer = _ChunkAnswer()
        self._ask(list(chunk.items), chunk.context, answer, allow_split=True)
        return answer

    def _ask(self, items: list[int], context: str, answer: _ChunkAnswer, allow_split: bool) -> None:
        self.cancel.raise_if_cancelled()
        texts = [self.texts[i] for i in items]
        lang = detect_lang(" ".join(texts))
        version = self.template.version
        key = self.cache.key(texts, context, self.template.id, version, self.provider.model, lang, self.options.inputs)
        cached = self.cache.get(key)
        if cached is not None and len(cached) == len(items):
            answer.rewrites.update(zip(items, cached, strict=True))
            return
        try:
            got = self._request(texts, context, lang, answer)
        except _FATAL:
            raise
        except CopilotError as exc:
            if allow_split and len(items) > 1:
                for i in items:
                    self._ask([i], context, answer, allow_split=False)
                return
            for i in items:
                answer.failed[i] = _short(exc)
            return
        missing = [i for i, text in zip(items, got, strict=True) if text is None]
        if not missing:
            rewrites = [t for t in got if t is not None]
            self.cache.put(key, rewrites)
            answer.rewrites.update(zip(items, rewrites, strict=True))
            return
        for i, text in zip(items, got, strict=True):
            if text is not None:
                answer.rewrites[i] = text
        if allow_split and len(items) > 1:
            for i in missing:
                self._ask([i], context, answer, allow_split=False)
        else:
            for i in missing:
                answer.failed[i] = "the model's reply did not contain this paragraph"

    def _request(self, texts: list[str], context: str, lang: Literal["zh", "en"],
                 answer: _ChunkAnswer) -> list[str | None]:
        def count(c: Completion) -> None:
            answer.requests += 1
            answer.tokens_in += c.usage.tokens_in
            answer.tokens_out += c.usage.tokens_out

        values: dict[str, Any] = dict(self.options.inputs)
        if self.batch:
            payload = [{"id": str(n + 1), "text": t} for n, t in enumerate(texts)]
            values["paragraphs"] = json.dumps(payload, ensure_ascii=False)
            if "context" in self.template.inputs:
                values["context"] = strip_tokens(context)
            rendered = self.template.render(values, lang=lang)
            opts = _with_max_tokens(rendered.options, self._max_tokens(
                texts, rendered.options, rendered.token_estimate()))
            max_chars = int(max(len(t) for t in texts) * self.growth) + 40
            reply = structured(self.provider, rendered.messages, PolishReply, opts, self.cancel, on_completion=count,
                               schema=reply_schema(len(texts), max_chars))
            by_id: dict[str, list[str]] = {}
            for item in reply.paragraphs:
                by_id.setdefault(str(item.id).strip(), []).append(str(item.text))
            return [by_id[str(n + 1)][0] if len(by_id.get(str(n + 1), [])) == 1 else None
                    for n in range(len(texts))]
        # A plain template with a ``text`` input: one paragraph per request, the reply is the text.
        out: list[str | None] = []
        for text in texts:
            values["text"] = text
            rendered = self.template.render(values, lang=lang)
            opts = _with_max_tokens(rendered.options, self._max_tokens([text], rendered.options,
                                                                       rendered.token_estimate()))
            completion = complete(self.provider, rendered.messages, opts, self.cancel)
            count(completion)
            out.append(completion.text.strip())
        return out


def _with_max_tokens(options: ChatOptions, max_tokens: int) -> ChatOptions:
    import dataclasses

    return dataclasses.replace(options, max_tokens=max_tokens)


def _short(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200] or type(exc).__name__


def _keep_edges(original: str, rewrite: str) -> str:
    """Keep the original's leading/trailing whitespace: models strip it and it is not an edit."""
    lead = original[: len(original) - len(original.lstrip())]
    trail = original[len(original.rstrip()):]
    return lead + rewrite.strip() + trail


def _kinds(pm: ParaMap) -> tuple[str, ...]:
    return tuple(p.kind for p in pm.placeholders)


def _skip_reason(pm: ParaMap, options: PolishOptions) -> str | None:
    """Why a paragraph is not sent; "" means silently (nothing there to polish)."""
    plain = pm.plain.strip()
    if not _WORD.search(plain):
        return ""
    if pm.has_tracked:
        return "already has tracked changes — accept or reject them first"
    if options.skip_headings and pm.heading:
        return ""
    if len(plain) < options.min_chars:
        return ""
    tid = options.template_id
    if tid == "polish.translate_zh_en" and detect_lang(plain) != "zh":
        return ""
    if tid == "polish.translate_en_zh" and detect_lang(plain) == "zh":
        return ""
    if options.mode == "comments" and pm.part != "word/document.xml":
        return ""
    return None




@dataclass
class Proposals:
    """What the model proposed for a document: an outcome for every paragraph that was sent or
    skipped with a reason, keyed by 1-based paragraph number, and what it cost."""

    outcomes: dict[int, ParagraphOutcome] = field(default_factory=dict)
    candidates: int = 0
    tokens_in: int = 0
    tokens_out: int = 0
    requests: int = 0

    def changed(self) -> dict[int, str]:
        """{paragraph number: rewrite} for every rewrite that passed the guards."""
        return {n: o.rewrite for n, o in self.outcomes.items() if o.status == "changed"}


def propose_rewrites(provider: Provider, template: Template, doc: PolishDocument, options: PolishOptions,
                     cancel: CancelToken,
                     on_changed: Callable[[int, str], object] | None = None) -> Generator[Event, None, Proposals]:
    """Ask the model to rewrite ``doc``'s paragraphs; yields Started/Progress/Notice, returns Proposals.

    ``on_changed(number, rewrite)`` is called for each rewrite that passes the guards, in
    document order, as soon as the replies for it and every paragraph before it are in.
    """
    maps = doc.maps
    proposals = Proposals()
    outcomes = proposals.outcomes
    candidates: list[int] = []
    for n, pm in enumerate(maps):
        reason = _skip_reason(pm, options)
        if reason is None:
            candidates.append(n)
        elif reason:
            outcomes[n + 1] = ParagraphOutcome(n + 1, pm.part, pm.text, pm.text, "skipped", reason, _kinds(pm))
    proposals.candidates = len(candidates)

    yield Started("polish", total=len(candidates))
    unique: dict[str, int] = {}
    for n in candidates:
        unique.setdefault(maps[n].text, len(unique))
    texts = list(unique)
    budget = input_budget(provider.context_window, limits_for(template.id).high, _reply_cap(provider))
    chunks = make_chunks(texts, budget)
    cache = ChunkCache(enabled=options.use_cache)
    asker = _Asker(provider, template, texts, options, cache, cancel)
    uses = [0] * len(texts)
    for n in candidates:
        uses[unique[maps[n].text]] += 1

    rewrites: dict[int, str] = {}
    failed: dict[int, str] = {}
    done = 0
    decided = 0  # candidates[:decided] have their outcome (and, when changed, were applied)

    def decide(n: int) -> Notice | None:
        """Guard paragraph ``n``'s reply and record its outcome; a Notice when it is kept."""
        pm = maps[n]
        u = unique[pm.text]
        if u in failed or u not in rewrites:
            why = failed.get(u, "no reply for this paragraph")
            outcomes[n + 1] = ParagraphOutcome(n + 1, pm.part, pm.text, "", "rejected",
                                               f"model request failed: {why}", _kinds(pm))
            return Notice(f"paragraph {n + 1} kept: model request failed")
        rewrite = _keep_edges(pm.text, rewrites[u])
        if rewrite == pm.text:
            outcomes[n + 1] = ParagraphOutcome(n + 1, pm.part, pm.text, rewrite, "unchanged", "", _kinds(pm))
            return None
        reason = check_rewrite(pm.text, rewrite, template.id)
        if reason is not None:
            outcomes[n + 1] = ParagraphOutcome(n + 1, pm.part, pm.text, rewrite, "rejected", reason, _kinds(pm))
            return Notice(f"paragraph {n + 1} kept: {reason}")
        outcomes[n + 1] = ParagraphOutcome(n + 1, pm.part, pm.text, rewrite, "changed", "", _kinds(pm))
        if on_changed is not None:
            on_changed(n + 1, rewrite)
        return None

    if chunks:
        yield Progress(0, len(candidates), f"{len(chunks)} request(s)")
    from copilot.models import bounded_map

    for index, result in bounded_map(provider, chunks, asker, cancel, concurrency=options.concurrency):
        chunk = chunks[index]
        if isinstance(result, Exception):
            if isinstance(result, _FATAL):
                raise result
            if not isinstance(result, (ModelError, CopilotError)):
                raise result
            for i in chunk.items:
                failed[i] = _short(result)
        else:
            rewrites.update(result.rewrites)
            failed.update(result.failed)
            proposals.tokens_in += result.tokens_in
            proposals.tokens_out += result.tokens_out
            proposals.requests += result.requests
        done += sum(uses[i] for i in chunk.items)
        # Guards (and the caller's apply) run in document order as soon as every paragraph
        # before is decided: while the later chunks are still with the model.
        while decided < len(candidates):
            u = unique[maps[candidates[decided]].text]
            if u not in rewrites and u not in failed:
                break
            notice = decide(candidates[decided])
            decided += 1
            if notice is not None:
                yield notice
        yield Progress(done, len(candidates))
    cancel.raise_if_cancelled()
    cache.finish()  # every chunk answered: nothing left to resume
    for n in candidates[decided:]:
        notice = decide(n)
        if notice is not None:
            yield notice
    return proposals


def _reply_cap(provider: Provider) -> int | None:
    """The profile's reply-length limit, so a chunk's JSON reply is never cut off mid-way."""
    from copilot.models import get_profile

    try:
        return get_profile(provider.name).max_tokens
    except CopilotError:
        return None
