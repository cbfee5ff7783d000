"""``generate_code``: ask for a snippet, stream it, find the code, check it, repair it once.

The code is never executed: checking is parsing (see ``copilot.code.checkers``).
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from copilot.cancel import CancelToken
from copilot.code.checkers import CheckResult, check_code
from copilot.code.extract import extract_code
from copilot.code.languages import Language, resolve_language
from copilot.code.repair import REPAIR_TEMPLATE, Attempt, keep_better, needs_repair
from copilot.events import Delta, Done, Event, Notice, Started
from copilot.models import Provider, stream_text
from copilot.models.base import Usage
from copilot.prompts import RenderedPrompt, get_template
from copilot.textutil import detect_lang

__all__ = ["CodeResult", "generate_code"]


@dataclass(frozen=True)
class CodeResult:
    code: str
    """The kept version's code (the repaired one only when it checks better)."""
    lang: str
    explanation: str
    check: CheckResult
    """The check of the kept version."""
    first_check: CheckResult
    repair_check: CheckResult | None = None
    repaired: bool = False
    """True when the kept code is the repaired version."""
    outcome: str = ""
    """One line on the repair round ('' when there was none)."""
    reply: str = ""
    """The full model reply the kept code came from."""
    extraction: str = ""
    model: str = ""
    usage: Usage = field(default_factory=Usage)
    template: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code, "lang": self.lang, "explanation": self.explanation,
            "check": self.check.to_dict(), "first_check": self.first_check.to_dict(),
            "repair_check": self.repair_check.to_dict() if self.repair_check else None,
            "repaired": self.repaired, "outcome": self.outcome, "extraction": self.extraction,
            "model": self.model, "template": self.template,
            "tokens_in": self.usage.tokens_in, "tokens_out": self.usage.tokens_out,
        }



def _stream(provider: Provider, rendered: RenderedPrompt,
            cancel: CancelToken | None) -> Generator[Event, None, tuple[str, Usage]]:
    parts: list[str] = []
    usage = Usage()
    for chunk in stream_text(provider, rendered.messages, rendered.options, cancel):
        if chunk.text:
            parts.append(chunk.text)
            yield Delta(chunk.text)
        if chunk.usage is not None:
            usage = chunk.usage
    text = "".join(parts)
    if usage.tokens_out == 0 and text:
        usage = Usage(usage.tokens_in, max(1, len(text) // 4))
    return text, usage


def _attempt(reply: str, language: Language, cancel: CancelToken | None) -> Attempt:
    extracted = extract_code(reply, language)
    if cancel is not None:
        cancel.raise_if_cancelled()
    return Attempt(reply, extracted, check_code(extracted.code, language))


def generate_code(provider: Provider, task: str, lang: Language | str, *, explain: bool = False,
                  template_id: str | None = None, cancel: CancelToken | None = None,
                  ui_lang: Literal["zh", "en"] | None = None, repair: bool = True) -> Iterator[Event]:
    """Stream a snippet for ``task`` in ``lang``; finishes with ``Done(CodeResult)``.

    Args:
        template_id: the prompt template (default: the language's own, e.g. ``code.sql``).
        ui_lang: the prompt's language (default: from the task's script).
        repair: allow the one repair round after a failed check.
    """
    language = lang if isinstance(lang, Language) else resolve_language(lang)
    tid = template_id or language.template
    ui = ui_lang or detect_lang(task)
    yield Started("code")
    rendered = get_template(tid).render({"task": task, "lang": language.name, "explain": explain}, lang=ui)
    reply, usage = yield from _stream(provider, rendered, cancel)
    first = _attempt(reply, language, cancel)
    kept, repaired_check, outcome = first, None, ""
    if repair and needs_repair(first.check):
        yield Delta("\n")
        yield Notice(f"{first.check.line()} — asking the model to repair it once")
        fix = get_template(REPAIR_TEMPLATE).render(
            {"task": task, "lang": language.name, "code": first.code, "error": first.check.reason}, lang=ui)
        fix_reply, fix_usage = yield from _stream(provider, fix, cancel)
        usage = Usage(usage.tokens_in + fix_usage.tokens_in, usage.tokens_out + fix_usage.tokens_out)
        second = _attempt(fix_reply, language, cancel)
        repaired_check = second.check
        kept, outcome = keep_better(first, second)
        if kept is second and not second.extracted.explanation:
            # The repair prompt asks for code only; the first reply's explanation still applies.
            kept = replace(second, extracted=replace(second.extracted, explanation=first.extracted.explanation))
    yield Done(CodeResult(
        code=kept.code, lang=language.name, explanation=kept.extracted.explanation, check=kept.check,
        first_check=first.check, repair_check=repaired_check, repaired=kept is not first, outcome=outcome,
        reply=kept.reply, extraction=kept.extracted.method, model=provider.model, usage=usage, template=tid))
