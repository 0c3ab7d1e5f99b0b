"""Conditions of a pregnant patient are coded from Chapter 15 first (guideline I.C.15.a.1).

"It is the provider's responsibility to state that the condition being treated is not affecting
the pregnancy. Otherwise, code from Chapter 15": a condition a pregnant patient's note codes gets
its Chapter 15 code, by trimester, beside it:

- pre-existing essential hypertension is O10.01- in place of I10 (O10.0 includes it);
- pre-existing type 1 or type 2 diabetes is O24.01- / O24.11- (I.C.15.g), the E10/E11 code beside;
- otherwise the O99 family of the condition's chapter (anemia O99.01-, blood O99.11-, obesity O99.21-,
  other endocrine O99.28-, alcohol O99.31-, drugs O99.32-, tobacco O99.33-, other mental O99.34-,
  nervous system O99.35-, circulatory O99.41-, respiratory O99.51-, digestive O99.61-, skin O99.71-;
  abnormal glucose O99.810),
  with the condition's code beside it (O99 "use additional code to identify specific condition").

The pregnant state then is not incidental (Z33.1 gives way). Nothing changes when the note says the
pregnancy is incidental, or documents a delivery (childbirth and the puerperium have their own codes).
"""

from __future__ import annotations

import re

from medcoder_tui.codes.systems import System
from medcoder_tui.engines.analysis.clinical_text import NoteAnalysis
from medcoder_tui.engines.checks.edits import CONTEXT_FLAGS, Reground, add_reason, usable_icd
from medcoder_tui.engines.diagnoses.combinations import gbs_carrier_code
from medcoder_tui.engines.diagnoses.encounter_terms import delivered, weeks_of_gestation
from medcoder_tui.engines.diagnoses.specific_steps import documented_trimester
from medcoder_tui.engines.models import Flag, RawSuggestion, Suggestion

# condition prefix -> (Chapter 15 subcategory before the trimester digit, whether the condition is coded beside it)
_FAMILIES: tuple[tuple[tuple[str, ...], str, bool], ...] = (
    (("I10",), "O10.01", False),
    (("E10",), "O24.01", True), (("E11",), "O24.11", True),
    (("D50", "D51", "D52", "D53", "D55", "D56", "D57", "D58", "D59", "D60", "D61", "D62", "D63", "D64"), "O99.01", True),
    (("D65", "D66", "D67", "D68", "D69", "D7", "D8"), "O99.11", True),
    (("E66",), "O99.21", True),
    (("E0", "E15", "E16", "E2", "E3", "E5", "E6", "E7", "E8"), "O99.28", True),
    (("F10",), "O99.31", True), (("F11", "F12", "F13", "F14", "F15", "F16", "F18", "F19"), "O99.32", True),
    (("F17",), "O99.33", True), (("F",), "O99.34", True),
    (("G",), "O99.35", True),
    (("I",), "O99.41", True),
    (("J",), "O99.51", True),
    (("K",), "O99.61", True),
    (("L",), "O99.71", True),
    # infections of the genitourinary tract in pregnancy (O23): the O23 code includes the infection
    (("N10", "N11", "N12", "N15.9"), "O23.0", False), (("N30",), "O23.1", False), (("N34",), "O23.2", False),
    (("N39.0",), "O23.4", False),
    # abnormal glucose of a pregnancy (not gestational diabetes): one code for the pregnancy, no trimester; R73.0
    # excludes it
    (("R73.0",), "O99.810", False),
)
# the note is the pregnant patient's own (not a newborn "born at 39 weeks")
_MATERNAL = re.compile(r"\bG\d+\s*P\d|\bpregnan|\bprenatal\b|\bantepartum\b|\bIUP\b|\bED[DC]\b", re.I)
_TRIMESTER_DIGIT = {"first": "1", "second": "2", "third": "3", None: "9"}
_INCIDENTAL = re.compile(r"\bincidental (?:to the )?pregnan\w*|pregnan\w* (?:is |was )?incidental|not affecting the "
                         r"pregnancy|(?:does|did) not affect the pregnancy|unrelated to (?:the |her )?pregnancy", re.I)


def _family(code: str) -> tuple[str, bool] | None:
    if code.startswith(("I11", "I12", "I13", "I15", "I16", "I1A", "E08", "E09", "E13", "E43", "E44", "E45", "E46",
                        "E86", "E87", "F01", "F02", "F03", "G89", "I95")):
        return None   # their own Chapter 15 codes or no routine pairing: left to the coder
    return next(((family, keep) for prefixes, family, keep in _FAMILIES if code.startswith(prefixes)), None)


# infections of the genitourinary tract in pregnancy (O23) include the infection's own code
_O23_INCLUDES = {"O23.0": ("N10", "N11", "N12", "N15.9", "N39.0"), "O23.1": ("N30", "N39.0"),
                 "O23.2": ("N34", "N39.0"), "O23.3": ("N39.0",), "O23.4": ("N39.0",)}


def pregnancy_conditions(out: list[Suggestion], note: str, analysis: NoteAnalysis, reground: Reground,
                         icd) -> list[Suggestion]:
    """The Chapter 15 codes of a pregnant patient's coded conditions (see the module's doc)."""
    for o23 in [s for s in out if usable_icd(s) and s.code[:5] in _O23_INCLUDES]:
        for s in out:
            if usable_icd(s) and s is not o23 and s.code.startswith(_O23_INCLUDES[o23.code[:5]]):
                s.hold(f"{o23.code} ({o23.description}) codes the infection in pregnancy: not coded separately")
    pregnant = any(usable_icd(s) and not set(s.flags) & CONTEXT_FLAGS
                   and (s.code[:1] == "O" or s.code.startswith(("Z33.1", "Z34", "Z3A"))) for s in out) \
        or bool(_MATERNAL.search(note) and weeks_of_gestation(note, analysis))
    if not pregnant or _INCIDENTAL.search(note) or delivered(note, analysis):
        return []
    digit = _TRIMESTER_DIGIT[documented_trimester(note, analysis)]
    have = {s.code for s in out if s.system is System.ICD10CM and not s.suppressed}
    added: list[Suggestion] = []
    for s in list(out):
        if not s.reportable or s.system is not System.ICD10CM or set(s.flags) & CONTEXT_FLAGS or not s.evidence:
            continue
        found = _family(s.code)
        if found is None:
            continue
        family, keep = found
        code = family if len(family) == 7 else family + digit   # "O99.810" is complete: it has no trimester
        if any(c.startswith(family) for c in have) or not icd.is_billable(code):
            if not keep and any(c.startswith(family) for c in have):
                s.hold(f"a pre-existing condition of the pregnancy is coded in Chapter 15 ({family}-), "
                       f"which includes it (guideline I.C.15.a.1): not coded separately")
            continue
        why = (f"a condition of a pregnant patient is coded from Chapter 15 unless the provider says it does not "
               f"affect the pregnancy (guideline I.C.15.a.1): {code}"
               + (f", with {s.code} beside it" if keep else f" in place of {s.code}"))
        new = reground(RawSuggestion(code=code, system=System.ICD10CM, evidence=[e.text for e in s.evidence],
                                     confidence=s.confidence, reasoning=why))
        if not new.acceptable:
            continue
        add_reason(new, why)
        added.append(new)
        have.add(code)
        if not keep:
            s.hold(f"{code} includes it (guideline I.C.15.a.1): not coded separately")
    if added:
        for s in out:
            if s.system is System.ICD10CM and s.code == "Z33.1" and s.reportable:
                add_reason(s, f"the pregnancy is complicated by a coded condition ({added[0].code}): not incidental",
                           Flag.GUIDELINE)
    return added


def gbs_carrier_in_pregnancy(out: list[Suggestion], note: str, analysis: NoteAnalysis, replace) -> list[Suggestion]:
    """A pregnant patient's group B streptococcus carrier state is O99.82- (O99.824 at the delivery, O99.820
    before it), in place of the nonpregnant Z22.330."""
    carrier = next((s for s in out if usable_icd(s) and s.code == "Z22.330"), None)
    if carrier is None or _INCIDENTAL.search(note):
        return out
    at_delivery = delivered(note, analysis)
    pregnant = at_delivery or any(usable_icd(s) and (s.code[:1] == "O" or s.code.startswith(("Z34", "Z3A", "Z33.1")))
                                  for s in out)
    if not pregnant:
        return out
    code = gbs_carrier_code(at_delivery)
    new = replace(carrier, code, f"group B streptococcus carrier of a pregnant patient, complicating "
                                 f"{'childbirth' if at_delivery else 'pregnancy'}: {code} in place of Z22.330")
    return [new if s is carrier else s for s in out]
