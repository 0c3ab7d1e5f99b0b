"""The evaluation screen: run the coder over gold-coded notes, read the figures, drill in, compare runs.

The run happens in a thread worker (the offline engine is CPU-bound and must
not freeze the screen); the worker reports back only through
``App.call_from_thread`` and never touches a widget itself.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, ProgressBar, Static
from textual.worker import get_current_worker

from medcoder_tui.codes.systems import System
from medcoder_tui.config import Settings
from medcoder_tui.evaluation.compare import compare, comparison_text
from medcoder_tui.evaluation.models import EvalRun, NoteEval
from medcoder_tui.paths import styles_dir
from medcoder_tui.tui.screens.eval_text import _bakeoff_line, _types_label, drilldown_rows, errors_line  # noqa: F401

TYPE_CYCLE: tuple[tuple[str, tuple[System, ...]], ...] = (
    ("all", tuple(System)),
    ("ICD-10-CM", (System.ICD10CM,)),
    ("CPT", (System.CPT,)),
    ("HCPCS", (System.HCPCS,)),
)


class EvaluationCancelled(Exception):
    """Raised inside the worker's progress callback when the screen cancels the run."""


class EvaluationScreen(Screen):
    """Evaluate the notes under ``path`` against their gold codes, and browse past runs."""

    CSS_PATH = str(styles_dir() / "evaluation.tcss")
    BINDINGS = [
        Binding("r", "run", "Run", id="evaluation.run"),
        Binding("t", "types", "Types", id="evaluation.types"),
        Binding("space", "mark", "Mark run", id="evaluation.mark"),
        Binding("c", "compare", "Compare", id="evaluation.compare"),
        Binding("m", "report", "Report", id="evaluation.report"),
        Binding("tab", "app.focus_next", "Next pane", id="evaluation.next_pane", show=False),
        Binding("ctrl+c", "cancel", "Cancel run", id="evaluation.cancel", show=False, priority=True),
        Binding("escape", "back", "Back", id="evaluation.back"),
    ]

    def __init__(self, path: Path, store: Any, settings: Settings) -> None:
        super().__init__(id="evaluation")
        self.path = Path(path)
        self.store = store
        self.settings = settings
        self.types_index = 0
        self.run_result: EvalRun | None = None
        self.runs: list[EvalRun] = []
        self.marked: list[str] = []
        self.running = False
        self.last_report: Path | None = None

    # -- layout ---------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static(id="eval-title")
        with Horizontal(id="eval-progress-row"):
            yield ProgressBar(id="eval-progress", show_eta=False)
            yield Static("", id="eval-progress-label")
        yield Static("Press r to evaluate.", id="eval-summary")
        with Horizontal(id="eval-body"):
            yield DataTable(id="eval-notes", cursor_type="row", zebra_stripes=True)
            with Vertical(id="eval-detail"):
                yield Static("Select a note to see gold against suggested.", id="eval-detail-title")
                yield DataTable(id="eval-detail-table", cursor_type="row")
        with Horizontal(id="eval-history"):
            yield DataTable(id="eval-runs", cursor_type="row")
            with VerticalScroll(id="eval-compare-pane"):
                yield Static("Mark two runs with space, then press c to compare.", id="eval-compare")
        yield Footer()

    def on_mount(self) -> None:
        notes = self.query_one("#eval-notes", DataTable)
        for label, key, width in (("Note", "note", 28 if self.app.size.width >= 150 else 22), ("Status", "status", 7), ("P", "p", 5), ("R", "r", 5),
                                  ("F1", "f1", 5), ("TP", "tp", 3), ("FP", "fp", 3), ("FN", "fn", 3),
                                  ("Errors", "errors", 30)):
            notes.add_column(label, key=key, width=width)
        detail = self.query_one("#eval-detail-table", DataTable)
        detail.add_column("Gold", key="gold", width=12)
        detail.add_column("Suggested", key="suggested", width=12)
        detail.add_column("Class", key="class")
        runs = self.query_one("#eval-runs", DataTable)
        # The figures come right after the run's id so a narrow terminal still shows them.
        for label, key, width in (("", "mark", 1), ("Run", "id", 22), ("F1", "f1", 5), ("Cat F1", "cat", 6),
                                  ("Engine", "engine", 14), ("When", "when", 16), ("Types", "types", 8),
                                  ("Notes", "notes", 5), ("Failed", "failed", 6)):
            runs.add_column(label, key=key, width=width)
        self._update_title()
        # Shown from the first run on: before it, an empty bar would only pulse and take a line.
        self.query_one("#eval-progress-row").display = False
        self.refresh_runs()
        notes.focus()

    def _update_title(self) -> None:
        from medcoder_tui.evaluation.report import configured_engine_label, engine_label
        from medcoder_tui.tui.widgets.status_bar import short_path

        run = self.run_result
        engine = (engine_label(run.engine, run.model) if run is not None
                  else configured_engine_label(self.settings.engine, self.settings.ollama_model))
        tail = f" — engine {engine} — types {TYPE_CYCLE[self.types_index][0]}"
        room = max(12, self.app.size.width - 2 - len("Evaluation of ") - len(tail))
        self.query_one("#eval-title", Static).update(f"Evaluation of {short_path(str(self.path), room)}{tail}")

    # -- past runs --------------------------------------------------------------------------
    def refresh_runs(self) -> None:
        """Reload the list of stored runs, newest first."""
        table = self.query_one("#eval-runs", DataTable)
        table.clear()
        try:
            self.runs = [EvalRun.model_validate(r) for r in self.store.list_eval_runs()][::-1]  # newest first
        except Exception as exc:  # an unreadable history must not block a new run
            self.runs = []
            self.notify(f"past runs unavailable: {exc}", severity="error")
        for run in self.runs:
            model = f"/{run.model}" if run.model else ""
            table.add_row("*" if run.id in self.marked else "", run.id or "", f"{run.micro.f1:.3f}",
                          f"{run.category_micro.f1:.3f}", f"{run.engine}{model}",
                          run.created[:16].replace("T", " "), _types_label(run.types), str(run.notes),
                          str(run.failed), key=run.id or "")

    @on(DataTable.RowSelected, "#eval-runs")
    def _open_past_run(self, event: DataTable.RowSelected) -> None:
        run = next((r for r in self.runs if r.id == event.row_key.value), None)
        if run is not None:
            self.show_run(run)

    def action_mark(self) -> None:
        """Mark (or unmark) the run under the cursor for comparison; two at most."""
        table = self.query_one("#eval-runs", DataTable)
        if not self.runs or table.cursor_row < 0:
            return
        run_id = self.runs[table.cursor_row].id or ""
        if run_id in self.marked:
            self.marked.remove(run_id)
        else:
            self.marked = (self.marked + [run_id])[-2:]
        for run in self.runs:
            table.update_cell(run.id or "", "mark", "*" if run.id in self.marked else "")

    def action_compare(self) -> None:
        """Compare the two marked runs (older as A); with one marked, compare it with the newest."""
        chosen = [r for r in self.runs if r.id in self.marked]
        if len(chosen) == 1 and self.runs and self.runs[0].id != chosen[0].id:
            chosen.append(self.runs[0])
        if len(chosen) != 2:
            self.notify("mark two runs with space first", severity="warning")
            return
        a, b = sorted(chosen, key=self.runs.index, reverse=True)   # self.runs is newest first
        self.query_one("#eval-compare", Static).update(comparison_text(compare(a, b), limit=8))
        self.query_one("#eval-compare-pane").add_class("-shown")   # a narrow screen shows it only now

    def action_report(self) -> None:
        """Write the shown run's Markdown report to the data directory's ``reports`` folder."""
        from medcoder_tui.evaluation.report import markdown
        from medcoder_tui.paths import data_dir

        run = self.run_result
        if run is None:
            self.notify("run an evaluation or open a past run first", severity="warning")
            return
        target = data_dir() / "reports" / f"eval-{run.id or 'unsaved'}.md"
        try:
            from medcoder_tui.store.files import write_private

            write_private(target, markdown(run), own_folder=True)
        except OSError as exc:
            self.notify(f"cannot write the report: {exc.strerror or exc}", severity="error")
            return
        self.last_report = target
        self.notify(f"report written to {target}")

    # -- running ------------------------------------------------------------------------------
    def action_types(self) -> None:
        """Cycle the code types the next run scores."""
        if self.running:
            return
        self.types_index = (self.types_index + 1) % len(TYPE_CYCLE)
        self._update_title()

    def action_run(self) -> None:
        """Start an evaluation of ``path`` in a worker."""
        if self.running:
            self.notify("an evaluation is already running", severity="warning")
            return
        self.running = True
        self.query_one("#eval-progress", ProgressBar).update(total=None, progress=0)
        self.query_one("#eval-progress-label", Static).update("loading gold…")
        self._evaluate(TYPE_CYCLE[self.types_index][1])

    def action_cancel(self) -> None:
        """Stop a running evaluation."""
        if self.running:
            self.workers.cancel_group(self, "evaluation")
            self.query_one("#eval-progress-label", Static).update("cancelling…")

    @on(DataTable.RowSelected, "#eval-notes")
    @on(DataTable.RowSelected, "#eval-detail-table")
    def _toggle_drilldown(self, event: DataTable.RowSelected) -> None:
        """At 80 columns the drill-down takes the notes table's place: Enter opens and closes it."""
        if not self.has_class("-narrow"):
            return
        drill = event.data_table.id == "eval-notes"
        self.set_class(drill, "-drill")
        self.query_one("#eval-detail-table" if drill else "#eval-notes", DataTable).focus()

    def action_back(self) -> None:
        """Leave the screen (a running evaluation is cancelled); at 80 columns, close the drill-down first."""
        if self.has_class("-drill"):
            self.remove_class("-drill")
            self.query_one("#eval-notes", DataTable).focus()
            return
        self.action_cancel()
        self.app.pop_screen()

    @work(thread=True, exclusive=True, group="evaluation", exit_on_error=False)
    def _evaluate(self, types: tuple[System, ...]) -> None:
        from medcoder_tui.codes.service import get_codesets
        from medcoder_tui.engines.select import resolve_engine
        from medcoder_tui.evaluation.gold import collect_gold
        from medcoder_tui.evaluation.runner import run_evaluation

        worker = get_current_worker()

        def progress(done: int, total: int, note: NoteEval) -> None:
            if worker.is_cancelled:
                raise EvaluationCancelled()
            self._call(self._on_progress, done, total, note)

        try:
            codesets = get_codesets()
            gold = collect_gold(self.path, store=self.store, types=types,
                                validate=lambda code, system: codesets.validate(code, system))
            self._call(self._on_started, len(gold.cases))

            async def evaluate() -> EvalRun:
                # The probe and the run share one loop: the Ollama client belongs to the loop it was made in.
                engine, notes = await resolve_engine(self.settings, self.settings.engine, codesets=codesets)
                for note in notes:
                    self._call(self.notify, note, severity="warning")
                if self.settings.preferences:
                    from medcoder_tui.preferences.wiring import maybe_wrap

                    engine = maybe_wrap(engine, self.settings, self.store, codesets=codesets)
                return await run_evaluation(gold, engine, types=types, setting=self.settings.setting,
                                            progress=progress)

            run = asyncio.run(evaluate())
            run.source = str(self.path)
            run.codeset_versions = dict(codesets.versions())
            run.preferences = bool(self.settings.preferences)
            try:
                run.id = str(self.store.add_eval_run(run.model_dump(mode="json")))
            except Exception as exc:  # figures stay on screen; say the history missed them
                self._call(self.notify, f"run not stored: {exc}", severity="error")
            self._call(self._on_finished, run)
        except EvaluationCancelled:
            self._call(self._on_failed, "evaluation cancelled")
        except Exception as exc:  # any failure becomes a message on the screen
            self._call(self._on_failed, str(exc) or type(exc).__name__)

    def _call(self, callback: Any, *args: Any, **kwargs: Any) -> None:
        try:
            self.app.call_from_thread(callback, *args, **kwargs)
        except RuntimeError:
            pass  # the app is shutting down; nothing left to update

    def _on_started(self, total: int) -> None:
        self.query_one("#eval-progress-row").display = True
        self.query_one("#eval-progress", ProgressBar).update(total=total, progress=0)
        self.query_one("#eval-progress-label", Static).update(f"0/{total}")

    def _on_progress(self, done: int, total: int, note: NoteEval) -> None:
        self.query_one("#eval-progress", ProgressBar).update(total=total, progress=done)
        self.query_one("#eval-progress-label", Static).update(f"{done}/{total} {note.note_id[:24]}")

    def _on_failed(self, message: str) -> None:
        self.running = False
        self.query_one("#eval-progress-label", Static).update(message)
        self.notify(message, severity="warning" if "cancel" in message else "error")

    def _on_finished(self, run: EvalRun) -> None:
        self.running = False
        self.query_one("#eval-progress-label", Static).update(f"done in {run.seconds:.1f}s")
        self.show_run(run)
        self.refresh_runs()

    # -- showing a run --------------------------------------------------------------------------
    def show_run(self, run: EvalRun) -> None:
        """Fill the summary and the notes table from a run."""
        self.run_result = run
        self._update_title()
        patterns = [f"{k} {v.count}" for k, v in sorted(run.error_patterns.items(), key=lambda kv: -kv[1].count)
                    if v.count]
        systems = "  ".join(f"{s} F1 {m.f1:.3f}" for s, m in run.per_system.items())
        self.query_one("#eval-summary", Static).update(
            f"Run {run.id or 'not stored'} · {run.engine}{'/' + run.model if run.model else ''} · "
            f"{run.notes} notes, {run.failed} failed\n"
            f"micro P {run.micro.precision:.3f} R {run.micro.recall:.3f} F1 {run.micro.f1:.3f} · "
            f"macro F1 {run.macro.f1:.3f} · category F1 {run.category_micro.f1:.3f}\n{systems}\n"
            f"{errors_line(patterns, self.app.size.width - 2)}" + _bakeoff_line(run))
        table = self.query_one("#eval-notes", DataTable)
        table.clear()
        for n in run.per_note:
            s = n.score
            counts: dict[str, int] = {}
            for hit in n.patterns:
                counts[hit.pattern] = counts.get(hit.pattern, 0) + 1
            errors = n.error if n.status == "failed" else ", ".join(f"{k} {v}" for k, v in counts.items())
            figures = ([f"{s.precision:.2f}", f"{s.recall:.2f}", f"{s.f1:.2f}", str(s.tp), str(s.fp), str(s.fn)]
                       if s else ["-"] * 6)
            table.add_row(n.note_id, n.status, *figures, errors, key=n.note_id)
        if run.per_note:
            self.show_note(run.per_note[0].note_id)

    @on(DataTable.RowHighlighted, "#eval-notes")
    def _note_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key is not None and event.row_key.value:
            self.show_note(event.row_key.value)

    def show_note(self, note_id: str) -> None:
        """The drill-down: one note's gold against its suggestions, with error classes."""
        if self.run_result is None:
            return
        note = self.run_result.note(note_id)
        if note is None:
            return
        score = f"P {note.score.precision:.2f} R {note.score.recall:.2f} F1 {note.score.f1:.2f}" if note.score \
            else f"failed: {note.error}"
        order = "gold order: principal first" if note.gold_ordered else "gold has no order"
        self.query_one("#eval-detail-title", Static).update(f"{note.note_id} — {score} — {order}")
        table = self.query_one("#eval-detail-table", DataTable)
        table.clear()
        for gold, suggested, label in drilldown_rows(note):
            table.add_row(gold, suggested, label)
