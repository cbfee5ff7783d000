"""Windows global hotkeys: ``RegisterHotKey`` with a native event filter catching ``WM_HOTKEY``.

Hotkeys registered with a NULL window are posted to the registering thread's message queue, so
registration happens on the GUI thread and the filter (installed on the application) sees the
``WM_HOTKEY`` messages Qt's event loop pulls. ``MOD_NOREPEAT`` stops auto-repeat. Not exercised in
CI (no Windows runner); kept small.
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

from PySide6.QtCore import QAbstractNativeEventFilter, QCoreApplication, QObject

from ui.hotkeys.base import Chord, HotkeyBackend, HotkeyConflict, HotkeyError

__all__ = ["WindowsBackend", "virtual_key"]

WM_HOTKEY = 0x0312
MOD_ALT, MOD_CONTROL, MOD_SHIFT, MOD_WIN, MOD_NOREPEAT = 0x1, 0x2, 0x4, 0x8, 0x4000
ERROR_HOTKEY_ALREADY_REGISTERED = 1409

_VK = {
    "Space": 0x20, "Return": 0x0D, "Tab": 0x09, "Esc": 0x1B, "Backspace": 0x08, "Insert": 0x2D,
    "Delete": 0x2E, "Home": 0x24, "End": 0x23, "PgUp": 0x21, "PgDown": 0x22, "Left": 0x25, "Up": 0x26,
    "Right": 0x27, "Down": 0x28, "Print": 0x2C, "Pause": 0x13, ",": 0xBC, ".": 0xBE, "/": 0xBF,
    ";": 0xBA, "'": 0xDE, "`": 0xC0, "-": 0xBD, "=": 0xBB, "[": 0xDB, "]": 0xDD, "\\": 0xDC,
}


def virtual_key(chord: Chord) -> int:
    """The Win32 virtual-key code of the chord's key."""
    key = chord.key
    if key in _VK:
        return _VK[key]
    if chord.is_function_key:
        return 0x70 + int(key[1:]) - 1  # VK_F1 = 0x70
    return ord(key)  # letters (upper case) and digits use their ASCII code


def modifiers(chord: Chord) -> int:
    return ((MOD_CONTROL if chord.ctrl else 0) | (MOD_ALT if chord.alt else 0)
            | (MOD_SHIFT if chord.shift else 0) | (MOD_WIN if chord.meta else 0) | MOD_NOREPEAT)


class _Filter(QAbstractNativeEventFilter):
    def __init__(self, backend: WindowsBackend) -> None:
        super().__init__()
        self._backend = backend

    def nativeEventFilter(self, event_type: Any, message: Any) -> tuple[bool, int]:
        if bytes(event_type) == b"windows_generic_MSG":
            from ctypes import wintypes

            msg = wintypes.MSG.from_address(int(message))
            if msg.message == WM_HOTKEY:
                self._backend._on_hotkey(int(msg.wParam))
                return True, 0
        return False, 0


class WindowsBackend(HotkeyBackend):
    backend_name = "windows"
    _user32: Any
    _ids: dict[str, int]
    _next_id: int
    _filter: _Filter

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        if sys.platform != "win32":
            raise HotkeyError("the Windows hotkey backend only runs on Windows")
        self._user32 = ctypes.WinDLL("user32", use_last_error=True)
        self._ids = {}
        self._next_id = 1
        self._filter = _Filter(self)
        app = QCoreApplication.instance()
        if app is not None:
            app.installNativeEventFilter(self._filter)

    def _grab(self, name: str, chord: Chord) -> None:
        hotkey_id = self._next_id
        self._next_id += 1
        if not self._user32.RegisterHotKey(None, hotkey_id, modifiers(chord), virtual_key(chord)):
            err = ctypes.get_last_error()  # type: ignore[attr-defined]
            if err == ERROR_HOTKEY_ALREADY_REGISTERED:
                raise HotkeyConflict(f"{chord} is already taken by another program — choose another shortcut "
                                     "in Settings → Hotkey")
            raise HotkeyError(f"{chord}: Windows refused the hotkey (error {err}) — choose another shortcut")
        self._ids[name] = hotkey_id

    def _ungrab(self, name: str, chord: Chord) -> None:
        hotkey_id = self._ids.pop(name, None)
        if hotkey_id is not None:
            self._user32.UnregisterHotKey(None, hotkey_id)

    def _on_hotkey(self, hotkey_id: int) -> None:
        for name, known in self._ids.items():
            if known == hotkey_id:
                self._fire(name)
                return

    def close(self) -> None:
        super().close()
        app = QCoreApplication.instance()
        if app is not None:
            app.removeNativeEventFilter(self._filter)
