"""Start Desk Copilot at login (the Settings checkbox): one small writer per OS.

* Linux: an XDG autostart entry ``$XDG_CONFIG_HOME/autostart/desk-copilot.desktop``.
* Windows: the value ``DeskCopilot`` under ``HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run``.
* macOS: a LaunchAgent ``~/Library/LaunchAgents/app.deskcopilot.plist`` (RunAtLoad).

Every function takes ``platform`` and ``directory`` so each path is unit-tested on any OS with a
temporary directory; for Windows a ``directory`` means "write the value as a .reg file there"
instead of the registry (the same name and data, in regedit's export format).

No Qt here: nothing to wait for, nothing to show.
"""

from __future__ import annotations

import os
import plistlib
import re
import shutil
import sys
from pathlib import Path

from copilot.atomic import write_bytes, write_text
from copilot.errors import ConfigError

__all__ = ["APP_ID", "RUN_KEY", "RUN_VALUE", "command", "disable", "enable", "entry_path", "is_enabled"]

APP_ID = "app.deskcopilot"
RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
RUN_VALUE = "DeskCopilot"
_DESKTOP_NAME = "desk-copilot.desktop"


def command() -> list[str]:
    """How to start the app minimised to the tray: the frozen bundle's own program, the installed
    launcher, else this Python."""
    if getattr(sys, "frozen", False):
        return [sys.executable, "app"]  # the bundle's executable is the launcher (no -m there)
    exe = shutil.which("desk-copilot-gui") or shutil.which("desk-copilot")
    if exe:
        return [exe, "app"]
    return [sys.executable, "-m", "ui.launcher", "app"]


_RESERVED = re.compile(r"[\s\"'\\><~|&;$*?#()`]")


def desktop_exec(argv: list[str]) -> str:
    """An ``Exec=`` value per the desktop-entry spec (not shell quoting): an argument with a reserved
    character goes in double quotes with ``"`` `` ` `` ``$`` ``\\`` backslash-escaped, ``%`` is doubled
    (field codes), and backslashes are escaped once more for the string value itself."""
    parts = []
    for arg in argv:
        arg = arg.replace("%", "%%")
        if arg and not _RESERVED.search(arg):
            parts.append(arg)
            continue
        quoted = '"' + re.sub(r'(["`$\\])', r"\\\1", arg) + '"'
        parts.append(quoted.replace("\\", "\\\\"))
    return " ".join(parts)


def _platform(platform: str | None) -> str:
    platform = platform or sys.platform
    if platform.startswith("linux") or platform.startswith("freebsd"):
        return "linux"
    if platform == "win32":
        return "windows"
    if platform == "darwin":
        return "macos"
    raise ConfigError(f"autostart is not supported on {platform}")


def entry_path(platform: str | None = None, directory: Path | None = None) -> Path | None:
    """The file that makes the app start at login (None for the Windows registry)."""
    kind = _platform(platform)
    if kind == "linux":
        base = directory or Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "autostart"
        return base / _DESKTOP_NAME
    if kind == "macos":
        return (directory or Path.home() / "Library" / "LaunchAgents") / f"{APP_ID}.plist"
    return directory / f"{RUN_VALUE}.reg" if directory is not None else None


def _desktop_entry(argv: list[str]) -> str:
    return "\n".join([
        "[Desktop Entry]",
        "Type=Application",
        "Name=Desk Copilot",
        "Name[zh_CN]=桌面副驾",
        "Comment=Office copilot in the tray (Ctrl+Alt+Space)",
        "Comment[zh_CN]=托盘中的办公助手（Ctrl+Alt+Space）",
        f"Exec={desktop_exec(argv)}",
        "Icon=desk-copilot",
        "Terminal=false",
        "X-GNOME-Autostart-enabled=true",
        "",
    ])


def _windows_command(argv: list[str]) -> str:
    import subprocess

    return subprocess.list2cmdline(argv)


def _reg_file(argv: list[str]) -> str:
    data = _windows_command(argv).replace("\\", "\\\\").replace('"', '\\"')
    return f'Windows Registry Editor Version 5.00\r\n\r\n[HKEY_CURRENT_USER\\{RUN_KEY}]\r\n"{RUN_VALUE}"="{data}"\r\n'


def enable(argv: list[str] | None = None, *, platform: str | None = None, directory: Path | None = None) -> None:
    """Make the app start at login. Raises ConfigError (one line) when that cannot be written."""
    argv = argv or command()
    kind = _platform(platform)
    path = entry_path(platform, directory)
    try:
        if kind == "linux":
            assert path is not None
            path.parent.mkdir(parents=True, exist_ok=True)
            write_text(path, _desktop_entry(argv), force=True)
        elif kind == "macos":
            assert path is not None
            path.parent.mkdir(parents=True, exist_ok=True)
            plist = {"Label": APP_ID, "ProgramArguments": argv, "RunAtLoad": True, "ProcessType": "Interactive"}
            write_bytes(path, plistlib.dumps(plist), force=True)
        elif path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_text(path, _reg_file(argv), force=True)
        else:
            _registry_set(_windows_command(argv))
    except OSError as exc:
        where = str(path) if path else f"HKCU\\{RUN_KEY}"
        raise ConfigError(f"cannot turn on autostart: {where}: {exc.strerror or exc}") from None


def disable(*, platform: str | None = None, directory: Path | None = None) -> None:
    """Stop starting at login. Nothing happens when it was not on."""
    path = entry_path(platform, directory)
    try:
        if path is not None:
            path.unlink(missing_ok=True)
        else:
            _registry_delete()
    except OSError as exc:
        where = str(path) if path else f"HKCU\\{RUN_KEY}"
        raise ConfigError(f"cannot turn off autostart: {where}: {exc.strerror or exc}") from None


def is_enabled(*, platform: str | None = None, directory: Path | None = None) -> bool:
    path = entry_path(platform, directory)
    if path is not None:
        return path.is_file()
    return _registry_get() is not None


# -- the Windows registry (only imported on Windows) ------------------------------------------

def _registry_set(value: str) -> None:
    if sys.platform != "win32":
        raise OSError("the Windows registry exists only on Windows")
    import winreg

    with winreg.CreateKey(winreg.HKEY_CURRENT_USER, RUN_KEY) as key:
        winreg.SetValueEx(key, RUN_VALUE, 0, winreg.REG_SZ, value)


def _registry_delete() -> None:
    if sys.platform != "win32":
        return
    import winreg

    try:
        with winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY, 0, winreg.KEY_SET_VALUE) as key:
            winreg.DeleteValue(key, RUN_VALUE)
    except FileNotFoundError:
        pass


def _registry_get() -> str | None:
    if sys.platform != "win32":
        return None
    import winreg
    try:
        with winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY) as key:
            value, _type = winreg.QueryValueEx(key, RUN_VALUE)
            return str(value)
    except FileNotFoundError:
        return None
