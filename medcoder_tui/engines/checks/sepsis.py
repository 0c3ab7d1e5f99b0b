"""Sepsis, severe sepsis and septic shock (guideline I.C.1.d).

- Septic shock is severe sepsis with organ dysfunction: R65.21, after the systemic infection
  (I.C.1.d.1.b, I.C.1.d.2). "Septic shock due to E. coli" is read by the words as A41.51 alone.
- Severe sepsis (R65.2-) is never coded alone: the underlying systemic infection comes first, A41.9
  when the note names no organism's sepsis code (R65.2 "code first underlying infection").
- Sepsis with an acute organ dysfunction the note ties to it ("sepsis with AKI", "encephalopathy
  secondary to sepsis", "septic ATN") is severe sepsis, R65.20 (Index: Sepsis, with, organ
  dysfunction). An organ dysfunction the note does not tie to the sepsis is not (I.C.1.d.1.a.iv:
  when the link is unclear, the provider is queried, not presumed).

Added codes go through the same context rules as any other: a negated septic shock is not coded,
and in an office or ED note an uncertain one is not either.
"""

from __future__ import annotations

import re

from medcoder_tui.codes.systems import System
from medcoder_tui.engines.analysis.clinical_text import NoteAnalysis
from medcoder_tui.engines.checks.edits import CONTEXT_FLAGS, Reground, add_reason, usable_icd
from medcoder_tui.engines.models import Flag, RawSuggestion, Suggestion

# systemic infection codes that stand for the sepsis (A41.9 is the default)
_SEPSIS = ("A40", "A41", "A02.1", "A20.7", "A21.7", "A22.7", "A24.1", "A26.7", "A32.7", "A39.2", "A39.3",
           "A39.4", "A42.7", "A48.3", "A54.86", "B00.7", "B37.7", "O85", "O86.04", "T81.44", "P36", "A01.0")
# acute organ dysfunctions (Index: Sepsis, with, organ dysfunction; guideline I.C.1.d.1.a)
_ORGAN_DYSFUNCTION = ("N17", "J96.0", "J96.2", "J80", "G93.4", "G92", "K72.0", "D65", "R57", "R40.2", "E87.2")
_SEPTIC_SHOCK = re.compile(r"\bseptic[- ]shock\b", re.I)
_SEVERE_SEPSIS = re.compile(r"\bsevere sepsis\b", re.I)
# a dysfunction's sentence that ties it to the sepsis
_TIED = re.compile(r"\b(?:sepsis|septic)\b[^.;\n]{0,60}\b(?:with|complicated by|causing|leading to|resulting in)\b|"
                   r"\b(?:due to|secondary to|from|related to|in the setting of|caused by|because of|2/2)\s+"
                   r"(?:\w+\s+){0,2}(?:sepsis|septic shock)\b|"
                   r"\b(?:septic|sepsis[- ](?:induced|related|associated))\s+(?:\w+\s+){0,2}"
                   r"(?:ATN|AKI|encephalopathy|kidney|renal|liver|hepatic|respiratory|DIC)", re.I)


def sepsis_codes(out: list[Suggestion], note: str, analysis: NoteAnalysis, reground: Reground) -> list[Suggestion]:
    """The severe sepsis, septic shock and underlying infection codes ``out`` lacks (see the module's doc)."""
    if not re.search(r"sepsis|septic", note, re.I):
        return []
    live = [s for s in out if usable_icd(s) and not set(s.flags) & CONTEXT_FLAGS]
    have = {s.code for s in out if s.system is System.ICD10CM}
    added: list[Suggestion] = []

    def add(code: str, words: str, why: str) -> Suggestion | None:
        new = reground(RawSuggestion(code=code, system=System.ICD10CM, evidence=[words], confidence=0.8, reasoning=why))
        if not new.acceptable or not new.evidence or set(new.flags) & (CONTEXT_FLAGS - {Flag.UNCERTAIN}):
            return None
        add_reason(new, why)
        added.append(new)
        have.add(code)
        return new

    severe = next((s for s in live if s.code.startswith("R65.2")), None)
    if not any(c.startswith("R65.2") for c in have) and (m := _first_said(_SEPTIC_SHOCK, note, analysis)):
        severe = add("R65.21", note[m.start():m.end()],
                     "septic shock is severe sepsis with organ dysfunction: R65.21, after the systemic infection "
                     "(guideline I.C.1.d.2)") or severe
    if severe is None and not any(c.startswith("R65.2") for c in have):
        for s in live:
            if not s.code.startswith(_ORGAN_DYSFUNCTION) or not s.evidence or not s.evidence[0].located:
                continue
            sent = analysis.sentence_at(s.evidence[0].start)
            tie = _TIED.search(note[sent.start:sent.end]) if sent is not None else None
            if tie is None:
                continue
            severe = add("R65.20", tie.group(0),
                         f"sepsis with an acute organ dysfunction the note ties to it ({s.code}) is severe sepsis "
                         f"(Index: Sepsis, with, organ dysfunction; guideline I.C.1.d.1.a)")
            if severe is not None:
                break
    if severe is not None and not any(c.startswith(_SEPSIS) for c in have):
        words = severe.evidence[0].text if severe.evidence else "sepsis"
        if m := _first_said(_SEVERE_SEPSIS, note, analysis) or _first_said(_SEPTIC_SHOCK, note, analysis):
            words = note[m.start():m.end()]
        add("A41.9", words, "severe sepsis is coded after its underlying systemic infection; no organism is "
                            "documented: A41.9 (R65.2 'code first underlying infection', guideline I.C.1.d.1.b)")
    return added


def _first_said(rx: re.Pattern[str], note: str, analysis: NoteAnalysis) -> re.Match[str] | None:
    """The first match of ``rx`` outside negated, hypothetical and family scopes."""
    return next((m for m in rx.finditer(note)
                 if not analysis.context_at(m.start(), m.end()) & {"negated", "hypothetical", "family"}), None)
