"""Render a deck to PNG pages: .pptx → PDF with LibreOffice (``soffice``) → PNG with Ghostscript.

A file job (run off the GUI thread by the app, in a private LibreOffice profile so a running office
never blocks it), bounded in time and cancellable; either tool missing → no pages (``can_render``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from copilot.cancel import CancelToken
from copilot.errors import BadDocument, Cancelled
from copilot.events import Done, Event, Progress, Started

__all__ = ["can_render", "render_deck"]

_RENDER_TIMEOUT_S = 120.0


def can_render() -> bool:
    """True when LibreOffice and Ghostscript are both on PATH."""
    return bool(shutil.which("soffice") and shutil.which("gs"))


def _run(cmd: list[str], cancel: CancelToken, env: dict[str, str] | None = None) -> None:
    process = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    remove = cancel.on_cancel(process.kill)
    try:
        try:
            _, err = process.communicate(timeout=_RENDER_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            raise BadDocument(Path(cmd[-1]), f"{Path(cmd[0]).name} took longer than "
                              f"{_RENDER_TIMEOUT_S:.0f} s to render it") from None
    finally:
        remove()
    cancel.raise_if_cancelled()
    if process.returncode != 0:
        message = (err or b"").decode(errors="replace").strip().splitlines()
        raise BadDocument(Path(cmd[-1]), f"{Path(cmd[0]).name} could not render it"
                          + (f" ({message[-1][:120]})" if message else ""))


def render_deck(pptx: Path, out_dir: Path, cancel: CancelToken, *, dpi: int = 40) -> Iterator[Event]:
    """Job: render ``pptx`` to ``out_dir/slide-NNN.png``; Done(list of paths)."""
    yield Started("render-deck", 2)
    soffice, gs = shutil.which("soffice"), shutil.which("gs")
    if not soffice or not gs:
        yield Done([])
        return
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="desk-copilot-render-") as tmp:
        # A private LibreOffice profile: a running office or another render never blocks this one.
        profile = Path(tmp, "profile").as_uri()
        env = dict(os.environ)
        env.setdefault("HOME", tmp)
        _run([soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore",
              "--convert-to", "pdf", "--outdir", tmp, str(pptx)], cancel, env)
        pdf = Path(tmp, pptx.stem + ".pdf")
        if not pdf.is_file():
            raise BadDocument(pptx, "LibreOffice produced no PDF for it")
        yield Progress(1, 2, "pdf")
        for old in out_dir.glob("slide-*.png"):
            old.unlink()
        _run([gs, "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=png16m", f"-r{dpi}",
              "-dTextAlphaBits=4", "-dGraphicsAlphaBits=4",
              f"-sOutputFile={out_dir / 'slide-%03d.png'}", str(pdf)], cancel)
    if cancel.is_cancelled:
        raise Cancelled()
    yield Progress(2, 2, "png")
    yield Done(sorted(out_dir.glob("slide-*.png")))
