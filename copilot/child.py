"""Run a core task in a child process and read its events back, as if it ran here.

Why: the app's GUI thread must never stall for more than 50 ms. A polish of a long document
keeps worker threads busy parsing XML, diffing and decoding model replies; in one process
those threads take the GIL from the GUI thread for 50–150 ms at a time (measured in
tests/ui/test_responsiveness.py). In a child process they cannot: the parent only waits on a
pipe (which releases the GIL) and unpickles small events.

Parent side — a drop-in for calling the task directly, usable in any job factory::

    events = run_in_child("copilot.tasks.polish_docx:polish_docx",
                          {"src": path, "output": out, "options": options},
                          cancel=cancel, provider_profile="work")

The parent resolves the profile and its key (the keyring is read in the parent, which is the
process the user unlocked), the child builds the provider from them and passes it as the
task's first argument. Cancelling the token tells the child to cancel; closing the generator
early or the parent dying closes the child's stdin, which cancels it as well, so work the task
already saved (the polish chunk cache) is kept.

Wire format: the parent writes one pickled :class:`ChildRequest` (after its length, 8 bytes big
endian) to the child's stdin, then at most one byte (cancel). The child writes pickled
``(kind, payload)`` pairs to its stdout: ``("event", event)`` for every event, then
``("end", None)`` or ``("error", exception)``.
Both ends are this package, in the same installation; nothing else is unpickled.
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib
import logging
import os
import pickle
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Final

from copilot.cancel import CancelToken
from copilot.errors import CopilotError, WorkerFailed

__all__ = ["CHILD_FLAG", "NO_PROVIDER", "ChildRequest", "child_command", "child_main", "prestart", "run_in_child",
           "stop_spares"]

log = logging.getLogger(__name__)

CHILD_FLAG = "--desk-copilot-child"
"""argv[1] that turns a frozen (PyInstaller) desk-copilot executable into a child worker."""

_CANCEL = b"c"
_STOP_WAIT_S = 10.0  # after cancel, time the child gets to finish its in-flight writes


@dataclass(frozen=True)
class ChildRequest:
    target: str  # "copilot.package.module:function"
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    profile: Any = None  # copilot.models.Profile: the child builds the provider from it
    api_key: str | None = field(default=None, repr=False)
    incognito: bool = False  # copilot.incognito: the child keeps the run off the disk too


# The child starts isolated (-I: no PYTHON* variables, no user site, no current directory on
# sys.path) and takes the parent's absolute sys.path, this package's root first: a `copilot/`
# folder in the directory the app was started from can never be imported into the process that
# receives the key. Relative entries ('' = the current directory) are dropped.
_SYS_PATH_VAR = "DESK_COPILOT_CHILD_SYS_PATH"
_BOOT = ("import os, sys; "
         f"sys.path[:] = [p for p in os.environ.pop({_SYS_PATH_VAR!r}, '').split(os.pathsep) if os.path.isabs(p)]; "
         "from copilot.child import child_main; sys.exit(child_main())")


def child_command() -> list[str]:
    """The command line that starts a child worker of this installation."""
    if getattr(sys, "frozen", False):
        return [sys.executable, CHILD_FLAG]
    return [sys.executable, "-I", "-c", _BOOT]


def _child_sys_path() -> list[str]:
    root = str(Path(__file__).resolve().parent.parent)
    entries = [root]
    for entry in sys.path:
        if entry and os.path.isabs(entry) and entry not in entries:
            entries.append(entry)
    return entries


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    env[_SYS_PATH_VAR] = os.pathsep.join(_child_sys_path())
    return env


def _child_cwd() -> str:
    """A directory of the app's own (the cache dir), never the one the app was started from."""
    from copilot.paths import cache_dir

    return str(cache_dir())


class _NoProvider:
    pass


NO_PROVIDER: Final = _NoProvider()


def _noop() -> None:
    pass


def run_in_child(target: str, kwargs: Mapping[str, Any] | None = None, *, cancel: CancelToken,
                 provider_profile: str | _NoProvider | None = NO_PROVIDER) -> Iterator[Any]:
    """Yield the events of ``target(**kwargs, cancel=...)`` run in a child process.

    ``provider_profile``: a profile name (None: the default profile) when the task takes a
    provider as its first argument; leave it out when it takes none. Exceptions the task raises
    (Cancelled after a cancel, as in this process) are raised here with their type; a child that
    dies without an answer raises WorkerFailed.
    """
    if not target.startswith("copilot."):
        raise ValueError(f"run_in_child: {target!r} is not a copilot task")
    from copilot import incognito

    # The child runs in a directory of its own: relative paths are made absolute here.
    absolute = {k: v.absolute() if isinstance(v, Path) else v for k, v in (kwargs or {}).items()}
    request = ChildRequest(target, absolute, incognito=incognito.active())
    if not isinstance(provider_profile, _NoProvider):
        request = _with_provider(request, provider_profile)
    if cancel.is_cancelled:
        return
    proc = _take_spare(target.partition(":")[0])
    if proc is None:
        try:
            proc = _spawn(())
        except OSError as exc:
            raise WorkerFailed(f"Could not start a background worker ({child_command()[0]}): "
                               f"{exc.strerror or exc}") from None
    assert proc.stdin is not None and proc.stdout is not None
    stdin_lock = threading.Lock()

    def close_stdin(message: bytes = b"") -> None:
        with stdin_lock:
            if proc.stdin is None or proc.stdin.closed:
                return
            with contextlib.suppress(OSError, ValueError):
                if message:
                    proc.stdin.write(message)
                proc.stdin.close()

    unregister: Callable[[], None] = _noop  # replaced once the request is sent
    try:
        with stdin_lock:
            try:
                data = pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL)
                proc.stdin.write(len(data).to_bytes(8, "big") + data)
                proc.stdin.flush()
            except OSError:
                pass  # the child died at once; reading its stdout below says so
        unregister = cancel.on_cancel(lambda: close_stdin(_CANCEL))
        while True:
            try:
                kind, payload = pickle.load(proc.stdout)
            except (EOFError, pickle.UnpicklingError, OSError):
                code = proc.wait()
                if cancel.is_cancelled:
                    return
                from copilot.paths import log_dir

                raise WorkerFailed(f"The background worker stopped unexpectedly (exit code {code}); "
                                   f"details are in {log_dir() / 'desk-copilot.log'}") from None
            if kind == "event":
                yield payload
            elif kind == "error":
                raise payload
            else:
                return
    finally:
        unregister()
        close_stdin()  # EOF: a child still running cancels and ends
        try:
            proc.wait(_STOP_WAIT_S)
        except subprocess.TimeoutExpired:
            log.warning("background worker %s ignored cancel for %.0f s; killing it", proc.pid, _STOP_WAIT_S)
            proc.kill()
            proc.wait()
        proc.stdout.close()


def _spawn(preload: tuple[str, ...]) -> subprocess.Popen[bytes]:
    command = child_command() + (["--preload", ",".join(preload)] if preload else [])
    return subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=_child_env(),
                            cwd=_child_cwd(), creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0))


# Started children that have imported a task's modules and wait for their request. Importing the
# polish stack (python-docx, lxml, the SDK, pydantic) takes ~2 s; a spare started when a document
# is opened makes Run start at once. One spare per module set, for the DESK_COPILOT_HOME it was
# started with (a different home means different settings and caches: it is not reused).
_spares: dict[tuple[str, ...], tuple[str, subprocess.Popen[bytes]]] = {}
_spares_lock = threading.Lock()
_atexit_registered = False


def prestart(*modules: str) -> None:
    """Start a spare child that imports ``modules`` (and runs their ``child_warm_up()``, if they
    have one) and then waits; the next ``run_in_child`` of a task in one of them takes it. Cheap to
    call again: a live spare is kept."""
    global _atexit_registered
    if not all(m.startswith("copilot.") for m in modules):
        raise ValueError(f"prestart: {modules!r} are not copilot modules")
    key, home = tuple(sorted(modules)), os.environ.get("DESK_COPILOT_HOME", "")
    with _spares_lock:
        current = _spares.get(key)
        if current is not None and current[0] == home and current[1].poll() is None:
            return
        if current is not None:
            _stop(current[1])
        try:
            _spares[key] = (home, _spawn(key))
        except OSError as exc:
            log.warning("could not start a spare background worker: %s", exc)
            return
        if not _atexit_registered:
            import atexit

            atexit.register(stop_spares)
            _atexit_registered = True


def stop_spares() -> None:
    """End every spare child (at exit; they also end when this process's end closes their stdin)."""
    with _spares_lock:
        spares = [proc for _, proc in _spares.values()]
        _spares.clear()
    for proc in spares:
        _stop(proc)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    # A spare has no request and no work to keep: end it now rather than wait for its imports.
    with contextlib.suppress(OSError, ValueError):
        if proc.stdin is not None:
            proc.stdin.close()
    with contextlib.suppress(OSError):
        proc.kill()
    proc.wait()
    if proc.stdout is not None:
        proc.stdout.close()


def _take_spare(module: str) -> subprocess.Popen[bytes] | None:
    home = os.environ.get("DESK_COPILOT_HOME", "")
    with _spares_lock:
        for key, (spare_home, proc) in list(_spares.items()):
            if module in key and spare_home == home:
                del _spares[key]
                if proc.poll() is None:
                    return proc
                _stop(proc)
    return None


def _with_provider(request: ChildRequest, profile_name: str | None) -> ChildRequest:
    # The key is looked up here, in the process the user unlocked the keyring for.
    from copilot.models import get_profile, key_for

    profile = get_profile(profile_name)
    return dataclasses.replace(request, profile=profile, api_key=key_for(profile))


# -- child side ------------------------------------------------------------------------------


def _resolve(target: str) -> Any:
    module_name, _, name = target.partition(":")
    if not module_name.startswith("copilot.") or not name:
        raise ValueError(f"not a copilot task: {target!r}")
    return getattr(importlib.import_module(module_name), name)


def _provider(request: ChildRequest) -> Any:
    from copilot.models import provider_for

    return provider_for(request.profile, request.api_key)


def _read_exactly(fd: int, n: int) -> bytes:
    chunks: list[bytes] = []
    while n > 0:
        chunk = os.read(fd, min(n, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def _watch_stdin(fd: int, token: CancelToken) -> None:
    # One byte means cancel; EOF means the parent closed the pipe or died: cancel too. A raw
    # os.read, not sys.stdin: a daemon thread blocked in a buffered reader aborts interpreter exit.
    with contextlib.suppress(OSError):
        os.read(fd, 1)
    token.cancel()


def _send(out: IO[bytes], kind: str, payload: object) -> None:
    try:
        data = pickle.dumps((kind, payload), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:
        if kind != "error":
            raise
        message = str(payload) if isinstance(payload, CopilotError) else f"{type(payload).__name__}: {payload}"
        log.debug("could not pickle %s: %s", type(payload).__name__, exc)
        data = pickle.dumps(("error", WorkerFailed(message)), protocol=pickle.HIGHEST_PROTOCOL)
    out.write(data)
    out.flush()


def _preload(argv: list[str]) -> None:
    # A spare (prestart): import the task's modules now, while nobody waits for them.
    if "--preload" not in argv[:-1]:
        return
    for name in argv[argv.index("--preload") + 1].split(","):
        if name.startswith("copilot."):
            try:
                warm_up = getattr(importlib.import_module(name), "child_warm_up", None)
                if callable(warm_up):
                    warm_up()  # a module's own slow first-use work (caches), done before the request
            except Exception:  # the request will fail with the real error, in order
                log.debug("preloading %s failed", name, exc_info=True)


def child_main() -> int:
    """Entry point of the child: ``child_command()`` (or the frozen app with CHILD_FLAG)."""
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything printed by a library goes to stderr, never into the event pipe
    from copilot.logsetup import configure_logging

    configure_logging()
    _preload(sys.argv)
    stdin = sys.stdin.fileno()
    try:
        size = int.from_bytes(_read_exactly(stdin, 8), "big")
        request = pickle.loads(_read_exactly(stdin, size))
    except (EOFError, OSError, pickle.UnpicklingError):
        return 2
    if not isinstance(request, ChildRequest):
        return 2
    token = CancelToken()
    threading.Thread(target=_watch_stdin, args=(stdin, token), name="cancel-watch", daemon=True).start()
    from copilot import incognito

    with incognito.run(request.incognito):  # an incognito run: no log lines or caches here either
        try:
            task = _resolve(request.target)
            args = (_provider(request),) if request.profile is not None else ()
            for event in task(*args, **request.kwargs, cancel=token):
                _send(out, "event", event)
            _send(out, "end", None)
        except BrokenPipeError:
            return 1  # the parent is gone
        except BaseException as exc:
            if not isinstance(exc, CopilotError):
                log.exception("background task %s failed", request.target)
            with contextlib.suppress(OSError):
                _send(out, "error", exc)
        finally:
            with contextlib.suppress(OSError):
                out.close()
    return 0

if __name__ == "__main__":
    # Run the copy imported as copilot.child, so ChildRequest unpickles as the class checked above.
    from copilot.child import child_main as _main

    sys.exit(_main())
