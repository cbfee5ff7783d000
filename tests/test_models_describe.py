"""Where a profile's model runs and whether it is the demo model (for the status bar)."""

from __future__ import annotations

import dataclasses

from copilot.models.describe import describe_profile
from copilot.models.profiles import PRESETS, Profile


def test_kinds_and_demo() -> None:
    assert describe_profile(PRESETS["openai"]).where == "hosted"
    assert describe_profile(PRESETS["ollama"]).where == "local server"
    assert describe_profile(Profile("lan", base_url="http://192.168.1.20:8000/v1", model="m")).where == "local server"
    assert describe_profile(Profile("v6", base_url="http://[::1]:8080/v1", model="m")).where == "local server"
    embedded = describe_profile(PRESETS["embedded"])
    assert embedded.where == "embedded" and embedded.demo and embedded.model == "SmolLM2-135M-Instruct"
    own = dataclasses.replace(PRESETS["embedded"], name="qwen", model="Qwen2.5-1.5B", gguf="/m/qwen2.5-1.5b.gguf")
    assert not describe_profile(own).demo
    assert not describe_profile(PRESETS["deepseek"]).demo
