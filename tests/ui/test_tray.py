"""The tray menu: entries, favourites from the prompt library, signals, pause state."""

from __future__ import annotations

import textwrap
from typing import Any

import pytest

from ui.tray import TrayIcon, app_icon


@pytest.fixture
def favourite_template(isolated_home: Any) -> None:
    from copilot.prompts import clear_cache, user_prompts_dir

    (user_prompts_dir() / "quick.tray_fav.md").write_text(textwrap.dedent("""\
        ---
        id: quick.tray_fav
        name: {zh: 托盘收藏, en: Tray favourite}
        category: quick
        favourite: true
        hotkey: ctrl+alt+t
        inputs:
          text: {type: text, source: selection}
        ---
        user:
        {{ text }}
        """), encoding="utf-8")
    clear_cache()


def test_menu_entries_and_signals(qtbot: Any, favourite_template: None) -> None:
    tray = TrayIcon(lang="en")
    try:
        texts = [a.text().split("\t")[0] for a in tray.menu.actions() if not a.isSeparator()]
        assert texts == ["Open Desk Copilot", "Quick action", "Favourite templates", "Pause hotkeys", "Settings…",
                         "Quit"]
        assert "quick.tray_fav" in tray.favourite_ids()
        fav = next(a for a in tray.favourites.actions() if a.data() == "quick.tray_fav")
        assert fav.text() == "Tray favourite\tctrl+alt+t"
        with qtbot.waitSignal(tray.sig_template) as picked:
            fav.trigger()
        assert picked.args == ["quick.tray_fav"]
        for action, signal in ((tray.act_open, tray.sig_open), (tray.act_quick, tray.sig_quick),
                               (tray.act_settings, tray.sig_settings), (tray.act_quit, tray.sig_quit)):
            with qtbot.waitSignal(signal):
                action.trigger()
        with qtbot.waitSignal(tray.sig_pause_toggled) as paused:
            tray.act_pause.trigger()
        assert paused.args == [True]
        with qtbot.assertNotEmitted(tray.sig_pause_toggled):
            tray.set_paused(False)
        assert not tray.act_pause.isChecked()
        tray.set_hotkey_text("Ctrl+Alt+K")
        assert tray.act_quick.text() == "Quick action\tCtrl+Alt+K"
        assert "Ctrl+Alt+K" in tray.toolTip()
        tray.retranslate("zh")
        tray.refresh_favourites()
        assert any(a.text().startswith("托盘收藏") for a in tray.favourites.actions())
    finally:
        tray.hide()
        tray.menu.deleteLater()


def test_no_favourites_shows_a_disabled_hint(qtbot: Any, isolated_home: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import copilot.tasks.quick_action

    monkeypatch.setattr(copilot.tasks.quick_action, "quick_templates", lambda: [])
    tray = TrayIcon(lang="en")
    try:
        actions = tray.favourites.actions()
        assert len(actions) == 1 and not actions[0].isEnabled()
        assert tray.favourite_ids() == []
    finally:
        tray.menu.deleteLater()


def test_icon_is_drawn_without_files(qtbot: Any) -> None:
    icon = app_icon()
    assert not icon.isNull()
    assert icon.availableSizes()
