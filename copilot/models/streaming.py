"""Collecting a provider's stream: the shared path for every non-batch call."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

from copilot.cancel import CancelToken
from copilot.models.base import ChatChunk, ChatOptions, Completion, Message, Provider, Usage

__all__ = ["complete", "stream_text"]


def complete(provider: Provider, messages: list[Message], options: ChatOptions | None = None,
             cancel: CancelToken | None = None,
             on_text: Callable[[str], None] | None = None) -> Completion:
    """Run one chat call to the end and return the whole reply with usage and timings."""
    start = time.perf_counter()
    first: float | None = None
    parts: list[str] = []
    usage = Usage()
    finish: str | None = None
    stream = provider.stream(messages, options, cancel)
    try:
        for chunk in stream:
            if chunk.text:
                if first is None:
                    first = time.perf_counter() - start
                parts.append(chunk.text)
                if on_text is not None:
                    on_text(chunk.text)
            if chunk.usage is not None:
                usage = chunk.usage
            if chunk.finish_reason:
                finish = chunk.finish_reason
    finally:
        close = getattr(stream, "close", None)
        if close is not None:
            close()
    text = "".join(parts)
    if usage.tokens_out == 0 and text:
        # Servers that ignore stream_options send no usage; a rough count beats a zero in history.
        usage = Usage(usage.tokens_in, max(1, len(text) // 4))
    return Completion(text=text, model=provider.model, usage=usage, seconds=time.perf_counter() - start,
                      first_token_seconds=first, finish_reason=finish)


def stream_text(provider: Provider, messages: list[Message], options: ChatOptions | None = None,
                cancel: CancelToken | None = None) -> Iterator[ChatChunk]:
    """The provider's stream, closed when the consumer stops early."""
    stream = provider.stream(messages, options, cancel)
    try:
        yield from stream
    finally:
        close = getattr(stream, "close", None)
        if close is not None:
            close()
