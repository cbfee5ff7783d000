"""The model in view: the status bar shows the current workspace's profile, model and where it runs,
marks the embedded demo model, and switches that workspace's profile from its menu; the quick
window's footer shows the same."""

from __future__ import annotations

from copilot.settings import load_settings, save_settings


def test_status_bar_shows_and_switches_the_workspace_model(window: object, qtbot: object) -> None:
    from ui.widgets.model_indicator import ModelIndicator

    window.show_workspace("excel")  # type: ignore[attr-defined]
    indicator: ModelIndicator = window.model_indicator  # type: ignore[attr-defined]
    assert indicator.isVisible()
    assert indicator.text() == "fake · fake-model · local server"
    # The menu lists the profiles; choosing the embedded one applies to this workspace only.
    indicator.menu().aboutToShow.emit()
    chosen = next(a for a in indicator.menu().actions() if a.data() == "embedded")
    chosen.trigger()
    assert load_settings().workspace_profiles == {"excel": "embedded"}
    assert indicator.text() == "embedded · SmolLM2-135M-Instruct · embedded · demo-grade"
    assert "demo model" in indicator.toolTip()
    window.show_workspace("word")  # type: ignore[attr-defined]
    assert indicator.text().startswith("fake · ")
    window.set_language("zh_CN")  # type: ignore[attr-defined]
    window.show_workspace("excel")  # type: ignore[attr-defined]
    assert indicator.text() == "embedded · SmolLM2-135M-Instruct · 内置 · 演示级"
    window.set_language("en")  # type: ignore[attr-defined]
    indicator.menu().aboutToShow.emit()
    indicator.menu().actions()[0].trigger()  # back to the default profile
    assert "excel" not in load_settings().workspace_profiles


def test_quick_window_footer(qapp: object) -> None:
    from copilot.models.describe import describe_profile
    from copilot.models.profiles import PRESETS
    from ui.quick.window import QuickWindow

    settings = load_settings()
    save_settings(settings)
    window = QuickWindow()
    try:
        window.set_model(describe_profile(PRESETS["embedded"]))
        assert window.model_label.text() == "embedded · SmolLM2-135M-Instruct · embedded · demo-grade"
        window.set_model(describe_profile(PRESETS["deepseek"]))
        assert window.model_label.text() == "deepseek · deepseek-chat · hosted"
    finally:
        window.deleteLater()
