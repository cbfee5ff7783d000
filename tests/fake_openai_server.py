"""A real OpenAI-compatible HTTP server on 127.0.0.1 for tests and benchmarks.

Tests and benchmarks talk to it through the real ``openai`` SDK (never a mock), so
retries, timeouts, SSE parsing and error mapping are exercised for real.

    with FakeOpenAIServer(models=["fake-model"]) as srv:
        srv.reply(r"hello", "Hi there!")            # regex searched in the last user message
        srv.reply(lambda req: req["messages"][-1]["content"].upper())  # responder: str | None
        srv.fail_next("429", retry_after=2)           # next request gets a 429
        client = openai.OpenAI(base_url=srv.base_url, api_key="sk-test", max_retries=0)

Only the standard library is used (no pytest import) so benchmarks can use it too.
Keep-alive, TCP_NODELAY and single-write responses keep per-request overhead small
and constant; sleeps happen only when a knob (latency, tokens_per_second) asks.
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import json
import re
import select
import socket
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = [
    "DEEPSEEK_REFUSALS",
    "FAULT_KINDS",
    "LMSTUDIO_REFUSALS",
    "FakeOpenAIServer",
    "RecordedCall",
    "Reply",
    "count_tokens",
    "last_user_text",
    "split_pieces",
    "unused_port_url",
]

JSON = dict[str, Any]
ReplyValue = Any  # str | Reply | dict | list | None (dict/list are sent as JSON text)
Responder = Callable[[JSON], ReplyValue]

FAULT_KINDS = (
    "429",
    "500",
    "503",
    "401",
    "context_length",
    "stall",
    "disconnect",
    "malformed",
    "stream_error",
    "redirect",
    "trickle",
    "flood",
)
_STATUS_KIND = re.compile(r"^[45]\d\d$")
_MALFORMED = '{"choices": [{"delta": '  # a truncated JSON object on a data: line

# CJK characters stream one per piece (like real tokenizers); other text streams word by word.
_CJK = "\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
_PIECE = re.compile(rf"\s*[{_CJK}]|\s*[^\s{_CJK}]+|\s+")


def split_pieces(text: str) -> list[str]:
    """Word-sized pieces whose concatenation is exactly ``text`` (the fake 'tokens')."""
    return _PIECE.findall(text)


def count_tokens(text: str) -> int:
    return len(split_pieces(text))


def _content_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # content parts: [{"type": "text", "text": ...}, ...]
        return "".join(p.get("text", "") for p in content if isinstance(p, dict))
    return ""


def fake_embedding(text: str, dim: int) -> list[float]:
    """Words (and CJK character pairs) hashed into ``dim`` buckets, L2-normalised."""
    import hashlib
    import math

    words = re.findall(r"[A-Za-z0-9]+", text.lower())
    cjk = re.findall(r"[\u4e00-\u9fff]+", text)
    words += [run[i:i + 2] for run in cjk for i in range(max(1, len(run) - 1))]
    vec = [0.0] * dim
    for word in words:
        vec[int.from_bytes(hashlib.md5(word.encode()).digest()[:4], "little") % dim] += 1.0
    norm = math.sqrt(sum(v * v for v in vec)) or 1.0
    return [v / norm for v in vec]


def last_user_text(request: JSON) -> str:
    """Text of the last ``user`` message of a chat-completions request ('' if none)."""
    for msg in reversed(request.get("messages") or []):
        if isinstance(msg, dict) and msg.get("role") == "user":
            return _content_text(msg.get("content"))
    return ""


@dataclass
class Reply:
    """A scripted reply with more control than a bare string."""

    text: str
    finish_reason: str = "stop"
    usage: dict[str, int] | None = None  # overrides the computed usage


@dataclass
class RecordedCall:
    """One HTTP request the server received (any endpoint)."""

    method: str
    path: str
    headers: dict[str, str]  # lower-cased names
    json: Any  # parsed body, None for GET / undecodable bodies
    time: float = field(default_factory=time.monotonic)

    @property
    def api_key(self) -> str | None:
        auth = self.headers.get("authorization", "")
        return auth[7:] if auth.lower().startswith("bearer ") else None

    @property
    def is_chat(self) -> bool:
        return self.path.endswith("/chat/completions")


@dataclass
class _Rule:
    match: Callable[[JSON], Any] | None  # None: the responder decides (returns None to pass)
    respond: Responder
    remaining: int | None


@dataclass
class _Fault:
    kind: str
    remaining: int | None
    endpoint: str
    kw: dict[str, Any]


# Ports reserved by unused_port_url(): bound but never listening, so connects are refused
# and no client can pick the port as its own ephemeral port.
_RESERVED: list[socket.socket] = []


def _close_reserved() -> None:
    while _RESERVED:
        _RESERVED.pop().close()


atexit.register(_close_reserved)


def unused_port_url() -> str:
    """A ``base_url`` on 127.0.0.1 where nothing listens (connection refused)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    _RESERVED.append(sock)
    return f"http://127.0.0.1:{sock.getsockname()[1]}/v1"


def _error_body(message: str, type_: str, code: str | None, param: str | None = None) -> JSON:
    return {"error": {"message": message, "type": type_, "param": param, "code": code}}


# How real servers refuse a response_format they do not support (bodies as they send them).
LMSTUDIO_REFUSALS: dict[str, tuple[int, Any]] = {
    "json_object": (400, {"error": "'response_format.type' must be 'json_schema' or 'text'"}),
}
DEEPSEEK_REFUSALS: dict[str, tuple[int, Any]] = {
    "json_schema": (400, _error_body("This response_format type is unavailable now", "invalid_request_error",
                                     "invalid_request_error")),
}


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # bursts of concurrent connects must not hit SYN retransmits

    def __init__(self, addr: tuple[str, int], owner: FakeOpenAIServer) -> None:
        self.owner = owner
        self.clients: set[socket.socket] = set()
        self.clients_lock = threading.Lock()
        super().__init__(addr, _Handler)

    def get_request(self) -> tuple[socket.socket, Any]:
        sock, addr = super().get_request()
        with self.clients_lock:
            self.clients.add(sock)
        return sock, addr

    def shutdown_request(self, request: Any) -> None:
        with self.clients_lock:
            self.clients.discard(request)
        super().shutdown_request(request)

    def kick_clients(self) -> None:
        # shutdown() (not close()) wakes handler threads blocked in recv; they close their own socket.
        with self.clients_lock:
            clients = list(self.clients)
        for sock in clients:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        import sys

        exc = sys.exc_info()[1]
        if isinstance(exc, OSError):  # client went away / server stopping: expected here
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive + chunked SSE (truncation is detectable)
    disable_nagle_algorithm = True
    server: _HTTPServer

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self.server.owner._dispatch(self, "GET")

    def do_POST(self) -> None:
        self.server.owner._dispatch(self, "POST")


def _head(status: int, headers: Iterable[tuple[str, str]], close: bool) -> bytes:
    lines = [f"HTTP/1.1 {status} {HTTPStatus(status).phrase}"]
    lines += [f"{k}: {v}" for k, v in headers]
    if close:
        lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def _chunk(data: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(data), data)


def _sse(obj: Any) -> bytes:
    payload = obj if isinstance(obj, str) else json.dumps(obj, ensure_ascii=False)
    return _chunk(f"data: {payload}\n\n".encode())


class FakeOpenAIServer:
    """An OpenAI chat-completions server on an ephemeral 127.0.0.1 port, in a daemon thread."""

    def __init__(
        self,
        models: Iterable[str] = ("fake-model",),
        *,
        require_key: str | None = None,
        latency: float = 0.0,
        tokens_per_second: float | None = None,
        chunk_size: int = 1,
        default_reply: str | Responder | None = None,
        context_window: int | None = None,
        stall_limit: float = 30.0,
        port: int = 0,
        host: str = "127.0.0.1",
        refuse_formats: dict[str, tuple[int, Any]] | None = None,
    ) -> None:
        self.models: list[str] = list(models)
        self.host = host  # any 127.x.y.z: another loopback address is another origin
        # response_format type -> (status, body) answered instead of a reply, as real servers do
        # (LMSTUDIO_REFUSALS, DEEPSEEK_REFUSALS).
        self.refuse_formats: dict[str, tuple[int, Any]] = dict(refuse_formats or {})
        self.require_key = require_key
        self.latency = latency  # seconds before response headers (chat endpoint)
        self.tokens_per_second = tokens_per_second  # SSE pacing; None = as fast as possible
        self.chunk_size = chunk_size  # pieces (word-sized "tokens") per SSE chunk
        self.context_window = context_window  # prompt tokens above this -> context_length_exceeded
        self.stall_limit = stall_limit  # upper bound for a "stall" fault
        self.embedding_models: list[str] = ["fake-embed"]  # served by /v1/embeddings
        self.embedding_dim = 64
        self._defaults = (latency, tokens_per_second, chunk_size, context_window, require_key)
        self._default_reply: str | Responder | None = default_reply
        self._port = port
        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)
        self._rules: list[_Rule] = []
        self._faults: list[_Fault] = []
        self._calls: list[RecordedCall] = []
        self._errors: list[BaseException] = []
        self._in_flight = 0
        self._max_in_flight = 0
        self._ids = itertools.count(1)
        self._stopping = threading.Event()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> FakeOpenAIServer:
        if self._httpd is not None:
            return self
        self._stopping.clear()
        # A restart reuses the previous port, so "server down, then back" can be emulated.
        self._httpd = _HTTPServer((self.host, self._port), self)
        self._port = self._httpd.server_address[1]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"fake-openai-{self._port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        self._stopping.set()  # wakes latency / pacing / stall waits
        httpd.shutdown()
        httpd.kick_clients()
        httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakeOpenAIServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        return self._port

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self._port}"

    @property
    def base_url(self) -> str:
        return f"{self.url}/v1"

    def __repr__(self) -> str:
        state = "running" if self._httpd else "stopped"
        return f"<FakeOpenAIServer {self.base_url} {state} models={self.models}>"

    # ------------------------------------------------------------------ scripting
    def reply(
        self,
        pattern: str | re.Pattern[str] | Callable[[JSON], Any],
        response: str | Reply | Responder | None = None,
        *,
        times: int | None = None,
    ) -> None:
        """Add a reply rule (rules are tried in the order added).

        - ``reply(regex, text_or_fn)``: regex searched in the last user message.
        - ``reply(predicate, text_or_fn)``: ``predicate(request_json)`` truthy -> match.
        - ``reply(fn)``: ``fn(request_json) -> str | Reply | dict | None``; None passes to the next rule.
        ``text_or_fn`` is a str/Reply or ``fn(request_json)``; dict/list results are sent as JSON text.
        ``times``: the rule is used at most that many times (e.g. first answer bad, second good).
        """
        if response is None:
            if not callable(pattern):
                raise TypeError("reply(pattern) without a response needs a callable responder")
            self._add_rule(_Rule(None, pattern, times))
            return
        match: Callable[[JSON], Any]
        if callable(pattern) and not isinstance(pattern, re.Pattern):
            match = pattern
        else:
            rx = re.compile(pattern) if isinstance(pattern, str) else pattern
            match = lambda req: rx.search(last_user_text(req))  # noqa: E731
        if callable(response):
            respond: Responder = response
        else:
            fixed: ReplyValue = response
            respond = lambda _req: fixed  # noqa: E731
        self._add_rule(_Rule(match, respond, times))

    def _add_rule(self, rule: _Rule) -> None:
        with self._lock:
            self._rules.append(rule)

    def set_default(self, response: str | Responder | None) -> None:
        """Reply used when no rule matches; None restores the echo of the last user message."""
        self._default_reply = response

    def clear_replies(self) -> None:
        with self._lock:
            self._rules.clear()

    def fail_next(self, kind: str, count: int | None = 1, *, endpoint: str = "chat", **kw: Any) -> None:
        """Inject a fault into the next ``count`` requests (``count=None``: every request).

        kinds: "429" (retry_after=1; None for no header), "500", "503", "401", any other "4xx"/"5xx",
        "context_length", "stall" (headers=False, seconds=stall_limit), "disconnect" (after_chunks=2),
        "malformed" (after_chunks=1, text=...), "stream_error" (after_chunks=1, message=...),
        "redirect" (to=BASE such as another server's ``url``, status=307: Location is BASE + the path),
        "trickle" (interval=0.2: one tiny SSE chunk per interval, never ending),
        "flood" (total=1 GiB, piece=64 KiB: a reply of ``total`` bytes generated as it is sent).
        Every kind accepts message=.  endpoint: "chat", "models" or "any".
        Faults queue in order; a request consumes the first fault matching its endpoint.
        """
        if kind not in FAULT_KINDS and not _STATUS_KIND.match(kind):
            raise ValueError(f"unknown fault kind {kind!r}; use one of {FAULT_KINDS} or a 4xx/5xx code")
        if endpoint not in ("chat", "models", "embeddings", "any"):
            raise ValueError(f"endpoint must be 'chat', 'models', 'embeddings' or 'any', not {endpoint!r}")
        with self._lock:
            self._faults.append(_Fault(kind, count, endpoint, kw))

    def fail_always(self, kind: str, *, endpoint: str = "chat", **kw: Any) -> None:
        self.fail_next(kind, None, endpoint=endpoint, **kw)

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def reset(self, *, script: bool = False) -> None:
        """Forget recorded requests and concurrency stats.

        ``script=True`` also drops reply rules, faults and the default reply, and restores the
        constructor's latency / tokens_per_second / chunk_size / context_window / require_key.
        """
        with self._lock:
            self._calls.clear()
            self._errors.clear()
            self._max_in_flight = self._in_flight
            if script:
                self._rules.clear()
                self._faults.clear()
        if script:
            self._default_reply = None
            (self.latency, self.tokens_per_second, self.chunk_size, self.context_window, self.require_key) = (
                self._defaults
            )

    # ------------------------------------------------------------------ inspection
    @property
    def calls(self) -> list[RecordedCall]:
        """Every HTTP request received (all endpoints), oldest first."""
        with self._lock:
            return list(self._calls)

    @property
    def requests(self) -> list[Any]:
        """JSON bodies of chat-completions requests, oldest first (including failed ones)."""
        with self._lock:
            return [c.json for c in self._calls if c.is_chat]

    @property
    def request_count(self) -> int:
        with self._lock:
            return sum(1 for c in self._calls if c.is_chat)

    @property
    def last_request(self) -> Any:
        reqs = self.requests
        return reqs[-1] if reqs else None

    @property
    def request_headers(self) -> list[dict[str, str]]:
        """Headers (lower-cased names) of chat-completions requests, oldest first."""
        with self._lock:
            return [c.headers for c in self._calls if c.is_chat]

    @property
    def max_in_flight(self) -> int:
        """Most chat requests being served at the same time since start/reset."""
        with self._lock:
            return self._max_in_flight

    @property
    def errors(self) -> list[BaseException]:
        """Exceptions raised by reply callables (each was also answered with a 500)."""
        with self._lock:
            return list(self._errors)

    def wait_for_requests(self, n: int, timeout: float = 5.0) -> bool:
        """Block until at least ``n`` chat requests have arrived; False on timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: sum(1 for c in self._calls if c.is_chat) >= n, timeout=timeout)

    # ------------------------------------------------------------------ request handling
    def _dispatch(self, h: _Handler, method: str) -> None:
        try:
            path = h.path.split("?", 1)[0].rstrip("/")
            if path.startswith("/v1/") or path == "/v1":
                path = path[3:]
            body = b""
            length = int(h.headers.get("Content-Length") or 0)
            if length:
                body = h.rfile.read(length)
            try:
                parsed = json.loads(body) if body else None
            except ValueError:
                parsed = None
            call = RecordedCall(method, h.path, {k.lower(): v for k, v in h.headers.items()}, parsed)
            with self._cond:
                self._calls.append(call)
                self._cond.notify_all()

            if method == "POST" and path == "/chat/completions":
                self._chat(h, parsed, body)
            elif method == "GET" and (path == "/models" or path.startswith("/models/")):
                self._models(h, path)
            elif method == "POST" and path == "/embeddings":
                self._embeddings(h, parsed)
            else:
                self._send_json(
                    h, 404, _error_body(f"Invalid URL ({method} {h.path})", "invalid_request_error", None)
                )
        except OSError:
            h.close_connection = True  # client went away or server stopping

    def _take_fault(self, endpoint: str) -> _Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.endpoint in (endpoint, "any"):
                    if fault.remaining is not None:
                        fault.remaining -= 1
                        if fault.remaining <= 0:
                            self._faults.remove(fault)
                    return fault
        return None

    def _auth_ok(self, h: _Handler) -> bool:
        key = self.require_key
        if key is None:
            return True
        if h.headers.get("Authorization", "") == f"Bearer {key}":
            return True
        self._send_json(h, 401, self._fault_body("401", {}), close=False)
        return False

    def _models(self, h: _Handler, path: str) -> None:
        if not self._auth_ok(h):
            return
        fault = self._take_fault("models")
        if fault is not None and self._apply_fault(h, fault, stream=False):
            return
        if path == "/models":
            data = [self._model_obj(m) for m in self.models]
            self._send_json(h, 200, {"object": "list", "data": data})
            return
        model = path[len("/models/") :]
        if model in self.models:
            self._send_json(h, 200, self._model_obj(model))
        else:
            self._send_json(h, 404, self._model_missing(model))

    def _embeddings(self, h: _Handler, req: Any) -> None:
        """``/v1/embeddings``: a deterministic hashed bag of words (``embedding_dim`` floats), so texts
        sharing words are close; models listed in ``embedding_models`` only."""
        if not self._auth_ok(h):
            return
        fault = self._take_fault("embeddings")
        if fault is not None and self._apply_fault(h, fault, stream=False):
            return
        if not isinstance(req, dict) or "input" not in req or "model" not in req:
            self._send_json(h, 400, _error_body("Missing required parameter: 'model' or 'input'.",
                                                "invalid_request_error", None))
            return
        model = str(req["model"])
        if model not in self.embedding_models:
            self._send_json(h, 404, self._model_missing(model))
            return
        texts = req["input"] if isinstance(req["input"], list) else [req["input"]]
        data = [{"object": "embedding", "index": i, "embedding": fake_embedding(str(t), self.embedding_dim)}
                for i, t in enumerate(texts)]
        tokens = sum(count_tokens(str(t)) for t in texts)
        self._send_json(h, 200, {"object": "list", "data": data, "model": model,
                                 "usage": {"prompt_tokens": tokens, "total_tokens": tokens}})

    @property
    def embedding_requests(self) -> list[Any]:
        """JSON bodies of ``/v1/embeddings`` requests, oldest first."""
        with self._lock:
            return [c.json for c in self._calls if c.path.split("?")[0].rstrip("/").endswith("/embeddings")]

    @staticmethod
    def _model_obj(model: str) -> JSON:
        return {"id": model, "object": "model", "created": 1700000000, "owned_by": "fake-openai"}

    @staticmethod
    def _model_missing(model: str) -> JSON:
        return _error_body(
            f"The model `{model}` does not exist or you do not have access to it.",
            "invalid_request_error",
            "model_not_found",
        )

    def _chat(self, h: _Handler, req: Any, raw: bytes) -> None:
        with self._lock:
            self._in_flight += 1
            self._max_in_flight = max(self._max_in_flight, self._in_flight)
        try:
            if self.latency > 0 and self._stopping.wait(self.latency):
                h.close_connection = True
                return
            if not self._auth_ok(h):
                return
            stream = isinstance(req, dict) and bool(req.get("stream"))
            fault = self._take_fault("chat")
            if fault is not None and self._apply_fault(h, fault, stream=stream, req=req):
                return
            if not isinstance(req, dict) or not isinstance(req.get("messages"), list) or "model" not in req:
                msg = (
                    "We could not parse the JSON body of your request."
                    if not isinstance(req, dict)
                    else ("Missing required parameter: 'model' or 'messages'.")
                )
                self._send_json(h, 400, _error_body(msg, "invalid_request_error", None))
                return
            response_format = req.get("response_format")
            if isinstance(response_format, dict) and response_format.get("type") in self.refuse_formats:
                status, body = self.refuse_formats[str(response_format["type"])]
                self._send_json(h, status, body)
                return
            model = str(req["model"])
            if model not in self.models:
                self._send_json(h, 404, self._model_missing(model))
                return
            prompt_tokens = sum(
                count_tokens(_content_text(m.get("content"))) for m in req["messages"] if isinstance(m, dict)
            )
            if self.context_window is not None and prompt_tokens > self.context_window:
                self._send_json(h, 400, self._context_body(prompt_tokens))
                return
            try:
                reply = self._resolve(req)
            except Exception as exc:  # a broken test script: answer 500 and keep it for the test
                with self._lock:
                    self._errors.append(exc)
                self._send_json(h, 500, _error_body(f"reply callable failed: {exc!r}", "server_error", None))
                return
            usage = reply.usage or {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": count_tokens(reply.text),
                "total_tokens": prompt_tokens + count_tokens(reply.text),
            }
            if stream:
                self._stream(h, req, reply, usage, fault)
            else:
                self._send_json(h, 200, self._completion(req, reply, usage))
        finally:
            with self._lock:
                self._in_flight -= 1

    def _resolve(self, req: JSON) -> Reply:
        with self._lock:
            rules = list(self._rules)
        for rule in rules:
            if rule.remaining is not None and rule.remaining <= 0:
                continue
            if rule.match is not None and not rule.match(req):
                continue
            value = rule.respond(req)
            if value is None:
                continue
            if rule.remaining is not None:
                with self._lock:
                    if rule.remaining <= 0:  # used up by a concurrent request meanwhile
                        continue
                    rule.remaining -= 1
            return self._as_reply(value)
        default = self._default_reply
        if default is None:
            return Reply(last_user_text(req))
        value = default(req) if callable(default) else default
        return self._as_reply(last_user_text(req) if value is None else value)

    @staticmethod
    def _as_reply(value: ReplyValue) -> Reply:
        if isinstance(value, Reply):
            return value
        if isinstance(value, str):
            return Reply(value)
        return Reply(json.dumps(value, ensure_ascii=False))

    # ------------------------------------------------------------------ responses
    def _send_json(
        self,
        h: _Handler,
        status: int,
        obj: Any,
        *,
        extra: Iterable[tuple[str, str]] = (),
        close: bool = False,
    ) -> None:
        body = obj if isinstance(obj, bytes) else json.dumps(obj, ensure_ascii=False).encode()
        if close:
            h.close_connection = True
        headers = [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(body))),
            ("x-request-id", f"req_fake_{next(self._ids)}"),
            *extra,
        ]
        h.wfile.write(_head(status, headers, h.close_connection) + body)

    def _new_id(self) -> str:
        return f"chatcmpl-fake{next(self._ids)}"

    def _completion(self, req: JSON, reply: Reply, usage: dict[str, int]) -> JSON:
        return {
            "id": self._new_id(),
            "object": "chat.completion",
            "created": int(time.time()),
            "model": req["model"],
            "system_fingerprint": "fp_fake",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": reply.text, "refusal": None},
                    "logprobs": None,
                    "finish_reason": reply.finish_reason,
                }
            ],
            "usage": usage,
        }

    def _stream(
        self, h: _Handler, req: JSON, reply: Reply, usage: dict[str, int], fault: _Fault | None
    ) -> None:
        include_usage = bool((req.get("stream_options") or {}).get("include_usage"))
        cid, created, model = self._new_id(), int(time.time()), req["model"]

        def chunk(delta: JSON, finish: str | None = None, **extra: Any) -> bytes:
            obj: JSON = {
                "id": cid,
                "object": "chat.completion.chunk",
                "created": created,
                "model": model,
                "system_fingerprint": "fp_fake",
                "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}],
            }
            if include_usage:
                obj["usage"] = None
            obj.update(extra)
            return _sse(obj)

        pieces = split_pieces(reply.text)
        size = max(1, int(self.chunk_size))
        groups = ["".join(pieces[i : i + size]) for i in range(0, len(pieces), size)]
        kind = fault.kind if fault and fault.kind in ("disconnect", "malformed", "stream_error") else None
        after = int(fault.kw.get("after_chunks", 2 if kind == "disconnect" else 1)) if fault else 0

        head = _head(
            200,
            [
                ("Content-Type", "text/event-stream; charset=utf-8"),
                ("Transfer-Encoding", "chunked"),
                ("Cache-Control", "no-cache"),
                ("x-request-id", f"req_fake_{next(self._ids)}"),
            ],
            h.close_connection,
        )
        tps = self.tokens_per_second
        # Without pacing everything goes out in one write; with pacing each chunk is flushed.
        buf = bytearray(head + chunk({"role": "assistant", "content": "", "refusal": None}))
        fault_kw = fault.kw if fault else {}
        fault_at = min(after, len(groups)) if kind else -1  # a short reply still fails before its end
        for i in range(len(groups) + 1):
            if i == fault_at:
                if kind == "malformed":
                    buf += _chunk(f"data: {fault_kw.get('text', _MALFORMED)}\n\n".encode())
                else:  # disconnect / stream_error end the response here
                    if kind == "stream_error":
                        buf += self._stream_error(fault_kw)
                    h.wfile.write(bytes(buf))
                    if kind == "disconnect":
                        self._hang_up(h)
                    return
            if i == len(groups):
                break
            if tps:
                h.wfile.write(bytes(buf))
                buf.clear()
                if self._stopping.wait(len(pieces[i * size : (i + 1) * size]) / tps):
                    self._hang_up(h)
                    return
            buf += chunk({"content": groups[i]})
        buf += chunk({}, reply.finish_reason)
        if include_usage:  # the final usage-only chunk has no choices, as OpenAI sends it
            buf += chunk({}, choices=[], usage=usage)
        buf += _sse("[DONE]") + b"0\r\n\r\n"
        h.wfile.write(bytes(buf))

    def _stream_error(self, kw: dict[str, Any]) -> bytes:
        # Mid-stream error event, as OpenAI sends it; the SDK raises APIError on it.
        return _sse(self._fault_body("500", kw)) + b"0\r\n\r\n"

    @staticmethod
    def _hang_up(h: _Handler) -> None:
        # FIN in the middle of a chunked body: the client sees an incomplete read, not a clean end.
        h.close_connection = True
        with contextlib.suppress(OSError):
            h.connection.shutdown(socket.SHUT_RDWR)

    # ------------------------------------------------------------------ faults
    def _fault_body(self, kind: str, kw: dict[str, Any]) -> JSON:
        msg = kw.get("message")
        if kind == "401":
            return _error_body(
                msg
                or "Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.",
                "invalid_request_error",
                "invalid_api_key",
            )
        if kind == "429":
            return _error_body(
                msg or "Rate limit reached for requests. Please try again later.",
                "requests",
                "rate_limit_exceeded",
            )
        if kind == "503":
            return _error_body(
                msg or "The engine is currently overloaded, please try again later.", "server_error", None
            )
        if kind.startswith("5"):
            return _error_body(
                msg or "The server had an error while processing your request.", "server_error", None
            )
        return _error_body(msg or f"Fake error {kind}.", "invalid_request_error", None)

    def _context_body(self, tokens: int, message: str | None = None) -> JSON:
        window = self.context_window or 8192
        return _error_body(
            message
            or f"This model's maximum context length is {window} tokens. However, your messages resulted in "
            f"{max(tokens, window + 1)} tokens. Please reduce the length of the messages.",
            "invalid_request_error",
            "context_length_exceeded",
            "messages",
        )

    def _apply_fault(self, h: _Handler, fault: _Fault, *, stream: bool, req: Any = None) -> bool:
        """Send the fault's response; False when the fault acts inside a normal stream instead."""
        kind, kw = fault.kind, fault.kw
        if kind in ("disconnect", "malformed", "stream_error") and stream:
            return False  # handled mid-stream by _stream
        if kind == "stall":
            self._stall(h, stream, kw)
            return True
        if kind == "disconnect":
            self._hang_up(h)  # no response at all
            return True
        if kind == "malformed":
            self._send_json(h, 200, kw.get("text", "{not json").encode())
            return True
        if kind == "stream_error":
            self._send_json(h, 500, self._fault_body("500", kw))
            return True
        if kind in ("trickle", "flood"):
            self._endless(h, req, kind, kw)
            return True
        if kind == "redirect":
            location = str(kw["to"]).rstrip("/") + h.path
            self._send_json(h, int(kw.get("status", 307)), {}, extra=[("Location", location)])
            return True
        if kind == "context_length":
            tokens = sum(
                count_tokens(_content_text(m.get("content")))
                for m in (req or {}).get("messages", [])
                if isinstance(m, dict)
            )
            self._send_json(h, 400, self._context_body(tokens, kw.get("message")))
            return True
        extra: list[tuple[str, str]] = []
        if kind == "429":
            retry_after = kw.get("retry_after", 1)
            if retry_after is not None:
                extra.append(("Retry-After", str(retry_after)))
        extra += list(kw.get("headers", {}).items())
        self._send_json(h, int(kind), self._fault_body(kind, kw), extra=extra)
        return True

    def _endless(self, h: _Handler, req: Any, kind: str, kw: dict[str, Any]) -> None:
        """A streamed reply that trickles forever or floods ``total`` bytes, generated lazily (never
        held in memory); ends when the client goes away or the server stops."""
        h.close_connection = True
        model = req.get("model", "fake-model") if isinstance(req, dict) else "fake-model"
        head = _head(200, [("Content-Type", "text/event-stream"), ("Transfer-Encoding", "chunked")], True)
        interval = float(kw.get("interval", 0.2))
        piece = "x" * int(kw.get("piece", 65536))
        total = int(kw.get("total", 1 << 30))
        text = "." if kind == "trickle" else piece
        event = _sse({"id": "chatcmpl-endless", "object": "chat.completion.chunk", "created": 0, "model": model,
                      "choices": [{"index": 0, "delta": {"content": text}, "finish_reason": None}]})
        sent = 0
        try:
            h.wfile.write(head)
            while not self._stopping.is_set() and (kind == "trickle" or sent < total):
                h.wfile.write(event)
                sent += len(event)
                if kind == "trickle" and self._stopping.wait(interval):
                    break
        except OSError:
            return  # the client stopped reading: what a bounded client does
        self._hang_up(h)

    def _stall(self, h: _Handler, stream: bool, kw: dict[str, Any]) -> None:
        h.close_connection = True
        if kw.get("headers"):
            if stream:
                h.wfile.write(
                    _head(
                        200, [("Content-Type", "text/event-stream"), ("Transfer-Encoding", "chunked")], True
                    )
                )
            else:
                h.wfile.write(
                    _head(200, [("Content-Type", "application/json"), ("Content-Length", "100")], True)
                )
        deadline = time.monotonic() + float(kw.get("seconds", self.stall_limit))
        sock = h.connection
        # Wait for stop, the deadline, or the client giving up (EOF) so no thread lingers.
        while not self._stopping.is_set():
            left = deadline - time.monotonic()
            if left <= 0:
                break
            ready, _, _ = select.select([sock], [], [], min(0.05, left))
            if ready:
                try:
                    if not sock.recv(1, socket.MSG_PEEK):
                        break
                except OSError:
                    break
                self._stopping.wait(min(0.05, max(left, 0)))
        self._hang_up(h)


def main(argv: list[str] | None = None) -> int:
    """Serve from a process of its own, for measurements the test process must not disturb:
    ``python -m tests.fake_openai_server --latency 0.5 --default tests.test_polish_fakes:kindly``.
    Prints the base URL on the first line of stdout and serves until stdin closes."""
    import argparse
    import importlib
    import sys

    parser = argparse.ArgumentParser(prog="python -m tests.fake_openai_server")
    parser.add_argument("--model", action="append", dest="models")
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--tokens-per-second", type=float)
    parser.add_argument("--default", metavar="MODULE:NAME",
                        help="default reply: a str or responder defined at module level")
    args = parser.parse_args(argv)
    default: str | Responder | None = None
    if args.default:
        module, _, name = args.default.partition(":")
        default = getattr(importlib.import_module(module), name)
    with FakeOpenAIServer(args.models or ["fake-model"], latency=args.latency,
                          tokens_per_second=args.tokens_per_second, default_reply=default) as server:
        print(server.base_url, flush=True)
        sys.stdin.read()  # the parent closes our stdin (or dies): stop
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
