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
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QRectF,
    QSize,
    QSortFilterProxyModel,
    Qt,
    QTimer,
)
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QFont,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QPalette,
    QPixmap,
    QShortcut,
    QTextDocument,
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
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from copilot.cancel import CancelToken
from copilot.events import Done, Event, Notice, Progress, Started
from copilot.tasks.polish.review import Paragraph, diff_html
from ui.runner import Runner
from ui.theme import icon, set_role
from ui.widgets.placeholders import marker_legend, markers_html, markers_plain
from ui.workspaces.base import Workspace

__all__ = ["ReviewModel", "WordWorkspace"]

_Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()
HTML_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_MAX_LINES = 6  # a longer paragraph ends in "…" in its row
DOC_MARGIN = 2  # QTextDocument margin in a review cell
ROW_PADDING = 4 + 2 * DOC_MARGIN + 2  # the delegate's inset (4) + document margins + 2 px air
STATUS_ROLE = Qt.ItemDataRole.UserRole + 2

ACCEPTED, REJECTED = "accepted", "rejected"
_ROLES = frozenset({STATUS_ROLE, HTML_ROLE, Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole,
                    Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.TextAlignmentRole})


class _Row:
    __slots__ = ("decision", "para", "reason", "rewrite", "status")

    def __init__(self, para: Paragraph) -> None:
        self.para = para
        self.rewrite = ""
        self.status = ""  # "", changed, unchanged, rejected (by a guard), skipped
        self.reason = ""
        self.decision = ""  # accepted / rejected, for changed rows


class ReviewModel(QAbstractTableModel):
    """Rows = paragraphs; columns # / original / rewrite / decision. HTML diff in HTML_ROLE."""

    COLUMNS = 4

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[_Row] = []
        self._by_number: dict[int, int] = {}
        self._html: dict[int, tuple[str, str]] = {}

    def set_paragraphs(self, paragraphs: list[Paragraph]) -> None:
        self.beginResetModel()
        self.rows = [_Row(p) for p in paragraphs]
        self._by_number = {p.number: i for i, p in enumerate(paragraphs)}
        self._html.clear()
        self.endResetModel()

    def set_outcomes(self, outcomes: list[Any]) -> None:
        if not outcomes and not any(row.status for row in self.rows):
            return  # already clear: a reset would repaint every visible row for nothing
        self.beginResetModel()
        for row in self.rows:
            row.rewrite, row.status, row.reason, row.decision = "", "", "", ""
        for o in outcomes:
            i = self._by_number.get(o.paragraph)
            if i is None:
                continue
            row = self.rows[i]
            row.rewrite, row.status, row.reason = o.rewrite, o.status, o.reason
            row.decision = ACCEPTED if o.status == "changed" else ""
        self._html.clear()
        self.endResetModel()

    def clear_rendered(self) -> None:
        """Forget the rendered HTML (the language of the markers changed)."""
        if self._html:
            self._html.clear()
            if self.rows:
                self.dataChanged.emit(self.index(0, 1), self.index(len(self.rows) - 1, 2))

    def row_index(self, number: int) -> int | None:
        return self._by_number.get(number)

    @staticmethod
    def has_diff(row: _Row) -> bool:
        return row.status == "changed" or (row.status == "rejected" and bool(row.rewrite))

    def diff(self, i: int) -> tuple[str, str]:
        if i not in self._html:
            row = self.rows[i]
            if self.has_diff(row):
                left, right = diff_html(row.para.text, row.rewrite)
            else:
                import html

                left, right = html.escape(row.para.text), html.escape(row.rewrite)
            # The text map's ⟦n⟧ tokens become markers (→, ↵, a "field"/"image"/… chip), never shown raw.
            kinds = row.para.placeholders
            self._html[i] = (markers_html(left, kinds), markers_html(right, kinds))
        return self._html[i]

    def set_decision(self, rows: list[int], decision: str) -> int:
        changed = 0
        for i in rows:
            if self.rows[i].status == "changed" and self.rows[i].decision != decision:
                self.rows[i].decision = decision
                changed += 1
                self.dataChanged.emit(self.index(i, 0), self.index(i, self.COLUMNS - 1))
        return changed

    def set_all(self, decision: str) -> int:
        return self.set_decision(list(range(len(self.rows))), decision)

    def accepted(self) -> dict[int, tuple[str, str]]:
        return {r.para.number: (r.para.text, r.rewrite) for r in self.rows
                if r.status == "changed" and r.decision == ACCEPTED}

    def counts(self) -> dict[str, int]:
        out = {"changed": 0, "accepted": 0, "rejected": 0, "guard": 0}
        for r in self.rows:
            if r.status == "changed":
                out["changed"] += 1
                out["accepted" if r.decision == ACCEPTED else "rejected"] += 1
            elif r.status == "rejected":
                out["guard"] += 1
        return out

    # -- Qt model API ---------------------------------------------------------------------------
    def rowCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else self.COLUMNS

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return [self.tr("#"), self.tr("Original"), self.tr("Rewrite"), self.tr("Decision")][section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in _ROLES or not index.isValid():
            return None  # first: item views ask for a dozen roles per cell on every paint
        row = self.rows[index.row()]
        col = index.column()
        if role == STATUS_ROLE:
            return row.status
        if role == HTML_ROLE and col in (1, 2):
            return self.diff(index.row())[col - 1]
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return str(row.para.number)
            if col == 1:
                return markers_plain(row.para.text, row.para.placeholders)
            if col == 2:
                return markers_plain(row.rewrite, row.para.placeholders)
            return self._decision_text(row)
        if role == Qt.ItemDataRole.ToolTipRole and col == 3 and row.reason:
            return row.reason
        if role == Qt.ItemDataRole.ToolTipRole and col in (1, 2):
            # The whole paragraph (a row shows at most ROW_MAX_LINES lines) and what its markers mean.
            text = row.para.text if col == 1 else row.rewrite
            legend = marker_legend(text, row.para.placeholders)
            return markers_plain(text, row.para.placeholders) + ("\n\n" + legend if legend else "") or None
        if role == Qt.ItemDataRole.ForegroundRole and col == 3:
            if row.status == "changed":
                return QColor("#1b7f2a") if row.decision == ACCEPTED else QColor("#c62828")
            if row.status == "rejected":
                return QColor("#b26a00")
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (0, 3):
            return int(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter)
        return None

    def _decision_text(self, row: _Row) -> str:
        if row.status == "changed":
            return self.tr("✓ Accept") if row.decision == ACCEPTED else self.tr("✗ Reject")
        return {
            "unchanged": self.tr("unchanged"),
            "rejected": self.tr("kept (guard)"),
            "skipped": self.tr("skipped"),
        }.get(row.status, "")


class _Filter(QSortFilterProxyModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.mode = "all"

    def set_mode(self, mode: str) -> None:
        if hasattr(self, "endFilterChange"):  # Qt >= 6.10; invalidateFilter() is deprecated there
            self.beginFilterChange()
            self.mode = mode
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self.mode = mode
            self.invalidateFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        if self.mode == "all":
            return True
        model = self.sourceModel()
        # Straight to the row, not through index()/data(): this runs for every row on each change.
        status = model.rows[source_row].status if isinstance(model, ReviewModel) else \
            model.data(model.index(source_row, 0, source_parent), STATUS_ROLE)
        if self.mode == "changes":
            return bool(status == "changed")
        return bool(status == "rejected")


class HtmlDelegate(QStyledItemDelegate):
    """Paints the HTML diff of a cell, clipped to the row (the detail pane shows it all).

    Laying out and drawing text costs about a millisecond per cell, so a screenful of rows is
    30–40 ms: rendered cells are kept as pixmaps, and a paint pass that has run over its time
    budget leaves the remaining new cells blank and asks for another pass on the next loop turn
    (:class:`ReviewTable`), so one paint never holds the GUI thread for long.
    """

    _CACHE = 128  # rendered cells kept: enough for a few screens of rows, a few MB of pixmaps

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pixmaps: dict[tuple[object, ...], QPixmap] = {}
        self.deadline: float | None = None  # perf_counter() after which a pass renders no new cell
        self.skipped = False

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        html_text = index.data(HTML_ROLE)
        if html_text is None:
            super().paint(painter, option, index)
            return
        self.initStyleOption(option, index)
        option.text = ""
        style = option.widget.style() if option.widget else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        color = option.palette.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        width, height = option.rect.width() - 8, option.rect.height() - 4
        if width <= 0 or height <= 0:
            return
        ratio = painter.device().devicePixelRatioF()
        key = (html_text, width, height, color.rgba(), option.font.key(), ratio)
        pixmap = self._pixmaps.pop(key, None)
        if pixmap is None:
            if self.deadline is not None and time.perf_counter() > self.deadline:
                self.skipped = True  # painted on the next pass
                return
            pixmap = self._render(html_text, width, height, color, option.font, ratio)
            if len(self._pixmaps) >= self._CACHE:
                del self._pixmaps[next(iter(self._pixmaps))]
        self._pixmaps[key] = pixmap  # most recently used last
        painter.drawPixmap(option.rect.left() + 4, option.rect.top() + 2, pixmap)

    @staticmethod
    def _render(html_text: str, width: int, height: int, color: QColor, font: QFont, ratio: float) -> QPixmap:
        doc = QTextDocument()
        doc.setDefaultFont(font)
        doc.setDocumentMargin(DOC_MARGIN)
        doc.setHtml(html_text)
        doc.setTextWidth(width)
        pixmap = QPixmap(round(width * ratio), round(height * ratio))
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        # Whole lines only: a paragraph longer than the row ends in "…" (tooltip and detail panes have it all).
        last = _last_fitting_line(doc, height) if doc.size().height() > height else None
        painter.setClipRect(QRectF(0, 0, width, last[0] + last[2] if last else height))
        ctx = QAbstractTextDocumentLayout.PaintContext()
        ctx.palette.setColor(QPalette.ColorRole.Text, color)
        doc.documentLayout().draw(painter, ctx)
        if last is not None:
            top, end, line_height = last
            painter.setFont(font)
            ellipsis = painter.fontMetrics().horizontalAdvance("…") + 2
            x = min(end, width - ellipsis)
            painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Clear)
            painter.fillRect(QRectF(x, top, width - x, line_height), Qt.GlobalColor.transparent)
            painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceOver)
            painter.setPen(color)
            painter.drawText(QRectF(x, top, ellipsis, line_height),
                             int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), "…")
        painter.end()
        return pixmap

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        base = super().sizeHint(option, index)
        return QSize(base.width(), max(base.height(), option.fontMetrics.lineSpacing() + ROW_PADDING))


def _last_fitting_line(doc: QTextDocument, height: float) -> tuple[float, float, float] | None:
    """(top, right end, height) of the last line that fits in ``height``; None if none does."""
    found = None
    doc.size()  # lays the document out if it was not yet
    block = doc.begin()
    while block.isValid():
        layout = block.layout()
        origin = layout.position()
        for i in range(layout.lineCount()):
            line = layout.lineAt(i)
            top = origin.y() + line.y()
            if top + line.height() > height:
                return found
            found = (top, origin.x() + line.x() + line.naturalTextWidth(), line.height())
        block = block.next()
    return found


class ReviewTable(QTableView):
    """A table whose HtmlDelegate paints within a time budget per pass (see HtmlDelegate).

    Rows grow to fit their paragraph up to ROW_MAX_LINES lines (then "…"): only the rows on screen
    are fitted, from one ``horizontalAdvance`` per cell — never a layout of 1,000 rows.
    """

    # After this long into a pass no new cell is rendered (cells started go on; cached cells and
    # the rest of the table are drawn in full).
    PAINT_BUDGET_S = 0.008

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.html_delegate = HtmlDelegate(self)
        self.setItemDelegate(self.html_delegate)
        self._line_height: tuple[str, int] = ("", 0)
        self._fit_timer = QTimer(self)
        self._fit_timer.setSingleShot(True)
        self._fit_timer.setInterval(0)
        self._fit_timer.timeout.connect(self.fit_visible_rows)
        self.verticalScrollBar().valueChanged.connect(self._fit_timer.start)
        self.horizontalHeader().sectionResized.connect(self._fit_timer.start)

    def setModel(self, model: Any) -> None:
        super().setModel(model)
        if model is not None:
            for signal in (model.modelReset, model.layoutChanged, model.rowsInserted, model.rowsRemoved,
                           model.dataChanged):
                signal.connect(self._fit_timer.start)
        self._fit_timer.start()

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._fit_timer.start()

    def line_height(self) -> int:
        """One laid-out line of review text: Chinese falls back to a CJK font with a taller line
        than the widget font's ``lineSpacing``, so measure a line holding both, once per font."""
        key = self.font().key()
        if self._line_height[0] != key:
            doc = QTextDocument()
            doc.setDefaultFont(self.font())
            doc.setDocumentMargin(0)
            doc.setPlainText("中Ag")
            self._line_height = (key, max(self.fontMetrics().lineSpacing(), round(doc.size().height())))
        return self._line_height[1]

    def fit_visible_rows(self) -> None:
        """Heights for the rows on screen (and two beyond): the paragraph's lines, at most ROW_MAX_LINES."""
        model = self.model()
        if model is None or model.rowCount() == 0:
            return
        first = max(0, self.rowAt(0))
        last = self.rowAt(self.viewport().height() - 1)
        last = model.rowCount() - 1 if last < 0 else min(model.rowCount() - 1, last + 2)
        metrics = self.fontMetrics()
        spacing = self.line_height()
        widths = {c: self.columnWidth(c) - 8 - 2 * DOC_MARGIN for c in (1, 2)}
        header = self.verticalHeader()
        for row in range(first, last + 1):
            lines = 1
            for column, width in widths.items():
                text = model.index(row, column).data()
                if text and width > 0:
                    # Word wrap leaves the end of most lines empty (long URLs most): 25 % slack over the advance.
                    wanted = sum(max(1, -(-int(metrics.horizontalAdvance(part) * 1.25) // width))
                                 for part in str(text).split("\n"))
                    lines = max(lines, wanted)
            height = min(lines, ROW_MAX_LINES) * spacing + ROW_PADDING
            if header.sectionSize(row) != height:
                header.resizeSection(row, height)

    def paintEvent(self, event: QPaintEvent) -> None:
        delegate = self.html_delegate
        delegate.deadline = time.perf_counter() + self.PAINT_BUDGET_S
        delegate.skipped = False
        try:
            super().paintEvent(event)
        finally:
            delegate.deadline = None
        if delegate.skipped:
            # 1 ms, not 0: due timers (and input) get their turn before the next pass.
            QTimer.singleShot(1, self.viewport(), self.viewport().update)


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

        self.model = ReviewModel(self)
        self.proxy = _Filter(self)
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
    def _ui_lang(self) -> str:
        from ui.i18n import current_language

        return "zh" if current_language() == "zh_CN" else "en"

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
        lang = self._ui_lang()
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
        self.result = result
        self._set_busy(False)
        self.eta_label.setText(self.tr("done in %1 s").replace("%1", f"{getattr(result, 'seconds', 0):.1f}"))
        outcomes = list(getattr(result, "outcomes", []))
        self.model.set_outcomes(outcomes)
        self.guard_list.clear()
        for o in outcomes:
            if o.status == "rejected":
                item = QListWidgetItem(self.tr("¶%1: %2").replace("%1", str(o.paragraph)).replace("%2", o.reason))
                item.setData(Qt.ItemDataRole.UserRole, o.paragraph)
                item.setToolTip(f"{o.reason}\n\n{o.original}")
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
        i = self.model.row_index(int(item.data(Qt.ItemDataRole.UserRole)))
        if i is None:
            return
        if self.proxy.mode == "changes":
            self.show_combo.setCurrentIndex(0)
        proxy_index = self.proxy.mapFromSource(self.model.index(i, 0))
        self.table.setCurrentIndex(proxy_index)
        self.table.scrollTo(proxy_index)

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
