"""The main window: workspace switcher, menus, shortcuts, error banner, status bar, drag and drop.

Workspaces are created on first use (their modules import the document libraries lazily), so the
window paints quickly; files are routed to the workspace whose ``file_suffixes`` match.

Nothing that runs before the first paint touches PySide6's ``Qt`` namespace (here, ui.theme,
ui.app): its first access builds Python enum classes for all of its ~95 enum types, about 40 ms
of start-up that a window without it never pays. Methods that run later import it locally.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QSize, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QMainWindow,
    QMenu,
    QProgressBar,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ui.locations import wire_knowledge
from ui.recent_files import add_recent, recent_files, store_recent
from ui.runner import Runner
from ui.theme import banner_style, icon, switcher_style
from ui.widgets.demo_notice import DemoNotice
from ui.widgets.error_banner import ErrorBanner
from ui.widgets.workspace_switcher import WorkspaceSwitcher
from ui.workspaces.base import Workspace

if TYPE_CHECKING:
    from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent

    from copilot.history import HistoryEntry
    from ui.history_view import HistoryWindow
    from ui.model_chooser import ChooserDialog
    from ui.widgets.text_result import TextResultDialog

__all__ = ["WORKSPACES", "MainWindow", "WorkspaceSwitcher"]

log = logging.getLogger(__name__)

# (key, module, class). Excel and PowerPoint are the UI-data helper's; skipped if missing.
WORKSPACES: tuple[tuple[str, str, str], ...] = (
    ("word", "ui.workspaces.word", "WordWorkspace"),
    ("excel", "ui.workspaces.excel", "ExcelWorkspace"),
    ("powerpoint", "ui.workspaces.powerpoint", "PowerPointWorkspace"),
    ("code", "ui.workspaces.code", "CodeWorkspace"),
    ("prompts", "ui.workspaces.prompts", "PromptsWorkspace"),
    ("knowledge", "ui.workspaces.knowledge", "KnowledgeWorkspace"),
)


def _workspace_title(key: str) -> str:
    titles = {
        "word": QCoreApplication.translate("MainWindow", "Word"),
        "excel": QCoreApplication.translate("MainWindow", "Excel"),
        "powerpoint": QCoreApplication.translate("MainWindow", "PowerPoint"),
        "code": QCoreApplication.translate("MainWindow", "Code"),
        "prompts": QCoreApplication.translate("MainWindow", "Prompts"),
        "knowledge": QCoreApplication.translate("MainWindow", "Knowledge"),
    }
    return titles.get(key, key)


def initial_size(available: QSize | None) -> QSize:
    """The first window size: most of the screen (80 % × 85 %), at least 1024 × 700 where the screen
    has room, never larger than the screen. Later starts restore the size the user left."""
    if available is None or available.isEmpty():
        return QSize(1180, 760)
    width = min(available.width(), max(1024, int(available.width() * 0.8)))
    height = min(available.height(), max(700, int(available.height() * 0.85)))
    return QSize(width, height)


class MainWindow(QMainWindow):
    sig_first_paint = Signal()
    """Emitted once, just after the window was first painted (deferred start-up work hooks here)."""

    def __init__(self, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.workspaces: dict[str, Workspace] = {}
        self._classes: dict[str, type[Workspace] | None] = {}
        self._busy: set[str] = set()
        self._painted = False
        self._defer_workspaces = False
        self.setObjectName("MainWindow")
        self.setAcceptDrops(True)
        self.resize(initial_size(self.screen().availableGeometry().size() if self.screen() else None))

        central = QWidget()
        outer = QHBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        self.switcher = WorkspaceSwitcher()
        self.switcher.setFixedWidth(132)  # room for "PowerPoint" and 「知识库」; the rest goes to the workspace at 1024 px
        self.switcher.setStyleSheet(switcher_style())
        outer.addWidget(self.switcher)
        right = QVBoxLayout()
        right.setContentsMargins(8, 8, 8, 0)
        self.banner = ErrorBanner()
        self.banner.close_button.clicked.connect(self._on_banner_dismissed)
        self._errors: dict[str, tuple[str, str]] = {}  # workspace key → (banner line, status line)
        right.addWidget(self.banner)
        self.demo_notice = DemoNotice()
        self.demo_notice.button.clicked.connect(self.open_model_chooser)
        right.addWidget(self.demo_notice)
        self._chooser: ChooserDialog | None = None
        self.stack = QStackedWidget()
        right.addWidget(self.stack, 1)
        outer.addLayout(right, 1)
        self.setCentralWidget(central)

        self._pages: dict[str, QWidget] = {}
        for key, _, _ in WORKSPACES:
            self.switcher.add(icon(key), _workspace_title(key))
            placeholder = QWidget()
            self._pages[key] = placeholder
            self.stack.addWidget(placeholder)
        self.switcher.currentRowChanged.connect(self._on_switcher_row_changed)

        self.progress = QProgressBar()
        self.progress.setMaximumWidth(160)
        self.progress.setRange(0, 0)
        self.progress.hide()
        self.statusBar().addPermanentWidget(self.progress)
        from ui.widgets.model_indicator import ModelIndicator

        self.model_indicator = ModelIndicator()
        self.model_indicator.sig_profile_chosen.connect(self._on_profile_chosen)
        self.statusBar().addPermanentWidget(self.model_indicator)
        # Incognito: runs started while it is ticked stay out of the history, logs and caches.
        self.incognito_check = QCheckBox()
        self.incognito_check.toggled.connect(self._on_incognito_toggled)
        self.statusBar().addPermanentWidget(self.incognito_check)
        self._history: HistoryWindow | None = None
        self.legacy_dialog: QWidget | None = None  # the last "convert a legacy .doc/.ppt?" question
        self._build_actions()
        self._build_menus()
        self.runner.sig_running_changed.connect(self._update_actions)
        self.retranslate()
        # The first workspace is built right after the first paint, so the window shows at once.
        self._defer_workspaces = True
        self.switcher.setCurrentRow(0)
        self._restore_geometry()
        self.sig_first_paint.connect(self._on_first_paint)

    # -- actions and menus -----------------------------------------------------------------------
    def _install_shortcuts(self) -> None:
        for act, shortcut in self._shortcuts:
            act.setShortcut(QKeySequence(shortcut))
        self._shortcuts.clear()
        self.act_run.setShortcuts([QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")])
        if self.act_settings.shortcut().isEmpty():  # no platform standard for Preferences
            self.act_settings.setShortcut(QKeySequence("Ctrl+,"))

    def _build_actions(self) -> None:
        self._shortcuts: list[tuple[QAction, QKeySequence.StandardKey | str]] = []

        def action(name: str, slot: Callable[..., object], shortcut: QKeySequence.StandardKey | str | None = None,
                   icon_name: str | None = None) -> QAction:
            act = QAction(self)
            act.setObjectName(name)
            if shortcut is not None:
                # Set after the first paint: building a QKeySequence is the first use of the
                # Qt namespace (see the module docstring); menus are closed until then anyway.
                self._shortcuts.append((act, shortcut))
            if icon_name:
                act.setIcon(icon(icon_name))
            act.triggered.connect(slot)
            self.addAction(act)
            return act

        self.act_open = action("actOpen", self.open_dialog, QKeySequence.StandardKey.Open, "open")
        self.act_save = action("actSave", self._on_save, QKeySequence.StandardKey.Save, "save")
        self.act_quit = action("actQuit", self.close, QKeySequence.StandardKey.Quit)
        self.act_run = action("actRun", self._on_run, "Ctrl+Return", "run")
        self.act_cancel = action("actCancel", self._on_cancel, "Esc", "cancel")
        self.act_settings = action("actSettings", self.open_settings, QKeySequence.StandardKey.Preferences,
                                   "settings")
        self.act_about = action("actAbout", self.show_about, None, "about")
        self.act_history = action("actHistory", self.open_history, "Ctrl+H")
        self.act_models = action("actModels", self.open_model_chooser)
        self.act_clear_recent = action("actClearRecent", self._clear_recent)
        self.ws_actions: dict[str, QAction] = {}
        for n, (key, _, _) in enumerate(WORKSPACES):
            act = action(f"actWs_{key}", lambda _=False, k=key: self.show_workspace(k), f"Ctrl+{n + 1}", key)
            act.setCheckable(True)
            self.ws_actions[key] = act
        group = QActionGroup(self)
        for act in self.ws_actions.values():
            group.addAction(act)
        self.lang_actions: dict[str, QAction] = {}
        lang_group = QActionGroup(self)
        for code in ("zh_CN", "en"):
            act = action(f"actLang_{code}", lambda _=False, c=code: self.set_language(c))
            act.setCheckable(True)
            lang_group.addAction(act)
            self.lang_actions[code] = act
        self.theme_actions: dict[str, QAction] = {}
        theme_group = QActionGroup(self)
        for theme in ("system", "light", "dark"):
            act = action(f"actTheme_{theme}", lambda _=False, t=theme: self.set_theme(t))
            act.setCheckable(True)
            theme_group.addAction(act)
            self.theme_actions[theme] = act

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.menu_file = bar.addMenu("")
        self.menu_file.addAction(self.act_open)
        self.menu_recent = QMenu(self)
        self.menu_recent.aboutToShow.connect(self._fill_recent)
        self.menu_file.addMenu(self.menu_recent)
        self.menu_file.addAction(self.act_save)
        self.menu_file.addSeparator()
        self.menu_file.addAction(self.act_quit)
        self.menu_edit = bar.addMenu("")
        self.menu_edit.addAction(self.act_run)
        self.menu_edit.addAction(self.act_cancel)
        self.menu_view = bar.addMenu("")
        for act in self.ws_actions.values():
            self.menu_view.addAction(act)
        self.menu_view.addSeparator()
        self.menu_lang = QMenu(self)
        for act in self.lang_actions.values():
            self.menu_lang.addAction(act)
        self.menu_view.addMenu(self.menu_lang)
        self.menu_theme = QMenu(self)
        for act in self.theme_actions.values():
            self.menu_theme.addAction(act)
        self.menu_view.addMenu(self.menu_theme)
        self.menu_tools = bar.addMenu("")
        self.menu_tools.addAction(self.act_history)
        self.menu_tools.addAction(self.act_models)
        self.menu_tools.addAction(self.act_settings)
        self.menu_help = bar.addMenu("")
        self.menu_help.addAction(self.act_about)
        self._fill_recent()

    def retranslate(self) -> None:
        self.setWindowTitle(self._title())
        self.demo_notice.retranslate()
        self.act_models.setText(self.tr("&Models…"))
        if self.model_indicator.info is not None:
            self.model_indicator.show_model(self.model_indicator.info, self.model_indicator.workspace_profile)
        self.menu_file.setTitle(self.tr("&File"))
        self.menu_edit.setTitle(self.tr("&Edit"))
        self.menu_view.setTitle(self.tr("&View"))
        self.menu_tools.setTitle(self.tr("&Tools"))
        self.menu_help.setTitle(self.tr("&Help"))
        self.menu_recent.setTitle(self.tr("Open &Recent"))
        self.menu_lang.setTitle(self.tr("&Language"))
        self.menu_theme.setTitle(self.tr("T&heme"))
        self.act_open.setText(self.tr("&Open…"))
        self.act_save.setText(self.tr("&Save"))
        self.act_quit.setText(self.tr("&Quit"))
        self.act_run.setText(self.tr("&Run"))
        self.act_cancel.setText(self.tr("&Cancel"))
        self.act_settings.setText(self.tr("&Settings…"))
        self.act_history.setText(self.tr("&History…"))
        self.incognito_check.setText(self.tr("Incognito"))
        self.incognito_check.setToolTip(self.tr("Runs started while this is ticked are not recorded in the "
                                                "history, the log file or any cache"))
        self.act_about.setText(self.tr("&About Desk Copilot"))
        self.act_clear_recent.setText(self.tr("Clear List"))
        self.lang_actions["zh_CN"].setText("简体中文")
        self.lang_actions["en"].setText("English")
        self.theme_actions["system"].setText(self.tr("Follow System"))
        self.theme_actions["light"].setText(self.tr("Light"))
        self.theme_actions["dark"].setText(self.tr("Dark"))
        for row, (key, _, _) in enumerate(WORKSPACES):
            self.switcher.item(row).setText(_workspace_title(key))
            self.ws_actions[key].setText(_workspace_title(key))
        self.banner.close_button.setToolTip(self.tr("Dismiss"))
        self._sync_checks()
        self._fill_recent()

    def _title(self) -> str:
        ws = self.current_workspace()
        if ws is not None and ws.current_path is not None:
            return self.tr("%1 — Desk Copilot").replace("%1", ws.current_path.name)
        return self.tr("Desk Copilot")

    def _sync_checks(self) -> None:
        from copilot.errors import CopilotError
        from copilot.settings import load_settings
        from ui.i18n import current_language

        self.lang_actions.get(current_language(), self.lang_actions["en"]).setChecked(True)
        try:
            theme = load_settings().theme
        except CopilotError:
            theme = "system"
        self.theme_actions.get(theme, self.theme_actions["system"]).setChecked(True)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self._painted:
            self._painted = True
            QTimer.singleShot(0, self.sig_first_paint.emit)
        return super().event(event)

    # -- workspaces ------------------------------------------------------------------------------
    def _class_for(self, key: str) -> type[Workspace] | None:
        if key not in self._classes:
            module_name, class_name = next((m, c) for k, m, c in WORKSPACES if k == key)
            try:
                module = importlib.import_module(module_name)
                self._classes[key] = getattr(module, class_name)
            except (ImportError, AttributeError) as exc:
                log.warning("workspace %s unavailable: %s", key, exc)
                self._classes[key] = None
        return self._classes[key]

    def workspace(self, key: str) -> Workspace | None:
        """The workspace ``key``, created on first use (None when its module is missing)."""
        if key in self.workspaces:
            return self.workspaces[key]
        cls = self._class_for(key)
        if cls is None:
            return None
        ws = cls(self.runner)
        ws.sig_status.connect(lambda text: self.statusBar().showMessage(text, 8000))
        ws.sig_error.connect(lambda text, k=key: self._on_workspace_error(k, text))
        ws.sig_error_cleared.connect(lambda k=key: self._on_workspace_error_cleared(k))
        ws.sig_busy.connect(lambda busy, k=key: self._on_workspace_busy(k, busy))
        wire_knowledge(self, ws)
        placeholder = self._pages[key]
        index = self.stack.indexOf(placeholder)
        self.stack.insertWidget(index, ws)
        self.stack.removeWidget(placeholder)
        placeholder.deleteLater()
        self._pages[key] = ws
        self.workspaces[key] = ws
        return ws

    def current_key(self) -> str:
        row = self.switcher.currentRow()
        return WORKSPACES[row][0] if 0 <= row < len(WORKSPACES) else WORKSPACES[0][0]

    def current_workspace(self) -> Workspace | None:
        if self._defer_workspaces:
            self._on_first_paint()
        return self.workspaces.get(self.current_key())

    def show_workspace(self, key: str) -> Workspace | None:
        self._defer_workspaces = False
        row = next(i for i, (k, _, _) in enumerate(WORKSPACES) if k == key)
        if self.switcher.currentRow() != row:
            self.switcher.setCurrentRow(row)
        else:
            self._on_switcher_row_changed(row)
        return self.workspaces.get(key)

    def _on_first_paint(self) -> None:
        from PySide6.QtCore import Qt

        if self._shortcuts:
            self._install_shortcuts()
        self.switcher.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._defer_workspaces = False
        self._on_switcher_row_changed(self.switcher.currentRow())

    def _on_switcher_row_changed(self, row: int) -> None:
        if row < 0:
            return
        key = WORKSPACES[row][0]
        if self._defer_workspaces:
            self.stack.setCurrentWidget(self._pages[key])
            self.ws_actions[key].setChecked(True)
            return
        self.statusBar().clearMessage()  # messages belong to the workspace that sent them
        self._show_banner_for(key)
        ws = self.workspace(key)
        if ws is None:
            self.show_error(self.tr("The %1 workspace is not available in this build.").replace(
                "%1", _workspace_title(key)))
        self.stack.setCurrentWidget(self._pages[key])
        self.ws_actions[key].setChecked(True)
        self.setWindowTitle(self._title())
        self._update_actions()
        self.update_model_indicator()

    def update_model_indicator(self) -> None:
        """Show the current workspace's profile, model and where it runs (read after the first paint)."""
        from ui.widgets.model_indicator import resolve_model

        ws = self.workspaces.get(self.current_key())
        own = ws.profile_name() if ws is not None else None
        info = resolve_model(own)
        self.model_indicator.show_model(info, own)
        self.demo_notice.setVisible(bool(info is not None and info.demo))

    def open_model_chooser(self) -> ChooserDialog:
        """Tools → Models… and the demo notice's button (and the first start): detected servers, a
        key for a hosted service, or a catalogue download. Built on first use, not at start-up."""
        if self._chooser is None:
            from ui.model_chooser import ChooserDialog

            self._chooser = chooser = ChooserDialog(self.runner, self)
            chooser.sig_chosen.connect(lambda _name: self.update_model_indicator())
        self._chooser.show()
        self._chooser.raise_()
        self._chooser.activateWindow()
        return self._chooser

    def _on_profile_chosen(self, name: str) -> None:
        """The status bar's menu: this workspace uses ``name`` from now on ("" = the default profile)."""
        from copilot.errors import CopilotError
        from copilot.settings import load_settings, save_settings

        key = self.current_key()
        try:
            settings = load_settings()
            if name:
                settings.workspace_profiles[key] = name
            else:
                settings.workspace_profiles.pop(key, None)
            save_settings(settings)
        except CopilotError as exc:
            self.show_error(str(exc))
            return
        self.update_model_indicator()

    def _on_workspace_busy(self, key: str, busy: bool) -> None:
        if busy:
            self._busy.add(key)
        else:
            self._busy.discard(key)
        self.progress.setVisible(bool(self._busy))
        self._update_actions()

    def _update_actions(self) -> None:
        ws = self.current_workspace()
        running = ws is not None and (ws.is_busy() or ws.key in self._busy)
        self.act_cancel.setEnabled(running)
        self.act_save.setEnabled(ws is not None and ws.can_save())
        self.act_run.setEnabled(ws is not None)

    def _on_run(self) -> None:
        ws = self.current_workspace()
        if ws is not None:
            ws.clear_error()
            self._on_workspace_error_cleared(ws.key)
            ws.run()

    def _on_cancel(self) -> None:
        ws = self.current_workspace()
        if ws is not None:
            ws.cancel()

    def _on_save(self) -> None:
        ws = self.current_workspace()
        if ws is not None:
            ws.save()

    # -- files -----------------------------------------------------------------------------------
    def workspace_key_for(self, path: Path) -> str | None:
        suffix = path.suffix.lower()
        for key, _, _ in WORKSPACES:
            cls = self._class_for(key)
            if cls is not None and suffix in cls.file_suffixes:
                return key
        return None

    def open_path(self, path: Path) -> bool:
        """Open ``path`` in the workspace its type belongs to. False (and a banner) when none fits."""
        path = Path(path)
        if not path.exists():
            self.show_error(self.tr("%1 does not exist — check the path").replace("%1", str(path)))
            return False
        from ui.legacy_open import is_legacy_document, offer_conversion

        if is_legacy_document(path):  # .doc/.ppt: a converted copy, if the user agrees
            return offer_conversion(self, path)
        key = self.workspace_key_for(path)
        if key is None:
            self.show_error(self.tr("%1: Desk Copilot cannot open this kind of file "
                                    "(Word .docx, Excel .xlsx/.csv, PowerPoint .pptx, code, prompt .md)")
                            .replace("%1", path.name))
            return False
        self.show_workspace(key)
        ws = self.workspace(key)
        if ws is None:
            return False
        ws.clear_error()
        self._on_workspace_error_cleared(key)
        ws.open_file(path)
        add_recent(path)
        self.setWindowTitle(self._title())
        self._update_actions()
        return True

    def _file_filter(self) -> str:
        return ";;".join([
            self.tr("Supported files (*.docx *.xlsx *.xlsm *.xls *.ods *.csv *.pptx *.md *.py *.sql *.js *.ts)"),
            self.tr("Word documents (*.docx)"),
            self.tr("Spreadsheets (*.xlsx *.xlsm *.xlsb *.xls *.ods *.csv *.tsv)"),
            self.tr("PowerPoint decks (*.pptx)"),
            self.tr("Prompt templates (*.md *.prompty)"),
            self.tr("All files (*)"),
        ])

    def open_dialog(self) -> None:
        from PySide6.QtWidgets import QFileDialog  # dialogs load their enum types on first use

        paths, _ = QFileDialog.getOpenFileNames(self, self.tr("Open"), self._last_dir(), self._file_filter())
        for name in paths:
            self.open_path(Path(name))

    def _last_dir(self) -> str:
        recent = self.recent_files()
        return str(Path(recent[0]).parent) if recent else str(Path.home())

    def recent_files(self) -> list[str]:
        return recent_files()

    def _clear_recent(self) -> None:
        store_recent([])

    def _fill_recent(self) -> None:
        self.menu_recent.clear()
        files = self.recent_files()
        for n, name in enumerate(files):
            act = self.menu_recent.addAction(f"&{(n + 1) % 10} {Path(name).name}")
            act.setToolTip(name)
            act.triggered.connect(lambda _=False, f=name: self.open_path(Path(f)))
        if files:
            self.menu_recent.addSeparator()
        self.menu_recent.addAction(self.act_clear_recent)
        self.act_clear_recent.setEnabled(bool(files))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        urls = event.mimeData().urls()
        if any(u.isLocalFile() and self.workspace_key_for(Path(u.toLocalFile())) for u in urls):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        for url in event.mimeData().urls():
            if url.isLocalFile():
                self.open_path(Path(url.toLocalFile()))
        event.acceptProposedAction()

    # -- text from elsewhere (the quick window's "Open in app") ------------------------------------
    def open_text(self, text: str, source: str = "", template: str = "") -> TextResultDialog:
        """Show a quick-action result in a read-only window owned by this one (Copy, Close);
        returns that window (Qt parent-owned, deleted when closed). Workspaces keep their own
        documents untouched."""
        from ui.widgets.text_result import TextResultDialog

        dialog = TextResultDialog(text, source, template, self)
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    # -- errors ----------------------------------------------------------------------------------
    # An error belongs to the workspace whose job failed: its banner shows only while that
    # workspace is on screen, and goes when the next job there starts.
    def show_error(self, text: str, internal: bool = False) -> None:
        """An error of the window itself (a file it cannot open, an internal error): it belongs to
        the workspace on screen."""
        if internal:
            text = self.tr("Internal error (details in the log): %1").replace("%1", text)
        self._errors[self.current_key()] = (text, text)
        self.banner.show_message(text)
        self.statusBar().showMessage(text, 10000)

    def _on_workspace_error(self, key: str, text: str) -> None:
        import time

        ws = self.workspaces.get(key)
        error = ws.last_error if ws is not None else None
        when = time.strftime("%H:%M:%S", time.localtime(error.at if error else None))
        what = error.what if error else _workspace_title(key)
        line = self.tr("%1 failed at %2: %3").replace("%1", what).replace("%2", when).replace("%3", text)
        self._errors[key] = (text, line)
        if key == self.current_key():
            self._show_banner_for(key)

    def _on_workspace_error_cleared(self, key: str) -> None:
        if self._errors.pop(key, None) is not None and key == self.current_key():
            self.banner.hide()
            self.statusBar().clearMessage()

    def _show_banner_for(self, key: str) -> None:
        error = self._errors.get(key)
        if error:
            self.banner.show_message(error[0])
            self.statusBar().showMessage(error[1])  # until the next message: what failed, and when
        else:
            self.banner.hide()

    def _on_banner_dismissed(self) -> None:
        self._errors.pop(self.current_key(), None)

    # -- history ---------------------------------------------------------------------------------
    def _on_incognito_toggled(self, on: bool) -> None:
        self.runner.incognito = on

    def open_history(self) -> HistoryWindow:
        """The History window (one, kept while open)."""
        from ui.history_view import HistoryWindow

        if self._history is None:
            self._history = HistoryWindow(self.runner, self)
            self._history.sig_rerun.connect(self.rerun)
            self._history.finished.connect(self._on_history_closed)
        else:
            self._history.reload()
        self._history.show()
        self._history.raise_()
        return self._history

    def _on_history_closed(self) -> None:
        if self._history is not None:
            self._history.deleteLater()
            self._history = None

    def rerun(self, entry: HistoryEntry) -> None:
        """Run a recorded run again: open its input file in its workspace with its template, or
        open the prompt library on its template; the user presses Run."""
        path = Path(entry.input_path) if entry.input_path else None
        if path is not None and path.exists():
            if not self.open_path(path):
                return
            ws = self.current_workspace()
            if entry.template and ws is not None and hasattr(ws, "set_template") and ws.key == "word":
                ws.set_template(entry.template)
        elif entry.template and entry.task == "prompt":
            ws = self.show_workspace("prompts")
            if ws is not None and hasattr(ws, "select_template"):
                ws.select_template(entry.template)
        else:
            self.statusBar().showMessage(self.tr("Nothing to run again from: the run's input was not kept"), 8000)
            return
        self.raise_()
        self.activateWindow()

    # -- settings, language, theme, about -------------------------------------------------------
    def open_settings(self) -> None:
        from ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.runner, self)
        dialog.sig_applied.connect(self._on_settings_applied)
        dialog.exec()
        dialog.deleteLater()

    def _on_settings_applied(self) -> None:
        from PySide6.QtWidgets import QApplication

        from copilot.errors import CopilotError
        from copilot.settings import load_settings
        from ui.i18n import install_language

        try:
            settings = load_settings()
        except CopilotError as exc:
            self.show_error(str(exc))
            return
        install_language(settings.language)
        self._apply_theme(settings.theme)
        self.update_model_indicator()
        app = QApplication.instance()
        if isinstance(app, QApplication):
            from ui.close_policy import apply_close_policy

            apply_close_policy(app, settings.close_to_tray)

    def _update_setting(self, name: str, value: str) -> None:
        from copilot.errors import CopilotError
        from copilot.settings import load_settings, save_settings

        try:
            settings = load_settings()
            setattr(settings, name, value)
            save_settings(settings)
        except CopilotError as exc:
            self.show_error(str(exc))

    def set_language(self, code: str) -> None:
        from ui.i18n import install_language

        self._update_setting("language", code)
        install_language(code)

    def set_theme(self, theme: str) -> None:
        self._update_setting("theme", theme)
        self._apply_theme(theme)

    def _apply_theme(self, theme: str) -> None:
        from PySide6.QtWidgets import QApplication

        from ui.theme import apply_theme

        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, theme)
        for row, (key, _, _) in enumerate(WORKSPACES):
            self.switcher.item(row).setIcon(icon(key))
        self.switcher.setStyleSheet(switcher_style())
        self.banner.setStyleSheet(banner_style())
        self._sync_checks()

    def show_about(self) -> None:
        from PySide6 import __version__ as pyside_version
        from PySide6.QtWidgets import QMessageBox

        from copilot import __version__

        QMessageBox.about(self, self.tr("About Desk Copilot"), self.tr(
            "<h3>Desk Copilot %1</h3><p>A desktop copilot for office work: Word polishing as tracked "
            "changes, spreadsheet questions answered by local SQL, decks in your own template, code "
            "snippets and a tested prompt library.</p><p>Your documents stay on this computer unless "
            "you choose a remote model.</p><p>Qt for Python %2 · MIT licence</p>")
            .replace("%1", __version__).replace("%2", pyside_version))

    # -- closing ---------------------------------------------------------------------------------
    def running_workspaces(self) -> list[str]:
        keys = {k for k in self.runner.running() if k in self.workspaces} | self._busy
        return [_workspace_title(k) for k, _, _ in WORKSPACES if k in keys]

    def closeEvent(self, event: QCloseEvent) -> None:
        running = self.running_workspaces()
        if running:
            from PySide6.QtWidgets import QMessageBox

            answer = QMessageBox.question(
                self, self.tr("A job is running"),
                self.tr("%1 is still working. Cancel it and close? Results already finished are kept.")
                .replace("%1", ", ".join(running)),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
            for ws in self.workspaces.values():
                ws.cancel()
        self._save_geometry()
        event.accept()

    def _save_geometry(self) -> None:
        from copilot.errors import CopilotError
        from copilot.settings import load_settings, save_settings

        try:
            settings = load_settings()
            settings.extra["window"] = {"geometry": bytes(self.saveGeometry().toBase64().data()).decode("ascii"),
                                        "workspace": self.current_key()}
            save_settings(settings)
        except CopilotError as exc:
            log.warning("cannot store window geometry: %s", exc)

    def _restore_geometry(self) -> None:
        from PySide6.QtCore import QByteArray

        from copilot.errors import CopilotError
        from copilot.settings import load_settings

        try:
            data = load_settings().extra.get("window", {})
        except CopilotError:
            return
        if isinstance(data, dict):
            geometry = data.get("geometry")
            if isinstance(geometry, str):
                self.restoreGeometry(QByteArray.fromBase64(geometry.encode("ascii")))
            key = data.get("workspace")
            if isinstance(key, str) and any(k == key for k, _, _ in WORKSPACES):
                QTimer.singleShot(0, lambda: self.show_workspace(key))
