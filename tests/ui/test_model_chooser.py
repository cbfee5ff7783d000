"""The model chooser: shown on the first start, a detected server becomes the default profile, a
catalogue download with Pause/Resume from the fake hub, the demo-model notice; screenshot under Xvfb."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fake_local_servers import FakeLocalServer, ollama_routes
from tests.ui.test_screenshots import xvfb_display  # noqa: F401 - the Xvfb fixture, shared

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def bare_desk(qapp: object, monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """The app with no settings file at all: a first start."""
    import ui.app

    monkeypatch.setattr(ui.app, "_PLUGIN_MODULES", ())
    app = ui.app.build_app(qapp)  # type: ignore[arg-type]
    yield app
    if app.window is not None:
        app.window.close()
        app.window.deleteLater()
    app.shutdown()


@pytest.fixture
def ollama() -> Iterator[FakeLocalServer]:
    from copilot.settings import load_settings, save_settings

    with FakeLocalServer(ollama_routes(["qwen2.5:7b"])) as server:
        settings = load_settings()
        settings.extra["models"] = {"detect_ports": [server.port]}
        save_settings(settings)
        yield server


def test_first_start_shows_the_chooser_once(bare_desk: object, qtbot: object) -> None:
    from copilot.settings import settings_path

    assert not settings_path().exists() and bare_desk.is_first_start()  # type: ignore[attr-defined]
    window = bare_desk.start_window()  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: window._chooser is not None and window._chooser.isVisible(), timeout=10000)  # type: ignore[attr-defined]
    dialog = window._chooser
    qtbot.waitUntil(lambda: dialog.chooser.rescan_button.isEnabled(), timeout=10000)  # detection finished
    assert "fits this machine" in dialog.chooser.model_combo.currentText() or dialog.chooser.model_combo.count()
    dialog.close()  # keeping the demo model is a choice: settings are written, no chooser next time
    assert settings_path().exists() and not bare_desk.is_first_start()  # type: ignore[attr-defined]


def test_choosing_a_detected_server_makes_it_the_default(window: object, ollama: FakeLocalServer,
                                                         qtbot: object) -> None:
    from PySide6.QtCore import Qt

    from copilot.models.profiles import get_profile
    from copilot.settings import load_settings

    dialog = window.open_model_chooser()  # type: ignore[attr-defined]
    chooser = dialog.chooser
    qtbot.waitUntil(lambda: any(s.port == ollama.port for s in chooser.servers), timeout=10000)
    row = next(i for i, s in enumerate(chooser.servers) if s.port == ollama.port)
    assert "Found Ollama on this machine with qwen2.5:7b" in chooser.server_list.item(row).text()
    chooser.server_list.setCurrentRow(row)
    qtbot.mouseClick(chooser.use_server_button, Qt.MouseButton.LeftButton)
    name = f"ollama-{ollama.port}"
    assert load_settings().default_profile == name
    assert get_profile(name).base_url == f"http://127.0.0.1:{ollama.port}/v1"
    assert name in window.model_indicator.text()  # type: ignore[attr-defined]
    dialog.close()


def test_download_pause_resume_makes_the_model_default(window: object, qtbot: object,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from copilot.settings import load_settings
    from tests.fake_hub import FakeHub, smollm2_gguf

    gguf = smollm2_gguf()
    with FakeHub({"Qwen/Qwen2.5-0.5B-Instruct-GGUF": {"qwen2.5-0.5b-instruct-q4_k_m.gguf": gguf}}) as hub:
        monkeypatch.setenv("DESK_COPILOT_HF_ENDPOINT", hub.base_url)
        dialog = window.open_model_chooser()  # type: ignore[attr-defined]
        chooser = dialog.chooser
        chooser.model_combo.setCurrentIndex(chooser.model_combo.findData("qwen2.5-0.5b-instruct"))
        chooser.start_download()
        chooser.controller.pause()  # before the worker got far: the partial (if any) is kept
        assert chooser.controller.state == "paused" and "Paused" in chooser.download_status.text()
        qtbot.waitUntil(lambda: not window.runner.is_running("models.download"), timeout=10000)  # type: ignore[attr-defined]
        assert chooser.download_button.text() in ("Resume", "Download")
        chooser.start_download()
        qtbot.waitUntil(lambda: chooser.controller.state in ("done", "failed"), timeout=30000)
        assert chooser.controller.state == "done", chooser.controller.message
        assert "SHA-256 matches" in chooser.download_status.text()
        assert chooser.download_progress.value() == 1000
        assert load_settings().default_profile == "qwen2.5-0.5b-instruct"
        assert not window.demo_notice.isVisible()  # type: ignore[attr-defined]
        dialog.close()


def test_demo_notice_while_the_embedded_model_is_active(window: object, qtbot: object) -> None:
    from PySide6.QtCore import Qt

    from copilot.models.profiles import use_profile

    use_profile("embedded")
    window.update_model_indicator()  # type: ignore[attr-defined]
    notice = window.demo_notice  # type: ignore[attr-defined]
    assert notice.isVisible() and "SmolLM2-135M" in notice.label.text()
    assert "demo-grade" in window.model_indicator.text()  # type: ignore[attr-defined]  # same wording family
    qtbot.mouseClick(notice.button, Qt.MouseButton.LeftButton)
    assert window._chooser is not None and window._chooser.isVisible()  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: window._chooser.chooser.rescan_button.isEnabled(), timeout=10000)  # type: ignore[attr-defined]
    window._chooser.close()  # type: ignore[attr-defined]


@pytest.mark.xvfb
def test_chooser_screenshot(xvfb_display: str) -> None:  # noqa: F811 - the fixture
    display = xvfb_display
    out = ROOT / "docs" / "screenshots" / "model-chooser.png"
    env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
    env.pop("DESK_COPILOT_HOME", None)
    result = subprocess.run([sys.executable, "-m", "tests.ui.chooser_screenshot", str(out)], cwd=str(ROOT),
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and out.stat().st_size > 10_000
