"""The worklist filter at scale: every frame agrees with the filter box, narrowing and widening
(and the views, and a store change while filtering) give what a full scan gives, and the list
scrolls to every note with a scrollbar that follows the filter (real Store in tmp_path, Pilot)."""

from __future__ import annotations

from pathlib import Path

import pytest
from tui_support import NOTE, ScriptedEngine, frozen_clock

from medcoder_tui.config import Settings
from medcoder_tui.store import CaseStatus, Store
from medcoder_tui.tui.app import make_app
from medcoder_tui.tui.widgets.worklist_filter import MatchCache
from medcoder_tui.tui.widgets.worklist_table import WorklistTable

NAMES = [f"{first}_{last}_{i:03d}" for i, (first, last) in enumerate(
    (f, l) for f in ("ann", "bob", "cara", "dan", "eve", "abe") for l in ("lee", "ng", "banks", "obi", "shaw"))]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    notes = tmp_path / "notes"
    notes.mkdir()
    for name in NAMES:
        (notes / f"{name}.txt").write_text(NOTE)
    return notes


def build(folder: Path, store: Store):
    return make_app(Settings(), folder, store=store, engine=ScriptedEngine(), clock=frozen_clock,
                    theme="textual-dark")


def shown_names(table: WorklistTable) -> list[str]:
    return [table.get_row_at(i)[0] for i in range(table.row_count)]


def expected(needle: str, names: list[str] | None = None) -> list[str]:
    return [f"{n}.txt" for n in sorted(names or NAMES) if needle.strip().lower() in f"{n}.txt".lower()]


async def test_every_frame_shows_the_matches_of_the_text_in_the_filter_box(folder, tmp_path):
    app = build(folder, Store(tmp_path / "store"))
    frames: list[tuple[str, list[str]]] = []
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        table = app.screen.query_one(WorklistTable)
        box = app.screen.query_one("#worklist-filter")
        original = app._display

        def display(screen, renderable):
            frames.append((box.value, [row[1][0] for row in table.rows]))
            original(screen, renderable)

        app._display = display
        for key in ("slash", "b", "a", "n", "k", "backspace", "backspace", "backspace", "o"):
            await pilot.press(key)
            await pilot.pause(0.05)
        app._display = original
    assert {value for value, _ in frames} >= {"b", "ba", "ban", "bank", "bo"}
    for value, rows in frames:
        assert rows == expected(value), f"a frame showed the filter {value!r} with other rows"


async def test_narrowing_widening_views_and_store_changes_match_a_full_scan(folder, tmp_path):
    store = Store(tmp_path / "store")
    app = build(folder, store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        table = app.screen.query_one(WorklistTable)
        own = {id(row) for row in table.rows}
        typed = ""
        for key in ["slash", *"ab", "backspace", "backspace", *"e_", "backspace", "backspace", "backspace",
                    *"ng_0", "backspace", *"02"]:
            await pilot.press(key)
            typed = typed[:-1] if key == "backspace" else typed if key == "slash" else typed + key
            assert shown_names(table) == expected(typed), typed
            # a keystroke makes no object per row (10,000 of them per keystroke kept the garbage
            # collector walking the heap while the coder typed): the rows shown are the list's own
            assert {id(row) for row in table.rows} <= own
        assert typed == "ng_02"
        # another session completes a shown case: the filtered rows show it after a refresh
        name = expected(typed)[0]
        case = store.open_case(folder / name, NOTE)
        store.set_status(case.id, CaseStatus.COMPLETED)
        await pilot.press("f5")
        assert shown_names(table) == expected(typed)
        assert table.get_row_at(0)[1] == "completed"
        # the same needle after the view changed is worked out again, not taken from before
        await pilot.press("f2")   # mine: nothing is assigned
        assert shown_names(table) == []
        await pilot.press("f2", "f2")   # unassigned, then all
        assert shown_names(table) == expected(typed)
        for _ in typed:
            await pilot.press("backspace")
        assert shown_names(table) == expected("")


def test_the_match_cache_answers_as_a_scan_does_past_its_limit():
    rows = [(str(i), (f"{name}.txt",)) for i, name in enumerate(NAMES)]
    lows = [f"{name}.txt" for name in NAMES]
    cache = MatchCache()
    needles = [a + b for a in "abcdeno_" for b in "abegnorst_"] + ["ann_l", "ann_", "an", ""]
    assert len(needles) > MatchCache.LIMIT
    for needle in needles + needles[::-1]:
        answer = [row for row, low in zip(rows, lows) if needle in low]
        assert cache.get(needle, rows, lows) == answer, needle
        assert all(a is b for a, b in zip(cache.get(needle, rows, lows), answer))   # the rows' own tuples
    odd = MatchCache()
    assert odd.get("an", rows, lows, lambda key: int(key) % 2 == 1) == [
        row for row, low in zip(rows, lows) if "an" in low and int(row[0]) % 2 == 1]


async def test_scrolling_reaches_every_note_and_the_scrollbar_follows_the_filter(tmp_path):
    notes = tmp_path / "many"
    notes.mkdir()
    count = 300
    for i in range(count):
        (notes / f"n{i:05d}.txt").write_text(NOTE)
    app = build(notes, Store(tmp_path / "store"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.screen.query_one(WorklistTable)
        bar = table.vertical_scrollbar
        assert table.show_vertical_scrollbar and bar.window_virtual_size == count + 1
        seen: set[str] = set()
        for _ in range(count // max(1, table.size.height - 2) + 2):
            top = round(table.scroll_offset.y)
            seen.update(str(table.render_line(y).text).split()[0] for y in range(1, table.size.height)
                        if top + y - 1 < count)
            await pilot.press("pagedown")
        assert seen == {f"n{i:05d}.txt" for i in range(count)}   # every note was drawn on screen
        assert table.get_row_at(table.cursor_row)[0] == f"n{count - 1:05d}.txt"
        await pilot.press("slash", *"n0029")                     # n00290..n00299: ten rows, no scrollbar
        await pilot.pause()
        assert table.row_count == 10 and not table.show_vertical_scrollbar
        await pilot.press("backspace")                           # n00200..n00299: the scrollbar is back
        await pilot.pause()
        assert table.row_count == 100 and table.show_vertical_scrollbar
        assert bar.window_virtual_size == 101 and bar.position == table.scroll_offset.y
        await pilot.press("escape", "end")
        await pilot.pause()
        assert table.get_row_at(table.cursor_row)[0] == f"n{count - 1:05d}.txt"
        assert bar.window_virtual_size == count + 1
        assert bar.position == table.scroll_offset.y == table.max_scroll_y > 0
