"""Structured output: schema sent, reply validated, one repair round, then a clear error."""

from __future__ import annotations

import json

import pytest
from pydantic import BaseModel

from copilot.errors import BadResponse
from copilot.models import Message, get_provider, structured
from copilot.models.structured import extract_json
from tests.fake_openai_server import FakeOpenAIServer


class Verdict(BaseModel):
    label: str
    score: int


ASK = [Message(role="user", content="rate this")]


def test_valid_json_first_time(fake_server: FakeOpenAIServer, fake_profile: str) -> None:
    fake_server.reply("rate", '{"label": "good", "score": 7}')
    assert structured(get_provider(fake_profile), ASK, Verdict) == Verdict(label="good", score=7)
    sent = fake_server.last_request["response_format"]
    assert sent["type"] == "json_schema" and sent["json_schema"]["schema"]["required"] == ["label", "score"]


def test_fenced_json_is_accepted(fake_server: FakeOpenAIServer, fake_profile: str) -> None:
    fake_server.reply("rate", 'Sure!\n```json\n{"label": "ok", "score": 3}\n```')
    assert structured(get_provider(fake_profile), ASK, Verdict).score == 3


def test_one_repair_round(fake_server: FakeOpenAIServer, fake_profile: str) -> None:
    fake_server.reply("rate", '{"label": "good", "score": "seven"}', times=1)
    fake_server.reply(lambda req: '{"label": "good", "score": 7}' if len(req["messages"]) > 1 else None)
    assert structured(get_provider(fake_profile), ASK, Verdict).score == 7
    assert fake_server.request_count == 2
    repair = fake_server.last_request["messages"]
    assert repair[-2]["role"] == "assistant" and "score" in repair[-1]["content"]


def test_broken_twice_is_a_clear_error(fake_server: FakeOpenAIServer, fake_profile: str) -> None:
    fake_server.reply("rate", '{"label": "good", "sco')
    fake_server.set_default('{"label": ')
    with pytest.raises(BadResponse) as info:
        structured(get_provider(fake_profile), ASK, Verdict)
    assert "returned invalid JSON twice" in str(info.value) and fake_server.request_count == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [('{"a": 1}', {"a": 1}), ('```\n{"a": 1}\n```', {"a": 1}), ('Here: {"a": [1, 2]} done', {"a": [1, 2]}),
     ("[1, 2]", [1, 2])],
)
def test_extract_json(text: str, expected: object) -> None:
    assert json.loads(extract_json(text)) == expected


def test_structured_reply_is_one_non_streamed_request_with_the_key(fake_server: FakeOpenAIServer,
                                                                     fake_profile: str) -> None:
    """Structured calls are posted as plain JSON past the SDK's parameter walk: the key, the
    response_format and the body all still reach the server, and nothing streams."""
    from copilot.models.openai_compatible import OpenAICompatibleProvider
    from copilot.models.profiles import get_profile

    fake_server.require_key = "sk-structured-test"
    provider = OpenAICompatibleProvider(get_profile(fake_profile), "sk-structured-test")
    fake_server.reply("rate", '{"label": "fine", "score": 5}')
    schema = {"type": "object", "properties": {"label": {"type": "string"}, "score": {"type": "integer"}},
              "required": ["label", "score"], "additionalProperties": False}
    assert structured(provider, ASK, Verdict, schema=schema) == Verdict(label="fine", score=5)
    request = fake_server.last_request
    assert request["stream"] is False and "stream_options" not in request
    assert request["response_format"]["json_schema"] == {"name": "Verdict", "schema": schema}
    assert fake_server.calls[-1].headers.get("authorization") == "Bearer sk-structured-test"


@pytest.mark.parametrize("body", [
    "{not json", "[]", '{"choices": "none"}', '{"choices": [5]}', '{"choices": [{"message": "hi"}]}',
    '{"choices": [{"message": {"content": {"label": "x"}}}]}',
])
def test_a_malformed_whole_reply_is_one_clear_line(fake_server: FakeOpenAIServer, fake_profile: str,
                                                   body: str) -> None:
    fake_server.fail_next("malformed", count=None, text=body)
    with pytest.raises(BadResponse) as info:
        structured(get_provider(fake_profile), ASK, Verdict)
    message = str(info.value)
    assert "malformed reply" in message and fake_server.base_url in message and "\n" not in message


def test_usage_of_a_whole_reply_is_counted_and_an_odd_count_is_not_trusted(fake_server: FakeOpenAIServer,
                                                                    fake_profile: str) -> None:
    from copilot.models import ChatOptions, complete

    fake_server.fail_next("malformed", text=json.dumps({
        "choices": [{"message": {"content": "ok"}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 12, "completion_tokens": "many"}}))
    done = complete(get_provider(fake_profile), ASK, ChatOptions(stream=False))
    assert done.text == "ok" and done.usage.tokens_in == 12  # the output count is estimated instead
