"""Hypertension combination codes (guideline I.C.9.a) in the offline engine."""

from __future__ import annotations

import pytest

from medcoder_tui.codes.systems import System
from medcoder_tui.engines.offline import OfflineEngine


@pytest.fixture(scope="module")
def engine(codesets):
    return OfflineEngine(codesets)


def codes(engine, note: str) -> set[str]:
    result = engine.suggest_sync(note, {System.ICD10CM}, "outpatient")
    assert result.error is None
    return {s.code for s in result.suggestions if s.acceptable}


@pytest.mark.parametrize("note, expected, companion", [
    ("Assessment: 1. Hypertension. 2. Chronic kidney disease stage 3a.", "I12.9", "N18.31"),
    ("Assessment: 1. Hypertension. 2. End stage renal disease on dialysis.", "I12.0", "N18.6"),
    ("Assessment: 1. Hypertension. 2. Acute on chronic systolic heart failure.", "I11.0", "I50.23"),
])
def test_hypertension_with_ckd_or_heart_failure_uses_the_combination_code(engine, note, expected, companion):
    found = codes(engine, note)
    assert expected in found and companion in found
    assert "I10" not in found


def test_hypertension_alone_stays_essential(engine):
    assert "I10" in codes(engine, "Assessment: Hypertension, well controlled.")


def test_documented_other_cause_keeps_i10(engine):
    found = codes(engine, "Assessment: 1. Hypertension. 2. Chronic kidney disease stage 3a, "
                          "not due to hypertension (polycystic kidneys).")
    assert "I10" in found and "I12.9" not in found


def test_the_replacement_keeps_the_hypertension_evidence(engine, codesets):
    note = "Assessment: 1. Hypertension. 2. Chronic kidney disease stage 3a."
    result = engine.suggest_sync(note, {System.ICD10CM}, "outpatient")
    i12 = next(s for s in result.suggestions if s.code == "I12.9")
    assert note[i12.evidence[0].start:i12.evidence[0].end] == "Hypertension"
    assert "I.C.9.a.2" in i12.reasoning


def test_return_precautions_are_not_coded(engine):
    found = codes(engine, "Assessment: acute cough.\nReturn to ED if shortness of breath or chest pain.")
    assert "R05.1" in found or "R05.9" in found
    assert not {"R06.02", "R07.9"} & found


def test_external_cause_needs_an_injury(engine):
    # "flu shot" is no firearm discharge: without an injury code no V00-Y99 code is offered.
    found = codes(engine, "Flu shot not received this season. Assessment: acute bronchitis.")
    assert not any(code[0] in "VWXY" for code in found)


def reported(engine, note: str) -> set[str]:
    """The codes a coder reports by default (held codes left out)."""
    result = engine.suggest_sync(note, {System.ICD10CM}, "outpatient")
    assert result.error is None
    return {s.code for s in result.suggestions if s.reportable}


@pytest.mark.parametrize("stage, code", [("3a", "N18.31"), ("3b", "N18.32"), ("4", "N18.4")])
def test_a_ckd_stage_written_without_its_axis_word_is_that_stage(engine, stage, code):
    found = reported(engine, f"Assessment/plan: HTN on losartan, at goal. CKD {stage}, creatinine steady; recheck BMP.")
    assert code in found and "N18.9" not in found
    assert "I12.9" in found


def test_a_copied_forward_stage_does_not_displace_the_assessed_one(engine):
    note = ("Problem list: type 2 diabetes with CKD 3b; hypertension.\n\n"
            "Assessment/plan:\n1. Type 2 diabetes with diabetic kidney disease, progressed to CKD stage 4 "
            "(eGFR 26) - nephrology referral.\n2. Hypertension - amlodipine continued.\n")
    found = reported(engine, note)
    assert {"E11.22", "N18.4"} <= found
    assert "N18.32" not in found


@pytest.mark.parametrize("words", ["hyperemesis gravidarum with dehydration", "hyperemesis gravidarum, dehydrated, "
                                   "with hypokalemia (K 3.1)"])
def test_hyperemesis_with_a_metabolic_disturbance_is_the_combination_code(engine, words):
    found = reported(engine, f"G2P1 at 9 weeks, vomiting all day for a week, ketonuria.\nAssessment: {words}. "
                          "Plan: IV fluids with potassium, antiemetic.")
    assert "O21.1" in found
    assert not found & {"O21.0", "E86.0", "E87.6", "R82.4"}


def test_hyperemesis_alone_stays_mild(engine):
    found = reported(engine, "G1P0 at 8 weeks. Assessment: hyperemesis gravidarum, tolerating fluids by mouth, "
                          "mucous membranes moist. Plan: doxylamine-pyridoxine.")
    assert "O21.0" in found and "O21.1" not in found
