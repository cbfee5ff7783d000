"""The quick-action task without Qt: which templates take a selection, streaming the reply."""

from __future__ import annotations

import textwrap
from pathlib import Path

from copilot.events import Delta, Done, Started
from copilot.models import get_provider
from copilot.prompts import clear_cache, get_template, user_prompts_dir
from copilot.tasks.quick_action import QuickResult, is_rewrite, quick_action, quick_templates, selection_input
from tests.fake_openai_server import FakeOpenAIServer, last_user_text


def _write(tid: str, *, output: str = "replace", favourite: bool = False, extra: str = "") -> None:
    (user_prompts_dir() / f"{tid}.md").write_text(textwrap.dedent(f"""\
        ---
        id: {tid}
        name: {{zh: {tid}, en: {tid}}}
        category: {tid.split('.')[0]}
        output: {output}
        favourite: {str(favourite).lower()}
        inputs:
          text: {{type: text, source: selection}}
        {extra}
        ---
        user:
        {{{{ text }}}}
        """), encoding="utf-8")


def test_templates_offered_for_a_selection(isolated_home: Path) -> None:
    _write("quick.upper")
    _write("quick.zz_fav", output="popup", favourite=True)
    _write("quick.needs_more", extra="  audience: {type: string}")
    clear_cache()
    ids = [t.id for t in quick_templates()]
    assert "quick.needs_more" not in ids
    assert selection_input(get_template("quick.needs_more")) is None
    assert selection_input(get_template("quick.upper")) == "text"
    assert ids.index("quick.zz_fav") < ids.index("quick.upper")
    assert is_rewrite(get_template("quick.upper")) and not is_rewrite(get_template("quick.zz_fav"))


def test_quick_action_streams_and_returns_result(fake_server: FakeOpenAIServer, fake_profile: str) -> None:
    _write("quick.upper")
    clear_cache()
    fake_server.set_default(lambda req: last_user_text(req).upper())
    events = list(quick_action(get_provider(fake_profile), "quick.upper", "please shout"))
    assert isinstance(events[0], Started)
    assert "".join(e.text for e in events if isinstance(e, Delta)) == "PLEASE SHOUT"
    done = events[-1]
    assert isinstance(done, Done) and isinstance(done.result, QuickResult)
    assert (done.result.text, done.result.source, done.result.rewrite) == ("PLEASE SHOUT", "please shout", True)
