"""Shared helpers for the decks tests (not a test module)."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

from copilot.documents.decks.outline import Bullet, Outline, Slide

# Corpus decks whose layouts qualify as templates (title + one body placeholder at least).
TEMPLATE_DECKS = ["lyt-shapes.pptx", "mst-slide-layouts.pptx", "ph-inherit-props.pptx", "shp-shapes.pptx",
                  "prs-add-slide.pptx", "test_slides.pptx"]

SAMPLE_MD = """# Q3 Customer Service Review
Management briefing
October 2026

## Agenda
- Results
- Issues
  - Staffing
    - Night shift
- Next steps

Notes: Keep this short.
Second line of notes.

## Results
<!-- layout: section -->
- Numbers for the quarter

## Comparison
<!-- layout: two-content -->
- Left one
  - detail
- Left two
<!-- column -->
- Right one

## 客户满意度
- 满意度提升到百分之九十二
  - 投诉下降百分之十五

Notes: 重点讲投诉下降的原因。

## Thank you
<!-- layout: closing -->
- Questions?
"""


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def outline_for(kinds: frozenset[str]) -> Outline:
    """A round-trip outline using only the slide kinds a template has layouts of its own for."""
    slides = [
        Slide("Why we are here", (Bullet("Customer numbers are up"), Bullet("Costs are flat", 0),
                                  Bullet("Detail under costs", 1)), "Open with the good news.\nThen costs."),
        Slide("数据一览", (Bullet("满意度 92%"), Bullet("响应时间 2 小时", 1)), "讲数据。"),
    ]
    if "section" in kinds:
        slides.insert(0, Slide("Part one", (Bullet("Overview"),), "", "section"))
    if "two-content" in kinds:
        slides.append(Slide("Before and after", (Bullet("Before"), Bullet("slow", 1)), "", "two-content",
                            (Bullet("After"), Bullet("fast", 1))))
    if "closing" in kinds:
        slides.append(Slide("Thank you", (Bullet("Questions?"),), "", "closing"))
    return Outline("Round trip deck", ("Subtitle line",), tuple(slides))


def make_potx(pptx: Path, potx: Path) -> None:
    """A .potx made from a .pptx the way PowerPoint differs: the main part's content type."""
    src = zipfile.ZipFile(pptx)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"presentationml.presentation.main+xml", b"presentationml.template.main+xml")
            dst.writestr(info, data)
    potx.write_bytes(out.getvalue())
