"""``medcoder eval`` end to end: offline engine, real store, real CodiEsp notes, errors as messages."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from medcoder_tui.cli import main

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_notes"
# The corpus sits in shared/ beside the checkout (as on developer machines and in CI).
CODIESP = ROOT.parent / "shared" / "codiesp-dev"
# Three real CodiEsp cases (short, medium, long gold lists) re-scored independently below.
REAL_IDS = ("S0004-06142005000900016-1", "S0210-56912009000700006-2", "S1130-05582008000400008-3")


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def codiesp_subset(tmp_path: Path) -> tuple[Path, Path, dict[str, set[str]]]:
    if not (CODIESP / "gold_diagnoses.tsv").is_file():
        pytest.skip(f"CodiEsp corpus not found at {CODIESP}")
    notes = tmp_path / "codiesp"
    notes.mkdir()
    gold: dict[str, set[str]] = {}
    lines = []
    for line in (CODIESP / "gold_diagnoses.tsv").read_text(encoding="utf-8").splitlines():
        note_id, code = line.split("\t")
        if note_id in REAL_IDS:
            lines.append(line)
            gold.setdefault(note_id, set()).add(code.replace(".", "").lower())
    for note_id in REAL_IDS:
        shutil.copy(CODIESP / "notes" / f"{note_id}.txt", notes / f"{note_id}.txt")
    tsv = tmp_path / "gold.tsv"
    tsv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return notes, tsv, gold


def test_codiesp_figures_match_an_independent_count(tmp_path, capsys):
    notes, tsv, gold = codiesp_subset(tmp_path)
    status, out, err = run_cli(capsys, "eval", str(notes), "--gold", str(tsv), "--types", "icd10cm",
                               "--engine", "offline", "--json", "--store", str(tmp_path / "store"))
    assert status == 0, err
    run = json.loads(out)
    assert "3/3" in err   # the progress bar
    assert (run["notes"], run["failed"], run["engine"]) == (3, 0, "offline")
    # Recount from the raw TSV spelling (lower case, no dots) and the printed predictions.
    tp = fp = fn = 0
    cat_tp = cat_fp = cat_fn = 0
    f1s = []
    for note in run["per_note"]:
        want = gold[note["note_id"]]
        got = {k.split(":")[1].replace(".", "").lower() for k in note["predicted"]}
        assert all(k.startswith("icd10cm:") for k in note["predicted"])
        t, p, n = len(got & want), len(got - want), len(want - got)
        tp, fp, fn = tp + t, fp + p, fn + n
        prec = t / (t + p) if t + p else 0.0
        rec = t / (t + n) if t + n else 0.0
        f1s.append(2 * prec * rec / (prec + rec) if prec + rec else 0.0)
        assert note["score"]["f1"] == pytest.approx(f1s[-1])
        cg, cp = {c[:3] for c in want}, {c[:3] for c in got}
        cat_tp, cat_fp, cat_fn = cat_tp + len(cg & cp), cat_fp + len(cp - cg), cat_fn + len(cg - cp)
    assert (run["micro"]["tp"], run["micro"]["fp"], run["micro"]["fn"]) == (tp, fp, fn)
    assert fn + tp == sum(len(v) for v in gold.values())
    assert run["micro"]["precision"] == pytest.approx(tp / (tp + fp) if tp + fp else 0.0)
    assert run["micro"]["recall"] == pytest.approx(tp / (tp + fn))
    assert run["macro"]["f1"] == pytest.approx(sum(f1s) / 3)
    assert (run["category_micro"]["tp"], run["category_micro"]["fp"], run["category_micro"]["fn"]) == (
        cat_tp, cat_fp, cat_fn)
    missed = run["error_patterns"]["missed"]["count"]
    assert missed + run["error_patterns"]["wrong_specificity"]["count"] \
        + run["error_patterns"]["wrong_7th_character"]["count"] == fn


def test_sample_notes_offline_stored_listed_shown_compared_and_reported(tmp_path, capsys):
    store = str(tmp_path / "store")
    status, out, err = run_cli(capsys, "eval", str(SAMPLES), "--engine", "offline", "--store", store)
    assert status == 0, err
    assert "micro" in out and "category" in out and "run " in out
    first = out.split()[1].rstrip(":")
    report = tmp_path / "report.md"
    status, out, err = run_cli(capsys, "eval", str(SAMPLES), "--engine", "offline", "--store", store,
                               "--types", "icd10cm", "--json", "--report", str(report))
    assert status == 0, err
    run = json.loads(out)
    second = run["id"]
    assert run["types"] == ["icd10cm"] and run["codeset_versions"]["icd10cm"]
    sidecars = sorted(SAMPLES.glob("*.gold.json"))
    assert len(run["per_note"]) == len(sidecars)
    assert all(k.startswith("icd10cm:") for n in run["per_note"] for k in n["gold"] + n["predicted"])
    md = report.read_text(encoding="utf-8")
    assert report.stat().st_mode & 0o777 == 0o600      # owner-only, like the rest of the store
    assert "## Summary" in md and "## Error patterns" in md and "## Worst notes" in md
    status, out, _ = run_cli(capsys, "eval", "--runs", "--store", store)
    assert status == 0 and out.index(second) < out.index(first)   # newest first
    status, out, _ = run_cli(capsys, "eval", "--compare", first, second, "--store", store)
    assert status == 0 and "micro.f1" in out and "notes better in B" in out
    status, out, _ = run_cli(capsys, "eval", "--compare", first, second, "--store", store, "--json")
    data = json.loads(out)
    assert {"metrics", "better", "worse", "unchanged"} <= set(data)
    status, out, _ = run_cli(capsys, "eval", "--show", second, "--store", store)
    assert status == 0 and second in out


@pytest.mark.parametrize("argv, message", [
    (["eval", "/no/such/folder"], "no such note or folder"),
    (["eval", "{samples}", "--types", "icd9"], "unknown code system"),
    (["eval", "{samples}", "--gold", "/no/such.tsv"], "gold file not found"),
    (["eval", "--show", "nosuchrun"], "no stored evaluation run"),
    (["eval", "--compare", "a", "b"], "no stored evaluation run"),
    (["eval", "{empty}"], "no notes"),
])
def test_user_errors_are_one_line_messages(tmp_path, capsys, argv, message):
    (tmp_path / "empty").mkdir()
    argv = [a.format(samples=SAMPLES, empty=tmp_path / "empty") for a in argv]
    status, out, err = run_cli(capsys, *argv, "--engine", "offline", "--store", str(tmp_path / "store"))
    assert status == 2
    assert message in err and "Traceback" not in err


def test_concurrency_must_be_positive(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["eval", "--concurrency", "0"])
    assert exc.value.code == 2
    assert "at least 1" in capsys.readouterr().err


def _reply(code: str, evidence: str) -> str:
    return json.dumps({"diagnoses": [{"evidence": [evidence], "code": code, "system": "icd10cm",
                                      "description": "", "confidence": "high", "reasoning": "stated"}],
                       "procedures": []})


def test_ollama_stream_breaking_on_one_note_fails_only_that_note(tmp_path, capsys, monkeypatch, ollama_server):
    monkeypatch.setenv("MEDCODER_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv("MEDCODER_OLLAMA_HOST", ollama_server.url)
    notes = tmp_path / "notes"
    notes.mkdir()
    texts = {"n1": "Assessment: essential hypertension.", "n2": "Assessment: asthma, mild intermittent.",
             "n3": "Assessment: essential hypertension, stable."}
    for name, text in texts.items():
        (notes / f"{name}.txt").write_text(text, encoding="utf-8")
    tsv = tmp_path / "gold.tsv"
    tsv.write_text("n1\ti10\nn2\tj45.20\nn3\ti10\n", encoding="utf-8")
    # Notes are coded in name order with --concurrency 1: the second reply breaks after one piece.
    ollama_server.script(text=_reply("I10", "essential hypertension"), chunk_size=20)
    ollama_server.script(text=_reply("J45.20", "asthma"), chunk_size=20, fault="disconnect", after=1)
    ollama_server.script(text=_reply("I10", "essential hypertension"), chunk_size=20)
    status, out, err = run_cli(capsys, "eval", str(notes), "--gold", str(tsv), "--engine", "ollama",
                               "--concurrency", "1", "--json", "--store", str(tmp_path / "store"))
    assert status == 0, err
    run = json.loads(out)
    by_id = {n["note_id"]: n for n in run["per_note"]}
    assert by_id["n2"]["status"] == "failed" and by_id["n2"]["error"]
    assert by_id["n1"]["status"] == by_id["n3"]["status"] == "ok"
    assert (run["notes"], run["failed"]) == (2, 1)
    assert (run["engine"], run["model"]) == ("ollama", "llama3.1:8b") and run["prompt_version"]
    assert (run["micro"]["tp"], run["micro"]["fp"], run["micro"]["fn"]) == (2, 0, 0)
    assert "1 failed" in err


def test_unreachable_ollama_is_one_clear_error(tmp_path, capsys, monkeypatch):
    from ollama_server import closed_port_url

    monkeypatch.setenv("MEDCODER_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv("MEDCODER_OLLAMA_HOST", closed_port_url())
    monkeypatch.setenv("MEDCODER_OLLAMA_CONNECT_TIMEOUT", "1")
    status, out, err = run_cli(capsys, "eval", str(SAMPLES), "--engine", "ollama", "--store", str(tmp_path / "s"))
    assert status == 1
    assert "Ollama unreachable" in err and "Traceback" not in err and out == ""


def test_gold_from_the_store(tmp_path, capsys):
    from medcoder_tui.codes.systems import System
    from medcoder_tui.store import CaseStatus, FinalCode, Store

    text = "Assessment: essential hypertension, well controlled."
    note = tmp_path / "htn.txt"
    note.write_text(text, encoding="utf-8")
    gone = tmp_path / "gone.txt"
    gone.write_text("Assessment: asthma.", encoding="utf-8")
    store = Store(tmp_path / "store")
    for path, code in ((note, "I10"), (gone, "J45.909")):
        case = store.open_case(path, path.read_text(encoding="utf-8"))
        store.add_manual(case.id, FinalCode(code=code, system=System.ICD10CM))
        store.set_status(case.id, CaseStatus.COMPLETED, override=True)
    gone.unlink()
    status, out, err = run_cli(capsys, "eval", "--gold", "store", "--engine", "offline", "--json",
                               "--store", str(tmp_path / "store"))
    assert status == 0, err
    run = json.loads(out)
    assert [n["note_id"] for n in run["per_note"]] == ["htn"]
    assert run["per_note"][0]["gold"] == ["icd10cm:I10"] and run["gold_source"] == "completed cases in the store"
    assert any("cannot be read" in w and "gone.txt" in w for w in run["warnings"])
