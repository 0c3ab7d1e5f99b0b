"""The TUI over pre-coded cases, and the model pane while the model is busy elsewhere."""

from __future__ import annotations

import time
from pathlib import Path

from test_tui_review import build, notes, store, until  # noqa: F401 - fixtures
from tui_support import NOTE, ScriptedEngine, standard_suggestions

from medcoder_tui.config import Settings
from medcoder_tui.engines.models import SuggestionResult
from medcoder_tui.store import Store
from medcoder_tui.store.precoded import save_precoded
from medcoder_tui.tui.app import make_app
from medcoder_tui.tui.screens.review import ReviewScreen
from medcoder_tui.tui.screens.worklist import WorklistScreen
from medcoder_tui.tui.widgets.stream_pane import StreamPane
from medcoder_tui.tui.widgets.suggestions_table import SuggestionsTable

from ollama_server import OllamaServer


def statuses(app) -> list[str]:
    table = app.screen.query_one("#worklist-table")
    return [str(table.get_row_at(i)[1]) for i in range(table.row_count)]


async def test_a_precoded_case_opens_at_once_and_R_reruns_it_live(notes, store):  # noqa: F811
    first = notes / "01_first.txt"
    result = SuggestionResult(engine="ollama", model="qwen2.5:7b", prompt_version="p-1",
                              suggestions=standard_suggestions())
    save_precoded(store, first, first.read_text(), result, host="http://gpu1:11434", seconds=2.5)
    engine = ScriptedEngine()
    app = build(notes, store, engine)
    async with app.run_test(size=(80, 24)) as pilot:
        assert statuses(app) == ["pre-coded", "new"]
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        screen = app.screen
        table = screen.query_one(SuggestionsTable)
        assert table.row_count == 5 and engine.runs == 0, "shown from the store, no engine run"
        pane = screen.query_one(StreamPane)
        assert "Ollama qwen2.5:7b · pre-coded" in pane.title
        text = pane._text._text
        assert "pre-coded by Ollama qwen2.5:7b on http://gpu1:11434 at" in text and "2.5 s" in text
        await pilot.press("R")
        await until(pilot, lambda: engine.runs == 1 and not screen.streaming)
        case = store.get_case(screen.case.id)
        assert case.precoded_at is None and case.model == "llama3.1:8b"
        await pilot.press("a")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, WorklistScreen))
        assert statuses(app) == ["in review", "new"]


async def test_the_model_pane_says_it_is_waiting_and_esc_still_cancels(tmp_path: Path):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "visit.txt").write_text(NOTE)
    own_store = Store(tmp_path / "store.json")
    with OllamaServer(request_delay=20) as server:   # the GPU is busy with other coders' requests
        settings = Settings(ollama_host=server.url, ollama_connect_timeout=2.0, ollama_stall_timeout=60.0)
        app = make_app(settings, folder, store=own_store, clock=time.monotonic, engine_name="ollama",
                       theme="textual-dark")
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: app.engine_label.startswith("Ollama ●"), timeout=10)
            await pilot.press("enter")
            await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
            screen = app.screen
            pane = screen.query_one(StreamPane)
            await until(pilot, lambda: server.calls("/api/chat"), timeout=60)
            await until(pilot, lambda: "waiting for the model" in pane.title, timeout=5)
            await pilot.pause(1.2)
            text = pane._text._text
            assert "Waiting for the model:" in text and "esc cancels" in text
            assert int(text.split("model: ")[1].split(" s")[0]) >= 1
            started = time.monotonic()
            await pilot.press("escape")
            await until(pilot, lambda: not screen.streaming, timeout=2)
            assert time.monotonic() - started < 2
            assert "cancelled" in pane.title
        assert own_store.case_for_path(folder / "visit.txt").suggestions == []
