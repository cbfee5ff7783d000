"""Source material for an outline: a .docx, .md or .txt file read into headed sections.

Word documents are read straight from the XML (every ``w:t``, so text inside tracked insertions,
content controls and smart tags is not missed); headings are found by style name ("Heading 1",
"标题 1", "Title") or by the paragraph's outline level.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from copilot.errors import BadDocument, EmptyDocument, EncryptedDocument, LegacyFormat

__all__ = ["Section", "SourceDoc", "chunk_text", "read_source", "source_from_text"]

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*(\d)$", re.IGNORECASE)
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*$")


@dataclass
class Section:
    heading: str
    level: int
    paragraphs: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)


@dataclass
class SourceDoc:
    title: str
    sections: list[Section]

    def to_markdown(self) -> str:
        parts = [f"# {self.title}"] if self.title else []
        for s in self.sections:
            if s.heading:
                parts.append("#" * min(6, s.level + 1) + " " + s.heading)
            parts.extend(s.paragraphs)
        return "\n".join(parts)

    @property
    def chars(self) -> int:
        return sum(len(p) for s in self.sections for p in s.paragraphs)


def source_from_text(text: str, name: str = "") -> SourceDoc:
    """Split Markdown/plain text into sections at ``#`` headings (the first ``#`` is the title)."""
    title = ""
    sections: list[Section] = [Section("", 1)]
    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if not line:
            continue
        m = _MD_HEADING.match(line)
        if m:
            level = len(m.group(1))
            if level == 1 and not title and not any(s.paragraphs or s.heading for s in sections):
                title = m.group(2)
                continue
            sections.append(Section(m.group(2), level))
            continue
        sections[-1].paragraphs.append(line)
    sections = [s for s in sections if s.heading or s.paragraphs]
    return SourceDoc(title or name, sections)


def _docx_paragraph_text(p: object) -> str:
    return "".join(t.text or "" for t in p.iter(f"{_W}t"))  # type: ignore[attr-defined]


def _read_docx(path: Path, data: bytes) -> SourceDoc:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise BadDocument(path, f"cannot be opened as a Word document ({type(exc).__name__}) — "
                                "re-save it in Word or LibreOffice") from None
    styles: dict[str, str] = {}
    for style in document.styles:
        sid = getattr(style, "style_id", None)
        if sid:
            styles[sid] = str(style.name or "")
    title = ""
    sections: list[Section] = [Section("", 1)]
    body = document.element.body
    for el in body.iterchildren():
        if el.tag == f"{_W}tbl":
            for row in el.iter(f"{_W}tr"):
                cells = [" ".join(_docx_paragraph_text(p) for p in tc.iter(f"{_W}p")).strip()
                         for tc in row.iter(f"{_W}tc")]
                if any(cells):
                    sections[-1].paragraphs.append(" | ".join(cells))
            continue
        if el.tag != f"{_W}p":
            continue
        text = " ".join(_docx_paragraph_text(el).split())
        if not text:
            continue
        ppr = el.find(f"{_W}pPr")
        style_name = ""
        level: int | None = None
        if ppr is not None:
            ps = ppr.find(f"{_W}pStyle")
            if ps is not None:
                style_name = styles.get(ps.get(f"{_W}val") or "", ps.get(f"{_W}val") or "")
            ol = ppr.find(f"{_W}outlineLvl")
            if ol is not None and (ol.get(f"{_W}val") or "").isdigit():
                level = int(ol.get(f"{_W}val") or "0") + 1
        m = _HEADING_STYLE.match(style_name.strip())
        if m:
            level = int(m.group(1))
        if style_name.lower() in ("title", "标题") and not title:
            title = text
            continue
        if level is not None and level <= 6:
            sections.append(Section(text, level))
        else:
            sections[-1].paragraphs.append(text)
    sections = [s for s in sections if s.heading or s.paragraphs]
    if not title:
        core = (document.core_properties.title or "").strip()
        title = core or path.stem
    return SourceDoc(title, sections)


def read_source(path: str | Path) -> SourceDoc:
    """Read a .docx / .md / .txt into sections.

    Raises:
        LegacyFormat (.doc), EncryptedDocument, BadDocument, EmptyDocument: one line naming the file.
    """
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise BadDocument(p, "file not found — check the path") from None
    except OSError as exc:
        raise BadDocument(p, f"cannot be read ({exc.strerror})") from None
    suffix = p.suffix.lower()
    if data.startswith(_OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise EncryptedDocument(p, "is password-protected — remove the password in Word and save a copy")
        raise LegacyFormat(p, "is a legacy Word 97–2003 file — save it as .docx, or run: "
                              "soffice --headless --convert-to docx FILE")
    if suffix in (".docx", ".docm", ".dotx"):
        if not zipfile.is_zipfile(io.BytesIO(data)):
            raise BadDocument(p, "is not a Word .docx file (not a zip package; corrupt or another format)")
        doc = _read_docx(p, data)
    elif suffix in (".md", ".markdown", ".txt", ".text", ""):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            from charset_normalizer import from_bytes

            best = from_bytes(data).best()
            if best is None:
                raise BadDocument(p, "is not readable text — save it as UTF-8") from None
            text = str(best)
        doc = source_from_text(text, p.stem)
    else:
        raise BadDocument(p, f"'{suffix}' is not supported for --from — use .docx, .md or .txt")
    if not doc.chars and not any(s.heading for s in doc.sections):
        raise EmptyDocument(p, "has no text to make an outline from")
    return doc


def chunk_text(paragraphs: list[str], max_chars: int) -> list[str]:
    """Paragraphs joined into chunks of at most ``max_chars`` (a longer paragraph is cut)."""
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for para in paragraphs:
        while len(para) > max_chars:
            if current:
                chunks.append("\n".join(current))
                current, size = [], 0
            chunks.append(para[:max_chars])
            para = para[max_chars:]
        if size + len(para) > max_chars and current:
            chunks.append("\n".join(current))
            current, size = [], 0
        current.append(para)
        size += len(para) + 1
    if current:
        chunks.append("\n".join(current))
    return chunks
