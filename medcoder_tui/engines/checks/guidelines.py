"""Guideline rules that every engine's grounded output passes through.

Each rule cites the ICD-10-CM Official Guidelines for Coding and Reporting and
leaves a reason on the suggestion it changes; nothing is changed silently, and a
code it puts in place of another is validated like any engine's code.

- Uncertain diagnoses (IV.H): in the outpatient and ED settings a diagnosis
  documented as "possible", "rule out", "concern for" is not coded; the signs and
  symptoms are (inpatient, II.H: coded as if established, and not flagged).
- Integral signs and symptoms (I.B.5): a symptom routinely associated with a
  definitive diagnosis that is also coded is not coded separately.
- History and status (I.C.21.c, ``status_history``): an active-disease code for a condition
  documented as past becomes its personal-history code; an allergy on record is allergy status.
- Specificity (I.B.1, I.C.19.a, ``specificity``): an unspecified side becomes the side the
  note documents for that mention, an unspecified code the sibling whose words the sentence
  states; an injury's initial-encounter 7th character becomes the subsequent one when the
  note documents routine healing after treatment.
- Encounter and status Z codes (``encounter_codes``): Z23 beside a vaccine given,
  weeks of gestation beside a pregnancy, the general or routine examination,
  long-term drug use; an injury of unspecified region gives way to one that names it.
- Stroke sequelae (I.C.9.d, ``sequelae``): a deficit of a past stroke is its I69.3- code.
- Metastases (``metastases``): a cancer named for its site is the primary, and each site it spread
  to is the Table of Neoplasms' secondary code for that site.
- Sepsis (I.C.1.d, ``sepsis``): septic shock is R65.21, sepsis with an organ dysfunction the note
  ties to it R65.20, each after its systemic infection.
- Pregnancy (I.C.15.a.1, ``pregnancy``): a pregnant patient's conditions are coded from Chapter 15
  by trimester (O10, O24, O99), the condition beside it where the O code asks for it.
- Treated cancers (I.C.2.d, ``neoplasm_history``): excised or treated to completion with no
  evidence of disease is the Z85 history code (and Z08 at a surveillance visit).
- External causes (I.C.20, ``external_cause_codes``): beside an injury, the cause, and at the initial
  encounter the place, activity and status, that the note's words reach in the
  External Cause Index, for each kind the engine did not give; with the injury's
  7th character.

How a rule replaces a code and leaves its reason is in ``edits``. Suppressed suggestions
(``Suggestion.suppressed``) stay visible with their reason,
are left out of bulk accepts and of evaluation, and a coder may still accept one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from medcoder_tui.codes.abbreviations import ABBREVIATIONS, AMBIGUOUS, expand_abbreviations
from medcoder_tui.codes.refs import any_match, parse_refs
from medcoder_tui.codes.systems import System, compact
from medcoder_tui.engines.analysis.clinical_text import (AGE_SEX, ASSESSMENT_SECTIONS, LEFT_TO_ANOTHER, NoteAnalysis,
                                                     line_at)
from medcoder_tui.engines.diagnoses.adverse_effects import (CYTOTOXIC_DRUGS, drug_cause_sentences, drug_induced_code,
                                                            sixth_character)
from medcoder_tui.engines.diagnoses.combinations import (HYDRONEPHROSIS, STONE, STONE_WITH_HYDRONEPHROSIS,
                                                          coronary_with_angina)
from medcoder_tui.engines.checks.conflicts import side_of, sites_apart
from medcoder_tui.engines.checks.diabetes import diabetes_with, documented_type
from medcoder_tui.engines.checks.due_to import sleep_due_to, substance_intoxication
from medcoder_tui.engines.checks.fragility import fragility_fractures
from medcoder_tui.engines.checks.edits import CONTEXT_FLAGS, Reground, add_reason, replace_code, usable_icd
from medcoder_tui.engines.checks.encounter_codes import asks_for_agent, encounter_codes
from medcoder_tui.engines.checks.external_cause_codes import external_causes, hold_suicide_attempt
from medcoder_tui.engines.checks.integral import INFECTIONS, bleeds, gangrenous, is_integral, is_symptom
from medcoder_tui.engines.checks.mentions import check_mentions
from medcoder_tui.engines.checks.metastases import secondary_as_primary, spread_sites
from medcoder_tui.engines.checks.neoplasm_history import treated_cancers
from medcoder_tui.engines.checks.pregnancy import gbs_carrier_in_pregnancy, pregnancy_conditions
from medcoder_tui.engines.checks.sepsis import sepsis_codes
from medcoder_tui.engines.diagnoses.encounter_terms import PRE_TRAVEL, exam_codes
from medcoder_tui.engines.checks.sequelae import stroke_sequelae
from medcoder_tui.engines.checks.skin_neoplasms import skin_neoplasms
from medcoder_tui.engines.checks.spine import disc_disorders
from medcoder_tui.engines.checks.acute_chronic import acute_and_chronic
from medcoder_tui.engines.checks.bilateral import both_sides
from medcoder_tui.engines.checks.specificity import FIRST_STEPS, LATER_STEPS, apply_steps
from medcoder_tui.engines.diagnoses.hierarchy import vagueness
from medcoder_tui.engines.checks.status_history import allergy_status, history
from medcoder_tui.engines.models import Flag, RawSuggestion, Suggestion


def apply_guidelines(suggestions: list[Suggestion], *, note: str, analysis: NoteAnalysis, setting: str,
                     reground: Reground, icd, types: set[System] | None = None) -> list[Suggestion]:
    """The suggestions after the guideline rules, in their order (a replaced code takes its place).

    Codes are added only in the systems asked for (``types``; None: all).
    """
    out = [apply_steps(FIRST_STEPS, s, note, analysis, reground, icd) for s in suggestions]
    out = [history(s, note, analysis, reground, icd) for s in out]
    out = [allergy_status(s, note, analysis, reground) for s in out]
    out = [apply_steps(LATER_STEPS, s, note, analysis, reground, icd) for s in out]
    _vaguer_after_a_step(out)
    # The sense of each mention first: what is added next looks at what stays reportable
    # ("with abnormal findings" only beside a diagnosis that is coded).
    _context_rules(out, out, note, analysis, setting, icd)
    if types is None or System.ICD10CM in types:
        hold_suicide_attempt(out)   # before the injuries whose external causes are read
        earlier = {id(s) for s in out}
        added = external_causes(out, note, analysis, reground, icd)
        added += spread_sites(out, note, analysis, icd, reground)
        added += sepsis_codes(out, note, analysis, reground)
        added += pregnancy_conditions(out, note, analysis, reground, icd)
        added += disc_disorders(out, note, analysis, reground, setting)
        added += encounter_codes(out + added, note, analysis, reground, icd, setting)
        out += added
        out += both_sides(out, note, analysis, icd, reground, lambda s, code, why: replace_code(s, code, why, reground))
        out += acute_and_chronic(out, note, icd, reground)
        # what was added or put in place here (a side's code) has not been read in its context yet
        _context_rules([s for s in out if id(s) not in earlier], out, note, analysis, setting, icd)
    if types is None or System.ICD10CM in types:
        def replace(s: Suggestion, code: str, reason: str) -> Suggestion:
            return replace_code(s, code, reason, reground)

        out = secondary_as_primary(out, note, analysis, icd, replace)
        out = skin_neoplasms(out, note, analysis, icd, replace)
        out = _drug_induced(out, note, analysis, icd, replace, setting)
        out = _fever_with_condition(out, icd, replace)
        out = documented_type(out, note, replace)
        out = _diabetes_with_hyperglycemia(out, note, analysis, icd, replace)
        out = _coronary_angina(out, note, replace)
        out = _calculous_hydronephrosis(out, replace)
        out = _hyperemesis_metabolic(out, replace)
        out = _organism_sibling(out, icd, replace)
        out = _copd_with_infection(out, replace, reground)
        out = gbs_carrier_in_pregnancy(out, note, analysis, replace)
        out = _lumbago_with_sciatica(out, note, analysis, replace)
        out = diabetes_with(out, note, replace, reground)
        out = sleep_due_to(out, note, analysis, replace)
        out = substance_intoxication(out, replace)
        out = fragility_fractures(out, note, icd, replace)
        out = stroke_sequelae(out, note, analysis, reground, replace)
        out = treated_cancers(out, note, analysis, reground, replace)
    _elevated_reading(out, note, analysis)
    _antenatal_screening(out, note, analysis)
    _current_stone(out)
    _ablated_thyroid(out)
    _gestational_diabetes_drugs(out)
    _pregnancy_hypertension(out)
    _superficial_beside_severe(out)
    _sirs_beside_infection(out)
    _shaft_not_end(out)
    _integral(out, icd)
    _wrapper_of_dropped(out)
    _catch_all(out)
    _orphan_external_causes(out)
    _unspecified_twin(out, icd)
    _included(out)
    _agent_named_by_its_host(out, icd)
    _counseling_in_exam(out)
    _situational_anxiety(out, note, analysis)
    _tobacco_history(out, note, analysis, icd)
    _complaint_injuries(out, analysis)
    _family_history_taken_up(out, note, analysis)
    _travel_risks(out, note, analysis)
    _allergy_is_todays_reaction(out)
    if setting == "outpatient" and (types is None or System.ICD10CM in types):
        out += _follow_up_after_treatment(out, note, analysis, reground)
    return out


# a visit that follows up a condition ("Follow-up after completed tx for CAP", "post-pneumonia recheck")
_FOLLOW_UP_VISIT = re.compile(r"\b(?:follow[- ]?up|f/u|re-?check(?:ed)?|re-?evaluation)\b|"
                              r"\bpost[- ](?!op\b|operative\b|partum\b|procedur)[a-z]+ (?:visit|check|recheck)\b", re.I)
_TREATMENT_DONE = re.compile(r"\b(?:completed|completion|finished|resolved|cleared)\b", re.I)


def _follow_up_after_treatment(out: list[Suggestion], note: str, analysis: NoteAnalysis,
                               reground: Reground) -> list[Suggestion]:
    """Z09 (guideline I.C.21.c.8): a visit to follow up a condition whose treatment is completed and which no longer
    exists, the assessment coding it as history ("Follow-up after completed tx for CAP - resolved": Z09, Z87.01);
    a malignancy's follow-up is Z08 (above), a condition still treated is coded itself."""
    if any(s.system is System.ICD10CM and (s.code in ("Z08", "Z09") or (usable_icd(s) and s.code[:1] == "C"))
           for s in out):
        return []
    for s in out:
        # (a history code put in place of the condition the note named: "CAP - resolved" read as Z87.01)
        if not (usable_icd(s) and s.code.startswith(("Z86", "Z87")) and s.code != "Z87.891"
                and s.original_code and s.original_code[:1] != "Z"):
            continue
        ev = next((e for e in s.evidence if e.located), None)
        if ev is None or analysis.section_at(ev.start) not in ASSESSMENT_SECTIONS:
            continue
        line = line_at(note, ev.start)
        said = _FOLLOW_UP_VISIT.search(line)
        if said is None or not _TREATMENT_DONE.search(line):
            continue   # (the assessment's own line: "Follow-up after completed tx for CAP - resolved")
        why = (f"follow-up examination after completed treatment of the condition {s.code} records as history "
               "(guideline I.C.21.c.8): Z09 first, the history code beside it")
        z09 = reground(RawSuggestion(code="Z09", system=System.ICD10CM, confidence=0.7, reasoning=why,
                                     evidence=[said.group(0)]))
        if z09.acceptable:
            z09.messages.append(why)
            return [z09]
    return []


# Allergy status to a drug (Z88) and the adverse effect of that drug's class (T36-T50, 6th character 5)
_ALLERGY_CLASSES = (("Z88.0", ("T36.0",)), ("Z88.1", ("T36.1", "T36.2", "T36.3", "T36.4", "T36.5", "T36.6", "T36.7",
                                                      "T36.8", "T36.9")),
                    ("Z88.2", ("T37.0",)), ("Z88.3", ("T37.1", "T37.2", "T37.3", "T37.4", "T37.5", "T37.8", "T37.9")),
                    ("Z88.4", ("T41",)), ("Z88.5", ("T40.0", "T40.1", "T40.2", "T40.3", "T40.4", "T40.6")),
                    ("Z88.6", ("T39",)))


def _allergy_is_todays_reaction(out: list[Suggestion]) -> None:
    """Allergy status to a drug (Z88) is a past allergy: beside the adverse effect of that drug coded for this
    encounter ("Penicillin allergy added to the chart" after today's reaction to amoxicillin) it is not coded."""
    effects = [s.code for s in out if usable_icd(s) and s.code[:3] <= "T50" and sixth_character(s.code) == "5"]
    if not effects:
        return
    for s in out:
        if not usable_icd(s) or not s.code.startswith("Z88"):
            continue
        classes = next((c for z, c in _ALLERGY_CLASSES if s.code.startswith(z)), ())
        reaction = next((e for e in effects if e.startswith(classes)), None) if classes else None
        if reaction is not None:
            add_reason(s, f"the allergy is this encounter's reaction, coded {reaction}: the allergy status code is "
                          "for a past one", Flag.GUIDELINE)


# the infections and their signs a pre-travel consultation counsels on (malaria, rabies, meningitis, travelers'
# diarrhea, schistosomiasis): risks of the trip, not conditions the traveler has
_TRAVEL_RISKS = ("A", "B", "G00", "G01", "G02", "G03", "G04", "R19.7", "K52", "K59.1", "R50")


def _travel_risks(out: list[Suggestion], note: str, analysis: NoteAnalysis) -> None:
    """In a pre-travel consultation, an infection only the counselling names (none in the assessment) is a risk
    of the trip, not a diagnosis."""
    if "travel" not in note[:420].lower() or not any(m.start() < 400 for m in PRE_TRAVEL.finditer(note, 0, 420)):
        return
    for s in out:
        if usable_icd(s) and s.code.startswith(_TRAVEL_RISKS) and not any(
                e.located and analysis.section_at(e.start) in ASSESSMENT_SECTIONS for e in s.evidence):
            add_reason(s, "a risk of the trip the pre-travel counselling names, not a condition the traveler has: "
                          "not coded", Flag.GUIDELINE)


_FAMILY_HISTORY_CUE = re.compile(r"\b(?:family (?:history|hx)|fam hx|fhx|fh|(?:first|second)[- ]degree relatives?)\b",
                                 re.I)
_FAMILY_CUE = re.compile(r"\b(?:family (?:history|hx)|fam hx|fhx|fh|mother|father|sister|brother|sibling|parent|"
                         r"grand(?:mother|father|parent)|aunt|uncle|first[- ]degree relative|relative)s?\b", re.I)
# "risk profile (former smoker, hyperlipidemia, father with premature MI)": a relative's condition the assessment weighs
_RELATIVE_WITH = re.compile(r"\b(?:mother|father|sister|brother|sibling|parent|grand(?:mother|father))s?\s+(?:with|had|"
                            r"died (?:of|from)|diagnosed with)\b", re.I)
_REASON_LINES = re.compile(r"^[ \t]*(?:cc|chief complaints?|reason for (?:the )?(?:visit|referral|consultation)|"
                           r"referred for|indications?)[ \t]*:[^\n]*", re.I | re.M)


def _family_history_taken_up(out: list[Suggestion], note: str, analysis: NoteAnalysis) -> None:
    """A family history is coded when it bears on this encounter (I.C.21.c.4: it puts the patient at risk of
    what is being looked for or managed): the assessment names the family history ("FHx of thyroid ca -
    supports FNA"), or the reason for the visit tells it ("Indication: screening, mother had colon cancer").
    One only listed in the family history section is background."""
    family = [s for s in out if usable_icd(s) and s.code[:3] in ("Z80", "Z81", "Z82", "Z83", "Z84")]
    if not family:
        return
    taken_up = any(_FAMILY_HISTORY_CUE.search(note, sec.start, sec.end) or _RELATIVE_WITH.search(note, sec.start, sec.end)
                   for sec in analysis.sections if sec.name in _ASSESSED) \
        or any(_FAMILY_CUE.search(m.group(0)) for m in _REASON_LINES.finditer(note))
    if taken_up:
        return
    for s in family:
        add_reason(s, "a family history the assessment does not take up (guideline I.C.21.c.4: coded when it bears "
                      "on the encounter): not coded", Flag.GUIDELINE)


_BY_CHEMOTHERAPY = re.compile(r"\b(?:due to|secondary to|from|after|caused by|related to|induced by)\s+(?:\w+\s+){0,2}?"
                              r"(?:chemo\w*|antineoplastic|cytotoxic|" + CYTOTOXIC_DRUGS + r")\b|"
                              r"\b(?:chemo(?:therapy)?|" + CYTOTOXIC_DRUGS + r")[- ](?:induced|related)\b|"
                              r"\bpost-?chemo(?:therapy)?\b", re.I)


@lru_cache(maxsize=1024)
def _chemotherapy_code(code: str, icd) -> str | None:
    """The billable code of ``code``'s category that names cancer chemotherapy as the cause (D70.1, D64.81,
    K12.31), or None."""
    return next((c for c in icd.billable_descendants(code[:3])
                 if re.search(r"\b(?:cancer chemotherapy|antineoplastic (?:chemo)?therapy)\b", icd.title(c) or "", re.I)),
                None)


def _drug_induced(out: list[Suggestion], note: str, analysis: NoteAnalysis, icd, replace: Callable,
                  setting: str = "outpatient") -> list[Suggestion]:
    """I.C.19.e.5.a: the nature of an adverse effect is coded first; where its category has a drug-induced
    code ("colitis due to pembrolizumab given as prescribed": K52.1, not K52.9), that code says it."""
    caused = None
    result = list(out)
    for s in out:
        # (of the sign codes, retention of urine has a drug-induced code of its own, R33.0; a fever beside a neutropenia
        # the drug caused is the neutropenia's, R50.81, not a drug fever)
        if not usable_icd(s) or "T36" <= s.code[:3] <= "T65" or (s.code[:1] in "RZVWXY" and not s.code.startswith("R33")) \
                or not s.evidence or not s.evidence[0].located:
            continue
        ev = s.evidence[0]
        sent = analysis.sentence_at(max(ev.start, ev.end - 1))
        chemo = _chemotherapy_code(s.code, icd) if sent is not None and _BY_CHEMOTHERAPY.search(
            note, sent.start, sent.end) else None
        if chemo is not None and chemo != s.code:
            # "febrile neutropenia due to chemotherapy": D70.1, "anemia ... due to chemotherapy": D64.81
            result[result.index(s)] = replace(s, chemo, f"the sentence says the cancer chemotherapy caused it "
                                                        f"(guideline I.C.19.e.5.a): {chemo} in place of {s.code}")
            continue
        sibling = drug_induced_code(s.code, icd)
        if sibling is None:
            continue
        if caused is None:
            caused = [analysis.sentence_at(start)
                      for start in drug_cause_sentences(note, analysis, inpatient=setting == "inpatient")]
        # (the sentence of the evidence, or another that names the same condition: "* Constipation - resolved" in the
        # diagnosis list, "Constipation from opioids/immobility - resolved with senna" in the course)
        words = re.findall(r"[a-z]{4,}", ev.text.lower())
        if sent is not None and any(c is not None and (c.start == sent.start or (
                words and all(w in note[c.start:c.end].lower() for w in words))) for c in caused):
            result[result.index(s)] = replace(s, sibling, f"the sentence names the drug that caused it (guideline "
                                                          f"I.C.19.e.5.a): drug-induced {sibling} in place of {s.code}")
    return result


def _diabetes_with_hyperglycemia(out: list[Suggestion], note: str, analysis: NoteAnalysis, icd,
                                 replace: Callable) -> list[Suggestion]:
    """Index: Diabetes, type 2, with hyperglycemia E11.65: "diabetes with polyneuropathy, uncontrolled with
    hyperglycemia" is E11.42 and E11.65, not the hyperglycemia R73.9 (whose Excludes1 is the diabetes)."""
    diabetes = [o for o in out if usable_icd(o) and re.match(r"E(?:08|09|10|11|13)\.", o.code)
                and not set(o.flags) & CONTEXT_FLAGS]
    # (ketoacidosis and hyperosmolarity include the hyperglycemia)
    if not diabetes or any(o.code[4:6] == "65" or o.code[4] in "01" for o in diabetes):
        return out
    result = list(out)
    for s in out:
        if not (s.system is System.ICD10CM and s.code == "R73.9" and s.acceptable and s.evidence
                and s.evidence[0].located and not set(s.flags) & CONTEXT_FLAGS):
            continue
        sent = analysis.sentence_at(s.evidence[0].start)
        if sent is None or analysis.section_at(sent.start) not in _ASSESSED \
                or not re.search(r"\bdiabet|\bdm\d?\b|\bt[12]dm\b", note[sent.start:sent.end], re.I):
            continue
        code = diabetes[0].code[:3] + ".65"
        if icd is not None and icd.is_billable(code):
            new = replace(s, code, f"hyperglycemia of the diabetes its sentence names (Index: Diabetes, with, "
                                   f"hyperglycemia): {code} in place of R73.9")
            new.flags = [f for f in new.flags if f not in (Flag.GUIDELINE, Flag.EXCLUDES1)]
            result[result.index(s)] = new
        break
    return result


def _fever_with_condition(out: list[Suggestion], icd, replace: Callable) -> list[Suggestion]:
    """A fever beside a condition whose "use additional code" note asks for "fever (R50.81)" (neutropenia D70) is
    the fever presenting with a condition classified elsewhere: R50.81, not R50.9."""
    if icd is None or not any(usable_icd(o) and "R50.81" in icd.use_additional_up(o.code) for o in out):
        return out
    return [replace(s, "R50.81", "fever with a condition whose note asks for it (use additional code): R50.81 in "
                                 f"place of {s.code}") if usable_icd(s) and s.code == "R50.9" else s for s in out]


def _coronary_angina(out: list[Suggestion], note: str, replace: Callable) -> list[Suggestion]:
    """I.C.9.b: coronary atherosclerosis and angina coded together are one combination code."""
    found = coronary_with_angina(out, note)
    if found is None:
        return out
    angina, cad, code = found
    why = f"coronary atherosclerosis with angina (guideline I.C.9.b presumes the link): {code}"
    new = replace(angina, code, f"{why} in place of {angina.code}")
    if new.code != code:
        return out
    cad.hold(f"{why}: not coded separately")
    return [new if s is angina else s for s in out]


def _ablated_thyroid(out: list[Suggestion]) -> None:
    """The hyperthyroidism a thyroid ablation or thyroidectomy treated (E05.-) is not coded beside the
    postprocedural hypothyroidism it left (E89.0): "Graves disease 2019, RAI ablation; hypothyroid since"."""
    after = next((s for s in out if usable_icd(s) and s.code == "E89.0"), None)
    for s in out:
        if after is not None and usable_icd(s) and s.code.startswith("E05"):
            add_reason(s, "the thyroid was ablated or removed: its postprocedural hypothyroidism (E89.0) is coded, "
                          "not the hyperthyroidism it treated", Flag.GUIDELINE)


def _current_stone(out: list[Suggestion]) -> None:
    """A personal history of urinary calculi (Z87.442) is not coded beside the stone this encounter treats."""
    current = next((s for s in out if usable_icd(s) and s.code.startswith(("N20", "N21", "N22", "N13.2", "N13.6"))),
                   None)
    for s in out:
        if current is not None and usable_icd(s) and s.code == "Z87.442":
            add_reason(s, f"a current stone is coded ({current.code}): its history code is not coded beside it",
                       Flag.GUIDELINE)


def _gestational_diabetes_drugs(out: list[Suggestion]) -> None:
    """I.C.15.i: the long-term insulin or oral hypoglycemic code is not assigned with gestational diabetes (O24.4-),
    whose own fifth and sixth characters say how it is controlled."""
    gdm = next((s for s in out if usable_icd(s) and s.code.startswith("O24.4")), None)
    for s in out:
        if gdm is not None and usable_icd(s) and s.code in ("Z79.4", "Z79.84", "Z79.85"):
            add_reason(s, f"{gdm.code} says how the gestational diabetes is controlled: {s.code} is not assigned "
                          "with it (guideline I.C.15.i)", Flag.GUIDELINE)


def _pregnancy_hypertension(out: list[Suggestion]) -> None:
    """A hypertension the note codes as pre-existing (O10-O11) is not also gestational (O13) or of no kind (O16)."""
    pre = next((s for s in out if usable_icd(s) and s.code.startswith(("O10", "O11"))), None)
    for s in out:
        if pre is not None and usable_icd(s) and s.code.startswith(("O13", "O16")):
            add_reason(s, f"the hypertension is pre-existing ({pre.code}): not also gestational or unspecified "
                          "(guideline I.C.15.d)", Flag.GUIDELINE)


def _calculous_hydronephrosis(out: list[Suggestion], replace: Callable) -> list[Suggestion]:
    """N20 Excludes1 "that with hydronephrosis (N13.2)": a kidney or ureter stone coded with its hydronephrosis
    is the one combination code (N13.6 instead when the note codes the infection, which N13.2 excludes)."""
    stone = next((s for s in out if usable_icd(s) and s.code.startswith(STONE)), None)
    hydro = next((s for s in out if usable_icd(s) and s.code.startswith(HYDRONEPHROSIS)), None)
    if stone is None or hydro is None or any(usable_icd(s) and s.code.startswith("N13.6") for s in out):
        return out
    why = f"calculus with hydronephrosis (N20 Excludes1: that with hydronephrosis, {STONE_WITH_HYDRONEPHROSIS})"
    new = replace(stone, STONE_WITH_HYDRONEPHROSIS, f"{why} in place of {stone.code}")
    if new.code != STONE_WITH_HYDRONEPHROSIS:
        return out
    hydro.hold(f"{why}: not coded separately")
    return [new if s is stone else s for s in out]


# O21.1 "Hyperemesis gravidarum with metabolic disturbance", its inclusion terms "such as carbohydrate depletion,
# dehydration, electrolyte imbalance": volume depletion (E86) and fluid, electrolyte and acid-base disorders (E87)
_METABOLIC_DISTURBANCES = ("E86", "E87")


def _hyperemesis_metabolic(out: list[Suggestion], replace: Callable) -> list[Suggestion]:
    """Hyperemesis gravidarum (O21.0) coded beside the dehydration or electrolyte imbalance it causes is the one
    combination code O21.1, whose inclusion terms name them: they are not coded apart."""
    mild = next((s for s in out if usable_icd(s) and s.code == "O21.0"), None)
    disturbances = [s for s in out if usable_icd(s) and s.code.startswith(_METABOLIC_DISTURBANCES)]
    if mild is None or not disturbances:
        return out
    why = "hyperemesis gravidarum with metabolic disturbance (O21.1 includes dehydration and electrolyte imbalance)"
    new = replace(mild, "O21.1", f"{why} in place of O21.0")
    if new.code != "O21.1":
        return out
    for s in disturbances:
        s.hold(f"{why}: not coded separately")
    return [new if s is mild else s for s in out]


# J44.0 "Chronic obstructive pulmonary disease with (acute) lower respiratory infection; code also to identify the
# infection": influenza, pneumonia, acute bronchitis and bronchiolitis, other acute lower respiratory infection
_LOWER_RESPIRATORY_INFECTIONS = ("J09", "J10", "J11", "J12", "J13", "J14", "J15", "J16", "J17", "J18", "J20", "J21",
                                 "J22")


def _copd_with_infection(out: list[Suggestion], replace: Callable, reground: Reground) -> list[Suggestion]:
    """COPD of no complication coded beside a lower respiratory infection is COPD with that infection (J44.0). COPD
    with acute exacerbation keeps J44.1 and takes J44.0 beside it: J44.0 and J44.1 exclude neither the other, and an
    exacerbation with an infection is both."""
    copd = next((s for s in out if usable_icd(s) and s.code in ("J44.9", "J44.1")), None)
    if copd is None or not any(usable_icd(s) and s.code.startswith(_LOWER_RESPIRATORY_INFECTIONS) for s in out) \
            or any(usable_icd(s) and s.code == "J44.0" for s in out):
        return out
    why = "COPD with a lower respiratory infection coded beside it (tabular J44.0: code also the infection)"
    if copd.code == "J44.1":
        new = reground(RawSuggestion(code="J44.0", system=System.ICD10CM, confidence=copd.confidence,
                                     reasoning=why, evidence=[e.text for e in copd.evidence]))
        if not new.acceptable:
            return out
        add_reason(new, why + ", beside the exacerbation J44.1")
        return out + [new]
    new = replace(copd, "J44.0", why + " in place of J44.9")
    return [new if s is copd else s for s in out] if new.code == "J44.0" else out


_LOW_BACK = re.compile(r"\b(?:low(?:er)? back pain|lumbago|lbp|lumbar (?:back )?pain|low back)\b", re.I)


def _lumbago_with_sciatica(out: list[Suggestion], note: str, analysis: NoteAnalysis,
                           replace: Callable) -> list[Suggestion]:
    """Index: Lumbago with sciatica (M54.4-): low back pain told with its sciatica is the one combination code."""
    sciatica = next((s for s in out if usable_icd(s) and s.code.startswith("M54.3") and s.evidence
                     and s.evidence[0].located), None)
    if sciatica is None:
        return out
    sent = analysis.sentence_at(sciatica.evidence[0].start)
    if sent is None or not _LOW_BACK.search(note, sent.start, sent.end):
        return out
    code = "M54.4" + sciatica.code[-1]
    why = f"low back pain with sciatica is lumbago with sciatica (Alphabetic Index): {code}"
    new = replace(sciatica, code, f"{why} in place of {sciatica.code}")
    if new.code != code:
        return out
    for s in out:
        if usable_icd(s) and s.code.startswith("M54.5"):
            s.hold(f"{why}: not coded separately")
    return [new if s is sciatica else s for s in out]


_LISTED_ONLY = frozenset({"past_medical_history", "past_surgical_history", "medications", "social_history",
                          "allergies", "problem_list"})
_ADDRESSED = frozenset({"assessment_plan", "impression", "diagnoses", "hospital_course", "chief_complaint"})


def _addressed_text(note: str, analysis: NoteAnalysis, sections: frozenset[str] = _ADDRESSED) -> str:
    """The lower-case text of the sections that take conditions up (assessment, diagnoses, course...)."""
    return "\n".join(note[sec.start:sec.end].lower() for sec in analysis.sections if sec.name in sections)


@lru_cache(maxsize=1)
def _short_forms() -> dict[str, tuple[str, ...]]:
    """Spelled-out condition -> the abbreviations that stand for it ("hypertension" -> "htn"), the ones that read
    as nothing else in lower case."""
    out: dict[str, list[str]] = {}
    for abbreviation, expansions in ABBREVIATIONS.items():
        if abbreviation not in AMBIGUOUS and len(abbreviation) > 1:
            for expansion in expansions:
                out.setdefault(expansion.lower(), []).append(abbreviation)
    return {k: tuple(v) for k, v in out.items()}


# a condition's grade or kind, which the assessment may leave out when it takes the condition up
_GRADES = frozenset({"essential", "primary", "mixed", "chronic", "benign", "unspecified", "stable", "controlled",
                     "uncontrolled", "mild", "moderate", "severe", "known", "pure"})


# A chronic condition the assessment takes up by its measure or its drug class, not its name ("Secondary prevention:
# atorvastatin at goal; BP at goal" takes up the listed hyperlipidemia and hypertension)
# (with its verdict: "BP/renal discussed" for a new NSAID, "keep a BP log" on an alpha blocker take up nothing)
_VERDICT = r"[^.;,\n]{0,20}?\b(?:(?:at|above|below|not at|near|to) goal|(?:well |poorly |un|not )?controlled|elevated)\b"
_MEASURES = (
    (("I10", "I11", "I12", "I13", "I1A"), re.compile(r"\b(?:bp|blood pressures?)\b" + _VERDICT)),
    (("E78",), re.compile(r"\b(?:ldl|lipids?|cholesterol|\w+statin)\b" + _VERDICT)),
    (("E03", "E89.0"), re.compile(r"\b(?:tsh|levothyroxine)\b" + _VERDICT)),
    # the hypertensive kidney or heart disease, by the kidney disease or heart failure the assessment takes up (the
    # code's combination is presumed, I.C.9.a: "CKD 3a - stable" takes up the listed "HTN; CKD 3a")
    (("I12", "I13"), re.compile(r"\b(?:ckd|chronic kidney disease|esrd|end[- ]stage (?:renal|kidney) disease)\b")),
    (("I11", "I13"), re.compile(r"\b(?:chf|hfref|hfpef|heart failure)\b")),
)


# ... or by an act on a drug that treats it and little else ("Hold metoprolol and lisinopril tonight (soft BP)" takes
# up the listed hypertension; "continue home meds" takes up nothing)
_DRUG_ACTS = r"(?:hold|held|holding|stop|stopped|discontinued?|d/c|resumed?|restart(?:ed)?|increased?|decreased?|" \
             r"reduced?|titrated?|adjust(?:ed)?|started?|switch(?:ed)?)"
_DRUGS_FOR = (
    (("I10", "I11", "I12", "I13", "I1A"), r"lisinopril|losartan|valsartan|olmesartan|irbesartan|telmisartan|candesartan|"
                                           r"benazepril|enalapril|ramipril|quinapril|amlodipine|nifedipine|"
                                           r"hydrochlorothiazide|hctz|chlorthalidone|antihypertensives?|bp meds?"),
    (("E11",), r"metformin|glipizide|glyburide|glimepiride|sitagliptin|linagliptin|pioglitazone"),
    (("E78",), r"atorvastatin|rosuvastatin|simvastatin|pravastatin|lovastatin|ezetimibe"),
    (("E03", "E89.0"), r"levothyroxine"),
)
_DRUG_TAKEN_UP = tuple(
    (prefixes, re.compile(r"\b" + _DRUG_ACTS + r"\b[^.;\n]{0,30}?\b(?:" + drugs + r")\b|\b(?:" + drugs
                          + r")\b[^.;\n(]{0,20}?\b" + _DRUG_ACTS + r"\b", re.I))
    for prefixes, drugs in _DRUGS_FOR)
# (where the act is told, not planned: "he stopped his lisinopril last month" in the story, a list's "held"; an
# unlabelled "MDM:" or "ED course:" runs on under the exam's or results' label and plans there)
_NOT_PLANNED = _LISTED_ONLY | {"hpi", "review_of_systems", "family_history"}


def _drug_acted_on(code: str, analysis: NoteAnalysis) -> bool:
    """Whether the note's plan acts on a drug that treats the condition of ``code`` and little else, wherever the
    plan stands (an ED note's "MDM:" too)."""
    drug = next((rx for prefixes, rx in _DRUG_TAKEN_UP if code.startswith(prefixes)), None)
    if drug is None:
        return False
    # (once per drug group and note: a long note is read once, whichever of the group's codes asks)
    return analysis.once(("drug_acted_on", drug.pattern), lambda: any(
        analysis.section_at(m.start()) not in _NOT_PLANNED for m in drug.finditer(analysis.text)))


def _taken_up_by_measure(code: str, addressed: str) -> bool:
    for prefixes, rx in _MEASURES:
        if not code.startswith(prefixes):
            continue
        for m in rx.finditer(addressed):
            start, end = addressed.rfind("\n", 0, m.start()) + 1, addressed.find("\n", m.end())
            if not LEFT_TO_ANOTHER.search(addressed[start:end if end >= 0 else len(addressed)]):
                return True
    return False


_AXIS_WORD = re.compile(r"\b(?:stage|class|grade|type)\s+")


def _named_in(words: str, addressed: str) -> bool:
    """Whether the addressed text names the condition ``words`` name: as written, spelled out, or without the
    grade or kind the list gives it."""
    if words in addressed:
        return True
    # ("CKD stage 3a" listed, "CKD 3a - stable" assessed: the axis word left out)
    bare = _AXIS_WORD.sub("", words)
    if bare != words and len(bare) >= 4 and re.search(r"(?<![a-z0-9])" + re.escape(bare) + r"(?![a-z0-9])",
                                                      _AXIS_WORD.sub("", addressed)):
        return True
    spelled = expand_abbreviations(words).lower()
    head = " ".join(w for w in re.findall(r"[a-z0-9']+", spelled) if w not in _GRADES)
    if len(head) < 4:
        return False
    # ("#2 HTN, above goal" takes up the problem list's "essential hypertension")
    names = (head, *_short_forms().get(head, ()))
    for m in re.finditer(r"\b(?:" + "|".join(re.escape(n) for n in names) + r")\b", addressed):
        start, end = addressed.rfind("\n", 0, m.start()) + 1, addressed.find("\n", m.end())
        if not LEFT_TO_ANOTHER.search(addressed[start:end if end >= 0 else len(addressed)]):
            return True   # (not on a line that leaves it to another visit: "Asthma stable; not addressed")
    # the condition's head noun with one of its qualifiers on one line ("Diabetic peripheral polyneuropathy" listed,
    # "... in type 2 DM with peripheral neuropathy" assessed)
    content = head.split()
    if len(content) < 2 or len(content[-1]) < 6:
        return False
    nouns = {content[-1], content[-1].removeprefix("poly")}
    qualifiers = {w for w in content[:-1] if len(w) > 3}
    for line in addressed.split("\n"):
        said = set(re.findall(r"[a-z0-9']+", line))
        if said & nouns and said & qualifiers and not LEFT_TO_ANOTHER.search(line):
            return True
    return False


_TOBACCO_CODES = ("F17.2", "Z72.0")
_TOBACCO_WORDS = re.compile(r"\b(?:tobacco|smok\w*|nicotine|cigar\w*|vap(?:e|es|ing))\b")


def _listed_not_addressed(s: Suggestion, addressed: str, analysis: NoteAnalysis, setting: str,
                          out: list[Suggestion], icd) -> None:
    """IV.J: in an office or ED note, a condition only the past history or medication list names, and that
    the assessment does not take up, is not coded for this encounter, unless a condition coded here asks for it."""
    past = s.code.startswith(("Z86", "Z87")) and s.original_code[:1] not in ("", "Z")   # a past condition's code
    if (setting == "inpatient" and not s.code.startswith(_INPATIENT_LISTED_ONLY)) or not usable_icd(s) \
            or (s.code[:1] in "ZVWXY" and not past) or not s.evidence:
        return
    if (s.original_code and s.original_code[:3] != s.code[:3] and not past) or s.code == "I25.2" \
            or not all(e.located and (analysis.section_at(e.start) in _LISTED_ONLY
                                      or (not past and (_history_list(e, analysis) or _score_item(e, analysis))))
                       for e in s.evidence):
        return   # (a history code the layer put in place is the history's own code; a more specific code of the
        # same category is still only listed)
    words = s.evidence[0].text.strip().lower()
    if len(words) < 2 or _named_in(words, addressed) or (past and not addressed.strip()) \
            or _taken_up_by_measure(s.code, addressed) or _drug_acted_on(s.code, analysis):
        return   # (a note with no assessment at all says nothing of what the visit took up)
    if s.code.startswith(_TOBACCO_CODES) and _TOBACCO_WORDS.search(addressed):
        return   # "smokes 1/2 ppd" in the social history, "tobacco use counseled" in the assessment
    if past and _asked_for_by_coded(s.code, out, icd, first=False):
        return   # (a past condition's history code that a coded diagnosis asks for)
    add_reason(s, _LISTED_ONLY_REASON + " and not addressed at this encounter (guideline IV.J): not coded",
               Flag.GUIDELINE)


_LISTED_ONLY_REASON = "listed in the past history only"
# a stay's record codes the chronic conditions that bear on its care (UHDDS "other diagnoses"); an osteoarthritis the
# past history lists and nothing in the stay treats or weighs is not one of them
_INPATIENT_LISTED_ONLY = ("M15", "M16", "M17", "M18", "M19")


def _only_listed(s: Suggestion) -> bool:
    """Whether IV.J's "listed only" is the one reason ``s`` is not reported."""
    return sum("not coded" in m for m in s.messages) == 1 \
        and any(m.startswith(_LISTED_ONLY_REASON) for m in s.messages)



# "67M with PMH of HTN, DM2, GERD and BPH presents with ...": the story's opening list of past conditions
# ("Hx HTN, hyperlipidemia, former smoker": the abbreviation alone heads the list too)
_PAST_ABBREVIATION = r"(?:pmhx?|hx|h/o)"
_HISTORY_LIST = re.compile(r"\b(?P<label>(?:" + _PAST_ABBREVIATION + r"|past medical history|(?:a )?(?:medical )?history)"
                           r"\s*(?:of|significant for|notable for|includes?|:)|" + _PAST_ABBREVIATION
                           + r"(?=\s+(?:[a-z]|$)))\s+[^.;]*$", re.I)
_ABBREVIATED_LABEL = re.compile(_PAST_ABBREVIATION + r"\b", re.I)
# "History: 61 y/o woman, substernal chest tightness...": a label the story opens under heads no list
_STORY_UNDER_LABEL = re.compile(r"\s*" + AGE_SEX, re.I)
# "57M w/ HTN, HLD, active smoker, p/w chest pain": the patient's age and sex, then what they live with, then what
# brings them ("67M with type 2 diabetes with CKD 3a." alone tells the visit's problem)
# ("68 yo man, T2DM (oral meds), HTN, BPH, brought in by wife after he passed out": a comma opens the list too)
_AGE_SEX_WITH = re.compile(r"^\s*(?:[a-z ]{1,30}:\s*)?" + AGE_SEX + r"(?:\s+(?:w/|with)\s+|\s*,\s*)[^.;]*$", re.I)
# (or the event that brings them: "79F w/ AF on apixaban, HTN, hypothyroidism, ... when she slipped ... and fell")
_PRESENTS = re.compile(r"\b(?:p/w|presents?|presenting|here (?:for|with)|c/o|complains?|comes? in|came in|"
                       r"when (?:she|he|they|the patient|pt)|slipped|tripped|fell|was found|woke up|brought (?:in|to)|"
                       r"bib)\b", re.I)
_STORY_GOES_ON = re.compile(r"\b(?:presents?|presented|presenting|p/w|comes?|came|here|complains?|c/o|reports?|with \d|"
                            r"now|today|who|since|for (?:the )?(?:past|last)|x \d)\b", re.I)


_LABEL_IN_EVIDENCE = re.compile(_PAST_ABBREVIATION + r"\s+(?=\S)", re.I)


def _history_list(ev, analysis: NoteAnalysis) -> bool:
    """The mention stands in the story's opening list of past conditions ("with PMH of HTN, DM2, GERD")."""
    section = analysis.section_at(ev.start)
    if section not in ("hpi", None):
        return False   # (the story, or a line no label heads: "Pre-procedure H&P: PMH HTN, hyperlipidemia")
    sent = analysis.sentence_at(ev.start)
    if sent is None:
        return False
    # (the evidence widened to be unique may begin with the list's own label: "PMH HTN")
    label = _LABEL_IN_EVIDENCE.match(ev.text)
    before = analysis.text[sent.start:ev.start + (label.end() if label else 0)]
    m = _HISTORY_LIST.search(before)
    if m is not None:
        if section is None and not _ABBREVIATED_LABEL.match(m.group("label")):
            return False   # (outside the story only the past-history abbreviation heads a list: "History: ..." tells)
        if _STORY_UNDER_LABEL.match(before, m.end("label")):
            return False
    else:
        m = _AGE_SEX_WITH.search(before)
        if m is None or section is None or not _PRESENTS.search(analysis.text, ev.end, sent.end):
            return False
    return not _STORY_GOES_ON.search(before, m.start())


# "AF on warfarin (CHA2DS2-VASc 4: age >= 75, HTN, DM)": the items a risk score counts, each a condition the patient
# has, none taken up by being counted
_RISK_SCORE = re.compile(r"\b(?:cha2?ds2?(?:-?vasc)?|has-?bled)\b[^).;\n]*$", re.I)


def _score_item(ev, analysis: NoteAnalysis) -> bool:
    return _RISK_SCORE.search(analysis.text, max(0, ev.start - 80), ev.start) is not None


# "Insomnia is part of the depressive episode; no separate sleep disorder": the writer ties the finding to another
# ("Viral URI symptoms - part of the same illness": a dash says it as well)
_PART_OF = re.compile(r"[^.;\n]{0,30}?(?:\b(?:is|are)\s+|\s[-\u2013:]\s*)(?:(?:a|an|the)\s+)?(?:part of|"
                      r"(?:symptom|feature|manifestation)s? of|explained by|accounted for by)\b", re.I)


def _part_of_another(s: Suggestion, note: str, analysis: NoteAnalysis) -> None:
    """I.B.5: a sign or condition the note says is part of another ("insomnia is part of the depressive episode")
    is not coded apart."""
    if not usable_icd(s) or s.code[:1] in "ZVWXY" or not s.evidence or not s.evidence[0].located:
        return
    ev = s.evidence[0]
    sent = analysis.sentence_at(ev.start)
    if sent is not None and _PART_OF.match(note, ev.end, sent.end):
        add_reason(s, "the note says it is part of another condition (guideline I.B.5): not coded separately",
                   Flag.GUIDELINE)


_PARENTHESIS = re.compile(r"\([^()]*\)")


def _left_to_another(s: Suggestion, note: str, analysis: NoteAnalysis, setting: str,
                     out: list[Suggestion], icd) -> None:
    """IV.J: in an office or ED note, a condition whose line says it is not addressed here ("DM2, HTN, BPH -
    per PCP, not addressed") is not coded for this encounter, unless a condition coded here asks for it first."""
    if setting == "inpatient" or not usable_icd(s) or s.code[:1] in "ZVWXY" or not s.evidence \
            or not s.evidence[0].located or "T36" <= s.code[:3] <= "T50":
        return   # (a drug's adverse effect or underdosing quotes the drug: its condition says whether it is taken up)
    if _asked_for_by_coded(s.code, out, icd):
        return
    ev = s.evidence[0]
    line_end = note.find("\n", ev.end)
    # from the mention's own words: widened to be unique, they may hold the start of "per PCP"
    line = note[ev.start:line_end if line_end >= 0 else len(note)]
    line = line[:120 + ev.end - ev.start]
    # (in a past history's list another item's aside is that item's: "PMH: hypertension, type 2 diabetes (A1c 6.8%,
    # followed by PCP), hyperlipidemia"; elsewhere an aside may be the line's: "Seb derm - stable, continue shampoo
    # (no change; not separately addressed)", "hyperlipidemia and hypertension, both stable (managed at separate
    # visit)")
    item_end = re.search(r"[,;]", line[ev.end - ev.start:])
    if item_end is not None and analysis.section_at(ev.start) in ("past_medical_history", "problem_list"):
        cut = ev.end - ev.start + item_end.start()
        line = line[:cut] + _PARENTHESIS.sub(" ", line[cut:])
    # (or the label that heads the mention's list: "Problem list carried in chart (not focus of therapy): HTN, GERD")
    head = note[note.rfind("\n", 0, ev.start) + 1:ev.start]
    label = head[:head.rfind(":")] if ":" in head else ""
    deferred = _DEFERRED.search(line)
    if deferred is not None and s.code[:1] == "R" and re.match(r"(?i)recheck|repeat", deferred.group()):
        deferred = None   # ("Elevated BP reading, likely pain-related - recheck with PCP"): a finding's recheck is its care
    if LEFT_TO_ANOTHER.search(line) or LEFT_TO_ANOTHER.search(label) \
            or (deferred is not None and not _MANAGED_HERE.search(line)):
        add_reason(s, "the note says it is not addressed at this encounter (guideline IV.J): not coded", Flag.GUIDELINE)


def _asked_for_by_coded(code: str, out: list[Suggestion], icd, *, first: bool = True) -> bool:
    """Whether a condition coded for this encounter names ``code`` in its "code first" note (``first``) or its
    "use additional code" note: the stage of a diabetic CKD the visit manages (N18.32: "code first any associated
    diabetic chronic kidney disease (E11.22)") is coded with its cause, whoever else follows the diabetes; emphysema
    (J43: "use additional code to identify history of tobacco dependence (Z87.891)") with the smoking history the
    social history tells."""
    for o in out:
        if o.code == code or not usable_icd(o) or set(o.flags) & CONTEXT_FLAGS:
            continue
        text = (entry.code_first if (entry := icd.get(o.code)) else "") if first else icd.use_additional_up(o.code)
        if any_match(parse_refs(text), code):
            return True
    return False


# "Osteopenia - bone health f/u with PCP", "repeat DEXA 2026 with PCP": left to the primary care physician, when
# the line manages nothing itself ("HTN - continue lisinopril, f/u PCP" is managed here)
# ("HTN - PCP managing", "slightly above goal; PCP following; no change today": the other physician manages it)
_DEFERRED = re.compile(r"\b(?:f/u|follow[- ]?up|recheck|repeat \S+(?: in)?(?: \d{4})?) with (?:the |his |her |their )?"
                       r"(?:pcp|primary care)\b|\b(?:pcp|primary care(?: provider| physician)?) (?:is )?"
                       r"(?:managing|manages|following|follows)\b(?! up)", re.I)
_MANAGED_HERE = re.compile(r"(?<!\bno )\b(?:continu\w*|cont|start\w*|increas\w*|decreas\w*|titrat\w*|adjust\w*|"
                           r"refill\w*|rx|prescrib\w*|given|gave|resum\w*|held|hold|stop\w*|switch\w*|change\w*|"
                           r"check\w*|order\w*)\b", re.I)


def _exam_of(analysis: NoteAnalysis):
    """The routine examination the note's visit is (read once per note)."""
    if "exam" not in analysis.memo:
        analysis.memo["exam"] = exam_codes(analysis.text, analysis)
    return analysis.memo["exam"]


_STORY = frozenset({"hpi", "chief_complaint"})
_QUALIFIERS = frozenset("persistent chronic acute severe mild moderate intermittent worsening worse new recurrent "
                        "ongoing constant daily nightly right left bilateral the and with".split())


def _chief_complaint_only(s: Suggestion, analysis: NoteAnalysis) -> bool:
    return all(analysis.section_at(e.start) == "chief_complaint" for e in s.evidence)
_ASSESSED = _ADDRESSED - {"chief_complaint"}


# acute self-limited illnesses a story tells as what came before ("URI x2 d then increasing cough, wheeze"):
# like a symptom, coded only when the assessment takes them up
_TITLE_FILLER = frozenset({"unspecified", "other", "acute", "chronic", "infection", "infections", "disease",
                           "organism", "site", "without", "with", "multiple", "sites"})
_SELF_LIMITED = ("J00", "J06.9", "J02.9", "J20.9", "B34.9", "A08.4", "A09", "K52.9")


_MDM_LINE = re.compile(r"^[ \t]*(?:mdm|medical decision[- ]making)\b[^\n]*", re.I | re.M)


def _story_only_symptom(s: Suggestion, addressed: str, analysis: NoteAnalysis, out: list[Suggestion]) -> None:
    """IV.D: in an office or ED note whose assessment names a diagnosis, a symptom (or an acute self-limited
    illness) only the chief complaint or the history of the present illness tells, and that the assessment
    does not take up, is not coded: the final diagnostic statement says what the symptoms were.
    (``addressed``: the assessment's text, without the chief complaint.)"""
    if not addressed or not usable_icd(s) or not (is_symptom(s.code) or s.code.startswith(_SELF_LIMITED)) \
            or not s.evidence:
        return
    if not all(e.located and analysis.section_at(e.start) in _STORY for e in s.evidence):
        return
    words = s.evidence[0].text.strip().lower()
    if len(words) < 3 or words in addressed:
        return
    # "persistent cough" taken up as "chronic dry cough": the symptom's own words, its qualifiers aside
    own = set(re.findall(r"[a-z]{3,}", words)) - _QUALIFIERS
    said = set(re.findall(r"[a-z]{3,}", addressed))
    if own and own <= said and _chief_complaint_only(s, analysis):
        return
    # "Nausea, vomited x1" taken up by the assessment or an ED note's "MDM:" line as "Nausea/vomiting from the
    # ingestion": the same words in another form
    if "mdm_words" not in analysis.memo:   # (read once per note: every symptom asks)
        mdm = " ".join(m.group(0) for m in _MDM_LINE.finditer(analysis.text)).lower()
        analysis.memo["mdm_words"] = frozenset(re.findall(r"[a-z]{3,}", mdm))
    if own and len(own) > 1 and {w[:5] for w in own} <= {w[:5] for w in said | analysis.memo["mdm_words"]}:
        return
    if not is_symptom(s.code):
        named = set(re.findall(r"[a-z]{4,}", s.description.lower())) - _QUALIFIERS - _TITLE_FILLER
        if (own | named) & said:
            return   # the assessment names the illness, in the story's words or the code's ("Acute pharyngitis")
    diagnosis = next((d.code for d in out if d is not s and usable_icd(d) and d.code[:1] not in "RZVWXY"
                      and not set(d.flags) & CONTEXT_FLAGS), None)
    if diagnosis is None and (exam := _exam_of(analysis)) is not None:
        diagnosis = f"the routine examination ({exam[0][0]})"   # a preventive visit's story is no complaint
    if diagnosis is not None:
        add_reason(s, f"a symptom of the history that the assessment does not take up beside {diagnosis} "
                      "(guideline IV.D): not coded", Flag.GUIDELINE)


def _context_rules(some: list[Suggestion], out: list[Suggestion], note: str, analysis: NoteAnalysis,
                   setting: str, icd) -> None:
    """Uncertainty by setting, exam-only findings and the sense of each mention, for ``some`` of ``out``."""
    addressed = _addressed_text(note, analysis)
    assessed = _addressed_text(note, analysis, _ASSESSED) if setting != "inpatient" else ""
    for s in some:
        _uncertain(s, setting, out)
        _exam_only(s, note, analysis)
        _incidental_finding(s, note, analysis, setting)
        if not any(o is not s and o.code == s.code and usable_icd(o) and o.evidence and o.evidence[0].located
                   and analysis.section_at(o.evidence[0].start) in _ASSESSED for o in out):
            # (the same code read again in the assessment, "BPH with nocturia" after the listed "BPH with LUTS",
            # is taken up there)
            _listed_not_addressed(s, addressed, analysis, setting, out, icd)
        _left_to_another(s, note, analysis, setting, out, icd)
        _part_of_another(s, note, analysis)
        _story_only_symptom(s, assessed, analysis, out)
    check_mentions(some, note, analysis)



def _uncertain(s: Suggestion, setting: str, all_: list[Suggestion]) -> None:
    """IV.H: outpatient and ED do not code uncertain diagnoses; the symptoms are coded."""
    if setting == "inpatient" or Flag.UNCERTAIN not in s.flags or s.system is not System.ICD10CM:
        return
    if is_symptom(s.code):
        return   # a sign or symptom is what the guideline asks for
    symptoms = [o.code for o in all_ if o is not s and usable_icd(o) and is_symptom(o.code)
                and not (set(o.flags) & CONTEXT_FLAGS)]
    instead = f"code the symptom {', '.join(symptoms[:3])} instead" if symptoms else \
        "code the documented signs or symptoms instead"
    add_reason(s, f"uncertain diagnosis in the {setting} setting (guideline IV.H): {instead}", Flag.GUIDELINE)


_EXAM_SECTIONS = frozenset({"physical_exam", "review_of_systems", "labs", "imaging"})
_FINDING_CODES = ("R", "L53", "M25.5", "M79.6", "L90.5", "L81", "M62.8", "L98.9", "D49")


def _exam_only(s: Suggestion, note: str, analysis: NoteAnalysis) -> None:
    """IV.K / III.B: a sign or abnormal finding that only the exam, the review of systems or a
    result mentions is not coded unless the provider addresses it (the assessment, the history)."""
    if not usable_icd(s) or not s.code.startswith(_FINDING_CODES) or not s.evidence:
        return
    words = s.evidence[0].text.strip().lower()
    if len(words) < 3:
        return
    low = note.lower()
    pos = low.find(words)
    sections = set()
    while pos >= 0:
        sections.add(analysis.section_at(pos))
        pos = low.find(words, pos + 1)
    if sections and sections <= _EXAM_SECTIONS:
        add_reason(s, "a finding of the exam, review of systems or results that the assessment does not address "
                 "(guideline IV.K): not coded", Flag.GUIDELINE)


# "Scattered seborrheic keratoses trunk - benign, no tx needed": the provider says it needs no care
_NO_CARE_NEEDED = re.compile(r"\bno (?:tx|treatment|intervention|therapy|action|further (?:w/u|workup|work-up|evaluation)) "
                             r"(?:is |was )?(?:needed|required|indicated|necessary)\b", re.I)


def _incidental_finding(s: Suggestion, note: str, analysis: NoteAnalysis, setting: str) -> None:
    """IV.J: in an office or ED note, a condition only the exam names, in a sentence that says it needs no care,
    and that the assessment does not take up, is not coded."""
    if setting == "inpatient" or not usable_icd(s) or s.code[:1] in "ZVWXY" or not s.evidence \
            or not all(e.located and analysis.section_at(e.start) == "physical_exam" for e in s.evidence):
        return
    for e in s.evidence:
        sent = analysis.sentence_at(e.start)
        if sent is None or not _NO_CARE_NEEDED.search(note, sent.start, sent.end):
            return
    add_reason(s, "an incidental exam finding the note says needs no care, not taken up by the assessment (guideline "
                  "IV.J): not coded", Flag.GUIDELINE)


# Codes of an unspecified infection, neoplasm or injury site, and what makes them redundant.
_CATCH_ALL = {"B99.9": INFECTIONS,
              "D49.9": ("C", "D0", "D1", "D2", "D3", "D4"), "C80.1": ("C0", "C1", "C2", "C3", "C4", "C5", "C6",
                                                                    "C7", "C81", "C82", "C83", "C84", "C85", "C9"),
              # an injury of no kind ("wound"), once the injury's own code is there, or the chronic ulcer or the
              # surgical wound the note's "wound" is (a wound clinic's "Wound measures 2 x 1 cm")
              "T14.8": ("S", "T0", "T1", "T2", "T3", "L97", "L98.4", "L89", "E08.62", "E09.62", "E10.62", "E11.62",
                        "E13.62", "I83.0", "I83.2", "I70.23", "I70.24", "I70.25", "T81.3", "T81.4"),
              # osteoarthritis of an unspecified site, once the site's own code is there
              "M19.9": ("M15", "M16", "M17", "M18", "M19.0", "M19.1", "M19.2"), "T14.9": ("S", "T0", "T1", "T2", "T3"),
              # anaphylaxis or allergy not elsewhere classified, once the drug's own T36-T50 code is there;
              # an allergy of no kind, once the reaction is named (anaphylaxis, angioedema, serum reaction)
              "T78.2": tuple(f"T{n}" for n in range(36, 51)),
              "T78.4": tuple(f"T{n}" for n in range(36, 51)) + ("T78.0", "T78.1", "T78.2", "T78.3", "T80.5", "T80.6",
                                                                "T88.6"),
              # an erythematous condition or skin disorder of no kind, once the skin's diagnosis is there
              "L53.9": ("L0", "L1", "L2", "L3", "L4", "L5", "L6", "L7", "L8", "L9", "B0", "B35", "B36", "D2", "C44"),
              # a burn of an unspecified region, once the burned regions' own codes are there
              "T30.0": ("T20", "T21", "T22", "T23", "T24", "T25", "T26", "T27", "T28"),
              # a toxic effect of an unspecified substance, once the substance's own poisoning code is there
              "T65.9": tuple(f"T{n}" for n in range(36, 65)) + tuple(f"T65.{n}" for n in range(9)),
              # a disorder of the ear of no kind, once the ear's diagnosis is there (otitis, hearing loss)
              "H93.9": ("H6", "H7", "H80", "H81", "H83", "H90", "H91", "H92", "H93.0", "H93.1", "H93.2", "S0", "T16"),
              "L98.9": ("L0", "L1", "L2", "L3", "L4", "L5", "L6", "L7", "L8", "L90", "L91", "L92", "L93", "L94",
                        "L95", "B0", "B35", "B36", "D2", "C44"),
              # an atrial fibrillation of no type, once its type is coded (persistent, permanent, paroxysmal)
              "I48.91": ("I48.0", "I48.1", "I48.2"),
              # a viral hepatitis of no course, once the chronic or acute code is there
              "B19.2": ("B17.1", "B18.2"), "B19.1": ("B16", "B18.0", "B18.1"),
              # lymph nodes of no region, once the region's nodal metastasis is there (C77.3 axillary)
              "C77.9": ("C77.0", "C77.1", "C77.2", "C77.3", "C77.4", "C77.5", "C77.8"),
              # a breast lump, once the breast's neoplasm is coded (the mass is the cancer)
              "N63": ("C50", "D05", "D24", "D48.6", "D49.3"),
              # a urinary tract infection of no site, once the site's infection is there (pyelonephritis,
              # cystitis, urethritis, prostatitis); N39.0's Excludes1 names only some of them
              "N39.0": ("N10", "N11", "N12", "N13.6", "N15.1", "N30", "N34", "N41", "N45", "N51", "O23", "O86.2"),
              # a colon polyp, once its pathology is coded (K63.5 Excludes2 adenomatous polyp D12.-, inflammatory
              # polyp K51.4-; a malignant polyp is the cancer)
              "K63.5": ("D12", "K51.4", "C18", "C19", "C20", "D01.0", "D01.1", "D01.2"),
              # chest pain of no kind, once its kind is coded (atypical / other chest pain, pleuritic, precordial)
              "R07.9": ("R07.1", "R07.2", "R07.8"),
              # a valve disorder of no kind, once the valve's endocarditis or named disorder is coded
              "I34.9": ("I33", "I34.0", "I34.1", "I34.2", "I34.8"), "I35.9": ("I33", "I35.0", "I35.1", "I35.2", "I35.8"),
              "I36.9": ("I33", "I36.0", "I36.1", "I36.2", "I36.8"), "I37.9": ("I33", "I37.0", "I37.1", "I37.2", "I37.8"),
              # a viral wart of no kind, once the wart's kind is coded (plantar, common, anogenital)
              "B07.9": ("B07.0", "B07.8", "A63.0"),
              # a hypothyroidism of no cause, once its autoimmune cause is coded (Index: Hypothyroidism, autoimmune
              # E06.3: "Hashimoto's hypothyroidism" is E06.3 alone)
              "E03.9": ("E06.3",),
              # a pneumonia of no organism, once the organism's pneumonia is coded (J13 pneumococcal, J15.x, the
              # influenza codes "with pneumonia")
              "J18.9": ("J09", "J10", "J11", "J12", "J13", "J14", "J15", "J16", "J17", "A48.1", "B01.2", "B05.2")}


def _complaint_injuries(out: list[Suggestion], analysis: NoteAnalysis) -> None:
    """A complaint's injury ("dog bite L arm") gives way to the diagnosis's injury of the same kind and
    side ("Dog bite L forearm": open bite of the left forearm), the site the assessment settles on."""
    def kind(s: Suggestion) -> str:
        return re.sub(r"\bof\b.*", "", s.description.lower()).strip()   # "open bite", "laceration without ..."
    def where(s: Suggestion) -> set:
        return {analysis.section_at(e.start) for e in s.evidence if e.located}
    injuries = [s for s in out if usable_icd(s) and s.code[:1] == "S" and s.evidence]
    for s in injuries:
        if not where(s) or not where(s) <= {"chief_complaint"}:
            continue
        side = "left" if "left" in s.description.lower() else "right" if "right" in s.description.lower() else ""
        better = next((o for o in injuries if o is not s and kind(o) == kind(s) and side in o.description.lower()
                       and where(o) & _ADDRESSED - {"chief_complaint"}), None)
        if better is not None:
            add_reason(s, f"the complaint's words; the diagnosis names the site: {better.code}", Flag.GUIDELINE)
    # "Unspecified injury of left elbow" beside the injury the note names on the same side (a fracture)
    for s in injuries:
        low = s.description.lower()
        if not low.startswith("unspecified injury") or s.suppressed:
            continue
        side = "left" if "left" in low else "right" if "right" in low else ""
        named = next((o for o in injuries if o is not s and not o.suppressed and side in o.description.lower()
                      and not o.description.lower().startswith("unspecified injury")), None)
        if named is not None:
            add_reason(s, f"the note names the injury: {named.code} ({named.description}), not an unspecified one",
                       Flag.GUIDELINE)


# A condition the tabular includes in another coded one (its Excludes1 names the other's category):
# pulmonary edema with heart failure is the heart failure's (J81 Excludes1: I50.1)
_INCLUDED_IN = {"J81": ("I50", "I11.0", "I13.0", "I13.2", "I09.81"),
                # the occlusion of a cerebral or precerebral artery that caused the infarction is the infarction's
                # (I65, I66 Excludes1: occlusion and stenosis causing cerebral infarction, I63.-)
                "I66": ("I63",), "I65": ("I63",),
                # COPD with emphysema is emphysema's code alone (Index: Disease, lung, obstructive, with emphysema J43.9)
                "J44": ("J43",),
                # a goiter in a thyrotoxic patient is the toxic goiter its thyrotoxicosis code names (E05.0 with
                # diffuse goiter, E05.1 and E05.2 with nodular): not a nontoxic goiter (E04)
                "E04": ("E05.0", "E05.1", "E05.2"),
                # a food allergy's status beside the reaction to that food treated today (T78.0-, T78.1-)
                "Z91.01": ("T78.0", "T78.1"),
                # a viral infection of no site beside the site's viral infection (URI, bronchiolitis, ...)
                "B34.9": INFECTIONS}
_INCLUDED_WHY = {"J44": "the Index codes chronic obstructive lung disease with emphysema to the emphysema",
                 "E04": "E04 is nontoxic goiter; the thyrotoxicosis code names the toxic goiter",
                 "Z91.01": "the food allergy is the reaction coded today, not a status beside it",
                 "B34.9": "a viral infection of unspecified site gives way to the site the note names"}


_ANXI = re.compile(r"\banxi\w*", re.I)
_VITAL_SIGN = re.compile(r"\b(?:bp|blood pressure|hr|heart rate|pulse|tachycard\w*|hypertensi\w*|elevated|vitals?)\b", re.I)


def _situational_anxiety(out: list[Suggestion], note: str, analysis: NoteAnalysis) -> None:
    """An anxious patient is no anxiety disorder (F41.9): "Gen: anxious, holding gauze to nose", "BP elevated on arrival
    w/ anxiety/bleeding" tell a state that explains a finding. Coded when a mention is told apart from the exam and
    from the vital signs it explains (a diagnosis list, a history)."""
    for s in out:
        if not (usable_icd(s) and s.code == "F41.9"):
            continue
        told = [m for m in _ANXI.finditer(note)
                if analysis.section_at(m.start()) != "physical_exam"
                and not _VITAL_SIGN.search((sent := analysis.sentence_at(m.start())) and sent.text or "")]
        if not told:
            add_reason(s, "an anxious state the exam or the vital signs tell is no anxiety disorder: not coded",
                       Flag.GUIDELINE)


_STEPPED = re.compile(r"\bwas [A-Z]\d")


def _vaguer_after_a_step(out: list[Suggestion]) -> None:
    """A code a specificity step reached ("hip arthritis" to M16.10, the hip of no side) gives way to a less vague
    code of its category the note names ("bilateral primary osteoarthritis of the hips", M16.0)."""
    icd_codes = [s for s in out if usable_icd(s)]
    for s in icd_codes:
        if not any(_STEPPED.search(m) for m in s.messages) or s.code.startswith("F1"):
            continue   # (a substance's codes are its states, intoxication beside withdrawal, not one vaguer than another)
        better = next((o for o in icd_codes if o is not s and o.code != s.code and o.code[:3] == s.code[:3]
                       and vagueness(o.description) < vagueness(s.description)), None)
        if better is not None:
            s.hold(f"the same condition is coded more specifically: {better.code} ({better.description})")


def _included(out: list[Suggestion]) -> None:
    for s in out:
        family = next((v for k, v in _INCLUDED_IN.items() if s.code.startswith(k)), None) if usable_icd(s) else None
        holder = family and next((o for o in out if o is not s and usable_icd(o) and o.code.startswith(family)), None)
        if holder:
            basis = next((why for k, why in _INCLUDED_WHY.items() if s.code.startswith(k)),
                         f"the tabular's Excludes1 names it with {holder.description[:1].lower()}{holder.description[1:]}")
            add_reason(s, f"included in {holder.code} ({basis}): not coded separately", Flag.GUIDELINE)


def _organism(title: str) -> str:
    """The organism a B95-B97 title names: "Streptococcus pneumoniae as the cause of diseases classified elsewhere"
    is "streptococcus pneumoniae"; "Unspecified Escherichia coli [E. coli] as the cause ..." is "escherichia coli"."""
    name = re.sub(r"\s*\[[^]]*\]", "", title.lower().split(" as the cause")[0])
    return re.sub(r"^(?:unspecified|other) |\s+infection$", "", name).strip()


def _organism_stem(organism: str) -> str:
    """What a title names the organism by: a one-word genus by its stem ("streptococc" of "Streptococcal
    pharyngitis"), a species or virus by its whole name ("respiratory syncytial virus")."""
    name = organism.split(",")[0].strip()
    return (name[:-2] if len(name) >= 10 else name) if " " not in name else name


def _organism_sibling(out: list[Suggestion], icd, replace: Callable) -> list[Suggestion]:
    """A condition of no named cause coded beside the organism's B95-B97 code is its category's code that names the
    organism, when exactly one does ("RSV bronchiolitis": J21.9 and B97.4 are J21.0, Acute bronchiolitis due to
    respiratory syncytial virus); the agent code then goes (the host names it, below)."""
    if icd is None:
        return out
    agents = [s for s in out if usable_icd(s) and s.code[:3] in ("B95", "B96", "B97")]
    if not agents:
        return out
    result = list(out)
    for agent in agents:
        stem = _organism_stem(_organism(agent.description))
        if not stem:
            continue
        for i, o in enumerate(result):
            # (not a sepsis: the organism of the infection it came from is not the blood's unless the note says so)
            if not usable_icd(o) or o.code[:3] in ("B95", "B96", "B97", "A40", "A41") or o.code[:1] in "RSTVWXYZ" \
                    or not ("unspecified" in o.description.lower() or o.code.endswith("9")):
                continue
            named = [c for c in icd.billable_descendants(o.code[:3])
                     if c != o.code and stem in (icd.title(c) or "").lower()]
            if len(named) == 1:
                result[i] = replace(o, named[0], f"the organism is documented ({agent.code}, {_organism(agent.description)}): "
                                                 f"the category's code that names it, {named[0]}, in place of {o.code}")
    return result


def _agent_named_by_its_host(out: list[Suggestion], icd) -> None:
    """B95-B97 identify the agent of a disease whose code does not (I.C.1 and the categories' notes): beside codes
    that name the organism themselves ("Pneumonia due to Streptococcus pneumoniae", "Sepsis due to ..."), and no
    other code that asks for an agent, the agent code repeats them."""
    for s in out:
        if not (usable_icd(s) and s.code[:3] in ("B95", "B96", "B97")) or icd is None:
            continue
        organism = _organism(s.description)
        others = [o for o in out if o is not s and usable_icd(o) and o.code[:3] not in ("B95", "B96", "B97")]
        # ("Streptococcal pharyngitis" names "Streptococcus, group A" by its stem)
        first = re.match(r"[a-z]*", organism).group(0)
        stem = first[:-2] if len(first) >= 10 else organism
        naming = [o for o in others if stem and stem in o.description.lower()]
        if naming and not any(asks_for_agent(icd, o.code) for o in others if o not in naming):
            add_reason(s, f"{naming[0].code} ({naming[0].description}) names the organism: no agent code beside it "
                          f"(B95-B97 are for a disease whose code does not identify its agent)", Flag.GUIDELINE)


# the adult and gynecological routine examinations (I.C.21.c.13), whose guidance is their own content (a child's
# weight counseling at a well-child visit is reported by its own codes for the quality measures that ask for them)
_ROUTINE_EXAMS = ("Z00.0", "Z01.41")
# dietary, exercise and other-specified counseling (Z71.3, Z71.82, Z71.89); not alcohol, drug or tobacco counseling
_GUIDANCE = ("Z71.3", "Z71.82", "Z71.89")


def _counseling_in_exam(out: list[Suggestion]) -> None:
    """I.C.21.c.10: a counseling Z code is not used when the counseling is integral to the service: diet and exercise
    advice given at a routine or preventive examination is that examination's own guidance."""
    exam = next((s for s in out if usable_icd(s) and s.code.startswith(_ROUTINE_EXAMS)), None)
    if exam is None:
        return
    for s in out:
        if usable_icd(s) and s.code.startswith(_GUIDANCE):
            add_reason(s, f"counseling given as part of the routine examination ({exam.code}) is integral to it "
                          f"(guideline I.C.21.c.10): not coded", Flag.GUIDELINE)


def _tobacco_history(out: list[Suggestion], note: str, analysis: NoteAnalysis, icd) -> None:
    """A history of tobacco dependence (Z87.891) is coded where a diagnosis's "use additional code" note asks for it
    (ischemic heart disease, atherosclerosis, lung cancer, asthma) or the assessment takes the smoking history up;
    a former smoker's line in the social history alone bears on no other encounter (IV.J)."""
    history = [s for s in out if usable_icd(s) and s.code == "Z87.891"]
    if not history or icd is None:
        return
    if any(usable_icd(o) and o.code != "Z87.891" and "Z87.891" in icd.use_additional_up(o.code) for o in out):
        return
    if _TOBACCO_WORDS.search(_addressed_text(note, analysis, _ASSESSED)):
        return
    for s in history:
        add_reason(s, "a former smoker's history that no coded diagnosis asks for and the assessment does not take up "
                      "(IV.J; Z87.891 is the 'use additional code' of ischemic heart disease, atherosclerosis, lung "
                      "cancer and asthma): not coded", Flag.GUIDELINE)


def _catch_all_family(code: str) -> tuple[str, ...]:
    """What a catch-all code gives way to; () for a code that is no catch-all."""
    return next((v for k, v in _CATCH_ALL.items() if code.startswith(k)), ())


def _catch_all(out: list[Suggestion]) -> None:
    """An unspecified infection, neoplasm or injury gives way to the specific one coded beside it."""
    usable = {s.code for s in out if usable_icd(s)}
    for s in out:
        if usable_icd(s) and "T20" <= s.code[:3] <= "T25" and s.code[4:5] == "0":
            # a burn of unspecified degree ("CC: burn to L arm") beside the same region's burn of a stated degree
            graded = next((c for c in usable if c[:3] == s.code[:3] and c[4:5] in ("1", "2", "3")), None)
            if graded is not None:
                add_reason(s, f"a burn of unspecified degree beside {graded}, the same region's burn of a stated "
                              "degree: not coded", Flag.GUIDELINE)
    for s in out:
        if usable_icd(s) and s.code[:1] == "E" and s.code.endswith(".21") and s.code[:-1] + "2" in usable:
            # diabetic nephropathy with a CKD stage documented: the diabetic CKD code says both
            add_reason(s, f"diabetic kidney disease with CKD is coded {s.code[:-1]}2 with the N18 stage: not coded "
                     "separately", Flag.GUIDELINE)
    for s in out:
        family = (_catch_all_family(s.code) or None) if usable_icd(s) else None
        if family is None and usable_icd(s) and s.code[:1] == "S" and s.description.startswith("Unspecified injury"):
            # "L ankle injury" in the complaint, "Sprain of L ATFL" in the assessment: the same region's
            # injury (S90-S99 for the ankle and foot) names what the injury is
            family = (s.code[:2],)
        if family is None:
            continue
        specific = next((o for o in out if o is not s and usable_icd(o) and o.code.startswith(family)
                         and not s.code.startswith(_catch_all_family(o.code))
                         and not o.description.startswith("Unspecified injury")), None)
        if specific is not None:
            add_reason(s, f"an unspecified code that {specific.code} makes redundant (guideline I.B.1): not coded",
                  Flag.GUIDELINE)


def _orphan_external_causes(out: list[Suggestion]) -> None:
    """External causes tell how an injury happened (I.C.20): when the rules above leave no injury coded (the
    "wound" of a wound clinic was the ulcer), its cause, place and activity go with it."""
    if any(usable_icd(s) and (s.code[:1] in "ST" or s.code.startswith(("M80", "M84", "M48.5"))) for s in out):
        return   # (an injury, a poisoning or allergic reaction, a fragility fracture: each has its external causes)
    for s in out:
        if usable_icd(s) and s.code[:1] in "VWXY" and not s.code.startswith("Y90"):
            add_reason(s, "no injury is coded: an external cause is reported only with the injury it explains "
                          "(guideline I.C.20)", Flag.GUIDELINE)


def _wrapper_of_dropped(out: list[Suggestion]) -> None:
    """I.C.15.a.1 puts a pregnant patient's condition under an O99 code with the condition beside it; when the
    condition is not coded (integral to the pregnancy's own diagnosis: leukocytosis with pyelonephritis), neither is
    its O99 wrapper."""
    dropped = [s for s in out if s.system is System.ICD10CM and s.suppressed and s.code[:1] != "O" and s.evidence
               and s.evidence[0].located]
    for s in out:
        if not (usable_icd(s) and s.code.startswith("O99") and s.evidence and s.evidence[0].located):
            continue
        # (not a condition set aside for the wrapper itself: "abnormal glucose of a pregnancy is O99.810")
        condition = next((d for d in dropped if d.evidence[0].start == s.evidence[0].start
                          and d.code in s.reasoning and not any(s.code in m for m in d.messages)), None)
        if condition is not None:
            add_reason(s, f"the condition it codes in pregnancy, {condition.code}, is not coded: not coded either",
                       Flag.GUIDELINE)


_TWIN_NOISE = frozenset("unspecified not elsewhere classified nec other of the and or in".split())


def _core_words(title: str) -> frozenset[str]:
    return frozenset(re.findall(r"[a-z0-9]+", _PARENTHESIS.sub(" ", title.lower()))) - _TWIN_NOISE


def _unspecified_twin(out: list[Suggestion], icd) -> None:
    """An unspecified or "not elsewhere classified" code gives way to a code of the same chapter whose title names the
    same condition and says more ("Thrombocytopenia, unspecified" beside "Other secondary thrombocytopenia", "Fatty
    (change of) liver, not elsewhere classified" beside "Alcoholic fatty liver"), unless that code's "use additional
    code" note asks for it."""
    for s in out:
        low = s.description.lower()
        if not usable_icd(s) or not ("unspecified" in low or "not elsewhere classified" in low):
            continue
        core = _core_words(s.description)
        twin = next((o for o in out if o is not s and usable_icd(o) and o.code[:1] == s.code[:1]
                     and core and core < _core_words(o.description)
                     and vagueness(o.description) <= vagueness(s.description)
                     and (icd is None or s.code not in icd.use_additional_up(o.code))), None)
        if twin is not None:
            add_reason(s, f"{twin.code} names the same condition more specifically (guideline I.B.1): not coded",
                       Flag.GUIDELINE)


# a pregnancy the note tells: its weeks, its obstetric formula, its own words
_PREGNANCY = re.compile(r"\b(?:pregnan\w*|gestation\w*|prenatal|antenatal|obstetric\w*|trimester|g\d+\s*p\d+|"
                        r"\d{1,2}\s*(?:w|wk|wks|weeks?)\s*\d?\s*d?\b(?= (?:gestation|ga|iup|pregnan)))", re.I)


def _antenatal_screening(out: list[Suggestion], note: str, analysis: NoteAnalysis) -> None:
    """Z36 is an encounter for antenatal screening of a mother: with no pregnancy in the note it is a misreading
    ("Colon screening up to date" is no screening for large-for-dates)."""
    screening = [s for s in out if usable_icd(s) and s.code.startswith("Z36")]
    if not screening or any(usable_icd(s) and s.code[:1] == "O" for s in out):
        return   # (the note is read for a pregnancy only when a Z36 code asks)
    if any(not analysis.context_at(m.start(), m.end()) & {"negated", "hypothetical", "family", "history"}
           for m in _PREGNANCY.finditer(note)):
        return
    for s in screening:
        add_reason(s, "an antenatal screening code, and the note tells no pregnancy: not coded", Flag.GUIDELINE)


_NO_HYPERTENSION = re.compile(r"\b(?:no|without)\s+(?:(?:prior|known|previous|formal)\s+)?(?:dx|diagnosis|hx|history)"
                              r"\s+of\s+(?:htn|hypertension)\b|\bnot\s+(?:yet\s+)?diagnosed\s+with\s+(?:htn|hypertension)\b",
                              re.I)
_HYPERTENSIVE = ("I10", "I11", "I12", "I13", "I15", "I16", "I1A")


def _shaft_not_end(out: list[Suggestion]) -> None:
    """"Fracture of the distal shaft of the radius" is a fracture of the shaft (S52.3-): its "distal" does not make it
    the lower end (S52.5-) as well."""
    for s in out:
        low = s.description.lower()
        if not (usable_icd(s) and s.code[:1] == "S" and ("lower end" in low or "upper end" in low) and s.evidence
                and "shaft" in s.evidence[0].text.lower()):
            continue
        shaft = next((o for o in out if o is not s and usable_icd(o) and o.code[:3] == s.code[:3]
                      and "shaft" in o.description.lower()), None)
        if shaft is not None:
            add_reason(s, f"the note names the shaft: {shaft.code}, not the bone's end", Flag.GUIDELINE)


def _sirs_beside_infection(out: list[Suggestion]) -> None:
    """R65.1- is the SIRS of a non-infectious process (I.C.18.g): beside an infection the note codes, its SIRS criteria
    belong to that infection (a sepsis the note diagnoses has codes of its own), not to a non-infectious cause."""
    infection = next((s for s in out if usable_icd(s) and s.code.startswith(INFECTIONS)), None)
    if infection is None:
        return
    for s in out:
        if usable_icd(s) and s.code.startswith("R65.1"):
            add_reason(s, f"SIRS of non-infectious origin, beside the infection coded ({infection.code}): not coded "
                          "(guideline I.C.18.g)", Flag.GUIDELINE)


def _superficial_beside_severe(out: list[Suggestion]) -> None:
    """I.C.19.b: a superficial injury (S00, S10 ... S90: contusion, abrasion, blister) is not coded beside a more
    severe injury of the same region and side (a scalp contusion beside the concussion)."""
    injuries = [s for s in out if usable_icd(s) and s.code[:1] == "S" and len(s.code) > 2]
    # "Closed head injury with occipital scalp contusion": the unspecified injury of the region (S09.90) is no more
    # severe injury; it gives way to the injury the note names
    vague = [s for s in injuries if s.description.lower().startswith("unspecified injury")]
    for s in vague:
        named = next((o for o in injuries if o not in vague and o.code[:2] == s.code[:2]), None)
        if named is not None:
            add_reason(s, f"an unspecified injury of the region beside the injury the note names, {named.code} "
                          "(guideline I.B.1): not coded", Flag.GUIDELINE)
    injuries = [s for s in injuries if s not in vague]
    for s in injuries:
        if s.code[2] != "0":
            continue
        # (of the same site: "contusion of left eyelid" beside "fracture of nasal bones" names two sites, both coded)
        severe = next((o for o in injuries if o.code[:2] == s.code[:2] and o.code[2] != "0"
                       and (side_of(o.description) is None or side_of(s.description) is None
                            or side_of(o.description) == side_of(s.description))
                       and not sites_apart(s, o)), None)
        if severe is not None:
            add_reason(s, f"a superficial injury beside the more severe injury of the same region, {severe.code} "
                          "(guideline I.C.19.b): not coded", Flag.GUIDELINE)


_FROM_PAIN = re.compile(r"\b(?:from|due to|secondary to|2/2|with|in (?:the )?setting of|likely|probably|attributed to)\s+"
                        r"(?:acute\s+|his\s+|her\s+|the\s+)?(?:pain|anxiety|distress)\b|\b(?:pain|anxiety)[- ]related\b",
                        re.I)


def _elevated_reading(out: list[Suggestion], note: str, analysis: NoteAnalysis) -> None:
    """R03.0 is an elevated reading "without diagnosis of hypertension": it gives way to a hypertension
    code beside it, and a hypertension code gives way to it when the note says hypertension is not
    diagnosed ("Hypertension reading in ED - elevated due to pain; no dx of HTN")."""
    for s in out:
        sent = analysis.sentence_at(s.evidence[0].start) if usable_icd(s) and s.code.startswith(_HYPERTENSIVE) \
            and s.evidence and s.evidence[0].located else None
        if sent is not None and _NO_HYPERTENSION.search(note, sent.start, sent.end):
            # "Hypertension noted on admission during withdrawal - normalized; not diagnosed with hypertension"
            add_reason(s, "the note says hypertension is not diagnosed: not coded", Flag.GUIDELINE)
    reading = next((s for s in out if usable_icd(s) and s.code == "R03.0"), None)
    if reading is None:
        return
    hypertensive = [s for s in out if usable_icd(s) and s.code.startswith(_HYPERTENSIVE)]
    not_diagnosed = _NO_HYPERTENSION.search(note) is not None
    at = reading.evidence[0] if reading.evidence and reading.evidence[0].located else None
    sent = analysis.sentence_at(at.start) if at is not None else None
    from_pain = sent is not None and _FROM_PAIN.search(note, sent.start, sent.end) is not None
    if not hypertensive and not not_diagnosed and from_pain and any(
            s.system is System.ICD10CM and s.acceptable and s.code.startswith(_HYPERTENSIVE) for s in out):
        # "PMH: HTN" ... "BP elevated from pain; recheck with PCP": a reading the note puts down to pain in a
        # patient whose hypertension is diagnosed is neither R03.0 (no diagnosis) nor hypertension managed today
        add_reason(reading, "the note attributes the reading to pain in a patient with diagnosed hypertension: "
                            "neither R03.0 nor the hypertension is coded for it", Flag.GUIDELINE)
        return
    if not hypertensive and not not_diagnosed:
        # "PMH: HTN" ... "Elevated BP - hx HTN, resume home meds": the reading the assessment takes up is the
        # hypertension the history documents, which IV.J had left out as only listed
        hypertensive = [s for s in out if s.system is System.ICD10CM and s.acceptable
                        and s.code.startswith(_HYPERTENSIVE) and s.flags == [Flag.GUIDELINE] and _only_listed(s)][:1]
        for s in hypertensive:
            s.flags.remove(Flag.GUIDELINE)
            s.messages = [m for m in s.messages if not m.startswith(_LISTED_ONLY_REASON)]
            add_reason(s, "the elevated reading the assessment takes up is the hypertension the history documents "
                          "(R03.0 is a reading without a diagnosis of hypertension)")
    if not hypertensive:
        return
    if not_diagnosed:
        for s in hypertensive:
            add_reason(s, "the note says hypertension is not diagnosed: the elevated reading is R03.0", Flag.GUIDELINE)
    else:
        add_reason(reading, f"hypertension is diagnosed ({hypertensive[0].code}): R03.0 is a reading without "
                   "that diagnosis, not coded", Flag.GUIDELINE)


def _asks_for(icd, code: str, symptom: str) -> bool:
    """Whether ``code``'s "use additional code" note names ``symptom`` (N40.1: "for associated symptoms ... nocturia
    (R35.1)"): the classification's instruction, which I.B.5 leaves standing."""
    entry = icd.get(code) if icd is not None else None
    return bool(entry and entry.use_additional and any_match(parse_refs(entry.use_additional), compact(symptom)))


def _integral(out: list[Suggestion], icd=None) -> None:
    """I.B.5: a symptom routinely associated with a coded definitive diagnosis is not coded (unless the
    classification instructs otherwise)."""
    # (a normal pregnancy's supervision counts: its nausea is part of it)
    definitive = [d for d in out if usable_icd(d) and not is_symptom(d.code) and not (set(d.flags) & CONTEXT_FLAGS)
                  and (not d.code.startswith(("R", "Z", "V", "W", "X", "Y")) or d.code.startswith(("Z34", "Z33.1")))]
    for s in out:
        if not usable_icd(s):
            continue
        if s.code.startswith(("K92.0", "K92.1", "K92.2")):
            # hematemesis, melena, GI hemorrhage are the bleeding of a code that says "with hemorrhage"
            cause = next((d for d in definitive if d is not s and bleeds(d.description)), None)
        elif s.code == "E86.1":
            # the volume lost in an acute blood loss is that blood loss ("prerenal from GI bleed/hypovolemia")
            cause = next((d for d in definitive if d.code.startswith("D62")), None)
        elif s.code == "I96":
            # gangrene "not elsewhere classified" is classified elsewhere when a code of the note says "with gangrene"
            cause = next((d for d in definitive if d is not s and gangrenous(d.description)), None)
        elif is_symptom(s.code):
            cause = next((d for d in definitive if is_integral(s.code, d.code) and not _asks_for(icd, d.code, s.code)),
                         None)
        else:
            continue
        if cause is not None:
            add_reason(s, f"integral to {cause.code} (guideline I.B.5): not coded separately", Flag.GUIDELINE)
