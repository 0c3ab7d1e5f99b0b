"""A whole coding session against the loopback Ollama server, then quit, reopen and check the store."""

from __future__ import annotations

import json
from pathlib import Path

from test_tui_review import until
from tui_support import NOTE, frozen_clock

from medcoder_tui.config import Settings
from medcoder_tui.store import Store
from medcoder_tui.tui.app import make_app
from medcoder_tui.tui.screens.review import ReviewScreen
from medcoder_tui.tui.widgets.stream_pane import StreamPane
from medcoder_tui.tui.widgets.suggestions_table import SuggestionsTable

ITEMS = [
    {"evidence": ["Acute bronchitis"], "code": "J20.9", "system": "icd10cm",
     "description": "Acute bronchitis", "confidence": "high", "reasoning": "assessment"},
    {"evidence": ["Type 2 diabetes mellitus without complications"], "code": "E119", "system": "icd10cm",
     "description": "Type 2 diabetes", "confidence": "high", "reasoning": "assessment"},
    {"evidence": ["Essential hypertension"], "code": "I10", "system": "icd10cm",
     "description": "Hypertension", "confidence": "medium", "reasoning": "assessment"},
]
REPLY = json.dumps({"diagnoses": ITEMS}, indent=1)


def app_for(server, notes: Path, store: Store):
    settings = Settings(ollama_host=server.url, ollama_connect_timeout=2.0, ollama_stall_timeout=10.0)
    return make_app(settings, notes, store=store, clock=frozen_clock, engine_name="ollama", theme="textual-dark")


async def open_first_note_with_ollama(pilot, app) -> ReviewScreen:
    """Wait for the Ollama engine, open the first note and wait until its reply has been read."""
    await until(pilot, lambda: app.engine_label.startswith("Ollama ●"), timeout=10)
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
    screen = app.screen
    await until(pilot, lambda: not screen.streaming and screen.suggestions, timeout=60)
    return screen


async def test_whole_session_against_loopback_ollama(ollama_server, tmp_path):  # noqa: F811
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "visit.txt").write_text(NOTE)
    store = Store(tmp_path / "store.json")
    ollama_server.script(text=REPLY, chunk_size=16, delay=0.002)

    app = app_for(ollama_server, notes, store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_first_note_with_ollama(pilot, app)
        assert ollama_server.calls("/api/chat"), "the model was asked"
        pane = screen.query_one(StreamPane)
        assert pane.buffer.tokens > 5 and "Ollama" in pane.title
        table = screen.query_one(SuggestionsTable)
        assert [k.value for k in table.rows][:3] == ["icd10cm:J20.9", "icd10cm:E11.9", "icd10cm:I10"]

        await pilot.press("a")                       # accept J20.9
        await pilot.press("r")                       # reject E11.9
        await pilot.press("e")                       # edit I10 -> I11.9
        await until(pilot, lambda: type(app.screen).__name__ == "EditScreen")
        await pilot.press("backspace", "backspace", "backspace", *"I11.9", "enter")
        await until(pilot, lambda: app.screen is screen)
        await pilot.press("plus")                    # add a code through the lookup
        await until(pilot, lambda: type(app.screen).__name__ == "LookupScreen")
        await pilot.press(*"acute cough")
        await until(pilot, lambda: app.screen.hits and app.screen.hits[0].code == "R05.1", timeout=30)
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is screen)
        await pilot.press("u")                       # undo the addition
        await pilot.press("plus")
        await until(pilot, lambda: type(app.screen).__name__ == "LookupScreen")
        await pilot.press(*"R05.1")
        await until(pilot, lambda: app.screen.hits and app.screen.hits[0].code == "R05.1", timeout=30)
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is screen)
        case_id = screen.case.id
        table.move_cursor(row=2)
        await pilot.pause(0.05)
        await pilot.press("ctrl+q")

    case = store.get_case(case_id)
    assert case.decisions["icd10cm:J20.9"] == "accepted"
    assert case.decisions["icd10cm:E11.9"] == "rejected"
    assert [(fc.code, fc.source) for fc in case.final_codes] == \
        [("J20.9", "suggested"), ("I11.9", "edited"), ("R05.1", "manual")]
    assert case.position == 2
    actions = [e.action for e in store.audit(case_id)]
    assert "undo" in actions

    chats = len(ollama_server.calls("/api/chat"))
    app2 = app_for(ollama_server, notes, store)
    async with app2.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app2.screen, ReviewScreen))
        await pilot.pause(0.1)
        screen = app2.screen
        assert [s.key for s in screen.suggestions] == [s.key for s in case.suggestions]
        assert screen.case.decisions == case.decisions
        assert screen.query_one(SuggestionsTable).cursor_row == 2
        assert "edited" in str(screen.query_one(SuggestionsTable).get_cell("icd10cm:I10", "status"))
    assert len(ollama_server.calls("/api/chat")) == chats, "a stored case is not sent to the model again"


async def test_unreachable_ollama_falls_back_to_the_offline_engine_once(tmp_path):
    from ollama_server import closed_port_url

    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "visit.txt").write_text(NOTE)
    settings = Settings(ollama_host=closed_port_url(), ollama_connect_timeout=0.5)
    app = make_app(settings, notes, store=Store(tmp_path / "s.json"), clock=frozen_clock, theme="textual-dark",
                   engine_name="auto")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        # Collect the notices while waiting: on a loaded machine a notice may time out before the label turns.
        seen: set[str] = set()

        def fallen_back() -> bool:
            seen.update(n.message for n in app._notifications if "unreachable" in n.message.lower())
            return "offline engine" in app.engine_label

        await until(pilot, fallen_back, timeout=30)
        assert len(seen) == 1, seen


async def test_stream_broken_mid_reply_keeps_earlier_suggestions(ollama_server, tmp_path):  # noqa: F811
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "visit.txt").write_text(NOTE)
    store = Store(tmp_path / "store.json")
    cut = REPLY.index('"reasoning"', REPLY.index("I10"))
    pieces = [REPLY[i:i + 16] for i in range(0, len(REPLY), 16)]
    ollama_server.script(chunks=pieces, fault="disconnect", after=cut // 16)
    app = app_for(ollama_server, notes, store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_first_note_with_ollama(pilot, app)
        banner = screen.query_one("#run-error")
        assert banner.display
        assert [s.code for s in screen.suggestions] == ["J20.9", "E11.9"]
        case_id = screen.case.id
    assert [s.code for s in store.get_case(case_id).suggestions] == ["J20.9", "E11.9"]


async def test_rerun_after_fallback_finds_ollama_once_it_is_up(ollama_server, tmp_path):  # noqa: F811
    import medcoder_tui.tui.app as app_module

    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "visit.txt").write_text(NOTE)
    ollama_server.tags_status = 500          # Ollama answers, but not usefully: fall back
    settings = Settings(ollama_host=ollama_server.url, ollama_connect_timeout=1.0)
    app = make_app(settings, notes, store=Store(tmp_path / "s.json"), clock=frozen_clock, theme="textual-dark",
                   engine_name="auto")
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "offline engine" in app.engine_label, timeout=30)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen) and not app.screen.streaming
                    and app.screen.engine_name == "offline", timeout=60)
        ollama_server.tags_status = 200
        ollama_server.script(text=REPLY, chunk_size=32)
        app._probed_at -= app_module.REPROBE_SECONDS
        await pilot.press("R")
        await until(pilot, lambda: app.engine_label.startswith("Ollama ●"), timeout=30)
        await until(pilot, lambda: not app.screen.streaming and app.screen.engine_name == "ollama", timeout=60)
        assert [s.code for s in app.screen.suggestions][:3] == ["J20.9", "E11.9", "I10"]
