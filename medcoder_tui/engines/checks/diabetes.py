"""Diabetes "with" combinations (I.A.15, I.C.4.a): the classification presumes the link.

The Alphabetic Index lists conditions under "Diabetes, with" (chronic kidney disease,
peripheral angiopathy, polyneuropathy, foot ulcer, gastroparesis, hypoglycemia): coded with diabetes,
they are the diabetes combination code of the same type (E08-E13), "even in the absence
of provider documentation explicitly linking them, unless the documentation clearly states
the conditions are unrelated". A diabetes code without complications (E1x.9) becomes the
combination code; another diabetes code (E11.65, E11.42...) gets it beside. The other
condition stays when the combination code asks for it ("use additional code to identify
stage of CKD", "...the site of the ulcer") and gives way when the combination includes it.

The type is the note's (I.C.4.a.2: type 2, E11, is the default only "if the type of diabetes mellitus is not
documented"): a note that documents type 1 and never type 2 codes its untyped diabetic conditions ("DKA",
"diabetic kidney disease", "poorly controlled diabetes") in E10 (:func:`documented_type`).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from medcoder_tui.codes.systems import System
from medcoder_tui.engines.checks.edits import Reground, add_reason, usable_icd
from medcoder_tui.engines.diagnoses.combinations import DIABETES as _DIABETES
from medcoder_tui.engines.diagnoses.combinations import DIABETES_WITH as _WITH
from medcoder_tui.engines.models import Flag, RawSuggestion, Suggestion

_UNLINKED = re.compile(r"\b(?:not (?:due to|related to|from|caused by|secondary to)|unrelated to|non-?diabetic)\b"
                       r"[^.\n]{0,40}\b(?:diabet\w*|dm\d?|t[12]dm)\b|\bnon-?diabetic\b", re.IGNORECASE)


_TYPE_2 = re.compile(r"\btype\s*(?:2|ii|two)\b|\bt2\s*dm\b|\bdm\s*(?:type\s*)?(?:2|ii)\b|\bniddm\b|"
                     r"\bnon-?insulin[- ]dependent\b", re.IGNORECASE)
_UNTYPED_OFF = (Flag.NEGATED, Flag.UNCERTAIN, Flag.HISTORY, Flag.FAMILY_HISTORY)


def type_1_only(out: list[Suggestion], note: str) -> bool:
    """Whether the note's diabetes is type 1 only: an E10 code it documents, type 2 never said, no secondary diabetes
    (the E11 codes the index's default gave become E10: ``documented_type``)."""
    cats = {s.code[:3] for s in out if usable_icd(s) and s.code[:3] in ("E08", "E09", "E10", "E11", "E13")
            and not set(s.flags) & set(_UNTYPED_OFF)}
    return "E10" in cats and not cats & {"E08", "E09", "E13"} and not _TYPE_2.search(note)


def documented_type(out: list[Suggestion], note: str, replace: Callable[[Suggestion, str, str], Suggestion]
                    ) -> list[Suggestion]:
    """``out`` with each type 2 diabetes code (the index's default) in type 1 (E10) when the note documents
    type 1 diabetes (a usable E10 code) and never says type 2 (I.C.4.a.2)."""
    if not any(usable_icd(s) and s.code[:3] == "E10" and not set(s.flags) & set(_UNTYPED_OFF) for s in out) \
            or _TYPE_2.search(note):
        return out
    result = []
    for s in out:
        if usable_icd(s) and s.code[:3] == "E11":
            new = replace(s, "E10" + s.code[3:], f"type 1 diabetes documented, type 2 never (guideline "
                                                 f"I.C.4.a.2: E11 is the default only when no type is said): "
                                                 f"E10{s.code[3:]} in place of {s.code}")
            s = new if new.code == "E10" + s.code[3:] else s
        result.append(s)
    complication = next((s for s in result if usable_icd(s) and s.code[:3] == "E10" and s.code != "E10.9"), None)
    for s in result:
        if complication is not None and usable_icd(s) and s.code == "E10.9":
            add_reason(s, f"type 1 diabetes with a complication is coded ({complication.code}): the code without "
                          f"complications is not coded beside it", Flag.GUIDELINE)
    return result


def diabetes_with(out: list[Suggestion], note: str, replace: Callable[[Suggestion, str, str], Suggestion],
                  reground: Reground) -> list[Suggestion]:
    """``out`` with each presumed diabetes combination coded (see the module's doc)."""
    diabetes = next((s for s in out if usable_icd(s) and s.code[:3] in _DIABETES
                     and not set(s.flags) & {Flag.NEGATED, Flag.UNCERTAIN, Flag.HISTORY, Flag.FAMILY_HISTORY}), None)
    if diabetes is None or _UNLINKED.search(note):
        return out
    category = diabetes.code[:3]
    have = {s.code for s in out if s.system is System.ICD10CM and not s.suppressed}
    for prefixes, suffix, stays in _WITH:
        other = next((s for s in out if usable_icd(s) and s.code.startswith(prefixes)
                      and not set(s.flags) & {Flag.NEGATED, Flag.UNCERTAIN, Flag.HISTORY}), None)
        code = category + suffix
        if other is not None and code in have and not stays:
            # ("Type 2 diabetes with diabetic polyneuropathy" read whole, and "polyneuropathy" again later: included)
            add_reason(other, f"included in {code} (diabetes with it): not coded separately", Flag.GUIDELINE)
            continue
        if other is None or code in have:
            continue
        why = f"diabetes with {other.description[:1].lower() + other.description[1:]}: the classification " \
              f"presumes the link (guideline I.A.15 'with'), {code}"
        if diabetes.code == category + ".9":
            new = replace(diabetes, code, f"{why} in place of {diabetes.code}")
            if new.code != code:
                continue
            out = [new if s is diabetes else s for s in out]
            diabetes = new
        else:
            new = reground(RawSuggestion(code=code, system=System.ICD10CM, confidence=diabetes.confidence,
                                         reasoning=why, evidence=[e.text for e in other.evidence]))
            if not new.acceptable:
                continue
            add_reason(new, why)
            out = out + [new]
        have.add(code)
        if not stays:
            add_reason(other, f"included in {code} (diabetes with it): not coded separately", Flag.GUIDELINE)
    return out
