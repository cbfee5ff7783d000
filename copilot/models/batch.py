"""Batch calls with the profile's concurrency: the one place batch jobs get their parallelism."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar, cast

from copilot.cancel import CancelToken
from copilot.models.base import Provider

__all__ = ["bounded_map"]

T = TypeVar("T")
R = TypeVar("R")


def bounded_map(provider: Provider, items: Iterable[T], fn: Callable[[T], R],
                cancel: CancelToken | None = None,
                concurrency: int | None = None) -> Iterator[tuple[int, R | Exception]]:
    """Run ``fn`` over ``items`` with at most ``provider.concurrency`` (or ``concurrency``) at once.

    Yields ``(index, result_or_exception)`` as calls finish, so a failed item never stops the
    others. On cancel, pending items are dropped and running ones see the token; the generator
    then raises Cancelled.

    Each worker takes its next item itself the moment a call returns: the consumer may spend a
    while on each result (polish diffs and applies replies as they arrive), and a request must
    not wait for it to come back round to hand out work.
    """
    cancel = cancel or CancelToken()
    workers = max(1, min(concurrency or provider.concurrency, provider.concurrency))
    work = list(items)
    if not work:
        return
    # (index, result or exception) per call; None when a worker has taken its last item.
    results: queue.SimpleQueue[tuple[int, object] | None] = queue.SimpleQueue()
    upcoming = iter(enumerate(work))
    taking = threading.Lock()
    closed = threading.Event()  # the consumer is gone: take nothing more

    def take() -> tuple[int, T] | None:
        with taking:
            if closed.is_set() or cancel.is_cancelled:
                return None
            return next(upcoming, None)

    def run() -> None:
        try:
            while (job := take()) is not None:
                index, item = job
                try:
                    outcome: object = fn(item)
                except BaseException as exc:  # noqa: BLE001 - handed to the consumer, never lost
                    outcome = exc
                results.put((index, outcome))
        finally:
            results.put(None)

    threads = [threading.Thread(target=run, name=f"model-{provider.name}-{n}", daemon=True)
               for n in range(min(workers, len(work)))]
    for thread in threads:
        thread.start()
    try:
        running = len(threads)
        while running:
            try:
                message = results.get(timeout=0.2)
            except queue.Empty:
                continue
            if message is None:
                running -= 1
                continue
            index, outcome = message
            if isinstance(outcome, BaseException) and not isinstance(outcome, Exception):
                raise outcome  # KeyboardInterrupt, SystemExit: not an item's failure
            yield index, cast("R | Exception", outcome)
        cancel.raise_if_cancelled()
    finally:
        closed.set()
        for thread in threads:
            thread.join()
