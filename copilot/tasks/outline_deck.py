"""``outline``: a deck outline from a topic, or from a .docx/.md/.txt of any length.

The model answers in JSON (schema-constrained; a grammar on the embedded model), validated with
pydantic with one repair round. A long document is first condensed section by section, chunk by
chunk (concurrently, within the profile's limit) until it fits the model's context. Slides the
model left without speaker notes get them from a per-slide call.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from copilot.cancel import CancelToken
from copilot.documents.decks.outline import Bullet, Layout, Outline, Slide, clean_text, write_outline
from copilot.documents.decks.source import SourceDoc, chunk_text, read_source, source_from_text
from copilot.errors import ContextTooLong, UsageError
from copilot.events import Done, Event, Notice, Progress, Started
from copilot.models import Provider, bounded_map, complete, structured
from copilot.models.base import ChatOptions, Completion, Message, Usage
from copilot.prompts import estimate_messages_tokens, estimate_tokens, get_template
from copilot.textutil import detect_lang

__all__ = ["OutlineReply", "OutlineResult", "PointReply", "SlideReply", "fit_options", "outline_deck", "reply_to_outline"]

Lang = Literal["zh", "en"]
_MIN_REPLY = 400
_MARKER = re.compile(r"^\s*(?:[-•*·]|\d+[.)、])\s*")
_MAX_ROUNDS = 3


# List bounds become part of the grammar on the embedded model, so a small model cannot add
# bullets forever. (String maxLength is left out on purpose: llama.cpp expands it into nested
# optional rules and refuses the grammar.)
class PointReply(BaseModel):
    text: str
    sub: list[str] = Field(default_factory=list, max_length=10)


class SlideReply(BaseModel):
    title: str
    layout: Literal["section", "content", "two-content", "closing"] = "content"
    bullets: list[PointReply] = Field(default_factory=list, max_length=20)
    notes: str = ""


class OutlineReply(BaseModel):
    """What the outline templates ask the model for (their ``response_schema`` mirrors this)."""

    title: str
    subtitle: str = ""
    slides: list[SlideReply] = Field(min_length=1)


@dataclass
class OutlineResult:
    outline: Outline
    markdown: str
    model: str
    template: str
    usage: Usage
    calls: int
    summarised_chunks: int = 0


class _Meter:
    """Adds up tokens over every call of one task run."""

    def __init__(self) -> None:
        self.tokens_in = 0
        self.tokens_out = 0
        self.calls = 0
        self.model = ""

    def __call__(self, c: Completion) -> None:
        self.tokens_in += c.usage.tokens_in
        self.tokens_out += c.usage.tokens_out
        self.calls += 1
        self.model = c.model or self.model

    @property
    def usage(self) -> Usage:
        return Usage(self.tokens_in, self.tokens_out)


def fit_options(provider: Provider, messages: list[Message], options: ChatOptions) -> ChatOptions:
    """Cap max_tokens so prompt + reply fit the model's context window."""
    prompt = estimate_messages_tokens(messages, provider.model)
    room = provider.context_window - prompt - 32
    if room < _MIN_REPLY // 2:
        raise ContextTooLong(f"the prompt (~{prompt} tokens) leaves no room for a reply in {provider.name}'s "
                             f"{provider.context_window}-token context — use a shorter input or a larger model")
    wanted = options.max_tokens or 2000
    return dataclasses.replace(options, max_tokens=max(64, min(wanted, room)))


def _points(items: list[PointReply]) -> tuple[Bullet, ...]:
    out: list[Bullet] = []
    for p in items:
        text = clean_text(p.text.lstrip("-•* "))
        if text:
            out.append(Bullet(text, 0))
        out.extend(Bullet(t, 1 if text else 0) for t in (clean_text(s.lstrip("-•* ")) for s in p.sub) if t)
    return tuple(out)


def reply_to_outline(reply: OutlineReply) -> Outline:
    """The model's JSON as an Outline (cleaned; a two-content slide's bullets split into columns)."""
    slides: list[Slide] = []
    for s in reply.slides:
        bullets = _points(s.bullets)
        right: tuple[Bullet, ...] = ()
        layout: Layout | None = None if s.layout == "content" else s.layout
        if layout == "two-content":
            tops = [i for i, b in enumerate(bullets) if b.level == 0]
            if len(tops) >= 2:
                cut = tops[len(tops) // 2 + len(tops) % 2]
                bullets, right = bullets[:cut], bullets[cut:]
            else:
                layout = None
        slides.append(Slide(clean_text(s.title) or "—", bullets, s.notes.strip(), layout, right))
    subtitle = tuple(t for t in (clean_text(x) for x in reply.subtitle.split("\n")) if t)
    return Outline(clean_text(reply.title) or "Untitled", subtitle, tuple(slides)).normalised()


def _summarise(provider: Provider, doc: SourceDoc, budget: int, lang: Lang, meter: _Meter,
               cancel: CancelToken | None) -> Iterator[Event | tuple[str, int]]:
    """Condense ``doc`` until its Markdown fits ``budget`` tokens. Yields events, then (markdown, chunks)."""
    tpl = get_template("deck.summarise_section")
    # Characters per chunk: CJK text is ~1 token per character, Latin ~4 characters per token.
    chunk_chars = max(400, budget // 3 * (1 if lang == "zh" else 3))
    summarised = 0
    markdown = doc.to_markdown()
    for round_no in range(_MAX_ROUNDS):
        if estimate_tokens(markdown, provider.model) <= budget:
            break
        items: list[tuple[int, str]] = []
        for i, section in enumerate(doc.sections):
            if sum(len(p) for p in section.paragraphs) <= chunk_chars // 4 and round_no == 0:
                continue  # short sections stay verbatim
            items.extend((i, chunk) for chunk in chunk_text(section.paragraphs, chunk_chars))
        if not items:
            break
        yield Progress(0, len(items), f"summarising {len(items)} chunk(s), round {round_no + 1}")

        def summarise_one(item: tuple[int, str], doc: SourceDoc = doc) -> str:
            section = doc.sections[item[0]]
            rendered = tpl.render({"heading": section.heading, "text": item[1], "max_points": 5}, lang=lang)
            opts = fit_options(provider, rendered.messages, rendered.options)
            completion = complete(provider, rendered.messages, opts, cancel)
            meter(completion)
            return completion.text

        results: dict[int, dict[int, str]] = {}  # section -> {item index: summary}
        for done, (index, result) in enumerate(bounded_map(provider, items, summarise_one, cancel), start=1):
            if isinstance(result, Exception):
                raise result  # a failed chunk would leave a hole in the document: stop
            lines = [clean_text(_MARKER.sub("", line)) for line in result.splitlines()]
            results.setdefault(items[index][0], {})[index] = "\n".join(f"- {t}" for t in lines if t)
            yield Progress(done, len(items), doc.sections[items[index][0]].heading or "summary")
        summarised += len(items)
        sections = []
        for i, section in enumerate(doc.sections):
            if i in results:
                section = dataclasses.replace(section, paragraphs="\n".join(
                    results[i][k] for k in sorted(results[i])).split("\n"))
            sections.append(section)
        doc = SourceDoc(doc.title, sections)
        markdown = doc.to_markdown()
    if estimate_tokens(markdown, provider.model) > budget:
        keep = int(len(markdown) * budget / max(1, estimate_tokens(markdown, provider.model)))
        markdown = markdown[:keep]
        yield Notice(f"the document is still too long after summarising; only its first ~{budget} tokens are used")
    yield (markdown, summarised)


def _fill_notes(provider: Provider, outline: Outline, audience: str, lang: Lang, meter: _Meter,
                cancel: CancelToken | None) -> Iterator[Event | Outline]:
    tpl = get_template("deck.speaker_notes")
    todo = [i for i, s in enumerate(outline.slides) if not s.notes.strip() and s.kind != "closing"]
    if not todo:
        yield outline
        return
    yield Progress(0, len(todo), "writing speaker notes")

    def one(i: int) -> str:
        s = outline.slides[i]
        bullets = "\n".join("  " * b.level + "- " + b.text for b in s.bullets + s.right)
        rendered = tpl.render({"deck_title": outline.title, "slide_title": s.title, "bullets": bullets,
                               "audience": audience}, lang=lang)
        completion = complete(provider, rendered.messages, fit_options(provider, rendered.messages,
                                                                         rendered.options), cancel)
        meter(completion)
        return completion.text.strip()

    slides = list(outline.slides)
    for done, (index, result) in enumerate(bounded_map(provider, todo, one, cancel), start=1):
        i = todo[index]
        if isinstance(result, Exception):
            yield Notice(f"slide {i + 2} '{slides[i].title}': no speaker notes ({result})")
        else:
            slides[i] = dataclasses.replace(slides[i], notes=result)
        yield Progress(done, len(todo), slides[i].title)
    yield Outline(outline.title, outline.subtitle, tuple(slides)).normalised()


def outline_deck(provider: Provider, *, topic: str | None = None, source: str | Path | None = None,
                 text: str | None = None, slides: int = 10, audience: str = "", tone: str = "",
                 lang: Lang | None = None, notes: bool = True,
                 cancel: CancelToken | None = None) -> Iterator[Event]:
    """Generate an outline. Exactly one of ``topic``, ``source`` (a file) or ``text`` is given.

    ``slides`` counts every slide, the title slide included. Yields Started/Progress/Notice and
    finally Done(OutlineResult).
    """
    if sum(x is not None for x in (topic, source, text)) != 1:
        raise UsageError("outline: give exactly one of --topic or --from")
    if slides < 2 or slides > 80:
        raise UsageError("outline: --slides must be between 2 and 80")
    yield Started("outline")
    meter = _Meter()
    content_slides = slides - 1
    summarised = 0
    if topic is not None:
        if not topic.strip():
            raise UsageError("outline: the topic is empty")
        lang = lang or ("zh" if detect_lang(topic) == "zh" else "en")
        template_id = "deck.outline_topic"
        rendered = get_template(template_id).render(
            {"topic": topic.strip(), "slides": content_slides, "audience": audience, "tone": tone}, lang=lang)
    else:
        doc = read_source(source) if source is not None else source_from_text(text or "", "")
        sample = doc.to_markdown()[:4000]
        lang = lang or ("zh" if detect_lang(sample) == "zh" else "en")
        template_id = "deck.outline_document"
        tpl = get_template(template_id)
        empty = tpl.render({"document": "", "slides": content_slides, "audience": audience, "tone": tone},
                           lang=lang)
        overhead = estimate_messages_tokens(empty.messages, provider.model)
        reply_room = min(empty.options.max_tokens or 3000, max(_MIN_REPLY, provider.context_window // 3))
        budget = provider.context_window - overhead - reply_room - 64
        if budget < 200:
            raise ContextTooLong(f"{provider.name}'s {provider.context_window}-token context is too small to "
                                 "outline a document — use a profile with a larger context")
        markdown = ""
        for step in _summarise(provider, doc, budget, lang, meter, cancel):
            if isinstance(step, tuple):
                markdown, summarised = step
            else:
                yield step
        rendered = tpl.render({"document": markdown, "slides": content_slides, "audience": audience,
                               "tone": tone}, lang=lang)
    yield Progress(0, None, "asking the model for the outline")
    options = fit_options(provider, rendered.messages, rendered.options)
    reply = structured(provider, rendered.messages, OutlineReply, options, cancel, on_completion=meter)
    outline = reply_to_outline(reply)
    if len(outline.slides) != content_slides:
        yield Notice(f"the model made {len(outline.slides) + 1} slides instead of {slides}")
    if notes:
        for filled in _fill_notes(provider, outline, audience, lang, meter, cancel):
            if isinstance(filled, Outline):
                outline = filled
            else:
                yield filled
    else:
        outline = Outline(outline.title, outline.subtitle,
                          tuple(dataclasses.replace(s, notes="") for s in outline.slides))
    yield Done(OutlineResult(outline, write_outline(outline), meter.model or provider.model, template_id,
                             meter.usage, meter.calls, summarised))
