"""Reason-for-encounter and status Z codes the guidelines ask for beside what was coded.

- Z23 (I.C.21.c.2): a vaccine given at the encounter (a vaccine product or its
  administration code is coded).
- Z3A (I.C.15.a.4 / "use additional code"): the weeks of gestation the note states,
  beside any pregnancy code (O00-O9A, Z34, Z33.1).
- Z00.0x / Z00.12x (I.C.21.c.13): a general adult or routine child examination
  the note says the visit is, "with abnormal findings" when another diagnosis is coded.
- Z79 (I.C.21.c.3): long-term (current) use of anticoagulants, insulin, oral
  hypoglycemics or aspirin, read from the medication list or "on <drug>", never from
  a drug stopped, held or only planned.
- T14 (injury of unspecified body region) gives way to an injury code that names
  the region.

Each code added is validated like any engine's code and carries its reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from medcoder_tui.codes.systems import System
from medcoder_tui.engines.analysis.clinical_text import NoteAnalysis
from medcoder_tui.engines.models import Flag, RawSuggestion, Suggestion

Reground = Callable[[RawSuggestion], Suggestion]

_WEEKS = re.compile(r"\b(?:(\d{1,2})(?:\s*\+\s*\d)?\s*(?:weeks?|wks?|w)(?:\s*(?:and\s*)?\d\s*d(?:ays?)?)?"
                    r"\s*(?:gestation|ga|pregnant|iup|by lmp|by us|by dating)|"
                    r"(?:ga|gestational age|egA)\s*(?:of|:)?\s*(\d{1,2})(?:\s*\+\s*\d)?\s*(?:weeks?|wks?|w)?|"
                    r"g\d\s*p\d{1,4}\s*(?:at|@)\s*(\d{1,2})\s*(?:weeks?|wks?|w))\b", re.I)
_EXAM = re.compile(r"\b(?:annual|routine|preventive|preventative|wellness|well)[- ](?:physical|exam|examination|"
                   r"visit|check|check-?up|care|child|woman|man|adult)\b|\bcomplete physical\b|"
                   r"\b(?:annual|routine) (?:health|medical) (?:exam|examination|visit)\b|\bwcc\b", re.I)
_AGE = re.compile(r"\b(\d{1,3})[- ]?(?:y/?o|yr?s?\.?[- ]old|years?[- ]old|y\b|yo\b|-year-old|[mf]\b)", re.I)
_MONTHS_OLD = re.compile(r"\b(\d{1,2})[- ]?(?:mo|months?)[- ]old\b", re.I)
_LONG_TERM = (
    (re.compile(r"\b(?:warfarin|coumadin|apixaban|eliquis|rivaroxaban|xarelto|dabigatran|pradaxa|edoxaban|"
                r"enoxaparin|lovenox|acenocoumarol)\b", re.I), "Z79.01"),
    (re.compile(r"\b(?:insulin|glargine|lantus|detemir|levemir|degludec|tresiba|lispro|humalog|aspart|novolog)\b",
                re.I), "Z79.4"),
    (re.compile(r"\b(?:metformin|glipizide|glyburide|glimepiride|sitagliptin|januvia|pioglitazone|empagliflozin|"
                r"jardiance|dapagliflozin|farxiga|linagliptin)\b", re.I), "Z79.84"),
    (re.compile(r"\b(?:aspirin|asa)\s*81\b|\bbaby aspirin\b|\blow[- ]dose aspirin\b|\baspirin\b(?=[^.\n]{0,25}"
                r"\bdaily\b)", re.I), "Z79.82"),
)
_NOT_TAKEN = re.compile(r"\b(?:stop(?:ped)?|discontinu\w*|held|hold|start(?:ed|ing)?|initiat\w*|begin|"
                        r"prescribe[ds]?|switch\w*|consider|allerg\w*|d/c)\b", re.I)


def _vaccine_given(out: list[Suggestion]) -> bool:
    return any(s.system is System.CPT and s.acceptable and not (set(s.flags) & {Flag.NEGATED})
               and s.code.isdigit() and ("90460" <= s.code <= "90474" or "90476" <= s.code <= "90759")
               for s in out)


def _pregnant(out: list[Suggestion]) -> bool:
    return any(s.system is System.ICD10CM and s.acceptable and not s.suppressed
               and (s.code[:1] == "O" or s.code.startswith(("Z34", "Z33.1"))) for s in out)


def _weeks(note: str, analysis: NoteAnalysis) -> tuple[str, int, int] | None:
    for m in _WEEKS.finditer(note):
        if analysis.context_at(m.start(), m.end()) & {"negated", "hypothetical", "history"}:
            continue
        value = int(next(g for g in m.groups() if g))
        if value > 45:
            continue
        code = "Z3A.01" if value < 8 else "Z3A.49" if value > 42 else f"Z3A.{value:02d}"
        return code, m.start(), m.end()
    return None


def _age_years(note: str) -> float | None:
    head = note[:600]
    m = _MONTHS_OLD.search(head)
    if m:
        return int(m.group(1)) / 12
    m = _AGE.search(head)
    return float(m.group(1)) if m and int(m.group(1)) < 120 else None


def _exam(note: str, analysis: NoteAnalysis, out: list[Suggestion]) -> tuple[str, int, int] | None:
    m = next((m for m in _EXAM.finditer(note[:1500])
              if not analysis.context_at(m.start(), m.end()) & {"negated", "hypothetical", "history"}), None)
    age = _age_years(note)
    if m is None or age is None or age < 29 / 365:
        return None
    abnormal = any(s.system is System.ICD10CM and s.reportable and s.code[:1] not in "ZVWXY" for s in out)
    if age < 18:
        return ("Z00.121" if abnormal else "Z00.129"), m.start(), m.end()
    return ("Z00.01" if abnormal else "Z00.00"), m.start(), m.end()


def _long_term(note: str, analysis: NoteAnalysis) -> list[tuple[str, int, int]]:
    found: list[tuple[str, int, int]] = []
    for rx, code in _LONG_TERM:
        for m in rx.finditer(note):
            section = analysis.section_at(m.start())
            sent = analysis.sentence_at(m.start())
            clause = note[sent.start:sent.end] if sent else note[max(0, m.start() - 40):m.end() + 40]
            listed = section == "medications" or re.search(r"\b(?:on|takes|taking|continues?)\s+(?:\w+\s+)?$",
                                                           note[max(0, m.start() - 25):m.start()], re.I)
            if not listed or _NOT_TAKEN.search(clause):
                continue
            if analysis.context_at(m.start(), m.end()) & {"negated", "family", "hypothetical", "history"}:
                continue
            found.append((code, m.start(), m.end()))
            break
    return found


def encounter_codes(out: list[Suggestion], note: str, analysis: NoteAnalysis, reground: Reground,
                    note_fn: Callable[[Suggestion, str], None]) -> list[Suggestion]:
    """The Z codes to add beside ``out`` (each grounded, with its reason); T14 codes that give way
    are marked in place through ``note_fn``."""
    have = {s.code for s in out if s.system is System.ICD10CM}
    have_cat = {c[:3] for c in have}
    wanted: list[tuple[str, int, int, str]] = []
    if _vaccine_given(out) and "Z23" not in have:
        first = next(s for s in out if s.system is System.CPT and s.code.startswith("90") and s.evidence)
        ev = first.evidence[0]
        wanted.append(("Z23", ev.start, ev.end, "vaccine given at this encounter (guideline I.C.21.c.2)"))
    if _pregnant(out) and "Z3A" not in have_cat and (weeks := _weeks(note, analysis)):
        wanted.append((*weeks, "weeks of gestation documented, beside the pregnancy code"))
    if "Z00" not in have_cat and (exam := _exam(note, analysis, out)):
        wanted.append((*exam, "general or routine examination documented (guideline I.C.21.c.13)"))
    for code, start, end in _long_term(note, analysis):
        if code not in have:
            wanted.append((code, start, end, "long-term (current) drug use documented (guideline I.C.21.c.3)"))
    added = []
    for code, start, end, why in wanted:
        s = reground(RawSuggestion(code=code, system=System.ICD10CM, confidence=0.7, reasoning=why,
                                   evidence=[note[start:end]]))
        if s.acceptable:
            note_fn(s, why)
            added.append(s)
    regions = [s for s in out if s.system is System.ICD10CM and s.code[:1] == "S" and s.reportable]
    for s in out:
        if s.system is System.ICD10CM and s.code.startswith("T14") and s.reportable and regions:
            note_fn(s, f"injury of unspecified body region: {regions[0].code} names the region")
            if Flag.GUIDELINE not in s.flags:
                s.flags.append(Flag.GUIDELINE)
    return added
