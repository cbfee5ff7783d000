"""Opening a user's .pptx / .potx safely: the file is read into memory once and never written.

Every way a file can be unusable ends as one typed, one-line error naming it: the legacy .ppt
format, a password-protected (OLE-wrapped, encrypted) file, something that is not a zip, a zip
that is not a presentation, a package python-pptx cannot load.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

from copilot.errors import BadDocument, DocumentTooLarge, EncryptedDocument, LegacyFormat

__all__ = ["MAX_BYTES", "open_presentation", "read_package_bytes"]

MAX_BYTES = 500 * 1024 * 1024
_MAX_UNZIPPED = 2 * 1024 * 1024 * 1024
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_PRES_MAIN = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
# Main-part content types of the other PowerPoint package kinds; loading rewrites them to _PRES_MAIN
# (python-pptx only opens presentations, and the output we save is a .pptx either way).
_OTHER_MAINS = (
    "application/vnd.openxmlformats-officedocument.presentationml.template.main+xml",
    "application/vnd.openxmlformats-officedocument.presentationml.slideshow.main+xml",
    "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml",
    "application/vnd.ms-powerpoint.template.macroEnabled.main+xml",
    "application/vnd.ms-powerpoint.slideshow.macroEnabled.main+xml",
)
_VBA_RELTYPE = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"


def read_package_bytes(path: str | Path) -> bytes:
    """The file's bytes after the checks that need no parsing (exists, size, legacy, encrypted, zip)."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_BYTES:
            raise DocumentTooLarge(p, f"is {size // (1024 * 1024)} MB; decks over {MAX_BYTES // (1024 * 1024)} MB "
                                      "are not read — remove large media first")
        data = p.read_bytes()
    except FileNotFoundError:
        raise BadDocument(p, "file not found — check the path") from None
    except IsADirectoryError:
        raise BadDocument(p, "is a folder, not a PowerPoint file") from None
    except PermissionError:
        raise BadDocument(p, "cannot be read (permission denied)") from None
    if data.startswith(_OLE_MAGIC):
        # Office wraps password-protected OOXML in an OLE container holding an "EncryptedPackage" stream.
        if "EncryptedPackage".encode("utf-16-le") in data or b"EncryptionInfo" in data:
            raise EncryptedDocument(p, "is password-protected — remove the password in PowerPoint "
                                       "(File › Info › Protect Presentation) and save a copy")
        raise LegacyFormat(p, "is a legacy PowerPoint 97–2003 file (.ppt) — save it as .pptx in PowerPoint, "
                              "or run: soffice --headless --convert-to pptx FILE")
    if not data:
        raise BadDocument(p, "is empty (0 bytes)")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise BadDocument(p, "is not a PowerPoint file (not a zip package; corrupt or another format)")
    return data


def _fix_package(data: bytes, p: Path) -> bytes:
    """Check the zip and rewrite a template/show/macro main content type to a presentation's."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            if sum(i.file_size for i in zf.infolist()) > _MAX_UNZIPPED:
                raise DocumentTooLarge(p, "unpacks to more than 2 GB — not read")
            names = set(zf.namelist())
            if "[Content_Types].xml" not in names:
                raise BadDocument(p, "is not an Office package (no [Content_Types].xml)")
            types = zf.read("[Content_Types].xml").decode("utf-8", errors="replace")
    except zipfile.BadZipFile as exc:
        raise BadDocument(p, f"is a damaged zip package ({exc})") from None
    if _PRES_MAIN in types:
        return data
    if not any(t in types for t in _OTHER_MAINS):
        if "wordprocessingml" in types:
            raise BadDocument(p, "is a Word document, not a PowerPoint deck")
        if "spreadsheetml" in types:
            raise BadDocument(p, "is an Excel workbook, not a PowerPoint deck")
        raise BadDocument(p, "is not a PowerPoint package (no presentation part)")
    new_types = types
    for t in _OTHER_MAINS:
        new_types = new_types.replace(t, _PRES_MAIN)
    # Rewrite the zip with the one changed member; everything else is copied byte for byte.
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename == "[Content_Types].xml":
                dst.writestr(info.filename, new_types.encode("utf-8"))
            else:
                dst.writestr(info, src.read(info.filename))
    return out.getvalue()


def open_presentation(path: str | Path) -> Any:
    """A python-pptx Presentation loaded from a copy of the file's bytes (the file is never touched).

    Accepts .pptx, .pptm, .potx, .potm, .ppsx: the main part's content type is rewritten in memory so
    python-pptx loads it as a presentation; a macro project is dropped from what we would save.

    Raises:
        LegacyFormat, EncryptedDocument, BadDocument, DocumentTooLarge: one line naming the file.
    """
    from lxml import etree
    from pptx import Presentation

    p = Path(path)
    data = _fix_package(read_package_bytes(p), p)
    try:
        prs = Presentation(io.BytesIO(data))
    except (KeyError, ValueError, TypeError, AttributeError, IndexError, zipfile.BadZipFile,
            etree.XMLSyntaxError) as exc:
        detail = re.sub(r"\s+", " ", str(exc))[:120] or type(exc).__name__
        raise BadDocument(p, f"cannot be opened as a presentation ({type(exc).__name__}: {detail}) — "
                             "re-save it in PowerPoint or LibreOffice") from None
    for rel in list(prs.part.rels.values()):
        if rel.reltype == _VBA_RELTYPE:
            prs.part.drop_rel(rel.rId)
    return prs
