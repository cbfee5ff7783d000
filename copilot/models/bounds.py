"""Bounds on one exchange with a model server: a total deadline and a cap on the bytes read.

The SDK's timeout is per read, so a server that trickles a byte now and then never times out,
and a server that floods keeps everything in memory. Every response body the provider's HTTP
client reads goes through ``_BoundedStream`` (installed by a response hook), which stops it at
the deadline or the byte cap; a watchdog timer in the provider shuts the socket at the deadline
for a server that sends nothing at all.
"""

from __future__ import annotations

import contextlib
import contextvars
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx2 as _httpx

__all__ = ["MAX_REPLY_BYTES", "DeadlineExceeded", "Limits", "ReplyTooLarge", "bounded", "limit_response", "request_deadline"]

MAX_REPLY_BYTES = 16 * 1024 * 1024
"""Raw bytes one reply may have (SSE framing included): far above any real reply's max_tokens."""


@dataclass
class Limits:
    seconds: float
    max_bytes: int = MAX_REPLY_BYTES
    deadline: float = field(init=False)
    expired: bool = False
    """Set by the watchdog when it shut the connection at the deadline."""

    def __post_init__(self) -> None:
        self.deadline = time.monotonic() + self.seconds

    def remaining(self) -> float:
        return self.deadline - time.monotonic()


class DeadlineExceeded(Exception):
    pass


class ReplyTooLarge(Exception):
    pass


_current: contextvars.ContextVar[Limits | None] = contextvars.ContextVar("desk_copilot_limits", default=None)


@contextlib.contextmanager
def bounded(limits: Limits) -> Iterator[Limits]:
    """Requests sent in this block (on this thread) get ``limits``."""
    token = _current.set(limits)
    try:
        yield limits
    finally:
        _current.reset(token)


def request_deadline(default: float = 600.0) -> float:
    """The ``request_deadline`` setting (seconds); the default when settings cannot be read."""
    from copilot.errors import CopilotError
    from copilot.settings import load_settings

    try:
        value = float(load_settings().request_deadline)
    except (CopilotError, TypeError, ValueError):
        return default
    return value if value > 0 else default


class _BoundedStream(_httpx.SyncByteStream):
    def __init__(self, inner: _httpx.SyncByteStream, limits: Limits) -> None:
        self._inner = inner
        self._limits = limits

    def __iter__(self) -> Iterator[bytes]:
        limits = self._limits
        total = 0
        for chunk in self._inner:
            total += len(chunk)
            if total > limits.max_bytes:
                raise ReplyTooLarge(limits.max_bytes)
            if limits.remaining() <= 0:
                raise DeadlineExceeded(limits.seconds)
            yield chunk

    def close(self) -> None:
        self._inner.close()


def limit_response(response: _httpx.Response) -> None:
    """A response hook: the body of every response is read within the current limits (or the
    setting's deadline, for calls made outside ``bounded``)."""
    limits = _current.get() or Limits(request_deadline())
    stream = response.stream
    if isinstance(stream, _httpx.SyncByteStream):
        response.stream = _BoundedStream(stream, limits)
