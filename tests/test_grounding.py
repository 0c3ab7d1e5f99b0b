"""Grounding: validation, evidence offsets, context flags and cross-checks on real codes."""

from __future__ import annotations

import pytest

from medcoder_tui.codes.systems import System
from medcoder_tui.engines.checks.grounding import Grounder
from medcoder_tui.engines.models import Flag, RawSuggestion

NOTE = """HPI: 67M with type 2 diabetes with diabetic CKD stage 3a.
Denies chest pain. r/o pneumonia. History of DVT.
Family history: mother had breast cancer.
Assessment: Hypertension. CKD 3a."""


@pytest.fixture()
def grounder(codesets):
    return Grounder(NOTE, codesets=codesets, setting="outpatient")


def ground(grounder, code, *evidence, system=None, description=""):
    return grounder.ground(RawSuggestion(code=code, system=system, evidence=list(evidence), description=description))


def test_valid_code_with_exact_evidence(grounder):
    s = ground(grounder, "e1122", "type 2 diabetes with diabetic CKD")
    assert (s.code, s.system, s.valid, s.billable, s.acceptable) == ("E11.22", System.ICD10CM, True, True, True)
    ev = s.evidence[0]
    assert NOTE[ev.start:ev.end] == "type 2 diabetes with diabetic CKD" and ev.exact
    assert s.original_code == "e1122" and s.flags == []


def test_header_is_never_acceptable_and_offers_children_the_note_supports(grounder):
    s = ground(grounder, "N18.3", "CKD stage 3a")
    assert Flag.NOT_BILLABLE in s.flags and not s.acceptable
    assert s.alternatives[0].code == "N18.31"       # "3a" is in the note


def test_missing_seventh_character(codesets):
    g = Grounder("Closed fracture of right femoral neck after a fall.", codesets=codesets)
    s = g.ground(RawSuggestion(code="S72.001", evidence=["fracture of right femoral neck"]))
    assert Flag.NEEDS_7TH in s.flags and not s.acceptable
    assert s.alternatives[0].code == "S72.001A"


def test_invented_code_is_flagged_with_nearby_codes(grounder):
    s = ground(grounder, "I10.9", "Hypertension", description="essential hypertension")
    assert Flag.INVALID in s.flags and not s.acceptable
    assert s.alternatives and all(a.code for a in s.alternatives)


def test_evidence_not_in_note_is_flagged(grounder):
    s = ground(grounder, "I10", "malignant hypertensive crisis with encephalopathy")
    assert Flag.NO_EVIDENCE in s.flags and s.evidence == [] and s.confidence <= 0.3


def test_fuzzy_evidence_keeps_offsets(grounder):
    s = ground(grounder, "I10", "hypertention")
    assert Flag.FUZZY_EVIDENCE in s.flags
    ev = s.evidence[0]
    assert NOTE[ev.start:ev.end].lower().startswith("hypert") and not ev.exact


def test_whitespace_in_note_does_not_defeat_exact_match(codesets):
    note = "Assessment:\n  type 2\n  diabetes   mellitus"
    s = Grounder(note, codesets=codesets).ground(RawSuggestion(code="E11.9", evidence=["type 2 diabetes mellitus"]))
    assert s.evidence[0].exact and note[s.evidence[0].start:s.evidence[0].end].startswith("type 2")


@pytest.mark.parametrize("code, words, flag", [
    ("R07.9", "chest pain", Flag.NEGATED),
    ("J18.9", "pneumonia", Flag.UNCERTAIN),
    ("C50.919", "breast cancer", Flag.FAMILY_HISTORY),
    ("I82.409", "DVT", Flag.HISTORY),
])
def test_context_flags(grounder, code, words, flag):
    assert flag in ground(grounder, code, words).flags


def test_history_code_for_history_is_not_flagged(grounder):
    s = ground(grounder, "Z86.718", "History of DVT")
    assert Flag.HISTORY not in s.flags and s.acceptable


def test_inpatient_codes_uncertain_as_established(codesets):
    g = Grounder(NOTE, codesets=codesets, setting="inpatient")
    assert Flag.UNCERTAIN not in g.ground(RawSuggestion(code="J18.9", evidence=["pneumonia"])).flags


def test_wrong_system_is_corrected_and_flagged(grounder):
    s = ground(grounder, "99213", "Hypertension", system=System.HCPCS)
    assert s.system is System.CPT and Flag.WRONG_SYSTEM in s.flags


def test_finish_merges_duplicates_and_flags_excludes1(grounder):
    out = grounder.finish([
        ground(grounder, "E11.22", "type 2 diabetes"),
        ground(grounder, "E1122", "diabetic CKD"),
        ground(grounder, "E10.9", "diabetes"),
    ])
    # the CKD stage the note documents is added beside E11.22 (its "use additional code" note)
    assert [s.code for s in out] == ["E11.22", "E10.9", "N18.31"]
    assert len(out[0].evidence) == 2
    assert any("Excludes1 with E10.9" in m for m in out[0].messages)
    # one condition, one code: the bare "diabetes" gives way to the better-supported E11.22
    kept, weaker = out[:2]
    assert weaker.suppressed and Flag.EXCLUDES1 in weaker.flags
    assert any("Excludes1 with E11.22, the better-supported code" in m for m in weaker.messages)
    assert not kept.suppressed and Flag.EXCLUDES1 not in kept.flags


def test_no_unvalidated_code_is_ever_acceptable(grounder, codesets):
    for code in ["E11", "S72.001", "Q99.99", "99999", "W1234", "I10.", "", "ZZZ"]:
        s = ground(grounder, code or " ", "Hypertension")
        if s.acceptable:
            assert codesets.validate(s.code, s.system).billable


PROC_NOTE = """Procedure: After DRE (normal, no masses), the adult colonoscope was introduced to the cecum.
Ascending colon: 9 mm sessile polyp, removed with cold snare.
Rapid strep test negative. Urine dipstick was negative.
Chest x-ray not performed. Flu vaccine declined. No strep pharyngitis."""


@pytest.mark.parametrize("code, evidence", [
    ("45385", "the adult colonoscope was introduced"),    # "no masses" beside it is a finding
    ("45385", "Procedure: After DRE (normal, no masses), the adult colonoscope was introduced"),
    ("87880", "Rapid strep test"),                         # a negative result: the test was done
    ("81002", "Urine dipstick"),
])
def test_a_performed_procedure_is_not_negated_by_a_negated_finding(codesets, code, evidence):
    s = Grounder(PROC_NOTE, codesets=codesets).ground(RawSuggestion(code=code, evidence=[evidence]))
    assert Flag.NEGATED not in s.flags and s.confidence > 0.3


@pytest.mark.parametrize("code, evidence", [("71046", "Chest x-ray"), ("90686", "Flu vaccine")])
def test_a_procedure_the_note_says_was_not_done_is_negated(codesets, code, evidence):
    s = Grounder(PROC_NOTE, codesets=codesets).ground(RawSuggestion(code=code, evidence=[evidence]))
    assert Flag.NEGATED in s.flags


def test_a_negated_finding_is_still_negated(codesets):
    s = Grounder(PROC_NOTE, codesets=codesets).ground(RawSuggestion(code="J02.0", evidence=["strep pharyngitis"]))
    assert Flag.NEGATED in s.flags


def test_a_procedure_of_an_earlier_encounter_is_history_not_this_visits(codesets):
    note = ("Interval: feels well. Colonoscopy 2025: no recurrence, 1 small polyp removed.\n"
            "Prior echocardiogram showed normal function.\nToday: colonoscope introduced, polyp removed by snare.")
    g = Grounder(note, codesets=codesets)
    past = g.ground(RawSuggestion(code="45385", evidence=["Colonoscopy 2025: no recurrence, 1 small polyp removed"]))
    assert Flag.HISTORY in past.flags and Flag.NEGATED not in past.flags and past.confidence <= 0.3
    echo = g.ground(RawSuggestion(code="93306", evidence=["echocardiogram"]))
    assert Flag.HISTORY in echo.flags
    today = g.ground(RawSuggestion(code="45385", evidence=["colonoscope introduced, polyp removed by snare"]))
    assert Flag.HISTORY not in today.flags and today.confidence > 0.3


def test_a_without_inside_the_name_of_a_without_code_does_not_negate_it(codesets):
    note = "Assessment: Chronic migraine without aura, intractable. Cough without fever. DM2 without complications."
    g = Grounder(note, codesets=codesets, setting="outpatient")
    migraine = g.ground(RawSuggestion(code="G43.719", evidence=["Chronic migraine without aura, intractable"]))
    diabetes = g.ground(RawSuggestion(code="E11.9", evidence=["DM2 without complications"]))
    fever = g.ground(RawSuggestion(code="R50.9", evidence=["fever"]))
    assert Flag.NEGATED not in migraine.flags and Flag.NEGATED not in diabetes.flags
    assert Flag.NEGATED in fever.flags            # a finding after "without" stays negated
