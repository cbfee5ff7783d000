"""Decks benchmark: build a 60-slide deck from Markdown, read it back, read every corpus deck.

Prints absolute times (this machine) and ratios measured in the same run:
  * our build (layouts by type + capacity estimate + overflow split + notes) vs. a bare python-pptx
    build of the same text (layout by index, no measuring) — the cost of doing it properly;
  * reading back vs. building.

    python benchmarks/decks.py [--repeat 3] [--template T.pptx]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from copilot.documents.decks.build import build_presentation, save_deck  # noqa: E402
from copilot.documents.decks.outline import parse_outline, write_outline  # noqa: E402
from copilot.documents.decks.read import read_deck  # noqa: E402
from copilot.errors import DocumentError  # noqa: E402


def sixty_slide_markdown() -> str:
    lines = ["# Benchmark deck: sixty slides", "Generated for benchmarks/decks.py", ""]
    for i in range(60):
        lines.append(f"## Slide {i + 1}: {'客户服务回顾' if i % 4 == 0 else 'quarterly results'}")
        if i % 10 == 5:
            lines.append("<!-- layout: section -->")
        elif i % 10 == 7:
            lines.append("<!-- layout: two-content -->")
        for j in range(5 if i % 9 else 14):  # every 9th slide overflows onto a continuation
            lines.append(f"- Point {j + 1}: revenue grew in every region")
            if j == 1:
                lines.append("  - 满意度提升到百分之九十二")
        if i % 10 == 7:
            lines += ["<!-- column -->", "- Right column point", "- Another one"]
        lines += ["", f"Notes: Speaker notes for slide {i + 1}.", ""]
    return "\n".join(lines).rstrip() + "\n"


def bare_build(md: str, out: Path) -> None:
    """python-pptx the naive way: layout 1 by index, text poured in, nothing measured."""
    from pptx import Presentation

    outline = parse_outline(md)
    prs = Presentation()
    for s in outline.slides:
        slide = prs.slides.add_slide(prs.slide_layouts[1])
        slide.shapes.title.text = s.title
        tf = slide.placeholders[1].text_frame
        for k, b in enumerate(s.bullets + s.right):
            p = tf.paragraphs[0] if k == 0 else tf.add_paragraph()
            p.text, p.level = b.text, b.level
        slide.notes_slide.notes_text_frame.text = s.notes
    prs.save(str(out))


def timed(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--template", type=Path)
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "pptx")
    args = ap.parse_args()
    md = sixty_slide_markdown()
    work = Path(tempfile.mkdtemp(prefix="decks-bench-"))
    deck = work / "sixty.pptx"
    slides = [0]

    def ours() -> None:
        prs, report = build_presentation(parse_outline(md), args.template)
        save_deck(prs, deck, force=True)
        slides[0] = report.slides

    t_ours = timed(ours, args.repeat)
    t_bare = timed(lambda: bare_build(md, work / "bare.pptx"), args.repeat)
    t_read = timed(lambda: read_deck(deck), args.repeat)
    t_parse = timed(lambda: write_outline(parse_outline(md)), args.repeat)

    corpus = sorted(args.corpus.glob("*.pptx"))
    ok = refused = 0
    per_file: list[float] = []
    t0 = time.perf_counter()
    for path in corpus:
        t = time.perf_counter()
        try:
            read_deck(path)
            ok += 1
        except DocumentError:
            refused += 1
        per_file.append(time.perf_counter() - t)
    t_corpus = time.perf_counter() - t0

    print(f"60-slide outline -> {slides[0]} slides (overflow continuations included), median of {args.repeat}")
    print(f"  parse + write Markdown      {t_parse * 1000:8.1f} ms")
    print(f"  build + save (ours)         {t_ours * 1000:8.1f} ms   ({t_ours / slides[0] * 1000:.1f} ms/slide)")
    bare_slides = len(parse_outline(md).slides)
    print(f"  bare python-pptx build      {t_bare * 1000:8.1f} ms   ({t_bare / bare_slides * 1000:.1f} ms/slide, "
          f"{bare_slides} slides: no title slide, nothing split)")
    print(f"  ratio ours / bare per slide {(t_ours / slides[0]) / (t_bare / bare_slides):8.2f} x")
    print(f"  read back (read-deck)       {t_read * 1000:8.1f} ms   (read/build = {t_read / t_ours:.2f})")
    print(f"corpus: {len(corpus)} decks, {ok} read, {refused} refused with a one-line error")
    print(f"  total {t_corpus * 1000:.0f} ms, median {statistics.median(per_file) * 1000:.1f} ms/deck, "
          f"max {max(per_file) * 1000:.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
