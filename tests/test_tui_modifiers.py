"""Modifiers and units through the edit dialog (Pilot, real store folder), and the edited row in the table."""

from __future__ import annotations

from pathlib import Path

import pytest
from tui_support import NOTE, ScriptedEngine, frozen_clock, standard_suggestions, until

from medcoder_tui.config import Settings
from medcoder_tui.store import Store
from medcoder_tui.tui.app import make_app
from medcoder_tui.tui.screens.review import ReviewScreen
from medcoder_tui.tui.widgets.suggestions_table import SuggestionsTable


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "01_first.txt").write_text(NOTE)
    return folder



async def open_edit_on(pilot, key: str) -> ReviewScreen:
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(pilot.app.screen, ReviewScreen))
    screen = pilot.app.screen
    await until(pilot, lambda: not screen.streaming and screen.suggestions, timeout=60)
    table = screen.query_one(SuggestionsTable)
    table.move_cursor(row=table.get_row_index(key))
    await pilot.pause()
    await pilot.press("e")
    await until(pilot, lambda: type(pilot.app.screen).__name__ == "EditScreen")
    return screen


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_edit_dialog_takes_modifiers_and_units_and_the_table_shows_the_line(notes, tmp_path, size):
    store = Store(tmp_path / "store")
    app = make_app(Settings(), notes, store=store, engine=ScriptedEngine(standard_suggestions()),
                   clock=frozen_clock, theme="textual-dark")
    async with app.run_test(size=size) as pilot:
        screen = await open_edit_on(pilot, "cpt:99213")
        dialog = app.screen
        assert dialog.query_one("#edit-line").display          # a CPT code takes modifiers
        await pilot.press("tab", *"ZZ")                          # an unknown modifier is refused as typed
        assert "unknown modifier ZZ" in str(dialog.query_one("#edit-status").render())
        await pilot.press("enter")
        assert app.screen is dialog
        await pilot.press("backspace", "backspace", *"25", "enter")
        await until(pilot, lambda: app.screen is screen)
        stored = store.get_case(screen.case.id)
        line = next(fc for fc in stored.final_codes if fc.code == "99213")
        assert (line.modifiers, line.units, line.source, line.confidence) == (["25"], None, "edited", None)
        table = screen.query_one(SuggestionsTable)
        assert str(table.get_cell("cpt:99213", "code")) == "99213-25"
        assert str(table.get_cell("cpt:99213", "confidence")) == "—"   # the coder's code, not the model's
        assert str(table.get_cell("icd10cm:J20.9", "confidence")) == "0.90"


async def test_an_icd_code_has_no_modifier_fields(notes, tmp_path):
    store = Store(tmp_path / "store")
    app = make_app(Settings(), notes, store=store, engine=ScriptedEngine(standard_suggestions()),
                   clock=frozen_clock, theme="textual-dark")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_edit_on(pilot, "icd10cm:I10")
        assert not app.screen.query_one("#edit-line").display
        await pilot.press("backspace", "backspace", "backspace", *"I11.9", "enter")
        await until(pilot, lambda: app.screen is screen)
        assert str(screen.query_one(SuggestionsTable).get_cell("icd10cm:I10", "confidence")) == "—"


SCREENING_NOTE = ("ENDOSCOPY REPORT - COLONOSCOPY\nIndication: Screening for colorectal cancer.\n"
                  "Findings: 9 mm sessile polyp in the ascending colon, removed with cold snare.\n"
                  "Impression: colon polyp removed.\n")


async def test_propose_order_puts_the_screening_code_first_and_says_what_it_did(tmp_path):
    """Screening colonoscopy: O moves Z12.11 first-listed and says so; again, it says the order stands."""
    from medcoder_tui.codes.systems import System
    from tui_support import suggestion

    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "colonoscopy.txt").write_text(SCREENING_NOTE)
    found = [suggestion("K63.5", System.ICD10CM, "Polyp of colon", "sessile polyp", note=SCREENING_NOTE),
             suggestion("K63", System.ICD10CM, "Other diseases of intestine", "ascending colon",
                        note=SCREENING_NOTE, billable=False),
             suggestion("Z12.11", System.ICD10CM, "Encounter for screening for malignant neoplasm of colon",
                        "Screening for colorectal cancer", note=SCREENING_NOTE, confidence=0.6),
             suggestion("45385", System.CPT, "Colonoscopy with removal of polyp(s) by snare", "cold snare",
                        note=SCREENING_NOTE)]
    store = Store(tmp_path / "store")
    app = make_app(Settings(), folder, store=store, engine=ScriptedEngine(found), clock=frozen_clock,
                   theme="textual-dark")
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        screen = app.screen
        await until(pilot, lambda: not screen.streaming and screen.suggestions, timeout=60)
        await pilot.press("A", "s")
        await until(pilot, lambda: type(app.screen).__name__ == "SequenceScreen")
        seq = app.screen
        assert [c.code for c in seq.order][0] == "K63.5"
        assert [w.rule for w in seq.result.warnings] == ["screening_first"]
        await pilot.press("O")
        assert [fc.code for fc in store.get_case(screen.case.id).final_codes] == ["Z12.11", "K63.5", "45385"]
        assert not seq.result.warnings
        assert any("Z12.11 first" in n.message for n in app._notifications)
        await pilot.press("O")
        assert any("already follows" in n.message for n in app._notifications)
