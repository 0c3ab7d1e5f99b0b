"""Candidates a coder's index offers that the note's words do not name as a condition.

The guideline layer adds these codes beside what was coded; the model is offered them
in its candidate list so that it can do the same: an injury's external causes from the
External Cause Index (cause, place, activity, status; initial encounter shown), the
weeks of gestation, a general or routine examination (with and without abnormal
findings), Z23 for a vaccine given, the adverse effect (T36-T50) of a drug the note
says caused a reaction, and for an influenza (J11) the identified-virus code (J10) of
the same manifestation. Long-term drug codes come with the status codes.
"""

from __future__ import annotations

from medcoder_tui.codes.systems import System
from medcoder_tui.engines.analysis.clinical_text import NoteAnalysis
from medcoder_tui.engines.diagnoses.adverse_effects import adverse_effect_codes
from medcoder_tui.engines.diagnoses.candidate import Candidate
from medcoder_tui.engines.diagnoses.encounter_terms import exam_codes, vaccine_mention, weeks_of_gestation
from medcoder_tui.engines.diagnoses.external_causes import find_external_causes, takes_external_cause
from medcoder_tui.engines.diagnoses.status_codes import STATUS_SCORE


def _candidate(code: str, note: str, start: int, end: int, icd) -> Candidate | None:
    if not icd.is_billable(code):
        return None
    return Candidate(code, System.ICD10CM, icd.title(code) or "", STATUS_SCORE, note[start:end], start, end,
                     frozenset(), True, 1, False, 1, [frozenset()], "status")


def guideline_candidates(note: str, analysis: NoteAnalysis, found: list[Candidate], icd) -> list[Candidate]:
    """External causes of a found injury, Z3A weeks, Z00 examination and Z23 vaccination candidates."""
    wanted: list[tuple[str, int, int]] = []
    if any(c.origin == "mention" and takes_external_cause(c.code) and not c.context for c in found):
        wanted += [(ec.code, ec.start, ec.end) for ec in find_external_causes(note, analysis, "A", icd)]
    if (weeks := weeks_of_gestation(note, analysis)) is not None:
        wanted.append(weeks)
    if (exam := exam_codes(note, analysis)) is not None:
        (normal, abnormal), start, end = exam
        wanted += [(normal, start, end), (abnormal, start, end)]
    if (vaccine := vaccine_mention(note, analysis)) is not None:
        wanted.append(("Z23", *vaccine))
    wanted += adverse_effect_codes(note, analysis)
    wanted += [("J10" + c.code[3:], c.start, c.end) for c in found if c.code.startswith("J11")]
    out = []
    for code, start, end in wanted:
        cand = _candidate(code, note, start, end, icd)
        if cand is not None and all(c.code != code for c in out):
            out.append(cand)
    return out
