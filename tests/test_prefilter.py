"""The literal first looks that spare a full regex scan: they must never skip a match."""

from __future__ import annotations

import gc
import re
from pathlib import Path

import pytest

import medcoder_tui.engines.offline  # noqa: F401 - loads every rule module and its patterns
from medcoder_tui.engines.analysis import clinical_text
from medcoder_tui.engines.analysis.prefilter import literal_starts, may_match

SAMPLES = sorted((Path(__file__).resolve().parents[1] / "sample_notes").glob("*.txt"))


@pytest.mark.parametrize(("pattern", "starts"), [
    (r"\b(?:warfarin|apixaban)\b", ("apixaban", "warfarin")),
    (r"\b(?:ocps?|birth control pills?)\b", ("ocp", "birth control pill")),
    (r"\bhemoglobin(?! a1c)|\bhgb\b", ("hgb", "hemoglobin")),
    (r"a+b", ("a",)),                        # a repeat is not joined to what follows ("aab")
    (r"(?:pre|post)-?op", ("preop", "postop", "pre", "post")),
    (r"\b(?:methylprednisolone|prednisolone)\b", ("prednisolone",)),   # the longer holds the shorter
])
def test_literal_starts(pattern, starts):
    assert set(literal_starts(re.compile(pattern))) == set(starts) - {s for s in starts for t in starts
                                                                         if t != s and t in s}


@pytest.mark.parametrize("pattern", [r"(?:stage|\d) x", r"\bx?", r"(?i:abc)", r"[a-z]+itis", r"(?:a|)b?"])
def test_unreadable_starts_mean_always_run(pattern):
    rx = re.compile(pattern)
    assert literal_starts(rx) is None
    assert may_match(rx, "")


def test_ignorecase_is_always_run():
    assert literal_starts(re.compile("warfarin", re.I)) is None


def test_no_rule_pattern_is_skipped_where_it_matches():
    texts = [p.read_text(encoding="utf-8").lower() for p in SAMPLES]
    patterns = [o for o in gc.get_objects() if isinstance(o, re.Pattern) and isinstance(o.pattern, str)]
    readable = [p for p in patterns if literal_starts(p) is not None]
    assert len(readable) > 50   # the rules' lower-case patterns
    checked = 0
    for rx in readable:
        for text in texts:
            for m in rx.finditer(text):
                checked += 1
                assert may_match(rx, text), rx.pattern
                # every match holds one of the literals the first look searches for
                assert any(s in text[m.start():m.end() + 60] for s in literal_starts(rx)), rx.pattern
    assert checked > 1000


def test_triggers_by_first_word_match_as_the_whole_alternation():
    whole = re.compile(r"(?:" + "|".join(p for p, _ in clinical_text._TRIGGER_PARTS) + r")(?![a-z0-9])")
    # (two triggers whose literal start is a prefix of the word they start at)
    texts = [p.read_text(encoding="utf-8") for p in SAMPLES] + [
        "High pretest probability of obstructive sleep apnea.", "Catheter placement was not possible, so ..."]
    for text in texts:
        lower = text.lower()
        for tok in clinical_text._TOKEN.finditer(lower):
            word = tok.group(0)
            if word in clinical_text._TRIGGER_FIRST_WORDS or word in "?\u00f8":
                a = whole.match(lower, tok.start())
                b = clinical_text._triggers_for(word).match(lower, tok.start())
                assert (a and (a.span(), a.lastgroup)) == (b and (b.span(), b.lastgroup)), lower[tok.start():][:40]
