"""Progress and cooperative cancellation of note analysis running in a worker thread.

A thread cannot be killed, so the long loops of the analysis (sentences, the
procedure rules) call :func:`checkpoint` now and then. Outside a tracked run it
costs one attribute lookup; inside one it records how far the run has got (for
the TUI's progress line) and raises :class:`AnalysisCancelled` once the run was
cancelled, which ends the thread within a fraction of a second.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")


class AnalysisCancelled(Exception):
    """The run this analysis belongs to was cancelled."""


class Progress:
    """How far one run has got: phase, units done of total; and its cancel flag."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.phase = "starting"
        self.done = 0
        self.total = 0
        self._cancelled = threading.Event()
        self._phase_started = self.started

    def cancel(self) -> None:
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def tick(self, phase: str, done: int, total: int) -> None:
        if phase != self.phase:
            self.phase, self._phase_started = phase, time.monotonic()
        self.done, self.total = done, total
        if self._cancelled.is_set():
            raise AnalysisCancelled(phase)

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def estimate(self) -> float | None:
        """Seconds left in the current phase, from its pace so far (None until there is a pace)."""
        spent = time.monotonic() - self._phase_started
        if self.done <= 0 or self.total <= self.done or spent < 0.2:
            return None
        return spent / self.done * (self.total - self.done)


_local = threading.local()


def checkpoint(phase: str, done: int, total: int) -> None:
    """Report progress of the run tracked on this thread; raise AnalysisCancelled if it was cancelled."""
    progress = getattr(_local, "progress", None)
    if progress is not None:
        progress.tick(phase, done, total)


@contextmanager
def tracking(progress: Progress):
    """Track ``progress`` for the analysis run on this thread."""
    previous = getattr(_local, "progress", None)
    _local.progress = progress
    try:
        yield progress
    finally:
        _local.progress = previous


async def run_in_thread(progress: Progress, fn: Callable[..., T], *args: Any) -> T:
    """``fn(*args)`` in a worker thread, tracked by ``progress``; cancelling the caller cancels the work too."""

    def work() -> T:
        with tracking(progress):
            return fn(*args)

    try:
        return await asyncio.to_thread(work)
    except BaseException:
        progress.cancel()   # cancelled (or closed): the thread stops at its next checkpoint
        raise
