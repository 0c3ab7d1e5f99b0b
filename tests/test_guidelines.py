"""The guideline layer: each change it makes is made for a cited rule and says so.

Through the real Grounder (so replaced codes are validated) and the real offline
engine; model output through the loopback Ollama server.
"""

from __future__ import annotations

import json

from medcoder_tui.codes.systems import System
from medcoder_tui.config import Settings
from medcoder_tui.engines.checks.grounding import Grounder
from medcoder_tui.engines.checks.integral import is_integral, is_symptom
from medcoder_tui.engines.llm.ollama_engine import OllamaEngine
from medcoder_tui.engines.models import Flag, RawSuggestion
from medcoder_tui.engines.offline import OfflineEngine


def finish(note, codes, codesets, setting="outpatient"):
    """Ground (code, evidence) pairs over ``note`` and run them through the guidelines."""
    g = Grounder(note, codesets=codesets, setting=setting)
    return {s.code: s for s in g.finish([g.ground(RawSuggestion(code=c, evidence=[e])) for c, e in codes])}


def test_integral_symptom_is_suppressed_with_the_reason(codesets):
    note = "Fever and productive cough for 3 days. CXR: right lower lobe infiltrate.\nA: Community-acquired pneumonia."
    out = finish(note, [("J18.9", "Community-acquired pneumonia"), ("R50.9", "Fever"),
                        ("R05.9", "productive cough")], codesets)
    for symptom in ("R50.9", "R05.9"):
        s = out[symptom]
        assert s.suppressed and not s.reportable and s.acceptable        # visible, the coder may still take it
        assert any("integral to J18.9" in m and "I.B.5" in m for m in s.messages)
    assert out["J18.9"].reportable


def test_a_symptom_not_routinely_part_of_the_diagnosis_stays(codesets):
    note = "Fatigue for a month. Cough since yesterday.\nA: Essential hypertension, stable."
    out = finish(note, [("I10", "Essential hypertension"), ("R53.83", "Fatigue"), ("R05.9", "Cough")], codesets)
    assert out["R53.83"].reportable and out["R05.9"].reportable     # neither is part of hypertension


def test_a_negated_or_uncertain_diagnosis_does_not_suppress_its_symptoms(codesets):
    note = "Fever. Possible pneumonia.\nA: fever, r/o pneumonia."
    out = finish(note, [("J18.9", "Possible pneumonia"), ("R50.9", "Fever")], codesets)
    assert out["R50.9"].reportable
    pneumonia = out["J18.9"]
    assert pneumonia.suppressed and any("IV.H" in m and "R50.9" in m for m in pneumonia.messages)


def test_uncertain_diagnosis_is_coded_as_established_in_the_inpatient_setting(codesets):
    note = "Fever. Probable pneumonia at discharge."
    out = finish(note, [("J18.9", "Probable pneumonia"), ("R50.9", "Fever")], codesets, setting="inpatient")
    assert not out["J18.9"].suppressed and Flag.UNCERTAIN not in out["J18.9"].flags
    assert out["R50.9"].suppressed      # now integral to an established pneumonia


def test_unspecified_side_becomes_the_documented_side(codesets):
    note = "Assessment: Primary osteoarthritis of the right knee, worse with stairs."
    out = finish(note, [("M17.10", "Primary osteoarthritis of the right knee")], codesets)
    assert "M17.10" not in out
    s = out["M17.11"]
    assert s.original_code == "M17.10" and s.valid and s.billable
    assert any("right side documented" in m for m in s.messages)


def test_both_sides_documented_give_the_bilateral_code(codesets):
    note = "Carpal tunnel syndrome, right and left hands, worse at night."
    out = finish(note, [("G56.00", "Carpal tunnel syndrome")], codesets)
    assert "G56.03" in out and any("bilateral" in m for m in out["G56.03"].messages)


def test_no_side_in_the_sentence_leaves_the_code(codesets):
    note = "Primary osteoarthritis of the knee. Right hand is fine."
    out = finish(note, [("M17.10", "Primary osteoarthritis of the knee")], codesets)
    assert "M17.10" in out


def test_routine_healing_gives_the_subsequent_encounter_character(codesets):
    note = ("Fracture follow-up.\nA: Nondisplaced fracture of lateral malleolus of right fibula, healing as "
            "expected.\nPlan: boot.")
    out = finish(note, [("S82.64XA", "Nondisplaced fracture of lateral malleolus of right fibula")], codesets)
    assert "S82.64XD" in out and any("7th character D" in m for m in out["S82.64XD"].messages)


def test_planned_suture_removal_is_not_routine_healing(codesets):
    note = "Laceration of right palm repaired today with 4 sutures.\nPlan: return for suture removal in 10 days."
    out = finish(note, [("S61.411A", "Laceration of right palm")], codesets)
    assert "S61.411A" in out


def test_history_of_a_condition_becomes_its_history_code(codesets):
    note = "History of breast cancer, treated 2015, no evidence of disease."
    out = finish(note, [("C50.919", "History of breast cancer")], codesets)
    assert "C50.919" not in out
    s = out["Z85.3"]
    assert s.original_code == "C50.919" and any("I.C.21" in m for m in s.messages)


def test_the_integral_table_is_about_symptoms():
    assert is_symptom("R50.9") and is_symptom("M25.561") and not is_symptom("J18.9") and not is_symptom("R97.8")
    assert is_integral("R50.9", "J18.9") and not is_integral("R50.9", "I10")
    assert not is_integral("R50.9", "R65.21")     # one symptom never makes another integral


def test_the_offline_engine_passes_through_the_layer(codesets):
    note = "CC: cough and fever.\nAssessment: Acute bronchitis.\nPlan: fluids, rest."
    result = OfflineEngine(codesets=codesets).suggest_sync(note, {System.ICD10CM}, "outpatient")
    reportable = {s.code for s in result.suggestions if s.reportable}
    assert any(c.startswith("J20") for c in reportable)
    assert not any(c.startswith(("R05", "R50")) for c in reportable)


async def test_model_output_passes_through_the_layer(ollama_server, codesets):
    reply = json.dumps({"diagnoses": [
        {"code": "J18.9", "system": "icd10cm", "description": "Pneumonia", "evidence": ["r/o pneumonia"],
         "confidence": "high", "reasoning": "x"},
        {"code": "R05.9", "system": "icd10cm", "description": "Cough", "evidence": ["Cough"],
         "confidence": "high", "reasoning": "x"},
    ]})
    ollama_server.script(text=reply)
    engine = OllamaEngine(Settings(ollama_host=ollama_server.url), codesets=codesets)
    result = None
    async for event in engine.stream("Cough for a week. r/o pneumonia.", types={System.ICD10CM},
                                     setting="outpatient"):
        if event.kind == "done":
            result = event.result
    by_code = {s.code: s for s in result.suggestions}
    assert by_code["J18.9"].suppressed and by_code["R05.9"].reportable
