"""Import (CSV, JSON, Fabric, Prompty, own format, zip) and export, round trips and refusals."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from copilot.cli.main import main
from copilot.errors import OutputExists, PromptError
from copilot.prompts import get_template
from copilot.prompts.lint import lint_template
from copilot.prompts.transfer import escape_jinja, export_templates, import_path

EVIL = "Ignore {{ ''.__class__.__mro__ }} and {% for x in range(3) %}{{ x }}{% endfor %} {# c #} {{{ y }}}"


def _content(tid: str, **inputs: str) -> list[str]:
    return [m["content"] for m in get_template(tid).render(inputs or {"input": "my request"}).messages]


def test_escape_jinja_renders_literally() -> None:
    from copilot.prompts.sandbox import render_section

    for text in (EVIL, "{{", "{%", "{#", "{{{", "{ {", "}} {%- raw %}", "{% endraw %}{{ a }}"):
        assert render_section(escape_jinja(text), {}, "t") == text
    kept = escape_jinja("Hi {{ name }}, {{ other }} {{{ name }}", frozenset({"name"}))
    assert render_section(kept, {"name": "Ann"}, "t") == "Hi Ann, {{ other }} {Ann"


def test_awesome_csv(tmp_path: Path) -> None:
    src = tmp_path / "prompts.csv"
    src.write_text('act,prompt,for_devs\n'
                   '"Linux Terminal","I want you to act as a linux terminal. ' + EVIL.replace('"', '""') + '",TRUE\n'
                   '"Linux Terminal","duplicate act, second one",FALSE\n'
                   '"","no act",FALSE\n'
                   '"充当面试官","我希望你充当面试官。\nuser:\n我的第一个问题是……",FALSE\n',
                   encoding="utf-8")
    report = import_path(src)
    assert report.imported[:2] == ["imported.linux_terminal", "imported.linux_terminal_2"]
    assert len(report.imported) == 3
    assert report.skipped == [("prompts.csv row 4", "empty or missing 'act'")]
    system, user = _content("imported.linux_terminal")
    assert system == "I want you to act as a linux terminal. " + EVIL
    assert user == "my request"
    zh = get_template(report.imported[2])
    assert "lang:zh" in zh.spec.tags and zh.spec.name.zh == zh.spec.name.en == "充当面试官"
    assert zh.render({"input": "开始"}).messages[0]["content"] == "我希望你充当面试官。\nuser:\n我的第一个问题是……"
    assert "lang:en" in get_template("imported.linux_terminal").spec.tags
    for tid in report.imported:
        assert lint_template(get_template(tid), builtin=False) == []
    again = import_path(src)
    assert again.imported == [] and all("already have" in why for _, why in again.skipped[:1])


def test_json_list(tmp_path: Path) -> None:
    src = tmp_path / "zh.json"
    src.write_text(json.dumps([{"act": "担任雅思写作考官", "prompt": "我希望你充当雅思写作考官 {{ 作文 }}"},
                               {"act": "x"}, "not an object"], ensure_ascii=False), encoding="utf-8")
    report = import_path(src)
    assert len(report.imported) == 1 and report.imported[0].startswith("imported.p")
    assert _content(report.imported[0])[0] == "我希望你充当雅思写作考官 {{ 作文 }}"
    assert [why for _, why in report.skipped] == ["empty or missing 'prompt'", "not an object"]
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    assert "not valid JSON" in import_path(bad).skipped[0][1]


def test_fabric_folder(tmp_path: Path) -> None:
    patterns = tmp_path / "patterns"
    (patterns / "extract_wisdom").mkdir(parents=True)
    (patterns / "extract_wisdom" / "system.md").write_text(
        "# IDENTITY and PURPOSE\n\nYou extract wisdom. Use {{ braces }} literally.\n\n# INPUT\n\nINPUT:\n",
        encoding="utf-8")
    (patterns / "summarize").mkdir()
    (patterns / "summarize" / "system.md").write_text("You summarize.\n", encoding="utf-8")
    (patterns / "summarize" / "user.md").write_text("Summarize this:\n", encoding="utf-8")
    (patterns / "empty").mkdir()
    (patterns / "empty" / "system.md").write_text("  \n", encoding="utf-8")
    (patterns / "notes.txt").write_text("ignored", encoding="utf-8")
    report = import_path(patterns)
    assert report.imported == ["imported.extract_wisdom", "imported.summarize"]
    assert dict(report.skipped) == {"empty/system.md": "system.md is empty",
                                    "notes.txt": "unsupported file type '.txt'"}
    assert "Use {{ braces }} literally." in _content("imported.extract_wisdom")[0]
    assert _content("imported.summarize") == ["You summarize.", "Summarize this:\n\nmy request"]
    assert get_template("imported.summarize").spec.origin == "fabric:summarize"


PROMPTY = """---
name: Basic Prompt
description: A basic prompt
model:
  api: chat
  configuration: {type: azure_openai, azure_deployment: gpt-35-turbo}
  parameters: {max_tokens: 128, temperature: 0.2}
inputs:
  firstName: {type: string, description: The customer's first name}
  question: {type: string}
sample:
  firstName: Jane
  question: What is the meaning of life?
---
system:
You are an AI assistant who helps people find information.
{% for item in items %}- {{ item.name }}{% endfor %}
Customer: {{firstName}}

user:
{{question}}
"""


def test_prompty(tmp_path: Path) -> None:
    src = tmp_path / "basic.prompty"
    src.write_text(PROMPTY, encoding="utf-8")
    report = import_path(src)
    assert report.imported == ["imported.basic_prompt"], report.skipped
    tpl = get_template("imported.basic_prompt")
    assert set(tpl.inputs) == {"firstName", "question"}
    assert tpl.spec.model.max_tokens == 128 and tpl.spec.model.temperature == 0.2
    msgs = tpl.render({"firstName": "Ann", "question": "Why?"}).messages
    assert msgs[0]["content"] == ("You are an AI assistant who helps people find information.\n"
                                  "{% for item in items %}- {{ item.name }}{% endfor %}\nCustomer: Ann")
    assert msgs[1] == {"role": "user", "content": "Why?"}
    assert tpl.spec.tests[0].inputs == {"firstName": "Jane", "question": "What is the meaning of life?"}
    assert lint_template(tpl, builtin=False) == []
    nouser = tmp_path / "nouser.prompty"
    nouser.write_text("---\nname: x\n---\nsystem:\nhi\n", encoding="utf-8")
    assert import_path(nouser).skipped == [("nouser.prompty", "no 'user:' section")]
    evil = tmp_path / "evil.prompty"
    evil.write_text("---\nname: !!python/object/apply:os.system ['echo hacked']\n---\nuser:\nhi\n", encoding="utf-8")
    report = import_path(evil)
    assert report.imported == [] and "not valid YAML" in report.skipped[0][1]


def test_export_folder_and_zip_round_trip(tmp_path: Path) -> None:
    src = tmp_path / "a.csv"
    src.write_text("act,prompt\nOne,First {{ x }}\nTwo,Second\n", encoding="utf-8")
    ids = import_path(src).imported
    folder = tmp_path / "out"
    assert export_templates(ids, folder) == ids
    assert sorted(p.name for p in folder.iterdir()) == ["imported.one.md", "imported.two.md"]
    with pytest.raises(OutputExists):
        export_templates(ids, folder)
    archive = tmp_path / "out.zip"
    export_templates([*ids, "general.ask"], archive)
    with zipfile.ZipFile(archive) as z:
        assert sorted(z.namelist()) == ["general.ask.md", "imported.one.md", "imported.two.md"]
    before = {i: get_template(i).source_text for i in ids}
    report = import_path(archive, replace=True)
    assert sorted(report.imported) == ["general.ask", "imported.one", "imported.two"]
    assert {i: get_template(i).source_text for i in ids} == before
    assert get_template("general.ask").origin == "user"  # importing a built-in's file makes a user copy
    assert _content("imported.one") == ["First {{ x }}", "my request"]
    with pytest.raises(PromptError, match="no such file"):
        import_path(tmp_path / "missing.csv")


def test_zip_refusals(tmp_path: Path) -> None:
    archive = tmp_path / "mixed.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("../../escape.md", "---\nid: a.b\n---\nuser:\nx\n")
        z.writestr("run.py", "import os")
        z.writestr("plain.md", "no front matter")
    report = import_path(archive)
    assert report.imported == []
    reasons = dict(report.skipped)
    assert "field 'name'" in reasons["mixed.zip:../../escape.md"]
    assert reasons["mixed.zip:run.py"] == "unsupported file type '.py'"
    assert "without front matter" in reasons["mixed.zip:plain.md"]
    assert not (tmp_path.parent / "escape.md").exists()


def test_cli_import_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "p.csv"
    src.write_text("act,prompt\nPoet,Write poems\n,skip me\n", encoding="utf-8")
    assert main(["prompts", "import", str(src), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["imported"] == ["imported.poet"] and data["skipped"][0]["reason"] == "empty or missing 'act'"
    out = tmp_path / "x.zip"
    assert main(["prompts", "export", "imported.poet", "-o", str(out)]) == 0
    assert main(["prompts", "export", "imported.poet", "-o", str(out)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert main(["prompts", "export", "imported.poet", "-o", str(out), "--force"]) == 0
