"""Slide previews: a strip of thumbnails, drawn from the outline or rendered by LibreOffice.

The drawn preview (title + bullets at their levels on a 16:9 card) is instant and follows every
edit. After a build, ``copilot.documents.decks.render.render_deck`` (a job for the Runner, never
the GUI thread) renders the deck's pages with LibreOffice and Ghostscript; when both are installed
the thumbnails switch to those real images. Either tool missing → the drawn previews stay.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QIcon, QImage, QPainter, QPixmap
from PySide6.QtWidgets import QListView, QListWidget, QListWidgetItem, QWidget

__all__ = ["SlidePreview", "draw_slide"]

THUMB = QSize(192, 108)  # 16:9; one column beside the outline at 1024 px


def draw_slide(title: str, bullets: Sequence[tuple[str, int]], number: int, size: QSize = THUMB,
               ratio: float = 2.0, deck_title: str = "", title_slide: bool = False) -> QImage:
    """A simple picture of one slide: title bar, then bullets indented by level (a title slide:
    title and subtitle lines centred)."""
    image = QImage(int(size.width() * ratio), int(size.height() * ratio), QImage.Format.Format_ARGB32)
    image.setDevicePixelRatio(ratio)
    image.fill(QColor("#ffffff"))
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        w, h = float(size.width()), float(size.height())
        painter.setPen(QColor("#c8c8c8"))
        painter.drawRect(QRectF(0.5, 0.5, w - 1, h - 1))
        title_font = QFont()
        title_font.setPixelSize(max(9, int(h * 0.11)))
        title_font.setBold(True)
        painter.setFont(title_font)
        painter.setPen(QColor("#1f3864"))
        margin = w * 0.06
        metrics = QFontMetricsF(title_font)
        if title_slide:
            painter.drawText(QRectF(margin, h * 0.28, w - 2 * margin, h * 0.22), Qt.AlignmentFlag.AlignCenter,
                             metrics.elidedText(title or deck_title, Qt.TextElideMode.ElideRight, w - 2 * margin))
            sub_font = QFont()
            sub_font.setPixelSize(max(6, int(h * 0.07)))
            painter.setFont(sub_font)
            painter.setPen(QColor("#555555"))
            sub_metrics = QFontMetricsF(sub_font)
            y = h * 0.55
            for text, _level in bullets[:3]:
                painter.drawText(QRectF(margin, y, w - 2 * margin, sub_metrics.height()), Qt.AlignmentFlag.AlignCenter,
                                 sub_metrics.elidedText(text, Qt.TextElideMode.ElideRight, w - 2 * margin))
                y += sub_metrics.height() * 1.2
            return image
        title_box = QRectF(margin, h * 0.05, w - 2 * margin, h * 0.2)
        if not title.strip():
            painter.setPen(QColor("#999999"))
        painter.drawText(title_box, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         metrics.elidedText(title.strip() or "…", Qt.TextElideMode.ElideRight, title_box.width()))
        painter.setPen(QColor("#4472c4"))
        painter.drawLine(int(margin), int(h * 0.27), int(w - margin), int(h * 0.27))
        body_font = QFont()
        body_font.setPixelSize(max(6, int(h * 0.065)))
        painter.setFont(body_font)
        body_metrics = QFontMetricsF(body_font)
        line_h = body_metrics.height() * 1.15
        y = h * 0.32
        painter.setPen(QColor("#222222"))
        for text, level in bullets:
            if y + line_h > h * 0.95:
                painter.drawText(QRectF(margin, y, w - 2 * margin, line_h), Qt.AlignmentFlag.AlignLeft, "…")
                break
            indent = margin + level * w * 0.05
            painter.drawText(QRectF(indent, y, w - indent - margin, line_h), Qt.AlignmentFlag.AlignLeft,
                             body_metrics.elidedText(("• " if level == 0 else "– ") + text,
                                                     Qt.TextElideMode.ElideRight, w - indent - margin))
            y += line_h
        small = QFont()
        small.setPixelSize(max(6, int(h * 0.05)))
        painter.setFont(small)
        painter.setPen(QColor("#888888"))
        painter.drawText(QRectF(0, h * 0.9, w - margin / 2, h * 0.08),
                         Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, str(number))
    finally:
        painter.end()
    return image


class SlidePreview(QListWidget):
    """Thumbnails of a deck's slides, in order."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(True)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setIconSize(THUMB)
        self.setSpacing(6)
        self.setUniformItemSizes(True)
        # Room for one thumbnail and the scroll bar: never a horizontal scroll bar.
        self.setMinimumWidth(THUMB.width() + 2 * self.spacing() + self.verticalScrollBar().sizeHint().width() + 8)
        self.setAccessibleName(self.tr("Slide previews"))
        self.rendered = False  # True while the thumbnails are LibreOffice images

    def show_outline(self, deck_title: str, slides: Sequence[Any], subtitle: Sequence[str] = ()) -> None:
        """Draw the title slide, then one thumbnail per slide (objects with .title and .bullets of
        (.text, .level)) — the same order the builder produces."""
        self.clear()
        self.rendered = False
        ratio = max(1.0, self.devicePixelRatioF())
        pages: list[tuple[str, list[tuple[str, int]]]] = [(deck_title, [(s, 0) for s in subtitle])]
        pages += [(s.title, [(b.text, int(b.level)) for b in s.bullets]) for s in slides]
        for number, (title, bullets) in enumerate(pages, 1):
            image = draw_slide(title, bullets, number, ratio=ratio, deck_title=deck_title, title_slide=number == 1)
            item = QListWidgetItem(QIcon(QPixmap.fromImage(image)), str(number))
            item.setToolTip(title)
            self.addItem(item)

    def show_images(self, paths: Sequence[Path]) -> None:
        """Replace the thumbnails with rendered page images."""
        self.clear()
        for number, path in enumerate(paths, 1):
            pixmap = QPixmap(str(path))
            if pixmap.isNull():
                continue
            scaled = pixmap.scaled(THUMB * max(1.0, self.devicePixelRatioF()),
                                   Qt.AspectRatioMode.KeepAspectRatio,
                                   Qt.TransformationMode.SmoothTransformation)
            scaled.setDevicePixelRatio(max(1.0, self.devicePixelRatioF()))
            self.addItem(QListWidgetItem(QIcon(scaled), str(number)))
        self.rendered = self.count() > 0
