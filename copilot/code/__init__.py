"""Code snippets: the language table, extracting code from a reply, syntax checks, the repair choice.

Generated code is data. Nothing in this package executes it: checkers parse (in-process or with a
tool's syntax-only mode), and the task in ``copilot.tasks.generate_code`` ties the pieces together.
"""

from __future__ import annotations

from copilot.code.checkers import CheckResult, Status, check_code, checker_tool
from copilot.code.extract import Extracted, extract_code
from copilot.code.languages import LANGUAGES, Language, guess_language, language_for_path, resolve_language
from copilot.code.repair import Attempt, keep_better

__all__ = [
    "LANGUAGES",
    "Attempt",
    "CheckResult",
    "Extracted",
    "Language",
    "Status",
    "check_code",
    "checker_tool",
    "extract_code",
    "guess_language",
    "keep_better",
    "language_for_path",
    "resolve_language",
]
