"""``ask``: one request to the model, answered as a stream."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from copilot.cancel import CancelToken
from copilot.events import Delta, Done, Event, Started
from copilot.models import Provider, stream_text
from copilot.models.base import Usage
from copilot.prompts import RenderedPrompt, get_template
from copilot.textutil import detect_lang

__all__ = ["AskResult", "ask", "stream_reply"]


@dataclass(frozen=True)
class AskResult:
    text: str
    model: str
    usage: Usage
    template: str



def ask(provider: Provider, request: str, *, template_id: str = "general.ask",
        cancel: CancelToken | None = None, lang: Literal["zh", "en"] | None = None) -> Iterator[Event]:
    """Render ``template_id`` with the request and stream the reply."""
    yield Started("ask")
    rendered = get_template(template_id).render({"request": request}, lang=lang or detect_lang(request))
    yield from stream_reply(provider, rendered, template_id, cancel)


def stream_reply(provider: Provider, rendered: RenderedPrompt, template_id: str,
                 cancel: CancelToken | None) -> Iterator[Event]:
    """Stream a rendered prompt's reply as Delta events; Done(AskResult)."""
    parts: list[str] = []
    usage = Usage()
    for chunk in stream_text(provider, rendered.messages, rendered.options, cancel):
        if chunk.text:
            parts.append(chunk.text)
            yield Delta(chunk.text)
        if chunk.usage is not None:
            usage = chunk.usage
    yield Done(AskResult("".join(parts), provider.model, usage, template_id))
