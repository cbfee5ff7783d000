"""Prompt library workspace: search by category / tag / language, a form and a raw editor, a live
preview of the exact messages with a token estimate, a run of the template, version history with
diff and revert, the template's own tests, import and export.

All reading and writing goes through ``copilot.prompts`` (user copies override built-ins; every save
is a version). Model calls run through the Runner.
"""

from __future__ import annotations

import contextlib
import html
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from copilot.cancel import CancelToken
from copilot.events import Delta, Done, Event, Progress, Started
from ui.i18n import ui_lang
from ui.runner import Runner
from ui.theme import icon, set_role
from ui.workspaces.base import Workspace
from ui.workspaces.prompt_form import TemplateForm
from ui.workspaces.prompt_inputs import diff_html, input_widget, set_widget_text, widget_value

__all__ = ["PromptsWorkspace"]

class PromptsWorkspace(Workspace):
    key = "prompts"
    file_suffixes = (".md", ".prompty")
    sig_preview_ready = Signal(int, object)
    """(generation, RenderedPrompt or the CopilotError) from the preview thread."""

    def __init__(self, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(runner, parent)
        self.template: Any = None  # the parsed editor buffer (copilot.prompts.Template) when valid
        self.template_id: str | None = None
        self._loading = False
        self._input_widgets: dict[str, QWidget] = {}
        self._reply: list[str] = []
        self._templates: list[Any] | None = None
        self._pending_select: str | None = None
        self._preview_generation = 0
        self.sig_preview_ready.connect(self._show_preview, Qt.ConnectionType.QueuedConnection)
        self.review_dialog: QWidget | None = None  # the last "Review Before Adding" dialog (File › Open of a .md)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)

        # -- left: the library -----------------------------------------------------------------------
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._refresh_list)
        self.category_combo = QComboBox()
        self.category_combo.currentIndexChanged.connect(self._refresh_list)
        self.language_combo = QComboBox()
        self.language_combo.currentIndexChanged.connect(self._refresh_list)
        self.list = QListWidget()
        self.list.setAlternatingRowColors(True)
        self.list.currentItemChanged.connect(self._on_list_current_changed)
        self.new_button = QPushButton()
        self.new_button.clicked.connect(self._on_new_clicked)
        self.import_button = QPushButton(icon("import"), "")
        self.import_button.clicked.connect(self.import_dialog)
        self.export_button = QPushButton(icon("export"), "")
        self.export_button.clicked.connect(self.export_dialog)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.search)
        filters = QHBoxLayout()
        filters.addWidget(self.category_combo, 1)
        filters.addWidget(self.language_combo)
        ll.addLayout(filters)
        ll.addWidget(self.list, 1)
        lb = QHBoxLayout()
        lb.addWidget(self.new_button)
        lb.addWidget(self.import_button)
        lb.addWidget(self.export_button)
        ll.addLayout(lb)

        # -- right: editor tabs ----------------------------------------------------------------------
        self.header_label = QLabel()
        set_role(self.header_label, "heading")
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color:#c62828")
        self.tabs = QTabWidget()

        # Form
        self.form = TemplateForm()
        self.form.sig_edited.connect(self._form_to_raw)

        # Raw
        self.raw = QPlainTextEdit()
        self.raw.setFont(mono)
        self.raw.textChanged.connect(self._on_raw_changed)
        self._reparse_timer = QTimer(self)
        self._reparse_timer.setSingleShot(True)
        self._reparse_timer.setInterval(250)
        self._reparse_timer.timeout.connect(self._reparse)

        # Preview
        preview_page = QWidget()
        pv = QVBoxLayout(preview_page)
        self.preview_inputs = QFormLayout()
        self.preview_lang = QComboBox()
        self.preview_lang.addItem("中文", "zh")
        self.preview_lang.addItem("English", "en")
        self.preview_lang.setCurrentIndex(0 if ui_lang() == "zh" else 1)
        self.preview_lang.currentIndexChanged.connect(self._render_preview)
        self.tokens_label = QLabel()
        set_role(self.tokens_label, "hint")
        self.preview_view = QTextBrowser()
        self.run_button = QPushButton(icon("run"), "")
        self.run_button.clicked.connect(self.run)
        self.cancel_button = QPushButton(icon("cancel"), "")
        self.cancel_button.clicked.connect(self.cancel)
        self.reply_view = QPlainTextEdit()
        self.reply_view.setReadOnly(True)
        lang_row = QHBoxLayout()
        self.preview_lang_label = QLabel()
        lang_row.addWidget(self.preview_lang_label)
        lang_row.addWidget(self.preview_lang)
        lang_row.addStretch(1)
        lang_row.addWidget(self.tokens_label)
        lang_row.addWidget(self.run_button)
        lang_row.addWidget(self.cancel_button)
        pv.addLayout(self.preview_inputs)
        pv.addLayout(lang_row)
        psplit = QSplitter(Qt.Orientation.Vertical)
        psplit.addWidget(self.preview_view)
        psplit.addWidget(self.reply_view)
        pv.addWidget(psplit, 1)

        # History
        history_page = QWidget()
        hv = QVBoxLayout(history_page)
        self.history_list = QListWidget()
        self.history_list.currentItemChanged.connect(self._on_history_current_changed)
        self.diff_view = QTextBrowser()
        self.diff_view.setFont(mono)
        self.revert_button = QPushButton(icon("history"), "")
        self.revert_button.clicked.connect(self._on_revert_clicked)
        hsplit = QSplitter()
        hsplit.addWidget(self.history_list)
        hsplit.addWidget(self.diff_view)
        hsplit.setStretchFactor(1, 3)
        hv.addWidget(hsplit, 1)
        hv.addWidget(self.revert_button, 0, Qt.AlignmentFlag.AlignRight)

        # Tests
        tests_page = QWidget()
        tv = QVBoxLayout(tests_page)
        self.tests_button = QPushButton(icon("test"), "")
        self.tests_button.clicked.connect(self.run_tests)
        self.tests_summary = QLabel()
        self.tests_list = QListWidget()
        trow = QHBoxLayout()
        trow.addWidget(self.tests_button)
        trow.addWidget(self.tests_summary, 1)
        tv.addLayout(trow)
        tv.addWidget(self.tests_list, 1)

        self.tabs.addTab(self.form, "")
        self.tabs.addTab(self.raw, "")
        self.tabs.addTab(preview_page, "")
        self.tabs.addTab(history_page, "")
        self.tabs.addTab(tests_page, "")
        self.tabs.currentChanged.connect(self._on_tab_changed)

        self.save_button = QPushButton(icon("save"), "")
        self.save_button.clicked.connect(self.save)
        head = QHBoxLayout()
        head.addWidget(self.header_label, 1)
        head.addWidget(self.save_button)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addLayout(head)
        rl.addWidget(self.error_label)
        rl.addWidget(self.tabs, 1)

        split = QSplitter()
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(1, 3)
        split.setSizes([280, 800])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)
        self.retranslate()
        self._set_busy(False)
        QTimer.singleShot(0, self.reload)

    # -- texts ------------------------------------------------------------------------------------
    def title(self) -> str:
        return self.tr("Prompts")

    def retranslate(self) -> None:
        self.search.setPlaceholderText(self.tr("Search name, id, tag…"))
        self.new_button.setText(self.tr("New…"))
        self.import_button.setText(self.tr("Import…"))
        self.export_button.setText(self.tr("Export…"))
        for i, text in enumerate((self.tr("Form"), self.tr("Raw"), self.tr("Preview"), self.tr("History"),
                                  self.tr("Tests"))):
            self.tabs.setTabText(i, text)
        self.preview_lang_label.setText(self.tr("Language:"))
        self.run_button.setText(self.tr("Run"))
        self.run_button.setToolTip(self.tr("Send the rendered messages to the model (Ctrl+Enter)"))
        self.cancel_button.setText(self.tr("Cancel"))
        self.reply_view.setPlaceholderText(self.tr("The model's reply appears here"))
        self.revert_button.setText(self.tr("Revert to This Version"))
        self.tests_button.setText(self.tr("Run the Template's Tests"))
        self.save_button.setText(self.tr("Save"))
        self._fill_filters()
        if getattr(self, "_templates", None) is not None:
            self._refresh_list()  # template names in the new language (「解释代码」, not "Explain code")
        self._update_header()
        self._render_preview()

    def _fill_filters(self) -> None:
        cat = self.category_combo.currentData()
        lang = self.language_combo.currentData()
        self._loading = True
        self.category_combo.clear()
        self.category_combo.addItem(self.tr("All categories"), "")
        for c in sorted({t.category for t in self._all_templates()}):
            self.category_combo.addItem(c, c)
        self.category_combo.setCurrentIndex(max(0, self.category_combo.findData(cat or "")))
        self.language_combo.clear()
        self.language_combo.addItem(self.tr("Any language"), "")
        self.language_combo.addItem("中文", "zh")
        self.language_combo.addItem("English", "en")
        self.language_combo.setCurrentIndex(max(0, self.language_combo.findData(lang or "")))
        self._loading = False

    def _update_header(self) -> None:
        if self.template_id is None:
            self.header_label.setText(self.tr("Choose a template, or create one with New…"))
            return
        origin = ""
        if self.template is not None:
            origin = self.tr("your copy") if self.template.origin == "user" else self.tr("built-in")
        self.header_label.setText(f"{self.template_id} · {origin}" if origin else self.template_id)

    # -- library list ---------------------------------------------------------------------------------
    def _all_templates(self) -> list[Any]:
        return self._templates or []

    def reload(self, select: str | None = None) -> None:
        """Re-read the library on a worker (parsing every template takes a while), then refill."""
        self._pending_select = select or self.template_id

        def job(cancel: CancelToken) -> Iterator[Event]:
            from copilot.prompts import list_templates

            yield Done(list_templates())

        self.start_job(job, key=f"{self.key}.library", on_done=self._on_library_loaded, background=True,
                       what=self.tr("Loading the library"))

    def is_loading(self) -> bool:
        return self.runner.is_running(f"{self.key}.library")

    def _on_library_loaded(self, templates: object) -> None:
        self._templates = list(templates) if isinstance(templates, list) else []
        select = self._pending_select
        self._fill_filters()
        self._refresh_list(select=select or self.template_id)
        if self.template_id is None and self.list.count():
            self.list.setCurrentRow(0)

    def _refresh_list(self, *_args: object, select: str | None = None) -> None:
        if self._loading:
            return
        needle = self.search.text().strip().lower()
        category = self.category_combo.currentData() or ""
        language = self.language_combo.currentData() or ""
        lang = ui_lang()
        current = select or (self.list.currentItem().data(Qt.ItemDataRole.UserRole) if self.list.currentItem() else None)
        self.list.blockSignals(True)
        self.list.clear()
        row_height = self._two_line_height()
        for tpl in self._all_templates():
            if category and tpl.category != category:
                continue
            if language and language not in tpl.languages():
                continue
            hay = " ".join([tpl.id, tpl.name("zh"), tpl.name("en"), " ".join(tpl.spec.tags)]).lower()
            if needle and needle not in hay:
                continue
            star = "★ " if tpl.spec.favourite else ""
            item = QListWidgetItem(f"{star}{tpl.name(lang)}\n{tpl.id}")
            item.setData(Qt.ItemDataRole.UserRole, tpl.id)
            item.setToolTip(tpl.description(lang))
            width = max(self.list.fontMetrics().horizontalAdvance(line) for line in item.text().split("\n")) + 16
            item.setSizeHint(QSize(width, row_height))
            self.list.addItem(item)
            if tpl.id == current:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)

    def _two_line_height(self) -> int:
        """A list row of name + id: Chinese names fall back to a CJK font whose lines are taller than
        the list font's, and Qt elides a two-line item that does not fit ("解释代码…", id gone)."""
        from PySide6.QtGui import QTextDocument

        doc = QTextDocument()
        doc.setDefaultFont(self.list.font())
        doc.setDocumentMargin(0)
        doc.setPlainText("中Ag\ncode.id")
        return round(doc.size().height()) + 12  # + the style's item margins

    def _sync_list_selection(self, template_id: str) -> None:
        self.list.blockSignals(True)
        for row in range(self.list.count()):
            if self.list.item(row).data(Qt.ItemDataRole.UserRole) == template_id:
                self.list.setCurrentRow(row)
                break
        self.list.blockSignals(False)

    def _on_list_current_changed(self, item: QListWidgetItem | None, _prev: QListWidgetItem | None) -> None:
        if item is not None:
            self.select_template(str(item.data(Qt.ItemDataRole.UserRole)))

    def select_template(self, template_id: str) -> None:
        from copilot.errors import CopilotError
        from copilot.prompts import get_template

        try:
            tpl = get_template(template_id)
        except CopilotError as exc:
            self.report_error(exc)
            return
        self.template_id = tpl.id
        self.current_path = tpl.path
        self._sync_list_selection(tpl.id)
        self._loading = True
        self.raw.setPlainText(tpl.source_text)
        self._loading = False
        self._reparse()
        self._load_history()
        self.tests_list.clear()
        self.tests_summary.setText("")
        self.reply_view.clear()

    # -- parsing, form, preview ------------------------------------------------------------------------
    def _on_raw_changed(self) -> None:
        if not self._loading:
            self._reparse_timer.start()

    def _reparse(self) -> None:
        from copilot.errors import CopilotError
        from copilot.prompts import Template

        try:
            tpl = Template.from_text(self.raw.toPlainText(), where=self.template_id or "editor")
        except CopilotError as exc:
            self.error_label.setText(str(exc))
            self.error_label.show()
            return
        if self.template_id is not None:
            from copilot.prompts import get_template

            with contextlib.suppress(CopilotError):
                tpl.origin = get_template(self.template_id).origin
        self.error_label.hide()
        self.template = tpl
        self._fill_form()
        self._build_preview_inputs()
        self._render_preview()
        self._update_header()

    def _fill_form(self) -> None:
        self._loading = True
        self.form.fill(self.template.spec, ui_lang())
        self._loading = False

    def _form_to_raw(self, *_args: object) -> None:
        """Write the form's fields into the front matter of the raw text (the body is kept as is)."""
        if self._loading or self.template is None:
            return
        import yaml

        from copilot.errors import CopilotError
        from copilot.prompts.parse import split_front_matter

        try:
            front, body, _ = split_front_matter(self.raw.toPlainText(), self.template_id or "editor")
        except CopilotError as exc:
            self.error_label.setText(str(exc))
            return
        front = self.form.update_front(front)
        head = yaml.safe_dump(front, allow_unicode=True, sort_keys=False, default_flow_style=None, width=100)
        self._loading = True
        self.raw.setPlainText(f"---\n{head}---\n{body}")
        self._loading = False
        self._reparse()

    def _build_preview_inputs(self) -> None:
        while self.preview_inputs.rowCount():
            self.preview_inputs.removeRow(0)
        self._input_widgets = {}
        if self.template is None:
            return
        for name, spec in self.template.inputs.items():
            widget = input_widget(spec, ui_lang(), self._render_preview)
            self._input_widgets[name] = widget
            self.preview_inputs.addRow(name, widget)

    def input_values(self) -> dict[str, Any]:
        return {name: widget_value(w) for name, w in self._input_widgets.items()}

    def set_input(self, name: str, value: str) -> None:
        w = self._input_widgets.get(name)
        if w is not None:
            set_widget_text(w, value)

    def _render_preview(self, *_args: object) -> None:
        """Render the preview on a worker thread: a hostile template (nested loops) never freezes the
        window, and the sandbox stops it after its time limit with a one-line error."""
        self._preview_generation += 1
        if self.template is None:
            self.preview_view.clear()
            self.tokens_label.setText("")
            return
        generation, template = self._preview_generation, self.template
        values, lang = self.input_values(), self.preview_lang.currentData() or "zh"

        def work() -> None:
            from copilot.errors import CopilotError

            try:
                result: object = template.render(values, lang=lang)
            except CopilotError as exc:
                result = exc
            with contextlib.suppress(RuntimeError):  # the window was closed meanwhile
                self.sig_preview_ready.emit(generation, result)

        threading.Thread(target=work, name="prompt-preview", daemon=True).start()

    def _show_preview(self, generation: int, rendered: Any) -> None:
        if generation != self._preview_generation:
            return  # an older render finishing after a newer one started
        if isinstance(rendered, Exception):
            self.preview_view.setHtml(f'<p style="color:#c62828">{html.escape(str(rendered))}</p>')
            self.tokens_label.setText("")
            return
        parts = []
        for m in rendered.messages:
            parts.append(f'<p><b>{html.escape(m["role"])}</b></p><pre style="white-space:pre-wrap">'
                         f'{html.escape(m["content"])}</pre>')
        self.preview_view.setHtml("".join(parts))
        self.tokens_label.setText(self.tr("≈ %1 tokens").replace("%1", str(rendered.token_estimate())))

    def _on_tab_changed(self, index: int) -> None:
        if index == 3:
            self._load_history()

    # -- run ------------------------------------------------------------------------------------------
    def run(self) -> None:
        if self.template is None:
            self.sig_status.emit(self.tr("Choose a template first"))
            return
        template, values, lang = self.template, self.input_values(), self.preview_lang.currentData() or "zh"
        profile = self.profile_name()

        template_id = self.template.id

        def job(cancel: CancelToken) -> Iterator[Event]:
            # The prompt as previewed (the editor's text, saved or not), streamed by the core's ask.
            from copilot.models import get_provider
            from copilot.tasks.ask import stream_reply

            rendered = template.render(values, lang=lang)  # off the GUI thread: the sandbox bounds it in time
            yield Started("prompt", None)
            yield from stream_reply(get_provider(profile), rendered, template_id, cancel)

        self.tabs.setCurrentIndex(2)
        self.reply_view.clear()
        self.start_job(job, on_event=self._on_run_event, on_done=self._on_run_done, on_error=self._on_error,
                       model=True, what=self.tr("Running the template"), record="prompt",
                       template=self.template.id)

    def _on_run_event(self, event: object) -> None:
        if isinstance(event, Delta):
            self.reply_view.insertPlainText(event.text)

    def _on_run_done(self, result: object) -> None:
        self._set_busy(False)
        from copilot.tasks.ask import AskResult

        self.reply_view.setPlainText(result.text if isinstance(result, AskResult) else "")
        self.sig_status.emit(self.tr("Reply received"))

    def _on_error(self, _exc: BaseException) -> None:
        self._set_busy(False)  # start_job has shown the error in this workspace's banner

    def cancel(self) -> None:
        if self.runner.is_running(self.key):
            self.runner.cancel(self.key)
            self._set_busy(False)
            self.sig_status.emit(self.tr("Cancelled"))

    def busy_changed(self, busy: bool) -> None:
        self._set_busy(busy)

    def _set_busy(self, busy: bool) -> None:
        self.run_button.setEnabled(not busy)
        self.tests_button.setEnabled(not busy)
        self.cancel_button.setEnabled(busy)

    def run_tests(self) -> None:
        if self.template is None:
            return
        tpl = self.template
        profile = self.profile_name()

        def job(cancel: CancelToken) -> Iterator[Event]:
            from copilot.models import get_provider
            from copilot.prompts.runner import run_tests

            return run_tests([tpl], get_provider(profile), cancel=cancel)

        self.tabs.setCurrentIndex(4)
        self.tests_list.clear()
        self.tests_summary.setText(self.tr("Running…"))
        self.start_job(job, on_event=self._on_tests_event, on_done=self._on_tests_done, on_error=self._on_error,
                       model=True, what=self.tr("Testing the template"))

    def _on_tests_event(self, event: object) -> None:
        if isinstance(event, Progress):
            self.tests_summary.setText(self.tr("%1 of %2").replace("%1", str(event.done))
                                       .replace("%2", str(event.total)))

    def _on_tests_done(self, results: object) -> None:
        self._set_busy(False)
        assert isinstance(results, list)
        passed = sum(1 for r in results if r.ok)
        self.tests_summary.setText(self.tr("%1 of %2 passed").replace("%1", str(passed))
                                   .replace("%2", str(len(results))))
        for r in results:
            mark = "✓" if r.ok else "✗"
            text = f"{mark} {r.label} ({r.lang})"
            if not r.ok:
                text += " — " + "; ".join(r.failures())
            item = QListWidgetItem(text)
            item.setToolTip(r.reply)
            self.tests_list.addItem(item)
        if not results:
            self.tests_summary.setText(self.tr("This template has no tests"))

    # -- save, history --------------------------------------------------------------------------------
    def can_save(self) -> bool:
        return self.template is not None

    def save(self) -> None:
        from copilot.errors import CopilotError
        from copilot.prompts.library import save_template_text, user_path

        if self.template is None:
            return
        text = self.raw.toPlainText()
        tid = self.template.id
        try:
            from copilot.prompts import builtin_templates
            from copilot.prompts.library import set_front_field

            builtins = builtin_templates()
            if tid in builtins and not user_path(tid).exists() and self.template.spec.based_on_version is None:
                # A user copy of a built-in remembers its base, so a newer built-in can be pointed out.
                text = set_front_field(text, "based_on_version", str(builtins[tid].version))
            save_template_text(text)
        except CopilotError as exc:
            self.report_error(exc)
            return
        self.template_id = tid
        self.sig_status.emit(self.tr("Saved %1 as a new version").replace("%1", tid))
        self.reload(select=tid)
        self.select_template(tid)

    def _load_history(self) -> None:
        from copilot.errors import CopilotError
        from copilot.prompts.library import history

        self.history_list.clear()
        self.diff_view.clear()
        if self.template_id is None:
            return
        try:
            versions = history(self.template_id)
        except CopilotError:
            versions = []
        for v in reversed(versions):
            when = v.saved_at.astimezone().strftime("%Y-%m-%d %H:%M")
            label = self.tr("Version %1 · %2").replace("%1", str(v.number)).replace("%2", when)
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, v.number)
            self.history_list.addItem(item)
        self.revert_button.setEnabled(bool(versions))

    def _on_history_current_changed(self, item: QListWidgetItem | None, _prev: QListWidgetItem | None) -> None:
        if item is None or self.template_id is None:
            return
        from copilot.errors import CopilotError
        from copilot.prompts.library import diff_versions

        number = int(item.data(Qt.ItemDataRole.UserRole))
        try:
            diff = diff_versions(self.template_id, number, "current")
        except CopilotError as exc:
            diff = str(exc)
        self.diff_view.setHtml(diff_html(diff or self.tr("(same as the current text)")))

    def _on_revert_clicked(self) -> None:
        item = self.history_list.currentItem()
        if item is None or self.template_id is None:
            return
        self.revert_to(int(item.data(Qt.ItemDataRole.UserRole)))

    def revert_to(self, number: int) -> None:
        from copilot.errors import CopilotError
        from copilot.prompts.library import revert

        try:
            revert(self.template_id or "", number)
        except CopilotError as exc:
            self.report_error(exc)
            return
        self.sig_status.emit(self.tr("Reverted to version %1 (saved as a new version)").replace("%1", str(number)))
        self.select_template(self.template_id or "")

    # -- new, import, export, open ------------------------------------------------------------------------
    def _on_new_clicked(self) -> None:
        tid, ok = QInputDialog.getText(self, self.tr("New Template"),
                                       self.tr("Id (category.name, lowercase), e.g. mail.reply_polite:"))
        if ok and tid.strip():
            self.create_template(tid.strip())

    def create_template(self, template_id: str, from_id: str | None = None) -> None:
        from copilot.errors import CopilotError
        from copilot.prompts.library import create_template

        try:
            create_template(template_id, from_id=from_id)
        except CopilotError as exc:
            self.report_error(exc)
            return
        self.reload(select=template_id)
        self.select_template(template_id)
        self.tabs.setCurrentIndex(0)

    def import_dialog(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, self.tr("Import Prompts"), "",
            self.tr("Prompt collections (*.md *.prompty *.csv *.json *.zip);;All files (*)"))
        if name:
            self.import_from(Path(name))

    def import_from(self, path: Path) -> None:
        def job(cancel: CancelToken) -> Iterator[Event]:
            from copilot.prompts.transfer import import_path

            yield Started("import", None)
            yield Done(import_path(path))

        self.start_job(job, on_done=self._on_imported, on_error=self._on_error, what=self.tr("Import"))

    def _on_imported(self, report: object) -> None:
        self._set_busy(False)
        imported = list(getattr(report, "imported", []))
        skipped = list(getattr(report, "skipped", []))
        self.reload(select=imported[0] if imported else None)
        if imported:
            self.select_template(imported[0])
        text = self.tr("Imported %1 template(s), skipped %2.").replace("%1", str(len(imported))) \
            .replace("%2", str(len(skipped)))
        self.sig_status.emit(text)
        notes = list(getattr(report, "notes", []))
        if skipped or notes:
            details = "\n".join(f"{item}: {why}" for item, why in [*skipped, *notes][:30])
            box = QMessageBox(QMessageBox.Icon.Information, self.tr("Import"), text, QMessageBox.StandardButton.Ok,
                              self)
            box.setDetailedText(details)
            box.open()

    def export_dialog(self) -> None:
        if self.template_id is None:
            self.sig_status.emit(self.tr("Choose a template to export"))
            return
        name, _ = QFileDialog.getSaveFileName(self, self.tr("Export Template"), f"{self.template_id}.zip",
                                              self.tr("Zip archive (*.zip)"))
        if name:
            self.export_to([self.template_id], Path(name))

    def export_to(self, ids: list[str], out: Path) -> None:
        def job(cancel: CancelToken) -> Iterator[Event]:
            from copilot.prompts.transfer import export_templates

            yield Started("export", None)
            yield Done(export_templates(ids, out, force=True))

        self.start_job(job, on_done=lambda written: self._on_exported(out, written), on_error=self._on_error,
                       what=self.tr("Export"))

    def _on_exported(self, out: Path, written: object) -> None:
        self._set_busy(False)
        count = len(written) if isinstance(written, list) else 0
        self.sig_status.emit(self.tr("Exported %1 template(s) to %2").replace("%1", str(count))
                             .replace("%2", str(out)))

    def open_file(self, path: Path) -> None:
        """A template file opened from disk (File › Open, a file association, another instance) is shown for
        review first; only "Add to Library" adds it (a copy; the file is not changed)."""

        def job(cancel: CancelToken) -> Iterator[Event]:
            from copilot.prompts.transfer import preview_import

            yield Started("review", None)
            yield Done(preview_import(path))

        self.start_job(job, on_done=self._review, on_error=self._on_error, what=self.tr("Import"))

    def _review(self, preview: object) -> None:
        from ui.workspaces.import_review import ImportReviewDialog

        self._set_busy(False)
        dialog = ImportReviewDialog(preview, self)  # type: ignore[arg-type]
        self.review_dialog = dialog
        dialog.accepted.connect(lambda: self._add_reviewed(preview))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def _add_reviewed(self, preview: object) -> None:
        def job(cancel: CancelToken) -> Iterator[Event]:
            from copilot.prompts.transfer import import_preview

            yield Started("import", None)
            yield Done(import_preview(preview))  # type: ignore[arg-type]

        self.start_job(job, on_done=self._on_imported, on_error=self._on_error, what=self.tr("Import"))
