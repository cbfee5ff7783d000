"""Running templates' examples through a model and checking the replies (``prompts test``).

A task in the house style: a generator of Started / Progress / Done(list[CaseResult]). With
``offline=True`` no model is called and each example's ``fixture_reply`` is checked instead,
which is how ``lint`` proves the fixtures (and so the CI fake-server replay) are consistent.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Generator, Iterable
from dataclasses import dataclass, field
from typing import Any

from copilot.cancel import CancelToken
from copilot.errors import Cancelled, CopilotError
from copilot.events import Done, Event, Progress, Started
from copilot.models.base import Message, Provider
from copilot.prompts.checks import CheckResult, check_reply
from copilot.prompts.schema import TestCase
from copilot.prompts.template import RenderedPrompt, Template

__all__ = ["CaseResult", "fixture_replies", "messages_key", "run_case_offline", "run_tests"]


@dataclass
class CaseResult:
    template_id: str
    index: int
    name: str
    lang: str
    ok: bool
    checks: list[CheckResult] = field(default_factory=list)
    error: str | None = None
    reply: str = ""
    seconds: float = 0.0

    @property
    def label(self) -> str:
        return self.name or f"#{self.index + 1}"

    def failures(self) -> list[str]:
        if self.error:
            return [self.error]
        return [f"{c.assertion.type}: {c.detail}" for c in self.checks if not c.ok]


def messages_key(messages: Iterable[Any]) -> str:
    """A fingerprint of a chat request's messages (role + content), to look a scripted reply up."""
    norm = [{"role": str(m.get("role")), "content": str(m.get("content"))} for m in messages]
    return hashlib.sha256(json.dumps(norm, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def fixture_replies(templates: Iterable[Template]) -> dict[str, str]:
    """messages_key(rendered messages) -> fixture_reply for every example that has one.

    A fake OpenAI server answering from this mapping replays the known-good replies, so
    ``prompts test`` can run end to end in CI without a real model.
    """
    out: dict[str, str] = {}
    for tpl in templates:
        for case in tpl.spec.tests:
            if case.fixture_reply is None:
                continue
            try:
                rendered = tpl.render(case.inputs, lang=case.lang)
            except CopilotError:
                continue
            out[messages_key(rendered.messages)] = case.fixture_reply
    return out


def _check(tpl: Template, index: int, case: TestCase, reply: str, seconds: float = 0.0) -> CaseResult:
    checks = check_reply(reply, case.assert_, case.inputs, tpl.spec.model.response_schema)
    return CaseResult(tpl.id, index, case.name, case.lang, all(c.ok for c in checks), checks,
                      reply=reply, seconds=seconds)


def run_case_offline(tpl: Template, index: int, case: TestCase) -> CaseResult:
    """Check an example's fixture_reply against its assertions (and that the example renders)."""
    try:
        tpl.render(case.inputs, lang=case.lang)
    except CopilotError as exc:
        return CaseResult(tpl.id, index, case.name, case.lang, False, error=str(exc))
    if case.fixture_reply is None:
        return CaseResult(tpl.id, index, case.name, case.lang, False, error="no fixture_reply to check offline")
    return _check(tpl, index, case, case.fixture_reply)


def _run_online(provider: Provider, tpl: Template, index: int, case: TestCase, rendered: RenderedPrompt,
                cancel: CancelToken) -> CaseResult:
    from copilot.models import complete

    start = time.perf_counter()
    messages: list[Message] = rendered.messages
    try:
        completion = complete(provider, messages, rendered.options, cancel)
    except Cancelled:
        raise
    except CopilotError as exc:
        return CaseResult(tpl.id, index, case.name, case.lang, False, error=f"{type(exc).__name__}: {exc}",
                          seconds=time.perf_counter() - start)
    return _check(tpl, index, case, completion.text, time.perf_counter() - start)


def run_tests(templates: Iterable[Template], provider: Provider | None = None, *, offline: bool = False,
              cancel: CancelToken | None = None) -> Generator[Event, None, list[CaseResult]]:
    """Run every example of ``templates``; yields progress, finishes with Done(results in order)."""
    cancel = cancel or CancelToken()
    work: list[tuple[Template, int, TestCase]] = [
        (tpl, i, case) for tpl in templates for i, case in enumerate(tpl.spec.tests)
    ]
    results: list[CaseResult | None] = [None] * len(work)
    yield Started("prompt tests", len(work))
    online: list[tuple[int, RenderedPrompt]] = []
    for n, (tpl, i, case) in enumerate(work):
        if offline or provider is None:
            results[n] = run_case_offline(tpl, i, case)
            continue
        try:
            online.append((n, tpl.render(case.inputs, lang=case.lang)))
        except CopilotError as exc:
            results[n] = CaseResult(tpl.id, i, case.name, case.lang, False, error=str(exc))
    done = len(work) - len(online)
    if online and provider is not None:
        from copilot.models import bounded_map

        def call(item: tuple[int, RenderedPrompt]) -> CaseResult:
            n, rendered = item
            tpl, i, case = work[n]
            return _run_online(provider, tpl, i, case, rendered, cancel)

        for k, outcome in bounded_map(provider, online, call, cancel):
            n = online[k][0]
            tpl, i, case = work[n]
            if isinstance(outcome, Cancelled):
                raise outcome
            if isinstance(outcome, Exception):
                outcome = CaseResult(tpl.id, i, case.name, case.lang, False,
                                     error=f"{type(outcome).__name__}: {outcome}")
            results[n] = outcome
            done += 1
            yield Progress(done, len(work), f"{tpl.id} {outcome.label}")
    final = [r for r in results if r is not None]
    yield Done(final)
    return final
