"""Case claims in a team store: one coder codes a case at a time.

Opening a case in a team store claims it; the claim is one small file::

    <store>/claims/<case id>.json   {"case_id", "coder", "host", "pid", "session", "since", "heartbeat"}

It is written under the case's lock (:mod:`medcoder_tui.store.locks`), through
a temporary file created with O_EXCL and renamed into place, so two coders
racing for a case are serialised: exactly one wins, the other gets
:class:`ClaimedError` naming the winner. A claim is not fsynced: the rename
makes it whole for every other process, and after a power cut, when no session
is left to hold anything, a lost or empty claim file simply holds nothing.
The holder refreshes ``heartbeat`` while the case is open; a claim whose
heartbeat is older than the store's ``claim_expiry`` (a crashed session, a
dropped SSH connection) has expired and may be taken over, and the takeover is
written into the case's audit trail. Quitting releases the session's claims.
Decisions on a case that another session holds are refused. A personal store
has no claims: every method is a no-op there.
"""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from medcoder_tui.store import decisions as dec
from medcoder_tui.store import layout
from medcoder_tui.store.files import atomic_write_bytes, encode, ensure_dir, read_json
from medcoder_tui.store.models import StoreError

CLAIMS_DIR = "claims"


@dataclass(frozen=True)
class Claim:
    """Who holds a case, from where, since when, and their last sign of life."""

    case_id: str
    coder: str
    host: str
    pid: int
    session: str
    since: datetime
    heartbeat: datetime

    def describe(self) -> str:
        """"being coded by NAME since HH:MM" (local time), as the worklist shows it."""
        return f"being coded by {self.coder} since {self.since.astimezone():%H:%M}"

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "since": self.since.isoformat(), "heartbeat": self.heartbeat.isoformat()}

    @classmethod
    def from_json(cls, doc: Any) -> Claim | None:
        try:
            return cls(case_id=str(doc["case_id"]), coder=str(doc["coder"]), host=str(doc["host"]),
                       pid=int(doc["pid"]), session=str(doc["session"]),
                       since=datetime.fromisoformat(doc["since"]),
                       heartbeat=datetime.fromisoformat(doc["heartbeat"]))
        except (KeyError, TypeError, ValueError):
            return None   # a damaged claim holds nothing: the case can be claimed again


class ClaimedError(StoreError):
    """The case is held by another session whose claim has not expired."""

    def __init__(self, claim: Claim) -> None:
        self.claim = claim
        super().__init__(f"case {claim.case_id} is {claim.describe()} on {claim.host}; "
                         "it opens read-only until they finish or their claim expires")


class CaseClaims:
    """The claim methods of :class:`~medcoder_tui.store.repository.Store` (a mixin relying on its
    ``path``, ``kind``, ``modes``, ``user``, ``_clock``, ``_case_locked`` and ``_mutate``)."""

    session: str
    claim_expiry: float

    def _claim_init(self, claim_expiry: float) -> None:
        self.session = uuid.uuid4().hex
        self.claim_expiry = float(claim_expiry)
        self._held: set[str] = set()

    def _claim_path(self, case_id: str) -> Path:
        return self.path / CLAIMS_DIR / f"{case_id}.json"

    def claim_of(self, case_id: str) -> Claim | None:
        """The live claim on a case (expired ones are None), in a team store."""
        if self.kind != "team" or not layout.CASE_ID.match(case_id or ""):
            return None
        try:
            claim = Claim.from_json(read_json(self._claim_path(case_id), backup=False))
        except StoreError:
            return None
        return claim if claim is not None and self._live(claim) else None

    def claims(self) -> dict[str, Claim]:
        """Every live claim of the store, by case id (for the worklist)."""
        folder = self.path / CLAIMS_DIR
        if self.kind != "team" or not folder.is_dir():
            return {}
        out = {}
        for path in folder.glob("*.json"):
            claim = self.claim_of(path.stem)
            if claim is not None:
                out[claim.case_id] = claim
        return out

    def _live(self, claim: Claim) -> bool:
        return self._clock() - claim.heartbeat < timedelta(seconds=self.claim_expiry)

    def mine(self, claim: Claim | None) -> bool:
        return claim is not None and claim.session == self.session

    def claim(self, case_id: str) -> Claim | None:
        """Claim a case for this session (None in a personal store).

        ClaimedError when another session holds a live claim; an expired one
        is taken over and the takeover is recorded in the case's audit trail.
        """
        if self.kind != "team":
            return None
        seen = self.claim_of(case_id)   # a claim file is replaced whole: a race already lost needs no lock
        if seen is not None and not self.mine(seen):
            raise ClaimedError(seen)
        with self._case_locked(case_id):
            if not layout.case_file(self.path, case_id).is_file():
                raise StoreError(f"no case {case_id!r} in {self.path}")
            path = self._claim_path(case_id)
            try:
                old = Claim.from_json(read_json(path, backup=False))
            except StoreError:
                old = None
            if old is not None and not self.mine(old) and self._live(old):
                raise ClaimedError(old)
            now = self._clock()
            since = old.since if self.mine(old) else now
            new = Claim(case_id, self.user, socket.gethostname(), os.getpid(), self.session, since, now)
            if old is not None and not self.mine(old):
                before = {"coder": old.coder, "host": old.host, "since": old.since.isoformat(),
                          "heartbeat": old.heartbeat.isoformat()}
                self._mutate(case_id, lambda c, _: dec.Change("claim_takeover", case_id, before,
                                                                 {"coder": new.coder, "host": new.host}))
            ensure_dir(path.parent, self.modes)
            atomic_write_bytes(path, encode(new.to_json()), sync=False, mode=self.modes.file)
            self._held.add(case_id)
            return new

    def claim_only(self, case_id: str) -> Claim | None:
        """Claim this case and give back every other case this session held (one open case)."""
        claim = self.claim(case_id)
        for held in list(self._held - {case_id}):
            self.release(held)
        return claim

    def heartbeat(self) -> None:
        """Refresh every claim this session holds (a claim lost to a takeover is dropped)."""
        for case_id in list(self._held):
            try:
                self.claim(case_id)
            except ClaimedError:
                self._held.discard(case_id)

    def release(self, case_id: str) -> None:
        """Give a case back (only this session's own claim is removed)."""
        if self.kind != "team" or not layout.CASE_ID.match(case_id or ""):
            self._held.discard(case_id)
            return
        with self._case_locked(case_id):
            path = self._claim_path(case_id)
            try:
                old = Claim.from_json(read_json(path, backup=False))
            except StoreError:
                old = None
            if self.mine(old):
                path.unlink(missing_ok=True)
            self._held.discard(case_id)

    def release_all(self) -> None:
        """Give back every case this session holds (on quit)."""
        for case_id in list(self._held):
            self.release(case_id)

    def refuse_if_claimed(self, case_id: str) -> None:
        """ClaimedError when another session holds a live claim on the case (its lock held)."""
        if self.kind == "team":
            claim = self.claim_of(case_id)
            if claim is not None and not self.mine(claim):
                raise ClaimedError(claim)
