"""desk-copilot history [QUERY] — search what ran (CLI, app, quick window); history show ID."""

from __future__ import annotations

import argparse
import time

from copilot.cli.common import emit_json, out
from copilot.errors import UsageError

_STATUS_WIDTH = 12


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "history", help="search the runs you made (CLI, app, quick window); 'history show ID' for one",
        description="List runs newest first, or those matching every word of QUERY (full-text, Chinese and "
                    "English: template, profile, model, status, error, output, and the texts when the "
                    "store_text_in_history setting is on). 'desk-copilot history show ID' prints one run. "
                    "Runs made with --incognito are never recorded.")
    p.add_argument("query", nargs="*", metavar="QUERY", help="words to search for, or: show ID")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--limit", type=int, default=20, metavar="N", help="at most N runs (default 20)")
    p.add_argument("--task", help="only runs of this task (polish, ask, quick, code, ask_sheet, …)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from copilot import history

    words: list[str] = list(args.query)
    if words[:1] == ["show"]:
        if len(words) != 2 or not words[1].isdigit():
            raise UsageError("history show: give one run id, e.g. desk-copilot history show 12")
        entry = history.get(int(words[1]))
        if entry is None:
            raise UsageError(f"history: no run with id {words[1]} — list them with: desk-copilot history")
        if args.json:
            emit_json(entry.to_json())
            return 0
        for name, value in entry.to_json().items():
            if value not in (None, ""):
                shown = _when(float(str(value))) if name == "started" else value
                out(f"{name}: {shown}")
        return 0
    if args.limit < 1:
        raise UsageError("history: --limit must be at least 1")
    entries = history.search(" ".join(words) or None, limit=args.limit, task=args.task)
    if args.json:
        emit_json([e.to_json() for e in entries])
        return 0
    if not entries:
        out("no runs found" if words else "no runs recorded yet")
        return 0
    for e in entries:
        what = " ".join(x for x in (e.template or "", e.profile or "", e.model or "") if x)
        line = f"{e.id:>5}  {_when(e.started)}  {e.task:<10} {e.status:<{_STATUS_WIDTH}} {what}"
        detail = e.error or (str(e.output_path) if e.output_path else "") or (e.output_text or "")
        detail = " ".join(detail.split())
        out(line + (f"  — {detail[:80]}" if detail else ""))
    return 0


def _when(seconds: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(seconds))
