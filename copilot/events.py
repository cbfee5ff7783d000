"""Events a task yields while it works.

A task is a synchronous generator of these. The CLI iterates it on the main thread, the app
in a worker through ``ui/runner.py``, tests directly. ``Done`` is always the last event of a
successful run and carries the task's result.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar, Union

__all__ = ["Delta", "Done", "Event", "Notice", "Progress", "Started"]

T = TypeVar("T")


@dataclass(frozen=True)
class Started:
    task: str
    total: int | None = None


@dataclass(frozen=True)
class Progress:
    done: int
    total: int | None
    message: str = ""


@dataclass(frozen=True)
class Delta:
    """A piece of streamed model text."""

    text: str


@dataclass(frozen=True)
class Notice:
    """Something the user should see that does not stop the task (a rejected edit, a skip)."""

    message: str


@dataclass(frozen=True)
class Done(Generic[T]):
    result: T


Event = Union[Started, Progress, Delta, Notice, "Done[object]"]
