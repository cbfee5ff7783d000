"""The quick action end to end: hotkey → capture the selection → quick window → model → paste back.

    service = QuickService(runner)               # the app's shared Runner
    problems = service.register_hotkeys()        # main hotkey + templates' own, one line per failure
    service.trigger()                            # what the hotkey, the tray and `desk-copilot quick` do
    service.trigger("polish.formal")             # ... and run that template right away

Model calls go through the Runner (key "quick"), the user's profiles and the history, like every
other task in the app.
"""

from __future__ import annotations

import logging
from typing import Literal

from PySide6.QtCore import QLocale, QObject, Signal
from PySide6.QtGui import QCursor, QGuiApplication

from copilot.errors import CopilotError
from copilot.events import Delta
from copilot.settings import load_settings
from copilot.tasks.quick_action import QuickResult, quick_templates
from ui.clipboard import Desktop, NothingSelected, PasteFailed, capture_selection, desktop, paste_text
from ui.hotkeys import HotkeyBackend, create_backend
from ui.quick.window import QuickItem, QuickWindow
from ui.runner import Runner

__all__ = ["QUICK_KEY", "QuickService", "ui_lang"]

log = logging.getLogger(__name__)

QUICK_KEY = "quick"
"""The Runner key of quick-action jobs (a new run replaces the previous one)."""


def ui_lang() -> Literal["zh", "en"]:
    """Template names are shown in the UI language: the setting, else the system locale."""
    try:
        language = load_settings().language
    except CopilotError:
        language = ""
    if language:
        return "zh" if language.lower().startswith("zh") else "en"
    return "zh" if QLocale().name().lower().startswith("zh") else "en"


class QuickService(QObject):
    sig_open_in_app = Signal(str, str, str)
    """Open in app: (selected text, result, template id). The main window connects to it."""
    sig_message = Signal(str)
    """A one-line problem or notice for the tray (hotkey conflicts, paste failures)."""
    sig_state = Signal(str)
    """What just happened: "shown", "result", "error", "cancelled", "replaced", "inserted", "copied",
    "opened", "closed" (scripts and tests follow the flow with it)."""

    def __init__(self, runner: Runner, *, backend: HotkeyBackend | None = None, target: Desktop | None = None,
                 profile: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._target_desktop = target
        self._profile = profile
        self.backend = backend if backend is not None else create_backend(self)
        self.backend.sig_activated.connect(self._on_backend_activated)
        self.window = QuickWindow()
        self.window.sig_run.connect(self.run)
        self.window.sig_action.connect(self._on_window_action)
        self.window.sig_cancel.connect(self._on_window_cancel)
        self._target_window = 0
        self._target_terminal = False
        self._result: QuickResult | None = None
        self._template = ""

    # -- setup -----------------------------------------------------------------------------------
    @property
    def desktop(self) -> Desktop:
        if self._target_desktop is None:
            self._target_desktop = desktop()
        return self._target_desktop

    def hotkeys_wanted(self, main: str | None = None) -> dict[str, str]:
        """The main hotkey (Settings) and every template's own ``hotkey``."""
        wanted = {"quick": main or load_settings().hotkey}
        try:
            templates = quick_templates()
        except CopilotError as exc:
            self.sig_message.emit(str(exc))
            templates = []
        for tpl in templates:
            if tpl.spec.hotkey:
                wanted[f"template:{tpl.id}"] = tpl.spec.hotkey
        return wanted

    def register_hotkeys(self, main: str | None = None) -> list[str]:
        """(Re-)register all hotkeys; returns — and emits — one line per failure."""
        self.backend.unregister_all()
        problems = self.backend.register_all(self.hotkeys_wanted(main))
        for problem in problems:
            self.sig_message.emit(problem)
        return problems

    def set_paused(self, paused: bool) -> None:
        for problem in self.backend.set_paused(paused):
            self.sig_message.emit(problem)

    def close(self) -> None:
        self._runner.cancel(QUICK_KEY)
        self.backend.close()
        self.window.hide()

    # -- the flow --------------------------------------------------------------------------------
    def _on_backend_activated(self, name: str) -> None:
        if name == "quick":
            self.trigger()
        elif name.startswith("template:"):
            self.trigger(name.split(":", 1)[1])

    def trigger(self, template_id: str | None = None) -> None:
        """Capture the selection of the focused program and open the quick window by the cursor
        (running ``template_id`` right away when given)."""
        own = int(self.window.winId()) if self.window.isVisible() else -1
        focused = self.desktop.focused_window()
        notice = ""
        text = ""
        if focused != own:
            # The only window a result may be pasted into; none (0) means: copy, never paste.
            self._target_window = focused
            self._target_terminal = self.desktop.is_terminal(focused)
        try:
            # From our own window only the PRIMARY selection: a copy shortcut would hit ourselves;
            # in a terminal too: Ctrl+C there interrupts the running command.
            text = capture_selection(self.desktop, use_copy=focused != own,
                                     terminal=focused != own and self._target_terminal)
        except NothingSelected as exc:
            notice = str(exc)
        except CopilotError as exc:
            notice = str(exc)
        if text == "" and focused == own:
            text = self.window.source_text()
        self.window.open(text, self._items(), notice, QCursor.pos())
        self._show_model()
        self.sig_state.emit("shown")
        if template_id:
            self.run(template_id)

    def _show_model(self) -> None:
        from ui.widgets.model_indicator import resolve_model

        try:
            own = self._profile or load_settings().workspace_profiles.get("quick") or None
        except CopilotError:
            own = None
        self.window.set_model(resolve_model(own))

    def _items(self) -> list[QuickItem]:
        lang = ui_lang()
        try:
            templates = quick_templates()
        except CopilotError as exc:
            self.sig_message.emit(str(exc))
            return []
        return [QuickItem(t.id, t.name(lang), t.description(lang), t.spec.favourite, t.spec.hotkey or "")
                for t in templates]

    def run(self, template_id: str) -> None:
        """Run a template on the text in the window (the captured selection, maybe edited)."""
        from copilot.prompts import get_template

        text = self.window.source_text()
        try:
            tpl = get_template(template_id)
        except CopilotError as exc:
            self.window.show_error(str(exc))
            self.sig_state.emit("error")
            return
        profile = self._profile or load_settings().workspace_profiles.get("quick") or None
        self._result = None
        self._template = template_id
        self.window.start_output(tpl.name(ui_lang()))

        from copilot.tasks.recorded import RunInfo

        record = RunInfo("quick", "quick", template=template_id, profile=profile or _default_profile(),
                         input_text=text)
        self._runner.start_task(QUICK_KEY, "quick", {"template_id": template_id, "text": text}, profile=profile,
                                on_event=self._on_event, on_done=self._on_done, on_error=self._on_error,
                                record=record)

    def _on_event(self, event: object) -> None:
        if isinstance(event, Delta):
            self.window.append_output(event.text)

    def _on_done(self, result: object) -> None:
        if not isinstance(result, QuickResult):
            return
        self._result = result
        self.window.show_result(result.text, result.rewrite)
        self.sig_state.emit("result")

    def _on_error(self, exc: BaseException) -> None:
        message = str(exc) if isinstance(exc, CopilotError) else self.tr("unexpected error: {0}").format(exc)
        self.window.show_error(message)
        self.sig_state.emit("error")

    def _on_window_cancel(self) -> None:
        if self._runner.is_running(QUICK_KEY):
            self._runner.cancel(QUICK_KEY)
            self.window.show_error(self.tr("Cancelled"))
            self.sig_state.emit("cancelled")
            return
        self.window.hide()
        self.sig_state.emit("closed")

    def _on_window_action(self, action: str) -> None:
        result = self.window.result_text()
        if not result:
            return
        if action == "copy":
            QGuiApplication.clipboard().setText(result)
            self.window.hide()
            self.sig_state.emit("copied")
        elif action == "open":
            self.window.hide()
            self.sig_open_in_app.emit(self.window.source_text(), result, self._template)
            self.sig_state.emit("opened")
        elif action in ("replace", "insert"):
            self.window.hide()
            if self.desktop.can_type and (not self._target_window or self._target_terminal):
                # Nowhere known to paste, or a terminal (a paste or Return there runs commands).
                QGuiApplication.clipboard().setText(result)
                self.sig_message.emit(self.tr("Copied — paste it yourself: Desk Copilot does not type into "
                                              "terminals or an unknown window"))
                self.sig_state.emit("copied")
                return
            try:
                paste_text(result, self._target_window, self.desktop, insert_below=action == "insert")
            except PasteFailed as exc:
                self.window.show()
                self.window.activateWindow()
                self.window.show_error(str(exc))
                self.sig_message.emit(str(exc))
                self.sig_state.emit("error")
                return
            self.sig_state.emit("replaced" if action == "replace" else "inserted")


def _default_profile() -> str | None:
    from copilot.errors import CopilotError

    try:
        return load_settings().default_profile
    except CopilotError:
        return None
