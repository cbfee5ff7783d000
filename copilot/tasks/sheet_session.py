"""The spreadsheet workspace's session as core tasks: open a workbook into the sandboxed DuckDB
database once, then profile it, ask questions and write the report against that open database.

``ask_sheet`` (the CLI) does open → profile → ask in one go; the app keeps the database open between
questions, so it runs these steps separately. Each job works on its own cursor (``_own_handle``).
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from copilot.cancel import CancelToken
from copilot.events import Done, Event, Progress, Started

__all__ = ["ask_open_sheet", "open_sheet", "profile_sheet", "write_sheet_report"]


def open_sheet(path: Path, cancel: CancelToken) -> Iterator[Event]:
    """A task: read the workbook into the sandboxed DuckDB database."""
    from copilot.documents.sheets.query import open_database

    yield Started("open-sheet")
    # open_database is one blocking call (progress bar stays indeterminate); cancel is honoured inside.
    db = open_database(path, cancel=cancel)
    try:
        cancel.raise_if_cancelled()
    except BaseException:
        db.close()
        raise
    yield Done(db)


@contextlib.contextmanager
def _own_handle(db: Any) -> Iterator[Any]:
    """The database seen through a handle of this job's own (``con.cursor()``).

    A DuckDB connection refuses a second call while one runs ("connection is busy"), and the
    profile, a question, a report and the data view may all touch the same workbook at once;
    each job therefore works on its own cursor over the same in-memory database."""
    cursor = db.cursor()
    try:
        yield dataclasses.replace(db, con=cursor)
    finally:
        with contextlib.suppress(Exception):
            cursor.close()


def profile_sheet(db: Any, cancel: CancelToken) -> Iterator[Event]:
    """A task: the profile of every table (no model involved)."""
    from copilot.documents.sheets.profile import profile_table

    yield Started("profile", len(db.tables))
    profiles: dict[str, dict[str, Any]] = {}
    with _own_handle(db) as own:
        remove = cancel.on_cancel(own.con.interrupt)
        try:
            for i, table in enumerate(own.tables):
                cancel.raise_if_cancelled()
                profiles[table.name] = profile_table(own, table)
                yield Progress(i + 1, len(own.tables), table.name)
        finally:
            remove()
    cancel.raise_if_cancelled()
    yield Done(profiles)


def ask_open_sheet(db: Any, table: str, known: dict[str, Any] | None, question: str, profile: str | None,
             cancel: CancelToken) -> Iterator[Event]:
    """A task: the core's question pipeline (SQL → sandboxed run → streamed narration, numbers checked)
    on the already loaded database; the table's profile is reused when the panel has it."""
    from copilot.documents.sheets.profile import profile_table
    from copilot.models import get_provider
    from copilot.tasks.ask_sheet import answer_question

    yield Started("ask-sheet", 3)
    provider = get_provider(profile)
    with _own_handle(db) as own:
        chosen = own.table(table)
        sheet_profile = known if known is not None else profile_table(own, chosen)
        context = {"file": str(own.path), "sheets": [sheet_profile], "skipped": []}
        yield from answer_question(provider, own, context, question, cancel=cancel)


def write_sheet_report(db: Any, profiles: dict[str, Any], answers: list[Any], target: Path, force: bool,
                cancel: CancelToken) -> Iterator[Event]:
    """A task: a new report workbook (profile, one sheet per question, native charts)."""
    from copilot.atomic import check_output
    from copilot.documents.sheets.profile import profile_table
    from copilot.documents.sheets.report import write_report

    yield Started("report", len(db.tables) + 1)
    check_output(target, force=force)  # before any work, not after it
    with _own_handle(db) as own:
        sheets = []
        for i, table in enumerate(own.tables):
            cancel.raise_if_cancelled()
            sheets.append(profiles.get(table.name) or profile_table(own, table))
            yield Progress(i + 1, len(own.tables) + 1, table.name)
        cancel.raise_if_cancelled()
        document = {"file": str(own.path), "sheets": sheets, "skipped": list(own.skipped)}
        saved = write_report(target, own, document, answers, force=force)
    yield Done(saved)
