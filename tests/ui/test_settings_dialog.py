"""Settings dialog: profiles, key in the (in-memory) keyring, models from /v1/models, Test connection,
per-workspace profiles, language, theme, author — all persisted and read back."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from ui.app import DeskApp
from ui.settings_dialog import SettingsDialog


@pytest.fixture
def dialog(desk: DeskApp, qtbot: QtBot) -> SettingsDialog:
    from ui.settings_dialog import SettingsDialog

    d = SettingsDialog(desk.runner)
    qtbot.addWidget(d)
    return d


def test_settings_persist(dialog: SettingsDialog, fake_profile: str) -> None:
    from copilot.models.profiles import get_profile
    from copilot.secrets import get_key
    from copilot.settings import load_settings

    dialog.add_profile("mine", base_url="http://127.0.0.1:9/v1", model="m1")
    dialog.select_profile("mine")
    dialog.concurrency.setValue(7)
    dialog.key_edit.setText("sk-test-123456")
    dialog._on_key_edited("sk-test-123456")
    dialog.language_combo.setCurrentIndex(dialog.language_combo.findData("zh_CN"))
    dialog.theme_combo.setCurrentIndex(dialog.theme_combo.findData("dark"))
    dialog.author_edit.setText("Li Lei")
    combo = dialog.workspace_combos["word"]
    combo.setCurrentIndex(combo.findData("mine"))
    assert dialog.apply() == []

    settings = load_settings()
    assert settings.language == "zh_CN" and settings.theme == "dark" and settings.author == "Li Lei"
    assert settings.workspace_profiles == {"word": "mine"}
    profile = get_profile("mine")
    assert profile.concurrency == 7 and profile.base_url == "http://127.0.0.1:9/v1"
    assert get_key(profile) == "sk-test-123456"
    assert "sk-test-123456" not in (settings_text := __import__("copilot.settings").settings.settings_path().read_text())
    assert "mine" in settings_text


def test_fetch_models_and_test_connection(dialog: SettingsDialog, fake_profile: str, qtbot: QtBot) -> None:
    dialog.select_profile(fake_profile)
    dialog.fetch_models()
    qtbot.waitUntil(lambda: dialog.model_combo.count() == 2, timeout=30000)
    assert {dialog.model_combo.itemText(i) for i in range(2)} == {"fake-model", "fake-model-2"}
    dialog.test_connection()
    qtbot.waitUntil(lambda: "ms" in dialog.test_result.text(), timeout=30000)
    assert "✓" in dialog.test_result.text()


def test_test_connection_shows_the_one_line_error(dialog: SettingsDialog, qtbot: QtBot) -> None:
    from tests.fake_openai_server import unused_port_url

    dialog.add_profile("down", base_url=unused_port_url(), model="m")
    dialog.select_profile("down")
    dialog.test_connection()
    qtbot.waitUntil(lambda: dialog.test_result.text() not in ("", "Testing…"), timeout=60000)
    text = dialog.test_result.text()
    assert "\n" not in text and "127.0.0.1" in text


def test_no_keyring_notice(dialog: SettingsDialog, fake_profile: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import copilot.secrets

    monkeypatch.setattr(copilot.secrets, "keyring_status", lambda: "no OS keyring backend is available")
    dialog.select_profile("openai")
    assert "OPENAI_API_KEY" in dialog.key_notice.text()
    assert not dialog.key_edit.isEnabled()


def test_hotkey_tray_and_autostart_persist(dialog: SettingsDialog, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from pathlib import Path

    from copilot.settings import load_settings
    from ui import autostart

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))  # the login entry goes here
    entry = Path(str(tmp_path)) / "xdg" / "autostart" / "desk-copilot.desktop"
    assert dialog.hotkey_edit.value() == "Ctrl+Alt+Space"
    assert dialog.close_to_tray_check.isChecked()
    assert not dialog.autostart_check.isChecked()

    dialog.hotkey_edit.set_value("Ctrl+Alt+K")
    dialog.close_to_tray_check.setChecked(False)
    dialog.autostart_check.setChecked(True)
    assert dialog.apply() == []
    settings = load_settings()
    assert settings.hotkey == "Ctrl+Alt+K" and settings.close_to_tray is False and settings.autostart is True
    assert entry.is_file() and autostart.is_enabled(platform="linux")

    from ui.settings_dialog import SettingsDialog

    again = SettingsDialog(dialog.runner)
    assert again.hotkey_edit.value() == "Ctrl+Alt+K"
    assert not again.close_to_tray_check.isChecked() and again.autostart_check.isChecked()
    again.autostart_check.setChecked(False)
    assert again.apply() == []
    again.deleteLater()
    assert load_settings().autostart is False and not entry.exists()


def test_invalid_hotkey_keeps_the_previous_one(dialog: SettingsDialog) -> None:
    from copilot.settings import load_settings

    dialog.hotkey_edit.set_value("")
    problems = dialog.apply()
    assert len(problems) == 1 and "Ctrl+Alt+Space" in problems[0]
    assert load_settings().hotkey == "Ctrl+Alt+Space"
