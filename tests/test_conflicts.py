"""One code per condition: conflicting diagnosis codes from one note, resolved from the code set."""

from __future__ import annotations

from medcoder_tui.engines.checks.grounding import Grounder
from medcoder_tui.engines.models import Flag, RawSuggestion

NOTE = """ED note. 33F at 8w1d with light spotting: threatened abortion; worried about miscarriage.
EGD: acute duodenal ulcer with hemorrhage; acute duodenal bulb ulcer, clean base.
Path: acute and chronic cholecystitis with cholelithiasis. Preop: acute cholecystitis with cholelithiasis.
Diabetes. Type 2 diabetes with diabetic CKD."""


def _offline(codesets, note, setting):
    from medcoder_tui.codes.systems import System
    from medcoder_tui.engines.offline import OfflineEngine

    return OfflineEngine(codesets=codesets).suggest_sync(note, {System.ICD10CM}, setting).suggestions


def _finish(codesets, *pairs):
    g = Grounder(NOTE, codesets=codesets, setting="ed")
    out = g.finish([g.ground(RawSuggestion(code=c, evidence=[e])) for c, e in pairs])
    return {s.code: s for s in out}


def test_a_without_code_gives_way_to_the_code_of_what_it_says_is_absent(codesets):
    out = _finish(codesets, ("K26.3", "acute duodenal bulb ulcer"), ("K26.0", "acute duodenal ulcer with hemorrhage"))
    assert out["K26.3"].suppressed and not out["K26.0"].suppressed
    assert any("'without hemorrhage'" in m and "K26.0 is kept" in m for m in out["K26.3"].messages)


def test_a_title_inside_a_longer_title_of_the_same_category_gives_way(codesets):
    out = _finish(codesets, ("K80.00", "acute cholecystitis with cholelithiasis"),
                  ("K80.12", "acute and chronic cholecystitis with cholelithiasis"))
    assert out["K80.00"].suppressed and not out["K80.12"].suppressed
    assert any("more specific code of the same condition" in m for m in out["K80.00"].messages)


def test_excludes1_keeps_the_better_supported_code_and_the_other_stays_acceptable(codesets):
    out = _finish(codesets, ("O03.9", "miscarriage"), ("O20.0", "threatened abortion"))
    weaker, kept = out["O03.9"], out["O20.0"]
    assert weaker.suppressed and weaker.acceptable       # on screen with its reason; a coder may still take it
    assert not kept.suppressed and Flag.EXCLUDES1 not in kept.flags and kept.reportable


def test_codes_of_different_conditions_are_left_alone(codesets):
    out = _finish(codesets, ("E11.22", "Type 2 diabetes with diabetic CKD"), ("K26.0", "acute duodenal ulcer with hemorrhage"),
                  ("O20.0", "threatened abortion"))
    assert not any(s.suppressed for s in out.values())


def test_a_code_read_across_another_coded_mention_gives_way_in_an_excludes1_pair(codesets):
    # 'infection ... kidney' borrows the kidney of the coded acute kidney injury: N15.9 gives way to N39.0
    note = "Assessment: UTI with acute kidney injury."
    g = Grounder(note, codesets=codesets, setting="outpatient")
    out = {s.code: s for s in g.finish([g.ground(RawSuggestion(code=c, evidence=[e])) for c, e in (
        ("N39.0", "UTI"), ("N17.9", "acute kidney injury"), ("N15.9", "UTI with acute kidney"))])}
    assert out["N15.9"].suppressed and out["N39.0"].reportable and out["N17.9"].reportable


def test_excludes1_keeps_the_organism_specific_sepsis_though_its_organism_is_its_source_infections_word(codesets):
    """"Sepsis due to pneumococcal pneumonia" beside a bare "sepsis": A40.3 quotes the pneumonia's organism (J13's
    words) as it must, and the unspecified-organism code gives way to it (I.C.1.d.1.a, I.A.12.a)."""
    note = ("Principal diagnosis: Sepsis due to right lower lobe pneumonia.\nCourse: met sepsis criteria on admission.\n"
            "Discharge diagnoses:\n1. Sepsis due to pneumococcal pneumonia, RLL\n2. COPD\n")
    g = Grounder(note, codesets=codesets, setting="inpatient")
    out = {s.code: s for s in g.finish([g.ground(RawSuggestion(code=c, evidence=[e])) for c, e in (
        ("A41.9", "Sepsis"), ("A40.3", "Sepsis due to pneumococcal"), ("J13", "pneumococcal pneumonia"))])}
    assert out["A41.9"].suppressed and Flag.EXCLUDES1 in out["A41.9"].flags
    assert out["A40.3"].reportable and out["J13"].reportable


def test_excludes1_an_r_chapter_symptom_gives_way_to_the_condition_it_excludes(codesets):
    """R55 excludes orthostatic hypotension: syncope documented with it is coded I95.1 alone, though I95 is itself
    a sign that other diagnoses take in (integral table)."""
    note = "ED note.\nDiagnosis: Syncope and collapse. Orthostatic hypotension. Dehydration.\n"
    g = Grounder(note, codesets=codesets, setting="ed")
    out = {s.code: s for s in g.finish([g.ground(RawSuggestion(code=c, evidence=[e])) for c, e in (
        ("R55", "Syncope and collapse"), ("I95.1", "Orthostatic hypotension"), ("E86.0", "Dehydration"))])}
    assert out["R55"].suppressed and out["I95.1"].reportable and out["E86.0"].reportable


def test_the_acuity_the_assessment_states_is_todays_and_the_hospital_stays_is_past(codesets):
    # A follow-up visit after an admission: the stay's "acute on chronic" is the past state; the assessment's
    # "chronic, compensated" is the visit's (two acuities of one condition, like two grades of one)
    note = ("Post-discharge visit. 71F seen 6 days after a 4-day stay.\n"
            "Hospital course: she was treated for acute on chronic diastolic heart failure with IV diuresis, "
            "down 4 kg.\n"
            "Exam: no edema, lungs clear.\n"
            "Assessment and plan:\n"
            "1. Chronic diastolic heart failure, compensated after the recent exacerbation - continue torsemide.\n")
    by_code = {s.code: s for s in _offline(codesets, note, "outpatient")}
    assert by_code["I50.32"].reportable
    assert "I50.33" not in by_code or not by_code["I50.33"].reportable
    # a stay's record codes what the stay treated: its course's acuity is no earlier state
    stay = note.replace("Post-discharge visit. 71F seen 6 days after a 4-day stay.", "Discharge summary. 71F.") \
        .replace("Assessment and plan:", "Discharge diagnoses:")
    assert {s.code for s in _offline(codesets, stay, "inpatient") if s.reportable} >= {"I50.33"}


def test_a_one_way_excludes1_note_sends_equally_supported_words_to_the_code_it_names(codesets):
    # E87.1 (hyponatremia) excludes E22.2 (SIADH), not the other way: the low sodium of the syndrome is its code
    note = ("Day 3 progress note.\nNa 126 on admission, 131 today; urine osm 510, euvolemic.\n"
            "Assessment: 2. Hyponatremia - probable SIADH in setting of small cell lung cancer. Fluid restrict 1 L.\n")
    out = {s.code: s for s in _offline(codesets, note, "inpatient")}
    assert out["E22.2"].reportable
    assert "E87.1" not in out or not out["E87.1"].reportable
