"""Polish, outline and ask-sheet against a real third-party server: llama-cpp-python's own
OpenAI-compatible server with the shipped SmolLM2 GGUF, started here on a free 127.0.0.1 port.

That server refuses ``response_format: json_schema`` with HTTP 500 (its request validation). The
tasks must fall back to JSON mode at once — one refused request, no retries — and finish. Inputs
are tiny: it is a 135M model on a shared 2-core machine."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from copilot.errors import BadResponse, UnsafeOutput
from copilot.events import Done
from copilot.models import get_provider
from tests.conftest import add_fake_profile

pytest.importorskip("llama_cpp.server", reason="llama-cpp-python[server] is a test dependency")


class _Server:
    def __init__(self, base_url: str, log: Path) -> None:
        self.base_url = base_url
        self.log = log


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[_Server]:
    from copilot.models.embedded import default_gguf_path

    port = _free_port()
    log = tmp_path_factory.mktemp("llama-server") / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "llama_cpp.server", "--model", str(default_gguf_path()), "--host", "127.0.0.1",
             "--port", str(port), "--n_ctx", "2048", "--n_threads", "1", "--model_alias", "fake-model"],
            stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{base}/models", timeout=2) as reply:
                    if reply.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"llama_cpp.server did not start: {log.read_text(errors='replace')[-2000:]}")
            time.sleep(0.3)
        yield _Server(base, log)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def llama_profile(llama_server: _Server) -> str:
    # A few dozen tokens per reply: a 135M model held to a JSON grammar may emit whitespace until
    # its context is full (~100 s here).
    return add_fake_profile(llama_server, "llamacpp-real", timeout=120.0, concurrency=1, context_window=2048,
                            retries=3, max_tokens=48)


def _format_requests(server: _Server) -> list[str]:
    """The server's access-log lines for chat requests (each ends in its HTTP status)."""
    return [line for line in server.log.read_text(errors="replace").splitlines()
            if '"POST /v1/chat/completions' in line]


def _one_refusal_then_accepted(lines: list[str]) -> None:
    """Each test starts with a fresh home, so the first structured request learns the format again:
    one 500 (json_schema refused), then only accepted requests — no retries of the refusal."""
    assert lines and " 500 " in lines[0], lines
    assert not any(" 500 " in line for line in lines[1:]), lines


def _done(events: Iterator[object]) -> object:
    result = None
    for event in events:
        if isinstance(event, Done):
            result = event.result
    return result


def test_polish_falls_back_to_json_mode(llama_server: _Server, llama_profile: str, tmp_path: Path) -> None:
    import docx

    from copilot.tasks.polish_docx import polish_docx

    src = tmp_path / "note.docx"
    document = docx.Document()
    document.add_paragraph("The meeting are on Monday.")
    document.save(src)
    provider = get_provider(llama_profile)
    before = len(_format_requests(llama_server))
    result = _done(polish_docx(provider, src, tmp_path / "out.docx"))
    assert result is not None and (tmp_path / "out.docx").is_file()
    docx.Document(tmp_path / "out.docx")  # reopens
    assert provider.structured_format == "json_object"  # type: ignore[attr-defined]
    _one_refusal_then_accepted(_format_requests(llama_server)[before:])


def test_outline_falls_back_to_json_mode(llama_server: _Server, llama_profile: str, tmp_path: Path) -> None:
    from copilot.tasks.outline_deck import outline_deck

    provider = get_provider(llama_profile)
    before = len(_format_requests(llama_server))
    try:
        result = _done(outline_deck(provider, topic="Team lunch", slides=2, notes=False, lang="en"))
    except BadResponse as exc:  # the 135M model's content may be unusable; the format was accepted
        assert "HTTP" not in str(exc), exc
    else:
        assert result is not None
    _one_refusal_then_accepted(_format_requests(llama_server)[before:])


def test_ask_sheet_falls_back_to_json_mode(llama_server: _Server, llama_profile: str, tmp_path: Path) -> None:
    import openpyxl

    from copilot.tasks.ask_sheet import ask_sheet

    book = tmp_path / "t.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["name", "amount"])
    ws.append(["a", 1])
    ws.append(["b", 2])
    wb.save(book)
    provider = get_provider(llama_profile)
    before = len(_format_requests(llama_server))
    try:
        result = _done(ask_sheet(provider, book, "What is the total amount?"))
    except (BadResponse, UnsafeOutput) as exc:  # SQL a 135M model writes may not run; not a format error
        assert "HTTP" not in str(exc), exc
    else:
        assert result is not None
    _one_refusal_then_accepted(_format_requests(llama_server)[before:])
