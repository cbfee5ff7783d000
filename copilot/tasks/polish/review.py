"""Reviewing a polish run, without Qt: read paragraphs, render a side-by-side diff, save the accepted edits.

The polish task applies every rewrite it accepts; the app lets the user accept or reject each one
afterwards, so saving re-applies just the accepted rewrites to the original file with the same core
primitives the task uses (text map → word diff → tracked/clean edits), in paragraph order.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from copilot.cancel import CancelToken
from copilot.events import Done, Event, Progress, Started

if TYPE_CHECKING:
    from copilot.documents.docx.open import DocxPackage
    from copilot.documents.docx.text_map import ParaMap

__all__ = ["Paragraph", "diff_html", "read_paragraphs", "save_reviewed"]


@dataclass(frozen=True)
class Paragraph:
    number: int
    """1-based, in the order the polish task numbers paragraphs (body, headers/footers, notes)."""
    part: str
    text: str
    heading: bool


def _maps(path: Path) -> tuple[DocxPackage, list[ParaMap]]:
    from copilot.documents.docx.open import open_docx
    from copilot.documents.docx.text_map import iter_paragraphs

    pkg = open_docx(path)
    maps: list[ParaMap] = []
    for part in pkg.text_parts():
        maps.extend(iter_paragraphs(part, pkg.xml(part)))
    return pkg, maps


def read_paragraphs(path: Path, cancel: CancelToken) -> Iterator[Event]:
    """A file job: Done(list[Paragraph]) with every paragraph that has text."""
    yield Started("read", None)
    _, maps = _maps(path)
    out: list[Paragraph] = []
    for n, pm in enumerate(maps):
        cancel.raise_if_cancelled()
        text = pm.text
        if text.strip():
            out.append(Paragraph(n + 1, pm.part, text, bool(pm.heading)))
    yield Done(out)


def diff_html(old: str, new: str) -> tuple[str, str]:
    """(original with deletions red and struck through, rewrite with insertions green) as HTML."""
    from copilot.tasks.polish.report import side_by_side

    # Inline styles: Qt's rich text ignores <del>/<ins> styling from a style sheet.
    return side_by_side(old, new,
                        '<span style="color:#c62828;text-decoration:line-through;background:#fde7e7">{}</span>',
                        '<span style="color:#1b7f2a;background:#e3f6e5">{}</span>')


def save_reviewed(src: Path, out: Path, accepted: Mapping[int, tuple[str, str]],
                  mode: Literal["track", "clean"], author: str, cancel: CancelToken,
                  force: bool = True) -> Iterator[Event]:
    """A file job: apply ``accepted`` ({paragraph number: (original, rewrite)}) to ``src`` → ``out``.

    A paragraph whose text no longer matches the original it was reviewed against is skipped.
    """
    from copilot.atomic import atomic_path
    from copilot.documents.docx.diff import diff_edits
    from copilot.documents.docx.tracked import ChangeStamp, apply_edits, max_annotation_id

    yield Started("save", len(accepted))
    pkg, maps = _maps(src)
    first = max_annotation_id(pkg.xml(p) for p in pkg.text_parts()) + 1
    stamp = ChangeStamp(author=author or "Desk Copilot", first_id=max(first, 1000))
    applied = 0
    for done, (number, (original, rewrite)) in enumerate(sorted(accepted.items()), start=1):
        cancel.raise_if_cancelled()
        if not 1 <= number <= len(maps):
            continue
        pm = maps[number - 1]
        if pm.text != original:
            continue
        apply_edits(pm, diff_edits(original, rewrite), mode, stamp)
        pkg.mark_changed(pm.part)
        applied += 1
        if done % 50 == 0:
            yield Progress(done, len(accepted))
    with atomic_path(out, force=force) as tmp:
        pkg.save(tmp)
    yield Done((out, applied))
