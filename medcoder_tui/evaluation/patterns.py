"""Error patterns: every scoring error of a note put into a named, countable class.

False positives and false negatives are first paired where they are two sides
of one mistake (a wrong subcode is one error, not a miss plus a spurious code):

1. ``wrong_system``: the gold code was suggested under another system.
2. ``wrong_7th_character``: same 6 characters, a different 7th.
3. ``wrong_specificity``: same ICD-10-CM category, another subcode (parent,
   child or sibling); pairs are chosen by longest common prefix.

Unpaired false positives are ``uncertain_or_negated`` (grounding flagged the
evidence), else ``symptom_for_confirmed`` (an R-code while gold holds a non-R
diagnosis), else ``spurious``. Unpaired false negatives are ``missed``.
Suggestions a coder could not accept are ``invalid_code`` or ``non_billable``
(they are not scored as predictions). A suggestion held back by a coding
guideline or for want of supporting words is no error in itself; when its code is
in the gold it is ``held_back`` (a rule withheld a right code). ``wrong_principal`` is counted once per
note whose gold has an order (sidecars, store cases) when the first-listed diagnosis
of the proposed sequence (what the TUI's ``O`` proposes; else the first suggested
one) is not the gold principal diagnosis.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from medcoder_tui.codes.systems import System, compact
from medcoder_tui.evaluation.metrics import split_key
from medcoder_tui.evaluation.models import NoteEval, PatternExample, PatternHit, PatternSummary, RejectedSuggestion

PATTERNS: dict[str, str] = {
    "missed": "a gold code no suggestion covered",
    "spurious": "a suggested code with no counterpart in gold",
    "wrong_specificity": "right category, different subcode (parent, child or sibling)",
    "wrong_7th_character": "right code, different 7th character",
    "invalid_code": "suggested code not in the code set",
    "non_billable": "suggested a category header or a code missing its 7th character",
    "held_back": "a guideline or evidence check held back a code the gold has",
    "uncertain_or_negated": "coded a condition the note calls uncertain or denies",
    "symptom_for_confirmed": "coded a symptom (R-code) where gold has the confirmed diagnosis",
    "wrong_principal": "the proposed first-listed diagnosis is not the gold principal diagnosis",
    "wrong_system": "gold code suggested under another code system",
}
MAX_EXAMPLES = 5


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


def _pair(fps: list[str], fns: list[str], related) -> list[tuple[str, str]]:
    """Greedy pairing of related (fp, fn) keys, closest (longest shared prefix) first."""
    options = []
    for p in fps:
        for g in fns:
            if related(p, g):
                options.append((-_common_prefix(compact(split_key(p)[1]), compact(split_key(g)[1])), p, g))
    pairs, used_p, used_g = [], set(), set()
    for _, p, g in sorted(options):
        if p not in used_p and g not in used_g:
            pairs.append((p, g))
            used_p.add(p)
            used_g.add(g)
    for p, g in pairs:
        fps.remove(p)
        fns.remove(g)
    return pairs


def _other_system_same_code(p: str, g: str) -> bool:
    ps, pc = split_key(p)
    gs, gc = split_key(g)
    return ps is not gs and compact(pc) == compact(gc)


def _seventh_only(p: str, g: str) -> bool:
    ps, pc = split_key(p)
    gs, gc = split_key(g)
    a, b = compact(pc), compact(gc)
    return ps is gs is System.ICD10CM and len(a) == len(b) == 7 and a[:6] == b[:6]


def _same_category(p: str, g: str) -> bool:
    ps, pc = split_key(p)
    gs, gc = split_key(g)
    return ps is gs is System.ICD10CM and compact(pc)[:3] == compact(gc)[:3]


def _is_symptom(key: str) -> bool:
    system, code = split_key(key)
    return system is System.ICD10CM and code.upper().startswith("R")


def classify(
    gold: Sequence[str],
    predicted: Sequence[str],
    *,
    ordered: bool = False,
    flags: Mapping[str, Iterable[str]] | None = None,
    rejected: Iterable[RejectedSuggestion] = (),
    first_listed: str | None = None,
) -> list[PatternHit]:
    """The error patterns of one note (see the module docstring for the classes)."""
    flags = flags or {}
    gold_set, pred_set = set(gold), set(predicted)
    fps = [k for k in dict.fromkeys(predicted) if k not in gold_set]
    fns = [k for k in dict.fromkeys(gold) if k not in pred_set]
    hits: list[PatternHit] = []
    for name, related, detail in (
        ("wrong_system", _other_system_same_code, "suggested under {ps}, gold under {gs}"),
        ("wrong_7th_character", _seventh_only, "7th character {pc7} instead of {gc7}"),
        ("wrong_specificity", _same_category, "{pc} instead of {gc}"),
    ):
        for p, g in _pair(fps, fns, related):
            (ps, pc), (gs, gc) = split_key(p), split_key(g)
            text = detail.format(ps=ps.label, gs=gs.label, pc=pc, gc=gc, pc7=compact(pc)[-1:], gc7=compact(gc)[-1:])
            hits.append(PatternHit(pattern=name, predicted=p, gold=g, detail=text))
    gold_has_confirmed = any(split_key(g)[0] is System.ICD10CM and not _is_symptom(g) for g in gold_set)
    for p in fps:
        marks = {str(getattr(f, "value", f)) for f in flags.get(p, ())} & {"uncertain", "negated"}
        if marks:
            hits.append(PatternHit(pattern="uncertain_or_negated", predicted=p, detail=", ".join(sorted(marks))))
        elif _is_symptom(p) and gold_has_confirmed:
            hits.append(PatternHit(pattern="symptom_for_confirmed", predicted=p))
        else:
            hits.append(PatternHit(pattern="spurious", predicted=p))
    hits += [PatternHit(pattern="missed", gold=g) for g in fns]
    for r in rejected:
        if "invalid" in r.flags:
            name = "invalid_code"
        elif {"not_billable", "needs_7th_character"} & set(r.flags):
            name = "non_billable"
        elif r.key in gold_set:
            name = "held_back"
        else:
            continue   # rightly held back by a guideline: not an error
        hits.append(PatternHit(pattern=name, predicted=r.key, detail=r.message or ", ".join(r.flags)))
    if ordered:
        gold_dx = [k for k in gold if split_key(k)[0] is System.ICD10CM]
        pred_dx = [k for k in predicted if split_key(k)[0] is System.ICD10CM]
        if first_listed in pred_dx:     # the proposed sequence's first diagnosis
            pred_dx = [first_listed] + [k for k in pred_dx if k != first_listed]
        if gold_dx and (not pred_dx or pred_dx[0] != gold_dx[0]):
            hits.append(PatternHit(
                pattern="wrong_principal", predicted=pred_dx[0] if pred_dx else "", gold=gold_dx[0],
                detail="no diagnosis suggested" if not pred_dx else f"{split_key(pred_dx[0])[1]} first",
            ))
    return hits


def summarize(notes: Iterable[NoteEval]) -> dict[str, PatternSummary]:
    """Totals over a run: every pattern (zero counts included), with a few examples each.

    Examples are taken from as many different notes as possible.
    """
    out = {name: PatternSummary(description=desc) for name, desc in PATTERNS.items()}
    pending: dict[str, list[PatternExample]] = {name: [] for name in PATTERNS}
    for note in notes:
        seen: set[str] = set()
        for hit in note.patterns:
            summary = out.setdefault(hit.pattern, PatternSummary())
            summary.count += 1
            example = PatternExample(note_id=note.note_id, predicted=hit.predicted, gold=hit.gold, detail=hit.detail)
            if hit.pattern not in seen:
                summary.notes += 1
                if len(summary.examples) < MAX_EXAMPLES:
                    summary.examples.append(example)
                    seen.add(hit.pattern)
                    continue
            seen.add(hit.pattern)
            pending.setdefault(hit.pattern, []).append(example)
    for name, summary in out.items():
        for example in pending.get(name, []):
            if len(summary.examples) >= MAX_EXAMPLES:
                break
            summary.examples.append(example)
    return out


def note_counts(hits: Iterable[PatternHit]) -> dict[str, int]:
    """``{"missed": 2, ...}`` for one note, only patterns that occur."""
    out: dict[str, int] = {}
    for hit in hits:
        out[hit.pattern] = out.get(hit.pattern, 0) + 1
    return out
