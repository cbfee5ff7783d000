"""The shared timer thread: deadlines run once, cancelled ones never, and no thread outlives them."""

from __future__ import annotations

import threading
import time

from copilot.timers import call_later


def _timer_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "desk-copilot-timers"]


def _wait_until_idle() -> None:
    deadline = time.monotonic() + 5
    while _timer_threads() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not _timer_threads(), "the timer thread must exit when nothing is pending"


def test_calls_run_in_deadline_order_on_one_thread() -> None:
    ran: list[tuple[str, str]] = []
    done = threading.Event()

    def note(name: str) -> None:
        ran.append((name, threading.current_thread().name))
        if len(ran) == 3:
            done.set()

    call_later(0.15, note, "late")
    call_later(0.0, note, "now")
    call_later(0.05, note, "soon")
    assert done.wait(5)
    assert [name for name, _ in ran] == ["now", "soon", "late"]
    assert {thread for _, thread in ran} == {"desk-copilot-timers"}
    _wait_until_idle()


def test_a_cancelled_call_never_runs_and_frees_the_thread() -> None:
    ran = threading.Event()
    timer = call_later(30.0, ran.set)  # far off: only cancel() can let the thread go
    assert _timer_threads()
    timer.cancel()
    timer.cancel()  # twice is harmless
    _wait_until_idle()
    assert not ran.is_set()


def test_cancel_after_it_ran_is_a_no_op_and_a_failing_callback_stops_nothing() -> None:
    later = threading.Event()

    def boom() -> None:
        raise RuntimeError("callback failed")

    first = call_later(0.0, boom)
    call_later(0.05, later.set)
    assert later.wait(5), "a failing callback must not stop the calls after it"
    first.cancel()
    _wait_until_idle()


def test_many_threads_arming_and_cancelling_at_once() -> None:
    fired: list[int] = []
    lock = threading.Lock()

    def arm(n: int) -> None:
        for i in range(50):
            keep = call_later(0.0 if i % 2 else 60.0, lambda k=n * 100 + i: _add(k))
            if not i % 2:
                keep.cancel()

    def _add(k: int) -> None:
        with lock:
            fired.append(k)

    workers = [threading.Thread(target=arm, args=(n,)) for n in range(8)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    _wait_until_idle()
    assert sorted(fired) == sorted(n * 100 + i for n in range(8) for i in range(50) if i % 2)
