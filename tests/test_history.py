"""History in one place: every CLI run recorded through the task layer, full-text search in Chinese
and English, show/delete/clear, incognito runs nowhere on disk, and a run's key never in the file."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from copilot import history
from copilot.cli.main import main
from copilot.settings import load_settings, save_settings
from tests.conftest import history_runs
from tests.fake_openai_server import FakeOpenAIServer


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _keep_text() -> None:
    settings = load_settings()
    settings.store_text_in_history = True
    save_settings(settings)


def _profile(capsys: pytest.CaptureFixture[str], server: FakeOpenAIServer, *extra: str) -> None:
    code, out, _ = _cli(capsys, "profiles", "add", "srv", "--base-url", server.base_url, "--model", "fake-model",
                        *extra)
    assert code == 0, out


def test_search_finds_runs_by_a_word_of_their_output_in_chinese_and_english() -> None:
    _keep_text()
    zh = history.record(task="ask", status="ok", template="general.ask", profile="srv", source="cli",
                        output_text="华东区域的销售额最高，其次是华北。")
    en = history.record(task="quick", status="ok", template="quick.upper", profile="other", source="quick",
                        output_text="The quarterly revenue grew in the eastern region.")
    failed = history.record(task="polish", status="ServerUnavailable", error="Cannot reach http://127.0.0.1:9/v1")
    assert [e.id for e in history.search("华东")] == [zh]  # a two-character word
    assert [e.id for e in history.search("销售额 华北")] == [zh]  # every word must match
    assert [e.id for e in history.search("东")] == [zh]  # a single character
    assert [e.id for e in history.search("revenue")] == [en]
    assert [e.id for e in history.search("REVEN")] == [en]  # prefix, any case
    assert [e.id for e in history.search("reach")] == [failed]  # errors stay findable
    assert history.search("华南") == [] and history.search("profit") == []
    assert [e.id for e in history.search(task="quick")] == [en]
    assert [e.id for e in history.search(profile="srv")] == [zh]
    assert history.facets()["task"] == ["ask", "polish", "quick"]
    assert history.delete(en) and history.get(en) is None and history.search("revenue") == []
    assert history.clear() == 2 and history.recent() == []


def test_cli_runs_are_recorded_and_listed(capsys: pytest.CaptureFixture[str], fake_server: FakeOpenAIServer) -> None:
    _keep_text()
    _profile(capsys, fake_server)
    fake_server.set_default("东部的收入增长最快。Revenue grew fastest in the east.")
    assert _cli(capsys, "ask", "哪个区域增长最快？", "--profile", "srv", "--json")[0] == 0
    runs = history_runs()
    assert len(runs) == 1
    run = runs[0]
    assert (run["task"], run["source"], run["status"], run["profile"]) == ("ask", "cli", "ok", "srv")
    assert run["output_text"] == "东部的收入增长最快。Revenue grew fastest in the east."
    assert [r["id"] for r in history_runs("收入")] == [run["id"]]
    assert [r["id"] for r in history_runs("fastest")] == [run["id"]]
    assert history_runs("nowhere") == []
    code, out, _ = _cli(capsys, "history", "收入")
    assert code == 0 and "ask" in out and "srv" in out
    code, out, _ = _cli(capsys, "history", "show", str(run["id"]))
    assert code == 0 and "output_text: 东部的收入增长最快" in out
    code, _, err = _cli(capsys, "history", "show", "999")
    assert code != 0 and "999" in err and err[-1] == "\n" and err.count("\n") == 1


def test_incognito_and_the_key_never_reach_the_disk(capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch,
                                                   fake_server: FakeOpenAIServer, isolated_home: Path) -> None:
    _keep_text()
    secret = "sk-HISTORY-0123456789abcdef"
    fake_server.require_key = secret
    _profile(capsys, fake_server, "--key-required")
    monkeypatch.setattr(sys, "stdin", io.StringIO(secret + "\n"))
    assert _cli(capsys, "keys", "set", "srv", "--stdin")[0] == 0
    fake_server.set_default("a recorded reply")
    assert _cli(capsys, "--debug", "ask", "recorded question", "--profile", "srv")[0] == 0
    fake_server.set_default("a private reply")
    assert _cli(capsys, "--debug", "ask", "private question", "--profile", "srv", "--incognito")[0] == 0
    fake_server.fail_next("500", count=None)
    assert _cli(capsys, "ask", "private failure", "--profile", "srv", "--incognito")[0] != 0
    assert [r["output_text"] for r in history_runs()] == ["a recorded reply"]
    files = [p for p in isolated_home.rglob("*") if p.is_file()]
    db = history.history_path()
    assert db in files
    for path in files:
        data = path.read_bytes()
        assert secret.encode() not in data, path
        assert b"private" not in data, path  # not in the history, the log or a cache
    assert b"recorded question" in db.read_bytes()


def test_history_json_lists_entries_newest_first(capsys: pytest.CaptureFixture[str]) -> None:
    first = history.record(task="ask", status="ok")
    second = history.record(task="code", status="check_failed")
    code, out, _ = _cli(capsys, "history", "--json", "--limit", "1")
    assert code == 0 and [r["id"] for r in json.loads(out)] == [second]
    assert first is not None and first < (second or 0)
