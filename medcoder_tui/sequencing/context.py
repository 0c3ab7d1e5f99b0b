"""What every sequencing rule sees: the diagnoses in order, the setting, and a few shared helpers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from medcoder_tui.codes.service import IcdEntry
from medcoder_tui.sequencing.models import Issue, Severity
from medcoder_tui.codes.refs import CodeRef, any_match, parse_refs


@dataclass
class Dx:
    """A diagnosis in the proposed order."""

    index: int                     # 0 = principal/first-listed
    code: str                      # dotted
    key: str                       # compact
    entry: IcdEntry


@dataclass
class Context:
    """What the rules see: the ICD-10-CM diagnoses in order, the setting and the uncertain codes."""

    dx: list[Dx]
    setting: str = "outpatient"
    uncertain: dict[str, str] = field(default_factory=dict)   # grounding flagged it: compact code -> why
    note_uncertain: dict[str, str] = field(default_factory=dict)  # the note's mentions look uncertain
    negated: dict[str, str] = field(default_factory=dict)
    codesets: Any = None           # the code sets, for rules that read titles beyond the case's codes


Rule = Callable[[Context], list[Issue]]


def issue(rule: str, severity: Severity, codes: list[str], message: str, convention: str) -> Issue:
    """An :class:`Issue` (positional shorthand for the rules)."""
    return Issue(rule=rule, severity=severity, codes=codes, message=message, convention=convention)


def note_refs(note: str, own: str) -> list[CodeRef]:
    """References of a note, minus those naming the code itself."""
    return [r for r in parse_refs(note) if not r.matches(own)]


def companions(refs: list[CodeRef], dx: list[Dx], own: Dx) -> list[Dx]:
    """The other diagnoses of the case that a note's references name."""
    return [d for d in dx if d.key != own.key and any_match(refs, d.key)]
