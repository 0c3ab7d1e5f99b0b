"""Deficits that remain after a past stroke are coded as its sequelae (guideline I.C.9.d).

"Category I69 is used to indicate conditions classifiable to I60-I67 as the causes
of sequela (neurologic deficits), themselves classified elsewhere." A hemiplegia,
monoplegia, aphasia, dysarthria, facial weakness, ataxia or dysphagia coded beside a stroke
the note places in the past is the I69.3- code of that deficit (after cerebral
infarction, the most common cause; the coder can edit the cause), with the same
side and dominance; for dysphagia the guideline's "use additional code" keeps the
R13.1- code beside it. The replacement carries its reason, as every rule does.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from medcoder_tui.codes.systems import System
from medcoder_tui.engines.analysis.clinical_text import NoteAnalysis
from medcoder_tui.engines.models import Flag, RawSuggestion, Suggestion

Reground = Callable[[RawSuggestion], Suggestion]

_PAST_STROKE = re.compile(
    r"\b(?:(?:prior|previous|old|remote|history of|hx of|h/o|s/p|status post|after|following|since|post|"
    r"sequelae? of|late effects? of|residual (?:of|from))[\s-]+"
    r"(?:an?\s+|(?:left|right|l|r)\s+|(?:mca|pca|aca|ischemic|embolic|lacunar|cerebellar|brainstem|thalamic|"
    r"pontine|cortical|hemorrhagic)\s+){0,3}"
    r"(?:strokes?|cvas?|(?:cerebral|cerebellar|brainstem|lacunar) infarcts?(?:ions?)?|cerebrovascular accidents?)|"
    r"(?:strokes?|cvas?)\s+(?:in\s+)?(?:19|20)\d\d)\b", re.I)
# deficit code prefix -> the I69.3 code (a one-character suffix copies the deficit's last digit: side)
_SEQUELA: tuple[tuple[str, str], ...] = (
    ("G81.9", "I69.35"), ("G83.1", "I69.34"), ("G83.2", "I69.33"), ("R47.01", "I69.320"),
    ("R47.1", "I69.322"), ("R29.810", "I69.392"), ("R13.1", "I69.391"), ("R27.0", "I69.393"),
)


def _stroke_in_past(out: list[Suggestion], note: str, analysis: NoteAnalysis) -> bool:
    if any(s.system is System.ICD10CM and (s.code[:3] in ("I60", "I61", "I63") and Flag.HISTORY in s.flags
                                           or s.code == "Z86.73") for s in out):
        return True
    return any(not analysis.context_at(m.start(), m.end()) & {"negated", "family", "hypothetical", "uncertain"}
               for m in _PAST_STROKE.finditer(note))


def _told_with_past_stroke(pos: int, note: str, analysis: NoteAnalysis) -> bool:
    """The clause at ``pos`` (up to a semicolon, a line's end or the sentence's) names the past stroke."""
    sent = analysis.sentence_at(pos)
    if sent is None:
        return False
    start = max(sent.start, *(note.rfind(c, sent.start, pos) + 1 for c in ";\n"))
    ends = [i for c in ";\n" if (i := note.find(c, pos, sent.end)) >= 0]
    return _PAST_STROKE.search(note, start, min(ends, default=sent.end)) is not None


def stroke_sequelae(out: list[Suggestion], note: str, analysis: NoteAnalysis, reground: Reground,
                    replace: Callable[[Suggestion, str, str], Suggestion]) -> list[Suggestion]:
    """``out`` with each deficit of a past stroke coded as its I69.3- sequela (dysphagia: added beside)."""
    coded = [s.code for s in out if s.system is System.ICD10CM and s.code.startswith("I69")]
    # (a deficit whose sequela is coded already stays as it is: "Expressive aphasia following cerebral infarction"
    # matched I69.320 itself, and the hemiparesis told beside it is still the stroke's)
    deficits = [s for s in out if s.system is System.ICD10CM and s.reportable
                and any(s.code.startswith(p) and not any(c.startswith(t) for c in coded) for p, t in _SEQUELA)]
    if not deficits or not _stroke_in_past(out, note, analysis):
        deficits = []   # (the sequelae the note names itself, "hemiparesis following L MCA stroke", still hold the stroke)
    past = [(m.start(), m.end()) for m in _PAST_STROKE.finditer(note)]
    if deficits and any(s.system is System.ICD10CM and s.reportable and s.code[:3] in ("I60", "I61", "I63")
                        and Flag.HISTORY not in s.flags
                        and not any(a < e.end and e.start < b for e in s.evidence if e.located for a, b in past)
                        for s in out):
        # an acute stroke too: its own deficits stay; only those told with the past one are its sequelae
        deficits = [s for s in deficits if any(_told_with_past_stroke(e.start, note, analysis)
                                               for e in s.evidence if e.located)]
    result = list(out)
    for s in deficits:
        prefix, target = next((p, t) for p, t in _SEQUELA if s.code.startswith(p))
        # the deficit's last digit is the side (0 unspecified -> the sequela's 9)
        code = target + ("9" if s.code[-1] == "0" else s.code[-1]) if len(target) == 6 else target
        reason = f"a deficit of the past stroke: coded as its sequela {code} (guideline I.C.9.d)"
        if prefix == "R13.1":   # I69.391 "use additional code to identify the type of dysphagia"
            added = reground(RawSuggestion(code=code, system=System.ICD10CM, confidence=s.confidence,
                                           reasoning=reason, evidence=[e.text for e in s.evidence]))
            if added.acceptable:
                added.messages.append(reason)
                result.append(added)
            continue
        result[result.index(s)] = replace(s, code, reason)
    if not any(r.system is System.ICD10CM and r.code.startswith("I69") for r in result):
        return result
    past = [(m.start(), m.end()) for m in _PAST_STROKE.finditer(note)]
    for r in result:
        if r.system is not System.ICD10CM or Flag.GUIDELINE in r.flags:
            continue
        if r.code == "Z86.73":
            why = ("the stroke left deficits, coded as its sequelae (I69): the history code 'without residual "
                   "deficits' does not apply (guideline I.C.9.d)")
        elif r.code[:3] in ("I60", "I61", "I63") and (Flag.HISTORY in r.flags or any(
                a < e.end and e.start < b for e in r.evidence if e.located for a, b in past)):
            why = "a past stroke: its deficits are coded as sequelae (I69), not the stroke (guideline I.C.9.d)"
        else:
            continue
        r.hold(why)
    if not any(r.system is System.ICD10CM and r.reportable and r.code[:3] == "I63" for r in result):
        for r in result:
            # (the NIH stroke scale and the thrombolytic given elsewhere go with an acute infarction, I.C.18.j, I.C.21.c.8)
            if r.system is System.ICD10CM and r.reportable and (r.code == "Z92.82" or r.code.startswith("R29.7")):
                r.hold("no acute cerebral infarction is coded (the stroke is a past one): not coded")
    return result
