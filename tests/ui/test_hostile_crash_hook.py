"""The app's crash hook prints and shows tracebacks with every known key redacted."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

CANARY = "sk-CANARY-crashhook-71c2f9aa"


def test_crash_hook_redacts(desk: object, window: object, monkeypatch: pytest.MonkeyPatch,
                            capsys: pytest.CaptureFixture[str], isolated_home: Path) -> None:
    import logging

    from copilot.logsetup import register_secret
    from ui.app import install_excepthook

    register_secret(CANARY)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    install_excepthook(desk)  # type: ignore[arg-type]
    try:
        raise ValueError(f"request failed: Authorization: Bearer {CANARY}")
    except ValueError:
        sys.excepthook(*sys.exc_info())  # type: ignore[arg-type]
    err = capsys.readouterr().err
    assert "Traceback" in err and "ValueError" in err and CANARY not in err
    shown = window.banner.text()  # type: ignore[attr-defined]
    assert "request failed" in shown and CANARY not in shown
    for handler in logging.getLogger().handlers:
        handler.flush()
    assert CANARY not in (isolated_home / "logs" / "desk-copilot.log").read_text(encoding="utf-8")
