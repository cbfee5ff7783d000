"""Under Xvfb: a window whose WM_CLASS says xterm gets no keystroke from the quick action — no
Ctrl+C to capture (an interrupt in a terminal), no paste or Return — and the result is copied."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from typing import Any

from tests.ui.test_quick_xvfb import (
    TIMEOUT_S,
    Proc,
    _quick_focused,
    _run,
    _start_app,
    _wait_for,
    procs,  # noqa: F401 - fixture
    pytestmark,  # noqa: F401 - the same Xvfb/xdotool/xclip requirements
    x_env,  # noqa: F401 - fixture
    xvfb,  # noqa: F401 - fixture
)

TERMINAL = textwrap.dedent('''
    """A bare X client with WM_CLASS xterm: prints every key it receives."""
    import json, sys, threading
    from Xlib import X, XK, display

    d = display.Display()
    root = d.screen().root
    win = root.create_window(40, 40, 400, 200, 0, d.screen().root_depth,
                             event_mask=X.KeyPressMask | X.ExposureMask | X.FocusChangeMask)
    win.set_wm_class("xterm", "XTerm")
    win.set_wm_name("fake-terminal")
    win.map()
    d.sync()
    win.set_input_focus(X.RevertToParent, X.CurrentTime)
    d.sync()
    print(json.dumps({"ready": win.id}), flush=True)
    threading.Thread(target=lambda: (sys.stdin.read(), __import__("os")._exit(0)), daemon=True).start()
    while True:
        event = d.next_event()
        if event.type == X.KeyPress:
            keysym = d.keycode_to_keysym(event.detail, 0)
            print(json.dumps({"key": XK.keysym_to_string(keysym) or str(keysym)}), flush=True)
''')


def test_terminal_gets_no_copy_paste_or_return(x_env: dict[str, str], procs: list[Any]) -> None:  # noqa: F811
    env = x_env
    primary = subprocess.Popen(["xclip", "-quiet", "-selection", "primary", "-i"], env=env, stdin=subprocess.PIPE,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert primary.stdin is not None
    primary.stdin.write(b"echo selected in the terminal")
    primary.stdin.close()
    procs.append(primary)
    _wait_for(lambda: _run(env, "xclip", "-o", "-selection", "primary") == "echo selected in the terminal",
              "xclip to own PRIMARY")
    app = _start_app(env, procs)
    terminal = Proc([sys.executable, "-c", TERMINAL], env)
    procs.append(terminal)
    window = terminal.expect("ready")["ready"]
    _wait_for(lambda: _run(env, "xdotool", "getwindowfocus").strip() == str(window), "the terminal's focus")

    subprocess.run(["xdotool", "key", "ctrl+alt+space"], env=env, check=True, timeout=TIMEOUT_S)
    assert app.expect("state", "shown")["source"] == "echo selected in the terminal"
    _quick_focused(env)
    subprocess.run(["xdotool", "type", "--delay", "5", "upper"], env=env, check=True, timeout=TIMEOUT_S)
    subprocess.run(["xdotool", "key", "Return"], env=env, check=True, timeout=TIMEOUT_S)
    assert app.expect("state", "result")["result"] == "ECHO SELECTED IN THE TERMINAL"
    subprocess.run(["xdotool", "key", "Return"], env=env, check=True, timeout=TIMEOUT_S)  # Replace
    app.expect("state", "copied")
    assert _run(env, "xclip", "-o", "-selection", "clipboard") == "ECHO SELECTED IN THE TERMINAL"
    terminal.close_input()
    terminal.proc.wait(5)
    terminal._out.join(2)  # every line read
    keys = []
    while not terminal.lines.empty():
        line = terminal.lines.get()
        if "key" in line:
            keys.append(line["key"])
    # The hotkey's own modifiers reach the focused window before the grab fires; nothing else may.
    assert not {"c", "v", "Return", "Right"} & set(keys), keys
