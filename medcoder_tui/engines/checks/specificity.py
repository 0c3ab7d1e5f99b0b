"""Specificity rules (I.B.1): an unspecified code becomes the sibling the note documents.

- the side (right, left, bilateral; OD/OS/OU for the eye) of the mention's sentence;
- a sibling whose distinguishing words the sentence states ("COPD with acute exacerbation");
- nondisplaced fractures, open bite wounds, and the subsequent encounter (7th character D)
  when the note documents routine healing after treatment (I.C.19.a);
- influenza of an identified type (J10, I.C.10.c), nicotine dependence on e-cigarettes
  (F17.29-), gestational diabetes by its control and pregnancy codes by trimester (I.C.15).
"""

from __future__ import annotations

import re

from medcoder_tui.codes.systems import System
from medcoder_tui.codes.text import tokenize
from medcoder_tui.engines.analysis.clinical_text import NoteAnalysis
from medcoder_tui.engines.checks.edits import Reground, replace_code, siblings
from medcoder_tui.engines.diagnoses.encounter_terms import weeks_of_gestation
from medcoder_tui.engines.models import Suggestion

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


_VAPING = re.compile(r"\b(?:e-?cig(?:arette)?s?|vap(?:e|es|ing|er)|electronic cigarettes?|juul)\b", re.I)


def vaping(s: Suggestion, note: str, analysis: NoteAnalysis, reground: Reground) -> Suggestion:
    """Nicotine dependence on e-cigarettes is 'other tobacco product' (F17.29-), not cigarettes (F17.21-)."""
    if s.system is not System.ICD10CM or not s.code.startswith(("F17.21", "F17.20")) or not s.evidence:
        return s
    sent = analysis.sentence_at(s.evidence[0].start) if s.evidence[0].located else None
    around = note[sent.start:sent.end] if sent is not None else s.evidence[0].text
    if not _VAPING.search(around) or re.search(r"\bcigarettes?\b", _VAPING.sub(" ", around)):
        return s   # no vaping, or cigarettes too
    return replace_code(s, "F17.29" + s.code[-1], f"nicotine dependence on e-cigarettes is another tobacco product "
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


def trimester(s: Suggestion, note: str, analysis: NoteAnalysis, reground: Reground, icd) -> Suggestion:
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
    sibling = next((c for c in siblings(s.code, icd) if (icd.title(c) or "") == title), None)
    if sibling is None:
        return s
    return replace_code(s, sibling, f"more specific: {which} trimester documented (was {s.code})", reground)


def pregnancy_diabetes(s: Suggestion, note: str, analysis: NoteAnalysis, reground: Reground) -> Suggestion:
    """Gestational diabetes of unspecified control (O24.419, O24.429, O24.439) by the control the note documents."""
    if s.system is not System.ICD10CM or not re.fullmatch(r"O24\.4[123]9", s.code):
        return s
    for rx, digit, words in _PREGNANCY_DIABETES_CONTROL:
        m = next((m for m in rx.finditer(note)
                  if not analysis.context_at(m.start(), m.end()) & {"negated", "hypothetical", "family"}), None)
        if m is not None:
            return replace_code(s, s.code[:-1] + digit, f"more specific: {words} (was {s.code})", reground)
    return s


def specific(s: Suggestion, note: str, analysis: NoteAnalysis, reground: Reground, icd) -> Suggestion:
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
            sibling = next((c for c in siblings(s.code, icd) if tokenize(icd.title(c) or "") == target), None)
            if sibling is not None:
                s = replace_code(s, sibling, f"more specific: {side} side documented (was {s.code})", reground)
    if sent is not None and not analysis.context_at(sent.start, sent.end) & _CONTEXTS_NOT_DOCUMENTED:
        documented = _documented_sibling(s.code, icd.title(s.code) or "", around, icd)
        if documented is not None:
            sibling, extra = documented
            s = replace_code(s, sibling, f"more specific: '{' '.join(extra)}' documented with this mention "
                                     f"(was {s.code})", reground)
    if s.code[:1] == "S" and (icd.title(s.code) or "").startswith("Displaced fracture") and _NONDISPLACED.search(around):
        # I.C.19.c.1: displaced is only the default when the note does not say
        want = (icd.title(s.code) or "").replace("Displaced fracture", "Nondisplaced fracture", 1)
        sibling = next((c for c in siblings(s.code, icd) if (icd.title(c) or "") == want), None)
        if sibling is not None:
            s = replace_code(s, sibling, f"more specific: nondisplaced documented (was {s.code})", reground)
    if s.code[:1] == "S" and len(s.code) >= 6 and s.code[5] in "1234" and _BITE.search(around):
        # an open wound from a bite is the open bite code of the site (S01-S91, fifth character 5)
        bite = s.code[:5] + "5" + s.code[6:]
        if icd.is_billable(bite) and (icd.title(bite) or "").startswith("Open bite"):
            s = replace_code(s, bite, f"more specific: a bite wound is the open bite code (was {s.code})", reground)
    if s.code[:1] in "ST" and len(s.code) == 8 and s.code.endswith("A") and _documents_healing(note, analysis):
        later = s.code[:-1] + "D"
        if icd.is_billable(later):
            s = replace_code(s, later, f"7th character D: the note documents routine healing after treatment "
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
    for sib in siblings(code, icd):
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


def identified_influenza(s: Suggestion, note: str, analysis: NoteAnalysis, reground: Reground, icd) -> Suggestion:
    """I.C.10.c: influenza whose type (A or B) the note documents is an identified virus, J10, not J11."""
    if s.system is not System.ICD10CM or not s.code.startswith("J11") or not s.valid:
        return s
    for m in _FLU_TYPED.finditer(note):
        if analysis.context_at(m.start(), m.end()) & {"negated", "hypothetical", "family", "history", "uncertain"}:
            continue
        identified = "J10" + s.code[3:]
        if icd.is_billable(identified):
            return replace_code(s, identified, f"influenza {m.group(0)[-1].upper()} identified: {identified} "
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
