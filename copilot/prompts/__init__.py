"""The prompt library: template files, sandboxed rendering, the user's versioned copies, tests.

Usage::

    from copilot.prompts import get_template
    rendered = get_template("polish.formal").render({"text": "..."}, lang="zh")
    rendered.messages   # list[Message], exactly what is sent
    rendered.options    # ChatOptions from the template's ``model:`` block

The file format is documented in ``prompts/README.md``.
"""

from __future__ import annotations

from copilot.prompts.lang import detect_language, estimate_messages_tokens, estimate_tokens
from copilot.prompts.loader import (
    LoadError,
    builtin_templates,
    clear_cache,
    get_template,
    list_templates,
    load_errors,
    user_prompts_dir,
    user_templates,
)
from copilot.prompts.schema import Assertion, InputSpec, LocalText, ModelSpec, TemplateSpec, TestCase
from copilot.prompts.template import RenderedPrompt, Template

__all__ = [
    "Assertion",
    "InputSpec",
    "LoadError",
    "LocalText",
    "ModelSpec",
    "RenderedPrompt",
    "Template",
    "TemplateSpec",
    "TestCase",
    "builtin_templates",
    "clear_cache",
    "detect_language",
    "estimate_messages_tokens",
    "estimate_tokens",
    "get_template",
    "list_templates",
    "load_errors",
    "user_prompts_dir",
    "user_templates",
]
