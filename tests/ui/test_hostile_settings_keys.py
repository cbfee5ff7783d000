"""Settings' Fetch Models / Test Connection with an unsaved URL or preset change never send a key
stored for another origin; a key for plain http:// to another machine needs the user's yes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fake_openai_server import FakeOpenAIServer

CANARY = "sk-CANARY-settings-55e1a0c7"


@pytest.fixture
def dialog(desk: object, qtbot: object) -> object:
    from ui.settings_dialog import SettingsDialog

    d = SettingsDialog(desk.runner)  # type: ignore[attr-defined]
    qtbot.addWidget(d)
    return d


@pytest.fixture
def other_host() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer(models=["fake-model"], host="127.0.0.2") as server:
        yield server


def sent_canary(server: FakeOpenAIServer) -> bool:
    return any(CANARY in v for call in server.calls for v in call.headers.values())


def _settled(dialog: object) -> bool:
    return dialog.test_result.text() not in ("", "Fetching models…", "Testing…")  # type: ignore[attr-defined]


def test_unsaved_url_change_does_not_carry_the_stored_key(dialog: object, qtbot: object,
                                                          fake_server: FakeOpenAIServer,
                                                          other_host: FakeOpenAIServer) -> None:
    from copilot.models.profiles import get_profile
    from copilot.secrets import set_key

    set_key(get_profile("fake"), CANARY)
    dialog.select_profile("fake")  # type: ignore[attr-defined]
    dialog.base_url.setText(other_host.base_url)  # type: ignore[attr-defined]  # typed, not saved
    for press in (dialog.fetch_models, dialog.test_connection):  # type: ignore[attr-defined]
        dialog.test_result.clear()  # type: ignore[attr-defined]
        press()
        qtbot.waitUntil(lambda: _settled(dialog), timeout=30000)  # type: ignore[attr-defined]
    assert other_host.calls and not sent_canary(other_host)
    # Saving says in one line that the key stays behind.
    problems = dialog.apply()  # type: ignore[attr-defined]
    assert len(problems) == 1 and "fake" in problems[0] and "\n" not in problems[0]


def test_unsaved_move_of_a_preset_uses_neither_its_key_nor_its_variable(
        dialog: object, qtbot: object, monkeypatch: pytest.MonkeyPatch, other_host: FakeOpenAIServer) -> None:
    from copilot.models.profiles import PRESETS
    from copilot.secrets import set_key

    monkeypatch.setenv("DEEPSEEK_API_KEY", CANARY)
    set_key(PRESETS["openai"], CANARY)
    for name in ("openai", "deepseek"):
        dialog.select_profile(name)  # type: ignore[attr-defined]
        dialog.base_url.setText(other_host.base_url)  # type: ignore[attr-defined]
        dialog.model_combo.setCurrentText("fake-model")  # type: ignore[attr-defined]
        dialog.test_result.clear()  # type: ignore[attr-defined]
        dialog.test_connection()  # type: ignore[attr-defined]
        qtbot.waitUntil(lambda: _settled(dialog), timeout=30000)  # type: ignore[attr-defined]
        assert "\n" not in dialog.test_result.text()  # type: ignore[attr-defined]
    assert not sent_canary(other_host)


def test_plain_http_to_another_machine_asks_first(dialog: object, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []

    def refuse(url: str) -> bool:
        asked.append(url)
        return False

    monkeypatch.setattr(dialog, "ask_http_confirmation", refuse)
    dialog.add_profile("lan", base_url="http://192.0.2.7:8000/v1", model="m")  # type: ignore[attr-defined]
    dialog.select_profile("lan")  # type: ignore[attr-defined]
    dialog._on_key_edited(CANARY)  # type: ignore[attr-defined]
    dialog.test_connection()  # type: ignore[attr-defined]
    assert asked == ["http://192.0.2.7:8000/v1"]
    assert "unencrypted" in dialog.test_result.text()  # type: ignore[attr-defined]
    assert not dialog.runner.is_running("settings")  # type: ignore[attr-defined]
    dialog.apply()  # type: ignore[attr-defined]
    from copilot.models.profiles import get_profile
    from copilot.secrets import stored_key

    assert stored_key(get_profile("lan")) is None and not get_profile("lan").allow_http_key


def test_test_connection_probes_structured_replies(dialog: object, qtbot: object) -> None:
    """A DeepSeek-like server refuses json_schema with 400: Test Connection finds and says so."""
    import json

    from copilot.models.profiles import get_profile
    from tests.conftest import add_fake_profile
    from tests.fake_openai_server import DEEPSEEK_REFUSALS

    with FakeOpenAIServer(models=["fake-model"], refuse_formats=DEEPSEEK_REFUSALS,
                          default_reply=json.dumps({"ok": True})) as server:
        add_fake_profile(server, "ds")
        dialog.profiles["ds"] = get_profile("ds")  # type: ignore[attr-defined]
        dialog._fill_profiles("ds")  # type: ignore[attr-defined]
        dialog.test_connection()  # type: ignore[attr-defined]
        qtbot.waitUntil(lambda: _settled(dialog), timeout=30000)  # type: ignore[attr-defined]
        assert "structured replies: json_object" in dialog.test_result.text()  # type: ignore[attr-defined]
