"""Crash-safe file replacement and cache-file helpers shared by the store, the code-table imports and the caches."""

from __future__ import annotations

import errno
import gc
import os
import pickle
import secrets
import sys
from pathlib import Path

FILE_MODE = 0o600
TMP_SUFFIX = ".tmp"


def fsync_dir(folder: Path) -> None:
    """Make a rename or file creation inside ``folder`` durable."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.EBADF):   # file systems that cannot fsync a folder
            raise
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes, *, sync: bool = True, mode: int = FILE_MODE) -> None:
    """Replace ``path`` with ``data`` so that a crash leaves either the old or the new file.

    The data goes to a temporary file beside ``path`` (created with ``mode``,
    whatever the umask),
    is fsynced when ``sync`` is set, and is renamed over ``path``; the folder is
    then fsynced so the rename itself survives a power cut. Raises OSError; the
    temporary file never outlives a failure.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}{TMP_SUFFIX}")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        try:
            if mode & 0o077:   # a group-shared file: the umask must not narrow it
                os.fchmod(fd, mode)
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            if sync:
                os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
        if sync:
            fsync_dir(path.parent)
    except BaseException:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
        raise


def load_pickle(path: Path):
    """Unpickle a cache file with the cyclic GC paused (it triples the time of a large load)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        with path.open("rb") as fh:
            return pickle.load(fh)
    finally:
        if was_enabled:
            gc.enable()


def damaged_cache_notice(path: Path, exc: BaseException) -> None:
    """One line on stderr when a cache file exists but cannot be read: it is rebuilt, never fatal.

    A missing file (the first run) says nothing.
    """
    if isinstance(exc, FileNotFoundError):
        return
    print(f"medcoder: cache file {path} could not be read ({type(exc).__name__}); rebuilding it",
          file=sys.stderr)


def remove_stale(current: Path, prefix: str) -> None:
    """Delete older cache files of the same kind (other versions) next to ``current``."""
    for old in current.parent.glob(f"{prefix}*.pickle"):
        if old != current:
            old.unlink(missing_ok=True)
