"""The ICD-10-CM index cache: compact layout, rebuilt from the source when damaged or of another format."""

from __future__ import annotations

import pickle

from medcoder_tui.codes import icd10cm


def test_damaged_cache_is_rebuilt_with_a_notice_and_older_formats_removed(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("MEDCODER_CACHE_DIR", str(tmp_path))
    cache = icd10cm._cache_file()
    older = tmp_path / "icd10cm-v3-ICD_10_CM_April_2026.pickle"
    older.write_bytes(b"an index of an older format")
    cache.write_bytes(pickle.dumps({"format": icd10cm.INDEX_FORMAT})[:-3])   # cut short

    index = icd10cm.IcdIndex()
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(cache) in err and "rebuilding" in err
    assert not older.exists()
    assert index.title("E11.9") == "Type 2 diabetes mellitus without complications"
    assert index.is_billable("E11.9") and not index.is_billable("E11")

    data = pickle.loads(cache.read_bytes())
    assert data["format"] == icd10cm.INDEX_FORMAT
    # (title, billable, parent) per code; the rarely filled fields only where they are filled
    assert data["nodes"]["E11.9"] == ("Type 2 diabetes mellitus without complications", True, "E11")
    assert "S72.001A" not in data["extra"] and "S72" in data["extra"]
    assert len(data["extra"]) < len(data["nodes"]) / 5

    again = icd10cm.IcdIndex()
    assert capsys.readouterr().err == ""                   # read quietly from then on
    raw = again.raw("S72.001A")
    assert len(raw) == 11 and raw[icd10cm.PARENT] == "S72.001" and raw[icd10cm.SEVEN] is None
    entry = again.get("S72.001A")
    assert entry.seven_chr["A"] == "initial encounter for closed fracture" and entry.excludes1
    assert again.raw("S72.001A")[icd10cm.INCLUSION:] == ((), (), (), "", "", "", None, "")


def test_a_cache_of_another_format_is_rebuilt_quietly(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("MEDCODER_CACHE_DIR", str(tmp_path))
    cache = icd10cm._cache_file()
    # the previous layout: ten fields per node and no side table
    cache.write_bytes(pickle.dumps({"format": 3, "version": icd10cm.source_version(),
                                    "nodes": {"I10": ("Essential hypertension",) + (True, None) + ((),) * 7}}))
    index = icd10cm.IcdIndex()
    assert capsys.readouterr().err == ""
    assert len(index) > 90_000 and index.title("I10") == "Essential (primary) hypertension"


def test_use_additional_notes_of_a_block_and_a_chapter_reach_every_code_under_them(codesets):
    icd = codesets.icd
    assert "Z87.891" in icd.use_additional_up("J44.1")          # chapter 10's tobacco note
    assert "B95-B97" in icd.use_additional_up("L03.116")        # L00-L08's infectious agent
    assert "W44" in icd.use_additional_up("T16.1XXA")           # T15-T19's foreign body entering
    assert "Z87.891" not in icd.use_additional_up("E11.9")      # nothing of another chapter's
    assert "Z87.891" not in (icd.get("J44.1").use_additional or "")   # the code's own nearest note is unchanged
