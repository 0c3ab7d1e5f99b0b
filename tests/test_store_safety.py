"""Promise 5 of the store, and the CLI: damaged or unknown files are never overwritten, failed
writes leave the old contents, files are 0600, and users get messages, not tracebacks."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from store_helpers import NOTE, result

from medcoder_tui.cli import main
from medcoder_tui.codes.systems import System
from medcoder_tui.store import FinalCode, Store, StoreError
from medcoder_tui.store.layout import case_file

ROOT = Path(__file__).resolve().parent.parent
WORKER = Path(__file__).with_name("store_worker.py")


def _filled_store(tmp_path: Path) -> tuple[Store, str, Path]:
    store = Store(tmp_path / "store.json")
    note = tmp_path / "n.txt"
    note.write_text(NOTE)
    case = store.open_case(note, NOTE)
    store.save_suggestions(case.id, result("E11.9", "I10"))
    store.accept(case.id, "icd10cm:E11.9")
    return store, case.id, note


def _run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "medcoder_tui", *args], capture_output=True, text=True,
                          cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=60)


def test_every_file_is_owner_only(tmp_path):
    old = os.umask(0o022)                     # a typical umask would give 0644 without care
    try:
        store, case_id, _ = _filled_store(tmp_path)
        store.put_gold("S1", {"icd10cm": ["I10"]})
        store.add_eval_run({"engine": "offline"})
    finally:
        os.umask(old)
    files = [p for p in store.path.rglob("*") if p.is_file()]
    assert len(files) >= 5                    # meta, lock, case, gold, run
    for p in files:
        assert stat.S_IMODE(p.stat().st_mode) == 0o600, p
    for d in [store.path, *(p for p in store.path.rglob("*") if p.is_dir())]:
        assert stat.S_IMODE(d.stat().st_mode) == 0o700, d
    assert not [p for p in store.path.rglob("*.tmp")]


def test_corrupt_meta_is_reported_backed_up_and_left_alone(tmp_path):
    store, _, _ = _filled_store(tmp_path)
    meta = store.path / "meta.json"
    meta.write_bytes(b'{"_meta": {"1": {"schema": 2, "lay')
    for _ in range(2):                        # twice: still one backup, file still untouched
        with pytest.raises(StoreError) as err:
            Store(tmp_path / "store.json")
        assert str(meta) in str(err.value) and "not valid JSON" in str(err.value)
    backups = list(store.path.glob("meta.json.corrupt-*"))
    assert len(backups) == 1 and backups[0].name in str(err.value)
    assert backups[0].read_bytes() == meta.read_bytes() == b'{"_meta": {"1": {"schema": 2, "lay'
    assert stat.S_IMODE(backups[0].stat().st_mode) == 0o600


def test_unknown_schema_is_refused_not_overwritten(tmp_path):
    store, _, _ = _filled_store(tmp_path)
    meta = store.path / "meta.json"
    newer = json.dumps({"_meta": {"1": {"schema": 99, "layout": "future"}}}).encode()
    meta.write_bytes(newer)
    with pytest.raises(StoreError, match=r"schema version 99.*newer medcoder"):
        Store(store.path)
    assert meta.read_bytes() == newer
    assert len(list(store.path.glob("meta.json.corrupt-*"))) == 1


def test_corrupt_case_file_blocks_reads_and_writes_of_that_case_only(tmp_path):
    store, case_id, note = _filled_store(tmp_path)
    other = tmp_path / "other.txt"
    other.write_text(NOTE)
    other_case = store.open_case(other, NOTE)
    path = case_file(store.path, case_id)
    path.write_bytes(b"\x00\x00garbage")
    damaged = path.read_bytes()
    with pytest.raises(StoreError, match=f"{path.name}.*not UTF-8|{path.name}.*not valid JSON"):
        store.accept(case_id, "icd10cm:I10")
    assert other_case.id in [c.id for c in store.list_cases()]   # listing goes on without it
    assert [str(exc.path) for exc in store.skipped] == [str(path)]
    assert path.read_bytes() == damaged
    assert len(list(path.parent.glob(f"{path.name}.corrupt-*"))) == 1
    store.set_status(other_case.id, "skipped")        # the rest of the store still works
    assert store.get_case(other_case.id).status.value == "skipped"


def test_unreadable_case_record_is_refused(tmp_path):
    store, case_id, _ = _filled_store(tmp_path)
    path = case_file(store.path, case_id)
    path.write_text(json.dumps({"cases": {"1": {"id": case_id, "status": "weird"}}}))
    with pytest.raises(StoreError, match="case record this version cannot read"):
        store.get_case(case_id)


def test_unwritable_location_gives_a_message_not_a_traceback(tmp_path):
    # Tests run as root here, and root ignores chmod; a parent that is a regular file fails the
    # same way for everyone (ENOTDIR), so that is what this test uses.
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder")
    with pytest.raises(StoreError, match="cannot create store folder.*not a folder"):
        Store(blocker / "sub" / "store.json")
    proc = _run_cli("stats", "--store", str(blocker / "sub" / "store.json"))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith("medcoder: error: no case store at")
    if os.geteuid() != 0:                         # a real read-only folder, where chmod is honoured
        ro = tmp_path / "ro"
        ro.mkdir(mode=0o500)
        with pytest.raises(StoreError, match="permission denied"):
            Store(ro / "store")


def test_full_disk_leaves_the_previous_contents(tmp_path):
    store, case_id, _ = _filled_store(tmp_path)
    path = case_file(store.path, case_id)
    before = path.read_bytes()
    assert len(before) > 512
    proc = subprocess.run([sys.executable, str(WORKER), "fsize", str(store.path), case_id, "icd10cm:I10"],
                          capture_output=True, text=True, cwd=ROOT, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"error: cannot write {path}: the file size limit was reached; "
                                  "nothing was changed"), proc.stdout
    assert path.read_bytes() == before
    assert not list(path.parent.glob("*.tmp"))
    assert store.get_case(case_id).decisions == {"icd10cm:E11.9": "accepted"}


def test_foreign_folder_is_not_taken_over(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "letter.txt").write_text("hello")
    with pytest.raises(StoreError, match="not a medcoder store"):
        Store(tmp_path / "docs")
    assert sorted(p.name for p in (tmp_path / "docs").iterdir()) == ["letter.txt"]


def test_schema1_single_file_is_migrated_and_kept(tmp_path):
    legacy = tmp_path / "old.json"
    case = {"id": "0123456789abcdef", "note_path": "/notes/a.txt", "note_hash": "h", "user": "coder",
            "created_at": "2025-01-01T00:00:00+00:00", "updated_at": "2025-01-01T00:00:00+00:00",
            "final_codes": [{"code": "I10", "system": "icd10cm", "source": "manual"}], "status": "completed"}
    entry = {"id": "e1", "case_id": case["id"], "ts": "2025-01-01T00:00:00+00:00", "user": "coder",
             "action": "add_manual", "target": "icd10cm:I10", "before": None, "after": {"code": "I10"}}
    data = {"_meta": {"1": {"schema": 1}}, "cases": {"1": case}, "decisions": {"1": entry},
            "gold": {"1": {"note_id": "S1", "icd10cm": ["I10"], "cpt": [], "hcpcs": []}},
            "eval_runs": {"1": {"id": "r1", "engine": "offline"}}}
    raw = json.dumps(data).encode()
    legacy.write_bytes(raw)
    store = Store(legacy)
    assert store.path == tmp_path / "old.d"
    assert store.get_case(case["id"]).final_codes[0].code == "I10"
    assert [e.id for e in store.audit(case["id"])] == ["e1"]
    assert store.gold()["S1"]["icd10cm"] == ["I10"] and store.get_eval_run("r1")["engine"] == "offline"
    assert legacy.read_bytes() == raw            # the old file is kept as it was
    assert Store(legacy).path == store.path      # and not migrated twice
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(StoreError, match=r"bad.json is not valid JSON"):
        Store(bad)
    assert bad.read_text() == "{not json" and not (tmp_path / "bad.d").exists()


def test_cli_export_json_and_csv(tmp_path, capsys):
    store, case_id, note = _filled_store(tmp_path)
    store.add_manual(case_id, FinalCode(code="99213", system=System.CPT))
    store.set_status(case_id, "completed")
    other = tmp_path / "o.txt"
    other.write_text(NOTE)
    open_case = store.open_case(other, NOTE)
    store.save_suggestions(open_case.id, result("I10"))
    store.accept(open_case.id, "icd10cm:I10")

    assert main(["export", "--store", str(tmp_path / "store.json")]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["case_id"], r["position"], r["code"], r["status"]) for r in rows] == [
        (case_id, 1, "E11.9", "completed"), (case_id, 2, "99213", "completed"), (open_case.id, 1, "I10",
                                                                                  "in_progress")]
    assert rows[0]["note_path"] == str(note.resolve()) and rows[0]["coder"] == store.user
    assert rows[0]["description"] == "desc E11.9" and rows[1]["description"].startswith("Office")

    out = tmp_path / "export.csv"
    assert main(["export", "--store", str(store.path), "--format", "csv", "--status", "completed",
                 "--output", str(out)]) == 0
    lines = out.read_text().splitlines()
    assert lines[0] == ("case_id,note_path,status,position,system,code,modifiers,units,description,source,coder,"
                        "decided_at,completed_at,note_changed")
    assert len(lines) == 3 and lines[2].split(",")[4:6] == ["cpt", "99213"]
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_cli_stats_and_errors(tmp_path, capsys):
    store, case_id, _ = _filled_store(tmp_path)
    store.reject(case_id, "icd10cm:I10")
    assert main(["stats", "--store", str(store.path), "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["acceptance_overall"] == {"accepted": 1, "edited": 0, "rejected": 1, "decided": 2, "rate": 0.5}
    assert figures["store"] == str(store.path)
    assert main(["stats", "--store", str(store.path)]) == 0
    assert "Acceptance overall: 50.0%" in capsys.readouterr().out
    assert main(["export", "--store", str(tmp_path / "nothing-here")]) == 2
    assert "no case store at" in capsys.readouterr().err
    assert not (tmp_path / "nothing-here").exists()       # reading never creates a store
    assert main(["export", "--store", str(store.path), "--output", str(tmp_path / "no" / "f.json")]) == 2
    assert "does not exist" in capsys.readouterr().err
