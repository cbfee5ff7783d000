"""Screenshots of each workspace under Xvfb, saved to docs/screenshots/<workspace>.png for the README."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WORKSPACES = ("word", "excel", "powerpoint", "code", "prompts")


@pytest.fixture
def xvfb_display() -> Iterator[str]:
    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed")
    from tools.xvfb import start_xvfb, stop_xvfb

    proc, display = start_xvfb()  # an Xvfb that is installed but does not start is a failure
    try:
        yield display
    finally:
        stop_xvfb(proc)


@pytest.mark.xvfb
def test_screenshot_each_workspace(xvfb_display: str) -> None:
    out = ROOT / "docs" / "screenshots"
    env = {**os.environ, "DISPLAY": xvfb_display, "QT_QPA_PLATFORM": "xcb"}
    env.pop("DESK_COPILOT_HOME", None)  # the script makes its own
    result = subprocess.run([sys.executable, "-m", "tests.ui.screenshots", str(out)], cwd=str(ROOT), env=env,
                            capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stderr[-3000:]
    for key in WORKSPACES:
        png = out / f"{key}.png"
        assert png.is_file(), result.stdout + result.stderr[-2000:]
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
