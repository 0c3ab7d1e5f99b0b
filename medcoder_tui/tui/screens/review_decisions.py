"""Decisions on the review screen: accept, reject, edit, add, undo, setting.

Every decision goes to the store first; the table changes only after the store
has returned, so what the coder sees as done is on disk.
"""

from __future__ import annotations

from typing import Any

from medcoder_tui.textsafe import printable
from medcoder_tui.tui.review_state import suggestion_status
from medcoder_tui.tui.store_bridge import StoreError, final_code
from medcoder_tui.tui.widgets.suggestions_table import SuggestionsTable


class ReviewDecisions:
    """Mixin for :class:`ReviewScreen`; relies on its ``case``, ``suggestions`` and table helpers."""

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
        return self._store_call("accept", s.key)

    def action_accept(self) -> None:
        s = self.current_suggestion()
        if s is not None and self._accept(s):
            self._advance()

    def action_reject(self) -> None:
        key = self.query_one(SuggestionsTable).current_key()
        if key and key.startswith("manual:"):
            self._store_call("remove_final", key.split(":", 1)[1])
            return
        s = self.current_suggestion()
        if s is not None and self._store_call("reject", s.key):
            self._advance()

    def action_toggle(self) -> None:
        s = self.current_suggestion()
        if s is None:
            return
        if suggestion_status(s, self.case) in ("accepted", "edited"):
            self._store_call("reject", s.key)
        else:
            self._accept(s)

    def action_accept_all(self) -> None:
        todo = [s for s in self.suggestions if self._visible(s) and s.acceptable
                and suggestion_status(s, self.case) == "pending"]
        done = sum(1 for s in todo if self._store_call("accept", s.key))
        blocked = sum(1 for s in self.suggestions if self._visible(s) and not s.acceptable
                      and suggestion_status(s, self.case) == "blocked")
        msg = f"Accepted {done} valid suggestion{'s' if done != 1 else ''}."
        if blocked:
            msg += f" {blocked} need fixing first (e)."
        self.notify(msg)

    def action_edit(self) -> None:
        s = self.current_suggestion()
        if s is None:
            return
        from medcoder_tui.tui.screens.edit import EditScreen

        def done(picked: tuple[str, Any, str] | None) -> None:
            if picked:
                code, system, description = picked
                if self._store_call("edit_code", s.key, final_code(code, system, description, "edited", s.key)):
                    self.notify(printable(f"{s.code} → {code}"), markup=False)
                    self._advance()

        self.app.push_screen(EditScreen(s, self.app.services.codesets), done)

    def action_add(self) -> None:
        from medcoder_tui.tui.screens.lookup import LookupScreen

        def done(picked: tuple[str, Any, str] | None) -> None:
            if picked:
                code, system, description = picked
                if self._store_call("add_manual", final_code(code, system, description, "manual", None)):
                    self.notify(f"Added {code}")

        self.app.push_screen(LookupScreen(self.app.services.codesets, self.app.services.types), done)

    def action_undo(self) -> None:
        if self._store_call("undo"):
            self.notify("Undone.")

    def action_setting(self) -> None:
        """Cycle the care setting the guidelines apply to (outpatient, inpatient, ED)."""
        order = ("outpatient", "inpatient", "ed")
        current = self.case.setting if self.case.setting in order else "outpatient"
        new = order[(order.index(current) + 1) % len(order)]
        if self._store_call("set_setting", new):
            self.notify(f"Setting: {new}. R re-runs the engine with it.")
