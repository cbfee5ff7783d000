"""The one Jinja2 environment templates are rendered in: immutable sandbox, strict undefined.

Templates come from users and from imported collections, so rendering must not reach Python
internals (``''.__class__.__mro__``, ``cycler.__init__.__globals__``) nor mutate the inputs, and a
misspelt variable must fail loudly instead of rendering as an empty string.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import jinja2
from jinja2 import meta
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from copilot.errors import PromptError

__all__ = ["MAX_RENDERED_CHARS", "compile_section", "environment", "render_section", "variables_used"]

MAX_RENDERED_CHARS = 2_000_000
"""A template that expands past this (``{{ 'x' * 10**9 }}``) is refused, not rendered."""

_BINOPS: dict[str, Callable[[Any, Any], Any]] = {"*": operator.mul, "**": operator.pow}


class _Environment(ImmutableSandboxedEnvironment):
    # Multiplication and power are intercepted so a template cannot allocate gigabytes.
    intercepted_binops = frozenset(_BINOPS)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, int | float) and abs(right) > 100:
            raise SecurityError("exponent too large in template")
        if operator == "*":
            for seq, count in ((left, right), (right, left)):
                if isinstance(seq, str | list | tuple) and isinstance(count, int) and \
                        len(seq) * count > MAX_RENDERED_CHARS:
                    raise SecurityError("repetition too large in template")
        return _BINOPS[operator](left, right)


@lru_cache(maxsize=1)
def environment() -> _Environment:
    env = _Environment(
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
    )
    # lipsum is noise in prompts; the rest (range, dict, cycler, joiner, namespace) stay, sandboxed.
    env.globals.pop("lipsum", None)
    return env


@lru_cache(maxsize=512)
def _compile(source: str) -> tuple[jinja2.Template, frozenset[str]]:
    env = environment()
    ast = env.parse(source)
    used = frozenset(meta.find_undeclared_variables(ast)) - frozenset(env.globals)
    return env.from_string(ast), used


def compile_section(source: str, where: str) -> tuple[jinja2.Template, frozenset[str]]:
    """Compile one section; returns the template and the variable names it reads."""
    try:
        return _compile(source)
    except jinja2.TemplateSyntaxError as exc:
        raise PromptError(f"{where}: line {exc.lineno} of the section: Jinja syntax error: {exc.message} "
                          f"(write a literal '{{{{' as {{% raw %}}{{{{{{% endraw %}})") from None


def variables_used(source: str, where: str) -> frozenset[str]:
    return compile_section(source, where)[1]


def render_section(source: str, values: dict[str, Any], where: str) -> str:
    template, used = compile_section(source, where)
    missing = sorted(used - values.keys())
    if missing:
        raise PromptError(f"{where}: missing variable(s): {', '.join(missing)}")
    try:
        text = template.render(values)
    except SecurityError as exc:
        raise PromptError(f"{where}: refused by the template sandbox: {exc}") from None
    except jinja2.UndefinedError as exc:
        raise PromptError(f"{where}: {exc.message}") from None
    except jinja2.TemplateError as exc:
        raise PromptError(f"{where}: template error: {exc}") from None
    except (TypeError, ValueError, ArithmeticError, LookupError, OverflowError, RecursionError) as exc:
        # Bad operations on the user's values inside the template ({{ text + 1 }}).
        raise PromptError(f"{where}: template failed: {type(exc).__name__}: {exc}") from None
    if len(text) > MAX_RENDERED_CHARS:
        raise PromptError(f"{where}: rendered prompt is larger than {MAX_RENDERED_CHARS} characters")
    return text
