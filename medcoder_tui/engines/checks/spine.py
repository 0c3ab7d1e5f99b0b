"""A disc herniation by its spinal level, with or without radiculopathy (Index: Displacement,
intervertebral disc; Disorder, disc, with radiculopathy).

"L5-S1 disc herniation with right S1 radiculopathy" is M51.17 (lumbosacral disc disorder with
radiculopathy): the radiculopathy (M54.1-, Excludes1 at M54.1) and the back and limb pain it causes
are included. Without a radiculopathy the herniation is the disc displacement of its region (M51.2-,
M50.2-). The level the note writes gives the region: L5-S1 lumbosacral, L1-L5 lumbar, T12-L1
thoracolumbar, T thoracic; C2-C4 high cervical, C4-C5 to C6-C7 mid-cervical by level, C7-T1
cervicothoracic.
"""

from __future__ import annotations

import re

from medcoder_tui.codes.systems import System
from medcoder_tui.engines.analysis.clinical_text import NoteAnalysis
from medcoder_tui.engines.checks.edits import CONTEXT_FLAGS, Reground, add_reason, usable_icd
from medcoder_tui.engines.models import Flag, RawSuggestion, Suggestion

_DISC = re.compile(r"\b(?:dis[ck] (?:herniation|extrusion|protrusion|displacement|prolapse)|herniated (?:nucleus pulposus|"
                   r"dis[ck])|hnp|dis[ck] herniations?)\b", re.I)
_LEVEL = re.compile(r"\b([CTL])(\d{1,2})\s*[-/]\s*([CTLS])?(\d)\b", re.I)
_RADICULOPATHY = re.compile(r"\bradiculopath\w*|\bradicular\b|\bsciatica\b", re.I)
# the pain a disc radiculopathy causes, and the radiculopathy's own codes
_INCLUDED = ("M54.1", "M54.3", "M54.4", "M54.5", "M54.9", "M79.6", "R20", "M54.2",
             # the nerve root disorders NEC (G54.2 cervical, G54.4 lumbosacral: Excludes1 M50-M51)
             "G54.2", "G54.3", "G54.4")


def _region(top: str, n: int, low: str | None, m: int) -> tuple[str, str] | None:
    """(M50/M51 category digit suffix, region words) for a level like L5-S1, C5-6."""
    top = top.upper()
    low = (low or top).upper()
    if top == "L" and low == "S":
        return "7", "lumbosacral"
    if top == "L":
        return "6", "lumbar"
    if top == "T" and low == "L":
        return "5", "thoracolumbar"
    if top == "T":
        return "4", "thoracic"
    if top == "C" and low == "T":
        return "3", "cervicothoracic"
    if top == "C":
        if n <= 3:
            return "1", "high cervical"
        return {4: "21", 5: "22", 6: "23"}.get(n, "20"), f"mid-cervical C{n}-C{m}"
    return None


def disc_disorders(out: list[Suggestion], note: str, analysis: NoteAnalysis, reground: Reground,
                   setting: str = "outpatient") -> list[Suggestion]:
    """The disc disorder code of a herniation the note names with its level (see the module's doc)."""
    read = [s for s in out if usable_icd(s) and s.code[:3] in ("M50", "M51")]
    if any(s.code[:5] in ("M50.1", "M51.1") for s in read):
        return []   # the matcher read the disc disorder with its radiculopathy already
    for sent in analysis.sentences:
        text = note[sent.start:sent.end]
        disc = _DISC.search(text)
        level = _LEVEL.search(text)
        if disc is None or level is None:
            continue
        start = sent.start + disc.start()
        if analysis.context_at(start, sent.start + disc.end()) & {"negated", "hypothetical", "family", "history"}:
            continue
        region = _region(level.group(1), int(level.group(2)), level.group(3), int(level.group(4)))
        if region is None:
            continue
        suffix, words = region
        cervical = level.group(1).upper() == "C"
        radic = any(not re.search(r"(?i)\b(?:without|w/o|no|denies|negative for)\s+(?:\w+\s+)?$", text[:r.start()])
                    for r in _RADICULOPATHY.finditer(text))
        code = (f"M50.{'1' if radic else '2'}{suffix}" if cervical
                else f"M51.{'1' if radic else '2'}{suffix}")
        why = (f"disc herniation at {level.group(0)}, {words} region, "
               f"{'with' if radic else 'without'} radiculopathy (Index: Displacement, intervertebral disc)")
        new = reground(RawSuggestion(code=code, system=System.ICD10CM, confidence=0.75, reasoning=why,
                                     evidence=[note[sent.start + min(disc.start(), level.start()):
                                                    sent.start + max(disc.end(), level.end())]]))
        if not new.acceptable or set(new.flags) & (CONTEXT_FLAGS - {Flag.UNCERTAIN}):
            continue
        add_reason(new, why)
        if Flag.UNCERTAIN in new.flags and setting != "inpatient":
            return [new]   # a possible herniation outpatient is not coded (IV.H): the sciatica it would include is
        if read and not radic:
            # ("Lumbar disc herniation" read by the matcher): nothing to add from this sentence; a later one may tell
            # the radiculopathy ("MRI: C5-C6 disc protrusion ..." then "Disc protrusion C5-C6 with L C6 radiculopathy")
            continue
        for s in out:
            if usable_icd(s) and s.code.startswith(_INCLUDED) and s.code[:3] != "M51":
                s.hold(f"included in {code} (a disc disorder with radiculopathy includes it; M54.1 Excludes1)"
                       if radic else f"integral to {code} (guideline I.B.5): not coded separately")
        for s in read:
            # "Lumbar disc herniation L4-L5 with left L5 radiculopathy": the displacement read alone gives way
            s.hold(f"{code} codes the disc disorder with its radiculopathy")
        return [new]
    return []
