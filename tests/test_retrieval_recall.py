"""Recall mechanisms of the prompt's candidate list: each pinned on a small synthetic note.

These guard the general mechanisms (not figures on any corpus): a title naming two
findings matches either one, British spellings, index defaults for bare main
terms, history codes for past conditions, relatives of a found code, the order
that keeps whole mentions first and the cap per stretch of words.
"""

from __future__ import annotations

from medcoder_tui.engines.offline import OfflineEngine
from medcoder_tui.engines.retrieval import PER_SPAN, retrieve_candidates


def codes(note, codesets, k=50):
    return [c.code for c in retrieve_candidates(note, k=k, codesets=codesets)]


def test_either_name_of_a_two_finding_title_is_a_mention(codesets):
    # "Syncope and collapse", "Dizziness and giddiness": the note names one of the two
    cands = {c.code: c for c in retrieve_candidates("She had an episode of syncope and reported dizziness.",
                                                    codesets=codesets)}
    assert cands["R55"].origin == "mention"
    assert cands["R42"].origin == "mention"


def test_british_spelling_matches_the_american_code_text(codesets):
    found = codes("Laboratory tests showed hyperuricaemia and a haemorrhage in the oesophagus.", codesets)
    assert "E79.0" in found[:5]
    assert "K22.89" in found[:5]     # hemorrhage of esophagus


def test_bare_main_terms_take_the_index_default(codesets):
    found = codes("Serology was positive for hepatitis C. Tuberculosis was ruled in.", codesets)
    assert "B19.20" in found[:5]
    assert "A15.9" in found[:5]


def test_a_past_condition_brings_its_history_code_near_the_top(codesets):
    cands = retrieve_candidates("Past medical history: breast cancer treated 10 years ago.", codesets=codesets)
    top = [c.code for c in cands[:6]]
    assert "Z85.3" in top
    hist = next(c for c in cands if c.code == "Z85.3")
    assert hist.dominated    # for the model to weigh; the offline engine does not propose it on its own
    # a present cancer is not a history
    assert "Z85.3" not in codes("Breast cancer diagnosed this week by biopsy.", codesets)


def test_laterality_variants_of_a_found_code_are_offered(codesets):
    # the note does not say the side: the unspecified code leads, and the model may still pick a side
    found = codes("Malignant neoplasm of ureter found on CT.", codesets)
    assert "C66.9" in found
    assert {"C66.1", "C66.2"} <= set(found)


def test_whole_mentions_come_before_partial_and_related_codes(codesets):
    cands = retrieve_candidates("Abdominal pain and vomiting. Splenomegaly on exam.", k=40, codesets=codesets)
    tiers = [c.origin in ("mention", "inside", "history") for c in cands]
    # once the list leaves the whole mentions it never returns to them
    assert tiers == sorted(tiers, reverse=True)
    assert tiers[0]


def test_one_stretch_of_words_does_not_fill_the_tail(codesets):
    note = ("Neoplasm of the bone. Fever for two days. Cough and dyspnea. Nausea. Headache. "
            "Pain in the left knee. Swelling of the right ankle.")
    cands = retrieve_candidates(note, k=1000, codesets=codesets)
    spans = [(c.start, c.end) for c in cands if c.origin in ("partial", "related")]
    per_span = {s: spans.count(s) for s in set(spans)}
    assert PER_SPAN <= 6      # "a few variants per stretch", not a cap that never bites
    assert len(per_span) > 1 and max(per_span.values()) > PER_SPAN   # the cap has work to do here
    # until every stretch has had its few places, no stretch holds more than PER_SPAN of them
    first = spans[: sum(min(n, PER_SPAN) for n in per_span.values())]
    assert max(first.count(s) for s in set(first)) <= PER_SPAN


def test_the_offline_engine_codes_only_whole_mentions(codesets):
    # history codes, partial matches and relatives are for the prompt: the offline engine's picks
    # come from whole mentions only, so widening the list cannot make it pick worse
    note = "Assessment: acute cystitis. History of breast cancer. Malignant neoplasm of ureter."
    result = OfflineEngine(codesets=codesets).suggest_sync(note, setting="outpatient")
    got = {s.code for s in result.suggestions}
    assert "N30.00" in got
    mentions = {c.code for c in retrieve_candidates(note, k=200, codesets=codesets) if c.origin == "mention"}
    assert got <= mentions
    assert "Z85.3" in codes(note, codesets)


def test_named_drugs_and_procedures_bring_their_status_codes(codesets):
    note = ("Past history: hysterectomy in 2001. Treatment: metformin 850 mg and insulin glargine. "
            "No anticoagulants.")
    cands = {c.code: c for c in retrieve_candidates(note, codesets=codesets)}
    for code in ("Z90.710", "Z79.84", "Z79.4"):
        assert code in cands, code
        assert cands[code].dominated and note[cands[code].start:cands[code].end].lower() in note.lower()
    # a negated drug is no long-term use (the code text may still match the word in part)
    assert "Z79.01" not in cands or cands["Z79.01"].origin != "status"
    offline = OfflineEngine(codesets=codesets).suggest_sync(note, setting="outpatient")
    assert not {s.code for s in offline.suggestions} & {"Z90.710", "Z79.84", "Z79.4"}
