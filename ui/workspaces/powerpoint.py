"""PowerPoint workspace: source → outline (generated through the Runner) → edit → build in a template.

Left: the source (a topic form, pasted text, or a .docx) and Generate. Middle: the outline as a
tree (drag to reorder slides and bullets, edit titles, bullets, levels, layouts and notes).
Right: the template picker, Build → Save .pptx, and slide previews (drawn from the outline; real
LibreOffice renders after a build when ``soffice`` and Ghostscript are installed).

Every file job and model call runs through ``self.runner`` under this workspace's key, so a new
request cancels the previous one; previews render under ``<key>.preview``.
"""

from __future__ import annotations

import logging
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from copilot.cancel import CancelToken
from copilot.documents.decks.render import can_render, render_deck
from copilot.events import Done, Event, Notice, Progress, Started
from ui.item_models.outline_tree import NOTES_ROLE, OutlineModel
from ui.runner import Runner
from ui.theme import icon
from ui.widgets.slide_preview import SlidePreview
from ui.workspaces.base import Workspace
from ui.workspaces.deck_knowledge import DeckKnowledge, KnowledgeBaseCombo
from ui.workspaces.outline_view import ColumnDelegate, OutlineView

__all__ = ["OutlineView", "PowerPointWorkspace"]

log = logging.getLogger(__name__)

_Index = QModelIndex | QPersistentModelIndex
_TONES = ("formal", "neutral", "friendly", "persuasive")


def _generate_job(source: dict[str, Any], profile: str | None, cancel: CancelToken) -> Iterator[Event]:
    """Job: an outline from a topic, pasted text or a .docx, by the deck core's outline task."""
    from copilot.models import get_provider
    from copilot.tasks.outline_deck import outline_deck

    provider = get_provider(profile)
    kb = source.pop("kb", None)
    if kb:  # "From knowledge base": its chunks are the source, cited in the notes
        from copilot.kb.outline import outline_from_kb_named

        yield from outline_from_kb_named(kb, provider, source.pop("topic"), cancel=cancel, **source)
        return
    yield from outline_deck(provider, cancel=cancel, **source)


def _read_job(path: Path, cancel: CancelToken) -> Iterator[Event]:
    """Job: a .pptx read back to an outline (the core's read-deck task), or an outline .md parsed."""
    if path.suffix.lower() in (".md", ".markdown", ".txt"):
        from copilot.documents.decks.outline import read_outline_file

        yield Started("read-outline")
        yield Done(read_outline_file(path))
        return
    from copilot.tasks.read_deck import read_deck_task

    yield from read_deck_task(path, cancel=cancel)


def _review_job(path: Path, profile: str | None, cancel: CancelToken) -> Iterator[Event]:
    """Job: read a deck back with the critique (deterministic checks + the model's review)."""
    from copilot.models import get_provider
    from copilot.tasks.read_deck import read_deck_task

    yield from read_deck_task(path, critique=True, provider=get_provider(profile), cancel=cancel)


def _save_outline_job(outline: Any, path: Path, force: bool) -> Iterator[Event]:
    from copilot.atomic import write_text
    from copilot.documents.decks.outline import write_outline

    yield Started("save-outline")
    yield Done(write_text(path, write_outline(outline), force=force))


def _build_job(outline: Any, template: Path | None, target: Path, force: bool,
               cancel: CancelToken) -> Iterator[Event]:
    """Job: the core's build task (OutputExists before any work; atomic save at the end)."""
    from copilot.tasks.build_deck import build_deck

    yield from build_deck(outline, target, template=template, force=force, cancel=cancel)


class PowerPointWorkspace(DeckKnowledge, Workspace):
    key = "powerpoint"
    file_suffixes = (".pptx", ".pptm", ".ppsx")

    def __init__(self, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(runner, parent)
        self.model = OutlineModel(self)
        self.source_docx: Path | None = None
        self.last_saved: Path | None = None
        self.last_report: Any = None
        self._preview_tmp: tempfile.TemporaryDirectory[str] | None = None  # removed with the workspace
        self._dirty = False
        self._deck_slides = 0  # slides in the deck read last (for citations)
        self._loading_notes = False
        self._templates: list[Path] = []
        self._build_ui()
        self.retranslate()
        self.model.sig_changed.connect(self._on_model_changed)

    # ------------------------------------------------------------------------------- layout
    def _build_ui(self) -> None:
        # Source
        self.source_tabs = QTabWidget()
        # Whole tab titles ("Word document", 「Word 文档」), never "Word d…" behind scroll arrows: the
        # pane is at least as wide as its tabs.
        self.source_tabs.tabBar().setElideMode(Qt.TextElideMode.ElideNone)
        self.source_tabs.setUsesScrollButtons(False)
        topic_page = QWidget()
        form = QFormLayout(topic_page)
        # Labels above their fields: the pane is narrow at 1024 px and no combo may be squeezed.
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        self.topic_edit = QPlainTextEdit()
        self.topic_edit.setMaximumHeight(90)
        self.slides_spin = QSpinBox()
        self.slides_spin.setRange(2, 80)  # the title slide included, as the outline task counts
        self.slides_spin.setValue(8)
        self.audience_edit = QLineEdit()
        self.tone_combo = QComboBox()
        self.tone_combo.setEditable(True)
        self.lang_combo = QComboBox()
        for combo in (self.tone_combo, self.lang_combo):
            # Sized to the longest choice ("Same as the source"), not squeezed by the form.
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.kb_combo = KnowledgeBaseCombo()  # "Outline from knowledge base": none, or the base to draw on
        self.lbl_topic, self.lbl_slides, self.lbl_audience, self.lbl_tone, self.lbl_lang, self.lbl_kb = (
            QLabel(), QLabel(), QLabel(), QLabel(), QLabel(), QLabel())
        form.addRow(self.lbl_topic, self.topic_edit)
        form.addRow(self.lbl_kb, self.kb_combo)
        form.addRow(self.lbl_slides, self.slides_spin)
        form.addRow(self.lbl_audience, self.audience_edit)
        form.addRow(self.lbl_tone, self.tone_combo)
        form.addRow(self.lbl_lang, self.lang_combo)
        self.source_tabs.addTab(topic_page, "")
        self.text_edit = QPlainTextEdit()
        self.source_tabs.addTab(self.text_edit, "")
        doc_page = QWidget()
        doc_layout = QVBoxLayout(doc_page)
        self.docx_label = QLabel()
        self.docx_label.setWordWrap(True)
        self.docx_button = QPushButton()
        self.docx_button.clicked.connect(self._on_docx_browse)
        doc_layout.addWidget(self.docx_label)
        doc_layout.addWidget(self.docx_button)
        doc_layout.addStretch(1)
        self.source_tabs.addTab(doc_page, "")
        self.generate_button = QPushButton()
        self.generate_button.clicked.connect(self.run)
        self.open_outline_button = QPushButton()
        self.open_outline_button.clicked.connect(self._on_open_outline)
        self.source_box = QGroupBox()
        source_layout = QVBoxLayout(self.source_box)
        source_layout.addWidget(self.source_tabs)
        source_layout.addWidget(self.generate_button)
        source_layout.addWidget(self.open_outline_button)
        source_layout.addStretch(1)

        # Outline editor
        self.title_edit = QLineEdit()
        self.title_edit.textEdited.connect(self._on_title_edited)
        self.subtitle_edit = QLineEdit()
        self.subtitle_edit.textEdited.connect(self._on_subtitle_edited)
        self.lbl_deck_title, self.lbl_subtitle = QLabel(), QLabel()
        head = QFormLayout()
        head.addRow(self.lbl_deck_title, self.title_edit)
        head.addRow(self.lbl_subtitle, self.subtitle_edit)
        self.tree = OutlineView()
        self.tree.setModel(self.model)
        self.tree.setItemDelegate(ColumnDelegate(self.tree))
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.header().setStretchLastSection(False)
        self.tree.selectionModel().currentChanged.connect(self._on_tree_current)
        tools = QGridLayout()  # two short rows, so the outline pane fits beside the others at 1024 px
        self.add_slide_button, self.add_bullet_button, self.delete_button = QToolButton(), QToolButton(), QToolButton()
        self.indent_button, self.outdent_button = QToolButton(), QToolButton()
        self.up_button, self.down_button = QToolButton(), QToolButton()
        for button, slot in ((self.add_slide_button, self._on_add_slide), (self.add_bullet_button, self._on_add_bullet),
                             (self.delete_button, self._on_delete), (self.indent_button, lambda: self._on_shift(1)),
                             (self.outdent_button, lambda: self._on_shift(-1)),
                             (self.up_button, lambda: self._on_move(-1)), (self.down_button, lambda: self._on_move(1))):
            button.clicked.connect(slot)
        for i, button in enumerate((self.add_slide_button, self.add_bullet_button, self.delete_button)):
            tools.addWidget(button, 0, i)
        for i, button in enumerate((self.indent_button, self.outdent_button, self.up_button, self.down_button)):
            tools.addWidget(button, 1, i)
        tools.setColumnStretch(4, 1)
        self.notes_label = QLabel()
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setMaximumHeight(110)
        self.notes_edit.textChanged.connect(self._on_notes_changed)
        self.notes_edit.setEnabled(False)
        self.outline_box = QGroupBox()
        outline_layout = QVBoxLayout(self.outline_box)
        outline_layout.addLayout(head)
        outline_layout.addLayout(tools)
        outline_layout.addWidget(self.tree, 1)
        outline_layout.addWidget(self.notes_label)
        outline_layout.addWidget(self.notes_edit)

        # Template, build, previews
        self.template_combo = QComboBox()
        self.template_button = QPushButton()
        self.template_button.clicked.connect(self._on_template_browse)
        self.build_button = QPushButton()
        self.build_button.clicked.connect(self.save)
        self.save_outline_button = QPushButton()
        self.save_outline_button.clicked.connect(self._on_save_outline)
        self.cancel_button = QPushButton()
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.setEnabled(False)
        self.progress = QProgressBar()
        self.progress_bar = self.progress
        self.progress.setVisible(False)
        self.preview = SlidePreview()
        self.preview_label = QLabel()
        self.review_button = QPushButton()
        self.review_button.clicked.connect(self.review)
        self.review_view = QTextBrowser()
        self.review_view.setOpenLinks(False)
        preview_page = QWidget()
        preview_layout = QVBoxLayout(preview_page)
        preview_layout.setContentsMargins(0, 0, 0, 0)
        preview_layout.addWidget(self.preview_label)
        preview_layout.addWidget(self.preview, 1)
        review_page = QWidget()
        review_layout = QVBoxLayout(review_page)
        review_layout.setContentsMargins(0, 0, 0, 0)
        self.ask_doc_button = QPushButton(icon("knowledge"), "")
        self.ask_doc_button.clicked.connect(self._ask_about_deck)
        # One above the other: side by side they made the deck pane too wide for 1024 px.
        review_layout.addWidget(self.review_button)
        review_layout.addWidget(self.ask_doc_button)
        review_layout.addWidget(self.review_view, 1)
        self.right_tabs = QTabWidget()
        self.right_tabs.addTab(preview_page, "")
        self.right_tabs.addTab(review_page, "")
        self.build_box = QGroupBox()
        build_layout = QVBoxLayout(self.build_box)
        template_row = QHBoxLayout()
        template_row.addWidget(self.template_combo, 1)
        template_row.addWidget(self.template_button)
        build_layout.addLayout(template_row)
        build_layout.addWidget(self.build_button)
        build_layout.addWidget(self.save_outline_button)
        build_layout.addWidget(self.cancel_button)
        build_layout.addWidget(self.progress)
        build_layout.addWidget(self.right_tabs, 1)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.source_box)
        splitter.addWidget(self.outline_box)
        splitter.addWidget(self.build_box)
        splitter.setStretchFactor(1, 2)
        splitter.setStretchFactor(2, 1)
        splitter.setSizes([250, 450, 300])  # the outline (the work) gets the widest pane from the start
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(splitter)

        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(250)
        self._preview_timer.timeout.connect(self._draw_previews)
        QShortcut(QKeySequence(Qt.Key.Key_Delete), self.tree, self._on_delete,
                  context=Qt.ShortcutContext.WidgetShortcut)

    def retranslate(self) -> None:
        self.source_box.setTitle(self.tr("Source"))
        self.source_tabs.setTabText(0, self.tr("Topic"))
        self.source_tabs.setTabText(1, self.tr("Pasted text"))
        self.source_tabs.setTabText(2, self.tr("Word document"))
        self.lbl_topic.setText(self.tr("Topic:"))
        self.topic_edit.setPlaceholderText(self.tr("e.g. Q3 customer-service review for management"))
        self.lbl_slides.setText(self.tr("Slides:"))
        self.lbl_audience.setText(self.tr("Audience:"))
        self.audience_edit.setPlaceholderText(self.tr("e.g. management"))
        self.lbl_tone.setText(self.tr("Tone:"))
        tone = self._tone() if self.tone_combo.count() else _TONES[0]
        self.tone_combo.clear()
        names = {"formal": self.tr("formal"), "neutral": self.tr("neutral"),
                 "friendly": self.tr("friendly"), "persuasive": self.tr("persuasive")}
        for key in _TONES:
            self.tone_combo.addItem(names[key], key)
        at = self.tone_combo.findData(tone)
        if at >= 0:
            self.tone_combo.setCurrentIndex(at)
        else:  # the user's own words stay as typed
            self.tone_combo.setEditText(tone)
        self.lbl_lang.setText(self.tr("Language:"))
        lang = self.lang_combo.currentData()
        self.lang_combo.clear()
        self.lang_combo.addItem(self.tr("Same as the source"), None)
        self.lang_combo.addItem(self.tr("zh — Chinese"), "zh")
        self.lang_combo.addItem(self.tr("en — English"), "en")
        self.lang_combo.setCurrentIndex(max(0, self.lang_combo.findData(lang)))
        self.text_edit.setPlaceholderText(self.tr("Paste notes or a draft here; the outline is made from it."))
        self.docx_button.setText(self.tr("Choose a .docx…"))
        self._show_docx()
        self.generate_button.setText(self.tr("Generate outline"))
        self.generate_button.setToolTip(self.tr("Ctrl+Enter"))
        self.open_outline_button.setText(self.tr("Open outline (.md)…"))
        self.outline_box.setTitle(self.tr("Outline"))
        self.lbl_deck_title.setText(self.tr("Deck title:"))
        self.lbl_subtitle.setText(self.tr("Subtitle:"))
        for button, text, tip in (
                (self.add_slide_button, self.tr("+ Slide"), self.tr("Add a slide after the current one")),
                (self.add_bullet_button, self.tr("+ Bullet"), self.tr("Add a bullet to the current slide")),
                (self.delete_button, self.tr("Delete"), self.tr("Delete the selected slide or bullet")),
                (self.indent_button, self.tr("Indent"), self.tr("One level deeper")),
                (self.outdent_button, self.tr("Outdent"), self.tr("One level up")),
                (self.up_button, self.tr("Up"), self.tr("Move up")),
                (self.down_button, self.tr("Down"), self.tr("Move down"))):
            button.setText(text)
            button.setToolTip(tip)
        self.notes_label.setText(self.tr("Speaker notes of the current slide:"))
        self.build_box.setTitle(self.tr("Template and deck"))
        self.template_button.setText(self.tr("Browse…"))
        self._fill_templates()
        self.build_button.setText(self.tr("Build → Save .pptx…"))
        self.build_button.setToolTip(self.tr("Ctrl+S"))
        self.save_outline_button.setText(self.tr("Save outline (.md)…"))
        self.cancel_button.setText(self.tr("Cancel"))
        self.preview_label.setText(self.tr("Slide previews (rendered by LibreOffice)") if self.preview.rendered
                                   else self.tr("Slide previews"))
        self.right_tabs.setTabText(0, self.tr("Previews"))
        self.right_tabs.setTabText(1, self.tr("Review"))
        self.lbl_kb.setText(self.tr("Sources:"))
        self.kb_combo.setToolTip(self.tr("Outline from a knowledge base: its passages are the source, cited in "
                                         "the speaker notes"))
        self.kb_combo.refill()
        self.ask_doc_button.setText(self.tr("Ask about this deck"))
        self.ask_doc_button.setToolTip(self.tr("Questions answered from this deck, with citations (Knowledge)"))
        self.review_button.setText(self.tr("Review the deck"))
        self.review_button.setToolTip(self.tr("Checks (words, titles, font sizes, bullets) and the model's "
                                              "comments on structure — for an opened or built deck"))
        self._update_review_button()
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, 1)

    def title(self) -> str:
        return self.tr("PowerPoint")

    # ------------------------------------------------------------------------------ state
    def busy_changed(self, busy: bool) -> None:
        self.generate_button.setEnabled(not busy)
        self.build_button.setEnabled(not busy)
        self.cancel_button.setEnabled(busy)
        self._update_review_button()
        self.progress.setVisible(busy)
        if not busy:
            self.progress.setRange(0, 1)

    def can_save(self) -> bool:
        return self.model.rowCount() > 0 or bool(self.model.deck_title)

    def has_unsaved_work(self) -> bool:
        return self._dirty

    def _on_model_changed(self) -> None:
        self._dirty = True
        self._preview_timer.start()

    def _set_outline(self, outline: Any) -> None:
        self.model.set_outline(outline)
        self.title_edit.setText(self.model.deck_title)
        self.subtitle_edit.setText(" / ".join(self.model.subtitle))
        for edit in (self.title_edit, self.subtitle_edit):
            edit.setCursorPosition(0)  # a long title reads from its start, not "ustomer-Service Review"
        self.tree.expandAll()
        self._on_tree_current(self.tree.currentIndex(), QModelIndex())
        self._draw_previews()

    def _draw_previews(self) -> None:
        self._preview_timer.stop()
        self.preview.show_outline(self.model.deck_title, self.model.slides, self.model.subtitle)

    def _on_event(self, event: Event) -> None:
        if isinstance(event, Progress) and event.total:
            self.progress.setRange(0, event.total)
            self.progress.setValue(event.done)
            if event.message:
                self.sig_status.emit(event.message)
        elif isinstance(event, Notice):
            self.sig_status.emit(event.message)

    # ------------------------------------------------------------------------------ source
    def _show_docx(self) -> None:
        self.docx_label.setText(str(self.source_docx) if self.source_docx else self.tr("No document chosen."))

    def _on_docx_browse(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, self.tr("Choose a Word document"), "",
                                              self.tr("Word documents (*.docx *.doc)"))
        if name:
            self.set_source_docx(Path(name))

    def set_source_docx(self, path: Path) -> None:
        from ui.legacy_open import is_legacy_document, offer_conversion

        if is_legacy_document(path):
            # A .doc source: convert a copy (after asking) and take the copy as the source.
            offer_conversion(self.window(), path, then=self.set_source_docx)
            return
        self.source_docx = path
        self._show_docx()
        self.source_tabs.setCurrentIndex(2)

    def source_request(self) -> dict[str, Any] | None:
        """The generate request of the current source tab, or None when it is empty."""
        common: dict[str, Any] = {"slides": self.slides_spin.value(),
                                  "audience": self.audience_edit.text().strip(),
                                  "tone": self._tone(),
                                  "lang": self.lang_combo.currentData()}
        tab = self.source_tabs.currentIndex()
        if tab == 0:
            topic = self.topic_edit.toPlainText().strip()
            return {**common, "topic": topic, "kb": self.kb_combo.currentData()} if topic else None
        if tab == 1:
            text = self.text_edit.toPlainText().strip()
            return {**common, "text": text} if text else None
        return {**common, "source": self.source_docx} if self.source_docx else None

    def _tone(self) -> str:
        text = self.tone_combo.currentText().strip()
        at = self.tone_combo.findText(text)
        return str((self.tone_combo.itemData(at) if at >= 0 else text) or "")

    def run(self) -> None:
        request = self.source_request()
        if request is None:
            self.sig_status.emit(self.tr("Write a topic, paste text or choose a document first."))
            return
        profile = self.profile_name()
        self.start_job(lambda cancel: _generate_job(request, profile, cancel), on_done=self._on_generated,
                       on_event=self._on_event, model=True, what=self.tr("Generating the outline"),
                       status=self.tr("Generating the outline…"), record="outline")

    def _on_generated(self, result: object) -> None:
        from copilot.tasks.outline_deck import OutlineResult  # loaded by the job

        if not isinstance(result, OutlineResult):
            return
        self._set_outline(result.outline)
        self._dirty = True
        self.sig_status.emit(self.tr("Outline ready: %n slide(s)", "", self.model.rowCount()))

    # ------------------------------------------------------------------------------ files
    def open_file(self, path: Path) -> None:
        path = Path(path)
        if path.suffix.lower() == ".docx":
            self.set_source_docx(path)
            return
        self.current_path = path
        self.start_job(lambda cancel: _read_job(path, cancel), on_done=self._on_read, on_event=self._on_event,
                       what=self.tr("Reading %1").replace("%1", path.name),
                       status=self.tr("Reading %1…").replace("%1", path.name))

    def _on_read(self, result: object) -> None:
        from copilot.documents.decks.outline import Outline
        from copilot.tasks.read_deck import ReadDeckResult

        if isinstance(result, ReadDeckResult):  # a deck read back
            self._deck_slides, outline = result.slides, result.outline
        elif isinstance(result, Outline):  # an outline file
            self._deck_slides, outline = len(result.slides), result
        else:
            return
        self._set_outline(outline)
        self.last_saved = None
        self.review_view.clear()
        self._update_review_button()
        self._dirty = False
        self.sig_status.emit(self.tr("Outline read: %n slide(s)", "", self.model.rowCount()))
        self.apply_reveal()


    def _on_open_outline(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, self.tr("Open an outline"), "",
                                              self.tr("Outline Markdown (*.md *.markdown *.txt)"))
        if name:
            self.open_file(Path(name))

    def _on_save_outline(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, self.tr("Save the outline"), self._suggest(".md"),
                                              self.tr("Outline Markdown (*.md)"))
        if name:
            self.save_outline_to(Path(name), force=Path(name).exists())  # the dialog asked to overwrite

    def save_outline_to(self, path: Path, *, force: bool = False) -> None:
        """Write the outline Markdown to ``path`` (a small file job, still through the Runner)."""
        outline = self.model.to_outline()
        self.start_job(lambda cancel: _save_outline_job(outline, Path(path), force), key=f"{self.key}.outline",
                       on_done=lambda saved: self.sig_status.emit(self.tr("Saved %1").replace("%1", str(saved))),
                       on_event=self._on_event, what=self.tr("Saving the outline"),
                       status=self.tr("Saving the outline…"))

    # ------------------------------------------------------------------------------ template
    def _fill_templates(self) -> None:
        current = self.template_combo.currentData()
        self.template_combo.blockSignals(True)
        self.template_combo.clear()
        self.template_combo.addItem(self.tr("Default template"), None)
        for path in self._templates:
            self.template_combo.addItem(path.name, str(path))
            self.template_combo.setItemData(self.template_combo.count() - 1, str(path), Qt.ItemDataRole.ToolTipRole)
        self.template_combo.setCurrentIndex(max(0, self.template_combo.findData(current)))
        self.template_combo.blockSignals(False)

    def _on_template_browse(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, self.tr("Choose a template"), "",
                                              self.tr("PowerPoint templates (*.pptx *.potx)"))
        if name:
            self.set_template(Path(name))

    def set_template(self, path: Path | None) -> None:
        if path is not None and path not in self._templates:
            self._templates.append(path)
            self._fill_templates()
        self.template_combo.setCurrentIndex(max(0, self.template_combo.findData(str(path) if path else None)))

    def template(self) -> Path | None:
        data = self.template_combo.currentData()
        return Path(data) if data else None

    # ------------------------------------------------------------------------------ build
    def _suggest(self, suffix: str) -> str:
        """A file name to offer: beside the opened deck/document, never the opened file itself."""
        base = self.current_path or self.source_docx
        if base is not None:
            stem = f"{base.stem}-new" if base.suffix.lower() == suffix else base.stem
            return str(base.parent / f"{stem}{suffix}")
        title = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', " ", self.model.deck_title).strip()[:80] or "deck"
        return str(Path.home() / f"{title}{suffix}")

    def save(self) -> None:
        if not self.can_save():
            self.sig_status.emit(self.tr("Nothing to build: generate or open an outline first."))
            return
        name, _ = QFileDialog.getSaveFileName(self, self.tr("Save the deck"), self._suggest(".pptx"),
                                              self.tr("PowerPoint (*.pptx)"))
        if name:
            # The file dialog has already asked before replacing an existing file.
            self.build_to(Path(name), force=Path(name).exists())

    def build_to(self, path: Path, *, force: bool = False) -> None:
        """Build the current outline in the chosen template and save to ``path`` (through the Runner)."""
        path = Path(path)
        protected = [p for p in (self.current_path, self.template()) if p is not None]
        if any(p.resolve() == path.resolve() for p in protected if p.exists()) and path.exists():
            from copilot.errors import OutputExists

            self.report_error(OutputExists(path))  # never write over the input deck or the template
            return
        outline = self.model.to_outline()
        template = self.template()
        self.start_job(lambda cancel: _build_job(outline, template, path, force, cancel), on_done=self._on_built,
                       on_event=self._on_event, what=self.tr("Building the deck"),
                       status=self.tr("Building the deck…"))

    def _on_built(self, result: object) -> None:
        from copilot.tasks.build_deck import BuildResult  # loaded by the job

        if not isinstance(result, BuildResult):
            return
        saved = result.path
        self.last_saved = saved
        self.last_report = result
        self._dirty = False
        message = self.tr("Saved %1 (%2 slides)").replace("%1", str(saved)).replace("%2", str(result.slides))
        added = result.added_for_overflow
        if added:
            message += " " + self.tr("— %n slide(s) added for overflowing text", "", added)
        self.sig_status.emit(message)
        self._update_review_button()
        if can_render():
            if self._preview_tmp is None:
                self._preview_tmp = tempfile.TemporaryDirectory(prefix="desk-copilot-previews-")
            out = Path(self._preview_tmp.name)
            self.runner.start(f"{self.key}.preview", lambda cancel: render_deck(Path(saved), out, cancel),
                              on_done=self._on_rendered, on_error=lambda exc: log.info("preview: %s", exc))

    def _on_rendered(self, result: object) -> None:
        paths = list(result) if isinstance(result, list) else []
        if paths:
            self.preview.show_images(paths)
            self.preview_label.setText(self.tr("Slide previews (rendered by LibreOffice)"))

    # ------------------------------------------------------------------------------ review
    def review_target(self) -> Path | None:
        """The deck a review reads: the last one built, else the opened .pptx."""
        if self.last_saved is not None:
            return self.last_saved
        if self.current_path is not None and self.current_path.suffix.lower() in self.file_suffixes:
            return self.current_path
        return None

    def _update_review_button(self) -> None:
        self.review_button.setEnabled(self.review_target() is not None and not self._busy)

    def review(self) -> None:
        path = self.review_target()
        if path is None:
            self.sig_status.emit(self.tr("Open or build a deck first."))
            return
        profile = self.profile_name()
        self.right_tabs.setCurrentIndex(1)
        self.review_view.clear()
        self.start_job(lambda cancel: _review_job(path, profile, cancel), on_done=self._on_reviewed,
                       on_event=self._on_event, model=True, what=self.tr("Reviewing %1").replace("%1", path.name),
                       status=self.tr("Reviewing %1…").replace("%1", path.name), record="read_deck",
                       input_path=path)

    def _on_reviewed(self, result: object) -> None:
        from copilot.tasks.read_deck import ReadDeckResult

        self.review_view.setMarkdown(result.critique_markdown if isinstance(result, ReadDeckResult) else "")
        self.sig_status.emit(self.tr("Review ready"))

    def cancel(self) -> None:
        super().cancel()
        self.runner.cancel(f"{self.key}.preview")
        self.sig_status.emit(self.tr("Cancelled"))

    # ------------------------------------------------------------------------------ editing
    def _on_title_edited(self, text: str) -> None:
        self.model.deck_title = text
        self._on_model_changed()

    def _on_subtitle_edited(self, text: str) -> None:
        self.model.subtitle = [part.strip() for part in text.split(" / ") if part.strip()]
        self._on_model_changed()

    def _current_slide_index(self) -> QModelIndex:
        index = self.tree.currentIndex()
        if not index.isValid():
            return QModelIndex()
        index = index.siblingAtColumn(0)
        return index if self.model.is_slide(index) else index.parent()

    def _on_tree_current(self, current: _Index, _previous: _Index) -> None:
        slide = self._current_slide_index()
        self._loading_notes = True
        try:
            self.notes_edit.setEnabled(slide.isValid())
            self.notes_edit.setPlainText(str(self.model.data(slide, NOTES_ROLE) or "") if slide.isValid() else "")
        finally:
            self._loading_notes = False

    def _on_notes_changed(self) -> None:
        if self._loading_notes:
            return
        slide = self._current_slide_index()
        if slide.isValid():
            self.model.setData(slide, self.notes_edit.toPlainText(), NOTES_ROLE)

    def _on_add_slide(self) -> None:
        slide = self._current_slide_index()
        index = self.model.insert_slide(slide.row() + 1 if slide.isValid() else self.model.rowCount())
        self.tree.setCurrentIndex(index)
        self.tree.edit(index)

    def _on_add_bullet(self) -> None:
        slide = self._current_slide_index()
        if not slide.isValid():
            return
        current = self.tree.currentIndex().siblingAtColumn(0)
        row = current.row() + 1 if current.isValid() and not self.model.is_slide(current) else \
            self.model.rowCount(slide)
        index = self.model.insert_bullet(slide.row(), row)
        bullet_above = self.model.bullet_at(current) if current.isValid() else None
        if bullet_above is not None:
            self.model.setData(index.siblingAtColumn(1), bullet_above.level)
        self.tree.expand(slide)
        self.tree.setCurrentIndex(index)
        self.tree.edit(index)

    def _on_delete(self) -> None:
        rows = self.tree.selectionModel().selectedRows(0) or [self.tree.currentIndex().siblingAtColumn(0)]
        # Delete bottom-up so earlier rows keep their numbers; bullets of a deleted slide go with it.
        persistent = [QPersistentModelIndex(i) for i in rows if i.isValid()]
        for index in sorted(persistent, key=lambda i: (i.parent().row(), i.row()), reverse=True):
            if index.isValid():
                self.model.remove_index(index)

    def _on_shift(self, delta: int) -> None:
        for index in self.tree.selectionModel().selectedRows(0) or [self.tree.currentIndex()]:
            self.model.shift_level(index.siblingAtColumn(0), delta)

    def _on_move(self, delta: int) -> None:
        index = self.tree.currentIndex().siblingAtColumn(0)
        if not index.isValid():
            return
        parent = index.parent()
        target = index.row() + (2 if delta > 0 else -1)
        if 0 <= target <= self.model.rowCount(parent) and \
                self.model.moveRows(parent, index.row(), 1, parent, target):
            self.tree.setCurrentIndex(self.model.index(index.row() + delta, 0, parent))

