"""Pilot tests of the review workflow with a scripted engine and a real Store in tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest
from medcoder_tui.tui.widgets.stream_pane import StreamPane
from tui_support import NOTE, ScriptedEngine, frozen_clock, standard_suggestions, until

from medcoder_tui.config import Settings
from medcoder_tui.store import CaseStatus, Store
from medcoder_tui.tui.app import make_app
from medcoder_tui.tui.screens.messages import MessageScreen
from medcoder_tui.tui.screens.review import ReviewScreen
from medcoder_tui.tui.widgets.note_view import NoteView
from medcoder_tui.tui.widgets.suggestions_table import SuggestionsTable


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "01_first.txt").write_text(NOTE)
    (folder / "02_second.txt").write_text(NOTE.replace("58 y/o M", "61 y/o F"))
    (folder / "01_first.gold.json").write_text('{"icd10cm": ["J20.9"]}')
    return folder


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "store.json")


def build(notes: Path, store: Store, engine: ScriptedEngine, **kw):
    return make_app(Settings(keymap=kw.pop("keymap", {})), notes, store=store, engine=engine,
                    clock=frozen_clock, theme="textual-dark", **kw)



async def open_first(pilot) -> ReviewScreen:
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(pilot.app.screen, ReviewScreen))
    screen = pilot.app.screen
    # The first run in a process waits for the search index to be built (seconds).
    await until(pilot, lambda: not screen.streaming and screen.suggestions, timeout=60)
    return screen


async def test_decisions_are_stored_before_shown(notes, store):
    app = build(notes, store, ScriptedEngine())
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_first(pilot)
        table = screen.query_one(SuggestionsTable)
        assert [k.value for k in table.rows] == [s.key for s in standard_suggestions()]
        await pilot.press("a")          # J20.9, cursor moves on to E11.9
        await pilot.press("r")          # E11.9 rejected
        stored = store.get_case(screen.case.id)
        assert stored.decisions == {"icd10cm:J20.9": "accepted", "icd10cm:E11.9": "rejected"}
        assert [fc.code for fc in stored.final_codes] == ["J20.9"]
        assert "accepted" in str(table.get_cell("icd10cm:J20.9", "status"))
        await pilot.press("u")          # undo the rejection
        assert "icd10cm:E11.9" not in store.get_case(screen.case.id).decisions
        await pilot.press("A")          # accept every valid pending one
        stored = store.get_case(screen.case.id)
        assert {fc.code for fc in stored.final_codes} == {"J20.9", "E11.9", "I10", "99213"}
        assert "icd10cm:E11" not in stored.decisions   # a header is never accepted


async def test_blocked_suggestion_needs_a_fix(notes, store):
    app = build(notes, store, ScriptedEngine())
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_first(pilot)
        table = screen.query_one(SuggestionsTable)
        table.move_cursor(row=3)        # E11, a non-billable header
        await pilot.pause()
        await pilot.press("a")
        assert "icd10cm:E11" not in store.get_case(screen.case.id).decisions
        await pilot.press("e")
        await until(pilot, lambda: type(app.screen).__name__ == "EditScreen")
        await pilot.press("enter")      # E11 is still a header: refused
        assert type(app.screen).__name__ == "EditScreen"
        for _ in range(3):
            await pilot.press("backspace")
        await pilot.press(*"E11.65")
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is screen)
        stored = store.get_case(screen.case.id)
        assert [(fc.code, fc.source, fc.suggestion_key) for fc in stored.final_codes] == \
            [("E11.65", "edited", "icd10cm:E11")]
        assert "edited" in str(table.get_cell("icd10cm:E11", "status"))


async def test_selected_suggestion_highlights_its_evidence(notes, store):
    app = build(notes, store, ScriptedEngine())
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_first(pilot)
        note = screen.query_one(NoteView)
        await pilot.press("down", "down")   # I10: "Essential hypertension" at the end of the note
        await pilot.pause()
        row = note.evidence_row()
        assert row is not None
        top, height = note.scroll_offset.y, note.scrollable_content_region.height
        assert top <= row < top + height
        assert note._marks["evidence"] == [(NOTE.index("Essential hypertension"),
                                            NOTE.index("Essential hypertension") + 22)]
        assert note._marks["negated"], "Denies chest pain should be marked"


async def test_model_failure_keeps_earlier_suggestions(notes, store):
    sugg = standard_suggestions()[:2]
    app = build(notes, store, ScriptedEngine(sugg, error="Ollama stopped answering (stall 60 s)"))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_first(pilot)
        banner = screen.query_one("#run-error")
        assert banner.display and "stopped answering" in str(banner.render())
        assert [s.code for s in store.get_case(screen.case.id).suggestions] == ["J20.9", "E11.9"]


async def test_run_warnings_are_shown_in_the_output_pane(notes, store):
    why = "R51.9 not suggested: your team rejected it in 9/9 cases"
    app = build(notes, store, ScriptedEngine(warnings=[why, "Ollama unreachable at X; using the offline engine"]))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_first(pilot)
        shown = str(screen.query_one(StreamPane)._text.render())
        assert why in shown
        assert "Ollama unreachable" not in shown     # the fallback is announced once, elsewhere


async def test_cancel_mid_stream_keeps_partial_and_reopen_restores(notes, store):
    engine = ScriptedEngine(hold_after=2)
    app = build(notes, store, engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen) and len(app.screen.suggestions) == 2,
                    timeout=60)
        screen = app.screen
        assert screen.streaming
        await pilot.press("a")              # decide while the stream is still running
        await pilot.press("escape")         # cancels the run, keeps what arrived
        await until(pilot, lambda: not screen.streaming)
        await pilot.pause(0.1)
        case_id = screen.case.id
        await pilot.press("down")
        await pilot.press("escape")         # back to the list, position saved
    stored = store.get_case(case_id)
    assert [s.code for s in stored.suggestions] == ["J20.9", "E11.9"]
    assert stored.decisions == {"icd10cm:J20.9": "accepted"}
    assert stored.position == 1

    engine2 = ScriptedEngine()
    app2 = build(notes, store, engine2)
    async with app2.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app2.screen, ReviewScreen))
        await pilot.pause(0.1)
        screen = app2.screen
        assert engine2.runs == 0, "a stored case is restored, not re-run"
        assert [s.code for s in screen.suggestions] == ["J20.9", "E11.9"]
        assert screen.query_one(SuggestionsTable).cursor_row == 1
        await pilot.press("R")              # re-run: the decision on J20.9 survives
        await until(pilot, lambda: engine2.runs == 1 and not screen.streaming)
        assert store.get_case(case_id).decisions == {"icd10cm:J20.9": "accepted"}
        assert len(store.get_case(case_id).suggestions) == 5


async def test_bad_notes_get_a_clear_message(notes, store):
    (notes / "03_binary.txt").write_bytes(b"\x00\x01\x02 not text")
    (notes / "04_empty.txt").write_text("   ")
    (notes / "05_latin1.txt").write_bytes("caf\xe9 fi\xe8vre".encode("latin-1"))
    (notes / "06_huge.txt").write_text("word " * 1_100_000)
    app = build(notes, store, ScriptedEngine())
    async with app.run_test(size=(80, 24)) as pilot:
        for index, words in ((2, "binary"), (3, "empty"), (4, "UTF-8"), (5, "MB")):
            app.open_note(index)
            await until(pilot, lambda: isinstance(app.screen, MessageScreen))
            assert words in app.screen.message
            await pilot.press("escape")
            await until(pilot, lambda: not isinstance(app.screen, MessageScreen))


async def test_next_previous_and_types(notes, store):
    engine = ScriptedEngine()
    app = build(notes, store, engine)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_first(pilot)
        await pilot.press("t")              # ICD-10-CM only: the CPT row leaves the table
        table = screen.query_one(SuggestionsTable)
        assert "cpt:99213" not in table.rows and "icd10cm:J20.9" in table.rows
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen) and app.screen.index == 1)
        await until(pilot, lambda: not app.screen.streaming and app.screen.suggestions)
        assert {s.system.value for s in app.screen.suggestions} == {"icd10cm"}
        await pilot.press("p")
        await until(pilot, lambda: app.screen.index == 0)


async def test_sequence_reorder_and_override(notes, store):
    from medcoder_tui.codes.systems import System
    from tui_support import suggestion
    fall = [suggestion("W19.XXXA", System.ICD10CM, "Unspecified fall, initial encounter", "presents"),
            suggestion("S52.501A", System.ICD10CM, "Unspecified fracture of the lower end of right radius",
                       "productive cough"),
            suggestion("99213", System.CPT, "Office visit", "cough")]
    app = build(notes, store, ScriptedEngine(fall))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_first(pilot)
        await pilot.press("A", "s")
        await until(pilot, lambda: type(app.screen).__name__ == "SequenceScreen")
        seq = app.screen
        assert [c.code for c in seq.order] == ["W19.XXXA", "S52.501A", "99213"]
        assert [i.rule for i in seq.result.errors] == ["external_cause_first"]
        await pilot.press("c")              # open errors: asks for a reason
        await until(pilot, lambda: type(app.screen).__name__ == "ReasonScreen")
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is seq)
        await pilot.press("down", "P")      # the fracture becomes first-listed: the error goes away
        assert [fc.code for fc in store.get_case(screen.case.id).final_codes] == ["S52.501A", "W19.XXXA", "99213"]
        assert not seq.result.errors
        await pilot.press("J")              # and back down: the error returns
        assert store.get_case(screen.case.id).final_codes[1].code == "S52.501A"
        assert seq.result.errors
        await pilot.press("c")
        await until(pilot, lambda: type(app.screen).__name__ == "ReasonScreen")
        await pilot.press("enter")          # an empty reason is refused
        assert type(app.screen).__name__ == "ReasonScreen"
        await pilot.press(*"physician confirmed")
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is screen)
    stored = store.get_case(screen.case.id)
    assert stored.status == CaseStatus.COMPLETED and stored.override
    assert any("physician confirmed" in str(e.model_dump()) for e in store.audit(stored.id))


async def test_keymap_override_and_help_lists_every_binding(notes, store):
    app = build(notes, store, ScriptedEngine(), keymap={"review.accept": "y"})
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_first(pilot)
        await pilot.press("y")
        assert store.get_case(screen.case.id).decisions == {"icd10cm:J20.9": "accepted"}
        await pilot.press("question_mark")
        await until(pilot, lambda: type(app.screen).__name__ == "HelpScreen")
        table = app.screen.query_one("#help-table")
        rows = [tuple(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]
        assert ("Review", "y", "Accept") in rows
        from medcoder_tui.tui.keys import SCREEN_BINDINGS
        described = {r[2] for r in rows}
        for _, bindings in SCREEN_BINDINGS:
            for b in bindings:
                assert b.description in described
        await pilot.press("escape")


async def test_footer_hides_secondary_keys_when_narrow(notes, store):
    from textual.widgets._footer import FooterKey
    for size, expect_secondary in (((80, 24), False), ((140, 40), True)):
        app = build(notes, store, ScriptedEngine())
        async with app.run_test(size=size) as pilot:
            await open_first(pilot)
            await pilot.pause(0.1)
            actions = {k.action for k in app.screen.query(FooterKey)}
            assert "accept" in actions
            assert ("accept_all" in actions) is expect_secondary


async def test_footer_rebuilds_only_when_its_keys_change(notes, store):
    """Moving focus changes only hidden bindings: the footer keeps its keys; a key disabled is dimmed in place."""
    from textual.widgets._footer import FooterKey
    app = build(notes, store, ScriptedEngine())
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_first(pilot)
        await pilot.pause(0.1)
        before = list(screen.query(FooterKey))
        await pilot.press("tab")          # the note pane takes focus: its scroll keys are not shown
        await pilot.pause(0.1)
        assert list(screen.query(FooterKey)) == before
        await pilot.press("tab")
        await pilot.pause(0.1)
        assert list(screen.query(FooterKey)) == before
        table = screen.query_one(SuggestionsTable)
        table.clear()                     # no row: accept is disabled, and the footer must say so
        screen.refresh_bindings()
        await pilot.pause(0.1)
        keys = {k.action: k for k in screen.query(FooterKey)}
        assert list(screen.query(FooterKey)) == before
        assert keys["accept"].has_class("-disabled") and keys["accept"]._disabled
        await pilot.click(keys["accept"])   # a disabled key's click only rings the bell
        assert table.row_count == 0


async def test_a_note_opening_builds_its_footer_once(notes, store, monkeypatch):
    """The review screen refreshes its bindings several times while a note opens and its rows arrive:
    the footer is built when its keys first show, not once per refresh."""
    from medcoder_tui.tui.keys import AppFooter
    built: list[int] = []
    compose = AppFooter.compose

    def counting(self):
        built.append(id(self))
        return compose(self)

    monkeypatch.setattr(AppFooter, "compose", counting)
    app = build(notes, store, ScriptedEngine())
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_first(pilot)
        await pilot.pause(0.3)
        footer = screen.query_one(AppFooter)
        assert screen.query_one(SuggestionsTable).row_count
        assert 1 <= built.count(id(footer)) <= 2   # mounted, then its keys once


async def test_palette_offers_screen_actions(notes, store):
    app = build(notes, store, ScriptedEngine())
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_first(pilot)
        titles = {c.title for c in app.get_system_commands(screen)}
        assert {"Accept", "Reject", "Edit", "Add", "Sequence", "Undo", "Re-run", "Evaluate"} <= titles


async def test_evaluation_screen_opens_with_a_key(notes, store):
    evaluation = pytest.importorskip("medcoder_tui.tui.screens.evaluation")
    app = build(notes, store, ScriptedEngine())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("E")
        await until(pilot, lambda: isinstance(app.screen, evaluation.EvaluationScreen))
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, evaluation.EvaluationScreen))


async def test_no_color_is_respected(notes, store, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = build(notes, store, ScriptedEngine())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.no_color


async def test_setting_cycles_and_is_stored(notes, store):
    app = build(notes, store, ScriptedEngine())
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_first(pilot)
        await pilot.press("i")
        assert store.get_case(screen.case.id).setting == "inpatient"
        await pilot.press("i")
        assert store.get_case(screen.case.id).setting == "ed"


async def test_filter_box_takes_q_without_quitting(notes, store):
    app = build(notes, store, ScriptedEngine())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("slash", "q", "0", "2")
        await pilot.pause()
        assert app.is_running
        table = app.screen.query_one("#worklist-table")
        assert table.row_count == 0          # "q02" matches no note
        await pilot.press("escape")
        await pilot.pause()
        assert table.row_count == 2
        await pilot.press("down", "enter")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen) and app.screen.index == 1)


async def test_typing_in_the_list_filters(notes, store):
    app = build(notes, store, ScriptedEngine())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("0", "2", "enter")    # no "/" needed; Enter in the box opens the top match
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen) and app.screen.index == 1)


async def test_quitting_mid_stream_keeps_what_arrived(notes, store):
    app = build(notes, store, ScriptedEngine(hold_after=3))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen) and len(app.screen.suggestions) == 3,
                    timeout=60)
        case_id = app.screen.case.id
        await pilot.press("r")
        await pilot.press("ctrl+q")
    stored = store.get_case(case_id)
    assert [s.code for s in stored.suggestions] == ["J20.9", "E11.9", "I10"]
    assert stored.decisions == {"icd10cm:J20.9": "rejected"}


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (200, 50)])
async def test_every_column_fits_the_table(notes, store, size):
    app = build(notes, store, ScriptedEngine())
    async with app.run_test(size=size) as pilot:
        screen = await open_first(pilot)
        await pilot.pause(0.1)
        table = screen.query_one(SuggestionsTable)
        used = sum(col.get_render_width(table) for col in table.columns.values())
        assert len(table.columns) == 6
        assert used <= table.size.width
        assert table.descriptions_width >= 20


async def test_a_new_case_takes_the_setting_its_title_states(tmp_path, store):
    folder = tmp_path / "ed_notes"
    folder.mkdir()
    (folder / "01_ed.txt").write_text("EMERGENCY DEPARTMENT PHYSICIAN NOTE\n" + NOTE)
    app = build(folder, store, ScriptedEngine())
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_first(pilot)
        assert screen.case.setting == "ed"
    explicit = build(tmp_path / "ed_notes", Store(tmp_path / "other.json"), ScriptedEngine(), setting="outpatient")
    async with explicit.run_test(size=(80, 24)) as pilot:
        screen = await open_first(pilot)
        assert screen.case.setting == "outpatient"     # --setting wins over the title
