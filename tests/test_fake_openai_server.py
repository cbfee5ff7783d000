"""The fake OpenAI server, driven through the real openai SDK (never mocked)."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import openai
import pytest

from tests.fake_openai_server import FakeOpenAIServer, Reply, split_pieces, unused_port_url

USER = [{"role": "user", "content": "hello there"}]


@pytest.fixture
def srv() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer(models=["fake-model", "other-model"]) as server:
        yield server


@pytest.fixture
def client(srv: FakeOpenAIServer) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(base_url=srv.base_url, api_key="sk-test", max_retries=0) as c:
        yield c


def stream_text(client: openai.OpenAI, messages: list[Any] = USER, **kw: Any) -> str:
    parts = []
    for chunk in client.chat.completions.create(model="fake-model", messages=messages, stream=True, **kw):
        if chunk.choices and chunk.choices[0].delta.content:
            parts.append(chunk.choices[0].delta.content)
    return "".join(parts)


def test_split_pieces_round_trips() -> None:
    for text in ["", "  a  b ", "Hi there, 你好世界 friend!\n\nnext", "x\ty"]:
        assert "".join(split_pieces(text)) == text
    assert split_pieces("你好 a b") == ["你", "好", " a", " b"]


def test_streaming_reply_assembles_to_scripted_text(srv: FakeOpenAIServer, client: openai.OpenAI) -> None:
    srv.reply(r"hello", "Hi there, 你好世界 friend!")
    assert stream_text(client) == "Hi there, 你好世界 friend!"


def test_stream_has_role_finish_reason_and_usage_chunk(srv: FakeOpenAIServer, client: openai.OpenAI) -> None:
    srv.reply(r"hello", "one two three")
    chunks = list(
        client.chat.completions.create(
            model="fake-model", messages=USER, stream=True, stream_options={"include_usage": True}
        )
    )
    assert chunks[0].choices[0].delta.role == "assistant"
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "stop"
    assert chunks[-1].choices == []
    assert chunks[-1].usage is not None
    assert chunks[-1].usage.completion_tokens == 3
    assert chunks[-1].usage.prompt_tokens == 2


def test_stream_without_include_usage_has_no_usage(srv: FakeOpenAIServer, client: openai.OpenAI) -> None:
    chunks = list(client.chat.completions.create(model="fake-model", messages=USER, stream=True))
    assert all(c.usage is None for c in chunks)


def test_chunk_size_groups_pieces(client: openai.OpenAI, srv: FakeOpenAIServer) -> None:
    srv.chunk_size = 2
    srv.tokens_per_second = 10_000  # paced path, but fast
    srv.reply(r".", "a b c d e")
    chunks = list(client.chat.completions.create(model="fake-model", messages=USER, stream=True))
    contents = [c.choices[0].delta.content for c in chunks if c.choices and c.choices[0].delta.content]
    assert contents == ["a b", " c d", " e"]


def test_non_streaming_reply_with_usage(srv: FakeOpenAIServer, client: openai.OpenAI) -> None:
    srv.reply(r"hello", Reply("cut short", finish_reason="length"))
    resp = client.chat.completions.create(model="fake-model", messages=USER)
    assert resp.choices[0].message.content == "cut short"
    assert resp.choices[0].finish_reason == "length"
    assert resp.model == "fake-model"
    assert resp.usage is not None
    assert resp.usage.total_tokens == resp.usage.prompt_tokens + resp.usage.completion_tokens == 4


def test_default_reply_echoes_and_can_be_changed(srv: FakeOpenAIServer, client: openai.OpenAI) -> None:
    msgs = [
        {"role": "system", "content": "sys"},
        {"role": "user", "content": [{"type": "text", "text": "part"}]},
    ]
    assert stream_text(client, msgs) == "part"
    srv.set_default(lambda req: last_upper(req))
    assert stream_text(client, [{"role": "user", "content": "shout"}]) == "SHOUT"
    srv.set_default("fixed")
    assert stream_text(client) == "fixed"


def last_upper(req: dict[str, Any]) -> str:
    return str(req["messages"][-1]["content"]).upper()


def test_rules_in_order_callables_and_times(srv: FakeOpenAIServer, client: openai.OpenAI) -> None:
    srv.reply(lambda req: None)  # a responder returning None passes to the next rule
    srv.reply(r"^bad", "first", times=1)
    srv.reply(lambda req: req.get("temperature") == 0.5, lambda req: "warm")
    srv.reply(r"bad|good", lambda req: {"echo": req["messages"][-1]["content"]})
    bad = [{"role": "user", "content": "bad input"}]
    assert stream_text(client, bad) == "first"
    assert json.loads(stream_text(client, bad)) == {"echo": "bad input"}  # times=1 used up
    assert stream_text(client, bad, temperature=0.5) == "warm"


def test_reply_sees_response_format(srv: FakeOpenAIServer, client: openai.OpenAI) -> None:
    def json_model(req: dict[str, Any]) -> Any:
        fmt = req.get("response_format") or {}
        if fmt.get("type") == "json_schema":
            return {"schema_name": fmt["json_schema"]["name"]}
        return "plain"

    srv.reply(json_model)
    schema = {"type": "object", "properties": {"schema_name": {"type": "string"}}}
    rf: Any = {"type": "json_schema", "json_schema": {"name": "Answer", "schema": schema, "strict": True}}
    resp = client.chat.completions.create(model="fake-model", messages=USER, response_format=rf)
    assert json.loads(resp.choices[0].message.content or "") == {"schema_name": "Answer"}
    assert srv.last_request["response_format"]["json_schema"]["name"] == "Answer"
    assert stream_text(client) == "plain"


def test_broken_reply_callable_gives_500_and_is_kept(srv: FakeOpenAIServer, client: openai.OpenAI) -> None:
    srv.reply(lambda req: 1 / 0)
    with pytest.raises(openai.InternalServerError):
        client.chat.completions.create(model="fake-model", messages=USER)
    assert isinstance(srv.errors[0], ZeroDivisionError)


def test_models_list_and_retrieve(srv: FakeOpenAIServer, client: openai.OpenAI) -> None:
    assert [m.id for m in client.models.list()] == ["fake-model", "other-model"]
    assert client.models.retrieve("other-model").id == "other-model"
    with pytest.raises(openai.NotFoundError):
        client.models.retrieve("missing")
    assert srv.request_count == 0  # only chat requests count; calls has everything
    assert [c.method for c in srv.calls] == ["GET", "GET", "GET"]


def test_unknown_model_is_404_model_not_found(client: openai.OpenAI) -> None:
    with pytest.raises(openai.NotFoundError) as err:
        client.chat.completions.create(model="gpt-nope", messages=USER)
    assert err.value.code == "model_not_found"
    assert "The model `gpt-nope` does not exist" in err.value.message


def test_require_key_401_and_headers_recorded() -> None:
    with FakeOpenAIServer(require_key="sk-test") as srv:
        with openai.OpenAI(base_url=srv.base_url, api_key="sk-wrong", max_retries=0) as bad:
            with pytest.raises(openai.AuthenticationError) as err:
                bad.chat.completions.create(model="fake-model", messages=USER)
            assert err.value.code == "invalid_api_key"
            with pytest.raises(openai.AuthenticationError):
                bad.models.list()
        with openai.OpenAI(base_url=srv.base_url, api_key="sk-test", max_retries=0) as good:
            assert good.chat.completions.create(model="fake-model", messages=USER).choices
        assert [h["authorization"] for h in srv.request_headers] == ["Bearer sk-wrong", "Bearer sk-test"]
        assert srv.calls[-1].api_key == "sk-test"


def test_429_has_retry_after_header_raw() -> None:
    with FakeOpenAIServer() as srv:
        srv.fail_next("429", retry_after=7)
        body = json.dumps({"model": "fake-model", "messages": USER}).encode()
        req = urllib.request.Request(
            f"{srv.base_url}/chat/completions", data=body, headers={"Content-Type": "application/json"}
        )
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(req, timeout=5)
        with err.value:
            assert err.value.code == 429
            assert err.value.headers["Retry-After"] == "7"
            assert json.loads(err.value.read())["error"]["code"] == "rate_limit_exceeded"
        with urllib.request.urlopen(req, timeout=5) as ok:  # one fault only
            assert json.loads(ok.read())["choices"][0]["message"]["content"] == "hello there"


def test_429_through_sdk(srv: FakeOpenAIServer, client: openai.OpenAI) -> None:
    srv.fail_next("429")
    with pytest.raises(openai.RateLimitError) as err:
        client.chat.completions.create(model="fake-model", messages=USER)
    assert err.value.response.headers["retry-after"] == "1"


@pytest.mark.parametrize("kind", ["500", "503"])
def test_server_errors(srv: FakeOpenAIServer, client: openai.OpenAI, kind: str) -> None:
    srv.fail_next(kind, count=2)
    for _ in range(2):
        with pytest.raises(openai.InternalServerError) as err:
            stream_text(client)
        assert err.value.status_code == int(kind)
    assert stream_text(client) == "hello there"
    assert srv.request_count == 3


def test_sdk_retries_consume_faults() -> None:
    with FakeOpenAIServer() as srv:
        srv.fail_next("500", count=1)
        with openai.OpenAI(base_url=srv.base_url, api_key="k", max_retries=1) as c:
            srv.fail_next("429", retry_after=0.01)
            with pytest.raises(openai.RateLimitError):
                c.chat.completions.create(model="fake-model", messages=USER)
        assert srv.request_count == 2


def test_fail_always_and_clear(srv: FakeOpenAIServer, client: openai.OpenAI) -> None:
    srv.fail_always("503")
    for _ in range(3):
        with pytest.raises(openai.InternalServerError):
            client.chat.completions.create(model="fake-model", messages=USER)
    srv.clear_faults()
    assert client.chat.completions.create(model="fake-model", messages=USER).choices


def test_fault_on_models_endpoint(srv: FakeOpenAIServer, client: openai.OpenAI) -> None:
    srv.fail_next("500", endpoint="models")
    assert stream_text(client) == "hello there"  # chat is not affected
    with pytest.raises(openai.InternalServerError):
        client.models.list()


def test_context_length(srv: FakeOpenAIServer, client: openai.OpenAI) -> None:
    srv.fail_next("context_length")
    with pytest.raises(openai.BadRequestError) as err:
        client.chat.completions.create(model="fake-model", messages=USER)
    assert err.value.code == "context_length_exceeded"
    srv.context_window = 3
    assert stream_text(client, [{"role": "user", "content": "a b c"}]) == "a b c"
    with pytest.raises(openai.BadRequestError) as err:
        stream_text(client, [{"role": "user", "content": "a b c d"}])
    assert err.value.code == "context_length_exceeded"


def test_malformed_chunk_makes_sdk_raise(srv: FakeOpenAIServer, client: openai.OpenAI) -> None:
    srv.reply(r".", "one two three four")
    srv.fail_next("malformed", after_chunks=2)
    seen: list[str] = []
    with pytest.raises((ValueError, openai.APIError)):
        for chunk in client.chat.completions.create(model="fake-model", messages=USER, stream=True):
            if chunk.choices and chunk.choices[0].delta.content:
                seen.append(chunk.choices[0].delta.content)
    assert "".join(seen) == "one two"
    srv.fail_next("malformed")
    with pytest.raises((ValueError, openai.APIError)):
        client.chat.completions.create(model="fake-model", messages=USER)


def test_stream_error_event_raises_api_error(srv: FakeOpenAIServer, client: openai.OpenAI) -> None:
    srv.fail_next("stream_error", message="boom")
    with pytest.raises(openai.APIError, match="boom"):
        stream_text(client)


def test_disconnect_mid_stream_raises(srv: FakeOpenAIServer, client: openai.OpenAI) -> None:
    srv.reply(r".", "one two three four five six")
    srv.fail_next("disconnect", after_chunks=3)
    seen: list[str] = []
    with pytest.raises(openai.APIConnectionError):
        for chunk in client.chat.completions.create(model="fake-model", messages=USER, stream=True):
            if chunk.choices and chunk.choices[0].delta.content:
                seen.append(chunk.choices[0].delta.content)
    assert "".join(seen) == "one two three"
    srv.fail_next("disconnect")
    with pytest.raises(openai.APIConnectionError):
        client.chat.completions.create(model="fake-model", messages=USER)
    assert stream_text(client) == "one two three four five six"  # the client recovers


@pytest.mark.parametrize(("stream", "headers"), [(False, False), (True, True)])
def test_stall_gives_sdk_read_timeout(
    srv: FakeOpenAIServer, client: openai.OpenAI, stream: bool, headers: bool
) -> None:
    srv.fail_next("stall", headers=headers)
    with pytest.raises(openai.APITimeoutError):
        resp = client.with_options(timeout=0.5).chat.completions.create(
            model="fake-model", messages=USER, stream=stream
        )
        if stream:
            list(resp)  # type: ignore[arg-type]


def test_stop_is_prompt_with_stalled_connection() -> None:
    srv = FakeOpenAIServer().start()
    srv.fail_next("stall")
    errors: list[BaseException] = []

    def call() -> None:
        with openai.OpenAI(base_url=srv.base_url, api_key="k", max_retries=0, timeout=60) as c:
            try:
                c.chat.completions.create(model="fake-model", messages=USER)
            except openai.APIConnectionError as exc:
                errors.append(exc)

    worker = threading.Thread(target=call)
    worker.start()
    assert srv.wait_for_requests(1)
    srv.stop()
    worker.join(timeout=10)
    assert not worker.is_alive()
    assert len(errors) == 1


def test_refused_connection_url() -> None:
    with (
        openai.OpenAI(base_url=unused_port_url(), api_key="k", max_retries=0) as c,
        pytest.raises(openai.APIConnectionError),
    ):
        c.models.list()


def test_restart_reuses_port(srv: FakeOpenAIServer) -> None:
    url = srv.base_url
    srv.stop()
    with openai.OpenAI(base_url=url, api_key="k", max_retries=0) as c:
        with pytest.raises(openai.APIConnectionError):
            c.models.list()
        srv.start()
        assert srv.base_url == url
        assert [m.id for m in c.models.list()] == ["fake-model", "other-model"]


def test_request_counting_and_reset(srv: FakeOpenAIServer, client: openai.OpenAI) -> None:
    srv.reply(r".", "x")
    srv.latency = 0.01
    for i in range(3):
        client.chat.completions.create(model="fake-model", messages=[{"role": "user", "content": f"m{i}"}])
    assert srv.request_count == 3
    assert [r["messages"][0]["content"] for r in srv.requests] == ["m0", "m1", "m2"]
    srv.reset()
    assert srv.request_count == 0
    assert srv.requests == []
    assert stream_text(client) == "x"  # rules kept
    srv.reset(script=True)
    assert srv.latency == 0.0
    assert stream_text(client) == "hello there"


def test_concurrent_requests_are_served_in_parallel(srv: FakeOpenAIServer) -> None:
    n = 8
    barrier = threading.Barrier(n, timeout=10)

    def rendezvous(req: dict[str, Any]) -> str:
        barrier.wait()  # only returns if all n requests are being handled at once
        return "ok"

    srv.reply(rendezvous)
    results: list[str] = []

    def call() -> None:
        with openai.OpenAI(base_url=srv.base_url, api_key="k", max_retries=0) as c:
            results.append(
                c.chat.completions.create(model="fake-model", messages=USER).choices[0].message.content or ""
            )

    threads = [threading.Thread(target=call) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=20)
    assert results == ["ok"] * n
    assert srv.max_in_flight == n
