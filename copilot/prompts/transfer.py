"""Import foreign prompt collections into the user library, and export templates.

Formats read: awesome-chatgpt-prompts CSV (``act,prompt``), JSON lists of ``{act, prompt}``,
Fabric pattern folders (``NAME/system.md``), Prompty files (``.prompty``) and our own template
files (``.md``, folders of them, or a ``.zip`` made by ``export``).

Imports never execute anything: YAML is read with ``safe_load``, archives are read in memory
(never extracted), and foreign text has its Jinja delimiters escaped so a ``{{`` renders literally.
Only Prompty's plain ``{{ name }}`` variables are kept, as declared inputs.

Imported files are untrusted: a ``hotkey`` in their front matter is removed (a hotkey is only ever
set by the user in the app), only regular files are read, each with a size cap that does not trust
the reported size, and no symlink may lead outside the folder being imported (``system.md →
/proc/self/environ`` would import the environment, ``→ /dev/zero`` would read forever).

    preview = preview_import(path)        # what would be added, for review (nothing written yet)
    report = import_preview(preview)      # add exactly what was reviewed
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import stat
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from copilot.atomic import atomic_path, check_output, write_text
from copilot.errors import CopilotError, PromptError
from copilot.prompts.lang import detect_language
from copilot.prompts.library import save_template_text, set_front_field, user_path
from copilot.prompts.loader import get_template
from copilot.prompts.parse import escape_header_lines, split_front_matter
from copilot.prompts.template import Template

__all__ = ["ImportPreview", "ImportReport", "escape_jinja", "export_templates", "import_path", "import_preview",
           "preview_import", "slugify"]

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ITEMS = 5000
_VAR_RE = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
_ESCAPE_RE = re.compile(r"(\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\})|\{(?=[{%#])")
_PROMPTY_ROLE_RE = re.compile(r"^\s*#?\s*(system|user|assistant)\s*:\s*$", re.IGNORECASE)


@dataclass
class ImportReport:
    imported: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    """(item, why) for everything not imported."""
    notes: list[tuple[str, str]] = field(default_factory=list)
    """(item, what was changed) for imported items, e.g. a hotkey removed."""


@dataclass(frozen=True)
class _Candidate:
    label: str
    text: str | None = None
    """A complete template file."""
    reason: str | None = None
    """Set instead of ``text`` when the item cannot be imported."""
    note: str | None = None
    """What the import changed in the item (shown to the user)."""


@dataclass(frozen=True)
class ImportPreview:
    """What an import would add: every candidate's final text (for review) or why it is skipped."""

    source: Path
    candidates: tuple[_Candidate, ...]

    def items(self) -> list[tuple[str, str | None, str | None]]:
        """(label, text or None, reason-or-note) per candidate."""
        return [(c.label, c.text, c.reason or c.note) for c in self.candidates]


def escape_jinja(text: str, keep_vars: frozenset[str] = frozenset()) -> str:
    """Make foreign text render literally; ``{{ name }}`` for names in ``keep_vars`` stays a variable."""

    def sub(m: re.Match[str]) -> str:
        if m.group(1) is not None:
            if m.group(2) in keep_vars:
                return "{{ " + m.group(2) + " }}"
            return "{{ '{' }}" + m.group(1)[1:]
        return "{{ '{' }}"

    # The variable alternative is tried first at each position, so a kept variable is never split.
    return _ESCAPE_RE.sub(sub, text)


def slugify(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:48].strip("_")
    if not slug:
        slug = "p" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]
    elif not slug[0].isalnum():
        slug = "p" + slug
    return slug


def _dump_front(data: dict[str, Any]) -> str:
    return "---\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000) + "---\n"


def _imported_front(template_id: str, title: str, origin: str, lang: str,
                    inputs: dict[str, dict[str, Any]], model: dict[str, Any],
                    sample: dict[str, Any] | None) -> str:
    sample = sample if sample is not None else {name: ("你好" if lang == "zh" else "hello") for name in inputs}
    front: dict[str, Any] = {
        "id": template_id,
        "name": {"zh": title, "en": title},
        "description": {"zh": f"导入自 {origin}", "en": f"Imported from {origin}"},
        "category": "imported",
        "tags": ["imported", f"lang:{lang}"],
        "version": 1,
        "applies_to": "any",
        "inputs": inputs,
        "model": model,
        "output": "popup",
        "origin": origin,
        "tests": [{"inputs": sample, "lang": lang, "assert": [{"type": "min_chars", "value": 1}]}],
    }
    # A huge width: no folded lines, so no YAML line can ever look like the closing '---'.
    return "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False, width=2**30) + "---\n"


_INPUT_SPEC: dict[str, Any] = {
    "type": "text", "source": "user",
    "description": {"zh": "你的请求或要处理的文字", "en": "Your request or the text to work on"},
}


def _imported_text(template_id: str, title: str, origin: str, system: str, user_prefix: str = "") -> str:
    """A template for a foreign prompt: one neutral body (same text for both languages), tagged lang:xx."""
    lang = detect_language(system + " " + user_prefix)
    body = ""
    if system.strip():
        body += "system:\n" + escape_header_lines(escape_jinja(system.strip())) + "\n"
    prefix = escape_header_lines(escape_jinja(user_prefix.strip())) + "\n\n" if user_prefix.strip() else ""
    body += "user:\n" + prefix + "{{ input }}\n"
    return _imported_front(template_id, title, origin, lang, {"input": dict(_INPUT_SPEC)}, {}, None) + body


def _act_prompt(label: str, act: Any, prompt: Any, origin: str) -> _Candidate:
    if not isinstance(act, str) or not act.strip():
        return _Candidate(label, reason="empty or missing 'act'")
    if not isinstance(prompt, str) or not prompt.strip():
        return _Candidate(label, reason="empty or missing 'prompt'")
    return _Candidate(f"{label} ({act.strip()[:40]})",
                      _imported_text(f"imported.{slugify(act)}", act.strip()[:120], origin, prompt))


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root)
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def _read_limited(path: Path, root: Path) -> bytes:
    """A regular file under ``root`` (symlinks resolved), at most MAX_FILE_BYTES, read without trusting
    the reported size (``/proc`` files say 0)."""
    too_large = PromptError(f"{path.name}: too large to import (limit {MAX_FILE_BYTES // 1_048_576} MB)")
    if not _inside(path, root):
        raise PromptError(f"{path.name}: a link to a file outside the imported folder; not imported")
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; the type is checked on the open handle.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise PromptError(f"{path.name}: cannot be read ({exc.strerror or exc})") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise PromptError(f"{path.name}: not a regular file; not imported")
        if info.st_size > MAX_FILE_BYTES:
            raise too_large
        data = handle.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise too_large
    return data


def _decode(data: bytes, label: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PromptError(f"{label}: not UTF-8 text; save it as UTF-8 and import again") from None


def _from_csv(text: str, label: str) -> Iterator[_Candidate]:
    reader = csv.DictReader(io.StringIO(text))
    fields = {f.strip().lower(): f for f in (reader.fieldnames or [])}
    if "act" not in fields or "prompt" not in fields:
        yield _Candidate(label, reason=f"CSV needs 'act' and 'prompt' columns (found {list(fields)})")
        return
    for n, row in enumerate(reader, start=2):
        yield _act_prompt(f"{label} row {n}", row.get(fields["act"]), row.get(fields["prompt"]), label)


def _from_json(text: str, label: str) -> Iterator[_Candidate]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        yield _Candidate(label, reason=f"not valid JSON ({exc.msg}, line {exc.lineno})")
        return
    if not isinstance(data, list):
        yield _Candidate(label, reason="JSON must be a list of {act, prompt} objects")
        return
    for n, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            yield _Candidate(f"{label} item {n}", reason="not an object")
            continue
        yield _act_prompt(f"{label} item {n}", item.get("act"), item.get("prompt"), label)


def _from_fabric(folder: Path, root: Path) -> _Candidate:
    label = f"{folder.name}/system.md"
    try:
        system = _decode(_read_limited(folder / "system.md", root), label)
        user_file = folder / "user.md"
        user = _decode(_read_limited(user_file, root), f"{folder.name}/user.md") if user_file.exists() else ""
    except PromptError as exc:
        return _Candidate(label, reason=str(exc))
    if not system.strip():
        return _Candidate(label, reason="system.md is empty")
    return _Candidate(label, _imported_text(f"imported.{slugify(folder.name)}", folder.name, f"fabric:{folder.name}",
                                            system, user_prefix=user))


def _mapping(value: Any) -> dict[str, Any]:
    return {str(k): v for k, v in value.items()} if isinstance(value, dict) else {}


_PROMPTY_TYPES = {"string": "text", "number": "number", "integer": "number", "boolean": "boolean"}


def _from_prompty(text: str, label: str, stem: str) -> _Candidate:
    try:
        front, body, _ = split_front_matter(text, label)
    except PromptError as exc:
        return _Candidate(label, reason=str(exc).removeprefix(f"{label}: "))
    sections: list[tuple[str, list[str]]] = []
    for line in body.splitlines(keepends=True):
        m = _PROMPTY_ROLE_RE.match(line.rstrip("\r\n"))
        if m:
            sections.append((m.group(1).lower(), []))
        elif sections:
            sections[-1][1].append(line)
        elif line.strip():
            sections.append(("system", [line]))  # Prompty treats leading text as the system prompt
    if not any(role == "user" for role, _ in sections):
        return _Candidate(label, reason="no 'user:' section")
    raw_inputs: dict[str, Any] = _mapping(front.get("inputs"))
    sample: dict[str, Any] = _mapping(front.get("sample"))
    used = {m.group(1) for _, lines in sections for m in _VAR_RE.finditer("".join(lines))}
    names = {n for n in (set(raw_inputs) | set(sample) | used) if re.match(r"^[A-Za-z_]\w*$", str(n))} & used
    inputs: dict[str, dict[str, Any]] = {}
    samples: dict[str, Any] = {}
    for name in sorted(names):
        spec = _mapping(raw_inputs.get(name))
        kind = _PROMPTY_TYPES.get(str(spec.get("type", "string")), "text")
        entry: dict[str, Any] = {"type": kind, "source": "user"}
        if isinstance(spec.get("description"), str):
            entry["description"] = {"zh": spec["description"], "en": spec["description"]}
        if isinstance(spec.get("default"), str | int | float | bool):
            entry["default"] = spec["default"]
        inputs[name] = entry
        value = sample.get(name, spec.get("sample", spec.get("default")))
        samples[name] = value if isinstance(value, str | int | float | bool) else ("hello" if kind == "text" else 1)
    params = _mapping(_mapping(front.get("model")).get("parameters"))
    model: dict[str, Any] = {}
    if params:
        if isinstance(params.get("temperature"), int | float) and 0 <= params["temperature"] <= 2:
            model["temperature"] = params["temperature"]
        if isinstance(params.get("max_tokens"), int) and params["max_tokens"] > 0:
            model["max_tokens"] = params["max_tokens"]
    keep = frozenset(inputs)
    body_out = ""
    for role, lines in sections:
        content = escape_header_lines(escape_jinja("".join(lines).strip("\r\n"), keep))
        body_out += f"{role}:\n{content}\n"
    if not inputs:
        # No variables: the user's request goes in as the last user message.
        inputs = {"input": dict(_INPUT_SPEC)}
        body_out += "user:\n{{ input }}\n"
        samples = {"input": "hello"}
    name = str(front.get("name") or stem)
    lang = detect_language(body)
    head = _imported_front(f"imported.{slugify(name)}", name[:120], f"prompty:{Path(label).name}", lang,
                           inputs, model, samples)
    return _Candidate(label, head + body_out)


def _from_own(text: str, label: str) -> _Candidate:
    """One of our own template files, minus any hotkey: a file never chooses a shortcut."""
    try:
        front, _, _ = split_front_matter(text, label)
    except PromptError:
        return _Candidate(label, text)  # the import reports the parse error
    hotkey = front.get("hotkey")
    if hotkey is None:
        return _Candidate(label, text)
    try:
        stripped = set_front_field(text, "hotkey", None)
        still = split_front_matter(stripped, label)[0].get("hotkey")
    except PromptError as exc:
        return _Candidate(label, reason=str(exc))
    if still is not None:  # a spelling the line editor cannot remove (flow style, quoted key, ...)
        return _Candidate(label, reason="its front matter sets a hotkey in a form that cannot be removed; "
                                        "imported templates may not set hotkeys")
    return _Candidate(label, stripped, note=f"hotkey {str(hotkey)[:40]!r} removed — imported templates never "
                                            "set hotkeys; set one in the app (Prompts)")


def _dispatch_file(name: str, data: bytes, label: str) -> Iterator[_Candidate]:
    suffix = Path(name).suffix.lower()
    if suffix not in (".csv", ".json", ".prompty", ".md"):
        yield _Candidate(label, reason=f"unsupported file type '{suffix or name}'")
        return
    try:
        text = _decode(data, label)
    except PromptError as exc:
        yield _Candidate(label, reason=str(exc))
        return
    if suffix == ".csv":
        yield from _from_csv(text, label)
    elif suffix == ".json":
        yield from _from_json(text, label)
    elif suffix == ".prompty":
        yield _from_prompty(text, label, Path(name).stem)
    elif text.lstrip("\ufeff").startswith("---"):
        yield _from_own(text, label)
    else:
        yield _Candidate(label, reason="a .md file without front matter (Fabric patterns are imported by folder)")


def _from_zip(name: str, data: bytes) -> Iterator[_Candidate]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError) as exc:
        yield _Candidate(name, reason=f"not a readable zip ({exc})")
        return
    with archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            label = f"{name}:{info.filename}"
            if info.file_size > MAX_FILE_BYTES:
                yield _Candidate(label, reason="member too large")
                continue
            try:
                data = archive.read(info)
            except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError) as exc:
                yield _Candidate(label, reason=f"cannot read ({exc})")
                continue
            yield from _dispatch_file(info.filename, data, label)


def _walk(path: Path, root: Path, depth: int = 0) -> Iterator[_Candidate]:
    if depth and not _inside(path, root):
        yield _Candidate(path.name, reason="a link to outside the imported folder; not imported")
        return
    if path.is_dir():
        if (path / "system.md").exists():
            yield _from_fabric(path, root)
            return
        if depth > 3:
            yield _Candidate(str(path), reason="folder nested too deeply")
            return
        for child in sorted(path.iterdir()):
            if child.name.startswith(".") or child.name.lower() == "readme.md":
                continue
            yield from _walk(child, root, depth + 1)
        return
    try:
        data = _read_limited(path, root)
    except PromptError as exc:
        yield _Candidate(path.name, reason=str(exc))
        return
    if path.suffix.lower() == ".zip":
        yield from _from_zip(path.name, data)
        return
    yield from _dispatch_file(path.name, data, path.name)


def preview_import(path: str | Path) -> ImportPreview:
    """Read everything an import of ``path`` would add, nothing written: the texts to review."""
    source = Path(path)
    if not source.exists():
        raise PromptError(f"{source}: no such file or folder to import")
    resolved = source.resolve()
    root = resolved if resolved.is_dir() else resolved.parent
    candidates: list[_Candidate] = []
    for n, cand in enumerate(_walk(resolved, root)):
        if n >= MAX_ITEMS:
            candidates.append(_Candidate(str(source), reason=f"stopped after {MAX_ITEMS} items"))
            break
        candidates.append(cand)
    return ImportPreview(source, tuple(candidates))


def import_path(path: str | Path, *, replace: bool = False) -> ImportReport:
    """Import every template found at ``path`` into the user library; report what was skipped and why."""
    return import_preview(preview_import(path), replace=replace)


def import_preview(preview: ImportPreview, *, replace: bool = False) -> ImportReport:
    """Add the reviewed texts of ``preview`` to the user library (the files are not read again)."""
    report = ImportReport()
    taken: set[str] = set()
    for cand in preview.candidates:
        if cand.text is None:
            report.skipped.append((cand.label, cand.reason or "unknown"))
            continue
        text = cand.text
        try:
            tpl = Template.from_text(text, where=cand.label)
            tpl_id = tpl.id
            if tpl_id.startswith("imported.") and tpl_id in taken:
                k = 2
                while f"{tpl_id}_{k}" in taken:
                    k += 1
                tpl_id = f"{tpl_id}_{k}"
                text = set_front_field(text, "id", tpl_id)
            if tpl_id in taken:
                report.skipped.append((cand.label, f"id '{tpl_id}' appears twice in this import"))
                continue
            if user_path(tpl_id).exists() and not replace:
                report.skipped.append((cand.label, f"you already have '{tpl_id}' (pass --replace to overwrite)"))
                continue
            save_template_text(text, expected_id=tpl_id, where=cand.label)
        except CopilotError as exc:
            report.skipped.append((cand.label, str(exc).removeprefix(f"{cand.label}: ")))
            continue
        taken.add(tpl_id)
        report.imported.append(tpl_id)
        if cand.note:
            report.notes.append((cand.label, cand.note))
    return report


def export_templates(ids: list[str], out: str | Path, *, force: bool = False) -> list[str]:
    """Write the templates' files to a folder (``<id>.md`` each) or a ``.zip``. Returns the ids written."""
    if not ids:
        raise PromptError("export: name at least one template id")
    templates = [get_template(i) for i in dict.fromkeys(ids)]
    target = Path(out)
    if target.suffix.lower() == ".zip":
        with atomic_path(target, force=force) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
            for tpl in templates:
                archive.writestr(f"{tpl.id}.md", tpl.source_text)
        return [t.id for t in templates]
    if target.exists() and not target.is_dir():
        raise PromptError(f"{target}: exists and is not a folder; export to a folder or a .zip")
    for tpl in templates:  # check every target first: no half-written export
        check_output(target / f"{tpl.id}.md", force=force)
    for tpl in templates:
        write_text(target / f"{tpl.id}.md", tpl.source_text, force=force)
    return [t.id for t in templates]
