"""Sleep disorders "due to" a condition the note codes (Index: Insomnia, due to; Hypersomnia, due to).

"Insomnia due to major depressive disorder" is F51.05 (insomnia due to other mental disorder), with
the disorder coded beside it ("code also"); insomnia due to a medical condition is G47.01. The same
for hypersomnia (F51.13, G47.14). The link must be written in the sentence ("due to", "secondary to",
"from", "related to") and the condition must be coded from that sentence.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from medcoder_tui.engines.checks.edits import CONTEXT_FLAGS, usable_icd
from medcoder_tui.codes.systems import System
from medcoder_tui.engines.models import Flag, Suggestion

Replace = Callable[[Suggestion, str, str], Suggestion]
# unspecified code -> (due to a mental disorder, due to a medical condition)
_DUE_TO = {"G47.00": ("F51.05", "G47.01", "insomnia"), "G47.10": ("F51.13", "G47.14", "hypersomnia")}
_MENTAL_WORDS = re.compile(r"^\W*(?:(?:his|her|their|the|underlying|chronic|severe|ongoing|untreated|uncontrolled|"
                           r"poorly controlled|major|generalized)\s+){0,3}(?:depress\w*|anxiety|mdd|gad|ptsd|bipolar|"
                           r"mania|panic|schizo\w*|adhd|psychiatric|mood disorder)", re.I)
_MENTAL_BLOCKS = ("F2", "F3", "F4", "F9")
_LINK = re.compile(r"\b(?:due to|secondary to|from|related to|caused by|because of|2/2|in the setting of)\b", re.I)


def sleep_due_to(out: list[Suggestion], note: str, analysis, replace: Replace) -> list[Suggestion]:
    """``out`` with an unspecified insomnia or hypersomnia coded by the condition its sentence says causes it."""
    result = list(out)
    for s in out:
        if not usable_icd(s) or s.code not in _DUE_TO or not s.evidence or not s.evidence[0].located:
            continue
        sent = analysis.sentence_at(s.evidence[0].start)
        if sent is None:
            continue
        tail = note[s.evidence[0].end:sent.end].lstrip(" ,:-")
        link = _LINK.match(tail)
        if link is None:
            continue
        start = s.evidence[0].end
        cause = next((o for o in out if o is not s and usable_icd(o) and not set(o.flags) & CONTEXT_FLAGS
                      and o.evidence and o.evidence[0].located and start < o.evidence[0].start < sent.end
                      and o.code[:1] != "R"), None)
        if cause is None and _MENTAL_WORDS.search(tail[link.end():link.end() + 60]):
            # "Insomnia secondary to anxiety. GAD ...": the sentence's "anxiety" is coded by the more specific
            # F41.1 of another sentence; the disorder the note codes is the cause
            cause = next((o for o in out if usable_icd(o) and not set(o.flags) & CONTEXT_FLAGS
                          and o.code[:2] in _MENTAL_BLOCKS), None)
        if cause is None:
            continue
        mental, medical, name = _DUE_TO[s.code]
        code = mental if cause.code[:1] == "F" else medical
        kind = "a mental disorder" if code == mental else "a medical condition"
        new = replace(s, code, f"{name} due to {kind} ({cause.code}) documented (Index: {name.capitalize()}, due to): "
                               f"{code} in place of {s.code}")
        result[result.index(s)] = new
    return result


def substance_intoxication(out: list[Suggestion], replace: Replace) -> list[Suggestion]:
    """Intoxication coded as "use, unspecified" (F1x.92-) beside the documented abuse (F1x.10) or dependence
    (F1x.20) is one combination code: abuse or dependence *with* intoxication (F1x.12-, F1x.22-), which the
    Excludes1 notes of F1x.9 ask for (guideline I.C.5.b.2: the hierarchy dependence > abuse > use)."""
    result = list(out)
    for s in out:
        if not usable_icd(s) or not re.fullmatch(r"F1[0-9]\.92\d?", s.code):
            continue
        # (the dependence named with another of its forms counts too, and where the past history lists it: a
        # dependence is a lasting condition, "PMH: alcohol dependence; hx withdrawal seizures" read as F10.230 still
        # documents it; dependence before abuse)
        disorder = min((o for o in result if o is not s and o.system is System.ICD10CM and o.acceptable
                        and not {Flag.NEGATED, Flag.FAMILY_HISTORY, Flag.HYPOTHETICAL, Flag.UNCERTAIN} & set(o.flags)
                        and o.code[:3] == s.code[:3] and len(o.code) > 4 and o.code[4] in "12"),
                       key=lambda o: (o.code[4] != "2", o.code[4:] not in ("10", "20")), default=None)
        if disorder is None:
            continue
        code = f"{s.code[:4]}{disorder.code[4]}{s.code[5:]}"
        kind = "abuse" if disorder.code[4] == "1" else "dependence"
        new = replace(s, code, f"intoxication in documented {kind} is the combination code {code} (guideline "
                               f"I.C.5.b.2) in place of {s.code}")
        if new.code != code:
            continue
        result[result.index(s)] = new
        if disorder.code[4:] in ("10", "20"):
            disorder.hold(f"included in {code} ({kind} with intoxication): not coded separately")
    return result
