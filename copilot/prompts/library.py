"""The user's template library: create, copy-on-write edit, delete, and a version per save.

A user template is ``data_dir()/prompts/<id>.md``. Every save also writes the text to
``.versions/<id>/<n>.md`` (n = 1, 2, ...), so ``history`` / ``diff`` / ``revert`` work and nothing
the user wrote is ever lost: a revert is itself a new version, a delete keeps the history, and a
file edited outside the app is snapshotted before the next change.
"""

from __future__ import annotations

import difflib
import re
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from copilot.atomic import write_text
from copilot.errors import OutputExists, PromptError
from copilot.prompts.loader import builtin_templates, get_template, invalidate, user_prompts_dir
from copilot.prompts.schema import ID_PATTERN
from copilot.prompts.template import Template

__all__ = [
    "VersionInfo",
    "create_template",
    "delete_template",
    "diff_versions",
    "ensure_user_copy",
    "history",
    "read_version",
    "revert",
    "save_template_text",
    "set_front_field",
    "user_path",
]

_lock = threading.RLock()


@dataclass(frozen=True)
class VersionInfo:
    number: int
    path: Path
    saved_at: datetime
    template_version: int | None
    """The ``version:`` field inside that save, when it parses."""


def _check_id(template_id: str) -> None:
    if not ID_PATTERN.fullmatch(template_id):
        raise PromptError(f"'{template_id}' is not a template id like 'category.name' "
                          f"(lowercase letters, digits, _ and -)")


def user_path(template_id: str) -> Path:
    _check_id(template_id)
    return user_prompts_dir() / f"{template_id}.md"


def _versions_dir(template_id: str) -> Path:
    _check_id(template_id)
    return user_prompts_dir() / ".versions" / template_id


def _version_files(template_id: str) -> list[tuple[int, Path]]:
    folder = _versions_dir(template_id)
    if not folder.is_dir():
        return []
    out = [(int(p.stem), p) for p in folder.glob("*.md") if p.stem.isdigit()]
    return sorted(out)


def _record(template_id: str, text: str) -> int:
    """Keep ``text`` as the next version unless it equals the latest one. Returns its number."""
    with _lock:
        files = _version_files(template_id)
        if files and files[-1][1].read_text(encoding="utf-8") == text:
            return files[-1][0]
        number = files[-1][0] + 1 if files else 1
        while True:
            try:
                write_text(_versions_dir(template_id) / f"{number}.md", text)
                return number
            except OutputExists:  # another process saved meanwhile
                number += 1


def _snapshot_current(template_id: str) -> None:
    """Record the user file as a version if it was changed outside ``save`` (an external editor)."""
    path = user_path(template_id)
    if path.is_file():
        _record(template_id, path.read_text(encoding="utf-8"))


_FRONT_LINE = re.compile(r"^(?P<key>[A-Za-z_][A-Za-z0-9_]*)\s*:")


def set_front_field(text: str, key: str, value: str | None) -> str:
    """Set (or with ``None`` remove) a top-level scalar field in the front matter, keeping the rest."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise PromptError("template text has no front matter")
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        raise PromptError("template front matter has no closing '---'")
    newline = "\r\n" if lines[0].endswith("\r\n") else "\n"
    new_line = f"{key}: {value}{newline}" if value is not None else None
    for i in range(1, end):
        m = _FRONT_LINE.match(lines[i])
        if m and m.group("key") == key:
            # A block value continues on indented lines; replace those too.
            j = i + 1
            while j < end and (lines[j].startswith((" ", "\t")) or not lines[j].strip()):
                j += 1
            lines[i:j] = [new_line] if new_line else []
            return "".join(lines)
    if new_line:
        lines.insert(end, new_line)
    return "".join(lines)


def save_template_text(text: str, *, expected_id: str | None = None, where: str | None = None) -> Template:
    """Validate ``text`` and save it as the user's template (a new version). Returns the template."""
    tpl = Template.from_text(text, origin="user", where=where or (expected_id or "template"))
    if expected_id is not None and tpl.id != expected_id:
        raise PromptError(f"{where or expected_id}: the id was changed to '{tpl.id}'; keep 'id: {expected_id}' "
                          f"or use `prompts new {tpl.id} --from {expected_id}`")
    with _lock:
        _snapshot_current(tpl.id)
        path = user_path(tpl.id)
        write_text(path, text, force=True)
        invalidate(path)
        _record(tpl.id, text)
    return Template.from_file(path, "user")


def ensure_user_copy(template_id: str) -> Path:
    """The user's file for ``template_id``, copying the built-in first (copy-on-write)."""
    path = user_path(template_id)
    if path.is_file():
        return path
    builtin = builtin_templates().get(template_id)
    if builtin is None:
        get_template(template_id)  # raises with close matches
        raise PromptError(f"no template '{template_id}' to edit")
    text = set_front_field(builtin.source_text, "based_on_version", str(builtin.version))
    save_template_text(text, expected_id=template_id)
    return path


_SKELETON = """---
id: {id}
name: {{zh: 新模板, en: New template}}
description: {{zh: 说明这个模板做什么, en: Say what this template does}}
category: {category}
tags: []
version: 1
applies_to: text
inputs:
  text:
    type: text
    source: selection
    description: {{zh: 要处理的文字, en: The text to work on}}
model: {{temperature: 0.3, max_tokens: 1024}}
output: popup
tests:
  - inputs: {{text: "示例文字"}}
    lang: zh
    assert:
      - {{type: max_chars, value: 2000}}
---
system@zh:
你是……（角色）。背景：……。任务：……。要求：……。输出格式：……。
user@zh:
{{{{ text }}}}
system@en:
You are ... (role). Context: ... Task: ... Constraints: ... Output format: ...
user@en:
{{{{ text }}}}
"""


def create_template(template_id: str, *, from_id: str | None = None) -> Template:
    """A new user template: a copy of ``from_id`` (duplicate) or a bilingual skeleton."""
    _check_id(template_id)
    if user_path(template_id).exists():
        raise PromptError(f"you already have a template '{template_id}'; edit it with `prompts edit {template_id}`")
    if from_id is None and template_id in builtin_templates():
        raise PromptError(f"'{template_id}' is a built-in; `prompts edit {template_id}` makes your own copy")
    category = template_id.split(".", 1)[0]
    if from_id is not None:
        source = get_template(from_id)
        text = set_front_field(source.source_text, "id", template_id)
        text = set_front_field(text, "category", category)
        text = set_front_field(text, "based_on_version", None)
        text = set_front_field(text, "version", "1")
    else:
        text = _SKELETON.format(id=template_id, category=category)
    return save_template_text(text, expected_id=template_id)


def delete_template(template_id: str) -> bool:
    """Delete the user's copy (its versions are kept). Returns True when a built-in now shows again."""
    path = user_path(template_id)
    if not path.is_file():
        if template_id in builtin_templates():
            raise PromptError(f"'{template_id}' is a built-in and cannot be deleted (you have no copy to delete)")
        get_template(template_id)
        raise PromptError(f"no user template '{template_id}'")
    with _lock:
        _snapshot_current(template_id)
        path.unlink()
        invalidate(path)
    return template_id in builtin_templates()


def history(template_id: str) -> list[VersionInfo]:
    """Saved versions of the user's template, oldest first."""
    with _lock:
        _snapshot_current(template_id)
        out = []
        for number, path in _version_files(template_id):
            try:
                tv: int | None = Template.from_file(path, "user").version
            except PromptError:
                tv = None
            saved = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
            out.append(VersionInfo(number, path, saved, tv))
        return out


def read_version(template_id: str, which: str | int) -> tuple[str, str]:
    """(label, text) for a version number, ``current`` (the user file) or ``builtin``."""
    if which == "builtin":
        builtin = builtin_templates().get(template_id)
        if builtin is None:
            raise PromptError(f"'{template_id}' has no built-in version")
        return f"{template_id} (built-in v{builtin.version})", builtin.source_text
    if which == "current":
        path = user_path(template_id)
        if not path.is_file():
            return read_version(template_id, "builtin")
        return f"{template_id} (current)", path.read_text(encoding="utf-8")
    try:
        number = int(which)
    except ValueError:
        raise PromptError(f"'{which}' is not a version number, 'current' or 'builtin'") from None
    for n, path in _version_files(template_id):
        if n == number:
            return f"{template_id} @{n}", path.read_text(encoding="utf-8")
    known = ", ".join(str(n) for n, _ in _version_files(template_id)) or "none"
    raise PromptError(f"'{template_id}' has no version {number} (versions: {known}); see `prompts history`")


def diff_versions(template_id: str, v1: str | int | None = None, v2: str | int | None = None) -> str:
    """Unified diff. Defaults: the previous save against the current one, or built-in against the copy."""
    with _lock:
        _snapshot_current(template_id)
    if v1 is None:
        files = _version_files(template_id)
        if v2 is None and len(files) >= 2:
            v1, v2 = files[-2][0], files[-1][0]
        elif template_id in builtin_templates():
            v1, v2 = "builtin", v2 if v2 is not None else "current"
        else:
            return ""
    elif v2 is None:
        v2 = "current"
    label1, text1 = read_version(template_id, v1)
    label2, text2 = read_version(template_id, v2)
    return "".join(difflib.unified_diff(text1.splitlines(keepends=True), text2.splitlines(keepends=True),
                                        fromfile=label1, tofile=label2))


def revert(template_id: str, number: int) -> Template:
    """Make version ``number`` current again (recorded as a new version)."""
    _, text = read_version(template_id, number)
    return save_template_text(text, expected_id=template_id)

