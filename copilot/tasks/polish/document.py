"""The document side of a polish: read its paragraphs, apply chosen rewrites, write the result.

The polish task (``copilot.tasks.polish_docx``) and the app's review (``copilot.tasks.polish.review``)
both go read → (propose) → apply → write through these functions, so a rewrite the user accepts in
the review lands in the file exactly as the CLI would have written it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from copilot.documents.docx.open import DocxPackage, open_docx
from copilot.documents.docx.text_map import TOKEN_RE, ParaMap, W, iter_paragraphs
from copilot.tasks.polish.results import Mode

__all__ = ["Applier", "Paragraph", "PolishDocument", "apply_rewrites", "read_document", "write_document"]


@dataclass(frozen=True)
class Paragraph:
    number: int
    """1-based, in the order the polish task numbers paragraphs (body, headers/footers, notes)."""
    part: str
    text: str
    heading: bool
    placeholders: tuple[str, ...] = ()
    """The kind of each ``⟦n⟧`` token in ``text`` (n = position + 1): tab, br, field, drawing, …"""
    in_part: int = 0
    """1-based position among its part's paragraphs, empty ones included: how a knowledge-base
    citation names it (``{"paragraph": in_part, "part": "header1"}``)."""


@dataclass
class PolishDocument:
    """An opened .docx and the text map of every paragraph, in polish order."""

    src: Path
    package: DocxPackage
    maps: list[ParaMap]
    suggestions: dict[int, str] = field(default_factory=dict)
    """Comments mode: body paragraph index → suggested text (written by ``write_document``)."""

    def paragraphs(self) -> list[Paragraph]:
        """Every paragraph that has text, numbered 1-based over all paragraphs."""
        out: list[Paragraph] = []
        seen: dict[str, int] = {}
        for n, pm in enumerate(self.maps):
            seen[pm.part] = seen.get(pm.part, 0) + 1
            if pm.text.strip():
                out.append(Paragraph(n + 1, pm.part, pm.text, bool(pm.heading),
                                     tuple(p.kind for p in pm.placeholders), seen[pm.part]))
        return out


def read_document(src: Path) -> PolishDocument:
    """Open ``src`` (never modified) and map every paragraph of every text part."""
    package = open_docx(src)
    maps: list[ParaMap] = []
    for part in package.text_parts():
        maps.extend(iter_paragraphs(part, package.xml(part)))
    return PolishDocument(Path(src), package, maps)


class Applier:
    """Applies rewrites one paragraph at a time, in increasing paragraph order, exactly as
    ``apply_rewrites`` would all at once: the polish task applies each rewrite as soon as the
    paragraphs before it are decided, while later requests are still with the model."""

    def __init__(self, doc: PolishDocument, mode: Mode, author: str) -> None:
        from copilot.documents.docx.tracked import ChangeStamp, max_annotation_id

        self.doc = doc
        self.mode = mode
        package = doc.package
        first = max_annotation_id(package.xml(p) for p in package.text_parts()) + 1
        self.stamp = ChangeStamp(author=author or "Desk Copilot", first_id=max(first, 1000))
        self._body_index: dict[int, int] | None = None
        self._last = 0
        self.applied = 0

    def apply(self, number: int, rewrite: str) -> bool:
        """Apply paragraph ``number``'s rewrite (1-based; numbers must increase)."""
        from copilot.documents.docx.diff import diff_edits
        from copilot.documents.docx.tracked import apply_edits

        doc = self.doc
        if not 1 <= number <= len(doc.maps):
            return False
        if number <= self._last:
            raise ValueError(f"paragraph {number} applied after {self._last}: rewrites go in document order")
        self._last = number
        pm = doc.maps[number - 1]
        if self.mode == "comments":
            if self._body_index is None:
                body = doc.package.xml("word/document.xml").iter(W + "p")
                self._body_index = {id(p): i for i, p in enumerate(body)}
            index = self._body_index.get(id(pm.p))
            if index is None:
                return False  # comments are anchored in the body only
            doc.suggestions[index] = TOKEN_RE.sub("…", rewrite).strip()
        else:
            apply_edits(pm, diff_edits(pm.text, rewrite), self.mode, self.stamp)
            doc.package.mark_changed(pm.part)
        self.applied += 1
        return True


def apply_rewrites(doc: PolishDocument, rewrites: Mapping[int, str], mode: Mode, author: str) -> int:
    """Apply ``rewrites`` ({1-based paragraph number: rewrite}) in document order as tracked
    changes, clean edits or (``comments``) suggestions. Returns how many were applied."""
    applier = Applier(doc, mode, author)
    for number in sorted(rewrites):
        applier.apply(number, rewrites[number])
    return applier.applied


def write_document(doc: PolishDocument, out: Path, mode: Mode, author: str, *, force: bool) -> Path:
    """Write the edited document to ``out`` atomically (temp file, then rename)."""
    from copilot.atomic import atomic_path

    with atomic_path(out, force=force) as tmp:
        if mode == "comments":
            from copilot.documents.docx.comments import add_paragraph_comments

            add_paragraph_comments(doc.src, tmp, doc.suggestions, author)
        else:
            doc.package.save(tmp)
    return out
