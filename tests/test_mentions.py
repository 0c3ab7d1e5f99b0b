"""A disease named in another sense (a vaccine, an ECG finding, the child's growth) is not coded."""

from __future__ import annotations

import pytest

from medcoder_tui.engines.checks.grounding import Grounder
from medcoder_tui.engines.models import RawSuggestion
from medcoder_tui.engines.offline import OfflineEngine
from medcoder_tui.codes.systems import System

NOTE = """WELL CHILD CHECK 15 mo. Growth: Wt 10.8 kg (55%). Normal growth.
Vaccines given: Varicella live SC. Hepatitis A pediatric 2-dose (dose 1) IM. Tetanus 2023. Rubella immune.
ECG: ST depressions V4-V6. Passive death wish, no plan.
NCS: moderate R median neuropathy at the wrist. Believed neighbors were poisoning him.
Assessment: Varicella with crusting lesions on trunk. Depression, recurrent, moderate.
Growth on the left cheek, 4 mm. Diabetic polyneuropathy. Hepatitis C, chronic.
EGD: acute duodenal ulcer with hemorrhage; melena x2 days. NSTEMI with diaphoresis."""


def _one(codesets, code, evidence, nth=0):
    g = Grounder(NOTE, codesets=codesets, setting="outpatient")
    start = -1
    for _ in range(nth + 1):
        start = NOTE.index(evidence, start + 1)
    raw = RawSuggestion(code=code, evidence=[evidence])
    s = g.ground(raw)
    s.evidence[0].start, s.evidence[0].end = start, start + len(evidence)
    return g.finish([s])[0]


@pytest.mark.parametrize("code, words, nth, reason", [
    ("B01.9", "Varicella", 0, "vaccine"),
    ("B15.9", "Hepatitis A", 0, "vaccine"),
    ("A35", "Tetanus", 0, "vaccine"),
    ("B06.9", "Rubella", 0, "vaccine"),
    ("F32.A", "depressions", 0, "ECG finding"),
    ("D49.9", "Growth", 0, "patient's growth"),
    ("D49.9", "growth", 0, "patient's growth"),
    ("R99", "death", 0, "does not document the patient's death"),
    ("G62.9", "neuropathy", 0, "mononeuropathy"),
    ("T65.91XA", "poisoning", 0, "verb"),
])
def test_a_disease_named_in_another_sense_is_not_coded(codesets, code, words, nth, reason):
    s = _one(codesets, code, words, nth)
    assert s.suppressed and any(reason in m for m in s.messages), s.messages


@pytest.mark.parametrize("code, words, nth", [
    ("B01.9", "Varicella", 1),          # the assessment: the child has chickenpox
    ("F33.1", "Depression, recurrent, moderate", 0),
    ("D49.9", "Growth", 1),             # a growth on the cheek is a lesion
    ("G62.9", "polyneuropathy", 0),
    ("B18.2", "Hepatitis C, chronic", 0),
])
def test_the_same_words_in_their_clinical_sense_stay_coded(codesets, code, words, nth):
    s = _one(codesets, code, words, nth)
    assert not s.suppressed, s.messages


def test_melena_and_diaphoresis_are_integral_to_the_bleeding_ulcer_and_the_infarction(codesets):
    g = Grounder(NOTE, codesets=codesets, setting="inpatient")
    out = g.finish([g.ground(RawSuggestion(code=c, evidence=[e])) for c, e in (
        ("K26.0", "acute duodenal ulcer with hemorrhage"), ("K92.1", "melena"), ("I21.4", "NSTEMI"),
        ("R61", "diaphoresis"))])
    by = {s.code: s for s in out}
    assert by["K92.1"].suppressed and "integral to K26.0" in by["K92.1"].messages[-1]
    assert by["R61"].suppressed and "integral to I21.4" in by["R61"].messages[-1]
    assert not by["K26.0"].suppressed and not by["I21.4"].suppressed


def test_the_offline_engine_codes_no_disease_from_a_vaccine_list(codesets):
    note = ("WELL CHILD 15 MONTH. Exam normal. Immunizations today: MMR SC, Varicella live SC, "
            "Hepatitis A pediatric (dose 1) IM. VIS given. Tdap 2023.")
    result = OfflineEngine(codesets=codesets).suggest_sync(note, {System.ICD10CM}, "outpatient")
    reported = {s.code[:3] for s in result.suggestions if s.reportable}
    assert not reported & {"B01", "B05", "B06", "B15", "B26", "A35", "A36", "A37"}, reported


@pytest.mark.parametrize("note, words, reason", [
    ("Delivery: second degree perineal laceration, repaired.", "laceration", "body region is documented"),
    ("Procedure: phaco, IOL in the bag. Wound hydrated, watertight.", "Wound", "wound of the operation"),
    ("MDM: chronic illness with progression.", "chronic illness", "names no condition"),
])
def test_catch_all_codes_from_words_that_name_more_or_nothing(codesets, note, words, reason):
    code = "R69" if "illness" in words else "T14.8XXA"
    g = Grounder(note, codesets=codesets, setting="outpatient")
    s = g.finish([g.ground(RawSuggestion(code=code, evidence=[words]))])[0]
    assert s.suppressed and any(reason in m for m in s.messages), s.messages


def test_an_injury_with_no_region_named_keeps_its_catch_all_code(codesets):
    g = Grounder("CC: multiple injuries after assault, details unknown.", codesets=codesets, setting="ed")
    s = g.finish([g.ground(RawSuggestion(code="T14.90XA", evidence=["multiple injuries"]))])[0]
    assert not s.suppressed, s.messages


@pytest.mark.parametrize("note, expected", [
    ("Rapid influenza A positive. Dx: influenza with cough and sore throat.", "J10.1"),
    ("Rapid flu A/B negative. Dx: influenza-like illness, influenza with cough.", "J11.1"),
])
def test_influenza_of_a_documented_type_is_the_identified_virus(codesets, note, expected):
    g = Grounder(note, codesets=codesets, setting="outpatient")
    s = g.finish([g.ground(RawSuggestion(code="J11.1", evidence=["influenza with cough"]))])[0]
    assert s.code == expected and not s.suppressed


def test_myalgia_is_integral_to_influenza(codesets):
    note = "Fever, myalgias, cough. Rapid influenza A positive. Dx: influenza A with cough."
    g = Grounder(note, codesets=codesets, setting="outpatient")
    out = g.finish([g.ground(RawSuggestion(code=c, evidence=[e])) for c, e in
                    (("J10.1", "influenza A with cough"), ("M79.10", "myalgias"))])
    assert [s.code for s in out if s.suppressed] == ["M79.10"]


@pytest.mark.parametrize("note, code, words, reason", [
    ("Tumor markers were normal.", "R97.8", "Tumor markers", "normal or negative"),
    ("Tumor markers: negative. CT without findings.", "R97.8", "Tumor markers", "normal or negative"),
    ("Mother G2P2. Normal pregnancy and delivery at term. Now 3 weeks old with poor feeding.", "Z33.1",
     "pregnancy", "past one"),
    ("CT: hematoma in the left cerebellum with little mass effect.", "D49.9", "mass", "names no neoplasm"),
    ("Echo: myocardial mass of 93 grams, normal.", "D49.9", "mass", "names no neoplasm"),
    ("Subconjunctival abscess was drained.", "L02.91", "abscess", "another organ or tissue"),
    ("Bite wound requiring repair with infection risk.", "B99.9", "infection", "names a risk"),
    ("No other injuries, did not fall. Tetanus: Tdap 2022.", "A35", "fall. Tetanus", "vaccine"),
    ("ECG: atrial fibrillation, ventricular rate 146, narrow QRS.", "I49.01", "fibrillation, ventricular",
     "ventricular rate of the atrial rhythm"),
    ("Bone marrow biopsy showed fibrosis.", "L90.5", "fibrosis", "another organ or tissue"),
    ("Lymph nodes with a necrotic center.", "I96", "necrotic", "another organ or tissue"),
    # (in an office note the past-history-only rule takes these first; both are guideline IV.J)
    ("PMH: HTN, gout (no flare in 3 yrs, no meds).\nMeds: lisinopril.", "M10.9", "gout", "IV.J"),
    ("PMH: hypothyroidism; GERD (off meds x 3 yrs, no sx)", "K21.9", "GERD", "IV.J"),
])
def test_a_word_that_names_no_finding_here_is_not_coded(codesets, note, code, words, reason):
    g = Grounder(note, codesets=codesets, setting="outpatient")
    s = g.finish([g.ground(RawSuggestion(code=code, evidence=[words]))])[0]
    assert s.suppressed and any(reason in m for m in s.messages), s.messages


@pytest.mark.parametrize("note, code, words", [
    ("Tumor markers were elevated: CEA 14.", "R97.8", "Tumor markers"),
    ("She is 20 weeks pregnant; ankle sprain today.", "Z33.1", "pregnant"),
    ("Firm mass in the left breast, 2 cm.", "D49.9", "mass"),
    ("Abscess of the left thigh, incised and drained.", "L02.91", "Abscess"),
    ("Total necrosis of both DIEP flaps.", "I96", "necrosis"),
    ("PMH: HTN, gout (no flare in 3 yrs, no meds).\nMeds: lisinopril.", "I10", "HTN"),
])
def test_the_finding_when_the_note_documents_it_stays(codesets, note, code, words):
    g = Grounder(note, codesets=codesets, setting="outpatient")
    s = g.finish([g.ground(RawSuggestion(code=code, evidence=[words]))])[0]
    assert not any("normal or negative" in m or "past one" in m or "names no neoplasm" in m
                   or "another organ" in m or "untreated or quiet" in m for m in s.messages), s.messages


def test_a_quiet_past_history_item_is_not_coded_in_a_discharge_either(codesets):
    note = "PMH: HTN, gout (no flare in 3 yrs, no meds).\nMeds: lisinopril."
    g = Grounder(note, codesets=codesets, setting="inpatient")
    out = {s.code: s for s in g.finish([g.ground(RawSuggestion(code=c, evidence=[w]))
                                        for c, w in (("M10.9", "gout"), ("I10", "HTN"))])}
    assert out["M10.9"].suppressed and any("untreated or quiet" in m for m in out["M10.9"].messages)
    assert not out["I10"].suppressed      # on lisinopril: it affects the stay


def test_an_ecg_depression_and_adenosines_av_block_are_no_disorders(codesets):
    eng = OfflineEngine(codesets=codesets)
    note = ("ECG: 1.5 mm horizontal ST depression V4-V6, new.\n"
            "ED course: adenosine 6 mg rapid push - transient AV block, then SVT resumed; adenosine 12 mg - sinus.\n"
            "A: SVT, converted with adenosine. NSTEMI ruled out by serial troponins.\n")
    got = {s.code for s in eng.suggest_sync(note, {System.ICD10CM}, "ed").suggestions if s.reportable}
    assert not any(c.startswith(("F32", "I44")) for c in got), sorted(got)
    # a block the ECG shows on its own stays
    block = eng.suggest_sync("ECG: complete heart block, rate 38. A: Complete AV block - pacing.", {System.ICD10CM}, "ed")
    assert "I44.2" in {s.code for s in block.suggestions if s.reportable}
