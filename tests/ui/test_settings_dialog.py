"""Settings dialog: profiles, key in the (in-memory) keyring, models from /v1/models, Test connection,
per-workspace profiles, language, theme, author — all persisted and read back."""

from __future__ import annotations

import pytest


@pytest.fixture
def dialog(desk: object, qtbot: object) -> object:
    from ui.settings_dialog import SettingsDialog

    d = SettingsDialog(desk.runner)  # type: ignore[attr-defined]
    qtbot.addWidget(d)
    return d


def test_settings_persist(dialog: object, fake_profile: str) -> None:
    from copilot.models.profiles import get_profile
    from copilot.secrets import get_key
    from copilot.settings import load_settings

    dialog.add_profile("mine", base_url="http://127.0.0.1:9/v1", model="m1")  # type: ignore[attr-defined]
    dialog.select_profile("mine")  # type: ignore[attr-defined]
    dialog.concurrency.setValue(7)  # type: ignore[attr-defined]
    dialog.key_edit.setText("sk-test-123456")  # type: ignore[attr-defined]
    dialog._on_key_edited("sk-test-123456")  # type: ignore[attr-defined]
    dialog.language_combo.setCurrentIndex(dialog.language_combo.findData("zh_CN"))  # type: ignore[attr-defined]
    dialog.theme_combo.setCurrentIndex(dialog.theme_combo.findData("dark"))  # type: ignore[attr-defined]
    dialog.author_edit.setText("Li Lei")  # type: ignore[attr-defined]
    combo = dialog.workspace_combos["word"]  # type: ignore[attr-defined]
    combo.setCurrentIndex(combo.findData("mine"))
    assert dialog.apply() == []  # type: ignore[attr-defined]

    settings = load_settings()
    assert settings.language == "zh_CN" and settings.theme == "dark" and settings.author == "Li Lei"
    assert settings.workspace_profiles == {"word": "mine"}
    profile = get_profile("mine")
    assert profile.concurrency == 7 and profile.base_url == "http://127.0.0.1:9/v1"
    assert get_key(profile) == "sk-test-123456"
    assert "sk-test-123456" not in (settings_text := __import__("copilot.settings").settings.settings_path().read_text())
    assert "mine" in settings_text


def test_fetch_models_and_test_connection(dialog: object, fake_profile: str, qtbot: object) -> None:
    dialog.select_profile(fake_profile)  # type: ignore[attr-defined]
    dialog.fetch_models()  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: dialog.model_combo.count() == 2, timeout=30000)  # type: ignore[attr-defined]
    assert {dialog.model_combo.itemText(i) for i in range(2)} == {"fake-model", "fake-model-2"}  # type: ignore[attr-defined]
    dialog.test_connection()  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: "ms" in dialog.test_result.text(), timeout=30000)  # type: ignore[attr-defined]
    assert "✓" in dialog.test_result.text()  # type: ignore[attr-defined]


def test_test_connection_shows_the_one_line_error(dialog: object, qtbot: object) -> None:
    from tests.fake_openai_server import unused_port_url

    dialog.add_profile("down", base_url=unused_port_url(), model="m")  # type: ignore[attr-defined]
    dialog.select_profile("down")  # type: ignore[attr-defined]
    dialog.test_connection()  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: dialog.test_result.text() not in ("", "Testing…"), timeout=60000)  # type: ignore[attr-defined]
    text = dialog.test_result.text()  # type: ignore[attr-defined]
    assert "\n" not in text and "127.0.0.1" in text


def test_no_keyring_notice(dialog: object, fake_profile: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import copilot.secrets

    monkeypatch.setattr(copilot.secrets, "keyring_status", lambda: "no OS keyring backend is available")
    dialog.select_profile("openai")  # type: ignore[attr-defined]
    assert "OPENAI_API_KEY" in dialog.key_notice.text()  # type: ignore[attr-defined]
    assert not dialog.key_edit.isEnabled()  # type: ignore[attr-defined]


def test_hotkey_tray_and_autostart_persist(dialog: object, tmp_path: object,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from pathlib import Path

    from copilot.settings import load_settings
    from ui import autostart

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))  # the login entry goes here
    entry = Path(str(tmp_path)) / "xdg" / "autostart" / "desk-copilot.desktop"
    assert dialog.hotkey_edit.value() == "Ctrl+Alt+Space"  # type: ignore[attr-defined]
    assert dialog.close_to_tray_check.isChecked()  # type: ignore[attr-defined]
    assert not dialog.autostart_check.isChecked()  # type: ignore[attr-defined]

    dialog.hotkey_edit.set_value("Ctrl+Alt+K")  # type: ignore[attr-defined]
    dialog.close_to_tray_check.setChecked(False)  # type: ignore[attr-defined]
    dialog.autostart_check.setChecked(True)  # type: ignore[attr-defined]
    assert dialog.apply() == []  # type: ignore[attr-defined]
    settings = load_settings()
    assert settings.hotkey == "Ctrl+Alt+K" and settings.close_to_tray is False and settings.autostart is True
    assert entry.is_file() and autostart.is_enabled(platform="linux")

    from ui.settings_dialog import SettingsDialog

    again = SettingsDialog(dialog.runner)  # type: ignore[attr-defined]
    assert again.hotkey_edit.value() == "Ctrl+Alt+K"
    assert not again.close_to_tray_check.isChecked() and again.autostart_check.isChecked()
    again.autostart_check.setChecked(False)
    assert again.apply() == []
    again.deleteLater()
    assert load_settings().autostart is False and not entry.exists()


def test_invalid_hotkey_keeps_the_previous_one(dialog: object) -> None:
    from copilot.settings import load_settings

    dialog.hotkey_edit.set_value("")  # type: ignore[attr-defined]
    problems = dialog.apply()  # type: ignore[attr-defined]
    assert len(problems) == 1 and "Ctrl+Alt+Space" in problems[0]
    assert load_settings().hotkey == "Ctrl+Alt+Space"
