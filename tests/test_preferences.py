"""Preferences learned from coder decisions replayed into a real store, applied, and written as rules."""

from __future__ import annotations

import pytest
from preferences_support import icd, review, write_notes

from medcoder_tui.codes.systems import System
from medcoder_tui.engines.models import Flag, SuggestionResult
from medcoder_tui.preferences import (
    Preferences,
    RuleError,
    Thresholds,
    apply_detailed,
    apply_preferences,
    learn_from_store,
    parse_rules,
    prompt_block,
)
from medcoder_tui.preferences.prompt import estimate_tokens
from medcoder_tui.store import FinalCode, Store


@pytest.fixture
def reviewed(tmp_path, codesets):
    """15 cases: R10.9 replaced by R10.31 in 14 (kept once), R51.9 always rejected, I10 always kept."""
    store = Store(tmp_path / "store.json")
    notes = write_notes(tmp_path / "notes", [f"Abdominal pain and headache, visit {i}. Hypertension."
                                             for i in range(15)])
    for i, note in enumerate(notes):
        result = SuggestionResult(engine="offline", suggestions=[icd("R10.9", codesets), icd("R51.9", codesets),
                                                                 icd("I10", codesets)])
        review(store, note, result, replace={} if i == 0 else {"R10.9": "R10.31"}, reject={"R51.9"})
    return store


def test_counts_per_code_and_engine_from_the_audit_trail(reviewed):
    prefs = learn_from_store(reviewed)
    assert prefs.cases_learned == 15 and len(prefs.examples) == 15
    by_key = {s.key: s for s in prefs.pooled()}
    r109 = by_key["icd10cm:R10.9"]
    assert (r109.accepted, r109.rejected, r109.replaced, r109.decided) == (1, 0, 14, 15)
    assert r109.top_replacement() == ("icd10cm:R10.31", 14)
    assert (by_key["icd10cm:R51.9"].rejected, by_key["icd10cm:I10"].accepted) == (15, 15)
    per_engine = prefs.stat_for("icd10cm:R10.9", "offline", "outpatient")
    assert (per_engine.engine, per_engine.setting, per_engine.replaced) == ("offline", "outpatient", 14)


def test_undone_decisions_teach_nothing_and_reject_plus_manual_add_is_a_replacement(tmp_path, codesets):
    store = Store(tmp_path / "store.json")
    note = write_notes(tmp_path / "notes", ["Abdominal pain and headache."])[0]
    result = SuggestionResult(engine="offline", suggestions=[icd("R10.9", codesets), icd("R51.9", codesets)])
    case_id = review(store, note, result, reject={"R10.9"}, complete=False)
    store.add_manual(case_id, FinalCode(code="R10.31", system=System.ICD10CM))
    store.undo(case_id)   # takes back nothing of R51.9: undoes the manual add
    store.add_manual(case_id, FinalCode(code="R10.32", system=System.ICD10CM))
    stats = {s.key: s for s in learn_from_store(store).pooled()}
    assert stats["icd10cm:R10.9"].replacements == {"icd10cm:R10.32": 1}
    assert stats["icd10cm:R10.9"].rejected == 0
    assert stats["icd10cm:R51.9"].accepted == 1


def test_preferences_swap_hide_and_rescore_with_the_reason_shown(reviewed, codesets):
    prefs = learn_from_store(reviewed)
    before = [icd("R10.9", codesets), icd("R51.9", codesets), icd("I10", codesets, confidence=0.7)]
    applied = apply_detailed(before, engine="offline", setting="outpatient", prefs=prefs, codesets=codesets)
    codes = [s.code for s in applied.suggestions]
    assert codes == ["R10.31", "I10"]
    swapped = applied.suggestions[0]
    reason = "your team chose R10.31 over R10.9 in 14/15 cases (offline, outpatient)"
    assert swapped.acceptable and Flag.PREFERENCE in swapped.flags and reason in swapped.messages
    assert swapped.description == codesets.describe("R10.31")
    assert swapped.alternatives[0].code == "R10.9" and reason in swapped.alternatives[0].reason
    assert [h.code for h in applied.hidden] == ["R51.9"]
    assert "rejected R51.9 in 15/15" in applied.hidden[0].reason
    assert applied.suggestions[1].confidence == pytest.approx(0.8)
    assert before[0].code == "R10.9" and not before[0].messages   # the engine's objects are untouched


def test_other_engines_and_thin_evidence_fall_back_or_do_nothing(reviewed, codesets):
    prefs = learn_from_store(reviewed)
    # another engine has no figures of its own: the pooled ones apply, without an engine scope
    out = apply_preferences([icd("R10.9", codesets)], engine="ollama/llama3.1:8b", setting="inpatient",
                            prefs=prefs, codesets=codesets)
    assert out[0].code == "R10.31" and "in 14/15 cases" in out[0].messages[0]
    thin = Preferences(stats=prefs.stats, thresholds=Thresholds(min_support=50))
    offered = apply_preferences([icd("R10.9", codesets)], engine="offline", setting="outpatient", prefs=thin,
                                codesets=codesets)
    assert offered[0].code == "R10.9" and [a.code for a in offered[0].alternatives] == ["R10.31"]
    strict = Preferences(stats=prefs.stats, thresholds=Thresholds(min_support=50, alternative_min=50))
    same = apply_preferences([icd("R10.9", codesets)], engine="offline", setting="outpatient", prefs=strict,
                             codesets=codesets)
    assert same[0].code == "R10.9" and Flag.PREFERENCE not in same[0].flags and not same[0].messages


def test_a_usual_replacement_below_the_swap_threshold_is_offered_as_an_alternative(tmp_path, codesets):
    store = Store(tmp_path / "store.json")
    notes = write_notes(tmp_path / "n", [f"Abdominal pain {i}." for i in range(5)])
    for i, note in enumerate(notes):   # kept 3 times, replaced by R10.31 twice
        review(store, note, SuggestionResult(engine="offline", suggestions=[icd("R10.9", codesets)]),
               replace={"R10.9": "R10.31"} if i < 2 else {})
    out = apply_preferences([icd("R10.9", codesets)], engine="offline", setting="outpatient",
                            prefs=learn_from_store(store), codesets=codesets)
    assert out[0].code == "R10.9"
    assert out[0].alternatives[0].code == "R10.31"
    assert out[0].alternatives[0].reason == "your team chose R10.31 over R10.9 in 2/5 cases (offline, outpatient)"


RULES = '''# lead coder's rules
[[rule]]
never = "R51"
setting = ["outpatient", "ed"]
reason = "headache is integral here"

[[rule]]
prefer = "R10.31"
over = "R10.9"
'''


def test_written_rules_hide_and_prefer_with_their_source_line(codesets):
    rules, thresholds = parse_rules(RULES, where="/cfg/preferences.toml", codesets=codesets)
    assert [(r.kind, r.code, r.over, r.settings) for r in rules] == [
        ("never", "R51", "", ["outpatient", "ed"]), ("prefer", "R10.31", "R10.9", [])]
    prefs = Preferences(rules=rules, thresholds=thresholds)
    applied = apply_detailed([icd("R10.9", codesets), icd("R51.9", codesets)], engine="offline",
                             setting="outpatient", prefs=prefs, codesets=codesets)
    assert [s.code for s in applied.suggestions] == ["R10.31"]
    assert applied.suggestions[0].messages == ["rule /cfg/preferences.toml:7 (code R10.31 instead of R10.9)"]
    assert applied.hidden[0].reason.startswith("rule /cfg/preferences.toml:2 (never code R51 in outpatient/ed)")
    inpatient = apply_preferences([icd("R51.9", codesets)], engine="offline", setting="inpatient", prefs=prefs,
                                  codesets=codesets)
    assert [s.code for s in inpatient] == ["R51.9"]


@pytest.mark.parametrize("text, where", [
    ('[[rule]]\nnever = R69\n', "preferences.toml:2: not valid TOML"),
    ('[[rule]]\nnever = "R69"\n\n[[rule]]\nprefer = "Q99.99"\nover = "R10.9"\n', "preferences.toml:5: Q99.99 is not"),
    ('[[rule]]\nprefer = "R10.3"\nover = "R10.9"\n', "preferences.toml:2: R10.3 is a header"),
    ('[[rule]]\nnever = "R69"\nsettting = "ed"\n', "preferences.toml:3: unknown key 'settting'"),
    ('[[rule]]\nnever = "R69"\nsetting = "office"\n', "preferences.toml:3: unknown setting 'office'"),
    ('[[rule]]\nprefer = "R10.31"\n', "preferences.toml:2: a prefer rule needs over"),
    ('[thresholds]\nmin_support = 0\n', "preferences.toml:1: thresholds.min_support"),
])
def test_bad_rules_are_reported_with_file_and_line(text, where, codesets):
    with pytest.raises(RuleError) as err:
        parse_rules(text, where="preferences.toml", codesets=codesets)
    assert str(err.value).startswith(where)


def test_prompt_block_lists_preferences_and_similar_cases_within_budget(reviewed, tmp_path, codesets):
    prefs = learn_from_store(reviewed)
    prefs.examples[3:] = []   # keep three examples; make one of them clearly the most similar
    special = tmp_path / "notes" / "note01.txt"
    special.write_text("Right lower quadrant abdominal pain, rebound tenderness, appendicitis ruled out.\n")
    note = "Abdominal pain in the right lower quadrant with rebound tenderness. Headache."
    block = prompt_block(note, prefs, token_budget=600, engine="offline", setting="outpatient")
    assert "code R10.31 rather than R10.9" in block and "14/15 cases" in block
    assert "avoid R51.9" in block
    assert block.index("rebound tenderness, appendicitis") < block.index('<example n="2"')
    assert "R10.31 (ICD-10-CM) Right lower quadrant pain" in block
    assert estimate_tokens(block) <= 600
    small = prompt_block(note, prefs, token_budget=150)
    assert estimate_tokens(small) <= 150 and "<example" not in small
    assert prompt_block(note, Preferences()) == ""
