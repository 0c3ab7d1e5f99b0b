"""The specificity steps (``diagnoses.specific_steps``) applied to a suggestion after grounding.

Each new code is validated again (``reground``) and its reason stays on the suggestion, so the
coder sees why the code changed; a code that fails validation leaves the suggestion as it was.
"""

from __future__ import annotations

from medcoder_tui.codes.systems import System
from medcoder_tui.engines.analysis.clinical_text import NoteAnalysis
from medcoder_tui.engines.checks.edits import Reground, replace_code
from medcoder_tui.engines.diagnoses.specific_steps import (  # noqa: F401 - the step groups, re-exported
    FIRST_STEPS, LATER_STEPS, NOTE_STEPS, Mention, Step,
)
from medcoder_tui.engines.models import Suggestion


def apply_steps(steps: tuple[Step, ...], s: Suggestion, note: str, analysis: NoteAnalysis, reground: Reground,
                icd) -> Suggestion:
    """``s`` after ``steps``, each new code validated again and its reason left on the suggestion."""
    if s.system is not System.ICD10CM or not s.valid:
        return s
    if s.evidence:
        ev = s.evidence[0]
        mention = Mention.at(note, analysis, ev.start if ev.located else -1, ev.text)
    else:
        mention = Mention(note, analysis, "", False)
        steps = tuple(step for step in steps if step in NOTE_STEPS)
    for step in steps:
        found = step(s.code, mention, icd)
        if found is not None:
            s = replace_code(s, found[0], found[1], reground)
    return s
