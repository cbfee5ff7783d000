"""One reader per format: a file becomes chunks with locators the app can open.

Locators (the CLI's contract): .docx ``{"paragraph": N, "heading": "..."}`` (N is 1-based in body
order, tables included; headers, footers and notes add ``"part"``), .pptx ``{"slide": N}``,
spreadsheets ``{"sheet": "...", "rows": "A-B"}``, .pdf ``{"page": N}``, .md/.txt ``{"line": N}``.
Every failure is a ``DocumentError`` naming the file and the reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from copilot.errors import BadDocument, DocumentTooLarge, EmptyDocument, EncryptedDocument, LegacyFormat
from copilot.kb.chunks import MAX_CHARS, TARGET_CHARS, Block, Chunk, pack

__all__ = ["MAX_FILE_BYTES", "SUFFIXES", "read_chunks"]

MAX_FILE_BYTES = 100 * 1024 * 1024
_MAX_SHEET_ROWS = 200_000  # a knowledge base wants the text of a sheet, not a million-row log
_HEADING_LEVEL = re.compile(r"(\d)")
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


def _docx_blocks(path: Path) -> Iterator[Block]:
    from copilot.documents.docx.open import open_docx
    from copilot.documents.docx.text_map import W, iter_paragraphs, strip_tokens

    package = open_docx(path)
    for part in package.text_parts():
        stack: list[tuple[int, str]] = []
        body = part == "word/document.xml"
        started = False
        for number, pm in enumerate(iter_paragraphs(part, package.xml(part)), start=1):
            text = " ".join(strip_tokens(pm.text).split())
            if pm.heading and text and body:
                level = _heading_level(pm.p, W)
                stack = [(lvl, t) for lvl, t in stack if lvl < level] + [(level, text)]
            heading = " › ".join(t for _, t in stack)
            locator: dict[str, Any] = {"paragraph": number, "heading": heading}
            if not body:
                locator["part"] = part.removeprefix("word/").removesuffix(".xml")
            # A new part (header, footer, notes) never continues the body's chunk.
            yield Block(text, locator, heading, breaks=pm.heading or not started, is_heading=pm.heading)
            started = started or bool(text)


def _heading_level(p: Any, w: str) -> int:
    ppr = p.find(w + "pPr")
    if ppr is not None:
        outline = ppr.find(w + "outlineLvl")
        if outline is not None and (outline.get(w + "val") or "").isdigit():
            return int(outline.get(w + "val")) + 1
        style = ppr.find(w + "pStyle")
        if style is not None:
            found = _HEADING_LEVEL.search(style.get(w + "val", ""))
            if found:
                return int(found.group(1))
    return 1


def _shape_texts(shapes: Any) -> Iterator[tuple[bool, str]]:
    """(is_title, text) for every text frame and table on a slide, group members included."""
    for shape in shapes:
        if shape.shape_type is not None and int(shape.shape_type) == 6:  # a group
            yield from _shape_texts(shape.shapes)
            continue
        if getattr(shape, "has_table", False) and shape.has_table:
            for row in shape.table.rows:
                cells = [" ".join(c.text.split()) for c in row.cells]
                if any(cells):
                    yield False, " | ".join(cells)
            continue
        if getattr(shape, "has_text_frame", False) and shape.has_text_frame:
            title = False
            if shape.is_placeholder:
                try:
                    title = int(shape.placeholder_format.type) in (1, 3)
                except (ValueError, AttributeError):
                    title = False
            text = "\n".join(" ".join(p.text.split()) for p in shape.text_frame.paragraphs).strip()
            if text:
                yield title, text


def _pptx_blocks(path: Path) -> Iterator[Block]:
    from copilot.documents.decks.open import open_presentation

    prs = open_presentation(path)
    for number, slide in enumerate(prs.slides, start=1):
        title = ""
        body: list[str] = []
        for is_title, text in _shape_texts(slide.shapes):
            if is_title and not title:
                title = " ".join(text.split())
            else:
                body.append(text)
        if slide.has_notes_slide and slide.notes_slide.notes_text_frame is not None:
            notes = slide.notes_slide.notes_text_frame.text.strip()
            if notes:
                body.append(notes)
        text = "\n".join([title, *body]).strip()
        if text:
            yield Block(text, {"slide": number}, title, breaks=True)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


class _RowWindows:
    """Rows of one sheet gathered into chunks, each starting with the sheet's header line."""

    def __init__(self, name: str, out: list[Chunk]) -> None:
        self.name = name
        self.out = out
        self.header: list[str] | None = None
        self.prefix = ""
        self.lines: list[str] = []
        self.first = 0
        self.last = 0
        self.size = 0
        self.emitted = False

    def row(self, number: int, cells: list[str]) -> None:
        if self.header is None:
            self.header = [c or f"column {i + 1}" for i, c in enumerate(cells)]
            self.prefix = f"{self.name}: " + " | ".join(self.header) + "\n"
            self.first = self.last = number
            return
        header = self.header
        line = "; ".join(f"{header[i] if i < len(header) else f'column {i + 1}'}: {c}"
                         for i, c in enumerate(cells) if c)[:MAX_CHARS]
        if self.lines and self.size + len(line) > TARGET_CHARS - len(self.prefix):
            self.flush()
        if not self.lines:
            self.first = number
        self.lines.append(line)
        self.size += len(line) + 1
        self.last = number

    def flush(self) -> None:
        if self.lines:
            self.out.append(Chunk(self.prefix + "\n".join(self.lines),
                                  {"sheet": self.name, "rows": f"{self.first}-{self.last}"}, self.name))
            self.emitted = True
        self.lines, self.size = [], 0

    def close(self) -> None:
        self.flush()
        if self.header is not None and not self.emitted:
            # A sheet with a header only still says what it holds.
            self.out.append(Chunk(self.prefix.strip(), {"sheet": self.name, "rows": f"{self.first}-{self.first}"},
                                  self.name))


def _sheet_chunks(path: Path) -> list[Chunk]:
    from copilot.documents.sheets.read import open_workbook

    book = open_workbook(path)
    chunks: list[Chunk] = []
    try:
        for name in book.sheet_names:
            try:
                sheet = book.sheet(name)
            except EmptyDocument:
                continue
            windows = _RowWindows(name, chunks)
            for index, raw in enumerate(sheet.rows()):
                if index >= _MAX_SHEET_ROWS:
                    break
                cells = [_cell(v) for v in raw]
                if any(cells):
                    windows.row(sheet.start[0] + index + 1, cells)
            windows.close()
    finally:
        book.close()
    return chunks


def _pdf_chunks(path: Path) -> list[Chunk]:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise EncryptedDocument(path, "the PDF is password-protected; save an unprotected copy") from None
        raise BadDocument(path, f"cannot be read as a PDF ({' '.join(str(exc).split())[:100]})") from None
    blocks: list[Block] = []
    try:
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            text = textpage.get_text_bounded() or ""
            textpage.close()
            page.close()
            text = "\n".join(" ".join(line.split()) for line in text.replace("\r", "\n").split("\n"))
            text = re.sub(r"\n{2,}", "\n", text).strip()
            if text:
                blocks.append(Block(text, {"page": index + 1}, f"p. {index + 1}", breaks=True))
    finally:
        pdf.close()
    if not blocks:
        raise EmptyDocument(path, "no text layer (a scanned PDF?) — run OCR on it and add it again")
    return pack(blocks)


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise BadDocument(path, "is not a text file (it looks binary)")
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:256 * 1024]).best()
        if best is None:
            raise BadDocument(path, "is not readable text in any known encoding; save it as UTF-8") from None
        encoding = str(best.encoding)
        if encoding.lower() in ("gb2312", "gbk"):
            encoding = "gb18030"
        return data.decode(encoding, errors="replace")


def _text_blocks(path: Path) -> Iterator[Block]:
    markdown = path.suffix.lower() in (".md", ".markdown")
    stack: list[tuple[int, str]] = []
    para: list[str] = []
    start = 0

    def heading() -> str:
        return " › ".join(t for _, t in stack)

    lines = _read_text(path).splitlines()
    for number, line in enumerate(lines, start=1):
        found = _MD_HEADING.match(line) if markdown else None
        if found or not line.strip():
            if para:
                yield Block("\n".join(para), {"line": start}, heading())
                para = []
            if found:
                level = len(found.group(1))
                stack = [(lvl, t) for lvl, t in stack if lvl < level] + [(level, found.group(2))]
                yield Block(found.group(2), {"line": number}, heading(), breaks=True, is_heading=True)
            continue
        if not para:
            start = number
        para.append(line.strip())
    if para:
        yield Block("\n".join(para), {"line": start}, heading())


_SHEETS = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods", ".csv", ".tsv")
_READERS: dict[str, Callable[[Path], list[Chunk]]] = {
    ".docx": lambda p: pack(_docx_blocks(p)),
    ".pptx": lambda p: pack(_pptx_blocks(p)),
    ".pdf": _pdf_chunks,
    ".md": lambda p: pack(_text_blocks(p)),
    ".markdown": lambda p: pack(_text_blocks(p)),
    ".txt": lambda p: pack(_text_blocks(p)),
    **{s: _sheet_chunks for s in _SHEETS},
}
SUFFIXES = frozenset(_READERS)
_LEGACY = {".doc": "Word 97–2003 (.doc): save it as .docx", ".ppt": "PowerPoint 97–2003 (.ppt): save it as .pptx"}


def read_chunks(path: Path) -> list[Chunk]:
    """The chunks of ``path``; raises a ``DocumentError`` naming the file and what to do."""
    suffix = path.suffix.lower()
    if suffix in _LEGACY:
        raise LegacyFormat(path, _LEGACY[suffix])
    reader = _READERS.get(suffix)
    if reader is None:
        raise BadDocument(path, f"{suffix or 'files without an extension'} is not a supported format")
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise BadDocument(path, "was deleted before it could be read") from None
    except OSError as exc:
        raise BadDocument(path, f"cannot be read ({exc.strerror or exc})") from None
    if size > MAX_FILE_BYTES:
        raise DocumentTooLarge(path, f"is {size / 1048576:.1f} MB; files over "
                                     f"{MAX_FILE_BYTES / 1048576:.0f} MB are not indexed — split it")
    if size == 0:
        raise EmptyDocument(path, "is empty (0 bytes)")
    try:
        chunks = reader(path)
    except FileNotFoundError:
        raise BadDocument(path, "was deleted before it could be read") from None
    except PermissionError:
        raise BadDocument(path, "cannot be read (permission denied)") from None
    if not chunks:
        raise EmptyDocument(path, "has no text to index")
    return chunks
