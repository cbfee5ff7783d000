"""The base class every workspace (Word, Excel, PowerPoint, Code, Prompt library) derives from.

A workspace is a plain ``QWidget`` that the main window puts in its stack. It owns its UI and
talks to the core only through the shared :class:`ui.runner.Runner` (``self.runner``), using its
``key`` as the runner key, so a new run cancels its previous one.

The main window calls ``open_file`` / ``run`` (Ctrl+Enter) / ``cancel`` (Esc) / ``save`` (Ctrl+S)
and ``retranslate`` (after a language switch), and listens to the signals.

Every job goes through ``start_job`` (or ``start_task`` for a registered core task), which owns
what is the same in every workspace: busy state (``sig_busy`` and ``busy_changed``), progress (the
workspace's ``progress_bar``, from the runner's typed ``JobState`` signal), cancel (``cancel``
stops every job the workspace started), and errors: a failed job's one line goes to this
workspace's banner (``sig_error``; the main window shows it only while this workspace is on
screen, and the status line says what failed and when), and the next job started here clears it
(``sig_error_cleared``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import QProgressBar, QWidget

from ui.runner import Job, JobFactory, JobState, Runner, runner_for_profile

if TYPE_CHECKING:
    from copilot.events import Event
    from copilot.tasks.recorded import RunInfo
    from copilot.tasks.registry import TaskSpec

__all__ = ["JobError", "Workspace", "error_text"]

log = logging.getLogger(__name__)


def error_text(exc: BaseException) -> str:
    """The one line a user sees: ``str(CopilotError)`` as the CLI prints it; anything else is a
    bug, logged with its traceback and shown by type and message."""
    from copilot.errors import CopilotError
    from copilot.logsetup import redact

    if isinstance(exc, CopilotError):
        return redact(str(exc)) or type(exc).__name__
    log.error("unexpected error in a job", exc_info=exc)
    return redact(f"{type(exc).__name__}: {exc}")


@dataclass(frozen=True)
class JobError:
    """The error a workspace shows: what failed, the one line, and when."""

    what: str
    text: str
    at: float


class Workspace(QWidget):
    """Subclass and set ``key`` and ``file_suffixes``; override the methods you support."""

    key: str = ""
    """Workspace id, also the Runner key and the key in settings.workspace_profiles."""
    file_suffixes: tuple[str, ...] = ()
    """Lower-case suffixes (".docx") this workspace opens; the main window routes files by it."""

    sig_status = Signal(str)
    """A short status-bar message."""
    sig_busy = Signal(bool)
    """True while a job of this workspace runs."""
    sig_error = Signal(str)
    """A one-line error message for this workspace's banner (``last_error`` has what and when)."""
    sig_error_cleared = Signal()
    """The banner's error is out of date: a new job started here."""
    sig_ask_document = Signal(str)
    """"Ask about this document": the main window takes the file to the Knowledge workspace."""

    progress_bar: QProgressBar | None = None
    """Set by a subclass to have ``start_job`` drive it (busy indicator, then done / total)."""

    def __init__(self, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.current_path: Path | None = None
        self.last_error: JobError | None = None
        self._jobs: dict[str, str] = {}  # runner key → what the job does ("Polish"), for errors
        self._busy = False
        self.setObjectName(f"workspace_{self.key or type(self).__name__}")
        runner.sig_job_state.connect(self._on_job_state)
        runner.sig_running_changed.connect(self._sync_busy)

    # -- to override --------------------------------------------------------------------------
    def title(self) -> str:
        """Translated name shown in the workspace switcher."""
        return self.key

    def open_file(self, path: Path) -> None:
        """Load ``path``. Report problems with ``self.report_error`` (never raise into Qt)."""

    def run(self) -> None:
        """Start this workspace's main job (Ctrl+Enter)."""

    def cancel(self) -> None:
        """Stop the running jobs (Esc). Work already done stays on screen."""
        for key in list(self._jobs) or [self.key]:
            self.runner.cancel(key)

    def save(self) -> None:
        """Save the result (Ctrl+S)."""

    def reveal(self, locator: dict[str, Any]) -> None:
        """Show the place ``locator`` names in the open file (a knowledge-base citation:
        ``{"paragraph": N}``, ``{"slide": N}``, ...), now or, while the file loads, once it has."""
        self._pending_location: dict[str, Any] | None = locator
        self.apply_reveal()

    def apply_reveal(self) -> None:
        """Call when a file has loaded: shows a location asked for meanwhile."""
        locator = getattr(self, "_pending_location", None)
        if locator is not None and self.show_location(locator):
            self._pending_location = None

    def show_location(self, locator: dict[str, Any]) -> bool:
        """Override: show ``locator`` in the loaded file; False while nothing is loaded yet."""
        return True

    def retranslate(self) -> None:
        """Re-set every visible text after a language switch (called on LanguageChange)."""

    def can_save(self) -> bool:
        """Whether Save makes sense right now (the main window enables the action by it)."""
        return False

    def has_unsaved_work(self) -> bool:
        """Results not saved yet (the main window asks before quitting)."""
        return False

    def icon_name(self) -> str:
        """Name of an SVG in ui/icons for the workspace switcher."""
        return self.key

    def busy_changed(self, busy: bool) -> None:
        """Enable/disable this workspace's own buttons (called by ``start_job``'s bookkeeping)."""

    # -- jobs ------------------------------------------------------------------------------------
    def start_job(self, factory: JobFactory, *, on_done: Callable[[Any], None] | None = None,
                  on_event: Callable[[Event], None] | None = None,
                  on_error: Callable[[BaseException], None] | None = None,
                  key: str | None = None, what: str = "", model: bool = False, status: str = "",
                  background: bool = False, record: str | None = None, template: str | None = None,
                  input_path: Path | None = None, input_text: str | None = None) -> Job:
        """Run ``factory`` through the runner as one of this workspace's jobs.

        ``model``: the job calls the workspace's profile (the runner then routes it to the embedded
        model's worker when that is the profile). ``what`` names the job in the status line when it
        fails. ``background`` jobs (loading a list) neither show busy nor clear the banner.
        ``on_error`` runs after the banner is shown, for the workspace's own clean-up.
        ``record``: the task name under which the run goes to the history (with ``template``,
        ``input_path``, ``input_text``); the app's Incognito switch keeps it out.
        """
        key = key or self.key
        failed = self._begin_job(key, what, status, on_error, background=background)
        info = self._run_info(record, template, input_path, input_text, model)
        job = self.runner.start(key, self.runner.recording(factory, info), on_event=on_event, on_done=on_done,
                                on_error=failed, embedded=model and self.uses_embedded())
        self._sync_busy()
        return job

    def start_task(self, task: TaskSpec | str, kwargs: dict[str, Any], *,
                   on_done: Callable[[Any], None] | None = None,
                   on_event: Callable[[Event], None] | None = None,
                   on_error: Callable[[BaseException], None] | None = None,
                   key: str | None = None, what: str = "", status: str = "", record: str | None = None,
                   template: str | None = None, input_path: Path | None = None,
                   input_text: str | None = None) -> Job:
        """``start_job`` for a registered core task: the runner decides where it runs (thread, the
        embedded model's worker, a child process) from its declaration and this workspace's profile."""
        key = key or self.key
        failed = self._begin_job(key, what, status, on_error)
        job = self.runner.start_task(key, task, kwargs, profile=self.profile_name(), on_event=on_event,
                                     on_done=on_done, on_error=failed,
                                     record=self._run_info(record, template, input_path, input_text, True))
        self._sync_busy()
        return job

    def _begin_job(self, key: str, what: str, status: str,
                   on_error: Callable[[BaseException], None] | None, *,
                   background: bool = False) -> Callable[[BaseException], None]:
        """The bookkeeping every job starts with (a new job clears this workspace's error); returns
        the error handler that shows the banner, then runs the caller's own clean-up."""
        if not background:
            self.clear_error()
            self._jobs[key] = what or self.title()
        if status:
            self.sig_status.emit(status)

        def failed(exc: BaseException) -> None:
            self.report_error(exc, what or self.title())
            if on_error is not None:
                on_error(exc)

        return failed

    def _run_info(self, task: str | None, template: str | None, input_path: Path | None,
                  input_text: str | None, model: bool) -> RunInfo | None:
        if task is None:
            return None
        from copilot.tasks.recorded import RunInfo

        return RunInfo(task, "app", template=template, profile=self._profile_label() if model else None,
                       input_path=input_path, input_text=input_text)

    def _profile_label(self) -> str | None:
        from copilot.errors import CopilotError
        from copilot.settings import load_settings

        name = self.profile_name()
        if name:
            return name
        try:
            return load_settings().default_profile
        except CopilotError:
            return None

    def _on_job_state(self, state: JobState) -> None:
        if state.key not in self._jobs:
            return
        current = self.runner.job(state.key)
        if current is not None and current.id != state.job_id:
            return  # a replaced job winding down
        bar = self.progress_bar
        if bar is not None:
            if state.phase == "running":
                bar.setRange(0, 0)  # busy until the task says how much there is
            elif state.phase == "progress" and state.total:
                bar.setRange(0, max(1, state.total))
                bar.setValue(min(state.done, state.total))
            elif state.phase in ("done", "failed", "cancelled") and bar.maximum() == 0:
                bar.setRange(0, 1)  # a busy indicator stops (empty); a measured bar keeps where it got to
                bar.setValue(0)
        self._sync_busy()

    def _sync_busy(self) -> None:
        if not self._jobs:
            return
        busy = any(self.runner.is_running(k) for k in self._jobs)
        if busy != self._busy:
            self._busy = busy
            self.busy_changed(busy)
            self.sig_busy.emit(busy)

    # -- helpers for subclasses -----------------------------------------------------------------
    def is_busy(self) -> bool:
        return self._busy or self.runner.is_running(self.key)

    def profile_name(self) -> str | None:
        """The profile this workspace uses: its own default from Settings, else the global one."""
        from copilot.errors import CopilotError
        from copilot.settings import load_settings

        try:
            settings = load_settings()
        except CopilotError:
            return None
        return settings.workspace_profiles.get(self.key) or None

    def uses_embedded(self) -> bool:
        return runner_for_profile(self.profile_name())

    def report_error(self, exc: BaseException | str, what: str = "") -> None:
        """Show an error (a CopilotError's one line) in this workspace's banner."""
        text = exc if isinstance(exc, str) else error_text(exc)
        self.last_error = JobError(what or self.title(), text, time.time())
        self.sig_error.emit(text)

    def clear_error(self) -> None:
        if self.last_error is not None:
            self.last_error = None
            self.sig_error_cleared.emit()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
