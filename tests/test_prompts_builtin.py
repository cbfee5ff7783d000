"""The shipped template set: lint clean, and every example passes end to end against the fake
OpenAI server replaying its fixture_reply — while a bad reply makes the assertions fail."""

from __future__ import annotations

import json
from typing import Any

import pytest

from copilot.cli.main import main
from copilot.events import Done
from copilot.models import get_provider
from copilot.prompts import builtin_templates, get_template, list_templates
from copilot.prompts.lint import lint_builtins
from copilot.prompts.runner import CaseResult, fixture_replies, messages_key, run_tests

# Ids other helpers' tasks and the tray depend on: they must exist.
MINE = [
    "general.ask", "general.improve_prompt", "general.answer_from_context",
    "writing.email_reply", "writing.report", "writing.summary", "writing.minutes", "writing.notice",
    "quick.formal", "quick.shorter", "quick.fix_grammar", "quick.translate", "quick.explain",
    "quick.summarise", "quick.reply",
]


def _replay(server: Any, mapping: dict[str, str]) -> None:
    server.set_default(lambda req: mapping.get(messages_key(req["messages"]), "NO FIXTURE FOR THIS REQUEST"))


def _run(provider_name: str, ids: list[str] | None = None) -> list[CaseResult]:
    templates = [get_template(i) for i in ids] if ids else list_templates()
    events = list(run_tests(templates, get_provider(provider_name)))
    done = events[-1]
    assert isinstance(done, Done)
    results: list[CaseResult] = done.result
    return results


def test_builtin_set_lints_clean() -> None:
    problems = lint_builtins()
    assert problems == [], "\n".join(map(str, problems))


def test_my_templates_exist_and_are_bilingual() -> None:
    builtins = builtin_templates()
    for tid in MINE:
        tpl = builtins[tid]
        assert {s.lang for s in tpl.sections} >= {"zh", "en"}, tid
        assert tpl.spec.tests and all(c.fixture_reply for c in tpl.spec.tests), tid
    quick = [builtins[t] for t in MINE if t.startswith("quick.")]
    assert sum(t.spec.favourite for t in quick) == 3
    assert all(t.spec.applies_to == "text" and t.spec.output in ("replace", "popup") for t in quick)
    assert all(t.inputs["text"].source == "selection" for t in quick)
    assert builtins["general.ask"].inputs["request"].source == "user"


def test_all_examples_pass_through_fake_server(fake_server: Any, fake_profile: str) -> None:
    _replay(fake_server, fixture_replies(list_templates()))
    results = _run(fake_profile)
    failed = [f"{r.template_id} {r.label}: {r.failures()}" for r in results if not r.ok]
    assert not failed, "\n".join(failed)
    assert len(results) == sum(len(t.spec.tests) for t in list_templates())
    # The exact rendered messages and options went over the wire.
    sent = fake_server.requests
    assert len(sent) == len(results)
    assert all(req["messages"][-1]["role"] == "user" for req in sent)


def test_bad_reply_fails_every_template(fake_server: Any, fake_profile: str) -> None:
    fake_server.set_default("OK.")
    results = _run(fake_profile)
    by_template: dict[str, list[bool]] = {}
    for r in results:
        by_template.setdefault(r.template_id, []).append(r.ok)
    passing = [tid for tid, oks in by_template.items() if all(oks)]
    assert passing == [], f"tests of {passing} accept the junk reply 'OK.'"


def test_misbehaving_model_is_caught(fake_server: Any, fake_profile: str) -> None:
    mapping = fixture_replies(list_templates())
    # Same replies with every digit changed: numbers_preserved / contains must notice.
    mangled = {k: v.translate(str.maketrans("0123456789", "9876543210")) for k, v in mapping.items()}
    _replay(fake_server, mangled)
    results = {(r.template_id, r.label): r for r in _run(fake_profile, ["writing.minutes", "quick.shorter"])}
    assert not results[("quick.shorter", "zh wordy")].ok
    assert any("numbers_preserved" in f for f in results[("writing.minutes", "zh minutes")].failures())


def test_cli_prompts_test_table_and_exit_codes(fake_server: Any, fake_profile: str,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    _replay(fake_server, fixture_replies(list_templates()))
    assert main(["prompts", "test", "quick.translate", "general.ask", "--profile", fake_profile]) == 0
    table = capsys.readouterr().out
    assert "quick.translate" in table and "4 passed, 0 failed" in table
    fake_server.set_default("完全无关的回答")
    assert main(["prompts", "test", "quick.translate", "--profile", fake_profile, "--json"]) == 1
    rows = json.loads(capsys.readouterr().out)
    assert [r["ok"] for r in rows] == [False, False] and rows[0]["failures"]
    assert main(["prompts", "test", "--offline"]) == 0
    assert main(["prompts", "lint"]) == 0
    assert "all templates OK" in capsys.readouterr().out


def test_cli_prompts_test_server_down(capsys: pytest.CaptureFixture[str]) -> None:
    from tests.conftest import add_fake_profile
    from tests.fake_openai_server import unused_port_url

    class _Down:
        base_url = unused_port_url()

    name = add_fake_profile(_Down(), "down", retries=0)
    assert main(["prompts", "test", "general.ask", "--profile", name]) == 1
    out = capsys.readouterr().out
    assert "FAIL" in out and "ServerUnavailable" in out
