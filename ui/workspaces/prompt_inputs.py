"""Typed input widgets for a template's preview form, and the coloured unified diff of versions."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QCheckBox, QComboBox, QDoubleSpinBox, QLineEdit, QPlainTextEdit, QWidget

__all__ = ["diff_html", "input_widget", "set_widget_text", "widget_value"]


def input_widget(spec: Any, lang: str, on_change: Callable[..., None]) -> QWidget:
    """An editor matching ``spec.type`` (text, string, number, choice, boolean) that calls ``on_change``."""
    widget: QWidget
    default = spec.default
    if spec.type == "text":
        edit = QPlainTextEdit()
        edit.setMaximumHeight(70)
        edit.setPlainText("" if default is None else str(default))
        edit.textChanged.connect(on_change)
        widget = edit
    elif spec.type == "number":
        box = QDoubleSpinBox()
        box.setRange(-1e9, 1e9)
        box.setValue(float(default or 0))
        box.valueChanged.connect(on_change)
        widget = box
    elif spec.type == "choice":
        combo = QComboBox()
        combo.addItems(spec.choices or [])
        if default is not None:
            combo.setCurrentText(str(default))
        combo.currentIndexChanged.connect(on_change)
        widget = combo
    elif spec.type == "boolean":
        check = QCheckBox()
        check.setChecked(bool(default))
        check.toggled.connect(on_change)
        widget = check
    else:
        line = QLineEdit("" if default is None else str(default))
        line.textChanged.connect(on_change)
        widget = line
    widget.setToolTip(spec.description.get(lang))
    return widget


def widget_value(w: QWidget) -> Any:
    """The value to render with; empty text is None so the template's default applies."""
    if isinstance(w, QPlainTextEdit):
        return w.toPlainText() or None
    if isinstance(w, QDoubleSpinBox):
        return w.value()
    if isinstance(w, QComboBox):
        return w.currentText()
    if isinstance(w, QCheckBox):
        return w.isChecked()
    if isinstance(w, QLineEdit):
        return w.text() or None
    return None


def set_widget_text(w: QWidget, value: str) -> None:
    if isinstance(w, QPlainTextEdit):
        w.setPlainText(value)
    elif isinstance(w, QLineEdit):
        w.setText(value)
    elif isinstance(w, QComboBox):
        w.setCurrentText(value)


def diff_html(diff: str) -> str:
    """A unified diff as HTML: added lines green, removed lines red."""
    lines = []
    for line in diff.splitlines():
        color = "#1b7f2a" if line.startswith("+") else "#c62828" if line.startswith("-") else None
        text = html.escape(line) or "&nbsp;"
        lines.append(f'<span style="color:{color}">{text}</span>' if color else text)
    return '<pre style="white-space:pre-wrap">' + "\n".join(lines) + "</pre>"
