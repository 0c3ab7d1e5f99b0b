"""Nothing lost, nothing hidden: damaged case files, read-only commands, export targets, notes
edited after coding, and the case index (all through a real store folder and the CLI's main())."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
from store_helpers import NOTE, result

from medcoder_tui.cli import main
from medcoder_tui.store import Store, StoreError
from medcoder_tui.store.layout import case_file


def _store_with_cases(tmp_path: Path, n: int = 3) -> tuple[Store, list[str], list[Path]]:
    store = Store(tmp_path / "store")
    ids, notes = [], []
    for i in range(n):
        note = tmp_path / f"note{i}.txt"
        note.write_text(NOTE + f"visit {i}\n")
        case = store.open_case(note, note.read_text())
        store.save_suggestions(case.id, result("E11.9", "I10"))
        store.accept(case.id, "icd10cm:E11.9")
        store.set_status(case.id, "completed")
        ids.append(case.id)
        notes.append(note)
    return store, ids, notes


def _tree(root: Path) -> dict[str, tuple]:
    """Every file and folder under root with its mode, size, mtime and content hash."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = Path(dirpath) / name
            st = p.lstat()
            digest = hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else ""
            out[str(p.relative_to(root))] = (st.st_mode, st.st_size, st.st_mtime_ns, digest)
    return out


def _cli(capsys, *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.mark.parametrize("content", [b"", b"  \n\t \n"], ids=["zero-length", "whitespace"])
def test_empty_case_file_is_backed_up_and_never_replaced(tmp_path, content):
    store, ids, notes = _store_with_cases(tmp_path, 1)
    path = case_file(store.path, ids[0])
    path.write_bytes(content)
    with pytest.raises(StoreError, match=f"{path.name}.*(empty|whitespace).*left untouched"):
        store.open_case(notes[0], notes[0].read_text())
    with pytest.raises(StoreError, match=path.name):   # a second open refuses again, still no overwrite
        Store(tmp_path / "store").open_case(notes[0], notes[0].read_text())
    assert path.read_bytes() == content
    backups = list(path.parent.glob(f"{path.name}.corrupt-*"))
    assert len(backups) == 1 and backups[0].read_bytes() == content


def test_deeply_nested_case_file_is_named_backed_up_and_skipped(tmp_path, capsys):
    store, ids, _ = _store_with_cases(tmp_path, 2)
    path = case_file(store.path, ids[0])
    path.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(StoreError, match=f"{path.name}.*nested too deeply"):
        store.get_case(ids[0])
    backup = next(path.parent.glob(f"{path.name}.corrupt-*"))
    assert backup.read_text().startswith("[[[")   # the damaged file is kept, byte for byte
    status, out, err = _cli(capsys, "stats", "--json", "--store", str(store.path))
    assert status == 3
    assert json.loads(out)["cases"] == 1
    assert str(path) in err and "nested too deeply" in err and "RecursionError" not in err


def test_damaged_case_does_not_stop_stats_export_or_listing(tmp_path, capsys):
    store, ids, _ = _store_with_cases(tmp_path, 3)
    bad = case_file(store.path, ids[1])
    bad.write_text('{"cases": {"1": ')
    # the writable store (the TUI's) makes the backup; the listing goes on with the others
    assert sorted(c.id for c in store.list_cases()) == sorted([ids[0], ids[2]])
    backup = next(bad.parent.glob(f"{bad.name}.corrupt-*"))
    assert [str(e.path) for e in store.skipped] == [str(bad)]
    status, out, err = _cli(capsys, "export", "--store", str(store.path))
    assert status == 3
    assert sorted({r["case_id"] for r in json.loads(out)}) == sorted([ids[0], ids[2]])
    assert str(bad) in err and "1 damaged case file skipped" in err
    status, out, err = _cli(capsys, "stats", "--store", str(store.path))
    assert status == 3 and "Cases: 2" in out and str(bad) in err
    assert backup.exists() and bad.read_text() == '{"cases": {"1": '


def test_damaged_case_is_reported_with_its_backup_path(tmp_path, capsys):
    store, ids, _ = _store_with_cases(tmp_path, 2)
    bad = case_file(store.path, ids[0])
    bad.write_bytes(b"")
    store.list_cases()                          # the TUI's writable store backs it up
    backup = next(bad.parent.glob(f"{bad.name}.corrupt-*"))
    status, _, err = _cli(capsys, "stats", "--store", str(store.path))
    assert status == 3
    assert str(bad) in err and "empty" in err and f"backup {backup}" in err


def test_read_only_commands_change_nothing_on_disk(tmp_path, capsys):
    store, ids, _ = _store_with_cases(tmp_path, 3)
    case_file(store.path, ids[1]).write_text("{not json")
    (store.path / "meta.json").touch()
    before = _tree(tmp_path)
    assert _cli(capsys, "stats", "--store", str(store.path))[0] == 3
    assert _cli(capsys, "stats", "--json", "--store", str(store.path))[0] == 3
    assert _cli(capsys, "export", "--store", str(store.path))[0] == 3
    assert _cli(capsys, "export", "--format", "csv", "--status", "completed", "--store", str(store.path))[0] == 3
    assert _cli(capsys, "eval", "--runs", "--store", str(store.path))[0] == 0
    assert _cli(capsys, "preferences", "--store", str(store.path))[0] in (0, 2)
    assert _tree(tmp_path) == before


def test_read_only_commands_report_a_damaged_meta_without_copying_it(tmp_path, capsys):
    store, _, _ = _store_with_cases(tmp_path, 1)
    (store.path / "meta.json").write_text("garbage")
    before = _tree(tmp_path)
    status, _, err = _cli(capsys, "stats", "--store", str(store.path))
    assert status == 2 and "meta.json" in err and "no copy was made" in err
    assert _tree(tmp_path) == before


def test_eval_runs_does_not_create_a_store(tmp_path, capsys):
    for name in ("nothing-here", "store.json"):
        status, out, _ = _cli(capsys, "eval", "--runs", "--store", str(tmp_path / name))
        assert status == 0 and "no evaluation runs" in out
    assert list(tmp_path.iterdir()) == []


def test_export_refuses_devices_fifos_and_symlinks(tmp_path, capsys):
    store, _, _ = _store_with_cases(tmp_path, 1)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    status, _, err = _cli(capsys, "export", "--store", str(store.path), "-o", str(fifo))
    assert status == 2 and "FIFO" in err and len(err.strip().splitlines()) == 1
    assert fifo.is_fifo()
    status, _, err = _cli(capsys, "export", "--store", str(store.path), "-o", "/dev/null")
    assert status == 2 and "is a device" in err
    assert Path("/dev/null").is_char_device()
    target = tmp_path / "real.json"
    target.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    status, _, err = _cli(capsys, "export", "--store", str(store.path), "-o", str(link))
    assert status == 2 and "symbolic link" in err and "--follow-symlink" in err
    assert link.is_symlink() and target.read_text() == "old"
    status, _, err = _cli(capsys, "export", "--store", str(store.path), "-o", str(link), "--follow-symlink")
    assert status == 0, err
    assert link.is_symlink() and json.loads(target.read_text())[0]["code"] == "E11.9"
    assert target.stat().st_mode & 0o777 == 0o600
    dev_link = tmp_path / "dev-link"
    dev_link.symlink_to("/dev/null")
    status, _, err = _cli(capsys, "export", "--store", str(store.path), "-o", str(dev_link), "--follow-symlink")
    assert status == 2 and "is a device" in err


def test_note_edited_after_completion_is_marked_and_left_out_of_completed_export(tmp_path, capsys):
    store, ids, notes = _store_with_cases(tmp_path, 2)
    notes[0].write_text(NOTE + "Addendum: patient also has lung cancer.\n")   # edited after completion
    status, out, err = _cli(capsys, "export", "--store", str(store.path))
    rows = {r["case_id"]: r for r in json.loads(out)}
    assert status == 0 and rows[ids[0]]["note_changed"] is True and rows[ids[1]]["note_changed"] is False
    status, out, err = _cli(capsys, "export", "--store", str(store.path), "--status", "completed")
    assert {r["case_id"] for r in json.loads(out)} == {ids[1]}
    assert "left out 1 completed case whose note changed" in err
    status, out, _ = _cli(capsys, "export", "--store", str(store.path), "--status", "completed",
                          "--include-changed", "--format", "csv")
    lines = out.splitlines()
    assert lines[0].endswith(",note_changed") and sum(line.endswith(",True") for line in lines) == 1
    # reopening records what changed: old and new hash and size
    case = store.open_case(notes[0], notes[0].read_text())
    assert case.note_changed and case.current_size > case.note_size
    entry = store.audit(case.id)[-1]
    assert entry.action == "note_changed" and entry.before["size"] < entry.after["size"]


def test_the_index_follows_every_write_and_is_rebuilt_when_missing_or_stale(tmp_path, capsys):
    from medcoder_tui.store.index import INDEX_FILE, JOURNAL_FILE

    store, ids, notes = _store_with_cases(tmp_path, 3)
    journal = store.path / JOURNAL_FILE
    assert len(journal.read_text().splitlines()) >= 3 * 4          # one line per case write
    entries = store.case_index()
    assert entries[ids[0]]["status"] == "completed" and entries[ids[0]]["final"] == 1
    store.set_status(ids[0], "in_progress")
    assert Store(store.path).case_index()[ids[0]]["status"] == "in_progress"   # another process sees it
    # a case file changed behind the index's back (a write killed before its journal line)
    other = Store(store.path)
    data = json.loads(case_file(store.path, ids[1]).read_text())
    data["cases"]["1"]["status"] = "skipped"
    case_file(store.path, ids[1]).write_text(json.dumps(data))
    assert other.case_index()[ids[1]]["status"] == "skipped"
    # index and journal gone or damaged: rebuilt from the case files
    (store.path / INDEX_FILE).write_text("{broken")
    journal.unlink()
    status, out, _ = _cli(capsys, "stats", "--json", "--store", str(store.path))
    assert status == 0 and json.loads(out)["by_status"] == {"completed": 1, "in_progress": 1, "skipped": 1}
    case_file(store.path, ids[2]).unlink()
    assert set(Store(store.path).case_index()) == {ids[0], ids[1]}


def test_stats_from_the_index_match_stats_from_the_case_files(tmp_path, capsys):
    from medcoder_tui.store.reports import compute_stats

    store, ids, _ = _store_with_cases(tmp_path, 3)
    store.reopen(ids[1])                  # a completed case is read-only until reopened
    store.reject(ids[1], "icd10cm:I10")
    store.undo(ids[1])
    expected = compute_stats(store.list_cases(), store.audit()).model_dump(mode="json")
    status, out, _ = _cli(capsys, "stats", "--json", "--store", str(store.path))
    got = json.loads(out)
    assert status == 0
    assert {k: got[k] for k in expected} == expected
