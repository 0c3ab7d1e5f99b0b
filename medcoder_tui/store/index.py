"""The case index: one compact record per case, so listings never read every case file.

Each record holds what the worklist, ``stats`` and ``export`` need: status,
note path, counts, times, note hash, setting, coder, the case's export rows
and its share of the figures. It lives in two files beside the cases::

    <store>/index.json    {"version": 1, "entries": {case id: record}}   (rewritten atomically)
    <store>/index.jsonl   one {"id": ..., "entry": record} line per case write since then

A case write appends its new record to the journal while it still holds the
case's lock, right after the case file itself was replaced (writers of
different cases append at once: each line is one O_APPEND write). When the
journal passes ``JOURNAL_LIMIT`` the writer folds it into index.json after
letting go of the case, under the store-wide lock held exclusively. The index is
derived data: every record carries the signature (inode, mtime, size) of the
case file it was built from, and a reader stats the case files and rebuilds
any record whose file changed, appeared or vanished (a write killed between
the case file and the journal, a missing or damaged index, a file edited by
hand). The case files stay the single source of truth.
"""

from __future__ import annotations

import gc
import json
import os
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from medcoder_tui.store import layout
from medcoder_tui.store.files import (
    PERSONAL,
    CorruptFileError,
    Modes,
    atomic_write_bytes,
    encode,
    read_tables,
    set_mode,
)
from medcoder_tui.store.models import AuditEntry, Case, StoreError, review_state
from medcoder_tui.store.reports import case_export_rows, case_stats_part, engine_label

INDEX_FILE = "index.json"
JOURNAL_FILE = "index.jsonl"
VERSION = 3
# Per final code, the export fields that are not the case's own (kept as lists: a third of the size).
CODE_FIELDS = ("position", "system", "code", "description", "source", "coder", "decided_at")
JOURNAL_LIMIT = 4 * 1024 * 1024   # past this the journal is folded into index.json

Sig = list[int]


@contextmanager
def gc_paused() -> Iterator[None]:
    """Parsing or walking the index creates a few million objects and no cycles: the cyclic
    collector would rescan them again and again (several times slower at 10,000 cases)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def file_sig(path: Path | str) -> Sig | None:
    """(inode, mtime ns, size) of a file, or None when it is gone."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_ino, st.st_mtime_ns, st.st_size]


def change_signature(root: Path | str) -> tuple:
    """What changes whenever any session writes a case, a claim or an assignment: a few stats of
    the store folder, no reads (a worklist polls it to redraw after another coder's change)."""
    sig = []
    for name in (JOURNAL_FILE, INDEX_FILE, "claims", "assignments.json"):
        try:
            st = os.stat(os.path.join(root, name))
            sig.append((st.st_ino, st.st_mtime_ns, st.st_size))
        except OSError:
            sig.append(None)
    return tuple(sig)


def build_entry(case: Case, raw_audit: dict[str, Any], sig: Sig | None) -> dict[str, Any]:
    """The index record of one case, from its parsed case and its raw audit table."""
    entries = sorted((AuditEntry.model_validate(raw_audit[k]) for k in raw_audit), key=lambda e: e.ts)
    decided = [e for e in entries if e.action in ("accept", "reject", "edit", "add_manual", "remove_final",
                                                   "reorder", "status", "undo")]
    coder = case.completed_by or (decided[-1].user if decided else case.user)
    accepted = sum(1 for v in case.decisions.values() if v == "accepted")
    return {
        "v": VERSION, "sig": sig, "id": case.id, "note_path": case.note_path, "status": case.status.value,
        "setting": case.setting, "user": case.user, "coder": coder, "review": review_state(case),
        "created_at": case.created_at.isoformat(), "updated_at": case.updated_at.isoformat(),
        "completed_at": case.completed_at.isoformat() if case.completed_at else None,
        "note_hash": case.note_hash, "current_hash": case.current_hash, "note_changed": case.note_changed,
        "note_sig": list(case.note_sig), "engine": case.engine, "model": case.model,
        "suggestions": len(case.suggestions), "accepted": accepted,
        "rejected": sum(1 for v in case.decisions.values() if v == "rejected"),
        "final": len(case.final_codes),
        "codes": [[r[k] for k in CODE_FIELDS] for r in
                  (row.model_dump(mode="json") for row in case_export_rows(case, entries))],
        "stats": case_stats_part(entries, engine_label(case.engine, case.model)),
    }


def _case_files(root: Path) -> dict[str, str]:
    """case id -> file, found with scandir (plain strings: pathlib costs more than the listing)."""
    found: dict[str, str] = {}
    base = root / layout.CASES_DIR
    try:
        shards = [e for e in os.scandir(base) if e.is_dir(follow_symlinks=False)]
    except FileNotFoundError:
        return found
    for shard in shards:
        for e in os.scandir(shard.path):
            name = e.name
            if name.endswith(".json") and layout.CASE_ID.match(name[:-5]):
                found[name[:-5]] = e.path
    return found


class CaseIndex:
    """Reads, checks and updates the index of one store folder.

    ``parse(path, tables)`` turns a case file's tables into a Case (the
    store's own parser, so damage is reported the same way); ``writable``
    False (read-only commands) keeps everything in memory and writes nothing.
    """

    def __init__(self, root: Path, parse: Callable[[Path, dict], Case], *, writable: bool,
                 sync: bool = True, modes: Modes = PERSONAL) -> None:
        self.root = root
        self.modes = modes
        self.parse = parse
        self.writable = writable
        self.sync = sync
        self._entries: dict[str, dict[str, Any]] = {}
        self._base_sig: Sig | None = None
        self._journal_pos = 0
        self._journal_ino: int | None = None
        self.fold_due = False     # the journal grew past JOURNAL_LIMIT: fold() once no case is held

    @property
    def index_path(self) -> Path:
        return self.root / INDEX_FILE

    @property
    def journal_path(self) -> Path:
        return self.root / JOURNAL_FILE

    # ------------------------------------------------------------------ writing
    def record(self, entry: dict[str, Any]) -> None:
        """Append one case's new record (the caller holds the case's lock and just wrote the case)."""
        if not self.writable:
            return
        line = json.dumps({"id": entry["id"], "entry": entry}, ensure_ascii=False, separators=(",", ":"))
        try:
            fd = os.open(self.journal_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND,
                         self.modes.file)
            try:
                os.write(fd, (line + "\n").encode("utf-8"))
                st = os.fstat(fd)
                size = st.st_size
                if stat.S_IMODE(st.st_mode) != self.modes.file and st.st_uid == os.geteuid():
                    os.fchmod(fd, self.modes.file)   # a new journal: the umask narrowed its mode
            finally:
                os.close(fd)
        except OSError:
            return   # the case file is written; the next reader rebuilds this record from it
        if size > JOURNAL_LIMIT:
            self.fold_due = True

    def fold(self, *, only_if_large: bool = False) -> None:
        """Write every record into index.json and empty the journal (store-wide lock held exclusively);
        ``only_if_large``: unless another session folded it meanwhile."""
        self.fold_due = False
        if only_if_large and (file_sig(self.journal_path) or [0, 0, 0])[2] <= JOURNAL_LIMIT:
            return
        self._read_files()
        self._save()

    def _save(self) -> None:
        try:
            atomic_write_bytes(self.index_path, encode({"version": VERSION, "entries": self._entries}),
                               sync=self.sync, mode=self.modes.file)
            with open(self.journal_path, "wb"):
                pass
            set_mode(self.journal_path, self.modes.file)
        except (OSError, StoreError):
            return   # a stale index costs a rebuild, never a decision
        self._base_sig = file_sig(self.index_path)
        self._journal_pos = 0
        self._journal_ino = (file_sig(self.journal_path) or [None])[0]

    # ------------------------------------------------------------------ reading
    def _read_files(self) -> None:
        """Bring the in-memory records up to date with index.json and the journal's new lines."""
        sig = file_sig(self.index_path)
        if sig != self._base_sig:
            self._entries, self._journal_pos = {}, 0
            try:
                doc = json.loads(self.index_path.read_bytes()) if sig else {}
            except (OSError, ValueError, RecursionError):
                doc = {}
            if isinstance(doc, dict) and doc.get("version") == VERSION and isinstance(doc.get("entries"), dict):
                self._entries = doc["entries"]
            self._base_sig = sig
        jsig = file_sig(self.journal_path)
        if jsig is None or jsig[0] != self._journal_ino or jsig[2] < self._journal_pos:
            self._journal_pos = 0       # a new or truncated journal: read it from the start
            self._journal_ino = jsig[0] if jsig else None
        if jsig is None or jsig[2] == self._journal_pos:
            return
        try:
            with open(self.journal_path, "rb") as fh:
                fh.seek(self._journal_pos)
                data = fh.read()
        except OSError:
            return
        end = data.rfind(b"\n") + 1     # a line cut short by a kill is ignored (and rebuilt)
        for line in data[:end].splitlines():
            try:
                item = json.loads(line)
                self._entries[str(item["id"])] = item["entry"]
            except (ValueError, KeyError, TypeError, RecursionError):
                continue
        self._journal_pos += end

    def load(self, damaged: list[StoreError], lock: Callable[[], Any] | None = None) -> dict[str, dict[str, Any]]:
        """Every readable case's record, checked against the case files on disk.

        Damaged case files are appended to ``damaged`` (and left out); with
        ``lock`` (a writable store) rebuilt records are saved for the next reader.
        """
        with gc_paused():
            return self._load(damaged, lock)

    def _load(self, damaged: list[StoreError], lock: Callable[[], Any] | None) -> dict[str, dict[str, Any]]:
        self._read_files()
        files = _case_files(self.root)
        changed = False
        for gone in set(self._entries) - set(files):
            del self._entries[gone]
            changed = True
        for case_id, path in files.items():
            sig = file_sig(path)
            entry = self._entries.get(case_id)
            if sig is None:
                self._entries.pop(case_id, None)
                continue
            if entry is not None and entry.get("sig") == sig and entry.get("v") == VERSION:
                continue
            self._entries.pop(case_id, None)
            changed = True
            path = Path(path)
            try:
                tables = read_tables(path, backup=self.writable)
                if tables is None:
                    continue
                case = self.parse(path, tables)
                self._entries[case_id] = build_entry(case, tables.get("decisions", {}), sig)
            except CorruptFileError as exc:
                damaged.append(exc)
            except StoreError as exc:
                damaged.append(exc)
            except (ValueError, TypeError) as exc:   # audit entries this version cannot read
                damaged.append(StoreError(f"{path} holds audit entries this version cannot read ({exc})"))
        if changed and self.writable and lock is not None:
            try:
                with lock():
                    self._read_files()     # lines other sessions appended meanwhile
                    self._save()
            except StoreError:
                pass
        return self._entries


def export_rows_of(entry: dict[str, Any], note_changed: bool) -> list[dict[str, Any]]:
    """The export rows (see ``reports.EXPORT_COLUMNS``) of one index record."""
    case = {"case_id": entry["id"], "note_path": entry["note_path"], "status": entry["status"],
            "completed_at": entry["completed_at"], "note_changed": note_changed}
    return [{**dict(zip(CODE_FIELDS, code)), **case} for code in entry["codes"]]


def note_changed_since(entry: dict[str, Any]) -> bool:
    """Whether the note file no longer holds the text this case was coded on (a missing note counts).

    A stat that matches the one taken when the text was read settles it
    without reading the note; otherwise the note is read and hashed.
    """
    from medcoder_tui.notes import NoteError, load_note, note_hash

    if entry.get("note_changed") or entry.get("current_hash") != entry.get("note_hash"):
        return True
    try:
        st = os.stat(entry["note_path"])
    except OSError:
        return True
    if entry.get("note_sig") == [st.st_mtime_ns, st.st_size]:
        return False
    try:
        return note_hash(load_note(entry["note_path"])) != entry.get("note_hash")
    except (NoteError, OSError):
        return True
