"""The evaluation screen through Textual's Pilot, over a real store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.app import App
from textual.widgets import DataTable, ProgressBar, Static

from medcoder_tui.codes.systems import System
from medcoder_tui.config import Settings
from medcoder_tui.engines.models import Flag
from medcoder_tui.evaluation.gold import collect_gold
from medcoder_tui.evaluation.runner import run_evaluation
from medcoder_tui.store import Store
from medcoder_tui.tui.screens.evaluation import EvaluationScreen, drilldown_rows
from eval_engines import ScriptedEngine, sugg

ROOT = Path(__file__).resolve().parents[1]
ICD = [System.ICD10CM]


class EvalApp(App):
    """Just enough app to host the screen."""

    def __init__(self, path: Path, store: Store, settings: Settings) -> None:
        super().__init__()
        self.args = (path, store, settings)

    def on_mount(self) -> None:
        self.push_screen(EvaluationScreen(*self.args))


def text_of(widget: Static) -> str:
    return str(widget.render())


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    folder = tmp_path / "notes"
    folder.mkdir()
    for name, text, gold in (
        ("a", "asthma with cough", {"icd10cm": ["J45.909"], "setting": "outpatient"}),
        ("b", "closed humerus fracture, nonunion", {"icd10cm": ["S42.322K", "I10"], "setting": "outpatient"}),
    ):
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
        (folder / f"{name}.gold.json").write_text(json.dumps(gold), encoding="utf-8")
    return folder


async def stored_runs(notes: Path, store: Store) -> list[str]:
    from medcoder_tui.codes.service import get_codesets

    cs = get_codesets()
    gold = collect_gold(notes, types=ICD, validate=lambda c, s: cs.validate(c, s))
    ids = []
    for script in (
        {"asthma": [sugg("R05.9")], "humerus": [sugg("S42.322A"), sugg("I10")]},
        {"asthma": [sugg("J45.909"), sugg("I21.9", flags=(Flag.NEGATED,))], "humerus": [sugg("I10")]},
    ):
        run = await run_evaluation(gold, ScriptedEngine(script), types=ICD)
        ids.append(store.add_eval_run(run.model_dump(mode="json")))
    return ids


async def test_past_runs_drilldown_and_compare(tmp_path, notes, monkeypatch):
    monkeypatch.setenv("MEDCODER_DATA_DIR", str(tmp_path / "data"))
    store = Store(tmp_path / "store")
    first, second = await stored_runs(notes, store)
    app = EvalApp(notes, store, Settings(engine="offline"))
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, EvaluationScreen)
        runs = screen.query_one("#eval-runs", DataTable)
        assert runs.row_count == 2
        assert runs.get_row_at(0)[1] == second          # newest first
        runs.focus()
        await pilot.press("enter")                      # open the newest run
        await pilot.pause()
        table = screen.query_one("#eval-notes", DataTable)
        assert table.row_count == 2
        row_a = table.get_row("a")
        assert row_a[:5] == ["a", "ok", "0.50", "1.00", "0.67"]
        assert "uncertain_or_negated 1" in row_a[-1]
        assert "micro" in text_of(screen.query_one("#eval-summary", Static))
        # drill into note b: gold against suggested, with classes
        table.focus()
        await pilot.press("down")
        await pilot.pause()
        assert "b —" in text_of(screen.query_one("#eval-detail-title", Static))
        detail = screen.query_one("#eval-detail-table", DataTable)
        rows = [detail.get_row_at(i) for i in range(detail.row_count)]
        assert ["I10", "I10", "match"] in rows
        assert ["S42.322K", "", "missed"] in rows
        # compare: mark both runs, press c
        runs.focus()
        await pilot.press("space", "down", "space", "c")
        await pilot.pause()
        text = text_of(screen.query_one("#eval-compare", Static))
        assert "micro.f1" in text and "better" in text
        assert f"A: {first}" in text and f"B: {second}" in text
        await pilot.press("m")                           # the shown run's Markdown report
        await pilot.pause()
        assert screen.last_report == tmp_path / "data" / "reports" / f"eval-{second}.md"
        assert "## Error patterns" in screen.last_report.read_text(encoding="utf-8")
        assert screen.last_report.stat().st_mode & 0o777 == 0o600         # reports hold PHI: owner-only
        assert screen.last_report.parent.stat().st_mode & 0o777 == 0o700


def test_drilldown_rows_pair_gold_and_suggested():
    from medcoder_tui.evaluation.models import GoldCase
    from medcoder_tui.evaluation.runner import score_note
    from medcoder_tui.engines.models import SuggestionResult

    case = GoldCase(note_id="x", codes=["icd10cm:E11.9", "icd10cm:I10"], ordered=True)
    result = SuggestionResult(engine="t", suggestions=[sugg("E11.65"), sugg("I10"),
                                                       sugg("E11", billable=False, flags=(Flag.NOT_BILLABLE,))])
    rows = drilldown_rows(score_note(case, result, ICD))
    assert ("E11.9", "E11.65", "wrong_specificity") in rows
    assert ("I10", "I10", "match") in rows
    assert ("E11.9", "E11.65", "wrong_principal") in rows
    assert ("", "E11", "non_billable: not_billable") in rows


@pytest.mark.skipif(not (ROOT / "sample_notes").is_dir(), reason="sample notes not present")
async def test_run_from_the_screen_shows_progress_and_stores_the_run(tmp_path):
    store = Store(tmp_path / "store")
    app = EvalApp(ROOT / "sample_notes", store, Settings(engine="offline"))
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        screen = app.screen
        await pilot.press("t")                          # types: ICD-10-CM only
        assert "types ICD-10-CM" in text_of(screen.query_one("#eval-title", Static))
        await pilot.press("r")
        for _ in range(600):
            await pilot.pause(0.05)
            if not screen.running:
                break
        assert not screen.running
        bar = screen.query_one("#eval-progress", ProgressBar)
        assert bar.total and bar.progress == bar.total
        assert "done in" in text_of(screen.query_one("#eval-progress-label", Static))
        table = screen.query_one("#eval-notes", DataTable)
        assert table.row_count == len(list((ROOT / "sample_notes").glob("*.gold.json")))
        assert screen.query_one("#eval-runs", DataTable).row_count == 1
    runs = store.list_eval_runs()
    assert len(runs) == 1 and runs[0]["types"] == ["icd10cm"]


async def test_cancel_a_running_evaluation(tmp_path, notes, monkeypatch, ollama_server):
    monkeypatch.setenv("MEDCODER_CONFIG", str(tmp_path / "none.toml"))
    reply = json.dumps({"diagnoses": [{"evidence": ["asthma"], "code": "J45.909", "system": "icd10cm",
                                       "description": "", "confidence": "high", "reasoning": "stated"}],
                        "procedures": []})
    ollama_server.script(text=reply, chunk_size=8, delay=0.05, default=True)   # about 1 s per note
    store = Store(tmp_path / "store")
    settings = Settings(engine="ollama", ollama_host=ollama_server.url)
    app = EvalApp(notes, store, settings)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        screen = app.screen
        await pilot.press("r")
        await pilot.pause(0.3)
        assert screen.running
        await pilot.press("ctrl+c")
        for _ in range(200):
            await pilot.pause(0.05)
            if not screen.running:
                break
        assert not screen.running
        assert "cancelled" in text_of(screen.query_one("#eval-progress-label", Static))
    assert store.list_eval_runs() == []


async def test_an_offline_run_is_not_labelled_with_a_model_it_never_used(tmp_path, notes, monkeypatch):
    """engine auto with Ollama down evaluates offline: the screen says offline, not auto / llama3.1:8b."""
    from ollama_server import closed_port_url

    monkeypatch.setenv("MEDCODER_DATA_DIR", str(tmp_path / "data"))
    store = Store(tmp_path / "store")
    settings = Settings(engine="auto", ollama_host=closed_port_url(), ollama_model="llama3.1:8b")
    app = EvalApp(notes, store, settings)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        screen = app.screen
        title = text_of(screen.query_one("#eval-title", Static))
        assert "auto (Ollama llama3.1:8b when reachable, else offline)" in title
        await pilot.press("r")
        for _ in range(600):
            await pilot.pause(0.05)
            if not screen.running:
                break
        title = text_of(screen.query_one("#eval-title", Static))
        assert "engine offline" in title and "llama3.1" not in title
        assert "llama3.1" not in text_of(screen.query_one("#eval-summary", Static))
