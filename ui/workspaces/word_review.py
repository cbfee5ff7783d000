"""The Word workspace's review table: one row per paragraph (number, original, rewrite, decision),
the diff painted as HTML within a time budget per paint, rows as tall as their paragraph up to
``ROW_MAX_LINES``, and a filter for changes / guard rejections."""

from __future__ import annotations

import time
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
    QPainter,
    QPaintEvent,
    QPalette,
    QPixmap,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from copilot.tasks.polish.review import Paragraph, diff_html
from ui.widgets.placeholders import marker_legend, markers_html, markers_plain

__all__ = ["ACCEPTED", "HTML_ROLE", "REJECTED", "ROW_MAX_LINES", "ROW_PADDING", "STATUS_ROLE", "HtmlDelegate",
           "ReviewFilter", "ReviewModel", "ReviewTable"]

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


class ReviewFilter(QSortFilterProxyModel):
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
