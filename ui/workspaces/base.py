"""The base class every workspace (Word, Excel, PowerPoint, Code, Prompt library) derives from.

A workspace is a plain ``QWidget`` that the main window puts in its stack. It owns its UI and
talks to the core only through the shared :class:`ui.runner.Runner` (``self.runner``), using its
``key`` as the runner key, so a new run cancels its previous one.

The main window calls ``open_file`` / ``run`` (Ctrl+Enter) / ``cancel`` (Esc) / ``save`` (Ctrl+S)
and ``retranslate`` (after a language switch), and listens to the three signals.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import QWidget

from ui.runner import Runner, runner_for_profile

__all__ = ["Workspace", "error_text"]

log = logging.getLogger(__name__)


def error_text(exc: BaseException) -> str:
    """The one line a user sees: ``str(CopilotError)`` as the CLI prints it; anything else is a
    bug, logged with its traceback and shown by type and message."""
    from copilot.errors import CopilotError

    if isinstance(exc, CopilotError):
        return str(exc) or type(exc).__name__
    log.error("unexpected error in a job", exc_info=exc)
    return f"{type(exc).__name__}: {exc}"


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
    """A one-line error message for the window's banner."""

    def __init__(self, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.current_path: Path | None = None
        self.setObjectName(f"workspace_{self.key or type(self).__name__}")

    # -- to override --------------------------------------------------------------------------
    def title(self) -> str:
        """Translated name shown in the workspace switcher."""
        return self.key

    def open_file(self, path: Path) -> None:
        """Load ``path``. Report problems with ``self.report_error`` (never raise into Qt)."""

    def run(self) -> None:
        """Start this workspace's main job (Ctrl+Enter)."""

    def cancel(self) -> None:
        """Stop the running job (Esc). Work already done stays on screen."""
        self.runner.cancel(self.key)

    def save(self) -> None:
        """Save the result (Ctrl+S)."""

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

    # -- helpers for subclasses -----------------------------------------------------------------
    def is_busy(self) -> bool:
        return self.runner.is_running(self.key)

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

    def report_error(self, exc: BaseException | str) -> None:
        """Show an error (a CopilotError's one line) in the window's banner."""
        self.sig_error.emit(exc if isinstance(exc, str) else error_text(exc))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
