"""History and status rules (I.C.21.c): a past condition is its history code, an allergy on
record is allergy status."""

from __future__ import annotations

import re

from medcoder_tui.codes.status_terms import HISTORY_OF
from medcoder_tui.codes.systems import System
from medcoder_tui.engines.analysis.clinical_text import NoteAnalysis
from medcoder_tui.engines.checks.edits import Reground, replace_code
from medcoder_tui.engines.diagnoses.skin_table import skin_table_code
from medcoder_tui.engines.diagnoses.specific_steps import IN_REMISSION, remission_code
from medcoder_tui.engines.diagnoses.status_codes import FRAGILITY_WORDS
from medcoder_tui.engines.models import Flag, Suggestion

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


def allergy_status(s: Suggestion, note: str, analysis: NoteAnalysis, reground: Reground) -> Suggestion:
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
    return replace_code(s, code, f"an allergy on record is allergy status: coded {code} in place of {s.code}", reground)


# Past events a past-history list names ("PMH: MI 2015, stroke 2019, DVT"): not active conditions
# Events a past-history list names as over (a cancer, an infarction, a stone, a suicide attempt, a fragility
# fracture): coded by their history code there.
PAST_EVENTS = ("C", "I21", "I22", "I63", "G45", "I26", "I80", "I82.4", "N20", "N21", "N23", "M80", "T14.91")
_PAST_SECTIONS = frozenset({"past_medical_history", "past_surgical_history"})
# words of smoking now: a count per day, "current", "active", "still", "smokes"
_STILL_SMOKES = re.compile(r"\b(?:current(?:ly)?|active|still|smokes|every day|\d+(?:\.\d+)?\s*(?:ppd|packs?\s*(?:/|a|per)"
                           r"\s*day|cig\w*\s*(?:/|a|per)\s*day))\b", re.I)


# "smoked 1 ppd x 20 yrs, quit 2012": the count of packs is of the years before
# (not "tried to quit twice", "wants to quit smoking")
_GAVE_UP = re.compile(r"\b(?:smoked|former|ex-?smoker)\b|(?<!to )\b(?:quit|stopped|gave up)(?: smoking| tobacco| cigarettes)?"
                      r"(?: in)? (?:(?:19|20)\d{2}|\d+ (?:years?|yrs?|months?|mos?) ago)\b|"
                      r"(?<!to )\b(?:quit|stopped|gave up) (?:smoking|tobacco|cigarettes)\b", re.I)


def _sentence(note: str, analysis: NoteAnalysis, ev) -> str:
    sent = analysis.sentence_at(ev.start)
    return note[sent.start:sent.end] if sent is not None else ev.text


def _item(note: str, analysis: NoteAnalysis, ev) -> str:
    """The list item the evidence is in: from the last comma or semicolon before it to the next one."""
    sent = analysis.sentence_at(ev.start)
    lo, hi = (sent.start, sent.end) if sent is not None else (ev.start, ev.end)
    start = max(note.rfind(",", lo, ev.start), note.rfind(";", lo, ev.start), lo - 1) + 1
    ends = [i for i in (note.find(",", ev.end, hi), note.find(";", ev.end, hi)) if i >= 0]
    return note[start:min(ends) if ends else hi]


# "history of breast cancer, on tamoxifen": a cancer still under treatment is current (I.C.2.d)
_CANCER_TREATMENT = re.compile(r"\b(?:on|receiving|undergoing|currently|continues?|started)\b[^.;\n]{0,30}\b(?:"
                               r"chemo\w*|radiation|radiotherapy|immunotherapy|tamoxifen|letrozole|anastrozole|"
                               r"exemestane|hormon\w* therapy|adjuvant|treatment)\b", re.I)



def history(s: Suggestion, note: str, analysis: NoteAnalysis, reground: Reground, icd) -> Suggestion:
    """An active-disease code for a condition documented as past becomes its history code."""
    if s.system is not System.ICD10CM or not s.valid:
        return s
    ev = s.evidence[0] if s.evidence and s.evidence[0].located else None
    past_list = ev is not None and s.code.startswith(PAST_EVENTS) and analysis.section_at(ev.start) in _PAST_SECTIONS
    if Flag.HISTORY not in s.flags and not past_list:
        return s
    if ev is not None and (remission := remission_code(s.code, icd)) is not None:
        sent = analysis.sentence_at(ev.start)
        if sent is not None and IN_REMISSION.search(note, sent.start, sent.end):
            # "AML in remission", "DLBCL ... remains in complete remission": the category's own remission code, not a
            # history of the disease (Z85.6 is a leukemia no longer in remission care)
            return s if remission == s.code else replace_code(s, remission, f"in remission: coded {remission} in "
                                                                           f"place of {s.code}", reground)
    z = next((z for prefix, z in HISTORY_OF if s.code.startswith(prefix)), None)
    if s.code.startswith("C80") and ev is not None and (sent := analysis.sentence_at(ev.start)) is not None \
            and (skin := skin_table_code(note[sent.start:sent.end], icd)) is not None:
        # "Hx SCC R dorsal forearm - Mohs 2022": a skin carcinoma by its site, the history of a skin cancer (Z85.828)
        z = next((z for prefix, z in HISTORY_OF if skin[0].startswith(prefix)), z)
    if z is None and s.code[:1] == "S" and "fracture" in s.description.lower() and ev is not None \
            and FRAGILITY_WORDS.search(ev.text):
        z = "Z87.310"   # a healed fragility fracture read at its site ("distal radius fragility fracture in 2024")
    if z is None or not icd.is_billable(z):
        return s
    if s.code.startswith("F17.2") and ev is not None and _STILL_SMOKES.search(item := _item(note, analysis, ev)) \
            and not _GAVE_UP.search(item) and not _GAVE_UP.search(_sentence(note, analysis, ev)):
        return s   # "Hx HTN, HLD, smoker 1 ppd": a list's label does not make a count of today's packs past
    if s.code[:1] == "C" and ev is not None:
        sent = analysis.sentence_at(ev.start)
        if sent is not None and _CANCER_TREATMENT.search(note, sent.start, sent.end):
            return s   # still treated: the cancer is current; the history flag asks the coder to look
    return replace_code(s, z, f"documented as history: coded {z} in place of {s.code} (guideline I.C.21.c.4)",
                    reground)
