"""The PowerPoint workspace's outline editor: a tree of slides and bullets with drag and drop, and
the delegate that edits its title / notes columns."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QDrag, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QSpinBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
    QWidget,
)

from ui.item_models.outline_tree import KIND_ROLE, LAYOUTS, MAX_LEVEL

__all__ = ["ColumnDelegate", "OutlineView"]

_Index = QModelIndex | QPersistentModelIndex


class OutlineView(QTreeView):
    """Tree with internal drag-move. The model moves the rows itself in ``dropMimeData``, so this
    view's drag never deletes "source" rows afterwards (QAbstractItemView's would, after a move)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                             | QAbstractItemView.EditTrigger.EditKeyPressed
                             | QAbstractItemView.EditTrigger.SelectedClicked)
        self.setAlternatingRowColors(True)
        self.setUniformRowHeights(True)

    def startDrag(self, supportedActions: Qt.DropAction) -> None:
        model = self.model()
        indexes = [i for i in self.selectedIndexes() if i.column() == 0]
        if model is None or not indexes:
            return
        drag = QDrag(self)
        drag.setMimeData(model.mimeData(indexes))
        drag.exec(Qt.DropAction.MoveAction)  # the rows were moved by the drop; nothing to remove here

    def dropEvent(self, event: QDropEvent) -> None:
        model = self.model()
        if model is None or event.source() is not self:
            event.ignore()
            return
        index = self.indexAt(event.position().toPoint())
        row, parent = -1, QModelIndex()
        if index.isValid():
            indicator = self.dropIndicatorPosition()
            if indicator == QAbstractItemView.DropIndicatorPosition.OnItem:
                parent = index.siblingAtColumn(0)
            else:
                parent = index.parent()
                row = index.row() + (1 if indicator == QAbstractItemView.DropIndicatorPosition.BelowItem else 0)
        if model.dropMimeData(event.mimeData(), Qt.DropAction.MoveAction, row, 0, parent):
            event.setDropAction(Qt.DropAction.MoveAction)
            event.accept()
        else:
            event.ignore()


class ColumnDelegate(QStyledItemDelegate):
    """Column 1: a layout picker on slide rows, a level spin box on bullet rows."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: _Index) -> QWidget:
        if index.column() != 1:
            return super().createEditor(parent, option, index)
        if index.data(KIND_ROLE) == "bullet":
            spin = QSpinBox(parent)
            spin.setRange(0, MAX_LEVEL)
            return spin
        combo = QComboBox(parent)
        for layout in LAYOUTS:
            combo.addItem(layout or self.tr("(automatic)"), layout)
        return combo

    def setEditorData(self, editor: QWidget, index: _Index) -> None:
        if isinstance(editor, QComboBox):
            at = editor.findData(index.data(Qt.ItemDataRole.EditRole) or "")
            editor.setCurrentIndex(max(0, at))
        elif isinstance(editor, QSpinBox):
            editor.setValue(int(index.data(Qt.ItemDataRole.EditRole) or 0))
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: Any, index: _Index) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData() or "")
        elif isinstance(editor, QSpinBox):
            model.setData(index, editor.value())
        else:
            super().setModelData(editor, model, index)
