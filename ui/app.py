"""The desktop app: ``run_app(args)`` (from ``desk-copilot`` / ``desk-copilot app FILE...`` /
``desk-copilot quick``), the single-instance handoff and the hook registry other parts plug into.

Message protocol between launches (JSON lines over a QLocalSocket, see ``ui.single_instance``)::

    {"cmd": "open", "files": ["/abs/path.docx", ...]}     open files in the running window
    {"cmd": "show"}                                       raise the main window
    {"cmd": "quick", "template": "polish.formal" | null}  a quick action (handled by the tray helper)

Other parts add handlers with ``DeskApp.add_handler(cmd, fn)``; ``add_startup_hook(fn)`` or a
module-level ``install(app)`` in ``ui.tray`` gets the ``DeskApp`` once it exists.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication

import ui.qtcompat  # noqa: F401 - before any Qt call: PySide6 6.12 None refcount fix
from ui.close_policy import apply_close_policy
from ui.excepthook import install_excepthook
from ui.launch_args import Message, launch_messages, parse_args
from ui.runner import Runner
from ui.single_instance import SingleInstance, send_to_running

if TYPE_CHECKING:

    from copilot.cancel import CancelToken
    from copilot.events import Event
    from ui.main_window import MainWindow

__all__ = ["DeskApp", "add_startup_hook", "build_app", "run_app"]

log = logging.getLogger(__name__)

Handler = Callable[[Message], None]
StartupHook = Callable[["DeskApp"], None]

_startup_hooks: list[StartupHook] = []
# Modules that may define ``install(app: DeskApp)``; missing ones are simply skipped.
_PLUGIN_MODULES = ("ui.tray",)


def add_startup_hook(hook: StartupHook) -> None:
    """Call ``hook(desk_app)`` when the app has been built (before the event loop starts)."""
    _startup_hooks.append(hook)


class DeskApp(QObject):
    """The running app: the shared Runner, the main window (created on demand), message handlers."""

    sig_message = Signal(dict)
    """Every message received (from another launch or dispatched in-process), after handling."""
    sig_shutdown = Signal()
    """The app is shutting down: plug-ins stop their timers and watchers."""

    def __init__(self, qapp: QApplication, server: SingleInstance | None = None) -> None:
        super().__init__()
        self.qapp = qapp
        self.runner = Runner(self)
        self.server = server
        self.window: MainWindow | None = None
        self._plugins_installed = False
        self._handlers: dict[str, list[Handler]] = {"open": [self._handle_open], "show": [self._handle_show]}
        if server is not None:
            server.sig_message.connect(self.dispatch)

    # -- handlers ------------------------------------------------------------------------------
    def add_handler(self, cmd: str, handler: Handler) -> None:
        self._handlers.setdefault(cmd, []).append(handler)

    def remove_handler(self, cmd: str, handler: Handler) -> None:
        with contextlib.suppress(KeyError, ValueError):
            self._handlers[cmd].remove(handler)

    def has_handler(self, cmd: str) -> bool:
        return bool(self._handlers.get(cmd))

    def dispatch(self, message: Message) -> bool:
        """Run the handlers for ``message["cmd"]``; False when nobody handles it."""
        cmd = str(message.get("cmd", ""))
        handlers = list(self._handlers.get(cmd, []))
        if not handlers and cmd == "quick":
            # No tray/quick service loaded: the main window is the next best thing.
            handlers = [self._handle_show]
        for handler in handlers:
            try:
                handler(message)
            except Exception:  # noqa: BLE001 - one broken handler must not stop the others
                sys.excepthook(*sys.exc_info())
        self.sig_message.emit(message)
        return bool(handlers)

    def _handle_open(self, message: Message) -> None:
        files = [Path(str(f)) for f in message.get("files") or []]
        window = self.show_main_window()
        for path in files:
            window.open_path(path)

    def _handle_show(self, message: Message) -> None:
        self.show_main_window()

    # -- window --------------------------------------------------------------------------------
    def main_window(self) -> MainWindow:
        if self.window is None:
            from ui.main_window import MainWindow

            self.window = MainWindow(self.runner)
        return self.window

    def show_main_window(self) -> MainWindow:
        window = self.main_window()
        if window.isMinimized():
            window.showNormal()
        window.show()
        window.raise_()
        window.activateWindow()
        return window

    @staticmethod
    def is_first_start() -> bool:
        """No settings file yet: the app opens the model chooser after its first paint instead of
        silently using the demo model (closing the chooser writes the settings)."""
        from copilot.settings import settings_path

        return not settings_path().exists()

    def start_window(self) -> MainWindow:
        """Show the main window at launch; on the first start, the model chooser follows the first
        paint (built then, so start-up does not pay for it)."""
        first_start = self.is_first_start()
        window = self.show_main_window()
        if first_start:
            window.sig_first_paint.connect(window.open_model_chooser)
        return window

    def install_plugins(self) -> None:
        """Run the startup hooks and ``install(desk)`` of the plug-in modules (once)."""
        if self._plugins_installed:
            return
        self._plugins_installed = True
        hooks = list(_startup_hooks)
        for name in _PLUGIN_MODULES:
            try:
                module = importlib.import_module(name)
            except ImportError:
                continue
            install = getattr(module, "install", None)
            if callable(install):
                hooks.append(install)
        for hook in hooks:
            try:
                hook(self)
            except Exception:
                log.exception("startup hook %r failed", hook)

    def warm_up(self) -> None:
        """Import the model and prompt libraries on a worker while the user looks at the window, so
        the first Run does not wait for them (and the GUI thread never imports them itself)."""

        def job(cancel: CancelToken) -> Iterator[Event]:
            # openai_compatible imports the openai SDK: seconds on a cold disk.
            for name in ("copilot.models", "copilot.prompts", "copilot.models.openai_compatible"):
                importlib.import_module(name)
            yield from ()

        self.runner.start("app.warmup", job)

    def shutdown(self) -> None:
        self.sig_shutdown.emit()
        if self.server is not None:
            self.server.close()
        self.runner.shutdown(3000)


def build_app(qapp: QApplication, server: SingleInstance | None = None, *, plugins: bool = True) -> DeskApp:
    """Settings, language, theme, the DeskApp and (unless ``plugins=False``; then call
    ``desk.install_plugins()`` later) its plug-ins. No window yet, no event loop."""
    from copilot.errors import CopilotError
    from copilot.settings import Settings, load_settings
    from ui.i18n import install_language
    from ui.theme import apply_theme

    try:
        settings = load_settings()
    except CopilotError as exc:
        log.error("settings unreadable: %s", exc)
        settings = Settings()
    install_language(settings.language)
    apply_theme(qapp, settings.theme)
    # Workers are Python threads sharing the GIL with the GUI thread; a shorter switch interval
    # lets the GUI thread get it back sooner while a batch job runs (default 5 ms).
    sys.setswitchinterval(0.001)
    desk = DeskApp(qapp, server)
    if plugins:
        desk.install_plugins()
    return desk


def run_app(args: Sequence[str]) -> int:
    """Start the app, or hand the request to the running one (then return 0 at once)."""
    try:
        ns = parse_args(args)
    except SystemExit as exc:
        return int(exc.code or 0)
    messages = launch_messages(ns)
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtGui import QGuiApplication

    QCoreApplication.setOrganizationName("Desk Copilot")
    QCoreApplication.setApplicationName("Desk Copilot")
    QGuiApplication.setDesktopFileName("desk-copilot")
    qapp = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(qapp, QApplication)
    if send_to_running(messages):
        return 0
    if ns.command == "quick":  # meant for a running app (a desktop shortcut); never starts one
        sys.stderr.write("desk-copilot quick: Desk Copilot is not running — start it first (desk-copilot), "
                         "then use the shortcut again\n")
        return 1
    from copilot.logsetup import configure_logging

    configure_logging()
    server = SingleInstance()

    def listen() -> None:
        if not server.listen():
            log.warning("single-instance socket unavailable; running without it")

    quick = ns.command == "quick"
    # The tray, hotkeys and quick service load after the window has painted (they import the
    # prompt library and X11 bindings); a quick action needs them at once.
    desk = build_app(qapp, server, plugins=quick)
    from ui.theme import icon

    qapp.setWindowIcon(icon("app"))
    install_excepthook(desk)
    if not (quick and desk.has_handler("quick")):
        window = desk.start_window()
        # Listening loads QtNetwork: after the first paint (a launch in that moment starts its own
        # window rather than handing over, as before the socket existed at all).
        window.sig_first_paint.connect(listen)
        window.sig_first_paint.connect(desk.install_plugins)
        window.sig_first_paint.connect(desk.warm_up)
    else:
        listen()
    for message in messages:
        if message["cmd"] != "show":
            desk.dispatch(message)
    apply_close_policy(qapp)
    try:
        return qapp.exec()
    finally:
        desk.shutdown()
