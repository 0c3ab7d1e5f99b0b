"""Decisions on the review screen: accept, reject, edit, add, undo, setting.

Every decision goes to the store first; the table changes only after the store
has returned, so what the coder sees as done is on disk.
"""

from __future__ import annotations

from typing import Any

from medcoder_tui.store.decisions import bulk_hold_reasons
from medcoder_tui.textsafe import printable
from medcoder_tui.tui.review_state import changed_keys, suggestion_status
from medcoder_tui.tui.screens.messages import ReasonScreen
from medcoder_tui.tui.store_bridge import StoreError, final_code
from medcoder_tui.tui.widgets.suggestions_table import SuggestionsTable


HOLD_LABELS = {"negated": "negated", "uncertain": "uncertain", "history": "history-of",
               "family_history": "family history", "no_evidence": "no evidence",
               "fuzzy_evidence": "approximate evidence", "not_billable": "not billable",
               "needs_7th_character": "need a 7th character", "unsupported": "evidence not naming the code",
               "instruction": "written as an instruction", "guideline": "advised against by a guideline"}
READ_ONLY = "Completed case: read-only. ctrl+o reopens it."


class ReviewDecisions:
    """Mixin for :class:`ReviewScreen`; relies on its ``case``, ``suggestions`` and table helpers."""

    def _refuse_if_completed(self) -> bool:
        """A completed case keeps the codes it was completed with, and a case another coder holds
        is theirs: say so and refuse."""
        held_by = getattr(self, "held_by", None)
        if held_by is not None:
            self.app.bell()
            self.notify(f"Read-only: {held_by.describe()}.", severity="warning", timeout=5)
            return True
        if getattr(self.case.status, "value", "") != "completed":
            return False
        self.app.bell()
        self.notify(READ_ONLY, severity="warning", timeout=5)
        return True

    def _advance_to_pending(self) -> None:
        """Put the cursor on the first row still waiting for a decision."""
        table = self.query_one(SuggestionsTable)
        for row in range(table.row_count):
            key = table.coordinate_to_cell_key((row, 0)).row_key.value
            s = next((x for x in self.suggestions if x.key == key), None)
            if s is not None and suggestion_status(s, self.case) in ("pending", "blocked"):
                table.move_cursor(row=row)
                return

    def _store_call(self, method: str, *args: Any) -> bool:
        try:
            self._ensure_saved()
            self.case = getattr(self.app.services.store, method)(self.case.id, *args)
        except StoreError as exc:
            self.notify(str(exc), title="Not saved", severity="error", timeout=8)
            return False
        self._refresh_statuses()
        return True

    def _advance(self) -> None:
        """After a decision, move to the next row still waiting for one."""
        table = self.query_one(SuggestionsTable)
        start = table.cursor_row
        for row in list(range(start + 1, table.row_count)) + list(range(0, start)):
            key = table.coordinate_to_cell_key((row, 0)).row_key.value
            s = next((x for x in self.suggestions if x.key == key), None)
            if s is not None and suggestion_status(s, self.case) in ("pending", "blocked"):
                table.move_cursor(row=row)
                return
        if start + 1 < table.row_count:
            table.move_cursor(row=start + 1)

    def _accept(self, s: Any) -> bool:
        if not s.acceptable:
            self.app.bell()
            reason = ", ".join(f.value for f in s.flags) or "not valid and billable"
            self.notify(printable(f"{s.code} cannot be accepted ({reason}). Press e to fix the code."),
                        severity="warning", markup=False)
            return False
        if s.needs_confirmation:
            self._confirm_unsupported(s)
            return False   # accepted, if at all, when the coder gives the reason
        return self._store_call("accept", s.key)

    def _confirm_unsupported(self, s: Any) -> None:
        """A code the note's words do not support is accepted only with the coder's reason."""
        why = "; ".join(m for m in s.messages if "confirm" in m or "instruction" in m or "supporting" in m) or \
            "the note's words do not support this code"

        def done(reason: str | None) -> None:
            if reason and self._store_call("accept", s.key, reason):
                self._advance()

        self.app.push_screen(ReasonScreen(f"Accept {s.code}?", f"{why}.\nWhy is {s.code} right for this note? "
                                          "(kept in the audit trail; e edits the code instead)"), done)

    def action_accept(self) -> None:
        if self._refuse_if_completed():
            return
        s = self.current_suggestion()
        if s is not None and self._accept(s):
            self._advance()

    def action_reject(self) -> None:
        if self._refuse_if_completed():
            return
        key = self.query_one(SuggestionsTable).current_key()
        if key and key.startswith("manual:"):
            self._store_call("remove_final", key.split(":", 1)[1])
            return
        s = self.current_suggestion()
        if s is not None and self._store_call("reject", s.key):
            self._advance()

    def action_toggle(self) -> None:
        if self._refuse_if_completed():
            return
        s = self.current_suggestion()
        if s is None:
            return
        if suggestion_status(s, self.case) in ("accepted", "edited"):
            self._store_call("reject", s.key)
        else:
            self._accept(s)

    def action_accept_all(self) -> None:
        """Accept, as one undoable action, every shown pending suggestion that is valid, billable
        and unflagged; say how many were left for a look and why."""
        if self._refuse_if_completed():
            return
        todo: list[str] = []
        held: dict[str, int] = {}      # reason -> suggestions left for it (one may have several)
        left = 0
        for s in self.suggestions:
            if not self._visible(s) or suggestion_status(s, self.case) not in ("pending", "blocked"):
                continue
            reasons = bulk_hold_reasons(s)
            left += bool(reasons)
            for reason in reasons:
                held[reason] = held.get(reason, 0) + 1
            if not reasons:
                todo.append(s.key)
        if todo and not self._store_call("accept_many", todo):
            return
        msg = f"Accepted {len(todo)}."
        if left:
            why = ", ".join(f"{n} {HOLD_LABELS.get(r, r.replace('_', ' '))}"
                            for r, n in sorted(held.items(), key=lambda kv: -kv[1]))
            msg += f" {left} left for a look: {why}."
        self.notify(msg, timeout=6 if left else 3)
        if left:
            self._advance_to_pending()

    def action_edit(self) -> None:
        if self._refuse_if_completed():
            return
        s = self.current_suggestion()
        if s is None:
            return
        from medcoder_tui.tui.screens.edit import EditScreen

        def done(picked: tuple[str, Any, str, list[str], int | None] | None) -> None:
            if picked:
                code, system, description, modifiers, units = picked
                if self._store_call("edit_code", s.key, final_code(code, system, description, "edited", s.key,
                                                                   modifiers=modifiers, units=units)):
                    self.notify(printable(f"{s.code} → {code}"), markup=False)
                    self._advance()

        self.app.push_screen(EditScreen(s, self.app.services.codesets), done)

    def action_add(self) -> None:
        if self._refuse_if_completed():
            return
        from medcoder_tui.tui.screens.lookup import LookupScreen

        def done(picked: tuple[str, Any, str] | None) -> None:
            if picked:
                code, system, description = picked
                if self._store_call("add_manual", final_code(code, system, description, "manual", None)):
                    self.notify(f"Added {code}")

        self.app.push_screen(LookupScreen(self.app.services.codesets, self.app.services.types), done)

    def action_undo(self) -> None:
        """Undo the last action (all of an accept-all) and put the cursor on the row it changed."""
        if self._refuse_if_completed():
            return
        before = self.case
        if self._store_call("undo"):
            table = self.query_one(SuggestionsTable)
            keys = [k for k in changed_keys(before, self.case) if k in table.rows]
            if keys:
                table.move_cursor(row=min(table.get_row_index(k) for k in keys))
            self.notify("Undone." if len(keys) < 2 else f"Undone: {len(keys)} decisions.")

    def action_reopen(self) -> None:
        """Put a completed case back in progress; the store records it in the audit trail."""
        if getattr(self.case.status, "value", "") != "completed":
            self.notify("This case is not completed; there is nothing to reopen.")
            return
        if self._store_call("reopen"):
            self.notify("Case reopened (in the audit trail).")

    def action_setting(self) -> None:
        """Cycle the care setting the guidelines apply to (outpatient, inpatient, ED)."""
        if self._refuse_if_completed():
            return
        order = ("outpatient", "inpatient", "ed")
        current = self.case.setting if self.case.setting in order else "outpatient"
        new = order[(order.index(current) + 1) % len(order)]
        if self._store_call("set_setting", new):
            self.notify(f"Setting: {new}. R re-runs the engine with it.")
