"""Word workspace: the document's paragraphs, a polish template, Run with progress and ETA, a
side-by-side review with accept/reject, the paragraphs the guards kept, and Save (tracked or clean).

The polish itself is ``copilot.tasks.polish_docx`` run through the Runner; finished chunks are
cached on disk by the task, so a cancelled run continues where it stopped when run again.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtGui import (
    QKeySequence,
    QShortcut,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from copilot.cancel import CancelToken
from copilot.events import Done, Event, Notice, Progress, Started
from copilot.tasks.polish.review import Paragraph
from ui.i18n import ui_lang
from ui.runner import Runner
from ui.theme import icon, set_role
from ui.widgets.placeholders import markers_plain
from ui.workspaces.base import Workspace
from ui.workspaces.word_review import ACCEPTED, REJECTED, ROW_PADDING, ReviewFilter, ReviewModel, ReviewTable

__all__ = ["ReviewModel", "WordWorkspace"]



class WordWorkspace(Workspace):
    key = "word"
    file_suffixes = (".docx",)

    def __init__(self, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(runner, parent)
        self.paragraphs: list[Paragraph] = []
        self.result: Any = None
        self.review_path: Path | None = None
        self._started_at = 0.0
        self._notices = 0
        self._templates_loaded = False
        self._templates: list[Any] | None = None
        self._wanted_template: str | None = None
        self._unsaved = False
        # False until a polish run reports Started: the bar then shows "%v / %m", before that an idle
        # paragraph count (a 0..1 range with the run format read "0 / 1 paragraphs" on open).
        self._run_progress = False

        self.open_button = QPushButton(icon("open"), "")
        self.open_button.clicked.connect(self._on_open_clicked)
        self.file_label = QLabel()
        set_role(self.file_label, "heading")
        self.file_label.setWordWrap(True)  # a long file name wraps instead of widening the window
        self.template_label = QLabel()
        self.template_combo = QComboBox()
        self.template_combo.setMinimumWidth(200)
        self.template_combo.activated.connect(
            lambda _i: setattr(self, "_wanted_template", self.template_combo.currentData()))
        self.run_button = QPushButton(icon("run"), "")
        self.run_button.clicked.connect(self.run)
        self.cancel_button = QPushButton(icon("cancel"), "")
        self.cancel_button.clicked.connect(self.cancel)
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.progress_bar = self.progress
        self.eta_label = QLabel()
        set_role(self.eta_label, "hint")

        top = QHBoxLayout()
        top.addWidget(self.open_button)
        top.addWidget(self.file_label, 1)
        top.addWidget(self.template_label)
        top.addWidget(self.template_combo)
        top.addWidget(self.run_button)
        top.addWidget(self.cancel_button)
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.progress, 1)
        progress_row.addWidget(self.eta_label)
        self.ask_doc_button = QPushButton(icon("knowledge"), "")
        self.ask_doc_button.clicked.connect(self._ask_about_document)
        progress_row.addWidget(self.ask_doc_button)

        self.model = ReviewModel(self)
        self.proxy = ReviewFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = ReviewTable()
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setWordWrap(True)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.table.line_height() * 3 + ROW_PADDING)
        header = self.table.horizontalHeader()
        # Fixed widths, not ResizeToContents: measuring 1,000 rows on every reset would stall the GUI.
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(0, self.fontMetrics().horizontalAdvance("00000") + 12)
        header.resizeSection(3, self.fontMetrics().horizontalAdvance("kept (guard)__") + 16)
        self.table.selectionModel().currentRowChanged.connect(self._on_table_current_changed)
        self.table.doubleClicked.connect(self._on_table_double_clicked)

        self.original_title = QLabel()
        self.rewrite_title = QLabel()
        self.original_view = QTextBrowser()
        self.rewrite_view = QTextBrowser()
        self.accept_button = QPushButton(icon("accept"), "")
        self.accept_button.clicked.connect(lambda: self._decide_selected(ACCEPTED))
        self.reject_button = QPushButton(icon("reject"), "")
        self.reject_button.clicked.connect(lambda: self._decide_selected(REJECTED))
        detail = QWidget()
        grid = QHBoxLayout(detail)
        grid.setContentsMargins(0, 0, 0, 0)
        left_box, right_box = QVBoxLayout(), QVBoxLayout()
        left_box.addWidget(self.original_title)
        left_box.addWidget(self.original_view)
        right_box.addWidget(self.rewrite_title)
        right_box.addWidget(self.rewrite_view)
        buttons = QVBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.accept_button)
        buttons.addWidget(self.reject_button)
        grid.addLayout(left_box, 1)
        grid.addLayout(right_box, 1)
        grid.addLayout(buttons)

        self.guard_title = QLabel()
        set_role(self.guard_title, "heading")
        self.guard_list = QListWidget()
        self.guard_list.setWordWrap(True)
        self.guard_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.guard_list.itemActivated.connect(self._on_guard_activated)
        self.guard_list.itemClicked.connect(self._on_guard_activated)
        guard_box = QWidget()
        gl = QVBoxLayout(guard_box)
        gl.setContentsMargins(0, 0, 0, 0)
        gl.addWidget(self.guard_title)
        gl.addWidget(self.guard_list)

        vsplit = QSplitter(Qt.Orientation.Vertical)
        vsplit.addWidget(self.table)
        vsplit.addWidget(detail)
        vsplit.setStretchFactor(0, 3)
        vsplit.setStretchFactor(1, 1)
        hsplit = QSplitter(Qt.Orientation.Horizontal)
        hsplit.addWidget(vsplit)
        hsplit.addWidget(guard_box)
        hsplit.setStretchFactor(0, 4)
        hsplit.setStretchFactor(1, 1)
        hsplit.setSizes([800, 240])

        self.show_combo = QComboBox()
        self.show_combo.currentIndexChanged.connect(self._on_show_changed)
        self.accept_all_button = QPushButton(icon("accept"), "")
        self.accept_all_button.clicked.connect(lambda: self._decide_all(ACCEPTED))
        self.reject_all_button = QPushButton(icon("reject"), "")
        self.reject_all_button.clicked.connect(lambda: self._decide_all(REJECTED))
        self.summary_label = QLabel()
        set_role(self.summary_label, "hint")
        self.summary_label.setWordWrap(True)  # "12 changed · 3 accepted · …" wraps at 1024 px in English
        self.save_tracked_button = QPushButton(icon("save"), "")
        self.save_tracked_button.clicked.connect(lambda: self.save(mode="track"))
        self.save_clean_button = QPushButton("")
        self.save_clean_button.clicked.connect(lambda: self.save(mode="clean"))
        bottom = QHBoxLayout()
        bottom.addWidget(self.show_combo)
        bottom.addWidget(self.accept_all_button)
        bottom.addWidget(self.reject_all_button)
        bottom.addWidget(self.summary_label, 1)
        bottom.addWidget(self.save_tracked_button)
        bottom.addWidget(self.save_clean_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(progress_row)
        layout.addWidget(hsplit, 1)
        layout.addLayout(bottom)

        for keys, decision in (("A", ACCEPTED), ("R", REJECTED)):
            shortcut = QShortcut(QKeySequence(keys), self.table)
            shortcut.activated.connect(lambda d=decision: self._decide_selected(d))
        self.retranslate()
        self._set_busy(False)
        QTimer.singleShot(0, self._load_templates)

    # -- texts ----------------------------------------------------------------------------------
    def title(self) -> str:
        return self.tr("Word")

    def retranslate(self) -> None:
        self.model.clear_rendered()  # the markers' chips ("field", 「域」) follow the language
        self.open_button.setText(self.tr("Open…"))
        self.template_label.setText(self.tr("Template:"))
        self.run_button.setText(self.tr("Polish"))
        self.run_button.setToolTip(self.tr("Polish every paragraph (Ctrl+Enter)"))
        self.cancel_button.setText(self.tr("Cancel"))
        self.ask_doc_button.setText(self.tr("Ask about this document"))
        self.ask_doc_button.setToolTip(self.tr("Questions answered from this document, with citations (Knowledge)"))
        self.cancel_button.setToolTip(self.tr("Stop (Esc); finished paragraphs are cached"))
        self.original_title.setText(self.tr("Original"))
        self.rewrite_title.setText(self.tr("Rewrite"))
        self.accept_button.setText(self.tr("Accept"))
        self.accept_button.setToolTip(self.tr("Accept the selected paragraphs (A)"))
        self.reject_button.setText(self.tr("Reject"))
        self.reject_button.setToolTip(self.tr("Reject the selected paragraphs (R)"))
        self.guard_title.setText(self.tr("Kept unchanged by the guards"))
        self.accept_all_button.setText(self.tr("Accept All"))
        self.reject_all_button.setText(self.tr("Reject All"))
        self.save_tracked_button.setText(self.tr("Save with Tracked Changes…"))
        self.save_clean_button.setText(self.tr("Save Clean Copy…"))
        current = self.show_combo.currentIndex()
        self.show_combo.blockSignals(True)
        self.show_combo.clear()
        self.show_combo.addItems([self.tr("All paragraphs"), self.tr("Changes only"), self.tr("Kept by guards")])
        self.show_combo.setCurrentIndex(max(0, current))
        self.show_combo.blockSignals(False)
        if self._templates_loaded:
            self._fill_templates()
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, ReviewModel.COLUMNS - 1)
        self._update_labels()

    def _update_labels(self) -> None:
        if self.current_path is None:
            self.file_label.setText(self.tr("Open a Word document (.docx) to polish it"))
        else:
            self.file_label.setText(self.tr("%1 — %2 paragraphs").replace("%1", self.current_path.name)
                                    .replace("%2", str(len(self.paragraphs))))
        c = self.model.counts()
        if self.result is not None:
            self.summary_label.setText(self.tr("%1 changed · %2 accepted · %3 rejected · %4 kept by guards")
                                       .replace("%1", str(c["changed"])).replace("%2", str(c["accepted"]))
                                       .replace("%3", str(c["rejected"])).replace("%4", str(c["guard"])))
        else:
            self.summary_label.setText("")
        if self._run_progress:
            self.progress.setFormat(self.tr("%v / %m paragraphs"))
        else:
            self.progress.setFormat(self.tr("%1 paragraphs").replace("%1", str(len(self.paragraphs)))
                                    if self.paragraphs else "")

    # -- templates ------------------------------------------------------------------------------
    def _load_templates(self) -> None:
        """Parse the polish templates on a worker (YAML parsing takes seconds on a slow machine)."""
        if self._templates is not None:
            self._fill_templates()
            return

        def job(cancel: CancelToken) -> Iterator[Event]:
            from copilot.prompts import list_templates

            yield Done(list_templates(category="polish"))

        self.start_job(job, key=f"{self.key}.templates", on_done=self._on_templates_loaded, background=True,
                       what=self.tr("Loading templates"))

    def _on_templates_loaded(self, templates: object) -> None:
        from copilot.tasks.registry import get_task, missing_inputs

        # Offered only when this workspace can supply every input the template requires (it has no
        # field for polish.match_style's style sample; the CLI's --sample does).
        polish = get_task("polish")
        found = list(templates) if isinstance(templates, list) else []
        self._templates = [t for t in found if not missing_inputs(polish, t)]
        self._fill_templates()

    def _fill_templates(self) -> None:
        wanted = self._wanted_template or self.template_combo.currentData() or "polish.polish"
        self.template_combo.clear()
        lang = ui_lang()
        for tpl in self._templates or []:
            self.template_combo.addItem(tpl.name(lang), tpl.id)
            self.template_combo.setItemData(self.template_combo.count() - 1, tpl.description(lang),
                                            Qt.ItemDataRole.ToolTipRole)
        index = self.template_combo.findData(wanted)
        self.template_combo.setCurrentIndex(max(0, index))
        self._templates_loaded = True

    def template_id(self) -> str:
        return str(self.template_combo.currentData() or self._wanted_template or "polish.polish")

    def set_template(self, template_id: str) -> None:
        self._wanted_template = template_id
        index = self.template_combo.findData(template_id)
        if index >= 0:
            self.template_combo.setCurrentIndex(index)

    # -- open -----------------------------------------------------------------------------------
    def _on_open_clicked(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, self.tr("Open Word Document"), "",
                                              self.tr("Word documents (*.docx)"))
        if name:
            self.open_file(Path(name))

    def open_file(self, path: Path) -> None:
        self.runner.cancel(self.key)
        self.current_path = Path(path)
        self.paragraphs = []
        self.result = None
        self._unsaved = False
        self.model.set_paragraphs([])
        self.guard_list.clear()
        self._show_detail(None)
        self.eta_label.setText("")
        self._progress_idle()
        self.start_task("polish.read", {"path": Path(path)}, on_done=self._on_read_done,
                        on_error=self._on_job_error, what=self.tr("Reading %1").replace("%1", path.name),
                        status=self.tr("Reading %1…").replace("%1", path.name))
        # A spare child process with the polish stack imported, while the user reads the document
        # and picks a template: Run then starts in ~0.5 s instead of ~2 s.
        self.runner.prestart("polish", self.profile_name())

    def _progress_idle(self) -> None:
        """An empty bar labelled with the paragraph count (blank while reading)."""
        self._run_progress = False
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self._update_labels()

    def _on_read_done(self, paragraphs: object) -> None:
        self._set_busy(False)
        assert isinstance(paragraphs, list)
        self.paragraphs = paragraphs
        self.model.set_paragraphs(paragraphs)
        self._update_labels()
        self.sig_status.emit(self.tr("%1 paragraphs").replace("%1", str(len(paragraphs))))
        self.apply_reveal()

    # -- run ------------------------------------------------------------------------------------
    def run(self) -> None:
        if self.current_path is None:
            self._on_open_clicked()
            if self.current_path is None:
                return
        if self.is_busy() and not self.paragraphs:
            return  # still reading the document
        from copilot.paths import cache_dir
        from copilot.tasks.polish.results import PolishOptions

        src = self.current_path
        out = cache_dir() / "app-review" / f"{src.stem}.review.docx"
        out.parent.mkdir(parents=True, exist_ok=True)
        self.review_path = out
        options = PolishOptions(template_id=self.template_id(), mode="track", force=True)

        self.result = None
        self._notices = 0
        self.guard_list.clear()
        self.model.set_outcomes([])
        self._started_at = time.monotonic()
        self.progress.setRange(0, 0)
        self.eta_label.setText(self.tr("Starting…"))
        # The runner picks where it runs: the embedded model's worker, or for a server a child
        # process (its XML, diff and reply parsing would otherwise take the GIL from the GUI thread).
        self.start_task("polish", {"src": src, "output": out, "options": options},
                        on_event=self._on_polish_event, on_done=self._on_polish_done,
                        on_error=self._on_job_error, what=self.tr("Polish"), record="polish",
                        template=options.template_id, input_path=src)

    def _on_polish_event(self, event: object) -> None:
        if isinstance(event, Started):
            self._run_progress = True
            self.progress.setRange(0, max(1, event.total or 0))
            self.progress.setValue(0)
            self.progress.setFormat(self.tr("%v / %m paragraphs"))
        elif isinstance(event, Progress):
            self._run_progress = True
            total = max(1, event.total or 1)
            self.progress.setRange(0, total)
            self.progress.setValue(event.done)
            self.progress.setFormat(self.tr("%v / %m paragraphs"))
            self.eta_label.setText(self._eta(event.done, total))
        elif isinstance(event, Notice):
            self._notices += 1
            self.sig_status.emit(event.message)

    def _eta(self, done: int, total: int) -> str:
        elapsed = time.monotonic() - self._started_at
        if done <= 0 or elapsed < 0.5:
            return self.tr("estimating…")
        left = elapsed / done * (total - done)
        if left < 60:
            return self.tr("about %1 s left").replace("%1", str(max(1, round(left))))
        return self.tr("about %1 min left").replace("%1", str(round(left / 60)))

    def _on_polish_done(self, result: object) -> None:
        from copilot.tasks.polish.results import PolishResult

        if not isinstance(result, PolishResult):
            return
        self.result = result
        self._set_busy(False)
        self.eta_label.setText(self.tr("done in %1 s").replace("%1", f"{result.seconds:.1f}"))
        outcomes = result.outcomes
        self.model.set_outcomes(outcomes)
        self.guard_list.clear()
        for o in outcomes:
            if o.status == "rejected":
                item = QListWidgetItem(self.tr("¶%1: %2").replace("%1", str(o.paragraph)).replace("%2", o.reason))
                item.setData(Qt.ItemDataRole.UserRole, o.paragraph)
                at = self.model.row_index(o.paragraph)
                kinds = self.model.rows[at].para.placeholders if at is not None else ()
                item.setToolTip(f"{o.reason}\n\n{markers_plain(o.original, kinds)}")  # markers, never ⟦n⟧
                self.guard_list.addItem(item)
        counts = self.model.counts()
        self._unsaved = counts["changed"] > 0
        self._update_labels()
        self.sig_status.emit(self.tr("Polished: %1 changed, %2 kept by guards")
                             .replace("%1", str(counts["changed"])).replace("%2", str(counts["guard"])))
        # Filtering 1,000 rows and painting the diffs each take 10-20 ms: let the event loop (and
        # the table's first paint) run between the steps instead of stalling once for all. Not a
        # 0 ms timer: that is a posted event, handled with the paint before any due timer.
        QTimer.singleShot(1, self, lambda: self._show_review(counts["changed"] > 0))

    def _show_review(self, has_changes: bool) -> None:
        if has_changes:
            self.show_combo.setCurrentIndex(1)
        first = self.proxy.index(0, 0)
        if first.isValid():
            self.table.setCurrentIndex(first)

    def _on_job_error(self, _exc: BaseException) -> None:
        # start_job has shown the error in this workspace's banner.
        self._set_busy(False)
        self.eta_label.setText("")
        self._progress_idle()

    def cancel(self) -> None:
        if self.runner.is_running(self.key):
            self.runner.cancel(self.key)
            self._set_busy(False)
            self._progress_idle()
            self.eta_label.setText(self.tr("cancelled"))
            self.sig_status.emit(self.tr("Cancelled — finished paragraphs are cached; Polish again continues "
                                         "where it stopped"))

    def busy_changed(self, busy: bool) -> None:
        self._set_busy(busy)

    def _set_busy(self, busy: bool) -> None:
        self.run_button.setEnabled(not busy)
        self.cancel_button.setEnabled(busy)
        self.template_combo.setEnabled(not busy)
        has_result = self.result is not None and not busy
        for w in (self.accept_all_button, self.reject_all_button, self.save_tracked_button,
                  self.save_clean_button, self.accept_button, self.reject_button):
            w.setEnabled(has_result)

    # -- review ---------------------------------------------------------------------------------
    def _on_show_changed(self, index: int) -> None:
        self.proxy.set_mode(("all", "changes", "guards")[max(0, index)])

    def _source_rows(self) -> list[int]:
        rows = {self.proxy.mapToSource(i).row() for i in self.table.selectionModel().selectedRows()}
        if not rows and self.table.currentIndex().isValid():
            rows = {self.proxy.mapToSource(self.table.currentIndex()).row()}
        return sorted(rows)

    def _decide_selected(self, decision: str) -> None:
        self.decide(self._source_rows(), decision)

    def decide(self, rows: list[int], decision: str) -> None:
        """Accept or reject source rows (ReviewModel rows)."""
        if self.model.set_decision(rows, decision):
            self._unsaved = True
        self._update_labels()

    def _decide_all(self, decision: str) -> None:
        self.model.set_all(decision)
        self._unsaved = True
        self._update_labels()

    def _on_table_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._show_detail(self.proxy.mapToSource(current).row() if current.isValid() else None)

    def _on_table_double_clicked(self, index: QModelIndex) -> None:
        i = self.proxy.mapToSource(index).row()
        row = self.model.rows[i]
        if row.status == "changed":
            self.decide([i], REJECTED if row.decision == ACCEPTED else ACCEPTED)

    def _show_detail(self, i: int | None) -> None:
        if i is None or i < 0 or i >= len(self.model.rows):
            self.original_view.clear()
            self.rewrite_view.clear()
            return
        left, right = self.model.diff(i)
        row = self.model.rows[i]
        self.original_view.setHtml(left)
        extra = ""
        if row.status == "rejected" and row.reason:
            import html

            extra = f'<p style="color:#b26a00">{html.escape(self.tr("Kept unchanged: %1").replace("%1", row.reason))}</p>'
        self.rewrite_view.setHtml(right + extra)

    def _on_guard_activated(self, item: QListWidgetItem) -> None:
        self.select_paragraph(int(item.data(Qt.ItemDataRole.UserRole)))

    def select_paragraph(self, number: int) -> bool:
        """Make paragraph ``number`` (1-based, polish order) the current row, in view."""
        i = self.model.row_index(number)
        if i is None:
            return False
        if self.proxy.mode == "changes":
            self.show_combo.setCurrentIndex(0)
        proxy_index = self.proxy.mapFromSource(self.model.index(i, 0))
        self.table.setCurrentIndex(proxy_index)
        self.table.scrollTo(proxy_index, QAbstractItemView.ScrollHint.PositionAtCenter)
        return True

    def _ask_about_document(self) -> None:
        if self.current_path is not None:
            self.sig_ask_document.emit(str(self.current_path))
        else:
            self.sig_status.emit(self.tr("Open a document first"))

    def show_location(self, locator: dict[str, Any]) -> bool:
        # A citation numbers paragraphs within their part (the body, or "header1", "footnotes"…).
        number, part = locator.get("paragraph"), locator.get("part")
        if isinstance(number, int) and self.paragraphs:
            where = f"word/{part}.xml" if isinstance(part, str) and part else "word/document.xml"
            match = next((p for p in self.paragraphs if p.part == where and p.in_part == number), None)
            if match is not None:
                self.select_paragraph(match.number)
        return bool(self.paragraphs)

    # -- save -----------------------------------------------------------------------------------
    def can_save(self) -> bool:
        return self.result is not None and self.current_path is not None

    def has_unsaved_work(self) -> bool:
        return self._unsaved

    def save(self, mode: str = "track") -> None:
        if not self.can_save() or self.current_path is None:
            self.sig_status.emit(self.tr("Nothing to save yet — polish the document first"))
            return
        suffix = ".polished.docx" if mode == "track" else ".clean.docx"
        default = self.current_path.with_name(self.current_path.stem + suffix)
        caption = self.tr("Save with Tracked Changes") if mode == "track" else self.tr("Save Clean Copy")
        name, _ = QFileDialog.getSaveFileName(self, caption, str(default), self.tr("Word documents (*.docx)"))
        if name:
            self.save_to(Path(name), mode)

    def save_to(self, out: Path, mode: str = "track") -> None:
        """Write the accepted rewrites to ``out`` (the save dialog already confirmed overwriting)."""
        from copilot.errors import UsageError
        from copilot.settings import load_settings

        src = self.current_path
        if src is None:
            return
        if out.resolve() == src.resolve():
            self.report_error(UsageError(f"{out.name}: the output must not be the input file — choose another name"))
            return
        accepted = self.model.accepted()
        author = load_settings().author
        save_mode = "track" if mode == "track" else "clean"
        self.start_task("polish.save", {"src": src, "out": out, "accepted": accepted, "mode": save_mode,
                                        "author": author},
                        on_done=self._on_saved, on_error=self._on_job_error, what=self.tr("Saving %1")
                        .replace("%1", out.name))

    def _on_saved(self, result: object) -> None:
        self._set_busy(False)
        out, applied = result if isinstance(result, tuple) else (None, 0)
        self._unsaved = False
        self.sig_status.emit(self.tr("Saved %1 (%2 changes)").replace("%1", str(out)).replace("%2", str(applied)))
