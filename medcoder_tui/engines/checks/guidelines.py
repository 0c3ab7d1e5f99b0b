"""Guideline rules that every engine's grounded output passes through.

Each rule cites the ICD-10-CM Official Guidelines for Coding and Reporting and
leaves a reason on the suggestion it changes; nothing is changed silently, and a
code it puts in place of another is validated like any engine's code.

- Uncertain diagnoses (IV.H): in the outpatient and ED settings a diagnosis
  documented as "possible", "rule out", "concern for" is not coded; the signs and
  symptoms are (inpatient, II.H: coded as if established, and not flagged).
- Integral signs and symptoms (I.B.5): a symptom routinely associated with a
  definitive diagnosis that is also coded is not coded separately.
- History (I.C.21.c.4): an active-disease code for a condition documented as past
  becomes its personal-history code.
- Specificity (I.B.1, I.C.19.a): an unspecified side becomes the side the note
  documents for that mention; an injury's initial-encounter 7th character becomes
  the subsequent one when the note documents routine healing after treatment.
- Encounter and status Z codes (``encounter_codes``): Z23 beside a vaccine given,
  weeks of gestation beside a pregnancy, the general or routine examination,
  long-term drug use; an injury of unspecified region gives way to one that names it.
- Stroke sequelae (I.C.9.d, ``sequelae``): a deficit of a past stroke is its I69.3- code.
- Treated cancers (I.C.2.d, ``neoplasm_history``): excised or treated to completion with no
  evidence of disease is the Z85 history code (and Z08 at a surveillance visit).
- External causes (I.C.20): beside an injury, the cause, and at the initial
  encounter the place, activity and status, that the note's words reach in the
  External Cause Index, for each kind the engine did not give; with the injury's
  7th character.

Suppressed suggestions (``Suggestion.suppressed``) stay visible with their reason,
are left out of bulk accepts and of evaluation, and a coder may still accept one.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from medcoder_tui.codes.status_terms import HISTORY_OF
from medcoder_tui.codes.systems import System
from medcoder_tui.codes.text import tokenize
from medcoder_tui.engines.analysis.clinical_text import NoteAnalysis
from medcoder_tui.engines.diagnoses.combinations import coronary_with_angina
from medcoder_tui.engines.diagnoses.encounter_terms import weeks_of_gestation
from medcoder_tui.engines.diagnoses.external_causes import find_external_causes, takes_external_cause
from medcoder_tui.engines.checks.encounter_codes import encounter_codes
from medcoder_tui.engines.checks.integral import INFECTIONS, bleeds, is_integral, is_symptom
from medcoder_tui.engines.checks.mentions import check_mentions
from medcoder_tui.engines.checks.neoplasm_history import treated_cancers
from medcoder_tui.engines.checks.sequelae import stroke_sequelae
from medcoder_tui.engines.checks.skin_neoplasms import skin_neoplasms
from medcoder_tui.engines.models import Flag, RawSuggestion, Suggestion

_CONTEXT_FLAGS = frozenset({Flag.NEGATED, Flag.UNCERTAIN, Flag.HISTORY, Flag.FAMILY_HISTORY,
                            Flag.HYPOTHETICAL, Flag.INSTRUCTION})
_SIDES = (
    ("bilateral", re.compile(r"\b(?:bilateral(?:ly)?|both|b/l)\b", re.I)),
    ("right", re.compile(r"\b(?:right|rt\.?)\b|(?<![A-Za-z/])R(?![A-Za-z/])")),
    ("left", re.compile(r"\b(?:left|lt\.?)\b|(?<![A-Za-z/])L(?![A-Za-z/])")),
)
_EYE_SIDES = (("bilateral", re.compile(r"\bOU\b")), ("right", re.compile(r"\bOD\b")), ("left", re.compile(r"\bOS\b")))
_UNSPECIFIED_SIDE = re.compile(r"\bunspecified\b(?= (?:side|upper limb|lower limb|hand|wrist|forearm|elbow|arm|"
                               r"shoulder|hip|thigh|knee|leg|lower leg|ankle|foot|toe|toes|finger|thumb|eye|ear|"
                               r"kidney|ovary|breast|lung|femur|tibia|fibula|radius|ulna|humerus|clavicle|"
                               r"scapula|patella|calcaneus|index|middle|ring|little|great)\b)", re.I)
# Words that say this visit follows completed active treatment of the injury (not a plan for one).
_ROUTINE_HEALING = re.compile(
    r"\b(?:routine healing|healing (?:well|as expected|appropriately|normally)|subsequent encounter|"
    r"(?:fracture|injury|laceration|sprain) follow[- ]?up|follow[- ]?up (?:of|for) (?:the |a |his |her )?"
    r"(?:\w+ )?(?:fracture|injury|laceration|sprain))\b", re.I)


Reground = Callable[[RawSuggestion], Suggestion]


def apply_guidelines(suggestions: list[Suggestion], *, note: str, analysis: NoteAnalysis, setting: str,
                     reground: Reground, icd, types: set[System] | None = None) -> list[Suggestion]:
    """The suggestions after the guideline rules, in their order (a replaced code takes its place).

    Codes are added only in the systems asked for (``types``; None: all).
    """
    out = [_specific(s, note, analysis, reground, icd) for s in suggestions]
    out = [_identified_influenza(s, note, analysis, reground, icd) for s in out]
    out = [_history(s, note, analysis, reground, icd) for s in out]
    out = [_allergy_status(s, note, analysis, reground) for s in out]
    out = [_vaping(s, note, analysis, reground) for s in out]
    out = [_pregnancy_diabetes(s, note, analysis, reground) for s in out]
    out = [_trimester(s, note, analysis, reground, icd) for s in out]
    # The sense of each mention first: what is added next looks at what stays reportable
    # ("with abnormal findings" only beside a diagnosis that is coded).
    _context_rules(out, out, note, analysis, setting)
    if types is None or System.ICD10CM in types:
        added = _external_causes(out, note, analysis, reground, icd)
        added += encounter_codes(out + added, note, analysis, reground, _note)
        out += added
        _context_rules(added, out, note, analysis, setting)
    if types is None or System.ICD10CM in types:
        def replace(s: Suggestion, code: str, reason: str) -> Suggestion:
            return _replace(s, code, reason, reground)

        out = skin_neoplasms(out, note, analysis, icd, replace)
        out = _coronary_angina(out, note, replace)
        out = stroke_sequelae(out, note, analysis, reground, replace)
        out = treated_cancers(out, note, analysis, reground, replace)
    _integral(out)
    _catch_all(out)
    _complaint_injuries(out, analysis)
    return out


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


_LISTED_ONLY = frozenset({"past_medical_history", "past_surgical_history", "medications", "social_history",
                          "allergies"})
_ADDRESSED = frozenset({"assessment_plan", "impression", "diagnoses", "hospital_course", "chief_complaint"})


def _addressed_text(note: str, analysis: NoteAnalysis) -> str:
    """The lower-case text of the sections that take conditions up (assessment, diagnoses, course...)."""
    return "\n".join(note[sec.start:sec.end].lower() for sec in analysis.sections if sec.name in _ADDRESSED)


def _listed_not_addressed(s: Suggestion, addressed: str, analysis: NoteAnalysis, setting: str) -> None:
    """IV.J: in an office or ED note, a condition only the past history or medication list names, and that
    the assessment does not take up, is not coded for this encounter."""
    if setting == "inpatient" or not _usable_icd(s) or s.code[:1] in "ZVWXY" or not s.evidence:
        return
    if Flag.HISTORY in s.flags or (s.original_code and s.original_code != s.code) or s.code == "I25.2" \
            or not all(e.located and analysis.section_at(e.start) in _LISTED_ONLY for e in s.evidence):
        return   # (a history code the layer put in place is the history's own code)
    words = s.evidence[0].text.strip().lower()
    if len(words) < 2 or words in addressed:
        return
    _note(s, "listed in the past history only and not addressed at this encounter (guideline IV.J): not coded",
          Flag.GUIDELINE)


def _context_rules(some: list[Suggestion], out: list[Suggestion], note: str, analysis: NoteAnalysis,
                   setting: str) -> None:
    """Uncertainty by setting, exam-only findings and the sense of each mention, for ``some`` of ``out``."""
    addressed = _addressed_text(note, analysis) if setting != "inpatient" else ""
    for s in some:
        _uncertain(s, setting, out)
        _exam_only(s, note, analysis)
        _listed_not_addressed(s, addressed, analysis, setting)
    check_mentions(some, note, analysis)


def _usable_icd(s: Suggestion) -> bool:
    return s.system is System.ICD10CM and s.acceptable and not s.suppressed


def _note(s: Suggestion, message: str, flag: Flag | None = None) -> None:
    if flag is not None and flag not in s.flags:
        s.flags.append(flag)
    if message not in s.messages:
        s.messages.append(message)


def _uncertain(s: Suggestion, setting: str, all_: list[Suggestion]) -> None:
    """IV.H: outpatient and ED do not code uncertain diagnoses; the symptoms are coded."""
    if setting == "inpatient" or Flag.UNCERTAIN not in s.flags or s.system is not System.ICD10CM:
        return
    if is_symptom(s.code):
        return   # a sign or symptom is what the guideline asks for
    symptoms = [o.code for o in all_ if o is not s and _usable_icd(o) and is_symptom(o.code)
                and not (set(o.flags) & _CONTEXT_FLAGS)]
    instead = f"code the symptom {', '.join(symptoms[:3])} instead" if symptoms else \
        "code the documented signs or symptoms instead"
    _note(s, f"uncertain diagnosis in the {setting} setting (guideline IV.H): {instead}", Flag.GUIDELINE)


_EXAM_SECTIONS = frozenset({"physical_exam", "review_of_systems", "labs", "imaging"})
_FINDING_CODES = ("R", "L53", "M25.5", "M79.6", "L90.5", "L81", "M62.8", "L98.9")


def _exam_only(s: Suggestion, note: str, analysis: NoteAnalysis) -> None:
    """IV.K / III.B: a sign or abnormal finding that only the exam, the review of systems or a
    result mentions is not coded unless the provider addresses it (the assessment, the history)."""
    if not _usable_icd(s) or not s.code.startswith(_FINDING_CODES) or not s.evidence:
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
        _note(s, "a finding of the exam, review of systems or results that the assessment does not address "
                 "(guideline IV.K): not coded", Flag.GUIDELINE)


# Codes of an unspecified infection, neoplasm or injury site, and what makes them redundant.
_CATCH_ALL = {"B99.9": INFECTIONS,
              "D49.9": ("C", "D0", "D1", "D2", "D3", "D4"), "C80.1": ("C0", "C1", "C2", "C3", "C4", "C5", "C6",
                                                                    "C7", "C81", "C82", "C83", "C84", "C85", "C9"),
              "T14.8": ("S", "T0", "T1", "T2", "T3"),
              # osteoarthritis of an unspecified site, once the site's own code is there
              "M19.9": ("M15", "M16", "M17", "M18", "M19.0", "M19.1", "M19.2"), "T14.9": ("S", "T0", "T1", "T2", "T3"),
              # anaphylaxis or allergy not elsewhere classified, once the drug's own T36-T50 code is there
              "T78.2": tuple(f"T{n}" for n in range(36, 51)), "T78.4": tuple(f"T{n}" for n in range(36, 51)),
              # an erythematous condition or skin disorder of no kind, once the skin's diagnosis is there
              "L53.9": ("L0", "L1", "L2", "L3", "L4", "L5", "L6", "L7", "L8", "L9", "B0", "B35", "B36", "D2", "C44"),
              "L98.9": ("L0", "L1", "L2", "L3", "L4", "L5", "L6", "L7", "L8", "L90", "L91", "L92", "L93", "L94",
                        "L95", "B0", "B35", "B36", "D2", "C44")}


def _complaint_injuries(out: list[Suggestion], analysis: NoteAnalysis) -> None:
    """A complaint's injury ("dog bite L arm") gives way to the diagnosis's injury of the same kind and
    side ("Dog bite L forearm": open bite of the left forearm), the site the assessment settles on."""
    def kind(s: Suggestion) -> str:
        return re.sub(r"\bof\b.*", "", s.description.lower()).strip()   # "open bite", "laceration without ..."
    def where(s: Suggestion) -> set:
        return {analysis.section_at(e.start) for e in s.evidence if e.located}
    injuries = [s for s in out if _usable_icd(s) and s.code[:1] == "S" and s.evidence]
    for s in injuries:
        if not where(s) or not where(s) <= {"chief_complaint"}:
            continue
        side = "left" if "left" in s.description.lower() else "right" if "right" in s.description.lower() else ""
        better = next((o for o in injuries if o is not s and kind(o) == kind(s) and side in o.description.lower()
                       and where(o) & _ADDRESSED - {"chief_complaint"}), None)
        if better is not None:
            _note(s, f"the complaint's words; the diagnosis names the site: {better.code}", Flag.GUIDELINE)


def _catch_all(out: list[Suggestion]) -> None:
    """An unspecified infection, neoplasm or injury gives way to the specific one coded beside it."""
    usable = {s.code for s in out if _usable_icd(s)}
    for s in out:
        if _usable_icd(s) and s.code[:1] == "E" and s.code.endswith(".21") and s.code[:-1] + "2" in usable:
            # diabetic nephropathy with a CKD stage documented: the diabetic CKD code says both
            _note(s, f"diabetic kidney disease with CKD is coded {s.code[:-1]}2 with the N18 stage: not coded "
                     "separately", Flag.GUIDELINE)
    for s in out:
        family = next((v for k, v in _CATCH_ALL.items() if s.code.startswith(k)), None) if _usable_icd(s) else None
        if family is None and _usable_icd(s) and s.code[:1] == "S" and s.description.startswith("Unspecified injury"):
            # "L ankle injury" in the complaint, "Sprain of L ATFL" in the assessment: the same region's
            # injury (S90-S99 for the ankle and foot) names what the injury is
            family = (s.code[:2],)
        if family is None:
            continue
        specific = next((o for o in out if o is not s and _usable_icd(o) and o.code.startswith(family)
                         and not any(o.code.startswith(k) for k in _CATCH_ALL)
                         and not o.description.startswith("Unspecified injury")), None)
        if specific is not None:
            _note(s, f"an unspecified code that {specific.code} makes redundant (guideline I.B.1): not coded",
                  Flag.GUIDELINE)


def _integral(out: list[Suggestion]) -> None:
    """I.B.5: a symptom routinely associated with a coded definitive diagnosis is not coded."""
    # (a normal pregnancy's supervision counts: its nausea is part of it)
    definitive = [d for d in out if _usable_icd(d) and not is_symptom(d.code) and not (set(d.flags) & _CONTEXT_FLAGS)
                  and (not d.code.startswith(("R", "Z", "V", "W", "X", "Y")) or d.code.startswith(("Z34", "Z33.1")))]
    for s in out:
        if not _usable_icd(s):
            continue
        if s.code.startswith(("K92.0", "K92.1", "K92.2")):
            # hematemesis, melena, GI hemorrhage are the bleeding of a code that says "with hemorrhage"
            cause = next((d for d in definitive if d is not s and bleeds(d.description)), None)
        elif is_symptom(s.code):
            cause = next((d for d in definitive if is_integral(s.code, d.code)), None)
        else:
            continue
        if cause is not None:
            _note(s, f"integral to {cause.code} (guideline I.B.5): not coded separately", Flag.GUIDELINE)


# What a documented allergy is to -> its allergy status code (Z88 drugs, Z91.0 other substances).
_ALLERGENS = (
    (re.compile(r"\b(?:pcn|penicillins?|amoxicillin|ampicillin|augmentin)\b", re.I), "Z88.0"),
    (re.compile(r"\b(?:sulfa|sulfonamides?|bactrim|sulfamethoxazole|tmp-?smx)\b", re.I), "Z88.2"),
    (re.compile(r"\b(?:cephalosporins?|cephalexin|keflex|ceftriaxone|erythromycin|azithromycin|macrolides?|"
                r"ciprofloxacin|levofloxacin|quinolones?|doxycycline|tetracyclines?|vancomycin|antibiotics?)\b",
                re.I), "Z88.1"),
    (re.compile(r"\b(?:codeine|morphine|opioids?|opiates?|narcotics?|hydrocodone|oxycodone)\b", re.I), "Z88.5"),
    (re.compile(r"\b(?:aspirin|asa|nsaids?|ibuprofen|naproxen)\b", re.I), "Z88.6"),
    (re.compile(r"\b(?:contrast|iodinated|iodine|radiographic dye)\b", re.I), "Z91.041"),
    (re.compile(r"\blatex\b", re.I), "Z91.040"),
    (re.compile(r"\bpeanuts?\b", re.I), "Z91.010"),
    (re.compile(r"\b(?:shellfish|seafood|shrimp)\b", re.I), "Z91.013"),
)


def _allergy_status(s: Suggestion, note: str, analysis: NoteAnalysis, reground: Reground) -> Suggestion:
    """A drug or substance allergy the note lists is allergy status (Z88, Z91.0), not an allergic
    reaction (T78.4) at this encounter (guideline I.C.21.c.3)."""
    if s.system is not System.ICD10CM or not s.code.startswith("T78.4") or not s.evidence:
        return s
    sent = analysis.sentence_at(s.evidence[0].start)
    around = note[sent.start:sent.end] if sent is not None else s.evidence[0].text
    if re.search(r"\b(?:reactions?|rash|hives|urticaria|swelling|anaphyla\w*|wheez\w*|itch\w*|prurit\w*|"
                 r"erythema|angioedema|flushing)\b", around, re.I):
        return s   # a reaction is described: the allergy code may be right
    code = next((z for rx, z in _ALLERGENS if rx.search(around)), None)
    if code is None:
        # "No known allergies", "Allergies: seasonal", "non-allergic": no reaction at this encounter
        s.hold("no allergic reaction is described at this encounter: T78.4 is for a current reaction")
        return s
    return _replace(s, code, f"an allergy on record is allergy status: coded {code} in place of {s.code}", reground)


# Past events a past-history list names ("PMH: MI 2015, stroke 2019, DVT"): not active conditions
_PAST_EVENTS = ("C", "I21", "I22", "I63", "G45", "I26", "I80", "I82.4", "N20", "N21", "N23")
_PAST_SECTIONS = frozenset({"past_medical_history", "past_surgical_history"})
# "history of breast cancer, on tamoxifen": a cancer still under treatment is current (I.C.2.d)
_CANCER_TREATMENT = re.compile(r"\b(?:on|receiving|undergoing|currently|continues?|started)\b[^.;\n]{0,30}\b(?:"
                               r"chemo\w*|radiation|radiotherapy|immunotherapy|tamoxifen|letrozole|anastrozole|"
                               r"exemestane|hormon\w* therapy|adjuvant|treatment)\b", re.I)


_VAPING = re.compile(r"\b(?:e-?cig(?:arette)?s?|vap(?:e|es|ing|er)|electronic cigarettes?|juul)\b", re.I)


def _vaping(s: Suggestion, note: str, analysis: NoteAnalysis, reground: Reground) -> Suggestion:
    """Nicotine dependence on e-cigarettes is 'other tobacco product' (F17.29-), not cigarettes (F17.21-)."""
    if s.system is not System.ICD10CM or not s.code.startswith(("F17.21", "F17.20")) or not s.evidence:
        return s
    sent = analysis.sentence_at(s.evidence[0].start) if s.evidence[0].located else None
    around = note[sent.start:sent.end] if sent is not None else s.evidence[0].text
    if not _VAPING.search(around) or re.search(r"\bcigarettes?\b", _VAPING.sub(" ", around)):
        return s   # no vaping, or cigarettes too
    return _replace(s, "F17.29" + s.code[-1], f"nicotine dependence on e-cigarettes is another tobacco product "
                                               f"(F17.29-), not {s.code}", reground)


# Diabetes in pregnancy by its control (I.C.15.g: insulin wins over diet and oral drugs)
_PREGNANCY_DIABETES_CONTROL = (
    (re.compile(r"\binsulin\b", re.I), "4", "insulin controlled"),
    (re.compile(r"\b(?:metformin|glyburide|oral (?:hypoglycemic|agent|medication))\b", re.I), "5",
     "controlled by oral hypoglycemic drugs"),
    (re.compile(r"\b(?:diet[- ]controlled|controlled (?:by|with|on) diet|a1 ?gdm|gdm,? a1)\b", re.I), "0",
     "diet controlled"),
)


_TRIMESTER_WORDS = ((re.compile(r"\b(?:1st|first) trimester\b", re.I), "first"),
                    (re.compile(r"\b(?:2nd|second) trimester\b", re.I), "second"),
                    (re.compile(r"\b(?:3rd|third) trimester\b", re.I), "third"))


def _trimester(s: Suggestion, note: str, analysis: NoteAnalysis, reground: Reground, icd) -> Suggestion:
    """I.C.15.a.3: a pregnancy code of unspecified trimester takes the trimester the note documents (its
    words, or the weeks of gestation)."""
    if s.system is not System.ICD10CM or s.code[:1] not in "OZ" or "unspecified trimester" not in (
            icd.title(s.code) or ""):
        return s
    which = next((name for rx, name in _TRIMESTER_WORDS if rx.search(note)), None)
    if which is None and (weeks := weeks_of_gestation(note, analysis)) is not None:
        n = int(weeks[0][4:])
        which = "first" if n < 14 else "second" if n < 28 else "third"
    if which is None:
        return s
    title = (icd.title(s.code) or "").replace("unspecified trimester", f"{which} trimester")
    sibling = next((c for c in _siblings(s.code, icd) if (icd.title(c) or "") == title), None)
    if sibling is None:
        return s
    return _replace(s, sibling, f"more specific: {which} trimester documented (was {s.code})", reground)


def _pregnancy_diabetes(s: Suggestion, note: str, analysis: NoteAnalysis, reground: Reground) -> Suggestion:
    """Gestational diabetes of unspecified control (O24.419, O24.429, O24.439) by the control the note documents."""
    if s.system is not System.ICD10CM or not re.fullmatch(r"O24\.4[123]9", s.code):
        return s
    for rx, digit, words in _PREGNANCY_DIABETES_CONTROL:
        m = next((m for m in rx.finditer(note)
                  if not analysis.context_at(m.start(), m.end()) & {"negated", "hypothetical", "family"}), None)
        if m is not None:
            return _replace(s, s.code[:-1] + digit, f"more specific: {words} (was {s.code})", reground)
    return s


def _history(s: Suggestion, note: str, analysis: NoteAnalysis, reground: Reground, icd) -> Suggestion:
    """An active-disease code for a condition documented as past becomes its history code."""
    if s.system is not System.ICD10CM or not s.valid:
        return s
    ev = s.evidence[0] if s.evidence and s.evidence[0].located else None
    past_list = ev is not None and s.code.startswith(_PAST_EVENTS) and analysis.section_at(ev.start) in _PAST_SECTIONS
    if Flag.HISTORY not in s.flags and not past_list:
        return s
    z = next((z for prefix, z in HISTORY_OF if s.code.startswith(prefix)), None)
    if z is None or not icd.is_billable(z):
        return s
    if s.code[:1] == "C" and ev is not None:
        sent = analysis.sentence_at(ev.start)
        if sent is not None and _CANCER_TREATMENT.search(note, sent.start, sent.end):
            return s   # still treated: the cancer is current; the history flag asks the coder to look
    return _replace(s, z, f"documented as history: coded {z} in place of {s.code} (guideline I.C.21.c.4)",
                    reground)


def _specific(s: Suggestion, note: str, analysis: NoteAnalysis, reground: Reground, icd) -> Suggestion:
    """An unspecified side, or an initial 7th character, where the note documents more."""
    if s.system is not System.ICD10CM or not s.valid or not s.evidence:
        return s
    title = icd.title(s.code) or ""
    ev = s.evidence[0]
    sent = analysis.sentence_at(ev.start)
    around = note[sent.start:sent.end] if sent is not None else ev.text
    if _UNSPECIFIED_SIDE.search(title):
        sides = [name for name, rx in _SIDES if rx.search(around)]
        if not sides and re.search(r"\b(?:eye|eyelid|cornea|conjunctiva|orbit|lacrimal|retina|lens)\b", title, re.I):
            # the eye's own abbreviations: OD right, OS left, OU both
            sides = [name for name, rx in _EYE_SIDES if rx.search(around)]
        side = "bilateral" if {"right", "left"} <= set(sides) else (sides[0] if len(sides) == 1 else None)
        if side is not None:
            target = tokenize(_UNSPECIFIED_SIDE.sub(side, title, count=1))   # "limb" ~ "limbs"
            sibling = next((c for c in _siblings(s.code, icd) if tokenize(icd.title(c) or "") == target), None)
            if sibling is not None:
                s = _replace(s, sibling, f"more specific: {side} side documented (was {s.code})", reground)
    if sent is not None and not analysis.context_at(sent.start, sent.end) & _CONTEXTS_NOT_DOCUMENTED:
        documented = _documented_sibling(s.code, icd.title(s.code) or "", around, icd)
        if documented is not None:
            sibling, extra = documented
            s = _replace(s, sibling, f"more specific: '{' '.join(extra)}' documented with this mention "
                                     f"(was {s.code})", reground)
    if s.code[:1] == "S" and (icd.title(s.code) or "").startswith("Displaced fracture") and _NONDISPLACED.search(around):
        # I.C.19.c.1: displaced is only the default when the note does not say
        want = (icd.title(s.code) or "").replace("Displaced fracture", "Nondisplaced fracture", 1)
        sibling = next((c for c in _siblings(s.code, icd) if (icd.title(c) or "") == want), None)
        if sibling is not None:
            s = _replace(s, sibling, f"more specific: nondisplaced documented (was {s.code})", reground)
    if s.code[:1] == "S" and len(s.code) >= 6 and s.code[5] in "1234" and _BITE.search(around):
        # an open wound from a bite is the open bite code of the site (S01-S91, fifth character 5)
        bite = s.code[:5] + "5" + s.code[6:]
        if icd.is_billable(bite) and (icd.title(bite) or "").startswith("Open bite"):
            s = _replace(s, bite, f"more specific: a bite wound is the open bite code (was {s.code})", reground)
    if s.code[:1] in "ST" and len(s.code) == 8 and s.code.endswith("A") and _documents_healing(note, analysis):
        later = s.code[:-1] + "D"
        if icd.is_billable(later):
            s = _replace(s, later, f"7th character D: the note documents routine healing after treatment "
                                   f"(was {s.code})", reground)
    return s


_NONDISPLACED = re.compile(r"\b(?:non-?displaced|undisplaced|not displaced)\b", re.I)
_BITE = re.compile(r"\b(?:bite|bites|bitten|bit)\b", re.I)
_PAREN = re.compile(r"\([^()]*\)")
_AXIS_WORDS = frozenset(tokenize("unspecified other specified site type initial encounter subsequent sequela "
                                 "whether"))
# A sentence with any of these scopes may document the extra words in a way that does not apply.
_CONTEXTS_NOT_DOCUMENTED = frozenset({"negated", "uncertain", "hypothetical", "family", "history"})


def _title_words(title: str) -> frozenset[str]:
    """A title's required words (parenthesised nonessential words left out)."""
    return frozenset(tokenize(_PAREN.sub(" ", title))) - _AXIS_WORDS


def _documented_sibling(code: str, title: str, around: str, icd) -> tuple[str, list[str]] | None:
    """The one billable sibling of an unspecified code whose distinguishing words the mention's
    sentence states ("COPD with acute exacerbation" -> J44.1), or None when none or several do."""
    if "unspecified" not in title.lower():
        return None
    said = frozenset(tokenize(around))
    # the unspecified axis itself ("..., unspecified whether with hypoxia or hypercapnia") names nothing
    own = _title_words(re.sub(r"(?i)\bunspecified whether[^,]*", " ", title))
    fits = []
    for sib in _siblings(code, icd):
        sib_title = icd.title(sib) or ""
        extra = _title_words(sib_title) - own
        if extra and extra <= said and not ("other" in tokenize(sib_title) and "other" not in tokenize(title)):
            fits.append((len(extra), sib, sorted(extra)))
    fits.sort(reverse=True)
    if not fits or (len(fits) > 1 and fits[0][0] == fits[1][0]):
        return None
    return fits[0][1], fits[0][2]


_FLU_TYPED = re.compile(r"\b(?:influenza|flu)\s*(?:type\s*)?[AB]\b(?!\s*(?:and|/|or|&)\s*B\b)"
                        r"(?!\s*(?:vaccine|vaccination|shot|immuni[sz]ation|and B negative))", re.I)


def _identified_influenza(s: Suggestion, note: str, analysis: NoteAnalysis, reground: Reground, icd) -> Suggestion:
    """I.C.10.c: influenza whose type (A or B) the note documents is an identified virus, J10, not J11."""
    if s.system is not System.ICD10CM or not s.code.startswith("J11") or not s.valid:
        return s
    for m in _FLU_TYPED.finditer(note):
        if analysis.context_at(m.start(), m.end()) & {"negated", "hypothetical", "family", "history", "uncertain"}:
            continue
        identified = "J10" + s.code[3:]
        if icd.is_billable(identified):
            return _replace(s, identified, f"influenza {m.group(0)[-1].upper()} identified: {identified} "
                                           f"in place of {s.code} (guideline I.C.10.c)", reground)
    return s


def _documents_healing(note: str, analysis: NoteAnalysis) -> bool:
    """The note says this visit follows treatment (outside instructions and hypothetical scopes)."""
    for m in _ROUTINE_HEALING.finditer(note):
        if analysis.section_at(m.start()) == "disposition" or analysis.context_at(m.start(), m.end()) & {
                "hypothetical", "negated"}:
            continue
        return True
    return False


_EXTERNAL_KINDS = {"cause": ("V", "W", "X", "Y0", "Y1", "Y2", "Y3"), "place": ("Y92",), "activity": ("Y93",),
                   "status": ("Y99",)}


# External causes for a mechanism the note does not tell: any cause the index reads comes first
_DEFAULT_CAUSES = ("W19", "X58", "V89.2", "V89.9", "V99", "V49.9", "V49.8")


def _external_causes(out: list[Suggestion], note: str, analysis: NoteAnalysis, reground: Reground,
                     icd) -> list[Suggestion]:
    """I.C.20: the external causes of a coded injury that the suggestions lack, from the index."""
    injuries = [s for s in out if _usable_icd(s) and takes_external_cause(s.code)
                and not (set(s.flags) & _CONTEXT_FLAGS)]
    # a toxic effect (T51-T65: a sting, a bite's venom) names its cause and intent, but where and
    # during what it happened are coded beside it all the same
    toxic = not injuries and [s for s in out if _usable_icd(s) and "T51" <= s.code[:3] <= "T65"
                              and not (set(s.flags) & _CONTEXT_FLAGS)]
    injuries = injuries or toxic or []
    if not injuries:
        return []
    seventh = injuries[0].code[-1] if len(injuries[0].code) == 8 else "A"
    have = [s.code for s in out if s.system is System.ICD10CM and not s.suppressed]
    added = []
    for found in find_external_causes(note, analysis, seventh, icd):
        if toxic and found.kind == "cause":
            continue
        if any(code.startswith(_EXTERNAL_KINDS[found.kind]) and not code.startswith(_DEFAULT_CAUSES)
               for code in have):
            continue
        if found.code.startswith(_DEFAULT_CAUSES) and any(c.startswith(_DEFAULT_CAUSES) for c in have):
            continue
        for d in out:
            # "Unspecified fall" gives way to the mechanism the index reads ("tripped over a rug")
            if d.system is System.ICD10CM and d.code.startswith(_DEFAULT_CAUSES) and d.reportable \
                    and found.kind == "cause" and not found.code.startswith(_DEFAULT_CAUSES):
                d.hold(f"the note documents the mechanism: {found.code} ({found.why}), not this default")
        s = reground(RawSuggestion(code=found.code, system=System.ICD10CM, confidence=0.7,
                                   description=icd.title(found.code) or "", reasoning=found.why,
                                   evidence=[note[found.start:found.end].strip()]))
        if s.acceptable:
            _note(s, f"external cause of {injuries[0].code} (guideline I.C.20): {found.why}")
            added.append(s)
    return added


def _siblings(code: str, icd) -> list[str]:
    parent = icd.parent(code)
    if parent is None:
        return []
    # 7th-character codes sit under a six-character code whose siblings hold the side
    grand = icd.parent(parent) if len(code) == 8 else None
    pool = icd.billable_descendants(grand or parent)
    return [c for c in pool if c != code and len(c) == len(code) and c[-1:] == code[-1:]] if grand else \
        [c for c in pool if c != code]


def _replace(s: Suggestion, code: str, reason: str, reground: Reground) -> Suggestion:
    """``s`` with ``code`` in its place, validated again, keeping its evidence and the reason."""
    new = reground(RawSuggestion(code=code, system=s.system, evidence=[e.text for e in s.evidence],
                                 confidence=s.confidence, reasoning=s.reasoning,
                                 description=s.model_description))
    if not new.acceptable:
        return s
    new.evidence = list(s.evidence)
    new.original_code = s.original_code or s.code
    new.model_description = s.model_description
    new.flags = [f for f in new.flags if f is not Flag.UNSPECIFIED]
    _note(new, reason)
    return new
