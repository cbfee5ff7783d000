"""What the Knowledge workspace shows: search results and answers as HTML with citation links,
and the sources table. Citations are ``cite:N`` links (answers) or ``hit:N`` links (results)."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem, QWidget

__all__ = ["SourcesTable", "answer_html", "hits_html", "locator_label", "streaming_html"]

_CITE = re.compile(r"\[(\d{1,3})\]")


def locator_label(loc: dict[str, Any]) -> str:
    if "paragraph" in loc:
        label = QCoreApplication.translate("KnowledgeWorkspace", "paragraph %1").replace("%1", str(loc["paragraph"]))
        return f"{label} · {loc['heading']}" if loc.get("heading") else label
    if "slide" in loc:
        return QCoreApplication.translate("KnowledgeWorkspace", "slide %1").replace("%1", str(loc["slide"]))
    if "page" in loc:
        return QCoreApplication.translate("KnowledgeWorkspace", "page %1").replace("%1", str(loc["page"]))
    if "sheet" in loc:
        return QCoreApplication.translate("KnowledgeWorkspace", "sheet %1, rows %2").replace("%1", str(loc["sheet"])).replace("%2", str(loc["rows"]))
    if "line" in loc:
        return QCoreApplication.translate("KnowledgeWorkspace", "line %1").replace("%1", str(loc["line"]))
    return ""


def hits_html(hits: list[Any]) -> str:
    if not hits:
        nothing = QCoreApplication.translate("KnowledgeWorkspace", "Nothing found.")
        return f"<p>{html.escape(nothing)}</p>"
    rows = []
    for i, hit in enumerate(hits):
        snippet = html.escape(" ".join(hit.text.split())[:300])
        where = html.escape(f"{Path(hit.file).name} — {locator_label(hit.locator)}")
        rows.append(f'<p><a href="hit:{i}"><b>{i + 1}. {where}</b></a><br>{snippet}</p>')
    return "".join(rows)


def streaming_html(text: str) -> str:
    return "<p>" + html.escape(text).replace("\n", "<br>") + "</p>"


def answer_html(result: Any, dim: str) -> str:
    """The checked answer: citations as links, uncited sentences dimmed, the sources listed below."""
    body = html.escape(result.answer)
    for sentence in result.uncited:
        escaped = html.escape(sentence)
        body = body.replace(escaped, f'<span style="color:{dim}">{escaped}</span>', 1)
    body = _CITE.sub(lambda m: f'<a href="cite:{m.group(1)}">[{m.group(1)}]</a>', body).replace("\n", "<br>")
    parts = [f"<p>{body}</p>"]
    if result.citations:
        items = "".join(
            f'<li><a href="cite:{c.n}">[{c.n}] {html.escape(Path(c.file).name)} — '
            f"{html.escape(locator_label(c.locator))}</a></li>" for c in result.citations)
        heading = QCoreApplication.translate("KnowledgeWorkspace", "Sources")
        parts.append(f"<p><b>{html.escape(heading)}</b></p><ul>{items}</ul>")
    notes = []
    if result.uncited:
        notes.append(QCoreApplication.translate("KnowledgeWorkspace", "Dimmed sentences cite no source."))
    if result.removed_citations:
        notes.append(QCoreApplication.translate("KnowledgeWorkspace", "Citations that named no retrieved source were removed: %1").replace(
            "%1", ", ".join(f"[{n}]" for n in result.removed_citations)))
    if result.unsupported_numbers:
        notes.append(QCoreApplication.translate("KnowledgeWorkspace", "Not found in the cited sources — check: %1").replace(
            "%1", ", ".join(result.unsupported_numbers)))
    if notes:
        parts.append(f'<p style="color:{dim}">' + "<br>".join(html.escape(n) for n in notes) + "</p>")
    return "".join(parts)


class SourcesTable(QTableWidget):
    """One row per indexed file: name, status (with the reason as tooltip), chunks."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 3, parent)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.verticalHeader().hide()
        self.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.retranslate()

    def retranslate(self) -> None:
        self.setHorizontalHeaderLabels([QCoreApplication.translate("KnowledgeWorkspace", "File"), QCoreApplication.translate("KnowledgeWorkspace", "Status"), QCoreApplication.translate("KnowledgeWorkspace", "Chunks")])

    def set_sources(self, rows: list[dict[str, Any]]) -> None:
        statuses = {"indexed": QCoreApplication.translate("KnowledgeWorkspace", "indexed"), "failed": QCoreApplication.translate("KnowledgeWorkspace", "failed"), "pending": QCoreApplication.translate("KnowledgeWorkspace", "pending")}
        self.setRowCount(len(rows))
        for i, row in enumerate(rows):
            name = QTableWidgetItem(Path(row["file"]).name)
            name.setToolTip(row["file"])
            name.setData(Qt.ItemDataRole.UserRole, row["file"])
            status = QTableWidgetItem(statuses.get(row["status"], row["status"]))
            if row["error"]:
                status.setToolTip(row["error"])
                status.setText(f"{status.text()}: {row['error']}")
            chunks = QTableWidgetItem(str(row["chunks"]))
            chunks.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            for column, item in enumerate((name, status, chunks)):
                self.setItem(i, column, item)

    def selected_files(self) -> list[str]:
        rows = {index.row() for index in self.selectedIndexes()}
        items = [self.item(r, 0) for r in sorted(rows)]
        return [str(item.data(Qt.ItemDataRole.UserRole)) for item in items if item is not None]
