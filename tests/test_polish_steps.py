"""The polish's shared steps: proposing writes nothing, and the review's save (read → apply → write
with every proposal accepted) writes the very document the task writes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import docx

from copilot.cancel import CancelToken
from copilot.events import Done, Event, Started
from copilot.models import get_provider
from copilot.prompts import get_template
from copilot.tasks.polish.document import read_document
from copilot.tasks.polish.propose import Proposals, propose_rewrites
from copilot.tasks.polish.results import PolishOptions, PolishResult
from copilot.tasks.polish.review import save_reviewed
from copilot.tasks.polish_docx import polish_docx
from tests import test_polish_fakes as fakes
from tests.conftest import add_fake_profile

TEXTS = ["Please read the draft before Monday.", "", "We meet on Monday at 10.", "Send it to the team today."]


def _docx(path: Path) -> Path:
    document = docx.Document()
    for text in TEXTS:
        document.add_paragraph(text)
    document.save(str(path))
    return path


def _drain(gen: Any) -> tuple[list[Event], Any]:
    events: list[Event] = []
    while True:
        try:
            events.append(next(gen))
        except StopIteration as stop:
            return events, stop.value


def test_propose_writes_nothing_and_review_save_matches_the_task(fake_server: Any, tmp_path: Path) -> None:
    profile = add_fake_profile(fake_server, "steps")
    fake_server.set_default(fakes.model(fakes.upper))
    src = _docx(tmp_path / "memo.docx")
    before = sorted(p.name for p in tmp_path.iterdir())

    doc = read_document(src)
    events, proposals = _drain(propose_rewrites(get_provider(profile), get_template("polish.polish"), doc,
                                                PolishOptions(use_cache=False), CancelToken()))
    assert isinstance(events[0], Started) and isinstance(proposals, Proposals)
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # proposing wrote nothing
    changed = proposals.changed()
    assert sorted(changed) == [1, 3, 4] and changed[1] == TEXTS[0].upper()

    task_out = tmp_path / "task.docx"
    result = next(e for e in polish_docx(get_provider(profile), src, task_out, PolishOptions(mode="clean"))
              if isinstance(e, Done)).result
    assert isinstance(result, PolishResult) and result.changed == 3

    review_out = tmp_path / "review.docx"
    accepted = {n: (doc.maps[n - 1].text, rewrite) for n, rewrite in changed.items()}
    saved = next(e for e in save_reviewed(src, review_out, accepted, "clean", "Tester", CancelToken())
             if isinstance(e, Done)).result
    assert saved == (review_out, 3)
    task_texts = [p.text for p in docx.Document(str(task_out)).paragraphs]
    review_texts = [p.text for p in docx.Document(str(review_out)).paragraphs]
    assert review_texts == task_texts == [t.upper() for t in TEXTS]
