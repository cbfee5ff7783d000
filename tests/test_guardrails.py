"""Guardrails that keep the code base readable: no module over 800 lines (copilot/ and ui/)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIMIT = 800


def test_no_module_over_800_lines() -> None:
    long = {str(p.relative_to(ROOT)): n for p in sorted([*ROOT.glob("copilot/**/*.py"), *ROOT.glob("ui/**/*.py")])
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > LIMIT}
    assert not long, f"split these by concern (limit {LIMIT} lines): {long}"
