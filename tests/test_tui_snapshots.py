"""SVG snapshots at 80x24 and 120x40: picker, review mid-stream and done, lookup, help, error states.

Clocks are frozen (``frozen_clock``), cursor blink is off, paths are shown relative.
Update with ``pytest tests/test_tui_snapshots.py --snapshot-update`` and look at the SVGs.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

import pytest
from test_tui_review import until
from textual.widgets import Input
from tui_support import NOTE, ScriptedEngine, frozen_clock, standard_suggestions

from medcoder_tui.config import Settings
from medcoder_tui.store import CaseStatus, Store
from medcoder_tui.tui.app import make_app
from medcoder_tui.tui.screens.review import ReviewScreen

SIZES = pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])


@pytest.fixture
def world(tmp_path: Path):
    notes = tmp_path / "notes"
    notes.mkdir()
    for name in ("01_office_bronchitis", "02_ed_cough", "03_followup_htn"):
        (notes / f"{name}.txt").write_text(NOTE)
    (notes / "01_office_bronchitis.gold.json").write_text('{"icd10cm": ["J20.9"]}')
    (notes / "04_scanned.txt").write_bytes(b"\x00\x00PDF-ish binary")
    # a fixed clock and coder: the worklist shows each case's date and coder
    store = Store(tmp_path / "store.json", clock=lambda: datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc))
    store.user = "jdoe"
    return notes, store


def app_with(world, engine: ScriptedEngine):
    notes, store = world
    app = make_app(Settings(), notes, store=store, engine=engine, clock=frozen_clock, theme="textual-dark")
    app.notes_label = "notes"
    # Rich names the SVG's CSS classes after a hash of the segments' reprs, which can differ
    # between runs that draw the very same picture; pin the name so only pixels are compared.
    export = app.export_screenshot
    app.export_screenshot = lambda *a, **k: re.sub(r"terminal-\d+", "terminal-medcoder", export(*a, **k))
    return app


async def settle(pilot) -> None:
    """Stable pixels: fixed store label, no blinking cursors."""
    pilot.app.store_label = "~/.local/share/medcoder/store.json"
    await until(pilot, lambda: "starting" not in pilot.app.engine_label)
    await pilot.pause()
    for box in pilot.app.screen.query(Input):
        box.cursor_blink = False
    # The footer recomposes after bindings change (call_after_refresh): let it land.
    await pilot.pause(0.15)
    await pilot.pause()


async def open_review(pilot, done: bool = True) -> ReviewScreen:
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(pilot.app.screen, ReviewScreen))
    screen = pilot.app.screen
    if done:
        await until(pilot, lambda: not screen.streaming and screen.suggestions, timeout=60)
    return screen


@SIZES
def test_picker(snap_compare, world, size):
    notes, store = world
    case = store.open_case(notes / "01_office_bronchitis.txt", NOTE)
    store.set_status(case.id, CaseStatus.COMPLETED)
    store.open_case(notes / "02_ed_cough.txt", NOTE)

    async def run_before(pilot):
        await settle(pilot)

    assert snap_compare(app_with(world, ScriptedEngine()), terminal_size=size, run_before=run_before)


@SIZES
def test_review_mid_stream(snap_compare, world, size):
    async def run_before(pilot):
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(pilot.app.screen, ReviewScreen)
                    and len(pilot.app.screen.suggestions) == 2, timeout=60)
        await pilot.pause(0.15)
        await settle(pilot)

    engine = ScriptedEngine(hold_after=2)
    assert snap_compare(app_with(world, engine), terminal_size=size, run_before=run_before)


@SIZES
def test_review_done(snap_compare, world, size):
    async def run_before(pilot):
        await open_review(pilot)
        await pilot.press("a", "r")
        await settle(pilot)

    assert snap_compare(app_with(world, ScriptedEngine()), terminal_size=size, run_before=run_before)


@SIZES
def test_lookup_dialog(snap_compare, world, size):
    async def run_before(pilot):
        await open_review(pilot)
        await pilot.press("plus")
        await until(pilot, lambda: type(pilot.app.screen).__name__ == "LookupScreen")
        await pilot.press(*"essential hypertension")
        await until(pilot, lambda: len(pilot.app.screen.hits) > 3, timeout=30)
        # Ranking belongs to the lookup's own tests; pin the rows so this shows only the dialog.
        from medcoder_tui.codes.service import LookupHit
        from medcoder_tui.codes.systems import System
        pinned = [LookupHit(code=c, system=System.ICD10CM, description=d, billable=b, score=1.0) for c, d, b in (
            ("I10", "Essential (primary) hypertension", True),
            ("I15", "Secondary hypertension", False),
            ("I15.9", "Secondary hypertension, unspecified", True),
            ("O10.011", "Pre-existing essential hypertension complicating pregnancy, first trimester", True),
            ("I11.9", "Hypertensive heart disease without heart failure", True))]
        pilot.app.screen._show(pinned, "5 results")
        await settle(pilot)

    assert snap_compare(app_with(world, ScriptedEngine()), terminal_size=size, run_before=run_before)


@SIZES
def test_help(snap_compare, world, size):
    async def run_before(pilot):
        await pilot.press("question_mark")
        await until(pilot, lambda: type(pilot.app.screen).__name__ == "HelpScreen")
        await settle(pilot)

    assert snap_compare(app_with(world, ScriptedEngine()), terminal_size=size, run_before=run_before)


@SIZES
def test_bad_note_message(snap_compare, world, size):
    async def run_before(pilot):
        pilot.app.open_note(3)
        await until(pilot, lambda: type(pilot.app.screen).__name__ == "MessageScreen")
        await settle(pilot)

    assert snap_compare(app_with(world, ScriptedEngine()), terminal_size=size, run_before=run_before)


@SIZES
def test_model_failure_inline(snap_compare, world, size):
    engine = ScriptedEngine(standard_suggestions()[:2],
                            error="Ollama connection lost mid-stream (server disconnected)")

    async def run_before(pilot):
        await open_review(pilot)
        await settle(pilot)

    assert snap_compare(app_with(world, engine), terminal_size=size, run_before=run_before)


@SIZES
def test_edit_dialog(snap_compare, world, size):
    async def run_before(pilot):
        screen = await open_review(pilot)
        from medcoder_tui.tui.widgets.suggestions_table import SuggestionsTable
        screen.query_one(SuggestionsTable).move_cursor(row=3)       # E11, a header to fix
        await pilot.press("e")
        await until(pilot, lambda: type(pilot.app.screen).__name__ == "EditScreen")
        await settle(pilot)

    assert snap_compare(app_with(world, ScriptedEngine()), terminal_size=size, run_before=run_before)


@SIZES
def test_sequencing(snap_compare, world, size):
    async def run_before(pilot):
        await open_review(pilot)
        await pilot.press("A", "s")
        await until(pilot, lambda: type(pilot.app.screen).__name__ == "SequenceScreen")
        pilot.app.clear_notifications()
        await settle(pilot)

    assert snap_compare(app_with(world, ScriptedEngine()), terminal_size=size, run_before=run_before)


@SIZES
def test_audit_trail(snap_compare, world, size):
    from datetime import datetime, timedelta, timezone
    notes, store = world
    ticks = iter(range(1000))
    start = datetime(2026, 3, 10, 9, 0, tzinfo=timezone.utc)
    store._clock = lambda: start + timedelta(seconds=7 * next(ticks))
    store.user = "coder1"

    async def run_before(pilot):
        screen = await open_review(pilot)
        await pilot.press("a", "r", "u", "A")
        store.set_status(screen.case.id, CaseStatus.COMPLETED)
        store.reopen(screen.case.id)
        await pilot.press("L")
        await until(pilot, lambda: type(pilot.app.screen).__name__ == "AuditScreen")
        pilot.app.clear_notifications()
        await settle(pilot)

    assert snap_compare(app_with(world, ScriptedEngine()), terminal_size=size, run_before=run_before)


@SIZES
def test_evaluation(snap_compare, world, size):
    import asyncio

    from eval_engines import ScriptedEngine as EvalEngine
    from eval_engines import sugg

    from medcoder_tui.codes.service import get_codesets
    from medcoder_tui.codes.systems import System
    from medcoder_tui.evaluation.gold import collect_gold
    from medcoder_tui.evaluation.runner import run_evaluation

    notes, store = world
    (notes / "02_ed_cough.gold.json").write_text('{"icd10cm": ["R05.9", "R50.9"]}')
    cs = get_codesets()
    gold = collect_gold(notes, types=[System.ICD10CM], validate=lambda c, s: cs.validate(c, s))
    for n, script in enumerate(({"bronchitis": [sugg("J20.9"), sugg("I10")], "cough": [sugg("R05.9")]},
                                {"bronchitis": [sugg("J20.9")], "cough": [sugg("R05.9"), sugg("R50.9")]})):
        run = asyncio.run(run_evaluation(gold, EvalEngine(script), types=[System.ICD10CM]))
        record = run.model_dump(mode="json")
        record.update(id=f"20260310-09000{n}-run{n}", created=f"2026-03-10T09:00:0{n}+00:00", seconds=1.5)
        store.add_eval_run(record)

    async def run_before(pilot):
        await pilot.press("E")
        await until(pilot, lambda: type(pilot.app.screen).__name__ == "EvaluationScreen")
        screen = pilot.app.screen
        screen.path = Path("notes")           # a temporary folder's name would differ on every run
        screen._update_title()
        screen.show_run(screen.runs[0])
        await settle(pilot)

    assert snap_compare(app_with(world, ScriptedEngine()), terminal_size=size, run_before=run_before)
