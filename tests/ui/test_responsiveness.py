"""The event loop keeps ticking while a 1,000-paragraph polish runs against the fake server.

A 10 ms QTimer heartbeat records the gaps between ticks from Run until the review is on screen.
Every fake-server request takes 0.5 s, so a single model call made on the GUI thread would show as
a gap of at least that: the test fails on any gap of 0.45 s or more. The issue's 50 ms figure is a
timing goal: the worst gap is printed and recorded in benchmarks/RESULTS.md, not asserted, because
timings on a shared machine are not test verdicts.

The fake server runs in a process of its own here, as a real server would: in the test process its
request handling would compete with the GUI thread for the GIL and measure the fixture, not the app.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer

from tests.conftest import add_fake_profile
from tests.ui.conftest import make_docx

GOAL_S = 0.050
BLOCKED_S = 0.45  # below the fake server's 0.5 s latency: a GUI-thread model call cannot hide


def _texts(n: int) -> list[str]:
    return [f"Paragraph {i}: please check the draft and send your comments to the team." for i in range(n)]


class _ServerProcess:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url


@pytest.fixture
def server_process() -> Iterator[_ServerProcess]:
    """tests/fake_openai_server.py in a child process: 0.5 s per request, "please check" →
    "kindly review" in every paragraph."""
    proc = subprocess.Popen([sys.executable, "-m", "tests.fake_openai_server", "--latency", "0.5",
                             "--default", "tests.test_polish_fakes:kindly"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                            cwd=Path(__file__).resolve().parents[2])
    assert proc.stdout is not None and proc.stdin is not None
    try:
        yield _ServerProcess(proc.stdout.readline().strip())
    finally:
        proc.stdin.close()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        proc.stdout.close()


def test_event_loop_never_stalls_during_1000_paragraph_polish(window: object, qtbot: object,
                                                              server_process: _ServerProcess,
                                                              tmp_path: Path) -> None:
    assert server_process.base_url.startswith("http://127.0.0.1:")
    add_fake_profile(server_process)  # the window's default profile "fake", now on that server
    src = make_docx(tmp_path / "big.docx", _texts(1000))
    assert window.open_path(src)  # type: ignore[attr-defined]
    ws = window.workspaces["word"]  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: len(ws.paragraphs) == 1000, timeout=30000)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: ws.template_combo.count() > 0, timeout=30000)  # type: ignore[attr-defined]
    # Measure the polish, not the document's first paint: a user sees the paragraphs (and PySide
    # has built the enum types the item views use, a one-time 70 ms) before pressing Run.
    qtbot.wait(300)  # type: ignore[attr-defined]

    gaps: list[float] = []
    at: list[float] = []
    last = [time.perf_counter()]

    t0 = [0.0]
    marks: list[tuple[float, float]] = []

    def beat() -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
        at.append(last[0] - t0[0])
        if now - last[0] > GOAL_S:
            marks.append((last[0] - t0[0], now - last[0]))
        last[0] = now

    heartbeat = QTimer()
    heartbeat.setInterval(10)
    heartbeat.timeout.connect(beat)
    heartbeat.start()
    last[0] = t0[0] = time.perf_counter()
    ws.run()
    qtbot.waitUntil(lambda: ws.result is not None, timeout=120000)  # type: ignore[attr-defined]
    qtbot.wait(200)  # the review table paints
    heartbeat.stop()

    assert ws.result.paragraphs == 1000 and ws.model.counts()["changed"] == 1000
    worst = max(gaps)
    print(f"\nheartbeat: {len(gaps)} ticks, worst gap {worst * 1000:.1f} ms, "
          f"ticks over the {GOAL_S * 1000:.0f} ms goal: {sum(g > GOAL_S for g in gaps)}")
    print("late ticks (at s, gap ms):", [(round(a, 2), round(g * 1000)) for a, g in marks],
          "done at", round(time.perf_counter() - t0[0], 2))
    print("longest gaps (at s, gap ms):",
          sorted(((round(a, 2), round(g * 1000)) for a, g in zip(at, gaps, strict=True)), key=lambda x: -x[1])[:5])
    assert worst < BLOCKED_S, f"the GUI thread was blocked for {worst * 1000:.0f} ms"
