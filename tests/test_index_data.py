"""ICD-10-CM index files: the shipped External Cause Index and Table of Neoplasms, and imports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from medcoder_tui.cli import main
from medcoder_tui.codes import index_data
from medcoder_tui.codes.index_data import external_cause_index, imported_path, load_table, neoplasm_table
from medcoder_tui.codes.index_xml import KINDS, IndexFormatError, build_table, parse_index_xml
from medcoder_tui.codes.service import get_codesets

SHARED = Path(__file__).resolve().parents[2] / "shared" / "icd10cm-index"
DATA = Path(index_data.__file__).parent / "data"

# The shape of CDC's icd10cm_drug_YYYY.xml, cut down to three substances.
DRUG_XML = """<?xml version="1.0" encoding="utf-8"?>
<ICD10CM.index>
  <version>2099</version>
  <title>ICD-10-CM TABLE of DRUGS and CHEMICALS</title>
  <indexHeading>
    <head col="1">Substance</head>
    <head col="2">Poisoning, Accidental (unintentional)</head>
    <head col="3">Poisoning, Intentional self-harm</head>
    <head col="4">Poisoning, Assault</head>
    <head col="5">Poisoning, Undetermined</head>
    <head col="6">Adverse effect</head>
    <head col="7">Underdosing</head>
  </indexHeading>
  <letter><title>I</title>
    <mainTerm><title>Ibuprofen</title>
      <cell col="2">T39.311</cell><cell col="3">T39.312</cell><cell col="4">T39.313</cell>
      <cell col="5">T39.314</cell><cell col="6">T39.315</cell><cell col="7">T39.316</cell>
    </mainTerm>
  </letter>
  <letter><title>L</title>
    <mainTerm><title>Lisinopril</title>
      <cell col="2">T46.4X1</cell><cell col="3">T46.4X2</cell><cell col="4">T46.4X3</cell>
      <cell col="5">T46.4X4</cell><cell col="6">T46.4X5</cell><cell col="7">T46.4X6</cell>
      <term level="1"><title>retired form</title><cell col="2">T99.991</cell><cell col="6">-</cell></term>
    </mainTerm>
  </letter>
</ICD10CM.index>
"""

# The shape of CDC's icd10cm_index_YYYY.xml: a code, a manifestation, a since-expanded code, a deleted one.
INDEX_XML = """<?xml version="1.0" encoding="utf-8"?>
<ICD10CM.index>
  <version>2099</version>
  <title>ICD-10-CM INDEX TO DISEASES and INJURIES</title>
  <letter><title>F</title>
    <mainTerm><title>Fibrillation</title>
      <term level="1"><title>atrial or auricular<nemod>(established)</nemod></title><code>I48.91</code>
        <term level="2"><title>persistent</title><code>I48.1-</code></term>
        <term level="2"><title>retired</title><code>I48.99</code></term>
      </term>
    </mainTerm>
    <mainTerm><title>Retinopathy</title>
      <term level="1"><title>diabetic</title><see>Diabetes, retinopathy</see></term>
      <term level="1"><title>in sarcoidosis</title><code>D86.89</code><manif>H36.89</manif></term>
    </mainTerm>
  </letter>
</ICD10CM.index>
"""


@pytest.fixture
def clean_index_imports():
    for kind in KINDS:
        imported_path(kind).unlink(missing_ok=True)
    load_table.cache_clear()
    yield
    for kind in KINDS:
        imported_path(kind).unlink(missing_ok=True)
    load_table.cache_clear()


def test_external_cause_index_gives_cause_place_activity_status_with_7th_character():
    ecx = external_cause_index()
    assert ecx.code_for(["Tripping", "over", "carpet, rug or object", "with fall"]) == ["W18.09XA"]
    assert ecx.code_for(["Tripping", "over", "carpet, rug or object", "with fall"], "D") == ["W18.09XD"]
    assert ecx.code_for(["Place of occurrence", "basketball court"]) == ["Y92.310"]
    assert ecx.code_for(["Activity", "basketball"]) == ["Y93.67"]
    assert ecx.code_for(["External cause status", "leisure activity"]) == ["Y99.8"]
    hits = [ecx.path(i) for i in ecx.find(["bitten", "dog"])]
    assert ["Bite, bitten by", "dog"] in hits
    assert ecx.code_for(["Bite, bitten by", "dog"]) == ["W54.0XXA"]
    assert ecx.code_for(["No such term"]) == []


def test_neoplasm_table_gives_site_and_behaviour_columns():
    table = neoplasm_table()
    breast = table.site(["Neoplasm, neoplastic", "breast", "upper-outer quadrant"])
    assert "C50.411" in breast["malignant_primary"] and breast["malignant_secondary"] == ["C79.81"]
    assert breast["unspecified"] == ["D49.3"]
    lung = table.site(["Neoplasm, neoplastic", "lung", "upper lobe"])
    assert lung["malignant_primary"] == ["C34.10", "C34.11", "C34.12"]   # "C34.1-": laterality still to choose
    assert table.site(["Neoplasm, neoplastic", "nowhere"]) == {}


@pytest.mark.parametrize("kind", ["eindex", "neoplasm"])
def test_every_shipped_code_is_in_the_current_code_set(kind):
    cs = get_codesets()
    table = load_table(kind)
    assert table.origin == "bundled" and table.fy == "2024" and table.unmapped == []
    for raw, (status, codes) in table.mapping.items():
        assert status in ("billable", "seventh", "subcodes") and codes, raw
        for code in codes:
            full = code + "A" if status == "seventh" else code
            assert cs.validate(full, "icd10cm").billable, (raw, full)


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/icd10cm-index (CDC's FY2024 XML) is not beside the clone")
@pytest.mark.parametrize("kind", ["eindex", "neoplasm"])
def test_shipped_tables_are_derived_from_the_cdc_files(kind):
    built = build_table(SHARED / f"icd10cm_{kind}_2024.xml", get_codesets().icd)
    shipped = json.loads((DATA / f"icd10cm_{kind}_2024.json").read_text("utf-8"))
    assert built == shipped


def test_a_drug_table_import_maps_every_code_and_reports_missing_ones(tmp_path, capsys, clean_index_imports):
    src = tmp_path / "icd10cm_drug_2099.xml"
    src.write_text(DRUG_XML, encoding="utf-8")
    assert load_table("drug") is None
    assert main(["codes", "import", "index", str(src)]) == 0
    out = capsys.readouterr().out
    assert "imported the Table of Drugs and Chemicals FY2099 (3 terms" in out
    assert "1 index codes are not in the current ICD-10-CM and will not be used: T99.991 (Lisinopril > retired form)" in out
    table = load_table("drug")
    assert table.origin == "imported"
    row = table.lookup(["Lisinopril"])
    assert table.mapped(table.rows[row]["x"]["6"]) == ["T46.4X5"]   # adverse effect stem, 7th character to add
    assert table.mapping["T46.4X5"][0] == "seventh" and table.codes(table.lookup(["Lisinopril", "retired form"])) == []
    assert main(["doctor", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    drug = next(t for t in report["index_files"] if t["kind"] == "drug")
    assert (drug["origin"], drug["terms"], drug["unmapped"]) == ("imported", 3, 1)


def test_an_index_import_expands_codes_and_takes_manifestations(tmp_path, capsys, clean_index_imports):
    src = tmp_path / "icd10cm_index_2099.xml"
    src.write_text(INDEX_XML, encoding="utf-8")
    assert main(["codes", "import", "index", str(src)]) == 0
    table = load_table("index")
    assert table.codes(table.lookup(["Fibrillation", "atrial or auricular"])) == ["I48.91"]
    assert table.codes(table.lookup(["Fibrillation", "atrial or auricular", "persistent"])) == ["I48.11", "I48.19"]
    assert table.codes(table.lookup(["Retinopathy", "in sarcoidosis"])) == ["D86.89", "H36.89"]
    assert table.rows[table.lookup(["Retinopathy", "diabetic"])]["s"] == "Diabetes, retinopathy"
    assert [u[1] for u in table.unmapped] == ["I48.99"]
    assert main(["doctor"]) == 0
    assert "Index to Diseases and Injuries: imported FY2099" in capsys.readouterr().out


@pytest.mark.parametrize("content, message", [
    ("", "empty file"),
    ("not xml at all <", "not well-formed XML"),
    ("<?xml version='1.0'?><codes><code>I10</code></codes>", "root element <codes>"),
    ("<?xml version='1.0'?><ICD10CM.index><version>2099</version></ICD10CM.index>", "no index terms"),
])
def test_bad_index_files_are_one_line_errors_and_keep_the_previous_table(tmp_path, capsys, clean_index_imports,
                                                                          content, message):
    good = tmp_path / "drug.xml"
    good.write_text(DRUG_XML, encoding="utf-8")
    assert main(["codes", "import", "index", str(good)]) == 0
    before = imported_path("drug").read_bytes()
    capsys.readouterr()
    bad = tmp_path / "bad.xml"
    bad.write_text(content, encoding="utf-8")
    status = main(["codes", "import", "index", str(bad)])
    err = capsys.readouterr().err
    assert status != 0 and "import failed, previous table kept" in err and message in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert imported_path("drug").read_bytes() == before
    assert main(["codes", "import", "index", str(tmp_path / "missing.xml")]) != 0
    assert "no such file" in capsys.readouterr().err


def test_parse_keeps_nonessential_modifiers_apart(tmp_path):
    src = tmp_path / "index.xml"
    src.write_text(INDEX_XML, encoding="utf-8")
    parsed = parse_index_xml(src)
    assert (parsed["kind"], parsed["fy"]) == ("index", "2099")
    row = next(r for r in parsed["rows"] if r["t"] == "atrial or auricular")
    assert row["f"] == "atrial or auricular (established)" and row["c"] == ["I48.91"]
    with pytest.raises(IndexFormatError, match="not well-formed XML"):
        parse_index_xml(DATA / "cpt_common.json")


def test_a_damaged_import_falls_back_to_the_shipped_table_and_doctor_says_so(capsys, clean_index_imports):
    imported_path("eindex").parent.mkdir(parents=True, exist_ok=True)
    imported_path("eindex").write_text("{half a file", encoding="utf-8")
    assert load_table("eindex").origin == "bundled"
    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert "External Cause Index: bundled FY2024" in out and "is unreadable and was ignored" in out
