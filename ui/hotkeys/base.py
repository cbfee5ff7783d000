"""What every hotkey backend shares: parsing a shortcut, the backend interface, the errors.

A backend grabs key chords system-wide and emits ``sig_activated(name)`` on the GUI thread when
one is pressed. ``name`` is the caller's label ("quick", "template:polish.formal"), so one
backend serves the main hotkey and every per-template hotkey.

Failures are one line (``str(error)``) naming the shortcut and what to do, like every other error
in the app; ``register_all`` collects them so the tray can show them together.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from copilot.errors import ConfigError

__all__ = [
    "Chord",
    "HotkeyBackend",
    "HotkeyConflict",
    "HotkeyError",
    "HotkeyUnavailable",
    "NullBackend",
    "parse_chord",
    "reserved_for",
]


class HotkeyError(ConfigError):
    """A shortcut could not be registered. The message is one line and says what to do."""


class HotkeyConflict(HotkeyError):
    """Another program already holds the shortcut."""


class HotkeyUnavailable(HotkeyError):
    """This desktop does not let applications register global shortcuts (Wayland, no display, ...)."""


_MODIFIERS = {
    "ctrl": "ctrl", "control": "ctrl", "ctl": "ctrl",
    "alt": "alt", "option": "alt", "opt": "alt",
    "shift": "shift",
    "meta": "meta", "super": "meta", "win": "meta", "cmd": "meta", "command": "meta",
}

# Named keys in Qt's portable spelling (what QKeySequence.toString gives), lower-cased → canonical.
_NAMED = {
    "space": "Space", "return": "Return", "enter": "Return", "tab": "Tab", "esc": "Esc", "escape": "Esc",
    "backspace": "Backspace", "ins": "Insert", "insert": "Insert", "del": "Delete", "delete": "Delete",
    "home": "Home", "end": "End", "pgup": "PgUp", "pageup": "PgUp", "pgdown": "PgDown", "pagedown": "PgDown",
    "left": "Left", "right": "Right", "up": "Up", "down": "Down", "print": "Print", "pause": "Pause",
}
_PUNCT = {",", ".", "/", ";", "'", "`", "-", "=", "[", "]", "\\"}
_FKEY = re.compile(r"^f([1-9]|1[0-9]|2[0-4])$")


@dataclass(frozen=True)
class Chord:
    """A key plus modifiers. ``key`` is canonical: "A", "5", "F7", "Space", ",", ..."""

    key: str
    ctrl: bool = False
    alt: bool = False
    shift: bool = False
    meta: bool = False

    @property
    def is_function_key(self) -> bool:
        return bool(_FKEY.match(self.key.lower()))

    def __str__(self) -> str:
        mods = [n for n, on in (("Ctrl", self.ctrl), ("Alt", self.alt), ("Shift", self.shift),
                                ("Meta", self.meta)) if on]
        return "+".join([*mods, self.key])


# Shortcuts every program relies on: grabbing one system-wide would break it everywhere (and a
# template bound to Ctrl+C would receive every copy). In Qt's portable text "Ctrl" is ⌘ on macOS.
_EDITING = {"C": "copy", "V": "paste", "X": "cut", "Z": "undo", "Y": "redo", "A": "select all", "S": "save",
            "W": "close", "Q": "quit", "F": "find", "P": "print", "N": "new", "O": "open", "T": "new tab",
            "H": "replace", "B": "bold", "I": "italic", "U": "underline", "Insert": "copy", "Tab": "switching tabs"}


def _reserved_table(platform: str) -> dict[Chord, str]:
    table = {Chord(key, ctrl=True): what for key, what in _EDITING.items()}
    table.update({Chord("Z", ctrl=True, shift=True): "redo", Chord("S", ctrl=True, shift=True): "save as",
                  Chord("Tab", ctrl=True, shift=True): "switching tabs", Chord("Esc", ctrl=True): "the start menu"})
    if platform == "darwin":
        table.update({Chord("H", ctrl=True): "hide", Chord("M", ctrl=True): "minimise",
                      Chord("Tab", ctrl=True): "switching apps", Chord("Space", ctrl=True): "Spotlight",
                      Chord("Esc", ctrl=True, alt=True): "force quit", Chord("`", ctrl=True): "switching windows",
                      Chord("Q", ctrl=True, shift=True): "log out"})
    else:
        table.update({Chord("Insert", shift=True): "paste", Chord("Delete", shift=True): "cut",
                      Chord("F4", alt=True): "close window", Chord("Tab", alt=True): "switching windows",
                      Chord("Tab", alt=True, shift=True): "switching windows", Chord("F4", ctrl=True): "close",
                      Chord("Delete", ctrl=True, alt=True): "the system menu",
                      Chord("Esc", ctrl=True, shift=True): "the task manager", Chord("L", meta=True): "locking"})
    return table


def reserved_for(chord: Chord, platform: str | None = None) -> str | None:
    """What a reserved shortcut does everywhere (copy, paste, ...), or None when it is free to use."""
    return _reserved_table(platform or sys.platform).get(chord)


def parse_chord(text: str) -> Chord:
    """Parse "Ctrl+Alt+Space" / "ctrl+alt+f" / "Meta+Shift+F5" (Qt's portable text, any case).

    Raises HotkeyError for an unknown key, a modifier-only shortcut, a plain key without a
    modifier (which would swallow normal typing) or a reserved shortcut (copy, paste, save, ...).
    """
    raw = text.strip()
    parts = [p.strip() for p in re.split(r"\+(?!$)", raw)] if raw else []
    if not parts or not parts[-1]:
        raise HotkeyError(f"the hotkey {text!r} is empty — set a shortcut such as Ctrl+Alt+Space in Settings")
    mods: set[str] = set()
    for part in parts[:-1]:
        mod = _MODIFIERS.get(part.lower())
        if mod is None:
            raise HotkeyError(f"hotkey {raw!r}: {part!r} is not a modifier (use Ctrl, Alt, Shift or Meta)")
        mods.add(mod)
    last = parts[-1]
    low = last.lower()
    if low in _MODIFIERS:
        raise HotkeyError(f"hotkey {raw!r} has no key — add one after the modifiers, e.g. Ctrl+Alt+Space")
    if low in _NAMED:
        key = _NAMED[low]
    elif _FKEY.match(low):
        key = low.upper()
    elif len(last) == 1 and (last.isascii() and last.isalnum()):
        key = last.upper()
    elif last in _PUNCT:
        key = last
    else:
        raise HotkeyError(f"hotkey {raw!r}: unknown key {last!r} — choose another shortcut in Settings")
    chord = Chord(key, ctrl="ctrl" in mods, alt="alt" in mods, shift="shift" in mods, meta="meta" in mods)
    if not (chord.ctrl or chord.alt or chord.meta) and not chord.is_function_key:
        raise HotkeyError(f"hotkey {raw!r} needs Ctrl, Alt or Meta, or it would catch normal typing")
    reserved = reserved_for(chord)
    if reserved is not None:
        raise HotkeyError(f"hotkey {raw!r} is reserved for {reserved} in every program — choose another shortcut")
    return chord


class HotkeyBackend(QObject):
    """Grabs chords system-wide. Subclasses implement ``_grab`` / ``_ungrab``.

    Create and use it on the GUI thread; ``sig_activated`` is always delivered there.
    """

    sig_activated = Signal(str)
    """A registered hotkey was pressed; the argument is its name."""

    backend_name = "none"

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._chords: dict[str, Chord] = {}
        self._paused = False

    # -- public API --------------------------------------------------------------------------
    def register(self, name: str, sequence: str) -> Chord:
        """Grab ``sequence`` under ``name`` (replacing what ``name`` had). Raises HotkeyError."""
        chord = parse_chord(sequence)
        for other, existing in self._chords.items():
            if other != name and existing == chord:
                raise HotkeyConflict(f"{chord} is already used by {_describe(other)} — pick another shortcut")
        self.unregister(name)
        if not self._paused:
            self._grab(name, chord)
        self._chords[name] = chord
        return chord

    def register_all(self, hotkeys: Mapping[str, str]) -> list[str]:
        """Register several; returns one line per failure (empty when all worked)."""
        problems = []
        for name, sequence in hotkeys.items():
            try:
                self.register(name, sequence)
            except HotkeyError as exc:
                problems.append(str(exc))
        return problems

    def unregister(self, name: str) -> None:
        chord = self._chords.pop(name, None)
        if chord is not None and not self._paused:
            self._ungrab(name, chord)

    def unregister_all(self) -> None:
        for name in list(self._chords):
            self.unregister(name)

    def registered(self) -> dict[str, Chord]:
        return dict(self._chords)

    @property
    def paused(self) -> bool:
        return self._paused

    def set_paused(self, paused: bool) -> list[str]:
        """Release every grab while paused (the keys reach programs again); re-grab on resume.

        Returns one line per hotkey that could not be grabbed again.
        """
        if paused == self._paused:
            return []
        problems: list[str] = []
        if paused:
            for name, chord in self._chords.items():
                self._ungrab(name, chord)
        else:
            for name, chord in list(self._chords.items()):
                try:
                    self._grab(name, chord)
                except HotkeyError as exc:
                    problems.append(str(exc))
                    del self._chords[name]
        self._paused = paused
        return problems

    def close(self) -> None:
        """Release everything and stop background work. Safe to call twice."""
        self.unregister_all()

    def explanation(self) -> str:
        """A sentence for Settings about how hotkeys work here (empty when nothing to say)."""
        return ""

    # -- for subclasses ------------------------------------------------------------------------
    def _grab(self, name: str, chord: Chord) -> None:
        raise NotImplementedError

    def _ungrab(self, name: str, chord: Chord) -> None:
        raise NotImplementedError

    def _fire(self, name: str) -> None:
        if not self._paused and name in self._chords:
            self.sig_activated.emit(name)


def _describe(name: str) -> str:
    if name.startswith("template:"):
        return f"template {name.split(':', 1)[1]}"
    return "the quick-action hotkey" if name == "quick" else name


class NullBackend(HotkeyBackend):
    """Used where no global shortcut is possible; every registration fails with ``reason``."""

    backend_name = "none"

    def __init__(self, reason: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._reason = reason

    def register(self, name: str, sequence: str) -> Chord:
        chord = parse_chord(sequence)
        raise HotkeyUnavailable(f"{chord}: {self._reason}")

    def explanation(self) -> str:
        return self._reason

    def _grab(self, name: str, chord: Chord) -> None:  # pragma: no cover - register never gets here
        raise HotkeyUnavailable(self._reason)

    def _ungrab(self, name: str, chord: Chord) -> None:
        return None
