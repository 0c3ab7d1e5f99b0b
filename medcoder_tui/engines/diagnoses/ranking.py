"""The order of the candidate list the Ollama prompt gets: most likely meant first.

Retrieval (:mod:`medcoder_tui.engines.diagnoses.retrieval`) finds every code text the
note's words match, in part or whole, plus relatives and categories of the codes
found. This module scores each candidate with a linear model over a few
features of how it was found (whole mention or partial, context, how much of
its text the note says, how specific the code is) and orders the list by that
score, keeping a few variants per stretch of words before any more.

The weights were fitted by logistic regression on a development corpus
(published case reports coded by experts); ``bench/fit_ranking.py`` refits them
and scores weights fitted on one half of the notes on the other half. Only the
order changes: which codes the offline engine proposes does not depend on it.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from medcoder_tui.codes.systems import System
from medcoder_tui.engines.diagnoses.matcher import core_tokens

if TYPE_CHECKING:
    from medcoder_tui.engines.diagnoses.candidate import Candidate

# Neoplasm codes without a site: redundant once the note names a neoplasm with its site or behaviour.
SITELESS_NEOPLASMS = frozenset({"D49.9", "C80.1", "C80.0", "C79.9", "D48.9", "D36.9", "D09.9"})


def is_neoplasm(code: str) -> bool:
    return code[0] == "C" or (code[0] == "D" and code[1:3].isdigit() and int(code[1:3]) <= 49)


# Partial and related candidates from one stretch of words: more than this many only after all others.
PER_SPAN = 4

FEATURES = (
    "bias", "log_score", "mention", "inside", "history_code", "status", "partial", "related", "category",
    "negated", "uncertain", "history", "family", "hypothetical", "fraction", "coverage_sq", "coverage_full",
    "category_found", "extra_length", "log_mentions", "siteless_beside_sited",
)
# Weights set by coding guidelines, not fitted: the corpus codes past, negated and relatives' conditions as
# if current (published case reports), while a coder codes a past condition with its history code
# (Z85-Z87), a relative's with its family-history code (Z80-Z84), and never a negated finding.
FIXED = {"history_code": 2.0, "negated": -0.8, "family": -0.8}
# Logistic-regression weights, one per feature above, FIXED ones as given (bench/fit_ranking.py prints a new set).
WEIGHTS = (
    -5.519, 0.086, 2.8, 1.102, 2.0, 1.908, -0.236, -2.294, -1.53, -0.8, -0.13, 0.19, -0.8, 0.075, 2.639,
    0.078, 0.347, 0.989, -0.675, 0.226, -4.07,
)
assert len(WEIGHTS) == len(FEATURES)
assert all(WEIGHTS[FEATURES.index(name)] == value for name, value in FIXED.items())

_ORIGINS = ("mention", "inside", "history", "status", "partial", "related", "category")
_CONTEXTS = ("negated", "uncertain", "history", "family", "hypothetical")


def features(c: Candidate, note_words: frozenset[str], found_categories: frozenset[str],
             sited: bool = False) -> tuple[float, ...]:
    """The feature vector of one candidate (see FEATURES); ``sited``: the note names a neoplasm's site."""
    fit = coverage(c.description, note_words)
    icd = c.system is System.ICD10CM
    code = c.code.replace(".", "")
    return (
        1.0,
        math.log(max(c.score, 1e-3)),
        *(float(c.origin == o) for o in _ORIGINS),
        *(float(k in c.context) for k in _CONTEXTS),
        c.fraction,
        fit * fit,
        float(fit == 1.0),
        float(icd and c.origin not in ("mention", "inside") and c.code[:3] in found_categories),
        float(max(0, len(code) - 4)) if icd else 0.0,
        math.log(max(c.mentions, 1)),
        float(sited and c.code in SITELESS_NEOPLASMS),
    )


def found_context(candidates: list[Candidate]) -> tuple[frozenset[str], bool]:
    """What the whole mentions say about the note: their categories, and whether a neoplasm has a site."""
    whole = [c for c in candidates if c.system is System.ICD10CM and c.origin in ("mention", "inside")]
    sited = any(is_neoplasm(c.code) and c.code not in SITELESS_NEOPLASMS and c.origin == "mention" for c in whole)
    return frozenset(c.code[:3] for c in whole), sited


def rank_score(feats: tuple[float, ...], weights: tuple[float, ...] = WEIGHTS) -> float:
    return sum(f * w for f, w in zip(feats, weights))


def recall_order(candidates: list[Candidate], note_words: frozenset[str],
                 weights: tuple[float, ...] = WEIGHTS) -> list[Candidate]:
    """``candidates`` ordered by the model's score, at most PER_SPAN hierarchy variants per stretch first.

    A partial match, a relative or a category from one stretch of words may take
    PER_SPAN places before the other stretches have had theirs (diversity across
    mentions); whole mentions are never held back.
    """
    found, sited = found_context(candidates)
    scored = sorted(candidates,
                    key=lambda c: (-rank_score(features(c, note_words, found, sited), weights), c.code))
    kept: list[Candidate] = []
    later: list[Candidate] = []
    per_span: dict[tuple[int, int], int] = {}
    for cand in scored:
        if cand.origin not in ("partial", "related", "category"):
            kept.append(cand)
            continue
        span = (cand.start, cand.end)
        n = per_span.get(span, 0)
        (kept if n < PER_SPAN else later).append(cand)
        per_span[span] = n + 1
    return kept + later


_CORE_CACHE: dict[str, tuple[str, ...]] = {}


def _core(description: str) -> tuple[str, ...]:
    """A code text's core words (cached: the same texts recur across candidates and notes)."""
    core = _CORE_CACHE.get(description)
    if core is None:
        if len(_CORE_CACHE) > 50_000:
            _CORE_CACHE.clear()   # bounded: a long session must not grow without limit
        core = _CORE_CACHE[description] = core_tokens(description)
    return core


def coverage(description: str, note_words: frozenset[str]) -> float:
    """The fraction of a code text's core words that occur anywhere in the note."""
    core = _core(description)
    return sum(w in note_words for w in core) / len(core) if core else 0.0
