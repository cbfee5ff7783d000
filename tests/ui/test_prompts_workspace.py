"""Prompt library workspace: search, preview with tokens, run, save → history → revert, tests, import/export."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import history_runs


@pytest.fixture
def prompts(window: object, qtbot: object) -> object:
    ws = window.show_workspace("prompts")  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: ws.list.count() > 0, timeout=60000)
    return ws


def test_search_and_preview(prompts: object, qtbot: object) -> None:
    prompts.search.setText("polish.formal")  # type: ignore[attr-defined]
    assert prompts.list.count() == 1  # type: ignore[attr-defined]
    prompts.list.setCurrentRow(0)  # type: ignore[attr-defined]
    assert prompts.template_id == "polish.formal"  # type: ignore[attr-defined]
    assert prompts.form.f_id.text() == "polish.formal"  # type: ignore[attr-defined]
    for name in prompts._input_widgets:  # type: ignore[attr-defined]
        value = '[{"id": "1", "text": "hey team"}]' if name == "paragraphs" else "hey team, meeting moved"
        prompts.set_input(name, value)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: "tokens" in prompts.tokens_label.text(), timeout=10000)  # type: ignore[attr-defined]
    html = prompts.preview_view.toPlainText()  # type: ignore[attr-defined]
    assert "user" in html
    prompts.category_combo.setCurrentIndex(prompts.category_combo.findData("code"))  # type: ignore[attr-defined]
    prompts.search.setText("")  # type: ignore[attr-defined]
    ids = [prompts.list.item(i).data(256) for i in range(prompts.list.count())]  # type: ignore[attr-defined]
    assert ids and all(i.startswith("code.") for i in ids)


def test_run_template_against_fake_server(prompts: object, qtbot: object, fake_server: object) -> None:
    fake_server.set_default("A fine reply.")  # type: ignore[attr-defined]
    prompts.select_template("general.ask")  # type: ignore[attr-defined]
    for name in prompts._input_widgets:  # type: ignore[attr-defined]
        prompts.set_input(name, "What is 2+2?")  # type: ignore[attr-defined]
    prompts.run()  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: prompts.reply_view.toPlainText() == "A fine reply.", timeout=30000)  # type: ignore[attr-defined]
    assert any(r["task"] == "prompt" and r["template"] == "general.ask" for r in history_runs())
    qtbot.waitUntil(lambda: not prompts.is_busy(), timeout=10000)  # type: ignore[attr-defined]


def test_edit_save_history_revert(prompts: object, qtbot: object) -> None:
    from copilot.prompts import get_template

    prompts.select_template("polish.formal")  # type: ignore[attr-defined]
    original = get_template("polish.formal").spec.name.en
    prompts.form.f_name_en.setText("Formal (mine)")  # type: ignore[attr-defined]
    prompts._form_to_raw()  # type: ignore[attr-defined]
    assert "Formal (mine)" in prompts.raw.toPlainText()  # type: ignore[attr-defined]
    prompts.save()  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: not prompts.is_loading(), timeout=30000)  # type: ignore[attr-defined]
    tpl = get_template("polish.formal")
    assert tpl.origin == "user" and tpl.spec.name.en == "Formal (mine)"
    assert tpl.spec.based_on_version is not None
    prompts.form.f_name_en.setText("Formal v3")  # type: ignore[attr-defined]
    prompts._form_to_raw()  # type: ignore[attr-defined]
    prompts.save()  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: not prompts.is_loading(), timeout=30000)  # type: ignore[attr-defined]
    prompts._load_history()  # type: ignore[attr-defined]
    assert prompts.history_list.count() == 2  # type: ignore[attr-defined]
    prompts.history_list.setCurrentRow(1)  # type: ignore[attr-defined]  # version 1
    assert "Formal v3" in prompts.diff_view.toPlainText()  # type: ignore[attr-defined]
    prompts.revert_to(1)  # type: ignore[attr-defined]
    assert get_template("polish.formal").spec.name.en == "Formal (mine)"
    assert original != "Formal (mine)"


def test_run_template_tests(prompts: object, qtbot: object, fake_server: object) -> None:
    fake_server.set_default("Dear team, the meeting has moved to Friday.")  # type: ignore[attr-defined]
    prompts.select_template("polish.formal")  # type: ignore[attr-defined]
    prompts.run_tests()  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: "passed" in prompts.tests_summary.text() or "no tests" in prompts.tests_summary.text(),  # type: ignore[attr-defined]
                    timeout=30000)
    assert prompts.tests_list.count() >= 1  # type: ignore[attr-defined]


def test_import_and_export(prompts: object, qtbot: object, tmp_path: Path) -> None:
    from copilot.prompts import get_template

    csv = tmp_path / "prompts.csv"
    csv.write_text('act,prompt\n"Travel Guide","I want you to act as a travel guide."\n', encoding="utf-8")
    prompts.import_from(csv)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: prompts.template_id is not None and "travel" in (prompts.template_id or ""),  # type: ignore[attr-defined]
                    timeout=30000)
    tid = prompts.template_id  # type: ignore[attr-defined]
    assert get_template(tid).origin == "user"
    out = tmp_path / "export.zip"
    prompts.export_to([tid], out)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: out.exists() and not prompts.is_busy(), timeout=30000)  # type: ignore[attr-defined]
    import zipfile

    assert any(n.endswith(".md") for n in zipfile.ZipFile(out).namelist())
