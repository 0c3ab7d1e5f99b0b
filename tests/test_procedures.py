"""Offline CPT/HCPCS suggestions: called directly and sent through the real Grounder."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from medcoder_tui.codes.systems import System
from medcoder_tui.engines.analysis.clinical_text import analyze
from medcoder_tui.engines.checks.grounding import Grounder
from medcoder_tui.engines.models import Flag
from medcoder_tui.engines.procedures.suggest import suggest_procedures
from test_guidelines import offline_codes

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_notes"
BOTH = {System.CPT, System.HCPCS}


def suggest(note: str, codesets, setting: str = "outpatient", types=BOTH):
    return suggest_procedures(note, analysis=analyze(note), types=set(types), setting=setting, codesets=codesets)


def codes(raws, system: System | None = None) -> set[str]:
    return {r.code for r in raws if system is None or r.system is system}


def grounded(note: str, codesets, setting: str = "outpatient"):
    grounder = Grounder(note, codesets=codesets, setting=setting, types=BOTH)
    return grounder.finish([grounder.ground(r) for r in suggest(note, codesets, setting)])


def _sample(name: str) -> tuple[str, dict]:
    return (SAMPLES / f"{name}.txt").read_text(encoding="utf-8"), json.loads(
        (SAMPLES / f"{name}.gold.json").read_text(encoding="utf-8"))


def test_copd_injection_note_matches_gold_and_grounds(codesets):
    note, gold = _sample("09_office_copd_injection")
    raws = suggest(note, codesets, gold["setting"])
    assert codes(raws, System.CPT) == set(gold["cpt"])
    assert codes(raws, System.HCPCS) == set(gold["hcpcs"])
    j1040 = next(r for r in raws if r.code == "J1040")
    assert "units: 80 mg / 80 mg = 1" in j1040.reasoning
    for s in grounded(note, codesets, gold["setting"]):
        assert s.acceptable, s
        assert s.evidence and all(e.exact for e in s.evidence)
        for ev in s.evidence:
            assert note[ev.start:ev.end] == ev.text


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.gold.json")), ids=lambda p: p.name.split(".")[0])
def test_every_sample_suggestion_is_a_table_code_with_verbatim_evidence(codesets, path):
    note = path.with_name(path.name.replace(".gold.json", ".txt")).read_text(encoding="utf-8")
    setting = json.loads(path.read_text(encoding="utf-8"))["setting"]
    raws = suggest(note, codesets, setting)
    for raw in raws:
        table = codesets.cpt if raw.system is System.CPT else codesets.hcpcs
        assert raw.code in table
        assert raw.reasoning and 0 < raw.confidence <= 1
        assert raw.evidence and all(e.lower() in note.lower() for e in raw.evidence)
    for s in grounded(note, codesets, setting):
        assert s.valid and s.billable and s.acceptable
        assert all(note[e.start:e.end] == e.text for e in s.evidence)


def test_sample_notes_precision_and_recall_floor(codesets):
    tp = predicted = gold_n = 0
    for path in sorted(SAMPLES.glob("*.gold.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        note = path.with_name(path.name.replace(".gold.json", ".txt")).read_text(encoding="utf-8")
        got = {s.code for s in grounded(note, codesets, gold["setting"]) if s.acceptable}
        want = set(gold["cpt"]) | set(gold["hcpcs"])
        tp, predicted, gold_n = tp + len(got & want), predicted + len(got), gold_n + len(want)
    assert tp / predicted >= 0.9 and tp / gold_n >= 0.85


def test_drug_given_in_office_gets_jcode_units_and_administration(codesets):
    note = ("OFFICE VISIT, established patient, 45 yo F.\nAssessment: 1. Acute low back strain.\n"
            "Plan:\n- Ketorolac 60 mg IM given in office R gluteal.\n- Depo-Provera 150 mg IM administered today.\n")
    raws = suggest(note, codesets)
    assert {"J1885", "J1050", "96372"} <= codes(raws)
    assert "units: 60 mg / 15 mg = 4" in next(r.reasoning for r in raws if r.code == "J1885")
    assert "2 injections" in next(r.reasoning for r in raws if r.code == "96372")


def test_prescriptions_home_meds_allergies_and_negations_are_not_administered(codesets):
    note = ("OFFICE VISIT, established 40 yo M\nMeds: Depo-Provera 150 mg q3 months, Toradol 10 mg tabs.\n"
            "Allergies: Rocephin (rash).\nPlan: Rx ondansetron ODT 4 mg q8h prn. Start prednisone 40 mg daily.\n"
            "No IM injection given today. Patient declined flu vaccine. Pneumococcal vaccine UTD.\n")
    raws = suggest(note, codesets)
    assert not codes(raws, System.HCPCS)
    assert not codes(raws) & {"96372", "96374", "90471", "90686", "90732"}


def test_a_prescription_for_an_injectable_is_not_an_injection_given(codesets):
    note = "OFFICE VISIT, established 60 yo F.\nPlan: Rx enoxaparin 40 mg subcut daily x 10 days at home.\n"
    assert not codes(suggest(note, codesets)) & {"J1650", "96372"}
    given = "OFFICE VISIT, established 60 yo F.\nPlan: enoxaparin 40 mg subcut given in clinic today.\n"
    assert {"J1650", "96372"} <= codes(suggest(given, codesets))


def test_an_office_visits_account_of_a_hospital_stay_is_not_this_visits_care(codesets):
    stay = ("HOSPITALIZATION SUMMARY (from the discharge summary, reviewed):\nPyelonephritis. Ondansetron 4 mg IV push "
            "for nausea; ceftriaxone 1 g IV daily for 3 days.\n")
    office = "POST-DISCHARGE OFFICE VISIT, established 47 yo F.\n" + stay + "Assessment: pyelonephritis, resolving.\n"
    assert not codes(suggest(office, codesets)) & {"96374", "J2405", "J0696"}
    today = office.replace("Assessment:", "Given in clinic today: ondansetron 4 mg IV push.\nAssessment:")
    assert {"96374", "J2405"} <= codes(suggest(today, codesets))


def test_iv_push_then_hydration_orders_the_administration_codes(codesets):
    note, gold = _sample("07_ob_hyperemesis")
    raws = suggest(note, codesets, gold["setting"])
    assert {"96374", "96361", "J2405", "J7030"} <= codes(raws)
    assert "96360" not in codes(raws)
    assert "units: 4 mg / 1 mg = 4" in next(r.reasoning for r in raws if r.code == "J2405")
    # the prescription for ondansetron ODT later in the plan is quoted nowhere
    assert all("ODT" not in e for r in raws for e in r.evidence)


def test_facility_settings_get_no_drugs_supplies_or_administration(codesets):
    note = ("EMERGENCY DEPARTMENT NOTE\n60 yo M with nausea.\nED course: Zofran 4 mg IV push given. "
            "Toradol 30 mg IM. Crutches dispensed.\nImpression: 1. Gastroenteritis. 2. Ankle sprain.\n"
            "Plan: discharge home, Rx Zofran ODT.\n")
    raws = suggest(note, codesets, setting="ed")
    assert not codes(raws, System.HCPCS)
    assert not codes(raws) & {"96372", "96374"}
    em = [r for r in raws if r.code.startswith("9928")]
    assert len(em) == 1 and em[0].confidence < 0.8 and "ED visit by MDM" in em[0].reasoning


def test_planned_or_negated_procedures_are_not_coded(codesets):
    note = ("OFFICE VISIT, established 50 yo M. Total time 25 minutes.\nAssessment: 1. Rectal bleeding.\n"
            "Plan: refer for colonoscopy. Will schedule upper GI endoscopy. No splint applied.\n")
    assert codes(suggest(note, codesets), System.CPT) == {"99213"}


def test_performed_procedures_pick_the_best_description(codesets):
    note = ("PROCEDURE NOTE\n70 yo F.\nProcedure: thoracentesis performed at bedside under ultrasound "
            "guidance, 1.2 L removed.\nProcedure: endometrial biopsy performed with pipelle.\n")
    raws = suggest(note, codesets)
    assert {"32555", "58100"} <= codes(raws)
    assert "32554" not in codes(raws)  # 'without imaging guidance' loses when the note names ultrasound
    assert not any(r.code.startswith("992") for r in raws)  # a procedure note has no separate E/M


def test_a_qualifier_the_sentence_names_beats_organ_names_in_the_findings(codesets):
    note = ("ENDOSCOPY REPORT\nProcedure: EGD with biopsy\nFindings:\n- Esophagus: LA grade B esophagitis. "
            "Biopsies taken.\n- Stomach: mild erythema.\n- Duodenum: normal.\n")
    assert codes(suggest(note, codesets), System.CPT) == {"43239"}
    cataract = ("OPERATIVE NOTE\nProcedure: Phacoemulsification with posterior chamber intraocular lens "
                "implantation, right eye (routine; no iris expansion device, no complex features).\n")
    assert codes(suggest(cataract, codesets), System.CPT) == {"66984"}   # "complex" is negated here
    chole = "OPERATIVE NOTE\nProcedure: Laparoscopic cholecystectomy, no cholangiography performed.\n"
    assert codes(suggest(chole, codesets), System.CPT) == {"47562"}


def test_a_cast_the_patient_wears_is_not_a_cast_applied(codesets):
    wearing = ("OFFICE VISIT, established 40 yo M. Total time 20 minutes.\nDistal radius fracture follow-up, "
               "in short arm cast applied 2 weeks ago, fits well. X-ray: healing.\n")
    assert "29075" not in codes(suggest(wearing, codesets), System.CPT)


def test_wound_repair_by_site_group_complexity_and_length(codesets):
    face = "UC VISIT, 20 yo M.\nProcedure: 2.0 cm laceration of the forehead, simple repair, sutured.\n"
    limb = "UC VISIT, 33 yo F.\n4 cm laceration of L forearm repaired with layered closure, 2-layer.\n"
    assert "12011" in codes(suggest(face, codesets))
    assert "12032" in codes(suggest(limb, codesets))


@pytest.mark.parametrize(("when", "minutes", "expected"), [
    ("established patient", 25, "99213"), ("established patient", 34, "99214"),
    ("new patient", 50, "99204"), ("new patient", 62, "99205"),
])
def test_office_em_level_from_total_time(codesets, when, minutes, expected):
    note = f"OFFICE VISIT, {when}, 50 yo M.\nAssessment: 1. Hypertension.\nTotal time {minutes} minutes.\n"
    em = [r for r in suggest(note, codesets) if r.code.startswith("992")]
    assert [r.code for r in em] == [expected] and em[0].confidence >= 0.8


def test_inpatient_discharge_day_by_time(codesets):
    note = "DISCHARGE SUMMARY\n80 yo F.\nDischarge day management time: {} minutes.\n"
    assert codes(suggest(note.format(25), codesets, "inpatient")) == {"99238"}
    assert codes(suggest(note.format(45), codesets, "inpatient")) == {"99239"}


def test_vaccines_with_counseling_for_a_child_and_without_for_an_adult(codesets):
    note, gold = _sample("08_peds_well_child_4yr")
    assert codes(suggest(note, codesets)) == set(gold["cpt"])
    adult = "UC VISIT, 34 yo M.\nTdap 0.5 mL IM L deltoid given. Tetanus booster due - Tdap given.\n"
    assert codes(suggest(adult, codesets)) >= {"90715", "90471"}
    assert "90472" not in codes(suggest(adult, codesets))  # one vaccine named twice is one vaccine


def test_medicare_vaccine_administration_is_its_g_code(codesets):
    note = ("OFFICE VISIT, established 68 yo F, Medicare.\nPCV20 0.5 mL IM R deltoid given today by MA. "
            "Tdap 0.5 mL IM given.\n")
    raws = suggest(note, codesets)
    assert "G0009" in codes(raws, System.HCPCS)
    assert "90471" in codes(raws, System.CPT) and "90472" not in codes(raws, System.CPT)   # the Tdap alone
    g = Grounder(note, codesets=codesets, setting="outpatient")
    grounded = {s.code: s for s in (g.ground(r) for r in raws)}
    assert grounded["G0009"].reportable        # a service is quoted by its documentation


def test_a_routine_prenatal_visit_has_no_e_m(codesets):
    note = ("OBSTETRICS - ROUTINE PRENATAL VISIT\n31 yo G2P1001. GA today: 28w0d.\nTdap 0.5 mL IM given by RN.\n"
            "A/P: IUP at 28w0d, normal pregnancy.\n")
    got = codes(suggest(note, codesets), System.CPT)
    assert not any(c.startswith("992") for c in got) and {"90715", "90471"} <= got, got


def test_an_obstetric_ultrasound_by_gestational_age_and_a_routine_prenatal_dipstick(codesets):
    early = ("OB OFFICE\n29 yo G1P0 at 10w2d by LMP.\nTransabdominal OB ultrasound, single gestation, performed in "
             "office, interpreted by me: single IUP.\n")
    assert "76801" in codes(suggest(early, codesets), System.CPT)
    late = early.replace("10w2d", "20w1d")
    assert "76805" in codes(suggest(late, codesets), System.CPT)
    routine = ("OBSTETRICS - ROUTINE PRENATAL VISIT\nGA today: 28w0d.\nUrine dip (routine): protein neg, glucose "
               "neg, in office.\n")
    assert "81002" not in codes(suggest(routine, codesets), System.CPT)   # in the global obstetric package


def test_scored_instruments_and_therapy_given_elsewhere(codesets):
    note = ("PSYCHIATRY - MEDICATION MANAGEMENT FOLLOW-UP\n41 yo F Established.\nIn weekly CBT with outside "
            "therapist.\nMeasures (administered and scored today):\nPHQ-9 = 14.\nGAD-7 = 12.\nA/P:\n1. MDD, "
            "recurrent, moderate - partial response, not at goal. Increase sertraline to 150 mg daily.\n2. GAD - "
            "improving. Continue CBT.\nSupportive counselling within today's visit (no separate psychotherapy "
            "session).\n")
    raws = suggest(note, codesets)
    got = codes(raws, System.CPT)
    assert {"96127", "99214"} <= got and not got & {"90832", "90834", "90837"}, got
    assert next(r for r in raws if r.code == "96127").units == 2


def test_a_decision_for_elective_surgery_is_moderate_risk(codesets):
    note = ("GENERAL SURGERY - new patient visit, 47 yo F.\nAssessment:\n1. Symptomatic cholelithiasis.\n"
            "Plan: Discussed nonoperative vs operative mgmt; pt elects laparoscopic cholecystectomy. Scheduled.\n"
            "Reviewed outside US report, LFTs and lipase.\n")
    assert "99204" in codes(suggest(note, codesets), System.CPT)


def test_destruction_of_several_premalignant_lesions_and_a_shave_biopsy(codesets):
    note = ("DERMATOLOGY PROCEDURE VISIT, 72 yo M est pt.\nProcedures:\n1. Cryodestruction, liquid nitrogen, of 5 AKs "
            "(forehead x2, R temple, scalp x2).\n2. Shave (tangential) biopsy, R dorsal forearm plaque. Specimen to "
            "dermpath.\n")
    raws = suggest(note, codesets)
    assert {"17000", "17003", "11102"} <= codes(raws, System.CPT)
    assert next(r for r in raws if r.code == "17003").units == 4


def test_inhaler_teaching_with_a_return_demonstration(codesets):
    note = ("PULMONOLOGY, new patient, 30 yo F.\nA/P: 1. Asthma, mild persistent. Start budesonide-formoterol. "
            "Inhaler technique taught and return demonstration observed today.\n")
    assert "94664" in codes(suggest(note, codesets), System.CPT)
    assert "94664" not in codes(suggest(note.replace("Inhaler technique taught and return demonstration observed "
                                                     "today.", "Uses her inhaler correctly."), codesets), System.CPT)


def test_a_subacromial_injection_and_the_new_patients_own_visit(codesets):
    note = ("ORTHOPAEDICS - NEW PATIENT VISIT, 55 yo F.\nA/P:\n1. R rotator cuff tendinopathy with impingement.\n"
            "- Subacromial injection today, consent. Posterior approach, 40 mg triamcinolone (Kenalog-40, 1 mL) + 4 mL "
            "1% lidocaine into R subacromial bursa, landmark guided (no US).\n- PT referral. Naproxen 500 mg BID (Rx).\n")
    raws = suggest(note, codesets)
    assert {"20610", "J3301"} <= codes(raws)
    assert any(c.startswith("9920") for c in codes(raws, System.CPT))   # the new patient's evaluation
    est = note.replace("NEW PATIENT VISIT", "follow-up, established patient")
    assert not any(c.startswith("992") for c in codes(suggest(est, codesets), System.CPT))


def test_a_trivalent_flu_vaccine_named_after_the_word_influenza(codesets):
    note = ("PEDIATRICS, est pt, 10 y.\nInfluenza vaccine: trivalent inactivated, preservative-free 0.5 mL IM R deltoid, "
            "given today; VIS given, vaccine counseling done with father.\n")
    assert "90656" in codes(suggest(note, codesets), System.CPT)


def test_closed_fracture_care_by_the_diagnosis_site_and_a_read_radiology_bills(codesets):
    note = ("EMERGENCY DEPARTMENT, 52 M.\nImaging: XR L ankle 3 views - my read: nondisplaced fracture of the "
            "lateral malleolus. Radiology final read agrees.\n\nDx: Closed nondisplaced fracture L lateral malleolus.\n"
            "Procedure/treatment: No reduction needed. Closed treatment of fracture; posterior short leg splint "
            "applied by me.\n")
    got = codes(suggest(note, codesets, "ed"), System.CPT)
    assert "27786" in got and not got & {"27788", "23500", "73610"}, got


def test_a_blood_draw_here_for_a_test_sent_out_keeps_the_visit(codesets):
    note = ("ENDOCRINOLOGY, established patient, 48 yo F.\nA/P:\n1. Thyroid nodule, 1.8 cm, FNA recommended.\n2. "
            "Hypothyroidism - TSH + free T4 today (drawn in clinic by venipuncture, sent out). Continue levothyroxine "
            "88 mcg.\n")
    got = codes(suggest(note, codesets), System.CPT)
    assert "36415" in got and any(c.startswith("9921") for c in got), got
    here = "DERM, established patient, 19 yo F.\nLipid panel today: venipuncture here, specimens to reference lab.\n"
    assert "36415" in codes(suggest(here, codesets), System.CPT)
    away = "DERM, established patient, 19 yo F.\nLipid panel ordered; drawn at the outside lab.\n"
    assert "36415" not in codes(suggest(away, codesets), System.CPT)


def test_dme_dispensed_but_not_the_patients_own(codesets):
    note = ("ORTHO CLINIC, established patient, 55 yo F.\nPlan:\n- Knee immobilizer dispensed.\n"
            "- Continues using own crutches.\n- Wean boot at 6 wks to ankle brace.\n")
    assert codes(suggest(note, codesets), System.HCPCS) == {"L1830"}
    note = ("URGENT CARE, new patient, 24 yo M.\nPlan: RICE, ankle gauntlet brace (prefab, off-the-shelf) fitted "
            "and dispensed, crutches from home.\n")
    assert codes(suggest(note, codesets), System.HCPCS) == {"L1902"}


def test_types_filter_and_empty_note(codesets):
    note, _ = _sample("09_office_copd_injection")
    assert codes(suggest(note, codesets, types={System.CPT}), System.HCPCS) == set()
    assert suggest(note, codesets, types={System.ICD10CM}) == []
    assert suggest("   ", codesets) == []


class _SmallTables:
    """Code sets whose tables lack the administration code: it must then never be suggested."""

    def __init__(self, real) -> None:
        self.cpt = {k: v for k, v in real.cpt.items() if k != "96372"}
        self.hcpcs = dict(real.hcpcs)


def test_only_codes_in_the_tables_are_suggested(codesets):
    note, _ = _sample("09_office_copd_injection")
    got = codes(suggest(note, _SmallTables(codesets)))
    assert "96372" not in got and "J1040" in got


def test_time_per_note(codesets):
    notes = [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))]
    suggest(notes[0], codesets)
    t0 = time.perf_counter()
    for note in notes:
        suggest(note, codesets)
    assert (time.perf_counter() - t0) / len(notes) < 0.05  # ~5 ms measured; generous for a busy CI box


def test_a_drug_given_today_on_the_meds_line_and_an_office_procedure(codesets):
    note = ("PODIATRY OFFICE VISIT, established 40 yo M.\nMeds: lisinopril 10 mg daily. Toradol 60 mg IM given "
            "today in office.\nProcedure: partial nail avulsion of L great toe ingrown nail, nail plate removed "
            "after digital block.\nLabs drawn in office today: CBC, CMP.\n")
    got = codes(suggest(note, codesets))
    assert {"J1885", "96372", "11730", "36415"} <= got
    assert not any(c.startswith("992") for c in got)  # a procedure visit without documented time has no E/M


def test_timed_visit_beside_a_procedure_is_offered_at_low_confidence(codesets):
    note = ("OFFICE VISIT, established 50 yo M. Total time 35 minutes.\nProcedure: L knee joint injection with "
            "Kenalog 40 mg intra-articular into the L knee, tolerated well.\n"
            "Assessment: 1. Knee OA. 2. Hypertension - increase lisinopril.\n")
    raws = {r.code: r for r in suggest(note, codesets)}
    assert {"20610", "J3301"} <= raws.keys()
    assert "96372" not in raws  # an intra-articular injection is the joint procedure, not an IM shot
    assert raws["99214"].confidence < 0.6 and "modifier 25" in raws["99214"].reasoning


def test_wellness_visit_counseling_and_critical_care(codesets):
    awv = ("MEDICARE ANNUAL WELLNESS VISIT, subsequent. 72 yo F established.\n"
           "Counseled on smoking cessation for 12 minutes.\n")
    assert codes(suggest(awv, codesets)) == {"G0439", "99407"}
    ed = ("ED NOTE\n70 yo M in septic shock. Critical care time: 45 minutes excluding procedures.\n"
          "Intubated for airway protection. TI not intubated.\nImpression: septic shock.\n")
    got = codes(suggest(ed, codesets, "ed"))
    assert {"99291", "31500"} <= got


def test_an_office_ecg_performed_and_read_by_the_provider_is_the_global_code(codesets):
    here = codes(suggest("Cardiology follow-up, 70F. ECG today (12-lead, performed and interpreted by me): AF, "
                         "rate 76.", codesets))
    assert "93000" in here and "93010" not in here
    read_only = codes(suggest("Inpatient consult. ECG from the ED interpreted by me: sinus rhythm.", codesets,
                              setting="inpatient"))
    assert "93010" in read_only and "93000" not in read_only
    # at an office visit the tracing the provider reads is the office's own, unless it came from elsewhere
    office = codes(suggest("Endocrine new patient. Exam: tremor.\n- 12-lead ECG (interpreted by me): sinus "
                           "tachycardia 112, normal intervals.", codesets))
    assert "93000" in office and "93010" not in office
    outside = codes(suggest("Endocrine new patient.\n- ECG from the outside urgent care (interpreted by me): sinus "
                            "tachycardia 112.", codesets))
    assert "93000" not in outside


def test_an_x_ray_read_by_me_is_coded_by_its_views(codesets):
    got = codes(suggest("Urgent care, 24M. XR L ankle 3 views (taken here, read by me): no fracture.", codesets))
    assert "73610" in got


def test_a_toddler_with_counselled_subcutaneous_vaccines_gets_the_counselling_codes(codesets):
    note = ("PEDIATRICS - 15 MONTH WELL CHILD CHECK\nTESTPATIENT  15 mo M  established\n"
            "Immunizations today (VIS given; risks/benefits counseled by me with mother):\n"
            "- MMR live SC\n- Varicella live SC\n- Hepatitis A pediatric (dose 1) IM\n")
    got = codes(suggest(note, codesets))
    assert {"90707", "90716", "90633", "90460", "90461"} <= set(got), got
    assert "90471" not in got


def test_tests_listed_under_an_in_office_heading_and_a_pelvic_ultrasound_read_by_the_provider(codesets):
    note = ("Exam: pelvic exam deferred.\n\nIn-office tests:\n- Urine hCG (visual): negative.\n"
            "- Transvaginal US (performed and interpreted by me): L ovary with a 3.2 cm endometrioma.\n\n"
            "Plan: repeat TVUS in 6 mo.")
    assert {"81025", "76830"} <= codes(suggest(note, codesets))
    # the same list without its heading, and a scan only planned: nothing done here
    elsewhere = ("Labs:\n- Urine hCG: negative (outside lab).\n\nPlan: transvaginal ultrasound ordered; "
                 "repeat TVUS in 6 mo.")
    assert not codes(suggest(elsewhere, codesets)) & {"81025", "76830", "76856"}


def test_an_office_hemoglobin_and_lead_screen_but_not_an_a1c_or_a_sent_lead_level(codesets):
    note = ("12-month well child visit.\nHemoglobin (fingerstick, in office): 11.8 g/dL.\n"
            "Lead screen (point-of-care, capillary): < 3.3 mcg/dL.\nHbA1c (POC): 5.4%.")
    got = codes(suggest(note, codesets))
    assert {"85018", "83655", "83036"} <= got
    assert "83036" in codes(suggest("Office test: POC HbA1c 9.2% (prior 8.4%).", codesets))   # today's, beside the last
    sent = "Hemoglobin 12.1 on outside labs last month. Lead level sent to the reference lab."
    assert not codes(suggest(sent, codesets)) & {"85018", "83655"}


def test_a_vaccine_to_be_given_elsewhere_is_not_this_visits(codesets):
    note = "Plan: HBV nonimmune - hepatitis B vaccine series to be given at PCP. RTC 6 months."
    assert not codes(suggest(note, codesets)) & {"90746", "90739", "90471"}
    given = "Plan: hepatitis B vaccine dose 1 given IM L deltoid today."
    assert "90746" in codes(suggest(given, codesets))


def test_psychotherapy_beside_medication_management_is_the_em_and_its_add_on(codesets):
    note = ("Office visit - Psychiatry (established)\nAssessment:\n1. Major depressive disorder, recurrent, moderate - "
            "continue sertraline 100 mg.\n2. Generalized anxiety disorder - increase sertraline to 150 mg daily.\n"
            "Psychotherapy 30 minutes (supportive, CBT techniques) provided today in addition to E/M.\n")
    got = codes(suggest(note, codesets), System.CPT)
    assert "90833" in got and "90832" not in got and any(c.startswith("9921") for c in got), got
    # a therapist's session alone: the psychotherapy code, no E/M
    alone = ("Psychotherapy progress note\nSession: 50 minutes with the patient, CBT for panic disorder.\n"
             "Assessment: panic disorder, improving.\n")
    got = codes(suggest(alone, codesets), System.CPT)
    assert "90834" in got and not any(c.startswith("992") for c in got), got   # 50 min: 38-52


def test_psychotherapy_minutes_after_a_parenthesis_and_a_medical_visit_with_therapy_of_no_length(codesets):
    plan = ("Assessment:\n1. Generalized anxiety disorder - worsened.\nPlan:\n- Increase sertraline to 150 mg daily.\n"
            "- Psychotherapy (separate from the E/M work): {} of CBT for worry.\n")
    got = codes(suggest(plan.format("20 minutes"), codesets), System.CPT)
    assert "90833" in got and any(c.startswith("9921") for c in got), got
    # the minutes inside the parenthesis ("Psychotherapy (CBT-focused, 26 min of face-to-face time)")
    inside = plan.format("x").replace("Psychotherapy (separate from the E/M work): x of CBT for worry.",
                                      "Psychotherapy (CBT-focused, 26 min of face-to-face time separate from the E/M).")
    assert "90833" in codes(suggest(inside, codesets), System.CPT)
    # therapy given, its length not written: no therapy code, and the medication management is still the E/M
    got = codes(suggest(plan.format("some time"), codesets), System.CPT)
    assert not got & {"90832", "90833", "90834"} and any(c.startswith("9921") for c in got), got


def test_instruments_scored_under_a_label_with_a_parenthesis_are_this_visits(codesets):
    note = ("HPI: 44M with worsening anxiety since losing his job.\n"
            "Screens today (administered and scored by me): GAD-7 = 16 (severe range). AUDIT = 22.\n"
            "Assessment:\n1. Generalized anxiety disorder - increase sertraline to 150 mg daily.\n")
    assert "96127" in codes(suggest(note, codesets), System.CPT)
    # an instrument told in the history, under no label of today's, is not this visit's
    assert "96127" not in codes(suggest(note.replace("Screens today (administered and scored by me): ", ""),
                                        codesets), System.CPT)


def test_a_child_aged_in_years_and_months_and_a_quantitative_vision_screen(codesets):
    note = ("PEDIATRICS - WELL CHILD CHECK, 4 YEARS\nDOS: 10/14/2026 | TESTPATIENT | 4 y 1 mo F | Established patient\n"
            "Vision (HOTV chart, quantitative): 20/25 OU.\nAssessment: Well child 4 yr.")
    got = codes(suggest(note, codesets))
    assert {"99392", "99173"} <= got and "99391" not in got, sorted(got)
    exam = "OPHTHALMOLOGY VISIT, 60 yo M.\nVA sc OD 20/25, OS 20/20.\nAssessment: cataract, right eye."
    assert "99173" not in codes(suggest(exam, codesets))


def test_a_chemotherapy_infusion_is_the_initial_iv_service_and_premedication_pushes_are_sequential(codesets):
    note = ("Labs today (drawn from port by RN, run in-house): WBC 4.1, ANC 2.3, Hgb 9.6 (was 12.8), plt 188. "
            "CMP nl.\nTreatment today (under my direct supervision):\n"
            "- 09:05 dexamethasone 10 mg IV push; 09:10 diphenhydramine 25 mg IV push; famotidine 20 mg PO.\n"
            "- 09:35-10:35 paclitaxel 136 mg IV infusion over 60 min, no hypersensitivity reaction.\n")
    got = codes(suggest(note, codesets))
    assert {"96413", "96375", "J1100", "J1200", "85025", "80053"} <= got, sorted(got)
    assert not got & {"96374", "96365", "85018"}, sorted(got)
    drawn = ("Labs drawn in clinic today by venipuncture (results pending at time of note): CBC, CMP, TSH.\n"
             "Plan: HOLD pembrolizumab; colitis due to pembrolizumab infusion last month.")
    got = codes(suggest(drawn, codesets))
    assert "36415" in got and not got & {"85025", "85027", "80053", "96413"}, sorted(got)


def test_a_non_automated_dipstick_is_not_the_automated_urinalysis(codesets):
    got = codes(suggest("UA dipstick (non-automated, visual read in office): negative.", codesets))
    assert "81002" in got and "81003" not in got, sorted(got)
    assert "81003" in codes(suggest("Urinalysis, automated analyzer in office: negative.", codesets))


def test_podiatry_procedures_by_count_and_fitting_and_an_em_for_the_other_problems(codesets):
    note = ("PODIATRY CLINIC - ESTABLISHED PATIENT, 64 yo M\n"
            "Procedures:\n1. Excisional debridement R plantar 1st MTH ulcer to bleeding tissue; depth of "
            "debridement: subcutaneous tissue; area debrided 2.7 sq cm.\n"
            "2. Debridement of mycotic toenails 1-5 b/l (10 nails) with nail nipper and rotary burr.\n"
            "Assessment:\n1. T2DM with R plantar forefoot ulcer, fat layer exposed.\n"
            "2. Diabetic polyneuropathy with loss of protective sensation.\n"
            "3. R midfoot swelling and warmth - r/o Charcot; XR negative.\n4. Onychomycosis, all 10 toenails.\n"
            "Plan:\n- Pneumatic walking boot (prefabricated, off-the-shelf, dispensed today, no custom fitting) R.\n"
            "- MRI R foot w/o contrast ordered.\n")
    got = codes(suggest(note, codesets))
    assert {"11042", "11721", "L4361"} <= got and not got & {"11720", "L4360"}, sorted(got)
    assert got & {"99212", "99213", "99214"}, sorted(got)   # three problems beyond the procedures' own
    # the procedures alone, said to be the whole visit: no E/M
    only = note.replace("Plan:", "No separate E/M service today.\nPlan:")
    assert not codes(suggest(only, codesets)) & {"99212", "99213", "99214"}


def test_a_status_item_of_the_assessment_is_no_problem_that_makes_a_separate_em(codesets):
    """The wound visit's assessment lists the ulcer, the diabetes and "long-term insulin use" (a status): the
    debridement is the service, with no separate E/M."""
    note, gold = _sample("15_wound_dm_foot_ulcer_debridement")
    got = codes(suggest(note, codesets))
    assert got == set(gold["cpt"]) and not any(c.startswith("992") for c in got), sorted(got)


def test_a_procedure_another_physician_did_is_not_on_this_authors_claim(codesets):
    note = ("DISCHARGE SUMMARY\nHPI/Course: melena. EGD 5/12 (Dr. Test GI): duodenal ulcer with visible vessel, "
            "treated with clips; biopsy taken.\nDischarge day management: 35 minutes.\n\nTest Hospitalist, MD")
    assert not codes(suggest(note, codesets, "inpatient")) & {"43239", "43235"}
    own = ("PROCEDURE NOTE\nProcedure: EGD with biopsy (Dr. Test Gastroenterologist). Findings: duodenal ulcer; "
           "biopsies taken.\n\nTest Gastroenterologist, MD")
    assert "43239" in codes(suggest(own, codesets, "outpatient"))


def test_an_own_read_of_the_ecgs_is_no_read_of_the_chest_film(codesets):
    ed = "MDM: Serial ECGs independently interpreted, troponins x 2, CBC, BMP and CXR reviewed.\nAssessment: chest pain."
    assert "71045" not in codes(suggest(ed, codesets, "ed")) and "71046" not in codes(suggest(ed, codesets, "ed"))
    office = "Imaging: XR R foot, 3 views (in office, read by me): no fracture.\nAssessment: foot pain."
    assert "73630" in codes(suggest(office, codesets))


def test_the_repaired_wounds_own_site_decides_the_repair_group(codesets):
    note = ("Exam: no facial droop, face symmetric. Scalp: 4.5 cm laceration of the occipital scalp.\n"
            "PROCEDURE: simple repair of scalp laceration, 4.5 cm. Closed with 6 staples.")
    got = codes(suggest(note, codesets, "ed"))
    assert "12002" in got and "12013" not in got, sorted(got)


def test_an_office_test_the_note_says_was_not_done_is_not_billed(codesets):
    note = ("Point-of-care: rapid influenza A/B not done (vaccinated, exam favours bacterial pneumonia).\n"
            "Assessment: 1. Community-acquired pneumonia.\n")
    assert "87804" not in codes(suggest(note, codesets), System.CPT)
    done = note.replace("not done (vaccinated, exam favours bacterial pneumonia)", "negative")
    assert "87804" in codes(suggest(done, codesets), System.CPT)


def test_a_post_void_residual_by_bladder_scanner_in_the_office(codesets):
    note = ("In-office testing:\n- Post-void residual by bladder scan: 110 mL.\n"
            "Assessment: BPH with LUTS. Start tamsulosin.\n")
    assert "51798" in codes(suggest(note, codesets), System.CPT)
    # a residual measured by catheter is no scanner's measurement
    assert "51798" not in codes(suggest(note.replace("bladder scan", "straight cath"), codesets), System.CPT)


def test_a_scope_intubating_the_terminal_ileum_is_no_airway(codesets):
    note = "Procedure: colonoscope advanced to the cecum. Terminal ileum intubated 5 cm - nl. Polyp removed w/ cold snare.\n"
    assert "31500" not in codes(suggest(note, codesets), System.CPT)


def test_cryotherapy_of_warts_is_no_premalignant_destruction(codesets):
    note = ("PROCEDURES:\n1. Destruction of benign lesions (warts) x 6 - R hand x 5 and L plantar foot x 1. Plantar "
            "wart pared w/ #15 blade first to expose base. Liquid nitrogen cryotherapy, 2 freeze-thaw cycles each, "
            "10-15 s w/ 1-2 mm halo. Expected blistering reviewed.\n2. Shave biopsy, L upper back, 6 mm lesion.\n")
    got = codes(suggest(note, codesets), System.CPT)
    assert "17110" in got and not got & {"17000", "17003", "17004"}, got
    ak = "PROCEDURES:\n1. Liquid nitrogen cryotherapy of 3 actinic keratoses, scalp.\n"
    assert "17000" in codes(suggest(ak, codesets), System.CPT)


def test_an_interlaminar_epidural_injection_is_not_the_transforaminal_code(codesets):
    note = ("Procedure: Lumbar interlaminar epidural steroid injection, L4-L5, under fluoroscopic guidance.\n"
            "Technique: epidural space entered w/ loss of resistance. Injected methylprednisolone acetate 80 mg.\n")
    got = codes(suggest(note, codesets), System.CPT)
    assert "62323" in got and "64483" not in got, got


@pytest.mark.parametrize("note, expected", [
    ("DELIVERY ADMISSION DISCHARGE SUMMARY\nAttending: Test OB (prenatal care w/ our group since 8 wks; global OB)\n"
     "L&D course: Spontaneous vaginal delivery of a liveborn male at 13:47.\nF/u: 6-wk postpartum visit in our office.\n",
     "59400"),
    ("DELIVERY NOTE\nCovering laborist: I did not provide prenatal care and am reporting delivery only; postpartum "
     "care with her own OB.\nSpontaneous vaginal delivery of a single live-born female.\n", "59409"),
    ("DISCHARGE SUMMARY\nPrenatal care: at an outside community clinic. Postpartum care will be in our office.\n"
     "- Primary low transverse cesarean delivery 04/14 21:12, performed by me.\n", "59515"),
])
def test_the_delivery_code_follows_the_package_of_care(codesets, note, expected):
    got = codes(suggest(note, codesets, setting="inpatient"), System.CPT)
    deliveries = {c for c in got if c.startswith(("594", "595"))}
    assert deliveries == {expected}, got


def test_an_earlier_or_planned_delivery_or_a_newborns_birth_is_no_delivery_code(codesets):
    for note in ("ANTEPARTUM ADMISSION H&P\nPrevious pregnancy: term SVD 2023.\nPlan: anticipate vaginal delivery.\n",
                 "NEWBORN NURSERY ADMISSION\nInfant born via SVD at 39 weeks to a G2P2 mother. Apgars 8/9.\n"):
        got = codes(suggest(note, codesets, setting="inpatient"), System.CPT)
        assert not {c for c in got if c.startswith(("594", "595"))}, got


def test_a_point_of_care_urinalysis_in_the_office_is_the_dipstick(codesets):
    note = ("POC UA (performed in clinic): LE 2+, nitrite +, blood trace.\n"
            "A/P:\n1. Acute cystitis without hematuria - nitrofurantoin 100 mg BID x 5 days (Rx).\n")
    got = codes(suggest(note, codesets), System.CPT)
    assert "81002" in got and "81003" not in got, got
    micro = note.replace("POC UA", "POC UA with micro (automated analyzer)")
    assert "81002" not in codes(suggest(micro, codesets), System.CPT)


def test_a_vaccine_listed_with_its_route_and_a_labelled_vision_screen(codesets):
    note = ("4 YEAR WELL CHILD CHECK\nScreening:\n- Vision: HOTV chart at 10 ft, 20/32 OU - pass.\n"
            "Immunizations today (VIS given):\n- MMR SQ L arm\n- Varicella SQ R arm\n")
    raws = suggest(note, codesets, types={System.CPT, System.HCPCS, System.ICD10CM})
    assert "99173" in codes(raws, System.CPT)
    from medcoder_tui.engines.offline import OfflineEngine

    result = OfflineEngine(codesets=codesets).suggest_sync(note, {System.ICD10CM}, "outpatient")
    assert not any(s.code.startswith(("B01", "B05")) and s.reportable for s in result.suggestions)


def test_an_instrument_the_interval_history_says_was_scored_today(codesets):
    note = ("Interval hx: on methylphenidate 27 mg since 06/2026; mornings better.\n"
            "Vanderbilt follow-up (parent) and Vanderbilt teacher form scored today: inattention 7/9.\n"
            "A/P: ADHD combined type - not at goal. Increase methylphenidate to 36 mg.\n")
    assert "96127" in codes(suggest(note, codesets), System.CPT)
    assert "96127" not in codes(suggest(note.replace("scored today", "scored in 2025"), codesets), System.CPT)


@pytest.mark.parametrize("line", [
    "[x] Psychosocial screen: Pediatric Symptom Checklist-17 (parent) scored 8 - negative.",
    "Measures (administered and scored this session): PCL-5 = 38 (intake 61).",
    "Screening instrument: PHQ-9 administered and scored - 14 (moderate).",
])
def test_a_standardized_instrument_given_at_the_visit_is_96127(codesets, line):
    note = "Subjective: follow-up.\n" + line + "\nAssessment: as above.\n"
    assert "96127" in codes(suggest(note, codesets), System.CPT)
    assert "96127" not in codes(suggest(note.replace(line, "PHQ-9 declined today."), codesets), System.CPT)


def test_plain_films_told_by_their_views_under_an_imaging_label(codesets):
    note = ("Imaging (performed in this clinic; my interpretation): R wrist, 3 views (PA, lateral, oblique): no fracture.\n"
            "Assessment: Sprain of right wrist.\n")
    assert "73110" in codes(suggest(note, codesets), System.CPT)


def test_a_bite_wound_left_open_is_irrigated_not_repaired(codesets):
    note = ("Exam: 1.5 cm laceration and two punctures, dorsum of L hand (dog bite).\n"
            "Procedure: wounds irrigated with 500 mL NS; explored. Left open (no closure - bite wounds of the hand).\n")
    assert not {c for c in codes(suggest(note, codesets, "ed"), System.CPT) if c.startswith("120")}
    closed = note.replace("Left open (no closure - bite wounds of the hand).", "Closed with 3 simple sutures.")
    assert "12001" in codes(suggest(closed, codesets, "ed"), System.CPT)


def test_the_measured_length_decides_the_repair_code_over_the_words_own_match(codesets):
    note = ("L forearm: linear laceration volar mid-forearm 4.5 cm, through dermis into subQ fat.\n"
            "Procedure - laceration repair, intermediate (layered)\nPerformed by: me. Consent verbal.\n"
            "Prep: irrigated w/ 250 mL NS, sterile drape. Wound explored to base.\n"
            "Repair: deep layer closed w/ 3 buried 4-0 Vicryl; "
            "skin closed w/ 8 simple interrupted 5-0 nylon. Total length repaired 4.5 cm.\n")
    got = {c for c in codes(suggest(note, codesets, "ed"), System.CPT) if c.startswith("120")}
    assert got == {"12032"}, sorted(got)


@pytest.mark.parametrize("title", ["ENDOSCOPY REPORT - COLONOSCOPY", "Endoscopy report: colonoscopy"])
def test_a_procedure_reports_title_names_the_procedure_of_its_findings(codesets, title):
    note = (f"{title}\nIndication: screening, average risk.\nProcedure: Olympus CF-HQ190 advanced from anus to cecum.\n"
            "Findings:\n1. Sigmoid colon: 8 mm sessile polyp - removed en bloc with hot snare, retrieved.\n"
            "Impression: one sigmoid polyp removed.\n")
    assert "45385" in codes(suggest(note, codesets), System.CPT)


def test_a_planned_destruction_visit_bills_both_destructions_and_no_em(codesets):
    """"Procedure #2:" is a procedure section; "Destruction of benign lesions other than skin tags" is chosen by
    its head ("other than skin tags" is what it leaves out); an advice item ("SPF 30+ daily") is no problem
    taken up beside the procedures."""
    note = ("DERMATOLOGY - PROCEDURE VISIT\nPurpose: return for planned cryotherapy.\n"
            "Procedure #1: Destruction of premalignant lesions - cryotherapy\n8 actinic keratoses of the scalp, "
            "liquid nitrogen, 2 freeze-thaw cycles.\nProcedure #2: Destruction of benign lesions - cryotherapy\n"
            "2 inflamed seborrheic keratoses at the waistband, LN2, 1 freeze-thaw cycle.\nA/P:\n1. Actinic keratoses x8 "
            "- destroyed with cryo as above.\n2. Inflamed seborrheic keratoses x2 - destroyed with cryo as above.\n"
            "3. SPF 30+ daily, hat. F/u full skin exam 6 mo.\n")
    got = codes(suggest(note, codesets), System.CPT)
    assert {"17000", "17003", "17110"} <= got and not {c for c in got if c.startswith("992")}, sorted(got)


def test_a_combination_vaccine_is_one_product_not_one_per_component(codesets):
    """DTaP-IPV (Kinrix) and MMRV (ProQuad) are one product code each (90696, 90710): no component product
    codes, and their administration counts four components each (90460 x2, 90461 x6)."""
    note = ("WELL CHILD CHECK - 4 year old male, established patient\nVaccines given today after counseling parent: "
            "DTaP-IPV (Kinrix) IM and MMRV (ProQuad) SC. VIS provided.\nAssessment: Well child exam, no abnormal "
            "findings.\n")
    raws = suggest(note, codesets)
    got = codes(raws, System.CPT)
    assert {"90696", "90710", "90460", "90461", "99392"} <= got, sorted(got)
    assert not got & {"90700", "90713", "90707", "90716"}, sorted(got)
    assert next(r for r in raws if r.code == "90460").units == 2 and next(r for r in raws if r.code == "90461").units == 6


@pytest.mark.parametrize("line", [
    "Background: Discharged 01/04/2026 on IV vancomycin via right arm PICC for planned 6-week course.",
    "Home infusion: IV vancomycin given via PICC by the home infusion nurse.",
])
def test_a_course_given_at_home_or_since_discharge_is_no_drug_of_this_visit(codesets, line):
    note = "ID CLINIC - OPAT FOLLOW-UP\n" + line + "\nA: Osteomyelitis of right foot - continue vancomycin.\n"
    got = codes(suggest(note, codesets))
    assert not got & {"J3370", "96374", "96365"}, sorted(got)


def test_an_ingrown_toenail_avulsion_with_paronychia(codesets):
    """Index: Ingrowing, nail L60.0; Paronychia of a toe is L03.03- (the finger's L03.01- only for a finger); the
    nail's partial removal includes debriding the granulation tissue of its fold."""
    note = ("S: L big toe hurting x 2 wks. Some pus yesterday.\nA: Ingrown toenail, L great toe, lateral border, with "
            "paronychia.\nPROCEDURE: Partial nail avulsion, lateral border L hallux. Digital block. Nail edge removed. "
            "Granulation tissue debrided w/ curette.\n")
    from medcoder_tui.engines.offline import OfflineEngine

    def icd(text):
        return {s.code for s in OfflineEngine(codesets=codesets).suggest_sync(text, {System.ICD10CM}, "outpatient")
                .suggestions if s.reportable}

    assert {"L60.0", "L03.032"} <= icd(note) and "L03.012" not in icd(note), sorted(icd(note))
    assert codes(suggest(note, codesets), System.CPT) & {"11730", "11720"} == {"11730"}
    assert "L03.011" in icd("A: Paronychia of right index finger.")


def test_immunizations_today_are_given_at_this_visit(codesets):
    note = ("4 yo well child visit, established patient.\n- Immunizations today after VIS reviewed and counselling on "
            "each vaccine with mother: DTaP (#5), IPV (#4), MMR (#2), varicella (#2). Tolerated well.\n"
            "Assessment: Well child exam.\n")
    raws = suggest(note, codesets)
    got = codes(raws, System.CPT)
    assert {"90700", "90713", "90707", "90716", "90460", "90461"} <= got, sorted(got)
    assert next(r for r in raws if r.code == "90460").units == 4
    due = codes(suggest(note.replace("Immunizations today after", "Immunizations due today; deferred after"),
                        codesets), System.CPT)
    assert not due & {"90700", "90460"}, sorted(due)


def test_a_dose_of_a_past_month_given_elsewhere_is_no_product_of_this_visit(codesets):
    note = ("12 yo well visit, established patient. Counseling given to parent.\nImms: MenACWY given 03/2026 at "
            "school-based clinic (record reviewed). Tdap IM and HPV IM given today.\nAssessment: Well child exam.\n")
    got = codes(suggest(note, codesets), System.CPT)
    assert {"90715", "90651", "90460"} <= got and "90734" not in got, sorted(got)


@pytest.mark.parametrize(("line", "products", "admin"), [
    # an infant's visit: Vaxelis is six components in one product, the oral rotavirus vaccine one more vaccine
    ("2-month-old male. Counseling given to parent on each vaccine. Vaxelis IM, Prevnar 20 IM and RotaTeq by "
     "mouth given today.", {"90697", "90677", "90680"}, {"90460": 3, "90461": 5}),
    # no counseling documented: injections first (90471), the oral vaccine by its own add-on (90474)
    ("6-month-old girl, nurse visit for catch-up vaccines. Pentacel IM and Rotarix by mouth given.",
     {"90698", "90681"}, {"90471": 1, "90474": 1}),
    ("66 yo man before travel. Twinrix IM and Fluad flu vaccine IM given.", {"90636", "90653"},
     {"90471": 1, "90472": 1}),
    # the kind of influenza vaccine, and the adult meningococcal and hepatitis B products by brand
    ("19 yo college student. Menveo IM, Bexsero IM and Heplisav-B IM administered; Flublok influenza vaccine given.",
     {"90734", "90620", "90739", "90673"}, {"90471": 1, "90472": 3}),
])
def test_vaccine_products_by_brand_and_their_administration_by_route(codesets, line, products, admin):
    raws = suggest("Office visit, established patient.\n" + line + "\nAssessment: Encounter for immunization.\n",
                   codesets)
    got = codes(raws, System.CPT)
    assert products <= got and not got & {"90686", "90656", "90746", "90744", "90633", "90632"}, sorted(got)
    for code, units in admin.items():
        assert (next((r.units for r in raws if r.code == code), None) or 1) == units, (code, sorted(got))
    assert not got & ({"90460", "90461", "90471", "90472", "90473", "90474"} - set(admin)), sorted(got)


@pytest.mark.parametrize("line", ["COVID/flu antigen negative.", "Flu Ag negative.", "Influenza A and B antigen: negative."])
def test_an_influenza_antigen_read_at_the_visit_is_the_office_rapid_test(codesets, line):
    note = "Urgent care. 30 yo F with fever and body aches x 2 days.\n" + line + "\nAssessment: Viral syndrome.\n"
    assert "87804" in codes(suggest(note, codesets), System.CPT), line
    # a PCR, or an antigen sent out, is the laboratory's
    for other in ("Flu PCR negative.", "Flu antigen sent to lab."):
        assert "87804" not in codes(suggest(note.replace(line, other), codesets), System.CPT), other


@pytest.mark.parametrize("line", ["Procedure: hematoma block, closed reduction, sugar-tong splint applied.",
                                  "Closed reduction of the fracture performed under hematoma block, splint applied."])
def test_a_closed_reduction_takes_the_site_of_the_fracture_diagnosed_eponyms_included(codesets, line):
    """A Colles fracture is a distal radius fracture; 'closed reduction' is its treatment with manipulation."""
    note = ("ED PROVIDER NOTE\n67 yo F fell on outstretched right hand.\n" + line
            + "\nImpression: Closed Colles fracture, right, displaced.\n")
    assert "25605" in codes(suggest(note, codesets, "ed"), System.CPT), line
    assert "25605" not in codes(suggest(note.replace(line, "Splint applied."), codesets, "ed"), System.CPT)


@pytest.mark.parametrize("line", [
    "Procedure: After sterile prep, the right knee was injected with 40 mg triamcinolone and 4 mL 1% lidocaine.",
    "Procedure: right knee intra-articular corticosteroid injection performed; 40 mg Kenalog with lidocaine.",
])
def test_a_joint_injection_the_sentence_names_before_the_drugs_clause(codesets, line):
    note = "ORTHO CLINIC\n58 yo F with right knee pain.\n" + line + "\nAssessment: Primary osteoarthritis of right knee.\n"
    got = suggest(note, codesets)
    assert "20610" in codes(got, System.CPT) and "J3301" in codes(got, System.HCPCS), line
    im = note.replace(line, "Knee injection discussed; Toradol 60 mg IM given.")
    got = suggest(im, codesets)
    assert "20610" not in codes(got, System.CPT) and "96372" in codes(got, System.CPT)


def test_the_injectate_under_a_joint_injections_title_line(codesets):
    note = ("PROCEDURE NOTE - OFFICE\nProcedure: Right knee intra-articular injection (corticosteroid)\n"
            "- Time-out performed, site marked.\n- Injectate: triamcinolone acetonide 40 mg + 1% lidocaine 4 mL.\n"
            "Assessment: Primary OA right knee.\n")
    got = suggest(note, codesets)
    assert "20610" in codes(got, System.CPT) and "J3301" in codes(got, System.HCPCS), got
    # a drug under another procedure's title takes no joint code
    other = note.replace("Right knee intra-articular injection (corticosteroid)", "Trigger point injection, trapezius")
    assert "20610" not in codes(suggest(other, codesets), System.CPT)


def test_a_cam_walker_is_a_walking_boot_and_one_dispensed_on_another_date_is_not_billed_again(codesets):
    note = "Wound visit.\nOffloading: removable CAM walker dispensed today, fitted by me.\nAssessment: Diabetic foot ulcer.\n"
    got = codes(suggest(note, codesets), System.HCPCS)
    assert "E0135" not in got and any(c.startswith("L43") for c in got), sorted(got)
    earlier = note.replace("dispensed today, fitted by me", "(dispensed 04/14/2026)")
    got = codes(suggest(earlier, codesets), System.HCPCS)
    assert not any(c.startswith(("L43", "E01")) for c in got), sorted(got)


def test_a_duoneb_written_with_decimal_doses_is_the_combination_code_alone(codesets):
    note = ("Office visit.\nIN-OFFICE TREATMENT: ipratropium 0.5 mg / albuterol 2.5 mg (DuoNeb unit dose) by nebulizer "
            "x 1.\nAssessment: COPD with acute exacerbation.\n")
    got = codes(suggest(note, codesets), System.HCPCS)
    assert "J7620" in got and not got & {"J7613", "J7644"}, sorted(got)


def test_nasal_packing_in_a_procedure_section_controls_the_nosebleed_diagnosed(codesets):
    note = ("ED NOTE\n72 yo F with epistaxis x 3 hours, anterior, left naris.\nProcedure: anterior nasal packing, left, "
            "by me.\nDx: Epistaxis.\n")
    assert "30901" in codes(suggest(note, codesets, "ed"), System.CPT)
    skin = note.replace("anterior nasal packing, left, by me", "silver nitrate cautery of a skin tag")
    assert "30901" not in codes(suggest(skin.replace("Dx: Epistaxis.", "Dx: Skin tag."), codesets, "ed"), System.CPT)


def test_rating_scales_after_the_allergies_and_timed_psychotherapy_beside_a_dose_change(codesets):
    note = ("OUTPATIENT PSYCHIATRY - MED MGMT + PSYCHOTHERAPY\n41 y/o M, established patient.\n"
            "Allergies: NKDA.\n\nRating scales (administered via e-form before visit, scored by me):\n"
            "PHQ-9 = 13 (12/2025: 19)\nGAD-7 = 11 (12/2025: 15)\n\n"
            "Assessment:\n1. MDD, recurrent episode, moderate - improving.\n2. GAD - persistent worry.\n"
            "Plan:\n- Increase sertraline 150 -> 200 mg qAM (eRx sent).\n\n"
            "Psychotherapy (separate from E/M; start 10:22, stop 10:42 = 20 min): supportive + CBT-based work.\n")
    got = codes(suggest(note, codesets))
    assert {"96127", "90833"} <= got and not got & {"90832", "90834"}, sorted(got)
    assert any(c.startswith("992") for c in got), sorted(got)


def test_motivational_interviewing_and_side_effects_reviewed_are_not_diagnoses(codesets):
    from medcoder_tui.engines.offline import OfflineEngine

    note = ("Assessment:\n1. Nicotine dependence - e-cigarette, daily.\nPlan:\n- Vaping: MI discussion; offered NRT "
            "patch.\n- Increase sertraline. Reviewed GI s/e, activation, serotonin syndrome warning.\n")
    got = {s.code for s in OfflineEngine(codesets=codesets).suggest_sync(note, {System.ICD10CM}, "outpatient")
           .suggestions if s.reportable}
    assert not any(c.startswith(("I21", "G90.8")) for c in got), got


def test_a_study_read_with_no_prior_for_comparison_was_still_done(codesets):
    note = ("ED NOTE, 58 yo M.\nECG 08:20 (my interpretation): NSR 76, normal axis, no acute ST elevation, no prior for "
            "comparison.\nAssessment: Atypical chest pain.\n")
    assert "93010" in codes(suggest(note, codesets, "ed"))
    earlier = "ED NOTE, 58 yo M.\nPrior ECG 2024 (my interpretation): NSR.\nAssessment: Atypical chest pain.\n"
    assert "93010" not in codes(suggest(earlier, codesets, "ed"))


def test_an_infants_hepatitis_b_vaccine_is_the_pediatric_product(codesets):
    note = ("WELL BABY VISIT, 2 month old F, established patient.\nPlan: Hepatitis B vaccine #2 given IM today; "
            "counseling with mother.\n")
    got = codes(suggest(note, codesets))
    assert "90744" in got and "90746" not in got, sorted(got)   # an age of 0 years is known: not an adult's dose


@pytest.mark.parametrize("line", [
    "2. Tobacco use disorder - nicotine dependence, cigarettes. Counseled for 8 minutes today: health risks, options.",
    "- Smoking cessation counseling today: discussed health effects, options. Time spent on counseling: 8 minutes.",
])
def test_tobacco_counseling_minutes_told_in_the_next_sentence_of_its_line(line, codesets):
    got = codes(suggest(f"Assessment/Plan:\n1. COPD, stable.\n{line}\nTotal time 40 minutes.\n", codesets), System.CPT)
    assert "99406" in got and "99407" not in got, sorted(got)
    # the visit's total time on the tobacco line is no counseling time
    total = "Assessment/Plan:\n2. Tobacco use disorder. Counseled on quitting. Total time 40 minutes including counseling.\n"
    assert not codes(suggest(total, codesets), System.CPT) & {"99406", "99407"}


def test_a_surgery_another_physician_did_is_not_the_hospitalists(codesets):
    note = ("DISCHARGE SUMMARY\nAttending (medicine): Test Hospitalist, MD   Surgery: Test General Surgeon, MD (performed "
            "lap chole 09/15)\nHospital course: Taken for laparoscopic cholecystectomy HD#2 by Dr. Test General Surgeon - "
            "uncomplicated.\n\nTest Hospitalist, MD\n")
    assert "47562" not in codes(suggest(note, codesets, "inpatient"), System.CPT)
    own = ("OPERATIVE NOTE\nProcedure performed: laparoscopic cholecystectomy by Dr. Test General Surgeon.\n\n"
           "Test General Surgeon, MD\n")
    assert "47562" in codes(suggest(own, codesets, "inpatient"), System.CPT)


def test_an_in_clinic_testing_heading_places_every_test_under_it(codesets):
    note = ("URGENT CARE\nIn-clinic testing:\nUA dipstick (manual read): LE 2+, nitrite +.\nUrine hCG (visual): negative."
            "\nUrine culture - sent to outside lab.\nA: Acute cystitis.\n")
    got = codes(suggest(note, codesets), System.CPT)
    assert {"81002", "81025"} <= got, sorted(got)


def test_a_service_planned_for_the_next_visit_is_not_this_visits(codesets):
    # the coder sees the planned one marked as not done at this visit
    planned = grounded("Assessment: 1. Tobacco use disorder. Will do smoking cessation counseling 5 min at next "
                       "visit.\n", codesets)
    assert [s for s in planned if s.code == "99406" and Flag.NEGATED in s.flags]
    today = grounded("Assessment: 1. Tobacco use disorder. Smoking cessation counseling 5 min today.\n", codesets)
    assert [s for s in today if s.code == "99406" and not s.flags]


def test_a_supply_advised_as_needed_is_not_dispensed(codesets):
    note = ("Urgent care. 24F rolled her left ankle.\nDx: Sprain of left ankle.\n"
            "Plan: RICE, ibuprofen, ankle brace (dispensed), crutches prn, follow up in 1 week.\n")
    got = codes(suggest(note, codesets))
    assert "L1902" in got and "E0114" not in got, sorted(got)


def test_a_vaccine_due_and_given_after_a_dash_is_given(codesets):
    note = ("Assessment: HIV infection, well controlled on ART.\n"
            "Also due for influenza vaccine - given today (quadrivalent, IM, preservative-free 0.5 mL).\n")
    assert {"90686", "90471"} <= codes(suggest(note, codesets))
    later = note.replace("given today", "will return for it next month")
    assert not codes(suggest(later, codesets)) & {"90686", "90471"}


def test_a_vaccines_name_in_parentheses_is_the_same_product(codesets):
    note = ("ID CLINIC, 44 yo M.\nAssessment: Hepatitis B non-immune - vaccinate.\n"
            "- Heplisav-B (hepatitis B vaccine, adjuvanted, 2-dose series) dose #1 given IM R deltoid today.\n")
    got = codes(suggest(note, codesets))
    assert {"90739", "90471"} <= got and not got & {"90744", "90746", "90472"}, sorted(got)


def test_a_procedure_visits_landmark_guided_injection_is_the_service(codesets):
    note = ("ORTHOPAEDICS - Procedure visit\nHere for scheduled L knee corticosteroid injection.\n"
            "Dx: Primary osteoarthritis, left knee.\n"
            "PROCEDURE: Left knee intra-articular injection, anatomic landmarks (no ultrasound). Injected 40 mg "
            "triamcinolone acetonide + 4 mL 1% lidocaine.\n")
    got = codes(suggest(note, codesets))
    assert "20610" in got and "20611" not in got, sorted(got)
    assert not {c for c in got if c.startswith("992")}, sorted(got)


def test_cessation_minutes_in_words_count_and_minutes_below_three_do_not(codesets):
    note = ("Office visit.\nMy impression is acute bronchitis.\nWe also spent about five minutes on smoking cessation; "
            "he will start the 14 mg patch.\n")
    assert "99406" in codes(suggest(note, codesets))
    brief = "Office visit.\nPlan:\n- Brief motivational discussion re vaping (< 3 min); he'll think about NRT.\n"
    assert not codes(suggest(brief, codesets)) & {"99406", "99407"}


def test_an_oral_vaccine_given_po_and_risks_discussed_by_the_provider_are_the_counseled_administration(codesets):
    note = ("WELL CHILD VISIT. Patient: TESTPATIENT, MILO, 6 mo M.\nPLAN\n"
            "- Immunizations today (VIS given, risks/benefits discussed with mom by me, questions answered):\n"
            "   * DTaP-IPV-Hib-HepB (Vaxelis) #3 IM R thigh\n   * Pneumococcal conjugate PCV20 (Prevnar 20) #3 IM L thigh\n"
            "   * Rotavirus RV5 (RotaTeq) #3 PO\n")
    got = codes(suggest(note, codesets))
    assert {"90697", "90677", "90680", "90460", "90461"} <= got and not got & {"90471", "90472", "90474"}, sorted(got)


def test_a_bare_flu_vaccine_beside_one_named_by_its_kind_is_the_same_dose(codesets):
    note = ("MEDICARE ANNUAL WELLNESS VISIT. 74 F, Medicare Part B.\n"
            "Influenza vaccine: Fluzone High-Dose (HD trivalent, PF) 0.5 mL IM L deltoid, VIS given.\n"
            "Assessment:\n1. Annual wellness visit.\n2. Flu vaccine given.\n")
    got = codes(suggest(note, codesets))
    assert "90662" in got and "90686" not in got, sorted(got)
    plain = "Assessment: 1. Flu vaccine given today IM.\n"
    assert "90686" in codes(suggest(plain, codesets))


def test_a_colonoscopys_cecal_intubation_time_is_no_airway_and_no_visit_time(codesets):
    note = ("COLONOSCOPY REPORT\nIndication: average-risk screening, age 52.\nProcedure: colonoscopy to the cecum. "
            "Cecal intubation time 6 min. Withdrawal time 11 min. Boston Bowel Prep Scale 8.\nFindings: 6 mm sessile "
            "polyp in the ascending colon, removed with cold snare.\n")
    got = codes(suggest(note, codesets))
    assert "45385" in got and "31500" not in got and not {c for c in got if c.startswith("992")}, sorted(got)


def test_cpap_supplies_ordered_through_the_dme_supplier_are_not_the_physicians_to_bill(codesets):
    note = ("Sleep medicine telehealth follow-up.\nAssessment: Severe obstructive sleep apnea, excellent CPAP adherence.\n"
            "Plan:\n- Continue auto-CPAP; order replacement nasal pillow cushions and filters through her DME supplier.\n")
    got = codes(suggest(note, codesets), System.HCPCS)
    assert not got & {"E0601", "A7034", "A7033"}, sorted(got)
    fitted = "Plan: Lace-up ankle brace dispensed and fitted in clinic today.\n"
    assert codes(suggest(fitted, codesets), System.HCPCS)


def test_an_ed_ecg_read_formally_by_cardiology_is_not_the_ed_physicians_to_report(codesets):
    own = "ED course: ECG at 14:10 (my interpretation): sinus rhythm 78, no ST changes.\n"
    assert "93010" in codes(suggest(own, codesets, "ed"), System.CPT)
    formal = ("ED course: ECG at 14:10 (my interpretation): sinus rhythm 78, no ST changes. (Formal interpretation "
              "by cardiology.)\n")
    assert "93010" not in codes(suggest(formal, codesets, "ed"), System.CPT)


def test_a_chemical_matrixectomy_is_the_nail_and_matrix_excision_alone(codesets):
    note = ("Procedure: Partial nail avulsion with chemical matrixectomy, L hallux medial border. Phenol 89% applied "
            "to the medial nail matrix 3 x 30 sec.\n")
    got = codes(suggest(note, codesets), System.CPT)
    assert "11750" in got and "11730" not in got, got
    plain = "Procedure: Partial nail avulsion, L hallux medial border, under digital block.\n"
    assert "11730" in codes(suggest(plain, codesets), System.CPT)


def test_a_catheter_placed_in_the_ed_is_not_the_hospitalists_procedure(codesets):
    note = "Hospital course:\n3. CAUTI: Foley placed 07/20 in ED for the OR, removed 07/23; urine culture E. coli.\n"
    assert "51702" not in codes(suggest(note, codesets, "inpatient"), System.CPT)
    own = "ED course: Foley catheter placed by me for retention, 900 mL drained.\n"
    assert "51702" in codes(suggest(own, codesets, "ed"), System.CPT)


def test_vaccines_listed_under_a_header_that_says_they_were_given(codesets):
    note = ("52-year-old man, annual visit. Assessment: well adult.\n"
            "Immunizations given this visit by MA:\n"
            "- Shingrix dose 1 - left arm\n"
            "- Td booster (Tenivac) - right arm\n\n"
            "Due next visit:\n- Shingrix dose 2\n")
    got = codes(suggest(note, codesets), System.CPT)
    assert {"90750", "90714", "90471", "90472"} <= got
    listed = ("52-year-old man, annual visit. Assessment: well adult.\n"
              "Immunizations on file:\n- Shingrix dose 1 - 2024\n- Td booster (Tenivac) - 2019\n")
    assert not {"90750", "90714", "90471"} & codes(suggest(listed, codesets), System.CPT)


def test_a_generic_vaccine_name_with_its_brand_in_parentheses_is_one_product(codesets):
    note = ("Adult vaccine visit, 45 yo M. Hepatitis B vaccine (Heplisav-B, 2-dose) 0.5 mL IM left deltoid given "
            "today, VIS provided.\n")
    got = codes(suggest(note, codesets), System.CPT)
    assert "90739" in got and "90746" not in got and "90472" not in got


def test_a_joint_injection_named_on_the_line_above_its_drug(codesets):
    note = ("A/P: Left shoulder subacromial bursitis.\n"
            "- Left shoulder intra-articular steroid injection today after consent.\n"
            "  Technique: posterior approach, 25 g needle; 40 mg methylprednisolone acetate with 3 mL 1% lidocaine "
            "given without resistance. Tolerated well.\n")
    got = codes(suggest(note, codesets))
    assert "20610" in got and "J1030" in got


def test_a_joint_aspirated_without_a_drug_is_the_joint_aspiration_of_its_size(codesets):
    base = "URGENT CARE VISIT, established 50M.\n{}\nAssessment: gout flare.\nPlan: colchicine.\n"
    got = codes(suggest(base.format("Procedure: arthrocentesis of the left 1st MTP joint, 0.3 mL aspirated, sent for "
                                    "crystals."), codesets))
    assert "20600" in got and not got & {"20605", "20610"}
    assert "20610" in codes(suggest(base.format("Right knee aspirated: 25 mL of cloudy fluid sent for cell count."),
                                    codesets))
    assert not codes(suggest(base.format("Will consider arthrocentesis of the knee if no better."), codesets)) & {
        "20600", "20605", "20610"}


def test_a_timed_infusion_is_an_infusion_once_and_its_carrier_saline_no_drug(codesets):
    note = ("A: Osteoporosis, intolerant of oral bisphosphonate. Plan IV zoledronic acid 5 mg yearly; proceeds today.\n"
            "Procedure: Zoledronic acid 5 mg in 100 mL NS IV, start 13:05, stop 13:37. NS at KVO, then saline flush. "
            "No reaction.\n")
    got = codes(suggest(note, codesets))
    assert {"96365", "J3489"} <= got and not got & {"96374", "96375", "96360", "J7030", "J7050"}, sorted(got)
    # a prescription started is still no administration
    assert "96365" not in codes(suggest("Plan: start alendronate 70 mg weekly by mouth.", codesets))


def test_a_medicare_wound_closed_with_tissue_adhesive_alone_is_g0168(codesets):
    note = ("ED NOTE. 79 yo M, Insurance: Medicare. Tripped, struck chin. 1.8 cm chin laceration.\n"
            "Procedure: wound irrigated, edges approximated and closed with Dermabond only; no sutures.\n")
    got = codes(suggest(note, codesets, "ed"))
    assert "G0168" in got and not any(c.startswith("120") for c in got), sorted(got)
    # sutured, or not Medicare: the simple repair
    sutured = note.replace("closed with Dermabond only; no sutures", "closed with 6-0 nylon, 4 simple interrupted")
    assert "12011" in codes(suggest(sutured, codesets, "ed"))
    private = note.replace("Medicare", "Aetna PPO")
    assert "12011" in codes(suggest(private, codesets, "ed"))


def test_the_drug_of_a_tendon_sheath_injection_told_in_its_own_sentence(codesets):
    note = ("PROCEDURE - L middle finger A1 pulley / flexor tendon sheath injection\n"
            "Time-out done. 27g needle into the flexor tendon sheath at the A1 pulley. Injected triamcinolone "
            "acetonide (Kenalog) 10 mg + 1% lidocaine 0.5 mL. Tolerated well.\n"
            "A: Trigger finger, left middle finger.\n")
    got = codes(suggest(note, codesets))
    assert {"20550", "J3301"} <= got, sorted(got)


def test_a_without_the_note_says_itself_chooses_the_code_without_it(codesets):
    note = ("Assessment: Buckle fracture of the R distal radius.\n"
            "Treatment: Closed treatment without manipulation; short arm fiberglass cast applied by me.\n")
    got = codes(suggest(note, codesets))
    assert "25600" in got and "25605" not in got, sorted(got)
    knee = ("Procedure: R knee arthrocentesis and injection, landmark technique, without ultrasound guidance. "
            "Injected triamcinolone 40 mg into the R knee joint.\n")
    got = codes(suggest(knee, codesets))
    assert "20610" in got and "20611" not in got, sorted(got)


def test_a_closed_treatment_told_as_done_is_the_fracture_care_not_the_cast(codesets):
    note = ("Assessment: Buckle fracture, R distal radius, stable.\n"
            "Treatment: Closed treatment, no reduction. Short arm fiberglass cast applied by me, well padded.\n")
    got = codes(suggest(note, codesets))
    assert "25600" in got and "29075" not in got, sorted(got)
    planned = codes(suggest("A: Distal radius fracture.\nPlan: closed treatment with a cast at ortho clinic.\n",
                            codesets))
    assert not planned & {"25600", "25605", "29075"}, sorted(planned)


def test_a_film_the_provider_reviews_in_agreement_with_radiology_is_the_radiologists_read(codesets):
    note = ("Admission H&P.\nCXR images personally reviewed by me: hyperinflation, no consolidation - in agreement "
            "with radiology.\nAssessment: asthma exacerbation.\n")
    assert not {c for c in codes(suggest(note, codesets, "inpatient")) if c.startswith("710")}
    assert "71046" in codes(suggest(note.replace(" - in agreement with radiology", "; 2 views"), codesets, "inpatient"))


def test_a_procedure_reports_description_and_findings_tell_what_it_did_forceps_and_snare_apart(codesets):
    # the history list above "Description:" ends there; a polyp taken with biopsy forceps is the biopsy code, one
    # taken with a snare the snare code
    note = ("ENDOSCOPY REPORT - COLONOSCOPY\nIndication: surveillance, hx of adenomas.\nPMH: asthma, GERD.\n"
            "Description: The colonoscope was passed to the cecum; prep good.\nFindings:\n"
            "1) Cecum: 3 mm polyp - removed with cold biopsy forceps.\n2) Descending colon: 8 mm polyp - removed with "
            "hot snare.\n3) Pan-diverticulosis.\nImpression: two polyps removed; diverticulosis of the colon.\n")
    got = codes(suggest(note, codesets))
    assert {"45380", "45385"} <= got and not {c for c in got if c.startswith("992")}, sorted(got)
    assert "K57.30" in offline_codes(codesets, note)


def test_an_ed_film_the_radiologist_over_reads_is_the_radiologists_and_an_urgent_cares_is_its_own(codesets):
    note = ("XR R wrist 3 views - my interpretation: no fracture. (Radiology over-read pending.)\n"
            "Assessment: wrist sprain.\n")
    assert "73110" not in codes(suggest(note, codesets, "ed"))
    assert "73110" in codes(suggest(note, codesets, "outpatient"))


def test_clipping_a_pets_nails_is_grooming_an_animal(codesets):
    note = ("HPI: 52M scratched and bitten on the R hand by his dog while clipping the dog's nails in the kitchen of his "
            "apartment.\nDx: open bite of right hand, initial encounter.\n")
    got = offline_codes(codesets, note, "ed")
    assert {"W54.0XXA", "Y93.K3"} <= got, sorted(got)
