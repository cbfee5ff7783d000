"""The quick action as a core-style task: render a template with the selection, stream the reply.

Which templates are offered: any whose required inputs are just the one text input the selection
fills (``quick.*`` templates have exactly ``text``), favourites first.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from copilot.cancel import CancelToken
from copilot.events import Delta, Done, Event, Started
from copilot.models import Provider, stream_text
from copilot.models.base import Usage
from copilot.prompts import Template, get_template, list_templates

__all__ = ["QuickResult", "is_rewrite", "quick_action", "quick_templates", "selection_input"]

_TEXTUAL = ("text", "string")


@dataclass(frozen=True)
class QuickResult:
    text: str
    source: str
    template: str
    model: str
    usage: Usage
    rewrite: bool


def selection_input(tpl: Template) -> str | None:
    """The input the selected text goes into, or None when the template cannot take it."""
    inputs = tpl.inputs
    candidates = [n for n, s in inputs.items() if s.type in _TEXTUAL]
    if not candidates:
        return None
    preferred = [n for n in candidates if inputs[n].source == "selection"] or (
        ["text"] if "text" in candidates else []) or [
        n for n in candidates if inputs[n].source in ("document", "clipboard")] or candidates
    name = preferred[0]
    others_required = [n for n, s in inputs.items() if n != name and s.is_required]
    return None if others_required else name


def is_rewrite(tpl: Template) -> bool:
    """Rewrite templates get a diff view and Replace as the default action."""
    return tpl.output == "replace" or "rewrite" in tpl.spec.tags


def quick_templates() -> list[Template]:
    """Templates usable on a selection: favourites first, then quick.*, then by id."""
    usable = [t for t in list_templates() if t.output != "json" and selection_input(t) is not None]
    return sorted(usable, key=lambda t: (not t.spec.favourite, not t.id.startswith("quick."), t.id))


def _quick_deadline() -> float:
    from copilot.errors import CopilotError
    from copilot.settings import load_settings

    try:
        return float(load_settings().quick_deadline)
    except (CopilotError, TypeError, ValueError):
        return 60.0


def quick_action(provider: Provider, template_id: str, text: str, *, cancel: CancelToken | None = None,
                 lang: Literal["zh", "en", "auto"] = "auto") -> Iterator[Event]:
    """Render ``template_id`` with ``text`` as its selection input and stream the reply."""
    yield Started("quick")
    tpl = get_template(template_id)
    if "kb" in tpl.spec.tags and "sources" in tpl.inputs:
        yield from _from_knowledge_base(provider, tpl, text, cancel)
        return
    name = selection_input(tpl) or "text"
    rendered = tpl.render({name: text}, lang=lang)
    # Someone is waiting at the hotkey window: a shorter bound than a document job's.
    options = dataclasses.replace(rendered.options, deadline=_quick_deadline())
    parts: list[str] = []
    usage = Usage()
    for chunk in stream_text(provider, rendered.messages, options, cancel):
        if cancel is not None:
            cancel.raise_if_cancelled()
        if chunk.text:
            parts.append(chunk.text)
            yield Delta(chunk.text)
        if chunk.usage is not None:
            usage = chunk.usage
    yield Done(QuickResult("".join(parts), text, template_id, provider.model, usage, is_rewrite(tpl)))


def _from_knowledge_base(provider: Provider, tpl: Template, text: str, cancel: CancelToken | None) -> Iterator[Event]:
    """A quick template that answers from the default knowledge base: the selection is the question,
    the retrieved chunks fill ``sources``; the checked answer ends with its sources listed."""
    from pathlib import Path

    from copilot.kb.answer import KbAnswer, answer
    from copilot.kb.cite import locator_text
    from copilot.kb.manage import kb_embedder
    from copilot.kb.store import open_kb

    result: KbAnswer | None = None
    with open_kb() as kb:
        for event in answer(kb, provider, text, embedder=kb_embedder(kb), cancel=cancel, template_id=tpl.id,
                            question_input=selection_input(tpl) or "text"):
            if isinstance(event, Done):
                result = event.result  # type: ignore[assignment]
            elif isinstance(event, Delta):
                yield event
    assert result is not None
    lines = [result.answer, ""] + [f"[{c.n}] {Path(c.file).name} — {locator_text(c.locator)}" for c in result.citations]
    yield Done(QuickResult("\n".join(lines).strip(), text, tpl.id, provider.model, Usage(), False))
