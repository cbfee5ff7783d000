"""Smoke subset of the prompt tests against the real embedded model.

SmolLM2-135M is demo-grade, so this checks that templates render, run and produce text end to end
on the offline model; whether its answers pass the assertions is reported, not required.
"""

from __future__ import annotations

import pytest

from copilot.events import Done
from copilot.models import get_provider
from copilot.prompts import get_template
from copilot.prompts.runner import CaseResult, run_tests

pytestmark = pytest.mark.embedded


@pytest.mark.parametrize("template_id", ["quick.fix_grammar", "quick.shorter"])
def test_template_runs_on_embedded_model(template_id: str) -> None:
    template = get_template(template_id)
    events = list(run_tests([template], get_provider("embedded")))
    done = events[-1]
    assert isinstance(done, Done)
    results: list[CaseResult] = done.result
    assert len(results) == len(template.spec.tests) >= 1
    for result in results:
        assert result.error is None, result.error
        assert result.reply.strip(), "the embedded model returned nothing"
        assert result.checks, "assertions were evaluated"
