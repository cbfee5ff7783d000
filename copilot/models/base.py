"""The provider protocol: one streaming generator per model, SDK objects never leave copilot/models/."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, TypedDict

from copilot.cancel import CancelToken

__all__ = ["ChatChunk", "ChatOptions", "Completion", "Message", "Provider", "Usage"]


class Message(TypedDict):
    role: Literal["system", "user", "assistant"]
    content: str


@dataclass(frozen=True)
class ChatOptions:
    """Per-call options. ``None`` means the profile's default."""

    temperature: float | None = None
    max_tokens: int | None = None
    json_schema: dict[str, Any] | None = None
    """Constrain the reply to this JSON schema (response_format / grammar)."""
    schema_name: str = "reply"
    stop: tuple[str, ...] = ()
    deadline: float | None = None
    """Seconds the whole request may take (None: the ``request_deadline`` setting)."""
    stream: bool = True
    """Stream the reply. Off for replies nobody watches token by token (structured JSON): one
    response body costs the SDK a fraction of parsing hundreds of SSE chunks."""


@dataclass(frozen=True)
class Usage:
    tokens_in: int = 0
    tokens_out: int = 0


@dataclass(frozen=True)
class ChatChunk:
    """One piece of a streamed reply. The last chunk carries ``usage`` and ``finish_reason``."""

    text: str = ""
    usage: Usage | None = None
    finish_reason: str | None = None


@dataclass
class Completion:
    text: str
    model: str
    usage: Usage = field(default_factory=Usage)
    seconds: float = 0.0
    first_token_seconds: float | None = None
    finish_reason: str | None = None


class Provider(Protocol):
    """A configured model. Thread-safe: batch jobs call ``stream`` from several threads."""

    @property
    def name(self) -> str:
        """The profile name."""
        ...

    @property
    def model(self) -> str: ...

    @property
    def concurrency(self) -> int:
        """How many calls may run at once against this profile."""
        ...

    @property
    def context_window(self) -> int:
        """Tokens the model accepts (prompt + reply); used by chunkers."""
        ...

    def stream(self, messages: list[Message], options: ChatOptions | None = None,
               cancel: CancelToken | None = None) -> Iterator[ChatChunk]:
        """Yield the reply as it arrives. Raises copilot.errors.ModelError subclasses or Cancelled."""
        ...

    def list_models(self) -> list[str]: ...
