"""The patient's age, read once the same way for every rule that needs it.

Preventive-visit families, vaccine administration with counselling, the child or adult
examination code and the BMI code all turn on the age. Notes give it many ways: "46 yo F",
"58 M", "a 34-year-old", "Age: 61", "15 mo M", "male, 24 months", "DOB 06/02/1979 (46 y)",
or only a birth date beside the date of the visit. The first stated age near the top wins;
without one, the age is counted from the birth date to the visit's date.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

_HEAD = 600
_I = re.I
# "46 yo", "46 y/o", "46-year-old", "46 yrs old", "4 y 3 mo", "(46 y)", "29 y F", "Age: 46", "aged 46"
# ("appendectomy at age 16" is an event's age, not the patient's)
_YEARS = re.compile(r"\b(\d{1,3})\s*(?:yo\b|y/o\b|y\.o\.|-?years?[- ]?old|yrs?\.? old|-year\b(?=[- ]old)|"
                    r"y(?=\s*\d+\s*m(?:o|os|onths?)?\b)|(?:y|yrs?|years?)(?=\))|"
                    # "| 29 y F |", "61 yr male"
                    r"(?:y|yrs?)(?=\s+(?:[MF]|male|female|man|woman|boy|girl)\b(?![/\d])))|"
                    r"(?<!at )(?<!since )(?<!until )(?<!by )(?<!before )(?<!after )(?<!from )"
                    r"\b(?:age[d:]?|age:)\s*(\d{1,3})\b(?!\s*(?:mo|mos|months?|m/o|wks?|weeks?|days?|d)\b)", _I)
# "58 M", "34 F", "61 male" (not "T 99.9 F" or "100 F": a temperature in degrees)
_YEARS_SEX = re.compile(r"(?<![\d.,])\b(\d{1,3})\s?(?:[MF]|male|female)\b(?![/\d])")
_TEMPERATURE = re.compile(r"\b(?:t|temp\w*|tmax|fever\w*|febrile)\b\W{0,3}$|°\s*$", _I)
# "15 mo M", "15-month-old", "6 wk old", "10 days old", "male, 24 months", "Age: 24 mo", "24 MONTH WELL CHILD"
_YOUNG = re.compile(r"\b(\d{1,2})\s*-?\s*(mo|mos|months?|m/o|wks?|weeks?|days?|d)(?=-old\b|[- ]old\b|"
                    r"\s+(?:[MF]|male|female|boy|girl|infant|baby|well)\b(?!/))|"
                    r"(?:\b(?:male|female|boy|girl|infant|baby|age[d:]?|age:)\s*,?\s*)"
                    r"(\d{1,2})\s*-?\s*(mo|mos|months?|m/o|wks?|weeks?|days?)\b", _I)
_AND_MONTHS = re.compile(r"\s*(\d{1,2})\s*m(?:o|os|onths?)\b", _I)
_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                                       "dec"), start=1)}
_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})/((?:19|20)\d\d)\b|\b((?:19|20)\d\d)-(\d{1,2})-(\d{1,2})\b|"
                   r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(\d{1,2}),?\s+((?:19|20)\d\d)\b",
                   _I)
_BIRTH_MONTH = re.compile(r"\b(?:dob|d\.o\.b\.?|date of birth|birth ?date|born)\b\s*[:#-]?\s*(?:on\s+|in\s+)?"
                          r"(\d{1,2})/((?:19|20)\d\d)\b(?!/)", _I)
_BIRTH = re.compile(r"\b(?:dob|d\.o\.b\.?|date of birth|birth ?date|born)\b\s*[:#-]?\s*(?:on\s+)?$", _I)


def _parse_date(m: re.Match) -> date | None:
    g = m.groups()
    try:
        if g[0]:
            return date(int(g[2]), int(g[0]), int(g[1]))
        if g[3]:
            return date(int(g[3]), int(g[4]), int(g[5]))
        return date(int(g[8]), _MONTHS[g[6][:3].lower()], int(g[7]))
    except ValueError:   # "13/45/2026": not a date
        return None


def _from_birth_date(head: str) -> float | None:
    """Years from the birth date to the first other date of the note's opening (the visit's)."""
    born = seen = None
    for m in _DATE.finditer(head):
        day = _parse_date(m)
        if day is None:
            continue
        if born is None and _BIRTH.search(head, max(0, m.start() - 20), m.start()):
            born = day
        elif seen is None:
            seen = day
        if born is not None and seen is not None:
            break
    if born is None and (month := _BIRTH_MONTH.search(head)) is not None and 1 <= int(month.group(1)) <= 12:
        born = date(int(month.group(2)), int(month.group(1)), 1)   # "DOB 06/2014": the month and year only
    if born is None or seen is None or seen < born:
        return None
    years = seen.year - born.year - ((seen.month, seen.day) < (born.month, born.day))
    if years >= 2:
        return float(years)
    return (seen - born).days / 365.25


def _young(m: re.Match) -> float:
    count = int(m.group(1) or m.group(3))
    unit = (m.group(2) or m.group(4)).lower()
    if unit.startswith("m"):
        return count / 12
    if unit.startswith("w"):
        return count * 7 / 365.25
    return count / 365.25


@lru_cache(maxsize=4)   # one note's rules ask in turn; a long note is not held longer
def patient_age(note: str) -> float | None:
    """The patient's age in years (an infant's months, weeks or days as a fraction), or None when the note
    gives neither an age nor a birth date with the visit's date."""
    head = note[:_HEAD]
    found: list[tuple[int, float]] = []
    if (m := _YEARS.search(head)) is not None:
        months = _AND_MONTHS.match(head, m.end())   # "4 y 3 mo"
        found.append((m.start(), float(m.group(1) or m.group(2)) + (int(months.group(1)) / 12 if months else 0)))
    for m in _YEARS_SEX.finditer(head):
        if not _TEMPERATURE.search(head, max(0, m.start() - 12), m.start()):
            found.append((m.start(), float(m.group(1))))
            break
    if (m := _YOUNG.search(head)) is not None:
        found.append((m.start(), _young(m)))
    found = [f for f in found if f[1] < 120]
    if found:
        return min(found)[1]
    if (age := _from_birth_date(head)) is not None:
        return age
    m = _YEARS.search(note, len(head) - 20 if len(note) > _HEAD else 0)   # an age stated further down
    if m is not None and int(m.group(1) or m.group(2)) < 120:
        return float(m.group(1) or m.group(2))
    return None


__all__ = ["patient_age"]
