"""Every run lands in the history from here — the CLI, the app's workspaces and the quick window
alike: ``recorded(events, RunInfo(...))`` passes a task's events through and records one row when
it ends (ok, the error's type, or cancelled), unless the run is incognito, in which case it also
makes the whole run incognito (no history, no cache, no log lines).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from copilot import incognito
from copilot.errors import Cancelled
from copilot.events import Done, Event

if TYPE_CHECKING:
    from copilot.tasks.analyse_sheet import SummaryResult
    from copilot.tasks.ask import AskResult
    from copilot.tasks.ask_sheet import AskSheetResult
    from copilot.tasks.build_deck import BuildResult
    from copilot.tasks.formula import ExplainResult, WriteResult
    from copilot.tasks.generate_code import CodeResult
    from copilot.tasks.outline_deck import OutlineResult
    from copilot.tasks.polish.results import PolishResult
    from copilot.tasks.quick_action import QuickResult
    from copilot.tasks.read_deck import ReadDeckResult

__all__ = ["RunInfo", "RunOutput", "recorded", "run_output"]


@dataclass(frozen=True)
class RunInfo:
    """What the front end knows about a run before it starts."""

    task: str
    source: str
    """cli, app, quick."""
    template: str | None = None
    profile: str | None = None
    model: str | None = None
    input_text: str | None = None
    input_path: str | Path | None = None
    incognito: bool = False
    output_path: str | Path | None = None
    """Where the front end writes the result, when the task itself does not (an outline file)."""


@dataclass(frozen=True)
class RunOutput:
    """What a result contributes to its history row."""

    text: str | None = None
    path: str | Path | None = None
    model: str | None = None
    tokens_in: int = 0
    tokens_out: int = 0
    status: str = "ok"


def recorded(events: Iterable[Event], info: RunInfo) -> Iterator[Event]:
    """Yield ``events``; record the run when they end. Incognito: record nothing, and keep the
    whole run off the disk (``copilot.incognito``)."""
    incognito_run = info.incognito or _template_incognito(info.template)
    with incognito.run(incognito_run):
        started = time.time()
        result: object = None
        try:
            for event in events:
                if isinstance(event, Done):
                    result = event.result
                yield event
        except GeneratorExit:
            _record(info, started, "cancelled")
            raise
        except Cancelled:
            _record(info, started, "cancelled")
            raise
        except BaseException as exc:
            _record(info, started, type(exc).__name__, error=str(exc))
            raise
        _record(info, started, "ok", run_output(result))


def _template_incognito(template_id: str | None) -> bool:
    """A template marked ``incognito: true`` keeps every run of it out of the history."""
    if not template_id:
        return False
    from copilot.errors import CopilotError
    from copilot.prompts import get_template

    try:
        return bool(get_template(template_id).spec.incognito)
    except CopilotError:
        return False


def _record(info: RunInfo, started: float, status: str, output: RunOutput | None = None,
            error: str | None = None) -> None:
    if incognito.active():
        return
    import logging

    from copilot import history

    output = output or RunOutput()
    try:
        history.record(task=info.task, status=output.status if status == "ok" else status, template=info.template,
                       profile=info.profile, model=output.model or info.model, tokens_in=output.tokens_in,
                       tokens_out=output.tokens_out, seconds=time.time() - started,
                       output_path=output.path or info.output_path,
                       error=error, input_text=info.input_text, output_text=output.text, started=started,
                       source=info.source, input_path=info.input_path)
    except Exception:  # a broken history file must not fail the user's run
        logging.getLogger(__name__).warning("could not record the run in the history", exc_info=True)


def _polish(r: PolishResult) -> RunOutput:
    return RunOutput(f"{r.changed} changed, {r.unchanged} unchanged, {len(r.rejected)} rejected", r.output,
                     r.model, r.tokens_in, r.tokens_out)


def _ask(r: AskResult) -> RunOutput:
    return RunOutput(r.text, None, r.model, r.usage.tokens_in, r.usage.tokens_out)


def _quick(r: QuickResult) -> RunOutput:
    return RunOutput(r.text, None, r.model, r.usage.tokens_in, r.usage.tokens_out)


def _code(r: CodeResult) -> RunOutput:
    return RunOutput(r.code, None, r.model or None, r.usage.tokens_in, r.usage.tokens_out,
                     "check_failed" if r.check.status == "failed" else "ok")


def _ask_sheet(r: AskSheetResult) -> RunOutput:
    return RunOutput(f"{r.answer}\n\n{r.sql}".strip(), r.report_path, None, r.tokens_in, r.tokens_out)


def _explain(r: ExplainResult) -> RunOutput:
    return RunOutput(r.text, None, None, r.tokens_in, r.tokens_out)


def _write(r: WriteResult) -> RunOutput:
    return RunOutput(f"{r.formula}\n{r.explanation}", None, None, r.tokens_in, r.tokens_out)


def _summary(r: SummaryResult) -> RunOutput:
    return RunOutput(r.text, None, None, r.tokens_in, r.tokens_out)


def _outline(r: OutlineResult) -> RunOutput:
    return RunOutput(r.markdown, None, r.model, r.usage.tokens_in, r.usage.tokens_out)


def _build(r: BuildResult) -> RunOutput:
    return RunOutput(None, r.path)


def _read_deck(r: ReadDeckResult) -> RunOutput:
    return RunOutput(r.critique_markdown or r.markdown, r.path, r.model or None, r.usage.tokens_in,
                     r.usage.tokens_out)


# By the result's class (module.qualname), so recording never imports a task's heavy modules.
_EXTRACTORS: dict[str, Callable[[Any], RunOutput]] = {
    "copilot.tasks.polish.results.PolishResult": _polish,
    "copilot.tasks.ask.AskResult": _ask,
    "copilot.tasks.quick_action.QuickResult": _quick,
    "copilot.tasks.generate_code.CodeResult": _code,
    "copilot.tasks.ask_sheet.AskSheetResult": _ask_sheet,
    "copilot.tasks.formula.ExplainResult": _explain,
    "copilot.tasks.formula.WriteResult": _write,
    "copilot.tasks.outline_deck.OutlineResult": _outline,
    "copilot.tasks.analyse_sheet.SummaryResult": _summary,
    "copilot.tasks.read_deck.ReadDeckResult": _read_deck,
    "copilot.tasks.build_deck.BuildResult": _build,
}


def run_output(result: object) -> RunOutput:
    """The history fields of a task's result (empty for results that add nothing)."""
    if isinstance(result, str):  # a plain reply (the prompt library's Run)
        return RunOutput(result)
    kind = type(result)
    extract = _EXTRACTORS.get(f"{kind.__module__}.{kind.__qualname__}")
    return extract(result) if extract is not None else RunOutput()
