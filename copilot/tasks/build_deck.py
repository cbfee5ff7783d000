"""``build``: an outline (Markdown file or Outline) made into a .pptx in the user's template."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from copilot.atomic import check_output
from copilot.cancel import CancelToken
from copilot.documents.decks.build import build_presentation, save_deck
from copilot.documents.decks.outline import Outline, read_outline_file
from copilot.errors import EmptyDocument
from copilot.events import Done, Event, Notice, Progress, Started

__all__ = ["BuildResult", "build_deck"]


@dataclass(frozen=True)
class BuildResult:
    path: Path
    slides: int
    added_for_overflow: int
    template: str


def build_deck(outline: Outline | str | Path, output: str | Path, *, template: str | Path | None = None,
               force: bool = False, cancel: CancelToken | None = None) -> Iterator[Event]:
    """Build ``outline`` (an Outline or the path of an outline .md) into ``output``.

    The output is written atomically and only at the end; OutputExists is raised before any work
    when it exists and ``force`` is false.
    """
    out = Path(output)
    check_output(out, force=force)
    if not isinstance(outline, Outline):
        source = Path(outline)
        outline = read_outline_file(source)
        if not outline.slides and not outline.title:
            raise EmptyDocument(source, "has no slides — add '## Slide title' sections")
    yield Started("build", outline.slide_count())
    progress: list[tuple[int, int]] = []
    prs, report = build_presentation(outline, template, cancel,
                                     progress=lambda done, total: progress.append((done, total)))
    for done, total in progress:
        yield Progress(done, total)
    for message in report.notices:
        yield Notice(message)
    if report.added_for_overflow:
        yield Notice(f"{report.added_for_overflow} slide(s) added so that long slides do not overflow "
                     "(titled '… (cont.)')")
    save_deck(prs, out, force=force)
    yield Done(BuildResult(out, report.slides, report.added_for_overflow, report.template))
