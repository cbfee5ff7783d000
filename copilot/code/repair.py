"""The single repair round: which version to keep, and how to say what happened in one line."""

from __future__ import annotations

from dataclasses import dataclass

from copilot.code.checkers import CheckResult
from copilot.code.extract import Extracted

__all__ = ["REPAIR_TEMPLATE", "Attempt", "keep_better", "needs_repair"]

REPAIR_TEMPLATE = "code.repair"


@dataclass(frozen=True)
class Attempt:
    """One model reply, the code found in it and what the checker said."""

    reply: str
    extracted: Extracted
    check: CheckResult

    @property
    def code(self) -> str:
        return self.extracted.code


def needs_repair(check: CheckResult) -> bool:
    """Only a real failure is worth a second call; "not checked" gives the model nothing to fix."""
    return check.status == "failed"


def keep_better(original: Attempt, repaired: Attempt) -> tuple[Attempt, str]:
    """The version to keep and a one-line outcome. ok beats not checked beats failed; ties keep the original."""
    if repaired.check.rank > original.check.rank:
        return repaired, f"repaired once: the first version failed ({original.check.reason}); " \
                         f"the repaired version {repaired.check.line()}"
    if repaired.check.status == "failed":
        return original, f"repair failed too ({repaired.check.reason}); kept the original, which " \
                         f"{original.check.line()}"
    return original, f"the repair was no better ({repaired.check.line()}); kept the original"
