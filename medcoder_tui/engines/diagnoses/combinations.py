"""Guideline combination codes that title matching cannot find on its own.

ICD-10-CM Official Guidelines I.C.9.a presume a causal link between
hypertension and chronic kidney disease, and between hypertension and heart
failure, unless the documentation says otherwise. Essential hypertension (I10)
coded next to CKD (N18) or heart failure (I50) is therefore replaced by the
hypertensive combination code (I11-I13); the CKD and heart-failure codes stay,
as the combination codes' "use additional code" notes require.

I.C.9.b presumes a causal link between coronary atherosclerosis and angina: I25.10
coded with an angina code (I20) becomes the I25.11- code of that angina
(:func:`coronary_with_angina`), unless the note says the angina has another cause.

The Alphabetic Index's "Diabetes, with" presumes the link between diabetes and the conditions listed
under it (I.A.15): :data:`DIABETES_WITH` is that table, read by the guideline layer and the prompt's
candidates alike.
"""

from __future__ import annotations

import re

from medcoder_tui.codes.systems import System
from medcoder_tui.engines.models import RawSuggestion, Suggestion

# Diabetes "with" (Alphabetic Index, I.A.15): the other condition's code prefixes -> (the diabetes code's suffix,
# whether the other code stays beside the combination)
DIABETES_WITH = (
    (("N18",), ".22", True),                       # diabetic chronic kidney disease, N18 stage beside
    (("I73.9",), ".51", False),                    # diabetic peripheral angiopathy without gangrene
    (("G62.9", "G62.8"), ".42", False),            # diabetic polyneuropathy
    (("L97.4", "L97.5"), ".621", True),            # diabetic foot ulcer, L97 site and depth beside
    (("L97.1", "L97.2", "L97.3", "L97.8", "L97.9", "L98.4"), ".622", True),   # other diabetic skin ulcer
    (("K31.84",), ".43", True),                    # diabetic autonomic neuropathy: gastroparesis beside
    # diabetes with hypoglycemia (without coma): the level (E16.A-) beside, as E1x.64- asks; a plain
    # hypoglycemia code is the combination's (E16.2 Excludes1)
    (("E16.A",), ".649", True), (("E16.0", "E16.1", "E16.2"), ".649", False),
    # Diabetes, with, osteomyelitis: E1x.69 with the osteomyelitis's own code beside it ("use additional code")
    (("M86",), ".69", True),
)
DIABETES = ("E08", "E09", "E10", "E11", "E13")

# N20 Excludes1 "that with hydronephrosis (N13.2)" (Index: Hydroureter, with calculous obstruction - see
# Hydronephrosis, with calculous obstruction): a stone coded with these is the one combination code
STONE = ("N20",)
HYDRONEPHROSIS = ("N13.3", "N13.4")
STONE_WITH_HYDRONEPHROSIS = "N13.2"


def gbs_carrier_code(at_delivery: bool) -> str:
    """A pregnant patient's group B streptococcus carrier state: complicating childbirth, or the pregnancy."""
    return "O99.824" if at_delivery else "O99.820"


def diabetes_with(diabetes_code: str, other: str) -> str | None:
    """The diabetes combination code of ``diabetes_code``'s type for the condition ``other``, or None."""
    suffix = next((sfx for prefixes, sfx, _stays in DIABETES_WITH if other.startswith(prefixes)), None)
    return diabetes_code[:3] + suffix if suffix and diabetes_code[:3] in DIABETES else None


_UNLINKED = re.compile(r"\b(not (due to|related to|from|caused by)|unrelated to|other than)\b[^.\n]{0,40}"
                       r"\b(hypertension|htn)\b", re.IGNORECASE)


HYPERTENSIVE = ("I10", "I11", "I12", "I13")


def _combination(ckd: set[str], heart_failure: bool, source: str = "I10") -> tuple[str, str] | None:
    """The combination code and the guideline it comes from, or None; ``source`` is the hypertension code the
    note's words gave, whose heart disease or CKD the combination keeps ("Hypertensive heart and CKD" is I13)."""
    heart = source.startswith(("I11", "I13"))
    kidney = bool(ckd) or source.startswith(("I12", "I13"))
    late = bool(ckd & {"N18.5", "N18.6"}) or source in ("I12.0", "I13.11", "I13.2")
    if kidney and heart_failure:
        return ("I13.2" if late else "I13.0"), "I.C.9.a.3"
    if kidney and heart:
        return ("I13.11" if late else "I13.10"), "I.C.9.a.3"
    if kidney:
        return ("I12.0" if late else "I12.9"), "I.C.9.a.2"
    if heart_failure:
        return "I11.0", "I.C.9.a.1"
    return None


def hypertension_combinations(suggestions: list[Suggestion], note: str) -> list[RawSuggestion]:
    """Raw replacements for the hypertension code (I10, or an I11-I13 code without the CKD or heart failure the
    note codes too) when CKD or heart failure is coded (empty when none applies).

    The caller grounds each replacement and drops the hypertension code it replaces. A note
    that says the conditions are unrelated keeps I10.
    """
    usable = [s for s in suggestions if s.system is System.ICD10CM and s.acceptable]
    hypertensive = [s for s in usable if s.code.startswith(HYPERTENSIVE)]
    if not hypertensive or _UNLINKED.search(note):
        return []
    ckd = {s.code for s in usable if s.code.startswith("N18.")}
    if any(s.code[:3] in ("E08", "E09", "E10", "E11", "E13") and s.code[4:6] == "22" for s in usable):
        ckd.add("diabetic CKD")   # (the diabetic CKD code is CKD too: its stage comes with it later)
    heart_failure = any(s.code.startswith("I50.") for s in usable)
    source = max(hypertensive, key=lambda s: s.code[:3])   # the most combined code the words gave
    found = _combination(ckd, heart_failure, source.code)
    if found is None or (found[0] == source.code and len(hypertensive) == 1):
        return []   # (the words' own combination code stands in for the I10 beside it too)
    code, guideline = found
    return [RawSuggestion(
        code=code,
        system=System.ICD10CM,
        confidence=source.confidence,
        reasoning=(f"hypertension with {'CKD' if code.startswith(('I12', 'I13')) else 'heart failure'}"
                   f"{' and heart failure' if code in ('I13.0', 'I13.2') else ''}:"
                   f" the guidelines ({guideline}) presume the link, so the combination code replaces {source.code}"),
        evidence=[e.text for e in source.evidence],
    )]


# I20 angina -> the native-coronary atherosclerosis code "with" it (I25.11-)
_ANGINA_COMBINATION = (("I20.0", "I25.110"), ("I20.1", "I25.111"), ("I20.2", "I25.112"), ("I20.8", "I25.118"),
                       ("I20.9", "I25.119"))
_ANGINA_UNLINKED = re.compile(r"\b(?:angina|chest pain)\b[^.\n]{0,40}\b(?:due to|secondary to|from|caused by)\b"
                              r"(?![^.\n]{0,30}\b(?:cad|coronary|atheroscl\w*|stenosis)\b)", re.IGNORECASE)


def coronary_with_angina(suggestions: list[Suggestion], note: str) -> tuple[Suggestion, Suggestion, str] | None:
    """(the angina code, the I25.10 code, the combination code) when both are coded and linked (I.C.9.b)."""
    usable = [s for s in suggestions if s.system is System.ICD10CM and s.valid and not s.suppressed]
    cad = next((s for s in usable if s.code == "I25.10"), None)
    angina = next((s for s in usable if s.code.startswith("I20")), None)
    if cad is None or angina is None or _ANGINA_UNLINKED.search(note):
        return None
    code = next((c for prefix, c in _ANGINA_COMBINATION if angina.code.startswith(prefix)), None)
    return (angina, cad, code) if code else None
