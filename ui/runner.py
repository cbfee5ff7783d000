"""The ONLY code that moves work between threads in the app.

A job is a core task: a callable taking a :class:`~copilot.cancel.CancelToken` and returning a
synchronous generator of :mod:`copilot.events`. The runner iterates it on a worker thread and
hands every event back to the GUI thread, where the caller's callbacks run.

* ``key`` names the requester (a workspace id). Starting a job with a key that already has one
  cancels the old job; whatever the old job still produces is dropped, so a workspace never sees
  results of a request it replaced.
* HTTP jobs run on a private ``QThreadPool``; jobs for the embedded model run on ONE long-lived
  worker thread (the model is loaded once and its calls are serialised).
* Workers never touch widgets. They append to one queue and wake the GUI thread through a queued
  signal only when the queue was empty, and the GUI thread drains it in slices of a few
  milliseconds, so a fast stream cannot flood the event loop.

Usage::

    job = runner.start("word", lambda cancel: polish_docx(path, ..., cancel=cancel),
                       on_event=self._on_event, on_done=self._on_done, on_error=self._on_error)
    runner.cancel("word")
"""

from __future__ import annotations

import collections
import dataclasses
import itertools
import logging
import sys
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from PySide6.QtCore import QObject, QThread, QThreadPool, QTimer, Signal, Slot

import ui.qtcompat  # noqa: F401 - before any Qt call: PySide6 6.12 None refcount fix
from copilot.cancel import CancelToken

if TYPE_CHECKING:
    from copilot.events import Event
    from copilot.tasks.recorded import RunInfo
    from copilot.tasks.registry import TaskSpec

__all__ = ["Job", "JobFactory", "JobState", "Runner", "Where", "live_runners", "runner_for_profile", "where_to_run"]

log = logging.getLogger(__name__)

JobFactory = Callable[[CancelToken], Iterable["Event"]]
Where = Literal["pool", "embedded", "child"]
Phase = Literal["running", "progress", "done", "failed", "cancelled"]


@dataclass(frozen=True)
class JobState:
    """One change of a job's state, emitted by ``Runner.sig_job_state`` on the GUI thread."""

    key: str
    job_id: int
    phase: Phase
    done: int = 0
    total: int | None = None
    """None: no measure yet (a busy indicator); set once the task reports Started/Progress."""
    message: str = ""
    error: BaseException | None = None
    at: float = 0.0
    """time.time() of the change."""

# The GUI thread handles queued items for at most this long before yielding to the event loop.
_DRAIN_BUDGET_S = 0.012

_live: weakref.WeakSet[Runner] = weakref.WeakSet()


def live_runners() -> list[Runner]:
    """Runners not yet shut down (the test fixture checks none is left busy)."""
    return [r for r in list(_live) if not r.is_shut_down]


def runner_for_profile(profile_name: str | None) -> bool:
    """True when ``profile_name`` (None = the default profile) is the embedded model,
    i.e. its model jobs must go to the single embedded worker."""
    from copilot.errors import CopilotError
    from copilot.models.profiles import get_profile

    try:
        return get_profile(profile_name).kind == "embedded"
    except CopilotError:
        # An unknown profile fails when the job runs, with the one-line message; route it anywhere.
        return False


def where_to_run(needs_provider: bool, cpu_heavy: bool, profile_name: str | None) -> Where:
    """Where a job runs, from what it declares and the profile: model jobs on the embedded model
    go to its one serial worker; CPU-heavy model jobs against a server to a child process (their
    parsing would hold the GIL the GUI thread needs); everything else to the thread pool."""
    if not needs_provider:
        return "pool"
    if runner_for_profile(profile_name):
        return "embedded"
    return "child" if cpu_heavy else "pool"


class Job:
    """Handle of one started job. ``cancel()`` is safe from any thread, any number of times."""

    _ids = itertools.count(1)

    def __init__(self, runner: Runner, key: str, factory: JobFactory, embedded: bool,
                 on_event: Callable[[Event], None] | None,
                 on_done: Callable[[object], None] | None,
                 on_error: Callable[[BaseException], None] | None) -> None:
        self.id = next(Job._ids)
        self.key = key
        self.embedded = embedded
        self.token = CancelToken()
        self._runner = runner
        self._factory = factory
        self._on_event = on_event
        self._on_done = on_done
        self._on_error = on_error
        self._finished = threading.Event()  # set by the worker when it leaves the task
        self._delivered = False  # GUI thread: the "finished" item was handled
        self._dropped = False  # GUI thread only: set when cancelled/replaced; callbacks stop
        self.started_at = time.monotonic()

    def __repr__(self) -> str:
        return f"<Job {self.id} key={self.key!r} running={self.is_running}>"

    @property
    def is_running(self) -> bool:
        """True until the worker has left the task and its last result reached the GUI thread
        (a cancelled job counts as running while it winds down)."""
        return not self._delivered

    @property
    def is_cancelled(self) -> bool:
        return self.token.is_cancelled

    def cancel(self) -> None:
        self._runner._cancel_job(self)

    def wait(self, seconds: float) -> bool:
        """Block until the worker has finished (tests, shutdown). True when it has."""
        return self._finished.wait(seconds)

    # -- worker side -------------------------------------------------------------------------
    def _execute(self) -> None:
        # Imported here, not with the module: the app imports the runner before its first paint.
        from copilot.events import Done

        runner = self._runner
        result: object = None
        try:
            if self.token.is_cancelled:
                return
            events: Iterator[Event] = iter(self._factory(self.token))
            try:
                for event in events:
                    if self.token.is_cancelled:
                        break
                    if isinstance(event, Done):
                        result = event.result
                    runner._post(self, "event", event)
            finally:
                close = getattr(events, "close", None)
                if close is not None:
                    close()
            if not self.token.is_cancelled:
                runner._post(self, "done", result)
        except BaseException as exc:  # noqa: BLE001 - every failure goes to on_error, none kills the worker
            if not self.token.is_cancelled:
                runner._post(self, "error", exc)
        finally:
            self._finished.set()
            runner._post(self, "finished", None)


class _EmbeddedWorker:
    """The one long-lived thread that runs every embedded-model job, one after another."""

    def __init__(self) -> None:
        import queue  # here: the app imports the runner before its first paint

        self._queue: queue.SimpleQueue[Job | None] = queue.SimpleQueue()
        self.thread = threading.Thread(target=self._loop, name="desk-copilot-embedded", daemon=True)
        self.thread.start()

    def submit(self, job: Job) -> None:
        self._queue.put(job)

    def _loop(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                return
            job._execute()

    def stop(self, wait_s: float) -> bool:
        self._queue.put(None)
        self.thread.join(wait_s)
        return not self.thread.is_alive()


@dataclass
class _Item:
    job: Job
    kind: str  # "event" | "done" | "error" | "finished"
    payload: object


class Runner(QObject):
    """Runs core tasks off the GUI thread; see the module docstring. Create it on the GUI thread."""

    sig_running_changed = Signal()
    """The set of running keys changed (a job started, ended, was cancelled)."""
    sig_job_state = Signal(object)
    """A JobState: every job's start, progress, end, failure and cancel, on the GUI thread."""
    _sig_wake = Signal()

    def __init__(self, parent: QObject | None = None, *, max_threads: int | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        if max_threads:
            self._pool.setMaxThreadCount(max_threads)
        self._embedded: _EmbeddedWorker | None = None
        self._current: dict[str, Job] = {}
        self._all: set[Job] = set()  # every job whose worker has not finished (incl. dropped)
        self._items: collections.deque[_Item] = collections.deque()
        self._lock = threading.Lock()
        self._wake_pending = False
        self._shut_down = False
        self._sig_wake.connect(self._drain)
        self.incognito = False
        """The app's Incognito switch: runs started now stay out of the history, logs and caches."""
        _live.add(self)

    # -- public API --------------------------------------------------------------------------
    def start(self, key: str, factory: JobFactory, *,
              on_event: Callable[[Event], None] | None = None,
              on_done: Callable[[object], None] | None = None,
              on_error: Callable[[BaseException], None] | None = None,
              embedded: bool = False) -> Job:
        """Run ``factory(cancel_token)`` (a generator of events) in the background.

        Callbacks run on the GUI thread: ``on_event`` for every event (``Done`` included),
        then exactly one of ``on_done(result)`` (the ``Done`` result, or None) or
        ``on_error(exception)`` — unless the job is cancelled or replaced first, in which case
        nothing more is delivered.
        """
        if self._shut_down:
            raise RuntimeError("Runner.start() after shutdown()")
        previous = self._current.get(key)
        if previous is not None:
            self._drop(previous)
        job = Job(self, key, factory, embedded, on_event, on_done, on_error)
        self._current[key] = job
        with self._lock:
            self._all.add(job)
        if embedded:
            if self._embedded is None:
                self._embedded = _EmbeddedWorker()
            self._embedded.submit(job)
        else:
            # The callable overload: a QRunnable subclass with autoDelete crashes PySide 6.12 at exit
            # (a refcount bug on None); a plain callable has no Python wrapper to get wrong.
            self._pool.start(job._execute)
        self.sig_running_changed.emit()
        self._state(job, "running")
        return job

    def start_task(self, key: str, task: TaskSpec | str, kwargs: dict[str, Any], *,
                   profile: str | None = None,
                   on_event: Callable[[Event], None] | None = None,
                   on_done: Callable[[object], None] | None = None,
                   on_error: Callable[[BaseException], None] | None = None,
                   record: RunInfo | None = None) -> Job:
        """Run a registered task (``copilot.tasks.registry``) where its declaration says it belongs
        (``where_to_run``): its provider is built on the worker (or in the child) from ``profile``.
        ``record``: the run goes to the history (``copilot.tasks.recorded``)."""
        from copilot.tasks.registry import get_task

        spec = get_task(task) if isinstance(task, str) else task
        where = where_to_run(spec.needs_provider, spec.cpu_heavy, profile)

        def events(cancel: CancelToken) -> Iterator[Event]:
            from copilot.tasks.registry import call

            if where == "child":
                from copilot.child import run_in_child

                yield from run_in_child(spec.target, kwargs, cancel=cancel, provider_profile=profile)
                _prestart(spec)  # a spare for the next run
                return
            provider = None
            if spec.needs_provider:
                from copilot.models import get_provider

                provider = get_provider(profile)
            yield from call(spec, provider, {**kwargs, "cancel": cancel})

        return self.start(key, self.recording(events, record), on_event=on_event, on_done=on_done,
                          on_error=on_error, embedded=where == "embedded")

    def recording(self, factory: JobFactory, record: RunInfo | None) -> JobFactory:
        """``factory`` whose run lands in the history (or, incognito, nowhere on disk)."""
        if record is None:
            return factory
        info = dataclasses.replace(record, incognito=record.incognito or self.incognito)

        def recorded_factory(cancel: CancelToken) -> Iterator[Event]:
            from copilot.tasks.recorded import recorded

            return recorded(factory(cancel), info)

        return recorded_factory

    def prestart(self, task: TaskSpec | str, profile: str | None) -> None:
        """Start a spare child process for ``task`` when its runs would go to one (not on the GUI
        thread: spawning takes a few ms to a few tens of ms)."""
        from copilot.tasks.registry import get_task

        spec = get_task(task) if isinstance(task, str) else task
        if where_to_run(spec.needs_provider, spec.cpu_heavy, profile) == "child":
            threading.Thread(target=_prestart, args=(spec,), name="desk-copilot-prestart", daemon=True).start()

    def cancel(self, key: str) -> None:
        """Cancel the job running under ``key`` (nothing happens when there is none)."""
        job = self._current.get(key)
        if job is not None:
            self._cancel_job(job)

    def running(self) -> list[str]:
        """Keys with a live (not cancelled) job."""
        return [key for key, job in self._current.items() if job.is_running and not job._dropped]

    def job(self, key: str) -> Job | None:
        job = self._current.get(key)
        return job if job is not None and not job._dropped else None

    def is_running(self, key: str) -> bool:
        return key in self.running()

    @property
    def is_shut_down(self) -> bool:
        return self._shut_down

    @property
    def embedded_thread(self) -> threading.Thread | None:
        return self._embedded.thread if self._embedded is not None else None

    def active_workers(self) -> int:
        """Workers still inside a task (cancelled ones included)."""
        with self._lock:
            return sum(1 for job in self._all if not job._finished.is_set())

    def shutdown(self, wait_ms: int = 3000) -> bool:
        """Cancel everything and wait up to ``wait_ms`` for the workers. True when all stopped."""
        self._shut_down = True
        for job in list(self._current.values()):
            self._drop(job)
        with self._lock:
            pending = list(self._all)
        for job in pending:
            job.token.cancel()
        deadline = time.monotonic() + wait_ms / 1000
        ok = self._pool.waitForDone(max(0, wait_ms))
        if self._embedded is not None:
            ok = self._embedded.stop(max(0.0, deadline - time.monotonic())) and ok
        with self._lock:
            self._items.clear()
            for job in self._all:
                if job._finished.is_set():
                    job._delivered = True
            self._all = {job for job in self._all if not job._finished.is_set()}
        self.sig_running_changed.emit()
        return ok

    # -- internals ---------------------------------------------------------------------------
    def _cancel_job(self, job: Job) -> None:
        # Called from the GUI thread by workspaces; the token part is thread-safe.
        job.token.cancel()
        if QThread.currentThread() == self.thread():
            self._drop(job)
        else:
            QTimer.singleShot(0, self, lambda: self._drop(job))

    def _drop(self, job: Job) -> None:
        job.token.cancel()
        if job._dropped:
            return
        job._dropped = True
        if self._current.get(job.key) is job:
            del self._current[job.key]
        self.sig_running_changed.emit()
        self._state(job, "cancelled")

    def _state(self, job: Job, phase: Phase, done: int = 0, total: int | None = None, message: str = "",
               error: BaseException | None = None) -> None:
        self.sig_job_state.emit(JobState(job.key, job.id, phase, done, total, message, error, time.time()))

    def _post(self, job: Job, kind: str, payload: object) -> None:
        """Worker side: queue one item and wake the GUI thread if it is not already awake."""
        with self._lock:
            self._items.append(_Item(job, kind, payload))
            if self._wake_pending:
                return
            self._wake_pending = True
        self._sig_wake.emit()  # queued: the runner lives on the GUI thread

    @Slot()
    def _drain(self) -> None:
        deadline = time.monotonic() + _DRAIN_BUDGET_S
        while True:
            with self._lock:
                if not self._items:
                    self._wake_pending = False
                    return
                if time.monotonic() > deadline:
                    # Give the event loop a turn; continue right after pending paints/input.
                    QTimer.singleShot(0, self, self._drain)
                    return
                item = self._items.popleft()
            self._deliver(item)

    def _event_state(self, job: Job, event: object) -> None:
        from copilot.events import Progress, Started

        if isinstance(event, Started):
            self._state(job, "progress", 0, event.total)
        elif isinstance(event, Progress):
            self._state(job, "progress", event.done, event.total, event.message)

    def _deliver(self, item: _Item) -> None:
        job = item.job
        if item.kind == "finished":
            job._delivered = True
            with self._lock:
                self._all.discard(job)
            if self._current.get(job.key) is job:
                del self._current[job.key]
            self.sig_running_changed.emit()
            return
        if job._dropped:
            return  # a cancelled or replaced job: late results are ignored
        callback: Callable[[Any], None] | None
        if item.kind == "event":
            callback = job._on_event
            self._event_state(job, item.payload)
        elif item.kind == "done":
            callback = job._on_done
            self._state(job, "done")
        else:
            callback = job._on_error
            error = item.payload if isinstance(item.payload, BaseException) else RuntimeError(str(item.payload))
            self._state(job, "failed", error=error)
            if callback is None:
                log.error("job %s failed with nobody listening", job.key, exc_info=error)
        if callback is None or job._dropped:
            return
        payload: Any = item.payload  # the kind says which: an Event, a result, or an exception
        try:
            callback(payload)
        except Exception:  # noqa: BLE001 - a broken callback must reach the excepthook, not kill the drain
            sys.excepthook(*sys.exc_info())


def _prestart(spec: TaskSpec) -> None:
    from copilot.child import prestart

    prestart(spec.module, "copilot.models.openai_compatible")
