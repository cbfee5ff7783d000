"""Shared fixtures: every test gets its own DESK_COPILOT_HOME and an in-memory keyring, so no test
touches the real home or the OS key store; model calls go to a real local fake server."""

from __future__ import annotations

import importlib.abc
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

if os.environ.get("DESK_COPILOT_BLOCK_QT") == "1":
    # The core suite runs once with Qt unimportable: proves copilot/ works without it.
    class _BlockQt(importlib.abc.MetaPathFinder):
        def find_spec(self, name: str, path: object = None, target: object = None) -> None:
            if name.split(".")[0] in {"PySide6", "shiboken6"}:
                raise ModuleNotFoundError(f"No module named {name!r} (blocked for this test run)", name=name)
            return None

    sys.meta_path.insert(0, _BlockQt())

_KEY_VARS = ("OPENAI_API_KEY", "DASHSCOPE_API_KEY", "DEEPSEEK_API_KEY")


BUNDLED_CORPUS = ROOT / "tests" / "corpus"


def find_full_corpus() -> Path | None:
    """The full shared corpus (extra coverage): $DESK_COPILOT_CORPUS or ../shared/corpus, if present."""
    candidates = [Path(os.environ["DESK_COPILOT_CORPUS"])] if os.environ.get("DESK_COPILOT_CORPUS") else []
    candidates.append(ROOT.parent / "shared" / "corpus")
    for candidate in candidates:
        if candidate.is_dir():
            return candidate.resolve()
    return None


def corpus_roots() -> list[object]:
    """Parameters for whole-corpus tests: the bundled files always, the full corpus when present."""
    full = find_full_corpus()
    return [pytest.param(BUNDLED_CORPUS, id="bundled"),
            pytest.param(full, id="full", marks=pytest.mark.skipif(full is None, reason="no ../shared/corpus"))]


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    import keyring

    from copilot.logsetup import configure_logging
    from copilot.models import clear_provider_cache
    from tests.memory_keyring import MemoryKeyring

    home = tmp_path / "desk-copilot-home"
    home.mkdir()
    monkeypatch.setenv("DESK_COPILOT_HOME", str(home))
    for var in _KEY_VARS:
        monkeypatch.delenv(var, raising=False)
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    clear_provider_cache()
    configure_logging()
    yield home
    clear_provider_cache()
    keyring.set_keyring(previous)


@pytest.fixture
def memory_keyring() -> object:
    import keyring

    return keyring.get_keyring()


@pytest.fixture
def fake_server() -> Iterator[object]:
    from tests.fake_openai_server import FakeOpenAIServer

    with FakeOpenAIServer(models=["fake-model", "fake-model-2"]) as server:
        yield server


def add_fake_profile(server: object, name: str = "fake", **changes: object) -> str:
    """Register a profile pointing at ``server`` and return its name."""
    import dataclasses

    from copilot.models.profiles import Profile, add_profile

    profile = Profile(name, base_url=server.base_url, model="fake-model", timeout=10.0,  # type: ignore[attr-defined]
                      concurrency=4, retries=3, context_window=8192)
    add_profile(dataclasses.replace(profile, **changes), replace=True)  # type: ignore[arg-type]
    return name


@pytest.fixture
def fake_profile(fake_server: object) -> str:
    """A profile named "fake" pointing at the fake server."""
    return add_fake_profile(fake_server)


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """The corpus files the tests need, bundled in tests/corpus (see SOURCES.md there)."""
    return BUNDLED_CORPUS


@pytest.fixture(scope="session")
def examples_dir() -> Path:
    return ROOT / "examples"


def history_runs(*query: str) -> list[dict[str, object]]:
    """What ``desk-copilot history --json [QUERY]`` prints, parsed."""
    import contextlib
    import io
    import json

    from copilot.cli.main import main

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        assert main(["history", "--json", "--limit", "100", *query]) == 0
    runs = json.loads(buffer.getvalue())
    assert isinstance(runs, list)
    return runs
