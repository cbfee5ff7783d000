"""Template parsing, rendering, the Jinja sandbox and the loader (built-ins vs user overrides)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from copilot import paths
from copilot.errors import PromptError
from copilot.prompts import (
    RenderedPrompt,
    Template,
    detect_language,
    estimate_tokens,
    get_template,
    list_templates,
    user_prompts_dir,
)

HEAD = """---
id: t.sample
name: {zh: 示例, en: Sample}
description: {zh: 测试用, en: For tests}
category: t
version: 1
inputs:
  text: {type: text, source: selection}
  n: {type: number, default: 3}
  flag: {type: boolean, default: false}
  tone: {type: choice, choices: [formal, casual], default: formal}
model: {temperature: 0.2, max_tokens: 50, response_schema: {type: object}}
output: json
tests:
  - inputs: {text: hi}
    assert: [{type: max_chars, value: 10}]
---
"""


def tpl(body: str, head: str = HEAD) -> Template:
    return Template.from_text(head + body, where="sample.md")


def test_render_picks_language_sections_and_options() -> None:
    t = tpl("system@zh:\n中文 {{ tone }}\nsystem@en:\nEnglish {{ tone }}\nuser:\n{{ text }} x{{ n }}\n")
    zh = t.render({"text": "你好"}, lang="zh")
    assert isinstance(zh, RenderedPrompt)
    assert zh.messages == [{"role": "system", "content": "中文 formal"}, {"role": "user", "content": "你好 x3"}]
    en = t.render({"text": "hi", "n": "1,200"}, lang="en")
    assert en.messages[0]["content"] == "English formal"
    assert en.messages[1]["content"] == "hi x1200"
    assert en.options.temperature == 0.2 and en.options.max_tokens == 50
    assert en.options.json_schema == {"type": "object"}
    assert (en.template_id, en.version, en.lang) == ("t.sample", 1, "en")
    # auto: from the text inputs
    assert t.render({"text": "这是一段中文文字"}, lang="auto").lang == "zh"
    assert t.render({"text": "plain English words here"}, lang="auto").lang == "en"


def test_fallback_to_other_language_and_few_shot_order() -> None:
    t = tpl("system@zh:\n只有中文\nuser:\nQ\nassistant:\nA\nuser:\n{{ text }}\n")
    msgs = t.render({"text": "x"}, lang="en").messages
    assert [m["role"] for m in msgs] == ["system", "user", "assistant", "user"]
    assert msgs[0]["content"] == "只有中文"


def test_coercion_and_validation() -> None:
    t = tpl("user:\n{{ text }}|{{ n }}|{{ flag }}|{{ tone }}\n")
    assert t.render({"text": "a", "n": 2.5, "flag": "是", "tone": "casual"}).messages[0]["content"] == \
        "a|2.5|True|casual"
    with pytest.raises(PromptError, match=r"tone.*formal, casual"):
        t.render({"text": "a", "tone": "angry"})
    with pytest.raises(PromptError, match="'n' must be a number"):
        t.render({"text": "a", "n": "many"})
    with pytest.raises(PromptError, match="flag"):
        t.render({"text": "a", "flag": "maybe"})
    with pytest.raises(PromptError, match=r"sample\.md: missing required input\(s\): text"):
        t.render({})


def test_missing_variables_name_themselves() -> None:
    head = HEAD.replace("inputs:\n", "inputs:\n  extra: {type: string, default: ''}\n")
    t = tpl("user:\n{{ text }} {{ alpha }} {% if beta %}{{ gamma }}{% endif %}\n", head)
    with pytest.raises(PromptError) as info:
        t.render({"text": "x"})
    message = str(info.value)
    assert "alpha" in message and "beta" in message and "gamma" in message and "sample.md" in message
    assert "\n" not in message


@pytest.mark.parametrize("expr", [
    "{{ ''.__class__.__mro__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ self._TemplateReference__context }}",
    "{{ joiner.__init__.__globals__['os'] }}",
    "{{ namespace.__init__.__globals__ }}",
    "{{ '{0.__class__.__mro__}'.format(text) }}",
    "{{ [].append(1) }}",
    "{{ 'x' * 100000000 }}",
    "{{ 9 ** 9999999 }}",
])
def test_sandbox_blocks_python_internals(expr: str) -> None:
    t = tpl(f"user:\n{{{{ text }}}} {expr}\n")
    with pytest.raises(PromptError) as info:
        t.render({"text": "x"})
    assert "sample.md" in str(info.value)
    assert "<class" not in str(info.value)


def test_sandbox_never_leaks_globals_into_output() -> None:
    t = tpl("user:\n{{ text }}{{ cycler.__doc__ }}\n")
    with pytest.raises(PromptError):
        t.render({"text": "x"})


def test_literal_braces() -> None:
    t = tpl("user:\n{% raw %}{{ not_a_var }}{% endraw %} {{ '{{' }} {{ text }}\n")
    assert t.render({"text": "v"}).messages[0]["content"] == "{{ not_a_var }} {{ v"


def test_input_values_are_not_templates() -> None:
    t = tpl("user:\n{{ text }}\n")
    assert t.render({"text": "{{ 7 * 7 }} {% if x %}"}).messages[0]["content"] == "{{ 7 * 7 }} {% if x %}"


def test_escaped_header_line() -> None:
    t = tpl("user:\n\\user:\n{{ text }}\n")
    assert t.render({"text": "x"}).messages == [{"role": "user", "content": "user:\nx"}]


@pytest.mark.parametrize(("text", "match"), [
    ("no front matter\n", "must start with '---'"),
    ("---\nid: a.b\n", "no closing"),
    ("---\nid: [unclosed\n---\nuser:\nx\n", "not valid YAML"),
    ("---\nid: Bad Id\nname: x\ncategory: a\n---\nuser:\nx\n", "field 'id'"),
    ("---\nid: a.b\nname: x\ncategory: a\ntemprature: 1\n---\nuser:\nx\n", "field 'temprature'"),
    ("---\nid: a.b\nname: x\ncategory: a\nmodel: {temperature: 9}\n---\nuser:\nx\n", "field 'model.temperature'"),
    ("---\nid: a.b\nname: x\ncategory: a\ninputs: {t: {type: choice}}\n---\nuser:\nx\n", "field 'inputs.t'"),
    ("---\nid: a.b\nname: x\ncategory: a\n---\nhello\nuser:\nx\n", "text before the first"),
    ("---\nid: a.b\nname: x\ncategory: a\n---\n\n", "no 'system:' or 'user:' section"),
    ("---\nid: a.b\nname: x\ncategory: a\n---\nuser:\n{{ x \n", "Jinja syntax error"),
    ("---\nid: a.b\nname: x\ncategory: a\ntests: [{assert: [{type: regex, value: '('}]}]\n---\nuser:\nx\n",
     "bad regex"),
])
def test_invalid_files_name_file_and_field(text: str, match: str) -> None:
    with pytest.raises(PromptError, match=match) as info:
        Template.from_text(text, where="broken.md")
    assert str(info.value).startswith("broken.md")


def _write(root: Path, tid: str, body_word: str, version: int = 1) -> Path:
    path = root / tid.split(".")[0] / f"{tid}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEAD.replace("t.sample", tid).replace("version: 1", f"version: {version}")
                    + f"user:\n{body_word} {{{{ text }}}}\n", encoding="utf-8")
    return path


@pytest.fixture
def builtin_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "builtin"
    root.mkdir()
    monkeypatch.setattr(paths, "builtin_prompts_dir", lambda: root)
    return root


def test_user_overrides_builtin_and_reload_on_change(builtin_root: Path) -> None:
    _write(builtin_root, "t.one", "builtin")
    assert get_template("t.one").render({"text": "x"}).messages[0]["content"] == "builtin x"
    user = user_prompts_dir() / "t.one.md"
    user.write_text((builtin_root / "t" / "t.one.md").read_text().replace("builtin", "mine"), encoding="utf-8")
    got = get_template("t.one")
    assert got.origin == "user" and got.overrides_builtin is not None
    assert got.render({"text": "x"}).messages[0]["content"] == "mine x"
    user.write_text(user.read_text().replace("mine", "edited"), encoding="utf-8")
    st = user.stat()
    os.utime(user, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    assert get_template("t.one").render({"text": "x"}).messages[0]["content"] == "edited x"
    assert [t.id for t in list_templates()] == ["t.one"]


def test_unknown_id_lists_close_matches(builtin_root: Path) -> None:
    _write(builtin_root, "t.summary", "s")
    with pytest.raises(PromptError, match=r"no prompt template 't\.sumary'; did you mean t\.summary"):
        get_template("t.sumary")


def test_broken_file_does_not_hide_others(builtin_root: Path) -> None:
    _write(builtin_root, "t.good", "ok")
    bad = builtin_root / "t" / "t.bad.md"
    bad.write_text("---\nid: t.bad\n---\nuser:\nx\n", encoding="utf-8")
    assert [t.id for t in list_templates()] == ["t.good"]
    with pytest.raises(PromptError, match=r"t\.bad\.md: field 'name'"):
        get_template("t.bad")


def test_detect_language_and_estimate_tokens(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert detect_language("今天开会讨论 Python 项目") == "zh"
    assert detect_language("Meeting about the 项目 today with the team") == "en"
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path / "empty"))  # nothing cached: the estimate
    assert estimate_tokens("你好世界") == 4
    assert estimate_tokens("abcdefgh") == 2
    assert estimate_tokens("你好 abcd", model="gpt-4o-unknown-offline") == 3
    # Every Unicode space is free (no-break, em, ideographic — which also counts as CJK), others a quarter.
    assert estimate_tokens("ab\u00a0cd\u2003ef\tgh\n") == 2
    assert estimate_tokens("你\u3000好") == 3
