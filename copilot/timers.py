"""Deadline callbacks on one shared thread, instead of a ``threading.Timer`` (a new OS thread) each.

Every model request arms a watchdog and every template render a time limit; at concurrency 8 a
thread per timer meant three thread start-ups per request, each one also a GIL hand-over. Here one
daemon thread sleeps until the earliest deadline and exits as soon as nothing is pending, so no
thread outlives the work that needed it. Callbacks run on that thread and must be quick (close a
socket, set a flag, raise in another thread).
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

__all__ = ["Timer", "call_later"]

log = logging.getLogger(__name__)

_lock = threading.Condition()
_heap: list[tuple[float, int, Timer]] = []
_order = itertools.count()
_running = False


class Timer:
    """A pending call; ``cancel()`` makes sure it does not run (a no-op once it has)."""

    __slots__ = ("_args", "_fn", "cancelled")

    def __init__(self, fn: Callable[..., object], args: tuple[Any, ...]) -> None:
        self._fn = fn
        self._args = args
        self.cancelled = False

    def cancel(self) -> None:
        with _lock:
            if self.cancelled:
                return
            self.cancelled = True
            # Drop it now, so an idle thread can exit instead of waiting for a dead deadline.
            _heap[:] = [entry for entry in _heap if entry[2] is not self]
            heapq.heapify(_heap)
            _lock.notify()


def call_later(delay: float, fn: Callable[..., object], *args: Any) -> Timer:
    """Run ``fn(*args)`` on the shared timer thread after ``delay`` seconds, unless cancelled."""
    global _running
    timer = Timer(fn, args)
    with _lock:
        heapq.heappush(_heap, (time.monotonic() + max(0.0, delay), next(_order), timer))
        if _running:
            _lock.notify()
        else:
            _running = True
            threading.Thread(target=_run, name="desk-copilot-timers", daemon=True).start()
    return timer


def _run() -> None:
    global _running
    while True:
        with _lock:
            while True:
                if not _heap:
                    _running = False
                    return
                when, _, timer = _heap[0]
                left = when - time.monotonic()
                if left <= 0:
                    heapq.heappop(_heap)
                    timer.cancelled = True  # ran: a later cancel() has nothing to do
                    break
                _lock.wait(left)
        try:
            timer._fn(*timer._args)
        except Exception:  # a failing callback must not stop the deadlines of everyone else
            log.exception("timer callback failed")
