"""``polish_docx``: rewrite a Word document's paragraphs with a prompt template and write the
result as tracked changes (default), directly (``clean``) or as comments.

Flow: text map over every part → candidates (skip empty / headings / short / already tracked)
→ identical texts asked once → chunks to a token budget → each chunk asked concurrently
(``bounded_map``) and cached on disk as it finishes → rewrites checked by the guards → applied
in document order → written atomically. A chunk that fails leaves its paragraphs unchanged.
"""

from __future__ import annotations

import copy
import functools
import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

from copilot.atomic import atomic_path, check_output
from copilot.cancel import CancelToken
from copilot.documents.docx.diff import diff_edits
from copilot.documents.docx.open import open_docx
from copilot.documents.docx.text_map import TOKEN_RE, ParaMap, W, iter_paragraphs, strip_tokens
from copilot.documents.docx.tracked import ChangeStamp, apply_edits, max_annotation_id
from copilot.errors import (
    AuthError,
    Cancelled,
    ConfigError,
    CopilotError,
    EmbeddedUnavailable,
    ModelError,
    ModelNotFound,
    PromptError,
    UsageError,
)
from copilot.events import Done, Event, Notice, Progress, Started
from copilot.models import Provider, complete, structured
from copilot.models.base import ChatOptions, Completion
from copilot.prompts import Template, estimate_tokens, get_template
from copilot.tasks.polish.chunks import Chunk, ChunkCache, input_budget, make_chunks
from copilot.tasks.polish.guards import check_rewrite, limits_for
from copilot.textutil import detect_lang

__all__ = ["PRESETS", "ParagraphOutcome", "PolishOptions", "PolishResult", "default_output", "polish_docx",
           "polish_docx_with_profile"]

Mode = Literal["track", "clean", "comments"]

PRESETS = {
    "polish": "polish.polish", "润色": "polish.polish",
    "formal": "polish.formal", "official": "polish.formal", "正式": "polish.formal",
    "lively": "polish.lively", "活泼": "polish.lively",
    "concise": "polish.concise", "精简": "polish.concise",
    "expand": "polish.expand", "扩写": "polish.expand",
    "fix": "polish.fix", "纠错": "polish.fix",
    "zh-en": "polish.translate_zh_en", "translate-zh-en": "polish.translate_zh_en", "中译英": "polish.translate_zh_en",
    "en-zh": "polish.translate_en_zh", "translate-en-zh": "polish.translate_en_zh", "英译中": "polish.translate_en_zh",
    "match-style": "polish.match_style", "仿写": "polish.match_style",
}
# Errors that will fail every other request too: stop the run instead of rejecting paragraph by paragraph.
_FATAL = (AuthError, ModelNotFound, EmbeddedUnavailable, ConfigError, Cancelled, PromptError)
_WORD = re.compile(r"[^\W\d_]")  # a letter (any script): digit-only cells are left alone


class _Item(BaseModel):
    id: str
    text: str


class PolishReply(BaseModel):
    """The reply shape every polish template asks for."""

    paragraphs: list[_Item]


@functools.lru_cache(maxsize=256)
def reply_model(count: int, max_chars: int) -> type[PolishReply]:
    """PolishReply whose JSON schema asks for exactly ``count`` items, the ids we sent and bounded
    texts. The schema is what servers and the embedded model's grammar see, so a small model
    cannot loop on extra items or run a text on until max_tokens cuts the JSON; validation stays
    the loose PolishReply so a wrong id or a long text is handled (and reported) by our own checks
    rather than costing a repair round.
    """
    ids = [str(n + 1) for n in range(count)]
    item = {"type": "object", "additionalProperties": False, "required": ["id", "text"],
            "properties": {"id": {"type": "string", "enum": ids},
                           "text": {"type": "string", "maxLength": max_chars}}}
    schema: dict[str, Any] = {"type": "object", "additionalProperties": False, "required": ["paragraphs"],
                              "title": "PolishReply",
                              "properties": {"paragraphs": {"type": "array", "items": item,
                                                            "minItems": count, "maxItems": count}}}

    class Narrowed(PolishReply):
        @classmethod
        def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
            return copy.deepcopy(schema)

    Narrowed.__name__ = "PolishReply"
    return Narrowed


@dataclass
class PolishOptions:
    template_id: str = "polish.polish"
    mode: Mode = "track"
    author: str | None = None
    """Tracked-change / comment author; None = the ``author`` setting."""
    concurrency: int | None = None
    skip_headings: bool = False
    min_chars: int = 2
    inputs: dict[str, str] = field(default_factory=dict)
    """Extra template inputs (e.g. ``sample`` for polish.match_style)."""
    use_cache: bool = True
    force: bool = False


@dataclass
class ParagraphOutcome:
    paragraph: int
    """1-based position among all paragraphs (body, then headers/footers, then notes)."""
    part: str
    original: str
    rewrite: str
    status: Literal["changed", "unchanged", "rejected", "skipped"]
    reason: str = ""


@dataclass
class PolishResult:
    output: Path | None
    paragraphs: int
    changed: int
    unchanged: int
    rejected: list[ParagraphOutcome]
    skipped: list[ParagraphOutcome]
    outcomes: list[ParagraphOutcome]
    tokens_in: int
    tokens_out: int
    seconds: float
    requests: int
    template: str
    mode: Mode
    model: str

    @property
    def nothing_to_polish(self) -> bool:
        return self.paragraphs == 0

    def to_json(self) -> dict[str, Any]:
        return {
            "output": str(self.output) if self.output else None,
            "paragraphs": self.paragraphs,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "rejected": [{"paragraph": o.paragraph, "reason": o.reason} for o in self.rejected],
            "skipped": [{"paragraph": o.paragraph, "reason": o.reason} for o in self.skipped],
            "tokens_in": self.tokens_in,
            "tokens_out": self.tokens_out,
            "seconds": round(self.seconds, 3),
        }


def default_output(src: Path) -> Path:
    return src.with_name(f"{src.stem}.polished.docx")


@dataclass
class _ChunkAnswer:
    rewrites: dict[int, str] = field(default_factory=dict)
    failed: dict[int, str] = field(default_factory=dict)
    tokens_in: int = 0
    tokens_out: int = 0
    requests: int = 0


def _lang(text: str) -> Literal["zh", "en"]:
    return "zh" if detect_lang(text) == "zh" else "en"


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
        lang = _lang(" ".join(texts))
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
            model_cls = reply_model(len(texts), max_chars)
            reply = structured(self.provider, rendered.messages, model_cls, opts, self.cancel, on_completion=count)
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
    if tid == "polish.translate_zh_en" and _lang(plain) != "zh":
        return ""
    if tid == "polish.translate_en_zh" and _lang(plain) == "zh":
        return ""
    if options.mode == "comments" and pm.part != "word/document.xml":
        return ""
    return None


def polish_docx(provider: Provider, src: str | Path, output: str | Path | None = None,
                options: PolishOptions | None = None, cancel: CancelToken | None = None) -> Iterator[Event]:
    """Polish ``src`` into ``output`` (default ``<stem>.polished.docx``); yields events, Done(PolishResult)."""
    started = time.perf_counter()
    options = options or PolishOptions()
    cancel = cancel or CancelToken()
    src = Path(src)
    out = Path(output) if output else default_output(src)
    if out.resolve() == src.resolve():
        raise UsageError(f"{out.name}: the output must not be the input file — choose another -o")
    template = get_template(options.template_id)
    if "paragraphs" not in template.inputs and "text" not in template.inputs:
        raise PromptError(f"template {template.id} has neither a 'paragraphs' nor a 'text' input, "
                          f"so it cannot polish paragraphs — pick a polish template")
    pkg = open_docx(src)
    check_output(out, force=options.force)

    maps: list[ParaMap] = []
    for part in pkg.text_parts():
        maps.extend(iter_paragraphs(part, pkg.xml(part)))
    outcomes: dict[int, ParagraphOutcome] = {}
    candidates: list[int] = []
    for n, pm in enumerate(maps):
        reason = _skip_reason(pm, options)
        if reason is None:
            candidates.append(n)
        elif reason:
            outcomes[n] = ParagraphOutcome(n + 1, pm.part, pm.text, pm.text, "skipped", reason)

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
    tokens_in = tokens_out = requests = done = 0
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
            tokens_in += result.tokens_in
            tokens_out += result.tokens_out
            requests += result.requests
        done += sum(uses[i] for i in chunk.items)
        yield Progress(done, len(candidates))
    cancel.raise_if_cancelled()

    # Apply in document order.
    stamp_base = max_annotation_id(pkg.xml(p) for p in pkg.text_parts()) + 1
    author = options.author or _author()
    stamp = ChangeStamp(author=author, first_id=max(stamp_base, 1000))
    body_index = {id(p): i for i, p in enumerate(pkg.xml("word/document.xml").iter(W + "p"))}
    suggestions: dict[int, str] = {}
    for n in candidates:
        pm = maps[n]
        u = unique[pm.text]
        if u in failed or u not in rewrites:
            reason = failed.get(u, "no reply for this paragraph")
            outcomes[n] = ParagraphOutcome(n + 1, pm.part, pm.text, "", "rejected", f"model request failed: {reason}")
            yield Notice(f"paragraph {n + 1} kept: model request failed")
            continue
        rewrite = _keep_edges(pm.text, rewrites[u])
        if rewrite == pm.text:
            outcomes[n] = ParagraphOutcome(n + 1, pm.part, pm.text, rewrite, "unchanged")
            continue
        reason = check_rewrite(pm.text, rewrite, template.id)
        if reason is not None:
            outcomes[n] = ParagraphOutcome(n + 1, pm.part, pm.text, rewrite, "rejected", reason)
            yield Notice(f"paragraph {n + 1} kept: {reason}")
            continue
        edits = diff_edits(pm.text, rewrite)
        if options.mode == "comments":
            suggestions[body_index[id(pm.p)]] = TOKEN_RE.sub("…", rewrite).strip()
        else:
            apply_edits(pm, edits, options.mode, stamp)
            pkg.mark_changed(pm.part)
        outcomes[n] = ParagraphOutcome(n + 1, pm.part, pm.text, rewrite, "changed")

    ordered = [outcomes[k] for k in sorted(outcomes)]
    changed = sum(1 for o in ordered if o.status == "changed")
    written: Path | None = None
    if candidates:
        with atomic_path(out, force=options.force) as tmp:
            if options.mode == "comments":
                from copilot.documents.docx.comments import add_paragraph_comments

                add_paragraph_comments(src, tmp, suggestions, author)
            else:
                pkg.save(tmp)
        written = out
    yield Done(PolishResult(
        output=written, paragraphs=len(candidates), changed=changed,
        unchanged=sum(1 for o in ordered if o.status == "unchanged"),
        rejected=[o for o in ordered if o.status == "rejected"],
        skipped=[o for o in ordered if o.status == "skipped"],
        outcomes=ordered, tokens_in=tokens_in, tokens_out=tokens_out,
        seconds=time.perf_counter() - started, requests=requests, template=template.id, mode=options.mode,
        model=provider.model))


def polish_docx_with_profile(profile: str | None, src: str | Path, output: str | Path | None = None,
                             options: PolishOptions | None = None,
                             cancel: CancelToken | None = None) -> Iterator[Event]:
    """``polish_docx`` for a profile name, resolved on the thread that runs the job (the app's
    runner worker), so the provider and its key lookup never touch the GUI thread."""
    from copilot.models import get_provider

    return polish_docx(get_provider(profile), src, output, options, cancel)


def child_warm_up() -> None:
    """Run by a spare child process (``copilot.child.prestart``) while it waits for its request:
    loading and checking the prompt library is the first polish's biggest cost (~0.5 s)."""
    from copilot.prompts import list_templates

    list_templates(category="polish")


def _reply_cap(provider: Provider) -> int | None:
    """The profile's reply-length limit, so a chunk's JSON reply is never cut off mid-way."""
    from copilot.models import get_profile

    try:
        return get_profile(provider.name).max_tokens
    except CopilotError:
        return None


def _author() -> str:
    from copilot.settings import load_settings

    return load_settings().author or "Desk Copilot"
