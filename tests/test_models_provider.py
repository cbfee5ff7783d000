"""The provider layer against a real local server through the real openai SDK: every error path."""

from __future__ import annotations

import threading
import time

import pytest

from copilot.cancel import CancelToken
from copilot.errors import (
    AuthError,
    BadResponse,
    Cancelled,
    ContextTooLong,
    KeyMissing,
    ModelNotFound,
    ModelTimeout,
    RateLimited,
    ServerError,
    ServerUnavailable,
)
from copilot.models import ChatOptions, Message, bounded_map, complete, get_provider
from tests.conftest import add_fake_profile
from tests.fake_openai_server import FakeOpenAIServer, unused_port_url

HELLO = [Message(role="user", content="hello there")]


def test_streams_scripted_reply_and_usage(fake_server: FakeOpenAIServer, fake_profile: str) -> None:
    fake_server.reply("hello", "General Kenobi, you are a bold one.")
    provider = get_provider(fake_profile)
    pieces = [c.text for c in provider.stream(HELLO) if c.text]
    assert len(pieces) > 1, "the reply must arrive in several streamed pieces"
    assert "".join(pieces) == "General Kenobi, you are a bold one."
    result = complete(provider, HELLO)
    assert result.usage.tokens_out > 0 and result.usage.tokens_in > 0
    assert result.first_token_seconds is not None and result.model == "fake-model"


def test_options_reach_the_server(fake_server: FakeOpenAIServer, fake_profile: str) -> None:
    provider = get_provider(fake_profile)
    schema = {"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]}
    complete(provider, HELLO, ChatOptions(temperature=0.1, max_tokens=33, json_schema=schema, stop=("END",)))
    req = fake_server.last_request
    assert req["temperature"] == 0.1 and req["max_tokens"] == 33 and req["stop"] == ["END"]
    assert req["response_format"]["json_schema"]["schema"] == schema
    assert req["stream"] is True and req["stream_options"] == {"include_usage": True}


def test_connection_refused_names_profile_and_server() -> None:
    url = unused_port_url()
    add_fake_profile(type("S", (), {"base_url": url})(), name="ollama-box")
    with pytest.raises(ServerUnavailable) as info:
        complete(get_provider("ollama-box"), HELLO)
    assert str(info.value) == f"Cannot reach ollama-box at {url} — is the server running?"


def test_ollama_preset_unreachable_message(monkeypatch: pytest.MonkeyPatch) -> None:
    # The preset's default URL: nothing listens on 11434 in CI, so this is the real message.
    with pytest.raises(ServerUnavailable) as info:
        complete(get_provider("ollama"), HELLO)
    assert str(info.value) == "Cannot reach ollama at http://localhost:11434/v1 — is the server running?"


def test_wrong_key_is_auth_error(fake_server: FakeOpenAIServer) -> None:
    from copilot.models.profiles import get_profile
    from copilot.secrets import set_key

    fake_server.require_key = "sk-right"
    name = add_fake_profile(fake_server, name="work")
    set_key(get_profile(name), "sk-wrong-key-123")
    with pytest.raises(AuthError) as info:
        complete(get_provider(name), HELLO)
    assert str(info.value).startswith('The key for profile "work" was rejected')
    assert "sk-wrong" not in str(info.value)


def test_right_key_from_keyring_is_sent(fake_server: FakeOpenAIServer) -> None:
    from copilot.models.profiles import get_profile
    from copilot.secrets import set_key

    fake_server.require_key = "sk-right-key-456"
    name = add_fake_profile(fake_server, name="work")
    set_key(get_profile(name), "sk-right-key-456")
    assert complete(get_provider(name), HELLO).text == "hello there"


def test_required_key_missing_says_both_remedies() -> None:
    with pytest.raises(KeyMissing) as info:
        get_provider("deepseek")
    assert "desk-copilot keys set deepseek" in str(info.value) and "DEEPSEEK_API_KEY" in str(info.value)


def test_env_key_used_only_by_its_profile(fake_server: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-openai-secret-789")
    # A custom server added without --key-env must not receive the OpenAI key.
    name = add_fake_profile(fake_server, name="custom")
    complete(get_provider(name), HELLO)
    sent = fake_server.request_headers[-1].get("authorization", "")
    assert "sk-openai-secret-789" not in sent


def test_unknown_model_lists_available(fake_server: FakeOpenAIServer) -> None:
    name = add_fake_profile(fake_server, name="m", model="no-such-model")
    with pytest.raises(ModelNotFound) as info:
        complete(get_provider(name), HELLO)
    message = str(info.value)
    assert '"no-such-model"' in message and "fake-model, fake-model-2" in message


def test_429_retried_honouring_retry_after(fake_server: FakeOpenAIServer, fake_profile: str) -> None:
    fake_server.fail_next("429", count=2, retry_after=0.3)
    start = time.monotonic()
    assert complete(get_provider(fake_profile), HELLO).text == "hello there"
    assert fake_server.request_count == 3
    assert time.monotonic() - start >= 0.55  # two waits of Retry-After 0.3 s


def test_429_gives_up_after_three_tries(fake_server: FakeOpenAIServer, fake_profile: str) -> None:
    fake_server.fail_next("429", count=5, retry_after=0)
    with pytest.raises(RateLimited):
        complete(get_provider(fake_profile), HELLO)
    assert fake_server.request_count == 3


def test_500_retried_then_server_error(fake_server: FakeOpenAIServer, fake_profile: str) -> None:
    fake_server.fail_next("500", count=1)
    assert complete(get_provider(fake_profile), HELLO).text == "hello there"
    fake_server.reset()
    fake_server.fail_next("503", count=3)
    with pytest.raises(ServerError) as info:
        complete(get_provider(fake_profile), HELLO)
    assert "HTTP 503" in str(info.value) and fake_server.request_count == 3


def test_context_too_long(fake_server: FakeOpenAIServer, fake_profile: str) -> None:
    fake_server.fail_next("context_length")
    with pytest.raises(ContextTooLong):
        complete(get_provider(fake_profile), HELLO)


def test_stall_times_out(fake_server: FakeOpenAIServer) -> None:
    name = add_fake_profile(fake_server, name="slow", timeout=0.5)
    fake_server.fail_next("stall", seconds=5)
    with pytest.raises(ModelTimeout) as info:
        complete(get_provider(name), HELLO)
    assert "slow at http://127.0.0.1" in str(info.value)


def test_disconnect_mid_stream(fake_server: FakeOpenAIServer, fake_profile: str) -> None:
    fake_server.reply("hello", "one two three four five six seven eight nine ten")
    fake_server.fail_next("disconnect", after_chunks=2)
    with pytest.raises(ServerUnavailable) as info:
        complete(get_provider(fake_profile), HELLO)
    assert "closed the connection mid-reply" in str(info.value)


def test_malformed_chunk(fake_server: FakeOpenAIServer, fake_profile: str) -> None:
    fake_server.fail_next("malformed", after_chunks=1)
    with pytest.raises(BadResponse):
        complete(get_provider(fake_profile), HELLO)


def test_cancel_closes_a_stalled_stream_at_once(fake_server: FakeOpenAIServer, fake_profile: str) -> None:
    fake_server.fail_next("stall", headers=True, seconds=20)
    token = CancelToken()
    threading.Timer(0.3, token.cancel).start()
    start = time.monotonic()
    with pytest.raises(Cancelled):
        complete(get_provider(fake_profile), HELLO, cancel=token)
    assert time.monotonic() - start < 5


def test_cancel_between_chunks(fake_server: FakeOpenAIServer, fake_profile: str) -> None:
    fake_server.reply("hello", " ".join(["word"] * 200))
    fake_server.tokens_per_second = 200
    token = CancelToken()
    seen: list[str] = []
    with pytest.raises(Cancelled):
        for chunk in get_provider(fake_profile).stream(HELLO, cancel=token):
            seen.append(chunk.text)
            if len(seen) == 3:
                token.cancel()
    assert len(seen) == 3


def test_bounded_concurrency(fake_server: FakeOpenAIServer) -> None:
    name = add_fake_profile(fake_server, name="par", concurrency=3)
    fake_server.latency = 0.1
    provider = get_provider(name)
    results = dict(bounded_map(provider, range(9), lambda i: complete(
        provider, [Message(role="user", content=f"item {i}")]).text))
    assert results == {i: f"item {i}" for i in range(9)}
    assert fake_server.max_in_flight == 3


def test_bounded_map_reports_failures_and_continues(fake_server: FakeOpenAIServer, fake_profile: str) -> None:
    provider = get_provider(fake_profile)
    fake_server.fail_next("401", count=1)

    results = dict(bounded_map(provider, range(4), lambda i: complete(
        provider, [Message(role="user", content=f"item {i}")]).text, concurrency=1))
    assert isinstance(results[0], AuthError)
    assert [results[i] for i in (1, 2, 3)] == ["item 1", "item 2", "item 3"]


def test_bounded_map_hands_out_work_while_the_consumer_is_busy(fake_server: FakeOpenAIServer) -> None:
    """A worker takes its next item the moment its call returns, not when the consumer is back:
    polish diffs and applies each reply as it arrives, and the requests must not wait for that."""
    name = add_fake_profile(fake_server, name="busy", concurrency=2)
    provider = get_provider(name)
    third_started = threading.Event()

    def ask(i: int) -> str:
        if i == 2:
            third_started.set()
        return complete(provider, [Message(role="user", content=f"item {i}")]).text

    results = {}
    for index, result in bounded_map(provider, range(4), ask):
        if not results:
            # Still handling the first result: the item after the first two must already be out.
            assert third_started.wait(10), "the next item waited for the consumer"
        results[index] = result
    assert results == {i: f"item {i}" for i in range(4)}


def test_bounded_map_stops_taking_items_when_the_consumer_leaves(fake_server: FakeOpenAIServer,
                                                                  fake_profile: str) -> None:
    provider = get_provider(fake_profile)
    started: list[int] = []

    def ask(i: int) -> str:
        started.append(i)
        return complete(provider, [Message(role="user", content=f"item {i}")]).text

    results = bounded_map(provider, range(50), ask, concurrency=1)
    assert next(results)[0] == 0
    results.close()  # joins the worker: it finishes at most the call it is in
    assert len(started) <= 2
    assert not [t for t in threading.enumerate() if t.name.startswith(f"model-{fake_profile}")]


def test_bounded_map_cancel_drops_the_rest(fake_server: FakeOpenAIServer, fake_profile: str) -> None:
    provider = get_provider(fake_profile)
    cancel = CancelToken()
    seen: list[int] = []
    with pytest.raises(Cancelled):
        for index, _ in bounded_map(provider, range(50), lambda i: complete(
                provider, [Message(role="user", content=f"item {i}")]).text, cancel, concurrency=2):
            seen.append(index)
            cancel.cancel()
    # The cancelled result, the calls in flight, and one more each worker may have taken meanwhile.
    assert len(seen) <= 1 + 2 * 2


def test_models_list(fake_server: FakeOpenAIServer, fake_profile: str) -> None:
    assert get_provider(fake_profile).list_models() == ["fake-model", "fake-model-2"]


def test_json_schema_fallback_for_servers_that_refuse_it(fake_server: FakeOpenAIServer, fake_profile: str) -> None:
    # The first request (json_schema) is refused the way such servers do; the retry must downgrade.
    fake_server.fail_next("400", message="response_format json_schema is not supported")
    fake_server.set_default('{"a": 1}')
    out = complete(get_provider(fake_profile), HELLO, ChatOptions(json_schema={"type": "object"}))
    assert out.text == '{"a": 1}'
    # JSON mode, with the schema alongside (llama-cpp-python's server turns it into a grammar)
    assert fake_server.requests[-1]["response_format"] == {"type": "json_object", "schema": {"type": "object"}}


def test_server_keeps_running_for_other_profiles() -> None:
    with FakeOpenAIServer(models=["m"]) as other:
        name = add_fake_profile(other, name="other", model="m")
        assert complete(get_provider(name), HELLO).text == "hello there"
