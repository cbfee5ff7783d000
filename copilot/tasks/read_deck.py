"""``read-deck``: a deck read back as an outline, optionally with a critique.

The critique has a deterministic part (words per slide, missing titles, small fonts, too many
bullets) and a model part (structure, a missing conclusion, inconsistent titles) asked for as JSON.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, field_validator

from copilot.cancel import CancelToken
from copilot.documents.decks.critique import Finding, check_deck, findings_markdown
from copilot.documents.decks.outline import Outline, write_outline
from copilot.documents.decks.read import read_deck
from copilot.events import Done, Event, Progress, Started
from copilot.models import Provider, structured
from copilot.models.base import Completion, Usage
from copilot.prompts import estimate_tokens, get_template
from copilot.tasks.outline_deck import fit_options
from copilot.textutil import detect_lang

__all__ = ["CritiqueIssue", "CritiqueReply", "ReadDeckResult", "critique_markdown", "read_deck_task"]

_KINDS = ("structure", "conclusion", "titles", "content", "other")


class CritiqueIssue(BaseModel):
    slide: int = 0
    kind: str = "other"
    message: str

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str) -> str:
        return value if value in _KINDS else "other"


class CritiqueReply(BaseModel):
    """What deck.critique asks for (its ``response_schema`` mirrors this)."""

    summary: str
    issues: list[CritiqueIssue] = Field(default_factory=list)


@dataclass
class ReadDeckResult:
    path: Path
    outline: Outline
    markdown: str
    slides: int
    findings: list[Finding] = field(default_factory=list)
    critique: CritiqueReply | None = None
    critique_markdown: str = ""
    model: str = ""
    usage: Usage = field(default_factory=Usage)


def critique_markdown(checks: str, reply: CritiqueReply | None, lang: Literal["zh", "en"]) -> str:
    zh = lang == "zh"
    parts = ["## 点评" if zh else "## Critique", "", "### 自动检查" if zh else "### Checks", "", checks]
    if reply is not None:
        parts += ["", "### 结构与标题（模型）" if zh else "### Structure and titles (model)", "", reply.summary.strip(), ""]
        for issue in reply.issues:
            where = ("整体" if zh else "deck") if issue.slide <= 0 else (f"第 {issue.slide} 页" if zh else
                                                                          f"slide {issue.slide}")
            parts.append(f"- {where} [{issue.kind}]: {' '.join(issue.message.split())}")
    return "\n".join(parts).rstrip() + "\n"


def read_deck_task(path: str | Path, *, critique: bool = False, provider: Provider | None = None,
                   lang: Literal["zh", "en"] | None = None, cancel: CancelToken | None = None) -> Iterator[Event]:
    """Read ``path``; with ``critique`` (needs ``provider``) also review it. Ends with Done(ReadDeckResult)."""
    yield Started("read-deck", 2 if critique else 1)
    reading = read_deck(path)
    markdown = write_outline(reading.outline)
    result = ReadDeckResult(Path(path), reading.outline, markdown, len(reading.facts))
    yield Progress(1, 2 if critique else 1, "read")
    if not critique:
        yield Done(result)
        return
    lang = lang or ("zh" if detect_lang(markdown) == "zh" else "en")
    result.findings = check_deck(reading)
    checks = findings_markdown(reading, result.findings)
    if provider is not None:
        tokens = [0, 0]
        model = [""]

        def meter(c: Completion) -> None:
            tokens[0] += c.usage.tokens_in
            tokens[1] += c.usage.tokens_out
            model[0] = c.model

        tpl = get_template("deck.critique")
        findings = "\n".join(str(f) for f in result.findings)
        shown = markdown
        # A long deck is cut to what fits the context beside the reply (the model part is about
        # structure and titles, which the start of a long outline shows well enough).
        budget = provider.context_window - (tpl.options().max_tokens or 1500) - 800
        while len(shown) > 200 and estimate_tokens(shown + findings, provider.model) > budget:
            shown = shown[: int(len(shown) * 0.8)]
        rendered = tpl.render({"outline": shown, "findings": findings}, lang=lang)
        options = fit_options(provider, rendered.messages, rendered.options)
        result.critique = structured(provider, rendered.messages, CritiqueReply, options, cancel,
                                     on_completion=meter)
        result.model = model[0] or provider.model
        result.usage = Usage(tokens[0], tokens[1])
    result.critique_markdown = critique_markdown(checks, result.critique, lang)
    yield Progress(2, 2, "critique")
    yield Done(result)
