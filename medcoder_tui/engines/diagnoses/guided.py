"""Candidates a coder's index offers that the note's words do not name as a condition.

The guideline layer adds these codes beside what was coded; the model is offered them
in its candidate list so that it can do the same: an injury's external causes from the
External Cause Index (cause, place, activity, status; initial encounter shown), the
weeks of gestation, a general or routine examination (with and without abnormal
findings), Z23 for a vaccine given, the adverse effect (T36-T50) of a drug the note
says caused a reaction, for an influenza (J11) the identified-virus code (J10) of
the same manifestation, the supervision of a normal pregnancy (Z34) and the outcome of
a delivery (Z37), the combination codes the guidelines presume (I25.11-, I11-I13) and a
skin cancer by the Table of Neoplasms, the secondary sites a cancer spread to and a melanoma by its
site, a poisoning by its drug's class and intent, a reaction's drug-induced code, and the long-term
drug codes (with the status codes).
"""

from __future__ import annotations

from medcoder_tui.codes.systems import System
from medcoder_tui.engines.analysis.clinical_text import NoteAnalysis
import re

from medcoder_tui.engines.diagnoses.adverse_effects import (adverse_effect_codes, drug_induced_code, poisoning_codes,
                                                           underdosing_codes)
from medcoder_tui.engines.diagnoses.candidate import Candidate
from medcoder_tui.engines.diagnoses.combinations import (DIABETES, HYDRONEPHROSIS, STONE, STONE_WITH_HYDRONEPHROSIS,
                                                          diabetes_with, gbs_carrier_code)
from medcoder_tui.engines.diagnoses.encounter_terms import (alzheimer_dementia_code, burn_extent, cervical_cytology,
                                                             delivered, delivery_outcome, dementia_mention, exam_codes,
                                                             gyn_encounter_reasons, long_term_drugs, preprocedural_exam,
                                                             prenatal_supervision, screening_encounter, stroke_codes,
                                                             vaccine_mention, vaccine_refusal, weeks_of_gestation)
from medcoder_tui.engines.diagnoses.external_causes import find_external_causes, takes_external_cause
from medcoder_tui.engines.diagnoses.metastasis import secondary_sites
from medcoder_tui.engines.diagnoses.oncology_terms import receptor_codes, treatment_encounter
from medcoder_tui.engines.diagnoses.ulcer_terms import lower_limb_ulcers
from medcoder_tui.engines.diagnoses.skin_table import MORPHOLOGY_WORDS, melanoma_table_code, skin_table_code

_SPREAD = re.compile(r"metasta|\bmets\b|secondaries|spread", re.I)
_MELANOMA = re.compile(r"\bmelanomas?\b", re.I)
from medcoder_tui.engines.diagnoses.status_codes import STATUS_SCORE, adult_bmi, pediatric_bmi, reported_status


def _candidate(code: str, note: str, start: int, end: int, icd) -> Candidate | None:
    if not icd.is_billable(code):
        return None
    return Candidate(code, System.ICD10CM, icd.title(code) or "", STATUS_SCORE, note[start:end], start, end,
                     frozenset(), True, 1, False, 1, [frozenset()], "status")


# Combination codes the guidelines presume, offered when both of their conditions are found
_ANGINA = (("I20.0", "I25.110"), ("I20.1", "I25.111"), ("I20.2", "I25.112"), ("I20.8", "I25.118"), ("I20.9", "I25.119"))


def _combinations(found: list[Candidate]) -> list[tuple[str, int, int]]:
    """Coronary atherosclerosis with angina (I.C.9.b), hypertension with CKD or heart failure (I.C.9.a)."""
    mentions = [c for c in found if c.origin == "mention" and not c.context]
    codes = {c.code: c for c in mentions}
    out: list[tuple[str, int, int]] = []
    cad = codes.get("I25.10")
    for c in mentions:
        combo = next((to for prefix, to in _ANGINA if c.code.startswith(prefix)), None)
        if cad is not None and combo:
            out.append((combo, c.start, c.end))
    htn = codes.get("I10")
    if htn is not None:
        ckd = [c for c in mentions if c.code.startswith("N18")]
        failure = any(c.code.startswith("I50") for c in mentions)
        late = any(c.code in ("N18.5", "N18.6") for c in ckd)
        combo = ("I13.2" if late else "I13.0") if ckd and failure else ("I12.0" if late else "I12.9") if ckd else \
            "I11.0" if failure else None
        if combo:
            out.append((combo, htn.start, htn.end))
    return out


def guideline_candidates(note: str, analysis: NoteAnalysis, found: list[Candidate], icd) -> list[Candidate]:
    """External causes of a found injury, Z3A weeks, Z00 examination and Z23 vaccination candidates."""
    wanted: list[tuple[str, int, int]] = []
    poisonings = poisoning_codes(note, analysis)   # a drug's class and the intent: the T36-T50 code
    wanted += poisonings
    if poisonings or any(c.origin == "mention" and takes_external_cause(c.code) and not c.context for c in found):
        wanted += [(ec.code, ec.start, ec.end) for ec in find_external_causes(note, analysis, "A", icd)]
    wanted += long_term_drugs(note, analysis, icd)   # the drugs the tabular's Z79 terms name too
    if (weeks := weeks_of_gestation(note, analysis)) is not None:
        wanted.append(weeks)
    if (exam := exam_codes(note, analysis)) is not None:
        (normal, abnormal), start, end = exam
        wanted += [(normal, start, end), (abnormal, start, end)]
    if (vaccine := vaccine_mention(note, analysis)) is not None:
        wanted.append(("Z23", *vaccine))
    if (refused := vaccine_refusal(note, analysis)) is not None:
        wanted.append(refused)
    adverse = adverse_effect_codes(note, analysis)
    wanted += adverse
    if adverse:   # the reaction's drug-induced code where its category has one (K52.9 -> K52.1)
        wanted += [(code, c.start, c.end) for c in found if c.origin == "mention" and not c.context
                   and (code := drug_induced_code(c.code, icd)) is not None]
    for rule in (prenatal_supervision, delivery_outcome):
        if (got := rule(note, analysis)) is not None:
            wanted.append(got)
    wanted += _combinations(found)
    for m in MORPHOLOGY_WORDS.finditer(note):
        sent = analysis.sentence_at(m.start())
        if sent is not None and (skin := skin_table_code(note[sent.start:sent.end], icd)) is not None:
            wanted.append((skin[0], m.start(), m.end()))
    for sent in analysis.sentences[:2000]:   # the Table of Neoplasms' readings of spread and of melanoma sites
        text = sent.text
        if _SPREAD.search(text):
            wanted += [(code, sent.start, sent.end) for code, *_ in secondary_sites(text, icd)]
        if _MELANOMA.search(text) and (mel := melanoma_table_code(text, icd)) is not None:
            wanted.append((mel[0], sent.start, sent.end))
    if any(c.code.startswith("I63") and c.origin == "mention" for c in found):
        wanted += stroke_codes(note, analysis)
    wanted += [("J10" + c.code[3:], c.start, c.end) for c in found if c.code.startswith("J11")]
    # the guideline layer's other readings: a drug under-taken, a lower-limb ulcer (and the diabetic ulcer code
    # beside it), a breast cancer's receptor status, the chemotherapy given at the visit
    wanted += underdosing_codes(note, analysis)
    ulcers = lower_limb_ulcers(note, analysis, icd)
    wanted += ulcers
    diabetes = next((c for c in found if c.origin == "mention" and c.code[:3] in DIABETES and not c.context), None)
    if diabetes is not None:   # the diabetes "with" combination of the ulcer (E1x.621, E1x.622)
        wanted += [(combo, start, end) for code, start, end in ulcers[:1]
                   if (combo := diabetes_with(diabetes.code, code)) is not None]
    if any(c.code[:3] in ("C50", "D05") for c in found):
        wanted += receptor_codes(note, analysis)
    if any("C00" <= c.code[:3] <= "C96" for c in found):
        wanted += treatment_encounter(note, analysis)
    # the BMI beside a weight diagnosis, the pre-procedural examination, a gynecological visit's reasons, and
    # diabetes with hypoglycemia (E1x.649): what the guideline layer adds, offered to the model as well
    if any(c.code.startswith(("E66", "E43", "E44", "E45", "E46", "R63")) for c in found):
        wanted += [bmi for bmi in (adult_bmi(note, analysis), pediatric_bmi(note, analysis)) if bmi is not None]
    if (preop := preprocedural_exam(note, analysis)) is not None:
        wanted.append(preop)
    # the screening test the encounter is for, a current status the guideline layer reports (a coronary stent),
    # a stone with its hydronephrosis (N13.2) and a pregnant patient's group B streptococcus carrier state
    if (screening := screening_encounter(note, analysis)) is not None:
        wanted.append(screening)
    wanted += reported_status(note, analysis)
    stone = next((c for c in found if c.code.startswith(STONE) and c.origin == "mention"), None)
    if stone is not None and any(c.code.startswith(HYDRONEPHROSIS) for c in found):
        wanted.append((STONE_WITH_HYDRONEPHROSIS, stone.start, stone.end))
    carrier = next((c for c in found if c.code == "Z22.330"), None)
    if carrier is not None:
        at_delivery = delivered(note, analysis)
        if at_delivery or weeks_of_gestation(note, analysis):
            wanted.append((gbs_carrier_code(at_delivery), carrier.start, carrier.end))
    wanted += gyn_encounter_reasons(note, analysis)
    wanted += cervical_cytology(note, analysis)
    if any("T20" <= c.code[:3] <= "T25" for c in found) and (extent := burn_extent(note)) is not None:
        wanted.append(extent)
    if any(c.code.startswith("G30") for c in found) and (dementia := dementia_mention(note, analysis)) is not None:
        wanted.append((alzheimer_dementia_code(note, analysis, dementia, None, icd), *dementia))
    if diabetes is not None:   # diabetes with hypoglycemia (E1x.649)
        wanted += [(combo, c.start, c.end) for c in found if c.code.startswith("E16") and c.origin == "mention"
                   and (combo := diabetes_with(diabetes.code, c.code)) is not None][:1]
    out = []
    for code, start, end in wanted:
        cand = _candidate(code, note, start, end, icd)
        if cand is not None and all(c.code != code for c in out):
            out.append(cand)
    return out
