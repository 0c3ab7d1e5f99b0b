"""Reason-for-encounter and status Z codes the guidelines ask for beside what was coded.

- Z23 (I.C.21.c.2): a vaccine given at the encounter (a vaccine product or its
  administration code is coded).
- Z3A (I.C.15.a.4 / "use additional code"): the weeks of gestation the note states,
  beside any pregnancy code (O00-O9A, Z34, Z33.1, Z37).
- Z34 (I.C.15.b.1): a routine prenatal visit of a pregnancy with no complication coded and
  not called high risk; Z33.1 (pregnant state, incidental) then gives way.
- Z37 (I.C.15.b.5): the outcome of a delivery the mother's record documents.
- Z00.0x / Z00.12x (I.C.21.c.13): a general adult or routine child examination
  the note says the visit is, "with abnormal findings" when another diagnosis is coded.
- Z01.81- (IV.M): a preoperative evaluation the visit is (cardiovascular, respiratory
  or other pre-procedural examination).
- Z79 (I.C.21.c.3): long-term (current) use of anticoagulants, insulin, oral
  hypoglycemics, aspirin, scheduled NSAIDs, hormonal contraceptives, systemic steroids
  and immunosuppressants by kind, read from the medication list or "on <drug>", never
  from a drug stopped, held, only planned or taken as needed.
- Status (I.C.21.c.3): a transplanted organ (Z94), a cardiac device, graft or stent (Z95), an
  artificial opening (Z93) or dependence on supplemental oxygen (Z99.81) documented as current.
- T36-T50 adverse effects (I.C.19.e.5.a): the class code of a drug the note says caused
  a coded reaction, properly taken (``diagnoses.adverse_effects``).
- T14 (injury of unspecified body region) gives way to an injury code that names
  the region.

Each code added is validated like any engine's code and carries its reason.
"""

from __future__ import annotations

import re

from medcoder_tui.codes.systems import System
from medcoder_tui.engines.analysis.age import patient_age
from medcoder_tui.engines.analysis.clinical_text import ASSESSMENT_SECTIONS, NoteAnalysis
from medcoder_tui.engines.checks.diabetes import type_1_only
from medcoder_tui.engines.checks.edits import Reground, add_reason, usable_icd
from medcoder_tui.engines.checks.integral import INFECTIONS
from medcoder_tui.engines.diagnoses.adverse_effects import (adverse_effect_codes, insulin_pump_failure,
                                                            missed_dialysis, poisoning_codes, underdosing_codes,
                                                             underdosing_intent)
from medcoder_tui.engines.diagnoses.oncology_terms import receptor_codes, treatment_encounter
from medcoder_tui.engines.diagnoses.ulcer_terms import lower_limb_ulcers
from medcoder_tui.engines.diagnoses.encounter_terms import (past_mrsa, alzheimer_dementia_code, burn_extent, hiv_prep,
                                                             communicable_exposure, travel_counseling,
                                                             delivery_outcome, dementia_mention, depression_screening,
                                                             exam_codes,
                                                             cervical_cytology, gyn_encounter_reasons, long_term_drugs,
                                                             other_long_term_drug,
                                                             infectious_agent, past_suicide_attempt,
                                                             preprocedural_exam, prenatal_supervision, screening_encounter,
                                                             stroke_codes, vaccine_refusal,
                                                             weeks_of_gestation)
from medcoder_tui.engines.diagnoses.status_codes import (adult_bmi, joint_replacement_aftercare, pediatric_bmi,
                                                          reported_status)
from medcoder_tui.engines.models import Flag, RawSuggestion, Suggestion

_DELIVERY_TOLD = re.compile(r"\b(?:postpartum|post-partum|delivered|deliver(?:y|ies)|n?svd|vaginal birth|"
                            r"vaginal delivery)\b", re.I)
_PERINEAL_LACERATION = re.compile(r"\b(1st|2nd|3rd|4th|first|second|third|fourth)[- ]degree (?:perineal )?"
                                  r"(?:laceration|tear)|"
                                  # "Laceration: second degree, midline", "perineal tear - 2nd degree"
                                  r"\b(?:perineal )?(?:laceration|tear)s?\s*[:,-]\s*(1st|2nd|3rd|4th|first|second|third|"
                                  r"fourth)[- ]degree\b", re.I)
# mg/dL, or the percent (g/dL) a breath or legal BAC is given in ("BAC 0.24" is 240 mg/100 mL)
_BAC = re.compile(r"\b(?:serum |blood )?(?:etoh|ethanol|alcohol|bac)(?: level| concentration)?\s*(?:of|was|is|=|:)?\s*"
                  r"(?:(\d{1,3}(?:\.\d)?)\s*(?:mg/dl|mg ?%|mg/100 ?ml)|(0?\.\d{2,3})\s*(?:g/dl|%|g ?%)?(?!\d|\.\d))", re.I)

_OBESITY = re.compile(r"\b(morbid(?:ly)? obes\w*|severe obesity|class (?:3|iii) obesity)?(?(1)|obes\w*)", re.I)


_GLYCEMIC = ("E08", "E09", "E10", "E11", "E13", "O24", "R73", "E28.2", "Z86.32")


def _vaccine_given(out: list[Suggestion]) -> bool:
    return any(s.system is System.CPT and s.acceptable and not (set(s.flags) & {Flag.NEGATED})
               and s.code.isdigit() and ("90460" <= s.code <= "90474" or "90476" <= s.code <= "90759")
               for s in out)


def _pregnant(out: list[Suggestion]) -> bool:
    return any(s.system is System.ICD10CM and s.acceptable and not s.suppressed
               and (s.code[:1] == "O" or s.code.startswith(("Z34", "Z33.1", "Z37"))) for s in out)


# a complication only warned of, ruled out, past or a relative's is no complication of this pregnancy
_NOT_THE_PATIENTS_NOW = frozenset({Flag.NEGATED, Flag.HYPOTHETICAL, Flag.HISTORY, Flag.FAMILY_HISTORY,
                                   Flag.UNCERTAIN})


_CKD_STAGE = re.compile(r"\b(?:ckd|chronic kidney disease)[,\s]*(?:stage\s*)?(1|2|3a|3b|3|4|5|iv|v)\b|"
                        r"\bstage\s*(1|2|3a|3b|3|4|5|iv|v)\s+(?:ckd|chronic kidney disease)\b|"
                        r"\b(esrd|end[- ]stage (?:renal|kidney) disease)\b", re.I)
_STAGE_CODES = {"1": "N18.1", "2": "N18.2", "3": "N18.30", "3a": "N18.31", "3b": "N18.32", "4": "N18.4", "iv": "N18.4",
                "5": "N18.5", "v": "N18.5"}


def asks_for_agent(icd, code: str) -> bool:
    """Whether the code's notes, its block's (L00-L08) or chapter's included, ask for the infectious agent."""
    note = icd.use_additional_up(code)
    return "B95" in note or "infectious agent" in note.lower()


def _ckd_stage(note: str, analysis: NoteAnalysis) -> tuple[str, int, int] | None:
    """(N18 code, start, end) of the first CKD stage the note documents, not negated or a relative's: the
    assessment's first, when it states one (a copied-forward problem list may be older)."""
    found = []
    for m in _CKD_STAGE.finditer(note):
        if analysis.context_at(m.start(), m.end()) & {"negated", "family", "hypothetical", "uncertain"}:
            continue
        stage = (m.group(1) or m.group(2) or "").lower()
        found.append((("N18.6" if m.group(3) else _STAGE_CODES[stage]), m.start(), m.end()))
    return next((f for f in found if analysis.section_at(f[1]) in ASSESSMENT_SECTIONS), found[0] if found else None)



def _obstetric(out: list[Suggestion], have_cat: set[str], note: str,
               analysis: NoteAnalysis) -> list[tuple[str, int, int, str]]:
    """Z37 on a delivery record; Z34 at a routine prenatal visit of an uncomplicated pregnancy, in
    place of the incidental Z33.1."""
    wanted = []
    if "Z37" not in have_cat and (outcome := delivery_outcome(note, analysis)):
        wanted.append((*outcome, "outcome of delivery on the mother's record (guideline I.C.15.b.5)"))
    complicated = any(s.system is System.ICD10CM and s.reportable and s.code[:1] == "O"
                      and not set(s.flags) & _NOT_THE_PATIENTS_NOW for s in out)
    if wanted or "Z37" in have_cat:
        for s in out:
            # Z38 (liveborn infant by place of birth) is the newborn's own record's code (I.C.16.a.2)
            if s.system is System.ICD10CM and s.code.startswith("Z38") and s.reportable:
                add_reason(s, "a newborn's code on the mother's delivery record: the outcome of delivery is Z37 "
                              "(guideline I.C.15.b.5; Z38 belongs on the newborn's record)", Flag.GUIDELINE)
    if not wanted and not complicated and "Z34" not in have_cat \
            and (routine := prenatal_supervision(note, analysis)):
        wanted.append((*routine, "routine prenatal visit, no complication documented (guideline I.C.15.b.1)"))
        for s in out:
            if s.system is System.ICD10CM and s.code == "Z33.1" and s.reportable:
                add_reason(s, f"the visit is the pregnancy's own supervision: {routine[0]}, not the incidental Z33.1",
                           Flag.GUIDELINE)
    return wanted


# "Dad smokes outside", "parents smoke", "smokers in the home": a household member who smokes
_HOUSEHOLD_SMOKER = re.compile(r"\b(?:(?:dad|mom|father|mother|parents?|stepfather|stepmother|grandmother|grandfather|"
                               r"grandparents?|caregivers?|household members?)\s+(?:(?:both|also|still)\s+)?smokes?\b|"
                               r"smokers? (?:in|at) (?:the )?(?:home|house|household)\b)", re.I)


def _household_smoker(note: str, analysis: NoteAnalysis) -> tuple[str, int, int] | None:
    """Z77.22 for a child whose household member smokes (not a note that says no one does)."""
    age = patient_age(note)
    if age is None or age >= 18:
        return None
    for m in _HOUSEHOLD_SMOKER.finditer(note):
        if not analysis.context_at(m.start(), m.end()) & {"negated", "hypothetical", "history"}:
            return "Z77.22", m.start(), m.end()
    return None


# palliative care given: a palliative service's own note ("OUTPATIENT PALLIATIVE MEDICINE CLINIC", "Geriatrics &
# Palliative Medicine"), or a stay or visit that says it is giving it ("palliative care consult", "transitioned to
# comfort care") - not one that refers the patient or considers it
_PALLIATIVE_SERVICE = re.compile(r"\bpalliative (?:medicine|care)\b", re.I)
_PALLIATIVE_GIVEN = re.compile(r"\bpalliative care (?:consult(?:ation)?|visit|encounter|follow-?up)\b|"
                               r"\b(?:transitioned|transition) to (?:comfort care|comfort measures|comfort-focused care)\b",
                               re.I)


def _palliative_care(note: str, analysis: NoteAnalysis) -> tuple[int, int] | None:
    head = "\n".join(note[:400].split("\n")[:3])   # (the service's name heads its note)
    if (m := _PALLIATIVE_SERVICE.search(head)) is not None:
        return m.start(), m.end()
    for m in _PALLIATIVE_GIVEN.finditer(note):
        if not analysis.context_at(m.start(), m.end()) & {"negated", "hypothetical", "family", "history"} \
                and not re.search(r"\b(?:refer\w*|consider\w*|offer\w*|discuss\w*|recommend\w*)\b[^.\n]{0,20}$",
                                  note[max(0, m.start() - 40):m.start()], re.I):
            return m.start(), m.end()
    return None


def encounter_codes(out: list[Suggestion], note: str, analysis: NoteAnalysis,
                    reground: Reground, icd=None, setting: str = "outpatient") -> list[Suggestion]:
    """The Z codes to add beside ``out`` (each grounded, with its reason); T14 codes that give way
    are marked in place with their reason."""
    have = {s.code for s in out if s.system is System.ICD10CM}
    have_cat = {c[:3] for c in have}
    wanted: list[tuple[str, int, int, str]] = []
    if _vaccine_given(out) and "Z23" not in have:
        first = next(s for s in out if s.system is System.CPT and s.code.startswith("90") and s.evidence)
        ev = first.evidence[0]
        wanted.append(("Z23", ev.start, ev.end, "vaccine given at this encounter (guideline I.C.21.c.2)"))
    wanted += _obstetric(out, have_cat, note, analysis)
    pregnant = _pregnant(out) or any(code[:3] in ("Z34", "Z37") for code, *_ in wanted)
    if pregnant and "Z3A" not in have_cat and (weeks := weeks_of_gestation(note, analysis)):
        wanted.append((*weeks, "weeks of gestation documented, beside the pregnancy code"))
    # the IUD inserted at this encounter is its reason (Z30.430), whatever else the visit was
    iud = next((s for s in out if s.system is System.CPT and s.code == "58300" and s.reportable and s.evidence), None)
    if iud is not None and not any(c.startswith("Z30.43") for c in have):
        wanted.append(("Z30.430", iud.evidence[0].start, iud.evidence[0].end,
                       "an intrauterine contraceptive device inserted at this encounter (Z30.430)"))
    if "Z00" not in have_cat and (exam := exam_codes(note, analysis)):
        (normal, abnormal), start, end = exam
        # (a finding of the exam: not the tobacco dependence the history tells, which the visit counsels on)
        other = any(s.system is System.ICD10CM and s.reportable and s.code[:1] not in "ZVWXY"
                    and not s.code.startswith("F17") for s in out)
        wanted.append((abnormal if other else normal, start, end,
                       "general or routine examination documented (guideline I.C.21.c.13)"))
    # (an inpatient stay's pre-operative evaluation is part of the stay: Z01.81- is an outpatient encounter's reason)
    if "Z01" not in have_cat and "Z00" not in have_cat and setting != "inpatient" \
            and (preop := preprocedural_exam(note, analysis)):
        wanted.append((*preop, "preoperative evaluation: the pre-procedural examination code first, the reason "
                               "for the surgery beside it (guideline IV.M)"))
    # a depression screening done at an outpatient visit, beside a depression it did not find (I.C.21.c.5)
    if setting != "inpatient" and "Z13" not in have_cat and not any(c[:3] in ("F32", "F33") for c in have) \
            and (depression := depression_screening(note, analysis)):
        wanted.append((*depression, "a depression screening done at the visit (guideline I.C.21.c.5)"))
    if "Z51.5" not in have and (palliative := _palliative_care(note, analysis)) is not None:
        wanted.append(("Z51.5", *palliative, "palliative care given at this encounter (Z51.5, beside the condition it is for)"))
    if "Z12" not in have_cat and (screening := screening_encounter(note, analysis)):
        wanted.append((*screening, "encounter for a screening test: the screening code first, what it found beside "
                                   "it (guideline I.C.21.c.5)"))
    # Z91.15-: renal dialysis the patient missed (its reason: financial hardship, or another one), beside the ESRD
    if "Z91.15" not in {c[:6] for c in have} and any(
            s.system is System.ICD10CM and s.reportable and s.code in ("N18.6", "Z99.2") for s in out) \
            and (missed := missed_dialysis(note, analysis)) is not None:
        wanted.append((*missed, "renal dialysis sessions the patient missed: noncompliance with renal dialysis "
                                "(Z91.15-), with its reason"))
    # I.C.4.a.5: the insulin pump's failure beside the diabetes it left under- or over-treated, the pump's mechanical
    # complication first and the insulin under- or over-delivered after it
    if any(s.system is System.ICD10CM and s.reportable and s.code[:3] in ("E08", "E09", "E10", "E11", "E13")
           for s in out) and "T85" not in have_cat:
        for code, start, end in insulin_pump_failure(note, analysis):
            if code[:5] == "T38.3" and any(c.startswith("T38.3") for c in have):
                continue
            wanted.append((code, start, end, "an insulin pump's failure: its mechanical complication first, then the "
                                             "insulin it under- or over-delivered (guideline I.C.4.a.5)"))
    reaction = any(s.system is System.ICD10CM and s.reportable and s.code[:1] not in "ZVWXY"
                   and not "T36" <= s.code[:3] <= "T65" for s in out)
    if reaction and not any(s.system is System.ICD10CM and "T36" <= s.code[:3] <= "T50" for s in out):
        for code, start, end in adverse_effect_codes(note, analysis, inpatient=setting == "inpatient"):
            wanted.append((code, start, end, "adverse effect of a drug properly taken, beside its manifestation "
                                             "(guideline I.C.19.e.5.a)"))
    if reaction and not any(s.system is System.ICD10CM and "T36" <= s.code[:3] <= "T50" for s in out):
        underdosed = underdosing_codes(note, analysis)
        for code, start, end in underdosed:
            wanted.append((code, start, end, "underdosing of the drug, beside the condition it left untreated (never "
                                             "first-listed; guideline I.C.19.e.5.c)"))
        if underdosed and not any(c.startswith(("Z91.12", "Z91.13", "Z91.14")) for c in have) \
                and (intent := underdosing_intent(note, analysis)) is not None:
            wanted.append((*intent, "the underdosing's intent, as the note tells it (noncompliance code beside the "
                                    "underdosing: guideline I.C.19.e.5.c)"))
    # each drug class taken as a poisoning, beside those already coded ("acetaminophen and sertraline overdose")
    drug_classes = {s.code[:5] for s in out if s.system is System.ICD10CM and "T36" <= s.code[:3] <= "T50"} | \
        {w[0][:5] for w in wanted if "T36" <= w[0][:3] <= "T50"}
    if not any(w[0][5:6] in "56" for w in wanted if "T36" <= w[0][:3] <= "T50"):   # (not beside an adverse effect)
        for code, start, end in poisoning_codes(note, analysis):
            if code[:5] in drug_classes:
                continue
            wanted.append((code, start, end, "poisoning by the drug's class, with the intent documented (accidental "
                                             "when none is: guideline I.C.19.e.5.b), sequenced before its "
                                             "manifestations"))
    # the infectious agent of a localized infection whose category asks for it (B95-B97)
    if not any(c[:3] in ("B95", "B96", "B97") for c in have) and icd is not None \
            and any(s.system is System.ICD10CM and s.reportable and asks_for_agent(icd, s.code) for s in out) \
            and (agent := infectious_agent(note, analysis)):
        wanted.append((*agent, "the infectious agent of the infection, whose category says 'use additional code "
                               "(B95-B97) to identify infectious agent'"))
    infection = any(s.system is System.ICD10CM and s.reportable and s.code.startswith(INFECTIONS) for s in out)
    if "Z86.14" not in have and (mrsa := past_mrsa(note, analysis, infection)):
        wanted.append((*mrsa, "a past MRSA infection: personal history of MRSA infection (Z86.14)"))
    # HIV pre-exposure prophylaxis continued or started (Z29.81)
    if "Z29.81" not in have and (prep := hiv_prep(note, analysis)):
        wanted.append((*prep, "HIV pre-exposure prophylaxis continued or started: encounter for HIV pre-exposure "
                              "prophylaxis (Z29.81)"))
    # a pre-travel consultation: the encounter for health counselling related to travel (Z71.84)
    if "Z71.84" not in have and (travel := travel_counseling(note, analysis)):
        wanted.append((*travel, "a pre-travel consultation: encounter for health counseling related to travel "
                                "(Z71.84)"))
    # a contact with or exposure to a communicable disease the note does not code as had (Z20)
    if "Z20" not in have_cat and (contact := communicable_exposure(
            note, analysis, {s.code for s in out if s.system is System.ICD10CM and s.reportable})):
        wanted.append((*contact, "contact with or (suspected) exposure to a communicable disease the patient is not "
                                 "coded as having (Z20)"))
    # a vaccine offered and declined at this visit (Z28.21 the patient's refusal, Z28.82 the caregiver's)
    if not any(c.startswith("Z28") for c in have) and (refused := vaccine_refusal(note, analysis)):
        wanted.append((*refused, "a vaccine offered and declined at this visit: immunization not carried out because "
                                 "of the patient's (Z28.21) or the caregiver's (Z28.82) refusal"))
    # a child living with a smoker: exposure to environmental tobacco smoke (Z77.22)
    if not any(c.startswith("Z77.22") for c in have) and (smoke := _household_smoker(note, analysis)):
        wanted.append((*smoke, "a child living with a smoker: exposure to environmental tobacco smoke (Z77.22)"))
    # a suicide attempt before this one (Z91.51, personal history of suicidal behavior)
    if not any(c.startswith("Z91.5") for c in have) and (past := past_suicide_attempt(note, analysis)):
        wanted.append((*past, "a past suicide attempt: personal history of suicidal behavior (Z91.51)"))
    # a non-pressure chronic ulcer of the lower limb: its site, side and depth (L97), beside its cause
    if "L97" not in have_cat:
        for code, start, end in lower_limb_ulcers(note, analysis, icd):
            wanted.append((code, start, end, "non-pressure chronic ulcer of the lower limb by site, side and depth "
                                             "(L97; the diabetic, venous or arterial cause is coded with it)"))
    # a cancer's receptor status (C50 "use additional code", Z17) and the encounter for the chemotherapy or
    # immunotherapy given at the visit (I.C.2.e.2: Z51.11, Z51.12 first-listed)
    malignant = [s for s in out if s.system is System.ICD10CM and s.reportable and "C00" <= s.code[:3] <= "C96"]
    if any(s.code[:3] in ("C50", "D05") for s in out if s.system is System.ICD10CM and s.reportable) \
            and (receptors := receptor_codes(note, analysis)):
        read = {code for code, _start, _end in receptors}
        for s in out:   # a status the words matched by title ("HER2" of "HER2-") gives way to the status read
            if s.system is System.ICD10CM and s.reportable and s.code[:3] == "Z17" and s.code not in read:
                add_reason(s, f"the receptor status the note reports is {', '.join(sorted(read))}: not coded",
                           Flag.GUIDELINE)
        for code, start, end in receptors:
            if code not in have:
                wanted.append((code, start, end, "hormone receptor status of the breast cancer, one code per "
                                                 "receptor reported (C50 use additional code Z17)"))
    if malignant:
        for code, start, end in treatment_encounter(note, analysis):
            if code not in have:
                wanted.append((code, start, end, "encounter for the antineoplastic treatment given at this visit, "
                                                 "first-listed before the malignancy (guideline I.C.2.e.2)"))
    # I.C.18.j: the NIH stroke scale score (the first one documented) beside an acute cerebral infarction
    stroke = any(s.system is System.ICD10CM and s.reportable and s.code.startswith("I63") for s in out)
    if stroke:
        for code, start, end in stroke_codes(note, analysis):
            if code.startswith("R29.7") and "R29.7" not in {c[:5] for c in have}:
                wanted.append((code, start, end, "NIH stroke scale score beside the acute infarction "
                                                 "(guideline I.C.18.j)"))
            elif code == "Z92.82" and code not in have:
                wanted.append((code, start, end, "thrombolytic given at another facility before this admission "
                                                 "(guideline I.C.21.c.8)"))
    # Y90 (code first F10): the blood alcohol level beside an alcohol intoxication, when measured
    if "Y90" not in have_cat and any(s.system is System.ICD10CM and s.reportable and re.match(r"F10\.[129]2", s.code)
                                     for s in out) and (bac := _BAC.search(note)):
        level = float(bac.group(1)) if bac.group(1) else float(bac.group(2)) * 1000
        tens = [20, 40, 60, 80, 100, 120, 200, 240]
        digit = next((i for i, top in enumerate(tens) if level < top), 8)
        wanted.append((f"Y90.{digit}", bac.start(), bac.end(), "blood alcohol level beside the alcohol intoxication "
                                                                "(Y90, code first F10)"))
    # the CKD stage beside a diabetic or hypertensive CKD code ("use additional code to identify the stage")
    ckd = any(s.system is System.ICD10CM and s.reportable and (s.code[:3] in ("I12", "I13") or
              (s.code[:3] in ("E08", "E09", "E10", "E11", "E13") and s.code[4:6] == "22")) for s in out)
    # (an unspecified N18.9 read from "CKD" alone gives way to the stage the note documents; a stage only a
    # copied-forward problem list names, held there, gives way to the one the assessment states)
    staged = any(s.system is System.ICD10CM and s.reportable and s.code[:3] == "N18" and s.code != "N18.9" for s in out)
    if ckd and not staged and (stage := _ckd_stage(note, analysis)) and stage[0] not in have:
        wanted.append((*stage, "the stage of the chronic kidney disease, beside the combination code that asks "
                               "for it (use additional code, guideline I.C.9.a.2)"))
        for s in out:
            if s.system is System.ICD10CM and s.code == "N18.9" and s.reportable:
                add_reason(s, f"the note documents the stage ({stage[0]}): the unspecified stage is not coded",
                           Flag.GUIDELINE)
    # G30 "use additional code" for the dementia of Alzheimer's disease (F02.8-), in place of F03
    alzheimer = any(s.system is System.ICD10CM and s.reportable and s.code.startswith("G30") for s in out)
    if alzheimer and "F02" not in have_cat and (dementia := dementia_mention(note, analysis)):
        # the severity and the behaviour stay (F03.A0 mild -> F02.A0, F03.911 -> F02.811)
        read = next((s.code for s in out if s.system is System.ICD10CM and s.code.startswith("F03.")
                     and s.reportable), None)
        code = alzheimer_dementia_code(note, analysis, dementia, read, icd)
        wanted.append((code, *dementia, f"dementia in Alzheimer's disease: {code} beside G30 (its use "
                                        "additional code note), not the unspecified dementia F03"))
        for s in out:
            if s.system is System.ICD10CM and s.code.startswith("F03") and s.reportable:
                add_reason(s, "dementia in Alzheimer's disease is F02.- beside G30, not F03", Flag.GUIDELINE)
    # I.C.19.d.6: the extent of body surface burned (T31) beside the burns of the sites (T20-T25)
    burns = any(s.system is System.ICD10CM and s.reportable and "T20" <= s.code[:3] <= "T25" for s in out)
    if burns and "T31" not in have_cat and (extent := burn_extent(note)):
        wanted.append((*extent, "extent of body surface burned beside the burn codes (guideline I.C.19.d.6)"))
    # the degree of a perineal laceration at the delivery the record documents (O70)
    if any(code[:3] == "Z37" for code, *_ in wanted) or "Z37" in have_cat:
        lac = _PERINEAL_LACERATION.search(note)
        if lac and "O70" not in have_cat and not analysis.context_at(lac.start(), lac.end()) & {"negated",
                                                                                                "hypothetical"}:
            degree = {"1st": "0", "first": "0", "2nd": "1", "second": "1", "3rd": "20", "third": "20", "4th": "3",
                      "fourth": "3"}[(lac.group(1) or lac.group(2)).lower()]
            wanted.append((f"O70.{degree}", lac.start(), lac.end(), "perineal laceration of the delivery"))
        if "O70" in have_cat or any(code[:3] == "O70" for code, *_ in wanted):
            for s in out:
                # chapter 19's Excludes1: obstetric trauma (O70-O71) - the tear of the delivery is no injury code
                if s.system is System.ICD10CM and s.reportable and s.code.startswith(("S31.4", "S31.5", "S31.8")):
                    add_reason(s, "the delivery's perineal tear is obstetric trauma, coded O70 (chapter 19 Excludes1: "
                                  "obstetric trauma O70-O71)", Flag.GUIDELINE)
    elif _DELIVERY_TOLD.search(note):
        # a postpartum visit's account of the delivery ("NSVD at 39w4d, 2nd degree laceration repaired"): the tear is
        # the delivery's obstetric trauma, no injury of today
        for lac in _PERINEAL_LACERATION.finditer(note):
            for s in out:
                if s.system is System.ICD10CM and s.reportable and s.code.startswith(("S31.4", "S31.5", "S31.8", "T14"))\
                        and any(e.located and e.start < lac.end() and lac.start() < e.end for e in s.evidence):
                    add_reason(s, "the delivery's perineal laceration is obstetric trauma (O70), not an injury "
                                  "(chapter 19 Excludes1)", Flag.GUIDELINE)
    # I.B.14: the BMI beside the weight diagnosis it is associated with (adults: Z68.1-Z68.45)
    weight = any(s.system is System.ICD10CM and s.reportable and s.code.startswith(("E66", "E43", "E44", "E45", "E46",
                                                                                   "R63.4", "R63.6", "R64", "F50.0"))
                 for s in out)
    # O99.21 "use additional code to identify the type of obesity (E66.-)"
    if any(s.system is System.ICD10CM and s.reportable and s.code.startswith("O99.21") for s in out) \
            and "E66" not in have_cat and (obesity := _OBESITY.search(note)):
        code = "E66.01" if obesity.group(1) else "E66.9"
        wanted.append((code, obesity.start(), obesity.end(), "the type of obesity beside obesity complicating "
                                                             "pregnancy (O99.21- use additional code E66.-)"))
    # I.C.21.c.3: no BMI code during pregnancy
    weight = weight and not pregnant
    age = patient_age(note)
    if weight and "Z68" not in have_cat and (age is None or age >= 20) and (bmi := adult_bmi(note, analysis)):
        wanted.append((*bmi, "body mass index beside the weight diagnosis it qualifies (guideline I.B.14)"))
    elif weight and "Z68" not in have_cat and age is not None and 2 <= age < 20 and (bmi := pediatric_bmi(note, analysis)):
        wanted.append((*bmi, "BMI-for-age percentile beside the weight diagnosis it qualifies (pediatric, ages 2-19; "
                             "guideline I.B.14)"))
    # Z79.4 is the use-additional code of E08, E09, E11 and E13: a type 1 diabetic's insulin is not coded
    # (an E11 code read from the index's default becomes E10 later, when the note says type 1 and never type 2)
    type_1 = type_1_only(out, note)
    # a diabetes drug's code is the diabetes code's "use additional code": not beside a diabetes left uncoded
    # (listed but not addressed at this visit)
    glycemic = any(s.system is System.ICD10CM and s.reportable and s.code.startswith(_GLYCEMIC) for s in out)
    for code, start, end in long_term_drugs(note, analysis, icd):
        if code in ("Z79.4", "Z79.84", "Z79.85") and not glycemic:
            continue
        if code not in have and not (code == "Z79.4" and type_1):
            wanted.append((code, start, end, "long-term (current) drug use documented (guideline I.C.21.c.3)"))
    if "Z79.899" not in have and (other := other_long_term_drug(note, analysis)):
        wanted.append((*other, "long-term (current) drug therapy the assessment names, of no class with its own "
                               "Z79 code (guideline I.C.21.c.3)"))
    for code, start, end in gyn_encounter_reasons(note, analysis):
        if code[:3] not in have_cat:
            wanted.append((code, start, end, "reason for the encounter the plan documents: a screening test or "
                                             "contraceptive surveillance (guideline I.C.21.c)"))
    # the abnormal cervical cytology and a positive high-risk HPV test a Pap reported (the title matcher does not reach
    # their long texts), unless a biopsy's lesion (CIN, N87; carcinoma in situ, D06) is coded
    if not any(c.startswith(("N87", "D06", "C53")) for c in have):
        for code, start, end in cervical_cytology(note, analysis):
            if code not in have:
                wanted.append((code, start, end, "abnormal cervical cytology or a positive high-risk HPV test the note "
                                                 "reports (Index: Findings, abnormal, Papanicolaou; HPV, positive)"))
    if any(code.startswith("Z30.4") for code, *_ in wanted) or any(c.startswith("Z30.4") for c in have):
        wanted = [w for w in wanted if w[0] != "Z79.3"]   # the contraceptive's surveillance code says it
    # I.C.21.c.7: the recovery of a joint replaced (Z47.1 with the joint's Z96.6-), its arthritis gone with the joint
    if setting != "inpatient" and "Z47" not in have_cat and not any(c.startswith("T84") for c in have):
        aftercare = joint_replacement_aftercare(note, analysis)
        for code, start, end in aftercare:
            if code not in have:
                wanted.append((code, start, end, "aftercare following joint replacement surgery, with the joint's "
                                                 "presence (guideline I.C.21.c.7; Z47.1 'use additional code' Z96.6-)"))
        replaced = {(code[5], code[6]) for code, *_ in aftercare if code.startswith("Z96.6")}
        arthritis = {"5": "M17", "4": "M16"}
        for s in out:
            # (the arthritis of the joint replaced, of its side: M16 hip, M17 knee; the other knee's stays)
            if usable_icd(s) and any(s.code[:3] == arthritis.get(joint) and (
                    s.code.endswith(".9") or (len(s.code) > 5 and s.code[-1:] == side)
                    or (side == "3" and s.code[4:5] == "0"))
                    for joint, side in replaced):
                add_reason(s, "the arthritis of the joint replaced: the visit is the replacement's aftercare (Z47.1)",
                           Flag.GUIDELINE)
    # (a device's status is not coded beside its own complication: the insulin pump's breakdown says it is there)
    complications = {c[:3] for c in have} | {w[0][:3] for w in wanted}
    for code, start, end in reported_status(note, analysis):
        if code not in have and not (code == "Z96.41" and "T85" in complications):
            wanted.append((code, start, end, "status documented: a transplant, cardiac device or graft, artificial "
                                             "opening, amputation, oxygen dependence or do-not-resuscitate order is "
                                             "reported "
                                             "(guideline I.C.21.c.3)"))
    added = []
    for code, start, end, why in wanted:
        s = reground(RawSuggestion(code=code, system=System.ICD10CM, confidence=0.7, reasoning=why,
                                   evidence=[note[start:end]]))
        if s.acceptable:
            add_reason(s, why)
            added.append(s)
    regions = [s for s in out if s.system is System.ICD10CM and s.code[:1] == "S" and s.reportable]
    for s in out:
        if s.system is System.ICD10CM and s.code.startswith("T14") and s.reportable and regions:
            add_reason(s, f"injury of unspecified body region: {regions[0].code} names the region", Flag.GUIDELINE)
    return added
