"""The store's cross-process locks: one per case, and one store-wide lock that case writers share.

    <store>/.lock                 store-wide (flock). Shared by every writer of one case; exclusive for
                                  the files of the whole store (index fold and save, gold, evaluation
                                  runs, assignments, QA sample, meta.json)
    <store>/.lock.gate            turnstile: an exclusive waiter holds it, so new shared holders queue
                                  behind it instead of keeping the store-wide lock busy for ever
    <store>/locks/<case id>.lock  one per case (flock, exclusive): every write of that case's file and
                                  of its claim

Eight coders deciding on eight cases therefore never wait for each other; two coders on one case
(a claim race, a takeover) are serialised by that case's lock. A medcoder of the previous version
takes ``.lock`` exclusively for every write, so it still excludes, and is excluded by, every writer
here. Lock order: store-wide before case, and never the exclusive store-wide lock while a case is
held (that would need an upgrade, which two processes could each wait on for ever).

flock locks belong to an open file, so two :class:`StoreLocks` in one process exclude each other as
two processes do; the owning Store serialises its own threads with an RLock.
"""

from __future__ import annotations

import fcntl
import os
import stat
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

GATE_SUFFIX = ".gate"
LOCKS_DIR = "locks"


class LockTimeout(Exception):
    """A lock stayed busy past the timeout (``path`` names it)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(str(path))


class StoreLocks:
    """The locks of one store folder, reentrant within this object.

    ``mode`` is the store kind's file mode (new lock files get it whatever the umask);
    ``make_dir`` creates the ``locks`` folder with the store's folder mode.
    """

    def __init__(self, root: Path, lock_file: str, mode: int, timeout: float, make_dir) -> None:
        self.root = root
        self.main = root / lock_file
        self.gate = root / (lock_file + GATE_SUFFIX)
        self.mode = mode
        self.timeout = timeout
        self._make_dir = make_dir
        self._fd: int | None = None       # the store-wide lock while held
        self._depth = 0
        self._exclusive = False
        self._cases: dict[str, list[int]] = {}   # case id -> [fd, depth]

    @property
    def held(self) -> bool:
        """Whether this object holds any lock now."""
        return self._depth > 0

    def _open(self, path: Path) -> int:
        fd = os.open(path, os.O_RDONLY | os.O_CREAT | os.O_CLOEXEC, self.mode)
        try:
            st = os.fstat(fd)
            if stat.S_IMODE(st.st_mode) != self.mode and st.st_uid == os.geteuid():
                os.fchmod(fd, self.mode)   # a new file: the umask narrowed its mode
        except OSError:
            pass
        return fd

    def _take(self, fd: int, op: int, path: Path, deadline: float) -> None:
        """flock ``fd``; a busy lock is waited for in the kernel (woken the moment it is let go,
        where polling would add a sleep to every hand-over), up to ``deadline``."""
        try:
            fcntl.flock(fd, op | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        # a blocking flock has no timeout: it waits in a thread on a duplicate of the descriptor.
        # If the wait is given up, the caller closes ``fd``; the duplicate keeps the open file alive
        # until the flock returns, and closing it then lets the late lock go at once.
        dup = os.dup(fd)
        got = threading.Event()
        failed: list[OSError] = []

        def wait() -> None:
            try:
                fcntl.flock(dup, op)
            except OSError as exc:
                failed.append(exc)
            finally:
                got.set()
                os.close(dup)

        threading.Thread(target=wait, name="medcoder-store-lock", daemon=True).start()
        if not got.wait(max(0.0, deadline - time.monotonic())):
            raise LockTimeout(path)
        if failed:
            raise failed[0]

    def _acquire_store(self, exclusive: bool) -> None:
        deadline = time.monotonic() + self.timeout
        gate = self._open(self.gate)
        try:
            self._take(gate, fcntl.LOCK_EX, self.main, deadline)
            fd = self._open(self.main)
            try:
                self._take(fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH, self.main, deadline)
            except BaseException:
                os.close(fd)
                raise
        finally:
            os.close(gate)   # closing drops the gate: shared holders pass it one after another
        self._fd, self._exclusive = fd, exclusive

    def _release_store(self) -> None:
        fd, self._fd, self._exclusive = self._fd, None, False
        if fd is not None:
            os.close(fd)    # closing the last descriptor releases the flock

    @contextmanager
    def store(self, *, exclusive: bool = True) -> Iterator[None]:
        """Hold the store-wide lock (exclusive, or shared with the writers of single cases)."""
        if self._depth:
            if exclusive and not self._exclusive:
                raise RuntimeError("the exclusive store lock was asked for while holding it shared")
        else:
            self._acquire_store(exclusive)
        self._depth += 1
        try:
            yield
        finally:
            self._depth -= 1
            if not self._depth:
                self._release_store()

    @contextmanager
    def case(self, case_id: str) -> Iterator[None]:
        """Hold one case's lock (and the store-wide lock shared); a no-op under the exclusive lock."""
        with self.store(exclusive=self._exclusive):
            if self._exclusive:
                yield
                return
            held = self._cases.get(case_id)
            if held is None:
                folder = self.root / LOCKS_DIR
                if not folder.is_dir():
                    self._make_dir(folder)
                path = folder / f"{case_id}.lock"
                fd = self._open(path)
                try:
                    self._take(fd, fcntl.LOCK_EX, path, time.monotonic() + self.timeout)
                except BaseException:
                    os.close(fd)
                    raise
                held = self._cases[case_id] = [fd, 0]
            held[1] += 1
            try:
                yield
            finally:
                held[1] -= 1
                if not held[1]:
                    del self._cases[case_id]
                    os.close(held[0])
