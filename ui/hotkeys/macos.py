"""macOS global hotkeys: Carbon ``RegisterEventHotKey`` through ctypes (no extra packages).

It is still the best available API for a plain hotkey: it needs no permission, works from a
sandbox-free app, and its ``kEventHotKeyPressed`` events arrive on the main thread through the
Cocoa event loop Qt runs. (An event tap would see every key but needs the Accessibility
permission for that alone.) Capturing the selection and pasting the result, however, send ⌘C/⌘V
to the frontmost app, which macOS only allows once the user has ticked Desk Copilot under
System Settings → Privacy & Security → Accessibility. Not exercised in CI (no macOS runner).

Qt's convention is kept: "Ctrl" in a shortcut is ⌘ Command, "Meta" is ⌃ Control.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject

from ui.hotkeys.base import Chord, HotkeyBackend, HotkeyConflict, HotkeyError, HotkeyUnavailable

__all__ = ["MacBackend", "accessibility_explanation", "mac_keycode"]

_CMD, _SHIFT, _OPTION, _CONTROL = 0x100, 0x200, 0x800, 0x1000
_EVENT_HOTKEY_EXISTS = -9878
_KEYB = int.from_bytes(b"keyb", "big")
_HOTKEY_PRESSED = 5
_PARAM_DIRECT = int.from_bytes(b"----", "big")
_TYPE_HOTKEY_ID = int.from_bytes(b"hkid", "big")
_SIGNATURE = int.from_bytes(b"DskC", "big")

_KEYCODES = {
    "A": 0x00, "S": 0x01, "D": 0x02, "F": 0x03, "H": 0x04, "G": 0x05, "Z": 0x06, "X": 0x07, "C": 0x08,
    "V": 0x09, "B": 0x0B, "Q": 0x0C, "W": 0x0D, "E": 0x0E, "R": 0x0F, "Y": 0x10, "T": 0x11, "1": 0x12,
    "2": 0x13, "3": 0x14, "4": 0x15, "6": 0x16, "5": 0x17, "=": 0x18, "9": 0x19, "7": 0x1A, "-": 0x1B,
    "8": 0x1C, "0": 0x1D, "]": 0x1E, "O": 0x1F, "U": 0x20, "[": 0x21, "I": 0x22, "P": 0x23, "L": 0x25,
    "J": 0x26, "'": 0x27, "K": 0x28, ";": 0x29, "\\": 0x2A, ",": 0x2B, "/": 0x2C, "N": 0x2D, "M": 0x2E,
    ".": 0x2F, "`": 0x32, "Space": 0x31, "Return": 0x24, "Tab": 0x30, "Esc": 0x35, "Backspace": 0x33,
    "Delete": 0x75, "Home": 0x73, "End": 0x77, "PgUp": 0x74, "PgDown": 0x79, "Left": 0x7B, "Right": 0x7C,
    "Down": 0x7D, "Up": 0x7E, "F1": 0x7A, "F2": 0x78, "F3": 0x63, "F4": 0x76, "F5": 0x60, "F6": 0x61,
    "F7": 0x62, "F8": 0x64, "F9": 0x65, "F10": 0x6D, "F11": 0x67, "F12": 0x6F,
}


def mac_keycode(chord: Chord) -> int:
    code = _KEYCODES.get(chord.key)
    if code is None:
        raise HotkeyError(f"{chord}: the key {chord.key!r} cannot be a hotkey on macOS — choose another")
    return code


def accessibility_explanation() -> str:
    return QCoreApplication.translate(
        "Hotkeys",
        "To copy the selection and paste results into other apps, allow Desk Copilot under System "
        "Settings → Privacy & Security → Accessibility (the hotkey itself needs no permission).")


class _EventHotKeyID(ctypes.Structure):
    _fields_ = [("signature", ctypes.c_uint32), ("id", ctypes.c_uint32)]


class _EventTypeSpec(ctypes.Structure):
    _fields_ = [("eventClass", ctypes.c_uint32), ("eventKind", ctypes.c_uint32)]


_HANDLER = ctypes.CFUNCTYPE(ctypes.c_int32, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p)


class MacBackend(HotkeyBackend):
    backend_name = "macos"

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        path = ctypes.util.find_library("Carbon") if sys.platform == "darwin" else None
        if not path:
            raise HotkeyUnavailable("the Carbon framework is not available — global hotkeys are off")
        self._carbon: Any = ctypes.cdll.LoadLibrary(path)
        self._carbon.GetApplicationEventTarget.restype = ctypes.c_void_p
        self._carbon.RegisterEventHotKey.argtypes = [
            ctypes.c_uint32, ctypes.c_uint32, _EventHotKeyID, ctypes.c_void_p, ctypes.c_uint32,
            ctypes.POINTER(ctypes.c_void_p)]
        self._carbon.UnregisterEventHotKey.argtypes = [ctypes.c_void_p]
        self._carbon.InstallEventHandler.argtypes = [
            ctypes.c_void_p, _HANDLER, ctypes.c_uint32, ctypes.POINTER(_EventTypeSpec), ctypes.c_void_p,
            ctypes.POINTER(ctypes.c_void_p)]
        self._carbon.GetEventParameter.argtypes = [
            ctypes.c_void_p, ctypes.c_uint32, ctypes.c_uint32, ctypes.c_void_p, ctypes.c_uint32,
            ctypes.c_void_p, ctypes.c_void_p]
        self._target = self._carbon.GetApplicationEventTarget()
        self._handler = _HANDLER(self._on_event)  # kept alive as long as the backend
        spec = _EventTypeSpec(_KEYB, _HOTKEY_PRESSED)
        self._handler_ref = ctypes.c_void_p()
        status = self._carbon.InstallEventHandler(self._target, self._handler, 1, ctypes.byref(spec), None,
                                                  ctypes.byref(self._handler_ref))
        if status != 0:
            raise HotkeyUnavailable(f"macOS refused the hotkey handler (status {status}) — global hotkeys are off")
        self._refs: dict[str, tuple[int, ctypes.c_void_p]] = {}
        self._next_id = 1

    def explanation(self) -> str:
        return accessibility_explanation()

    def _grab(self, name: str, chord: Chord) -> None:
        mods = ((_CMD if chord.ctrl else 0) | (_OPTION if chord.alt else 0) | (_SHIFT if chord.shift else 0)
                | (_CONTROL if chord.meta else 0))
        hotkey_id = self._next_id
        self._next_id += 1
        ref = ctypes.c_void_p()
        status = self._carbon.RegisterEventHotKey(mac_keycode(chord), mods, _EventHotKeyID(_SIGNATURE, hotkey_id),
                                                  self._target, 0, ctypes.byref(ref))
        if status == _EVENT_HOTKEY_EXISTS:
            raise HotkeyConflict(f"{chord} is already taken by another app — choose another shortcut in Settings")
        if status != 0:
            raise HotkeyError(f"{chord}: macOS refused the hotkey (status {status}) — choose another shortcut")
        self._refs[name] = (hotkey_id, ref)

    def _ungrab(self, name: str, chord: Chord) -> None:
        entry = self._refs.pop(name, None)
        if entry is not None:
            self._carbon.UnregisterEventHotKey(entry[1])

    def _on_event(self, _call: int, event: int, _data: int) -> int:
        hk = _EventHotKeyID()
        status = self._carbon.GetEventParameter(event, _PARAM_DIRECT, _TYPE_HOTKEY_ID, None,
                                                ctypes.sizeof(hk), None, ctypes.byref(hk))
        if status == 0 and hk.signature == _SIGNATURE:
            for name, (known, _ref) in self._refs.items():
                if known == hk.id:
                    self._fire(name)
                    break
        return 0
