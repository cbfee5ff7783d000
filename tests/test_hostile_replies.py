"""Servers that trickle, flood or fall silent: every request ends within its bound with one typed line.

Real HTTP to the fake server; the 1 GB reply is generated as it is sent, never held in memory."""

from __future__ import annotations

import pytest

from copilot.cli import main
from copilot.errors import BadResponse, ModelTimeout
from tests.conftest import add_fake_profile
from tests.fake_openai_server import FakeOpenAIServer


def _deadlines(request: float = 600.0, quick: float = 60.0) -> None:
    from copilot.settings import load_settings, save_settings

    settings = load_settings()
    settings.request_deadline = request
    settings.quick_deadline = quick
    save_settings(settings)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_trickling_server_ends_at_the_request_deadline(capsys: pytest.CaptureFixture[str],
                                                      fake_server: FakeOpenAIServer) -> None:
    add_fake_profile(fake_server, "slow")
    _deadlines(request=1.5)
    fake_server.fail_always("trickle", interval=0.05)
    code, _, err = run(capsys, "ask", "hello", "-p", "slow")
    assert code == 1 and err.count("\n") == 1
    assert "did not finish its reply within 1.5 s" in err and "request_deadline" in err


def test_silent_server_after_headers_is_cut_off_by_the_watchdog(fake_server: FakeOpenAIServer) -> None:
    from copilot.models import ChatOptions, complete, get_provider

    add_fake_profile(fake_server, "silent")  # 10 s per read: the deadline must come first
    fake_server.fail_next("stall", headers=True, seconds=20)
    with pytest.raises(ModelTimeout, match="within 1 s"):
        complete(get_provider("silent"), [{"role": "user", "content": "hi"}], ChatOptions(deadline=1.0))


def test_one_gigabyte_reply_is_stopped_at_the_size_cap(capsys: pytest.CaptureFixture[str],
                                                       fake_server: FakeOpenAIServer) -> None:
    add_fake_profile(fake_server, "flood")
    fake_server.fail_always("flood", total=1 << 30)
    code, out, err = run(capsys, "ask", "hello", "-p", "flood")
    assert code == 1 and err.count("\n") == 1 and "over 16 MB" in err
    assert len(out) <= 16 * 1024 * 1024


def test_flooding_model_listing_is_stopped_too(fake_server: FakeOpenAIServer) -> None:
    from copilot.models import get_provider

    add_fake_profile(fake_server, "flood")
    fake_server.fail_always("flood", endpoint="models", total=1 << 30)
    with pytest.raises(BadResponse, match="over 16 MB"):
        get_provider("flood").list_models()


def test_quick_actions_have_the_shorter_deadline(fake_server: FakeOpenAIServer) -> None:
    from copilot.models import get_provider
    from copilot.tasks.quick_action import quick_action, quick_templates

    add_fake_profile(fake_server, "quick")
    _deadlines(request=600.0, quick=1.0)
    fake_server.fail_always("trickle", interval=0.05)
    with pytest.raises(ModelTimeout, match="within 1 s"):
        list(quick_action(get_provider("quick"), quick_templates()[0].id, "Some text."))


def test_max_tokens_is_always_sent(fake_server: FakeOpenAIServer) -> None:
    from copilot.models import complete, get_provider

    add_fake_profile(fake_server, "plain", max_tokens=None, context_window=1024)
    complete(get_provider("plain"), [{"role": "user", "content": "hi"}])
    assert fake_server.last_request["max_tokens"] == 512
