"""The coder's decisions on a case, as :class:`~medcoder_tui.store.repository.Store` methods.

A mixin of the Store: each method changes one case through the Store's ``_mutate`` (or, for a
group of changes that one undo reverts, ``_open_for_group``/``_commit_group``) under the
store lock, so every decision is durable, audited and undoable. The rules of each decision
live in :mod:`medcoder_tui.store.decisions`.
"""

from __future__ import annotations

import uuid
from typing import Any

from medcoder_tui.engines.models import SuggestionResult
from medcoder_tui.store import decisions as dec
from medcoder_tui.store import layout
from medcoder_tui.store.models import Case, CaseStatus, FinalCode, StoreError


class CaseDecisions:
    """Accept, reject, edit, add, remove, reorder, setting, status, position and undo."""

    def save_suggestions(self, case_id: str, result: SuggestionResult) -> Case:
        """Show a new engine run; decisions whose suggestion is still there are kept."""
        return self._mutate(case_id, lambda c, _: dec.save_suggestions(c, result))

    def accept(self, case_id: str, key: str, reason: str = "") -> Case:
        """Accept a suggestion; refused (StoreError) unless it is acceptable, and, for a code the
        note's words do not support, unless ``reason`` says why (kept in the audit trail)."""
        return self._mutate(case_id, lambda c, _: dec.accept(c, key, reason))

    def accept_many(self, case_id: str, keys: list[str]) -> Case:
        """Accept several suggestions as one coder action: one file write, one audit group,
        and one :meth:`undo` reverts them all. Refused as a whole if any one is refused."""
        with self._case_locked(case_id):
            db, storage, case, _ = self._open_for_group(case_id)
            changes: list[tuple[dec.Change, dict[str, Any] | None]] = []
            for key in dict.fromkeys(keys):
                state = dec.decision_state(case)
                was = state["status"]
                change = dec.accept(case, key)
                dec.refuse_if_completed(case_id, was, change)
                if change is not None:
                    changes.append((change, dec.undo_diff(state, case)))
            if changes:
                self._commit_group(db, storage, case, changes, uuid.uuid4().hex)
            return case

    def reopen(self, case_id: str, reason: str = "") -> Case:
        """Put a completed case back in progress so its codes can change; the audit trail records it."""
        case = self.get_case(case_id)
        if case is None:
            raise StoreError(f"no case {case_id!r} in {self.path}")
        if case.status is not CaseStatus.COMPLETED:
            raise StoreError(f"case {case_id} is not completed; there is nothing to reopen")
        return self.set_status(case_id, CaseStatus.IN_PROGRESS, reason=reason or "reopened")

    def reject(self, case_id: str, key: str) -> Case:
        """Reject a suggestion."""
        return self._mutate(case_id, lambda c, _: dec.reject(c, key))

    def edit_code(self, case_id: str, key: str, new: FinalCode) -> Case:
        """Replace a suggestion's code with a validated, billable code of the coder's choice."""
        return self._mutate(case_id, lambda c, _: dec.edit_code(c, key, new))

    def add_manual(self, case_id: str, code: FinalCode) -> Case:
        """Add a validated, billable code the engine did not suggest."""
        return self._mutate(case_id, lambda c, _: dec.add_manual(c, code))

    def remove_final(self, case_id: str, key_or_code: str) -> Case:
        """Take a code off the final list (a suggested one becomes rejected)."""
        return self._mutate(case_id, lambda c, _: dec.remove_final(c, key_or_code))

    def reorder(self, case_id: str, ordered_codes: list[str]) -> Case:
        """Sequence the final codes: the named ones first, in that order."""
        return self._mutate(case_id, lambda c, _: dec.reorder(c, list(ordered_codes)))

    def set_setting(self, case_id: str, setting: str) -> Case:
        """Code the case for another care setting (outpatient, inpatient, ed)."""
        return self._mutate(case_id, lambda c, _: dec.set_setting(c, setting))

    def set_status(self, case_id: str, status: CaseStatus | str, *, override: bool = False,
                   reason: str = "") -> Case:
        """Complete, skip or reopen a case; ``override`` records completion over open errors."""
        try:
            status = CaseStatus(status)
        except ValueError:
            raise StoreError(f"unknown case status {status!r}") from None
        return self._mutate(case_id, lambda c, _: dec.set_status(c, status, override, reason,
                                                                 self.user, self._clock()))

    def set_position(self, case_id: str, position: int) -> Case:
        """Remember the selected row (durable, but not an audited decision)."""
        position = max(0, int(position))
        if not layout.CASE_ID.match(case_id or ""):
            raise StoreError(f"no case {case_id!r} in {self.path}")
        with self._case_locked(case_id):
            case = self._read_case(case_id)
            if case is None:
                raise StoreError(f"no case {case_id!r} in {self.path}")
            self.refuse_if_claimed(case_id)
            if case.position != position:
                case.position = position
                db, storage = self._db(layout.case_file(self.path, case_id))
                self._commit(db, storage, case, None, None)
            return case

    def undo(self, case_id: str) -> Case:
        """Revert the case's last decision not yet undone, and record the undo.

        Entries written by one action (a group, e.g. accept all) are reverted
        together, newest first, each with its own undo entry in the same group.
        """
        if not layout.CASE_ID.match(case_id or ""):
            raise StoreError(f"no case {case_id!r} in {self.path}")
        with self._case_locked(case_id):
            db, storage, case, audit = self._open_for_group(case_id)
            undone = {e.target for e in audit if e.action == "undo"}
            todo = [e for e in audit if e.action in dec.UNDOABLE and e.id not in undone
                    and e.undo_state is not None]
            if not todo:
                raise StoreError(f"nothing to undo in case {case_id}")
            last = todo[-1]
            picked = [e for e in reversed(todo) if e.group == last.group] if last.group else [last]
            changes: list[tuple[dec.Change, dict[str, Any] | None]] = []
            for entry in picked:
                dec.restore_state(case, entry.undo_state or {})
                changes.append((dec.Change("undo", entry.id, {"action": entry.action, "target": entry.target,
                                                              "value": entry.after},
                                           {"action": entry.action, "target": entry.target,
                                            "value": entry.before}), None))
            if last.group:
                self._commit_group(db, storage, case, changes, last.group)
            else:
                self._commit(db, storage, case, changes[0][0], None)
            return case
