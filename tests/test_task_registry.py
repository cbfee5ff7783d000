"""The task registry: every declared task resolves, and templates' required inputs are gathered
from the declaration (the polish fills paragraphs/text/context; match_style still needs a sample)."""

from __future__ import annotations

import inspect

import pytest

from copilot.prompts import get_template, list_templates
from copilot.tasks.registry import TASKS, get_task, missing_inputs


@pytest.mark.parametrize("name", sorted(TASKS))
def test_every_task_resolves_and_takes_what_it_declares(name: str) -> None:
    spec = TASKS[name]
    function = spec.load()
    params = inspect.signature(function).parameters
    assert "cancel" in params
    for required in spec.required:
        assert required in params, f"{name}: {required} is not a parameter of {spec.target}"
    first = next(iter(params))
    assert (first == "provider") == spec.needs_provider


def test_polish_templates_declare_what_front_ends_must_gather() -> None:
    polish = get_task("polish")
    assert missing_inputs(polish, get_template("polish.match_style")) == ["sample"]
    offered = [t.id for t in list_templates(category="polish") if not missing_inputs(polish, t)]
    assert "polish.polish" in offered and "polish.match_style" not in offered
