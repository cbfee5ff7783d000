"""Excel workspace: a sheet's data, its profile, questions answered by local SQL, a report workbook.

Opening a file loads its tables into the core's locked in-process DuckDB (in the Runner); the data
view then reads rows from it block by block (:class:`ui.item_models.sheet_table.LazyTableModel`), so a
1,000,000-row sheet scrolls without Qt ever holding it. The profile is computed next under its own
runner key (``excel.profile``) so the table shows first. A question streams the narrated answer;
the SQL, its result table and a chart follow; numbers the checker could not trace to the result,
and claims the result refutes (a wrong "highest", rank or comparison), are marked with a warning.
Numbers show in the source column's format; the tooltip and Copy give the exact value. Save writes a NEW report workbook (never the user's file).
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QFont, QFontDatabase, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from copilot.events import Delta, Event, Notice, Progress
from copilot.numbers import NumberStyle, style_for_column
from copilot.tasks.sheet_session import ask_open_sheet, open_sheet, profile_sheet, write_sheet_report
from ui.item_models.sheet_table import (
    DuckDBRowSource,
    LazyTableModel,
    SequenceRowSource,
    fit_columns,
    format_cell,
)
from ui.runner import Runner
from ui.widgets.chart import ChartWidget
from ui.workspaces.base import Workspace

if TYPE_CHECKING:
    from copilot.tasks.ask_sheet import AskSheetResult

__all__ = ["PROFILE_FIELDS", "ExcelWorkspace"]

log = logging.getLogger(__name__)

PROFILE_FIELDS = ("name", "type", "count", "missing", "distinct", "min", "max", "mean", "median", "std",
                  "outliers", "top")
# Profile fields shown in the column's own number format (std: its decimals, no currency/percent).
_STYLED_FIELDS = frozenset({"min", "max", "mean", "median"})


def _profile_cell(column: dict[str, Any], name: str) -> Any:
    value = column.get(name)
    if name == "outliers":
        return (value or {}).get("count") or None
    if name == "top":
        return ", ".join(f"{format_cell(v)} ({n})" for v, n in (value or [])[:3])
    return value


def flag_numbers(answer: str, untraceable: Sequence[Any], claims: Sequence[dict[str, str]] = ()) -> str:
    """The answer as HTML: every untraceable number marked (red, wavy underline) and every claim the
    result does not support marked (✗, struck through in red) — each with a tooltip saying why."""
    wanted = sorted({str(n) for n in untraceable if str(n)}, key=len, reverse=True)
    pattern = re.compile("|".join(r"(?<![\d.])" + re.escape(n) + r"(?![\d])" for n in wanted)) if wanted else None
    numbers = [(m.start(), m.end()) for m in pattern.finditer(answer)] if pattern else []

    def marked(a: int, b: int) -> str:
        out, at = [], a
        for n0, n1 in numbers:
            if a <= n0 and n1 <= b:
                out.append(html.escape(answer[at:n0]))
                out.append(f'<span style="color:#c62828; text-decoration: underline wavy;" title="untraceable">'
                           f"{html.escape(answer[n0:n1])}</span>")
                at = n1
        out.append(html.escape(answer[at:b]))
        return "".join(out)

    spans: list[tuple[int, int, str]] = []
    for claim in claims:
        text = str(claim.get("claim", ""))
        start = answer.find(text) if text else -1
        if start >= 0 and not any(start < e and s < start + len(text) for s, e, _ in spans):
            spans.append((start, start + len(text), str(claim.get("reason", ""))))
    parts, at = [], 0
    for start, end, reason in sorted(spans):
        parts.append(marked(at, start))
        parts.append(f'<span style="color:#c62828; text-decoration: line-through;" '
                     f'title="{html.escape(reason, quote=True)}">✗ {marked(start, end)}</span>')
        at = end
    parts.append(marked(at, len(answer)))
    return "".join(parts).replace("\n", "<br>")


def _profile_style(column: dict[str, Any], name: str) -> NumberStyle | None:
    style = style_for_column(str(column.get("name", "")), column.get("number_format"))
    if style is None or style.date:
        return None
    if name in _STYLED_FIELDS:
        return style
    if name == "std" and not style.percent:
        return NumberStyle(decimals=style.decimals)
    return None


class ExcelWorkspace(Workspace):
    key = "excel"
    file_suffixes = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods", ".csv", ".tsv")

    def __init__(self, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(runner, parent)
        self.db: Any = None
        self.profiles: dict[str, dict[str, Any]] = {}
        self.answers: list[Any] = []  # every answered question of the open workbook (for the report)
        self.last_answer: Any = None
        self.table_model: LazyTableModel | None = None
        self.result_model: LazyTableModel | None = None
        self.profile_model: LazyTableModel | None = None
        self._sources: list[DuckDBRowSource] = []
        self._retired: list[Any] = []  # replaced databases, closed once no job can still be using them
        self._untraceable: list[Any] = []
        self._claims: list[dict[str, str]] = []
        self._answer_text = ""
        self._report_saved = True
        self._build_ui()
        self.retranslate()

    # ------------------------------------------------------------------------------- layout
    def _build_ui(self) -> None:
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.file_label = QLabel()
        self.sheet_label = QLabel()
        self.sheet_combo = QComboBox()
        self.sheet_combo.setMinimumContentsLength(16)
        self.sheet_combo.currentIndexChanged.connect(self._on_sheet_changed)
        self.report_button = QPushButton()
        self.report_button.clicked.connect(self.save)
        self.cancel_button = QPushButton()
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.setEnabled(False)
        self.progress = QProgressBar()
        self.progress_bar = self.progress
        self.progress.setVisible(False)
        self.progress.setMaximumWidth(180)
        top = QHBoxLayout()
        top.addWidget(self.file_label, 1)
        top.addWidget(self.sheet_label)
        top.addWidget(self.sheet_combo)
        top.addWidget(self.progress)
        top.addWidget(self.cancel_button)
        top.addWidget(self.report_button)

        self.table_view = QTableView()
        self.table_view.setObjectName("excel_data")
        self.table_view.horizontalHeader().setDefaultSectionSize(120)
        self.table_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.profile_view = QTableView()
        self.profile_view.setObjectName("excel_profile")
        self.profile_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.profile_view.horizontalHeader().setStretchLastSection(True)
        profile_page = QWidget()
        profile_layout = QVBoxLayout(profile_page)
        profile_layout.setContentsMargins(0, 0, 0, 0)
        profile_layout.addWidget(self.summary_label)
        profile_layout.addWidget(self.profile_view, 1)
        self.left_tabs = QTabWidget()
        self.left_tabs.addTab(self.table_view, "")
        self.left_tabs.addTab(profile_page, "")

        self.question_edit = QLineEdit()
        self.question_edit.returnPressed.connect(self.run)
        self.ask_button = QPushButton()
        self.ask_button.clicked.connect(self.run)
        ask_row = QHBoxLayout()
        ask_row.addWidget(self.question_edit, 1)
        ask_row.addWidget(self.ask_button)
        self.answer_view = QTextBrowser()
        self.answer_view.setOpenLinks(False)
        self.warning_label = QLabel()
        self.warning_label.setWordWrap(True)
        self.warning_label.setTextFormat(Qt.TextFormat.RichText)
        self.warning_label.setStyleSheet("color: #c62828; font-weight: bold;")
        self.warning_label.setVisible(False)
        self.sql_view = QPlainTextEdit()
        self.sql_view.setReadOnly(True)
        self.sql_view.setFont(QFont(mono))
        self.sql_view.setMaximumHeight(120)
        self.result_view = QTableView()
        self.result_view.setObjectName("excel_result")
        self.chart = ChartWidget()
        for view in (self.table_view, self.profile_view, self.result_view):
            view.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            view.setTextElideMode(Qt.TextElideMode.ElideRight)
            # Fixed row heights: the view never measures rows, so a 1M-row model costs nothing to lay out.
            view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
            view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        for view in (self.table_view, self.profile_view, self.result_view):
            copy = QAction(view)
            copy.setShortcut(QKeySequence.StandardKey.Copy)
            copy.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            copy.triggered.connect(lambda _=False, v=view: self.copy_cells(v))
            view.addAction(copy)
        self.result_tabs = QTabWidget()
        self.result_tabs.addTab(self.result_view, "")
        self.result_tabs.addTab(self.chart, "")
        self.history = QListWidget()
        self.history.setMaximumHeight(90)
        self.history.currentRowChanged.connect(self._on_history_row)
        self.lbl_answer, self.lbl_sql, self.lbl_history = QLabel(), QLabel(), QLabel()
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addLayout(ask_row)
        right_layout.addWidget(self.lbl_answer)
        right_layout.addWidget(self.answer_view, 1)
        right_layout.addWidget(self.warning_label)
        right_layout.addWidget(self.lbl_sql)
        right_layout.addWidget(self.sql_view)
        right_layout.addWidget(self.result_tabs, 2)
        right_layout.addWidget(self.lbl_history)
        right_layout.addWidget(self.history)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.left_tabs)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([600, 400])  # the data grid gets the larger share from the start
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)

    def retranslate(self) -> None:
        self._show_file()
        self.sheet_label.setText(self.tr("Sheet:"))
        self.report_button.setText(self.tr("Save report workbook…"))
        self.report_button.setToolTip(self.tr("A new .xlsx with the profile, the answers and charts (Ctrl+S)"))
        self.cancel_button.setText(self.tr("Cancel"))
        self.left_tabs.setTabText(0, self.tr("Data"))
        self.left_tabs.setTabText(1, self.tr("Sheet profile"))
        self.question_edit.setPlaceholderText(self.tr("Ask about this sheet, e.g. which region grew fastest in Q3?"))
        self.ask_button.setText(self.tr("Ask"))
        self.ask_button.setToolTip(self.tr("Ctrl+Enter"))
        self.lbl_answer.setText(self.tr("Answer"))
        self.lbl_sql.setText(self.tr("SQL (run locally, read-only)"))
        self.lbl_history.setText(self.tr("Questions asked"))
        self.result_tabs.setTabText(0, self.tr("Result"))
        self.result_tabs.setTabText(1, self.tr("Chart"))
        self._show_summary()
        self._show_warning()

    def title(self) -> str:
        return self.tr("Excel")

    def _show_file(self) -> None:
        if self.current_path is None:
            self.file_label.setText(self.tr("Open a workbook or CSV file (Ctrl+O)."))
        else:
            self.file_label.setText(self.current_path.name)
            self.file_label.setToolTip(str(self.current_path))

    # ------------------------------------------------------------------------------ state
    def busy_changed(self, busy: bool) -> None:
        self.cancel_button.setEnabled(busy)
        self.progress.setVisible(busy)
        self.ask_button.setEnabled(not self.runner.is_running(self.key))
        if not busy:
            self.progress.setRange(0, 1)
            self._close_retired()

    def can_save(self) -> bool:
        return self.db is not None

    def has_unsaved_work(self) -> bool:
        return bool(self.answers) and not self._report_saved

    def _on_event(self, event: Event) -> None:
        if isinstance(event, Progress):
            if event.total:
                self.progress.setRange(0, event.total)
                self.progress.setValue(event.done)
            if event.message:
                self.sig_status.emit(event.message)
        elif isinstance(event, Notice):
            self.sig_status.emit(event.message)

    def cancel(self) -> None:
        super().cancel()
        self.sig_status.emit(self.tr("Cancelled"))

    # ------------------------------------------------------------------------------ open
    def open_file(self, path: Path) -> None:
        path = Path(path)
        self.runner.cancel(f"{self.key}.profile")
        self.start_job(lambda cancel: open_sheet(path, cancel), on_done=lambda db: self._on_opened(path, db),
                       on_event=self._on_event, what=self.tr("Reading %1").replace("%1", path.name),
                       status=self.tr("Reading %1…").replace("%1", path.name))

    def _on_opened(self, path: Path, db: Any) -> None:
        self._close_db()
        self.db = db
        self.current_path = path
        self.profiles = {}
        self.answers = []
        self.last_answer = None
        self._report_saved = True
        self.history.clear()
        self._clear_answer()
        self._show_file()
        self.sheet_combo.blockSignals(True)
        self.sheet_combo.clear()
        for table in db.tables:
            self.sheet_combo.addItem(table.name, table.name)
        self.sheet_combo.blockSignals(False)
        self._on_sheet_changed(0)
        self.sig_status.emit(self.tr("%1: %n table(s)", "", len(db.tables)).replace("%1", path.name))
        self.start_job(lambda cancel: profile_sheet(db, cancel), key=f"{self.key}.profile", on_done=self._on_profiled,
                       on_event=self._on_event, what=self.tr("Profiling"), status=self.tr("Profiling…"))

    def _on_profiled(self, profiles: object) -> None:
        self.profiles = dict(profiles) if isinstance(profiles, dict) else {}
        self._show_profile()
        self.sig_status.emit(self.tr("Profile ready"))

    def current_table(self) -> Any:
        if self.db is None:
            return None
        name = self.sheet_combo.currentData()
        for table in self.db.tables:
            if table.name == name:
                return table
        return self.db.tables[0] if self.db.tables else None

    def _on_sheet_changed(self, _index: int) -> None:
        table = self.current_table()
        if table is None:
            self.table_view.setModel(None)
            return
        source = DuckDBRowSource(self.db, table.view)  # its own cursor, Arrow tables registered
        self._sources.append(source)
        old = self.table_model
        styles = [style_for_column(c.name, getattr(c, "number_format", None)) for c in table.columns]
        self.table_model = LazyTableModel(source, styles=styles, parent=self)
        self.table_view.setModel(self.table_model)
        fit_columns(self.table_view, self.table_model)
        if old is not None:
            old.deleteLater()
        self._show_profile()

    # ------------------------------------------------------------------------------ profile
    def _profile_headers(self) -> list[str]:
        names = {"name": self.tr("Column"), "type": self.tr("Type"), "count": self.tr("Count"),
                 "missing": self.tr("Missing"), "distinct": self.tr("Distinct"), "min": self.tr("Min"),
                 "max": self.tr("Max"), "mean": self.tr("Mean"), "median": self.tr("Median"),
                 "std": self.tr("Std dev"), "outliers": self.tr("Outliers"), "top": self.tr("Top values")}
        return [names[f] for f in PROFILE_FIELDS]

    def current_profile(self) -> dict[str, Any] | None:
        table = self.current_table()
        return self.profiles.get(table.name) if table is not None else None

    def _show_profile(self) -> None:
        profile = self.current_profile()
        columns = (profile or {}).get("columns", [])
        rows = [[_profile_cell(c, f) for f in PROFILE_FIELDS] for c in columns]
        styles = [[_profile_style(c, f) for f in PROFILE_FIELDS] for c in columns]
        old = self.profile_model
        self.profile_model = LazyTableModel(SequenceRowSource(self._profile_headers(), rows), parent=self,
                                            styles=lambda r, c: styles[r][c] if r < len(styles) else None)
        self.profile_view.setModel(self.profile_model)
        fit_columns(self.profile_view, self.profile_model)
        if old is not None:
            old.deleteLater()
        self._show_summary()

    def _show_summary(self) -> None:
        profile = self.current_profile()
        if not profile:
            self.summary_label.setText(self.tr("Profiling…") if self.db is not None else "")
            return
        parts = [self.tr("%1 rows, cells %2").replace("%1", f"{profile.get('rows', 0):,}")
                 .replace("%2", str(profile.get("range", ""))),
                 self.tr("header rows: %1").replace("%1", str(profile.get("header_rows", 1))),
                 self.tr("duplicate rows: %1").replace("%1", str(profile.get("duplicate_rows", 0)))]
        if profile.get("totals_row"):
            parts.append(self.tr("a totals row was found and left out of the statistics"))
        self.summary_label.setText(" · ".join(parts))

    # ------------------------------------------------------------------------------ questions
    def run(self) -> None:
        question = self.question_edit.text().strip()
        if self.db is None:
            self.sig_status.emit(self.tr("Open a workbook first."))
            return
        if not question:
            self.sig_status.emit(self.tr("Type a question first."))
            return
        db, table, profile = self.db, self.current_table().name, self.profile_name()
        known = self.profiles.get(table)
        self._clear_answer()
        self.start_job(lambda cancel: ask_open_sheet(db, table, known, question, profile, cancel),
                       on_done=self._on_answered, on_event=self._on_ask_event, model=True,
                       what=self.tr("Asking"), status=self.tr("Asking…"), record="ask_sheet",
                       input_path=self.current_path, input_text=question)

    def _clear_answer(self) -> None:
        self._answer_text = ""
        self.answer_view.clear()
        self.sql_view.clear()
        self.warning_label.setVisible(False)
        self._untraceable, self._claims = [], []
        self.result_view.setModel(None)
        self.chart.clear()

    def _on_ask_event(self, event: Event) -> None:
        if isinstance(event, Delta):
            self._answer_text += event.text
            self.answer_view.setPlainText(self._answer_text)
            self.answer_view.moveCursor(self.answer_view.textCursor().MoveOperation.End)
        else:
            self._on_event(event)

    def _on_answered(self, result: object) -> None:
        from copilot.tasks.ask_sheet import AskSheetResult  # loaded by the job already

        if not isinstance(result, AskSheetResult):
            return
        self.answers.append(result)
        self._report_saved = False
        self.history.blockSignals(True)
        self.history.addItem(result.question)
        self.history.setCurrentRow(self.history.count() - 1)
        self.history.blockSignals(False)
        self.show_answer(result)
        self.sig_status.emit(self.tr("Answered"))

    def _on_history_row(self, row: int) -> None:
        if 0 <= row < len(self.answers):
            self.show_answer(self.answers[row])

    def show_answer(self, result: AskSheetResult) -> None:
        self.last_answer = result
        answer = result.answer
        untraceable = list(result.untraceable_numbers)
        claims = list(result.unsupported_claims)
        self._answer_text = answer
        self.answer_view.setHtml(flag_numbers(answer, untraceable, claims))
        self.sql_view.setPlainText(result.sql)
        columns = [str(c) for c in result.columns]
        rows = list(result.rows)
        formats = list(result.number_formats)
        old = self.result_model
        self.result_model = LazyTableModel(SequenceRowSource(columns, rows), parent=self,
                                           styles=[style_for_column(c, formats[j] if j < len(formats) else None)
                                                   for j, c in enumerate(columns)])
        self.result_view.setModel(self.result_model)
        fit_columns(self.result_view, self.result_model)
        if old is not None:
            old.deleteLater()
        self.chart.set_table(columns, rows)
        self._untraceable = untraceable
        self._claims = claims
        self._show_warning()

    def _show_warning(self) -> None:
        numbers, claims = self._untraceable, self._claims
        self.warning_label.setVisible(bool(numbers or claims))
        lines = []
        if numbers:
            lines.append(html.escape(self.tr("Not found in the query result — check before using: %1")
                                     .replace("%1", ", ".join(str(n) for n in numbers))))
        if claims:
            lines.append(html.escape(self.tr("Not supported by the query result:")))
            lines += [f"✗ {html.escape(c.get('claim', ''))} — {html.escape(c.get('reason', ''))}" for c in claims]
        self.warning_label.setText("<br>".join(lines))

    def copy_cells(self, view: QTableView) -> None:
        """Copy the selected cells with their exact values (never the rounded display)."""
        model = view.model()
        if not isinstance(model, LazyTableModel):
            return
        cells = [(i.row(), i.column()) for i in view.selectionModel().selectedIndexes()] if view.selectionModel() else []
        text = model.copy_text(cells)
        if text:
            QGuiApplication.clipboard().setText(text)

    # ------------------------------------------------------------------------------ report
    def _suggest_report(self) -> str:
        base = self.current_path or Path.home() / "sheet"
        return str(base.with_name(f"{base.stem}-report.xlsx"))

    def save(self) -> None:
        if self.db is None:
            self.sig_status.emit(self.tr("Open a workbook first."))
            return
        name, _ = QFileDialog.getSaveFileName(self, self.tr("Save report workbook"), self._suggest_report(),
                                              self.tr("Excel workbook (*.xlsx)"))
        if name:
            # The file dialog has already asked before replacing an existing file.
            self.save_report_to(Path(name), force=Path(name).exists())

    def save_report_to(self, path: Path, *, force: bool = False) -> None:
        """Write the report workbook to ``path`` through the Runner (never over the opened file)."""
        path = Path(path)
        if self.current_path is not None and path.exists() and path.resolve() == self.current_path.resolve():
            from copilot.errors import OutputExists

            self.report_error(OutputExists(path))
            return
        db, profiles, answers = self.db, dict(self.profiles), list(self.answers)
        self.start_job(lambda cancel: write_sheet_report(db, profiles, answers, path, force, cancel),
                       on_done=self._on_report_saved, on_event=self._on_event, what=self.tr("Writing the report"),
                       status=self.tr("Writing the report…"))

    def _on_report_saved(self, saved: object) -> None:
        self._report_saved = True
        self.sig_status.emit(self.tr("Saved %1").replace("%1", str(saved)))

    # ------------------------------------------------------------------------------ teardown
    def _close_db(self) -> None:
        """Retire the open database: a cancelled job may still be inside a query on it."""
        for source in self._sources:
            source.close()
        self._sources.clear()
        if self.db is not None:
            self._retired.append(self.db)
            self.db = None
        if not self._busy:
            self._close_retired()

    def _close_retired(self) -> None:
        if self.runner.active_workers():
            return  # some worker (maybe ours, cancelled) is still running: close later
        while self._retired:
            db = self._retired.pop()
            try:
                db.close()
            except Exception:
                log.debug("closing a sheet database failed", exc_info=True)

    def shutdown(self) -> None:
        """Cancel jobs and release the database (call after the runner has stopped its workers)."""
        self.runner.cancel(self.key)
        self.runner.cancel(f"{self.key}.profile")
        self._close_db()
        self._close_retired()
