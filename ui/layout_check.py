"""Finding text the user cannot read: widgets narrower than their size hint.

Used by the 1024 × 700 layout test (tests/ui/test_layout.py) and the screenshot tour
(tools/screenshot_tour.py): every visible button, label, combo box and tab of a window must get at
least its size hint's width, unless it elides by design (listed in ``ELIDES_BY_DESIGN`` by object
name; none today — labels that can be long wrap instead).
"""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractButton, QComboBox, QLabel, QTabBar, QWidget

__all__ = ["ELIDES_BY_DESIGN", "clipped_widgets"]

# Object names of widgets that shorten their text on purpose (full text in a tooltip).
# None today: long file names and counts wrap instead (word-wrapped labels are not checked).
ELIDES_BY_DESIGN: frozenset[str] = frozenset()


def _name(widget: QWidget, names: dict[int, str]) -> str:
    return widget.objectName() or names.get(id(widget)) or type(widget).__name__


def clipped_widgets(root: QWidget, names: dict[int, str] | None = None) -> list[str]:
    """One line per visible widget of ``root`` that is narrower than its size hint."""
    names = names or {}
    problems: list[str] = []
    for widget in root.findChildren(QWidget):
        if not widget.isVisible() or widget.window() is not root.window():
            continue
        name = _name(widget, names)
        if widget.objectName() in ELIDES_BY_DESIGN or name.startswith("qt_"):
            continue
        width = widget.width()
        if isinstance(widget, QTabBar):
            for i in range(widget.count()):
                rect, hint = widget.tabRect(i), widget.tabSizeHint(i)
                if rect.width() < hint.width() or rect.right() > widget.width():
                    problems.append(f"tab '{widget.tabText(i)}' of {name}: {rect.width()} < {hint.width()}")
            continue
        if isinstance(widget, QAbstractButton) and isinstance(widget.parent(), QTabBar):
            continue  # the tab bar's own scroll arrows: reported as clipped tabs above
        if isinstance(widget, QLabel):
            if widget.wordWrap() or not widget.text() or (widget.pixmap() is not None and not widget.pixmap().isNull()):
                continue
            text = widget.text()
        elif isinstance(widget, QAbstractButton):
            text = widget.text()
            if not text:
                continue
        elif isinstance(widget, QComboBox):
            text = widget.currentText()
        else:
            continue
        wanted = widget.sizeHint().width()
        if width < wanted:
            problems.append(f"{type(widget).__name__} {name} '{text[:40]}': {width} < {wanted}")
    return problems
