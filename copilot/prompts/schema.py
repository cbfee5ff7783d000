"""The front matter of a template file, as pydantic models (the file format's single source of truth)."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = [
    "ID_PATTERN",
    "AppliesTo",
    "Assertion",
    "AssertionType",
    "InputSpec",
    "InputType",
    "Lang",
    "LocalText",
    "ModelSpec",
    "OutputKind",
    "Source",
    "TemplateSpec",
    "TestCase",
]

Lang = Literal["zh", "en"]
InputType = Literal["string", "text", "number", "choice", "boolean"]
Source = Literal["user", "selection", "clipboard", "document"]
AppliesTo = Literal["docx", "xlsx", "pptx", "code", "text", "any"]
OutputKind = Literal["replace", "new_document", "popup", "json"]
AssertionType = Literal[
    "contains", "not_contains", "regex", "not_regex", "max_chars", "min_chars",
    "json_schema", "language", "numbers_preserved",
]

# Ids are ``category.name``; the first part names the category folder. Lowercase so file names
# are the same on every file system.
ID_PATTERN = re.compile(r"[a-z][a-z0-9_]*(\.[a-z0-9][a-z0-9_-]*)+")
"""Use with ``fullmatch``: ``match`` with ``$`` would accept a trailing newline."""


class _Strict(BaseModel):
    # Unknown keys are errors: a typo like ``temprature`` must not be silently ignored.
    model_config = ConfigDict(extra="forbid")


class LocalText(_Strict):
    """Text in both languages. A plain string in the file fills both."""

    zh: str = ""
    en: str = ""

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> Any:
        if isinstance(value, str):
            return {"zh": value, "en": value}
        return value

    def get(self, lang: Lang) -> str:
        """The text in ``lang``, falling back to the other language."""
        primary = self.zh if lang == "zh" else self.en
        return primary or self.en or self.zh


class InputSpec(_Strict):
    type: InputType = "text"
    default: Any = None
    choices: list[str] | None = None
    description: LocalText = Field(default_factory=LocalText)
    source: Source = "user"
    required: bool | None = None
    """``None`` (the default) means: required when there is no default."""

    @model_validator(mode="after")
    def _check_choices(self) -> InputSpec:
        if self.type == "choice":
            if not self.choices:
                raise ValueError("a choice input needs 'choices'")
            if self.default is not None and str(self.default) not in self.choices:
                raise ValueError(f"default {self.default!r} is not one of the choices {self.choices}")
        elif self.choices is not None:
            raise ValueError("'choices' is only allowed with type: choice")
        return self

    @property
    def is_required(self) -> bool:
        return self.required if self.required is not None else self.default is None


class ModelSpec(_Strict):
    temperature: float | None = Field(default=None, ge=0, le=2)
    max_tokens: int | None = Field(default=None, gt=0)
    response_schema: dict[str, Any] | None = None
    schema_name: str | None = None
    stop: list[str] = Field(default_factory=list)


class Assertion(_Strict):
    """One check on a model reply. ``value`` depends on ``type``:

    contains / not_contains: a string or list of strings (all must / none may appear);
    regex / not_regex: a Python regex (searched, multiline); max_chars / min_chars: an int;
    json_schema: a schema dict, or omitted to use the template's ``model.response_schema``;
    language: ``zh`` or ``en``; numbers_preserved: an input name or list of names (default: all inputs).
    """

    type: AssertionType
    value: Any = None
    ignore_case: bool = False

    @model_validator(mode="after")
    def _check_value(self) -> Assertion:
        t, v = self.type, self.value
        if t in ("contains", "not_contains") and not (
            isinstance(v, str) or (isinstance(v, list) and all(isinstance(x, str) for x in v))
        ):
            raise ValueError(f"{t} needs a string or a list of strings")
        if t in ("regex", "not_regex"):
            if not isinstance(v, str):
                raise ValueError(f"{t} needs a regex string")
            try:
                re.compile(v)
            except re.error as exc:
                raise ValueError(f"bad regex {v!r}: {exc}") from exc
        if t in ("max_chars", "min_chars") and (not isinstance(v, int) or isinstance(v, bool) or v < 0):
            raise ValueError(f"{t} needs a non-negative integer")
        if t == "language" and v not in ("zh", "en"):
            raise ValueError("language needs zh or en")
        if t == "json_schema" and v is not None and not isinstance(v, dict):
            raise ValueError("json_schema needs a schema object (or nothing, to use model.response_schema)")
        return self


class TestCase(_Strict):
    """An example run of the template: inputs, the language to render in, checks on the reply."""

    __test__ = False  # not a pytest class

    name: str = ""
    inputs: dict[str, Any] = Field(default_factory=dict)
    lang: Lang = "zh"
    assert_: list[Assertion] = Field(alias="assert", default_factory=list)
    fixture_reply: str | None = None
    """A known-good reply: CI replays it through the fake server, lint checks it passes the asserts."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class TemplateSpec(_Strict):
    id: str
    name: LocalText
    description: LocalText = Field(default_factory=LocalText)
    category: str
    tags: list[str] = Field(default_factory=list)
    version: int = Field(default=1, ge=1)
    applies_to: AppliesTo = "any"
    inputs: dict[str, InputSpec] = Field(default_factory=dict)
    model: ModelSpec = Field(default_factory=ModelSpec)
    output: OutputKind = "popup"
    hotkey: str | None = None
    favourite: bool = False
    tests: list[TestCase] = Field(default_factory=list)
    based_on_version: int | None = None
    """Set on a user copy of a built-in: the built-in version it was copied from."""
    origin: str | None = None
    """Where an imported template came from (file name, collection)."""
    incognito: bool = False
    """Runs of this template are never recorded in the history, logs or caches."""

    @field_validator("id")
    @classmethod
    def _check_id(cls, value: str) -> str:
        if not ID_PATTERN.fullmatch(value):
            raise ValueError(f"{value!r} is not an id like 'category.name' (lowercase letters, digits, _ -)")
        return value

    @field_validator("inputs")
    @classmethod
    def _check_input_names(cls, value: dict[str, InputSpec]) -> dict[str, InputSpec]:
        for name in value:
            if not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", name):
                raise ValueError(f"input name {name!r} must be a Python-style identifier")
        return value
