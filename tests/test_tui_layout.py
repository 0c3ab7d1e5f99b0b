"""Pilot tests of what fits on the screen at 80x24 and 120x40: notices, status bar, note pane,
help, sequencing footer, evaluation columns, and dialogs that leave the note visible."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_tui_review import build, open_first, until
from textual.widgets import DataTable, Static
from textual.widgets._footer import FooterKey
from tui_support import NOTE, ScriptedEngine, frozen_clock

from medcoder_tui.config import Settings
from medcoder_tui.store import Store
from medcoder_tui.tui.app import make_app
from medcoder_tui.tui.widgets.note_view import NoteView
from medcoder_tui.tui.widgets.status_bar import StatusBar


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "01_first.txt").write_text(NOTE)
    (folder / "01_first.gold.json").write_text(json.dumps({"icd10cm": ["J20.9", "E11.9"]}))
    (folder / "02_second.txt").write_text(NOTE)
    return folder


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "deeply" / "nested" / "folders" / "of" / "the" / "medcoder" / "store.json")


def visible_width(table: DataTable, upto: str) -> int:
    """Cells from the table's left edge to the end of column ``upto``."""
    total = 0
    for key, column in table.columns.items():
        total += column.get_render_width(table)
        if key.value == upto or str(column.label) == upto:
            return total
    raise KeyError(upto)


async def test_notices_do_not_pile_up(notes, store):
    app = build(notes, store, ScriptedEngine())
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_first(pilot)
        await pilot.press("a", "r", "u", "A")
        await pilot.pause()
        assert len(list(app._notifications)) == 1


async def test_status_bar_keeps_progress_and_the_store_folder_at_80(notes, store):
    app = build(notes, store, ScriptedEngine())
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_first(pilot)
        bar = screen.query_one(StatusBar)
        text = str(bar.render())
        assert "0✓ 0✗ 4 pending 1 to fix · 0 final · in progress" in text
        assert text.rstrip().endswith("…/store.d") and len(text.rstrip()) <= 78


def test_short_path_keeps_the_last_folders():
    from medcoder_tui.tui.widgets.status_bar import short_path, status_line

    assert short_path("/a/b/c/medcoder/store.d", 20) == "…/c/medcoder/store.d"
    assert short_path("/a/store.d", 30) == "/a/store.d"
    line = status_line("offline engine (Ollama unreachable)", "3✓ 1✗ 2 pending · 5 final · in progress",
                       "/srv/coding/team-a/medcoder/store.d", 78)
    assert line.endswith("store …/team-a/medcoder/store.d") or line.endswith("/medcoder/store.d")
    assert "3✓ 1✗ 2 pending · 5 final · in progress" in line and len(line) <= 78


async def test_note_pane_shows_more_than_seven_lines_at_80x24(notes, store):
    app = build(notes, store, ScriptedEngine())
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_first(pilot)
        assert screen.query_one(NoteView).scrollable_content_region.height >= 9
        assert screen.query_one("#suggestions").size.height >= 7     # header and six rows at least


async def test_help_rows_fit_and_the_last_one_can_be_reached(notes, store):
    app = build(notes, store, ScriptedEngine())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        await until(pilot, lambda: type(app.screen).__name__ == "HelpScreen")
        table = app.screen.query_one(DataTable)
        assert visible_width(table, "Action") <= table.scrollable_content_region.width
        table.move_cursor(row=table.row_count - 1, animate=False)
        await pilot.pause(0.2)
        last = table.get_row_at(table.row_count - 1)
        assert "gold against suggested" in str(last[2])
        action = list(table.columns.values())[2]
        for row_key, row in table.rows.items():
            what = str(table.get_row(row_key)[2])
            assert len(what) <= action.width * row.height, f"{what!r} is cut"
        region = table.scrollable_content_region
        assert table.scroll_offset.y + region.height >= table.virtual_size.height - 1


async def test_sequencing_footer_shows_remove_and_propose_at_80(notes, store):
    app = build(notes, store, ScriptedEngine())
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first(pilot)
        await pilot.press("a", "s")
        await until(pilot, lambda: type(app.screen).__name__ == "SequenceScreen")
        await pilot.pause(0.2)
        keys = {k.action: k for k in app.screen.query(FooterKey)}
        for action in ("remove", "propose", "complete"):
            assert action in keys and keys[action].region.right <= 80, action


@pytest.mark.parametrize("dialog", ["e", "plus"])
async def test_code_dialogs_leave_the_note_visible_at_120x40(notes, store, dialog):
    app = build(notes, store, ScriptedEngine())
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_first(pilot)
        note = screen.query_one(NoteView).region
        await pilot.press(dialog)
        await until(pilot, lambda: type(app.screen).__name__ in ("EditScreen", "LookupScreen"))
        await pilot.pause(0.1)
        box = app.screen.query_one("#dialog").region
        assert box.x >= note.right, (box, note)


async def test_sequencing_shows_the_note_beside_the_codes_at_120x40(notes, store):
    app = build(notes, store, ScriptedEngine())
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        await pilot.press("a", "s")
        await until(pilot, lambda: type(app.screen).__name__ == "SequenceScreen")
        await pilot.pause(0.1)
        note = app.screen.query_one(NoteView)
        assert note.display and note.region.width >= 40
        assert note.region.right <= app.screen.query_one("#seq-table").region.x


async def test_evaluation_at_80x24_shows_p_r_f1_errors_and_runs(notes, store):
    app = build(notes, store, ScriptedEngine())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("E")
        await until(pilot, lambda: type(app.screen).__name__ == "EvaluationScreen")
        await pilot.press("r")
        screen = app.screen
        await until(pilot, lambda: screen.run_result is not None and not screen.running, timeout=60)
        await pilot.pause(0.2)
        notes_table = screen.query_one("#eval-notes", DataTable)
        assert visible_width(notes_table, "f1") <= notes_table.scrollable_content_region.width
        runs = screen.query_one("#eval-runs", DataTable)
        assert runs.row_count >= 1 and runs.region.height >= 3
        assert visible_width(runs, "cat") <= runs.scrollable_content_region.width
        summary = screen.query_one("#eval-summary", Static)
        lines = str(summary.render()).splitlines()
        assert lines[-1].startswith("errors: ") and all(len(line) <= 78 for line in lines)
        assert summary.size.height >= len(lines)
        notes_table.focus()
        await pilot.press("enter")                 # the drill-down takes the table's place
        await pilot.pause(0.1)
        detail = screen.query_one("#eval-detail-table", DataTable)
        assert detail.region.width >= 70 and detail.row_count and notes_table.display is False
        await pilot.press("escape")                # closes the drill-down, stays on the screen
        await pilot.pause(0.1)
        assert type(app.screen).__name__ == "EvaluationScreen" and notes_table.region.width >= 70


async def test_ollama_unreachable_is_said_once(tmp_path, notes):
    from ollama_server import closed_port_url

    settings = Settings(ollama_host=closed_port_url(), ollama_connect_timeout=0.5)
    app = make_app(settings, notes, store=Store(tmp_path / "s.json"), clock=frozen_clock, theme="textual-dark",
                   engine_name="auto")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await until(pilot, lambda: "offline engine" in app.engine_label, timeout=30)
        await until(pilot, lambda: any("unreachable" in n.message for n in app._notifications))
        await pilot.press("enter")
        await until(pilot, lambda: type(app.screen).__name__ == "ReviewScreen")
        await until(pilot, lambda: app.screen.suggestions and not app.screen.streaming, timeout=60)
        assert not [n for n in app._notifications if "unreachable" in n.message.lower()]


async def test_a_narrow_footer_is_built_compact_and_never_restyled_key_by_key(notes, store, monkeypatch):
    """At 80 columns the footer is compact: its keys carry the class from the start, so opening a note does
    not restyle each key (and the screen) once more as its bound "compact" arrives."""
    from textual.app import App

    restyled: list[str] = []
    original = App.update_styles

    def counting(self, node, animate=True):
        if isinstance(node, FooterKey):
            restyled.append(node.action)
        return original(self, node, animate)

    monkeypatch.setattr(App, "update_styles", counting)
    app = build(notes, store, ScriptedEngine())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        restyled.clear()   # (the worklist's very first footer is built before the terminal's width is known)
        await open_first(pilot)
        keys = list(app.screen.query(FooterKey))
        assert keys and all(key.has_class("-compact") for key in keys)
        assert restyled == [], restyled[:10]


async def test_the_table_of_neoplasms_sites_load_with_the_code_sets_not_in_the_first_note(notes, store):
    """Body-part words are told apart from conditions in every note's exam lines: the Table's sites are read in
    the background load, so the first note opened does not wait for them."""
    from medcoder_tui.engines.diagnoses import skin_table

    skin_table.site_stems.cache_clear()
    skin_table._site_spellings.cache_clear()
    app = build(notes, store, ScriptedEngine())
    async with app.run_test(size=(80, 24)):
        await app.services.wait_index()
        assert skin_table._site_spellings.cache_info().currsize == 1


async def test_the_footer_gets_its_secondary_keys_back_when_the_terminal_widens(notes, store):
    """Narrowed, the footer drops its secondary keys; widened again, it shows them again."""
    app = build(notes, store, ScriptedEngine())
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_first(pilot)
        await pilot.pause(0.2)
        wide = {key.action for key in screen.query(FooterKey)}
        assert "accept_all" in wide
        await pilot.resize_terminal(80, 24)
        await pilot.pause(0.3)
        assert "accept_all" not in {key.action for key in screen.query(FooterKey)}
        await pilot.resize_terminal(120, 40)
        await pilot.pause(0.3)
        assert {key.action for key in screen.query(FooterKey)} == wide
