"""``prompts lint``: every template parses, uses exactly its inputs, is bilingual and tested."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from copilot import paths
from copilot.errors import CopilotError
from copilot.prompts.checks import check_reply
from copilot.prompts.lang import cjk_count
from copilot.prompts.loader import _files, _load
from copilot.prompts.runner import run_case_offline
from copilot.prompts.schema import Lang
from copilot.prompts.template import Template, select_sections

__all__ = ["LintProblem", "lint_builtins", "lint_template", "lint_templates"]

_JINJA_RE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_LATIN_WORD_RE = re.compile(r"[A-Za-z]{2,}")
_LANGS: tuple[Lang, ...] = ("zh", "en")
JUNK_REPLIES = ("", "OK.")
"""Replies a useful test must reject: built-in tests that accept these test nothing."""


@dataclass(frozen=True)
class LintProblem:
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def _static_text(tpl: Template, lang: Lang) -> str:
    return "\n".join(_JINJA_RE.sub(" ", s.text) for s in select_sections(tpl.sections, lang))


def lint_template(tpl: Template, *, builtin: bool = True) -> list[LintProblem]:
    """Problems with one template. ``builtin`` adds the rules for shipped templates."""
    where = str(tpl.path) if tpl.path else tpl.id
    problems: list[str] = []
    spec = tpl.spec

    if builtin and tpl.path is not None:
        if tpl.path.stem != spec.id:
            problems.append(f"file name should be {spec.id}.md")
        if tpl.path.parent.name != spec.category:
            problems.append(f"file should be in the folder {spec.category}/")
    if not spec.id.startswith(spec.category + "."):
        problems.append(f"id '{spec.id}' should start with the category '{spec.category}.'")

    for field_name in ("name", "description"):
        text = getattr(spec, field_name)
        for lang in ("zh", "en"):
            if not getattr(text, lang).strip():
                problems.append(f"{field_name}.{lang} is empty")
    if builtin and spec.name.zh and not cjk_count(spec.name.zh + spec.description.zh):
        problems.append("name/description zh has no Chinese text")

    # Bodies: each language must resolve to sections written in that language.
    for lang in _LANGS:
        chosen = select_sections(tpl.sections, lang)
        if not any(s.role == "user" for s in chosen):
            problems.append(f"no user section for {lang}")
        if builtin:
            static = _static_text(tpl, lang)
            if lang == "zh" and cjk_count(static) < 5:
                problems.append("the zh body has no Chinese instructions (add system@zh:/user@zh:)")
            if lang == "en" and len(_LATIN_WORD_RE.findall(static)) < 5:
                problems.append("the en body has no English instructions (add system@en:/user@en:)")

    try:
        used = tpl.variables_used()
    except CopilotError as exc:
        problems.append(str(exc))
        used = set(spec.inputs)
    declared = set(spec.inputs)
    if used - declared:
        problems.append(f"variables used but not declared in inputs: {', '.join(sorted(used - declared))}")
    if declared - used:
        problems.append(f"inputs declared but never used: {', '.join(sorted(declared - used))}")

    if spec.output == "json" and not spec.model.response_schema:
        problems.append("output: json needs model.response_schema")
    if spec.model.response_schema is not None:
        try:
            import jsonschema

            jsonschema.validators.validator_for(spec.model.response_schema).check_schema(
                spec.model.response_schema)
        except jsonschema.SchemaError as exc:
            problems.append(f"model.response_schema is not a valid JSON schema: {exc.message}")

    if not spec.tests:
        problems.append("no tests (add at least one example under tests:)")
    for i, case in enumerate(spec.tests):
        label = f"test {case.name or '#' + str(i + 1)}"
        unknown = set(case.inputs) - declared
        if unknown:
            problems.append(f"{label}: inputs not declared: {', '.join(sorted(unknown))}")
        if not case.assert_:
            problems.append(f"{label}: no assertions")
        if builtin and case.fixture_reply is None:
            problems.append(f"{label}: no fixture_reply (needed to replay the test in CI)")
        if case.fixture_reply is not None or builtin:
            result = run_case_offline(tpl, i, case)
            for failure in result.failures():
                if case.fixture_reply is None and failure.startswith("no fixture_reply"):
                    continue
                problems.append(f"{label}: fixture_reply fails: {failure}" if not result.error
                                else f"{label}: {failure}")
    if builtin and spec.tests:
        for junk in JUNK_REPLIES:
            if all(all(c.ok for c in check_reply(junk, case.assert_, case.inputs, spec.model.response_schema))
                   for case in spec.tests):
                problems.append(f"the tests pass even when the model replies {junk!r}; add assertions "
                                f"that check the content (contains, regex, language, json_schema ...)")
    return [LintProblem(where, p) for p in problems]


def lint_templates(templates: Iterable[Template], *, builtin: bool = True) -> list[LintProblem]:
    out: list[LintProblem] = []
    for tpl in templates:
        out.extend(lint_template(tpl, builtin=builtin))
    return out


def lint_builtins(root: Path | None = None) -> list[LintProblem]:
    """Lint every file under the built-in prompts folder, including files that fail to parse."""
    root = root or paths.builtin_prompts_dir()
    problems: list[LintProblem] = []
    seen: dict[str, Path] = {}
    for path in _files(root):
        result = _load(path, "builtin")
        if isinstance(result, CopilotError):
            problems.append(LintProblem(str(path), str(result).removeprefix(f"{path}: ")))
            continue
        if result.id in seen:
            problems.append(LintProblem(str(path), f"id '{result.id}' is also used by {seen[result.id]}"))
            continue
        seen[result.id] = path
        problems.extend(lint_template(result, builtin=True))
    return problems
