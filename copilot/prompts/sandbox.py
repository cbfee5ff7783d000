"""The one Jinja2 environment templates are rendered in: immutable sandbox, strict undefined, bounded.

Templates come from users and from imported collections, so rendering must not reach Python
internals (``''.__class__.__mro__``, ``cycler.__init__.__globals__``) nor mutate the inputs, and a
misspelt variable must fail loudly instead of rendering as an empty string.

Nor may a template exhaust the machine. Every operation that multiplies the size of a value is
checked *before* it runs (``*``, ``**``, ``+``, ``~``, ``%`` and ``format`` widths, ``center``,
``indent``, ``replace``, ``join``, ``batch``, ``ljust``/``zfill``/...), ``range`` yields at most
``MAX_RANGE`` items, the output is counted as it is produced, and a render that runs longer than
``RENDER_SECONDS`` (nested loops) is stopped — each case with a one-line ``PromptError``.
"""

from __future__ import annotations

import ctypes
import operator
import re
import string
import threading
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from typing import Any

import jinja2
from jinja2 import filters as jfilters
from jinja2 import meta, nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from copilot.errors import PromptError
from copilot.timers import call_later

__all__ = ["MAX_RANGE", "MAX_RENDERED_CHARS", "MAX_WIDTH", "RENDER_SECONDS", "compile_section", "environment",
           "render_section", "variables_used"]

MAX_RENDERED_CHARS = 2_000_000
"""A template that expands past this (``{{ 'x' * 10**9 }}``) is refused, not rendered."""
MAX_RANGE = 10_000
"""``range()`` in a template yields at most this many items."""
MAX_WIDTH = 1_000
"""Largest field width or precision in ``%``/``format`` and the ``center``/``indent`` filters."""
RENDER_SECONDS = 2.0
"""Wall-clock limit of one render (a normal prompt renders in milliseconds)."""

_BINOPS: dict[str, Callable[[Any, Any], Any]] = {
    "*": operator.mul, "**": operator.pow, "+": operator.add, "%": operator.mod}
_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?[a-zA-Z%]")
_NUMBER = re.compile(r"\d+")
_SIZED = (str, list, tuple, bytes)


def _size(value: Any) -> int:
    return len(value) if isinstance(value, _SIZED) else 0


def _check_size(size: int, what: str) -> None:
    if size > MAX_RENDERED_CHARS:
        raise SecurityError(f"{what} would be larger than {MAX_RENDERED_CHARS} characters")


def _check_width(value: Any, what: str) -> None:
    if isinstance(value, int | float) and abs(value) > MAX_WIDTH:
        raise SecurityError(f"{what} {int(value)} is larger than {MAX_WIDTH}")


def _check_percent(fmt: str) -> None:
    """``'%0999999999d' % 1`` builds a gigabyte string: refuse ``*`` widths and widths past MAX_WIDTH."""
    for m in _PERCENT_SPEC.finditer(fmt):
        for part in (m.group(1), m.group(2)):
            if part == "*":
                raise SecurityError("'*' widths are not allowed in % formatting")
            if part is not None:
                _check_width(int(part), "% format width")


def _check_format(fmt: str) -> None:
    """``'{:>999999999}'.format(1)``: refuse nested specs and widths past MAX_WIDTH in str.format."""
    try:
        fields = list(string.Formatter().parse(fmt))
    except ValueError as exc:
        raise SecurityError(f"bad format string: {exc}") from None
    for _literal, _name, spec, _conv in fields:
        if spec and "{" in spec:
            raise SecurityError("nested format fields are not allowed")
        for number in _NUMBER.findall(spec or ""):
            _check_width(int(number), "format width")


def _check_str_call(obj: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Bound str methods whose result can be far larger than their inputs."""
    obj = getattr(obj, "__wrapped__", obj)  # the sandbox wraps str.format / format_map
    owner = getattr(obj, "__self__", None)
    if not isinstance(owner, str):
        return
    name = getattr(obj, "__name__", "")
    if name in ("center", "ljust", "rjust", "zfill") and args:
        _check_size(args[0] if isinstance(args[0], int) else 0, f"str.{name}")
    elif name == "expandtabs":
        _check_width(args[0] if args else kwargs.get("tabsize", 8), "tab size")
        _check_size(len(owner) * max(1, int(args[0] if args else kwargs.get("tabsize", 8))), "str.expandtabs")
    elif name == "replace" and len(args) >= 2 and isinstance(args[0], str) and isinstance(args[1], str):
        hits = owner.count(args[0]) if args[0] else len(owner) + 1
        _check_size(len(owner) + hits * len(args[1]), "str.replace")
    elif name == "join" and args:
        items = args[0]
        if isinstance(items, _SIZED):
            _check_size(len(owner) * len(items) + sum(_size(i) for i in items), "str.join")
    elif name in ("format", "format_map"):
        _check_format(owner)
    elif name == "translate":
        raise SecurityError("str.translate is not allowed in templates")


def _bounded_range(*args: int) -> range:
    rng = range(*args)
    if len(rng) > MAX_RANGE:
        raise SecurityError(f"range of {len(rng)} items is larger than {MAX_RANGE}")
    return rng


# -- filters that can amplify, replaced by checked versions --------------------------------------
def _f_center(value: Any, width: int = 80) -> str:
    _check_width(width, "center width")
    return jfilters.do_center(value, width)


def _f_indent(value: Any, width: int | str = 4, first: bool = False, blank: bool = False) -> str:
    _check_width(width if isinstance(width, int) else len(width), "indent width")
    text = str(value)
    _check_size(len(text) + (text.count("\n") + 1) * (width if isinstance(width, int) else len(width)), "indent")
    return jfilters.do_indent(value, width, first, blank)


def _f_format(value: str, *args: Any, **kwargs: Any) -> str:
    _check_percent(str(value))
    return jfilters.do_format(value, *args, **kwargs)


def _f_replace(eval_ctx: Any, s: str, old: str, new: str, count: int | None = None) -> str:
    text, old_s, new_s = str(s), str(old), str(new)
    hits = (text.count(old_s) if old_s else len(text) + 1) if count is None or count < 0 else min(count, len(text) + 1)
    _check_size(len(text) + hits * len(new_s), "replace")
    return str(jfilters.do_replace(eval_ctx, s, old, new, count))


def _f_join(eval_ctx: Any, value: Iterable[Any], d: str = "", attribute: Any = None) -> str:
    items = list(value)
    _check_size(len(str(d)) * len(items) + sum(len(str(i)) for i in items), "join")
    return str(jfilters.do_join(eval_ctx, items, d, attribute))


def _f_batch(value: Iterable[Any], linecount: int, fill_with: Any = None) -> Iterator[list[Any]]:
    _check_width(linecount, "batch size")
    return jfilters.do_batch(value, linecount, fill_with)


def _f_slice(value: Iterable[Any], slices: int, fill_with: Any = None) -> Iterator[list[Any]]:
    _check_width(slices, "slice count")
    sliced: Iterator[list[Any]] = jfilters.do_slice(value, slices, fill_with)
    return sliced


def _f_wordwrap(environment: Any, s: str, width: int = 79, *args: Any, **kwargs: Any) -> str:
    _check_width(width, "wordwrap width")
    return jfilters.do_wordwrap(environment, s, width, *args, **kwargs)


def _f_tojson(eval_ctx: Any, value: Any, indent: int | None = None) -> Any:
    if indent is not None:
        _check_width(indent, "tojson indent")
    return jfilters.do_tojson(eval_ctx, value, indent)


_CHECKED_FILTERS: dict[str, Callable[..., Any]] = {
    "center": _f_center, "indent": _f_indent, "format": _f_format, "batch": _f_batch, "slice": _f_slice,
    "replace": jinja2.pass_eval_context(_f_replace), "join": jinja2.pass_eval_context(_f_join),
    "wordwrap": jinja2.pass_environment(_f_wordwrap), "tojson": jinja2.pass_eval_context(_f_tojson),
}


class _CodeGenerator(CodeGenerator):
    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        # ``a ~ b`` is compiled to a plain join; route it through the size check instead.
        self.write("environment.checked_concat((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


class _Environment(ImmutableSandboxedEnvironment):
    # Multiplication, power, addition and % are intercepted so a template cannot allocate gigabytes.
    intercepted_binops = frozenset(_BINOPS)
    code_generator_class = _CodeGenerator

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, int | float) and abs(right) > 100:
            raise SecurityError("exponent too large in template")
        if operator == "**" and isinstance(left, int | float) and abs(left) > 10**6 and abs(right) > 10:
            raise SecurityError("power too large in template")
        if operator == "*":
            for seq, count in ((left, right), (right, left)):
                if isinstance(seq, _SIZED) and isinstance(count, int):
                    _check_size(len(seq) * count, "repetition")
        if operator == "+":
            _check_size(_size(left) + _size(right), "concatenation")
        if operator == "%" and isinstance(left, str):
            _check_percent(left)
        return _BINOPS[operator](left, right)

    def checked_concat(self, parts: tuple[Any, ...]) -> str:
        texts = [str(p) for p in parts]
        _check_size(sum(len(t) for t in texts), "concatenation")
        return "".join(texts)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        _check_str_call(__obj, args, kwargs)
        return super().call(__context, __obj, *args, **kwargs)


@lru_cache(maxsize=1)
def environment() -> _Environment:
    env = _Environment(
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
    )
    # lipsum is noise in prompts; the rest (dict, cycler, joiner, namespace) stay, sandboxed.
    env.globals.pop("lipsum", None)
    env.globals["range"] = _bounded_range
    env.filters.update(_CHECKED_FILTERS)
    return env


class _RenderTimeout(BaseException):
    """Raised inside the rendering thread by the watchdog (BaseException: no template code catches it)."""


def _render_bounded(template: jinja2.Template, values: dict[str, Any], where: str) -> str:
    """Render, counting the output as it is produced, stopped after RENDER_SECONDS."""
    thread_id = threading.get_ident()
    lock = threading.Lock()
    active = [True]

    def expire() -> None:
        with lock:
            if active[0]:
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), ctypes.py_object(_RenderTimeout))

    parts: list[str] = []
    size = 0
    try:
        timer = call_later(RENDER_SECONDS, expire)
        try:
            for part in template.generate(values):
                size += len(part)
                if size > MAX_RENDERED_CHARS:
                    raise PromptError(f"{where}: rendered prompt is larger than {MAX_RENDERED_CHARS} characters")
                parts.append(part)
        finally:
            with lock:
                active[0] = False
            timer.cancel()
    except _RenderTimeout:
        raise PromptError(f"{where}: the template took longer than {RENDER_SECONDS:g} s to render "
                          "(loops too large?); not rendered") from None
    return "".join(parts)


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
        return _render_bounded(template, values, where)
    except PromptError:
        raise
    except SecurityError as exc:
        raise PromptError(f"{where}: refused by the template sandbox: {exc}") from None
    except jinja2.UndefinedError as exc:
        raise PromptError(f"{where}: {exc.message}") from None
    except jinja2.TemplateError as exc:
        raise PromptError(f"{where}: template error: {exc}") from None
    except (TypeError, ValueError, ArithmeticError, LookupError, OverflowError, RecursionError, MemoryError) as exc:
        # Bad operations on the user's values inside the template ({{ text + 1 }}).
        raise PromptError(f"{where}: template failed: {type(exc).__name__}: {str(exc)[:200]}") from None
