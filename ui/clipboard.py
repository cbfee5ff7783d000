"""Taking the user's selection from another program and pasting a result back — without leaving
the user's clipboard changed.

* ``capture_selection`` reads the X11 PRIMARY selection first (what is highlighted right now,
  no key press needed); otherwise it snapshots the clipboard, sends the copy shortcut to the
  focused program (after releasing the modifiers the user still holds from the hotkey), waits a
  bounded time for the clipboard to change, reads the text and puts the snapshot back.
* ``paste_text`` snapshots the clipboard, puts the result on it, focuses the window that had the
  selection (and checks it has the focus), sends the paste shortcut, waits until that program has
  fetched the data *after* the shortcut (a clipboard manager fetching at once does not count),
  then restores the snapshot. A program that fetches nothing in time keeps the result on the
  clipboard (restoring then would let a slow program paste the old clipboard).
* Terminals (``is_terminal``: known window classes) get neither keystroke: Ctrl+C there is an
  interrupt and a paste (or Insert below's Return) runs a command line. Capture reads only the
  PRIMARY selection on X11 (or what the user copied), and the result is copied, never pasted.
* A snapshot keeps every format Qt exposes (``QMimeData.formats()``), byte for byte.

Keystrokes go through XTest (python-xlib) on X11, ``xdotool`` when python-xlib is missing, and
``keybd_event`` on Windows. On macOS and Wayland no keystrokes can be sent: capture falls back to
the text already on the clipboard and Replace leaves the result on the clipboard (with a message).
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from PySide6.QtCore import QCoreApplication, QEventLoop, QMimeData, QTimer
from PySide6.QtGui import QClipboard, QGuiApplication

from copilot.errors import UsageError

__all__ = [
    "ClipboardSnapshot",
    "Desktop",
    "NothingSelected",
    "PasteFailed",
    "capture_selection",
    "desktop",
    "paste_text",
    "wait_until",
]

log = logging.getLogger(__name__)

COPY_WAIT_S = 0.6
"""How long the copy shortcut may take to change the clipboard before "nothing selected"."""
PASTE_WAIT_S = 2.0
"""How long the target program may take to fetch pasted data."""
PASTE_QUIET_S = 0.15
"""After the last fetch, how long to wait for more (programs ask for TARGETS, then the text)."""


TERMINAL_CLASSES = frozenset({
    # X11 WM_CLASS names (instance or class, lower-cased)
    "xterm", "uxterm", "gnome-terminal", "gnome-terminal-server", "org.gnome.terminal", "org.gnome.console",
    "kgx", "konsole", "org.kde.konsole", "yakuake", "alacritty", "kitty", "wezterm", "org.wezfurlong.wezterm",
    "foot", "footclient", "terminator", "tilix", "com.gexperts.tilix", "xfce4-terminal", "mate-terminal",
    "lxterminal", "qterminal", "terminology", "sakura", "guake", "tilda", "urxvt", "rxvt", "rxvt-unicode",
    "st", "st-256color", "stterm", "eterm", "cool-retro-term", "ghostty", "com.mitchellh.ghostty", "blackbox",
    "com.raggesilver.blackbox", "deepin-terminal", "io.elementary.terminal", "pantheon-terminal", "hyper",
    "tabby", "warp", "contour", "rio", "zutty", "termite", "roxterm", "lilyterm", "putty", "x-terminal-emulator",
    # Windows window classes
    "consolewindowclass", "cascadia_hosting_window_class", "pseudoconsolewindow", "mintty",
    "virtualconsoleclass", "windowsterminal",
})
"""Window classes of terminal emulators: never sent Ctrl+C, Ctrl+V or Return by us."""


class NothingSelected(UsageError):
    """The copy shortcut did not change the clipboard: nothing was selected."""


class PasteFailed(UsageError):
    """The target program did not take the pasted text."""


def _tr(text: str) -> str:
    return QCoreApplication.translate("Clipboard", text)


def wait_until(predicate: Callable[[], bool], timeout_s: float, step_ms: int = 5) -> bool:
    """Run the Qt event loop until ``predicate()`` is true or ``timeout_s`` passes."""
    deadline = time.monotonic() + timeout_s
    loop = QEventLoop()
    while True:
        if predicate():
            return True
        if time.monotonic() >= deadline:
            return bool(predicate())
        QTimer.singleShot(step_ms, loop.quit)
        loop.exec()


# -- snapshots ---------------------------------------------------------------------------------

@dataclass
class ClipboardSnapshot:
    """Every format of one clipboard (or the X11 selection), as bytes."""

    formats: list[tuple[str, bytes]] = field(default_factory=list)
    mode: QClipboard.Mode = QClipboard.Mode.Clipboard

    @classmethod
    def take(cls, mode: QClipboard.Mode = QClipboard.Mode.Clipboard) -> ClipboardSnapshot:
        clipboard = QGuiApplication.clipboard()
        data = clipboard.mimeData(mode)
        formats: list[tuple[str, bytes]] = []
        if data is not None:
            for fmt in data.formats():
                formats.append((fmt, bytes(data.data(fmt).data())))
        return cls(formats, mode)

    @property
    def is_empty(self) -> bool:
        return not self.formats

    def text(self) -> str:
        for fmt, raw in self.formats:
            if fmt == "text/plain;charset=utf-8" or fmt == "text/plain":
                return raw.decode("utf-8", "replace")
        return ""

    def to_mime(self) -> QMimeData:
        mime = QMimeData()
        for fmt, raw in self.formats:
            mime.setData(fmt, raw)
        return mime

    def restore(self) -> None:
        clipboard = QGuiApplication.clipboard()
        if self.is_empty:
            clipboard.clear(self.mode)
        else:
            clipboard.setMimeData(self.to_mime(), self.mode)


class _Served:
    """Counts fetches of the data we put on the clipboard (lives apart from the QMimeData, which
    Qt deletes when the clipboard changes hands)."""

    def __init__(self) -> None:
        self.count = 0
        self.last = 0.0
        self.first_after: float | None = None
        self.since = float("inf")
        """Fetches from this moment on count as the paste (set when the shortcut is sent)."""

    def fetched(self) -> None:
        self.count += 1
        self.last = time.monotonic()
        if self.first_after is None and self.last >= self.since:
            self.first_after = self.last


class _WatchedMime(QMimeData):
    """Text whose fetches by other programs are counted: that is how we know a paste happened."""

    def __init__(self, text: str, served: _Served) -> None:
        super().__init__()
        self._served = served
        self.setText(text)

    def retrieveData(self, mimetype: str, preferred_type: Any) -> Any:
        self._served.fetched()
        return super().retrieveData(mimetype, preferred_type)


# -- keystrokes and focus ------------------------------------------------------------------------

class Desktop:
    """Focus and synthetic keystrokes for this desktop. ``can_type`` is False where impossible."""

    kind = "none"
    can_type = False

    def focused_window(self) -> int:
        return 0

    def window_classes(self, window: int) -> tuple[str, ...]:
        """The window's class names (X11 WM_CLASS instance and class; the Windows class name)."""
        return ()

    def is_terminal(self, window: int) -> bool:
        return bool(window) and any(c.lower() in TERMINAL_CLASSES for c in self.window_classes(window))

    def activate(self, window: int) -> bool:
        return False

    def release_modifiers(self) -> None:
        return None

    def send_keys(self, *combos: str) -> None:
        raise PasteFailed(_tr("this desktop does not let Desk Copilot send keystrokes — "
                              "paste with Ctrl+V yourself (the result is on the clipboard)"))


class _X11Desktop(Desktop):
    """XTest through python-xlib: one private connection used on the GUI thread only."""

    kind = "x11"
    can_type = True

    def __init__(self, display_name: str | None = None) -> None:
        from Xlib import XK, X, display
        from Xlib.ext import xtest

        self._X, self._XK, self._xtest = X, XK, xtest
        self._d = display.Display(display_name)
        if not self._d.has_extension("XTEST"):
            raise RuntimeError("the X server has no XTEST extension")
        self._root = self._d.screen().root
        self._net_active = self._d.intern_atom("_NET_ACTIVE_WINDOW")
        supported = self._root.get_full_property(self._d.intern_atom("_NET_SUPPORTED"), X.AnyPropertyType)
        self._has_wm = bool(supported is not None and self._net_active in list(supported.value))

    def focused_window(self) -> int:
        if self._has_wm:
            prop = self._root.get_full_property(self._net_active, self._X.AnyPropertyType)
            if prop is not None and len(prop.value) and int(prop.value[0]):
                return int(prop.value[0])
        focus = self._d.get_input_focus().focus
        return int(getattr(focus, "id", 0))  # PointerRoot / None are plain ints: no window

    def window_classes(self, window: int) -> tuple[str, ...]:
        from Xlib import error

        # The focus may be a child of the terminal's top-level window: walk up to the root.
        win = self._d.create_resource_object("window", window)
        try:
            for _ in range(8):
                wm_class = win.get_wm_class()
                if wm_class:
                    return tuple(str(c) for c in wm_class)
                tree = win.query_tree()
                if not tree.parent or int(tree.parent.id) == int(self._root.id):
                    break
                win = tree.parent
        except error.XError:
            pass
        return ()

    def activate(self, window: int) -> bool:
        if not window:
            return False
        from Xlib import error, protocol

        win = self._d.create_resource_object("window", window)
        try:
            if self._has_wm:
                event = protocol.event.ClientMessage(window=win, client_type=self._net_active,
                                                     data=(32, [2, self._X.CurrentTime, 0, 0, 0]))
                self._root.send_event(event, event_mask=self._X.SubstructureRedirectMask
                                      | self._X.SubstructureNotifyMask)
            else:
                win.set_input_focus(self._X.RevertToParent, self._X.CurrentTime)
            self._d.sync()
        except error.XError:
            return False
        return wait_until(lambda: self.focused_window() == window, 0.5)

    def release_modifiers(self) -> None:
        """Release every key still held (the hotkey's modifiers and key), so our shortcut is clean.

        A held chord key also keeps our passive grab active, which would route our own keystrokes
        back to us instead of the focused program. Lock keys are left alone.
        """
        keymap = self._d.query_keymap()
        locks = {self._d.keysym_to_keycode(self._XK.string_to_keysym(n)) for n in ("Num_Lock", "Caps_Lock")}
        for code in range(8, 256):
            if keymap[code // 8] & (1 << (code % 8)) and code not in locks:
                self._xtest.fake_input(self._d, self._X.KeyRelease, code)
        self._d.sync()

    def _code(self, name: str) -> int:
        keysym = self._XK.string_to_keysym({"ctrl": "Control_L", "shift": "Shift_L", "alt": "Alt_L"}.get(name, name))
        code = self._d.keysym_to_keycode(keysym)
        if not code:
            raise PasteFailed(f"the key {name!r} is not on this keyboard")
        return int(code)

    def send_keys(self, *combos: str) -> None:
        for combo in combos:
            codes = [self._code(part) for part in combo.split("+")]
            for code in codes:
                self._xtest.fake_input(self._d, self._X.KeyPress, code)
            for code in reversed(codes):
                self._xtest.fake_input(self._d, self._X.KeyRelease, code)
            self._d.sync()


class _XdotoolDesktop(Desktop):
    """Fallback when python-xlib is missing: the xdotool command."""

    kind = "x11"
    can_type = True

    def _run(self, *args: str) -> str:
        try:
            return subprocess.run(["xdotool", *args], capture_output=True, text=True, timeout=5).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            return ""

    def focused_window(self) -> int:
        out = self._run("getwindowfocus")
        return int(out) if out.isdigit() else 0

    def window_classes(self, window: int) -> tuple[str, ...]:
        try:
            out = subprocess.run(["xprop", "-id", str(window), "WM_CLASS"], capture_output=True, text=True,
                                 timeout=5).stdout
        except (OSError, subprocess.TimeoutExpired):
            return ()
        # WM_CLASS(STRING) = "xterm", "XTerm"
        return tuple(part.strip().strip('"') for part in out.partition("=")[2].split(",") if part.strip())

    def activate(self, window: int) -> bool:
        if window:
            self._run("windowfocus", "--sync", str(window))
        return bool(window) and self.focused_window() == window

    def send_keys(self, *combos: str) -> None:
        self._run("key", "--clearmodifiers", *combos)


class _WindowsDesktop(Desktop):
    kind = "windows"
    can_type = True
    _VK: ClassVar[dict[str, int]] = {"ctrl": 0x11, "shift": 0x10, "alt": 0x12, "Return": 0x0D, "Right": 0x27, "End": 0x23}

    def __init__(self) -> None:
        import ctypes

        self._user32 = ctypes.WinDLL("user32")  # type: ignore[attr-defined]

    def focused_window(self) -> int:
        return int(self._user32.GetForegroundWindow() or 0)

    def window_classes(self, window: int) -> tuple[str, ...]:
        import ctypes

        buffer = ctypes.create_unicode_buffer(256)
        if not window or not self._user32.GetClassNameW(window, buffer, 256):
            return ()
        return (buffer.value,)

    def activate(self, window: int) -> bool:
        if not window or not self._user32.SetForegroundWindow(window):
            return False
        return wait_until(lambda: self.focused_window() == window, 0.5)

    def release_modifiers(self) -> None:
        for vk in (0x11, 0x10, 0x12, 0x5B, 0x5C):
            if self._user32.GetAsyncKeyState(vk) & 0x8000:
                self._user32.keybd_event(vk, 0, 2, 0)

    def send_keys(self, *combos: str) -> None:
        for combo in combos:
            vks = [self._VK.get(p, ord(p.upper()[0])) for p in combo.split("+")]
            for vk in vks:
                self._user32.keybd_event(vk, 0, 0, 0)
            for vk in reversed(vks):
                self._user32.keybd_event(vk, 0, 2, 0)


_desktop: Desktop | None = None


def desktop() -> Desktop:
    """The Desktop for this session (created once)."""
    global _desktop
    if _desktop is None:
        _desktop = _make_desktop()
    return _desktop


def _make_desktop() -> Desktop:
    if sys.platform == "win32":
        return _WindowsDesktop()
    platform = QGuiApplication.platformName()
    if platform == "xcb" and os.environ.get("DISPLAY"):
        try:
            return _X11Desktop(os.environ.get("DISPLAY"))
        except Exception as exc:  # noqa: BLE001 - any failure means: fall back to xdotool
            log.info("XTest unavailable (%s); trying xdotool", exc)
            if shutil.which("xdotool"):
                return _XdotoolDesktop()
    return Desktop()


# -- capture and paste ---------------------------------------------------------------------------

def _supports_selection() -> bool:
    return bool(QGuiApplication.clipboard().supportsSelection())


def capture_selection(target: Desktop | None = None, *, use_primary: bool = True, use_copy: bool = True,
                      copy_wait_s: float = COPY_WAIT_S, terminal: bool = False) -> str:
    """The text selected in the focused program. Call BEFORE showing any window of ours.

    ``terminal``: the focused program is a terminal, where Ctrl+C interrupts the running command:
    only the PRIMARY selection (X11) or what the user copied is read, no key is sent.
    Raises NothingSelected (one line) when nothing is selected.
    """
    clipboard = QGuiApplication.clipboard()
    if use_primary and _supports_selection():
        text = clipboard.text(QClipboard.Mode.Selection)
        if text.strip():
            return text
    target = target or desktop()
    if terminal:
        if not _supports_selection():  # Windows terminals: what the user copied from them
            text = clipboard.text(QClipboard.Mode.Clipboard)
            if text.strip():
                return text
        raise NothingSelected(_tr("nothing selected — in a terminal, select the text with the mouse (or copy "
                                  "it), then press the hotkey again"))
    if not use_copy:
        raise NothingSelected(_tr("nothing selected — select some text first, then press the hotkey again"))
    if not target.can_type:
        # No keystrokes here (macOS without permission, Wayland): use what the user copied.
        text = clipboard.text(QClipboard.Mode.Clipboard)
        if text.strip():
            return text
        raise NothingSelected(_tr("nothing selected — copy the text (Ctrl+C), then open the quick action again"))
    before = ClipboardSnapshot.take()
    changed = [False]

    def on_change() -> None:
        changed[0] = True

    clipboard.dataChanged.connect(on_change)
    try:
        target.release_modifiers()
        target.send_keys("ctrl+c")
        wait_until(lambda: changed[0], copy_wait_s)
        text = clipboard.text(QClipboard.Mode.Clipboard) if changed[0] else ""
    finally:
        clipboard.dataChanged.disconnect(on_change)
        if changed[0]:
            before.restore()
    if not text.strip():
        raise NothingSelected(_tr("nothing selected — select some text first, then press the hotkey again"))
    return text


def paste_text(text: str, window: int, target: Desktop | None = None, *, insert_below: bool = False,
               wait_s: float = PASTE_WAIT_S) -> None:
    """Paste ``text`` into ``window`` (the program the selection came from), then restore the
    clipboard exactly as it was. With ``insert_below`` the selection is kept and the text goes on a
    new line after it.

    Pastes only into ``window`` and only when it has the focus: with no window recorded, a window
    that cannot be focused or a terminal, nothing is typed and the result is left on the clipboard
    (PasteFailed says so). The clipboard is restored once the program has fetched the paste; a
    program that fetches nothing within ``wait_s`` keeps the result on the clipboard."""
    target = target or desktop()
    clipboard = QGuiApplication.clipboard()
    if not target.can_type:
        clipboard.setText(text)
        raise PasteFailed(_tr("cannot paste into other programs here — the result is on the clipboard; "
                              "paste it with Ctrl+V"))
    if not window:
        clipboard.setText(text)
        raise PasteFailed(_tr("no window to paste into was recorded — the result is on the clipboard"))
    if target.is_terminal(window):
        clipboard.setText(text)
        raise PasteFailed(_tr("Desk Copilot does not type into terminals — the result is on the clipboard"))
    before = ClipboardSnapshot.take()
    served = _Served()
    clipboard.setMimeData(_WatchedMime(text, served))
    restore = True
    try:
        if not target.activate(window) or target.focused_window() != window:
            raise PasteFailed(_tr("the program the text came from is gone — use Copy instead"))
        target.release_modifiers()
        if insert_below:
            target.send_keys("Right", "Return")
        served.since = time.monotonic()
        target.send_keys("ctrl+v")
        if not wait_until(lambda: served.first_after is not None, wait_s):
            # It may still paste later: what it gets then must be the result, not the old clipboard.
            # A plain copy replaces the watched one: no Python callback is left on the clipboard
            # for Qt to call while the app shuts down.
            restore = False
            clipboard.setText(text)
            raise PasteFailed(_tr("the program did not take the paste in time — the result is on the "
                                  "clipboard"))
        wait_until(lambda: time.monotonic() - served.last >= PASTE_QUIET_S, wait_s)
    finally:
        if restore:
            with contextlib.suppress(RuntimeError):
                before.restore()
