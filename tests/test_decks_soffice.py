"""Generated decks open in LibreOffice headless: converted to PDF, one page per slide."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from copilot.documents.decks.build import build_presentation, save_deck
from copilot.documents.decks.outline import Bullet, Outline, Slide, parse_outline
from tests.decks_helpers import SAMPLE_MD, make_potx

pytestmark = pytest.mark.soffice

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def pdf_pages(pdf: Path) -> int:
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True, timeout=60).stdout
        return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))  # type: ignore[union-attr]
    # Without poppler: count page objects (LibreOffice writes uncompressed object headers).
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf.read_bytes()))


def to_pdf(decks: list[Path], out_dir: Path, profile: Path) -> None:
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                    "--convert-to", "pdf", "--outdir", str(out_dir), *map(str, decks)],
                   capture_output=True, check=True, timeout=240)


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_generated_decks_convert_with_one_page_per_slide(tmp_path: Path, corpus_dir: Path) -> None:
    long = tuple(Bullet("Our customer satisfaction programme improved response times across every regional "
                        "centre while keeping costs flat") for _ in range(16))
    overflow = Outline("Overflow deck", ("subtitle",), (Slide("Long", long, "notes"),))
    potx = tmp_path / "company.potx"
    make_potx(corpus_dir / "pptx" / "test_slides.pptx", potx)
    decks: list[tuple[Path, int]] = []
    for name, outline, template in [("sample.pptx", parse_outline(SAMPLE_MD), potx),
                                    ("overflow.pptx", overflow, None)]:
        prs, report = build_presentation(outline, template)
        decks.append((save_deck(prs, tmp_path / name), report.slides))
    assert decks[1][1] > 2  # the long slide was split
    out_dir = tmp_path / "pdf"
    to_pdf([d for d, _ in decks], out_dir, tmp_path / "lo-profile")
    for deck, slides in decks:
        assert pdf_pages(out_dir / (deck.stem + ".pdf")) == slides
