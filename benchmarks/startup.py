"""Cold start of the desktop app to its first painted main window, against a minimal PySide6 window.

Both are measured in the same run, alternating, under Xvfb (started here unless DISPLAY is set):
a fresh Python process each time, timed from spawn until an event filter on its main window
sees the window's first Paint event, with bytecode cached as in an installed app (a private
PYTHONPYCACHEPREFIX, warmed by one untimed run of each). Prints the medians of 5 and the ratio
(goal <= 1.3).

    python benchmarks/startup.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# The filter sits on the main window only: an application-wide Python event filter would run for
# every event of every object, which costs the app (many widgets, actions, menus) far more than
# the minimal window and would measure the probe rather than the start-up.
_FILTER = r"""
import os, sys
from PySide6.QtCore import QObject, QEvent
class _FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            sys.stdout.write("PAINTED\n"); sys.stdout.flush(); os._exit(0)
        return False
"""

MINIMAL = _FILTER + r"""
from PySide6.QtWidgets import QApplication, QMainWindow, QLabel
app = QApplication(sys.argv[:1])
f = _FirstPaint()
w = QMainWindow(); w.setObjectName("MainWindow"); w.setWindowTitle("Minimal")
w.installEventFilter(f)
w.setCentralWidget(QLabel("hello")); w.resize(1180, 760); w.show()
app.exec()
"""

APP = _FILTER + r"""
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
f = _FirstPaint()
import ui.main_window  # imported by run_app anyway; here so its window gets the filter as it is built
_init = ui.main_window.MainWindow.__init__
def _init_with_probe(self, *args, **kwargs):
    _init(self, *args, **kwargs)
    self.installEventFilter(f)
ui.main_window.MainWindow.__init__ = _init_with_probe
from ui.app import run_app
sys.exit(run_app([]))
"""


def _start_xvfb() -> tuple[subprocess.Popen[bytes] | None, str]:
    if os.environ.get("DISPLAY"):
        return None, os.environ["DISPLAY"]
    if shutil.which("Xvfb") is None:
        raise SystemExit("Xvfb is needed (apt-get install xvfb) or set DISPLAY")
    sys.path.insert(0, str(ROOT))
    from tools.xvfb import start_xvfb

    return start_xvfb()


def _time_once(code: str, display: str, pycache: str) -> float:
    home = tempfile.mkdtemp(prefix="startup-bench-")
    env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb", "DESK_COPILOT_HOME": home,
           "PYTHONPATH": str(ROOT), "PYTHONPYCACHEPREFIX": pycache}
    # An installed app runs from compiled bytecode (pip and PyInstaller compile at install/build);
    # a shell with PYTHONDONTWRITEBYTECODE would make every run recompile our modules from source.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=str(ROOT), env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    elapsed = time.perf_counter() - start
    proc.kill()
    _, err = proc.communicate()
    shutil.rmtree(home, ignore_errors=True)
    if line.strip() != "PAINTED":
        raise SystemExit(f"the window never painted: {err[-2000:]}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    xvfb, display = _start_xvfb()
    pycache = tempfile.mkdtemp(prefix="startup-bench-pycache-")
    try:
        # Warm the OS file cache and write the bytecode for both: "cold" = a new process.
        _time_once(MINIMAL, display, pycache)
        _time_once(APP, display, pycache)
        minimal: list[float] = []
        app: list[float] = []
        for _ in range(args.runs):
            minimal.append(_time_once(MINIMAL, display, pycache))
            app.append(_time_once(APP, display, pycache))
    finally:
        shutil.rmtree(pycache, ignore_errors=True)
        if xvfb is not None:
            from tools.xvfb import stop_xvfb

            stop_xvfb(xvfb)
    m_min, m_app = statistics.median(minimal), statistics.median(app)
    print(f"minimal PySide6 window: median {m_min * 1000:.0f} ms  ({', '.join(f'{t * 1000:.0f}' for t in minimal)})")
    print(f"Desk Copilot main window: median {m_app * 1000:.0f} ms  ({', '.join(f'{t * 1000:.0f}' for t in app)})")
    print(f"ratio app/minimal: {m_app / m_min:.2f}  (goal <= 1.3)")
    print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPU(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
