"""models catalogue/get/remove against a real HTTP hub on 127.0.0.1 serving the shipped SmolLM2 GGUF
under the Hugging Face and ModelScope layouts (tests/fake_hub.py), with injected faults."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from copilot.cli.main import main
from copilot.models.catalogue import CATALOGUE, GB, find_model, recommended
from copilot.settings import load_settings
from tests.fake_hub import FakeHub, smollm2_gguf

MODEL = "qwen2.5-0.5b-instruct"
REPO = "Qwen/Qwen2.5-0.5B-Instruct-GGUF"
FILE = "qwen2.5-0.5b-instruct-q4_k_m.gguf"
GGUF = smollm2_gguf()
SIZE = GGUF.stat().st_size


@pytest.fixture(scope="module")
def gguf_sha() -> str:
    return hashlib.sha256(GGUF.read_bytes()).hexdigest()


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeHub]:
    with FakeHub({REPO: {FILE: GGUF}, "Qwen/Qwen3-0.6B-GGUF": {"Qwen3-0.6B-Q8_0.gguf": GGUF}}) as running:
        monkeypatch.setenv("DESK_COPILOT_HF_ENDPOINT", running.base_url)
        monkeypatch.setenv("DESK_COPILOT_MODELSCOPE_ENDPOINT", running.base_url)
        for var in ("HF_ENDPOINT", "MODELSCOPE_ENDPOINT", "http_proxy", "HTTP_PROXY", "https_proxy",
                    "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
            monkeypatch.delenv(var, raising=False)
        yield running


def _dest(home: Path, model: str = MODEL, file: str = FILE) -> Path:
    return home / "data" / "models" / model / file


def _profile(name: str) -> dict[str, object] | None:
    return load_settings().profiles.get(name)


def test_catalogue_lists_real_repos_and_fits(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["models", "catalogue", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    ids = {m["id"] for m in data["models"]}
    assert {"qwen2.5-0.5b-instruct", "qwen2.5-1.5b-instruct", "qwen2.5-3b-instruct", "qwen2.5-7b-instruct",
            "qwen3-0.6b", "llama3.2-1b-instruct", "llama3.2-3b-instruct", "qwen3-embedding-0.6b"} <= ids
    three = find_model("qwen2.5-3b-instruct")
    assert three.sources["huggingface"].repo == "Qwen/Qwen2.5-3B-Instruct-GGUF"
    assert three.sources["modelscope"].files == ("qwen2.5-3b-instruct-q4_k_m.gguf",)
    assert not find_model("qwen2.5-7b-instruct").fits(4 * GB) and find_model("qwen2.5-7b-instruct").fits(16 * GB)
    pick = recommended(16 * GB)
    assert pick is not None and pick.fits(16 * GB) and "zh" in pick.languages
    assert recommended(1 * GB) is None
    assert all(m.sources for m in CATALOGUE)


def test_full_download_registers_profile_and_second_get_does_nothing(
        hub: FakeHub, isolated_home: Path, gguf_sha: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["models", "get", MODEL]) == 0
    dest = _dest(isolated_home)
    assert dest.read_bytes()[:4] == b"GGUF" and dest.stat().st_size == SIZE
    assert not dest.with_name(FILE + ".part").exists()
    profile = _profile(MODEL)
    assert profile is not None and profile["kind"] == "embedded" and profile["gguf"] == str(dest)
    record = json.loads((dest.parent / "model.json").read_text())
    assert record["sha256"] == {FILE: gguf_sha} and record["verified"] is True
    assert "SHA-256 verified" in capsys.readouterr().out
    before = len(hub.file_requests())
    assert main(["models", "get", MODEL]) == 0
    assert "already downloaded" in capsys.readouterr().out
    assert len(hub.file_requests()) == before


def test_modelscope_layout_uses_its_file_list_hash(hub: FakeHub, isolated_home: Path) -> None:
    assert main(["models", "get", "qwen3-0.6b", "--source", "modelscope", "--name", "small"]) == 0
    paths = [r.path for r in hub.requests]
    assert "/api/v1/models/Qwen/Qwen3-0.6B-GGUF/repo/files" in paths
    assert "/models/Qwen/Qwen3-0.6B-GGUF/resolve/master/Qwen3-0.6B-Q8_0.gguf" in paths
    assert _profile("small") is not None and _dest(isolated_home, "qwen3-0.6b", "Qwen3-0.6B-Q8_0.gguf").is_file()


def test_cut_at_40_percent_resumes_with_only_the_rest(hub: FakeHub, isolated_home: Path) -> None:
    hub.cut_next(0.4)
    assert main(["models", "get", MODEL]) == 0
    first, second = hub.file_requests()
    assert first.range is None and abs(first.bytes_sent - 0.4 * SIZE) < 1 << 20
    assert second.range == f"bytes={first.bytes_sent}-"
    assert second.bytes_sent == SIZE - first.bytes_sent
    assert _dest(isolated_home).stat().st_size == SIZE


def test_interrupted_download_survives_a_restart(hub: FakeHub, isolated_home: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("copilot.models.download._BACKOFF", 0.01)
    hub.cut_next(0.4, times=10)  # every attempt breaks: the automatic retries give up
    assert main(["models", "get", MODEL]) == 1
    err = capsys.readouterr().err
    assert "connection broke" in err and "run the same command again" in err and "Traceback" not in err
    part = _dest(isolated_home).with_name(FILE + ".part")
    kept = part.stat().st_size
    assert abs(kept - 0.4 * SIZE) < 1 << 20 and _profile(MODEL) is None and not _dest(isolated_home).exists()
    hub.cuts.clear()
    fetched_before = sum(r.bytes_sent for r in hub.file_requests())
    assert main(["models", "get", MODEL]) == 0  # a new process would find the same .part and .part.json
    fetched = sum(r.bytes_sent for r in hub.file_requests()) - fetched_before
    assert fetched == SIZE - kept
    assert "resuming" in capsys.readouterr().err


def test_wrong_hash_is_refused_and_nothing_registered(hub: FakeHub, isolated_home: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    hub.wrong_hash = True
    assert main(["models", "get", MODEL]) == 1
    err = capsys.readouterr().err
    assert "does not match" in err and "nothing registered" in err
    folder = _dest(isolated_home).parent
    assert not any(p.suffix in (".gguf", ".part") for p in folder.iterdir())
    assert _profile(MODEL) is None


def test_sha256_flag_is_checked(hub: FakeHub, isolated_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"{hub.base_url}/{REPO}/resolve/main/{FILE}"
    assert main(["models", "get", "--url", url, "--sha256", "0" * 64, "--name", "mine"]) == 1
    assert "does not match" in capsys.readouterr().err and _profile("mine") is None


def test_server_ignoring_range_starts_over(hub: FakeHub, isolated_home: Path, gguf_sha: str,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    hub.ignore_range = True
    hub.cut_next(0.4)
    assert main(["models", "get", MODEL]) == 0
    assert "does not resume" in capsys.readouterr().err
    assert hashlib.sha256(_dest(isolated_home).read_bytes()).hexdigest() == gguf_sha
    assert [r.status for r in hub.file_requests()] == [200, 200]


@pytest.mark.parametrize(("setup", "expected"), [
    ("404", "not found on huggingface (404)"),
    ("401", "is gated on huggingface (401)"),
    ("429", "rate-limiting downloads (retry after 120 s)"),
    ("disk", "free — free some space"),
])
def test_hub_errors_are_one_line(hub: FakeHub, isolated_home: Path, capsys: pytest.CaptureFixture[str],
                                 setup: str, expected: str) -> None:
    model = MODEL
    if setup == "404":
        model = "qwen3-4b"  # not on this hub
    elif setup == "401":
        hub.gated.add(REPO)
    elif setup == "429":
        hub.fail_next(429, retry_after=120)
    else:
        hub.advertised_size = 10**15
    assert main(["models", "get", model]) == 1
    err = capsys.readouterr().err.strip()
    assert expected in err and "\n" not in err and "Traceback" not in err
    assert _profile(model) is None


def test_short_429_on_the_file_is_retried(hub: FakeHub, isolated_home: Path) -> None:
    hub.fail_next(429, retry_after=0)  # the file list is an /api/ call: the fault hits the file itself
    assert main(["models", "get", MODEL, "--source", "modelscope"]) == 0
    assert [r.status for r in hub.requests if r.path.startswith("/models/")] == [429, 200]


def test_unreachable_source_suggests_the_other_and_a_mirror(
        hub: FakeHub, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.fake_openai_server import unused_port_url

    monkeypatch.setenv("DESK_COPILOT_HF_ENDPOINT", unused_port_url())
    assert main(["models", "get", MODEL]) == 1
    err = capsys.readouterr().err
    assert "cannot be reached" in err and "--source modelscope" in err and "hf-mirror" in err


def test_proxy_from_environment_is_used(hub: FakeHub, monkeypatch: pytest.MonkeyPatch, isolated_home: Path) -> None:
    # The hub doubles as an HTTP proxy: the hub's host name below does not resolve, so the
    # download can only succeed through the proxy.
    monkeypatch.setenv("DESK_COPILOT_HF_ENDPOINT", "http://hub.invalid")
    monkeypatch.setenv("http_proxy", hub.base_url)
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.delenv("NO_PROXY", raising=False)
    assert main(["models", "get", MODEL]) == 0
    assert hub.requests and all(r.proxied for r in hub.requests)


def test_mirror_source_and_remove(hub: FakeHub, isolated_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["models", "get", MODEL, "--source", hub.base_url]) == 0
    assert main(["profiles", "use", MODEL]) == 0
    assert main(["models", "remove", MODEL]) == 0
    assert MODEL in capsys.readouterr().out
    assert not _dest(isolated_home).parent.exists() and _profile(MODEL) is None
    assert load_settings().default_profile == "embedded"
    assert main(["models", "remove", MODEL]) == 2


@pytest.mark.embedded
def test_ask_answers_on_the_downloaded_profile(hub: FakeHub, capsys: pytest.CaptureFixture[str]) -> None:
    from copilot.settings import save_settings

    assert main(["models", "get", MODEL, "--name", "local-small"]) == 0
    capsys.readouterr()
    settings = load_settings()  # a short answer keeps the test quick; the code path is the same
    settings.profiles["local-small"]["max_tokens"] = 48
    save_settings(settings)
    assert main(["ask", "--profile", "local-small", "--json", "Say hello."]) == 0
    reply = json.loads(capsys.readouterr().out)
    assert reply["profile"] == "local-small" and reply["text"].strip()
    assert reply["model"] == Path(FILE).stem
