"""The audit trail of one case: who decided what, when, and what it replaced (read-only)."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Static

from medcoder_tui.tui.keys import AUDIT_BINDINGS, AppFooter
from medcoder_tui.tui.store_bridge import StoreError
from medcoder_tui.tui.widgets.status_bar import StatusBar

def _code(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("code") or value.get("status") or "")
    return "" if value is None else str(value)


def _target(target: str | None) -> str:
    """``icd10cm:E11.9`` -> ``E11.9``."""
    return (target or "").split(":", 1)[-1]


def describe_entry(entry: Any, by_id: dict[str, Any]) -> tuple[str, str]:
    """(action, what) in a coder's words for one audit entry."""
    a, before, after = entry.action, entry.before, entry.after
    bulk = " (all)" if getattr(entry, "group", None) and a == "accept" else ""
    if a == "create":
        return "opened", f"new case, setting {(after or {}).get('setting', '')}"
    if a == "suggestions":
        info = after or {}
        return "engine run", f"{info.get('count', 0)} suggestions · {info.get('engine', '')} {info.get('model') or ''}".strip()
    if a == "note_changed":
        return "note changed", "the note's text differs from the one coded" if (after or {}).get("note_changed") \
            else "the note's text is back to the one coded"
    if a == "accept":
        reason = getattr(entry, "reason", None)
        return "accepted" + bulk, _target(entry.target) + (f" · reason: {reason}" if reason else "")
    if a == "reject":
        return "rejected", _target(entry.target)
    if a == "edit":
        return "edited", f"{_code(before)} → {_code(after)}"
    if a == "add_manual":
        return "added", _target(entry.target)
    if a == "remove_final":
        return "removed", _code(before) or _target(entry.target)
    if a == "reorder":
        return "resequenced", " ".join(_target(k) for k in (after or []))
    if a == "setting":
        return "setting", f"{before} → {after}"
    if a == "status":
        info, was = after or {}, (before or {}).get("status", "")
        new = info.get("status", entry.target or "")
        reason = f" · reason: {info['reason']}" if info.get("reason") else ""
        if new == "in_progress" and was == "completed":
            return "reopened", "completed → in progress" + ("" if info.get("reason") == "reopened" else reason)
        label = "completed" + (" (override)" if info.get("override") else "") if new == "completed" else new
        return label.replace("_", " "), f"{str(was).replace('_', ' ')} → {new.replace('_', ' ')}{reason}"
    if a == "undo":
        undone = by_id.get(entry.target or "")
        what = describe_entry(undone, by_id) if undone is not None else ("a decision", "")
        return "undo", f"{what[0]} {what[1]}".strip()
    return a, _code(after)


class AuditScreen(Screen[None]):
    """Every audit entry of the case, oldest first; the store is never changed from here."""

    BINDINGS = AUDIT_BINDINGS

    def __init__(self, case: Any, name: str) -> None:
        super().__init__()
        self.case, self.note_name = case, name

    def compose(self) -> ComposeResult:
        yield Static(f"Audit trail — {self.note_name}", id="audit-title", markup=False)
        yield DataTable(id="audit-table", cursor_type="row", zebra_stripes=True)
        yield StatusBar(id="status-bar")
        yield AppFooter()

    def on_mount(self) -> None:
        table = self.query_one("#audit-table", DataTable)
        wide = self.app.size.width >= 110
        table.add_column("When", key="when", width=19 if wide else 11)
        table.add_column("User", key="user", width=10 if wide else 8)
        table.add_column("Action", key="action", width=20 if wide else 14)
        # the rest of the width, less the cells' padding and the scrollbar
        table.add_column("What", key="what", width=max(20, self.app.size.width - (59 + 10 if wide else 33 + 10)))
        try:
            entries = self.app.services.store.audit(self.case.id)
        except StoreError as exc:
            self.notify(str(exc), severity="error")
            entries = []
        by_id = {e.id: e for e in entries}
        for e in entries:
            action, what = describe_entry(e, by_id)
            when = e.ts.strftime("%Y-%m-%d %H:%M:%S" if wide else "%m-%d %H:%M")
            table.add_row(when, e.user, action, what, key=e.id)
        if table.row_count:
            table.move_cursor(row=table.row_count - 1, animate=False)
        self.query_one("#audit-title", Static).update(
            f"Audit trail — {self.note_name} · {len(entries)} entries · {self.case.status.value.replace('_', ' ')}")
        self.query_one(StatusBar).progress = f"{len(entries)} audit entries"
        table.focus()

    def action_back(self) -> None:
        self.dismiss(None)
