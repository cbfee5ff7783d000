"""The quick action for real, under Xvfb: a global hotkey grabbed on the X server, a selection
owned by another X client, the reply of the fake model pasted back into that client, and the
user's clipboard as it was before. Also ``desk-copilot quick`` against a running instance.

The app side runs in subprocesses (``python -m ui.quick``) on the xcb platform: the in-process
QApplication of the UI tests is offscreen and cannot be switched.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import shutil
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT

pytestmark = [
    pytest.mark.xvfb,
    pytest.mark.skipif(not (shutil.which("Xvfb") and shutil.which("xdotool") and shutil.which("xclip")),
                       reason="needs Xvfb, xdotool and xclip"),
]

TITLE = "Desk Copilot — Quick action"
TIMEOUT_S = 20.0


class Xvfb:
    """A private Xvfb (``tools.xvfb``: a display number it picks, no reset between clients)."""

    def __init__(self) -> None:
        from tools.xvfb import start_xvfb

        self.proc, self.display = start_xvfb()

    def stop(self) -> None:
        from tools.xvfb import stop_xvfb

        stop_xvfb(self.proc)


@pytest.fixture(scope="module")
def xvfb() -> Iterator[Xvfb]:
    server = Xvfb()
    yield server
    server.stop()


class Proc:
    """A child process whose stdout lines (JSON objects) are read by a thread into a queue."""

    def __init__(self, args: list[str], env: dict[str, str], *, quits_on_eof: bool = True) -> None:
        self.quits_on_eof = quits_on_eof
        self.proc = subprocess.Popen(args, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, cwd=ROOT)
        self.lines: queue.Queue[dict[str, Any]] = queue.Queue()
        self.errors: list[str] = []
        self._out = threading.Thread(target=self._read, daemon=True)
        self._err = threading.Thread(target=self._read_err, daemon=True)
        self._out.start()
        self._err.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            with contextlib.suppress(ValueError):
                self.lines.put(json.loads(line))

    def _read_err(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.errors.append(line.rstrip())

    def expect(self, key: str, value: Any = None, timeout: float = TIMEOUT_S) -> dict[str, Any]:
        """The next line having ``key`` (equal to ``value`` when given); earlier lines are skipped."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or (self.proc.poll() is not None and self.lines.empty()):
                raise AssertionError(f"no line with {key}={value!r}; stderr: {self.errors[-15:]}")
            try:
                line = self.lines.get(timeout=min(left, 0.5))
            except queue.Empty:
                continue
            if key in line and (value is None or line[key] == value):
                return line

    def send(self, text: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(text + "\n")
        self.proc.stdin.flush()

    def close_input(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            if self.proc.stdin is not None:
                self.proc.stdin.close()  # our child processes quit at the end of their input

    def stop(self) -> None:
        self.close_input()
        first = (lambda: None) if self.quits_on_eof else self.proc.terminate
        for action in (first, self.proc.terminate, self.proc.kill):
            action()
            try:
                self.proc.wait(3)
                break
            except subprocess.TimeoutExpired:
                continue
        self._out.join(2)
        self._err.join(2)
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()


CLIENT = textwrap.dedent('''
    """A separate X client: one QLineEdit whose text is selected; reports every change."""
    import json, sys
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QClipboard
    from PySide6.QtWidgets import QApplication, QLineEdit

    app = QApplication(sys.argv[:1])
    edit = QLineEdit()
    edit.setWindowTitle("quick-test-client")
    edit.setText(sys.argv[1])
    edit.resize(420, 40)
    edit.move(40, 40)
    edit.textChanged.connect(lambda t: print(json.dumps({"text": t}), flush=True))

    def ready():
        edit.activateWindow()
        edit.setFocus()
        edit.selectAll()
        if sys.argv[2] == "primary":  # what a mouse selection does on X11
            app.clipboard().setText(edit.selectedText(), QClipboard.Mode.Selection)
        print(json.dumps({"ready": int(edit.winId())}), flush=True)

    edit.show()
    QTimer.singleShot(200, ready)
    QTimer.singleShot(60000, app.quit)
    import threading
    threading.Thread(target=lambda: (sys.stdin.read(), QTimer.singleShot(0, app.quit)), daemon=True).start()
    app.exec()
''')

UPPER_TEMPLATE = textwrap.dedent("""\
    ---
    id: quick.upper
    name: {zh: 大写, en: Upper case}
    description: {zh: 全部大写, en: Upper-case the text}
    category: quick
    tags: [rewrite]
    output: replace
    favourite: true
    hotkey: ctrl+alt+u
    inputs:
      text: {type: text, source: selection}
    ---
    user:
    {{ text }}
    """)


def _env(display: str, home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(DISPLAY=display, QT_QPA_PLATFORM="xcb", DESK_COPILOT_HOME=str(home),
               PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring", PYTHONPATH=str(ROOT),
               QT_LOGGING_RULES="qt.qpa.*=false", LANG="C.UTF-8")
    env.pop("WAYLAND_DISPLAY", None)
    env.pop("XDG_SESSION_TYPE", None)
    return env


def _run(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    return subprocess.run(list(args), env=env, input=stdin, capture_output=True, text=True,
                          timeout=TIMEOUT_S).stdout


def _wait_for(predicate: Any, what: str, timeout: float = TIMEOUT_S) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def _quick_focused(env: dict[str, str]) -> str:
    """Wait until the quick window is visible AND has the keyboard focus (Qt focuses it once it is
    exposed, a moment after it is mapped); keys typed before that would go elsewhere."""
    def focused() -> str:
        visible = _run(env, "xdotool", "search", "--onlyvisible", "--name", TITLE).split()
        focus = _run(env, "xdotool", "getwindowfocus").strip()
        return focus if focus in visible else ""

    return str(_wait_for(focused, "the quick window to have the focus"))


def _own_clipboard(env: dict[str, str], text: str, target: str) -> subprocess.Popen[bytes]:
    """xclip owns CLIPBOARD (in the foreground: -quiet) until someone else takes it."""
    proc = subprocess.Popen(["xclip", "-quiet", "-selection", "clipboard", "-t", target, "-i"], env=env,
                            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert proc.stdin is not None
    proc.stdin.write(text.encode())
    proc.stdin.close()
    _wait_for(lambda: _run(env, "xclip", "-o", "-selection", "clipboard", "-t", target) == text,
              "xclip to own the clipboard")
    return proc


@pytest.fixture
def x_env(xvfb: Xvfb, isolated_home: Path, fake_server: Any) -> Iterator[dict[str, str]]:
    from copilot.prompts import user_prompts_dir
    from tests.conftest import add_fake_profile
    from tests.fake_openai_server import last_user_text

    add_fake_profile(fake_server)
    fake_server.set_default(lambda req: last_user_text(req).upper())
    (user_prompts_dir() / "quick.upper.md").write_text(UPPER_TEMPLATE, encoding="utf-8")
    yield _env(xvfb.display, isolated_home)


@pytest.fixture
def procs() -> Iterator[list[Any]]:
    started: list[Any] = []
    yield started
    for proc in started:  # all at once: they exit in parallel
        if isinstance(proc, Proc):
            proc.close_input()
    for proc in reversed(started):
        if isinstance(proc, Proc):
            proc.stop()
        else:
            proc.terminate()
            proc.wait(5)


def _start_app(env: dict[str, str], procs: list[Any]) -> Proc:
    app = Proc([sys.executable, "-m", "ui.quick", "--profile", "fake"], env)
    procs.append(app)
    ready = app.expect("ready")
    assert ready["backend"] == "x11"
    assert ready["problems"] == []
    return app


def _start_client(env: dict[str, str], procs: list[Any], text: str, mode: str) -> Proc:
    client = Proc([sys.executable, "-c", CLIENT, text, mode], env)
    procs.append(client)
    window = client.expect("ready")["ready"]
    _wait_for(lambda: _run(env, "xdotool", "getwindowfocus").strip() == str(window), "the client's focus")
    return client


def test_hotkey_opens_window_and_replace_pastes_and_restores_clipboard(x_env: dict[str, str], procs: list[Any],
                                                                          qapp: Any) -> None:
    env = x_env
    procs.append(_own_clipboard(env, "<b>the user's clipboard</b>", "text/html"))
    app = _start_app(env, procs)
    client = _start_client(env, procs, "make this louder", "primary")

    subprocess.run(["xdotool", "key", "ctrl+alt+space"], env=env, check=True, timeout=TIMEOUT_S)
    shown = app.expect("state", "shown")
    assert shown["source"] == "make this louder"  # the PRIMARY selection of the other client
    found = _wait_for(lambda: _run(env, "xdotool", "search", "--onlyvisible", "--name", TITLE).split(),
                      "the quick window")
    assert len(found) == 1
    assert _quick_focused(env) == found[0]

    # Keyboard only: filter, Enter runs, the result is a rewrite so Enter replaces.
    subprocess.run(["xdotool", "type", "--delay", "5", "upper"], env=env, check=True, timeout=TIMEOUT_S)
    subprocess.run(["xdotool", "key", "Return"], env=env, check=True, timeout=TIMEOUT_S)
    assert app.expect("state", "result")["result"] == "MAKE THIS LOUDER"
    subprocess.run(["xdotool", "key", "Return"], env=env, check=True, timeout=TIMEOUT_S)
    app.expect("state", "replaced")
    assert client.expect("text", "MAKE THIS LOUDER")["text"] == "MAKE THIS LOUDER"

    # The clipboard is what it was, in its original format.
    assert _run(env, "xclip", "-o", "-selection", "clipboard", "-t", "text/html") == "<b>the user's clipboard</b>"
    targets = _run(env, "xclip", "-o", "-selection", "clipboard", "-t", "TARGETS").split()
    assert "text/html" in targets
    assert not _run(env, "xdotool", "search", "--onlyvisible", "--name", TITLE).split()

    # The template's own hotkey (front matter `hotkey: ctrl+alt+u`) runs it directly on the selection.
    subprocess.run(["xdotool", "key", "ctrl+alt+u"], env=env, check=True, timeout=TIMEOUT_S)
    assert app.expect("state", "shown")["source"] == "make this louder"  # the client still owns PRIMARY
    assert app.expect("state", "result")["result"] == "MAKE THIS LOUDER"
    _quick_focused(env)
    subprocess.run(["xdotool", "key", "Escape"], env=env, check=True, timeout=TIMEOUT_S)
    app.expect("state", "closed")

    # Another program asking for the same chords gets one-line conflicts (BadAccess from the server).
    from ui.hotkeys.x11 import X11Backend

    second = X11Backend(display_name=env["DISPLAY"])
    try:
        problems = second.register_all({"quick": "Ctrl+Alt+Space", "template:quick.upper": "ctrl+alt+u"})
    finally:
        second.close()
    assert problems == [
        "Ctrl+Alt+Space is already taken by another program — choose another shortcut in Settings → Hotkey",
        "Ctrl+Alt+U is already taken by another program — choose another shortcut in Settings → Hotkey"]


def test_copy_shortcut_capture_and_insert_below_restore_clipboard(x_env: dict[str, str],
                                                                         procs: list[Any]) -> None:
    env = x_env
    procs.append(_own_clipboard(env, "keep me", "UTF8_STRING"))
    # An empty PRIMARY owner: the capture must fall back to Ctrl+C in the focused client.
    primary = subprocess.Popen(["xclip", "-quiet", "-selection", "primary", "-i", "/dev/null"], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    procs.append(primary)
    app = _start_app(env, procs)
    client = _start_client(env, procs, "copied by the shortcut", "no-primary")

    subprocess.run(["xdotool", "key", "ctrl+alt+space"], env=env, check=True, timeout=TIMEOUT_S)
    assert app.expect("state", "shown")["source"] == "copied by the shortcut"
    assert _run(env, "xclip", "-o", "-selection", "clipboard") == "keep me"
    _quick_focused(env)

    # Insert below (Tab, Tab from the default Replace): the selection stays, the result follows it.
    subprocess.run(["xdotool", "type", "--delay", "5", "upper"], env=env, check=True, timeout=TIMEOUT_S)
    subprocess.run(["xdotool", "key", "Return"], env=env, check=True, timeout=TIMEOUT_S)
    app.expect("state", "result")
    subprocess.run(["xdotool", "key", "Tab", "Tab", "Return"], env=env, check=True, timeout=TIMEOUT_S)
    app.expect("state", "inserted")
    client.expect("text", "copied by the shortcutCOPIED BY THE SHORTCUT")  # a one-line edit has no "below"
    assert _run(env, "xclip", "-o", "-selection", "clipboard") == "keep me"


def test_real_app_hotkey_and_quick_command(x_env: dict[str, str], procs: list[Any], fake_profile: str,
                                           fake_server: Any) -> None:
    """The whole app (``desk-copilot``): the tray plug-in is loaded, the hotkey works, and
    ``desk-copilot quick --template ID`` from another process opens the quick window and runs it."""
    from copilot.settings import load_settings, save_settings

    env = x_env
    settings = load_settings()
    settings.workspace_profiles["quick"] = fake_profile
    save_settings(settings)
    procs.append(_own_primary(env, "from another program"))
    app = Proc([sys.executable, "-m", "ui.launcher"], env, quits_on_eof=False)
    procs.append(app)
    _wait_for(lambda: _run(env, "xdotool", "search", "--onlyvisible", "--name", "^Desk Copilot").split(),
              "the main window", timeout=60)

    def quick_visible() -> list[str]:
        return _run(env, "xdotool", "search", "--onlyvisible", "--name", TITLE).split()

    def press_and_look() -> list[str]:
        # The hotkey is grabbed right after the main window appears; press until the window answers.
        subprocess.run(["xdotool", "key", "ctrl+alt+space"], env=env, check=True, timeout=TIMEOUT_S)
        return _wait_quietly(quick_visible, 2.0)

    _wait_for(press_and_look, "the quick window (hotkey)")
    _quick_focused(env)
    subprocess.run(["xdotool", "key", "Escape"], env=env, check=True, timeout=TIMEOUT_S)
    _wait_for(lambda: not quick_visible(), "the quick window to close")

    done = subprocess.run([sys.executable, "-m", "ui.launcher", "quick", "--template", "quick.upper"], env=env,
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    _wait_for(quick_visible, "the quick window (desk-copilot quick)")
    _wait_for(lambda: any(c.is_chat and "from another program" in json.dumps(c.json) for c in fake_server.calls),
              "the model call with the captured selection")


def _wait_quietly(predicate: Any, timeout: float) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    return None


def _own_primary(env: dict[str, str], text: str) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(["xclip", "-quiet", "-selection", "primary", "-i"], env=env, stdin=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert proc.stdin is not None
    proc.stdin.write(text.encode())
    proc.stdin.close()
    _wait_for(lambda: _run(env, "xclip", "-o", "-selection", "primary") == text, "xclip to own PRIMARY")
    return proc
