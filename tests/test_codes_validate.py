"""Every validation rule of the code-set service, with real codes."""

from __future__ import annotations

import pytest

from medcoder_tui.codes.systems import System, canonical, compact, guess_system, icd_dotted


@pytest.mark.parametrize("given", ["E11.9", "e11.9", "E119", "e119", " E11.9 "])
def test_any_spelling_is_accepted_and_printed_canonically(codesets, given):
    r = codesets.validate(given)
    assert (r.normalized, r.system, r.valid, r.billable) == ("E11.9", System.ICD10CM, True, True)
    assert r.description == "Type 2 diabetes mellitus without complications"


def test_category_header_names_its_range_and_billable_children(codesets):
    r = codesets.validate("E11")
    assert r.valid and not r.billable
    assert r.messages == ["category header: choose one of E11.0-E11.A"]
    assert "E11.9" in r.suggestions and all(codesets.icd.is_billable(c) for c in r.suggestions)


def test_subcategory_header(codesets):
    r = codesets.validate("N18.3")
    assert r.valid and not r.billable
    assert r.messages == ["subcategory header: choose one of N18.30-N18.32"]
    assert r.suggestions == ["N18.30", "N18.31", "N18.32"]


def test_missing_seventh_character_lists_the_choices(codesets):
    r = codesets.validate("S72.001")
    assert r.valid and not r.billable
    assert r.messages[0].startswith("needs 7th character A/B/C/D/E/F/G/H/J/K/M/N/P/Q/R/S")
    assert r.suggestions[0] == "S72.001A"
    assert codesets.validate("S72.001A").billable


def test_seventh_character_with_placeholder(codesets):
    r = codesets.validate("T14.90")
    assert r.messages == ["needs 7th character A/D/S (with placeholder X, e.g. T14.90XA)"]
    assert codesets.validate("T14.90XA").billable


def test_forgotten_placeholder_is_explained(codesets):
    r = codesets.validate("T1490A")
    assert not r.valid
    assert "missing placeholder X: did you mean T14.90XA?" in r.messages
    assert r.suggestions == ["T14.90XA"]


def test_seventh_character_not_allowed(codesets):
    r = codesets.validate("S72.001Z")
    assert not r.valid
    assert any(m.startswith("7th character Z is not allowed here") for m in r.messages)


def test_unknown_code_offers_the_nearest_existing_one(codesets):
    r = codesets.validate("E11.99")
    assert not r.valid
    assert "nearest existing code: E11.9 (Type 2 diabetes mellitus without complications)" in r.messages
    assert r.suggestions == ["E11.9"]


def test_icd_entry_notes_are_inherited(codesets):
    e = codesets.icd.get("e1122")
    assert e.code == "E11.22" and e.billable and e.parent == "E11.2"
    assert "N18.1-N18.6" in e.use_additional
    assert any("E10.-" in t for t in e.excludes1)   # stated on E11, inherited by E11.22
    f = codesets.icd.get("F02.80")
    assert f.manifestation and "Alzheimer" in f.code_first
    assert not codesets.icd.get("G30.9").manifestation
    assert codesets.icd.get("S72.001A").seven_chr["A"] == "initial encounter for closed fracture"
    assert "high blood pressure" in codesets.icd.get("I10").inclusion_terms


def test_self_parented_categories_do_not_loop(codesets):
    # simple-icd-10-cm names a block spelled like these categories as their parent.
    assert codesets.icd.ancestors("C50.911") == ["C50.91", "C50.9", "C50"]
    assert codesets.icd.get("T14.90XA").seven_chr


def test_cpt_formats_and_common_set(codesets):
    r = codesets.validate("99213")
    assert (r.system, r.valid, r.billable) == (System.CPT, True, True)
    unknown = codesets.validate("99999")
    assert unknown.system is System.CPT and not unknown.valid
    assert "import your licensed CPT file" in unknown.messages[0]
    assert guess_system("1036F") is System.CPT and guess_system("0042T") is System.CPT
    assert not codesets.validate("9921", "cpt").valid


def test_hcpcs_format_and_overlap_with_icd(codesets):
    assert codesets.validate("J1100").system is System.HCPCS        # dexamethasone injection
    assert "also ICD-10-CM J11.00" in codesets.validate("J1100").messages[0]
    assert codesets.validate("J11.00").system is System.ICD10CM      # the dot says ICD-10-CM
    assert codesets.validate("E1122").system is System.ICD10CM       # not a HCPCS code: read as E11.22
    assert not codesets.validate("W1234", "hcpcs").valid             # W is outside A-V
    assert codesets.validate("99213", "icd10cm").messages == ["not a valid ICD-10-CM code format (it looks like CPT)"]


@pytest.mark.parametrize("bad, message", [
    ("", "empty code"),
    ("X" * 200, "not a code: 200 characters long"),
    ("\x00\x01\xff", "not a code: use letters, digits and an optional dot (e.g. E11.9, 99213, J1100)"),
    ("E11;rm", "not a code: use letters, digits and an optional dot (e.g. E11.9, 99213, J1100)"),
])
def test_garbage_gets_a_clear_message(codesets, bad, message):
    r = codesets.validate(bad)
    assert not r.valid and r.messages == [message]


def test_spelling_helpers():
    assert compact(" e11.9 ") == "E119"
    assert icd_dotted("s72001a") == "S72.001A" and icd_dotted("I10") == "I10"
    assert canonical("j1100", System.HCPCS) == "J1100"


def test_cc_mcc_and_versions(codesets):
    assert codesets.cc_status("N17.9") == "cc"
    assert codesets.cc_status("J96.01") == "mcc"
    assert codesets.cc_status("E11.9") is None
    versions = codesets.versions()
    assert versions["icd10cm"].startswith("ICD-10-CM April 2026")
    assert versions["cc_mcc"] == "FY2026"


def test_no_title_carries_a_tab_or_a_double_space(codesets):
    """The source spells a few titles with a tab (H35.3113 "involvement/<TAB>advanced")."""
    bad = [c for c in codesets.icd.all_codes() if any(ch in (codesets.icd.title(c) or "") for ch in "\t\n")
           or "  " in (codesets.icd.title(c) or "")]
    assert bad == []
    assert "\t" not in codesets.validate("H35.3113").description
    assert "\t" not in codesets.icd.get("H35.3113").title
