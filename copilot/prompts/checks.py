"""Assertions on a model reply, as used by template tests (``tests: [{assert: [...]}]``)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from copilot.prompts.lang import detect_language
from copilot.prompts.schema import Assertion

__all__ = ["CheckResult", "check_reply", "numbers_in", "validate_json_schema"]

_NUMBER_RE = re.compile(r"(?<![0-9A-Za-z.])-?\d+(?:[,，]\d{3})*(?:\.\d+)?")


@dataclass(frozen=True)
class CheckResult:
    assertion: Assertion
    ok: bool
    detail: str = ""


def numbers_in(text: str) -> set[str]:
    """Numbers in ``text``, normalised: thousands separators dropped, trailing ``.0`` kept as written."""
    return {m.group(0).replace(",", "").replace("，", "").lstrip("-") for m in _NUMBER_RE.finditer(text)}


def validate_json_schema(instance: Any, schema: dict[str, Any]) -> str | None:
    """The first validation problem, or None when ``instance`` matches ``schema``."""
    import jsonschema

    validator_cls = jsonschema.validators.validator_for(schema)
    errors = sorted(validator_cls(schema).iter_errors(instance), key=lambda e: list(e.path))
    if not errors:
        return None
    e = errors[0]
    where = "/".join(str(p) for p in e.path) or "(root)"
    return f"{where}: {e.message}"


def _as_list(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _one(a: Assertion, reply: str, inputs: Mapping[str, Any], schema: dict[str, Any] | None) -> CheckResult:
    hay = reply.lower() if a.ignore_case else reply
    if a.type in ("contains", "not_contains"):
        needles = _as_list(a.value)
        found = [n for n in needles if (n.lower() if a.ignore_case else n) in hay]
        if a.type == "contains":
            missing = [n for n in needles if n not in found]
            return CheckResult(a, not missing, f"missing {missing}" if missing else "")
        return CheckResult(a, not found, f"found {found}" if found else "")
    if a.type in ("regex", "not_regex"):
        flags = re.MULTILINE | (re.IGNORECASE if a.ignore_case else 0)
        hit = re.search(str(a.value), reply, flags) is not None
        ok = hit if a.type == "regex" else not hit
        return CheckResult(a, ok, "" if ok else ("no match" if a.type == "regex" else "matched"))
    if a.type == "max_chars":
        ok = len(reply) <= int(a.value)
        return CheckResult(a, ok, "" if ok else f"{len(reply)} chars > {a.value}")
    if a.type == "min_chars":
        ok = len(reply) >= int(a.value)
        return CheckResult(a, ok, "" if ok else f"{len(reply)} chars < {a.value}")
    if a.type == "language":
        if not re.search(r"\w", reply):
            return CheckResult(a, False, "reply has no text")
        got = detect_language(reply)
        return CheckResult(a, got == a.value, "" if got == a.value else f"reply is {got}")
    if a.type == "json_schema":
        try:
            data = json.loads(reply)
        except json.JSONDecodeError as exc:
            return CheckResult(a, False, f"not JSON ({exc.msg} at char {exc.pos})")
        use = a.value if isinstance(a.value, dict) else schema
        if use is None:
            return CheckResult(a, True, "valid JSON (no schema)")
        problem = validate_json_schema(data, use)
        return CheckResult(a, problem is None, problem or "")
    # numbers_preserved
    names = list(inputs) if a.value is None else _as_list(a.value)
    wanted: set[str] = set()
    for name in names:
        value = inputs.get(name)
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            wanted |= numbers_in(str(value))
    have = numbers_in(reply)
    lost = sorted(wanted - have)
    return CheckResult(a, not lost, f"lost numbers {lost}" if lost else "")


def check_reply(reply: str, assertions: list[Assertion], inputs: Mapping[str, Any],
                schema: dict[str, Any] | None = None) -> list[CheckResult]:
    """Run every assertion on ``reply``; ``schema`` is the template's response schema."""
    return [_one(a, reply, inputs, schema) for a in assertions]
