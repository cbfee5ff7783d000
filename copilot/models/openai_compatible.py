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
from copilot.models.bounds import (
    MAX_REPLY_BYTES,
    DeadlineExceeded,
    Limits,
    ReplyTooLarge,
    bounded,
    limit_response,
    request_deadline,
)
from copilot.models.formats import LEVELS, remember_level, remembered_level
from copilot.models.limits import slot
from copilot.models.origin import origin_of
from copilot.models.profiles import Profile
from copilot.timers import call_later

__all__ = ["OpenAICompatibleProvider"]

log = logging.getLogger(__name__)

_RAW_RESPONSE = "X-Stainless-Raw-Response"  # the SDK's own header: "leave the body unread"
_NO_KEY = "not-needed"  # the SDK insists on a key; local servers ignore it
_MAX_RETRY_WAIT = 60.0
_DEFAULT_MAX_TOKENS = 4096
# Internal plumbing for servers with no JSON mode: the schema the reply must follow.
_PLAIN_JSON = "Reply with only one JSON object, no commentary, that matches this JSON schema: {schema}"


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
                timeout=timeout, event_hooks={"request": [_same_origin_only(origin_of(profile.base_url))],
                                              "response": [limit_response]}),
        )
        # Servers that reject json_schema response_format get json_object, then none.
        # Servers that refuse json_schema get json_object, then plain; remembered per profile.
        self._format_level = remembered_level(profile.name, profile.base_url, profile.model)
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

    @property
    def structured_format(self) -> str:
        """What structured replies are sent as: json_schema, json_object or plain."""
        return LEVELS[self._format_level]

    def list_models(self) -> list[str]:
        limits = Limits(min(self._profile.timeout, request_deadline()))
        try:
            with bounded(limits):
                return sorted(m.id for m in self._client.models.list())
        except Exception as exc:  # noqa: BLE001 - mapped below
            raise self._map(exc, limits=limits) from None

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
            limits = Limits(options.deadline if options.deadline and options.deadline > 0 else request_deadline())
            with bounded(limits):
                response = self._open(messages, options, cancel, limits)
                if not options.stream:
                    response = _Whole(response)
            remove = cancel.on_cancel(lambda: _abort(response))
            # A server that sends nothing at all is cut off at the deadline too.
            watchdog = call_later(limits.remaining(), _expire, limits, response)
            try:
                if isinstance(response, _Whole):
                    with bounded(limits):
                        yield self._read_whole(response, cancel, limits)
                else:
                    yield from self._read(response, cancel, limits)
            finally:
                watchdog.cancel()
                remove()
                response.close()

    # -- internals ----------------------------------------------------------------------------

    def _request(self, messages: list[Message], options: ChatOptions, level: int) -> dict[str, Any]:
        p = self._profile
        kwargs: dict[str, Any] = {"model": p.model, "messages": messages, "stream": options.stream}
        if options.stream:
            kwargs["stream_options"] = {"include_usage": True}
        temperature = options.temperature if options.temperature is not None else p.temperature
        if temperature is not None:
            kwargs["temperature"] = temperature
        # Always bounded: a server's own default may be "until the context is full". The profile's
        # max_tokens, when set, caps what a template asks for.
        max_tokens = options.max_tokens or p.max_tokens or min(_DEFAULT_MAX_TOKENS, max(256, p.context_window // 2))
        kwargs["max_tokens"] = min(max_tokens, p.max_tokens) if p.max_tokens else max_tokens
        if options.stop:
            kwargs["stop"] = list(options.stop)
        schema = options.json_schema
        if schema is not None:
            if LEVELS[level] == "json_schema":
                kwargs["response_format"] = {
                    "type": "json_schema",
                    "json_schema": {"name": options.schema_name, "schema": schema},
                }
            elif LEVELS[level] == "json_object":
                # JSON mode; servers that can (llama-cpp-python) turn the schema into a grammar.
                kwargs["response_format"] = {"type": "json_object", "schema": schema}
            else:
                kwargs["messages"] = [*messages, Message(role="system", content=_PLAIN_JSON.format(
                    schema=json.dumps(schema, ensure_ascii=False)))]
        return kwargs

    def _lower_format(self, level: int) -> None:
        """The server refused ``level``: use the next one from now on (also in later runs)."""
        with self._format_lock:
            if self._format_level > level:
                return
            self._format_level = level + 1
        p = self._profile
        log.info("profile %s: response_format %s refused, falling back to %s", p.name, LEVELS[level],
                 LEVELS[level + 1])
        remember_level(p.name, p.base_url, p.model, level + 1)

    def _open(self, messages: list[Message], options: ChatOptions, cancel: CancelToken, limits: Limits) -> Any:
        attempt = 0
        while True:
            attempt += 1
            level = self._format_level
            left = limits.remaining()
            if left <= 0:
                raise self._map(DeadlineExceeded(limits.seconds), limits=limits) from None
            timeout = openai.Timeout(min(self._profile.timeout, left), connect=min(5.0, left))
            try:
                if not options.stream:
                    # Posted as the SDK documents for raw calls: the request is already plain JSON,
                    # so the SDK's per-field type walk of ``create``'s ~40 parameters (~0.45 ms of
                    # GIL time a request, a quarter of our client cost at concurrency 8) is
                    # skipped; auth, retries-off, hooks and status errors are the client's as
                    # before. The body is left unread (``_read_whole``), so cancel and the deadline
                    # can still shut the socket while it arrives.
                    return self._client.post(
                        "/chat/completions", cast_to=_httpx.Response, body=self._request(messages, options, level),
                        options={"timeout": timeout, "headers": {_RAW_RESPONSE: "stream"}})
                return self._client.chat.completions.create(**self._request(messages, options, level),
                                                            timeout=timeout)
            except openai.APIStatusError as exc:
                if options.json_schema is not None and level < len(LEVELS) - 1 and _is_format_complaint(exc):
                    # A refusal of the format, whatever the status (llama-cpp-python answers 500):
                    # fall back at once, without spending the retries on it.
                    self._lower_format(level)
                    attempt -= 1
                    continue
                if not isinstance(exc, openai.RateLimitError | openai.InternalServerError):
                    raise self._map(exc, limits=limits) from None
                if attempt >= self._profile.retries:
                    raise self._map(exc, limits=limits) from None
                delay = _retry_delay(exc, attempt)
                if delay >= limits.remaining():
                    raise self._map(exc, limits=limits) from None
                log.info("profile %s: HTTP %s, retry %d in %.1fs", self.name, exc.status_code, attempt, delay)
                if cancel.wait(delay):
                    raise Cancelled() from None
            except Exception as exc:  # noqa: BLE001 - every SDK/transport error is mapped
                if cancel.is_cancelled:
                    raise Cancelled() from None
                raise self._map(exc, limits=limits) from None

    @contextlib.contextmanager
    def _reading(self, cancel: CancelToken, limits: Limits) -> Iterator[None]:
        """A reply's body being read: a broken one is mapped, never leaked; a cancelled one is Cancelled."""
        try:
            yield
        except CopilotError:
            raise
        except Exception as exc:  # noqa: BLE001 - mapped below
            if cancel.is_cancelled:
                raise Cancelled() from None
            raise self._map(exc, mid_stream=True, limits=limits) from None

    def _read(self, response: Any, cancel: CancelToken, limits: Limits) -> Iterator[ChatChunk]:
        with self._reading(cancel, limits):
            for chunk in response:
                if cancel.is_cancelled:
                    raise Cancelled()
                usage = _usage(chunk)
                choices = chunk.choices or []
                text = ""
                finish = None
                if choices:
                    delta = choices[0].delta
                    text = (delta.content if delta is not None else None) or ""
                    finish = choices[0].finish_reason
                if text or usage or finish:
                    yield ChatChunk(text=text, usage=usage, finish_reason=finish)

    def _read_whole(self, whole: _Whole, cancel: CancelToken, limits: Limits) -> ChatChunk:
        """A non-streamed reply as one chunk."""
        with self._reading(cancel, limits):
            body = json.loads(whole.response.read())
            if cancel.is_cancelled:
                raise Cancelled()
            return _whole_chunk(body)

    def _where(self) -> str:
        return f"{self.name} at {self._profile.base_url}"

    def _map(self, exc: BaseException, *, mid_stream: bool = False, limits: Limits | None = None) -> ModelError:
        p = self._profile
        where = self._where()
        causes = (exc, exc.__cause__, exc.__context__)
        if (limits is not None and limits.expired) or any(isinstance(c, DeadlineExceeded) for c in causes):
            seconds = limits.seconds if limits is not None else p.timeout
            return ModelTimeout(f"{where} did not finish its reply within {seconds:g} s — stopped; try again, "
                                f"or raise request_deadline in settings.toml")
        if any(isinstance(c, ReplyTooLarge) for c in causes):
            return BadResponse(f"{where} sent a reply over {MAX_REPLY_BYTES // (1024 * 1024)} MB — stopped; "
                               f"check the server")
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


class _Whole:
    """A non-streamed response whose body is not read yet; looks like a stream to ``_abort``."""

    def __init__(self, response: _httpx.Response) -> None:
        self.response = response

    def close(self) -> None:
        self.response.close()


def _whole_chunk(body: Any) -> ChatChunk:
    """The text, usage and finish reason of a chat completion's JSON body (untrusted: anything
    that is not the documented shape is a ValueError, which ``_map`` reports as malformed)."""
    if not isinstance(body, dict):
        raise ValueError("not a chat completion")
    choices = body.get("choices") or []
    if not isinstance(choices, list):
        raise ValueError("choices is not a list")
    first = choices[0] if choices else {}
    if not isinstance(first, dict):
        raise ValueError("a choice is not an object")
    message = first.get("message") or {}
    if not isinstance(message, dict):
        raise ValueError("message is not an object")
    content = message.get("content")
    if content is not None and not isinstance(content, str):
        raise ValueError("content is not text")
    finish = first.get("finish_reason")
    counts = body.get("usage")
    usage = None
    if isinstance(counts, dict) and counts:
        usage = Usage(_count(counts.get("prompt_tokens")), _count(counts.get("completion_tokens")))
    return ChatChunk(text=content or "", usage=usage, finish_reason=finish if isinstance(finish, str) else None)


def _count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


def _expire(limits: Limits, response: Any) -> None:
    limits.expired = True
    _abort(response)


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


def _is_format_complaint(exc: openai.APIStatusError) -> bool:
    """Any 4xx/5xx whose body names the structured-output parameters."""
    if exc.status_code in (401, 403, 404, 429):
        return False
    body = exc.body if exc.body is not None else ""
    text = f"{_error_message(exc)} {json.dumps(body, default=str) if not isinstance(body, str) else body}".lower()
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


def _usage(reply: Any) -> Usage | None:
    """Token counts of an SDK chunk or completion, when the server sent them."""
    counts = getattr(reply, "usage", None)
    if not counts:
        return None
    return Usage(counts.prompt_tokens or 0, counts.completion_tokens or 0)
