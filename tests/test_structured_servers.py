"""Structured replies against servers that refuse a response_format: fall back at once (json_schema →
json_object → plain + parse), never spend the retries on a refusal, and remember per profile what the
server takes. Fakes answer as LM Studio, DeepSeek and llama-cpp-python's server do."""

from __future__ import annotations

import json

import pytest
from pydantic import BaseModel

from copilot.cli import main
from copilot.models import clear_provider_cache, get_provider, structured
from tests.conftest import add_fake_profile
from tests.fake_openai_server import DEEPSEEK_REFUSALS, LMSTUDIO_REFUSALS, FakeOpenAIServer

# llama-cpp-python's server: its request validation fails with HTTP 500 naming response_format.
LLAMA_CPP_REFUSALS = {"json_schema": (500, {"error": {
    "message": "1 validation error:\n  {'type': 'literal_error', 'loc': ('body', 'response_format', 'type'), "
               "'msg': \"Input should be 'text' or 'json_object'\", 'input': 'json_schema'}",
    "type": "internal_server_error", "param": None, "code": None}})}


class Verdict(BaseModel):
    ok: bool
    reason: str


def _formats(server: FakeOpenAIServer) -> list[str]:
    return [(r.get("response_format") or {}).get("type", "plain") for r in server.requests]


def _ask(name: str) -> Verdict:
    return structured(get_provider(name), [{"role": "user", "content": "Is it fine?"}], Verdict)


@pytest.fixture
def answer() -> str:
    return json.dumps({"ok": True, "reason": "fine"})


@pytest.mark.parametrize(("refusals", "expected"), [
    (LMSTUDIO_REFUSALS, ["json_schema"]),
    (DEEPSEEK_REFUSALS, ["json_schema", "json_object"]),
    (LLAMA_CPP_REFUSALS, ["json_schema", "json_object"]),
    ({**DEEPSEEK_REFUSALS, **LMSTUDIO_REFUSALS}, ["json_schema", "json_object", "plain"]),
], ids=["lmstudio", "deepseek", "llama-cpp-500", "neither"])
def test_refused_format_falls_back_without_retries_and_is_remembered(
        refusals: dict[str, tuple[int, object]], expected: list[str], answer: str) -> None:
    with FakeOpenAIServer(models=["fake-model"], refuse_formats=refusals, default_reply=answer) as server:
        add_fake_profile(server, "srv")
        assert _ask("srv") == Verdict(ok=True, reason="fine")
        assert _formats(server) == expected  # one request per refused level: no retries spent
        if expected[-1] == "plain":  # the schema goes into the prompt instead
            assert "JSON schema" in json.dumps(server.requests[-1]["messages"])
        clear_provider_cache()  # as in a later run
        server.reset()
        assert _ask("srv").ok
        assert _formats(server) == expected[-1:]


def test_remembered_format_starts_over_when_the_profile_moves(answer: str) -> None:
    with FakeOpenAIServer(models=["fake-model"], refuse_formats=DEEPSEEK_REFUSALS, default_reply=answer) as a, \
         FakeOpenAIServer(models=["fake-model"], default_reply=answer) as b:
        add_fake_profile(a, "srv")
        _ask("srv")
        add_fake_profile(b, "srv")
        clear_provider_cache()
        _ask("srv")
        assert _formats(b) == ["json_schema"]


def test_models_test_probes_and_reports_the_format(capsys: pytest.CaptureFixture[str], answer: str) -> None:
    with FakeOpenAIServer(models=["fake-model"], refuse_formats=DEEPSEEK_REFUSALS, default_reply=answer) as server:
        add_fake_profile(server, "ds")
        assert main(["models", "test", "-p", "ds", "--json"]) == 0
        assert json.loads(capsys.readouterr().out)["structured"] == "json_object"
        assert main(["models", "test", "-p", "ds"]) == 0
        assert "structured replies: json_object" in capsys.readouterr().out
