"""Writing outputs without ever losing the user's work: temp file in the same folder, then rename.

The temp file is flushed to disk (fsync) before the rename and the folder after it, so a power cut
leaves the old file or the new one, never an empty one. A file overwritten (``force``) keeps its
permission bits; a new one gets the usual ones (0666 minus the umask), not mkstemp's private 0600.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from copilot.errors import OutputExists

__all__ = ["atomic_path", "check_output", "write_bytes", "write_text"]


def _current_umask() -> int:
    mask = os.umask(0o022)  # the only portable way to read it; set straight back
    os.umask(mask)
    return mask


_UMASK = _current_umask()


def _fsync(path: Path) -> None:
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


def _fsync_dir(folder: Path) -> None:
    if sys.platform == "win32":
        return  # no directory handles to flush; NTFS journals the rename
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems (network, FUSE) refuse fsync on a directory
    finally:
        os.close(fd)


def check_output(path: Path, *, force: bool) -> None:
    """Raise OutputExists when ``path`` exists and overwriting was not asked for."""
    if path.exists() and not force:
        raise OutputExists(path)


@contextlib.contextmanager
def atomic_path(path: str | Path, *, force: bool = False) -> Iterator[Path]:
    """Yield a temp path beside ``path``; on success it is renamed into place.

    Save libraries (python-docx, openpyxl, python-pptx) take a path, so the caller writes to the
    yielded one. On an exception the temp file is removed and ``path`` is untouched.
    """
    target = Path(path)
    check_output(target, force=force)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=target.suffix + ".tmp",
                                    dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        # Re-check: another process may have created the output while we worked.
        check_output(target, force=force)
        try:
            mode = stat.S_IMODE(target.stat().st_mode)
        except FileNotFoundError:
            mode = 0o666 & ~_UMASK
        _fsync(tmp)  # before the chmod: the kept mode may be read-only
        os.chmod(tmp, mode)
        os.replace(tmp, target)
        _fsync_dir(target.parent)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def _write(path: str | Path, writer: Callable[[Path], object], force: bool) -> Path:
    with atomic_path(path, force=force) as tmp:
        writer(tmp)
    return Path(path)


def write_bytes(path: str | Path, data: bytes, *, force: bool = False) -> Path:
    return _write(path, lambda p: p.write_bytes(data), force)


def write_text(path: str | Path, text: str, *, force: bool = False) -> Path:
    return _write(path, lambda p: p.write_text(text, encoding="utf-8"), force)
