"""What a polish run is asked to do and what it reports: options, per-paragraph outcomes, the result."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

__all__ = ["Mode", "ParagraphOutcome", "PolishOptions", "PolishResult", "default_output"]

Mode = Literal["track", "clean", "comments"]


@dataclass
class PolishOptions:
    template_id: str = "polish.polish"
    mode: Mode = "track"
    author: str | None = None
    """Tracked-change / comment author; None = the ``author`` setting."""
    concurrency: int | None = None
    skip_headings: bool = False
    min_chars: int = 2
    inputs: dict[str, str] = field(default_factory=dict)
    """Extra template inputs (e.g. ``sample`` for polish.match_style)."""
    use_cache: bool = True
    force: bool = False


@dataclass
class ParagraphOutcome:
    paragraph: int
    """1-based position among all paragraphs (body, then headers/footers, then notes)."""
    part: str
    original: str
    rewrite: str
    status: Literal["changed", "unchanged", "rejected", "skipped"]
    reason: str = ""
    placeholders: tuple[str, ...] = ()
    """The kind of each ``⟦n⟧`` token in the texts, in order (``copilot.documents.docx.markers``)."""


@dataclass
class PolishResult:
    output: Path | None
    paragraphs: int
    changed: int
    unchanged: int
    rejected: list[ParagraphOutcome]
    skipped: list[ParagraphOutcome]
    outcomes: list[ParagraphOutcome]
    tokens_in: int
    tokens_out: int
    seconds: float
    requests: int
    template: str
    mode: Mode
    model: str

    @property
    def nothing_to_polish(self) -> bool:
        return self.paragraphs == 0

    def to_json(self) -> dict[str, Any]:
        return {
            "output": str(self.output) if self.output else None,
            "paragraphs": self.paragraphs,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "rejected": [{"paragraph": o.paragraph, "reason": o.reason} for o in self.rejected],
            "skipped": [{"paragraph": o.paragraph, "reason": o.reason} for o in self.skipped],
            "tokens_in": self.tokens_in,
            "tokens_out": self.tokens_out,
            "seconds": round(self.seconds, 3),
        }


def default_output(src: Path) -> Path:
    # A .docm keeps its macros (every part is copied), so its output must stay macro-enabled:
    # Word refuses a .docx whose content type says macros.
    suffix = ".docm" if src.suffix.lower() == ".docm" else ".docx"
    return src.with_name(f"{src.stem}.polished{suffix}")
