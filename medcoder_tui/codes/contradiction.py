"""What a combination code's title says is absent, and which codes name that condition.

A title such as I13.10 "... without heart failure ..." or K26.3 "... without
hemorrhage or perforation" states what the code excludes. These helpers read the
"without X" phrases of a title, find the codes whose title is the condition X, and
tell whether another title of the same category says "with X". Nothing is a
hand-written pair: phrases and codes come from the tabular titles.
"""

from __future__ import annotations

import re
from functools import lru_cache

_WITHOUT = re.compile(r"\bwithout ([a-z0-9 ()'-]+?)(?=,|;| with\b| without\b|$)")
_PAREN = re.compile(r"\s*\([^()]*\)")
_BARE_REST = ("not elsewhere classified", "unspecified")


@lru_cache(maxsize=8192)
def absent_conditions(title: str) -> tuple[str, ...]:
    """The conditions a title says are absent: "without heart failure" -> ("heart failure",)."""
    out: list[str] = []
    for m in _WITHOUT.finditer(title.lower()):
        phrase = _PAREN.sub("", m.group(1)).strip()
        for part in re.split(r"\s+(?:or|and)\s+", phrase):
            part = part.strip()
            if part and part not in out:
                out.append(part)
    return tuple(out)


@lru_cache(maxsize=4)
def _condition_codes(icd) -> dict[str, tuple[str, ...]]:
    """Condition name -> the shortest codes whose title is that name ("heart failure" -> ("I50",)),
    for the conditions some title says are absent (the only names ever asked for)."""
    codes, titles = icd.stored_strings()
    wanted: set[str] = set()
    for title in titles:
        if "without" in title:
            for name in absent_conditions(title):
                wanted.update((name, name[:-1]) if name.endswith("s") else (name,))
    found: dict[str, list[str]] = {}
    for code, title in zip(codes, titles):
        title = title.lower().strip()
        head, _, rest = title.partition(",")
        if rest and rest.strip() not in _BARE_REST:
            continue
        name = _PAREN.sub("", head).strip()
        if name in wanted:
            found.setdefault(name, []).append(code)
    out: dict[str, tuple[str, ...]] = {}
    for name, codes in found.items():
        keys = sorted({c.replace(".", "") for c in codes}, key=len)
        kept: list[str] = []
        for k in keys:
            if not any(k.startswith(p) for p in kept):
                kept.append(k)
        out[name] = tuple(kept)
    return out


def codes_for(icd, condition: str) -> tuple[str, ...]:
    table = _condition_codes(icd)
    return table.get(condition) or (table.get(condition[:-1], ()) if condition.endswith("s") else ())



def says_present(title: str, condition: str) -> bool:
    """True when ``title`` says "with ... <condition>" ("with acute cholecystitis" for "cholecystitis")."""
    title = _PAREN.sub("", title.lower())
    return bool(re.search(rf"\bwith (?:[a-z0-9 -]+ )?{re.escape(condition)}\b", title.replace("without", "w/o")))


def contradictions(absent_code: str, absent_title: str, other_code: str, other_title: str, icd) -> list[str]:
    """The conditions that ``absent_code``'s title says are absent while ``other_code`` codes them:
    by the condition's own code ("heart failure" -> I50), or by a title of the same category that
    says "with" it (I13.0 beside I13.10)."""
    out = []
    for condition in absent_conditions(absent_title):
        prefixes = codes_for(icd, condition)
        if prefixes and any(other_code.replace(".", "").startswith(p) for p in prefixes):
            out.append(condition)
        elif other_code[:3] == absent_code[:3] and says_present(other_title, condition):
            out.append(condition)
    return out
