"""The quick window and the quick service in-process (offscreen): filtering, keyboard flow,
streaming through the Runner with the fake model, diff, Copy / Replace / Esc, history."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from tests.conftest import history_runs
from ui.hotkeys import NullBackend
from ui.quick.diff import diff_html, diff_ops, tokens
from ui.quick.window import TITLE, QuickItem, QuickWindow

ITEMS = [
    QuickItem("quick.formal", "More formal", "Rewrite formally", favourite=True, hotkey="ctrl+alt+f"),
    QuickItem("quick.translate", "Translate", "To English"),
    QuickItem("quick.summary", "Summarise", "Short summary"),
]


def _template(tid: str, name: str, *, favourite: bool = False, output: str = "replace",
              extra_inputs: str = "", hotkey: str = "") -> str:
    return textwrap.dedent(f"""\
        ---
        id: {tid}
        name: {{zh: {name}, en: {name}}}
        category: {tid.split('.')[0]}
        output: {output}
        favourite: {str(favourite).lower()}
        {f'hotkey: {hotkey}' if hotkey else ''}
        inputs:
          text: {{type: text, source: selection}}
        {extra_inputs}
        ---
        user:
        {{{{ text }}}}
        """)


@pytest.fixture
def templates(isolated_home: Any) -> None:
    from copilot.prompts import clear_cache, user_prompts_dir

    d = user_prompts_dir()
    (d / "quick.upper.md").write_text(_template("quick.upper", "Upper"), encoding="utf-8")
    (d / "quick.zz_fav.md").write_text(_template("quick.zz_fav", "Fav", favourite=True, output="popup",
                                                 hotkey="ctrl+alt+z"), encoding="utf-8")
    (d / "quick.needs_more.md").write_text(
        _template("quick.needs_more", "Needs more", extra_inputs="  audience: {type: string}"), encoding="utf-8")
    clear_cache()


@pytest.fixture
def window(qtbot: Any) -> Iterator[QuickWindow]:
    w = QuickWindow()
    qtbot.addWidget(w)
    yield w
    w.hide()


def test_diff_tokens_and_ops() -> None:
    assert tokens("我们明天开会。Hi there!") == ["我", "们", "明", "天", "开", "会", "。", "Hi", " ", "there", "!"]
    assert diff_ops("hey team, send it", "Dear team, please send it") == [
        ("delete", "hey"), ("insert", "Dear"), ("equal", " team, "), ("insert", "please "), ("equal", "send it")]
    html = diff_html("a <b>", "a <i>")
    assert html.startswith("a &lt;<span") and html.endswith("&gt;")  # escaped, never markup
    assert "line-through\">b</span>" in html and "underline\">i</span>" in html


def test_window_title_filter_and_keyboard(window: QuickWindow, qtbot: Any) -> None:
    assert window.windowTitle() == TITLE
    assert window.windowFlags() & Qt.WindowType.FramelessWindowHint
    window.open("hey team", ITEMS)
    assert window.visible_ids() == ["quick.formal", "quick.translate", "quick.summary"]
    assert window.list.item(0).text().startswith("★ More formal")
    assert window.filter.hasFocus() or not window.isActiveWindow()
    qtbot.keyClicks(window.filter, "sum")
    assert window.visible_ids() == ["quick.summary"]
    window.filter.clear()
    qtbot.keyClick(window.filter, Qt.Key.Key_Down)
    assert window.current_id() == "quick.translate"
    with qtbot.waitSignal(window.sig_run) as run:
        qtbot.keyClick(window.filter, Qt.Key.Key_Return)
    assert run.args == ["quick.translate"]
    with qtbot.waitSignal(window.sig_cancel):
        qtbot.keyClick(window.filter, Qt.Key.Key_Escape)


def test_window_result_diff_and_default_action(window: QuickWindow, qtbot: Any) -> None:
    window.open("hey team", ITEMS)
    window.start_output("More formal")
    assert not window.buttons["replace"].isEnabled()
    window.append_output("Dear ")
    window.append_output("team")
    assert window.output.toPlainText() == "Dear team"
    window.show_result("Dear team", rewrite=True)
    assert "line-through" in window.output.toHtml()
    assert window.buttons["replace"].isDefault()
    assert window.buttons["replace"].isEnabled()
    with qtbot.waitSignal(window.sig_action) as action:
        window.buttons["copy"].click()
    assert action.args == ["copy"]


@pytest.fixture
def service(qtbot: Any, fake_profile: str, fake_server: Any, templates: None) -> Iterator[Any]:
    from tests.fake_openai_server import last_user_text
    from ui.clipboard import Desktop
    from ui.quick.service import QuickService
    from ui.runner import Runner

    fake_server.set_default(lambda req: last_user_text(req).upper())
    runner = Runner()
    svc = QuickService(runner, backend=NullBackend("no hotkeys in this test"), target=Desktop(),
                       profile=fake_profile)
    qtbot.addWidget(svc.window)
    yield svc
    svc.close()
    runner.shutdown(3000)


def test_quick_templates_favourites_first_and_only_usable(templates: None) -> None:
    from copilot.tasks.quick_action import quick_templates

    ids = [t.id for t in quick_templates()]
    assert "quick.needs_more" not in ids  # a second required input: cannot run on a selection alone
    assert ids.index("quick.zz_fav") < ids.index("quick.upper")


def test_service_runs_template_and_copies(service: Any, qtbot: Any) -> None:
    from copilot import history

    clipboard = QGuiApplication.clipboard()
    clipboard.setText("please shout")
    states: list[str] = []
    service.sig_state.connect(states.append)
    service.trigger()
    assert service.window.isVisible()
    assert service.window.source_text() == "please shout"
    assert "quick.upper" in service.window.visible_ids()
    with qtbot.waitSignal(service.sig_state, timeout=10000, check_params_cb=lambda s: s == "result"):
        service.run("quick.upper")
    assert service.window.result_text() == "PLEASE SHOUT"
    service.window.buttons["copy"].click()
    assert clipboard.text() == "PLEASE SHOUT"
    assert not service.window.isVisible()
    assert states == ["shown", "result", "copied"]
    entry = history.recent(1)[0]
    assert (entry.task, entry.template, entry.status) == ("quick", "quick.upper", "ok")
    assert any(r["task"] == "quick" and r["source"] == "quick" for r in history_runs())


def test_service_template_hotkey_and_replace_without_keystrokes(service: Any, qtbot: Any) -> None:
    QGuiApplication.clipboard().setText("abc")
    with qtbot.waitSignal(service.sig_state, timeout=10000, check_params_cb=lambda s: s == "result"):
        service.trigger("quick.upper")  # what a template's own hotkey does
    with qtbot.waitSignal(service.sig_message) as message:
        service.window.buttons["replace"].click()
    # Offscreen there is no way to type into another program: one line, result left on the clipboard.
    assert message.args[0].startswith("cannot paste into other programs here")
    assert QGuiApplication.clipboard().text() == "ABC"
    assert service.window.isVisible()
    service.window.hide()


def test_service_nothing_selected_and_escape(service: Any, qtbot: Any) -> None:
    QGuiApplication.clipboard().clear()
    service.trigger()
    assert service.window.notice.text().startswith("nothing selected")
    with qtbot.waitSignal(service.sig_state) as state:
        qtbot.keyClick(service.window.filter, Qt.Key.Key_Escape)
    assert state.args == ["closed"] and not service.window.isVisible()


def test_service_escape_cancels_a_running_request(service: Any, fake_server: Any, qtbot: Any) -> None:
    from copilot import history

    fake_server.tokens_per_second = 5.0  # slow stream: still running when Esc comes
    fake_server.set_default("one two three four five six seven eight nine ten")
    QGuiApplication.clipboard().setText("x")
    service.trigger()
    service.run("quick.upper")
    qtbot.waitUntil(lambda: bool(service.window.result_text()), timeout=10000)
    with qtbot.waitSignal(service.sig_state) as state:
        qtbot.keyClick(service.window.filter, Qt.Key.Key_Escape)
    assert state.args == ["cancelled"]
    # Recorded by the task layer when the worker leaves the cancelled task, a moment later.
    qtbot.waitUntil(lambda: [e.status for e in history.recent(1)] == ["cancelled"], timeout=5000)
    service.window.hide()


def test_service_unknown_profile_error_is_one_line(service: Any, qtbot: Any) -> None:
    service._profile = "no-such-profile"
    QGuiApplication.clipboard().setText("x")
    service.trigger()
    with qtbot.waitSignal(service.sig_state, timeout=10000, check_params_cb=lambda s: s == "error"):
        service.run("quick.upper")
    assert "no-such-profile" in service.window.status.text()
    assert "\n" not in service.window.status.text()
    service.window.hide()


def test_service_open_in_app_shows_the_result_in_the_main_window(service: Any, desk: Any, qtbot: Any) -> None:
    from PySide6.QtWidgets import QApplication

    from ui.widgets.text_result import TextResultDialog

    main = desk.show_main_window()
    # The tray plug-in wires it like this (ui.tray.install: on_open_in_app).
    service.sig_open_in_app.connect(lambda source, result, template:
                                    main.open_text(result, source=source, template=template))
    QGuiApplication.clipboard().setText("open me")
    states: list[str] = []
    service.sig_state.connect(states.append)
    with qtbot.waitSignal(service.sig_state, timeout=10000, check_params_cb=lambda s: s == "result"):
        service.trigger("quick.upper")
    service.window.buttons["open"].click()
    assert not service.window.isVisible() and states[-1] == "opened"
    dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, TextResultDialog) and w.isVisible()]
    assert len(dialogs) == 1 and dialogs[0].parent() is main
    assert dialogs[0].text() == "OPEN ME" and dialogs[0].source.toPlainText() == "open me"
    dialogs[0].close()
