"""Opening a .docx as a zip of XML parts, with one-line errors for everything that is not one.

We edit the package at the zip level (lxml over the parts we change, every other entry copied
byte for byte) so nothing python-docx does not understand is lost on save.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree

from copilot.errors import BadDocument, EncryptedDocument, LegacyFormat

__all__ = ["DocxPackage", "check_docx", "open_docx"]

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MAIN = "word/document.xml"
# Parts holding paragraphs a user would want polished.
_TEXT_PART_PREFIXES = ("word/header", "word/footer")
_TEXT_PARTS = ("word/footnotes.xml", "word/endnotes.xml")
_MAX_UNCOMPRESSED = 512 * 1024 * 1024


def check_docx(path: Path) -> None:
    """Raise the right typed error when ``path`` is not a usable .docx."""
    if not path.exists():
        raise BadDocument(path, "file not found — check the path")
    if path.is_dir():
        raise BadDocument(path, "is a folder, not a Word document")
    with path.open("rb") as fh:
        head = fh.read(8)
    if head == _OLE_MAGIC:
        # An OLE container is either a legacy .doc or an encrypted OOXML package.
        if _ole_has_encrypted_package(path):
            raise EncryptedDocument(path, "the document is password-protected: open it in Word, "
                                          "remove the password (File › Info › Protect Document) and save a copy")
        raise LegacyFormat(path, "legacy Word format: open it in Word or LibreOffice and save as .docx")
    if not zipfile.is_zipfile(path):
        raise BadDocument(path, "not a Word document (not a .docx zip package)")
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            total = sum(i.file_size for i in zf.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise BadDocument(path, f"not a Word document (damaged zip: {exc})") from exc
    if _MAIN not in names:
        raise BadDocument(path, "not a Word document (no word/document.xml inside)")
    if total > _MAX_UNCOMPRESSED:
        raise BadDocument(path, "the package is implausibly large when unpacked — refusing to open it")


def _ole_has_encrypted_package(path: Path) -> bool:
    # Directory entries of an OLE container store stream names in UTF-16-LE; an encrypted OOXML
    # package always has an "EncryptedPackage" stream, a .doc never does.
    with path.open("rb") as fh:
        data = fh.read(64 * 1024 * 1024)
    return "EncryptedPackage".encode("utf-16-le") in data


class DocxPackage:
    """The zip entries of a .docx; XML parts are parsed on demand and re-serialised only if changed."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._infos: list[zipfile.ZipInfo] = []
        self._data: dict[str, bytes] = {}
        self._trees: dict[str, etree._Element] = {}
        self.changed: set[str] = set()
        try:
            with zipfile.ZipFile(path) as zf:
                for info in zf.infolist():
                    self._infos.append(info)
                    self._data[info.filename] = zf.read(info.filename)
        except (zipfile.BadZipFile, OSError, RuntimeError) as exc:
            raise BadDocument(path, f"not a Word document (cannot read the package: {exc})") from exc

    @property
    def names(self) -> list[str]:
        return [i.filename for i in self._infos]

    def text_parts(self) -> list[str]:
        """Parts with polishable paragraphs, body first, then headers/footers, then notes."""
        names = self.names
        out = [_MAIN]
        out += sorted(n for n in names if n.startswith(_TEXT_PART_PREFIXES) and n.endswith(".xml")
                      and "/" not in n[len("word/"):])
        out += [n for n in _TEXT_PARTS if n in self._data]
        return out

    def xml(self, name: str) -> etree._Element:
        if name not in self._trees:
            parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True,
                                     remove_blank_text=False)
            try:
                self._trees[name] = etree.fromstring(self._data[name], parser)
            except etree.XMLSyntaxError as exc:
                raise BadDocument(self.path, f"not a Word document ({name} is not valid XML: {exc})") from exc
        return self._trees[name]

    def raw(self, name: str) -> bytes:
        return self._data[name]

    def mark_changed(self, name: str) -> None:
        self.changed.add(name)

    def save(self, target: Path) -> None:
        """Write the package: changed parts re-serialised, everything else copied unchanged."""
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for info in self._infos:
                data = self._data[info.filename]
                if info.filename in self.changed:
                    data = etree.tostring(self._trees[info.filename], xml_declaration=True,
                                          encoding="UTF-8", standalone=True)
                zi = zipfile.ZipInfo(info.filename, date_time=info.date_time)
                zi.compress_type = zipfile.ZIP_DEFLATED
                zi.external_attr = info.external_attr
                zf.writestr(zi, data)


def open_docx(path: str | Path) -> DocxPackage:
    """Check and open ``path``; raises LegacyFormat / EncryptedDocument / BadDocument."""
    p = Path(path)
    check_docx(p)
    return DocxPackage(p)
