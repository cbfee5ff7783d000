"""Startup time of the bundle vs running from source: median of N runs each, printed as a Markdown table.

    python packaging/startup.py [--runs 5] [--bundle dist/desk-copilot/desk-copilot]

Two measures, each for both launchers (source = ``python -m ui.launcher`` in this checkout):
  * CLI:    ``desk-copilot --version`` until it exits.
  * window: ``desk-copilot app`` under a private Xvfb until a visible window named "Desk Copilot" exists
            (polled with xdotool every 50 ms), then the app is terminated.
Runs alternate source/bundle so machine load drifts hit both alike. Each run gets a fresh
DESK_COPILOT_HOME (first-launch path, no shared single-instance socket).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _env(home: str, display: str | None) -> dict[str, str]:
    env = dict(os.environ)
    env["DESK_COPILOT_HOME"] = home
    if display:
        env["DISPLAY"] = display
        env["QT_QPA_PLATFORM"] = "xcb"
    return env


def _time_cli(cmd: list[str]) -> float:
    with tempfile.TemporaryDirectory() as home:
        start = time.perf_counter()
        subprocess.run([*cmd, "--version"], env=_env(home, None), check=True, capture_output=True, timeout=300)
        return time.perf_counter() - start


def _time_window(cmd: list[str], display: str) -> float:
    with tempfile.TemporaryDirectory() as home:
        start = time.perf_counter()
        log = Path(home) / "app.log"
        with log.open("wb") as sink:
            proc = subprocess.Popen([*cmd, "app"], env=_env(home, display), stdout=sink, stderr=sink, cwd=home)
        try:
            while time.perf_counter() - start < 300:
                found = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", "Desk Copilot"],
                                       env={**os.environ, "DISPLAY": display}, capture_output=True, text=True)
                if found.stdout.strip():
                    return time.perf_counter() - start
                if proc.poll() is not None:
                    tail = log.read_text(errors="replace")[-2000:]
                    raise RuntimeError(f"{cmd} app exited ({proc.returncode}) before showing a window:\n{tail}")
                time.sleep(0.05)
            raise RuntimeError(f"{cmd} app showed no window in 300 s")
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--bundle", type=Path, default=ROOT / "dist" / "desk-copilot" / "desk-copilot")
    parser.add_argument("--no-window", action="store_true", help="skip the Xvfb window measure")
    args = parser.parse_args()
    if not args.bundle.is_file():
        sys.stderr.write(f"startup.py: no bundle at {args.bundle} — run packaging/build.sh first\n")
        return 1
    launchers = {"source": [sys.executable, "-m", "ui.launcher"], "bundle": [str(args.bundle)]}
    os.chdir(ROOT)  # `python -m ui.launcher` imports this checkout
    results: dict[tuple[str, str], list[float]] = {}
    for _ in range(args.runs):
        for name, cmd in launchers.items():
            results.setdefault(("CLI --version", name), []).append(_time_cli(cmd))
    if not args.no_window and shutil.which("Xvfb") and shutil.which("xdotool"):
        sys.path.insert(0, str(ROOT))
        from tools.xvfb import start_xvfb, stop_xvfb

        xvfb, display = start_xvfb()
        try:
            for _ in range(args.runs):
                for name, cmd in launchers.items():
                    results.setdefault(("app window shown", name), []).append(_time_window(cmd, display))
        finally:
            stop_xvfb(xvfb)
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; median of {args.runs}")
    print("| measure | source (s) | bundle (s) | bundle / source |")
    print("|---|---|---|---|")
    for measure in dict.fromkeys(m for m, _ in results):
        src = statistics.median(results[(measure, "source")])
        bun = statistics.median(results[(measure, "bundle")])
        print(f"| {measure} | {src:.2f} | {bun:.2f} | {bun / src:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
