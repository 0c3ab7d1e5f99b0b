"""Guideline I.B.8: a condition described as both acute and chronic is coded twice, acute first.

"Acute on chronic DVT of the left femoral vein" is I82.412 and I82.512: the tabular keeps the
acute and the chronic thrombosis apart (I82.4- and I82.5-) and has no code for both. Where the
tabular has a combination code ("acute on chronic systolic heart failure", I50.23) the words
match it directly and nothing is added. The chronic code is the acute code's twin in its
category (the same title with "Chronic" for "Acute"), validated like any code.
"""

from __future__ import annotations

import re

from medcoder_tui.engines.checks.edits import Reground, add_reason, usable_icd
from medcoder_tui.engines.models import RawSuggestion, Suggestion

_BOTH = re.compile(r"\bacute(?:ly)?\s*(?:on|and|/|with|superimposed on)\s*chronic\b", re.I)


def _twin(code: str, icd) -> str | None:
    title = icd.title(code) or ""
    if not title.startswith("Acute "):
        return None
    want = "Chronic " + title[len("Acute "):]
    return next((c for c in icd.billable_descendants(code[:3]) if (icd.title(c) or "") == want), None)


def acute_and_chronic(out: list[Suggestion], note: str, icd, reground: Reground) -> list[Suggestion]:
    """The chronic twins of the acute codes whose mentions say "acute on chronic", that ``out`` lacks."""
    have = {s.code for s in out if usable_icd(s)}
    added: list[Suggestion] = []
    for s in list(out):
        if not usable_icd(s) or not s.evidence or not s.evidence[0].located:
            continue
        ev = s.evidence[0]
        if not _BOTH.search(note[max(0, ev.start - 30):ev.end]):
            continue
        chronic = _twin(s.code, icd)
        if chronic is None or chronic in have:
            continue
        new = reground(RawSuggestion(code=chronic, system=s.system, evidence=[e.text for e in s.evidence],
                                     confidence=s.confidence, reasoning=s.reasoning))
        if not new.acceptable:
            continue
        new.evidence = list(s.evidence)
        add_reason(new, f"acute on chronic documented and the tabular has no code for both (guideline I.B.8): "
                        f"{s.code} for the acute condition, first, and {chronic} for the chronic one")
        added.append(new)
        have.add(chronic)
    return added
