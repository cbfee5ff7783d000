"""The language table: canonical names, aliases, Markdown fence tags, file extensions, templates.

One row per language the ``code`` command knows. Everything else in ``copilot.code`` looks a
language up here, so adding a language is one row plus (optionally) a checker.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from copilot.errors import UsageError

__all__ = ["LANGUAGES", "Language", "guess_language", "language_for_path", "resolve_language"]


@dataclass(frozen=True)
class Language:
    name: str
    """Canonical name, as passed to ``--lang`` and to templates."""
    display: str
    aliases: tuple[str, ...]
    """Other names a user may type for ``--lang``."""
    fence_tags: tuple[str, ...]
    """Info strings a model puts after ``` for this language (lower case)."""
    extension: str
    template: str = "code.snippet"
    """The built-in template used when ``--template`` is not given."""
    one_line: bool = False
    """Formulas and patterns: the code is one expression, often given inline without fences."""
    related: tuple[str, ...] = ()
    """Fence tags accepted as a second choice (a TypeScript answer tagged ```js)."""


LANGUAGES: dict[str, Language] = {lang.name: lang for lang in (
    Language("python", "Python", ("py", "python3", "py3"), ("python", "py", "python3", "py3", "pycon"), ".py"),
    Language("javascript", "JavaScript", ("js", "node", "nodejs", "ecmascript"),
             ("javascript", "js", "node", "mjs", "cjs", "jsx"), ".js", related=("typescript", "ts")),
    Language("typescript", "TypeScript", ("ts",), ("typescript", "ts", "tsx"), ".ts",
             related=("javascript", "js")),
    Language("sql", "SQL", ("duckdb", "postgres", "postgresql", "mysql", "sqlite", "tsql"),
             ("sql", "duckdb", "postgres", "postgresql", "pgsql", "mysql", "sqlite", "tsql", "plsql"), ".sql",
             template="code.sql"),
    Language("bash", "Bash", ("sh", "shell", "zsh"), ("bash", "sh", "shell", "zsh", "console", "shellscript"),
             ".sh", template="code.shell"),
    Language("powershell", "PowerShell", ("pwsh", "ps", "ps1"), ("powershell", "pwsh", "ps1", "ps"), ".ps1",
             template="code.shell"),
    Language("vba", "VBA", ("vb", "excel-vba", "macro", "vb6"), ("vba", "vb", "vbnet", "vb6", "visualbasic"),
             ".bas", template="code.vba"),
    Language("excel-formula", "Excel formula", ("excel", "formula", "xlsx", "excel_formula", "spreadsheet"),
             ("excel", "excel-formula", "formula", "xlsx", "xls"), ".txt", one_line=True),
    Language("regex", "Regular expression", ("re", "regexp", "regular-expression"),
             ("regex", "regexp", "re"), ".txt", template="code.regex", one_line=True),
    Language("json", "JSON", ("jsonc",), ("json", "jsonc", "json5"), ".json"),
    Language("html", "HTML", ("htm", "xhtml"), ("html", "htm", "xhtml"), ".html"),
    Language("css", "CSS", (), ("css",), ".css"),
    Language("java", "Java", (), ("java",), ".java"),
    Language("go", "Go", ("golang",), ("go", "golang"), ".go"),
    Language("c", "C", (), ("c", "h"), ".c", related=("cpp", "c++")),
    Language("cpp", "C++", ("c++", "cxx", "cc"), ("cpp", "c++", "cxx", "cc", "hpp"), ".cpp",
             related=("c", "h")),
)}

# Fences that say nothing about the language: accepted for any language.
GENERIC_TAGS = frozenset({"", "text", "txt", "plaintext", "plain", "code", "none"})

_EXTENSIONS = {
    ".py": "python", ".pyw": "python", ".js": "javascript", ".mjs": "javascript", ".cjs": "javascript",
    ".ts": "typescript", ".sql": "sql", ".sh": "bash", ".bash": "bash", ".ps1": "powershell",
    ".bas": "vba", ".vba": "vba", ".cls": "vba", ".json": "json", ".html": "html", ".htm": "html",
    ".css": "css", ".java": "java", ".go": "go", ".c": "c", ".h": "c", ".cpp": "cpp", ".cc": "cpp",
    ".cxx": "cpp", ".hpp": "cpp", ".re": "regex", ".regex": "regex",
}

# Words in a request that name a language, tried in order (the more specific first).
_HINTS: tuple[tuple[str, str], ...] = (
    (r"\bexcel\s*(formula|公式)|excel\s*函数|\bformula\b|公式", "excel-formula"),
    (r"\bvba\b|\bmacro\b|宏", "vba"),
    (r"\bpowershell\b|\bpwsh\b", "powershell"),
    (r"\btypescript\b", "typescript"),
    (r"\bjavascript\b|\bnode(\.?js)?\b", "javascript"),
    (r"\bregex\b|\bregexp\b|regular expression|正则", "regex"),
    (r"\bsql\b|\bquery\b|查询语句", "sql"),
    (r"\bbash\b|\bshell\b|\bscript\b.*\blinux\b|脚本", "bash"),
    (r"\bjson\b", "json"),
    (r"\bhtml\b|网页", "html"),
    (r"\bcss\b|样式表", "css"),
    (r"\bjava\b", "java"),
    (r"\bgolang\b|\bgo\b(?= (program|function|code))", "go"),
    (r"\bc\+\+|\bcpp\b", "cpp"),
    (r"\bc (program|function|code)\b|\bin c\b|c 语言|c语言", "c"),
    (r"\bpython\b", "python"),
)


def _key(name: str) -> str:
    return name.strip().lower().replace("_", "-").replace(" ", "-")


def resolve_language(name: str) -> Language:
    """The language called ``name`` (canonical name or alias). UsageError with close matches otherwise."""
    key = _key(name)
    if key in LANGUAGES:
        return LANGUAGES[key]
    for lang in LANGUAGES.values():
        if key in lang.aliases:
            return lang
    known = sorted(set(LANGUAGES) | {a for lang in LANGUAGES.values() for a in lang.aliases})
    close = difflib.get_close_matches(key, known, n=3)
    hint = f" (did you mean {', '.join(close)}?)" if close else ""
    raise UsageError(f"unknown language '{name}'{hint} — choose one of: {', '.join(LANGUAGES)}")


def language_for_path(path: str | Path) -> Language | None:
    """The language a file name suggests (``report.sql`` → sql), or None."""
    name = _EXTENSIONS.get(Path(path).suffix.lower())
    return LANGUAGES[name] if name else None


def guess_language(task: str) -> Language | None:
    """The language a request names ("Excel 公式：…", "a regex for …"), or None."""
    lowered = task.lower()
    for pattern, name in _HINTS:
        if re.search(pattern, lowered):
            return LANGUAGES[name]
    return None
