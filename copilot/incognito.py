"""Incognito runs: while one is active in this process, nothing about it reaches the disk.

The history records nothing (``copilot.history.record``), tasks skip their on-disk caches (the
polish chunk cache), and the log file drops records instead of writing them (``IncognitoFilter``):
file names and error text say too much about a document the user wanted kept off the record.
Process-wide on purpose: a run's work spreads over worker threads and child processes, and a log
line missed in a quiet moment costs less than one leaked.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterator

__all__ = ["IncognitoFilter", "active", "run"]

_lock = threading.Lock()
_count = 0


def active() -> bool:
    return _count > 0


@contextlib.contextmanager
def run(enabled: bool = True) -> Iterator[None]:
    """Make the enclosed work incognito (a no-op when ``enabled`` is false)."""
    global _count
    if not enabled:
        yield
        return
    with _lock:
        _count += 1
    try:
        yield
    finally:
        with _lock:
            _count -= 1


class IncognitoFilter(logging.Filter):
    """Drops every record while an incognito run is active."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not active()
