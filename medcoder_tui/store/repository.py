"""The case store: the only code that reads or writes the store's TinyDB files.

Every mutating method takes a cross-process lock (and a thread RLock),
re-reads the file it changes, applies one decision, and returns only after the
new file is fsynced and renamed into place. The case and its new audit entry
live in the same file, so they are written in one atomic step. A change of one
case holds only that case's lock (and the store-wide lock shared), so coders on
different cases never wait for each other; files of the whole store take the
store-wide lock exclusively (see :mod:`medcoder_tui.store.locks`). See
:mod:`medcoder_tui.store.layout` for the folder layout and path rule.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from tinydb import TinyDB

from medcoder_tui.notes import note_hash
from medcoder_tui.store import decisions as dec
from medcoder_tui.store import layout, team
from medcoder_tui.store.assignments import Assignments
from medcoder_tui.store.case_decisions import CaseDecisions
from medcoder_tui.store.claims import CaseClaims
from medcoder_tui.store.files import DurableStorage, corrupt, read_tables
from medcoder_tui.store.index import CaseIndex, build_entry, file_sig, gc_paused
from medcoder_tui.store.layout import case_id_for
from medcoder_tui.store.locks import LockTimeout, StoreLocks
from medcoder_tui.store.models import AuditEntry, Case, CaseStatus, StoreError
from medcoder_tui.store.qa import QualityReview
from medcoder_tui.store.references import ReferenceRecords

log = logging.getLogger("medcoder.store")

Mutation = Callable[[Case, list[AuditEntry] | None], "dec.Change | None"]


def current_user() -> str:
    """The OS account recorded with every decision (see :func:`medcoder_tui.store.team.os_account`)."""
    return team.os_account()




def _detached(case: Case) -> Case:
    """A copy whose lists a caller may change without touching the cached case (a deep copy of
    every suggestion would cost milliseconds per case)."""
    return case.model_copy(update={"suggestions": list(case.suggestions), "decisions": dict(case.decisions),
                                   "final_codes": list(case.final_codes)})


class Store(CaseDecisions, ReferenceRecords, CaseClaims, Assignments, QualityReview):
    """Cases, their audit trail, gold codes and evaluation runs, kept durably on disk.

    ``path`` is a folder or a ``.json`` name (see :mod:`medcoder_tui.store.layout`);
    :attr:`path` is the folder actually used. ``read_only`` opens an existing
    store without creating or locking anything. ``fsync=False`` exists only
    for seeding benchmarks and must not be used for real work. In a team store
    ``claim_expiry`` is how many seconds a claim outlives its last heartbeat
    (see :mod:`medcoder_tui.store.claims`).
    """

    def __init__(self, path: Path | str, *, read_only: bool = False, clock: Callable[[], datetime] | None = None,
                 lock_timeout: float = 15.0, fsync: bool = True, claim_expiry: float = 600.0) -> None:
        self.requested_path = Path(path).expanduser()
        self.read_only = read_only
        self.fsync = fsync
        self.user = current_user()
        self._clock = clock or layout.now
        self._lock_timeout = lock_timeout
        self._claim_init(claim_expiry)
        self._rlock = threading.RLock()
        self._cache: dict[Path, tuple[tuple[int, int, int], Case, dict[str, Any]]] = {}
        self._backup = not read_only     # read-only commands leave the disk exactly as it was
        self.skipped: list[StoreError] = []   # damaged case files the last listing left out
        root, ready = layout.check_existing(self.requested_path, read_only=read_only)
        self.path = root
        meta = team.read_meta(root, backup=not read_only) if ready else {}
        self.kind, self.modes = team.kind_of(root, meta)
        self.group: str | None = meta.get("group") if self.kind == "team" else None
        if self.kind == "team":
            team.check_team_root(root, meta)
        self.index = CaseIndex(root, self._parse_case, writable=not read_only, sync=fsync, modes=self.modes)
        self._locks = StoreLocks(root, layout.LOCK_FILE, self.modes.file, lock_timeout,
                                 lambda folder: layout.ensure_dir(folder, self.modes))
        if read_only:
            return
        layout.ensure_dir(root, self.modes)
        layout.probe_writable(root)
        with self._locked():
            if not ready:
                layout.initialise(self.requested_path, root, sync=fsync)
            if layout.sweep_temp_files(root):
                log.info("removed temporary files left by an interrupted writer in %s", root)

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r})"

    # ----------------------------------------------------------------- locking
    @contextmanager
    def _locked(self) -> Iterator[None]:
        """The store-wide lock, exclusive: for files of the whole store."""
        with self._lock_guard():
            with self._locks.store(exclusive=True):
                yield

    @contextmanager
    def _case_locked(self, case_id: str) -> Iterator[None]:
        """One case's lock: for its case file and its claim (other cases stay free)."""
        if not layout.CASE_ID.match(case_id or ""):
            raise StoreError(f"no case {case_id!r} in {self.path}")
        with self._lock_guard():
            with self._locks.case(case_id):
                yield
        if self.index.fold_due and not self._locks.held:   # outside every lock: folding needs the store-wide lock exclusively
            try:
                with self._locked():
                    self.index.fold(only_if_large=True)
            except StoreError:
                pass              # the journal is folded by the next write instead

    @contextmanager
    def _lock_guard(self) -> Iterator[None]:
        if self.read_only:
            raise StoreError(f"the store {self.path} was opened read-only")
        with self._rlock:
            try:
                yield
            except LockTimeout as exc:
                raise StoreError(f"the store {self.path} is busy: another medcoder session has held "
                                 f"{exc.path.name} for over {self._lock_timeout:.0f} s; try again") from None
            except OSError as exc:
                if exc.filename is None or ".lock" not in str(exc.filename):
                    raise
                raise StoreError(f"cannot lock {exc.filename}: {exc.strerror or exc}") from None

    # ------------------------------------------------------------- case files
    def _db(self, path: Path, *, batch: bool = True) -> tuple[TinyDB, DurableStorage]:
        db = TinyDB(path, storage=DurableStorage, batch=batch, sync=self.fsync, mode=self.modes.file)
        return db, db.storage  # type: ignore[return-value]

    def _parse_case(self, path: Path, tables: dict[str, dict[str, Any]]) -> Case:
        doc = tables.get("cases", {}).get("1")
        try:
            return Case.model_validate(doc)
        except ValidationError as exc:
            raise corrupt(path, f"holds a case record this version cannot read ({exc.error_count()} "
                                "field errors)", backup=self._backup) from None
        except RecursionError:
            raise corrupt(path, "holds a case record nested too deeply to read", backup=self._backup) from None

    def _read_case(self, case_id: str) -> Case | None:
        if not layout.CASE_ID.match(case_id or ""):
            return None
        path = layout.case_file(self.path, case_id)
        tables = read_tables(path, backup=self._backup)
        return None if tables is None else self._parse_case(path, tables)

    def _entries(self, path: Path, raw: dict[str, Any]) -> list[AuditEntry]:
        try:
            return [AuditEntry.model_validate(raw[k]) for k in sorted(raw, key=int)]
        except (ValidationError, ValueError, RecursionError):
            raise corrupt(path, "holds audit entries this version cannot read", backup=self._backup) from None

    def _mutate(self, case_id: str, fn: Mutation, *, with_audit: bool = False) -> Case:
        if not layout.CASE_ID.match(case_id or ""):
            raise StoreError(f"no case {case_id!r} in {self.path}")
        with self._case_locked(case_id):
            db, storage, path, tables = self._open_case(case_id)
            case = self._parse_case(path, tables)
            audit = self._entries(path, tables.get("decisions", {})) if with_audit else None
            state = dec.decision_state(case)
            change = fn(case, audit)
            dec.refuse_if_completed(case_id, state["status"], change)
            if change is not None:
                self._commit(db, storage, case, change,
                             dec.undo_diff(state, case) if change.undoable else None)
            return case

    def _commit(self, db: TinyDB, storage: DurableStorage, case: Case, change: dec.Change | None,
                state: dict[str, Any] | None) -> None:
        ts = self._clock()
        case.updated_at = ts
        if change is not None:
            entry = AuditEntry(id=uuid.uuid4().hex, case_id=case.id, ts=ts, user=self.user,
                               action=change.action, target=change.target, before=change.before,
                               after=change.after, undo_state=state, group=change.group,
                               reason=change.reason)
            db.table("decisions").insert(entry.model_dump(mode="json"))
        audit = (storage.read() or {}).get("decisions", {})
        storage.commit_case(case.model_dump_json())
        try:
            entry = build_entry(case, audit, file_sig(storage.path))
        except (ValueError, TypeError):
            entry = None   # the index rebuilds this record from the file
        if entry is not None:
            self.index.record(entry)
        log.debug("case %s: %s saved", case.id, change.action if change else "position")

    def _commit_group(self, db: TinyDB, storage: DurableStorage, case: Case,
                      changes: list[tuple[dec.Change, dict[str, Any] | None]], group: str) -> None:
        """Write the case and several audit entries of one coder action in one atomic step:
        the entries before the last are queued in the same batch that :meth:`_commit` writes."""
        for change, state in changes[:-1]:
            entry = AuditEntry(id=uuid.uuid4().hex, case_id=case.id, ts=self._clock(), user=self.user,
                               action=change.action, target=change.target, before=change.before,
                               after=change.after, undo_state=state, group=group,
                               reason=change.reason)
            db.table("decisions").insert(entry.model_dump(mode="json"))
        last, state = changes[-1]
        last.group = group
        self._commit(db, storage, case, last, state)

    def _open_case(self, case_id: str) -> tuple[TinyDB, DurableStorage, Path, dict]:
        """A case's file opened for a change (another coder's claim refused), and its tables."""
        self.refuse_if_claimed(case_id)
        path = layout.case_file(self.path, case_id)
        db, storage = self._db(path)
        tables = storage.read()
        if not tables or "1" not in tables.get("cases", {}):
            raise StoreError(f"no case {case_id} in {self.path}")
        return db, storage, path, tables

    def _open_for_group(self, case_id: str) -> tuple[TinyDB, DurableStorage, Case, list[AuditEntry]]:
        if not layout.CASE_ID.match(case_id or ""):
            raise StoreError(f"no case {case_id!r} in {self.path}")
        db, storage, path, tables = self._open_case(case_id)
        return db, storage, self._parse_case(path, tables), self._entries(path, tables.get("decisions", {}))

    # ------------------------------------------------------------------ cases
    def open_case(self, note_path: str | Path, note_text: str, *, setting: str = "outpatient") -> Case:
        """The case of this note (by resolved path), created on first open.

        An edited note is noticed: ``note_changed`` is set when the text no
        longer matches the text the suggestions were made for.
        """
        resolved = str(Path(note_path).expanduser().resolve())
        case_id = case_id_for(resolved)
        digest = note_hash(note_text)
        st = file_sig(Path(resolved))
        sig = [st[1], st[2]] if st else []
        existing = self._read_case(case_id)
        if existing is not None and existing.current_hash == digest and (existing.note_sig == sig or not sig):
            return existing   # nothing to record: no lock, no write
        with self._case_locked(case_id):
            path = layout.case_file(self.path, case_id)
            layout.ensure_dir(path.parent, self.modes)
            db, storage = self._db(path)
            tables = storage.read()
            if tables and "1" in tables.get("cases", {}):
                case = self._parse_case(path, tables)
                if case.current_hash == digest:
                    if case.note_sig != sig and sig:   # same text, file touched: remember its new stat
                        case.note_sig = sig
                        self._commit(db, storage, case, None, None)
                    return case
                before = {"hash": case.current_hash, "size": case.current_size, "note_changed": case.note_changed}
                case.current_hash, case.current_size, case.note_sig = digest, len(note_text), sig
                case.note_changed = digest != case.note_hash
                change = dec.Change("note_changed", None, before,
                                    {"hash": digest, "size": len(note_text), "note_changed": case.note_changed})
            else:
                if setting not in dec.SETTINGS:
                    raise StoreError(f"unknown setting {setting!r}; use one of {', '.join(dec.SETTINGS)}")
                ts = self._clock()
                case = Case(id=case_id, note_path=resolved, note_hash=digest, current_hash=digest,
                            note_size=len(note_text), current_size=len(note_text), note_sig=sig,
                            setting=setting, user=self.user, created_at=ts, updated_at=ts)
                change = dec.Change("create", resolved, None, {"setting": setting})
            self._commit(db, storage, case, change, None)
            return case

    def get_case(self, case_id: str) -> Case | None:
        """The case with this id, read fresh from disk, or None."""
        with self._rlock:
            return self._read_case(case_id)

    def case_for_path(self, note_path: str | Path) -> Case | None:
        """The case of the note at this path, if it was ever opened."""
        return self.get_case(case_id_for(note_path))

    def _scan(self) -> list[tuple[Path, Case, dict[str, Any]]]:
        """Every readable case file, parsed; unchanged files come from memory (checked by stat).

        A damaged file is left out and reported in :attr:`skipped` (backed up
        unless the store is read-only), so one bad file never hides the rest.
        """
        with self._rlock, gc_paused():
            self.skipped = []
            found: list[tuple[Path, Case, dict[str, Any]]] = []
            seen: set[Path] = set()
            base = self.path / layout.CASES_DIR
            for path in sorted(base.glob("*/*.json")) if base.is_dir() else []:
                try:
                    st = path.stat()
                except FileNotFoundError:
                    continue
                sig = (st.st_ino, st.st_mtime_ns, st.st_size)
                hit = self._cache.get(path)
                if hit is None or hit[0] != sig:
                    try:
                        tables = read_tables(path, backup=self._backup)
                        if tables is None:
                            continue
                        hit = (sig, self._parse_case(path, tables), tables.get("decisions", {}))
                        self._entries(path, hit[2])
                    except StoreError as exc:
                        self.skipped.append(exc)
                        continue
                    self._cache[path] = hit
                seen.add(path)
                found.append((path, hit[1], hit[2]))
            for gone in set(self._cache) - seen:
                del self._cache[gone]
            return found

    def case_index(self) -> dict[str, dict[str, Any]]:
        """case id -> compact record (see :mod:`medcoder_tui.store.index`), checked against the case
        files; damaged files are left out and reported in :attr:`skipped`."""
        with self._rlock:
            damaged: list[StoreError] = []
            entries = self.index.load(damaged, None if self.read_only else self._locked)
            self.skipped = damaged
            return entries

    def list_cases(self, status: CaseStatus | str | None = None) -> list[Case]:
        """Every case (optionally of one status), oldest first."""
        try:
            wanted = CaseStatus(status) if status is not None else None
        except ValueError:
            raise StoreError(f"unknown case status {status!r}") from None
        with gc_paused():
            cases = [_detached(c) for _, c, _ in self._scan() if wanted is None or c.status is wanted]
            return sorted(cases, key=lambda c: (c.created_at, c.id))

    # -------------------------------------------------------------- decisions
    def audit(self, case_id: str | None = None) -> list[AuditEntry]:
        """The audit trail of one case (in order), or of every case (by time)."""
        with self._rlock:
            if case_id is not None:
                if not layout.CASE_ID.match(case_id):
                    return []
                path = layout.case_file(self.path, case_id)
                tables = read_tables(path, backup=self._backup) or {}
                return self._entries(path, tables.get("decisions", {}))
            with gc_paused():
                entries = [e for path, _, raw in self._scan() for e in self._entries(path, raw)]
            return sorted(entries, key=lambda e: e.ts)
