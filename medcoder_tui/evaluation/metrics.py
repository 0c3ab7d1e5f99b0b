"""Pure scoring: sets of normalised codes per note -> TP/FP/FN and precision/recall/F1.

Conventions (every figure medcoder reports follows them):

* Codes are compared as **sets** of keys ``"<system>:<canonical code>"``; a code
  suggested or listed twice counts once, and an ICD-10-CM code never matches a
  CPT code with the same characters.
* A zero denominator scores 1.0 only when there was nothing to get wrong, i.e.
  both sides are empty; otherwise 0.0. So a note with no gold and no prediction
  is perfect (P = R = F1 = 1), a note with gold but no prediction scores 0, and
  a note with predictions but no gold scores 0.
* **micro** sums TP/FP/FN over notes, then computes P/R/F1 once.
* **macro** is the plain mean of the per-note P/R/F1 over scored notes.
* **category level** maps an ICD-10-CM code to its 3-character category
  (``E11.65`` -> ``E11``); CPT and HCPCS codes have no category and stay whole.
* **must-not-code hits** are suggested codes the gold lists under ``not_codes``
  (an uncertain diagnosis coded in an office note, a symptom integral to the
  diagnosis, the unspecified sibling of a documented code ...). Each counts once per note.
* **E/M exact rate**: over notes whose gold has an E/M level code (CPT office,
  hospital, consultation, ED, critical care, nursing facility, preventive, newborn
  or transitional care visit), the share where the suggested E/M level codes equal
  the gold ones exactly (a missing, extra or one-off level is not exact).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from pydantic import BaseModel

from medcoder_tui.codes.systems import System, compact, is_em_level_code


class Counts(BaseModel):
    """True positives, false positives and false negatives."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: "Counts") -> "Counts":
        return Counts(tp=self.tp + other.tp, fp=self.fp + other.fp, fn=self.fn + other.fn)


class PRF(BaseModel):
    """Precision, recall and F1, with the counts they came from (if any)."""

    precision: float
    recall: float
    f1: float
    tp: int = 0
    fp: int = 0
    fn: int = 0


def code_key(system: System | str, code: str) -> str:
    """The comparison key of one code: ``icd10cm:E11.9``; dots and case never matter."""
    sys_ = System.parse(system)
    c = compact(code)
    canonical = c if sys_ is not System.ICD10CM or len(c) <= 3 else f"{c[:3]}.{c[3:]}"
    return f"{sys_.value}:{canonical}"


def split_key(key: str) -> tuple[System, str]:
    """Inverse of :func:`code_key`."""
    system, _, code = key.partition(":")
    return System(system), code


def category_key(key: str) -> str:
    """The category-level key: the 3-character ICD-10-CM category, other systems unchanged."""
    system, code = split_key(key)
    if system is System.ICD10CM:
        return f"{system.value}:{compact(code)[:3]}"
    return key


def counts(predicted: Iterable[str], gold: Iterable[str]) -> Counts:
    """TP/FP/FN between two collections of keys, each taken as a set."""
    p, g = set(predicted), set(gold)
    return Counts(tp=len(p & g), fp=len(p - g), fn=len(g - p))


def _ratio(num: int, den: int, other_empty: bool) -> float:
    if den:
        return num / den
    return 1.0 if other_empty else 0.0


def prf(c: Counts) -> PRF:
    """P/R/F1 of a count triple, with the zero-denominator convention of this module."""
    both_empty = c.tp == 0 and c.fp == 0 and c.fn == 0
    precision = _ratio(c.tp, c.tp + c.fp, both_empty)
    recall = _ratio(c.tp, c.tp + c.fn, both_empty)
    if both_empty:
        f1 = 1.0
    elif precision + recall:
        f1 = 2 * precision * recall / (precision + recall)
    else:
        f1 = 0.0
    return PRF(precision=precision, recall=recall, f1=f1, tp=c.tp, fp=c.fp, fn=c.fn)


def score(predicted: Iterable[str], gold: Iterable[str]) -> PRF:
    """P/R/F1 of one note's predicted keys against its gold keys."""
    return prf(counts(predicted, gold))


def category_counts(predicted: Iterable[str], gold: Iterable[str]) -> Counts:
    """TP/FP/FN at category level (see the module docstring)."""
    return counts({category_key(k) for k in predicted}, {category_key(k) for k in gold})


def micro(per_note: Iterable[Counts]) -> PRF:
    """Micro average: sum the counts over notes, then score once."""
    total = Counts()
    for c in per_note:
        total = total + c
    return prf(total)


def macro(per_note: Iterable[PRF]) -> PRF:
    """Macro average: the mean of per-note P/R/F1 (all zero when there is no note)."""
    items = list(per_note)
    if not items:
        return PRF(precision=0.0, recall=0.0, f1=0.0)
    n = len(items)
    return PRF(
        precision=sum(x.precision for x in items) / n,
        recall=sum(x.recall for x in items) / n,
        f1=sum(x.f1 for x in items) / n,
        tp=sum(x.tp for x in items), fp=sum(x.fp for x in items), fn=sum(x.fn for x in items),
    )


def restrict(keys: Iterable[str], systems: Iterable[System]) -> set[str]:
    """Only the keys of the given systems."""
    wanted = {System.parse(s).value for s in systems}
    return {k for k in keys if k.partition(":")[0] in wanted}


def per_system(pairs: Iterable[tuple[set[str], set[str]]], systems: Iterable[System]) -> dict[str, PRF]:
    """Micro P/R/F1 for each system over (predicted, gold) key-set pairs."""
    pairs = list(pairs)
    out: dict[str, PRF] = {}
    for system in sorted({System.parse(s) for s in systems}, key=lambda s: list(System).index(s)):
        out[system.value] = micro(counts(restrict(p, [system]), restrict(g, [system])) for p, g in pairs)
    return out


def keys_by_system(keys: Iterable[str]) -> dict[str, list[str]]:
    """Group keys into ``{"icd10cm": ["E11.9", ...], ...}`` for display, order kept."""
    out: dict[str, list[str]] = {}
    for key in keys:
        system, code = split_key(key)
        bucket = out.setdefault(system.value, [])
        if code not in bucket:
            bucket.append(code)
    return out


def keys_from_mapping(codes: Mapping[str, Iterable[str]]) -> list[str]:
    """``{"icd10cm": ["e119"]}`` -> ``["icd10cm:E11.9"]``, order kept, duplicates dropped."""
    out: list[str] = []
    for system, items in codes.items():
        for code in items:
            key = code_key(system, code)
            if key not in out:
                out.append(key)
    return out


class EMRate(BaseModel):
    """E/M level agreement over the notes whose gold has an E/M level code."""

    notes: int = 0
    exact: int = 0
    rate: float = 0.0


def is_em_level(key: str) -> bool:
    """Whether a comparison key is a CPT E/M visit-level code (``cpt:99214``)."""
    system, code = split_key(key)
    return system is System.CPT and is_em_level_code(code)


def em_levels(keys: Iterable[str]) -> list[str]:
    """The E/M level keys among ``keys``, sorted."""
    return sorted({k for k in keys if is_em_level(k)})


def em_rate(pairs: Iterable[tuple[Iterable[str], Iterable[str]]]) -> EMRate:
    """E/M exact rate over (predicted, gold) key collections; notes without a gold E/M level are skipped."""
    notes = exact = 0
    for predicted, gold in pairs:
        g = em_levels(gold)
        if not g:
            continue
        notes += 1
        exact += em_levels(predicted) == g
    return EMRate(notes=notes, exact=exact, rate=exact / notes if notes else 0.0)


def must_not_hits(predicted: Iterable[str], not_codes: Mapping[str, str]) -> dict[str, str]:
    """The predicted keys the gold says must not be reported, with the gold's reason."""
    return {k: not_codes[k] for k in dict.fromkeys(predicted) if k in not_codes}
