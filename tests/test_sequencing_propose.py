"""Proposed orders (offline rules + evidence order, or a model's reply) and the suggest-then-sequence pipeline."""

from __future__ import annotations

import json

import pytest

from medcoder_tui.codes.service import get_codesets
from medcoder_tui.codes.systems import System
from medcoder_tui.config import Settings
from medcoder_tui.engines.models import DoneEvent, Evidence, Flag, Suggestion, SuggestionResult
from medcoder_tui.sequencing import check_sequence
from medcoder_tui.sequencing.edit import make_principal, move_down, move_up
from medcoder_tui.sequencing.pipeline import sequence_note, sequence_suggestions, usable
from medcoder_tui.sequencing.propose import order_from_model, propose_sequence



@pytest.fixture(scope="module")
def cs():
    return get_codesets()


def sugg(cs, note: str, code: str, words: str | None = None, *, flags=(), confidence=0.8) -> Suggestion:
    """A grounded suggestion whose evidence is the first occurrence of ``words`` in the note."""
    v = cs.validate(code)
    evidence = []
    if words:
        start = note.index(words)
        evidence = [Evidence(text=words, start=start, end=start + len(words))]
    return Suggestion(code=v.normalized, system=v.system, description=v.description, valid=v.valid,
                      billable=v.billable, evidence=evidence, flags=list(flags), confidence=confidence)


def test_manifestation_follows_its_etiology_whatever_the_note_order(cs):
    note = "Progressive dementia. Known Alzheimer disease for 5 years."
    order = propose_sequence([sugg(cs, note, "F02.80", "dementia"), sugg(cs, note, "G30.9", "Alzheimer")], note,
                             codesets=cs)
    assert order == ["G30.9", "F02.80"]
    assert check_sequence(order, codesets=cs).errors == []
    # Without its etiology among the codes, a manifestation still never leads.
    alone = [sugg(cs, note, "F02.80", "dementia"), sugg(cs, note, "I10", "years")]
    assert propose_sequence(alone, note, codesets=cs) == ["I10", "F02.80"]


def test_injury_before_external_cause_and_place(cs):
    note = "Slipped on ice at home and fell. X-ray: fracture of the right femoral neck."
    items = [sugg(cs, note, "Y92.009", "at home"), sugg(cs, note, "W01.0XXA", "Slipped"),
             sugg(cs, note, "S72.001A", "fracture of the right femoral neck")]
    order = propose_sequence(items, note, codesets=cs)
    assert order == ["S72.001A", "W01.0XXA", "Y92.009"]


def test_diabetic_ckd_before_its_stage_even_when_the_stage_is_written_first(cs):
    note = "CKD stage 3a. Type 2 diabetes with diabetic nephropathy and chronic kidney disease."
    items = [sugg(cs, note, "N18.31", "CKD stage 3a"), sugg(cs, note, "E11.22", "Type 2 diabetes")]
    order = propose_sequence(items, note, codesets=cs)
    assert order == ["E11.22", "N18.31"]


def test_confirmed_diagnosis_before_symptoms_and_status_codes(cs):
    note = "Cough for a week. On insulin. Chest X-ray: right lower lobe pneumonia."
    items = [sugg(cs, note, "R05.9", "Cough"), sugg(cs, note, "Z79.4", "On insulin"),
             sugg(cs, note, "J18.9", "pneumonia")]
    assert propose_sequence(items, note, codesets=cs) == ["J18.9", "R05.9", "Z79.4"]


def test_sequela_nature_first(cs):
    note = "Burn scar contracture of the neck, sequela of a second degree burn from hot water years ago."
    items = [sugg(cs, note, "T20.20XS", "second degree burn"), sugg(cs, note, "L90.5", "Burn scar"),
             sugg(cs, note, "X12.XXXS", "hot water")]
    order = propose_sequence(items, note, codesets=cs)
    assert order[:2] == ["L90.5", "T20.20XS"] and order[-1] == "X12.XXXS"


def test_chief_complaint_leads_and_uncertain_diagnoses_wait_outpatient(cs):
    note = ("Chief complaint: sore throat.\n"
            "Past medical history: essential hypertension.\n"
            "Assessment: acute pharyngitis. Possible influenza.\n")
    items = [sugg(cs, note, "I10", "essential hypertension", confidence=0.95),
             sugg(cs, note, "J10.1", "influenza", flags=[Flag.UNCERTAIN]),
             sugg(cs, note, "J02.9", "acute pharyngitis")]
    order = propose_sequence(items, note, codesets=cs)
    assert order[0] == "J02.9" and order[-1] == "J10.1"


def test_procedures_surgical_first_supplies_last(cs):
    note = "Office visit. Incision and drainage of abscess. Ceftriaxone injection given."
    items = [sugg(cs, note, "99213", "Office visit"), sugg(cs, note, "J0696", "Ceftriaxone"),
             sugg(cs, note, "10060", "Incision and drainage"), sugg(cs, note, "L02.91", "abscess")]
    assert propose_sequence(items, note, codesets=cs) == ["L02.91", "10060", "99213", "J0696"]


def test_model_reply_may_only_reorder_the_codes_it_was_given():
    available = ["G30.9", "F02.80", "99213"]
    reply = {"primary_diagnosis": "F02.80", "secondary_diagnoses": ["Z99.99", "g309"],
             "procedure_sequence": []}
    assert order_from_model(reply, available, available) == ["F02.80", "G30.9", "99213"]
    assert order_from_model({"primary_diagnosis": "A00.0"}, available, available) is None
    assert order_from_model(None, available, available) is None


def test_reorder_helpers_never_lose_a_code():
    codes = ["A", "B", "C", "D"]
    assert move_up(codes, 2) == ["A", "C", "B", "D"]
    assert move_down(codes, 3) == codes and move_up(codes, 0) == codes
    assert make_principal(codes, 3) == ["D", "A", "B", "C"]
    assert move_up(codes, 9) == codes and codes == ["A", "B", "C", "D"]


class ScriptedEngine:
    """An engine that returns fixed suggestions and, optionally, a fixed model sequence."""

    name = "scripted"
    model = None

    def __init__(self, suggestions, reply=None, fail=False):
        self.suggestions, self.reply, self.fail = suggestions, reply, fail

    async def stream(self, note, *, types, setting):
        yield DoneEvent(result=SuggestionResult(engine=self.name, suggestions=self.suggestions))

    async def propose_sequence(self, note, codes, setting):
        if self.fail:
            raise RuntimeError("model went away")
        return self.reply


NOTE = ("Assessment: dementia due to Alzheimer disease. Possible pneumonia. Mother had breast cancer. "
        "No diabetes.\n")


def _case(cs):
    return [
        sugg(cs, NOTE, "F02.80", "dementia"),
        sugg(cs, NOTE, "G30.9", "Alzheimer disease"),
        sugg(cs, NOTE, "J18.9", "pneumonia", flags=[Flag.UNCERTAIN]),
        sugg(cs, NOTE, "Z80.3", "breast cancer", flags=[Flag.FAMILY_HISTORY]),
        sugg(cs, NOTE, "E11.9", "diabetes", flags=[Flag.NEGATED]),
        sugg(cs, NOTE, "E11", "diabetes"),  # a header: blocked
    ]


async def test_pipeline_offline_order_keeps_the_patients_acceptable_codes(cs):
    outcome = await sequence_note(NOTE, ScriptedEngine(_case(cs)), setting="outpatient", codesets=cs)
    result = outcome.result
    assert result.source == "rules"
    assert result.codes == ["G30.9", "F02.80", "J18.9"]
    assert sorted(outcome.left_out) == ["E11", "E11.9", "Z80.3"]
    # The uncertain diagnosis grounding flagged is an error outpatient: the coder sees it.
    assert {i.rule for i in result.errors} == {"uncertain_outpatient"}


async def test_pipeline_leaves_out_what_the_guideline_layer_holds(cs):
    """A symptom the guideline layer holds as integral is not reported, so it is not sequenced either."""
    from medcoder_tui.engines.offline import OfflineEngine

    note = ("HPI: 5 days of worsening dyspnea and orthopnea.\n"
            "Assessment: Acute on chronic systolic (congestive) heart failure.\n")
    outcome = await sequence_note(note, OfflineEngine(codesets=cs), setting="inpatient",
                                  types={System.ICD10CM}, codesets=cs)
    held = {s.code for s in outcome.suggestions.suggestions if s.suppressed}
    assert "R06.01" in held                       # orthopnea, integral to the heart failure
    assert "I50.23" in outcome.result.codes
    assert not held & set(outcome.result.codes)
    assert held <= set(outcome.left_out)
    assert not [i for i in outcome.result.warnings if i.rule == "integral_symptom"]


async def test_pipeline_model_proposes_and_the_rules_still_check(cs):
    reply = {"primary_diagnosis": "F02.80", "secondary_diagnoses": ["G30.9"], "procedure_sequence": []}
    outcome = await sequence_note(NOTE, ScriptedEngine(_case(cs), reply=reply), setting="inpatient", codesets=cs)
    result = outcome.result
    assert result.source == "model"
    assert result.codes == ["F02.80", "G30.9", "J18.9"]   # the model's order, the forgotten code appended
    assert {i.rule for i in result.errors} == {"manifestation_first"}


async def test_pipeline_failed_model_falls_back_to_rules(cs):
    result = await sequence_suggestions(usable(_case(cs)), NOTE, engine=ScriptedEngine([], fail=True),
                                        setting="inpatient", codesets=cs)
    assert result.source == "rules" and result.codes[:2] == ["G30.9", "F02.80"]


async def test_pipeline_with_ollama_over_loopback(ollama_server, cs):  # noqa: F811 - fixture
    from medcoder_tui.engines.llm.ollama_engine import OllamaEngine

    note = "Dementia due to Alzheimer disease. Acute respiratory failure with hypoxia.\n"
    suggestions = {"diagnoses": [
        {"evidence": ["Dementia"], "code": "F02.80", "system": "icd10cm", "description": "dementia",
         "confidence": "high", "reasoning": "stated"},
        {"evidence": ["Alzheimer disease"], "code": "G30.9", "system": "icd10cm", "description": "Alzheimer",
         "confidence": "high", "reasoning": "stated"},
        {"evidence": ["Acute respiratory failure with hypoxia"], "code": "J96.01", "system": "icd10cm",
         "description": "ARF", "confidence": "high", "reasoning": "stated"},
    ]}
    ollama_server.script(text=json.dumps(suggestions))
    ollama_server.script(text=json.dumps({"primary_diagnosis": "G30.9",
                                          "secondary_diagnoses": ["F02.80", "J96.01"],
                                          "procedure_sequence": [], "rationale": "etiology first"}))
    settings = Settings(ollama_host=ollama_server.url, ollama_connect_timeout=1.0, ollama_stall_timeout=3.0)
    engine = OllamaEngine(settings, codesets=cs)
    outcome = await sequence_note(note, engine, setting="inpatient", types={System.ICD10CM}, codesets=cs)
    result = outcome.result
    assert result.source == "model"
    assert result.codes == ["G30.9", "F02.80", "J96.01"]
    assert result.errors == []
    assert [c.badge for c in result.secondary] == ["", "MCC"]
    assert "G30.9" in ollama_server.requests[-1].prompt_text   # the sequencing request listed the codes


def test_core_never_imports_textual():
    import subprocess
    import sys

    code = ("import sys, medcoder_tui.sequencing, medcoder_tui.codes.ccmcc, medcoder_tui.cli.sequence_cmd; "
            "assert 'textual' not in sys.modules, 'textual imported by the sequencing core'")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_check_suggestions_in_the_coders_order(cs):
    from medcoder_tui.sequencing import check_suggestions

    items = _case(cs)
    f02, g30, j18 = items[0], items[1], items[2]
    result = check_suggestions([f02, g30, j18], NOTE, setting="outpatient", codesets=cs)
    assert {i.rule for i in result.errors} == {"manifestation_first", "uncertain_outpatient"}
    moved = check_suggestions(make_principal([f02, g30, j18], 1), NOTE, setting="inpatient", codesets=cs)
    assert moved.ok and moved.codes == ["G30.9", "F02.80", "J18.9"] and moved.source == "coder"


def test_pregnancy_codes_lead_the_offline_order(cs):
    note = "Gestational diabetes, diet controlled. Chronic kidney disease stage 2. 34 weeks."
    items = [sugg(cs, note, "N18.2", "Chronic kidney disease"), sugg(cs, note, "Z3A.34", "34 weeks"),
             sugg(cs, note, "O24.410", "Gestational diabetes")]
    order = propose_sequence(items, note, codesets=cs)
    assert order[0] == "O24.410" and order[-1] == "Z3A.34"
    assert check_sequence(order, codesets=cs).errors == []


def test_ed_visit_lists_the_reason_for_the_visit_before_coexisting_conditions(cs):
    """Guideline IV: the chest pressure the patient came for is first-listed, not their hypertension."""
    note = ("EMERGENCY DEPARTMENT PHYSICIAN NOTE\nCC: \"chest pressure\"\n"
            "HPI: 52 yo F w/ hx HTN presents w/ substernal chest pressure.\n"
            "Impression:\n1. Chest pressure - ACS ruled out.\n2. Hypertension, elevated today.\n"
            "3. Tobacco dependence.\n")
    items = [sugg(cs, note, "I10", "Hypertension", confidence=0.95),
             sugg(cs, note, "F17.210", "Tobacco dependence", confidence=0.9),
             sugg(cs, note, "R07.89", "Chest pressure", confidence=0.7)]
    assert propose_sequence(items, note, setting="ed", codesets=cs)[0] == "R07.89"
    # a symptom on the complaint line that a confirmed diagnosis explains still follows that diagnosis
    note2 = "CC: cough\nAssessment: right lower lobe pneumonia.\n"
    items2 = [sugg(cs, note2, "R05.9", "cough"), sugg(cs, note2, "J18.9", "pneumonia")]
    assert propose_sequence(items2, note2, codesets=cs)[0] == "J18.9"


def test_screening_encounter_lists_the_screening_code_first(cs):
    """A screening colonoscopy that finds polyps: Z12.11 first-listed, the findings after it."""
    from pathlib import Path

    note = (Path(__file__).resolve().parent.parent / "sample_notes" / "05_procedure_colonoscopy.txt").read_text()
    items = [sugg(cs, note, "K63.5", "colon polyps"), sugg(cs, note, "K57.30", "diverticula"),
             sugg(cs, note, "K64.0", "internal hemorrhoids"), sugg(cs, note, "Z80.0", "mother dx w/ colon cancer"),
             sugg(cs, note, "Z12.11", "Screening for colorectal cancer"), sugg(cs, note, "45385", "cold snare")]
    assert propose_sequence(items, note, codesets=cs) == ["Z12.11", "K63.5", "K57.30", "K64.0", "Z80.0", "45385"]
    warned = check_sequence(["K63.5", "Z12.11", "Z80.0"], codesets=cs)
    assert [w.rule for w in warned.warnings] == ["screening_first"]
    assert not check_sequence(["Z12.11", "K63.5", "Z80.0"], codesets=cs).warnings


def test_propose_final_order_keeps_edited_and_hand_added_codes(cs, tmp_path):
    """Every final code is ranked, under the coder's code: an edit or a hand-added code is not lost."""
    from medcoder_tui.sequencing.pipeline import propose_final_order
    from medcoder_tui.store import FinalCode

    note = "Chief complaint: sore throat.\nAssessment: acute pharyngitis. Hypertension.\n"
    items = [sugg(cs, note, "I10", "Hypertension"), sugg(cs, note, "J02", "acute pharyngitis")]
    finals = [FinalCode(code="I10", system=System.ICD10CM, source="suggested", suggestion_key="icd10cm:I10"),
              FinalCode(code="Z79.899", system=System.ICD10CM, source="manual"),
              FinalCode(code="J02.9", system=System.ICD10CM, source="edited", suggestion_key="icd10cm:J02")]
    order = propose_final_order(finals, items, note, codesets=cs)
    assert order[0] == "icd10cm:J02.9" and sorted(order) == sorted(f.key for f in finals)
    assert order[-1] == "icd10cm:Z79.899"


def test_symptoms_named_on_the_chief_complaint_line_keep_its_order(cs):
    # the A/P says "Acute cough"; the chief complaint names the cough first, without the qualifier
    note = "CC: cough and fever x 4 days\nExam: T 100.9 F.\nA/P: 1. Acute cough with fever - r/o pneumonia."
    items = [sugg(cs, note, "R50.9", "fever"), sugg(cs, note, "R05.1", "Acute cough")]
    assert propose_sequence(items, note, setting="outpatient", codesets=cs)[:2] == ["R05.1", "R50.9"]


def test_hypertensive_heart_and_kidney_disease_takes_the_principal_heart_failures_place(cs):
    """I.C.9.a.3: the principal heart failure is sequenced after I13.0, which asks for its type; the
    combination code takes its place ahead of conditions the record lists after it."""
    note = ("Principal diagnosis: Acute on chronic systolic (congestive) heart failure.\n"
            "Secondary diagnoses: permanent atrial fibrillation; hypertension; CKD stage 3a.\n")
    items = [sugg(cs, note, "I48.21", "permanent atrial fibrillation"), sugg(cs, note, "I13.0", "hypertension"),
             sugg(cs, note, "I50.23", "Acute on chronic systolic"), sugg(cs, note, "N18.31", "CKD stage 3a")]
    order = propose_sequence(items, note, setting="inpatient", codesets=cs)
    assert order[:2] == ["I13.0", "I50.23"]
    assert order.index("N18.31") > order.index("I13.0")


def test_inpatient_principal_diagnosis_line_leads(cs):
    """II: the record's "Principal diagnosis:" line names the principal diagnosis, whatever its place."""
    note = ("HPI: long-standing COPD and diabetes; admitted with fever and productive cough.\n"
            "Principal dx: Lobar pneumonia.\nSecondary: COPD, type 2 diabetes.\n")
    items = [sugg(cs, note, "J44.9", "COPD"), sugg(cs, note, "E11.9", "diabetes"),
             sugg(cs, note, "J18.1", "Lobar pneumonia")]
    assert propose_sequence(items, note, setting="inpatient", codesets=cs)[0] == "J18.1"
    # without the line the record's order stands (the HPI's COPD first)
    note2 = note.replace("Principal dx:", "Also:")
    items2 = [sugg(cs, note2, "J44.9", "COPD"), sugg(cs, note2, "E11.9", "diabetes"),
              sugg(cs, note2, "J18.1", "Lobar pneumonia")]
    assert propose_sequence(items2, note2, setting="inpatient", codesets=cs)[0] == "J44.9"


def test_poisoning_precedes_its_manifestations(cs):
    """I.C.19.e.5.b: the poisoning code first, then the manifestations, even when a symptom is the complaint;
    R00.1's "use additional code" asks for an adverse effect's drug (fifth or sixth character 5), not for
    a poisoning."""
    note = ("CC: sleepy, slow heart rate\n"
            "Assessment: accidental clonidine poisoning with somnolence and sinus bradycardia.\n")
    items = [sugg(cs, note, "R00.1", "slow heart rate"), sugg(cs, note, "R40.0", "somnolence"),
             sugg(cs, note, "T46.5X1A", "clonidine poisoning")]
    assert propose_sequence(items, note, setting="ed", codesets=cs)[0] == "T46.5X1A"
    # an adverse effect of a drug properly taken stays after the manifestation it caused
    note2 = "CC: slow heart rate\nAssessment: sinus bradycardia, adverse effect of metoprolol.\n"
    items2 = [sugg(cs, note2, "T44.7X5A", "adverse effect of metoprolol"), sugg(cs, note2, "R00.1", "bradycardia")]
    assert propose_sequence(items2, note2, setting="outpatient", codesets=cs) == ["R00.1", "T44.7X5A"]


def test_preoperative_evaluation_first_then_the_reason_for_surgery(cs):
    """IV.M: Z01.81- first-listed at a preoperative evaluation, the condition for the surgery after it."""
    note = ("PREOPERATIVE EVALUATION\nCC: clearance for right total knee arthroplasty\n"
            "Assessment: 1. Primary osteoarthritis, right knee. 2. Essential hypertension, controlled.\n"
            "Pre-operative medical evaluation: acceptable risk.\n")
    items = [sugg(cs, note, "M17.11", "osteoarthritis, right knee"), sugg(cs, note, "I10", "Essential hypertension"),
             sugg(cs, note, "Z01.818", "Pre-operative medical evaluation")]
    assert propose_sequence(items, note, setting="outpatient", codesets=cs)[:2] == ["Z01.818", "M17.11"]


def test_exam_code_before_the_screening_done_during_it(cs):
    """A gynecological exam with a chlamydia screen: the exam's code is first-listed, the screening after."""
    note = ("CC: Screening for chlamydia; annual exam\n"
            "Routine gynecological examination without abnormal findings. NAAT sent.\n")
    items = [sugg(cs, note, "Z11.8", "Screening for chlamydia"),
             sugg(cs, note, "Z01.419", "Routine gynecological examination")]
    assert propose_sequence(items, note, setting="outpatient", codesets=cs) == ["Z01.419", "Z11.8"]


def test_referred_for_line_names_the_reason_for_the_visit(cs):
    """A referral's reason ("Referred for:") lists its finding ahead of the patient's other conditions."""
    note = ("Referred for: lung nodule\nHPI: current smoker, 35 pack-years.\n"
            "Assessment: 1. Nicotine dependence, cigarettes. 2. Solitary lung nodule, 9 mm.\n")
    items = [sugg(cs, note, "F17.210", "Nicotine dependence, cigarettes"), sugg(cs, note, "R91.1", "lung nodule")]
    assert propose_sequence(items, note, setting="outpatient", codesets=cs)[0] == "R91.1"


def test_underdosing_is_never_first_listed(cs):
    note = ("Principal diagnosis: underdosing of furosemide (ran out) with acute on chronic systolic heart failure.\n")
    items = [sugg(cs, note, "T50.1X6A", "underdosing of furosemide"),
             sugg(cs, note, "I50.23", "acute on chronic systolic heart failure")]
    assert propose_sequence(items, note, setting="inpatient", codesets=cs) == ["I50.23", "T50.1X6A"]


def test_the_assessments_first_numbered_item_is_first_listed_outside_the_hospital(cs):
    """IV: the condition the provider lists as chiefly responsible comes first, even a symptom code beside
    a chronic diagnosis ("1. Anterior epistaxis ... 4. Essential hypertension")."""
    note = ("CC: nosebleed x 45 min.\nDIAGNOSES:\n1. Anterior epistaxis, L, s/p silver nitrate cautery.\n"
            "2. Essential hypertension.\n")
    items = [sugg(cs, note, "I10", "Essential hypertension"), sugg(cs, note, "R04.0", "Anterior epistaxis")]
    assert propose_sequence(items, note, setting="ed", codesets=cs)[:2] == ["R04.0", "I10"]
    # inpatient: the principal diagnosis is read from its own line, not from the list's order
    inpatient = propose_sequence(items, note, setting="inpatient", codesets=cs)
    assert inpatient[0] == "I10", inpatient


def test_a_forward_trigger_ending_a_quote_does_not_govern_the_quote():
    from medcoder_tui.engines.analysis.clinical_text import analyze

    note = "DIAGNOSES:\n1. Anterior epistaxis, L, s/p silver nitrate cautery.\n"
    a = analyze(note)
    quote = "Anterior epistaxis, L, s/p"
    start = note.index(quote)
    assert "history" not in a.context_at(start, start + len(quote))
    assert "history" in a.context_at(note.index("silver"), note.index("cautery"))


def test_evidence_carrying_its_label_is_still_named_on_the_principal_line(cs):
    """'Admission diagnosis: sepsis' as the evidence names the sepsis the discharge line gives first (I.C.1.d.4)."""
    note = ("DISCHARGE SUMMARY\nAdmission diagnosis: sepsis\nDischarge diagnoses:\n"
            "1. Sepsis due to left lower lobe pneumonia, with acute kidney injury (severe sepsis)\n"
            "2. Chronic systolic heart failure\n")
    items = [sugg(cs, note, "I50.22", "Chronic systolic heart failure"), sugg(cs, note, "R65.20", "severe sepsis"),
             sugg(cs, note, "N17.9", "acute kidney injury"), sugg(cs, note, "A41.9", "diagnosis: sepsis"),
             sugg(cs, note, "J18.9", "pneumonia")]
    assert propose_sequence(items, note, setting="inpatient", codesets=cs)[:2] == ["A41.9", "J18.9"]
