"""The tray icon and its menu: Open Desk Copilot, Quick action, favourite templates,
Pause hotkeys, Settings, Quit.

The tray only emits signals; the app connects them (open the main window, the quick service,
the settings dialog, quitting). Favourites come from the prompt library (``favourite: true``)
and are rebuilt each time the menu opens, so an edited template shows up without a restart.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QFileSystemWatcher, QObject, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QFont, QGuiApplication, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from copilot.errors import CopilotError

if TYPE_CHECKING:
    from ui.app import DeskApp
    from ui.quick.service import QuickService

__all__ = ["TrayIcon", "app_icon", "install"]

log = logging.getLogger(__name__)


def app_icon() -> QIcon:
    """The theme's icon when installed, else a drawn one (no image files to ship)."""
    themed = QIcon.fromTheme("desk-copilot")
    if not themed.isNull():
        return themed
    icon = QIcon()
    for size in (16, 22, 32, 48, 64):
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setBrush(QColor("#2f6fde"))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawRoundedRect(QRectF(0, 0, size, size), size * 0.22, size * 0.22)
        painter.setPen(QColor("white"))
        font = QFont()
        font.setBold(True)
        font.setPixelSize(int(size * 0.62))
        painter.setFont(font)
        painter.drawText(QRectF(0, 0, size, size), Qt.AlignmentFlag.AlignCenter, "D")
        painter.end()
        icon.addPixmap(pixmap)
    return icon


class TrayIcon(QSystemTrayIcon):
    sig_open = Signal()
    sig_quick = Signal()
    sig_template = Signal(str)
    """A favourite template was picked: run it on the selection (like its hotkey)."""
    sig_pause_toggled = Signal(bool)
    sig_settings = Signal()
    sig_quit = Signal()

    def __init__(self, parent: QObject | None = None, *, lang: str = "zh") -> None:
        super().__init__(app_icon(), parent)
        self._lang = lang if lang in ("zh", "en") else "zh"
        self._hotkey = "Ctrl+Alt+Space"
        self.menu = QMenu()
        self.menu.setObjectName("trayMenu")
        self.act_open = QAction(self.menu)
        self.act_quick = QAction(self.menu)
        self.favourites = QMenu(self.menu)
        self.favourites.setObjectName("trayFavourites")
        self.act_pause = QAction(self.menu)
        self.act_pause.setCheckable(True)
        self.act_settings = QAction(self.menu)
        self.act_quit = QAction(self.menu)
        self.act_open.triggered.connect(self.sig_open.emit)
        self.act_quick.triggered.connect(self.sig_quick.emit)
        self.act_pause.toggled.connect(self.sig_pause_toggled.emit)
        self.act_settings.triggered.connect(self.sig_settings.emit)
        self.act_quit.triggered.connect(self.sig_quit.emit)
        self.menu.addAction(self.act_open)
        self.menu.addAction(self.act_quick)
        self.menu.addMenu(self.favourites)
        self.menu.addSeparator()
        self.menu.addAction(self.act_pause)
        self.menu.addAction(self.act_settings)
        self.menu.addSeparator()
        self.menu.addAction(self.act_quit)
        self.menu.aboutToShow.connect(self.refresh_favourites)
        self.setContextMenu(self.menu)
        self.menu.installEventFilter(self)  # the menu is a widget: it gets LanguageChange for us
        self.activated.connect(self._on_activated)
        self.retranslate()
        self.refresh_favourites()

    def retranslate(self, lang: str | None = None) -> None:
        if lang in ("zh", "en"):
            self._lang = lang
        self.act_open.setText(self.tr("Open Desk Copilot"))
        self.act_quick.setText(self.tr("Quick action") + f"\t{self._hotkey}")
        self.favourites.setTitle(self.tr("Favourite templates"))
        self.act_pause.setText(self.tr("Pause hotkeys"))
        self.act_settings.setText(self.tr("Settings…"))
        self.act_quit.setText(self.tr("Quit"))
        self.setToolTip(self.tr("Desk Copilot — {0} for a quick action").format(self._hotkey))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.menu and event.type() == QEvent.Type.LanguageChange:
            from ui.quick.service import ui_lang

            self.retranslate(ui_lang())
            self.refresh_favourites()
        return super().eventFilter(watched, event)

    def set_hotkey_text(self, hotkey: str) -> None:
        self._hotkey = hotkey
        self.retranslate()

    def set_paused(self, paused: bool) -> None:
        """Reflect the pause state without emitting ``sig_pause_toggled``."""
        self.act_pause.blockSignals(True)
        self.act_pause.setChecked(paused)
        self.act_pause.blockSignals(False)

    def refresh_favourites(self) -> None:
        self.favourites.clear()
        try:
            from copilot.tasks.quick_action import quick_templates

            favourites = [t for t in quick_templates() if t.spec.favourite]
        except CopilotError as exc:
            log.warning("favourites unavailable: %s", exc)
            favourites = []
        for tpl in favourites:
            action = self.favourites.addAction(tpl.name(self._lang))  # type: ignore[arg-type]
            action.setData(tpl.id)
            if tpl.spec.hotkey:
                action.setText(f"{tpl.name(self._lang)}\t{tpl.spec.hotkey}")  # type: ignore[arg-type]
            action.triggered.connect(lambda _=False, tid=tpl.id: self.sig_template.emit(tid))
        if not favourites:
            empty = self.favourites.addAction(self.tr("(none — mark templates as favourites)"))
            empty.setEnabled(False)

    def favourite_ids(self) -> list[str]:
        return [str(a.data()) for a in self.favourites.actions() if a.data()]

    def notify(self, message: str) -> None:
        """A one-line problem (hotkey conflict, paste failure) as a tray balloon, when possible."""
        if self.isVisible() and self.supportsMessages():
            self.showMessage("Desk Copilot", message, QSystemTrayIcon.MessageIcon.Warning, 6000)
        else:
            log.warning("%s", message)

    def _on_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger, QSystemTrayIcon.ActivationReason.DoubleClick):
            self.sig_open.emit()


# -- wiring into the app ---------------------------------------------------------------------

def _sync_autostart(wanted: bool) -> str | None:
    """Make the login entry match the setting; a one-line problem, or None."""
    from ui import autostart

    try:
        if wanted and not autostart.is_enabled():
            autostart.enable()
        elif not wanted and autostart.is_enabled():
            autostart.disable()
    except CopilotError as exc:
        return str(exc)
    return None


def install(desk: DeskApp) -> None:
    """Called by ``ui.app.build_app``: the tray icon, the global hotkeys and the quick service.

    Handlers added to the app's message protocol:
      ``{"cmd": "quick", "template": ID | null}`` — ``desk-copilot quick [--template ID]``;
      ``{"cmd": "settings-changed"}`` — re-read the hotkey and autostart settings (the settings
      dialog dispatches it after saving).
    """
    from copilot.settings import Settings, load_settings
    from ui.quick.service import QuickService, ui_lang

    try:
        settings = load_settings()
    except CopilotError:
        settings = Settings()
    service = QuickService(desk.runner, parent=desk)
    tray = TrayIcon(desk, lang=ui_lang())
    tray.set_hotkey_text(settings.hotkey)
    desk.quick = service  # type: ignore[attr-defined]
    desk.tray = tray  # type: ignore[attr-defined]

    def on_quick(message: dict[str, Any]) -> None:
        template = message.get("template")
        service.trigger(str(template) if template else None)

    known = {"hotkeys": service.hotkeys_wanted(settings.hotkey), "autostart": settings.autostart}

    def on_settings_changed(_message: dict[str, Any] | None = None) -> None:
        """Re-read the hotkey (and templates' hotkeys) and autostart; act only on what changed."""
        try:
            current = load_settings()
        except CopilotError as exc:
            tray.notify(str(exc))
            return
        wanted = service.hotkeys_wanted(current.hotkey)
        if wanted != known["hotkeys"] or _message is not None:
            known["hotkeys"] = wanted
            tray.set_hotkey_text(current.hotkey)
            service.register_hotkeys(current.hotkey)
        if current.autostart != known["autostart"]:
            known["autostart"] = current.autostart
            problem = _sync_autostart(current.autostart)
            if problem:
                tray.notify(problem)

    # The settings dialog and the prompt editor save files; watching their folders keeps this
    # plug-in independent of both (saves are atomic renames, so the folders are watched).
    from copilot.paths import config_dir
    from copilot.prompts import user_prompts_dir

    debounce = QTimer(desk)
    debounce.setSingleShot(True)
    debounce.setInterval(300)
    debounce.timeout.connect(lambda: on_settings_changed(None))
    watcher = QFileSystemWatcher([str(config_dir()), str(user_prompts_dir())], desk)
    watcher.directoryChanged.connect(lambda _path: debounce.start())
    desk.settings_watcher = watcher  # type: ignore[attr-defined]
    # A save just before quitting must not fire into a tray that is already gone.
    desk.sig_shutdown.connect(debounce.stop)
    desk.sig_shutdown.connect(lambda: watcher.blockSignals(True))

    def on_settings() -> None:
        window = desk.show_main_window()
        opener = getattr(window, "open_settings", None)
        if callable(opener):
            opener()

    def on_open_in_app(source: str, result: str, template: str) -> None:
        window = desk.show_main_window()
        opener = getattr(window, "open_text", None)
        if callable(opener):
            opener(result, source=source, template=template)
            return
        # No text workspace to open it in yet: hand it over on the clipboard and say so.
        QGuiApplication.clipboard().setText(result)
        window.statusBar().showMessage(tray.tr("The quick-action result is on the clipboard"), 10000)

    def on_quit() -> None:
        desk.qapp.quit()

    desk.add_handler("quick", on_quick)
    desk.add_handler("settings-changed", on_settings_changed)
    tray.sig_open.connect(desk.show_main_window)
    tray.sig_quick.connect(service.trigger)
    tray.sig_template.connect(service.trigger)
    tray.sig_pause_toggled.connect(service.set_paused)
    tray.sig_settings.connect(on_settings)
    tray.sig_quit.connect(on_quit)
    service.sig_message.connect(tray.notify)
    service.sig_open_in_app.connect(on_open_in_app)
    desk.qapp.aboutToQuit.connect(lambda: _shutdown(service, tray))
    if QSystemTrayIcon.isSystemTrayAvailable():
        tray.show()
    for hotkey_problem in service.register_hotkeys(settings.hotkey):
        log.warning("hotkey: %s", hotkey_problem)
    if settings.autostart:  # only ever turned off by the user, through Settings
        autostart_problem = _sync_autostart(True)
        if autostart_problem:
            tray.notify(autostart_problem)


def _shutdown(service: QuickService, tray: TrayIcon) -> None:
    tray.hide()
    service.close()
