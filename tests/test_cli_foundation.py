"""The CLI end to end, in-process: profiles, keys, models, ask, errors as one line + exit codes."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from copilot.cli import main
from copilot.cli.main import build_parser
from tests.fake_openai_server import FakeOpenAIServer, unused_port_url


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def add_server_profile(capsys: pytest.CaptureFixture[str], server: FakeOpenAIServer, name: str = "srv",
                       *extra: str) -> None:
    code, out, _ = run(capsys, "profiles", "add", name, "--base-url", server.base_url, "--model", "fake-model",
                       *extra)
    assert code == 0, out


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.startswith("desk-copilot 0.1.0")


def _all_subcommands() -> list[list[str]]:
    found: list[list[str]] = []

    def walk(parser: object, prefix: list[str]) -> None:
        import argparse

        for action in getattr(parser, "_actions", []):
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    found.append([*prefix, name])
                    walk(sub, [*prefix, name])

    walk(build_parser(), [])
    return found


def test_help_on_every_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    commands = _all_subcommands()
    assert ["ask"] in commands and ["profiles", "add"] in commands and ["models", "test"] in commands
    for command in commands:
        with pytest.raises(SystemExit) as info:
            main([*command, "--help"])
        assert info.value.code == 0, command
        assert "usage:" in capsys.readouterr().out


def test_profiles_add_list_use_remove(capsys: pytest.CaptureFixture[str], fake_server: FakeOpenAIServer) -> None:
    add_server_profile(capsys, fake_server, "box", "--concurrency", "2")
    _, out, _ = run(capsys, "profiles", "list", "--json")
    rows = {r["name"]: r for r in json.loads(out)}
    assert {"openai", "dashscope", "deepseek", "ollama", "lmstudio", "vllm", "llamacpp", "embedded"} <= set(rows)
    assert rows["box"]["target"] == fake_server.base_url and rows["box"]["concurrency"] == 2
    assert rows["embedded"]["default"] is True
    assert run(capsys, "profiles", "use", "box")[0] == 0
    rows = {r["name"]: r for r in json.loads(run(capsys, "profiles", "list", "--json")[1])}
    assert rows["box"]["default"] is True
    assert run(capsys, "profiles", "remove", "box")[0] == 0
    rows = {r["name"]: r for r in json.loads(run(capsys, "profiles", "list", "--json")[1])}
    assert "box" not in rows and rows["embedded"]["default"] is True


def test_profile_add_twice_needs_replace(capsys: pytest.CaptureFixture[str], fake_server: FakeOpenAIServer) -> None:
    add_server_profile(capsys, fake_server, "box")
    code, _, err = run(capsys, "profiles", "add", "box", "--base-url", fake_server.base_url, "--model", "x")
    assert code == 2 and err.count("\n") == 1 and "--replace" in err


def test_embedded_profile_with_own_gguf(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    gguf = tmp_path / "my-model.gguf"
    gguf.write_bytes(b"GGUF")
    code, _, _ = run(capsys, "profiles", "add", "mine", "--kind", "embedded", "--gguf", str(gguf))
    assert code == 0
    info = json.loads(run(capsys, "profiles", "show", "mine")[1])
    assert info["kind"] == "embedded" and info["gguf"] == str(gguf) and info["concurrency"] == 1
    assert json.loads(run(capsys, "models", "list", "--profile", "mine", "--json")[1])["models"] == ["my-model.gguf"]


def test_preset_moved_to_another_server_drops_its_key(capsys: pytest.CaptureFixture[str],
                                                      fake_server: FakeOpenAIServer,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-openai-should-not-leak-1")
    code, _, _ = run(capsys, "profiles", "add", "proxy", "--preset", "openai", "--base-url", fake_server.base_url,
                     "--model", "fake-model")
    assert code == 0
    assert run(capsys, "ask", "hello", "--profile", "proxy")[0] == 0
    assert all("sk-openai-should-not-leak-1" not in h.get("authorization", "")
               for h in fake_server.request_headers)


def test_ask_streams_from_server(capsys: pytest.CaptureFixture[str], fake_server: FakeOpenAIServer) -> None:
    add_server_profile(capsys, fake_server)
    fake_server.reply("report is late", "Dear team, the report will be delayed.")
    code, out, err = run(capsys, "ask", "Rewrite more formally: hey team, report is late", "--profile", "srv")
    assert code == 0 and out.strip() == "Dear team, the report will be delayed.", err
    messages = fake_server.last_request["messages"]
    assert messages[0]["role"] == "system" and "hey team" in messages[-1]["content"]


def test_ask_json(capsys: pytest.CaptureFixture[str], fake_server: FakeOpenAIServer) -> None:
    add_server_profile(capsys, fake_server)
    code, out, _ = run(capsys, "ask", "hello", "--profile", "srv", "--json")
    data = json.loads(out)
    assert code == 0 and data["text"] == "hello" and data["tokens_out"] >= 1


def test_models_list_and_test(capsys: pytest.CaptureFixture[str], fake_server: FakeOpenAIServer) -> None:
    add_server_profile(capsys, fake_server)
    code, out, _ = run(capsys, "models", "list", "--profile", "srv")
    assert code == 0 and out.split() == ["*", "fake-model", "fake-model-2"]
    fake_server.set_default("ready")
    code, out, _ = run(capsys, "models", "test", "--profile", "srv", "--json")
    data = json.loads(out)
    assert code == 0 and data["model"] == "fake-model" and data["reply"] == "ready" and data["tokens_per_second"] > 0


@pytest.mark.parametrize(
    ("fault", "expected"),
    [("401", 'The key for profile "srv" was rejected'), ("context_length", "too long"),
     ("500", "failed with HTTP 500 after 3 tries")],
)
def test_errors_are_one_line_exit_1(capsys: pytest.CaptureFixture[str], fake_server: FakeOpenAIServer,
                                    fault: str, expected: str) -> None:
    add_server_profile(capsys, fake_server)
    fake_server.fail_next(fault, count=None) if fault == "500" else fake_server.fail_next(fault)
    code, _, err = run(capsys, "ask", "hello", "--profile", "srv")
    assert code == 1 and expected in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_unreachable_server_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    url = unused_port_url()
    run(capsys, "profiles", "add", "gone", "--base-url", url, "--model", "m")
    code, _, err = run(capsys, "ask", "hello", "--profile", "gone")
    assert code == 1 and err == f"desk-copilot: Cannot reach gone at {url} — is the server running?\n"


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "ask")[0] == 2
    assert run(capsys, "profiles", "frobnicate")[0] == 2
    code, _, err = run(capsys, "ask", "hi", "--profile", "nope")
    assert code == 1 and 'No profile named "nope"' in err


def test_keys_set_stdin_and_remove(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                                   fake_server: FakeOpenAIServer) -> None:
    import keyring

    add_server_profile(capsys, fake_server)
    monkeypatch.setattr(sys, "stdin", io.StringIO("sk-from-stdin-000111\n"))
    code, out, _ = run(capsys, "keys", "set", "srv", "--stdin")
    assert code == 0 and "sk-from-stdin" not in out
    stored = json.loads(keyring.get_password("desk-copilot", "srv"))
    assert stored == {"origin": f"http://127.0.0.1:{fake_server.port}", "key": "sk-from-stdin-000111"}
    code, out, _ = run(capsys, "keys", "status")
    assert "srv" in out and "keyring" in out and "sk-from" not in out
    assert run(capsys, "keys", "remove", "srv")[0] == 0
    assert keyring.get_password("desk-copilot", "srv") is None


def test_keys_set_without_keyring_backend(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                                          isolated_home: Path) -> None:
    import keyring
    from keyring.backends import fail

    keyring.set_keyring(fail.Keyring())
    monkeypatch.setattr(sys, "stdin", io.StringIO("sk-never-stored-222333\n"))
    code, _, err = run(capsys, "keys", "set", "deepseek")
    assert code == 1 and err.count("\n") == 1
    assert "no OS keyring backend" in err and "DEEPSEEK_API_KEY" in err
    for path in isolated_home.rglob("*"):
        if path.is_file():
            assert b"sk-never-stored" not in path.read_bytes()


def test_no_secret_anywhere_after_a_full_run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                                             fake_server: FakeOpenAIServer, isolated_home: Path) -> None:
    """After `keys set` and a full `ask`, the key's text is nowhere under the home, logs or history."""
    secret = "sk-SECRET-abcdef0123456789"
    fake_server.require_key = secret
    add_server_profile(capsys, fake_server, "srv", "--key-required")
    monkeypatch.setattr(sys, "stdin", io.StringIO(secret + "\n"))
    assert run(capsys, "keys", "set", "srv", "--stdin")[0] == 0
    assert run(capsys, "--debug", "ask", "hello", "--profile", "srv")[0] == 0
    fake_server.fail_next("500", count=None)
    code, out, err = run(capsys, "ask", "hello again", "--profile", "srv")
    assert code == 1 and secret not in out + err
    assert fake_server.request_headers[0]["authorization"] == f"Bearer {secret}"
    files = [p for p in isolated_home.rglob("*") if p.is_file()]
    assert any(p.name == "history.sqlite3" for p in files) and any(p.suffix == ".log" for p in files)
    for path in files:
        assert secret.encode() not in path.read_bytes(), path


def test_history_records_runs(capsys: pytest.CaptureFixture[str], fake_server: FakeOpenAIServer) -> None:
    from copilot.history import recent

    add_server_profile(capsys, fake_server)
    run(capsys, "ask", "hello", "--profile", "srv")
    entry = recent(1)[0]
    assert (entry.task, entry.status, entry.profile, entry.model) == ("ask", "ok", "srv", "fake-model")
    assert entry.input_text is None and entry.output_text is None  # text only when the user opts in


def test_installed_entry_point_runs() -> None:
    result = subprocess.run([sys.executable, "-m", "ui.launcher", "--version"], capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.returncode == 0 and result.stdout.startswith("desk-copilot ")
