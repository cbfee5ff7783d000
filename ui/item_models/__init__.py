"""Qt item models for the workspaces: a lazy table over sheet rows and the deck outline tree."""

from ui.item_models.outline_tree import Bullet, OutlineModel, Slide
from ui.item_models.sheet_table import LazyTableModel, RowSource, SequenceRowSource

__all__ = ["Bullet", "LazyTableModel", "OutlineModel", "RowSource", "SequenceRowSource", "Slide"]
