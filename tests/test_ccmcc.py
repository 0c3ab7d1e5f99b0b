"""CC/MCC flags and CC exclusions against rows taken straight from the CMS FY2026 tables."""

from __future__ import annotations

import random
import time

import pytest

from medcoder_tui.codes.ccmcc import CcMccTables, cms_data_dir


@pytest.fixture(scope="module")
def tables() -> CcMccTables:
    return CcMccTables.load()


def _rows(name: str) -> list[tuple[str, str]]:
    """(dotted code, description) rows of a CMS list table, read independently of ccmcc."""
    rows = []
    with (cms_data_dir() / name).open(encoding="utf-8", errors="replace") as fh:
        for line in fh:
            parts = line.rstrip("\r\n").split("\t")
            if len(parts) >= 2 and parts[0][:1].isalpha() and parts[0][1:2].isdigit():
                rows.append((parts[0], parts[1]))
    return rows


def _exclusion_sample(n: int, seed: int) -> list[tuple[str, str, list[str]]]:
    """(secondary, level, its PDX collection) for n random 6K Part 1 rows that have exclusions."""
    lines = (cms_data_dir() / "cc_exclusions.txt").read_text(encoding="utf-8", errors="replace").splitlines()
    part1, collections, current = [], {}, None
    for line in lines:
        if line.startswith("PDX collection "):
            current = line.split()[2]
            collections[current] = []
        elif line.startswith("K Part 2"):
            current = None
        elif current and line.strip():
            collections[current].append(line.split()[0])
        elif current is None and line.startswith(" ") and " codes " in line:
            code, level, coll = line.split()[:3]
            part1.append((code, level, coll.split(":")[0]))
    rng = random.Random(seed)
    return [(code, level, collections[coll]) for code, level, coll in rng.sample(part1, n)]


def test_mcc_rows_are_mcc(tables):
    rows = _rows("mcc_list.txt")
    assert len(rows) > 3000
    for code, _ in random.Random(1).sample(rows, 200):
        assert tables.status(code) == "mcc", code
        assert tables.is_mcc(code.replace(".", "").lower())


def test_cc_rows_are_cc(tables):
    rows = _rows("cc_list.txt")
    assert len(rows) > 15000
    for code, _ in random.Random(2).sample(rows, 200):
        assert tables.status(code) == "cc", code
        assert tables.is_cc(code)


def test_known_codes_any_spelling(tables):
    assert tables.status("J96.01") == "mcc"     # acute respiratory failure with hypoxia
    assert tables.status("j9601") == "mcc"
    assert tables.status("E87.1") == "cc"       # hypo-osmolality and hyponatremia
    assert tables.status("N18.4") == "cc"       # CKD stage 4
    assert tables.status("I10") is None         # essential hypertension is a non-CC
    assert tables.status("E11.9") is None
    assert tables.status("not a code") is None


def test_exclusions_match_6k(tables):
    for secondary, level, collection in _exclusion_sample(60, seed=3):
        assert tables.status(secondary) == level.lower()
        assert collection, secondary
        for principal in random.Random(secondary).sample(collection, min(5, len(collection))):
            assert tables.excluded(secondary, principal), (secondary, principal)
        outside = "Z0000" if "Z0000" not in collection else "A000"
        assert not tables.excluded(secondary, outside)


def test_exclusion_examples(tables):
    # A secondary is excluded by a principal from its own family (6K collection 0002: cholera).
    assert tables.excluded("A00.0", "A00.9")
    assert not tables.excluded("A00.0", "I10")
    # Acute respiratory failure as secondary is excluded when it is also the principal.
    assert tables.excluded("J96.01", "J96.01")
    assert tables.effective("J96.01", "J96.01") is None
    assert tables.effective("J96.01", "J18.9") == "mcc"
    # Non-CC codes are never "excluded".
    assert not tables.excluded("I10", "I10")
    # "No Excl" rows have no collection.
    assert tables.collection("Z59.811") is None
    assert tables.status("Z59.811") == "cc"


def test_alive_only_and_version(tables):
    assert "R570" in tables.alive_only
    assert tables.version == "FY2026"


def test_load_is_fast():
    start = time.perf_counter()
    CcMccTables.load()
    assert time.perf_counter() - start < 1.5


def test_missing_table_is_clear(tmp_path):
    with pytest.raises(FileNotFoundError, match="mcc_list.txt"):
        CcMccTables.load(tmp_path)
