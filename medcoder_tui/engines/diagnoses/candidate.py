"""A candidate code for a note: what retrieval proposes and the offline engine and prompt consume."""

from __future__ import annotations

from dataclasses import dataclass, field

from medcoder_tui.codes.systems import System


@dataclass
class Candidate:
    """A code proposed for a note, with the words that support it."""

    code: str
    system: System
    description: str
    score: float
    evidence_text: str
    start: int
    end: int
    context: frozenset[str] = frozenset()
    billable: bool = True
    mentions: int = 1
    dominated: bool = False
    core_size: int = 1
    all_contexts: list[frozenset[str]] = field(default_factory=list, repr=False)
    origin: str = "mention"   # mention | inside (within a larger mention) | partial | related
    # every mention: (score, start, end, context, dominated), so rules can pick a usable one
    spans: list[tuple[float, int, int, frozenset[str], bool]] = field(default_factory=list, repr=False)
    fraction: float = 1.0   # share of the code text's core words the best mention says
