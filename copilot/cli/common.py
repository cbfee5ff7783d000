"""What every command shares: the --profile flag, output helpers and the event-driving loop."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import time
from collections.abc import Generator, Iterator
from types import FrameType
from typing import Any, TextIO

from copilot.cancel import CancelToken
from copilot.errors import CopilotError
from copilot.events import Delta, Done, Event, Notice, Progress, Started

__all__ = ["add_profile_arg", "drive", "emit_json", "err", "out", "sigint_cancels"]


def add_profile_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--profile", "-p", metavar="NAME",
                        help="model profile to use (default: the one set with 'profiles use')")
    parser.add_argument("--incognito", action="store_true",
                        help="keep this run out of the history, the log file and every cache on disk")


def out(text: str, stream: TextIO | None = None) -> None:
    stream = stream or sys.stdout
    stream.write(text if text.endswith("\n") else text + "\n")
    stream.flush()


def err(text: str) -> None:
    out(text, sys.stderr)


def emit_json(data: Any) -> None:
    out(json.dumps(data, ensure_ascii=False, indent=2, default=str))


class sigint_cancels:
    """First Ctrl-C cancels ``token`` (the task winds down and keeps what is done); a second one
    interrupts at once. Only on the main thread; elsewhere (tests, the app) it does nothing."""

    def __init__(self, token: CancelToken) -> None:
        self.token = token
        self._previous: Any = None
        self._active = False

    def _handler(self, signum: int, frame: FrameType | None) -> None:
        if self.token.is_cancelled:
            raise KeyboardInterrupt
        self.token.cancel()

    def __enter__(self) -> CancelToken:
        import threading

        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._handler)
            self._active = True
        return self.token

    def __exit__(self, *exc: object) -> None:
        if self._active:
            signal.signal(signal.SIGINT, self._previous)


def _fmt_eta(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 60}:{seconds % 60:02d}"


class _ProgressLine:
    """One line on stderr: rewritten in place on a terminal, a line per ~10 % otherwise."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.start = time.monotonic()
        self.tty = sys.stderr.isatty()
        self.last_decile = -1
        self.shown = False

    def update(self, event: Progress) -> None:
        total = event.total or 0
        elapsed = time.monotonic() - self.start
        eta = ""
        if total and event.done:
            eta = f", ETA {_fmt_eta(elapsed / event.done * (total - event.done))}"
        count = f"{event.done}/{total}" if total else f"{event.done}"
        line = f"{self.label}: {count}{eta}{' — ' + event.message if event.message else ''}"
        if self.tty:
            sys.stderr.write("\r\x1b[2K" + line)
            sys.stderr.flush()
            self.shown = True
        else:
            decile = int(10 * event.done / total) if total else event.done
            if decile != self.last_decile:
                self.last_decile = decile
                err(line)

    def close(self) -> None:
        if self.tty and self.shown:
            sys.stderr.write("\n")
            sys.stderr.flush()


def drive(events: Iterator[Event] | Generator[Event, None, None], *, stream_deltas: bool = True,
          show_progress: bool = True) -> Any:
    """Iterate a task's events for the terminal and return the ``Done`` result."""
    progress: _ProgressLine | None = None
    wrote_delta = False
    result: Any = None
    try:
        for event in events:
            if isinstance(event, Started):
                progress = _ProgressLine(event.task) if show_progress else None
            elif isinstance(event, Progress):
                if progress is not None:
                    progress.update(event)
            elif isinstance(event, Delta):
                if stream_deltas:
                    sys.stdout.write(event.text)
                    sys.stdout.flush()
                    wrote_delta = True
            elif isinstance(event, Notice):
                if progress is not None and progress.tty and progress.shown:
                    sys.stderr.write("\r\x1b[2K")
                err(f"note: {event.message}")
            elif isinstance(event, Done):
                result = event.result
    finally:
        if progress is not None:
            progress.close()
        if wrote_delta:
            sys.stdout.write("\n")
            sys.stdout.flush()
    return result


def one_line(error: CopilotError) -> str:
    from copilot.logsetup import redact

    return redact(" ".join(str(error).split()))
