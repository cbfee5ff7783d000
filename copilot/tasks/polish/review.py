"""Reviewing a polish run, without Qt: read paragraphs, render a side-by-side diff, save the accepted edits.

The polish task applies every rewrite that passes the guards; the app lets the user accept or
reject each one afterwards, so saving runs the task's own read → apply → write steps
(``copilot.tasks.polish.document``) on the original file with just the accepted rewrites.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Literal

from copilot.cancel import CancelToken
from copilot.events import Done, Event, Started
from copilot.tasks.polish.document import Paragraph, apply_rewrites, read_document, write_document

__all__ = ["Paragraph", "diff_html", "read_paragraphs", "save_reviewed"]


def read_paragraphs(path: Path, cancel: CancelToken) -> Iterator[Event]:
    """A file job: Done(list[Paragraph]) with every paragraph that has text."""
    yield Started("read", None)
    doc = read_document(path)
    cancel.raise_if_cancelled()
    yield Done(doc.paragraphs())


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
    """A file job: apply ``accepted`` ({paragraph number: (original, rewrite)}) to ``src`` → ``out``;
    Done((out, applied)).

    A paragraph whose text no longer matches the original it was reviewed against is skipped.
    """
    yield Started("save", len(accepted))
    doc = read_document(src)
    cancel.raise_if_cancelled()
    rewrites = {number: rewrite for number, (original, rewrite) in accepted.items()
                if 1 <= number <= len(doc.maps) and doc.maps[number - 1].text == original}
    applied = apply_rewrites(doc, rewrites, mode, author)
    cancel.raise_if_cancelled()
    write_document(doc, out, mode, author, force=force)
    yield Done((out, applied))
