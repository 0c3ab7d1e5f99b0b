"""The sequencing view: final codes in order with CC/MCC badges, errors and warnings beside each."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Static

from medcoder_tui.textsafe import printable
from medcoder_tui.engines.models import Flag
from medcoder_tui.tui.keys import SEQUENCE_BINDINGS, AppFooter
from medcoder_tui.tui.review_state import suggestion_status
from medcoder_tui.tui.screens.messages import ConfirmScreen, ReasonScreen
from medcoder_tui.tui.store_bridge import CaseStatus, StoreError
from medcoder_tui.tui.widgets.note_view import NoteView
from medcoder_tui.tui.widgets.status_bar import StatusBar


def run_check(case: Any, note: str, suggestions: list[Any], codesets: Any) -> Any | None:
    """The rule checker's view of the case's final codes (None if the checker is missing)."""
    try:
        from medcoder_tui.sequencing import check_sequence
    except ImportError:
        return None
    uncertain = {s.code for s in suggestions if Flag.UNCERTAIN in s.flags}
    return check_sequence([(fc.code, fc.system) for fc in case.final_codes], setting=case.setting,
                          note=note, uncertain_codes=uncertain, codesets=codesets)


def unless_completed(action: Callable[..., None]) -> Callable[..., None]:
    """A change to the sequence is refused, with a notice, while the case is completed."""
    @wraps(action)
    def guarded(self: SequenceScreen, *args: Any) -> None:
        if not self._refuse_if_completed():
            action(self, *args)
    return guarded


def issues_cell(issues: list[Any]) -> Text:
    errors = sum(1 for i in issues if i.severity == "error")
    warnings = len(issues) - errors
    text = Text()
    if errors:
        text.append(f"{errors} error{'s' if errors > 1 else ''} ", style="bold red")
    if warnings:
        text.append(f"{warnings} warn", style="yellow")
    if not issues:
        text.append("ok", style="green")
    return text


class SequenceScreen(Screen[Any]):
    """Dismisses with the (possibly updated) case."""

    BINDINGS = SEQUENCE_BINDINGS

    def __init__(self, case: Any, note: str, suggestions: list[Any]) -> None:
        super().__init__()
        self.case, self.note, self.suggestions = case, note, suggestions
        self.result: Any | None = None
        self.order: list[Any] = []           # SequencedCode rows in display order

    def compose(self) -> ComposeResult:
        yield Static(id="seq-title", markup=False)
        with Horizontal(id="seq-body"):
            yield NoteView(id="seq-note")           # beside the codes when there is room (CSS)
            with Vertical(id="seq-side"):
                yield DataTable(id="seq-table", cursor_type="row")
                with VerticalScroll(id="seq-detail-box"):   # focusable (tab) so long findings can be scrolled
                    yield Static("", id="seq-detail", markup=False)
        yield StatusBar(id="status-bar")
        yield AppFooter()

    def on_mount(self) -> None:
        table = self.query_one("#seq-table", DataTable)
        wide = self.app.size.width >= 110
        note = self.query_one(NoteView)
        note.can_focus = wide
        note.set_note(self.note, [])
        width = int(self.app.size.width * 0.6) - 1 if wide else self.app.size.width
        table.add_column("#", key="n", width=2)
        table.add_column("Role", key="role", width=9 if wide else 6)
        table.add_column("Code", key="code", width=8)
        table.add_column("CC", key="badge", width=7)
        table.add_column("Description", key="description", width=max(12, width - 56))
        table.add_column("Issues", key="issues", width=16)
        self.recheck()
        table.focus()

    def recheck(self, keep: str | None = None) -> None:
        """Run the rule checker and redraw, keeping the cursor on ``keep``."""
        table = self.query_one("#seq-table", DataTable)
        self.result = run_check(self.case, self.note, self.suggestions, self.app.services.codesets)
        table.clear()
        self.order = []
        if self.result is not None:
            self.order = self.result.diagnoses + list(self.result.procedures)
        for n, item in enumerate(self.order, 1):
            if item is self.result.principal:
                role = "Principal" if self.case.setting == "inpatient" else "First"
            elif item in self.result.procedures:
                role = "Proc"
            else:
                role = "Second"
            badge = Text(item.badge, style="bold magenta" if "MCC" in item.badge else "bold yellow")
            table.add_row(str(n), role, Text(printable(item.code), style="bold"), badge,
                          Text(printable(item.description), no_wrap=True, overflow="ellipsis"), issues_cell(item.issues),
                          key=f"{item.system.value}:{item.code}")
        if keep and keep in table.rows:
            table.move_cursor(row=table.get_row_index(keep), animate=False)
        self._summary()
        self._show_detail()

    def _summary(self) -> None:
        r = self.result
        status = self.case.status.value.replace("_", " ")
        if r is None:
            text = "The sequencing checker is not available."
        elif not self.order:
            text = "No final codes yet. Accept suggestions (a) or add codes (+) in the review first."
        else:
            text = f"{r.counts_text()} · {status}"
        self.query_one("#seq-title", Static).update(f"Sequence — {text}")
        self.query_one(StatusBar).progress = f"{len(self.order)} final codes · {status}"

    def _selected(self) -> tuple[int, Any] | None:
        table = self.query_one("#seq-table", DataTable)
        if not table.row_count or not self.order:
            return None
        row = table.cursor_row
        return (row, self.order[row]) if row < len(self.order) else None

    def _show_detail(self) -> None:
        detail = self.query_one("#seq-detail", Static)
        picked = self._selected()
        lines: list[str] = []
        if picked:
            item = picked[1]
            lines.append(printable(f"{item.code} {item.description}"))
            source = next((s for s in self.suggestions if s.code == item.code), None)
            self.query_one(NoteView).show_evidence(
                [(e.start, e.end) for e in source.evidence if e.located] if source is not None else [])
            for issue in item.issues:
                lines.append(f"{'✗' if issue.severity == 'error' else '!'} {issue.message} [{issue.convention}]")
        if self.result is not None:
            shown = {id(i) for i in (picked[1].issues if picked else [])}
            for issue in self.result.errors + self.result.warnings:
                if id(issue) not in shown and not (picked and picked[1].code in issue.codes):
                    mark = "✗" if issue.severity == "error" else "!"
                    lines.append(f"{mark} {', '.join(issue.codes)}: {issue.message}")
        detail.update("\n".join(lines) or " ")

    @on(DataTable.RowHighlighted, "#seq-table")
    def _highlighted(self) -> None:
        self._show_detail()

    def _keys(self) -> list[str]:
        return [f"{c.system.value}:{c.code}" for c in self.order]

    @unless_completed
    def _reorder(self, keys: list[str], keep: str) -> None:
        try:
            self.case = self.app.services.store.reorder(self.case.id, keys)
        except StoreError as exc:
            self.notify(str(exc), title="Not saved", severity="error")
            return
        self.recheck(keep)

    def _move(self, delta: int) -> None:
        picked = self._selected()
        if not picked:
            return
        row, item = picked
        dx_count = len(self.result.diagnoses)
        lo, hi = (0, dx_count) if row < dx_count else (dx_count, len(self.order))
        target = row + delta
        if not lo <= target < hi:
            self.app.bell()
            return
        keys = self._keys()
        keys[row], keys[target] = keys[target], keys[row]
        self._reorder(keys, keys[target])

    def action_move_up(self) -> None:
        self._move(-1)

    def action_move_down(self) -> None:
        self._move(1)

    def action_set_principal(self) -> None:
        picked = self._selected()
        if not picked:
            return
        row, item = picked
        if row >= len(self.result.diagnoses):
            self.app.bell()
            self.notify("A procedure cannot be the principal diagnosis.", severity="warning")
            return
        keys = self._keys()
        key = keys.pop(row)
        self._reorder([key, *keys], key)

    @unless_completed
    def action_remove(self) -> None:
        picked = self._selected()
        if not picked:
            return
        key = f"{picked[1].system.value}:{picked[1].code}"
        try:
            self.case = self.app.services.store.remove_final(self.case.id, key)
        except StoreError as exc:
            self.notify(str(exc), title="Not saved", severity="error")
            return
        self.recheck()

    @unless_completed
    def action_propose(self) -> None:
        from medcoder_tui.sequencing.pipeline import propose_final_order

        keys = self._keys()
        ranked = propose_final_order(self.case.final_codes, self.suggestions, self.note, setting=self.case.setting)
        ranked = [k for k in ranked if k in keys] + [k for k in keys if k not in ranked]
        if ranked == keys:
            self.notify("The order already follows the sequencing rules.")
            return
        self._reorder(ranked, ranked[0] if ranked else "")
        self.notify(f"Order proposed by the rules: {ranked[0].split(':', 1)[1]} first.")

    def _refuse_if_completed(self) -> bool:
        if self.case.status is not CaseStatus.COMPLETED:
            return False
        self.app.bell()
        self.notify("Completed case: read-only. ctrl+o reopens it.", severity="warning", timeout=5)
        return True

    def action_reopen(self) -> None:
        """Put a completed case back in progress (an audited status change)."""
        if self.case.status is not CaseStatus.COMPLETED:
            self.notify("This case is not completed; there is nothing to reopen.")
            return
        try:
            self.case = self.app.services.store.reopen(self.case.id)
        except StoreError as exc:
            self.notify(str(exc), title="Not saved", severity="error")
            return
        self.notify("Case reopened (in the audit trail).")
        self._summary()

    def action_complete(self) -> None:
        if self.case.status is CaseStatus.COMPLETED:
            self.notify("This case is already completed.")
            return
        pending = [s for s in self.suggestions if suggestion_status(s, self.case) in ("pending", "blocked")]
        if not pending:
            self._check_errors_then_complete()
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._check_errors_then_complete()

        codes = ", ".join(s.code for s in pending[:6]) + (" …" if len(pending) > 6 else "")
        self.app.push_screen(ConfirmScreen(
            f"Complete with {len(pending)} suggestion{'s' if len(pending) != 1 else ''} still pending?",
            f"No decision yet on {codes}. Pending suggestions stay off the claim. Complete anyway?"),
            answered)

    def _check_errors_then_complete(self) -> None:
        errors = list(self.result.errors) if self.result is not None else []
        if not self.order:
            errors.append(None)
        if not errors:
            self._complete(override=False, reason="")
            return

        def confirmed(reason: str | None) -> None:
            if reason:
                self._complete(override=True, reason=reason)

        what = f"{len(errors)} open error(s)" if self.order else "no final codes"
        self.app.push_screen(ReasonScreen(
            "Complete with open errors?",
            f"This case has {what}. Completing anyway is recorded in the audit trail with your reason."),
            confirmed)

    def _complete(self, *, override: bool, reason: str) -> None:
        try:
            self.case = self.app.services.store.set_status(self.case.id, CaseStatus.COMPLETED,
                                                           override=override, reason=reason)
        except StoreError as exc:
            self.notify(str(exc), title="Not saved", severity="error")
            return
        self.notify("Case completed" + (" with an override." if override else "."), timeout=4)
        self.dismiss(self.case)

    def action_back(self) -> None:
        self.dismiss(self.case)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("move_up", "move_down", "set_principal", "remove"):
            return self._selected() is not None or None
        return True
