"""models detect against fake Ollama and LM Studio servers on free ports (the extra-ports setting)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from copilot.cli.main import main
from copilot.models.detect import detect_servers
from copilot.settings import load_settings, save_settings
from tests.fake_local_servers import FakeLocalServer, lmstudio_routes, ollama_routes


@pytest.fixture
def servers() -> Iterator[tuple[FakeLocalServer, FakeLocalServer]]:
    with FakeLocalServer(ollama_routes(["nomic-embed-text:latest", "qwen2.5:7b"])) as ollama, \
            FakeLocalServer(lmstudio_routes(["qwen2.5-7b-instruct"])) as lmstudio:
        settings = load_settings()
        settings.extra["models"] = {"detect_ports": [ollama.port, lmstudio.port]}
        save_settings(settings)
        yield ollama, lmstudio


def test_detect_identifies_servers_on_any_port(servers: tuple[FakeLocalServer, FakeLocalServer],
                                               capsys: pytest.CaptureFixture[str]) -> None:
    ollama, lmstudio = servers
    assert main(["models", "detect", "--json"]) == 0
    found = {s["port"]: s for s in json.loads(capsys.readouterr().out)["servers"]}
    assert found[ollama.port]["kind"] == "ollama"
    assert found[ollama.port]["models"] == ["nomic-embed-text:latest", "qwen2.5:7b"]
    assert found[lmstudio.port]["kind"] == "lmstudio"
    assert found[lmstudio.port]["base_url"] == f"http://127.0.0.1:{lmstudio.port}/v1"


def test_detect_add_creates_profiles_with_a_chat_model(servers: tuple[FakeLocalServer, FakeLocalServer],
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    ollama, lmstudio = servers
    assert main(["models", "detect", "--add"]) == 0
    out = capsys.readouterr().out
    assert f"Ollama on http://127.0.0.1:{ollama.port}/v1: nomic-embed-text:latest, qwen2.5:7b" in out
    profiles = load_settings().profiles
    assert profiles[f"ollama-{ollama.port}"]["model"] == "qwen2.5:7b"  # not the embedding model
    assert profiles[f"lmstudio-{lmstudio.port}"]["base_url"] == f"http://127.0.0.1:{lmstudio.port}/v1"


def test_closed_and_foreign_ports_are_skipped() -> None:
    with FakeLocalServer({"/": {"hello": "not a model server"}}) as other:
        port = other.port
        assert detect_servers([port], timeout=0.5) == []
    assert detect_servers([port], timeout=0.5) == []  # closed now: refused at once
