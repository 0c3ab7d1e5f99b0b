"""The bundled sample notes and their gold sidecars stay well-formed, valid and complete."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Literal

import pytest
import simple_icd_10_cm as cm
from pydantic import BaseModel, ConfigDict, Field, field_validator

from medcoder_tui.codes.systems import System, icd_dotted
from medcoder_tui.notes import discover_notes, load_note

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_notes"
DATA = ROOT / "medcoder_tui" / "codes" / "data"

# Scenarios the sample set must exercise (see the samples brief).
REQUIRED_COVERAGE = {
    "outpatient_em", "ed_visit", "inpatient_discharge", "cc_mcc", "procedure",
    "fracture_7th_character", "external_cause", "diabetes_complications", "pregnancy",
    "pediatric", "drug_administration_jcode", "dme_supply", "negation", "uncertain_outpatient",
}


class Gold(BaseModel):
    """Schema of ``NAME.gold.json``."""

    model_config = ConfigDict(extra="forbid")

    setting: Literal["outpatient", "inpatient", "ed"]
    icd10cm: list[str] = Field(min_length=1)
    cpt: list[str]
    hcpcs: list[str]
    rationale: str = Field(min_length=40)
    covers: list[str] = Field(min_length=1)

    @field_validator("icd10cm", "cpt", "hcpcs")
    @classmethod
    def _distinct(cls, codes: list[str]) -> list[str]:
        if len(set(codes)) != len(codes):
            raise ValueError(f"duplicate codes in {codes}")
        return codes


NOTES = sorted(SAMPLES.glob("*.txt"))


def _gold_path(note: Path) -> Path:
    return note.with_name(note.stem + ".gold.json")


def _gold(note: Path) -> Gold:
    return Gold.model_validate_json(_gold_path(note).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def cs():
    from medcoder_tui.codes.service import get_codesets

    return get_codesets()


def test_at_least_twelve_notes_each_with_a_sidecar():
    assert len(NOTES) >= 12
    for note in NOTES:
        assert _gold_path(note).is_file(), f"{note.name} has no gold sidecar"
    # no orphan sidecars
    for gold in SAMPLES.glob("*.gold.json"):
        assert gold.with_name(gold.name.replace(".gold.json", ".txt")).is_file(), gold.name


def test_discover_notes_finds_exactly_the_notes():
    found = discover_notes(SAMPLES)
    assert [p.name for p in found] == [p.name for p in NOTES]


@pytest.mark.parametrize("note", NOTES, ids=lambda p: p.stem)
def test_note_length_and_fictional_identifiers(note: Path):
    text = load_note(note)
    words = len(text.split())
    assert 150 <= words <= 600, f"{note.name}: {words} words"
    assert re.search(r"MRN[:\s]*\S*TEST", text, re.IGNORECASE), f"{note.name}: MRN must be obviously fake"


@pytest.mark.parametrize("note", NOTES, ids=lambda p: p.stem)
def test_sidecar_schema(note: Path):
    gold = _gold(note)
    raw = json.loads(_gold_path(note).read_text(encoding="utf-8"))
    assert set(raw) == {"setting", "icd10cm", "cpt", "hcpcs", "rationale", "covers"}
    for code in gold.icd10cm:
        assert code == icd_dotted(code), f"{note.name}: write ICD-10-CM codes dotted ({code})"
    # Every code is explained in the rationale.
    for code in gold.icd10cm + gold.cpt + gold.hcpcs:
        assert code in gold.rationale, f"{note.name}: rationale does not mention {code}"


@pytest.mark.parametrize("note", NOTES, ids=lambda p: p.stem)
def test_gold_codes_validate(note: Path, cs):
    gold = _gold(note)
    for code in gold.icd10cm:
        # The release itself, independent of medcoder's index...
        assert cm.is_valid_item(code) and cm.is_leaf(code), f"{note.name}: {code} not billable in the release"
        # ...and through the API the engines and the TUI use.
        result = cs.validate(code, "icd10cm")
        assert result.valid and result.billable, f"{note.name}: {code}: {result.messages}"
    for system, codes in ((System.CPT, gold.cpt), (System.HCPCS, gold.hcpcs)):
        for code in codes:
            result = cs.validate(code, system)
            assert result.valid and result.billable, f"{note.name}: {system.label} {code}: {result.messages}"


@pytest.mark.parametrize("note", NOTES, ids=lambda p: p.stem)
def test_sequencing_conventions(note: Path):
    gold = _gold(note)
    first = gold.icd10cm[0]
    # External cause (V00-Y99) codes are never first-listed.
    assert first[0] not in "VWXY", f"{note.name}: external cause code listed first"
    # Weeks-of-gestation and long-term drug use codes only ever add detail.
    assert not first.startswith(("Z3A", "Z79")), f"{note.name}: {first} cannot be first-listed"
    if any(c.startswith("O") for c in gold.icd10cm):
        assert any(c.startswith("Z3A.") for c in gold.icd10cm), f"{note.name}: pregnancy without Z3A weeks"
        assert gold.icd10cm[0].startswith("O"), f"{note.name}: chapter 15 codes come first"
    if any(c.startswith(("V", "W", "X", "Y")) for c in gold.icd10cm):
        assert any(c[0] == "S" or c[0] == "T" for c in gold.icd10cm), f"{note.name}: external cause without injury"
    # Injury codes carry a 7th character that matches the encounter.
    for code in gold.icd10cm:
        if code[0] in "ST":
            assert len(code.replace(".", "")) == 7, f"{note.name}: {code} lacks a 7th character"


def test_use_additional_codes_present():
    """Combination codes that require a companion code always have it.

    Organism codes for N39.0 are "if known", so they are not demanded here.
    """
    companions = {
        "E11.22": ("N18.",), "I12.9": ("N18.",), "I13.0": ("I50.", "N18."),
        "E11.621": ("L97.", "L98.4"),
        "R65.21": ("A4", "A0", "B37.7"),
    }
    for note in NOTES:
        codes = _gold(note).icd10cm
        for code, needs in companions.items():
            if code in codes:
                assert any(c.startswith(needs) for c in codes if c != code), f"{note.name}: {code} needs {needs}"
        if "R65.21" in codes:
            assert codes.index("R65.21") > 0, f"{note.name}: R65.21 is never principal"


def test_coverage_of_required_scenarios():
    covered = set().union(*(_gold(n).covers for n in NOTES))
    missing = REQUIRED_COVERAGE - covered
    assert not missing, f"no sample note covers {sorted(missing)}"
    settings = {_gold(n).setting for n in NOTES}
    assert settings == {"outpatient", "inpatient", "ed"}


def test_coverage_tags_are_backed_by_codes():
    """A tag is only credible when the gold codes show the scenario."""
    checks = {
        "pregnancy": lambda g: any(c.startswith("O") for c in g.icd10cm),
        "pediatric": lambda g: any(c.startswith(("Z00.12", "99381", "99382", "99383", "99391", "99392", "99393"))
                                   for c in g.icd10cm + g.cpt),
        "external_cause": lambda g: any(c[0] in "VWXY" for c in g.icd10cm),
        "fracture_7th_character": lambda g: any(c[0] == "S" and len(c.replace(".", "")) == 7 for c in g.icd10cm),
        "diabetes_complications": lambda g: any(re.match(r"E1[01]\.[1-8]", c) for c in g.icd10cm),
        "drug_administration_jcode": lambda g: any(c.startswith("J") for c in g.hcpcs)
                                               and any(c in ("96372", "96374", "96365") for c in g.cpt),
        "dme_supply": lambda g: any(c[0] in "EALK" for c in g.hcpcs),
        "inpatient_discharge": lambda g: g.setting == "inpatient" and any(c in ("99238", "99239") for c in g.cpt),
        "ed_visit": lambda g: g.setting == "ed" and any(c.startswith("9928") for c in g.cpt),
    }
    for note in NOTES:
        gold = _gold(note)
        for tag in gold.covers:
            if tag in checks:
                assert checks[tag](gold), f"{note.name}: tag {tag!r} not backed by its gold codes"
    assert any("96372" in _gold(n).cpt for n in NOTES), "no J-code injection with 96372"


def test_cc_mcc_tagged_cases_have_cc_or_mcc(cs):
    for note in NOTES:
        gold = _gold(note)
        if "cc_mcc" in gold.covers:
            statuses = {cs.cc_status(c) for c in gold.icd10cm[1:]}
            assert "mcc" in statuses, f"{note.name}: tagged cc_mcc but no MCC secondary"


# -- bundled CPT / HCPCS tables ------------------------------------------------------------------

def _table(name: str) -> dict:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("name,pattern,source,minimum", [
    ("cpt_common.json", r"^([0-9]{5}|[0-9]{4}[FT])$", "not AMA text", 120),
    ("hcpcs_common.json", r"^[A-V][0-9]{4}$", "CMS HCPCS Level II", 150),
])
def test_bundled_table_format(name, pattern, source, minimum):
    table = _table(name)
    assert set(table) == {"source", "version", "codes"}
    assert source in table["source"]
    codes = table["codes"]
    assert len(codes) >= minimum
    for code, desc in codes.items():
        assert re.match(pattern, code), f"{name}: bad code {code!r}"
        assert isinstance(desc, str) and 5 <= len(desc) <= 200 and desc == desc.strip(), f"{name}: {code}"
    assert len({d.lower() for d in codes.values()}) == len(codes), f"{name}: duplicate descriptions"


def test_bundled_tables_load_through_codesets(cs):
    assert cs.validate("99213", "cpt").valid
    assert "established" in cs.describe("99213", "cpt").lower()
    assert "ceftriaxone" in cs.describe("J0696", "hcpcs").lower()
    assert not cs.validate("99999", "cpt").valid


def test_required_table_entries_present():
    cpt = _table("cpt_common.json")["codes"]
    hcpcs = _table("hcpcs_common.json")["codes"]
    for code in ["99202", "99205", "99211", "99215", "99281", "99285", "99221", "99223", "99231", "99233",
                 "99238", "99239", "99291", "99292", "96372", "96374", "96365", "90471", "36415", "93000",
                 "80053", "85025", "71046", "12001", "10060", "20610", "45385", "43239", "66984", "29881",
                 "47562", "44970", "59400", "59510"]:
        assert code in cpt, code
    for code in ["J0696", "J1100", "J1885", "J3301", "J2405", "J1815", "J7030", "G0008", "G0438", "E0100",
                 "E0601", "E0570", "A4253", "A4259", "A7030", "A0427", "L3908", "L1830", "L4361", "Q4049",
                 "K0001"]:
        assert code in hcpcs, code


def test_evaluation_reads_every_sidecar_without_warnings():
    """The evaluation mode takes the sample set as gold as-is: every note, every code, in order."""
    from medcoder_tui.evaluation.gold import collect_gold

    gold = collect_gold(SAMPLES)
    assert not gold.warnings, gold.warnings
    assert sorted(c.note_id for c in gold.cases) == [n.stem for n in NOTES]
    for case in gold.cases:
        expected = _gold(SAMPLES / f"{case.note_id}.txt")
        assert len(case.codes) == len(expected.icd10cm) + len(expected.cpt) + len(expected.hcpcs), case.note_id
        assert case.setting == expected.setting
