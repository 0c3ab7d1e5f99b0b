"""Deficits of a past stroke are its I69.3- sequelae (guideline I.C.9.d); an acute stroke keeps its codes."""

from __future__ import annotations

from medcoder_tui.engines.offline import OfflineEngine


def _codes(codesets, note):
    result = OfflineEngine(codesets=codesets).suggest_sync(note, setting="outpatient")
    return {s.code: s for s in result.suggestions}


def test_deficits_of_a_past_stroke_become_its_sequelae(codesets):
    out = _codes(codesets, "Assessment: 1. Right hemiplegia after stroke in 2023. "
                           "2. Dysphagia, oropharyngeal phase. Plan: PT.")
    assert out["I69.351"].reportable and "I.C.9.d" in out["I69.351"].messages[-1]
    assert "G81.91" not in out
    # dysphagia: the sequela code and, as the tabular instructs, the type of dysphagia beside it
    assert out["I69.391"].reportable and out["R13.12"].reportable
    assert out["I63.9"].suppressed and "past stroke" in out["I63.9"].messages[-1]


def test_a_deficit_of_an_acute_stroke_stays_as_it_is(codesets):
    out = _codes(codesets, "Assessment: acute ischemic stroke with left hemiparesis. tPA given.")
    assert out["I63.9"].reportable and out["G81.94"].reportable
    assert not any(c.startswith("I69") for c in out)


def test_a_history_of_stroke_without_deficits_is_not_a_sequela(codesets):
    out = _codes(codesets, "PMH: prior CVA, no residual deficits. Assessment: hypertension, controlled.")
    assert not any(c.startswith("I69") for c in out), sorted(out)


def test_a_cancer_excised_and_treated_with_no_evidence_of_disease_is_history(codesets):
    out = _codes(codesets, "Oncology survivorship visit. History: adenocarcinoma of sigmoid colon, s/p sigmoid "
                           "colectomy 2021, completed adjuvant CAPOX. No evidence of recurrence on surveillance CT.")
    assert "Z85.038" in out and not any(c.startswith("C18") for c in out), sorted(out)
    assert "I.C.2.d" in out["Z85.038"].messages[-1]
    assert "Z08" in out and list(out)[0] == "Z08"        # the surveillance visit is first-listed


def test_a_cancer_still_under_treatment_or_spread_stays_active(codesets):
    on_drug = _codes(codesets, "Breast cancer, left, s/p lumpectomy 2024, completed radiation; on tamoxifen. NED.")
    assert "C50.912" in on_drug and not any(c.startswith("Z85") for c in on_drug)
    spread = _codes(codesets, "Colon cancer s/p colectomy, completed FOLFOX; no evidence of disease in the liver, "
                              "but lung metastases on CT.")
    assert not any(c.startswith("Z85") for c in spread), sorted(spread)



def test_an_acute_stroke_keeps_its_deficits_while_the_old_one_has_its_sequela(codesets):
    note = ("DISCHARGE SUMMARY\nPrincipal dx: Acute ischemic stroke, L MCA territory.\nOther:\n- R hemiparesis "
            "(R-handed, dominant side)\n- Mild dysarthria\n- Old L cerebellar infarct (2021) w/ residual L limb ataxia\n"
            "NIHSS 8 on arrival.\nPT/OT: R hemiparesis, improved; chronic L-sided limb ataxia from old cerebellar "
            "stroke.\nDischarge day time: > 30 min (45 min).\n")
    out = _codes(codesets, note)
    assert {"G81.91", "R47.1", "I69.393", "R29.708"} <= {c for c, s in out.items() if s.reportable}, sorted(out)
    assert not any(c.startswith("I69.35") for c in out)


def test_each_deficit_of_a_past_stroke_is_its_sequela_on_the_side_its_own_words_say(codesets):
    # the aphasia told as a sequela matches I69.320 itself; the hemiparesis beside it is still the stroke's, on the
    # right ("left MCA" names the artery, not the weak side)
    note = ("NEUROLOGY CLINIC - POST-STROKE FOLLOW-UP\n70 M, right-handed, 4 months after a left MCA ischemic stroke."
            "\nAssessment:\n1. Right hemiparesis (dominant side) following left MCA ischemic stroke - spasticity mild."
            "\n2. Expressive aphasia following cerebral infarction - improving.\n")
    got = {code for code, s in _codes(codesets, note).items() if s.reportable}
    assert {"I69.351", "I69.320"} <= got and not got & {"G81.91", "G81.92", "I69.352", "I63.9"}, sorted(got)
