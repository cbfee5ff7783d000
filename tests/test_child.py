"""copilot.child: a core task run in a real child process, its events and errors read back."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import docx
import pytest

from copilot.cancel import CancelToken
from copilot.child import run_in_child
from copilot.errors import AuthError, BadDocument, Cancelled, KeyMissing, WorkerFailed
from copilot.events import Done, Progress, Started
from copilot.models import get_profile
from copilot.secrets import set_key
from copilot.tasks.polish_docx import PolishOptions, PolishResult
from tests import test_polish_fakes as fakes
from tests.conftest import add_fake_profile

POLISH = "copilot.tasks.polish_docx:polish_docx"


def make_doc(path: Path, n: int) -> Path:
    d = docx.Document()
    for i in range(n):
        d.add_paragraph(f"Paragraph {i}: please check the draft and send your comments.")
    d.save(str(path))
    return path


def sent_texts(server: Any) -> list[str]:
    return [p["text"] for req in server.requests for p in fakes.request_paragraphs(req)]


def polish_kwargs(src: Path, out: Path, mode: str = "track") -> dict[str, Any]:
    return {"src": src, "output": out, "options": PolishOptions(mode=mode)}  # type: ignore[arg-type]


def test_polish_in_a_child_yields_the_same_events_and_result(fake_server: Any, fake_profile: str,
                                                             tmp_path: Path) -> None:
    fake_server.set_default(fakes.kindly)
    src, out = make_doc(tmp_path / "in.docx", 40), tmp_path / "out.docx"
    before = src.read_bytes()
    events = list(run_in_child(POLISH, polish_kwargs(src, out, "clean"), cancel=CancelToken(),
                               provider_profile=fake_profile))
    assert isinstance(events[0], Started)
    assert any(isinstance(e, Progress) for e in events)
    done = events[-1]
    assert isinstance(done, Done) and isinstance(done.result, PolishResult)
    assert done.result.changed == 40 and done.result.output == out
    assert fake_server.request_count >= 1  # the child talked to the server over HTTP
    text = [p.text for p in docx.Document(str(out)).paragraphs]
    assert text[0] == "Paragraph 0: kindly review the draft and send your comments."
    assert src.read_bytes() == before


def test_the_key_is_read_in_the_parent_and_handed_to_the_child(fake_server: Any, tmp_path: Path) -> None:
    # The test's keyring lives in this process only: the child can have the key only through us.
    name = add_fake_profile(fake_server, "keyed")
    set_key(get_profile(name), "sk-child-secret")
    fake_server.require_key = "sk-child-secret"
    fake_server.set_default(fakes.kindly)
    src, out = make_doc(tmp_path / "in.docx", 3), tmp_path / "out.docx"
    events = list(run_in_child(POLISH, polish_kwargs(src, out), cancel=CancelToken(), provider_profile=name))
    assert isinstance(events[-1], Done) and events[-1].result.changed == 3
    assert fake_server.calls[-1].api_key == "sk-child-secret"


def test_typed_errors_cross_the_process_boundary(fake_server: Any, tmp_path: Path) -> None:
    name = add_fake_profile(fake_server, "keyed")
    set_key(get_profile(name), "sk-wrong")
    fake_server.require_key = "sk-right"
    src = make_doc(tmp_path / "in.docx", 3)
    with pytest.raises(AuthError) as info:
        list(run_in_child(POLISH, polish_kwargs(src, tmp_path / "out.docx"), cancel=CancelToken(),
                          provider_profile=name))
    assert "sk-wrong" not in str(info.value)
    log_file = tmp_path / "desk-copilot-home" / "logs" / "desk-copilot.log"
    if log_file.exists():  # the child's log: the key it was handed is redacted
        assert "sk-wrong" not in log_file.read_text(encoding="utf-8", errors="replace")

    bad = tmp_path / "broken.docx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(BadDocument) as doc_error:
        list(run_in_child(POLISH, polish_kwargs(bad, tmp_path / "o.docx"), cancel=CancelToken(),
                          provider_profile=add_fake_profile(fake_server)))
    assert "broken.docx" in str(doc_error.value)


def test_a_missing_key_fails_in_the_parent_before_any_child_starts(fake_server: Any, tmp_path: Path) -> None:
    name = add_fake_profile(fake_server, "needs-key", key_required=True)
    with pytest.raises(KeyMissing):
        list(run_in_child(POLISH, polish_kwargs(make_doc(tmp_path / "in.docx", 1), tmp_path / "o.docx"),
                          cancel=CancelToken(), provider_profile=name))
    assert fake_server.request_count == 0


def test_cancel_stops_the_child_and_a_rerun_resumes(fake_server: Any, tmp_path: Path) -> None:
    name = add_fake_profile(fake_server, "serial", concurrency=1, context_window=1200)
    fake_server.set_default(fakes.kindly)
    fake_server.latency = 0.2
    src, out = make_doc(tmp_path / "long.docx", 60), tmp_path / "long.out.docx"
    token = CancelToken()
    with pytest.raises(Cancelled):  # as when the task runs in this process
        for event in run_in_child(POLISH, polish_kwargs(src, out), cancel=token, provider_profile=name):
            if isinstance(event, Progress) and event.done > 0:
                token.cancel()
    assert not out.exists()
    first = sent_texts(fake_server)
    assert 0 < len(first) < 60

    fake_server.reset()
    fake_server.set_default(fakes.kindly)
    events = list(run_in_child(POLISH, polish_kwargs(src, out), cancel=CancelToken(), provider_profile=name))
    assert isinstance(events[-1], Done) and events[-1].result.changed == 60
    second = sent_texts(fake_server)
    # The chunks finished before the cancel came from the child's cache, not from the server again.
    assert len(second) < 60 and len(set(first) | set(second)) == 60


def test_closing_the_generator_early_ends_the_child(fake_server: Any, tmp_path: Path,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    name = add_fake_profile(fake_server, "serial", concurrency=1, context_window=1200)
    fake_server.set_default(fakes.kindly)
    fake_server.latency = 0.3
    events = run_in_child(POLISH, polish_kwargs(make_doc(tmp_path / "long.docx", 60), tmp_path / "o.docx"),
                          cancel=CancelToken(), provider_profile=name)
    assert isinstance(next(events), Started)
    events.close()  # what the app's runner does with a replaced job: the child sees EOF and stops
    assert "ignored cancel" not in caplog.text


class _ExitOnUnpickle:
    """Unpickling this ends the process at once: a child that dies without an answer."""

    def __reduce__(self) -> tuple[Any, tuple[int]]:
        return (os._exit, (3,))


def test_a_child_that_dies_gives_a_one_line_error(tmp_path: Path) -> None:
    with pytest.raises(WorkerFailed) as info:
        list(run_in_child(POLISH, {"src": _ExitOnUnpickle()}, cancel=CancelToken()))
    message = str(info.value)
    assert "exit code 3" in message and "\n" not in message
    assert "desk-copilot.log" in message


def test_only_copilot_tasks_run_in_a_child() -> None:
    with pytest.raises(ValueError):
        list(run_in_child("os:system", {"command": "true"}, cancel=CancelToken()))


def test_a_cancelled_token_starts_no_child(fake_server: Any, fake_profile: str, tmp_path: Path) -> None:
    token = CancelToken()
    token.cancel()
    assert list(run_in_child(POLISH, polish_kwargs(make_doc(tmp_path / "in.docx", 2), tmp_path / "o.docx"),
                             cancel=token, provider_profile=fake_profile)) == []
    assert fake_server.request_count == 0


def test_a_prestarted_spare_runs_the_next_task(fake_server: Any, fake_profile: str, tmp_path: Path) -> None:
    import copilot.child as child

    fake_server.set_default(fakes.kindly)
    child.prestart("copilot.tasks.polish_docx", "copilot.models.openai_compatible")
    spare = next(iter(child._spares.values()))[1]
    src, out = make_doc(tmp_path / "in.docx", 3), tmp_path / "out.docx"
    events = list(run_in_child(POLISH, polish_kwargs(src, out), cancel=CancelToken(), provider_profile=fake_profile))
    assert isinstance(events[-1], Done) and events[-1].result.changed == 3
    assert spare.returncode == 0 and not child._spares  # the spare did the work and was used up


def test_a_spare_from_another_home_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import copilot.child as child

    child.prestart("copilot.tasks.polish_docx")
    old = next(iter(child._spares.values()))[1]
    monkeypatch.setenv("DESK_COPILOT_HOME", str(tmp_path / "other-home"))
    assert child._take_spare("copilot.tasks.polish_docx") is None  # other settings, other caches
    child.prestart("copilot.tasks.polish_docx")  # replaces it for the new home
    assert old.poll() is not None
    child.stop_spares()
    assert not child._spares
