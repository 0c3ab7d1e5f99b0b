"""Encoder-style lookup: live results as you type; a header drills down to its billable codes."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Static

from medcoder_tui.textsafe import printable
from medcoder_tui.codes.systems import System
from medcoder_tui.tui.keys import LOOKUP_BINDINGS

SYSTEM_CYCLE = ("all", "icd10cm", "cpt", "hcpcs")
SYSTEM_LABEL = {"all": "all", "icd10cm": "ICD-10-CM", "cpt": "CPT", "hcpcs": "HCPCS"}


class LookupScreen(ModalScreen[tuple[str, System, str] | None]):
    """Dismisses with (code, system, description) of a valid billable code, or None."""

    BINDINGS = LOOKUP_BINDINGS

    class Results(Message):
        def __init__(self, query: str, hits: list[Any], error: str = "") -> None:
            super().__init__()
            self.query, self.hits, self.error = query, hits, error

    def __init__(self, codesets: Any, types: frozenset[System] | None = None, query: str = "") -> None:
        super().__init__()
        self.codesets = codesets
        self.initial = query
        self.system = "all" if not types or len(types) != 1 else next(iter(types)).value
        self.hits: list[Any] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Static("Add a code — type words or a code", classes="dialog-title")
            with Horizontal(id="lookup-bar"):
                yield Input(value=self.initial, placeholder="e.g. dm2 w ckd 3a, closed fx distal radius, 99213",
                            id="lookup-input")
                yield Static(SYSTEM_LABEL[self.system], id="lookup-system")
            yield DataTable(id="lookup-results", cursor_type="row")
            yield Static("", id="lookup-status", markup=False)
            yield Static("Enter picks · ↓ results · ctrl+t system · Esc cancels", classes="dialog-hint")

    def on_mount(self) -> None:
        table = self.query_one("#lookup-results", DataTable)
        table.add_column("Code", key="code", width=8)
        table.add_column("Sys", key="sys", width=5)
        table.add_column("", key="billable", width=1)
        width = self.app.size.width
        dialog = int(width * 0.6) if width >= 110 else min(110, width * 96 // 100)   # see app.tcss
        table.add_column("Description", key="description", width=max(20, dialog - 30))
        self.query_one("#lookup-input", Input).focus()
        if self.codesets is None:
            self._status("Code sets are still loading; try again in a moment.", bad=True)
        elif self.initial:
            self.search(self.initial, self.system)

    def _status(self, text: str, bad: bool = False) -> None:
        status = self.query_one("#lookup-status", Static)
        status.update(text)
        status.set_class(bad, "-bad")

    @on(Input.Changed, "#lookup-input")
    def _changed(self, event: Input.Changed) -> None:
        if event.value.strip() and self.codesets is not None:
            if not self.hits:
                self._status("searching…")
            self.search(event.value, self.system)
        elif not event.value.strip():
            self._show([], "")

    @work(thread=True, exclusive=True, group="lookup", exit_on_error=False)
    def search(self, query: str, system: str) -> None:
        """Runs off the UI thread: the first lookup may build the search index."""
        try:
            hits = self.codesets.lookup(query, system=system, limit=30)
            self.post_message(self.Results(query, hits))
        except ValueError as exc:
            self.post_message(self.Results(query, [], str(exc)))
        except Exception as exc:  # a lookup failure is shown, never raised into the UI
            self.post_message(self.Results(query, [], f"lookup failed: {exc}"))

    def on_lookup_screen_results(self, message: Results) -> None:
        if message.query != self.query_one("#lookup-input", Input).value:
            return  # an older query's answer
        if message.error:
            self._status(message.error, bad=True)
        self._show(message.hits, f"{len(message.hits)} results" if message.hits else "No match.")

    def _show(self, hits: list[Any], status: str) -> None:
        self.hits = hits
        table = self.query_one("#lookup-results", DataTable)
        table.clear()
        for i, hit in enumerate(hits):
            table.add_row(Text(printable(hit.code), style="bold" if hit.billable else "dim"),
                          {"icd10cm": "ICD", "cpt": "CPT", "hcpcs": "HCPCS"}[System.parse(hit.system).value],
                          "✓" if hit.billable else "…", Text(printable(hit.description), no_wrap=True, overflow="ellipsis"),
                          key=str(i))
        self._status(status)

    def _pick(self, index: int) -> None:
        if not 0 <= index < len(self.hits):
            return
        hit = self.hits[index]
        system = System.parse(hit.system)
        result = self.codesets.validate(hit.code, system)
        if result.valid and result.billable:
            self.dismiss((result.normalized, system, result.description))
            return
        if result.valid and system is System.ICD10CM:
            codes = self.codesets.icd.billable_descendants(result.normalized)[:60]
            from medcoder_tui.codes.service import LookupHit
            drill = [LookupHit(code=c, system=System.ICD10CM, description=self.codesets.describe(c) or "",
                               billable=True, score=1.0) for c in codes]
            self._show(drill, f"{result.normalized} is a category; choose one of its billable codes.")
            self.query_one("#lookup-results", DataTable).focus()
            return
        self.app.bell()
        self._status(f"✗ {hit.code}: " + (" ".join(result.messages) or "not valid and billable"), bad=True)

    @on(Input.Submitted, "#lookup-input")
    def _submitted(self) -> None:
        if self.hits:
            self._pick(0)

    @on(DataTable.RowSelected, "#lookup-results")
    def _selected(self, event: DataTable.RowSelected) -> None:
        self._pick(int(event.row_key.value))

    def action_focus_results(self) -> None:
        table = self.query_one("#lookup-results", DataTable)
        if table.row_count:
            table.focus()

    def action_cycle_system(self) -> None:
        self.system = SYSTEM_CYCLE[(SYSTEM_CYCLE.index(self.system) + 1) % len(SYSTEM_CYCLE)]
        self.query_one("#lookup-system", Static).update(SYSTEM_LABEL[self.system])
        value = self.query_one("#lookup-input", Input).value
        if value.strip() and self.codesets is not None:
            self.search(value, self.system)

    def action_cancel(self) -> None:
        self.dismiss(None)
