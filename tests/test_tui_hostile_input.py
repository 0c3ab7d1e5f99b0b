"""The TUI with hostile file names and a long note: literal names, no crash, cancellable work."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from medcoder_tui.tui.widgets.worklist_table import WorklistTable
from tui_support import NOTE, ScriptedEngine, frozen_clock, until

from medcoder_tui.config import Settings
from medcoder_tui.store import Store
from medcoder_tui.tui.app import make_app
from medcoder_tui.tui.screens.review import ReviewScreen

LONG = "p" * 246 + ".txt"          # 250 characters: NAME.gold.json would be 255 + 5
ESC_NAME = "esc\x1b[31mred.txt"


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    folder = tmp_path / "notes"
    folder.mkdir()
    for name in ("jones [draft].txt", "jones [final].txt", LONG, ESC_NAME):
        (folder / name).write_text(NOTE)
    return folder


def build(notes: Path, tmp_path: Path, engine=None):
    return make_app(Settings(), notes, store=Store(tmp_path / "store.json"), engine=engine or ScriptedEngine(),
                    clock=frozen_clock, theme="textual-dark")



def _shown_names(table: WorklistTable) -> list[str]:
    """The note names as the worklist paints them (row lines, name column, trailing blanks cut)."""
    lines = ["".join(seg.text for seg in table.render_line(i + 1)) for i in range(table.row_count)]
    return [line[1:].split("  ")[0].rstrip() for line in lines]


async def test_names_with_brackets_long_names_and_escapes_show_literally(notes, tmp_path):
    app = build(notes, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.screen.query_one("#worklist-table", WorklistTable)
        await until(pilot, lambda: table.row_count == 4)
        plain = _shown_names(table)
        assert "jones [draft].txt" in plain and "jones [final].txt" in plain   # not both "jones .txt"
        assert "esc\\x1b[31mred.txt" in plain                                    # the escape is visible
        assert not any("\x1b" in p for p in plain)
        # opening the 250-character note works, and the app survives it
        row = next(i for i, p in enumerate(plain) if p.startswith("ppp"))
        table.move_cursor(row)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        screen = app.screen
        await until(pilot, lambda: not screen.streaming and screen.suggestions)
        assert app.is_running


async def test_an_escape_in_a_note_name_is_shown_escaped_in_the_review_title(notes, tmp_path):
    from textual.widgets import Static

    app = build(notes, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.screen.query_one("#worklist-table", WorklistTable)
        await until(pilot, lambda: table.row_count == 4)
        table.move_cursor(_shown_names(table).index("esc\\x1b[31mred.txt"))
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        title = str(app.screen.query_one("#review-title", Static).render())
        assert "esc\\x1b[31mred.txt" in title and "\x1b" not in title


def _analysis_running() -> bool:
    """Whether any thread is inside the offline engine's analysis right now."""
    for frame in sys._current_frames().values():
        while frame is not None:
            if frame.f_code.co_name == "_suggestions" and frame.f_code.co_filename.endswith("offline.py"):
                return True
            frame = frame.f_back
    return False


async def test_esc_on_a_long_note_stops_the_analysis_itself(tmp_path, codesets):
    from medcoder_tui.engines.offline import OfflineEngine
    from medcoder_tui.tui.widgets.stream_pane import StreamPane

    folder = tmp_path / "notes"
    folder.mkdir()
    samples = sorted((Path(__file__).resolve().parents[1] / "sample_notes").glob("*.txt"))
    text = "".join(f"\n=== Visit {i} ===\n" + samples[i % len(samples)].read_text() for i in range(1200))
    (folder / "long.txt").write_text(text[:1_900_000])
    app = build(folder, tmp_path, engine=OfflineEngine(codesets))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        screen = app.screen
        pane = screen.query_one(StreamPane)
        # real progress while it works, and the hint that esc cancels
        await until(pilot, lambda: "sentences" in str(pane.title) or "procedure" in str(pane.title), timeout=60)
        assert "(esc cancels)" in str(pane.title) and "/" in str(pane.title)
        assert _analysis_running()
        await pilot.press("escape")
        assert not screen.streaming and "cancelled" in str(pane.title)
        # the work itself stops within a second (it used to run on for minutes after "Run cancelled")
        await until(pilot, lambda: not _analysis_running(), timeout=1.0)
        assert isinstance(app.screen, ReviewScreen)
