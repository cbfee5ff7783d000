"""Hotkey parsing, the backend bookkeeping (pause, conflicts, one-line errors), platform choice,
Wayland detection, and the X11 grab against a real X server (Xvfb) with xdotool key presses."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator

import pytest

from ui.hotkeys import (
    Chord,
    HotkeyBackend,
    HotkeyConflict,
    HotkeyError,
    HotkeyUnavailable,
    NullBackend,
    WaylandBackend,
    create_backend,
    is_wayland,
    parse_chord,
    session_kind,
)


@pytest.mark.parametrize(("text", "chord"), [
    ("Ctrl+Alt+Space", Chord("Space", ctrl=True, alt=True)),
    ("ctrl+alt+f", Chord("F", ctrl=True, alt=True)),
    ("Meta+Shift+F5", Chord("F5", shift=True, meta=True)),
    ("F9", Chord("F9")),
    ("Ctrl+,", Chord(",", ctrl=True)),
    ("Super+Return", Chord("Return", meta=True)),
])
def test_parse_chord(text: str, chord: Chord) -> None:
    assert parse_chord(text) == chord


@pytest.mark.parametrize(("text", "needle"), [
    ("", "empty"),
    ("Ctrl+Alt", "no key"),
    ("Hyper+A", "not a modifier"),
    ("Ctrl+Alt+Foo", "unknown key"),
    ("Shift+A", "needs Ctrl, Alt or Meta"),
])
def test_parse_chord_errors_are_one_line(text: str, needle: str) -> None:
    with pytest.raises(HotkeyError) as info:
        parse_chord(text)
    assert needle in str(info.value)
    assert "\n" not in str(info.value)


def test_chord_str_round_trips() -> None:
    assert str(parse_chord("alt+ctrl+space")) == "Ctrl+Alt+Space"
    assert parse_chord(str(parse_chord("meta+shift+f12"))) == parse_chord("Meta+Shift+F12")


class RecordingBackend(HotkeyBackend):
    """A backend whose 'system' is a set; a chord in ``taken`` belongs to another program."""

    def __init__(self, taken: set[Chord] | None = None) -> None:
        super().__init__()
        self.grabbed: dict[str, Chord] = {}
        self.taken = taken or set()

    def _grab(self, name: str, chord: Chord) -> None:
        if chord in self.taken:
            raise HotkeyConflict(f"{chord} is already taken by another program")
        self.grabbed[name] = chord

    def _ungrab(self, name: str, chord: Chord) -> None:
        self.grabbed.pop(name, None)


def test_register_pause_resume_and_fire(qtbot: object) -> None:
    backend = RecordingBackend()
    backend.register("quick", "Ctrl+Alt+Space")
    backend.register("template:polish.formal", "ctrl+alt+f")
    assert set(backend.grabbed) == {"quick", "template:polish.formal"}
    fired: list[str] = []
    backend.sig_activated.connect(fired.append)
    backend._fire("quick")
    assert backend.set_paused(True) == []
    assert backend.grabbed == {}  # keys go back to the programs while paused
    backend._fire("quick")  # a late press during pause is ignored
    assert backend.set_paused(False) == []
    assert set(backend.grabbed) == {"quick", "template:polish.formal"}
    backend._fire("template:polish.formal")
    assert fired == ["quick", "template:polish.formal"]
    backend.register("quick", "Ctrl+Alt+K")  # re-registering a name replaces its chord
    assert backend.grabbed["quick"] == Chord("K", ctrl=True, alt=True)
    backend.close()
    assert backend.grabbed == {} and backend.registered() == {}


def test_register_all_collects_one_line_problems() -> None:
    backend = RecordingBackend(taken={Chord("Space", ctrl=True, alt=True)})
    problems = backend.register_all({"quick": "Ctrl+Alt+Space", "template:a.b": "Ctrl+Alt+Nope",
                                     "template:c.d": "ctrl+alt+d", "template:e.f": "Ctrl+Alt+D"})
    assert problems[0] == "Ctrl+Alt+Space is already taken by another program"
    assert "unknown key 'Nope'" in problems[1]
    assert problems[2] == "Ctrl+Alt+D is already used by template c.d — pick another shortcut"
    assert len(problems) == 3 and all("\n" not in p for p in problems)
    assert set(backend.grabbed) == {"template:c.d"}


@pytest.mark.parametrize(("env", "expected"), [
    ({"XDG_SESSION_TYPE": "wayland", "DISPLAY": ":0"}, True),  # XWayland still means Wayland
    ({"WAYLAND_DISPLAY": "wayland-0"}, True),
    ({"XDG_SESSION_TYPE": "x11", "DISPLAY": ":0"}, False),
    ({"XDG_SESSION_TYPE": "tty"}, False),
    ({}, False),
])
def test_is_wayland(env: dict[str, str], expected: bool) -> None:
    assert is_wayland(env) is expected


def test_session_kind() -> None:
    assert session_kind({"DISPLAY": ":0"}, "linux") == "x11"
    assert session_kind({"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}, "linux") == "wayland"
    assert session_kind({}, "linux") == "none"
    assert session_kind({}, "win32") == "windows"
    assert session_kind({}, "darwin") == "macos"


def test_wayland_backend_explains_and_points_to_the_quick_command(qtbot: object) -> None:
    backend = create_backend(env={"XDG_SESSION_TYPE": "wayland", "WAYLAND_DISPLAY": "wayland-0"},
                             platform="linux")
    assert isinstance(backend, WaylandBackend)
    with pytest.raises(HotkeyUnavailable) as info:
        backend.register("quick", "Ctrl+Alt+Space")
    message = str(info.value)
    assert message.startswith("Ctrl+Alt+Space: Wayland does not allow applications to grab global keys")
    assert "desk-copilot quick" in message and "--template ID" in message
    assert "\n" not in message
    assert backend.register_all({"quick": "Ctrl+Alt+Space"}) == [message]
    assert "desk-copilot quick" in backend.explanation()
    backend.close()


def test_no_display_gives_a_null_backend(qtbot: object) -> None:
    backend = create_backend(env={}, platform="linux")
    assert isinstance(backend, NullBackend)
    problems = backend.register_all({"quick": "Ctrl+Alt+Space"})
    assert len(problems) == 1 and "DISPLAY is not set" in problems[0]
    backend.close()


def test_windows_virtual_keys() -> None:
    from ui.hotkeys.windows import MOD_ALT, MOD_CONTROL, MOD_NOREPEAT, modifiers, virtual_key

    chord = parse_chord("Ctrl+Alt+Space")
    assert virtual_key(chord) == 0x20
    assert modifiers(chord) == MOD_CONTROL | MOD_ALT | MOD_NOREPEAT
    assert virtual_key(parse_chord("Ctrl+Alt+F")) == ord("F")
    assert virtual_key(parse_chord("F12")) == 0x7B
    assert virtual_key(parse_chord("Ctrl+7")) == ord("7")


def test_macos_keycodes_and_windows_backend_refuses_elsewhere() -> None:
    from ui.hotkeys.macos import mac_keycode
    from ui.hotkeys.windows import WindowsBackend

    assert mac_keycode(parse_chord("Ctrl+Alt+Space")) == 0x31
    assert mac_keycode(parse_chord("Ctrl+Alt+A")) == 0x00
    with pytest.raises(HotkeyError):
        mac_keycode(parse_chord("Ctrl+Print"))
    if os.name != "nt":
        with pytest.raises(HotkeyError):
            WindowsBackend()


# -- X11, for real ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def x_display() -> Iterator[str]:
    if not (shutil.which("Xvfb") and shutil.which("xdotool")):
        pytest.skip("needs Xvfb and xdotool")
    pytest.importorskip("Xlib")
    from tests.ui.test_quick_xvfb import Xvfb

    server = Xvfb()
    yield server.display
    server.stop()


def _xdotool(display: str, *args: str) -> None:
    subprocess.run(["xdotool", *args], env={**os.environ, "DISPLAY": display}, check=True, timeout=20)


@pytest.mark.xvfb
def test_x11_grab_fires_with_and_without_numlock(qtbot: object, x_display: str) -> None:
    from ui.hotkeys.x11 import X11Backend

    backend = X11Backend(display_name=x_display)
    try:
        backend.register("quick", "Ctrl+Alt+Space")
        with qtbot.waitSignal(backend.sig_activated, timeout=10000) as blocker:  # type: ignore[attr-defined]
            _xdotool(x_display, "key", "ctrl+alt+space")
        assert blocker.args == ["quick"]
        _xdotool(x_display, "key", "Num_Lock")  # NumLock on: the state has Mod2 set
        try:
            with qtbot.waitSignal(backend.sig_activated, timeout=10000) as blocker:  # type: ignore[attr-defined]
                _xdotool(x_display, "key", "ctrl+alt+space")
            assert blocker.args == ["quick"]
        finally:
            _xdotool(x_display, "key", "Num_Lock")
        # Paused: the grab is released, so another client can take the chord.
        backend.set_paused(True)
        other = X11Backend(display_name=x_display)
        try:
            other.register("mine", "Ctrl+Alt+Space")
            assert backend.set_paused(False) == [
                "Ctrl+Alt+Space is already taken by another program — choose another shortcut in Settings → Hotkey"]
        finally:
            other.close()
    finally:
        backend.close()


@pytest.mark.xvfb
def test_x11_conflict_is_reported_at_registration(qtbot: object, x_display: str) -> None:
    from ui.hotkeys.x11 import X11Backend

    first = X11Backend(display_name=x_display)
    second = X11Backend(display_name=x_display)
    try:
        first.register("quick", "Ctrl+Alt+J")
        with pytest.raises(HotkeyConflict) as info:
            second.register("quick", "Ctrl+Alt+J")
        assert str(info.value) == ("Ctrl+Alt+J is already taken by another program — choose another shortcut "
                                   "in Settings → Hotkey")
        assert second.registered() == {}
        second.register("quick", "Ctrl+Alt+K")  # the failed grab left nothing behind
        first.unregister("quick")
        second.register("other", "Ctrl+Alt+J")  # released by the first: free again
    finally:
        first.close()
        second.close()
