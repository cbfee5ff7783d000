"""Light / dark / system theme, and the app's SVG icons tinted for the current palette.

Icons are stroke drawings using ``currentColor``; we substitute the palette's text colour when
loading, so one SVG serves both themes, and ``QIcon`` renders SVG sharply at any device pixel ratio.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QRect, QRectF, QSize
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QIconEngine, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QApplication, QWidget

__all__ = ["THEMES", "apply_theme", "banner_style", "effective_theme", "icon", "icon_path", "set_role",
           "switcher_style"]

THEMES = ("system", "light", "dark")
ICON_DIR = Path(__file__).resolve().parent / "icons"
_current = "light"

# Style sheets only on the two widgets that need them: an app-wide sheet would route every
# widget through QStyleSheetStyle, which slows the first paint noticeably.
_BANNER_STYLE = """
QFrame#errorBanner { background: %(banner_bg)s; border: 1px solid %(banner_border)s; border-radius: 4px; }
QFrame#errorBanner QLabel { color: %(banner_fg)s; }
"""
_SWITCHER_STYLE = """
QFrame#workspaceList { border: none; background: %(side_bg)s; }
QFrame#workspaceList QPushButton { text-align: left; padding: 8px 10px; margin: 0 6px; border: none;
                                   border-radius: 6px; background: transparent; }
QFrame#workspaceList QPushButton:hover:!checked { background: %(side_hover)s; }
QFrame#workspaceList QPushButton:checked { background: %(side_sel)s; color: %(side_sel_fg)s; }
"""
_COLORS = {
    "light": dict(banner_bg="#fdecea", banner_border="#f5c2bd", banner_fg="#8a1c12", side_bg="#eef1f6",
                  side_sel="#d6e2f8", side_sel_fg="#10254f", side_hover="#e2e7f0"),
    "dark": dict(banner_bg="#4a2422", banner_border="#7a3a36", banner_fg="#ffd9d5", side_bg="#2a2a2d",
                 side_sel="#34476e", side_sel_fg="#ffffff", side_hover="#353539"),
}


def banner_style() -> str:
    return _BANNER_STYLE % _COLORS[_current]


def switcher_style() -> str:
    return _SWITCHER_STYLE % _COLORS[_current]


def set_role(widget: QWidget, role: str) -> None:
    """``heading``: bold; ``hint``: the palette's placeholder colour (follows the theme)."""
    if role == "heading":
        font = widget.font()
        font.setBold(True)
        widget.setFont(font)
    elif role == "hint":
        widget.setForegroundRole(QPalette.ColorRole.PlaceholderText)


_platform_dark: bool | None = None  # the desktop's palette before ours replaced it


def _palette_is_dark() -> bool:
    return QGuiApplication.palette().color(QPalette.ColorRole.Window).lightness() < 128


def effective_theme(theme: str) -> str:
    """``light`` or ``dark``; ``system`` follows the desktop's colour scheme where Qt can tell."""
    if theme in ("light", "dark"):
        return theme
    app = QGuiApplication.instance()
    if app is None:
        return "light"
    if _platform_dark is None:
        # At start-up: the platform's palette, untouched yet. styleHints().colorScheme() would
        # say the same but returns a Qt.ColorScheme, and the first use of the Qt namespace costs
        # ~40 ms of enum building before the first paint (see ui.main_window).
        return "dark" if _palette_is_dark() else "light"
    from PySide6.QtCore import Qt

    scheme = QGuiApplication.styleHints().colorScheme()
    if scheme == Qt.ColorScheme.Dark:
        return "dark"
    if scheme == Qt.ColorScheme.Light:
        return "light"
    return "dark" if _platform_dark else "light"


def _dark_palette() -> QPalette:
    p = QPalette()
    base, window, text = QColor(37, 37, 40), QColor(45, 45, 48), QColor(230, 230, 230)
    disabled = QColor(130, 130, 130)
    for role, color in (
        (QPalette.ColorRole.Window, window), (QPalette.ColorRole.WindowText, text),
        (QPalette.ColorRole.Base, base), (QPalette.ColorRole.AlternateBase, QColor(52, 52, 56)),
        (QPalette.ColorRole.ToolTipBase, window), (QPalette.ColorRole.ToolTipText, text),
        (QPalette.ColorRole.Text, text), (QPalette.ColorRole.Button, window),
        (QPalette.ColorRole.ButtonText, text), (QPalette.ColorRole.BrightText, QColor(255, 90, 90)),
        (QPalette.ColorRole.Link, QColor(110, 160, 255)), (QPalette.ColorRole.Highlight, QColor(47, 111, 222)),
        (QPalette.ColorRole.HighlightedText, QColor(255, 255, 255)),
        (QPalette.ColorRole.PlaceholderText, disabled),
    ):
        p.setColor(role, color)
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText, QPalette.ColorRole.WindowText):
        p.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    return p


def _light_palette() -> QPalette:
    p = QApplication.style().standardPalette()
    p.setColor(QPalette.ColorRole.Highlight, QColor(47, 111, 222))
    return p


def apply_theme(app: QApplication, theme: str) -> str:
    """Apply ``theme`` (system/light/dark) to ``app``; returns the effective light/dark."""
    global _current, _platform_dark
    effective = effective_theme(theme)
    if _platform_dark is None:
        _platform_dark = _palette_is_dark()  # recorded before our palette replaces the platform's
    app.setStyle("Fusion")  # the same look everywhere, and a palette that is fully honoured
    app.setPalette(_dark_palette() if effective == "dark" else _light_palette())
    _current = effective
    _icon_cached.cache_clear()
    return effective


def icon_path(name: str) -> Path:
    return ICON_DIR / f"{name}.svg"


def icon(name: str, color: str | None = None) -> QIcon:
    """The SVG icon ``name`` drawn in ``color`` (default: the theme's text colour)."""
    return _icon_cached(name, color or ("#e6e6e6" if _current == "dark" else "#333333"))


class _SvgIconEngine(QIconEngine):
    """Renders the tinted SVG when Qt asks for a size (HiDPI-aware, cached per size), so building
    menus and toolbars costs nothing until something is painted."""

    def __init__(self, data: bytes) -> None:
        super().__init__()
        self._data = data
        self._renderer: Any = None
        self._cache: dict[tuple[int, int, float], QPixmap] = {}

    def _render(self, size: QSize, ratio: float = 1.0) -> QPixmap:
        key = (size.width(), size.height(), ratio)
        if key not in self._cache:
            if self._renderer is None:
                from PySide6.QtSvg import QSvgRenderer

                self._renderer = QSvgRenderer(QByteArray(self._data))
            w, h = max(1, round(size.width() * ratio)), max(1, round(size.height() * ratio))
            pixmap = QPixmap(w, h)
            pixmap.fill(QColor(0, 0, 0, 0))  # not Qt.GlobalColor: see effective_theme
            painter = QPainter(pixmap)
            self._renderer.render(painter, QRectF(0, 0, w, h))
            painter.end()
            pixmap.setDevicePixelRatio(ratio)
            self._cache[key] = pixmap
        return self._cache[key]

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        ratio = painter.device().devicePixelRatioF() if painter.device() is not None else 1.0
        painter.drawPixmap(rect, self._render(rect.size(), ratio))

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        return self._render(size)

    def scaledPixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State, scale: float) -> QPixmap:
        return self._render(size, scale)

    def clone(self) -> QIconEngine:
        return _SvgIconEngine(self._data)


@lru_cache(maxsize=128)
def _icon_cached(name: str, color: str) -> QIcon:
    path = icon_path(name)
    if not path.is_file():
        return QIcon()
    data = path.read_text(encoding="utf-8").replace("currentColor", color).encode("utf-8")
    return QIcon(_SvgIconEngine(data))
