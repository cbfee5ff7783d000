"""The outline: a deck as plain data, and its Markdown form (the file the user edits between steps).

Format (documented for users in docs/outline-format.md)::

    # Deck title
    Optional subtitle line(s) for the title slide

    ## Slide title
    <!-- layout: content -->
    - bullet
      - sub-bullet (two spaces per level)

    Notes: speaker notes, may continue
    on following lines until the next slide.

``write_outline(parse_outline(text)) == text`` for text in the canonical form that
``write_outline`` produces, and ``parse_outline(write_outline(o)) == o`` for every outline whose
texts are normalised (what :func:`Outline.normalised` returns; the parser always produces such).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal, get_args

from copilot.errors import BadDocument, EmptyDocument

__all__ = [
    "LAYOUTS",
    "Bullet",
    "Layout",
    "Outline",
    "OutlineError",
    "Slide",
    "clean_text",
    "parse_outline",
    "read_outline_file",
    "write_outline",
]

Layout = Literal["title", "section", "content", "two-content", "closing"]
LAYOUTS: tuple[str, ...] = get_args(Layout)
MAX_LEVEL = 4


class OutlineError(BadDocument):
    """An outline file that cannot be parsed; the reason names the line."""


def clean_text(text: str) -> str:
    """One line, single spaces: what a title or bullet may hold."""
    return " ".join(text.split())


def _clean_notes(text: str) -> str:
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines)


@dataclass(frozen=True)
class Bullet:
    text: str
    level: int = 0


@dataclass(frozen=True)
class Slide:
    title: str
    bullets: tuple[Bullet, ...] = ()
    notes: str = ""
    layout: Layout | None = None
    """None: not stated in the file; built as a content slide."""
    right: tuple[Bullet, ...] = ()
    """Second column of a two-content slide (after ``<!-- column -->``)."""

    @property
    def kind(self) -> Layout:
        return self.layout or "content"


@dataclass(frozen=True)
class Outline:
    title: str
    subtitle: tuple[str, ...] = ()
    slides: tuple[Slide, ...] = field(default_factory=tuple)

    def normalised(self) -> Outline:
        """Texts on one line, levels in range, notes trimmed: what survives a Markdown round trip."""

        def bullets(items: tuple[Bullet, ...]) -> tuple[Bullet, ...]:
            out: list[Bullet] = []
            for b in items:
                text = clean_text(b.text)
                if text:
                    out.append(Bullet(text, max(0, min(MAX_LEVEL, b.level))))
            return tuple(out)

        slides = tuple(
            replace(s, title=clean_text(s.title), bullets=bullets(s.bullets), right=bullets(s.right),
                    notes=_clean_notes(s.notes))
            for s in self.slides
        )
        subtitle = tuple(t for t in (clean_text(x) for x in self.subtitle) if t)
        return Outline(clean_text(self.title), subtitle, slides)

    def slide_count(self) -> int:
        """Slides the deck will have before overflow splitting (the title slide included)."""
        return 1 + len(self.slides)


# ----------------------------------------------------------------------------- writing
def _escape_line(line: str) -> str:
    # A notes line that looks like syntax would end the notes or start a slide: escape it.
    if re.match(r"^\s*(#|<!--|\\|- )", line) or _NOTES_RE.match(line):
        return "\\" + line
    return line


def _write_bullets(items: tuple[Bullet, ...], lines: list[str]) -> None:
    for b in items:
        lines.append("  " * b.level + "- " + b.text)


def write_outline(outline: Outline) -> str:
    """The canonical Markdown for ``outline`` (ends with one newline)."""
    lines = [f"# {outline.title}".rstrip()]
    for sub in outline.subtitle:
        lines.append(_escape_line(sub))
    for slide in outline.slides:
        lines.append("")
        lines.append(f"## {slide.title}".rstrip())
        if slide.layout is not None:
            lines.append(f"<!-- layout: {slide.layout} -->")
        _write_bullets(slide.bullets, lines)
        if slide.right:
            lines.append("<!-- column -->")
            _write_bullets(slide.right, lines)
        if slide.notes:
            lines.append("")
            notes = slide.notes.split("\n")
            lines.append(f"Notes: {notes[0]}".rstrip() if notes[0] else "Notes:")
            lines.extend(_escape_line(n) for n in notes[1:])
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------- parsing
_H1_RE = re.compile(r"^#\s+(.*)$|^#$")
_H2_RE = re.compile(r"^##(?:\s+(.*))?$")
_LAYOUT_RE = re.compile(r"^<!--\s*layout\s*:\s*([\w-]*)\s*-->$", re.IGNORECASE)
_COLUMN_RE = re.compile(r"^<!--\s*column\s*-->$", re.IGNORECASE)
_COMMENT_RE = re.compile(r"^<!--.*-->$")
_BULLET_RE = re.compile(r"^(\s*)(?:[-*+•]|\d+[.)])\s+(.*)$")
_NOTES_RE = re.compile(r"^(?:notes|speaker notes|备注|讲稿)\s*[:：]\s?(.*)$", re.IGNORECASE)


@dataclass
class _Draft:
    """A slide while its lines are being parsed."""

    title: str
    bullets: list[Bullet] = field(default_factory=list)
    right: list[Bullet] = field(default_factory=list)
    layout: Layout | None = None
    column: int = 0


def _indent(spaces: str) -> int:
    width = len(spaces.replace("\t", "  "))
    return min(MAX_LEVEL, width // 2)


def parse_outline(text: str, *, source: str | Path = "outline.md") -> Outline:
    """Parse outline Markdown. Lenient about bullets (``-``, ``*``, ``+``, ``1.``), tabs and
    stray text (a plain line in a slide is a bullet); strict about unknown layouts.

    Raises:
        OutlineError: an unknown layout, or a second ``# `` title, naming the line.
        EmptyDocument: no ``# `` title and no ``## `` slide.
    """
    title: str | None = None
    subtitle: list[str] = []
    slides: list[Slide] = []
    cur: _Draft | None = None
    in_notes = False
    notes: list[str] = []

    def finish() -> None:
        nonlocal cur, in_notes, notes
        if cur is not None:
            slides.append(Slide(cur.title, tuple(cur.bullets), _clean_notes("\n".join(notes)), cur.layout,
                                tuple(cur.right)))
        cur, in_notes, notes = None, False, []

    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    in_code = False
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.rstrip()
        stripped = line.strip()
        if stripped.startswith("```"):  # a fenced block (e.g. a model wrapped its reply): skip fences
            in_code = not in_code
            continue
        h2 = _H2_RE.match(line)
        if h2:
            finish()
            cur = _Draft(clean_text(h2.group(1) or ""))
            continue
        h1 = _H1_RE.match(line)
        if h1 and cur is None and not in_notes:
            if title is not None:
                raise OutlineError(source, f"line {number}: a second '# ' deck title — use '## ' for slides")
            title = clean_text(h1.group(1) or "")
            continue
        if in_notes:
            notes.append(line[1:] if line.startswith("\\") else line)
            continue
        if cur is None:
            # Before the first slide: lines after the title are the subtitle.
            if stripped and title is not None and not _COMMENT_RE.match(stripped):
                subtitle.append(clean_text(stripped[1:] if stripped.startswith("\\") else stripped))
            continue
        m = _LAYOUT_RE.match(stripped)
        if m:
            value = m.group(1).lower()
            if value not in LAYOUTS:
                raise OutlineError(source, f"line {number}: unknown layout '{value}' — use one of "
                                           f"{', '.join(LAYOUTS)}")
            cur.layout = value  # type: ignore[assignment]  # checked against LAYOUTS above
            continue
        if _COLUMN_RE.match(stripped):
            cur.column = 1
            continue
        if _COMMENT_RE.match(stripped) or not stripped:
            continue
        nm = _NOTES_RE.match(stripped)
        if nm and not _BULLET_RE.match(line):
            in_notes = True
            notes.append(nm.group(1))
            continue
        bm = _BULLET_RE.match(line)
        target = cur.right if cur.column else cur.bullets
        if bm:
            body = clean_text(bm.group(2))
            if body:
                target.append(Bullet(body, _indent(bm.group(1))))
        else:
            body = clean_text(stripped[1:] if stripped.startswith("\\") else stripped)
            target.append(Bullet(body, 0))
    finish()
    if title is None and not slides:
        raise EmptyDocument(source, "no '# Deck title' and no '## Slide' headings — see docs/outline-format.md")
    if title is None:
        title = slides[0].title
    return Outline(title, tuple(subtitle), tuple(slides))


def read_outline_file(path: str | Path) -> Outline:
    """Parse an outline file; a missing or undecodable file is a one-line DocumentError."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise BadDocument(p, "file not found — check the path") from None
    except OSError as exc:
        raise BadDocument(p, f"cannot be read ({exc.strerror})") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadDocument(p, "is not UTF-8 text — save the outline as UTF-8 Markdown") from None
    return parse_outline(text, source=p)
