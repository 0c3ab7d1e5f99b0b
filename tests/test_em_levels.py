"""E/M levels by the 2021 office/outpatient MDM table, total time, the 2023 ED and hospital rules,
and preventive visits: each rule on a short note written from the guideline's own wording."""

from __future__ import annotations

import pytest

from medcoder_tui.codes.systems import System
from medcoder_tui.engines.analysis.clinical_text import analyze
from medcoder_tui.engines.procedures.suggest import suggest_procedures

BOTH = {System.CPT, System.HCPCS}
EM_PREFIXES = ("992", "993", "994", "G04", "G22")


def em(note: str, codesets, setting: str = "outpatient"):
    raws = suggest_procedures(note, analysis=analyze(note), types=BOTH, setting=setting, codesets=codesets)
    return {r.code: r.reasoning for r in raws if r.code.startswith(EM_PREFIXES)}


def all_codes(note: str, codesets, setting: str = "outpatient") -> set[str]:
    """Every CPT and HCPCS code the procedure rules suggest for ``note``."""
    return {r.code for r in suggest_procedures(note, analysis=analyze(note), types=BOTH, setting=setting,
                                               codesets=codesets)}


OFFICE = "OFFICE VISIT, established patient, 58 yo M.\n"


@pytest.mark.parametrize(("body", "expected", "words"), [
    # chronic illness with progression + prescription drug management: moderate
    ("Assessment: 1. Type 2 diabetes, worsening control, A1c above goal.\nPlan: increase metformin to 1000 mg BID.\n",
     "99214", ["problems moderate", "risk moderate"]),
    # acute uncomplicated illness + over-the-counter drugs: low
    ("Assessment: Acute pharyngitis.\nPlan: ibuprofen OTC, fluids, salt water gargles.\n",
     "99213", ["problems low", "over-the-counter"]),
    # one self-limited problem, rest only: straightforward
    ("Assessment: Insect bite of left forearm, minor.\nPlan: reassurance, cool compresses.\n",
     "99212", ["problems straightforward", "risk straightforward"]),
    # two stable chronic illnesses + prescriptions continued: moderate
    ("Assessment:\n1. Hypertension, stable.\n2. Hyperlipidemia, at goal.\nPlan: continue lisinopril 10 mg daily and "
     "atorvastatin 20 mg daily.\n", "99214", ["2 stable chronic"]),
    # one stable chronic illness + prescription: low (two of three at low or above)
    ("Assessment: Hypothyroidism, stable.\nPlan: continue levothyroxine 50 mcg daily.\n",
     "99213", ["one stable chronic illness"]),
    # 'no pneumonia' is not an acute illness with systemic symptoms
    ("Assessment: Influenza A, no pneumonia.\nPlan: oseltamivir 75 mg BID x 5 d.\n", "99213", ["problems low"]),
    # chronic illness with side effects of treatment
    ("Assessment: Hypertension with ACE inhibitor cough (side effect of treatment).\nPlan: stop lisinopril, "
     "start losartan 50 mg daily.\n", "99214", ["problems moderate"]),
    # a cancer under active surveillance is a chronic illness; with nicotine dependence, two
    ("Assessment:\n1. Malignant neoplasm of prostate on active surveillance - clinically stable.\n2. Nicotine "
     "dependence, cigarettes.\nPlan: start varenicline 0.5 mg daily.\n", "99214", ["2 stable chronic"]),
    # a chronic illness whose dose is stepped up is not at its goal; a therapy referral is no therapy given
    ("Assessment: 1. Major depressive disorder, recurrent, moderate.\nPlan: increase sertraline to 150 mg "
     "daily; CBT referral.\n", "99214", ["not at its treatment goal"]),
    # a dash starts a new clause: the decline is not negated by the "without" before it
    ("Assessment: 1. Osteoporosis without current fracture - BMD declining off bisphosphonate.\nPlan: start "
     "alendronate 70 mg weekly.\n", "99214", ["progression", "alendronate"]),
])
def test_office_level_by_mdm_elements(codesets, body, expected, words):
    got = em(OFFICE + body, codesets)
    assert list(got) == [expected], got
    for w in words:
        assert w in got[expected]


def test_undiagnosed_new_problem_with_three_reviewed_tests_is_moderate_for_a_new_patient(codesets):
    note = ("CLINIC NOTE, 44 yo F, new to clinic.\nOutside records reviewed. CBC, CMP and TSH reviewed.\n"
            "Assessment: Fatigue and weight loss, possible hyperthyroidism vs occult malignancy.\n"
            "Plan: return in 2 weeks.\n")
    got = em(note, codesets)
    assert list(got) == ["99204"], got
    assert "undiagnosed new problem" in got["99204"] and "data moderate" in got["99204"]


def test_a_test_the_provider_reports_separately_does_not_count_again_as_data(codesets):
    note = (OFFICE + "ECG performed in office and interpreted by me: sinus rhythm, no ST changes.\n"
            "Assessment: Atypical chest wall pain.\nPlan: ibuprofen OTC.\n")
    got = em(note, codesets)
    assert list(got) == ["99213"], got
    assert "0 unique test" in got["99213"] and "independent interpretation" not in got["99213"]


def test_a_wifes_history_the_referral_notes_and_an_ordered_sleep_study_are_data(codesets):
    note = ("SLEEP MEDICINE - NEW PATIENT, 52 yo M\nReferred by his PCP, whose referral note and office notes from "
            "01/2026 I have reviewed.\nHPI: His wife, who accompanies him, provides much of the nocturnal history.\n"
            "Impression: snoring and witnessed apneas, obstructive sleep apnea suspected.\n"
            "Plan: home sleep apnea test ordered.\n")
    got = em(note, codesets)
    level = next(iter(got))
    assert "sleep study" in got[level] and "external notes" in got[level] and "independent historian" in got[level], got


def test_history_mainly_from_a_daughter_and_a_call_with_the_home_health_case_manager(codesets):
    note = (OFFICE + "History obtained mainly from the daughter because of the patient's cognitive impairment.\n"
            "I also spoke by phone today with the agency's RN case manager about home safety.\n"
            "Assessment: Alzheimer disease with agitation.\nPlan: stop diphenhydramine.\n")
    got = em(note, codesets)
    level = next(iter(got))
    assert "independent historian" in got[level] and "discussion with an external" in got[level], got


def test_clear_lungs_and_a_culture_not_sent_are_no_tests_reviewed(codesets):
    note = (OFFICE.replace("58 yo M", "4 yo M") + "History from mother.\nLungs: CTA b/l, no wheeze.\n"
            "Backup throat culture not sent (low pretest probability).\nAssessment: Acute otitis media, right ear.\n"
            "Plan: amoxicillin 90 mg/kg/day x 10 days.\n")
    got = em(note, codesets)
    assert list(got) == ["99213"] and "0 unique test" in got["99213"], got


def test_a_film_read_beside_a_billed_ecg_is_still_an_independent_interpretation(codesets):
    note = ("EMERGENCY DEPARTMENT NOTE, 57 yo M.\nResults:\n- ECG (my interpretation): sinus rhythm, no ST changes.\n"
            "- CBC, BMP, troponin x2, lipase normal.\n- CXR (my independent read: no infiltrate; radiology concurs).\n"
            "Assessment: Chest pain, ACS ruled out.\nPlan: discharge, outpatient stress test.\n")
    got = em(note, codesets, setting="ed")
    level = next(c for c in got if c.startswith("9928"))
    # the ECG read is its own billed service (93010); the chest film's read, which radiology bills, counts
    assert "independent interpretation" in got[level] and "data high" in got[level], got


def test_total_time_selects_a_higher_level_than_mdm_and_prolonged_time_adds_99417(codesets):
    low = OFFICE + "Assessment: Acute pharyngitis.\nPlan: ibuprofen OTC.\n"
    assert list(em(low + "Total time on the date of the encounter: 42 minutes.\n", codesets)) == ["99215"]
    assert set(em(low + "Total time 72 minutes.\n", codesets)) == {"99215", "99417"}
    assert list(em(low, codesets)) == ["99213"]  # no time documented: no prolonged service


def test_mdm_wins_when_time_supports_a_lower_level(codesets):
    note = (OFFICE + "Assessment: 1. Type 2 diabetes, uncontrolled.\nPlan: start insulin glargine 10 units qhs.\n"
            "Total time 12 minutes.\n")
    assert list(em(note, codesets)) == ["99214"]


@pytest.mark.parametrize(("body", "expected"), [
    # severe exacerbation + decision regarding hospitalization + historian and discussion: high
    ("History per mother (historian). Discussed with the on-call pediatric pulmonologist.\n"
     "Assessment: Asthma with severe exacerbation.\nDisposition: admit to pediatrics for continuous nebs.\n", "99285"),
    # undiagnosed new problem + three tests + prescription: moderate
    ("CBC, lipase and CMP reviewed.\nAssessment: Abdominal pain, r/o appendicitis.\nPlan: ondansetron 4 mg ODT "
     "Rx, return if worse.\n", "99284"),
    # threat to bodily function + an observation admission considered and declined: high
    ("Assessment: Severe hypoglycemia, threat to bodily function, after an accidental insulin overdose.\n"
     "MDM: considered observation admission; discharged with glucagon Rx given stable glucoses.\n", "99285"),
    # the decision about admission told in the ED course, not the plan: still a hospitalization decision
    ("Troponin x2, CBC, BMP and TSH reviewed. Discussed with the on-call cardiologist.\nED course: rate "
     "controlled. Considered admission for telemetry; in NSR -> decision against admission.\nAssessment: "
     "Paroxysmal atrial fibrillation with RVR, new onset.\nPlan: metoprolol 25 mg BID.\n", "99285"),
    # numbered items on one line are items; acute on chronic is an exacerbation; AKI threatens a function
    ("BNP and troponin x2 reviewed.\nMDM: discussed with hospitalist; admit to telemetry.\nDx: 1. Acute on chronic "
     "systolic heart failure. 2. Acute kidney injury on CKD stage 3b. 3. Hypertension.\n", "99285"),
    # a kidney injury sent home with a recheck: an acute illness, not a threat to the kidney's function (moderate)
    ("CBC, BMP, UA and CT reviewed. Discussed with the on-call urologist.\nDiagnoses: 1. Right ureteral calculus with hydronephrosis. 2. Acute kidney "
     "injury (Cr 1.52 from 0.91).\nDisposition: discharged home. Rx: tamsulosin 0.4 mg daily; BMP in 48 h.\n", "99284"),
    # a febrile seizure is an acute illness with systemic symptoms; the diagnoses are the assessment when the note
    # has only a plan
    ("History from father (historian).\nDx:\n1. Simple febrile seizure\n2. Acute suppurative otitis media, right\n"
     "Plan: amoxicillin 90 mg/kg/day div BID x 10 d (Rx).\n", "99284"),
    # management discussed with the poison center (an appropriate outside source): extensive data
    ("BMP, INR and acetaminophen level reviewed. I discussed management with the regional poison center.\n"
     "Dx: 1. Accidental acetaminophen overdose, level below the treatment line.\nPlan: repeat level in 4 h.\n",
     "99285"),
    # "Anaphylactic reaction to ...": anaphylaxis told as an adjective threatens life too; observation weighed
    ("Dx:\n1. Anaphylactic reaction to honeybee sting, accidental, initial encounter.\nMDM: Considered admission to "
     "observation given initial hypotension; after 6-h ED observation, discharge.\n", "99285"),
    # "Surgery consulted": the consultant reached during the visit is a discussion of management (extensive data)
    ("CBC, UA, hCG and CT abdomen/pelvis reviewed. Surgery consulted and accepted for laparoscopic appendectomy.\n"
     "Diagnosis: Acute appendicitis without perforation.\nDisposition: admitted to general surgery.\n", "99285"),
    # an observation admission weighed against discharge is a decision regarding hospitalization
    ("Troponin x2, CBC, BMP and lipase reviewed. I spoke by phone with his PCP.\nDiscussed with pt: options of "
     "observation admission for stress testing tonight vs discharge with outpatient stress test.\nDx: 1. Chest "
     "pressure, atypical - ACS ruled out.\n", "99285"),
    # a nondisplaced fracture is an uncomplicated injury; "Chest: CTA" is a clear chest, not a CT angiogram
    ("History per father (historian).\nChest: CTA, no wheeze.\nL wrist XR 3 views: my independent interpretation: "
     "buckle fracture. Radiology final read concordant.\nAssessment: 1. Torus fracture, distal L radius, closed, nondisplaced.\nPlan: wrist brace, "
     "ibuprofen OTC.\n", "99283"),
    # "Rx:" under the disposition is what is prescribed now, not a medication list
    ("CBC, BMP, UA and CT reviewed. Discussed with the on-call urologist.\nDiagnosis: 1. R ureteral calculus with "
     "mild hydronephrosis.\nDISPOSITION: Discharged home.\n Rx: tamsulosin 0.4 mg daily x 14 d.\n", "99284"),
    # one minor problem: straightforward; ED time never selects the level
    ("Assessment: Minor abrasion of right knee.\nPlan: bandage, rest.\nTotal time 60 minutes.\n", "99282"),
    # an acute uncomplicated injury the ED physician repairs (minor surgery without risk factors): low
    ("Exam: 3.5 cm linear laceration of the left palm, tendons intact.\nProcedure: Laceration repair, simple, "
     "3.5 cm, left palm, 5 simple interrupted sutures.\nAssessment: Laceration of left palm.\nPlan: wound care, "
     "suture removal in 10 days.\n", "99283"),
])
def test_ed_level_by_mdm_only(codesets, body, expected):
    got = em("EMERGENCY DEPARTMENT NOTE, 9 yo M.\n" + body, codesets, "ed")
    assert list(got) == [expected], got


def test_a_plan_that_lists_a_prescription_drug_by_itself_is_prescription_drug_management(codesets):
    body = ("ED NOTE, 44 yo M.\nCT abdomen/pelvis and UA reviewed.\nImpression: Left ureteral calculus with "
            "hydronephrosis.\nPlan: strainer, {drug}, urology follow-up in 1 week.\n")
    got = em(body.format(drug="tamsulosin"), codesets, "ed")
    assert list(got) == ["99284"] and "prescription drug management ('tamsulosin')" in got["99284"], got
    # a drug named with other words is not by itself a prescription ("tamsulosin discussed"); the level stays
    # moderate by the problem (an obstructing stone) and the data (CT and UA)
    got = em(body.format(drug="tamsulosin discussed"), codesets, "ed")
    assert list(got) == ["99284"] and "prescription drug management" not in got["99284"], got


def test_an_ed_symptom_whose_serious_causes_were_weighed_is_an_undiagnosed_new_problem(codesets):
    note = ("EMERGENCY DEPARTMENT NOTE\nHistory: 61 y/o woman, chest tightness at rest. Hx HTN, hyperlipidemia.\n"
            "Workup: ECG without ischemic changes. Troponin x2 negative. CXR no acute process.\n"
            "MDM: Presentation concerning for ACS, ruled out with serial troponins.\n"
            "Final diagnosis: Chest pain, unspecified\nDisposition: home, outpatient stress test.\n")
    got = em(note, codesets, "ed")
    assert list(got) == ["99284"] and "undiagnosed new problem" in got["99284"], got
    # hyperlipidemia is a condition, not a lipid panel: three tests here, not four
    assert "3 unique test(s)" in got["99284"], got
    # the same symptom with nothing weighed is an acute uncomplicated problem
    plain = note.replace("MDM: Presentation concerning for ACS, ruled out with serial troponins.\n", "")
    assert list(em(plain, codesets, "ed")) == ["99283"]


def test_ed_injury_in_an_anticoagulated_patient_is_an_acute_complicated_injury(codesets):
    note = ("ED NOTE, 80 yo F.\nMeds: apixaban.\nXR wrist and INR reviewed.\nAssessment: 1. Contusion of left wrist. "
            "2. On anticoagulation.\nPlan: continue apixaban 5 mg BID, ice.\n")
    got = em(note, codesets, "ed")
    assert list(got) == ["99284"] and "acute complicated injury" in got["99284"]


def test_hospital_progress_note_by_mdm(codesets):
    note = ("PROGRESS NOTE, hospital day 3, 70 yo M.\nCBC, BMP and lactate reviewed.\nAssessment: Sepsis due to "
            "pneumonia, improving.\nPlan: continue ceftriaxone 1 g IV daily.\n")
    assert list(em(note, codesets, "inpatient")) == ["99232"]  # high problem, moderate data and risk


@pytest.mark.parametrize(("head", "expected"), [
    ("WELL CHILD CHECK, established patient, 15 mo old M.\n", "99392"),
    ("WELL BABY VISIT, new patient, 9 month old F.\n", "99381"),
    ("ANNUAL PHYSICAL, new patient, 45 yo F.\n", "99386"),
    ("Preventive visit. Established patient, 70 yo M.\n", "99397"),
    # the age beside the birth date, not an event's age later in the history
    ("ANNUAL PREVENTIVE EXAM - ESTABLISHED PATIENT\nDOB: 06/30/1974 (52 y)  M\nPSH: appendectomy age 16.\n", "99396"),
    ("ANNUAL PHYSICAL, established patient.\nPSH: tonsillectomy at age 8.\nAge: 67\n", "99397"),
    ("WELL CHILD CHECK - 4 year old male, established patient\n", "99392"),
    # the age after the sex word, and an age only the birth date and the visit's date tell
    ("WELL CHILD VISIT, established patient\nTESTPATIENT, male, 24 months, MRN TEST-1\n", "99392"),
    ("PREVENTIVE VISIT, established patient\nDate of service: 03/14/2026   DOB: 06/02/1979\n", "99396"),
    ("WELL CHILD VISIT, established patient\nDOB 2025-09-01, seen 2026-06-10. T 99.1 F.\n", "99391"),
])
def test_preventive_visit_by_age_band_and_new_or_established(codesets, head, expected):
    assert list(em(head + "Exam normal. Counseled on diet and exercise.\n", codesets)) == [expected]


def test_awv_initial_only_when_this_visit_is_the_initial_one(codesets):
    subsequent = "MEDICARE ANNUAL WELLNESS VISIT\nDOS 03/05/2026, 71 yo F.\nHere for AWV (initial AWV 2025).\n"
    initial = "MEDICARE ANNUAL WELLNESS VISIT\nDOS 03/05/2026, 66 yo F.\nInitial annual wellness visit today.\n"
    assert list(em(subsequent, codesets)) == ["G0439"]
    assert list(em(initial, codesets)) == ["G0438"]


def test_g2211_only_when_longitudinal_care_is_documented(codesets):
    note = OFFICE + "Assessment: Hypothyroidism, stable.\nPlan: continue levothyroxine 50 mcg daily.\n"
    assert "G2211" not in em(note, codesets)
    longitudinal = note + "I am the continuing focal point for all her health care services.\n"
    assert set(em(longitudinal, codesets)) == {"99213", "G2211"}


def test_no_em_inside_a_global_package_or_on_an_operative_report(codesets):
    post_op = OFFICE + "Post-op visit, 10 days after carpal tunnel release (global period).\nWound healed.\n"
    op = "OPERATIVE REPORT\n50 yo F.\nProcedure: laparoscopic cholecystectomy.\nAssessment: acute cholecystitis.\n"
    assert em(post_op, codesets) == {}
    assert em(op, codesets, "inpatient") == {}


def test_discharge_day_stays_when_the_stay_had_a_procedure_outside_a_global_package(codesets):
    note = ("DISCHARGE SUMMARY\n66 yo M.\nEGD performed on day 2: clean-based duodenal ulcer.\n"
            "Discharge day management time: 40 minutes.\n")
    assert "99239" in em(note, codesets, "inpatient")


def test_new_patient_wording(codesets):
    body = "Assessment: Acute pharyngitis.\nPlan: ibuprofen OTC.\n"
    assert list(em("URGENT CARE, 28 yo F, new to clinic.\n" + body, codesets)) == ["99203"]
    assert list(em("URGENT CARE, 28 yo F.\n" + body, codesets)) == ["99213"]


def test_a_procedure_dated_in_an_earlier_year_is_history_not_a_service(codesets):
    note = (OFFICE.replace("58 yo M.", "58 yo M. DOS 05/27/2026.") + "Colonoscopy 2025: 1 small polyp removed.\n"
            "Assessment: Hypertension, stable.\nPlan: continue amlodipine 5 mg daily.\n")
    raws = suggest_procedures(note, analysis=analyze(note), types=BOTH, setting="outpatient", codesets=codesets)
    assert not any(r.code.startswith("453") for r in raws)
    assert "99213" in {r.code for r in raws}


def test_subsequent_awv_with_a_depression_screen_done_adds_g0444_but_the_initial_one_does_not(codesets):
    screen = "Depression screening: PHQ-9 administered today, score 2 (negative).\n"
    subsequent = "MEDICARE ANNUAL WELLNESS VISIT (subsequent)\n72 yo M.\n" + screen
    initial = "MEDICARE ANNUAL WELLNESS VISIT\n66 yo F.\nInitial annual wellness visit today.\n" + screen
    assert set(em(subsequent, codesets)) == {"G0439", "G0444"}
    assert set(em(initial, codesets)) == {"G0438"}
    assert set(em(subsequent.replace(screen, "Depression screening due next year.\n"), codesets)) == {"G0439"}
    # a screen told by its scores alone is done too
    scored = subsequent.replace(screen, "Depression screen: PHQ-2 1, PHQ-9 3 - negative.\n")
    assert set(em(scored, codesets)) == {"G0439", "G0444"}


@pytest.mark.parametrize(("minutes", "expected"), [(25, set()), (50, {"99291"}), (80, {"99291", "99292"})])
def test_critical_care_and_its_add_on_by_documented_minutes(codesets, minutes, expected):
    note = (f"ED NOTE, 67 yo M.\nAssessment: Septic shock.\nPlan: admit to ICU.\nCritical care time: {minutes} "
            "minutes, excluding procedures.\n")
    got = set(em(note, codesets, "ed"))
    assert got - {"99285"} == expected


def test_a_separately_identifiable_problem_gets_its_own_em_beside_the_preventive_visit_only_when_documented(codesets):
    exam = "ANNUAL PHYSICAL, established patient, 50 yo M.\nExam normal. Counseled on diet.\n"
    problem = ("Assessment: Type 2 diabetes, worsening control. Significant, separately identifiable problem "
               "addressed today.\nPlan: increase metformin to 1000 mg BID.\n")
    assert set(em(exam, codesets)) == {"99396"}
    assert set(em(exam + problem, codesets)) == {"99396", "99214"}
    assert set(em(exam + problem.replace("Significant, separately", "No separately"), codesets)) == {"99396"}


def test_no_em_when_the_note_says_none_is_separately_identifiable(codesets):
    note = (OFFICE + "Assessment: Hypertension, stable.\nPlan: continue lisinopril 10 mg daily.\n"
            "No separately identifiable E/M billed today.\nTotal time 30 minutes.\n")
    assert em(note, codesets) == {}


def test_initial_hospital_care_counts_the_decision_to_admit_but_a_progress_note_does_not(codesets):
    hp = ("HISTORY AND PHYSICAL, 75 yo F.\nCBC, BMP, lactate and blood cultures reviewed. CXR: RLL infiltrate.\n"
          "Assessment: Sepsis due to right lower lobe pneumonia.\nPlan: admit to medicine, ceftriaxone 1 g IV daily.\n")
    progress = ("PROGRESS NOTE, hospital day 2, 75 yo F.\nAssessment: Community-acquired pneumonia, improving.\n"
                "Plan: patient was admitted to medicine yesterday; continue current care, ambulate.\n")
    assert list(em(hp, codesets, "inpatient")) == ["99223"]
    got = em(progress, codesets, "inpatient")
    assert list(got) == ["99231"] and "hospitalization" not in got["99231"]


def test_an_earlier_initial_visit_mentioned_later_in_the_note_does_not_make_a_new_patient(codesets):
    note = (OFFICE.replace("established patient, ", "") + "Follow-up of knee pain. " + "Stable since then. " * 30
            + "\nHPI: seen at the initial visit in March, better with PT.\nAssessment: Osteoarthritis of right knee, "
            "stable.\nPlan: continue home exercises; naproxen OTC prn.\n")
    assert list(em(note, codesets)) == ["99213"]


def test_negated_escalation_and_the_visits_own_nursing_notes_do_not_raise_the_level(codesets):
    note = ("ED NOTE, 30 yo F.\nNursing notes reviewed. Triage notes reviewed.\nAssessment: Acute viral gastroenteritis."
            "\nPlan: oral rehydration, no ICU needs, does not require admission for now; return if worse.\n")
    got = em(note, codesets, "ed")
    assert list(got) == ["99282"], got  # low problem, minimal data, minimal risk: straightforward
    assert "external notes" not in got["99282"] and "escalation" not in got["99282"]


def test_a_follow_up_interval_in_months_is_not_the_patients_age(codesets):
    note = "ANNUAL PHYSICAL, established patient, last one 12 mo ago. 45 yo F.\nExam normal. RTC 12 mo.\n"
    assert list(em(note, codesets)) == ["99396"]
    infant = "WELL CHILD CHECK, established patient, age: 4 months.\nExam normal. RTC 2 mo.\n"
    assert list(em(infant, codesets)) == ["99391"]


def test_hemoglobin_a1c_is_one_test_not_also_a_blood_count(codesets):
    note = OFFICE + "Hemoglobin A1c reviewed: 7.9.\nAssessment: Type 2 diabetes, stable.\nPlan: diet.\n"
    got = em(note, codesets)
    assert "1 unique test(s) (a1c)" in next(iter(got.values()))



def test_plan_bullets_after_an_impression_paragraph_are_not_problems(codesets):
    from medcoder_tui.engines.analysis.clinical_text import analyze
    from medcoder_tui.engines.procedures import mdm
    from medcoder_tui.engines.procedures.context import _Ctx

    note = ("UROLOGY - NEW PATIENT OFFICE VISIT\n58 yo M.\n\nImpression: Asymptomatic microscopic hematuria, "
            "persistent. Ddx: r/o urothelial carcinoma vs nephrolithiasis. No current evidence of stone.\n\nPlan:\n"
            "- CT urogram ordered.\n- Urine cytology ordered.\n")
    ctx = _Ctx(note, analyze(note), "outpatient", codesets)
    items = mdm._items(mdm._assessment(ctx))
    assert not any("ordered" in item for item in items)
    assert mdm.problems(ctx).level == 2      # an undiagnosed new problem with uncertain prognosis



def test_the_assessment_not_the_standing_problem_list_is_what_was_addressed(codesets):
    from medcoder_tui.engines.analysis.clinical_text import analyze
    from medcoder_tui.engines.procedures import mdm
    from medcoder_tui.engines.procedures.context import _Ctx

    note = ("PEDIATRICS - ADHD FOLLOW-UP\n10 y, est. pt.\n\nProblem list:\n1. ADHD, combined type\n2. Seasonal "
            "allergies (not active)\n\nInterval hx: appetite down.\n\nA/P:\nADHD combined type - not at goal. Increase "
            "OROS methylphenidate to 36 mg qAM.\nDecreased appetite - adverse effect of methylphenidate.\n")
    ctx = _Ctx(note, analyze(note), "outpatient", codesets)
    assert mdm.problems(ctx).level == 2 and mdm.mdm(ctx)[0] == 2
    two = ("PSYCHIATRY follow-up, est pt.\nA/P:\n1. Opioid use disorder, severe, in sustained remission, on "
           "buprenorphine.\n2. Generalized anxiety disorder - improved.\n")
    ctx = _Ctx(two, analyze(two), "outpatient", codesets)
    assert mdm.problems(ctx).level == 2      # two stable chronic illnesses



def test_more_than_a_bound_of_discharge_minutes(codesets):
    from medcoder_tui.engines.analysis.clinical_text import analyze
    from medcoder_tui.engines.procedures.suggest import suggest_procedures
    from medcoder_tui.codes.systems import System

    for text, expected in (("Discharge day time: > 30 min (45 min).", "99239"),
                           ("Discharge day time: more than 30 minutes.", "99239"),
                           ("Discharge day time: 25 min.", "99238")):
        note = "DISCHARGE SUMMARY\n69 y/o M.\n" + text + "\n"
        got = {r.code for r in suggest_procedures(note, analysis=analyze(note), types={System.CPT},
                                                  setting="inpatient", codesets=codesets)}
        assert expected in got, (text, got)


def test_a_delivery_billed_with_its_postpartum_care_has_no_discharge_day(codesets):
    note = ("OBSTETRIC DELIVERY AND DISCHARGE SUMMARY\n31 yo F, G1P0.\nCourse:\n- Primary low transverse cesarean "
            "delivery under epidural, performed by me. Liveborn female.\nPostpartum care will be in our office.\n"
            "Discharge day management time: 35 minutes.\n")
    got = all_codes(note, codesets, "inpatient")
    assert "59515" in got and not got & {"99238", "99239"}, got


def test_a_side_effect_of_treatment_that_weighs_admission_is_a_severe_one(codesets):
    body = ("Assessment:\n1. Immune-related colitis, grade 2, due to pembrolizumab given as prescribed.\n"
            "Plan: hold pembrolizumab. Start prednisone 80 mg PO daily (Rx). Admission for IV methylprednisolone "
            "was discussed and offered; shared decision to treat as an outpatient.\n")
    got = em(OFFICE + body, codesets)
    assert "99215" in got and "severe side effects" in got["99215"], got
    raws = suggest_procedures(OFFICE + body, analysis=analyze(OFFICE + body), types=BOTH, setting="outpatient",
                              codesets=codesets)
    assert not {r.code for r in raws} & {"J2920", "J2930", "96374"}   # only discussed, never given
    # the same side effect with no higher level of care weighed stays moderate
    mild = ("Assessment:\n1. Statin-induced myalgia, a side effect of atorvastatin.\n"
            "Plan: stop atorvastatin; start rosuvastatin 5 mg daily (Rx).\n")
    assert "99214" in em(OFFICE + mild, codesets)


def test_a_poisoning_with_admission_is_high_mdm_in_the_ed(codesets):
    body = ("Diagnoses:\n1. Accidental clonidine poisoning, initial encounter.\n2. Sinus bradycardia, somnolence.\n"
            "Dispo: admitted to PICU for continuous monitoring.\n")
    got = em("ED NOTE, 2 yo M.\n" + body, codesets, setting="ed")
    assert "99285" in got, got
    food = "Assessment:\n1. Food poisoning, tolerating fluids.\nPlan: oral rehydration, discharge home.\n"
    assert "99285" not in em("ED NOTE, 30 yo M.\n" + food, codesets, setting="ed")


def test_an_admission_history_and_physical_is_initial_hospital_care(codesets):
    note = ("ADMISSION HISTORY & PHYSICAL - Medicine\nAssessment & Plan:\n"
            "1. Metastatic disease to brain with 4 mm midline shift: dexamethasone IV; neurosurgery consult for "
            "resection vs SRS.\nAdmitted for management of the brain metastases.\n")
    got = em(note, codesets, setting="inpatient")
    assert "99223" in got, got


def test_tests_with_normal_results_count_and_each_imaging_site_is_its_own_test(codesets):
    body = ("ED course / MDM:\nHead CT and C-spine CT ordered - both negative per radiology.\n"
            "Serum EtOH 226 mg/dL. BMP unremarkable.\nDiagnoses:\n1. Laceration of scalp, 3.5 cm - repaired.\n"
            "2. Head trauma in an intoxicated patient.\nDispo: discharged home.\n")
    got = em("ED PHYSICIAN NOTE\n" + body, codesets, setting="ed")
    assert "99284" in got and "data moderate" in got["99284"], got
    # a dog bite needing repair is an acute complicated injury; "prophylactic" is no lactate test
    bite = ("MDM: Bite wound requiring repair with infection risk; prophylactic antibiotic indicated.\n"
            "Dx: Dog bite L forearm, laceration repaired.\nDispo: home. Amoxicillin-clavulanate 875/125 BID x 5 d (Rx).\n")
    got = em("ED PHYSICIAN NOTE\n" + bite, codesets, setting="ed")
    assert "99284" in got and "lactate" not in got["99284"], got


def test_a_poorly_controlled_allergic_rhinitis_is_a_chronic_illness_with_exacerbation(codesets):
    body = ("ALLERGY CLINIC - NEW PATIENT\nASSESSMENT:\n1. Allergic rhinitis due to tree and grass pollen (seasonal), "
            "poorly controlled.\nPLAN:\n- Start azelastine/fluticasone nasal spray BID (Rx).\n")
    got = em(body, codesets)
    assert "99204" in got and "exacerbation" in got["99204"], got


def test_a_second_problem_managed_with_a_prescription_beside_a_minor_procedure_is_its_own_em(codesets):
    body = ("ENT - NEW PATIENT VISIT\nPROCEDURE - removal of impacted cerumen, R ear, with ring curette.\n"
            "ASSESSMENT / PLAN:\n1. Swimmer's ear (acute infective otitis externa), LEFT ear.\n"
            "   - Ciprofloxacin/dexamethasone otic susp, 4 gtt L ear BID x 7 d (Rx sent).\n"
            "2. Impacted cerumen, RIGHT ear - removed w/ instrumentation as above.\n")
    got = em(body, codesets)
    assert any(c.startswith("9920") for c in got), got
    # the procedure's own problem alone: no separate E/M
    alone = body.split("1. Swimmer")[0] + "1. Impacted cerumen, RIGHT ear - removed w/ instrumentation as above.\n"
    assert not em(alone, codesets), em(alone, codesets)


def test_an_observation_admission_weighed_against_d_c_and_images_personally_reviewed_make_a_high_ed_visit(codesets):
    note = ("ED NOTE, 67 yo F.\nCC: syncope, hit head\nED course / MDM:\n- ECG (my interp): NSR, no ischemia.\n"
            "- Labs: CBC, BMP, hs-troponin, UA nl.\n- CT head w/o contrast: I personally reviewed images - no ICH; "
            "radiology report concurs.\n- Discussed observation admission for syncope w/u given age 67 vs d/c w/ "
            "outpatient monitoring. Pt prefers discharge.\nImpression:\n1. Syncope - likely vasovagal; arrhythmia "
            "not excluded.\n")
    got = em(note, codesets, "ed")
    level = next(c for c in got if c.startswith("9928"))
    assert level == "99285" and "independent interpretation" in got[level] and "hospitalization" in got[level], got


def test_an_opinion_another_physician_asked_for_is_an_office_consultation(codesets):
    note = ("MATERNAL-FETAL MEDICINE - Outpatient consultation\nDear Dr. Obstetrician,\nThank you for asking me to see "
            "Ms. Testpatient in consultation regarding her chronic hypertension. She will continue her prenatal care "
            "with you.\nI reviewed your prenatal records, CBC, CMP and the growth ultrasound.\nIMPRESSION\n1. Chronic "
            "hypertension complicating pregnancy, second trimester, with rising pressures.\nRECOMMENDATIONS\n- Increase "
            "labetalol to 300 mg twice daily.\n")
    got = em(note, codesets)
    assert list(got) == ["99244"] and "consultation" in got["99244"], got
    # a transfer of care, or a Medicare patient, is a new patient visit
    for other in ("She will transfer her care to our clinic.", "Medicare primary."):
        assert list(em(note + other + "\n", codesets)) == ["99204"], other


def test_numbered_diagnoses_on_one_line_are_each_a_problem(codesets):
    note = ("EMERGENCY DEPARTMENT NOTE, 68 yo M.\nCXR: hyperinflation, no infiltrate.\nMDM: Admitted to medicine, "
            "stepdown.\nDiagnosis: 1. Acute exacerbation of COPD 2. Acute on chronic respiratory failure with hypoxia "
            "and hypercapnia\n")
    got = em(note, codesets, "ed")
    assert list(got) == ["99285"] and "problems high" in got["99285"], got


@pytest.mark.parametrize("item", ["Chest pain, ACS ruled out.", "Chest pain; ACS and PE ruled out."])
def test_a_symptom_whose_serious_cause_is_ruled_out_after_a_comma_is_still_the_problem(codesets, item):
    note = ("ED NOTE, 45 yo M with chest pain.\nTroponin negative x2, ECG normal.\nAssessment:\n1. "
            + item + "\nDischarged home.\n")
    got = em(note, codesets, "ed")
    assert list(got) == ["99283"] and "undiagnosed new problem" in got["99283"], got
    # the diagnosis itself ruled out ("ACS, ruled out") is no problem assessed
    got = em(note.replace(item, "ACS, ruled out."), codesets, "ed")
    assert "no problem assessed" in next(iter(got.values())), got


@pytest.mark.parametrize("rx", ["Norco for pain.", "Zofran prn nausea.", "Cyclobenzaprine 10 mg qhs."])
def test_a_prescription_the_plan_names_by_brand_or_with_what_it_is_for_is_drug_management(codesets, rx):
    note = ("ED NOTE\n67 yo F fell onto her outstretched right hand.\nImpression: Closed Colles fracture, right, "
            "displaced.\nDisposition: Ortho follow-up in 1 week. " + rx + "\n")
    got = em(note, codesets, "ed")
    assert "prescription drug management" in next(iter(got.values())), got
    got = em(note.replace(rx, "Ice and elevation."), codesets, "ed")
    assert "prescription drug management" not in next(iter(got.values())), got


@pytest.mark.parametrize("words", ["I remain her continuing primary care physician.", "Followed by me for ongoing "
                                   "diabetes care since 2019.", "I will serve as his ongoing nephrologist."])
def test_g2211_from_the_words_of_a_continuing_relationship_for_medicare_and_not_beside_modifier_25(codesets, words):
    note = ("Office visit, established. Payer: Medicare Part B.\n" + words + "\nAssessment/Plan:\n1. Type 2 diabetes "
            "with hyperglycemia, A1c 9.1. Increase metformin to 1000 mg BID.\n2. Hypertension, stable.\n")
    assert "G2211" in all_codes(note, codesets), words
    assert "G2211" not in all_codes(note.replace("Medicare Part B", "commercial"), codesets)
    injected = all_codes(note + "Procedure: cyanocobalamin 1000 mcg IM given in the office.\n", codesets)
    assert "96372" in injected and "G2211" not in injected, sorted(injected)


def test_a_problem_oriented_note_without_an_assessment_heading_counts_its_numbered_problems(codesets):
    note = ("CARDIOLOGY FOLLOW-UP, established.\n#1 Persistent AF - rate controlled on metoprolol 50 BID, continue "
            "apixaban 5 BID.\n#2 HTN - 148/90 today; increase amlodipine to 10 mg.\n#3 HLD - LDL 92 on atorvastatin 40; "
            "continue.\nRTC 3 mo.\n")
    got = em(note, codesets)
    assert list(got) == ["99214"] and "no problem assessed" not in got["99214"] and "problems moderate" in got["99214"], got


@pytest.mark.parametrize("line", ["Over 30 minutes were spent on discharge-day management.",
                                  "45 minutes were spent in discharge planning.", "35 minutes on the day of discharge.",
                                  "Discharge: 40 min.", "Discharge process took 35 minutes.",
                                  "Minutes spent on discharge: 38"])
def test_discharge_minutes_told_with_were_spent(codesets, line):
    note = ("DISCHARGE SUMMARY\nAdmitted 03/01/2026. Discharged 03/04/2026.\nPrincipal diagnosis: Community acquired "
            "pneumonia.\nHospital course: treated with ceftriaxone.\n" + line + "\n")
    assert list(em(note, codesets, "inpatient")) == ["99239"], line


def test_a_visit_and_procedure_title_bills_the_visit_for_a_problem_managed_beside_the_procedure(codesets):
    note = ("GYNECOLOGY VISIT + PROCEDURE NOTE\nEstablished patient.\nPROCEDURE: Insertion of levonorgestrel-releasing "
            "IUD (Mirena 52 mg). Tolerated well.\nASSESSMENT / PLAN:\n1. Encounter for IUD insertion - placed without "
            "complication.\n2. Bacterial vaginosis - metronidazole 500 mg PO BID x 7 days.\n")
    got = em(note, codesets)
    assert list(got) == ["99213"] and "modifier 25" in got["99213"], got
    assert not em(note.replace("GYNECOLOGY VISIT + PROCEDURE NOTE", "PROCEDURE NOTE"), codesets)


def test_every_drug_of_a_discharge_clause_is_weighed_for_drug_management(codesets):
    note = ("ED NOTE\n41 yo M with left flank pain.\nDx: Left ureteral calculus with hydronephrosis.\n"
            "Dispo: home with tamsulosin, oxycodone for breakthrough pain, strainer; urology follow-up.\n")
    got = em(note, codesets, "ed")
    assert "prescription drug management" in next(iter(got.values())), got


def test_with_a_psychotherapy_add_on_the_visit_is_chosen_by_mdm_not_by_the_total_time(codesets):
    note = ("PSYCHIATRY FOLLOW-UP (telehealth), established.\nMDD, recurrent, moderate - worse since job stress.\n"
            "Psychotherapy: 25 minutes of CBT, separate from the medication management.\nTotal time 42 minutes.\n"
            "A/P: 1. Major depressive disorder, recurrent, moderate, worsening - increase sertraline to 100 mg.\n")
    codes = all_codes(note, codesets)
    assert "90833" in codes and "99214" in codes and "99215" not in codes, sorted(codes)


def test_an_organisms_comment_and_a_set_aside_differential_are_no_problems(codesets):
    note = ("URGENT CARE VISIT, established patient, 39 M.\nImpression: cutaneous abscess L lower leg w/ surrounding "
            "cellulitis. Organism not yet known - MRSA suspected given prior hx; culture sent.\n"
            "DDx considered: septic bursitis/DVT - not c/w exam.\nPlan: TMP-SMX DS 1 tab BID x 7 d (Rx).\n")
    assert list(em(note, codesets)) == ["99213"]   # one acute uncomplicated illness, a prescription: low


def test_a_problem_visit_of_a_pregnancy_outside_the_routine_schedule_is_billed(codesets):
    note = ("OBSTETRICS - PROBLEM VISIT (outside routine prenatal schedule), established patient, 29 yo G1P0 at 26w1d.\n"
            "S: dysuria x 2 d; brought in today (work-in, not her routine prenatal visit) to start treatment.\n"
            "O: Office UA, dipstick (non-automated, performed today): LE 2+, nitrite +.\n"
            "A/P: Acute cystitis in pregnancy, E. coli. Cephalexin 500 mg PO BID x 7 d (Rx).\n"
            "Keep routine prenatal visit 03/23.\n")
    got = all_codes(note, codesets)
    assert {"99213", "81002"} <= got, sorted(got)
    routine = "ROUTINE PRENATAL VISIT, 29 yo G1P0 at 26w1d.\nUrine dip: negative.\nA/P: doing well.\n"
    assert not any(c.startswith("992") for c in all_codes(routine, codesets))


def test_starting_a_hepatitis_c_or_hiv_antiviral_is_prescription_drug_management(codesets):
    note = ("INFECTIOUS DISEASES CLINIC, 51 M, established.\nAssessment / Plan:\n1. Chronic hepatitis C, genotype 1a, "
            "HCV RNA detectable - begin {drug} 1 tab daily x 12 weeks.\n")
    for drug in ("sofosbuvir/velpatasvir", "glecaprevir/pibrentasvir", "bictegravir/emtricitabine/tenofovir"):
        got = em(note.format(drug=drug), codesets)
        assert any("prescription drug management" in why for why in got.values()), (drug, got)


def test_a_consultant_named_in_parentheses_before_consulted_is_a_discussion_of_management(codesets):
    note = ("ED NOTE, 26 F, 20 weeks pregnant.\nCBC, BMP, UA, urine culture, lactate reviewed.\n- OB (Dr. Test "
            "Obstetrician, on call) consulted at bedside: agrees with admission.\nImpression: Acute pyelonephritis in "
            "pregnancy.\nDispo: Admit to OB antepartum.\n")
    got = em(note, codesets, "ed")
    assert list(got) == ["99285"] and "discussion with an external physician" in got["99285"], got


def test_observation_considered_and_declined_is_a_decision_regarding_hospitalization(codesets):
    note = ("ED NOTE, 79 F.\nCBC, BMP, INR, CT head reviewed.\nMDM: Considered observation for repeat CT (apixaban) - "
            "per shared decision with patient and daughter, discharged; not admitted.\nDX: Laceration of scalp.\n")
    got = em(note, codesets, "ed")
    assert any("decision regarding hospitalization ('considered observation')" in why for why in got.values()), got


@pytest.mark.parametrize("said", ["Discussed with hospitalist - accepted to observation on telemetry.",
                                  "Disposition: Admit - medicine, stable.",
                                  "Dispo: admitted (telemetry), stable."])
def test_an_admission_or_observation_told_in_the_disposition_is_a_decision_regarding_hospitalization(codesets, said):
    note = (f"ED NOTE, 71 M.\nCBC, BMP, troponin, CT head reviewed.\nMDM: syncope, cause unclear.\n{said}\n"
            "DX: Syncope.\n")
    got = em(note, codesets, "ed")
    assert any("decision regarding hospitalization" in why for why in got.values()), got


def test_a_dose_changed_in_the_sentence_after_its_drug_is_prescription_drug_management(codesets):
    note = ("TELEHEALTH VISIT, 29 F, established.\nAssessment/Plan:\nGeneralized anxiety disorder - improving on "
            "sertraline. Increase to 100 mg daily. Continue CBT.\n")
    got = em(note, codesets)
    assert any("prescription drug management ('sertraline')" in why for why in got.values()), got
    other_line = note.replace(" Increase to 100 mg daily.", "\nVitamin D: increase to 2000 units daily.")
    assert not any("prescription drug management" in why for why in em(other_line, codesets).values())


def test_a_visit_assessed_as_supervision_of_normal_pregnancy_is_in_the_global_package(codesets):
    note = ("PRENATAL VISIT\n31 yo G2P1001 at 24w3d. Feels well, good fetal movement.\nBP 112/70. FHR 145.\n"
            "Assessment: Supervision of normal pregnancy, second trimester.\nPlan: RTC 4 weeks.\n")
    assert em(note, codesets) == {}
    for said in ("Supervision of normal first pregnancy", "Supervision of other normal pregnancy",
                 "Routine OB visit, normal pregnancy"):
        assert em(note.replace("Supervision of normal pregnancy", said), codesets) == {}, said
    sick = note.replace("Supervision of normal pregnancy, second trimester.", "Acute cystitis in pregnancy, second "
                        "trimester - nitrofurantoin 100 mg BID x 7 days.")
    assert em(sick, codesets), "a problem visit in pregnancy keeps its E/M"


@pytest.mark.parametrize("plan", ["continue LAMA/LABA, pulmonary rehab referral.", "continue statin.",
                                  "continue ICS/LABA."])
def test_a_drug_managed_by_its_class_name_is_prescription_drug_management(codesets, plan):
    """One stable chronic illness (low), no data, prescription drug management (moderate): low MDM, 99213."""
    note = ("PULMONOLOGY FOLLOW-UP, established patient.\n66 yo M, no exacerbations since last visit.\nAssessment:\n"
            f"1. Chronic obstructive pulmonary disease, stable - {plan}\n")
    assert set(em(note, codesets)) == {"99213"}, em(note, codesets)



def test_an_obstructing_stone_is_no_uncomplicated_acute_illness(codesets):
    """Moderate problem (an acute illness with a complication), limited data (CT, UA), moderate risk
    (prescription drug management): moderate MDM, 99284."""
    note = ("ED NOTE\n44 yo M with sudden severe left flank pain radiating to the groin, nausea.\nCT renal stone "
            "protocol: 6 mm stone at the left UVJ with moderate left hydronephrosis.\nUA: RBC > 50.\n"
            "Impression: Left ureteral calculus with hydronephrosis.\nPlan: tamsulosin, urology follow-up in 1 week.\n")
    got = em(note, codesets, "ed")
    assert set(got) == {"99284"}, got
    plain = note.replace(" with moderate left hydronephrosis", "").replace(" with hydronephrosis", "")
    assert set(em(plain, codesets, "ed")) == {"99283"}


@pytest.mark.parametrize(("plan", "drug"), [
    ("Right breast cancer, ER positive - no evidence of disease. Continue tamoxifen.", "tamoxifen"),
    ("HIV infection, well controlled - continue Biktarvy.", "biktarvy"),
    ("Alcohol dependence, in early remission, on naltrexone - continue.", "naltrexone"),
    ("Hypertension - continue carvedilol 12.5 mg twice daily.", "carvedilol"),
])
def test_a_continued_prescription_of_a_less_common_name_is_drug_management(codesets, plan, drug):
    """One stable chronic illness (low) and prescription drug management (moderate): low MDM, 99213."""
    note = f"FOLLOW-UP VISIT, established patient.\nAssessment/Plan:\n1. {plan}\nRTC 6 months.\n"
    got = em(note, codesets)
    assert set(got) == {"99213"} and f"prescription drug management ('{drug}')" in got["99213"], got


def test_end_stage_renal_disease_and_its_mineral_disorders_are_chronic_illnesses(codesets):
    note = ("Nephrology office visit, established patient.\nAssessment:\n1. ESRD on HD - adequate clearance.\n"
            "2. Secondary hyperparathyroidism of renal origin - start cinacalcet 30 mg daily.\n"
            "3. Hyperphosphatemia - increase sevelamer to 1600 mg with meals.\n")
    assert set(em(note, codesets)) == {"99214"}, em(note, codesets)


def test_a_hip_fracture_sent_to_surgery_with_its_risk_weighed_is_high_complexity(codesets):
    """High problem (an injury that threatens walking), moderate data, high risk (major surgery with identified
    risk factors): high MDM, 99223."""
    note = ("ADMISSION H&P - HOSPITALIST\n86F fell at home. Hip XR: displaced subcapital fracture of the left femoral "
            "neck. Hgb 12.1, Cr 1.2, INR 2.8. ECG: AF rate 84.\nAssessment and plan:\n1. L femoral neck fracture - ortho "
            "plans hemiarthroplasty. Pre-op risk: elevated risk (age, CKD, AF), acceptable to proceed.\n"
            "2. Atrial fibrillation - hold warfarin.\n")
    got = em(note, codesets, "inpatient")
    assert set(got) == {"99223"}, got
    assert "major surgery with identified risk factors" in got["99223"]


def test_a_narrative_notes_impression_is_its_assessment_and_its_own_two_view_film_is_billed(codesets):
    note = ("Office visit 01/29/2026 - established patient\nRaymond comes in today because of a cough for ten days. "
            "I did a rapid influenza A/B antigen test in the office, which was negative for both, and a two-view chest "
            "x-ray in the office, which I read as clear lungs without infiltrate.\n"
            "My impression is acute bronchitis, most likely viral. I prescribed an albuterol HFA inhaler.\n")
    got = all_codes(note, codesets)
    assert "71046" in got and "71045" not in got, sorted(got)
    levels = em(note, codesets)
    assert set(levels) == {"99213"} and "acute uncomplicated illness" in levels["99213"], levels


def test_a_complicated_injury_is_read_from_affirmed_words_only(codesets):
    """A dog bite with prophylactic antibiotics and no deep structure involved is an acute uncomplicated injury (low
    problem, moderate risk: low MDM, 99283); the note's own verdict, or a head CT for a scalp wound (other body
    systems evaluated), makes it complicated."""
    bite = ("ED NOTE - FAST TRACK\nMDM: dog bite to the hand, shallow punctures, no tendon/joint/bone involvement "
            "clinically, no XR needed.\nDx: Dog bite, dorsum L hand, initial.\nPlan: amoxicillin-clavulanate 875/125 "
            "BID x 5 days (Rx).\n")
    assert set(em(bite, codesets, "ed")) == {"99283"}, em(bite, codesets, "ed")
    verdict = bite.replace("MDM: dog bite to the hand", "MDM: acute complicated injury (dog bite to the hand)")
    assert set(em(verdict, codesets, "ed")) == {"99284"}
    scalp = ("ED NOTE\nHead CT and C-spine CT negative per radiology. Serum EtOH 226. BMP unremarkable.\n"
             "Diagnoses:\n1. Laceration of scalp, 3.5 cm - repaired with staples.\n")
    assert "acute complicated injury" in next(iter(em(scalp, codesets, "ed").values()))


def test_an_ed_course_that_gives_prescription_drugs_is_drug_management(codesets):
    """A chronic illness with an exacerbation (moderate) and the ED's own parenteral drugs (moderate risk): 99284."""
    note = ("ED PROVIDER NOTE\n34F with hx of migraine with aura, 2 days of her typical headache not relieved by "
            "sumatriptan at home. Normal neuro exam.\nGiven prochlorperazine 10 mg IV, diphenhydramine 25 mg IV, "
            "ketorolac 30 mg IV and 1 L NS with complete relief.\nImpression: Migraine with aura, intractable, without "
            "status migrainosus.\nDischarged home.\n")
    got = em(note, codesets, "ed")
    assert set(got) == {"99284"} and "prescription drug management" in got["99284"], got


def test_diabetes_with_hyperglycemia_is_a_chronic_illness_not_at_its_goal(codesets):
    """A chronic illness with progression (moderate) and prescription drug management (moderate): 99214."""
    note = ("OFFICE VISIT, established patient.\nAssessment:\n1. Type 2 diabetes with hyperglycemia, A1c 8.9 - "
            "continue metformin 1000 mg BID, dietitian referral.\n")
    got = em(note, codesets)
    assert set(got) == {"99214"} and "exacerbation, progression" in got["99214"], got


def test_a_treatment_label_opens_the_plan_the_risk_is_read_from(codesets):
    """'Tx: ... Oxycodone 5 mg x 6 tabs' is the visit's prescription drug management (moderate risk)."""
    note = ("ED Note\nCC: R ankle injury\nHPI: 45M fell from a step ladder at home, inversion of the right ankle.\n"
            "Exam: swelling and tenderness over the lateral malleolus, NV intact.\n"
            "XR R ankle: nondisplaced fracture of the lateral malleolus.\n"
            "Tx: posterior short leg splint, crutches, NWB. Oxycodone 5 mg x 6 tabs. Ortho follow up in 1 week.\n"
            "Dx: Closed nondisplaced fracture of lateral malleolus of right fibula, initial encounter.\n")
    got = em(note, codesets, "ed")
    assert any("prescription drug management ('oxycodone')" in why for why in got.values()), got
    assert "99283" in got, got


def test_a_requesting_physicians_global_prenatal_care_is_not_this_consultants_package(codesets):
    note = ("MATERNAL-FETAL MEDICINE CONSULTATION - OFFICE\nRequesting physician: Test Obstetrician, MD (primary OB, "
            "providing global prenatal care)\nHPI: 33 y/o G2P1 at 28w with gestational diabetes, fasting values "
            "above goal on diet.\nImpression: Gestational diabetes in pregnancy, diet controlled, above goal.\n"
            "Recommendations:\n- Start NPH insulin 8 units at bedtime.\n- Letter to Dr. Test Obstetrician, who "
            "continues routine prenatal care.\n")
    got = em(note, codesets)
    assert len(got) == 1 and next(iter(got)).startswith("9924"), got
    # the plan of a routine prenatal visit is still the package's
    own = "PRENATAL VISIT 24w\nAssessment: Supervision of normal pregnancy, second trimester.\nPlan: Continue routine prenatal care.\n"
    assert not em(own, codesets)


def test_a_chief_complaint_line_naming_a_routine_prenatal_visit_is_this_visits_package(codesets):
    note = "CC: routine prenatal visit, 24 weeks.\nAssessment: intrauterine pregnancy at 24 weeks, doing well.\n"
    assert not em(note, codesets)


def test_a_radiology_read_the_physician_agrees_with_is_an_independent_interpretation(codesets):
    note = ("EMERGENCY DEPARTMENT NOTE\nHPI: 70 yo M tripped on a curb, right ankle pain and swelling.\n"
            "IMAGING: XR right ankle 3 views (radiology read; agrees with my review): displaced bimalleolar "
            "fracture.\nMDM: Closed displaced bimalleolar fracture, splinted, orthopedics follow-up in 3 days.\n"
            "Dx: Displaced bimalleolar fracture of right lower leg, closed.\n")
    got = em(note, codesets, "ed")
    reason = next(iter(got.values()))
    assert "independent interpretation" in reason, got


def test_my_review_of_systems_is_no_image_interpretation(codesets):
    note = ("EMERGENCY DEPARTMENT NOTE\nHPI: 30 yo F sore throat.\nROS: consistent with my review of systems, "
            "otherwise negative.\nDx: Acute pharyngitis.\n")
    reason = next(iter(em(note, codesets, "ed").values()))
    assert "independent interpretation" not in reason


def test_new_to_this_center_is_a_new_patient(codesets):
    note = ("WALK-IN CLINIC\nPatient: 36 yo M, new to this center.\nCC: sore throat 3 days.\n"
            "A: Acute pharyngitis, rapid strep negative; supportive care.\n")
    assert any(c.startswith("9920") for c in em(note, codesets))


def test_the_operating_surgeons_discharge_is_in_the_global_package(codesets):
    note = ("ACUTE CARE SURGERY - DISCHARGE SUMMARY\nAuthor: Test Acute Care Surgeon, MD (attending surgeon)\n"
            "Admitted 03/02, discharged 03/04.\nDiagnosis: Acute appendicitis without perforation.\n"
            "Procedure: 03/02 laparoscopic appendectomy (performed by me).\nCourse: uneventful; home on day 2.\n")
    assert not em(note, codesets, "inpatient")
    medicine = note.replace("ACUTE CARE SURGERY", "HOSPITAL MEDICINE").replace(
        "Author: Test Acute Care Surgeon, MD (attending surgeon)", "Attending: Test Hospitalist, MD")
    assert "99238" in em(medicine, codesets, "inpatient")


def test_self_help_therapy_material_is_no_psychotherapy_and_leaves_the_visit_coded(codesets):
    note = ("INTERNAL MEDICINE - established patient\n"
            "A/P: 1. Chronic insomnia - sleep hygiene reviewed, CBT-I workbook given.\n"
            "2. Essential hypertension - at goal, continue amlodipine.\n"
            "Total time on the date of the encounter: 32 minutes.")
    got = em(note, codesets)
    assert "99214" in got, got


def test_the_patients_pcp_since_a_year_is_the_continuing_focal_point(codesets):
    body = ("Provider: Test Internist, MD ({})\nFOLLOW-UP VISIT, established patient\n"
            "A/P: Type 2 diabetes with CKD stage 3a - metformin reduced to 500 mg BID. Essential hypertension - "
            "lisinopril increased to 20 mg daily.")
    assert "G2211" in em(body.format("PCP since 2016"), codesets)
    assert "G2211" not in em(body.format("covering for the PCP"), codesets)


@pytest.mark.parametrize(("head", "preventive"), [
    ("PEDIATRICS - 14-year check-up, established patient\nDOB 02/03/2012   Date: 03/10/2026\n", True),
    ("GYNECOLOGY VISIT\nPatient: TESTPATIENT  27 y F   Established (annual exam 10/2025)\n", False),
    ("FAMILY MEDICINE - sick visit. Last well visit (2025).\n41 yo M\n", False),
])
def test_a_preventive_visit_named_for_this_visit_not_a_dated_earlier_one(codesets, head, preventive):
    note = head + "A/P: Acute viral pharyngitis - supportive care, salt-water gargles.\n"
    got = em(note, codesets)
    assert any(c.startswith("993") for c in got) is preventive, got


def test_a_pre_travel_consultation_is_counselling_not_an_office_visit(codesets):
    note = ("TRAVEL CLINIC - PRE-TRAVEL CONSULTATION\n41 y M, new patient. Itinerary: Peru and Bolivia, 3 weeks.\n"
            "Counseling: malaria (chemoprophylaxis with atovaquone-proguanil, Rx sent), altitude illness, "
            "travelers' diarrhea (azithromycin standby), rabies (avoid dogs), dengue (bite avoidance).\n"
            "Assessment: Healthy traveler, pre-travel consultation.\n")
    assert not {c for c in em(note, codesets) if c.startswith("992")}


def test_a_well_visit_done_on_another_day_makes_this_one_no_preventive_visit(codesets):
    note = ("PEDIATRIC OFFICE VISIT\nDOS: 05/12/2026   Age: 5 y 2 mo   established\n"
            "Reason for visit: recheck of the right ear; 5-yr well visit done 04/02/2026, vaccines deferred then.\n"
            "A/P: Otitis media with effusion, right - watchful waiting, recheck in 6 weeks.")
    got = em(note, codesets)
    assert not {c for c in got if c.startswith("993")} and {c for c in got if c.startswith("992")}, got


_TCM_BODY = ("TRANSITIONAL CARE MANAGEMENT VISIT\nDischarged home from the hospital on 03/02/2026 after a COPD "
             "exacerbation. Nurse phone contact 03/03/2026. Seen today, 03/{day}/2026.\n"
             "Assessment: 1. COPD, recent exacerbation, improving. 2. Type 2 diabetes, {control}.\n"
             "Plan: {plan}\n")


@pytest.mark.parametrize(("day", "control", "plan", "expected"), [
    # high MDM (drug therapy needing intensive monitoring for toxicity) within 7 days: 99496
    ("06", "steroid-induced hyperglycemia", "prednisone taper; drug therapy requiring intensive monitoring for "
     "toxicity; increase insulin glargine 10 units. Reviewed the discharge summary, CBC, BMP and chest x-ray report; "
     "discussed management with the pulmonologist.", "99496"),
    # moderate MDM (prescription drug management) within 14 days: 99495
    ("11", "stable", "continue tiotropium and metformin 500 mg BID.", "99495"),
])
def test_transitional_care_visit_by_mdm_and_days_after_discharge(codesets, day, control, plan, expected):
    got = em(_TCM_BODY.format(day=day, control=control, plan=plan), codesets)
    assert expected in got and not any(c.startswith("9921") for c in got), got


def test_a_transitional_care_visit_after_14_days_is_an_office_visit(codesets):
    got = em(_TCM_BODY.format(day="25", control="stable", plan="continue tiotropium and metformin 500 mg BID."),
             codesets)
    assert "99214" in got and not got.keys() & {"99495", "99496"}, got


def test_a_physical_therapy_evaluation_is_its_complexity_and_the_timed_treatments_given(codesets):
    note = ("OUTPATIENT PHYSICAL THERAPY INITIAL EVALUATION\nSubjective: 3 weeks after a right total hip arthroplasty.\n"
            "TREATMENT TODAY:\n- Gait training x 12 min with a rolling walker.\n- Therapeutic exercise x 5 min: ankle "
            "pumps.\nASSESSMENT: Evaluation complexity: HIGH.\nPLAN: 2x/wk; interventions: manual therapy, "
            "therapeutic activities.\n")
    got = all_codes(note, codesets)
    assert {"97163", "97116"} <= got
    assert not got & {"97110", "97140", "97530", "97161", "97162"}     # 5 minutes bill no unit; planned is not given
    assert not any(c.startswith("992") for c in got)


def test_a_clinic_film_personally_interpreted_is_billed_and_an_outside_mris_images_reviewed_count_as_data(codesets):
    note = ("ORTHOPEDIC CLINIC, new patient 58 yo F.\nIMAGING:\n1) Left knee X-rays, 3 views, obtained in clinic today "
            "and personally interpreted: no fracture, medial joint space narrowing.\n2) Outside MRI left knee "
            "(02/2026): radiology report reviewed and images personally reviewed: complex tear of the medial meniscus "
            "posterior horn.\nASSESSMENT: Complex tear of the medial meniscus of the left knee, current.\nPLAN: "
            "physical therapy; meloxicam 15 mg daily prescribed.\n")
    got = all_codes(note, codesets)
    assert {"73562", "99204"} <= got


def test_an_acute_illness_with_systemic_sx_abbreviated_is_a_moderate_problem(codesets):
    note = ("Acute visit, established patient.\nS: 3 days of painful blisters on the left flank; achy, temp 100.4.\n"
            "A: Herpes zoster, left T8, uncomplicated. Systemic sx (malaise, low-grade fever).\n"
            "P: Valacyclovir 1 g TID x 7 days (Rx sent). Return if rash near the eye.\n")
    assert set(em(note, codesets)) == {"99214"}


def test_a_visit_that_follows_up_a_well_child_check_is_no_preventive_visit(codesets):
    from medcoder_tui.engines.offline import OfflineEngine
    from medcoder_tui.codes.systems import System
    note = ("Established patient, 2 yo girl. Reason for visit: recheck of walking, f/u since her 18 mo WCC where we "
            "said recheck gait in 3 months.\nExam: normal gait today.\nAssessment: toe walking, resolved; reassured.\n")
    got = {s.code for s in OfflineEngine(codesets=codesets).suggest_sync(note, set(System), "outpatient").suggestions
           if s.reportable}
    assert not {c for c in got if c.startswith(("9939", "Z00.1"))} and any(c.startswith("9921") for c in got), \
        sorted(got)
