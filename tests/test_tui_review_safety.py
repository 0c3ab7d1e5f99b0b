"""Pilot tests: a bulk accept takes only clean suggestions and one undo reverts it; a completed case
stays as completed until reopened; the detail line follows an edit; the audit trail is viewable."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_tui_review import build, open_first, until
from tui_support import NOTE, ScriptedEngine, standard_suggestions, suggestion

from medcoder_tui.codes.systems import System
from medcoder_tui.engines.models import Flag
from medcoder_tui.store import CaseStatus, Store
from medcoder_tui.tui.screens.review import ReviewScreen
from medcoder_tui.tui.widgets.suggestions_table import SuggestionsTable


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "01_first.txt").write_text(NOTE)
    return folder


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "store.json")


def flagged_suggestions():
    return standard_suggestions() + [
        suggestion("R07.9", System.ICD10CM, "Chest pain, unspecified", "chest pain", flags=[Flag.NEGATED]),
        suggestion("J18.9", System.ICD10CM, "Pneumonia, unspecified organism", "pneumonia",
                   flags=[Flag.UNCERTAIN]),
        suggestion("87804", System.CPT, "Influenza assay", "chest x-ray", flags=[Flag.NEGATED]),
    ]


def notices(app) -> list[str]:
    return [n.message for n in app._notifications]


async def test_accept_all_leaves_flagged_suggestions_and_says_why(notes, store):
    app = build(notes, store, ScriptedEngine(flagged_suggestions()))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await open_first(pilot)
        await pilot.press("A")
        stored = store.get_case(screen.case.id)
        assert {fc.code for fc in stored.final_codes} == {"J20.9", "E11.9", "I10", "99213"}
        for key in ("icd10cm:R07.9", "icd10cm:J18.9", "cpt:87804", "icd10cm:E11"):
            assert key not in stored.decisions
        said = notices(app)[-1]
        assert "Accepted 4." in said and "4 left for a look" in said
        assert "2 negated" in said and "1 uncertain" in said and "1 not billable" in said


async def test_one_undo_reverts_the_whole_accept_all_and_moves_to_the_row(notes, store):
    app = build(notes, store, ScriptedEngine(flagged_suggestions()))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await open_first(pilot)
        table = screen.query_one(SuggestionsTable)
        await pilot.press("r")                      # J20.9 rejected: the earlier action stays
        await pilot.press("A")
        table.move_cursor(row=table.row_count - 1)
        await pilot.press("u")
        stored = store.get_case(screen.case.id)
        assert stored.decisions == {"icd10cm:J20.9": "rejected"} and stored.final_codes == []
        assert table.cursor_row == table.get_row_index("icd10cm:E11.9")   # first row the undo changed
        await pilot.press("u")
        assert store.get_case(screen.case.id).decisions == {}
        assert table.cursor_row == 0


async def test_undo_moves_the_cursor_to_the_undone_row(notes, store):
    app = build(notes, store, ScriptedEngine())
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_first(pilot)
        table = screen.query_one(SuggestionsTable)
        await pilot.press("down", "r")               # E11.9 rejected, cursor moves on
        table.move_cursor(row=4)
        await pilot.pause()
        await pilot.press("u")
        assert table.cursor_row == 1


async def test_completing_with_pending_suggestions_asks_first(notes, store):
    app = build(notes, store, ScriptedEngine())
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_first(pilot)
        await pilot.press("a")                       # J20.9; four others stay pending
        await pilot.press("s")
        await until(pilot, lambda: type(app.screen).__name__ == "SequenceScreen")
        await pilot.press("c")
        await until(pilot, lambda: type(app.screen).__name__ == "ConfirmScreen")
        assert "4 suggestions still pending" in app.screen.title_text
        await pilot.press("n")
        await until(pilot, lambda: type(app.screen).__name__ == "SequenceScreen")
        assert store.get_case(screen.case.id).status is CaseStatus.IN_PROGRESS
        await pilot.press("c")
        await until(pilot, lambda: type(app.screen).__name__ == "ConfirmScreen")
        await pilot.press("y")
        await pilot.pause()
        if type(app.screen).__name__ == "ReasonScreen":   # open sequencing errors need a reason too
            await pilot.press(*"payer rule", "enter")
        await until(pilot, lambda: store.get_case(screen.case.id).status is CaseStatus.COMPLETED)


async def test_completed_case_is_read_only_until_reopened(notes, store):
    app = build(notes, store, ScriptedEngine())
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await open_first(pilot)
        await pilot.press("a")
        case_id = screen.case.id
        store.set_status(case_id, CaseStatus.COMPLETED)
        await pilot.press("escape")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen) and app.screen is not screen)
        screen = app.screen
        before = store.get_case(case_id)
        assert str(screen.query_one("#review-title").render()).startswith("COMPLETED, read-only")
        for key in ("a", "r", "A", "u", "e", "plus", "i", "R"):
            await pilot.press(key)
            await pilot.pause()
            assert app.screen is screen, f"{key} opened a dialog on a completed case"
            assert "read-only" in notices(app)[-1]
        await pilot.press("s")
        await until(pilot, lambda: type(app.screen).__name__ == "SequenceScreen")
        for key in ("x", "O", "P", "J"):
            await pilot.press(key)
            await pilot.pause()
            assert "read-only" in notices(app)[-1], key
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen)
        assert store.get_case(case_id).model_dump() == before.model_dump()
        await pilot.press("ctrl+o")
        assert store.get_case(case_id).status is CaseStatus.IN_PROGRESS
        assert "COMPLETED" not in str(screen.query_one("#review-title").render())
        last = store.audit(case_id)[-1]
        assert (last.action, last.before["status"], last.after["status"]) == ("status", "completed",
                                                                               "in_progress")
        await pilot.press("a")
        assert len(store.get_case(case_id).decisions) == 2


async def test_detail_line_follows_an_edit(notes, store):
    app = build(notes, store, ScriptedEngine())
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_first(pilot)
        table = screen.query_one(SuggestionsTable)
        table.move_cursor(row=3)                     # E11, a header
        await pilot.pause()
        await pilot.press("e")
        await until(pilot, lambda: type(app.screen).__name__ == "EditScreen")
        await pilot.press("backspace", "backspace", "backspace", *"E11.65", "enter")
        await until(pilot, lambda: app.screen is screen)
        table.move_cursor(row=3)
        await pilot.pause()
        detail = str(screen.query_one("#detail").render())
        assert detail.startswith("E11.65 ") and "edited by the coder from E11" in detail
        assert "not_billable" not in detail


async def test_audit_trail_view_lists_the_cases_decisions(notes, store):
    app = build(notes, store, ScriptedEngine())
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_first(pilot)
        await pilot.press("a", "r", "u", "A")
        store.set_status(screen.case.id, CaseStatus.COMPLETED)
        store.reopen(screen.case.id)
        await pilot.press("L")
        await until(pilot, lambda: type(app.screen).__name__ == "AuditScreen")
        from textual.widgets import DataTable
        table = app.screen.query_one(DataTable)
        actions = [str(table.get_row_at(i)[2]) for i in range(table.row_count)]
        assert actions[:3] == ["opened", "engine run", "accepted"]
        assert "rejected" in actions and "undo" in actions and "accepted (all)" in actions
        assert actions[-2:] == ["completed", "reopened"]
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen)


async def test_an_unsupported_code_is_accepted_only_with_the_coders_reason(notes, store):
    unsupported = suggestion("I21.9", System.ICD10CM, "Acute myocardial infarction, unspecified", "chest pain",
                             confidence=0.3, flags=[Flag.UNSUPPORTED])
    app = build(notes, store, ScriptedEngine(standard_suggestions() + [unsupported]))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await open_first(pilot)
        await pilot.press("A")                                  # bulk accept leaves it pending
        assert "icd10cm:I21.9" not in store.get_case(screen.case.id).decisions
        table = screen.query_one(SuggestionsTable)
        table.move_cursor(row=[s.key for s in screen.suggestions].index("icd10cm:I21.9"))
        await pilot.press("a")
        await until(pilot, lambda: type(app.screen).__name__ == "ReasonScreen")
        await pilot.press("escape")                             # no reason: nothing accepted
        await until(pilot, lambda: app.screen is screen)
        assert "icd10cm:I21.9" not in store.get_case(screen.case.id).decisions
        await pilot.press("a")
        await until(pilot, lambda: type(app.screen).__name__ == "ReasonScreen")
        await pilot.press(*"troponin elevated on page 2", "enter")
        await until(pilot, lambda: app.screen is screen)
        case = store.get_case(screen.case.id)
        assert case.decisions["icd10cm:I21.9"] == "accepted"
        entry = [e for e in store.audit(case.id) if e.action == "accept" and e.target == "icd10cm:I21.9"][-1]
        assert entry.reason == "troponin elevated on page 2"


def test_the_store_refuses_an_unsupported_code_without_a_reason(tmp_path):
    from medcoder_tui.engines.models import SuggestionResult
    from medcoder_tui.store import StoreError

    store = Store(tmp_path / "store.json")
    note = tmp_path / "n.txt"
    note.write_text(NOTE)
    case = store.open_case(note, NOTE)
    s = suggestion("I21.9", System.ICD10CM, "Acute MI", "chest pain", flags=[Flag.NO_EVIDENCE])
    store.save_suggestions(case.id, SuggestionResult(engine="offline", suggestions=[s]))
    with pytest.raises(StoreError, match="reason"):
        store.accept(case.id, s.key)
    with pytest.raises(StoreError, match="reason"):
        store.accept_many(case.id, [s.key])
    assert store.accept(case.id, s.key, "documented on the outside records").decisions[s.key] == "accepted"
