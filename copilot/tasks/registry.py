"""Every task the front ends run, declared once: what it needs and how heavy it is.

A task is a function returning a synchronous generator of ``copilot.events`` whose last event on
success is ``Done(result)`` (the one convention, everywhere). Its declaration says whether it takes
a provider as its first argument, whether it is CPU-heavy (the app then runs it against a server
in a child process, so its work never holds the GUI thread's GIL), which inputs it requires, and
which template inputs it fills itself. Front ends gather the rest of a template's required inputs
from ``missing_inputs`` — or do not offer the template.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from copilot.events import Event

if TYPE_CHECKING:
    from copilot.prompts import Template

__all__ = ["TASKS", "TaskSpec", "call", "get_task", "missing_inputs"]


@dataclass(frozen=True)
class TaskSpec:
    name: str
    """Short name, also the ``task`` column of the history."""
    target: str
    """``copilot.module:function`` — importable in a child process too."""
    needs_provider: bool
    """The function's first argument is a Provider."""
    cpu_heavy: bool = False
    """Parses/diffs enough to stall a GUI thread sharing its GIL: run it in a child process."""
    required: tuple[str, ...] = ()
    """Keyword inputs the caller must pass."""
    fills: frozenset[str] = frozenset()
    """Template inputs the task supplies itself (e.g. the polish's ``paragraphs``)."""
    category: str | None = None
    """Template category this task runs, when it runs templates."""

    def load(self) -> Callable[..., Iterator[Event]]:
        module, _, name = self.target.partition(":")
        function: Callable[..., Iterator[Event]] = getattr(importlib.import_module(module), name)
        return function

    @property
    def module(self) -> str:
        return self.target.partition(":")[0]


TASKS: dict[str, TaskSpec] = {spec.name: spec for spec in (
    TaskSpec("polish", "copilot.tasks.polish_docx:polish_docx", needs_provider=True, cpu_heavy=True,
             required=("src",), fills=frozenset({"paragraphs", "text", "context"}), category="polish"),
    TaskSpec("polish.read", "copilot.tasks.polish.review:read_paragraphs", needs_provider=False,
             required=("path",)),
    TaskSpec("polish.save", "copilot.tasks.polish.review:save_reviewed", needs_provider=False,
             required=("src", "out", "accepted", "mode", "author")),
    TaskSpec("ask", "copilot.tasks.ask:ask", needs_provider=True, required=("request",),
             fills=frozenset({"request", "text"})),
    TaskSpec("ask_sheet", "copilot.tasks.ask_sheet:ask_sheet", needs_provider=True, required=("path", "question")),
    TaskSpec("analyse", "copilot.tasks.analyse_sheet:analyse_sheet", needs_provider=False, required=("path",)),
    TaskSpec("sheet.open", "copilot.tasks.sheet_session:open_sheet", needs_provider=False, required=("path",)),
    TaskSpec("sheet.profile", "copilot.tasks.sheet_session:profile_sheet", needs_provider=False, required=("db",)),
    TaskSpec("sheet.report", "copilot.tasks.sheet_session:write_sheet_report", needs_provider=False,
             required=("db", "profiles", "answers", "target", "force")),
    TaskSpec("deck.render", "copilot.documents.decks.render:render_deck", needs_provider=False,
             required=("pptx", "out_dir")),
    TaskSpec("formula", "copilot.tasks.formula:write_formula", needs_provider=True, required=("path", "request")),
    TaskSpec("explain_formula", "copilot.tasks.formula:explain_formula", needs_provider=True,
             required=("formula",)),
    TaskSpec("outline", "copilot.tasks.outline_deck:outline_deck", needs_provider=True),
    TaskSpec("build_deck", "copilot.tasks.build_deck:build_deck", needs_provider=False,
             required=("outline", "output")),
    TaskSpec("read_deck", "copilot.tasks.read_deck:read_deck_task", needs_provider=False, required=("path",)),
    TaskSpec("code", "copilot.tasks.generate_code:generate_code", needs_provider=True, required=("task", "lang")),
    TaskSpec("quick", "copilot.tasks.quick_action:quick_action", needs_provider=True,
             required=("template_id", "text"), category="quick"),
)}


def get_task(name: str) -> TaskSpec:
    try:
        return TASKS[name]
    except KeyError:
        raise KeyError(f"no task named {name!r}; known: {', '.join(sorted(TASKS))}") from None


def missing_inputs(spec: TaskSpec, template: Template) -> list[str]:
    """The template's required inputs that ``spec`` does not fill: a front end must gather them
    (the CLI's ``--sample`` for polish.match_style) or not offer the template."""
    return [name for name, ispec in template.inputs.items() if ispec.is_required and name not in spec.fills]


def call(spec: TaskSpec, provider: Any, kwargs: dict[str, Any]) -> Iterator[Event]:
    """Start the task: ``target(provider, **kwargs)`` or ``target(**kwargs)``."""
    function = spec.load()
    return function(provider, **kwargs) if spec.needs_provider else function(**kwargs)
