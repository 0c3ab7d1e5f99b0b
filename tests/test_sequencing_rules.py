"""Each sequencing rule on real ICD-10-CM codes: the violating order and the correct one."""

from __future__ import annotations

import pytest

from medcoder_tui.codes.service import get_codesets
from medcoder_tui.codes.systems import System
from medcoder_tui.sequencing import SequenceResult, check_sequence
from medcoder_tui.codes.refs import parse_refs


@pytest.fixture(scope="module")
def cs():
    return get_codesets()


def rules(result: SequenceResult, severity: str | None = None) -> set[str]:
    issues = result.errors + result.warnings if severity is None else (
        result.errors if severity == "error" else result.warnings)
    return {i.rule for i in issues}


def check(codes, cs, **kw) -> SequenceResult:
    return check_sequence(codes, codesets=cs, **kw)


# -- note references ---------------------------------------------------------------------------

def test_references_and_ranges_in_note_text():
    refs = parse_refs("code to identify stage of chronic kidney disease (N18.1-N18.6)")
    assert [r.text for r in refs] == ["N18.1-N18.6"]
    assert refs[0].matches("N18.30") and refs[0].matches("n186") and not refs[0].matches("N18.9")
    assert refs[0].phrase == "code to identify stage of chronic kidney disease"
    alz, hypo, ms = parse_refs("Alzheimer's (G30.-)\nhypothyroidism, acquired (E00-E03.-)\nmultiple sclerosis (G35-)")
    assert alz.matches("G30.9") and not alz.matches("G31.01")
    assert hypo.matches("E03.9") and hypo.matches("E00.0") and not hypo.matches("E04.1")
    assert ms.matches("G35") and ms.text == "G35-"
    diabetes = parse_refs("(E08-E13)")[0]
    assert diabetes.matches("E11.22") and not diabetes.matches("E14")
    angiopathy = parse_refs("diabetic (peripheral) angiopathy (E08-E13 with .51-.52)")[0]
    assert angiopathy.matches("E11.51") and angiopathy.matches("E10.52") and not angiopathy.matches("E11.9")
    alcohol = parse_refs("dementia in alcohol (F10-F19, with .17, .27, .97)")
    assert any(r.matches("F10.27") for r in alcohol) and not any(r.matches("F10.20") for r in alcohol)
    burn = parse_refs("(X00-X19, X75-X77, X96-X98, Y92)")
    assert [r.text for r in burn] == ["X00-X19", "X75-X77", "X96-X98", "Y92"]


# -- use additional code / code first (diabetic CKD) -------------------------------------------

def test_diabetic_ckd_without_stage_asks_for_the_additional_code(cs):
    result = check(["E11.22"], cs)
    assert "use_additional_missing" in rules(result, "warning")
    issue = next(i for i in result.warnings if i.rule == "use_additional_missing")
    assert "N18.1-N18.6" in issue.message and "use additional code" in issue.convention


def test_diabetic_ckd_with_stage_after_it_is_clean(cs):
    result = check(["E11.22", "N18.30"], cs)
    assert result.errors == [] and result.warnings == []
    assert result.principal.code == "E11.22" and result.secondary[0].code == "N18.30"


def test_ckd_stage_before_diabetic_ckd_breaks_code_first(cs):
    result = check(["N18.31", "E11.22"], cs)
    assert rules(result, "error") == {"code_first_order"}
    assert result.errors[0].codes == ["N18.31", "E11.22"]
    assert "I.A.13" in result.errors[0].convention
    # The issue is shown beside both codes in the sequencing view.
    assert result.principal.issues and result.secondary[0].issues


# -- manifestation / etiology (dementia in Alzheimer's) -----------------------------------------

def test_alzheimer_before_dementia_is_clean(cs):
    result = check(["G30.9", "F02.80"], cs)
    assert result.errors == [] and result.warnings == []


def test_dementia_first_is_an_error(cs):
    result = check(["F02.80", "G30.9"], cs)
    assert rules(result, "error") == {"manifestation_first"}
    assert "use_additional_order" not in rules(result)   # the same pair is reported once


def test_manifestation_alone_is_an_error_and_etiology_after_is_an_error(cs):
    assert rules(check(["F02.80"], cs), "error") == {"manifestation_first"}
    result = check(["I10", "F02.80", "G30.9"], cs)
    assert "etiology_order" in rules(result, "error")
    ok = check(["I10", "G30.9", "F02.80"], cs)
    assert ok.errors == []


def test_manifestation_without_any_listed_etiology_is_a_warning(cs):
    result = check(["I10", "F02.80"], cs)
    assert rules(result) == {"etiology_missing"}


# -- external causes and 7th characters (a fracture from a fall) ------------------------------

def test_external_cause_first_is_an_error(cs):
    result = check(["W01.0XXA", "S72.001A"], cs)
    assert rules(result, "error") == {"external_cause_first"}


def test_fracture_then_external_cause_is_clean(cs):
    result = check(["S72.001A", "W01.0XXA"], cs)
    assert result.errors == [] and result.warnings == []


def test_external_cause_7th_character_must_match_the_injury(cs):
    result = check(["S72.001A", "W01.0XXD"], cs)
    assert rules(result, "error") == {"external_cause_7th"}
    assert check(["S72.001D", "W01.0XXD"], cs).errors == []


def test_injuries_mixing_initial_and_subsequent_encounters_warn(cs):
    result = check(["S72.001D", "S52.501A", "W01.0XXA"], cs)
    assert "seventh_character_mix" in rules(result, "warning")
    assert "seventh_character_mix" not in rules(check(["S72.001A", "S52.501A", "W01.0XXA"], cs))


# -- sequela (of a burn) -------------------------------------------------------------------------

def test_burn_sequela_first_is_an_error(cs):
    result = check(["T20.20XS", "L90.5", "X10.0XXS"], cs)
    assert rules(result, "error") == {"sequela_first"}
    assert result.errors[0].codes[:2] == ["T20.20XS", "L90.5"]


def test_scar_then_burn_sequela_is_clean(cs):
    result = check(["L90.5", "T20.20XS", "X10.0XXS"], cs)
    assert result.errors == [] and result.warnings == []


def test_sequela_alone_asks_for_its_nature(cs):
    result = check(["T20.20XS", "X10.0XXS"], cs)
    assert "sequela_nature_missing" in rules(result, "warning")


# -- Excludes1 ------------------------------------------------------------------------------------

def test_excludes1_pair_is_an_error_once(cs):
    result = check(["E11.9", "E10.9"], cs)
    excl = [i for i in result.errors if i.rule == "excludes1"]
    assert len(excl) == 1 and set(excl[0].codes) == {"E11.9", "E10.9"}
    assert "I.A.12.a" in excl[0].convention


def test_excludes1_between_symptoms(cs):
    # R52 (pain, unspecified) Excludes1 abdominal pain (R10.-).
    assert "excludes1" in rules(check(["R10.9", "R52"], cs), "error")
    assert "excludes1" not in rules(check(["R10.9"], cs))


def test_excludes1_with_a_diabetes_qualifier_only_hits_that_complication(cs):
    # I73.8 Excludes1 diabetic (peripheral) angiopathy (E08-E13 with .51-.52).
    assert "excludes1" in rules(check(["E11.51", "I73.89"], cs), "error")
    assert "excludes1" not in rules(check(["E11.9", "I73.89"], cs))


def test_excludes1_with_a_worded_qualifier_only_hits_the_codes_whose_title_says_it(cs):
    # E87.2 Excludes1 diabetic acidosis - see categories E08-E10, E11, E13 with ketoacidosis.
    assert not {"excludes1", "excludes1_review"} & set(rules(check(["E11.22", "E87.22"], cs)))
    assert {"excludes1", "excludes1_review"} & set(rules(check(["E11.10", "E87.22"], cs)))


def test_excludes2_is_not_a_conflict(cs):
    # J44 Excludes2 bronchiectasis: both may be coded.
    assert "excludes1" not in rules(check(["J44.9", "J47.9"], cs))


# -- Z codes ---------------------------------------------------------------------------------------

def test_first_listed_only_z_code_not_first_is_an_error(cs):
    result = check(["E11.9", "Z00.00"], cs)
    assert "z_first_only" in rules(result, "error")
    assert "z_first_only" not in rules(check(["Z00.00", "E11.9"], cs))


def test_secondary_only_z_codes_first(cs):
    assert "z_secondary_only" in rules(check(["Z37.0", "O80"], cs), "error")
    assert "z_secondary_only" not in rules(check(["O80", "Z37.0"], cs))
    # A status code first: an error for an inpatient principal, a warning outpatient.
    assert "z_secondary_only" in rules(check(["Z79.4", "E11.9"], cs, setting="inpatient"), "error")
    assert "z_secondary_only" in rules(check(["Z79.4", "E11.9"], cs), "warning")
    assert "z_secondary_only" not in rules(check(["E11.9", "Z79.4"], cs))


# -- outpatient uncertain diagnoses (rule out pneumonia) ----------------------------------------

RULE_OUT = "Cough and fever for three days. Rule out pneumonia. Chest X-ray ordered.\n"


def test_outpatient_rule_out_pneumonia_coded_as_pneumonia_is_an_error(cs):
    result = check(["J18.9"], cs, note=RULE_OUT, uncertain_codes={"J18.9"})
    assert rules(result, "error") == {"uncertain_outpatient"}
    assert "IV.H" in result.errors[0].convention


def test_outpatient_symptoms_instead_are_clean(cs):
    result = check(["R05.9", "R50.9"], cs, note=RULE_OUT)
    assert result.errors == [] and result.warnings == []


def test_inpatient_may_code_the_uncertain_diagnosis(cs):
    result = check(["J18.9"], cs, note=RULE_OUT, uncertain_codes={"j189"}, setting="inpatient")
    assert result.errors == [] and result.warnings == []


def test_note_alone_flags_an_uncertain_mention(cs):
    result = check(["J18.9"], cs, note=RULE_OUT, setting="ed")
    assert rules(result, "warning") == {"uncertain_in_note"}
    confirmed = "Cough and fever. Chest X-ray shows right lower lobe pneumonia.\n"
    assert check(["J18.9"], cs, note=confirmed).warnings == []


# -- integral symptoms ------------------------------------------------------------------------------

def test_symptom_with_the_confirmed_diagnosis_that_explains_it_warns(cs):
    result = check(["J18.9", "R05.9"], cs)
    assert rules(result) == {"integral_symptom"}
    assert "I.B.4-5" in result.warnings[0].convention
    assert "integral_symptom" in rules(check(["K35.80", "R10.31"], cs))
    # A symptom of another body system is not integral to the diagnosis.
    assert "integral_symptom" not in rules(check(["J18.9", "R10.31"], cs))
    # An uncertain diagnosis explains nothing: its symptoms are what gets coded.
    assert "integral_symptom" not in rules(check(["R05.9", "J18.9"], cs, uncertain_codes={"J18.9"}))


# -- validity, duplicates, shapes ------------------------------------------------------------------

def test_invalid_and_header_codes_are_errors_and_stay_in_place(cs):
    result = check(["XYZ", "E11", "E11.9", "e119", "99213"], cs)
    by_rule = {i.rule: i for i in result.errors}
    assert {"invalid_code", "not_billable", "duplicate"} <= set(by_rule)
    assert "Did you mean E11.8, E11.9" in by_rule["not_billable"].message   # suggests billable codes
    assert [c.code for c in result.procedures] == ["99213"]
    assert result.procedures[0].system is System.CPT


def test_pairs_with_systems_and_empty_input(cs):
    result = check([("E11.9", "icd10cm"), ("J1100", System.HCPCS)], cs)
    assert result.principal.code == "E11.9" and result.procedures[0].code == "J1100"
    empty = check([], cs)
    assert empty.principal is None and empty.ok and empty.to_json()["principal"] is None
    with pytest.raises(ValueError, match="setting"):
        check(["E11.9"], cs, setting="hospice")


# -- CC/MCC flags --------------------------------------------------------------------------------------

def test_cc_mcc_flags_follow_the_cms_tables_with_exclusions(cs):
    result = check(["J18.9", "J96.01", "E87.1", "I10"], cs, setting="inpatient")
    flags = {c.code: (c.cc, c.mcc, c.badge) for c in result.secondary}
    assert flags == {"J96.01": (False, True, "MCC"), "E87.1": (True, False, "CC"), "I10": (False, False, "")}
    # The same MCC as secondary to a principal in its exclusion collection counts as a non-CC.
    excluded = check(["J96.00", "J96.01"], cs, setting="inpatient").secondary[0]
    assert excluded.cc_excluded and not excluded.mcc and excluded.cms_level == "mcc"
    assert excluded.badge == "MCC excl"


def test_json_shape(cs):
    data = check(["F02.80", "G30.9", "99213"], cs).to_json()
    assert data["principal"] == "F02.80"
    assert data["secondary"] == [{"code": "G30.9", "description": "Alzheimer's disease, unspecified",
                                  "cc": False, "mcc": False, "cc_excluded": False, "valid": True}]
    assert data["procedures"] == ["99213"]
    assert data["errors"][0]["rule"] == "manifestation_first"
    assert set(data["errors"][0]) >= {"rule", "codes", "message"}
    assert data["cc_mcc_version"] == "FY2026"


# -- hypertension combinations -------------------------------------------------------------------

def test_hypertension_with_ckd_or_heart_failure_points_to_the_combination_code(cs):
    assert "I12.-" in check(["N18.4", "I10"], cs).warnings[0].message
    assert "I11.-" in check(["I50.9", "I10"], cs).warnings[0].message
    assert "I13.-" in check(["I50.9", "N18.4", "I10"], cs).warnings[0].message
    assert "hypertension_combination" not in rules(check(["I12.9", "N18.4"], cs))
    assert "hypertension_combination" not in rules(check(["I10", "E11.9"], cs))


# -- the tabular hierarchy the rules walk ---------------------------------------------------------

@pytest.mark.parametrize("code", ["C50.911", "B20", "Z68.41", "T14.90XA", "E11.22"])
def test_parent_chain_ends(cs, code):
    """The rules read inherited notes through ``parent``; a category that is its own parent would hang them."""
    chain, current = [], cs.icd.parent(code)
    while current and len(chain) < 8:
        chain.append(current)
        current = cs.icd.parent(current)
    assert current is None, f"parent chain of {code} does not end: {chain}"


def test_pregnancy_codes_lead(cs):
    result = check(["E11.9", "O24.111", "Z3A.12"], cs)
    assert "obstetric_first" in rules(result, "warning")
    assert "obstetric_first" not in rules(check(["O24.111", "E11.9", "Z3A.12"], cs))


def test_place_and_activity_codes_once_and_only_initially(cs):
    ok = check(["S72.001A", "W01.0XXA", "Y92.009", "Y93.01"], cs)
    assert ok.errors == [] and ok.warnings == []
    later = check(["S72.001D", "W01.0XXD", "Y92.009"], cs)
    assert "place_activity_initial_only" in rules(later, "warning")
    twice = check(["S72.001A", "W01.0XXA", "Y92.009", "Y92.010"], cs)
    assert "place_activity_once" in rules(twice, "warning")


def test_excludes1_naming_qualified_categories_is_only_a_warning(cs):
    # K92.2 Excludes1 "peptic ulcer with hemorrhage (K25-K28)": K25.9 is an ulcer *without* hemorrhage.
    result = check(["K92.2", "K25.9"], cs)
    assert "excludes1" not in rules(result) and "excludes1_review" in rules(result, "warning")
    # An unqualified category stays an error: R56.9 Excludes1 epileptic seizures (G40.-).
    assert "excludes1" in rules(check(["G40.909", "R56.9"], cs), "error")


def test_severe_sepsis_and_organism_codes_never_lead(cs):
    assert "sirs_first" in rules(check(["R65.20", "A41.9"], cs), "error")
    assert check(["A41.9", "R65.20"], cs).errors == []
    organism = check(["B96.20", "N39.0"], cs)
    assert "manifestation_first" in rules(organism, "error")
    assert "organism code" in organism.errors[0].message
    assert check(["N39.0", "B96.20"], cs).errors == []


def test_counts_text_says_one_error_not_one_errors():
    from medcoder_tui.sequencing import check_sequence

    result = check_sequence(["F02.80", "G30.9", "99213"])
    assert result.counts_text() == "2 diagnoses, 1 procedure · 1 error, 0 warnings"
    assert check_sequence(["E11.9"]).counts_text() == "1 diagnosis, 0 procedures · 0 errors, 0 warnings"


def test_a_reference_to_a_category_with_final_characters():
    from medcoder_tui.codes.refs import any_match, parse_refs

    refs = parse_refs("dysarthria following cerebrovascular disease (I69. with final characters -22)")
    assert any_match(refs, "I69.322") and any_match(refs, "I69.122")
    assert any_match(refs, "I69.393") is None       # ataxia after a stroke is no dysarthria


def test_reference_with_a_character_at_a_place():
    """"(T36-T50 with fifth or sixth character 5)" names the adverse-effect codes of the range only."""
    (ref,) = parse_refs("code for adverse effect, if applicable, to identify drug (T36-T50 with fifth or sixth "
                        "character 5)")
    assert ref.matches("T46.5X5A") and ref.matches("T36.95XA") and ref.matches("T50.905A")
    assert not ref.matches("T46.5X1A") and not ref.matches("T36.91XA") and not ref.matches("T50.906A")
    assert not ref.matches("S06.0X0A")
