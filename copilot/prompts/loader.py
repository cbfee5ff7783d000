"""Finding templates: built-ins from ``prompts/``, the user's from ``data_dir()/prompts`` (which win).

Parsed templates are cached per file and re-parsed when the file's mtime or size changes, so the
app's editor and ``prompts edit`` are picked up without a restart. A broken file never hides the
others: it is remembered as an error, reported by ``lint`` and raised when its id is asked for.
"""

from __future__ import annotations

import difflib
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from copilot import paths
from copilot.errors import PromptError
from copilot.prompts.template import Origin, Template

__all__ = ["LoadError", "builtin_templates", "clear_cache", "get_template", "invalidate", "list_templates",
           "load_errors", "user_prompts_dir", "user_templates"]

_SKIP_NAMES = {"README.md", "readme.md"}


@dataclass(frozen=True)
class LoadError:
    path: Path
    message: str


_cache: dict[Path, tuple[int, int, Template | PromptError]] = {}
_lock = threading.RLock()


def user_prompts_dir() -> Path:
    path = paths.data_dir() / "prompts"
    path.mkdir(parents=True, exist_ok=True)
    return path


def clear_cache() -> None:
    with _lock:
        _cache.clear()


def invalidate(path: Path) -> None:
    """Forget the cached parse of ``path`` (after writing it, in case the mtime did not move)."""
    with _lock:
        _cache.pop(path, None)


def _files(root: Path) -> Iterator[Path]:
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*.md")):
        rel = path.relative_to(root)
        if path.name in _SKIP_NAMES or any(part.startswith(".") for part in rel.parts):
            continue
        yield path


def _load(path: Path, origin: Origin) -> Template | PromptError:
    try:
        st = path.stat()
    except OSError as exc:
        return PromptError(f"{path}: cannot read ({exc.strerror})")
    with _lock:
        hit = _cache.get(path)
        if hit is not None and hit[0] == st.st_mtime_ns and hit[1] == st.st_size:
            return hit[2]
    try:
        result: Template | PromptError = Template.from_file(path, origin)
    except PromptError as exc:
        result = exc
    with _lock:
        _cache[path] = (st.st_mtime_ns, st.st_size, result)
    return result


def _scan(root: Path, origin: Origin) -> tuple[dict[str, Template], list[LoadError]]:
    found: dict[str, Template] = {}
    errors: list[LoadError] = []
    for path in _files(root):
        result = _load(path, origin)
        if isinstance(result, PromptError):
            errors.append(LoadError(path, str(result)))
        elif result.id in found:
            errors.append(LoadError(path, f"{path}: id '{result.id}' is also used by {found[result.id].path}"))
        else:
            found[result.id] = result
    return found, errors


def builtin_templates() -> dict[str, Template]:
    return _scan(paths.builtin_prompts_dir(), "builtin")[0]


def user_templates() -> dict[str, Template]:
    return _scan(user_prompts_dir(), "user")[0]


def load_errors() -> list[LoadError]:
    """Files that failed to parse, built-in then user."""
    return _scan(paths.builtin_prompts_dir(), "builtin")[1] + _scan(user_prompts_dir(), "user")[1]


def _merged() -> dict[str, Template]:
    builtins = builtin_templates()
    merged = dict(builtins)
    for tid, tpl in user_templates().items():
        tpl.overrides_builtin = builtins.get(tid)
        merged[tid] = tpl
    return merged


def list_templates(category: str | None = None, applies_to: str | None = None) -> list[Template]:
    """Every usable template (user copies replacing built-ins), sorted by id."""
    out = []
    for tid, tpl in sorted(_merged().items()):
        if category and tpl.category != category:
            continue
        if applies_to and tpl.spec.applies_to not in (applies_to, "any"):
            continue
        out.append(tpl)
        del tid
    return out


def get_template(template_id: str) -> Template:
    """The template with this id (the user's copy when there is one).

    Raises PromptError naming the id and close matches when there is none, or the parse error when
    the file with that name is broken.
    """
    merged = _merged()
    tpl = merged.get(template_id)
    if tpl is not None:
        return tpl
    for err in load_errors():
        if err.path.stem == template_id:
            raise PromptError(err.message)
    close = difflib.get_close_matches(template_id, list(merged), n=4, cutoff=0.5)
    hint = f"; did you mean {', '.join(close)}?" if close else "; see `desk-copilot prompts list`"
    raise PromptError(f"no prompt template '{template_id}'{hint}")
