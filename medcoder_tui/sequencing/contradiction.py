"""Combination codes that say a condition is absent, coded beside a code for that condition.

A title such as I13.10 "... without heart failure ..." or E11.649 "... with
hypoglycemia without coma" states what the code excludes. The rule reads the
"without X" phrases of every diagnosis's title and flags, in the same case:

- a code whose title names X as a condition ("Heart failure" I50, "Coma"
  R40.2, "Hemorrhage, not elsewhere classified" R58), found by title in the
  code set, and
- a code of the same category whose title says "with X" (I13.0 beside I13.10).

Nothing here is a hand-written pair: the phrases and the codes come from the
tabular titles, so a new code-set year brings its own.
"""

from __future__ import annotations

from medcoder_tui.codes.contradiction import contradictions
from medcoder_tui.sequencing.context import Context, Dx, issue
from medcoder_tui.sequencing.models import Issue

CONTRADICTION = ("ICD-10-CM Official Guidelines I.B.9 (a combination code classifies the conditions its "
                 "title names; a condition its title says is absent is not coded beside it)")

def rule_absent_condition(ctx: Context) -> list[Issue]:
    """A combination code says a condition is absent while the case codes that condition."""
    if ctx.codesets is None:
        return []
    icd = ctx.codesets.icd
    out: list[Issue] = []
    for d in ctx.dx:
        for other in ctx.dx:
            if other.key == d.key:
                continue
            for condition in contradictions(d.key, d.entry.title, other.key, other.entry.title, icd):
                out.append(_issue(d, other, condition))
    return out


def _issue(d: Dx, other: Dx, condition: str) -> Issue:
    return issue("absent_condition_coded", "error", [d.code, other.code],
                 f"{d.code} says 'without {condition}', but {other.code} ({other.entry.title}) codes "
                 f"{condition}: use the {d.code[:3]} code that includes {condition}, or remove one.",
                 CONTRADICTION)
