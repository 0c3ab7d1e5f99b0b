"""Gold loading: sidecars, TSV + folder, store cases; normalisation and warnings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from medcoder_tui.codes.service import ValidationResult
from medcoder_tui.codes.systems import System, canonical, compact
from medcoder_tui.evaluation.gold import GoldError, collect_gold, load_tsv, _Checker
from medcoder_tui.notes import note_hash

# A small stand-in code set, so these tests need no index build.
VALID = {"icd10cm": {"E11.9", "I10", "A04.72", "S42.322B", "J45.909", "E11", "R05.9"},
         "cpt": {"99213", "71046"}, "hcpcs": {"J1100"}}
HEADERS = {"E11"}


def small_validate(code: str, system: System) -> ValidationResult:
    norm = canonical(code, system)
    ok = norm in VALID[system.value]
    return ValidationResult(code=code, normalized=norm, system=system, valid=ok,
                            billable=ok and norm not in HEADERS)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_sidecars_keep_principal_order_and_validate(tmp_path):
    write(tmp_path / "a.txt", "Chest pain and hypertension.")
    write(tmp_path / "a.gold.json", json.dumps({
        "setting": "ed", "icd10cm": ["i10", "E11.9", "I10"], "cpt": ["99213"], "hcpcs": ["J1100"],
        "rationale": "why"}))
    write(tmp_path / "b.txt", "No gold for this one.")
    gold = collect_gold(tmp_path, validate=small_validate)
    assert [c.note_id for c in gold.cases] == ["a"]
    case = gold.cases[0]
    assert case.codes == ["icd10cm:I10", "icd10cm:E11.9", "cpt:99213", "hcpcs:J1100"]
    assert case.ordered and case.setting == "ed" and case.source == "sidecar"
    assert any("1 notes have no gold" in w and "b.txt" in w for w in gold.warnings)


def test_types_restrict_gold(tmp_path):
    write(tmp_path / "a.txt", "note")
    write(tmp_path / "a.gold.json", json.dumps({"icd10cm": ["I10"], "cpt": ["99213"]}))
    gold = collect_gold(tmp_path, types=[System.ICD10CM], validate=small_validate)
    assert gold.cases[0].codes == ["icd10cm:I10"]


def test_tsv_any_case_dots_optional_duplicates_and_invalid_kept_with_warning(tmp_path):
    notes = tmp_path / "notes"
    write(notes / "n1.txt", "one")
    write(notes / "n2.txt", "two")
    write(notes / "extra.txt", "no gold")
    tsv = write(tmp_path / "gold.tsv",
                "n1\ta0472\nn1\tA04.72\nn1\ts42.322b\nn2\te11\nn2\tx99.99\nn2\t???\nghost\ti10\n")
    gold = collect_gold(notes, gold=tsv, types=[System.ICD10CM], validate=small_validate)
    by_id = {c.note_id: c for c in gold.cases}
    # a0472 is read as ICD-10-CM A04.72 (valid there), not as a HCPCS shape
    assert by_id["n1"].codes == ["icd10cm:A04.72", "icd10cm:S42.322B"]
    assert by_id["n2"].codes == ["icd10cm:E11", "icd10cm:X99.99"]
    assert not by_id["n1"].ordered and by_id["n1"].source == "tsv"
    text = "\n".join(gold.warnings)
    assert "not in the current code set" in text and "X99.99" in text
    assert "category headers" in text and "E11" in text
    assert "not codes and were dropped" in text and "???" in text
    assert "ghost" in text and "extra.txt" in text


def test_tsv_system_column(tmp_path):
    write(tmp_path / "n.txt", "x")
    tsv = write(tmp_path / "g.tsv", "n\t99213\tcpt\nn\tJ1100\tHCPCS\nn\tI10\n")
    assert load_tsv(tsv, _Checker(small_validate, System))["n"] == ["cpt:99213", "hcpcs:J1100", "icd10cm:I10"]


@pytest.mark.parametrize("content, message", [
    ("", "holds no"),
    ("justonecolumn\n", "expected note_id<TAB>code"),
    ("n\tI10\tnosuch\n", "unknown code system"),
])
def test_bad_tsv_is_a_clear_error(tmp_path, content, message):
    write(tmp_path / "n.txt", "x")
    tsv = write(tmp_path / "g.tsv", content)
    with pytest.raises(GoldError, match=message):
        collect_gold(tmp_path, gold=tsv, validate=small_validate)


def test_missing_inputs_are_clear_errors(tmp_path):
    with pytest.raises(GoldError, match="not found"):
        collect_gold(tmp_path, gold=tmp_path / "nope.tsv", validate=small_validate)
    with pytest.raises(GoldError, match="no notes"):
        collect_gold(tmp_path, validate=small_validate)
    write(tmp_path / "a.txt", "x")
    with pytest.raises(GoldError, match="sidecars"):
        collect_gold(tmp_path, validate=small_validate)
    write(tmp_path / "a.gold.json", "{not json")
    with pytest.raises(GoldError, match="unreadable gold sidecar"):
        collect_gold(tmp_path, validate=small_validate)


class CompletedCases:
    """The one store method gold loading uses, over plain records."""

    def __init__(self, cases):
        self.cases = cases

    def completed_as_gold(self):
        return self.cases


def test_store_cases_are_gold_and_fill_notes_without_sidecar(tmp_path):
    note = write(tmp_path / "notes" / "visit.txt", "Asthma follow up.")
    changed = write(tmp_path / "elsewhere" / "old.txt", "edited since")
    store = CompletedCases({
        str(note): {"icd10cm": ["J45.909"], "cpt": ["99213"], "hcpcs": [], "setting": "outpatient",
                    "note_hash": note_hash("Asthma follow up.")},
        str(changed): {"icd10cm": ["I10"], "cpt": [], "hcpcs": [], "note_hash": note_hash("original text")},
    })
    gold = collect_gold(tmp_path / "notes", store=store, validate=small_validate)
    assert [(c.note_id, c.source, c.codes) for c in gold.cases] == [
        ("visit", "store", ["icd10cm:J45.909", "cpt:99213"])]
    only_store = collect_gold(tmp_path, gold="store", store=store, validate=small_validate)
    assert [c.note_id for c in only_store.cases] == ["visit"]
    assert any("note changed" in w for w in only_store.warnings)


@pytest.fixture(scope="module")
def real_codesets():
    from medcoder_tui.codes.service import get_codesets

    return get_codesets()


def test_real_code_sets_normalise_codiesp_spellings(tmp_path, real_codesets):
    codesets = real_codesets
    write(tmp_path / "n.txt", "x")
    tsv = write(tmp_path / "g.tsv", "n\tq62.11\nn\ts39.94xa\nn\tr40.2412\nn\tn23\n")
    gold = collect_gold(tmp_path, gold=tsv, types=[System.ICD10CM],
                        validate=lambda c, s: codesets.validate(c, s))
    assert gold.cases[0].codes == ["icd10cm:Q62.11", "icd10cm:S39.94XA", "icd10cm:R40.2412", "icd10cm:N23"]
    assert all(compact(k) for k in gold.cases[0].codes)


def test_cases_completed_in_a_real_store_are_gold(tmp_path, real_codesets):
    from medcoder_tui.store import CaseStatus, FinalCode, Store

    notes = tmp_path / "notes"
    text = "Assessment: mild intermittent asthma. Office visit."
    note = write(notes / "visit.txt", text)
    write(notes / "other.txt", "not coded yet")
    store = Store(tmp_path / "store")
    case = store.open_case(note, text, setting="outpatient")
    store.add_manual(case.id, FinalCode(code="J45.20", system=System.ICD10CM))
    store.add_manual(case.id, FinalCode(code="99213", system=System.CPT))
    store.set_status(case.id, CaseStatus.COMPLETED, override=True)
    validate = lambda c, s: real_codesets.validate(c, s)  # noqa: E731
    gold = collect_gold(notes, store=store, validate=validate)
    assert [(c.note_id, c.source, c.codes, c.ordered) for c in gold.cases] == [
        ("visit", "store", ["icd10cm:J45.20", "cpt:99213"], True)]
    assert any("other.txt" in w for w in gold.warnings)
    from_store = collect_gold(tmp_path, gold="store", store=store, validate=validate)
    assert [c.note_id for c in from_store.cases] == ["visit"] and from_store.cases[0].text == text


def test_sidecar_not_codes_keep_reasons_and_read_systems(tmp_path):
    write(tmp_path / "a.txt", "Chest pressure, r/o ACS.")
    write(tmp_path / "a.gold.json", json.dumps({
        "setting": "ed", "icd10cm": ["I10"], "cpt": ["99213"],
        "not_codes": [{"code": "r059", "reason": "integral to the diagnosis"},
                      {"code": "71046", "system": "cpt", "reason": "read by radiology"},
                      "J1100", {"code": "E11.9"}]}))
    case = collect_gold(tmp_path, validate=small_validate).cases[0]
    assert case.not_codes == {"icd10cm:R05.9": "integral to the diagnosis", "cpt:71046": "read by radiology",
                              "hcpcs:J1100": "", "icd10cm:E11.9": ""}
    assert case.codes == ["icd10cm:I10", "cpt:99213"]   # not-codes are never gold
    only_icd = collect_gold(tmp_path, types=[System.ICD10CM], validate=small_validate).cases[0]
    assert set(only_icd.not_codes) == {"icd10cm:R05.9", "icd10cm:E11.9"}


def test_sidecar_without_not_codes_has_none(tmp_path):
    write(tmp_path / "a.txt", "note")
    write(tmp_path / "a.gold.json", json.dumps({"icd10cm": ["I10"]}))
    assert collect_gold(tmp_path, validate=small_validate).cases[0].not_codes == {}


@pytest.mark.parametrize("not_codes, message", [
    ({"code": "I10"}, "'not_codes' must be a list"),
    ([{"reason": "no code"}], "needs a \"code\""),
    ([42], "needs a \"code\""),
    ([{"code": "I10", "reason": "x"}], "I10 is both a gold code and in 'not_codes'"),
    ([{"code": "99213", "system": "cptx"}], "not_codes '99213'"),
])
def test_bad_not_codes_are_clear_errors(tmp_path, not_codes, message):
    write(tmp_path / "a.txt", "note")
    write(tmp_path / "a.gold.json", json.dumps({"icd10cm": ["I10"], "not_codes": not_codes}))
    with pytest.raises(GoldError) as exc:
        collect_gold(tmp_path, validate=small_validate)
    assert message in str(exc.value) and "a.gold.json" in str(exc.value)


def test_not_codes_outside_the_code_set_are_reported(tmp_path):
    write(tmp_path / "a.txt", "note")
    write(tmp_path / "a.gold.json", json.dumps({"icd10cm": ["I10"], "not_codes": [{"code": "X99.99"}]}))
    gold = collect_gold(tmp_path, validate=small_validate)
    assert "icd10cm:X99.99" in gold.cases[0].not_codes
    assert any("X99.99" in w and "a (not_codes)" in w for w in gold.warnings)
