"""The polish task: resume after a cancel, concurrency, failed chunks, identical paragraphs asked once."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import docx
import pytest

from copilot.cancel import CancelToken
from copilot.errors import Cancelled
from copilot.events import Done, Notice, Progress, Started
from copilot.models import get_provider
from copilot.paths import cache_dir
from copilot.tasks.polish_docx import PolishOptions, PolishResult, polish_docx
from tests import test_polish_fakes as fakes
from tests.conftest import add_fake_profile


def make_doc(path: Path, n: int, repeat: int = 1) -> Path:
    d = docx.Document()
    for i in range(n):
        d.add_paragraph(f"Paragraph number {i // repeat} says something about the quarterly draft plan.")
    d.save(str(path))
    return path


def sent_texts(server: Any) -> list[str]:
    return [p["text"] for req in server.requests for p in fakes.request_paragraphs(req)]


def run(provider_name: str, src: Path, out: Path, cancel: CancelToken | None = None, **options: Any) -> PolishResult:
    result = None
    for event in polish_docx(get_provider(provider_name), src, out, PolishOptions(**options), cancel):
        if isinstance(event, Done):
            result = event.result
    assert isinstance(result, PolishResult)
    return result


def test_resume_after_cancel_asks_only_what_is_missing(fake_server: Any, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    profile = add_fake_profile(fake_server, "serial", concurrency=1, context_window=1200)
    fake_server.set_default(fakes.model(fakes.upper))
    src = make_doc(tmp_path / "long.docx", 60)
    out = tmp_path / "long.polished.docx"
    # The worker takes its next chunk as soon as a reply is in, so a request may be in flight when
    # the job is cancelled: it never finishes and is asked again. A finished chunk never is.
    finished = fakes.record_finished_chunks(monkeypatch)
    token = CancelToken()
    events = polish_docx(get_provider(profile), src, out, PolishOptions(), token)
    with pytest.raises(Cancelled):
        for event in events:
            if isinstance(event, Progress) and event.done > 0:
                token.cancel()  # "kill the job" after the first chunk finished
    assert not out.exists()
    first = list(finished)
    first_requests = fake_server.request_count
    assert 0 < len(first) < 60

    fake_server.reset()
    result = run(profile, src, out)
    second = sent_texts(fake_server)
    assert not set(first) & set(second), "finished chunks were asked again"
    assert set(first) | set(second) == {f"Paragraph number {i} says something about the quarterly draft plan."
                                           for i in range(60)}
    assert result.changed == 60
    # store_text_in_history is off (the default): the finished job kept no document text on disk.
    assert not list((cache_dir() / "polish").glob("*/*.json"))
    assert first_requests >= 1


def test_concurrency_bounded_by_profile_and_option(fake_server: Any, tmp_path: Path) -> None:
    profile = add_fake_profile(fake_server, "wide", concurrency=3, context_window=1000)
    fake_server.latency = 0.05
    fake_server.set_default(fakes.model(fakes.identity))
    src = make_doc(tmp_path / "d.docx", 60)
    result = run(profile, src, tmp_path / "o.docx", use_cache=False)
    assert result.unchanged == 60 and fake_server.request_count >= 4
    assert 1 < fake_server.max_in_flight <= 3
    fake_server.reset()
    fake_server.latency = 0.05
    fake_server.set_default(fakes.model(fakes.identity))
    run(profile, src, tmp_path / "o2.docx", use_cache=False, concurrency=1)
    assert fake_server.max_in_flight == 1


def test_identical_paragraphs_asked_once(fake_server: Any, fake_profile: str, tmp_path: Path) -> None:
    fake_server.set_default(fakes.model(fakes.upper))
    src = make_doc(tmp_path / "rep.docx", 12, repeat=4)
    result = run(fake_profile, src, tmp_path / "o.docx")
    assert len(sent_texts(fake_server)) == 3
    assert result.changed == 12


def test_failed_chunk_is_reported_and_rest_completes(fake_server: Any, fake_profile: str, tmp_path: Path) -> None:
    good = fakes.model(fakes.upper)

    def flaky(request: dict[str, Any]) -> str:
        if any("number 2 " in p["text"] for p in fakes.request_paragraphs(request)):
            return "this is not JSON at all"
        return good(request)

    fake_server.set_default(flaky)
    src = make_doc(tmp_path / "d.docx", 5)
    events = list(polish_docx(get_provider(fake_profile), src, tmp_path / "o.docx", PolishOptions(use_cache=False)))
    result = events[-1].result  # type: ignore[union-attr]
    assert isinstance(events[0], Started)
    assert result.changed == 4
    assert [o.paragraph for o in result.rejected] == [3]
    assert "model request failed" in result.rejected[0].reason
    assert any(isinstance(e, Notice) and "paragraph 3" in e.message for e in events)
    texts = [p.text for p in docx.Document(str(tmp_path / "o.docx")).paragraphs]
    assert texts[2] == "Paragraph number 2 says something about the quarterly draft plan."


def test_wrong_ids_are_retried_singly_never_misapplied(fake_server: Any, fake_profile: str, tmp_path: Path) -> None:
    def shuffled(request: dict[str, Any]) -> str:
        items = fakes.request_paragraphs(request)
        if len(items) > 1:  # answers under the wrong ids
            return json.dumps({"paragraphs": [{"id": p["id"], "text": q["text"].upper()}
                                              for p, q in zip(items, items[1:] + items[:1], strict=True)]})
        return json.dumps({"paragraphs": [{"id": "7", "text": items[0]["text"].upper()}]})

    fake_server.set_default(shuffled)
    src = make_doc(tmp_path / "d.docx", 4)
    result = run(fake_profile, src, tmp_path / "o.docx", use_cache=False)
    # Every id "matches" but texts are rotated: the guards or ids must keep each paragraph its own.
    texts = [p.text for p in docx.Document(str(tmp_path / "o.docx")).paragraphs]
    for i, text in enumerate(texts):
        assert text.lower() == f"paragraph number {i} says something about the quarterly draft plan."
    assert result.changed + len(result.rejected) == 4


def test_plain_text_template_one_paragraph_per_request(fake_server: Any, fake_profile: str, tmp_path: Path) -> None:
    from copilot.prompts import user_prompts_dir

    folder = user_prompts_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "mine.shout.md").write_text(
        "---\nid: mine.shout\nname: Shout\ndescription: Upper-case it\ncategory: mine\nversion: 1\n"
        "applies_to: docx\ninputs:\n  text: {type: text, source: document}\nmodel: {temperature: 0}\n"
        "output: replace\ntests:\n  - inputs: {text: hi}\n    assert: [{type: max_chars, value: 10}]\n---\n"
        "system:\nRepeat the text in capitals.\nuser:\n{{ text }}\n", encoding="utf-8")
    fake_server.set_default(lambda req: req["messages"][-1]["content"].upper())
    src = make_doc(tmp_path / "d.docx", 3)
    result = run(fake_profile, src, tmp_path / "o.docx", template_id="mine.shout")
    assert result.changed == 3 and fake_server.request_count == 3


def test_existing_tracked_changes_are_skipped_with_reason(fake_server: Any, fake_profile: str,
                                                          tmp_path: Path) -> None:
    from docx.oxml import parse_xml

    d = docx.Document()
    d.add_heading("A heading to leave alone", level=1)
    d.add_paragraph("A normal paragraph about the draft.")
    p = d.add_paragraph("Kept text ")
    p._p.append(parse_xml(
        '<w:ins xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" w:id="1" w:author="Bob" '
        'w:date="2024-01-01T00:00:00Z"><w:r><w:t>inserted by Bob</w:t></w:r></w:ins>'))
    src = tmp_path / "tracked.docx"
    d.save(str(src))
    fake_server.set_default(fakes.model(fakes.upper))
    result = run(fake_profile, src, tmp_path / "o.docx", skip_headings=True)
    assert result.changed == 1 and result.paragraphs == 1
    assert [o.reason for o in result.skipped] == ["already has tracked changes — accept or reject them first"]
    assert sent_texts(fake_server) == ["A normal paragraph about the draft."]
    out = docx.Document(str(tmp_path / "o.docx"))
    assert out.paragraphs[0].text == "A heading to leave alone"
    assert "inserted by Bob" in out.paragraphs[2]._p.xml
