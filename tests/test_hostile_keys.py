"""Hostile servers and moved profiles never get a key that was not stored for their origin.

Every case goes over real HTTP to fake servers on loopback that record each request's headers;
127.0.0.2 is another origin on the same machine."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from copilot.cli import main
from tests.fake_openai_server import FakeOpenAIServer

CANARY = "sk-CANARY-7f3a9c21e4b8d605"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def sent_canary(*servers: FakeOpenAIServer) -> bool:
    return any(CANARY in value for s in servers for call in s.calls for value in call.headers.values())


def set_key(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, name: str,
            *extra: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(CANARY + "\n"))
    return run(capsys, "keys", "set", name, "--stdin", *extra)


@pytest.fixture
def other_host() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer(models=["fake-model"], host="127.0.0.2") as server:
        yield server


def test_preset_env_key_is_not_sent_to_a_profile_moved_elsewhere(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, fake_server: FakeOpenAIServer) -> None:
    """OPENAI_API_KEY=sk-X desk-copilot profiles add openai --base-url http://127.0.0.1:PORT/v1 must not
    hand OpenAI's key to that server."""
    monkeypatch.setenv("OPENAI_API_KEY", CANARY)
    code, _, err = run(capsys, "profiles", "add", "openai", "--base-url", fake_server.base_url,
                       "--model", "fake-model")
    assert code == 0 and "OPENAI_API_KEY" in err and err.count("\n") == 1  # the one-line notice
    code, out, err = run(capsys, "models", "list", "-p", "openai")
    assert fake_server.calls and not sent_canary(fake_server)
    assert code == 0 and CANARY not in out + err
    # The variable still serves the preset's own origin (checked without any network).
    from copilot.models.profiles import PRESETS
    from copilot.secrets import get_key

    assert get_key(PRESETS["openai"]) == CANARY


def test_stored_key_stays_with_its_origin_when_the_url_changes(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, fake_server: FakeOpenAIServer,
        other_host: FakeOpenAIServer) -> None:
    assert run(capsys, "profiles", "add", "work", "--base-url", fake_server.base_url, "--model", "fake-model")[0] == 0
    assert set_key(capsys, monkeypatch, "work")[0] == 0
    assert run(capsys, "models", "list", "-p", "work")[0] == 0
    assert fake_server.calls[-1].api_key == CANARY  # its own origin gets it

    code, _, err = run(capsys, "profiles", "add", "work", "--replace", "--base-url", other_host.base_url,
                       "--model", "fake-model")
    assert code == 0 and err.count("\n") == 1 and "keys set work" in err and "127.0.0.1" in err
    assert run(capsys, "models", "list", "-p", "work")[0] == 0  # the key is optional: sent without it
    assert other_host.calls and not sent_canary(other_host)
    # Another port on the same host is another origin too.
    with FakeOpenAIServer(models=["fake-model"]) as third:
        run(capsys, "profiles", "add", "work", "--replace", "--base-url", third.base_url, "--model", "fake-model",
            "--key-required")
        code, _, err = run(capsys, "ask", "hello", "-p", "work")
        assert code == 1 and "keys set work" in err and not third.calls


def test_profiles_remove_deletes_the_key(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                                         fake_server: FakeOpenAIServer) -> None:
    run(capsys, "profiles", "add", "gone", "--base-url", fake_server.base_url, "--model", "fake-model")
    assert set_key(capsys, monkeypatch, "gone")[0] == 0
    code, out, _ = run(capsys, "profiles", "remove", "gone")
    assert code == 0 and "key" in out
    run(capsys, "profiles", "add", "gone", "--base-url", fake_server.base_url, "--model", "fake-model")
    assert run(capsys, "models", "list", "-p", "gone")[0] == 0
    assert not sent_canary(fake_server)


@pytest.mark.parametrize("endpoint", ["models", "chat"])
def test_cross_origin_redirect_never_carries_the_key(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, fake_server: FakeOpenAIServer,
        other_host: FakeOpenAIServer, endpoint: str) -> None:
    run(capsys, "profiles", "add", "r", "--base-url", fake_server.base_url, "--model", "fake-model")
    assert set_key(capsys, monkeypatch, "r")[0] == 0
    with FakeOpenAIServer(models=["fake-model"]) as other_port:
        for target in (other_host, other_port):
            fake_server.fail_always("redirect", to=target.url, endpoint=endpoint)
            argv = ("models", "list") if endpoint == "models" else ("ask", "hello")
            code, _, err = run(capsys, *argv, "-p", "r")
            assert code == 1 and err.count("\n") == 1 and "redirected" in err, err
            assert not target.calls  # neither the key nor the text went there
            fake_server.clear_faults()
        assert not sent_canary(other_host, other_port)


def test_key_over_plain_http_to_another_machine_needs_confirmation(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from copilot.errors import InsecureTransport
    from copilot.models import get_profile, provider_for

    # 192.0.2.0/24 is reserved for documentation: nothing is ever contacted here.
    run(capsys, "profiles", "add", "lan", "--base-url", "http://192.0.2.7:8000/v1", "--model", "m")
    code, _, err = set_key(capsys, monkeypatch, "lan")
    assert code == 1 and "--allow-http-key" in err and err.count("\n") == 1
    code, _, err = set_key(capsys, monkeypatch, "lan", "--allow-http-key")
    assert code == 0
    assert get_profile("lan").allow_http_key
    provider_for(get_profile("lan"))  # confirmed: builds
    run(capsys, "profiles", "add", "lan", "--replace", "--base-url", "http://192.0.2.7:8000/v1", "--model", "m")
    with pytest.raises(InsecureTransport):  # a replaced profile asks again; loopback never asks
        provider_for(get_profile("lan"), CANARY)


def test_canary_key_leaks_nowhere(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                                  fake_server: FakeOpenAIServer, other_host: FakeOpenAIServer,
                                  isolated_home: Path) -> None:
    """A full run with a canary key — success, errors, moved URL, redirect, --debug — and the key is
    in no file under the data dir and in no captured output."""
    captured: list[str] = []

    def go(*argv: str) -> int:
        code, out, err = run(capsys, *argv)
        captured.append(out + err)
        return code

    fake_server.require_key = CANARY
    go("profiles", "add", "c", "--base-url", fake_server.base_url, "--model", "fake-model", "--key-required")
    code, out, err = set_key(capsys, monkeypatch, "c")
    assert code == 0
    captured.append(out + err)
    assert go("ask", "hello", "-p", "c") == 0
    assert go("--debug", "models", "test", "-p", "c") == 0
    fake_server.fail_next("500", count=None)
    assert go("ask", "again", "-p", "c") == 1
    fake_server.clear_faults()
    fake_server.fail_always("redirect", to=other_host.url)
    assert go("ask", "elsewhere", "-p", "c") == 1
    fake_server.clear_faults()
    go("keys", "status")
    go("profiles", "show", "c")
    go("profiles", "add", "c", "--replace", "--base-url", other_host.base_url, "--model", "fake-model")
    go("ask", "moved", "-p", "c")
    assert not sent_canary(other_host)
    files = [p for p in isolated_home.rglob("*") if p.is_file()]
    assert any(p.suffix == ".log" for p in files)
    for path in files:
        assert CANARY.encode() not in path.read_bytes(), path
    for text in captured:
        assert CANARY not in text


def test_keys_stored_before_binding_serve_only_their_presets_origin(
        capsys: pytest.CaptureFixture[str], fake_server: FakeOpenAIServer) -> None:
    import json

    import keyring

    from copilot.models.profiles import PRESETS
    from copilot.secrets import get_key

    keyring.set_password("desk-copilot", "openai", CANARY)  # as an older version stored it
    keyring.set_password("desk-copilot", "srv", CANARY)
    assert get_key(PRESETS["openai"]) == CANARY  # the preset's own origin: kept, and now bound
    assert json.loads(keyring.get_password("desk-copilot", "openai"))["origin"] == "https://api.openai.com:443"
    run(capsys, "profiles", "add", "srv", "--base-url", fake_server.base_url, "--model", "fake-model")
    code, _, err = run(capsys, "keys", "status")
    assert code == 0 and CANARY not in err
    assert run(capsys, "models", "list", "-p", "srv")[0] == 0  # nobody knows its server: not sent
    assert not sent_canary(fake_server)
