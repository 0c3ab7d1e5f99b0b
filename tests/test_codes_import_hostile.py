"""CPT/HCPCS import of damaged files: every dropped, duplicate or odd row reported; bad files refused.

Also the CSV export's neutralised formula cells (a description from an import can start with '=').
"""

from __future__ import annotations

import csv
import io

import pytest

from medcoder_tui.cli import main
from medcoder_tui.codes.service import reset_codesets
from medcoder_tui.codes.systems import System
from medcoder_tui.codes.tables import ImportFormatError, ImportReport, imported_path, parse_import
from medcoder_tui.store.reports import ExportRow, render_export


@pytest.fixture()
def clean_imports():
    for system in (System.CPT, System.HCPCS):
        imported_path(system).unlink(missing_ok=True)
    reset_codesets()
    yield
    for system in (System.CPT, System.HCPCS):
        imported_path(system).unlink(missing_ok=True)
    reset_codesets()


def _table(n: int, garbage_every: int | None = None) -> str:
    lines = ["code,description"]
    for i in range(n):
        if garbage_every and i % garbage_every == 0:
            lines.append(f"garbage row {i},???")
        else:
            lines.append(f"{10000 + i},Procedure number {i}")
    return "\n".join(lines) + "\n"


def test_eight_percent_garbage_is_refused_and_the_old_table_kept(tmp_path, capsys, clean_imports):
    good = tmp_path / "good.csv"
    good.write_text(_table(100))
    assert main(["codes", "import", "cpt", str(good)]) == 0
    before = imported_path(System.CPT).read_bytes()
    bad = tmp_path / "bad.csv"
    bad.write_text(_table(1000, garbage_every=12))      # 84 of 1000 rows: 8 %, imported silently before
    capsys.readouterr()
    assert main(["codes", "import", "cpt", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "previous table kept" in err and "84 of 1000 rows (8%)" in err and "lines 2, 14, 26" in err
    assert imported_path(System.CPT).read_bytes() == before


def test_a_few_bad_rows_and_duplicates_are_reported_with_line_numbers(tmp_path, capsys, clean_imports):
    path = tmp_path / "cpt.csv"
    path.write_text("code,description\n10001,First\nnot-a-code,Something\n10002,Second\n10001,First again\n"
                    "10003,\n10004,=HYPERLINK(\"http://x\")\n")
    assert main(["codes", "import", "cpt", str(path)]) == 0
    out, err = capsys.readouterr()
    assert "imported 3 CPT codes" in out and "2 rows dropped, 1 duplicate codes, 1 suspicious rows" in out
    assert "line 3: 'not-a-code' is not a CPT code" in err
    assert "line 6: 10003 has no description" in err
    assert "line 5: 10001 also on line 2; line 5 kept" in err
    assert "line 7: 10004's description starts with '='" in err


def test_an_unterminated_quote_is_refused_naming_its_line(tmp_path):
    path = tmp_path / "cpt.csv"
    rows = ["code,description", "10001,First", '10002,"Second, with a quote that never ends']
    rows += [f"{10003 + i},Row {i}" for i in range(40)]
    path.write_text("\n".join(rows) + "\n")
    # it used to fold the rest of the file into one 534-character description
    with pytest.raises(ImportFormatError, match=r"line 3: a quoted field runs on to line 43 \(an unterminated quote"):
        parse_import(path, System.CPT)


def test_mojibake_and_utf16_are_refused_and_windows_1252_is_reported(tmp_path):
    moji = tmp_path / "moji.csv"
    moji.write_text("code,description\n10001,Caf\u00c3\u00a9 procedure\n", encoding="utf-8")   # "Café" read as cp1252
    with pytest.raises(ImportFormatError, match=r"line 2: 'Ã©' looks like UTF-8 text that was decoded"):
        parse_import(moji, System.CPT)
    utf16 = tmp_path / "u16.csv"
    utf16.write_text("code,description\n10001,Thing\n", encoding="utf-16")
    with pytest.raises(ImportFormatError, match="UTF-16 text"):
        parse_import(utf16, System.CPT)
    latin = tmp_path / "latin.csv"
    latin.write_bytes("code,description\n10001,Crème removal\n".encode("cp1252"))
    report = ImportReport()
    assert parse_import(latin, System.CPT, report) == {"10001": "Crème removal"}
    assert report.lines() == ["read as Windows-1252 (the file is not UTF-8)"]


def test_csv_export_neutralises_formula_cells():
    from datetime import datetime, timezone

    rows = [ExportRow(case_id="c1", note_path="/n.txt", status="completed", position=i + 1, system="cpt",
                      code="10004", description=desc, source="suggested", coder="ann",
                      decided_at=datetime(2026, 1, 1, tzinfo=timezone.utc))
            for i, desc in enumerate(['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "Plain"])]
    got = [r["description"] for r in csv.DictReader(io.StringIO(render_export(rows, "csv")))]
    assert got == ["'=HYPERLINK(\"http://x\")", "'+1", "'-2", "'@SUM(A1)", "Plain"]
    assert [r["position"] for r in csv.DictReader(io.StringIO(render_export(rows, "csv")))] == ["1", "2", "3", "4", "5"]
