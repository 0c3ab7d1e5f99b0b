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


def add_mention(cand: Candidate, mention: tuple, kind: tuple, best_of_kind: dict[tuple, tuple]) -> None:
    """Count a further mention of ``cand`` and keep it if it is the best of its kind so far.

    Mentions alike for the coding rules (same context, dominated or not, same section: ``kind``)
    need only the best, the earliest of equals; the others would only hold memory (a 2 MB note
    has hundreds of thousands). ``cand.spans`` stays in mention order, the contexts once each.
    """
    cand.mentions += 1
    if mention[3] not in cand.all_contexts:
        cand.all_contexts.append(mention[3])
    prev = best_of_kind.get(kind)
    if prev is None or mention[0] > prev[0]:
        if prev is not None:
            cand.spans.remove(prev)
        cand.spans.append(mention)
        best_of_kind[kind] = mention
