"""The deck outline as an editable tree: slides at the top level, bullets (with a level) under them.

Column 0 is the text (slide title or bullet text); column 1 is the slide's layout or the bullet's
level. Speaker notes are a role on the slide row (``NotesRole``), edited in a side box.

Drag and drop moves whole rows: slides among slides, bullets within or between slides. The move
is done in :meth:`OutlineModel.dropMimeData` with ``beginMoveRows`` so selections and persistent
indexes follow the moved rows; the view must then not delete the source rows itself (the
outline view accepts the drop as a copy for that reason).

The model is independent of the core's outline classes: :meth:`set_outline` and
:meth:`to_outline` convert with duck typing (``title``, ``slides[].title/.bullets/.notes/.layout``,
``bullets[].text/.level``), so the core can change its dataclasses without touching this file.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)

__all__ = ["LAYOUTS", "MAX_LEVEL", "MIME_TYPE", "NOTES_ROLE", "Bullet", "OutlineModel", "Slide"]

_Index = QModelIndex | QPersistentModelIndex
MIME_TYPE = "application/x-desk-copilot-outline-rows"
NOTES_ROLE = int(Qt.ItemDataRole.UserRole) + 1
KIND_ROLE = int(Qt.ItemDataRole.UserRole) + 2
MAX_LEVEL = 4
LAYOUTS = ("", "title", "section", "content", "two-content", "closing")  # "" = chosen by the builder


@dataclass(eq=False)  # identity equality: two identical slides are still two slides
class Bullet:
    text: str
    level: int = 0


@dataclass(eq=False)
class Slide:
    title: str
    bullets: list[Bullet] = field(default_factory=list)
    notes: str = ""
    layout: str = ""
    right: list[Bullet] = field(default_factory=list)  # second column of a two-content slide, kept as is


def _get(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


class OutlineModel(QAbstractItemModel):
    """Slides and bullets of one deck outline."""

    sig_changed = Signal()  # any edit, move, insert or removal (the workspace marks the outline dirty)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.deck_title = ""
        self.subtitle: list[str] = []
        self._slides: list[Slide] = []
        for signal in (self.dataChanged, self.rowsInserted, self.rowsRemoved, self.rowsMoved,
                       self.modelReset):
            signal.connect(self._emit_changed)

    def _emit_changed(self, *_args: object) -> None:
        self.sig_changed.emit()

    # -- conversion ---------------------------------------------------------------------------
    @property
    def slides(self) -> list[Slide]:
        return self._slides

    def set_slides(self, title: str, slides: Iterable[Slide], subtitle: Iterable[str] = ()) -> None:
        self.beginResetModel()
        self.deck_title = title
        self.subtitle = list(subtitle)
        self._slides = list(slides)
        self.endResetModel()

    def set_outline(self, outline: Any) -> None:
        """Load a core outline object (or a dict of the same shape)."""
        def bullets(items: Any) -> list[Bullet]:
            return [Bullet(str(_get(b, "text", "")), int(_get(b, "level", 0) or 0)) for b in (items or [])]

        slides = []
        for s in _get(outline, "slides", []) or []:
            layout = _get(s, "layout", "") or ""
            slides.append(Slide(str(_get(s, "title", "") or ""), bullets(_get(s, "bullets")),
                                str(_get(s, "notes", "") or ""), str(layout), bullets(_get(s, "right"))))
        self.set_slides(str(_get(outline, "title", "") or ""), slides,
                        [str(x) for x in (_get(outline, "subtitle", ()) or ())])

    def as_dict(self) -> dict[str, Any]:
        def bullets(items: list[Bullet]) -> list[dict[str, Any]]:
            return [{"text": b.text, "level": b.level} for b in items]

        return {"title": self.deck_title, "subtitle": list(self.subtitle),
                "slides": [{"title": s.title, "notes": s.notes, "layout": s.layout or None,
                            "bullets": bullets(s.bullets), "right": bullets(s.right)}
                           for s in self._slides]}

    def to_outline(self) -> Any:
        """The edited outline as the core's (normalised) ``copilot.documents.decks.outline.Outline``."""
        from copilot.documents.decks import outline as core

        def bullets(items: list[Bullet]) -> tuple[Any, ...]:
            return tuple(core.Bullet(b.text, b.level) for b in items)

        slides = tuple(core.Slide(s.title, bullets(s.bullets), s.notes,
                                  s.layout if s.layout in core.LAYOUTS else None,  # type: ignore[arg-type]
                                  bullets(s.right))
                       for s in self._slides)
        return core.Outline(self.deck_title, tuple(self.subtitle), slides).normalised()

    # -- structure -----------------------------------------------------------------------------
    def index(self, row: int, column: int, parent: _Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if column < 0 or column > 1 or row < 0:
            return QModelIndex()
        if not parent.isValid():
            if row >= len(self._slides):
                return QModelIndex()
            return self.createIndex(row, column)
        slide = self.slide_at(parent)
        if slide is None or parent.internalPointer() is not None or row >= len(slide.bullets):
            return QModelIndex()
        return self.createIndex(row, column, slide)

    def parent(self, index: _Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        slide = index.internalPointer()
        if slide is None:
            return QModelIndex()
        return self.createIndex(self._row_of(slide), 0)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        if not parent.isValid():
            return len(self._slides)
        if parent.internalPointer() is not None or parent.column() != 0:
            return 0
        slide = self.slide_at(parent)
        return len(slide.bullets) if slide is not None else 0

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 2

    def _row_of(self, slide: Slide) -> int:
        for row, candidate in enumerate(self._slides):
            if candidate is slide:
                return row
        return -1

    def is_slide(self, index: _Index) -> bool:
        return index.isValid() and index.internalPointer() is None

    def slide_at(self, index: _Index) -> Slide | None:
        """The slide of ``index`` (the slide row itself or a bullet's parent)."""
        if not index.isValid():
            return None
        owner = index.internalPointer()
        if owner is not None:
            return owner  # type: ignore[no-any-return]
        return self._slides[index.row()] if 0 <= index.row() < len(self._slides) else None

    def bullet_at(self, index: _Index) -> Bullet | None:
        owner = index.internalPointer() if index.isValid() else None
        if owner is None or not 0 <= index.row() < len(owner.bullets):
            return None
        return owner.bullets[index.row()]  # type: ignore[no-any-return]

    def slide_index(self, row: int) -> QModelIndex:
        return self.index(row, 0)

    # -- data ----------------------------------------------------------------------------------
    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if section == 0:
            return self.tr("Slide / bullet")
        return self.tr("Layout / level")

    def flags(self, index: _Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsDropEnabled
        if not index.isValid():
            return base
        return (base | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemIsEditable | Qt.ItemFlag.ItemIsDragEnabled)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        bullet = self.bullet_at(index)
        slide = self.slide_at(index)
        if slide is None:
            return None
        if role == KIND_ROLE:
            return "bullet" if bullet is not None else "slide"
        if role == NOTES_ROLE:
            return slide.notes
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if bullet is not None:
                if index.column() == 0:
                    if role == Qt.ItemDataRole.DisplayRole:  # the level shows as indentation
                        return "    " * bullet.level + ("• " if bullet.level == 0 else "– ") + bullet.text
                    return bullet.text
                return bullet.level if role == Qt.ItemDataRole.EditRole else str(bullet.level)
            if index.column() == 0:
                if role == Qt.ItemDataRole.DisplayRole and not slide.title.strip():
                    return self.tr("(untitled slide)")  # e.g. a chart-only slide read from a deck
                return slide.title
            return slide.layout
        if role == Qt.ItemDataRole.ToolTipRole and bullet is None and slide.notes:
            return slide.notes
        if role == Qt.ItemDataRole.FontRole and bullet is None and index.column() == 0:
            from PySide6.QtGui import QFont

            font = QFont()
            font.setBold(True)
            font.setItalic(not slide.title.strip())
            return font
        return None

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid():
            return False
        bullet = self.bullet_at(index)
        slide = self.slide_at(index)
        if slide is None:
            return False
        if role == NOTES_ROLE:
            slide.notes = str(value or "")
            changed = self.index(self._row_of(slide), 0)
            self.dataChanged.emit(changed, changed, [NOTES_ROLE])
            return True
        if role != Qt.ItemDataRole.EditRole:
            return False
        if bullet is not None and index.column() == 1:
            try:
                level = int(value)
            except (TypeError, ValueError):
                return False
            bullet.level = max(0, min(MAX_LEVEL, level))
        elif bullet is not None:
            bullet.text = str(value)
        elif index.column() == 0:
            slide.title = str(value)
        else:
            layout = str(value or "")
            if layout not in LAYOUTS:
                return False
            slide.layout = layout
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole])
        return True

    # -- edits -------------------------------------------------------------------------------
    def insert_slide(self, row: int, slide: Slide | None = None) -> QModelIndex:
        row = max(0, min(row, len(self._slides)))
        self.beginInsertRows(QModelIndex(), row, row)
        self._slides.insert(row, slide or Slide(self.tr("New slide")))
        self.endInsertRows()
        return self.index(row, 0)

    def insert_bullet(self, slide_row: int, row: int, bullet: Bullet | None = None) -> QModelIndex:
        parent = self.index(slide_row, 0)
        slide = self.slide_at(parent)
        if slide is None:
            return QModelIndex()
        row = max(0, min(row, len(slide.bullets)))
        self.beginInsertRows(parent, row, row)
        slide.bullets.insert(row, bullet or Bullet(self.tr("New bullet")))
        self.endInsertRows()
        return self.index(row, 0, parent)

    def removeRows(self, row: int, count: int, parent: _Index = QModelIndex()) -> bool:  # noqa: B008
        if count <= 0 or row < 0:
            return False
        items: list[Any]
        if not parent.isValid():
            items = self._slides
        else:
            slide = self.slide_at(parent)
            if slide is None or parent.internalPointer() is not None:
                return False
            items = slide.bullets
        if row + count > len(items):
            return False
        self.beginRemoveRows(parent, row, row + count - 1)
        del items[row:row + count]
        self.endRemoveRows()
        return True

    def remove_index(self, index: _Index) -> bool:
        return index.isValid() and self.removeRows(index.row(), 1, self.parent(index))

    def shift_level(self, index: _Index, delta: int) -> bool:
        """Indent (+1) or outdent (-1) a bullet."""
        bullet = self.bullet_at(index)
        if bullet is None:
            return False
        return self.setData(self.index(index.row(), 1, self.parent(index)), bullet.level + delta)

    def moveRows(self, source_parent: _Index, source_row: int, count: int,
                 destination_parent: _Index, destination_child: int) -> bool:
        """Move ``count`` rows; slides only among slides, bullets into any slide."""
        src_items = self._children(source_parent)
        dst_items = self._children(destination_parent)
        if src_items is None or dst_items is None or count <= 0:
            return False
        if source_row < 0 or source_row + count > len(src_items):
            return False
        if not 0 <= destination_child <= len(dst_items):
            return False
        same = src_items is dst_items
        if same and source_row <= destination_child <= source_row + count:
            return False  # a no-op Qt refuses in beginMoveRows
        if not self.beginMoveRows(source_parent, source_row, source_row + count - 1,
                                  destination_parent, destination_child):
            return False
        moving = src_items[source_row:source_row + count]
        del src_items[source_row:source_row + count]
        insert_at = destination_child - count if same and destination_child > source_row else destination_child
        dst_items[insert_at:insert_at] = moving
        self.endMoveRows()
        return True

    def _children(self, parent: _Index) -> list[Any] | None:
        if not parent.isValid():
            return self._slides
        if parent.internalPointer() is not None:
            return None
        slide = self.slide_at(parent)
        return slide.bullets if slide is not None else None

    # -- drag and drop -------------------------------------------------------------------------
    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [MIME_TYPE]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        """Rows as ``[[slide_row], ...]`` or ``[[slide_row, bullet_row], ...]``, one kind only."""
        paths: list[list[int]] = []
        for index in indexes:
            if not index.isValid() or index.column() != 0:
                continue
            path = [index.row()] if self.is_slide(index) else [self.parent(index).row(), index.row()]
            if path not in paths:
                paths.append(path)
        if paths:
            kind = len(paths[0])
            paths = sorted(p for p in paths if len(p) == kind)
        mime = QMimeData()
        mime.setData(MIME_TYPE, QByteArray(json.dumps(paths).encode()))
        return mime

    @staticmethod
    def _paths(data: QMimeData) -> list[list[int]]:
        if not data.hasFormat(MIME_TYPE):
            return []
        try:
            paths = json.loads(bytes(data.data(MIME_TYPE).data()).decode())
        except ValueError:
            return []
        if not isinstance(paths, list):
            return []
        return [p for p in paths if isinstance(p, list) and p and all(isinstance(n, int) for n in p)]

    def canDropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int,
                        parent: _Index) -> bool:
        paths = self._paths(data)
        return bool(paths) and action == Qt.DropAction.MoveAction \
            and self._target(len(paths[0]), row, parent) is not None

    def _target(self, kind: int, row: int, parent: _Index) -> tuple[QModelIndex, int] | None:
        """Where rows of ``kind`` (1 slide, 2 bullet) land for a drop at (row, parent)."""
        if kind == 1:
            if not parent.isValid():
                return QModelIndex(), (len(self._slides) if row < 0 else row)
            slide_row = parent.row() if self.is_slide(parent) else self.parent(parent).row()
            return QModelIndex(), slide_row + 1 if row >= 0 or not self.is_slide(parent) else slide_row
        if not parent.isValid():
            return None  # bullets never become slides
        if self.is_slide(parent):
            slide_parent = self.index(parent.row(), 0)
            count = len(self._slides[parent.row()].bullets)
            return slide_parent, (count if row < 0 else row)
        slide_parent = self.parent(parent)
        return slide_parent, parent.row() + 1  # dropped onto a bullet: after it

    def dropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int,
                     parent: _Index) -> bool:
        if not self.canDropMimeData(data, action, row, column, parent):
            return False
        paths = self._paths(data)
        target = self._target(len(paths[0]), row, parent)
        assert target is not None
        dest_parent, dest_row = target
        # The destination slide by identity: its row may change while earlier rows move.
        dest_slide = self.slide_at(dest_parent) if dest_parent.isValid() else None
        # Move objects one by one, located by identity each time (rows shift as we go).
        if len(paths[0]) == 1:
            objects: list[Any] = [self._slides[p[0]] for p in paths if 0 <= p[0] < len(self._slides)]
        else:
            objects = [self._slides[p[0]].bullets[p[1]] for p in paths
                       if 0 <= p[0] < len(self._slides) and 0 <= p[1] < len(self._slides[p[0]].bullets)]
        dest_items = self._children(dest_parent)
        if dest_items is None:
            return False
        anchor = dest_items[dest_row] if dest_row < len(dest_items) else None
        moved = False
        for obj in objects:
            src_parent, src_row = self._locate(obj)
            dst_parent = QModelIndex() if dest_slide is None else self.index(self._row_of(dest_slide), 0)
            items = self._children(dst_parent)
            if items is None:
                return moved
            if anchor is obj:
                continue  # dropping a row just before itself
            dst_row = len(items) if anchor is None else next(i for i, x in enumerate(items) if x is anchor)
            if self.moveRows(src_parent, src_row, 1, dst_parent, dst_row):
                moved = True
        return moved

    def _locate(self, obj: Any) -> tuple[QModelIndex, int]:
        if isinstance(obj, Slide):
            return QModelIndex(), self._row_of(obj)
        for s_row, slide in enumerate(self._slides):
            for b_row, bullet in enumerate(slide.bullets):
                if bullet is obj:
                    return self.index(s_row, 0), b_row
        return QModelIndex(), -1
