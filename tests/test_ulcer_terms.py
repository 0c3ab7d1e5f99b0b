"""Lower-limb non-pressure chronic ulcers (L97) by site, side and depth, and the diabetes codes beside them."""

from __future__ import annotations

import pytest

from medcoder_tui.codes.systems import System
from medcoder_tui.engines.analysis.clinical_text import analyze
from medcoder_tui.engines.diagnoses.ulcer_terms import lower_limb_ulcers
from medcoder_tui.engines.offline import OfflineEngine


@pytest.mark.parametrize(("text", "expected"), [
    ("Assessment: T2DM with R plantar forefoot (1st MTH) neuropathic ulcer, fat layer exposed.", ["L97.512"]),
    ("Assessment: non-healing ulcer of the left heel, limited to breakdown of skin.", ["L97.421"]),
    ("Assessment: venous stasis ulcer of left calf with fat layer exposed.", ["L97.222"]),
    ("Assessment: ulcer of right great toe, bone exposed, probe-to-bone positive.", ["L97.516"]),
    ("Assessment: ulcer of the foot.", ["L97.509"]),
    # the foot or its sole named beside the heel: the heel says where
    ("Assessment: Diabetic foot ulcer, left heel, with fat layer exposed.", ["L97.422"]),
    ("Assessment: chronic ulcer of the plantar surface of the right heel.", ["L97.419"]),
    # not lower-limb ulcers, or none at all
    ("Assessment: sacral pressure ulcer, stage 3.", []),
    ("Assessment: duodenal ulcer, r/o bleeding; L foot pain.", []),
    ("Feet: no ulcers, no calluses.", []),
    # the same ulcer named again without its depth, and a later mention of another place, are not more ulcers
    ("CC: R foot ulcer f/u; new R midfoot swelling.\nAssessment: 1. R plantar 1st MTH ulcer, fat layer exposed.\n"
     "Plan: walking boot R - for ulcer off-loading and midfoot protection.", ["L97.512"]),
])
def test_lower_limb_ulcer_site_side_and_depth(text, expected, codesets):
    assert [c for c, _s, _e in lower_limb_ulcers(text, analyze(text), codesets.icd)] == expected


@pytest.mark.parametrize(("note", "expected"), [
    ("Assessment: type 2 diabetes with a non-healing ulcer of the left heel, limited to breakdown of skin.",
     {"E11.621", "L97.421"}),
    ("Assessment: type 2 diabetes with chronic ulcer of right calf, fat layer exposed.", {"E11.622", "L97.212"}),
])
def test_a_diabetic_ulcer_is_the_combination_code_with_the_site_beside(codesets, note, expected):
    result = OfflineEngine(codesets=codesets).suggest_sync(note, {System.ICD10CM}, "outpatient")
    got = {s.code for s in result.suggestions if s.reportable}
    assert expected <= got and "E11.9" not in got, sorted(got)


def test_a_wound_clinics_wound_is_the_ulcer_not_an_injury(codesets):
    note = ("WOUND CARE CLINIC\nChronic ulcer of the plantar surface of the left heel, present 6 weeks.\n"
            "Wound measures 2.1 x 1.8 x 0.4 cm, fat layer exposed.\n"
            "Assessment: Diabetic foot ulcer, left heel, with fat layer exposed. Type 2 diabetes.")
    result = OfflineEngine(codesets=codesets).suggest_sync(note, {System.ICD10CM}, "outpatient")
    got = {s.code for s in result.suggestions if s.reportable}
    assert {"E11.621", "L97.422"} <= got, sorted(got)
    # no injury of an unspecified site, and so no external cause of one
    assert not {c for c in got if c.startswith(("T14", "X58", "W", "Y"))}, sorted(got)
