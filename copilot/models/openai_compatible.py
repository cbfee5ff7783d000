"""Any OpenAI-compatible chat server (OpenAI, DashScope, DeepSeek, Ollama, LM Studio, vLLM, llama.cpp).

The SDK's own retries are off: ours honour Retry-After, can be cancelled while waiting, and map
every failure onto ``copilot.errors`` with a message that names the profile and server.
"""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import threading
from collections.abc import Iterator
from typing import Any

import httpx2 as _httpx  # the transport's own errors surface while a stream is read
import openai

from copilot.cancel import CancelToken
from copilot.errors import (
    AuthError,
    BadResponse,
    Cancelled,
    ContextTooLong,
    CopilotError,
    ModelError,
    ModelNotFound,
    ModelTimeout,
    RateLimited,
    ServerError,
    ServerUnavailable,
)
from copilot.logsetup import redact
from copilot.models.base import ChatChunk, ChatOptions, Message, Usage
from copilot.models.limits import slot
from copilot.models.origin import origin_of
from copilot.models.profiles import Profile

__all__ = ["OpenAICompatibleProvider"]

log = logging.getLogger(__name__)

_NO_KEY = "not-needed"  # the SDK insists on a key; local servers ignore it
_MAX_RETRY_WAIT = 60.0


_TRANSPORT_ERRORS: tuple[type[BaseException], ...] = (_httpx.HTTPError, _httpx.StreamError)


class _OffOrigin(Exception):
    """A redirect pointed at another origin; the request was not sent there."""

    def __init__(self, target: str) -> None:
        super().__init__(target)
        self.target = target


def _same_origin_only(origin: str | None) -> Any:
    """A request hook: every request, redirects included, stays on the profile's origin, so neither
    the key nor the user's text follows a redirect to another server (httpx itself keeps the key
    on an http→https upgrade and re-posts the body on a 307)."""

    def check(request: _httpx.Request) -> None:
        target = origin_of(str(request.url))
        if target != origin:
            raise _OffOrigin(target or str(request.url.host))

    return check


class _HttpClient(openai.DefaultHttpxClient):
    def __del__(self) -> None:
        # As the SDK's own default client does: pooled keep-alive sockets close with the provider.
        with contextlib.suppress(Exception):
            self.close()


class OpenAICompatibleProvider:
    def __init__(self, profile: Profile, api_key: str | None) -> None:
        """Build it through ``copilot.models.provider_for``, which picks the key for the origin."""
        self._profile = profile
        timeout = openai.Timeout(profile.timeout, connect=5.0)
        self._client = openai.OpenAI(
            base_url=profile.base_url,
            api_key=api_key or _NO_KEY,
            timeout=timeout,
            max_retries=0,
            http_client=_HttpClient(
                timeout=timeout, event_hooks={"request": [_same_origin_only(origin_of(profile.base_url))]}),
        )
        # Servers that reject json_schema response_format get json_object, then none.
        self._format_level = 0
        self._format_lock = threading.Lock()

    @property
    def name(self) -> str:
        return self._profile.name

    @property
    def model(self) -> str:
        return self._profile.model

    @property
    def concurrency(self) -> int:
        return max(1, self._profile.concurrency)

    @property
    def context_window(self) -> int:
        return self._profile.context_window

    @property
    def profile(self) -> Profile:
        return self._profile

    # -- public -----------------------------------------------------------------------------

    def list_models(self) -> list[str]:
        try:
            return sorted(m.id for m in self._client.models.list())
        except Exception as exc:  # noqa: BLE001 - mapped below
            raise self._map(exc) from None

    def embed(self, texts: list[str], model: str) -> list[list[float]]:
        """Vectors for ``texts`` from the server's ``/v1/embeddings`` (one request, in order)."""
        with slot(self._profile.name, self.concurrency):
            try:
                response = self._client.embeddings.create(model=model, input=texts, encoding_format="float")
            except Exception as exc:  # noqa: BLE001 - mapped below
                raise self._map(exc) from None
        data = sorted(response.data, key=lambda d: d.index)
        return [list(d.embedding) for d in data]

    def stream(self, messages: list[Message], options: ChatOptions | None = None,
               cancel: CancelToken | None = None) -> Iterator[ChatChunk]:
        options = options or ChatOptions()
        cancel = cancel or CancelToken()
        with slot(self._profile.name, self.concurrency):
            cancel.raise_if_cancelled()
            response = self._open(messages, options, cancel)
            remove = cancel.on_cancel(lambda: _abort(response))
            try:
                yield from self._read(response, cancel)
            finally:
                remove()
                response.close()

    # -- internals ----------------------------------------------------------------------------

    def _request(self, messages: list[Message], options: ChatOptions) -> dict[str, Any]:
        p = self._profile
        kwargs: dict[str, Any] = {
            "model": p.model,
            "messages": messages,
            "stream": True,
            "stream_options": {"include_usage": True},
        }
        temperature = options.temperature if options.temperature is not None else p.temperature
        if temperature is not None:
            kwargs["temperature"] = temperature
        max_tokens = options.max_tokens or p.max_tokens
        if max_tokens:
            kwargs["max_tokens"] = max_tokens
        if options.stop:
            kwargs["stop"] = list(options.stop)
        if options.json_schema is not None:
            if self._format_level == 0:
                kwargs["response_format"] = {
                    "type": "json_schema",
                    "json_schema": {"name": options.schema_name, "schema": options.json_schema},
                }
            elif self._format_level == 1:
                kwargs["response_format"] = {"type": "json_object"}
        return kwargs

    def _open(self, messages: list[Message], options: ChatOptions, cancel: CancelToken) -> Any:
        attempt = 0
        while True:
            attempt += 1
            try:
                return self._client.chat.completions.create(**self._request(messages, options))
            except (openai.RateLimitError, openai.InternalServerError) as exc:
                if attempt >= self._profile.retries:
                    raise self._map(exc) from None
                delay = _retry_delay(exc, attempt)
                log.info("profile %s: HTTP %s, retry %d in %.1fs", self.name, exc.status_code, attempt, delay)
                if cancel.wait(delay):
                    raise Cancelled() from None
            except openai.BadRequestError as exc:
                if options.json_schema is not None and _is_format_complaint(exc) and self._format_level < 2:
                    with self._format_lock:
                        self._format_level += 1
                    log.info("profile %s: response_format refused, falling back", self.name)
                    continue
                raise self._map(exc) from None
            except Exception as exc:  # noqa: BLE001 - every SDK/transport error is mapped
                if cancel.is_cancelled:
                    raise Cancelled() from None
                raise self._map(exc) from None

    def _read(self, response: Any, cancel: CancelToken) -> Iterator[ChatChunk]:
        try:
            for chunk in response:
                if cancel.is_cancelled:
                    raise Cancelled()
                usage = None
                if getattr(chunk, "usage", None):
                    usage = Usage(chunk.usage.prompt_tokens or 0, chunk.usage.completion_tokens or 0)
                choices = chunk.choices or []
                text = ""
                finish = None
                if choices:
                    delta = choices[0].delta
                    text = (delta.content if delta is not None else None) or ""
                    finish = choices[0].finish_reason
                if text or usage or finish:
                    yield ChatChunk(text=text, usage=usage, finish_reason=finish)
        except CopilotError:
            raise
        except Exception as exc:  # noqa: BLE001 - a broken stream is mapped, never leaked
            if cancel.is_cancelled:
                raise Cancelled() from None
            raise self._map(exc, mid_stream=True) from None

    def _where(self) -> str:
        return f"{self.name} at {self._profile.base_url}"

    def _map(self, exc: BaseException, *, mid_stream: bool = False) -> ModelError:
        p = self._profile
        where = self._where()
        off = exc if isinstance(exc, _OffOrigin) else exc.__cause__
        if isinstance(off, _OffOrigin):
            return BadResponse(f"{where} redirected the request to another server ({off.target}); it was not "
                               f"followed — if the server moved, change the profile's base URL")
        if isinstance(exc, (openai.APITimeoutError, _httpx.TimeoutException)):
            return ModelTimeout(f"{where} did not answer within {p.timeout:g} s — try again, or raise the "
                                f"profile's timeout")
        if isinstance(exc, (openai.APIConnectionError, _TRANSPORT_ERRORS)):
            if mid_stream:
                return ServerUnavailable(f"{where} closed the connection mid-reply — try again")
            return ServerUnavailable(f"Cannot reach {where} — is the server running?")
        if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
            return AuthError(f'The key for profile "{p.name}" was rejected by {p.base_url} — set a new one '
                             f"with: desk-copilot keys set {p.name}")
        if isinstance(exc, openai.NotFoundError):
            return self._not_found()
        if isinstance(exc, openai.RateLimitError):
            return RateLimited(f"{where} is rate-limiting requests (HTTP 429) after {p.retries} tries — wait "
                               f"a minute or lower --concurrency")
        if isinstance(exc, openai.APIStatusError) and exc.status_code >= 500:
            return ServerError(f"{where} failed with HTTP {exc.status_code} after {p.retries} tries — try "
                               f"again later")
        if isinstance(exc, openai.BadRequestError) and _is_context_error(exc):
            return ContextTooLong(f"The request is too long for model {p.model} on {where} — use a shorter "
                                  f"input or a model with a larger context")
        if isinstance(exc, openai.APIStatusError):
            detail = redact(_error_message(exc))[:200]
            return BadResponse(f"{where} refused the request (HTTP {exc.status_code}): {detail}")
        if isinstance(exc, json.JSONDecodeError | ValueError | openai.APIError):
            return BadResponse(f"{where} sent a malformed reply — try again, or check the server's "
                               f"OpenAI compatibility")
        return ModelError(f"{where} failed: {type(exc).__name__}")

    def _not_found(self) -> ModelError:
        p = self._profile
        try:
            models = sorted(m.id for m in self._client.models.list())
        except Exception:  # noqa: BLE001 - the listing is a courtesy
            models = []
        has = f" — it has: {', '.join(models[:20])}" if models else ""
        return ModelNotFound(f'Model "{p.model}" is not available on {self._where()}{has}; change it with: '
                             f"desk-copilot profiles add {p.name} --replace ... --model NAME")


def _abort(response: Any) -> None:
    """Close a stream from another thread *now*: closing alone does not wake a blocked read, so
    the socket is shut down first (the connection is discarded, never reused)."""
    raw = getattr(response, "response", None)
    network = raw.extensions.get("network_stream") if raw is not None else None
    sock = network.get_extra_info("socket") if network is not None else None
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
    response.close()


def _error_message(exc: openai.APIStatusError) -> str:
    body = exc.body
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and inner.get("message"):
            return str(inner["message"])
        if body.get("message"):
            return str(body["message"])
    return str(exc.message)


def _is_context_error(exc: openai.BadRequestError) -> bool:
    text = f"{exc.code or ''} {_error_message(exc)}".lower()
    return any(s in text for s in ("context_length", "context length", "maximum context", "too many tokens",
                                   "prompt is too long"))


def _is_format_complaint(exc: openai.BadRequestError) -> bool:
    text = _error_message(exc).lower()
    return "response_format" in text or "json_schema" in text


def _retry_delay(exc: openai.APIStatusError, attempt: int) -> float:
    header = exc.response.headers.get("retry-after") if exc.response is not None else None
    if header:
        try:
            seconds: float = float(str(header))
            return min(max(seconds, 0.0), _MAX_RETRY_WAIT)
        except ValueError:
            pass
    backoff = 0.5 * float(2 ** (attempt - 1))
    return min(backoff, _MAX_RETRY_WAIT)
