"""Pilot tests of the worklist: honest counts while filtering, Enter opens the top match, the setting,
date and coder columns, notes edited after completion, and damaged case files (real Store in tmp_path)."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from tui_support import NOTE, ScriptedEngine, frozen_clock, until

from medcoder_tui.config import Settings
from medcoder_tui.store import CaseStatus, Store
from medcoder_tui.store.layout import case_file
from medcoder_tui.tui.app import make_app
from medcoder_tui.tui.screens.review import ReviewScreen
from medcoder_tui.tui.widgets.worklist_table import WorklistTable


@pytest.fixture
def world(tmp_path: Path):
    folder = tmp_path / "notes"
    folder.mkdir()
    for name in ("alpha_done", "beta_open", "gamma_new", "jones [draft]", "jones [final]"):
        (folder / f"{name}.txt").write_text(NOTE)
    store = Store(tmp_path / "store.json", clock=lambda: datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc))
    store.user = "jdoe"
    done = store.open_case(folder / "alpha_done.txt", NOTE, setting="inpatient")
    store.set_status(done.id, CaseStatus.COMPLETED)
    store.open_case(folder / "beta_open.txt", NOTE)
    return folder, store, done


def build(folder: Path, store: Store):
    return make_app(Settings(), folder, store=store, engine=ScriptedEngine(), clock=frozen_clock,
                    theme="textual-dark")



def title(app) -> str:
    return str(app.screen.query_one("#worklist-title").render())


async def test_filter_keeps_the_completed_count_and_says_how_many_match(world):
    folder, store, _ = world
    app = build(folder, store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "5 notes, 1 completed" in title(app)
        await pilot.press("g", "a", "m")
        await pilot.pause()
        table = app.screen.query_one(WorklistTable)
        assert table.row_count == 1
        assert "5 notes, 1 completed" in title(app) and "1 match" in title(app)


async def test_enter_in_the_filter_opens_the_top_match(world):
    folder, store, _ = world
    app = build(folder, store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("slash", "b", "e", "t", "enter")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        assert app.screen.path.name == "beta_open.txt"


async def test_rows_show_setting_date_coder_and_literal_names(world):
    folder, store, _ = world
    app = build(folder, store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        table = app.screen.query_one(WorklistTable)
        rows = {r[0]: r for r in (table.get_row_at(i) for i in range(table.row_count))}
        assert rows["alpha_done.txt"][1:] == ["completed", "0", "", "inpt", "2026-11-30", "jdoe"]
        assert rows["gamma_new.txt"][1] == "new"
        assert "jones [draft].txt" in rows and "jones [final].txt" in rows


async def test_a_note_edited_after_completion_is_marked_and_reopening_says_what_changed(world):
    folder, store, done = world
    (folder / "alpha_done.txt").write_text(NOTE + "Addendum: also lung cancer.\n")
    app = build(folder, store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        table = app.screen.query_one(WorklistTable)
        assert table.get_row_at(0)[:2] == ["alpha_done.txt", "note changed"]
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        await until(pilot, lambda: any("changed since it was completed" in str(n.message)
                                       for n in app._notifications))
        text = next(str(n.message) for n in app._notifications if "changed since" in str(n.message))
        assert f"{len(NOTE):,} -> {len(NOTE) + 28:,} characters (+28)" in text


async def test_a_damaged_case_file_is_named_and_the_other_notes_stay(world):
    folder, store, done = world
    path = case_file(store.path, done.id)
    path.write_bytes(b"")
    app = build(folder, store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.screen.query_one(WorklistTable).row_count == 5
        assert any(path.name in str(n.message) and "empty" in str(n.message) for n in app._notifications)
        await pilot.press("enter")          # opening it refuses, with the reason, and leaves the file alone
        await until(pilot, lambda: type(app.screen).__name__ == "MessageScreen")
    assert path.read_bytes() == b""


async def test_a_large_folder_paints_names_first_and_fills_in_statuses(tmp_path):
    from medcoder_tui.tui.screens.worklist import DEFER_ABOVE

    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(DEFER_ABOVE + 5):
        (folder / f"n{i:05d}.txt").write_text(NOTE)
    store = Store(tmp_path / "store")
    case = store.open_case(folder / "n00003.txt", NOTE)
    store.set_status(case.id, CaseStatus.COMPLETED)
    app = build(folder, store)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: not app.screen._loading, timeout=20)
        await pilot.pause()
        table = app.screen.query_one(WorklistTable)
        assert table.row_count == DEFER_ABOVE + 5
        assert table.get_row_at(3)[:2] == ["n00003.txt", "completed"]
        assert f"{DEFER_ABOVE + 5} notes, 1 completed" in title(app)
