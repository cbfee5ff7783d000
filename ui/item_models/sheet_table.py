"""A table model that never holds a whole sheet: rows come from a source in fixed-size blocks.

A 1,000,000-row sheet opens at once because the model only asks the source for its row count;
cells are read block by block (``block_size`` rows) when the view paints them, and at most
``max_blocks`` blocks stay cached (least recently used goes first). The scroll bar is right
from the start because ``rowCount`` is the real count, not a growing ``fetchMore`` window.

Sources answer ``fetch(start, count)`` from something already indexed by row (an in-process
DuckDB table, a list of tuples), so one block costs well under a millisecond and is read on the
GUI thread; reading the file itself happens once, in the Runner, before the model is built.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any, Protocol, runtime_checkable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from copilot.numbers import NumberStyle, exact_text, format_value

__all__ = ["CellStyles", "DuckDBRowSource", "LazyTableModel", "RowSource", "SequenceRowSource", "fit_columns",
           "format_cell"]

_Index = QModelIndex | QPersistentModelIndex


@runtime_checkable
class RowSource(Protocol):
    """Rows of one table, addressable by position."""

    @property
    def columns(self) -> Sequence[str]: ...

    @property
    def row_count(self) -> int: ...

    def fetch(self, start: int, count: int) -> Sequence[Sequence[Any]]:
        """Rows ``start .. start+count`` (fewer at the end)."""
        ...


class SequenceRowSource:
    """A source over rows already in memory (a query result, a small sheet)."""

    def __init__(self, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        self._columns = list(columns)
        self._rows = rows

    @property
    def columns(self) -> Sequence[str]:
        return self._columns

    @property
    def row_count(self) -> int:
        return len(self._rows)

    def fetch(self, start: int, count: int) -> Sequence[Sequence[Any]]:
        return self._rows[start:start + count]


def format_cell(value: Any, style: NumberStyle | None = None) -> str:
    """How a cell value is shown: the core's number formatter (grouped, the column's decimals), dates ISO."""
    if isinstance(value, float) and math.isnan(value):
        return ""
    if isinstance(value, dt.time):
        return value.isoformat()
    return format_value(value, style)


def _is_numeric(value: Any) -> bool:
    return isinstance(value, int | float | decimal.Decimal) and not isinstance(value, bool)


# Cell style: per column (a sequence) or per cell (a function of row and column).
CellStyles = Sequence["NumberStyle | None"] | Callable[[int, int], "NumberStyle | None"]


class LazyTableModel(QAbstractTableModel):
    """Read-only table over a :class:`RowSource`, cached in blocks."""

    def __init__(self, source: RowSource, *, block_size: int = 256, max_blocks: int = 64,
                 styles: CellStyles | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self._styles = styles
        if block_size < 1 or max_blocks < 1:
            raise ValueError("block_size and max_blocks must be positive")
        self._source = source
        self._columns = [str(c) for c in source.columns]
        self._rows = int(source.row_count)
        self._block_size = block_size
        self._max_blocks = max_blocks
        self._blocks: OrderedDict[int, Sequence[Sequence[Any]]] = OrderedDict()
        self.blocks_fetched = 0  # total source reads, for tests and the status bar

    # -- introspection (tests, status) -------------------------------------------------------
    @property
    def source(self) -> RowSource:
        return self._source

    @property
    def block_size(self) -> int:
        return self._block_size

    @property
    def cached_blocks(self) -> int:
        return len(self._blocks)

    @property
    def columns(self) -> list[str]:
        return list(self._columns)

    # -- Qt API --------------------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else self._rows

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (role == Qt.ItemDataRole.TextAlignmentRole and orientation == Qt.Orientation.Horizontal
                and self._rows and _is_numeric(self.value(0, section))):
            # A number column's title sits over its right-aligned numbers.
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self._columns[section] if 0 <= section < len(self._columns) else None
        return str(section + 1)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole,
                        Qt.ItemDataRole.TextAlignmentRole, Qt.ItemDataRole.UserRole):
            return None
        value = self.value(index.row(), index.column())
        if role == Qt.ItemDataRole.UserRole:
            return value
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if _is_numeric(value):
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            # The exact value: what the cell holds, before grouping and rounding.
            return exact_text(value) if _is_numeric(value) else (format_cell(value) or None)
        return format_cell(value, self.style(index.row(), index.column()))

    def style(self, row: int, column: int) -> NumberStyle | None:
        if self._styles is None:
            return None
        if callable(self._styles):
            return self._styles(row, column)
        return self._styles[column] if 0 <= column < len(self._styles) else None

    def display_text(self, row: int, column: int) -> str:
        return format_cell(self.value(row, column), self.style(row, column))

    def copy_text(self, cells: Sequence[tuple[int, int]]) -> str:
        """Selected cells as tab-separated lines with their exact values (for the clipboard)."""
        if not cells:
            return ""
        rows = sorted({r for r, _ in cells})
        cols = sorted({c for _, c in cells})
        chosen = set(cells)
        return "\n".join("\t".join(exact_text(self.value(r, c)) if (r, c) in chosen else "" for c in cols)
                         for r in rows)

    # -- block cache --------------------------------------------------------------------------
    def value(self, row: int, column: int) -> Any:
        """The raw cell value (fetches its block when needed)."""
        if not (0 <= row < self._rows and 0 <= column < len(self._columns)):
            return None
        block = self._block(row // self._block_size)
        offset = row % self._block_size
        if offset >= len(block):
            return None
        cells = block[offset]
        return cells[column] if column < len(cells) else None

    def _block(self, number: int) -> Sequence[Sequence[Any]]:
        cached = self._blocks.get(number)
        if cached is not None:
            self._blocks.move_to_end(number)
            return cached
        rows = self._source.fetch(number * self._block_size, self._block_size)
        self.blocks_fetched += 1
        self._blocks[number] = rows
        while len(self._blocks) > self._max_blocks:
            self._blocks.popitem(last=False)
        return rows

    def clear_cache(self) -> None:
        self._blocks.clear()


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class DuckDBRowSource:
    """Rows of a DuckDB table or view, by position.

    Takes its own cursor (``con.cursor()``, a second handle on the same in-memory database) so the
    GUI thread's small block reads never share a handle with a query running in a worker. Row order
    is the load order: DuckDB keeps insertion order for plain scans (``preserve_insertion_order``).
    """

    def __init__(self, con: Any, relation: str) -> None:
        self._cursor = con.cursor()
        self._closed = False
        self._relation = _quote(relation)
        described = self._cursor.execute(f"SELECT * FROM {self._relation} LIMIT 0").description or []
        self._columns = [str(d[0]) for d in described]
        self._count = int(self._cursor.execute(f"SELECT count(*) FROM {self._relation}").fetchone()[0])

    @property
    def columns(self) -> Sequence[str]:
        return self._columns

    @property
    def row_count(self) -> int:
        return self._count

    def fetch(self, start: int, count: int) -> Sequence[Sequence[Any]]:
        if self._closed:
            return []  # the workbook was closed while a view still showed it
        rows: Sequence[Sequence[Any]] = self._cursor.execute(
            f"SELECT * FROM {self._relation} LIMIT {int(count)} OFFSET {int(start)}").fetchall()
        return rows

    def close(self) -> None:
        import contextlib

        self._closed = True
        with contextlib.suppress(Exception):
            self._cursor.close()


def fit_columns(view: Any, model: LazyTableModel, *, sample: int = 60, minimum: int = 48, maximum: int = 320) -> None:
    """Size each column of ``view`` to its header and the first ``sample`` rows' text — never the
    whole sheet, so a 1,000,000-row table costs as much as a 60-row one."""
    metrics = view.fontMetrics()
    header = view.horizontalHeader()
    header_metrics = header.fontMetrics()
    rows = min(sample, model.rowCount())
    pad = 2 * view.style().pixelMetric(view.style().PixelMetric.PM_FocusFrameHMargin) + 14
    for column in range(model.columnCount()):
        title = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
        width = header_metrics.horizontalAdvance(title) + pad + 8
        for row in range(rows):
            width = max(width, metrics.horizontalAdvance(model.display_text(row, column)) + pad)
        header.resizeSection(column, max(minimum, min(maximum, width)))
