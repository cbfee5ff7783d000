"""Autostart entries: each OS's writer, pointed at a temporary directory."""

from __future__ import annotations

import configparser
import plistlib
from pathlib import Path

import pytest

from copilot.errors import ConfigError
from ui import autostart

ARGV = ["/opt/Desk Copilot/bin/desk-copilot", "app", "--minimized"]


def test_linux_xdg_entry_written_and_removed(tmp_path: Path) -> None:
    directory = tmp_path / "autostart"
    assert not autostart.is_enabled(platform="linux", directory=directory)
    autostart.enable(ARGV, platform="linux", directory=directory)
    path = directory / "desk-copilot.desktop"
    assert autostart.is_enabled(platform="linux", directory=directory)
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]
    entry.read(path, encoding="utf-8")
    section = entry["Desktop Entry"]
    assert section["Type"] == "Application"
    # The desktop-entry spec's quoting (double quotes), not a shell's.
    assert section["Exec"] == '"/opt/Desk Copilot/bin/desk-copilot" app --minimized'
    assert section["Name[zh_CN]"] == "桌面副驾"
    autostart.enable(ARGV[:2], platform="linux", directory=directory)  # again: replaced, not an error
    assert "--minimized" not in path.read_text(encoding="utf-8")
    autostart.disable(platform="linux", directory=directory)
    assert not path.exists() and not autostart.is_enabled(platform="linux", directory=directory)
    autostart.disable(platform="linux", directory=directory)  # already off: fine


def test_linux_default_location_follows_xdg_config_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    assert autostart.entry_path("linux") == tmp_path / "cfg" / "autostart" / "desk-copilot.desktop"
    autostart.enable(ARGV, platform="linux")
    assert autostart.is_enabled(platform="linux")
    autostart.disable(platform="linux")
    assert not (tmp_path / "cfg" / "autostart" / "desk-copilot.desktop").exists()


def test_macos_launch_agent(tmp_path: Path) -> None:
    autostart.enable(ARGV, platform="darwin", directory=tmp_path)
    path = tmp_path / "app.deskcopilot.plist"
    data = plistlib.loads(path.read_bytes())
    assert data == {"Label": "app.deskcopilot", "ProgramArguments": ARGV, "RunAtLoad": True,
                    "ProcessType": "Interactive"}
    assert autostart.is_enabled(platform="darwin", directory=tmp_path)
    autostart.disable(platform="darwin", directory=tmp_path)
    assert not path.exists()


def test_windows_run_value_as_reg_file(tmp_path: Path) -> None:
    autostart.enable(["C:\\Program Files\\Desk Copilot\\desk-copilot.exe", "app"], platform="win32",
                     directory=tmp_path)
    text = (tmp_path / "DeskCopilot.reg").read_bytes().decode("utf-8")
    assert text.startswith("Windows Registry Editor Version 5.00\r\n")
    assert "[HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Run]" in text
    assert '"DeskCopilot"="\\"C:\\\\Program Files\\\\Desk Copilot\\\\desk-copilot.exe\\" app"' in text
    assert autostart.is_enabled(platform="win32", directory=tmp_path)
    autostart.disable(platform="win32", directory=tmp_path)
    assert not autostart.is_enabled(platform="win32", directory=tmp_path)


def test_unwritable_directory_is_one_line_config_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        autostart.enable(ARGV, platform="linux", directory=blocker / "autostart")
    assert str(info.value).startswith("cannot turn on autostart:") and "\n" not in str(info.value)


def test_unsupported_platform() -> None:
    with pytest.raises(ConfigError):
        autostart.enable(ARGV, platform="sunos5")


def test_default_command_starts_the_app() -> None:
    argv = autostart.command()
    assert argv[-1] == "app"


def test_exec_line_follows_the_desktop_entry_spec(tmp_path: Path) -> None:
    import shutil
    import subprocess

    assert autostart.desktop_exec(["/a b/c", "%f", 'q"$`\\x']) == '"/a b/c" %%f "q\\\\"\\\\$\\\\`\\\\\\\\x"'
    validate = shutil.which("desktop-file-validate")
    if validate is None:
        pytest.skip("desktop-file-validate not installed")
    autostart.enable(ARGV, platform="linux", directory=tmp_path)
    proc = subprocess.run([validate, str(tmp_path / "desk-copilot.desktop")], capture_output=True, text=True)
    assert proc.returncode == 0 and "error" not in proc.stdout.lower(), proc.stdout


def test_frozen_build_starts_its_own_program(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert autostart.command() == [sys.executable, "app"]  # not "-m ui.launcher", which a bundle lacks
