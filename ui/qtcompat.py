"""Work around a PySide6 6.12 bug on Python < 3.12: every Qt method returning ``void`` hands Python
a ``None`` without taking a reference (the binding assumes 3.12's immortal ``None``). Each call
therefore lowers ``None``'s reference count by one, and after enough calls — a few thousand
``processEvents()`` — the interpreter aborts with "none_dealloc: deallocating None".

``ensure()`` adds a very large number of references to ``None`` once, so the count can never reach
zero in any realistic run. It changes nothing on Python ≥ 3.12 (``None`` is immortal there) and is
a no-op on other PySide6 versions. Import this before using Qt (ui.runner and ui.app do).
"""

from __future__ import annotations

import sys

__all__ = ["ensure"]

_done = False
_EXTRA = 1 << 40


def ensure() -> None:
    global _done
    if _done or sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return
    try:
        import PySide6
    except ImportError:
        return
    if not PySide6.__version__.startswith("6.12"):
        return
    import ctypes

    # ob_refcnt is the first field of every CPython object (a Py_ssize_t). True/False too:
    # SignalInstance.emit() returns a bool the same way, so every emit() from Python drops one.
    for singleton in (None, True, False):
        ctypes.c_ssize_t.from_address(id(singleton)).value += _EXTRA
    _done = True


ensure()
