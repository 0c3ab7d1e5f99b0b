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

import re
from functools import lru_cache

from medcoder_tui.sequencing.context import Context, Dx, issue
from medcoder_tui.sequencing.models import Issue

CONTRADICTION = ("ICD-10-CM Official Guidelines I.B.9 (a combination code classifies the conditions its "
                 "title names; a condition its title says is absent is not coded beside it)")

_WITHOUT = re.compile(r"\bwithout ([a-z0-9 ()'-]+?)(?=,|;| with\b| without\b|$)")
_PAREN = re.compile(r"\s*\([^()]*\)")
_BARE_REST = ("not elsewhere classified", "unspecified")


def absent_conditions(title: str) -> list[str]:
    """The conditions a title says are absent: "without heart failure" -> ["heart failure"]."""
    out: list[str] = []
    for m in _WITHOUT.finditer(title.lower()):
        phrase = _PAREN.sub("", m.group(1)).strip()
        for part in re.split(r"\s+(?:or|and)\s+", phrase):
            part = part.strip()
            if part and part not in out:
                out.append(part)
    return out


@lru_cache(maxsize=4)
def _condition_codes(icd) -> dict[str, tuple[str, ...]]:
    """Condition name -> the shortest codes whose title is that name ("heart failure" -> ("I50",))."""
    found: dict[str, list[str]] = {}
    for code in icd.all_codes():
        title = (icd.title(code) or "").lower().strip()
        head, _, rest = title.partition(",")
        if rest and rest.strip() not in _BARE_REST:
            continue
        found.setdefault(_PAREN.sub("", head).strip(), []).append(code)
    out: dict[str, tuple[str, ...]] = {}
    for name, codes in found.items():
        keys = sorted({c.replace(".", "") for c in codes}, key=len)
        kept: list[str] = []
        for k in keys:
            if not any(k.startswith(p) for p in kept):
                kept.append(k)
        out[name] = tuple(kept)
    return out


def _codes_for(icd, condition: str) -> tuple[str, ...]:
    table = _condition_codes(icd)
    return table.get(condition) or (table.get(condition[:-1], ()) if condition.endswith("s") else ())


def rule_absent_condition(ctx: Context) -> list[Issue]:
    """A combination code says a condition is absent while the case codes that condition."""
    if ctx.codesets is None:
        return []
    icd = ctx.codesets.icd
    out: list[Issue] = []
    for d in ctx.dx:
        for condition in absent_conditions(d.entry.title):
            prefixes = _codes_for(icd, condition)
            for other in ctx.dx:
                if other.key == d.key:
                    continue
                if prefixes and any(other.key.startswith(p) for p in prefixes):
                    out.append(_issue(d, other, condition))
                elif other.key[:3] == d.key[:3] and _says_present(other, condition):
                    out.append(_issue(d, other, condition))
    return out


def _says_present(d: Dx, condition: str) -> bool:
    title = _PAREN.sub("", d.entry.title.lower())
    return bool(re.search(rf"\bwith (?:[a-z0-9 -]+ )?{re.escape(condition)}\b", title.replace("without", "w/o")))


def _issue(d: Dx, other: Dx, condition: str) -> Issue:
    return issue("absent_condition_coded", "error", [d.code, other.code],
                 f"{d.code} says 'without {condition}', but {other.code} ({other.entry.title}) codes "
                 f"{condition}: use the {d.code[:3]} code that includes {condition}, or remove one.",
                 CONTRADICTION)
