"""CPT/HCPCS modifiers and units: checked on a real store folder, exported, and on the command line."""

from __future__ import annotations

import csv
import io
import json

import pytest
from store_helpers import NOTE, result, suggestion

from medcoder_tui.cli import main
from medcoder_tui.codes.modifiers import MODIFIERS, LineError, check_line, parse_modifiers, parse_units
from medcoder_tui.codes.systems import System
from medcoder_tui.engines.checks.grounding import Grounder
from medcoder_tui.engines.models import RawSuggestion
from medcoder_tui.store import FinalCode, Store, StoreError
from medcoder_tui.store.reports import export_rows, render_export


@pytest.fixture
def store(tmp_path):
    return Store(tmp_path / "store")


@pytest.fixture
def case(store, tmp_path):
    note = tmp_path / "visit.txt"
    note.write_text(NOTE)
    opened = store.open_case(note, NOTE)
    drug = suggestion("J1100", System.HCPCS)
    drug.units = 4
    return store.save_suggestions(opened.id, result("E11.9", suggestion("99214", System.CPT),
                                                   suggestion("20610", System.CPT), drug))


@pytest.mark.parametrize("system, code, mods, units, why", [
    (System.CPT, "20610", ["RT", "LT"], None, "do not go together"),
    (System.CPT, "20610", ["59", "XS"], None, "most specific"),
    (System.CPT, "71046", ["25"], None, "E/M visit"),
    (System.CPT, "99214", ["ZZ"], None, "unknown modifier ZZ"),
    (System.CPT, "99214", ["2"], None, "two letters or digits"),
    (System.CPT, "99214", ["25", "25"], None, "twice"),
    (System.CPT, "20610", ["RT", "59", "76", "22", "52"], None, "at most 4"),
    (System.ICD10CM, "E11.9", ["25"], None, "CPT/HCPCS lines only"),
    (System.HCPCS, "J1100", [], 0, "whole number"),
])
def test_lines_that_cannot_go_on_a_claim(system, code, mods, units, why):
    with pytest.raises(LineError, match=why):
        check_line(system, code, mods, units)


def test_known_lines_and_parsing():
    check_line(System.CPT, "99214", ["25"], None)
    check_line(System.CPT, "20610", ["RT", "59"], 1)
    check_line(System.HCPCS, "J1100", [], 4)
    assert parse_modifiers("-25, rt/59") == ["25", "RT", "59"]
    assert parse_units(" 3 ") == 3 and parse_units("") is None
    for bad in ("1.5", "-2", "two", "1000"):
        with pytest.raises(LineError):
            parse_units(bad)
    assert all(meaning and len(meaning) < 90 for meaning in MODIFIERS.values())


def test_accepted_suggestion_keeps_engine_units_and_confidence_an_edit_is_the_coders(store, case):
    case = store.accept(case.id, "hcpcs:J1100")
    case = store.accept(case.id, "cpt:99214")
    drug = next(fc for fc in case.final_codes if fc.code == "J1100")
    assert (drug.units, drug.confidence, drug.line) == (4, 0.8, "J1100 x 4")
    case = store.edit_code(case.id, "cpt:99214", FinalCode(code="99214", system=System.CPT, modifiers=["25"]))
    visit = next(fc for fc in case.final_codes if fc.code == "99214")
    assert visit.modifiers == ["25"] and visit.source == "edited" and visit.confidence is None
    assert visit.line == "99214-25"
    again = Store(store.path).get_case(case.id)           # what the file holds, not the object in memory
    assert next(fc for fc in again.final_codes if fc.code == "99214").modifiers == ["25"]
    audit = [e for e in store.audit(case.id) if e.action == "edit"]
    assert audit[-1].after["modifiers"] == ["25"]


def test_bad_modifiers_or_units_are_refused_with_one_line_and_nothing_changes(store, case):
    before = store.get_case(case.id)
    for fc in (FinalCode(code="20610", system=System.CPT, modifiers=["RT", "LT"]),
               FinalCode(code="20610", system=System.CPT, modifiers=["QQ"]),
               FinalCode(code="20610", system=System.CPT, units=0)):
        with pytest.raises(StoreError) as exc:
            store.edit_code(case.id, "cpt:20610", fc)
        assert "\n" not in str(exc.value)
    with pytest.raises(StoreError, match="CPT/HCPCS lines only"):
        store.add_manual(case.id, FinalCode(code="I10", system=System.ICD10CM, modifiers=["RT"]))
    assert store.get_case(case.id).final_codes == before.final_codes


def test_export_carries_modifiers_and_units_in_json_and_csv(store, case):
    store.accept(case.id, "hcpcs:J1100")
    store.edit_code(case.id, "cpt:20610", FinalCode(code="20610", system=System.CPT, modifiers=["RT", "59"]))
    rows = export_rows(store.list_cases(), store.audit())
    data = json.loads(render_export(rows, "json"))
    by_code = {r["code"]: r for r in data}
    assert by_code["20610"]["modifiers"] == ["RT", "59"] and by_code["J1100"]["units"] == 4
    table = list(csv.DictReader(io.StringIO(render_export(rows, "csv"))))
    by_code = {r["code"]: r for r in table}
    assert by_code["20610"]["modifiers"] == "RT 59" and by_code["J1100"]["units"] == "4"
    assert by_code["20610"]["units"] == ""


def test_offline_engine_gives_drug_units_by_dose(codesets):
    from pathlib import Path

    from medcoder_tui.engines.offline import OfflineEngine
    from medcoder_tui.engines.base import run_engine
    import asyncio

    note = (Path(__file__).resolve().parent.parent / "sample_notes" / "09_office_copd_injection.txt").read_text()
    out = asyncio.run(run_engine(OfflineEngine(codesets=codesets), note, types={System.HCPCS}, setting="outpatient"))
    units = {s.code: s.units for s in out.suggestions}
    assert units.get("J1040") == 1
    text = "Ceftriaxone 1 g IM given in the office today."
    out = asyncio.run(run_engine(OfflineEngine(codesets=codesets), text, types={System.HCPCS},
                                 setting="outpatient"))
    assert [(s.code, s.units) for s in out.suggestions if s.code.startswith("J")] == [("J0696", 4)]


def test_grounding_drops_modifiers_an_engine_got_wrong(codesets):
    g = Grounder("Office visit. Knee injection, right.", codesets=codesets)
    ok = g.ground(RawSuggestion(code="20610", modifiers=["rt"], evidence=["Knee injection"]))
    assert ok.modifiers == ["RT"]
    bad = g.ground(RawSuggestion(code="20610", modifiers=["25"], units=2, evidence=["Knee injection"]))
    assert bad.modifiers == [] and bad.units is None
    assert any("modifier 25" in m for m in bad.messages)


def test_modifiers_command_lists_and_checks(capsys):
    assert main(["modifiers"]) == 0
    assert "25  a significant, separately identifiable E/M visit" in capsys.readouterr().out
    assert main(["modifiers", "99214-25"]) == 0
    assert capsys.readouterr().out.startswith("✓ 99214-25")
    assert main(["modifiers", "J1100", "--units", "4", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["line"] == "J1100 x 4" and data["valid"]
    assert main(["modifiers", "20610", "RT", "LT"]) == 1
    assert "do not go together" in capsys.readouterr().out
