"""``medcoder eval --model a,b --engine offline``: one bake-off table, stored runs, a 0600 report."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from textual.app import App
from textual.widgets import DataTable

from medcoder_tui.cli import main
from medcoder_tui.config import Settings
from medcoder_tui.evaluation.bakeoff import systems_from_args
from medcoder_tui.store import Store
from medcoder_tui.tui.screens.evaluation import EvaluationScreen

from ollama_server import OllamaServer

NOTE = ("Office visit, established patient. Type 2 diabetes mellitus without complications, stable. "
        "Counselled on diet. Moderate complexity visit.\n")
REPLY = json.dumps({
    "diagnoses": [
        {"evidence": ["Type 2 diabetes mellitus without complications"], "code": "E11.9", "system": "icd10cm",
         "description": "DM2", "confidence": "high", "reasoning": "stated"},
        {"evidence": ["Counselled on diet"], "code": "Z71.3", "system": "icd10cm",
         "description": "Dietary counseling", "confidence": "medium", "reasoning": "stated"}],
    "procedures": [
        {"evidence": ["Office visit, established patient"], "code": "99213", "system": "cpt",
         "description": "Office visit", "confidence": "high", "reasoning": "visit"}]})


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch, tmp_path):
    monkeypatch.setenv("MEDCODER_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("MEDCODER_OLLAMA_CONNECT_TIMEOUT", "1")
    monkeypatch.setenv("MEDCODER_OLLAMA_STALL_TIMEOUT", "5")
    monkeypatch.setenv("MEDCODER_PREFERENCES", "false")
    for name in ("OLLAMA_HOST", "MEDCODER_OLLAMA_HOST", "MEDCODER_OLLAMA_HOSTS", "MEDCODER_ENGINE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    folder = tmp_path / "notes"
    folder.mkdir()
    for n in range(3):
        (folder / f"visit{n}.txt").write_text(NOTE, encoding="utf-8")
        gold = {"setting": "outpatient", "icd10cm": ["E11.9"], "cpt": ["99213" if n else "99214"],
                "not_codes": [{"code": "Z71.3", "reason": "counselling is part of the visit"}] if n < 2 else []}
        (folder / f"visit{n}.gold.json").write_text(json.dumps(gold), encoding="utf-8")
    return folder


def test_systems_from_the_flags():
    assert systems_from_args("a,b", None) == [("ollama", "a"), ("ollama", "b")]
    assert systems_from_args("a", "offline") == [("ollama", "a"), ("offline", None)]
    assert systems_from_args("a", None) == [] and systems_from_args(None, "offline") == []
    with pytest.raises(ValueError):
        systems_from_args("a,b", "bogus")


def test_bakeoff_over_two_hosts_prints_one_table_stores_runs_and_writes_a_private_report(
        notes, tmp_path, capsys, monkeypatch):
    with OllamaServer(models=("llama3.1:8b", "qwen2.5:7b")) as a, OllamaServer(models=("llama3.1:8b",)) as b:
        for server in (a, b):
            server.script(text=REPLY, chunk_size=9, default=True)
        monkeypatch.setenv("MEDCODER_OLLAMA_HOSTS", f"{a.url},{b.url}")
        report = tmp_path / "bakeoff.md"
        store_dir = tmp_path / "store"
        status = main(["eval", str(notes), "--model", "llama3.1:8b,qwen2.5:7b,missing:1b", "--engine", "offline",
                       "--types", "icd10cm,cpt", "--store", str(store_dir), "--report", str(report)])
        out, err = capsys.readouterr()
        a_url, b_url = a.url, b.url
    assert status == 0, err
    lines = out.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("System"))
    rows = {line.split("  ")[0].strip(): line.split() for line in lines[header + 2: header + 6]}
    assert set(rows) == {"ollama llama3.1:8b", "ollama qwen2.5:7b", "ollama missing:1b", "offline"}
    llama = rows["ollama llama3.1:8b"]
    # 9 codes suggested, 5 right (E11.9 three times, 99213 twice) of 6 gold: P 5/9, R 5/6
    assert llama[2:5] == ["0.556", "0.833", "0.667"]
    assert llama[5] == "2"                                  # Z71.3 on the two notes that forbid it
    assert llama[6:9] == ["67%", "of", "3"]                 # E/M exact on 2 of 3 notes
    assert float(llama[10]) > 0 and llama[11] == "0"        # tokens/s, no failed note
    missing = rows["ollama missing:1b"]
    assert missing[2:5] == ["-", "-", "-"] and missing[-2] == "3"
    assert "Per host:" in out and a_url in out and b_url in out

    runs = Store(store_dir).list_eval_runs()
    assert len(runs) == 4 and len({r["bakeoff"] for r in runs}) == 1
    by_system = {r["system"]: r for r in runs}
    qwen = by_system["ollama qwen2.5:7b"]
    assert {h["host"]: h["notes"] for h in qwen["hosts"]} == {a_url: 3, b_url: 0}   # only a has qwen
    assert by_system["offline"]["tokens_per_second"] is None

    assert stat.S_IMODE(report.stat().st_mode) == 0o600
    text = report.read_text(encoding="utf-8")
    assert "| ollama llama3.1:8b | 0.556 | 0.833 | 0.667 | 2 |" in text
    assert "## Failed notes: ollama missing:1b" in text and "not installed" in text

    assert main(["eval", "--store", str(store_dir), "--compare", by_system["offline"]["id"],
                 by_system["ollama llama3.1:8b"]["id"]]) == 0
    assert "offline" in capsys.readouterr().out


class EvalApp(App):
    def __init__(self, path: Path, store: Store) -> None:
        super().__init__()
        self.args = (path, store, Settings())

    def on_mount(self) -> None:
        self.push_screen(EvaluationScreen(*self.args))


@pytest.fixture
def bakeoff_store(notes, tmp_path, capsys) -> Store:
    store_dir = tmp_path / "store"
    assert main(["eval", str(notes), "--model", "nothing:1b", "--engine", "offline", "--types", "icd10cm",
                 "--store", str(store_dir)]) == 0
    capsys.readouterr()
    return Store(store_dir)


async def test_the_evaluation_screen_opens_bakeoff_runs(notes, bakeoff_store):
    store = bakeoff_store
    offline_id = next(r["id"] for r in store.list_eval_runs() if r["system"] == "offline")
    app = EvalApp(notes, store)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        table = screen.query_one("#eval-runs", DataTable)
        assert table.row_count == 2
        table.move_cursor(row=[r.id for r in screen.runs].index(offline_id))
        table.focus()
        await pilot.press("enter")
        await pilot.pause(0.1)
        assert screen.run_result is not None and screen.run_result.id == offline_id
        assert screen.run_result.bakeoff.startswith("bakeoff-")
        summary = str(screen.query_one("#eval-summary").render())
        assert "must-not-code 0 · E/M exact - ·" in summary and "tokens/s -" in summary


def test_a_single_eval_run_spreads_over_the_hosts_and_reports_them(notes, tmp_path, capsys, monkeypatch):
    with OllamaServer(request_delay=0.05) as a, OllamaServer(request_delay=0.05) as b:
        for server in (a, b):
            server.script(text=REPLY, chunk_size=9, default=True)
        monkeypatch.setenv("MEDCODER_OLLAMA_HOSTS", f"{a.url},{b.url}")
        status = main(["eval", str(notes), "--engine", "ollama", "--types", "icd10cm,cpt", "--json",
                       "--store", str(tmp_path / "store")])
        run = json.loads(capsys.readouterr()[0])
        urls = {a.url, b.url}
    assert status == 0 and run["failed"] == 0 and run["notes"] == 3
    assert {h["host"] for h in run["hosts"]} == urls and sum(h["notes"] for h in run["hosts"]) == 3
    assert all(h["notes"] >= 1 for h in run["hosts"])
    assert run["tokens_per_second"] > 0 and run["must_not_hits"] == 2 and run["em"]["rate"] == pytest.approx(2 / 3)
