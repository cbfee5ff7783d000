"""ui.runner: events on the GUI thread, replacement cancels, late results dropped, errors routed."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from copilot.cancel import CancelToken
from copilot.errors import ServerUnavailable
from copilot.events import Delta, Done, Event, Progress, Started
from ui.runner import JobFactory, Runner, runner_for_profile


@pytest.fixture
def runner(qapp: QApplication) -> Iterator[Runner]:
    r = Runner()
    yield r
    assert r.shutdown(5000)


def _counting(n: int, result: object = "ok") -> JobFactory:
    def factory(cancel: CancelToken) -> Iterator[Event]:
        yield Started("count", n)
        for i in range(n):
            cancel.raise_if_cancelled()
            yield Progress(i + 1, n)
        yield Done(result)

    return factory


def test_events_arrive_on_gui_thread_in_order(qtbot: QtBot, runner: Runner) -> None:
    seen: list[tuple[object, bool]] = []
    done: list[object] = []
    main = threading.get_ident()
    worker: list[int] = []

    def factory(cancel: CancelToken) -> Iterator[Event]:
        worker.append(threading.get_ident())
        yield Started("t", 3)
        for i in range(3):
            yield Progress(i + 1, 3)
        yield Delta("hi")
        yield Done(42)

    runner.start("ws", factory, on_event=lambda e: seen.append((e, threading.get_ident() == main)),
                 on_done=done.append)
    qtbot.waitUntil(lambda: bool(done), timeout=5000)
    assert done == [42]
    assert worker and worker[0] != main
    assert all(on_gui for _, on_gui in seen)
    assert [type(e).__name__ for e, _ in seen] == ["Started", "Progress", "Progress", "Progress", "Delta", "Done"]
    qtbot.waitUntil(lambda: runner.running() == [], timeout=5000)


def test_second_start_cancels_first_and_drops_its_results(qtbot: QtBot, runner: Runner) -> None:
    release = threading.Event()
    first_cancelled = threading.Event()
    first_events: list[object] = []
    first_done: list[object] = []
    first_errors: list[BaseException] = []

    def slow(cancel: CancelToken) -> Iterator[Event]:
        yield Started("slow", None)
        release.wait(5)
        if cancel.is_cancelled:
            first_cancelled.set()
        # Produce a "late" result even though we were cancelled: the runner must drop it.
        yield Delta("late")
        yield Done("late result")

    first = runner.start("ws", slow, on_event=first_events.append, on_done=first_done.append,
                         on_error=first_errors.append)
    qtbot.waitUntil(lambda: bool(first_events), timeout=5000)
    second_done: list[object] = []
    second = runner.start("ws", _counting(3, "second"), on_done=second_done.append)
    assert first.is_cancelled
    release.set()
    qtbot.waitUntil(lambda: bool(second_done) and not first.is_running, timeout=5000)
    qapp_process()
    assert first_cancelled.is_set()
    assert second_done == ["second"]
    assert [type(e).__name__ for e in first_events] == ["Started"]
    assert first_done == [] and first_errors == []
    assert not second.is_cancelled


def qapp_process() -> None:
    from PySide6.QtWidgets import QApplication

    for _ in range(5):
        QApplication.processEvents()


def test_errors_reach_on_error_on_gui_thread(qtbot: QtBot, runner: Runner) -> None:
    errors: list[tuple[BaseException, bool]] = []
    main = threading.get_ident()

    def failing(cancel: CancelToken) -> Iterator[Event]:
        yield Started("f", None)
        raise ServerUnavailable("Cannot reach http://127.0.0.1:1/v1 (profile \"x\") — start the server")

    runner.start("ws", failing, on_error=lambda e: errors.append((e, threading.get_ident() == main)),
                 on_done=lambda r: pytest.fail("on_done after an error"))
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    exc, on_gui = errors[0]
    assert isinstance(exc, ServerUnavailable) and on_gui


def test_factory_raising_goes_to_on_error(qtbot: QtBot, runner: Runner) -> None:
    errors: list[BaseException] = []

    def broken(cancel: CancelToken) -> Iterator[Event]:
        raise ValueError("boom")

    runner.start("ws", broken, on_error=errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    assert isinstance(errors[0], ValueError)


def test_cancel_drops_everything_and_unblocks_waiting_task(qtbot: QtBot, runner: Runner) -> None:
    events: list[object] = []
    done: list[object] = []

    def waiting(cancel: CancelToken) -> Iterator[Event]:
        yield Started("w", None)
        cancel.wait(10)
        cancel.raise_if_cancelled()
        yield Done("never")

    job = runner.start("ws", waiting, on_event=events.append, on_done=done.append,
                       on_error=lambda e: pytest.fail(f"cancelled job reported {e!r}"))
    qtbot.waitUntil(lambda: bool(events), timeout=5000)
    assert runner.running() == ["ws"]
    runner.cancel("ws")
    assert runner.running() == []
    assert job.wait(5)
    qapp_process()
    assert done == []


def test_different_keys_run_independently(qtbot: QtBot, runner: Runner) -> None:
    results: dict[str, object] = {}
    runner.start("a", _counting(5, "A"), on_done=lambda r: results.__setitem__("a", r))
    runner.start("b", _counting(5, "B"), on_done=lambda r: results.__setitem__("b", r))
    qtbot.waitUntil(lambda: len(results) == 2, timeout=5000)
    assert results == {"a": "A", "b": "B"}


def test_embedded_jobs_share_one_long_lived_serial_thread(qtbot: QtBot, runner: Runner) -> None:
    idents: list[int] = []
    active = [0]
    overlap = [False]
    lock = threading.Lock()
    done: list[object] = []

    def embedded_job(n: int) -> JobFactory:
        def factory(cancel: CancelToken) -> Iterator[Event]:
            with lock:
                active[0] += 1
                overlap[0] = overlap[0] or active[0] > 1
            idents.append(threading.get_ident())
            cancel.wait(0.05)
            with lock:
                active[0] -= 1
            yield Done(n)

        return factory

    for i in range(3):
        runner.start(f"k{i}", embedded_job(i), on_done=done.append, embedded=True)
    qtbot.waitUntil(lambda: len(done) == 3, timeout=5000)
    thread = runner.embedded_thread
    assert thread is not None and thread.is_alive()
    assert set(idents) == {thread.ident}
    assert not overlap[0]
    assert sorted(done) == [0, 1, 2]  # type: ignore[type-var]
    # A later embedded job reuses the same thread.
    runner.start("again", embedded_job(9), on_done=done.append, embedded=True)
    qtbot.waitUntil(lambda: len(done) == 4, timeout=5000)
    assert idents[-1] == thread.ident and runner.embedded_thread is thread


def test_many_events_do_not_flood_and_all_arrive(qtbot: QtBot, runner: Runner) -> None:
    n = 20000
    count = [0]
    done: list[object] = []

    def chatty(cancel: CancelToken) -> Iterator[Event]:
        for _ in range(n):
            yield Delta("x")
        yield Done(n)

    runner.start("ws", chatty, on_event=lambda e: count.__setitem__(0, count[0] + 1), on_done=done.append)
    qtbot.waitUntil(lambda: bool(done), timeout=10000)
    assert count[0] == n + 1 and done == [n]


def test_callback_exception_reaches_excepthook(qtbot: QtBot, runner: Runner,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    hooked: list[BaseException] = []
    monkeypatch.setattr(sys, "excepthook", lambda t, v, tb: hooked.append(v))
    done: list[object] = []

    def bad_callback(result: object) -> None:
        done.append(result)
        raise RuntimeError("callback bug")

    runner.start("ws", _counting(1), on_done=bad_callback)
    qtbot.waitUntil(lambda: bool(hooked), timeout=5000)
    assert isinstance(hooked[0], RuntimeError)


def test_shutdown_cancels_running_jobs(qapp: QApplication) -> None:
    r = Runner()

    def forever(cancel: CancelToken) -> Iterator[Event]:
        while not cancel.wait(0.01):
            yield Delta(".")

    job = r.start("ws", forever)
    emb = r.start("emb", forever, embedded=True)
    assert r.shutdown(5000)
    assert not job.is_running and not emb.is_running
    assert r.embedded_thread is not None and not r.embedded_thread.is_alive()
    with pytest.raises(RuntimeError):
        r.start("ws", forever)


def test_runner_for_profile(fake_profile: str) -> None:
    assert runner_for_profile("embedded") is True
    assert runner_for_profile(fake_profile) is False
    assert runner_for_profile("no-such-profile") is False
