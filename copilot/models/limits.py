"""Per-profile concurrency: the one place that bounds how many calls run at once."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

__all__ = ["slot"]

_lock = threading.Lock()
_semaphores: dict[tuple[str, int], threading.BoundedSemaphore] = {}


@contextlib.contextmanager
def slot(profile: str, limit: int) -> Iterator[None]:
    """Hold one of ``limit`` slots for ``profile`` while a call runs."""
    with _lock:
        sem = _semaphores.setdefault((profile, limit), threading.BoundedSemaphore(limit))
    with sem:
        yield
