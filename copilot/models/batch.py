"""Batch calls with the profile's concurrency: the one place batch jobs get their parallelism."""

from __future__ import annotations

import concurrent.futures as cf
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

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
    """
    cancel = cancel or CancelToken()
    workers = max(1, min(concurrency or provider.concurrency, provider.concurrency))
    work = list(items)
    if not work:
        return
    pool = cf.ThreadPoolExecutor(max_workers=workers, thread_name_prefix=f"model-{provider.name}")
    try:
        pending: dict[cf.Future[R], int] = {}
        queue = iter(enumerate(work))

        def submit_next() -> bool:
            if cancel.is_cancelled:
                return False
            try:
                index, item = next(queue)
            except StopIteration:
                return False
            pending[pool.submit(fn, item)] = index
            return True

        for _ in range(workers):
            if not submit_next():
                break
        while pending:
            done, _ = cf.wait(pending, timeout=0.2, return_when=cf.FIRST_COMPLETED)
            for future in done:
                index = pending.pop(future)
                exc = future.exception()
                yield index, (exc if isinstance(exc, Exception) else future.result())
                submit_next()
            if cancel.is_cancelled and not done:
                for future in pending:
                    future.cancel()
        cancel.raise_if_cancelled()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
