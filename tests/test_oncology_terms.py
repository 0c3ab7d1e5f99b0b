"""Receptor status (Z17) and the encounter for antineoplastic treatment (Z51.11/Z51.12) beside a cancer."""

from __future__ import annotations

import pytest

from medcoder_tui.codes.systems import System
from medcoder_tui.engines.analysis.clinical_text import analyze
from medcoder_tui.engines.diagnoses.oncology_terms import receptor_codes, treatment_encounter
from medcoder_tui.engines.offline import OfflineEngine


def _codes(found):
    return sorted(code for code, _start, _end in found)


@pytest.mark.parametrize(("text", "expected"), [
    ("Core bx: ER positive (90%), PR positive (40%), HER2 negative (IHC 1+).", ["Z17.0", "Z17.21", "Z17.32"]),
    ("Receptors: ER+/PR-/HER2+.", ["Z17.0", "Z17.22", "Z17.31"]),
    ("ER/PR negative; HER2 IHC 3+.", ["Z17.1", "Z17.22", "Z17.31"]),
    ("Triple negative breast cancer.", ["Z17.421"]),
    ("Hormone receptor positive, HER2 negative disease.", ["Z17.411"]),
    ("HER2 IHC 2+, FISH pending.", []),                        # equivocal: nothing yet
    ("Seen in the ER - negative workup. PR interval 160 ms.", []),   # the emergency room, the ECG
])
def test_receptor_status_is_read_one_code_per_receptor(text, expected):
    assert _codes(receptor_codes(text, analyze(text))) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Treatment today: paclitaxel 136 mg IV infusion over 60 min.", ["Z51.11"]),
    ("Assessment: 1. Encounter for neoadjuvant chemotherapy - weekly paclitaxel, week 6.", ["Z51.11"]),
    ("Pembrolizumab 200 mg IV infused over 30 min, tolerated well.", ["Z51.12"]),
    ("Colitis due to pembrolizumab given as prescribed. HOLD pembrolizumab.", []),
    ("Paclitaxel held today for neutropenia.", []),
    ("Completed 4 cycles of AC chemotherapy given in 2025.", []),
    # a dose given days before the encounter (the admission for its neutropenic fever)
    ("On carboplatin/pemetrexed/pembrolizumab, cycle 3 day 1 given 03/23/2026 (day 10 today).", []),
    ("Paclitaxel infused 5 days ago; now febrile.", []),
])
def test_the_treatment_given_at_the_visit(text, expected):
    assert _codes(treatment_encounter(text, analyze(text))) == expected


def test_a_chemotherapy_visit_for_breast_cancer(codesets):
    note = ("Oncologic history: L breast IDC, upper-outer quadrant. ER positive (90%), PR positive (40%), HER2 "
            "negative (IHC 1+). Axillary node FNA positive for metastatic carcinoma.\n"
            "Exam: L breast mass 2.1 cm.\n"
            "Assessment:\n1. Encounter for neoadjuvant chemotherapy - weekly paclitaxel, week 6.\n"
            "2. Malignant neoplasm L breast, upper-outer quadrant, with metastasis to L axillary lymph nodes.\n"
            "Treatment today: paclitaxel 136 mg IV infusion over 60 min.\n")
    result = OfflineEngine(codesets=codesets).suggest_sync(note, {System.ICD10CM}, "outpatient")
    got = {s.code for s in result.suggestions if s.reportable}
    assert {"Z51.11", "C50.412", "C77.3", "Z17.0", "Z17.21", "Z17.32"} <= got, sorted(got)
    assert not got & {"Z17.31", "C77.9", "N63.0"}, sorted(got)
