"""Guideline I.B.13: a bilateral condition with no bilateral code is coded for each side.

"Bilateral adrenal metastases" has no bilateral code (C79.7- has right, left and unspecified):
it is C79.71 and C79.72, not C79.70. The code the note's words matched (unspecified, right or
left side) becomes the right side's and the left side's is added, both validated like any code.
Where the tabular has a bilateral code (M17.0, H40.1133) the specificity steps already pick it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from medcoder_tui.engines.analysis.clinical_text import NoteAnalysis
from medcoder_tui.engines.checks.edits import Reground, add_reason, usable_icd
from medcoder_tui.engines.diagnoses.hierarchy import siblings
from medcoder_tui.engines.models import RawSuggestion, Suggestion

Replace = Callable[[Suggestion, str, str], Suggestion]
_BOTH = re.compile(r"\b(?:bilateral(?:ly)?|both|b/l)\b", re.I)
_SIDE_WORD = re.compile(r"\b(unspecified|right|left)\b", re.I)


def _sides(code: str, icd) -> tuple[str, str] | None:
    """The right and left codes beside ``code`` (one of the three), when there is no bilateral one."""
    title = icd.title(code) or ""
    family = [(sib, (icd.title(sib) or "").lower()) for sib in [code, *siblings(code, icd)]]
    for m in _SIDE_WORD.finditer(title):   # "unspecified site of unspecified female breast": the second
        found: dict[str, str] = {}
        for side in ("right", "left", "bilateral"):
            want = (title[:m.start()] + side + title[m.end():]).lower()
            found.update({side: sib for sib, low in family if low == want})
        if "bilateral" in found:
            return None
        if {"right", "left"} <= found.keys():
            return found["right"], found["left"]
    return None


# "bilateral adrenal metastases", "both adrenal glands", "adrenal metastases, bilateral", "... bilaterally"
_BOTH_BEFORE = re.compile(r"\b(?:bilateral|both|b/l)\s+(?:[\w-]+\s+){0,2}$", re.I)
_ONE_SIDE = re.compile(r"\b(?:right|left|rt|lt)\b", re.I)
_BOTH_AFTER = re.compile(r"^[\s,(-]*(?:bilateral(?:ly)?|b/l|on both sides|in both [\w-]+)\b", re.I)


def _said_bilateral(note: str, start: int, end: int) -> bool:
    """Both sides named with the mention's own words, not elsewhere in its sentence ("lung cancer with
    bilateral adrenal metastases" says nothing of the lung's side)."""
    if _ONE_SIDE.search(note, start, end):
        return False   # "edema; cellulitis of the right leg": the words name their own side
    return bool(_BOTH.search(note, start, end) or _BOTH_BEFORE.search(note[max(0, start - 40):start])
                or _BOTH_AFTER.match(note[end:end + 30]))


def both_sides(out: list[Suggestion], note: str, analysis: NoteAnalysis, icd, reground: Reground,
               replace: Replace) -> list[Suggestion]:
    """Replace, in ``out``, each bilateral condition's one-side code by the right side's; return the left
    side's codes to add."""
    added: list[Suggestion] = []
    have = {s.code for s in out if usable_icd(s)}
    for i, s in enumerate(list(out)):
        if not usable_icd(s) or not s.evidence or not s.evidence[0].located:
            continue
        ev = s.evidence[0]
        if not _said_bilateral(note, ev.start, ev.end):
            continue
        pair = _sides(s.code, icd)
        if pair is None:
            continue
        right, left = pair
        why = "bilateral documented and the classification has no bilateral code (guideline I.B.13): " \
              f"{right} and {left}, one for each side"
        if s.code != right and right not in have:
            new = replace(s, right, f"{why}, in place of {s.code}")
            if new.code != right:
                continue
            out[i] = new
            have.add(right)
        if left not in have:
            extra = reground(RawSuggestion(code=left, system=s.system, evidence=[e.text for e in s.evidence],
                                           confidence=s.confidence, reasoning=s.reasoning))
            if extra.acceptable:
                extra.evidence = list(s.evidence)
                add_reason(extra, why)
                added.append(extra)
                have.add(left)
    return added
