"""The PowerPoint workspace's knowledge-base parts: the "From knowledge base" choice for outlines,
"Ask about this deck", and showing a cited slide."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, SignalInstance
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QTreeView

from ui.item_models.outline_tree import OutlineModel

__all__ = ["DeckKnowledge", "KnowledgeBaseCombo"]


class KnowledgeBaseCombo(QComboBox):
    """"None" or a knowledge base, listed afresh whenever it opens (bases come and go)."""

    def __init__(self) -> None:
        super().__init__()
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)  # never elided in the form

    def refill(self) -> None:
        from copilot.kb.names import kb_names

        current = self.currentData()
        self.clear()
        self.addItem(QCoreApplication.translate("PowerPointWorkspace", "None"), None)
        for name in kb_names():
            self.addItem(name, name)
        self.setCurrentIndex(max(0, self.findData(current)))

    def showPopup(self) -> None:
        self.refill()
        super().showPopup()


class DeckKnowledge:
    """Mixed into PowerPointWorkspace, which provides these attributes."""

    model: OutlineModel
    tree: QTreeView
    current_path: Path | None
    sig_ask_document: SignalInstance
    _deck_slides: int

    def _ask_about_deck(self) -> None:
        if self.current_path is not None and self.current_path.suffix.lower() == ".pptx":
            self.sig_ask_document.emit(str(self.current_path))

    def show_location(self, locator: dict[str, Any]) -> bool:
        """Deck slide N's outline row, by the slide's title if the citation has it (the outline folds
        the title slide and "(cont.)" slides), else counted back from the end of the deck."""
        number, rows = locator.get("slide"), self.model.rowCount()
        if not self._deck_slides or not rows or not isinstance(number, int):
            return bool(self._deck_slides)
        titles = [slide.title for slide in self.model.slides]
        title = locator.get("title")
        row = titles.index(title) if title in titles else min(rows - 1, max(0, number - 1 - (self._deck_slides - rows)))
        self.tree.setCurrentIndex(self.model.slide_index(row))
        self.tree.scrollTo(self.model.slide_index(row), QAbstractItemView.ScrollHint.PositionAtCenter)
        return True
