"""Split a template file into front matter and role sections, and validate the front matter.

Parsing never executes anything: YAML goes through a safe loader (libyaml's when present) and the body is only split
into sections here (Jinja compiles it later, in the sandbox).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

import yaml
from pydantic import ValidationError

from copilot.errors import PromptError
from copilot.prompts.schema import Lang, TemplateSpec

__all__ = ["HEADER_RE", "Section", "escape_header_lines", "parse_template_text", "split_front_matter",
           "split_sections"]

# libyaml's safe loader parses the 40-odd built-ins ~10x faster than the pure-Python one; both are safe.
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


Role = Literal["system", "user", "assistant"]

# A section header is alone on its line: ``system:``, ``user@zh:``, ``assistant@en:``.
HEADER_RE = re.compile(r"^(system|user|assistant)(?:@(zh|en))?:[ \t]*$")
# ``\user:`` is the way to write a literal header line inside a section.
_ESCAPED_HEADER_RE = re.compile(r"^\\((?:system|user|assistant)(?:@(?:zh|en))?:[ \t]*)$")
_FENCE = "---"


@dataclass(frozen=True)
class Section:
    role: Role
    lang: Lang | None
    text: str
    line: int
    """1-based line of the header in the file, for error messages."""


def split_front_matter(text: str, where: str) -> tuple[dict[str, Any], str, int]:
    """Return (front matter mapping, body, 1-based line where the body starts)."""
    text = text.lstrip("\ufeff")
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != _FENCE:
        raise PromptError(f"{where}: the file must start with '---' front matter (see prompts/README.md)")
    for i in range(1, len(lines)):
        if lines[i].strip() == _FENCE:
            head = "".join(lines[1:i])
            body = "".join(lines[i + 1:])
            break
    else:
        raise PromptError(f"{where}: the front matter has no closing '---' line")
    try:
        data = yaml.load(head, Loader=_SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" line {mark.line + 2}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise PromptError(f"{where}:{at} front matter is not valid YAML ({problem})") from None
    if not isinstance(data, dict):
        raise PromptError(f"{where}: the front matter must be a YAML mapping (id:, name:, ...)")
    return data, body, i + 2


def split_sections(body: str, where: str, first_line: int = 1) -> list[Section]:
    """Cut the body at header lines. Text before the first header must be blank."""
    sections: list[Section] = []
    role: Role | None = None
    lang: Lang | None = None
    header_line = 0
    buf: list[str] = []

    def flush() -> None:
        if role is not None:
            sections.append(Section(role, lang, _trim("".join(buf)), header_line))

    for offset, line in enumerate(body.splitlines(keepends=True)):
        stripped = line.rstrip("\r\n")
        m = HEADER_RE.match(stripped)
        if m:
            flush()
            role = m.group(1)  # type: ignore[assignment]
            lang = m.group(2)  # type: ignore[assignment]
            header_line = first_line + offset
            buf = []
            continue
        if role is None:
            if stripped.strip():
                raise PromptError(f"{where}: line {first_line + offset}: text before the first "
                                  f"'system:' or 'user:' section header")
            continue
        esc = _ESCAPED_HEADER_RE.match(stripped)
        buf.append(line[1:] if esc else line)
    flush()
    if not sections:
        raise PromptError(f"{where}: the body has no 'system:' or 'user:' section")
    return sections


def _trim(text: str) -> str:
    # Blank lines around a section are layout, not prompt; inner text is kept exactly.
    return text.strip("\r\n").rstrip() if text.strip() else ""


def escape_header_lines(text: str) -> str:
    """Make foreign text safe to place inside a section: lines that look like headers get a ``\\``."""
    out = []
    for line in text.splitlines(keepends=True):
        bare = line.rstrip("\r\n")
        if HEADER_RE.match(bare) or _ESCAPED_HEADER_RE.match(bare):
            line = "\\" + line
        out.append(line)
    return "".join(out)


def _field_path(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(p) for p in loc if p != "__root__") or "front matter"


def parse_template_text(text: str, where: str) -> tuple[TemplateSpec, list[Section]]:
    """Parse a whole template file. Raises PromptError naming ``where`` and the bad field."""
    data, body, first = split_front_matter(text, where)
    try:
        spec = TemplateSpec.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        more = f" (+{exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        msg = str(err.get("msg", "invalid")).removeprefix("Value error, ")
        raise PromptError(f"{where}: field '{_field_path(tuple(err['loc']))}': {msg}{more}") from None
    sections = split_sections(body, where, first)
    return spec, sections
