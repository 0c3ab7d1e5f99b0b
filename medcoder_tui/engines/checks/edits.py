"""Shared pieces of the guideline rules: how a rule changes a suggestion and says why.

A rule never edits a code in place: ``replace_code`` grounds the new code again
(so it is validated like any engine's code), keeps the evidence and the original
code, and leaves the reason on the suggestion with ``add_reason``.
"""

from __future__ import annotations

from collections.abc import Callable

from medcoder_tui.codes.systems import System
from medcoder_tui.engines.models import Flag, RawSuggestion, Suggestion

CONTEXT_FLAGS = frozenset({Flag.NEGATED, Flag.UNCERTAIN, Flag.HISTORY, Flag.FAMILY_HISTORY,
                           Flag.HYPOTHETICAL, Flag.INSTRUCTION})

Reground = Callable[[RawSuggestion], Suggestion]


def usable_icd(s: Suggestion) -> bool:
    return s.system is System.ICD10CM and s.acceptable and not s.suppressed


def add_reason(s: Suggestion, message: str, flag: Flag | None = None) -> None:
    if flag is not None and flag not in s.flags:
        s.flags.append(flag)
    if message not in s.messages:
        s.messages.append(message)


def replace_code(s: Suggestion, code: str, reason: str, reground: Reground) -> Suggestion:
    """``s`` with ``code`` in its place, validated again, keeping its evidence and the reason."""
    new = reground(RawSuggestion(code=code, system=s.system, evidence=[e.text for e in s.evidence],
                                 confidence=s.confidence, reasoning=s.reasoning,
                                 description=s.model_description))
    if not new.acceptable:
        return s
    new.evidence = list(s.evidence)
    new.original_code = s.original_code or s.code
    new.model_description = s.model_description
    new.flags = [f for f in new.flags if f is not Flag.UNSPECIFIED]
    add_reason(new, reason)
    return new
