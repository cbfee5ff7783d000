"""Legacy Office files (.doc, .ppt, .xls): a converted copy in the modern format, by LibreOffice.

The original is never touched: LibreOffice reads it and writes the copy into a private temp dir
(its own profile there too, so a running LibreOffice of the user's is not disturbed). The caller
works on the copy; outputs are still named after the original.

    if is_legacy(path):
        with converted_copy(path) as modern:      # LegacyFormat (one line naming the fix) without soffice
            polish(modern, output=default_output(path.with_suffix(".docx")))
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from copilot.errors import BadDocument, LegacyFormat

__all__ = ["CONVERT_TIMEOUT", "MODERN", "convert_beside", "converted_copy", "is_legacy", "legacy_error", "soffice"]

MODERN = {".doc": ".docx", ".ppt": ".pptx", ".xls": ".xlsx"}
CONVERT_TIMEOUT = 180.0
_KIND = {".doc": "Word 97–2003", ".ppt": "PowerPoint 97–2003", ".xls": "Excel 97–2003"}


def is_legacy(path: Path) -> bool:
    return path.suffix.lower() in MODERN


def soffice() -> str | None:
    """LibreOffice's command-line program, if installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def legacy_error(path: Path, flag: str = "--convert") -> LegacyFormat:
    """The one-line refusal: how to go on here (``flag``), or what to install."""
    suffix = path.suffix.lower()
    modern = MODERN.get(suffix, ".docx")
    if soffice() is not None:
        how = f"run again with {flag} to work on a converted {modern} copy (the original is not changed)"
    else:
        how = f"install LibreOffice to convert a copy, or save it as {modern} in Office"
    return LegacyFormat(path, f"is a legacy {_KIND.get(suffix, 'Office')} file ({suffix}); {how}")


@contextlib.contextmanager
def converted_copy(path: Path, timeout: float = CONVERT_TIMEOUT) -> Iterator[Path]:
    """Yield a modern-format copy of the legacy ``path`` (deleted afterwards)."""
    program = soffice()
    if program is None:
        raise legacy_error(path)
    target = MODERN[path.suffix.lower()].lstrip(".")
    with tempfile.TemporaryDirectory(prefix="desk-copilot-convert-") as tmp:
        work = Path(tmp)
        source = work / f"{path.stem}{path.suffix.lower()}"  # same stem: a title taken from the name stays
        shutil.copyfile(path, source)  # LibreOffice reads a copy: the original is not even opened by it
        try:
            subprocess.run([program, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless",
                            "--norestore", "--convert-to", target, "--outdir", str(work / "out"), str(source)],
                           capture_output=True, timeout=timeout, check=False, stdin=subprocess.DEVNULL, cwd=work)
        except subprocess.TimeoutExpired:
            raise BadDocument(path, f"LibreOffice did not convert it within {timeout:.0f} s") from None
        except OSError as exc:
            raise BadDocument(path, f"LibreOffice could not run ({exc.strerror or exc})") from None
        result = work / "out" / f"{path.stem}.{target}"
        if not result.is_file() or result.stat().st_size == 0:
            raise BadDocument(path, f"LibreOffice could not convert it to {target}; open it in Office and save "
                                    f"as .{target}")
        yield result


def convert_beside(path: Path) -> Path:
    """Convert ``path`` into a new file beside it (``memo.doc`` → ``memo.converted.docx``, numbered if
    taken) and return that; the app opens the copy so its outputs land beside the original."""
    from copilot.atomic import write_bytes

    modern = MODERN[path.suffix.lower()]
    target = path.with_name(f"{path.stem}.converted{modern}")
    n = 2
    while target.exists():
        target = path.with_name(f"{path.stem}.converted-{n}{modern}")
        n += 1
    with converted_copy(path) as copy:
        return write_bytes(target, copy.read_bytes())
