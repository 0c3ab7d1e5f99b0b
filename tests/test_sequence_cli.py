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
    assert status == 0
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

