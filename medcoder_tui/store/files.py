"""Durable JSON files for TinyDB: atomic replace, fsync, the store kind's modes, corrupt-file backups.

Every write goes to a temporary file in the same folder, is flushed and
fsynced, then ``os.replace``-d over the target, and the folder is fsynced so
the rename itself survives a crash. A reader therefore always sees either the
old or the new file, never half of one, and a failed write (full disk,
read-only folder) leaves the old file exactly as it was.

File and folder modes belong to the kind of store (:class:`Modes`): a
personal store is owner-only (0600 / 0700), a team store is shared with one
Unix group (0660 / setgid 2770) and never readable by others. Every writer is
given its store's modes, so no write narrows or widens them.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import stat
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

from medcoder_tui.fileutil import FILE_MODE, TMP_SUFFIX, fsync_dir, write_atomic  # noqa: F401 - re-exported
from medcoder_tui.store.models import StoreError

log = logging.getLogger("medcoder.store")

DIR_MODE = 0o700


@dataclass(frozen=True)
class Modes:
    """The modes of a store's files and folders (set explicitly: the umask does not apply)."""

    file: int = FILE_MODE
    dir: int = DIR_MODE


PERSONAL = Modes()
TEAM = Modes(file=0o660, dir=0o2770)


def set_mode(path: Path, mode: int) -> None:
    """Give ``path`` this mode if it has another; a file another member owns is left as it is."""
    try:
        if stat.S_IMODE(os.stat(path).st_mode) != mode:
            os.chmod(path, mode)
    except PermissionError:
        pass


class CorruptFileError(StoreError):
    """A store file that is not valid JSON, or not a shape this version understands."""

    def __init__(self, path: Path, detail: str, backup: Path | None, backup_error: str = "") -> None:
        self.path = path
        self.backup = backup
        self.detail = detail
        if backup is not None:
            saved = f"a copy was saved as {backup.name}"
        elif backup_error:
            saved = f"no backup copy could be made ({backup_error})"
        else:
            saved = "no copy was made (read-only command)"
        super().__init__(
            f"{path} {detail}; it was left untouched and {saved}. "
            "Repair or move the file away, then try again."
        )


def _describe_os_error(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "the disk is full"
    if exc.errno == errno.EDQUOT:
        return "the disk quota is exhausted"
    if exc.errno in (errno.EROFS,):
        return "the file system is read-only"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno == errno.ENOTDIR:
        return "a part of the path is a file, not a folder"
    if exc.errno == errno.EFBIG:
        return "the file size limit was reached"
    return exc.strerror or str(exc)


def write_error(path: Path, exc: OSError) -> StoreError:
    """The one-line error for a write that failed; the previous contents are intact."""
    return StoreError(f"cannot write {path}: {_describe_os_error(exc)}; nothing was changed on disk")


def ensure_dir(folder: Path, modes: Modes = PERSONAL) -> None:
    """Create ``folder`` (``modes.dir``) and its parents, durably; StoreError when impossible."""
    if folder.is_dir():
        return
    missing = []
    probe = folder
    while not probe.is_dir():
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    for d in reversed(missing):
        try:
            os.mkdir(d, modes.dir)
            if modes.dir != DIR_MODE:
                os.chmod(d, modes.dir)   # setgid and group write: mkdir's mode passes the umask
            fsync_dir(d.parent)
        except FileExistsError:
            if not d.is_dir():   # another process may have made it; a file in the way is an error
                raise StoreError(f"cannot create store folder {folder}: {d} is a file, not a folder") from None
        except OSError as exc:
            raise StoreError(f"cannot create store folder {folder}: {_describe_os_error(exc)}") from None


def atomic_write_bytes(path: Path, data: bytes, *, sync: bool = True, mode: int = FILE_MODE) -> None:
    """Replace ``path`` with ``data`` so that a crash leaves either the old or the new file."""
    try:
        write_atomic(path, data, sync=sync, mode=mode)
    except OSError as exc:
        raise write_error(path, exc) from None


def write_private(path: Path, text: str, *, own_folder: bool = False) -> None:
    """Write a report owner-only (file 0600, a folder it creates 0700): reports hold PHI too.

    ``own_folder`` says the folder is medcoder's own (the data directory's
    ``reports``), so it is made owner-only even if an older version left it
    open. Raises OSError like ``Path.write_text``; the old file is replaced atomically.
    """
    if not path.parent.is_dir():
        path.parent.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    if own_folder:
        os.chmod(path.parent, DIR_MODE)
    write_atomic(path, text.encode("utf-8"), mode=FILE_MODE)
    os.chmod(path, FILE_MODE)


def encode(data: Any) -> bytes:
    """Compact JSON, UTF-8 (notes are not ASCII-only)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def existing_copy(path: Path, data: bytes) -> Path | None:
    """An earlier backup of ``path`` holding exactly ``data``, if there is one."""
    for old in sorted(path.parent.glob(f"{path.name}.corrupt-*")):
        try:
            if old.read_bytes() == data:
                return old
        except OSError:
            continue
    return None


def backup_copy(path: Path) -> tuple[Path | None, str]:
    """Copy a damaged file aside (timestamped, the damaged file's group access kept, never others'),
    reusing an identical earlier copy."""
    try:
        data = path.read_bytes()
        mode = (stat.S_IMODE(path.stat().st_mode) & 0o060) | FILE_MODE
        old = existing_copy(path, data)
        if old is not None:
            return old, ""
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
        target = path.with_name(f"{path.name}.corrupt-{stamp}")
        atomic_write_bytes(target, data, mode=mode)
        log.warning("damaged store file %s copied to %s", path, target.name)
        return target, ""
    except (OSError, StoreError) as exc:
        return None, str(exc)


def corrupt(path: Path, detail: str, *, backup: bool = True) -> CorruptFileError:
    """Back the file up (unless ``backup`` is False: read-only commands write nothing) and
    build the error that reports it."""
    if not backup:   # read-only: name an earlier copy if one exists, make none
        try:
            return CorruptFileError(path, detail, existing_copy(path, path.read_bytes()))
        except OSError:
            return CorruptFileError(path, detail, None)
    copy, err = backup_copy(path)
    return CorruptFileError(path, detail, copy, err)


def read_json(path: Path, *, backup: bool = True) -> Any:
    """The parsed file, or None if it does not exist; CorruptFileError if it is not JSON.

    Every file the store writes holds a JSON document, so an empty or
    whitespace-only file is damage (a truncated write by something else), not
    an empty database: it is reported like any other damaged file, never
    silently treated as new and overwritten.
    """
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise StoreError(f"{path} is a folder where a store file was expected") from None
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {_describe_os_error(exc)}") from None
    if not raw.strip():
        detail = "is empty (zero length)" if not raw else "holds only whitespace"
        raise corrupt(path, detail, backup=backup)
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise corrupt(path, f"is not UTF-8 text (bad byte at offset {exc.start})", backup=backup) from None
    except json.JSONDecodeError as exc:
        raise corrupt(path, f"is not valid JSON (line {exc.lineno}, column {exc.colno})", backup=backup) from None
    except RecursionError:
        raise corrupt(path, "holds JSON nested too deeply to read", backup=backup) from None


def read_tables(path: Path, *, backup: bool = True) -> dict[str, dict[str, Any]] | None:
    """A TinyDB file's tables, checking the outer shape TinyDB relies on."""
    data = read_json(path, backup=backup)
    if data is None:
        return None
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise corrupt(path, "is JSON but not a medcoder store table file", backup=backup)
    return data


class DurableStorage(Storage):
    """A TinyDB storage over one JSON file, written atomically and durably.

    With ``batch=True`` writes stay in memory until :meth:`commit`, so several
    table operations (update a case and append its audit entry) land on disk
    as one atomic replace.
    """

    def __init__(self, path: str | Path, *, sync: bool = True, batch: bool = False,
                 mode: int = FILE_MODE) -> None:
        self.path = Path(path)
        self.sync = sync
        self.mode = mode
        self.batch = batch
        self._data: dict[str, dict[str, Any]] | None = None
        self._dirty = False

    def read(self) -> dict[str, dict[str, Any]] | None:
        if self._data is not None:
            return self._data
        data = read_tables(self.path)
        if self.batch:
            self._data = data if data is not None else {}
        return data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        if self.batch:
            self._data = data
            self._dirty = True
            return
        atomic_write_bytes(self.path, encode(data), sync=self.sync, mode=self.mode)

    def commit(self) -> None:
        """Write the batched state, durably, if anything changed."""
        if self._dirty and self._data is not None:
            atomic_write_bytes(self.path, encode(self._data), sync=self.sync, mode=self.mode)
        self._dirty = False

    def commit_case(self, case_json: str) -> None:
        """Write the batched tables with the case record given as JSON text, durably.

        The record replaces table ``cases`` (one case per file); pydantic writes a model
        straight to JSON several times faster than a dict goes through ``json.dumps``, and
        the bytes are the same. The batch is spent: a later :meth:`read` reads the file.
        """
        data = self._data if self._data is not None else {}
        parts = [b'"cases":{"1":' + case_json.encode("utf-8") + b"}"]
        parts += [encode(name) + b":" + encode(table) for name, table in data.items() if name != "cases"]
        atomic_write_bytes(self.path, b"{" + b",".join(parts) + b"}", sync=self.sync, mode=self.mode)
        self.close()

    def close(self) -> None:
        self._data = None
        self._dirty = False
