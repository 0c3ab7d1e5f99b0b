"""validate / lookup / doctor / codes import through the real CLI entry point."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from medcoder_tui.cli import main
from medcoder_tui.codes.service import CodeSets, reset_codesets
from medcoder_tui.codes.systems import System
from medcoder_tui.codes.tables import ImportFormatError, imported_path, parse_import


def run(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_validate_json_records_and_exit_status(capsys):
    status, out, _ = run(capsys, "validate", "E11.9", "e11", "S72.001", "--json")
    records = json.loads(out)
    assert status == 0
    assert [r["normalized"] for r in records] == ["E11.9", "E11", "S72.001"]
    assert set(records[0]) == {"code", "normalized", "system", "valid", "billable", "description", "messages",
                               "suggestions"}
    assert records[1]["messages"] == ["category header: choose one of E11.0-E11.A"]
    assert records[2]["messages"][0].startswith("needs 7th character A/B/C")
    status, out, _ = run(capsys, "validate", "E11.9", "Q99.99")
    assert status == 1 and "INVALID" in out


def test_bad_input_never_tracebacks(capsys):
    status, out, err = run(capsys, "lookup", "   ")
    assert status == 2 and "empty query" in err and "Traceback" not in err
    status, out, _ = run(capsys, "validate", "X" * 200)
    assert status == 1 and "200 characters" in out
    proc = subprocess.run([sys.executable, "-m", "medcoder_tui", "validate", "\udcff\udcfe"],
                          capture_output=True, text=True, errors="surrogateescape", timeout=60)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr


def test_lookup_json_best_first(capsys):
    status, out, _ = run(capsys, "lookup", "high", "blood", "pressure", "--json", "--limit", "3")
    hits = json.loads(out)
    assert status == 0 and hits[0]["code"] == "I10"
    assert set(hits[0]) == {"code", "system", "description", "billable", "score"}
    assert hits[0]["score"] >= hits[-1]["score"]


def test_doctor_reports_versions_store_and_unreachable_ollama(capsys):
    status, out, _ = run(capsys, "doctor", "--json")
    report = json.loads(out)
    assert status == 0
    assert report["code_sets"]["icd10cm"].startswith("ICD-10-CM April 2026")
    assert report["counts"]["icd10cm_billable"] > 70000
    assert report["ollama"]["reachable"] is False      # conftest points OLLAMA_HOST at a closed port
    assert report["store"].endswith("store.d")


@pytest.fixture()
def clean_imports():
    for system in (System.CPT, System.HCPCS):
        imported_path(system).unlink(missing_ok=True)
    reset_codesets()
    yield
    for system in (System.CPT, System.HCPCS):
        imported_path(system).unlink(missing_ok=True)
    reset_codesets()


def test_import_cpt_csv_takes_precedence_and_a_bad_file_keeps_it(tmp_path, capsys, clean_imports):
    good = tmp_path / "cpt.csv"
    good.write_text("code,description\n99213,Licensed text for 99213\n12345,A licensed code\n")
    status, out, _ = run(capsys, "codes", "import", "cpt", str(good))
    assert status == 0 and "imported 2 CPT codes" in out
    cs = CodeSets()
    assert cs.validate("12345").billable
    assert cs.describe("99213") == "Licensed text for 99213"      # imported wins over bundled
    before = imported_path(System.CPT).read_bytes()

    bad = tmp_path / "bad.csv"
    bad.write_text("this,is\nnot,a code file\nat,all\n")
    status, _, err = run(capsys, "codes", "import", "cpt", str(bad))
    assert status == 2 and "previous table kept" in err
    assert imported_path(System.CPT).read_bytes() == before

    binary = tmp_path / "codes.xlsx"
    binary.write_bytes(b"PK\x03\x04\x00\x00binary")
    status, _, err = run(capsys, "codes", "import", "cpt", str(binary))
    assert status == 2 and "binary file" in err


def test_import_hcpcs_anweb_fixed_width(tmp_path, clean_imports):
    def rec(code, seq, rid, desc):
        return f"{code:<5}{seq:05d}{rid}{desc:<80}{'SHORT':<28}"

    text = "\n".join([
        rec("A0021", 100, "3", "Ambulance service, outside state per mile, transport"),
        rec("A0021", 200, "4", "(medicaid only)"),
        rec("25", 300, "7", "Significant, separately identifiable e/m service"),
        rec("J1100", 400, "3", "Injection, dexamethasone sodium phosphate, 1mg"),
    ])
    path = tmp_path / "HCPC2026_JAN_ANWEB.txt"
    path.write_text(text + "\n")
    codes = parse_import(path, System.HCPCS)
    assert codes == {
        "A0021": "Ambulance service, outside state per mile, transport (medicaid only)",
        "J1100": "Injection, dexamethasone sodium phosphate, 1mg",
    }


def test_import_hcpcs_csv_form(tmp_path):
    path = tmp_path / "anweb.csv"
    path.write_text('HCPC,SEQNUM,RECID,LONG DESCRIPTION,SHORT DESCRIPTION\n'
                    'E0100,100,3,"Cane, includes canes of all materials, adjustable or fixed, with tip",Cane\n'
                    'E0100,200,4,"(continued)",\n')
    assert parse_import(path, System.HCPCS) == {
        "E0100": "Cane, includes canes of all materials, adjustable or fixed, with tip (continued)"}


def test_import_refuses_icd_and_empty_files(tmp_path):
    empty = tmp_path / "empty.tsv"
    empty.write_text("")
    with pytest.raises(ImportFormatError, match="empty file"):
        parse_import(empty, System.CPT)
    from medcoder_tui.codes.tables import import_table

    with pytest.raises(ImportFormatError, match="only cpt and hcpcs"):
        import_table(empty, "icd10cm")
