"""The quick window: a small frameless panel by the cursor, driven from the keyboard.

Type to filter the templates (favourites first, ★), ↑/↓ to move, Enter to run; the reply streams
in, rewrites end as a diff; then Enter replaces (the default action) and Tab walks through
Replace → Copy → Insert below → Open in app. Esc cancels a running request, or closes the window.

This is a view: it emits what the user asked for; ``ui.quick.service`` does it.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ui.quick.diff import diff_html

__all__ = ["ACTIONS", "TITLE", "QuickItem", "QuickWindow"]

TITLE = "Desk Copilot — Quick action"
"""Fixed (not translated) so scripts and tests can find the window: xdotool search --name."""

ACTIONS = ("replace", "copy", "insert", "open")


@dataclass(frozen=True)
class QuickItem:
    """One template in the list."""

    id: str
    name: str
    description: str = ""
    favourite: bool = False
    hotkey: str = ""


class QuickWindow(QWidget):
    sig_run = Signal(str)
    """Run the template with this id on the (possibly edited) source text."""
    sig_action = Signal(str)
    """One of ACTIONS, on the finished result."""
    sig_cancel = Signal()
    """Esc: cancel the running request, or close."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Tool | Qt.WindowType.FramelessWindowHint
                         | Qt.WindowType.WindowStaysOnTopHint)
        self.setWindowTitle(TITLE)
        self.setObjectName("QuickWindow")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        self._items: list[QuickItem] = []
        self._result = ""
        self._source_at_run = ""
        self._busy = False

        frame = QFrame(self)
        frame.setObjectName("QuickFrame")
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(frame)
        layout = QVBoxLayout(frame)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(6)

        self.source = QPlainTextEdit(frame)
        self.source.setObjectName("quickSource")
        self.source.setTabChangesFocus(True)
        self.source.setMaximumHeight(72)
        self.notice = QLabel(frame)
        self.notice.setObjectName("quickNotice")
        self.notice.setWordWrap(True)
        self.notice.hide()
        self.filter = QLineEdit(frame)
        self.filter.setObjectName("quickFilter")
        self.filter.setClearButtonEnabled(True)
        self.list = QListWidget(frame)
        self.list.setObjectName("quickTemplates")
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the filter keeps focus; ↑/↓ are forwarded
        self.list.setMaximumHeight(160)
        self.output = QTextBrowser(frame)
        self.output.setObjectName("quickOutput")
        self.output.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.output.setMinimumHeight(90)
        self.status = QLabel(frame)
        self.status.setObjectName("quickStatus")
        self.model_label = QLabel(frame)  # footer: the profile and model that will answer
        self.model_label.setObjectName("quickModel")
        self.model_label.setStyleSheet("color: palette(mid);")
        self._model_info: object = None

        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        for action in ACTIONS:
            button = QPushButton(frame)
            button.setObjectName(f"quick_{action}")
            button.setAutoDefault(True)
            button.clicked.connect(lambda _=False, a=action: self.sig_action.emit(a))
            self.buttons[action] = button
            row.addWidget(button)
        layout.addWidget(self.source)
        layout.addWidget(self.notice)
        layout.addWidget(self.filter)
        layout.addWidget(self.list)
        layout.addWidget(self.output)
        layout.addWidget(self.status)
        layout.addLayout(row)
        layout.addWidget(self.model_label)

        self.filter.textChanged.connect(self._refilter)
        self.filter.returnPressed.connect(self._run_current)
        self.filter.installEventFilter(self)
        self.list.itemActivated.connect(lambda _item: self._run_current())
        self.list.itemClicked.connect(lambda _item: self._run_current())
        self.setTabOrder(self.filter, self.buttons["replace"])
        for a, b in itertools.pairwise(ACTIONS):
            self.setTabOrder(self.buttons[a], self.buttons[b])
        self.setTabOrder(self.buttons["open"], self.source)
        self.resize(460, 420)
        self.retranslate()
        self._set_actions_enabled(False)

    # -- text ------------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.filter.setPlaceholderText(self.tr("Type to filter templates, Enter to run, Esc to close"))
        self.source.setPlaceholderText(self.tr("Selected text (you can edit it)"))
        labels = {"replace": self.tr("Replace"), "copy": self.tr("Copy"),
                  "insert": self.tr("Insert below"), "open": self.tr("Open in app")}
        for action, button in self.buttons.items():
            button.setText(labels[action])
        if self._model_info is not None:
            self.set_model(self._model_info)

    def set_model(self, info: object) -> None:
        """Footer: profile · model · hosted/local server/embedded (and demo-grade), as in the status bar."""
        from ui.widgets.model_indicator import model_text

        self._model_info = info
        self.model_label.setText(model_text(info))
        demo = bool(getattr(info, "demo", False))
        self.model_label.setStyleSheet("color: #b26a00; font-weight: bold;" if demo else "color: palette(mid);")
        self.model_label.setToolTip(str(getattr(info, "target", "")))

    # -- API used by the service ---------------------------------------------------------------
    def open(self, source: str, items: list[QuickItem], notice: str = "", near: QPoint | None = None) -> None:
        """Fill the window for a new selection and show it (near ``near``, the cursor)."""
        self._items = list(items)
        self.source.setPlainText(source)
        self.set_notice(notice)
        self.output.clear()
        self.status.clear()
        self._result = ""
        self._busy = False
        self._set_actions_enabled(False)
        self.filter.blockSignals(True)
        self.filter.clear()
        self.filter.blockSignals(False)
        self._refilter("")
        if near is not None:
            self.move(self._placement(near))
        self.show()
        self.raise_()
        self.activateWindow()
        self.filter.setFocus(Qt.FocusReason.ActiveWindowFocusReason)

    def source_text(self) -> str:
        return self.source.toPlainText()

    def set_notice(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.setVisible(bool(text))

    def start_output(self, template_name: str) -> None:
        self._busy = True
        self._result = ""
        self._source_at_run = self.source_text()
        self.output.clear()
        self.status.setText(self.tr("Running {0}… (Esc cancels)").format(template_name))
        self._set_actions_enabled(False)

    def append_output(self, text: str) -> None:
        self._result += text
        self.output.setPlainText(self._result)
        bar = self.output.verticalScrollBar()
        bar.setValue(bar.maximum())

    def show_result(self, text: str, rewrite: bool) -> None:
        """The finished reply: a diff for rewrites, plain text otherwise; focus goes to the actions."""
        self._busy = False
        self._result = text
        if rewrite:
            self.output.setHtml(diff_html(self._source_at_run, text))
        else:
            self.output.setPlainText(text)
        self.status.setText(self.tr("Enter: Replace · Tab: other actions · Esc: close"))
        self._set_actions_enabled(True)
        default = self.buttons["replace" if rewrite else "copy"]
        default.setDefault(True)
        default.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_error(self, message: str) -> None:
        self._busy = False
        self.status.setText(message)
        self._set_actions_enabled(bool(self._result))
        self.filter.setFocus()

    def result_text(self) -> str:
        return self._result

    @property
    def busy(self) -> bool:
        return self._busy

    def visible_ids(self) -> list[str]:
        return [self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())
                if not self.list.item(i).isHidden()]

    def current_id(self) -> str | None:
        item = self.list.currentItem()
        return None if item is None or item.isHidden() else str(item.data(Qt.ItemDataRole.UserRole))

    # -- internals -------------------------------------------------------------------------------
    def _set_actions_enabled(self, enabled: bool) -> None:
        for button in self.buttons.values():
            button.setEnabled(enabled)
            if not enabled:
                button.setDefault(False)

    def _refilter(self, text: str) -> None:
        words = text.lower().split()
        self.list.clear()
        for item in self._items:
            hay = f"{item.id} {item.name} {item.description}".lower()
            if all(w in hay for w in words):
                label = ("★ " if item.favourite else "   ") + item.name
                if item.hotkey:
                    label += f"    {item.hotkey}"
                row = QListWidgetItem(label)
                row.setData(Qt.ItemDataRole.UserRole, item.id)
                row.setToolTip(item.description or item.id)
                self.list.addItem(row)
        if self.list.count():
            self.list.setCurrentRow(0)

    def _run_current(self) -> None:
        template_id = self.current_id()
        if template_id is not None and self.source_text().strip():
            self.sig_run.emit(template_id)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Children leave Esc unhandled, so it arrives here wherever the focus is.
        if event.key() == Qt.Key.Key_Escape:
            event.accept()
            self.sig_cancel.emit()
            return
        super().keyPressEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.filter and isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress:
            steps = {Qt.Key.Key_Up: -1, Qt.Key.Key_Down: 1, Qt.Key.Key_PageUp: -5, Qt.Key.Key_PageDown: 5}
            step = next((s for k, s in steps.items() if event.key() == k), 0)
            if step:
                if self.list.count():
                    row = max(0, min(self.list.count() - 1, self.list.currentRow() + step))
                    self.list.setCurrentRow(row)
                return True
        return super().eventFilter(watched, event)

    def _placement(self, near: QPoint) -> QPoint:
        """Just below-right of the cursor, kept on the cursor's screen."""
        screen = QGuiApplication.screenAt(near) or QGuiApplication.primaryScreen()
        area = screen.availableGeometry() if screen is not None else QRect(0, 0, 1920, 1080)
        x = min(max(area.left(), near.x() + 12), area.right() - self.width())
        y = near.y() + 16
        if y + self.height() > area.bottom():
            y = max(area.top(), near.y() - self.height() - 8)
        return QPoint(x, y)
