"""``medcoder batch``: pre-coding into a real store folder, over one or two loopback Ollama hosts."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from medcoder_tui.cli import main
from medcoder_tui.store import Store
from medcoder_tui.store.precoded import precoded_count, review_state

from ollama_server import OllamaServer, closed_port_url

REPLY = json.dumps({"diagnoses": [
    {"evidence": ["type 2 diabetes mellitus"], "code": "E11.9", "system": "icd10cm",
     "description": "DM2", "confidence": "high", "reasoning": "stated"}]})
NOTE = "Office visit. Patient seen for type 2 diabetes mellitus, stable on metformin. Note {n}.\n"


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch, tmp_path):
    monkeypatch.setenv("MEDCODER_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("MEDCODER_OLLAMA_CONNECT_TIMEOUT", "1")
    monkeypatch.setenv("MEDCODER_OLLAMA_STALL_TIMEOUT", "5")
    monkeypatch.setenv("MEDCODER_PREFERENCES", "false")
    for name in ("OLLAMA_HOST", "MEDCODER_OLLAMA_HOST", "MEDCODER_OLLAMA_HOSTS", "MEDCODER_ENGINE"):
        monkeypatch.delenv(name, raising=False)


def make_notes(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(count):
        path = folder / f"note{n:03d}.txt"
        path.write_text(NOTE.format(n=n), encoding="utf-8")
        paths.append(path)
    return paths


def batch_json(capsys, *argv) -> tuple[int, dict]:
    status = main(["batch", *argv, "--json"])
    out, _ = capsys.readouterr()
    return status, json.loads(out)


def test_offline_batch_precodes_every_note_and_a_rerun_skips_them(tmp_path, capsys):
    notes = make_notes(tmp_path / "notes", 3)
    store_dir = tmp_path / "store"
    status, data = batch_json(capsys, str(tmp_path / "notes"), "--engine", "offline", "--store", str(store_dir))
    assert status == 0
    assert (data["coded"], data["skipped"], data["failed"]) == (3, 0, 0)
    store = Store(store_dir)
    for path in notes:
        case = store.case_for_path(path)
        assert case is not None and case.engine == "offline" and case.precoded_at is not None
        assert case.suggestions and not case.decisions
        assert review_state(case) == "pre-coded"
        assert precoded_count(store, case.id) == 1

    notes[1].write_text(NOTE.format(n=1) + "Also essential hypertension.\n", encoding="utf-8")
    status, data = batch_json(capsys, str(tmp_path / "notes"), "--engine", "offline", "--store", str(store_dir))
    assert (data["coded"], data["skipped"]) == (1, 2)
    coded = [n for n in data["notes"] if n["status"] == "coded"]
    assert coded[0]["path"].endswith("note001.txt") and coded[0]["why"] == "changed"
    case = store.case_for_path(notes[1])
    assert any(s.code == "I10" for s in case.suggestions)
    assert precoded_count(store, case.id) == 2


def test_a_case_a_coder_started_is_never_overwritten(tmp_path, capsys):
    notes = make_notes(tmp_path / "notes", 1)
    store_dir = tmp_path / "store"
    assert main(["batch", str(tmp_path / "notes"), "--engine", "offline", "--store", str(store_dir)]) == 0
    store = Store(store_dir)
    case = store.case_for_path(notes[0])
    key = next(s.key for s in case.suggestions if s.acceptable)
    store.accept(case.id, key)
    notes[0].write_text(NOTE.format(n=9) + "Also essential hypertension.\n", encoding="utf-8")
    capsys.readouterr()
    status, data = batch_json(capsys, str(tmp_path / "notes"), "--engine", "offline", "--store", str(store_dir))
    assert status == 0 and data["skipped"] == 1
    assert data["notes"][0]["reason"] == "a coder has started this case"
    after = store.case_for_path(notes[0])
    assert after.decisions == {key: "accepted"} and review_state(after) == "in review"


def test_failed_notes_are_listed_with_the_reason_and_set_the_exit_status(tmp_path, capsys):
    make_notes(tmp_path / "notes", 2)
    (tmp_path / "notes" / "empty.txt").write_text("   \n", encoding="utf-8")
    status = main(["batch", str(tmp_path / "notes"), "--engine", "offline", "--store", str(tmp_path / "s")])
    out, err = capsys.readouterr()
    assert status == 1
    assert "2 coded, 0 skipped, 1 failed" in out
    assert "failed notes (1):" in out and "empty.txt is empty" in out
    assert "batch: " in err   # plain progress lines when stderr is not a terminal


def test_two_hosts_share_the_notes_and_report_per_host_figures(tmp_path, capsys, monkeypatch):
    make_notes(tmp_path / "notes", 8)
    with OllamaServer(request_delay=0.05) as a, OllamaServer(request_delay=0.05) as b:
        for server in (a, b):
            server.script(text=REPLY, chunk_size=8, default=True)
        monkeypatch.setenv("MEDCODER_OLLAMA_HOSTS", f"{a.url},{b.url}")
        status, data = batch_json(capsys, str(tmp_path / "notes"), "--engine", "ollama", "--types", "icd10cm",
                                  "--concurrency", "4", "--store", str(tmp_path / "s"))
        assert status == 0 and data["coded"] == 8
        figures = {h["host"]: h for h in data["hosts"]}
        assert figures[a.url]["notes"] + figures[b.url]["notes"] == 8
        assert figures[a.url]["notes"] >= 2 and figures[b.url]["notes"] >= 2
        assert all(h["tokens_per_second"] > 0 for h in data["hosts"])
        assert {n["host"] for n in data["notes"]} == {a.url, b.url}
        assert len(a.calls()) + len(b.calls()) == 8


def test_a_host_that_dies_mid_batch_has_its_work_moved(tmp_path, capsys, monkeypatch):
    notes = make_notes(tmp_path / "notes", 10)
    a = OllamaServer(request_delay=0.3).start()
    a_url = a.url
    with OllamaServer(request_delay=0.05) as b:
        b_url = b.url
        for server in (a, b):
            server.script(text=REPLY, chunk_size=8, default=True)
        monkeypatch.setenv("MEDCODER_OLLAMA_HOSTS", f"{a.url},{b.url}")
        def kill_when_busy() -> None:   # stop host a while it is answering its first request
            deadline = time.monotonic() + 30
            while not a.calls("/api/chat") and time.monotonic() < deadline:
                time.sleep(0.005)
            a.stop()

        killer = threading.Thread(target=kill_when_busy)
        killer.start()
        try:
            status, data = batch_json(capsys, str(tmp_path / "notes"), "--engine", "ollama", "--types",
                                      "icd10cm", "--concurrency", "4", "--store", str(tmp_path / "s"))
        finally:
            killer.join()
            a.stop()
    assert status == 0, data["failures"]
    assert data["coded"] == 10 and data["failed"] == 0
    figures = {h["host"]: h for h in data["hosts"]}
    assert figures[a_url]["reachable"] is False and figures[a_url]["failed"] >= 1
    assert figures[b_url]["notes"] == 10 - figures[a_url]["notes"]
    store = Store(tmp_path / "s")
    assert all(precoded_count(store, store.case_for_path(p).id) == 1 for p in notes)


def test_no_reachable_host_is_one_clear_error(tmp_path, capsys, monkeypatch):
    make_notes(tmp_path / "notes", 1)
    monkeypatch.setenv("MEDCODER_OLLAMA_HOSTS", f"{closed_port_url()},{closed_port_url()}")
    status = main(["batch", str(tmp_path / "notes"), "--engine", "ollama", "--store", str(tmp_path / "s")])
    _, err = capsys.readouterr()
    assert status == 1
    assert err.startswith("medcoder: error: 0/2 Ollama hosts reachable") and err.count("\n") == 1


def test_a_note_the_model_fails_is_reported_and_coded_on_the_next_run(tmp_path, capsys, ollama_server,
                                                                      monkeypatch):
    make_notes(tmp_path / "notes", 2)
    monkeypatch.setenv("MEDCODER_OLLAMA_HOST", ollama_server.url)
    ollama_server.script(fault="http500")
    ollama_server.script(text=REPLY, default=True)
    args = [str(tmp_path / "notes"), "--engine", "ollama", "--types", "icd10cm", "--concurrency", "1",
            "--store", str(tmp_path / "s")]
    status, data = batch_json(capsys, *args)
    assert status == 1 and data["failed"] == 1 and data["coded"] == 1
    assert "HTTP 500" in data["failures"][0]["reason"]
    status, data = batch_json(capsys, *args)
    assert status == 0 and (data["coded"], data["skipped"]) == (1, 1)


def test_kill_9_mid_batch_then_resume_codes_every_note_exactly_once(tmp_path):
    notes = make_notes(tmp_path / "notes", 12)
    store_dir = tmp_path / "s"
    with OllamaServer(request_delay=0.15) as server:
        server.script(text=REPLY, chunk_size=8, default=True)
        env = {**os.environ, "MEDCODER_OLLAMA_HOST": server.url}
        cmd = [sys.executable, "-m", "medcoder_tui", "batch", str(tmp_path / "notes"), "--engine", "ollama",
               "--types", "icd10cm", "--concurrency", "2", "--store", str(store_dir)]
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        cases = store_dir / "cases"
        while time.monotonic() < deadline and len(list(cases.glob("*/*.json"))) < 4:
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        before = len(list(cases.glob("*/*.json")))
        assert 4 <= before < 12
        done = subprocess.run(cmd + ["--json"], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["skipped"] >= before and data["coded"] + data["skipped"] == 12
    store = Store(store_dir)
    for path in notes:
        case = store.case_for_path(path)
        assert case is not None and review_state(case) == "pre-coded"
        assert precoded_count(store, case.id) == 1


def test_doctor_lists_each_host_with_its_reachability_and_models(capsys, monkeypatch):
    down = closed_port_url()
    with OllamaServer(models=("llama3.1:8b", "qwen2.5:7b")) as up:
        up_url = up.url
        monkeypatch.setenv("MEDCODER_OLLAMA_HOSTS", f"{up.url},{down}")
        status = main(["doctor", "--json"])
        report = json.loads(capsys.readouterr()[0])
        assert status == 0
        hosts = {h["host"]: h for h in report["ollama_hosts"]}
        assert hosts[up.url]["reachable"] is True
        assert hosts[up.url]["models"] == ["llama3.1:8b", "qwen2.5:7b"]
        assert hosts[down]["reachable"] is False and hosts[down]["error"]
        assert main(["doctor"]) == 0
        out = capsys.readouterr()[0]
    assert "1/2 reachable" in out
    assert f"{up_url}: reachable, version 0.12.3, models llama3.1:8b, qwen2.5:7b" in out
    assert f"{down}: unreachable" in out


def test_one_host_stays_the_default(monkeypatch):
    from medcoder_tui.config import load_settings

    monkeypatch.setenv("MEDCODER_OLLAMA_HOST", "http://127.0.0.1:5555")
    assert load_settings().host_list() == ["http://127.0.0.1:5555"]
    monkeypatch.setenv("MEDCODER_OLLAMA_HOSTS", " http://a:1/, http://b:2 ,http://a:1")
    assert load_settings().host_list() == ["http://a:1", "http://b:2"]


def test_requests_share_one_tls_context_instead_of_reading_the_ca_bundle_each_time():
    from medcoder_tui.config import Settings
    from medcoder_tui.engines.llm.ollama_engine import OllamaEngine

    first = OllamaEngine(Settings(ollama_host="https://gpu1:11434"))
    second = OllamaEngine(Settings(ollama_host="https://gpu2:11434"))
    contexts = [e._client()._client._transport._pool._ssl_context for e in (first, first, second)]
    assert contexts[0] is contexts[1] is contexts[2]
    assert contexts[0].verify_mode.name == "CERT_REQUIRED"   # still verifying


def test_on_a_terminal_the_progress_bar_shows_rate_and_eta():
    import io

    from medcoder_tui.batch.runner import BatchReport, NoteOutcome
    from medcoder_tui.cli.batch_cmd import BatchProgress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    bar = BatchProgress(4, stream=screen, width=8)
    report = BatchReport(engine="offline", model=None, prompt_version="p", total=4)
    for status in ("skipped", "coded", "failed", "coded"):
        report.outcomes.append(NoteOutcome("n.txt", status))
        bar(report.outcomes[-1], report)
    frames = screen.getvalue().split("\r")[1:]
    assert frames[0].startswith("[##------] 1/4 coded 0 skipped 1 failed 0 · 0.0 notes/s · ETA --:--")
    assert frames[1].startswith("[####----] 2/4 coded 1 skipped 1 failed 0 · ")
    assert "notes/s · ETA 0:0" in frames[1]
    assert frames[-1].startswith("[########] 4/4 coded 2 skipped 1 failed 1") and frames[-1].endswith("\n")
