"""What the CLI prints on errors: the program named once, and no key even in a --debug traceback."""

from __future__ import annotations

import pytest

from copilot.cli import main

CANARY = "sk-CANARY-traceback-0b9d44e1"


@pytest.mark.parametrize("argv", [["frobnicate"], ["profiles", "frobnicate"], ["ask"]])
def test_usage_error_names_the_program_once(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("desk-copilot: ") and err.count("desk-copilot:") == 1 and err.count("\n") == 1, err
    assert "--help" in err


def test_debug_traceback_is_redacted(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import copilot.secrets
    from copilot.logsetup import register_secret

    register_secret(CANARY)

    def broken() -> str:
        raise RuntimeError(f"backend answered with the header Authorization: Bearer {CANARY}")

    monkeypatch.setattr(copilot.secrets, "keyring_status", broken)
    assert main(["--debug", "keys", "status"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" in err and "RuntimeError" in err and "***" in err
    assert CANARY not in err
    assert main(["keys", "status"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and CANARY not in err
