"""``medcoder check`` and ``medcoder sequence`` through the real CLI entry point."""

from __future__ import annotations

import json

import pytest

from medcoder_tui.cli import main



@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """No user config or environment leaks into the commands."""
    monkeypatch.setenv("MEDCODER_CONFIG", str(tmp_path / "none.toml"))
    for var in ("MEDCODER_SETTING", "MEDCODER_ENGINE", "MEDCODER_OLLAMA_HOST", "OLLAMA_HOST"):
        monkeypatch.delenv(var, raising=False)


def run(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_check_clean_sequence_exits_0(capsys):
    status, out, _ = run(capsys, "check", "G30.9", "F02.80", "99213")
    assert status == 0
    assert "First-listed diagnosis (outpatient)" in out and "No sequencing problems found." in out


def test_check_errors_exit_1_with_the_convention(capsys):
    status, out, _ = run(capsys, "check", "F02.80", "G30.9")
    assert status == 1
    assert "[manifestation_first]" in out and "I.A.13" in out


def test_check_json_shape(capsys):
    status, out, _ = run(capsys, "check", "J18.9", "J96.01", "E87.1", "--setting", "inpatient", "--json")
    assert status == 0
    data = json.loads(out)
    assert data["principal"] == "J18.9"
    assert data["secondary"][0] == {"code": "J96.01", "description": "Acute respiratory failure with hypoxia",
                                    "cc": False, "mcc": True, "cc_excluded": False, "valid": True}
    assert data["secondary"][1]["cc"] is True
    assert data["procedures"] == [] and data["errors"] == [] and data["warnings"] == []


def test_check_invalid_codes_are_reported_clearly(capsys):
    status, out, err = run(capsys, "check", "E11.9", "Q99.999", "S72.001", "--json")
    assert status == 1 and err == ""
    errors = {e["rule"]: e for e in json.loads(out)["errors"]}
    assert "Q99.999" in errors["invalid_code"]["message"]
    assert "7th character" in errors["not_billable"]["message"]


def test_check_outpatient_rule_out(capsys, tmp_path):
    note = tmp_path / "visit.txt"
    note.write_text("Cough and fever for three days. Rule out pneumonia.\n", encoding="utf-8")
    status, out, _ = run(capsys, "check", "J18.9", "--uncertain", "J18.9", "--note", str(note), "--json")
    assert status == 1
    assert [e["rule"] for e in json.loads(out)["errors"]] == ["uncertain_outpatient"]
    status, out, _ = run(capsys, "check", "R05.9", "R50.9", "--note", str(note))
    assert status == 0


def test_check_comma_lists_and_drg(capsys):
    status, out, _ = run(capsys, "check", "J18.9,J96.01", "--setting", "inpatient", "--drg")
    assert status == 0
    assert "[MCC]" in out and "MS-DRG estimate: 193" in out


def test_user_errors_are_one_line(capsys, tmp_path):
    status, _, err = run(capsys, "check", "E11.9", "--note", str(tmp_path / "missing.txt"))
    assert status == 2 and err.startswith("medcoder: error: note not found")
    status, _, err = run(capsys, "check", ",")
    assert status == 2 and "argument 1 is empty" in err
    with pytest.raises(SystemExit):
        main(["check", "E11.9", "--setting", "hospice"])


def test_sequence_with_ollama_over_loopback(capsys, tmp_path, monkeypatch, ollama_server):  # noqa: F811
    note = tmp_path / "note.txt"
    note.write_text("Fell from a ladder at home. Fracture of the neck of the right femur.\n", encoding="utf-8")
    ollama_server.script(text=json.dumps({"diagnoses": [
        {"evidence": ["Fell from a ladder"], "code": "W11.XXXA", "system": "icd10cm", "description": "fall",
         "confidence": "high", "reasoning": "stated"},
        {"evidence": ["Fracture of the neck of the right femur"], "code": "S72.001A", "system": "icd10cm",
         "description": "fracture", "confidence": "high", "reasoning": "stated"},
    ], "procedures": []}))
    # The model puts the external cause first: the checker must say so.
    ollama_server.script(text=json.dumps({"primary_diagnosis": "W11.XXXA", "secondary_diagnoses": ["S72.001A"],
                                          "procedure_sequence": [], "rationale": "x"}))
    monkeypatch.setenv("MEDCODER_OLLAMA_HOST", ollama_server.url)
    status, out, _ = run(capsys, "sequence", str(note), "--engine", "ollama", "--types", "icd10cm", "--json")
    assert status == 1   # errors listed: the same exit status as ``check``
    data = json.loads(out)
    assert data["engine"] == "ollama" and data["source"] == "model"
    assert data["principal"] == "W11.XXXA"
    assert [e["rule"] for e in data["errors"]] == ["external_cause_first"]


def test_sequence_engine_down_is_clear(capsys, tmp_path, monkeypatch):
    from ollama_server import closed_port_url

    note = tmp_path / "note.txt"
    note.write_text("Type 2 diabetes.\n", encoding="utf-8")
    monkeypatch.setenv("MEDCODER_OLLAMA_HOST", closed_port_url())
    status, out, err = run(capsys, "sequence", str(note), "--engine", "ollama")
    assert status == 1
    assert "engine error" in err and "Traceback" not in err + out
    assert "Nothing to sequence" in out and "No sequencing problems" not in out


def test_sequence_missing_note(capsys, tmp_path):
    status, _, err = run(capsys, "sequence", str(tmp_path / "nope.txt"))
    assert status == 2 and "note not found" in err



def test_check_flags_a_combination_code_that_says_the_condition_is_absent(capsys):
    """I13.10 is 'without heart failure': coded with I13.0 or an I50 code, that is an error."""
    status, out, _ = run(capsys, "check", "I13.10", "I13.0", "I50.23", "N18.32", "--setting", "inpatient",
                         "--json", "--drg")
    assert status == 1
    data = json.loads(out)
    flagged = {tuple(e["codes"]) for e in data["errors"] if e["rule"] == "absent_condition_coded"}
    assert flagged == {("I13.10", "I13.0"), ("I13.10", "I50.23")}
    # no DRG from a principal that contradicts the rest of the case, and it says why
    assert "drg" not in data and "I13.10" in data["drg_note"]
    # derived from the titles, not one hand-made pair: "with hypoglycemia without coma" beside a coma code
    status, out, _ = run(capsys, "check", "E11.649", "R40.20")
    assert status == 1 and "[absent_condition_coded]" in out
    # the consistent set is clean and gets its estimate
    status, out, _ = run(capsys, "check", "I13.0", "I50.23", "N18.32", "--setting", "inpatient", "--drg")
    assert "absent_condition_coded" not in out and "MS-DRG estimate:" in out


def test_drg_says_why_it_prints_nothing_outside_inpatient(capsys):
    status, out, _ = run(capsys, "check", "J18.9", "J96.01", "--drg")
    assert status == 0
    assert "No MS-DRG estimate: MS-DRGs group inpatient stays and this case is outpatient" in out


def test_sequence_takes_the_setting_the_notes_title_states(capsys, tmp_path):
    """A discharge summary is inpatient headless too (the TUI's rule), unless --setting says otherwise."""
    from pathlib import Path

    sample = Path(__file__).resolve().parent.parent / "sample_notes" / "04_inpatient_dc_chf.txt"
    status, out, err = run(capsys, "sequence", str(sample), "--engine", "offline", "--json")
    data = json.loads(out)
    assert data["setting"] == "inpatient" and data["setting_source"] == "the note's title"
    assert not any(p.startswith("992") and p < "99221" for p in data["procedures"])   # no office visit
    status, out, _ = run(capsys, "sequence", str(sample), "--engine", "offline", "--setting", "outpatient")
    assert "First-listed diagnosis (outpatient)" in out
    status, out, err = run(capsys, "suggest", str(sample), "--engine", "offline", "--json")
    assert json.loads(out)["setting"] == "inpatient"
    ed = Path(__file__).resolve().parent.parent / "sample_notes" / "02_ed_chest_pain.txt"
    status, out, err = run(capsys, "sequence", str(ed), "--engine", "offline")
    assert "First-listed diagnosis (ed):" in out and "setting: ed (the note's title)" in err
    assert "99284" in out and "9921" not in out   # an ED visit, not an office visit
