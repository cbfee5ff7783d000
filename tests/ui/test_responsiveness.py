"""The event loop keeps ticking while a 1,000-paragraph polish runs against the fake server.

A 10 ms QTimer heartbeat records the gaps between ticks from Run until the review is on screen.
Every fake-server request takes 0.5 s, so a single model call made on the GUI thread would show as
a gap of at least that: the test fails on any gap of 0.45 s or more. The issue's 50 ms figure is a
timing goal: the worst gap is printed and recorded in benchmarks/RESULTS.md, not asserted, because
timings on a shared machine are not test verdicts.
"""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QTimer

from tests.test_polish_fakes import model
from tests.ui.conftest import make_docx

GOAL_S = 0.050
BLOCKED_S = 0.45  # below the fake server's 0.5 s latency: a GUI-thread model call cannot hide


def _texts(n: int) -> list[str]:
    return [f"Paragraph {i}: please check the draft and send your comments to the team." for i in range(n)]


def test_event_loop_never_stalls_during_1000_paragraph_polish(window: object, qtbot: object,
                                                              fake_server: object, tmp_path: Path) -> None:
    fake_server.set_default(model(lambda t: t.replace("please check", "kindly review")))  # type: ignore[attr-defined]
    fake_server.latency = 0.5  # type: ignore[attr-defined]
    src = make_docx(tmp_path / "big.docx", _texts(1000))
    assert window.open_path(src)  # type: ignore[attr-defined]
    ws = window.workspaces["word"]  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: len(ws.paragraphs) == 1000, timeout=30000)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: ws.template_combo.count() > 0, timeout=30000)  # type: ignore[attr-defined]

    gaps: list[float] = []
    last = [time.perf_counter()]

    t0 = [0.0]
    marks: list[tuple[float, float]] = []

    def beat() -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
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
    assert worst < BLOCKED_S, f"the GUI thread was blocked for {worst * 1000:.0f} ms"
