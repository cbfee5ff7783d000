"""The deterministic half of a deck critique: checks that need no model."""

from __future__ import annotations

from dataclasses import dataclass

from copilot.documents.decks.read import DeckReading

__all__ = ["MAX_BULLETS", "MAX_WORDS", "MIN_FONT_PT", "Finding", "check_deck", "findings_markdown"]

MAX_WORDS = 80
"""Words per slide above which a slide reads as a document (a Chinese character counts as half a word)."""
MAX_BULLETS = 7
MIN_FONT_PT = 18.0


@dataclass(frozen=True)
class Finding:
    slide: int
    kind: str  # words | no-title | small-font | bullets
    message: str

    def __str__(self) -> str:
        return f"slide {self.slide}: {self.message}"


def check_deck(reading: DeckReading) -> list[Finding]:
    """Words per slide, slides without a title, fonts under 18 pt, more than 7 bullets."""
    out: list[Finding] = []
    for f in reading.facts:
        if not f.title.strip():
            out.append(Finding(f.number, "no-title", "has no title — add one so the deck can be navigated"))
        if f.words > MAX_WORDS:
            out.append(Finding(f.number, "words", f"{f.words} words (more than {MAX_WORDS}) — move detail to "
                                                  "the speaker notes or split the slide"))
        if f.bullets > MAX_BULLETS:
            out.append(Finding(f.number, "bullets", f"{f.bullets} bullets (more than {MAX_BULLETS}) — split "
                                                    "the slide or group the points"))
        if f.small_fonts:
            sizes = ", ".join(f"{s:g}" for s in f.small_fonts)
            out.append(Finding(f.number, "small-font", f"text at {sizes} pt (under {MIN_FONT_PT:g} pt) is hard "
                                                       "to read when projected"))
    return out


def findings_markdown(reading: DeckReading, findings: list[Finding]) -> str:
    lines = ["| slide | title | words | bullets |", "|---:|---|---:|---:|"]
    for f in reading.facts:
        title = f.title.replace("|", "/") or "(no title)"
        lines.append(f"| {f.number} | {title} | {f.words} | {f.bullets} |")
    lines.append("")
    if findings:
        lines.extend(f"- {x}" for x in findings)
    else:
        lines.append("- no problems found by the automatic checks")
    return "\n".join(lines)
