"""A cancer excised or treated to completion, with no evidence of disease, is history (I.C.2.d).

"When a primary malignancy has been excised or eradicated from its site and there
is no further treatment directed to that site and there is no evidence of any
existing primary malignancy, a code from category Z85 ... should be used." A solid
tumour's C code becomes its Z85 code when the note documents all three: the
excision or the completed treatment, no evidence of disease, and no treatment or
disease now (no current chemotherapy or hormonal therapy, no recurrence, no
metastasis). Blood cancers are left alone: they have their own "in remission" codes.
A surveillance visit after the completed treatment adds Z08 (I.C.21.c.8).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from medcoder_tui.codes.status_terms import HISTORY_OF
from medcoder_tui.codes.systems import System
from medcoder_tui.engines.analysis.clinical_text import NoteAnalysis
from medcoder_tui.engines.models import RawSuggestion, Suggestion

Reground = Callable[[RawSuggestion], Suggestion]
Replace = Callable[[Suggestion, str, str], Suggestion]

_DONE = re.compile(
    r"\b(?:s/p|status post|after|underwent|had|treated (?:with|by))\b[^.\n]{0,60}?\b(?:\w+ectomy|resect\w*|excis\w*|"
    r"removal|removed|mohs|ablation|ablated|wle|(?:definitive |adjuvant )?(?:chemo)?(?:radiation|radiotherapy|rt|xrt|"
    r"sbrt|imrt))\b|\bcompleted\b[^.\n]{0,40}?\b(?:chemo\w*|radiation|radiotherapy|xrt|treatment|therapy|capox|folfox|"
    r"adjuvant|course)\b|"
    # "definitive RT 63 Gy/28 fx, completed 02/20/2026": the course named, then its end
    r"\b(?:chemo\w*|radiation|radiotherapy|rt|xrt|sbrt|imrt|treatment)\b[^.;\n]{0,40}?\bcompleted\b", re.I)
_NO_DISEASE = re.compile(r"\b(?:ned|no evidence of (?:disease|recurrence|residual|malignancy|cancer)|disease[- ]free|"
                         r"cancer[- ]free|no recurrence|no residual (?:disease|tumou?r))\b", re.I)
_ACTIVE = re.compile(r"\b(?:currently (?:on|receiving)|on (?:chemo\w*|adjuvant|hormonal|tamoxifen|letrozole|"
                     r"anastrozole|exemestane|immunotherapy)|receiving|cycle \d+|metasta\w*|recurren\w*|"
                     r"progress\w*|residual (?:disease|tumou?r))\b", re.I)
_SURVEILLANCE = re.compile(r"\b(?:surveillance|survivorship|post-?treatment follow[- ]?up)\b", re.I)


_DATED_AFTER = re.compile(r"[^.;]{0,30}?(?:\b\d{1,2}/\d{2,4}\b|\b(?:19|20)\d\d\b|\blast (?:year|month)\b)")


def _surveillance_visit(note: str, analysis: NoteAnalysis) -> re.Match[str] | None:
    """The words that make this visit a surveillance one: not a past test's ("Surveillance mammogram 01/2026
    negative"), nor one told as history ("discharged her to survivorship clinic last year")."""
    for m in _SURVEILLANCE.finditer(note):
        if analysis.context_at(m.start(), m.end()) & {"history", "hypothetical", "negated", "family"} \
                or _DATED_AFTER.match(note, m.end()) or _CONTINUED.search(note, max(0, m.start() - 40), m.start()) \
                or _SCHEDULE.match(note, m.end()):
            # ("Continue annual mammography and survivorship follow-up": care that goes on elsewhere; "Surveillance:
            # Tg yearly; next neck US 03/2027": the schedule of later visits, not this one's reason)
            continue
        return m
    return None


_CONTINUED = re.compile(r"\bcontinue\b[^.;\n]*$", re.I)
_SCHEDULE = re.compile(r"\s*:[^.\n]{0,40}?\b(?:yearly|annual(?:ly)?|every|q\s?\d+|next)\b", re.I)


def _documented(rx: re.Pattern[str], note: str, analysis: NoteAnalysis, *, negated_counts: bool = True) -> bool:
    for m in rx.finditer(note):
        kinds = analysis.context_at(m.start(), m.end())
        if kinds & {"family", "hypothetical"} or (not negated_counts and "negated" in kinds):
            continue
        return True
    return False


def treated_cancers(out: list[Suggestion], note: str, analysis: NoteAnalysis, reground: Reground,
                    replace: Replace) -> list[Suggestion]:
    """``out`` with each solid cancer the note says was treated to completion as its Z85 history code."""
    cancers = [s for s in out if s.system is System.ICD10CM and s.reportable and s.code[:1] == "C"
               and s.code[:3] < "C81"]
    completed = _documented(_DONE, note, analysis) and _documented(_NO_DISEASE, note, analysis) \
        and not _documented(_ACTIVE, note, analysis, negated_counts=False)
    if not completed:
        return out
    result = list(out)
    for s in cancers:
        z = next((z for prefix, z in HISTORY_OF if s.code.startswith(prefix)), None)
        if z is None:
            continue
        new = replace(s, z, f"excised or treated to completion with no evidence of disease: history {z} in "
                            f"place of {s.code} (guideline I.C.2.d)")
        result[result.index(s)] = new
    # the history code, whether put in place here or read as history ("hx of colon cancer")
    history = any(s.system is System.ICD10CM and s.reportable and s.code.startswith("Z85") for s in result)
    have = {s.code for s in result if s.system is System.ICD10CM}
    if history and "Z08" not in have and (m := _surveillance_visit(note, analysis)):
        why = "follow-up examination after completed treatment of a malignancy (guideline I.C.21.c.8)"
        z08 = reground(RawSuggestion(code="Z08", system=System.ICD10CM, confidence=0.7, reasoning=why,
                                     evidence=[note[m.start():m.end()]]))
        if z08.acceptable:
            z08.messages.append(why)
            result.insert(0, z08)
    return result
