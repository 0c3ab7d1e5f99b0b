"""Work assignment: a lead coder gives notes to coders (``medcoder assign``).

Assignments are kept by case id (the hash of the note's resolved path, so a
note can be assigned before anyone opens it) in one file beside the cases::

    <store>/assignments.json   {"assignments": {case id: {"coder", "note_path", "by", "at"}}}

It is rewritten atomically under the store lock with the store's modes, and
every change is appended to ``assignments.log`` (who gave which note to whom,
when), so reassignments stay traceable.
"""

from __future__ import annotations

import json
import os
import pwd
from pathlib import Path
from typing import Any

from medcoder_tui.store.files import atomic_write_bytes, encode, read_tables
from medcoder_tui.store.layout import case_id_for
from medcoder_tui.store.models import StoreError

ASSIGN_FILE = "assignments.json"
ASSIGN_LOG = "assignments.log"


def check_coder(name: str) -> str:
    """The coder's OS account name; StoreError when no such account exists."""
    try:
        return pwd.getpwnam(name).pw_name
    except KeyError:
        raise StoreError(f"there is no user account {name!r} on this system; assign notes to a coder's "
                         "login name") from None


class Assignments:
    """The assignment methods of :class:`~medcoder_tui.store.repository.Store` (a mixin)."""

    def assignments(self) -> dict[str, dict[str, Any]]:
        """case id -> {"coder", "note_path", "by", "at"} for every assigned note."""
        tables = read_tables(self.path / ASSIGN_FILE, backup=self._backup) or {}
        return dict(tables.get("assignments", {}))

    def assign(self, note_paths: list[str | Path], coder: str | None) -> int:
        """Give these notes to ``coder`` (None takes them back); how many changed."""
        if coder is not None:
            coder = check_coder(coder)
        with self._locked():
            current = self.assignments()
            ts = self._clock().isoformat()
            lines = []
            for note in note_paths:
                resolved = str(Path(note).expanduser().resolve())
                case_id = case_id_for(resolved)
                before = current.get(case_id, {}).get("coder")
                if before == coder:
                    continue
                if coder is None:
                    current.pop(case_id, None)
                else:
                    current[case_id] = {"coder": coder, "note_path": resolved, "by": self.user, "at": ts}
                lines.append(json.dumps({"at": ts, "by": self.user, "case_id": case_id, "note_path": resolved,
                                         "from": before, "to": coder}, ensure_ascii=False))
            if lines:
                atomic_write_bytes(self.path / ASSIGN_FILE, encode({"assignments": current}),
                                   sync=self.fsync, mode=self.modes.file)
                fd = os.open(self.path / ASSIGN_LOG, os.O_WRONLY | os.O_CREAT | os.O_APPEND, self.modes.file)
                try:
                    os.write(fd, ("\n".join(lines) + "\n").encode("utf-8"))
                    if os.fstat(fd).st_uid == os.geteuid():
                        os.fchmod(fd, self.modes.file)
                finally:
                    os.close(fd)
            return len(lines)
