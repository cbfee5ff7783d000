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
