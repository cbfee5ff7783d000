"""Qt test setup: offscreen platform, and a guard that fails tests leaving threads or windows alive."""

from __future__ import annotations

import os

# Must happen before anything imports Qt: every UI test runs without a display.
os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("PySide6.QtWidgets")
import ui.qtcompat  # noqa: F401 - PySide6 6.12 on Python 3.11: see the module docstring

_JOIN_S = 2.0


def _threads() -> set[threading.Thread]:
    # Dummy threads are foreign (Qt pool) threads Python saw once; they can't be joined and
    # linger in threading's table forever, so they are checked through the runners instead.
    return {t for t in threading.enumerate() if not isinstance(t, threading._DummyThread)}  # type: ignore[attr-defined]


def _join(thread: threading.Thread, deadline: float) -> None:
    # threading.enumerate() also lists threads still starting (in start(), before their
    # "started" event is set), and join() refuses those: wait for the start first.
    started = thread._started  # type: ignore[attr-defined]
    if not started.wait(max(0.0, deadline - time.monotonic())):
        return
    thread.join(max(0.0, deadline - time.monotonic()))


def _visible_windows() -> list[object]:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        return []
    app.processEvents()
    return [w for w in QApplication.topLevelWidgets() if w.isVisible()]


@pytest.fixture(autouse=True)
def no_leaks(qapp: object) -> Iterator[None]:
    """Fail a test that leaves extra threads, busy runners or visible top-level windows."""
    from ui.runner import live_runners

    before = _threads()
    windows_before = set(map(id, _visible_windows()))
    yield
    problems: list[str] = []
    deadline = time.monotonic() + _JOIN_S
    for thread in _threads() - before:
        _join(thread, deadline)
    extra = [t.name for t in _threads() - before if t.is_alive()]
    if extra:
        problems.append(f"threads left running: {extra}")
    busy = [r for r in live_runners() if r.active_workers()]
    while busy and time.monotonic() < deadline:
        time.sleep(0.02)
        busy = [r for r in busy if r.active_workers()]
    if busy:
        for runner in busy:
            runner.shutdown(2000)  # so the leak does not also hang the session at exit
        problems.append(f"{len(busy)} Runner(s) still running jobs — call runner.shutdown()")
    windows = [w for w in _visible_windows() if id(w) not in windows_before]
    if windows:
        names = [f"{type(w).__name__}({w.windowTitle()!r})" for w in windows]  # type: ignore[attr-defined]
        for w in windows:
            w.close()  # type: ignore[attr-defined]
        problems.append(f"top-level windows left open: {names}")
    if problems:
        pytest.fail("; ".join(problems))


def make_docx(path: Path, paragraphs: list[str]) -> Path:
    """A real .docx with one paragraph per text (python-docx), for tests."""
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    document.save(str(path))
    return path


@pytest.fixture
def desk(qapp: object, fake_profile: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """The app object (no tray plug-in), with the fake server's profile as the default profile."""
    import ui.app
    from copilot.settings import load_settings, save_settings

    settings = load_settings()
    settings.default_profile = fake_profile
    settings.language = "en"
    save_settings(settings)
    monkeypatch.setattr(ui.app, "_PLUGIN_MODULES", ())
    app = ui.app.build_app(qapp)  # type: ignore[arg-type]
    yield app
    if app.window is not None:
        for ws in app.window.workspaces.values():
            ws.cancel()
        app.window._busy.clear()
        app.window.close()
        app.window.deleteLater()
    app.shutdown()
    from ui.i18n import install_language

    install_language("en")


@pytest.fixture
def window(desk: object) -> object:
    return desk.show_main_window()  # type: ignore[attr-defined]
