"""Metrics and error patterns against hand-computed values."""

from __future__ import annotations

import pytest

from medcoder_tui.codes.systems import System

from medcoder_tui.evaluation import metrics as m
from medcoder_tui.evaluation.models import NoteEval, RejectedSuggestion
from medcoder_tui.evaluation.patterns import PATTERNS, classify, summarize


def icd(*codes: str) -> list[str]:
    return [m.code_key("icd10cm", c) for c in codes]


def test_code_key_ignores_case_dots_and_keeps_systems_apart():
    assert m.code_key("icd10cm", "e119") == m.code_key("ICD-10-CM", "E11.9") == "icd10cm:E11.9"
    assert m.code_key("icd10cm", "n23") == "icd10cm:N23"
    assert m.code_key("cpt", "99213") != m.code_key("hcpcs", "99213")
    assert m.category_key("icd10cm:S39.94XA") == "icd10cm:S39"
    assert m.category_key("cpt:99213") == "cpt:99213"


def test_one_note_by_hand():
    # gold {E11.9, I10, N18.3}, predicted {E11.9, I10, R05}: TP 2, FP 1, FN 1
    s = m.score(icd("E11.9", "I10", "R05"), icd("E11.9", "I10", "N18.3"))
    assert (s.tp, s.fp, s.fn) == (2, 1, 1)
    assert s.precision == pytest.approx(2 / 3)
    assert s.recall == pytest.approx(2 / 3)
    assert s.f1 == pytest.approx(2 / 3)


def test_uneven_precision_and_recall():
    # TP 1, FP 3, FN 0: P = 1/4, R = 1, F1 = 2*0.25/1.25 = 0.4
    s = m.score(icd("E11.9", "I10", "R05", "J45.909"), icd("E11.9"))
    assert (s.precision, s.recall, s.f1) == (pytest.approx(0.25), 1.0, pytest.approx(0.4))


def test_empty_prediction_empty_gold_and_both_empty():
    none_predicted = m.score([], icd("J45.909"))
    assert (none_predicted.precision, none_predicted.recall, none_predicted.f1) == (0.0, 0.0, 0.0)
    no_gold = m.score(icd("Z00.00"), [])
    assert (no_gold.precision, no_gold.recall, no_gold.f1) == (0.0, 0.0, 0.0)
    assert (no_gold.fp, no_gold.fn) == (1, 0)
    both = m.score([], [])
    assert (both.precision, both.recall, both.f1) == (1.0, 1.0, 1.0)


def test_duplicates_count_once():
    s = m.score(["icd10cm:E11.9", m.code_key("icd10cm", "e119"), "icd10cm:E11.9"], ["icd10cm:E11.9"] * 2)
    assert (s.tp, s.fp, s.fn) == (1, 0, 0)
    assert s.f1 == 1.0


def test_micro_and_macro_over_four_notes():
    notes = [
        (icd("E11.9", "I10", "R05"), icd("E11.9", "I10", "N18.3")),   # P=R=F1=2/3
        ([], icd("J45.909")),                                           # 0, 0, 0
        (icd("Z00.00"), []),                                            # 0, 0, 0
        ([], []),                                                       # 1, 1, 1
    ]
    micro = m.micro(m.counts(p, g) for p, g in notes)
    assert (micro.tp, micro.fp, micro.fn) == (2, 2, 2)
    assert (micro.precision, micro.recall, micro.f1) == (0.5, 0.5, 0.5)
    macro = m.macro(m.score(p, g) for p, g in notes)
    assert macro.precision == pytest.approx(5 / 12)
    assert macro.recall == pytest.approx(5 / 12)
    assert macro.f1 == pytest.approx(5 / 12)
    assert m.macro([]).f1 == 0.0


def test_category_level():
    # categories: predicted {E11, I10}, gold {E11, I12}: TP 1, FP 1, FN 1
    c = m.category_counts(icd("E11.65", "I10"), icd("E11.9", "I12.9"))
    assert (c.tp, c.fp, c.fn) == (1, 1, 1)
    # two subcodes of one category collapse into one category hit
    c = m.category_counts(icd("E11.65", "E11.9"), icd("E11.22"))
    assert (c.tp, c.fp, c.fn) == (1, 0, 0)


def test_per_system_split():
    pairs = [({"icd10cm:E11.9", "cpt:99213"}, {"icd10cm:E11.9", "cpt:99214", "hcpcs:J1100"})]
    out = m.per_system(pairs, list(System))
    assert out["icd10cm"].f1 == 1.0
    assert (out["cpt"].tp, out["cpt"].fp, out["cpt"].fn) == (0, 1, 1)
    assert (out["hcpcs"].tp, out["hcpcs"].fn, out["hcpcs"].precision) == (0, 1, 0.0)


def names(hits):
    return sorted(h.pattern for h in hits)


def test_patterns_pair_specificity_and_seventh_character():
    gold = icd("E11.9", "S42.322A", "I10")
    pred = icd("E11.65", "S42.322D", "J18.9")
    hits = classify(gold, pred)
    assert names(hits) == ["missed", "spurious", "wrong_7th_character", "wrong_specificity"]
    spec = next(h for h in hits if h.pattern == "wrong_specificity")
    assert (spec.predicted, spec.gold) == ("icd10cm:E11.65", "icd10cm:E11.9")
    seventh = next(h for h in hits if h.pattern == "wrong_7th_character")
    assert seventh.detail == "7th character D instead of A"
    assert next(h for h in hits if h.pattern == "missed").gold == "icd10cm:I10"


def test_specificity_pairs_closest_codes():
    hits = classify(icd("E11.21", "E11.9"), icd("E11.22", "E11.8"))
    pairs = {(h.predicted, h.gold) for h in hits}
    assert ("icd10cm:E11.22", "icd10cm:E11.21") in pairs
    assert ("icd10cm:E11.8", "icd10cm:E11.9") in pairs


def test_patterns_uncertain_negated_and_symptom():
    gold = icd("J18.9")
    pred = icd("R05.9", "I21.9", "J18.9")
    hits = classify(gold, pred, flags={"icd10cm:I21.9": ["negated"]})
    assert names(hits) == ["symptom_for_confirmed", "uncertain_or_negated"]
    # an R-code is only "symptom for confirmed" when gold has a non-R diagnosis
    assert names(classify(icd("R10.9"), icd("R05.9"))) == ["missed", "spurious"]


def test_wrong_system_invalid_and_non_billable():
    gold = ["cpt:99213", "icd10cm:I10"]
    pred = ["hcpcs:99213", "icd10cm:I10"]
    rejected = [RejectedSuggestion(key="icd10cm:E11", flags=["not_billable"]),
                RejectedSuggestion(key="icd10cm:X99.99", flags=["invalid"])]
    hits = classify(gold, pred, rejected=rejected)
    assert names(hits) == ["invalid_code", "non_billable", "wrong_system"]


def test_a_guideline_hold_is_an_error_only_when_it_withholds_a_gold_code():
    gold = ["icd10cm:J10.1", "icd10cm:R50.9"]
    rejected = [RejectedSuggestion(key="icd10cm:M79.10", flags=["guideline"], message="integral to J10.1"),
                RejectedSuggestion(key="icd10cm:R50.9", flags=["guideline"], message="integral to J10.1")]
    hits = classify(gold, ["icd10cm:J10.1"], rejected=rejected)
    assert names(hits) == ["held_back", "missed"]
    assert [h.predicted for h in hits if h.pattern == "held_back"] == ["icd10cm:R50.9"]


def test_wrong_principal_judges_the_proposed_first_listed_diagnosis():
    gold = icd("I21.4", "E11.9")
    pred = icd("E11.9", "I21.4")
    assert names(classify(gold, pred, ordered=True)) == ["wrong_principal"]
    assert classify(gold, pred, ordered=True, first_listed="icd10cm:I21.4") == []
    hits = classify(gold, pred, ordered=True, first_listed="icd10cm:E11.9")
    assert [(h.pattern, h.predicted) for h in hits] == [("wrong_principal", "icd10cm:E11.9")]


def test_wrong_principal_only_with_ordered_gold():
    gold = icd("I21.4", "E11.9")
    pred = icd("E11.9", "I21.4")
    assert classify(gold, pred) == []
    hits = classify(gold, pred, ordered=True)
    assert names(hits) == ["wrong_principal"]
    assert hits[0].gold == "icd10cm:I21.4"
    assert names(classify(gold, [], ordered=True)) == ["missed", "missed", "wrong_principal"]


def test_summarize_counts_notes_and_examples():
    n1 = NoteEval(note_id="a", patterns=classify(icd("E11.9", "I10"), []))
    n2 = NoteEval(note_id="b", patterns=classify(icd("I10"), icd("R05.9")))
    out = summarize([n1, n2])
    assert set(PATTERNS) <= set(out)
    assert (out["missed"].count, out["missed"].notes) == (3, 2)
    assert {e.note_id for e in out["missed"].examples} == {"a", "b"}
    assert out["symptom_for_confirmed"].count == 1
    assert out["wrong_principal"].count == 0


def test_em_levels_are_visit_level_cpt_codes_only():
    level = [m.code_key("cpt", c) for c in ("99202", "99215", "99239", "99285", "99291", "99396", "99460")]
    assert all(m.is_em_level(k) for k in level)
    not_level = [m.code_key("cpt", c) for c in ("99201", "99292", "99406", "99417", "93000", "0001F")]
    assert not any(m.is_em_level(k) for k in not_level)
    assert not m.is_em_level(m.code_key("hcpcs", "G0439")) and not m.is_em_level("icd10cm:Z00.00")


def test_em_rate_by_hand():
    cpt = lambda *c: [m.code_key("cpt", x) for x in c]  # noqa: E731
    pairs = [
        (cpt("99214", "93000"), cpt("99214", "93000")),   # exact
        (cpt("99213"), cpt("99214")),                     # one level off
        ([], cpt("99284")),                               # missing
        (cpt("99284", "99285"), cpt("99285")),            # an extra level is not exact
        (cpt("99213") + icd("I10"), icd("I10")),          # no gold E/M level: not counted
    ]
    rate = m.em_rate(pairs)
    assert (rate.notes, rate.exact) == (4, 1)
    assert rate.rate == pytest.approx(0.25)
    assert m.em_rate([]).rate == 0.0


def test_must_not_hits_keep_the_reason_once():
    hits = m.must_not_hits(icd("R07.9", "I10", "R07.9"), {"icd10cm:R07.9": "uncertain ACS: symptom instead?",
                                                          "icd10cm:I21.4": "ruled out"})
    assert hits == {"icd10cm:R07.9": "uncertain ACS: symptom instead?"}
