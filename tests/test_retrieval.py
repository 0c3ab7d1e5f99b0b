"""Candidate retrieval: note mentions matched to real ICD-10-CM codes with context."""

from __future__ import annotations

import pytest

from medcoder_tui.codes.systems import System
from medcoder_tui.engines.diagnoses.retrieval import core_tokens, matcher_for, retrieve_candidates

NOTE = (
    "HPI: 58-year-old man with type 2 diabetes mellitus and high blood pressure presents with "
    "abdominal pain and vomiting. Denies fever or hematuria.\n"
    "Family history: mother with breast cancer.\n"
    "Exam: mucocutaneous pallor and splenomegaly. Blepharitis of the right upper eyelid.\n"
)


def by_code(cands):
    return {c.code: c for c in cands}


def test_core_tokens_drop_unspecified_axes_and_modifiers():
    assert core_tokens("Pneumonia, unspecified organism") == ("pneumonia",)
    assert core_tokens("Essential (primary) hypertension") == ("essential", "hypertension")
    assert core_tokens("Abnormal weight loss") == ("weight", "loss")          # qualifier a note leaves out
    assert core_tokens("Abnormal reflex") == ("abnormal", "reflex")          # ...unless it is all there is
    assert core_tokens("Urinary tract infection, site not specified") == ("urinary", "tract", "infection")
    assert core_tokens("Neoplasm of unspecified behavior of bladder") == ("neoplasm", "bladder")


def test_mentions_become_candidates_with_offsets(codesets):
    cands = retrieve_candidates(NOTE, codesets=codesets)
    found = by_code(cands)
    for code in ("E11.9", "R10.9", "R23.1", "R16.1"):
        assert code in found, code
        c = found[code]
        assert NOTE[c.start:c.end] == c.evidence_text
        assert c.system is System.ICD10CM and c.billable
    assert "pain" in found["R10.9"].evidence_text.lower()


def test_negated_and_family_mentions_rank_low_and_carry_context(codesets):
    found = by_code(retrieve_candidates(NOTE, codesets=codesets))
    assert "negated" in found["R50.9"].context
    assert "family" in found["C50.919"].context or any("family" in c.context for c in found.values()
                                                       if c.code.startswith("C50"))
    assert found["R50.9"].score < found["R16.1"].score


def test_specific_mention_dominates_the_general_one(codesets):
    found = by_code(retrieve_candidates("Abdominal pain since Monday.", codesets=codesets))
    assert not found["R10.9"].dominated
    assert "R52" not in found or found["R52"].dominated


def test_laterality_refines_unspecified_code(codesets):
    found = by_code(retrieve_candidates(NOTE, codesets=codesets))
    assert "H01.001" in found       # right upper eyelid, not the unspecified-eyelid code


def test_abbreviations_in_capitals(codesets):
    found = by_code(retrieve_candidates("PMH: HTN, COPD, CKD stage 4.", codesets=codesets))
    assert {"I10", "J44.9", "N18.4"} <= set(found)


def test_k_and_types(codesets):
    assert len(retrieve_candidates(NOTE, codesets=codesets, k=3)) == 3
    cpt = retrieve_candidates("Office visit for an established patient.", types={System.CPT}, codesets=codesets)
    assert all(c.system is System.CPT for c in cpt)


def test_empty_note(codesets):
    assert retrieve_candidates("", codesets=codesets) == []


def test_a_header_stands_for_its_plain_unspecified_code(codesets):
    from medcoder_tui.engines.offline import OfflineEngine
    from medcoder_tui.engines.diagnoses.retrieval import matcher_for

    m = matcher_for(codesets)
    # C50.A0 (malignant *inflammatory* neoplasm) sits higher in the tree than C50.919 but adds a concept
    assert m.default_billable("C50") == "C50.919"
    # an unspecified side before right or left when the tabular has one
    assert m.default_billable("S72.0") == "S72.009A"
    assert m.default_billable("M25.56") == "M25.569"
    # both sides are a side too: the unspecified ear, not bilateral
    assert m.default_billable("H66.9") == "H66.90" and m.default_billable("H10.3") == "H10.30"
    # plain defaults stay as they were
    assert m.default_billable("R51") == "R51.9"
    assert m.default_billable("E11") == "E11.9"
    assert m.default_billable("T14.8") == "T14.8XXA"
    # a group of diseases has no unspecified member: "Diseases of vocal cords and larynx, NEC" (J38) is not its
    # "Paralysis of vocal cords and larynx, unspecified"; "Disorders of optic nerve, NEC" not optic atrophy
    assert m.default_billable("J38") is None and m.default_billable("H47.0") is None
    got = OfflineEngine(codesets=codesets).suggest_sync("Breast cancer diagnosed by biopsy.", setting="outpatient")
    assert [s.code for s in got.suggestions] == ["C50.919"]


def test_non_words_that_name_the_index_default_need_not_be_said(codesets):
    from medcoder_tui.engines.offline import OfflineEngine

    engine = OfflineEngine(codesets=codesets)

    def coded(text):
        return [s.code for s in engine.suggest_sync(text, setting="outpatient").suggestions]

    assert coded("Severe aortic stenosis.") == ["I35.0"]          # nonrheumatic: the default
    assert coded("Moderate mitral regurgitation.") == ["I34.0"]
    assert coded("Rheumatic aortic stenosis.") == ["I06.0"]       # the other codes still need their word
    assert coded("Congenital aortic stenosis.") == ["Q23.0"]
    # "nondisplaced" is not such a word: an unstated fracture is coded displaced
    assert any(w.startswith("nondisplac") for w in core_tokens("Nondisplaced fracture of shaft of left femur"))


def test_a_default_adds_as_few_words_as_it_can_and_sites_are_not_names(codesets):
    from medcoder_tui.engines.diagnoses.retrieval import matcher_for, retrieve_candidates

    m = matcher_for(codesets)
    # "Tear of unspecified meniscus": the unspecified tear, not the bucket-handle one
    assert m.default_billable("S83.20") == "S83.209A"
    # "Contracture, ankle and foot" lists sites, not three names: "foot" alone is no contracture
    assert not [c for c in retrieve_candidates("Examined the left foot.", k=50, codesets=codesets)
                if c.code.startswith("M24.5") and c.origin == "mention"]


def test_every_code_the_term_tables_name_is_billable(codesets):
    # an entry with a mistyped or retired code would be dropped silently at index build
    from medcoder_tui.codes.status_terms import FAMILY_HISTORY_OF, HISTORY_OF, STATUS_TERMS
    from medcoder_tui.codes.index_terms import INDEX_TERMS

    named = {**INDEX_TERMS, **dict(HISTORY_OF), **dict(FAMILY_HISTORY_OF), **STATUS_TERMS}
    bad = {term: code for term, code in named.items() if not codesets.icd.is_billable(code)}
    assert not bad


def test_a_long_note_keeps_one_mention_per_kind_not_every_mention(codesets):
    """A 2 MB note has hundreds of thousands of mentions: a candidate keeps the count, the contexts
    seen and the best mention of each kind (context, dominated, section), not each mention."""
    lines = []
    for i in range(300):
        lines.append(f"Visit {i}: no hypertension today." if i % 3 == 0 else f"Visit {i}: hypertension noted.")
    note = "\n".join(lines) + "\n"
    cands = retrieve_candidates(note, codesets=codesets, k=50, order="score")
    i10 = next(c for c in cands if c.code == "I10")
    assert i10.mentions >= 300                      # every sentence (each code text that matched counts)
    assert len(i10.spans) <= 4                      # negated or plain, dominated or not
    assert {frozenset(ctx) for ctx in i10.all_contexts} == {frozenset(), frozenset({"negated"})}
    plain = [s for s in i10.spans if "negated" not in s[3] and not s[4]]
    assert plain and note[plain[0][1]:plain[0][2]].lower() == "hypertension"
    # the plain mention kept is the first one of the best score: visit 1
    assert plain[0][1] == note.index("Visit 1:") + len("Visit 1: ")


def test_an_injury_header_of_other_sites_stands_for_its_sided_initial_code(codesets):
    note = "Assessment: Sprain of L anterior talofibular ligament (grade II), initial encounter."
    codes = [c.code for c in retrieve_candidates(note, types={System.ICD10CM}, k=5, codesets=codesets)]
    assert codes[0] == "S93.492A", codes
    # outside injuries an "Other ..." leaf still never stands for its header
    from medcoder_tui.engines.diagnoses.retrieval import matcher_for

    assert matcher_for(codesets).default_billable("S93.49") == "S93.499A"
    assert matcher_for(codesets).default_billable("J10") is None


def test_the_candidate_list_offers_what_the_guideline_layer_adds(codesets):
    from medcoder_tui.engines.diagnoses.retrieval import candidate_pool

    note = ("HPI: dry cough since lisinopril was started; taking it as prescribed. Rapid influenza A "
            "positive.\nAssessment: 1. Cough, adverse effect of lisinopril. 2. Influenza with cough.")
    pool, _ = candidate_pool(note, types={System.ICD10CM}, codesets=codesets)
    codes = {c.code for c in pool}
    assert "T46.4X5A" in codes            # the adverse effect of an ACE inhibitor
    assert "J10.1" in codes and "J11.1" in codes


def test_hemiplegia_side_and_dominance_from_the_words_or_the_guideline_default(codesets):
    def top(text):
        return retrieve_candidates(text, types={System.ICD10CM}, k=1, codesets=codesets)[0].code

    # "Hemiplegia and hemiparesis following ...": either name is enough; "non-dominant" is a side word
    assert top("Hemiplegia following cerebral infarction affecting left non-dominant side.") == "I69.354"
    assert top("Hemiparesis following cerebral infarction affecting left dominant side.") == "I69.352"
    # I.C.6.a: no dominance documented -> the right side is dominant, the left non-dominant
    assert top("Left hemiparesis.") == "G81.94"
    assert top("Right hemiplegia.") == "G81.91"


def test_the_candidate_list_offers_the_specific_code_the_sentence_documents(codesets):
    """A matched code the note's own words make specific (drug, intent) brings its specific code."""
    from medcoder_tui.engines.diagnoses.ranking import recall_order
    from medcoder_tui.engines.diagnoses.retrieval import candidate_pool

    note = "Assessment: Intentional overdose of acetaminophen (suicide attempt)."
    pool, words = candidate_pool(note, types={System.ICD10CM}, codesets=codesets)
    ranked = [c.code for c in recall_order(pool, words)]
    assert "T50.901A" in ranked                     # what the words matched: unspecified drug, accidental
    assert "T39.1X2A" in ranked[:50]                # 4-aminophenol derivatives (acetaminophen), self-harm
    negated, _ = candidate_pool("Denies intentional overdose of acetaminophen.", types={System.ICD10CM},
                                codesets=codesets)
    assert "T39.1X2A" not in {c.code for c in negated}


def test_an_identifier_names_no_condition(codesets):
    from medcoder_tui.engines.diagnoses.retrieval import candidate_pool

    note = "DOS 10/06/2026 | MRN DM-TEST-4112 | 19 yo F\nA: Acne vulgaris. COVID-19 infection."
    pool, _ = candidate_pool(note, types={System.ICD10CM}, codesets=codesets)
    assert not [c.code for c in pool if c.code.startswith(("E10", "E11")) and c.origin == "mention"]
    assert "U07.1" in {c.code for c in pool}                     # COVID-19 is no identifier
    pool, _ = candidate_pool(note.replace("infection.", "infection. DM2, stable."), types={System.ICD10CM},
                             codesets=codesets)
    assert [c.code for c in pool if c.code.startswith("E11") and c.origin == "mention"]


@pytest.mark.parametrize(("note", "code"), [
    ("A: abscess of right axilla.", "L02.411"),        # Index: Abscess, axilla: L02.41- (no 'cutaneous' said)
    ("A: right axillary abscess.", "L02.411"),
    ("A: left gluteal abscess.", "L02.31"),
])
def test_an_abscess_by_its_site_without_the_tabulars_cutaneous(codesets, note, code):
    from medcoder_tui.engines.offline import OfflineEngine

    got = {s.code for s in OfflineEngine(codesets=codesets).suggest_sync(note, {System.ICD10CM}, "outpatient")
           .suggestions if s.reportable}
    assert code in got, sorted(got)


def test_broken_with_a_tool_is_no_fracture(codesets):
    from medcoder_tui.engines.offline import OfflineEngine

    note = "Procedure: I&D. Loculations broken with a curved hemostat.\nA: Abscess of left axilla."
    got = {s.code for s in OfflineEngine(codesets=codesets).suggest_sync(note, {System.ICD10CM}, "outpatient")
           .suggestions if s.reportable}
    assert not any(c.startswith(("T14", "S")) for c in got), sorted(got)
    fx = OfflineEngine(codesets=codesets).suggest_sync("A: broken left wrist after a fall.", {System.ICD10CM}, "ed")
    assert any(s.code.startswith("S62") for s in fx.suggestions if s.reportable)


def _reported(codesets, note, setting="outpatient"):
    """The codes the offline engine reports for ``note``."""
    from medcoder_tui.engines.offline import OfflineEngine

    result = OfflineEngine(codesets=codesets).suggest_sync(note, {System.ICD10CM}, setting)
    return {s.code for s in result.suggestions if s.reportable}


def test_a_radiation_courses_fractions_are_no_fracture(codesets):
    got = _reported(codesets, "Dx: SCC of R tonsil, p16+ - chemoRT 70 Gy/35 fx, completed 03/2026; palliative SBRT "
                              "30 Gy in 5 fx to a lung nodule 06/2026.\nA: No evidence of recurrence on PET.")
    assert not any(c.startswith(("T14", "S")) for c in got), sorted(got)
    assert any(c.startswith("S92") for c in _reported(codesets, "A: L 5th metatarsal fx after a fall off a curb.", "ed"))


def test_words_that_only_name_a_body_part_are_no_disease_of_it(codesets):
    got = _reported(codesets, "Has a spinal cord stimulator for failed back surgery syndrome. Brachial plexus block "
                              "placed by anesthesia. MRI: pituitary gland normal in size.")
    assert not {"G95.9", "G54.0", "E23.7"} & got, sorted(got)
    named = _reported(codesets, "A: spinal cord disease of unclear cause; left brachial plexus disorder.")
    assert {"G95.9", "G54.0"} <= named


def test_a_service_or_an_alert_named_by_a_condition_is_no_diagnosis(codesets):
    note = ("ED course: code stroke called on arrival, stroke team at bedside; CT/CTA negative. Sepsis alert not met.\n"
            "Plan: present at ILD conference; follow up in COPD clinic and the CHF clinic.\n"
            "A: Complicated migraine with aura.")
    got = _reported(codesets, note, "ed")
    assert not any(c.startswith(("I63", "J84", "J44", "I50", "A41")) for c in got), sorted(got)
    assert "J44.1" in _reported(codesets, "A: COPD with acute exacerbation - COPD clinic in 2 weeks.", "ed")


def test_a_pacemakers_right_atrial_lead_is_no_rheumatoid_arthritis(codesets):
    got = _reported(codesets, "Device interrogation: RA lead impedance 450 ohms, sensing 2.8 mV; RV lead threshold "
                              "0.5 V. RA pacing 8%, RV pacing <1%.\nA: Sick sinus syndrome, dual-chamber pacemaker "
                              "functioning normally.")
    assert not any(c.startswith(("M05", "M06")) for c in got), sorted(got)
    ra = _reported(codesets, "A: RA, seropositive - continue methotrexate.")
    assert any(c.startswith(("M05", "M06")) for c in ra)


def test_a_burn_of_one_named_finger_is_the_single_finger_code(codesets):
    # "Burn of first degree of single right finger (nail) except thumb": a note names the finger, never "except thumb"
    assert "T23.121A" in _reported(codesets, "A: 1st degree burn R index finger from a curling iron.", "ed")
    assert "T23.222A" in _reported(codesets, "A: Second-degree burn of the left ring finger.", "ed")
    # the named finger's own codes stay
    assert any(c.startswith("S62.6") for c in _reported(codesets, "A: Fracture of the right index finger proximal "
                                                                  "phalanx.", "ed"))


def test_falling_asleep_is_no_fall(codesets):
    from medcoder_tui.engines.offline import OfflineEngine

    eng = OfflineEngine(codesets=codesets)
    note = "S: Sleep poor: difficulty falling asleep 3-4 nights a week. Fell asleep at her desk once."
    got = {s.code for s in eng.suggest_sync(note, {System.ICD10CM}, "outpatient").suggestions if s.reportable}
    assert "R29.6" not in got and not any(c.startswith("W") for c in got), sorted(got)
    falls = eng.suggest_sync("S: She has been falling at home every week.", {System.ICD10CM}, "outpatient")
    assert "R29.6" in {s.code for s in falls.suggestions if s.reportable}


@pytest.mark.parametrize(("note", "code"), [
    ("A: Stage 2 pressure ulcer of sacrum.", "L89.152"),          # the site names it, not "region"
    ("A: sacral decubitus ulcer, stage 3.", "L89.153"),           # Index: Decubitus (ulcer) - see Ulcer, pressure
    ("A: Pressure injury of the left heel, stage 2.", "L89.622"),  # Index: Injury, pressure - see Ulcer, pressure
])
def test_a_pressure_ulcer_by_its_site_and_stage(codesets, note, code):
    from medcoder_tui.engines.offline import OfflineEngine

    got = {s.code for s in OfflineEngine(codesets=codesets).suggest_sync(note, {System.ICD10CM}, "inpatient")
           .suggestions if s.reportable}
    assert code in got, sorted(got)
    lying = OfflineEngine(codesets=codesets).suggest_sync("Placed in left lateral decubitus position.",
                                                         {System.ICD10CM}, "inpatient")
    assert not any(s.code.startswith("L89") for s in lying.suggestions)


@pytest.mark.parametrize("note", ["A: Allergic contact dermatitis due to poison ivy, both forearms.",
                                  "A: poison ivy rash on legs.", "A: Contact dermatitis from poison oak."])
def test_poison_ivy_is_the_indexs_plant_dermatitis(codesets, note):
    from medcoder_tui.engines.offline import OfflineEngine

    got = {s.code for s in OfflineEngine(codesets=codesets).suggest_sync(note, {System.ICD10CM}, "outpatient")
           .suggestions if s.reportable}
    assert got == {"L23.7"}, sorted(got)


def test_a_word_the_code_texts_hyphenate_matches_written_as_one(codesets):
    """'Gastroesophageal' in the note, 'Gastro-esophageal' in K21.9's title; 'non-' stays joined."""
    note = "A/P: 1. Gastroesophageal reflux disease without esophagitis - start omeprazole."
    got = [c.code for c in retrieve_candidates(note, codesets=codesets, order="score")]
    assert "K21.9" in got[:3], got[:10]
    compounds = matcher_for(codesets).compounds
    assert compounds["gastroesophageal"] == ("gastro", "esophageal") and "nonpressure" not in compounds


def test_the_prompt_candidates_hold_the_codes_the_guideline_layer_reads_from_tables(codesets):
    note = ("Meds: leuprolide depot 3.75 mg IM q4wk; clopidogrel 75 mg daily.\n"
            "Diagnoses:\n1. Accidental clonidine poisoning, initial encounter.\n"
            "2. Melanoma of the L upper back with L axillary sentinel node metastasis.\n"
            "3. Immune-related colitis due to pembrolizumab given as prescribed.\n"
            "Place: bedroom of grandmother's apartment.")
    top = {c.code for c in retrieve_candidates(note, k=50, codesets=codesets)}
    assert {"Z79.818", "Z79.02", "T46.5X1A", "Y92.032", "C43.59", "C77.3", "K52.1", "T45.AX5A"} <= top, sorted(top)


def test_an_infarctions_nihss_score_and_a_thrombolytic_given_elsewhere_are_offered(codesets):
    note = ("HPI: L MCA stroke; NIHSS 8 on arrival. Alteplase given at the outside hospital before transfer.\n"
            "Assessment: 1. Acute ischemic stroke due to embolism of the left middle cerebral artery.")
    top = {c.code for c in retrieve_candidates(note, k=50, codesets=codesets)}
    assert {"R29.708", "Z92.82"} <= top, sorted(top)


def test_a_condition_in_a_wide_gap_of_a_longer_match_is_a_mention_of_its_own(codesets):
    # "left" (of the lobe) and "kidney injury" gather into a left-kidney injury reading whose span holds
    # "pneumonia": the pneumonia is still a mention, not a word of that reading
    note = "Assessment and Plan:\n1. Sepsis due to left lower lobe pneumonia with acute kidney injury - ceftriaxone."
    cands = by_code(retrieve_candidates(note, types={System.ICD10CM}, k=50, codesets=codesets))
    assert "J18.9" in cands and not cands["J18.9"].dominated
