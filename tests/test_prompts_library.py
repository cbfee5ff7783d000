"""The user library: copy-on-write edits, versions (history/diff/revert), "newer built-in" marking, CLI."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from copilot import paths
from copilot.cli.main import main
from copilot.errors import PromptError
from copilot.prompts import get_template, list_templates, user_prompts_dir
from copilot.prompts.library import (
    create_template,
    delete_template,
    diff_versions,
    ensure_user_copy,
    history,
    revert,
    save_template_text,
    set_front_field,
)

TEXT = """---
id: t.memo
name: {zh: 备忘, en: Memo}
description: {zh: 测试模板, en: Test template}
category: t
version: VERSION
inputs:
  text: {type: text}
tests:
  - inputs: {text: hi}
    assert: [{type: max_chars, value: 100}]
---
system@zh:
你是助手 WORD。
system@en:
You are an assistant WORD.
user:
{{ text }}
"""


def _builtin(root: Path, version: int, word: str = "builtin") -> None:
    path = root / "t" / "t.memo.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(TEXT.replace("VERSION", str(version)).replace("WORD", word), encoding="utf-8")


@pytest.fixture
def builtin_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "builtin"
    root.mkdir()
    monkeypatch.setattr(paths, "builtin_prompts_dir", lambda: root)
    _builtin(root, 1)
    return root


def _edit(template_id: str, old: str, new: str) -> None:
    path = ensure_user_copy(template_id)
    save_template_text(path.read_text(encoding="utf-8").replace(old, new), expected_id=template_id)


def test_copy_on_write_versions_diff_revert(builtin_root: Path) -> None:
    builtin_file = builtin_root / "t" / "t.memo.md"
    before = builtin_file.read_bytes()
    path = ensure_user_copy("t.memo")
    assert path == user_prompts_dir() / "t.memo.md"
    assert "based_on_version: 1" in path.read_text(encoding="utf-8")
    _edit("t.memo", "助手 builtin", "助手 第二版")
    _edit("t.memo", "助手 第二版", "助手 第三版")
    assert builtin_file.read_bytes() == before  # the built-in is never touched
    assert [v.number for v in history("t.memo")] == [1, 2, 3]
    d = diff_versions("t.memo")
    assert "-你是助手 第二版。" in d and "+你是助手 第三版。" in d and d.startswith("--- t.memo @2")
    assert "+你是助手 第二版。" in diff_versions("t.memo", 1, 2)
    assert "-你是助手 builtin。" in diff_versions("t.memo", "builtin", "current")
    revert("t.memo", 1)
    assert "你是助手 builtin。" in get_template("t.memo").render({"text": "x"}).messages[0]["content"]
    assert [v.number for v in history("t.memo")] == [1, 2, 3, 4]  # a revert is a new version
    with pytest.raises(PromptError, match=r"no version 9 .*versions: 1, 2, 3, 4"):
        revert("t.memo", 9)


def test_external_edit_is_snapshotted(builtin_root: Path) -> None:
    path = ensure_user_copy("t.memo")
    path.write_text(path.read_text(encoding="utf-8").replace("builtin", "outside"), encoding="utf-8")
    assert [v.number for v in history("t.memo")] == [1, 2]
    assert "outside" in diff_versions("t.memo")


def test_newer_builtin_is_marked_and_copy_kept(builtin_root: Path) -> None:
    _edit("t.memo", "助手 builtin", "助手 我的")
    assert not get_template("t.memo").newer_builtin
    _builtin(builtin_root, 2, word="upstream")
    tpl = get_template("t.memo")
    assert tpl.origin == "user" and tpl.newer_builtin
    assert "我的" in tpl.render({"text": "x"}).messages[0]["content"]
    [listed] = list_templates()
    assert listed.newer_builtin


def test_invalid_save_is_refused_and_id_change_rejected(builtin_root: Path) -> None:
    path = ensure_user_copy("t.memo")
    good = path.read_text(encoding="utf-8")
    with pytest.raises(PromptError, match="field 'version'"):
        save_template_text(set_front_field(good, "version", "zero"), expected_id="t.memo")
    with pytest.raises(PromptError, match="id was changed"):
        save_template_text(set_front_field(good, "id", "t.other"), expected_id="t.memo")
    assert path.read_text(encoding="utf-8") == good


def test_create_duplicate_delete(builtin_root: Path) -> None:
    dup = create_template("t.memo_copy", from_id="t.memo")
    assert dup.id == "t.memo_copy" and dup.spec.based_on_version is None
    fresh = create_template("mine.weekly")
    assert fresh.category == "mine" and {"zh", "en"} <= fresh.languages()
    with pytest.raises(PromptError, match="already have"):
        create_template("mine.weekly")
    with pytest.raises(PromptError, match="is a built-in"):
        create_template("t.memo")
    assert delete_template("mine.weekly") is False
    with pytest.raises(PromptError, match=r"no prompt template 'mine\.weekly'"):
        get_template("mine.weekly")
    assert [v.number for v in history("mine.weekly")] == [1]  # history survives a delete
    ensure_user_copy("t.memo")
    assert delete_template("t.memo") is True
    assert get_template("t.memo").origin == "builtin"
    with pytest.raises(PromptError, match="cannot be deleted"):
        delete_template("t.memo")


def test_cli_list_show_history_diff_revert(builtin_root: Path, capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # A scripted "editor": replaces the word in the file it is given.
    editor = tmp_path / "editor.py"
    editor.write_text("import sys, pathlib\np = pathlib.Path(sys.argv[1])\n"
                      "p.write_text(p.read_text(encoding='utf-8').replace('builtin', 'edited'), encoding='utf-8')\n")
    monkeypatch.setenv("EDITOR", f"{sys.executable} {editor}")
    monkeypatch.delenv("VISUAL", raising=False)
    assert main(["prompts", "edit", "t.memo"]) == 0
    assert "edited" in get_template("t.memo").source_text
    _builtin(builtin_root, 3)
    capsys.readouterr()
    assert main(["prompts", "list"]) == 0
    listing = capsys.readouterr().out
    assert "t.memo" in listing and "newer built-in available (v3)" in listing
    assert main(["prompts", "list", "--json", "--lang", "en"]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert row["newer_builtin"] is True and row["name"] == "Memo" and row["origin"] == "user"
    assert main(["prompts", "history", "t.memo"]) == 0
    assert capsys.readouterr().out.count("\n") == 3  # header + 2 saves
    assert main(["prompts", "diff", "t.memo"]) == 0
    assert "+你是助手 edited。" in capsys.readouterr().out
    assert main(["prompts", "revert", "t.memo", "1"]) == 0
    assert "edited" not in get_template("t.memo").source_text
    assert main(["prompts", "show", "t.memo"]) == 0
    assert "id: t.memo" in capsys.readouterr().out
    assert main(["prompts", "delete", "t.memo"]) == 0
    assert get_template("t.memo").origin == "builtin"


def test_cli_edit_invalid_keeps_scratch(builtin_root: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    editor = tmp_path / "breaker.py"
    editor.write_text("import sys, pathlib\npathlib.Path(sys.argv[1]).write_text('oops', encoding='utf-8')\n")
    monkeypatch.setenv("EDITOR", f"{sys.executable} {editor}")
    assert main(["prompts", "edit", "t.memo"]) == 1
    message = capsys.readouterr().err
    assert "not saved; your edit is kept in" in message and message.count("\n") == 1
    assert "builtin" in get_template("t.memo").source_text


def test_cli_render_and_errors(builtin_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["prompts", "render", "t.memo", "--input", "text=你好 {{ x }}", "--lang", "en"]) == 0
    printed = capsys.readouterr().out
    assert "--- system ---\nYou are an assistant builtin." in printed
    assert "--- user ---\n你好 {{ x }}" in printed and "prompt tokens" in printed
    assert main(["prompts", "render", "t.memo", "-i", "text=hi", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["messages"][1] == {"role": "user", "content": "hi"} and data["token_estimate"] > 0
    assert main(["prompts", "render", "t.memo"]) == 1
    assert "missing required input(s): text" in capsys.readouterr().err
    assert main(["prompts", "render", "t.memo", "--input", "novalue"]) == 2
    assert main(["prompts", "show", "t.mem"]) == 1
    assert "did you mean t.memo" in capsys.readouterr().err
