"""X11 global hotkeys: ``XGrabKey`` on the root window, read by a thread with its own connection.

The grab lives on a private X connection owned by one background thread (python-xlib is not
thread-safe, and a key grab belongs to the connection that made it). The GUI thread sends it
commands (grab/ungrab) through a queue + a wake-up pipe and waits for the answer, so a conflict
(``BadAccess``: another client grabbed the same chord) comes back as a HotkeyConflict right away.
Presses go back to the GUI thread through a queued Qt signal.

Each chord is grabbed four times — with and without CapsLock and NumLock — because X matches
the modifier state exactly and those locks are usually on one of them.
"""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import select
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal

from ui.hotkeys.base import Chord, HotkeyBackend, HotkeyConflict, HotkeyError, HotkeyUnavailable

__all__ = ["X11Backend", "keysym_name"]

log = logging.getLogger(__name__)

_KEYSYMS = {
    "Space": "space", "Return": "Return", "Tab": "Tab", "Esc": "Escape", "Backspace": "BackSpace",
    "Insert": "Insert", "Delete": "Delete", "Home": "Home", "End": "End", "PgUp": "Prior", "PgDown": "Next",
    "Left": "Left", "Right": "Right", "Up": "Up", "Down": "Down", "Print": "Print", "Pause": "Pause",
    ",": "comma", ".": "period", "/": "slash", ";": "semicolon", "'": "apostrophe", "`": "grave",
    "-": "minus", "=": "equal", "[": "bracketleft", "]": "bracketright", "\\": "backslash",
}
_COMMAND_TIMEOUT_S = 5.0


def keysym_name(key: str) -> str:
    """The X keysym name for a canonical chord key ("A" → "a", "Space" → "space")."""
    if key in _KEYSYMS:
        return _KEYSYMS[key]
    return key.lower() if len(key) == 1 else key


class _Bridge(QObject):
    # Emitted on the grab thread; queued to the GUI thread where the backend lives.
    sig_pressed = Signal(str)


class _GrabThread(threading.Thread):
    """Owns the X connection; runs grab/ungrab commands and reports matching key presses."""

    def __init__(self, display_name: str | None, on_press: Callable[[str], None]) -> None:
        super().__init__(name="desk-copilot-hotkeys", daemon=True)
        from Xlib import XK, X, display, error

        self._X, self._XK, self._error = X, XK, error
        try:
            self._display = display.Display(display_name)
        except (error.DisplayError, error.ConnectionClosedError, OSError) as exc:
            raise HotkeyUnavailable(f"cannot open the X display {display_name or os.environ.get('DISPLAY')!r} "
                                    f"({exc}) — global hotkeys are off") from None
        self._root = self._display.screen().root
        self._on_press = on_press
        self._commands: queue.SimpleQueue[tuple[Callable[[], object], Future[object]]] = queue.SimpleQueue()
        self._wake_r, self._wake_w = os.pipe()
        self._stopping = threading.Event()
        self._grabs: dict[tuple[int, int], str] = {}  # (keycode, modifier mask) -> name
        self._down: set[int] = set()
        self._ignored = self._lock_masks()

    # -- called from the GUI thread ------------------------------------------------------------
    def call(self, fn: Callable[[], object]) -> object:
        fut: Future[object] = Future()
        self._commands.put((fn, fut))
        os.write(self._wake_w, b"x")
        return fut.result(_COMMAND_TIMEOUT_S)

    def stop(self) -> None:
        self._stopping.set()
        with contextlib.suppress(OSError):
            os.write(self._wake_w, b"x")
        self.join(2.0)
        for fd in (self._wake_r, self._wake_w):
            with contextlib.suppress(OSError):
                os.close(fd)
        with contextlib.suppress(Exception):
            self._display.close()

    # -- grab thread -------------------------------------------------------------------------
    def _lock_masks(self) -> list[int]:
        """Modifier combinations to grab in addition: CapsLock, NumLock and both."""
        X = self._X
        num_lock = 0
        num_code = self._display.keysym_to_keycode(self._XK.string_to_keysym("Num_Lock"))
        masks = (X.ShiftMask, X.LockMask, X.ControlMask, X.Mod1Mask, X.Mod2Mask, X.Mod3Mask, X.Mod4Mask, X.Mod5Mask)
        if num_code:
            for index, codes in enumerate(self._display.get_modifier_mapping()):
                if num_code in codes:
                    num_lock = masks[index]
        combos = {0, X.LockMask}
        if num_lock:
            combos |= {num_lock, num_lock | X.LockMask}
        self._numlock = num_lock
        return sorted(combos)

    def _mask(self, chord: Chord) -> int:
        X = self._X
        return ((X.ControlMask if chord.ctrl else 0) | (X.Mod1Mask if chord.alt else 0)
                | (X.ShiftMask if chord.shift else 0) | (X.Mod4Mask if chord.meta else 0))

    def grab(self, name: str, chord: Chord) -> None:
        keysym = self._XK.string_to_keysym(keysym_name(chord.key))
        keycode = self._display.keysym_to_keycode(keysym) if keysym else 0
        if not keycode:
            raise HotkeyError(f"{chord}: the key {chord.key!r} is not on this keyboard — choose another shortcut")
        base = self._mask(chord)
        catcher = self._error.CatchError(self._error.BadAccess)
        for extra in self._ignored:
            self._root.grab_key(keycode, base | extra, True, self._X.GrabModeAsync, self._X.GrabModeAsync,
                                onerror=catcher)
        self._display.sync()
        if catcher.get_error() is not None:
            for extra in self._ignored:
                self._root.ungrab_key(keycode, base | extra)
            self._display.sync()
            raise HotkeyConflict(f"{chord} is already taken by another program — choose another shortcut "
                                 "in Settings → Hotkey")
        self._grabs[(keycode, base)] = name
        self._down.discard(keycode)

    def ungrab(self, name: str) -> None:
        for (keycode, base), owner in list(self._grabs.items()):
            if owner == name:
                for extra in self._ignored:
                    self._root.ungrab_key(keycode, base | extra)
                del self._grabs[(keycode, base)]
                self._down.discard(keycode)
        self._display.sync()

    def run(self) -> None:
        try:
            while not self._stopping.is_set():
                self._handle_events()
                readable, _, _ = select.select([self._display.fileno(), self._wake_r], [], [], 1.0)
                if self._wake_r in readable:
                    with contextlib.suppress(OSError):
                        os.read(self._wake_r, 512)
                    self._run_commands()
        except Exception:
            log.exception("the hotkey thread stopped")  # the X server went away; the app keeps running

    def _run_commands(self) -> None:
        while True:
            try:
                fn, fut = self._commands.get_nowait()
            except queue.Empty:
                return
            try:
                fut.set_result(fn())
            except BaseException as exc:  # noqa: BLE001 - handed back to the caller on the GUI thread
                fut.set_exception(exc)

    def _handle_events(self) -> None:
        X = self._X
        events: list[Any] = []
        while self._display.pending_events():
            events.append(self._display.next_event())
        relevant = ~(X.LockMask | self._numlock) & (X.ShiftMask | X.ControlMask | X.Mod1Mask | X.Mod4Mask)
        for i, event in enumerate(events):
            if event.type == X.KeyRelease:
                nxt = events[i + 1] if i + 1 < len(events) else None
                # Auto-repeat sends release+press with the same timestamp: the key is still held.
                if not (nxt is not None and nxt.type == X.KeyPress and nxt.detail == event.detail
                        and nxt.time == event.time):
                    self._down.discard(event.detail)
            elif event.type == X.KeyPress:
                if event.detail in self._down:
                    continue  # auto-repeat of a held hotkey
                name = self._grabs.get((event.detail, event.state & relevant))
                if name is not None:
                    self._down.add(event.detail)
                    self._on_press(name)


class X11Backend(HotkeyBackend):
    """Global hotkeys on X11 (also XWayland apps, but see ui.hotkeys.wayland)."""

    backend_name = "x11"

    def __init__(self, parent: QObject | None = None, display_name: str | None = None) -> None:
        super().__init__(parent)
        self._bridge = _Bridge(self)
        self._bridge.sig_pressed.connect(self._fire, Qt.ConnectionType.QueuedConnection)
        self._thread = _GrabThread(display_name, self._bridge.sig_pressed.emit)
        self._thread.start()
        self._closed = False

    def _grab(self, name: str, chord: Chord) -> None:
        self._thread.call(lambda: self._thread.grab(name, chord))

    def _ungrab(self, name: str, chord: Chord) -> None:
        self._thread.call(lambda: self._thread.ungrab(name))

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        with contextlib.suppress(Exception):
            super().close()
        self._thread.stop()
