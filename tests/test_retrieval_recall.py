"""Recall mechanisms of the prompt's candidate list: each pinned on a small synthetic note.

These guard the general mechanisms (not figures on any corpus): a title naming two
findings matches either one, British spellings, index defaults for bare main
terms, history codes for past conditions, relatives of a found code, the order
that keeps whole mentions first and the cap per stretch of words.
"""

from __future__ import annotations

import pytest

from medcoder_tui.engines.offline import OfflineEngine
from medcoder_tui.engines.diagnoses.retrieval import PER_SPAN, retrieve_candidates


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
    spans = [(c.start, c.end) for c in cands if c.origin in ("partial", "related", "category")]
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
    # the guideline layer may put a history code in place of a whole mention ("History of breast
    # cancer": C50.919 -> Z85.3); what the engine picked is still a whole mention
    assert {s.original_code or s.code for s in result.suggestions} <= mentions
    assert "Z85.3" in got and "Z85.3" in codes(note, codesets)


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


def test_a_default_code_brings_its_category_for_the_prompt(codesets):
    # "headache" matches R51.9 (Headache, unspecified); the category R51 follows it so a model
    # (or a coder) sees the family, but it is not billable and never proposed offline
    note = "She reports a headache since yesterday."
    cands = retrieve_candidates(note, k=50, codesets=codesets)
    by_code = {c.code: c for c in cands}
    assert by_code["R51.9"].origin == "mention"
    cat = by_code["R51"]
    assert cat.origin == "category" and not cat.billable and cat.dominated
    assert note[cat.start:cat.end] == "headache"
    assert [c.code for c in cands].index("R51.9") < [c.code for c in cands].index("R51")
    offline = {s.code for s in OfflineEngine(codesets=codesets).suggest_sync(note, setting="outpatient").suggestions}
    assert "R51.9" in offline and "R51" not in offline


def test_score_order_is_only_what_the_words_matched(codesets):
    note = "Headache and low back pain. History of breast cancer."
    by_score = retrieve_candidates(note, k=500, codesets=codesets, order="score")
    assert {c.origin for c in by_score} <= {"mention", "inside", "history", "status", "partial"}
    tiers = [c.origin in ("mention", "inside", "history", "status") for c in by_score]
    assert tiers == sorted(tiers, reverse=True)
    recall = retrieve_candidates(note, k=500, codesets=codesets)
    assert {c.origin for c in recall} >= {"related", "category"}
    assert {c.code for c in by_score} <= {c.code for c in recall}


def test_an_unknown_order_is_refused(codesets):
    import pytest

    with pytest.raises(ValueError, match="unknown order"):
        retrieve_candidates("Headache.", codesets=codesets, order="alphabetical")


def test_a_documented_bmi_names_its_z68_code(codesets):
    from medcoder_tui.engines.diagnoses.retrieval import bmi_code

    assert [bmi_code(v) for v in (18.2, 20.0, 27.5, 39.9, 40.0, 47.0, 52.0, 65.0, 71.0)] == [
        "Z68.1", "Z68.20", "Z68.27", "Z68.39", "Z68.41", "Z68.42", "Z68.43", "Z68.44", "Z68.45"]
    assert bmi_code(4.0) is None and bmi_code(140.0) is None
    note = "Weight 52 kg, BMI of 18.2. Her sister's BMI is at the 90th percentile."
    z68 = [c for c in retrieve_candidates(note, k=200, codesets=codesets) if c.code.startswith("Z68")]
    # the value names one code: no siblings that only share the words "body mass index"
    assert [c.code for c in z68] == ["Z68.1"]
    assert z68[0].evidence_text == "BMI of 18.2" and z68[0].origin == "status"
    # a status code is for the prompt and the coder; the offline engine does not propose it alone
    offline = OfflineEngine(codesets=codesets).suggest_sync(note, setting="outpatient")
    assert "Z68.1" not in {s.code for s in offline.suggestions}


def test_a_bmi_given_as_a_percentile_is_not_read_as_an_adult_value(codesets):
    note = "Pediatric visit: BMI 97th percentile for age."
    assert not [c for c in retrieve_candidates(note, k=200, codesets=codesets) if c.code.startswith("Z68.")
                and c.origin == "status"]


def test_siteless_neoplasm_codes_give_way_once_the_site_is_named(codesets):
    sited = codes("Transitional cell carcinoma of the bladder was diagnosed.", codesets, k=60)
    assert sited[0] == "C67.9"
    assert sited.index("C80.1") > 10 and sited.index("D49.9") > 10
    # with no site named they are the right codes and lead
    unsited = codes("Biopsy showed a malignant neoplasm; the primary site is unknown.", codesets, k=5)
    assert unsited[0] == "C80.1"


def test_any_name_of_a_three_name_title_is_a_mention(codesets):
    # "Localized swelling, mass and lump, neck"; "Intra-abdominal and pelvic swelling, mass and lump, ..."
    for note, code in (("A painless mass in the neck.", "R22.1"), ("Swelling of the left upper limb.", "R22.32"),
                       ("Abdominal mass on palpation.", "R19.00"), ("A pelvic lump was felt.", "R19.00")):
        cands = {c.code: c for c in retrieve_candidates(note, k=20, codesets=codesets)}
        assert code in cands and cands[code].origin == "mention", (note, code)


def test_the_other_part_of_speech_of_a_code_word_matches(codesets):
    # notes say "loss of vision", "splenic infarcts", "hyperopic"; code texts say "visual loss",
    # "infarction of spleen", "hypermetropia"
    for note, code in (("Sudden painless loss of vision.", "H53.139"), ("Several splenic infarcts.", "D73.5"),
                       ("A hyperopic patient.", "H52.00"), ("Severe protein-caloric malnutrition.", "E43")):
        cands = {c.code: c for c in retrieve_candidates(note, k=20, codesets=codesets)}
        assert code in cands and cands[code].origin == "mention", (note, code, list(cands)[:5])


def test_index_entries_the_tabular_wording_hides(codesets):
    # "Obesity, morbid E66.01" although the title adds "due to excess calories"; "Candidiasis, mouth B37.0"
    engine = OfflineEngine(codesets=codesets)
    for note, code in (("Morbid obesity.", "E66.01"), ("Morbidly obese patient.", "E66.01"),
                       ("Oral candidiasis.", "B37.0"), ("Esophageal candidiasis on endoscopy.", "B37.81")):
        assert [s.code for s in engine.suggest_sync(note, setting="outpatient").suggestions] == [code], note
    assert [s.code for s in engine.suggest_sync("Obesity.", setting="outpatient").suggestions] == ["E66.9"]


def test_a_relatives_condition_brings_its_family_history_code(codesets):
    engine = OfflineEngine(codesets=codesets)

    def coded(note):
        return [s.code for s in engine.suggest_sync(note, setting="outpatient").suggestions]

    # Z80.0 (digestive organs), not the vaguer Z80.9 the words "family history ... cancer" also match
    assert coded("Family history of colorectal cancer.") == ["Z80.0"]
    assert coded("Family history of colon cancer in father (age 60).") == ["Z80.0"]
    cands = {c.code: c for c in retrieve_candidates("FHx: mother with breast cancer, father with type 2 diabetes.",
                                                    codesets=codesets)}
    assert {"Z80.3", "Z83.3"} <= set(cands)
    assert "family" in cands["E11.9"].context      # the relative's diabetes itself stays marked
    assert coded("No family history of colon cancer.") == []
    assert "Z80.0" not in codes("Colon cancer diagnosed in 2019.", codesets)


@pytest.mark.parametrize(("note", "expected"), [
    ("OB: 24 yo G1P0 at 10w2d, here for routine prenatal care. Single IUP.", "Z34.01"),
    ("L&D: 28 yo G2P1 at 39w3d. Spontaneous vaginal delivery of a single live-born male.", "Z37.0"),
    ("Final Dx: probable unstable angina; CAD of native coronaries.", "I25.110"),
    ("Impression: SCC in situ, R dorsal forearm.", "D04.61"),
    ("A/P: HTN, controlled. CKD stage 3a, stable.", "I12.9"),
    ("Medicare. PCV20 0.5 mL IM given today.", "Z23"),
])
def test_the_prompt_is_offered_the_codes_the_guidelines_add(codesets, note, expected):
    assert expected in {c.code for c in retrieve_candidates(note, k=50, codesets=codesets)}


@pytest.mark.parametrize(("note", "wanted"), [
    ("Assessment: L breast IDC, upper-outer quadrant; ER positive, PR negative, HER2 negative. "
     "Plan: recheck in 1 week.", {"Z17.0", "Z17.22", "Z17.32"}),
    ("Assessment: T2DM with R plantar forefoot ulcer, fat layer exposed.", {"L97.512", "E11.621"}),
    ("HPI: ran out of furosemide a week ago. Assessment: acute on chronic systolic heart failure.", {"T50.1X6A"}),
    ("52 yo F. Exam: BMI 33.4.\nAssessment: Obesity, class 1 - diet counselling.", {"Z68.33"}),
    ("PREOPERATIVE EVALUATION\nAssessment: primary osteoarthritis, right knee; medically optimized for surgery.",
     {"Z01.818"}),
    ("Assessment: Type 2 diabetes; hypoglycemia episodes after skipping meals.", {"E11.649"}),
    ("Assessment: Scald burn of right forearm, second degree, about 2% TBSA.", {"T31.0"}),
    ("Assessment: Alzheimer's disease with dementia, moderate, with agitation.", {"F02.B11"}),
])
def test_the_prompt_candidates_hold_the_guideline_layers_readings(codesets, note, wanted):
    got = set(codes(note, codesets))
    assert wanted <= got, sorted(wanted - got)


def test_the_guideline_layers_new_readings_are_offered_to_the_model(codesets):
    """What the guideline layer adds (a screening encounter, a stent status, a stone with its hydronephrosis, a
    pregnant patient's GBS carrier state) is in the prompt's candidate list too."""
    assert "Z12.11" in codes("GI - COLONOSCOPY REPORT\nIndication: Screening colonoscopy.\nFindings: normal.\n",
                             codesets)
    assert "Z95.5" in codes("Assessment: 3. CAD s/p DES (09/2025), on long-term clopidogrel.\n", codesets)
    assert "N13.2" in codes("DIAGNOSES:\n1. Obstructing R proximal ureteral calculus with mild R hydronephrosis.\n",
                            codesets)
    assert "O99.824" in codes("G2P1102. Spontaneous vaginal delivery at 35w2d.\nDiagnoses: GBS carrier - adequate "
                              "intrapartum prophylaxis.\n", codesets)
