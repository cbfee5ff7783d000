"""The History window: every run (CLI, app, quick window), searchable in any language, filtered by
task / template / profile; re-run, copy output, delete, clear.

It only renders ``copilot.history``: queries run on the runner's pool (SQLite never on the GUI
thread), results come back as HistoryEntry rows.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from copilot.cancel import CancelToken
from copilot.events import Done, Event
from copilot.history import HistoryEntry
from ui.runner import Runner

__all__ = ["HistoryModel", "HistoryWindow"]

_Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()
_KEY = "history"


class HistoryModel(QAbstractTableModel):
    """Rows = runs, newest first: when, task, template, profile / model, status, output."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entries: list[HistoryEntry] = []

    def set_entries(self, entries: list[HistoryEntry]) -> None:
        self.beginResetModel()
        self.entries = entries
        self.endResetModel()

    def rowCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.entries)

    def columnCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else 6

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return [self.tr("When"), self.tr("Task"), self.tr("Template"), self.tr("Profile / model"),
                    self.tr("Status"), self.tr("Output")][section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        e = self.entries[index.row()]
        column = index.column()
        if column == 0:
            return time.strftime("%Y-%m-%d %H:%M", time.localtime(e.started))
        if column == 1:
            return f"{e.task} ({e.source})" if e.source else e.task
        if column == 2:
            return e.template or ""
        if column == 3:
            return " / ".join(x for x in (e.profile, e.model) if x)
        if column == 4:
            return e.status
        text = output_text(e)
        return text if role == Qt.ItemDataRole.ToolTipRole else " ".join(text.split())[:120]


def output_text(entry: HistoryEntry) -> str:
    """What "Copy output" copies: the reply when it was stored, else the file written, else the error."""
    return entry.output_text or (entry.output_path or "") or (entry.error or "")


class HistoryWindow(QDialog):
    """Search box, filters, the runs, the selected run's details, and the actions."""

    sig_rerun = Signal(object)
    """A HistoryEntry the user wants to run again (the main window decides how)."""

    def __init__(self, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("historyWindow")
        self.runner = runner
        self.resize(900, 560)
        self.search_edit = QLineEdit()
        self.search_edit.setClearButtonEnabled(True)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(200)
        self._debounce.timeout.connect(self.reload)
        self.search_edit.textChanged.connect(lambda _t: self._debounce.start())
        self.filters: dict[str, QComboBox] = {}
        top = QHBoxLayout()
        top.addWidget(self.search_edit, 1)
        for name in ("task", "template", "profile"):
            combo = QComboBox()
            combo.setMinimumContentsLength(10)
            combo.activated.connect(lambda _i: self.reload())
            self.filters[name] = combo
            top.addWidget(combo)

        self.model = HistoryModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        for column in range(5):  # at most 500 short cells each: measuring them is cheap
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(False)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_detail())
        self.detail = QPlainTextEdit()
        self.detail.setReadOnly(True)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setSizes([380, 140])

        self.rerun_button = QPushButton()
        self.rerun_button.clicked.connect(self.rerun)
        self.copy_button = QPushButton()
        self.copy_button.clicked.connect(self.copy_output)
        self.delete_button = QPushButton()
        self.delete_button.clicked.connect(self.delete_selected)
        self.clear_button = QPushButton()
        self.clear_button.clicked.connect(lambda: self.clear_all(confirm=True))
        buttons = QHBoxLayout()
        for b in (self.rerun_button, self.copy_button, self.delete_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.clear_button)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        layout.addLayout(buttons)
        self._facets: dict[str, list[str]] = {}
        self.retranslate()
        self.reload()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("History"))
        self.search_edit.setPlaceholderText(self.tr("Search runs (any word, 中文 or English)…"))
        self.rerun_button.setText(self.tr("Run Again"))
        self.copy_button.setText(self.tr("Copy Output"))
        self.delete_button.setText(self.tr("Delete"))
        self.clear_button.setText(self.tr("Clear History…"))
        self._fill_filters()

    # -- loading -------------------------------------------------------------------------------
    def reload(self) -> None:
        query = self.search_edit.text().strip() or None
        chosen = {name: combo.currentData() for name, combo in self.filters.items()}

        def job(cancel: CancelToken) -> Iterator[Event]:
            from copilot import history

            yield Done((history.search(query, limit=500, **chosen), history.facets()))

        self.runner.start(_KEY, job, on_done=self._on_loaded)

    def _on_loaded(self, loaded: object) -> None:
        entries, facets = loaded if isinstance(loaded, tuple) else ([], {})
        self.model.set_entries(list(entries))
        self._facets = dict(facets)
        self._fill_filters()
        if self.model.rowCount():
            self.table.selectRow(0)
        self._show_detail()

    def _fill_filters(self) -> None:
        labels = {"task": self.tr("All tasks"), "template": self.tr("All templates"),
                  "profile": self.tr("All profiles")}
        for name, combo in self.filters.items():
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(labels[name], None)
            for value in self._facets.get(name, []):
                combo.addItem(value, value)
            combo.setCurrentIndex(max(0, combo.findData(current)) if current else 0)
            combo.blockSignals(False)

    def is_loading(self) -> bool:
        return self.runner.is_running(_KEY)

    # -- the selected run ----------------------------------------------------------------------
    def selected(self) -> HistoryEntry | None:
        index = self.table.currentIndex()
        return self.model.entries[index.row()] if index.isValid() else None

    def _show_detail(self) -> None:
        entry = self.selected()
        for b in (self.rerun_button, self.copy_button, self.delete_button):
            b.setEnabled(entry is not None)
        if entry is None:
            self.detail.clear()
            return
        lines = [f"#{entry.id} · {entry.task} · {entry.status} · {entry.seconds:.1f} s · "
                 f"{entry.tokens_in} → {entry.tokens_out} tokens"]
        for label, value in ((self.tr("Input file"), entry.input_path), (self.tr("Output file"), entry.output_path),
                             (self.tr("Error"), entry.error), (self.tr("Input"), entry.input_text),
                             (self.tr("Output"), entry.output_text)):
            if value:
                lines.append(f"{label}: {value}")
        self.detail.setPlainText("\n".join(lines))

    def copy_output(self) -> None:
        entry = self.selected()
        if entry is not None:
            QApplication.clipboard().setText(output_text(entry))

    def rerun(self) -> None:
        entry = self.selected()
        if entry is not None:
            self.sig_rerun.emit(entry)

    def delete_selected(self) -> None:
        entry = self.selected()
        if entry is None:
            return

        def job(cancel: CancelToken) -> Iterator[Event]:
            from copilot import history

            yield Done(history.delete(entry.id))

        self.runner.start(_KEY, job, on_done=lambda _ok: self.reload())

    def clear_all(self, confirm: bool = True) -> None:
        if confirm:
            answer = QMessageBox.question(self, self.tr("Clear History"),
                                          self.tr("Delete every recorded run? This cannot be undone."))
            if answer != QMessageBox.StandardButton.Yes:
                return

        def job(cancel: CancelToken) -> Iterator[Event]:
            from copilot import history

            yield Done(history.clear())

        self.runner.start(_KEY, job, on_done=lambda _n: self.reload())
