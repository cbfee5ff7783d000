"""A small chart of a result table, drawn with QPainter (QtCharts is not in PySide6-Essentials).

``ChartWidget.set_table(columns, rows)`` picks what to draw: a line when the first column holds
dates (or date-like text) and a bar chart by category otherwise, with the first numeric column
as the values. Everything is drawn in device-independent pixels with antialiasing and the
widget's palette and font, so it is crisp at any device pixel ratio and follows the theme.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QImage, QPainter, QPainterPath, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

__all__ = ["ChartData", "ChartWidget", "chart_from_table"]

MAX_BARS = 30  # more categories than this are unreadable: the largest are shown
_DATE_TEXT = re.compile(r"^\d{4}[-/]\d{1,2}([-/]\d{1,2})?|^\d{4}\s*[-/]?\s*Q[1-4]$|^\d{4}年")


@dataclass(frozen=True)
class ChartData:
    kind: str  # "bar" | "line"
    labels: list[str]
    values: list[float]
    x_title: str
    y_title: str


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float | decimal.Decimal):
        number = float(value)
        return number if math.isfinite(number) else None
    return None


def _is_date(value: Any) -> bool:
    if isinstance(value, dt.date):
        return True
    return isinstance(value, str) and bool(_DATE_TEXT.match(value.strip()))


def _label(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if not (value.hour or value.minute) else value.isoformat(" ", "minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def chart_from_table(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> ChartData | None:
    """Choose a chart for a result table, or None when it has no category+number pair."""
    if not rows or len(columns) < 1:
        return None
    width = len(columns)
    numeric = [c for c in range(width)
               if all(_number(r[c]) is not None or r[c] is None for r in rows if c < len(r))
               and any(_number(r[c]) is not None for r in rows if c < len(r))]
    if not numeric:
        return None
    label_cols = [c for c in range(width) if c not in numeric]
    if label_cols:
        x_col = label_cols[0]
        y_col = numeric[0]
    elif len(numeric) >= 2:  # e.g. year + amount
        x_col, y_col = numeric[0], numeric[1]
    else:
        x_col, y_col = -1, numeric[0]
    pairs = [(r[x_col] if x_col >= 0 else i + 1, _number(r[y_col])) for i, r in enumerate(rows)]
    pairs = [(x, y) for x, y in pairs if y is not None]
    if not pairs:
        return None
    dated = x_col >= 0 and all(_is_date(x) for x, _ in pairs)
    if dated:
        pairs.sort(key=lambda p: str(_label(p[0])))
        kind = "line"
    else:
        kind = "bar"
        if len(pairs) > MAX_BARS:
            pairs = sorted(pairs, key=lambda p: -abs(p[1] or 0.0))[:MAX_BARS]
    return ChartData(kind, [_label(x) for x, _ in pairs], [float(y or 0.0) for _, y in pairs],
                     columns[x_col] if x_col >= 0 else "#", columns[y_col])


def _nice_step(span: float, ticks: int) -> float:
    raw = span / max(1, ticks)
    magnitude = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1.0
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def _fmt(value: float) -> str:
    if abs(value) >= 1e9:
        return f"{value / 1e9:.3g}G"
    if abs(value) >= 1e6:
        return f"{value / 1e6:.3g}M"
    if abs(value) >= 1e4:
        return f"{value / 1e3:.3g}k"
    return f"{value:.4g}"


class ChartWidget(QWidget):
    """Bar or line chart of one (label, value) series."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._data: ChartData | None = None
        self.setMinimumHeight(160)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName(self.tr("Chart of the result"))

    @property
    def chart(self) -> ChartData | None:
        return self._data

    def set_chart(self, data: ChartData | None) -> None:
        self._data = data
        self.update()

    def set_table(self, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> ChartData | None:
        self.set_chart(chart_from_table(columns, rows))
        return self._data

    def clear(self) -> None:
        self.set_chart(None)

    def sizeHint(self) -> QSize:
        return QSize(480, 260)

    def grab_image(self, size: QSize | None = None, ratio: float = 2.0) -> QImage:
        """Render offscreen (report previews, tests) at ``ratio`` device pixels per pixel."""
        size = size or self.size()
        image = QImage(int(size.width() * ratio), int(size.height() * ratio), QImage.Format.Format_ARGB32)
        image.setDevicePixelRatio(ratio)
        image.fill(self.palette().color(QPalette.ColorRole.Base))
        painter = QPainter(image)
        try:
            self._paint(painter, QRectF(0, 0, size.width(), size.height()))
        finally:
            painter.end()
        return image

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            painter.fillRect(self.rect(), self.palette().color(QPalette.ColorRole.Base))
            self._paint(painter, QRectF(self.rect()))
        finally:
            painter.end()

    # -- drawing -------------------------------------------------------------------------------
    def _paint(self, painter: QPainter, area: QRectF) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setFont(self.font())
        text_color = self.palette().color(QPalette.ColorRole.Text)
        data = self._data
        if data is None or not data.values:
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(area, Qt.AlignmentFlag.AlignCenter, self.tr("No chart for this result"))
            return
        metrics = QFontMetricsF(self.font())
        line_h = metrics.height()
        low = min(0.0, min(data.values))
        high = max(0.0, max(data.values))
        if high == low:
            high = low + 1.0
        step = _nice_step(high - low, 5)
        low = math.floor(low / step) * step
        high = math.ceil(high / step) * step
        ticks = [low + i * step for i in range(round((high - low) / step) + 1)]
        left = max(metrics.horizontalAdvance(_fmt(t)) for t in ticks) + 10
        plot = QRectF(area.left() + left, area.top() + line_h * 1.5,
                      max(10.0, area.width() - left - 12), max(10.0, area.height() - line_h * 4))

        painter.setPen(text_color)
        painter.drawText(QRectF(area.left(), area.top(), area.width(), line_h * 1.4),
                         Qt.AlignmentFlag.AlignCenter, f"{data.y_title} / {data.x_title}")

        def y_of(value: float) -> float:
            return plot.bottom() - (value - low) / (high - low) * plot.height()

        grid = QColor(text_color)
        grid.setAlpha(40)
        for tick in ticks:
            y = y_of(tick)
            painter.setPen(QPen(grid, 1))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(text_color)
            painter.drawText(QRectF(area.left(), y - line_h / 2, left - 6, line_h),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, _fmt(tick))

        accent = self.palette().color(QPalette.ColorRole.Highlight)
        count = len(data.values)
        slot = plot.width() / count
        label_every = max(1, math.ceil(count * (metrics.averageCharWidth() * 8) / plot.width()))
        if data.kind == "bar":
            for i, value in enumerate(data.values):
                x = plot.left() + i * slot + slot * 0.15
                top, bottom = sorted((y_of(value), y_of(0.0)))
                painter.fillRect(QRectF(x, top, slot * 0.7, max(1.0, bottom - top)), accent)
        else:
            path = QPainterPath()
            for i, value in enumerate(data.values):
                point = QPointF(plot.left() + (i + 0.5) * slot, y_of(value))
                if i == 0:
                    path.moveTo(point)
                else:
                    path.lineTo(point)
            painter.setPen(QPen(accent, 2))
            painter.drawPath(path)
            painter.setBrush(accent)
            for i, value in enumerate(data.values):
                painter.drawEllipse(QPointF(plot.left() + (i + 0.5) * slot, y_of(value)), 2.5, 2.5)
            painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(text_color)
        for i, label in enumerate(data.labels):
            if i % label_every:
                continue
            box = QRectF(plot.left() + i * slot - slot * (label_every - 1) / 2, plot.bottom() + 4,
                         slot * label_every, line_h)
            painter.drawText(box, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                             metrics.elidedText(label, Qt.TextElideMode.ElideRight, box.width()))
