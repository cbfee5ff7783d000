"""A parsed template and its rendering into the exact chat messages sent to a model."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from copilot.errors import PromptError
from copilot.models.base import ChatOptions, Message
from copilot.prompts.lang import detect_language, estimate_messages_tokens
from copilot.prompts.parse import Section, parse_template_text
from copilot.prompts.sandbox import render_section, variables_used
from copilot.prompts.schema import InputSpec, Lang, TemplateSpec

__all__ = ["Origin", "RenderedPrompt", "Template", "coerce_inputs"]

Origin = Literal["builtin", "user", "text"]
_TRUE = {"true", "yes", "y", "1", "on", "是", "对"}
_FALSE = {"false", "no", "n", "0", "off", "否", "不", ""}


@dataclass(frozen=True)
class RenderedPrompt:
    """Exactly what goes to the model for one run of a template."""

    messages: list[Message]
    options: ChatOptions
    template_id: str
    version: int
    lang: Lang = "zh"
    output: str = "popup"

    def token_estimate(self, model: str | None = None) -> int:
        return estimate_messages_tokens(self.messages, model)

    def to_dict(self) -> dict[str, Any]:
        return {
            "template_id": self.template_id,
            "version": self.version,
            "lang": self.lang,
            "output": self.output,
            "messages": [dict(m) for m in self.messages],
            "options": {
                "temperature": self.options.temperature,
                "max_tokens": self.options.max_tokens,
                "json_schema": self.options.json_schema,
                "schema_name": self.options.schema_name,
                "stop": list(self.options.stop),
            },
        }


def _coerce(name: str, spec: InputSpec, value: Any, where: str) -> Any:
    if value is None:
        return None
    if spec.type in ("string", "text"):
        return value if isinstance(value, str) else str(value)
    if spec.type == "number":
        if isinstance(value, bool):
            raise PromptError(f"{where}: input '{name}' must be a number, got {value!r}")
        if isinstance(value, int | float):
            return value
        text = str(value).strip().replace(",", "")
        try:
            number = float(text)
        except ValueError:
            raise PromptError(f"{where}: input '{name}' must be a number, got {value!r}") from None
        return int(number) if number.is_integer() and "." not in text and "e" not in text.lower() else number
    if spec.type == "boolean":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise PromptError(f"{where}: input '{name}' must be true or false, got {value!r}")
    # choice
    text = str(value)
    if spec.choices is not None and text not in spec.choices:
        raise PromptError(f"{where}: input '{name}' must be one of {', '.join(spec.choices)}; got {text!r}")
    return text


def coerce_inputs(spec: TemplateSpec, values: Mapping[str, Any], where: str) -> dict[str, Any]:
    """Apply defaults, coerce types, check required inputs. Undeclared extra values pass through."""
    out: dict[str, Any] = dict(values)
    missing = []
    for name, ispec in spec.inputs.items():
        value = values.get(name)
        if value is None:
            value = ispec.default
        if value is None:
            if ispec.is_required:
                missing.append(name)
                continue
            value = False if ispec.type == "boolean" else ("" if ispec.type in ("string", "text") else None)
        out[name] = _coerce(name, ispec, value, where)
    if missing:
        raise PromptError(f"{where}: missing required input(s): {', '.join(missing)}")
    return out


def select_sections(sections: list[Section], lang: Lang) -> list[Section]:
    """The sections used for ``lang``: that language's, else the neutral ones, else the other language's.

    Resolved per role, keeping file order, so ``system@zh`` + ``system@en`` + a neutral ``user:`` works.
    """
    other: Lang = "en" if lang == "zh" else "zh"
    have = {(s.role, s.lang) for s in sections}
    chosen = []
    for s in sections:
        if s.lang == lang or (s.lang is None and (s.role, lang) not in have) or (
            s.lang == other and (s.role, lang) not in have and (s.role, None) not in have
        ):
            chosen.append(s)
    return chosen


@dataclass
class Template:
    """A template file, parsed. ``render`` turns inputs into messages + options."""

    spec: TemplateSpec
    sections: list[Section]
    source_text: str
    path: Path | None = None
    origin: Origin = "text"
    overrides_builtin: Template | None = field(default=None, repr=False)
    """For a user copy with the same id as a built-in: that built-in."""
    label: str | None = None
    """How errors name a template that has no file (an import item, an editor buffer)."""

    @classmethod
    def from_text(cls, text: str, *, path: Path | None = None, origin: Origin = "text",
                  where: str | None = None) -> Template:
        where = where or (str(path) if path else "template")
        spec, sections = parse_template_text(text, where)
        tpl = cls(spec=spec, sections=sections, source_text=text, path=path, origin=origin, label=where)
        tpl.check_compiles()
        return tpl

    @classmethod
    def from_file(cls, path: Path, origin: Origin = "user") -> Template:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise PromptError(f"{path}: not UTF-8 text; save the template as UTF-8") from None
        except OSError as exc:
            raise PromptError(f"{path}: cannot read ({exc.strerror})") from None
        return cls.from_text(text, path=path, origin=origin)

    # -- convenience accessors -------------------------------------------------------------
    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def version(self) -> int:
        return self.spec.version

    @property
    def category(self) -> str:
        return self.spec.category

    @property
    def inputs(self) -> dict[str, InputSpec]:
        return self.spec.inputs

    @property
    def output(self) -> str:
        return self.spec.output

    @property
    def where(self) -> str:
        return str(self.path) if self.path else (self.label or f"template {self.spec.id}")

    def name(self, lang: Lang = "zh") -> str:
        return self.spec.name.get(lang)

    def description(self, lang: Lang = "zh") -> str:
        return self.spec.description.get(lang)

    @property
    def newer_builtin(self) -> bool:
        """A user copy whose built-in has a newer version than the one it was copied from."""
        if self.overrides_builtin is None:
            return False
        base = self.spec.based_on_version or self.spec.version
        return self.overrides_builtin.version > base

    def languages(self) -> set[Lang]:
        """Languages with their own sections (a neutral body counts as both)."""
        langs: set[Lang] = {s.lang for s in self.sections if s.lang is not None}
        if any(s.lang is None for s in self.sections):
            langs |= {"zh", "en"}
        return langs

    def variables_used(self) -> set[str]:
        used: set[str] = set()
        for s in self.sections:
            used |= variables_used(s.text, f"{self.where}: line {s.line}")
        return used

    def check_compiles(self) -> None:
        for s in self.sections:
            variables_used(s.text, f"{self.where}: line {s.line}")

    # -- rendering ---------------------------------------------------------------------------
    def options(self) -> ChatOptions:
        m = self.spec.model
        return ChatOptions(
            temperature=m.temperature,
            max_tokens=m.max_tokens,
            json_schema=m.response_schema,
            schema_name=m.schema_name or self.spec.id.replace(".", "_").replace("-", "_"),
            stop=tuple(m.stop),
        )

    def render(self, values: Mapping[str, Any] | None = None, lang: Lang | Literal["auto"] = "zh") -> RenderedPrompt:
        """Render with ``values``; ``lang="auto"`` picks zh/en from the text inputs.

        Raises PromptError naming the template for missing or invalid inputs, missing variables and
        anything the sandbox refuses.
        """
        values = dict(values or {})
        data = coerce_inputs(self.spec, values, self.where)
        if lang == "auto":
            sample = " ".join(str(v) for k, v in data.items() if isinstance(v, str) and k in self.spec.inputs)
            lang = detect_language(sample) if sample.strip() else "zh"
        if lang not in ("zh", "en"):
            raise PromptError(f"{self.where}: language must be zh or en, not {lang!r}")
        messages: list[Message] = []
        for s in select_sections(self.sections, lang):
            content = render_section(s.text, data, f"{self.where}: line {s.line}").strip("\n")
            if content.strip():
                messages.append({"role": s.role, "content": content})
        if not any(m["role"] == "user" for m in messages):
            raise PromptError(f"{self.where}: renders no user message for lang {lang}")
        return RenderedPrompt(messages=messages, options=self.options(), template_id=self.spec.id,
                              version=self.spec.version, lang=lang, output=self.spec.output)
