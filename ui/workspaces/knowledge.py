"""Knowledge workspace: knowledge bases over the user's folders, per-file status, indexing with
progress and cancel, search results, and answers streamed with clickable citations.

Indexed folders are watched (``QFileSystemWatcher``, debounced): a change syncs in the background,
and a file still being written is retried a little later. Clicking a citation asks the main
window to open the file at the paragraph or slide (``sig_open_location``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from PySide6.QtCore import QFileSystemWatcher, QTimer, QUrl, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from copilot.cancel import CancelToken
from copilot.events import Delta, Done, Event, Notice
from ui.runner import Runner
from ui.theme import icon, set_role
from ui.workspaces.base import Workspace
from ui.workspaces.knowledge_view import SourcesTable, answer_html, hits_html, streaming_html

__all__ = ["KnowledgeWorkspace"]

DOCUMENTS_KB = "documents"
"""The knowledge base "Ask about this document" indexes open documents into."""
_DEBOUNCE_MS = 2000
_RETRY_MS = 5000
_MAX_WATCHED = 4000


def _sync_job(name: str, paths: list[Path], cancel: CancelToken) -> Iterator[Event]:
    from copilot.kb.manage import kb_embedder, set_embeddings
    from copilot.kb.store import open_kb
    from copilot.kb.sync import add_paths, sync

    with open_kb(name, create=True) as kb:
        if paths:
            set_embeddings(kb, None, None)
            add_paths(kb, paths)
        yield from sync(kb, kb_embedder(kb), cancel)


def _list_job(name: str) -> Iterator[Event]:
    from copilot.kb.manage import source_list
    from copilot.kb.store import kb_names, open_kb

    names = kb_names()
    if name not in names:
        yield Done({"names": names, "roots": [], "sources": []})
        return
    with open_kb(name) as kb:
        yield Done({"names": names, "roots": kb.roots(), "sources": source_list(kb)})


def _search_job(name: str, query: str, files: list[str] | None) -> Iterator[Event]:
    from copilot.kb.manage import kb_embedder
    from copilot.kb.search import search
    from copilot.kb.store import open_kb

    with open_kb(name) as kb:
        yield Done(search(kb, query, k=8, embedder=kb_embedder(kb), files=files))


def _ask_job(name: str, question: str, profile: str | None, files: list[str] | None, cancel: CancelToken
             ) -> Iterator[Event]:
    from copilot.kb.answer import answer
    from copilot.kb.manage import kb_embedder
    from copilot.kb.store import open_kb
    from copilot.models import get_provider

    with open_kb(name) as kb:
        yield from answer(kb, get_provider(profile), question, embedder=kb_embedder(kb), cancel=cancel,
                          files=files)


def _remove_job(name: str, paths: list[str]) -> Iterator[Event]:
    """Forget added files; a file found inside an added folder stays (the next sync would bring it
    back) and is returned so the user can be told to remove the folder instead."""
    from copilot.kb.manage import remove_path
    from copilot.kb.store import open_kb

    kept: list[str] = []
    with open_kb(name) as kb:
        roots = set(kb.roots())
        for path in paths:
            if path in roots:
                remove_path(kb, Path(path))
            else:
                kept.append(path)
    yield Done(kept)


class KnowledgeWorkspace(Workspace):
    key = "knowledge"
    file_suffixes = ()

    sig_open_location = Signal(str, object)
    """(file, locator): open the file at that place (the main window routes it)."""

    def __init__(self, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(runner, parent)
        self.hits: list[Any] = []
        self.answer: Any = None
        self.roots: list[str] = []
        self._streamed: list[str] = []
        self.scope: list[str] | None = None
        """Search and ask only these files ("Ask about this document")."""

        self.kb_label = QLabel()
        self.kb_combo = QComboBox()
        self.kb_combo.setMinimumContentsLength(12)
        self.kb_combo.currentIndexChanged.connect(self._on_kb_changed)
        self.new_button = QPushButton()
        self.new_button.clicked.connect(self._on_new)
        self.add_folder_button = QPushButton(icon("open"), "")
        self.add_folder_button.clicked.connect(self._on_add_folder)
        self.add_files_button = QPushButton()
        self.add_files_button.clicked.connect(self._on_add_files)
        self.sync_button = QPushButton()
        self.sync_button.clicked.connect(lambda: self.sync())
        self.remove_button = QPushButton(icon("reject"), "")
        self.remove_button.clicked.connect(self._on_remove)
        top = QHBoxLayout()
        for w in (self.kb_label, self.kb_combo, self.new_button, self.add_folder_button, self.add_files_button,
                  self.sync_button, self.remove_button):
            top.addWidget(w)
        top.addStretch(1)

        self.progress = QProgressBar()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress_bar = self.progress
        self.cancel_button = QPushButton(icon("cancel"), "")
        self.cancel_button.clicked.connect(self.cancel)
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.progress, 1)
        progress_row.addWidget(self.cancel_button)

        self.sources_label = QLabel()
        set_role(self.sources_label, "heading")
        self.sources = SourcesTable()
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.sources_label)
        left_layout.addWidget(self.sources, 1)

        self.query_edit = QLineEdit()
        self.query_edit.returnPressed.connect(self.run)
        self.search_button = QPushButton()
        self.search_button.clicked.connect(self.search)
        self.ask_button = QPushButton(icon("run"), "")
        self.ask_button.clicked.connect(self.run)
        self.scope_label = QLabel()
        self.scope_clear = QPushButton(icon("reject"), "")
        self.scope_clear.clicked.connect(lambda: self.set_scope(None))
        scope_row = QHBoxLayout()
        scope_row.addWidget(self.scope_label, 1)
        scope_row.addWidget(self.scope_clear)
        query_row = QHBoxLayout()
        query_row.addWidget(self.query_edit, 1)
        query_row.addWidget(self.search_button)
        query_row.addWidget(self.ask_button)
        self.view = QTextBrowser()
        self.view.setOpenLinks(False)
        self.view.anchorClicked.connect(self._on_anchor)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addLayout(scope_row)
        right_layout.addLayout(query_row)
        right_layout.addWidget(self.view, 1)

        split = QSplitter()
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(progress_row)
        layout.addWidget(split, 1)

        self.watcher = QFileSystemWatcher(self)
        self.watcher.directoryChanged.connect(self._on_fs_changed)
        self.watcher.fileChanged.connect(self._on_fs_changed)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(_DEBOUNCE_MS)
        self._debounce.timeout.connect(self._background_sync)

        self.retranslate()
        self.busy_changed(False)
        self.refresh()

    # -- texts ------------------------------------------------------------------------------
    def title(self) -> str:
        return self.tr("Knowledge")

    def retranslate(self) -> None:
        self.kb_label.setText(self.tr("Knowledge base:"))
        self.new_button.setText(self.tr("New…"))
        self.add_folder_button.setText(self.tr("Add folder…"))
        self.add_files_button.setText(self.tr("Add files…"))
        self.sync_button.setText(self.tr("Sync"))
        self.sync_button.setToolTip(self.tr("Read new and changed files again; unchanged files are skipped"))
        self.remove_button.setText(self.tr("Remove"))
        self.remove_button.setToolTip(self.tr("Forget the selected files or folders (your files are not touched)"))
        self.cancel_button.setText(self.tr("Cancel"))
        self.sources_label.setText(self.tr("Sources"))
        self.query_edit.setPlaceholderText(self.tr("Ask a question, or type words to search — e.g. 出差住宿标准是多少？"))
        self.search_button.setText(self.tr("Search"))
        self.ask_button.setText(self.tr("Ask"))
        self.ask_button.setToolTip(self.tr("Answer from the knowledge base with citations (Ctrl+Enter)"))
        self.view.setPlaceholderText(self.tr("Search results and answers appear here. Click a citation to open "
                                             "the file at that paragraph, slide or page."))
        self.scope_clear.setText(self.tr("Whole knowledge base"))
        self.set_scope(self.scope)
        self.sources.retranslate()

    def busy_changed(self, busy: bool) -> None:
        for button in (self.add_folder_button, self.add_files_button, self.sync_button, self.remove_button,
                       self.ask_button, self.new_button):
            button.setEnabled(not busy)
        self.cancel_button.setEnabled(busy)

    # -- knowledge bases ----------------------------------------------------------------------
    def kb_name(self) -> str:
        return str(self.kb_combo.currentData() or "default")

    def refresh(self) -> None:
        """Reload the list of knowledge bases and the current one's sources (in the background)."""
        name = self.kb_name()
        self.start_job(lambda _c: _list_job(name), key=f"{self.key}.list", background=True,
                       on_done=self._on_listed, what=self.tr("Reading the knowledge base"))

    def _on_listed(self, data: object) -> None:
        assert isinstance(data, dict)
        current = self.kb_name()
        names = sorted(set(data["names"]) | {current})
        self.kb_combo.blockSignals(True)
        self.kb_combo.clear()
        for name in names:
            self.kb_combo.addItem(name, name)
        self.kb_combo.setCurrentIndex(max(0, self.kb_combo.findData(current)))
        self.kb_combo.blockSignals(False)
        self.roots = list(data["roots"])
        self.sources.set_sources(data["sources"])
        self._watch(self.roots, [s["file"] for s in data["sources"]])
        failed = sum(1 for s in data["sources"] if s["status"] == "failed")
        self.progress.setFormat(self.tr("%1 files, %2 failed").replace("%1", str(len(data["sources"])))
                                .replace("%2", str(failed)))

    def _on_kb_changed(self, _index: int) -> None:
        self.set_scope(None)
        self.refresh()

    def set_scope(self, files: list[str] | None) -> None:
        self.scope = files
        if files:
            self.scope_label.setText(self.tr("Asking about %1 only").replace("%1", Path(files[0]).name))
        self.scope_label.setVisible(bool(files))
        self.scope_clear.setVisible(bool(files))

    def ask_about(self, path: Path) -> None:
        """Index ``path`` into the "documents" knowledge base and scope questions to it."""
        self.select_kb(DOCUMENTS_KB)
        self.set_scope([str(path.absolute())])
        self.sync([path])
        self.query_edit.setFocus()

    def _on_new(self) -> None:
        name, ok = QInputDialog.getText(self, self.tr("New knowledge base"), self.tr("Name:"))
        if ok and name.strip():
            self.select_kb(name.strip())

    def select_kb(self, name: str) -> None:
        from copilot.errors import UsageError
        from copilot.kb.store import check_name

        try:
            check_name(name)
        except UsageError as exc:
            self.report_error(exc)
            return
        if self.kb_combo.findData(name) < 0:
            self.kb_combo.addItem(name, name)
        self.kb_combo.setCurrentIndex(self.kb_combo.findData(name))

    # -- indexing -------------------------------------------------------------------------------
    def _on_add_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Add a folder to the knowledge base"))
        if folder:
            self.add_paths([Path(folder)])

    def _on_add_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(
            self, self.tr("Add files to the knowledge base"), "",
            self.tr("Documents (*.docx *.pptx *.xlsx *.xlsm *.xls *.ods *.csv *.pdf *.md *.txt)"))
        if names:
            self.add_paths([Path(n) for n in names])

    def add_paths(self, paths: list[Path]) -> None:
        self.sync(paths)

    def sync(self, paths: list[Path] | None = None, *, background: bool = False) -> None:
        name = self.kb_name()
        todo = list(paths or [])
        self.progress.setFormat(self.tr("Indexing… %v / %m files"))
        self.start_job(lambda cancel: _sync_job(name, todo, cancel), key=f"{self.key}.sync", background=background,
                       on_done=self._on_synced, on_error=lambda _e: self.refresh(),
                       what=self.tr("Indexing"), status=self.tr("Indexing %1…").replace("%1", name))

    def _on_synced(self, report: object) -> None:
        r: Any = report
        self.sig_status.emit(self.tr("%1 added, %2 changed, %3 removed, %4 unchanged, %5 failed")
                             .replace("%1", str(r.added)).replace("%2", str(r.changed)).replace("%3", str(r.removed))
                             .replace("%4", str(r.unchanged)).replace("%5", str(len(r.failed))))
        if r.pending:
            QTimer.singleShot(_RETRY_MS, self._background_sync)  # files still being written
        self.refresh()

    def _on_remove(self) -> None:
        files = self.sources.selected_files()
        if not files:
            self.sig_status.emit(self.tr("Select the files to remove first"))
            return
        name = self.kb_name()
        self.start_job(lambda _c: _remove_job(name, files), key=f"{self.key}.sync", on_done=self._on_removed,
                       what=self.tr("Removing"))

    def _on_removed(self, kept: object) -> None:
        if isinstance(kept, list) and kept:
            self.sig_status.emit(self.tr("%1 is inside an added folder: remove the folder, or move the file out "
                                         "of it").replace("%1", Path(kept[0]).name))
        self.refresh()

    # -- watching ---------------------------------------------------------------------------------
    def _watch(self, roots: list[str], files: list[str]) -> None:
        wanted = [r for r in roots if Path(r).exists()]
        wanted += sorted({str(Path(f).parent) for f in files})
        wanted += files
        wanted = list(dict.fromkeys(wanted))[:_MAX_WATCHED]
        old = set(self.watcher.files()) | set(self.watcher.directories())
        stale = [p for p in old if p not in set(wanted)]
        if stale:
            self.watcher.removePaths(stale)
        new = [p for p in wanted if p not in old and Path(p).exists()]
        if new:
            self.watcher.addPaths(new)

    def _on_fs_changed(self, _path: str) -> None:
        self._debounce.start()  # a burst of changes (a copy, a save) becomes one sync

    def _background_sync(self) -> None:
        if self.runner.is_running(f"{self.key}.sync"):
            self._debounce.start()
            return
        if self.roots:
            self.sync(background=True)

    # -- search and ask ---------------------------------------------------------------------------
    def search(self) -> None:
        query = self.query_edit.text().strip()
        if not query:
            self.query_edit.setFocus()
            return
        name, files = self.kb_name(), self.scope
        self.answer = None
        self.start_job(lambda _c: _search_job(name, query, files), key=f"{self.key}.search", on_done=self._on_hits,
                       what=self.tr("Searching"))

    def _on_hits(self, hits: object) -> None:
        assert isinstance(hits, list)
        self.hits = hits
        self.view.setHtml(hits_html(hits))

    def run(self) -> None:
        self.ask(self.query_edit.text())

    def ask(self, question: str) -> None:
        question = question.strip()
        if not question:
            self.query_edit.setFocus()
            return
        self.query_edit.setText(question)
        name, profile, files = self.kb_name(), self.profile_name(), self.scope
        self.answer = None
        self._streamed = []
        self.view.setHtml(streaming_html(self.tr("Looking in %1…").replace("%1", name)))
        self.start_job(lambda cancel: _ask_job(name, question, profile, files, cancel),
                       key=f"{self.key}.ask", on_event=self._on_ask_event, on_done=self._on_answer, model=True,
                       what=self.tr("Answering"), record="kb-ask", input_text=question)

    def _on_ask_event(self, event: object) -> None:
        if isinstance(event, Delta):
            self._streamed.append(event.text)
            self.view.setHtml(streaming_html("".join(self._streamed)))
        elif isinstance(event, Notice):
            self.sig_status.emit(event.message)

    def _on_answer(self, result: object) -> None:
        self.answer = result
        from PySide6.QtGui import QPalette

        dim = self.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text).name()
        self.view.setHtml(answer_html(result, dim))

    def _on_anchor(self, url: QUrl) -> None:
        kind, _, number = url.toString().partition(":")
        if not number.isdigit():
            return
        if kind == "cite" and self.answer is not None:
            found = [c for c in self.answer.sources if c.n == int(number)]
            if found:
                self.sig_open_location.emit(found[0].file, {**found[0].locator, "title": found[0].heading})
        elif kind == "hit" and int(number) < len(self.hits):
            hit = self.hits[int(number)]
            self.sig_open_location.emit(hit.file, {**hit.locator, "title": hit.heading})
