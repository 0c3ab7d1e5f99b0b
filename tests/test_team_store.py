"""The team store: modes of every file and folder on a real disk, the coder from the OS account,
and one clear line for each kind of bad input."""

from __future__ import annotations

import grp
import json
import os
import pwd
import stat
from pathlib import Path

import pytest
from store_helpers import NOTE, result

from medcoder_tui.cli import main
from medcoder_tui.store import Store, StoreError
from medcoder_tui.store.team import init_team_store

GROUP = grp.getgrgid(os.getgid()).gr_name   # a group the running user is in, present on every machine


@pytest.fixture
def wide_umask():
    """A coder's usual umask (022) would take group write away from every new file."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def modes(root: Path) -> dict[str, int]:
    out = {}
    for dirpath, _, files in os.walk(root):
        for p in [Path(dirpath), *(Path(dirpath) / f for f in files)]:
            out[str(p.relative_to(root))] = stat.S_IMODE(p.stat().st_mode)
    return out


def code_one_case(store: Store, note: Path) -> str:
    note.write_text(NOTE)
    case = store.open_case(note, NOTE)
    store.save_suggestions(case.id, result("E11.9", "I10"))
    store.accept(case.id, store.get_case(case.id).suggestions[0].key)
    store.add_eval_run({"id": "run-1", "metrics": {}})
    store.put_gold("n1", {"icd10cm": ["E11.9"]}, source="test")
    store.case_index()
    return case.id


def test_team_store_keeps_group_modes_for_every_writer(tmp_path, wide_umask):
    root = init_team_store(tmp_path / "team", GROUP)
    store = Store(root)
    assert (store.kind, store.group) == ("team", GROUP)
    code_one_case(store, tmp_path / "note.txt")
    store.index.fold()   # index.json and the emptied journal too
    found = modes(root)
    assert "cases" in found and any(k.startswith("eval_runs/") for k in found) and "index.jsonl" in found
    for name, mode in found.items():
        path = root / name
        if path.is_dir():
            assert mode == 0o2770, name
        else:
            assert mode == 0o660, name
        assert path.stat().st_gid == os.getgid()


def test_personal_store_stays_owner_only(tmp_path, wide_umask):
    store = Store(tmp_path / "mine")
    assert store.kind == "personal"
    code_one_case(store, tmp_path / "note.txt")
    for name, mode in modes(store.path).items():
        assert mode == (0o700 if (store.path / name).is_dir() else 0o600), name


def test_the_coder_is_the_os_account(tmp_path, monkeypatch):
    monkeypatch.setenv("USER", "someone-else")
    monkeypatch.setenv("LOGNAME", "someone-else")
    store = Store(init_team_store(tmp_path / "team", GROUP))
    case_id = code_one_case(store, tmp_path / "note.txt")
    account = pwd.getpwuid(os.geteuid()).pw_name
    assert {e.user for e in store.audit(case_id)} == {account}


def test_open_folder_is_refused_with_one_line(tmp_path):
    root = init_team_store(tmp_path / "team", GROUP)
    os.chmod(root, 0o2775)
    with pytest.raises(StoreError) as err:
        Store(root)
    assert "mode 2775" in str(err.value)
    assert "2770" in str(err.value) and "\n" not in str(err.value)


def test_store_of_another_version_is_refused(tmp_path):
    root = init_team_store(tmp_path / "team", GROUP)
    meta = json.loads((root / "meta.json").read_text())
    meta["_meta"]["1"]["kind"] = "federated"
    (root / "meta.json").write_text(json.dumps(meta))
    with pytest.raises(StoreError, match="another medcoder version"):
        Store(root)


def test_team_init_bad_input_one_line_each(tmp_path, capsys):
    assert main(["team", "init", str(tmp_path / "t"), "--group", "no-such-group-xyz"]) == 2
    err = capsys.readouterr().err
    assert "no Unix group 'no-such-group-xyz'" in err and err.count("\n") == 1
    assert not (tmp_path / "t").exists()
    assert main(["team", "init", str(tmp_path / "t"), "--group", GROUP]) == 0
    assert main(["team", "init", str(tmp_path / "t"), "--group", GROUP]) == 2
    assert "already a medcoder store" in capsys.readouterr().err


def test_doctor_names_the_kind_and_warns_on_wrong_modes(tmp_path, capsys):
    root = init_team_store(tmp_path / "team", GROUP)
    store = Store(root)
    case_id = code_one_case(store, tmp_path / "note.txt")
    assert main(["doctor", "--store", str(root)]) == 0
    out = capsys.readouterr().out
    assert f"(team store, group {GROUP})" in out and "warning" not in out
    bad = root / "cases" / case_id[:2] / f"{case_id}.json"
    os.chmod(bad, 0o644)
    assert main(["doctor", "--store", str(root)]) == 0
    out = capsys.readouterr().out
    assert f"warning: {bad} has mode 0644, expected 0660" in out
    Store(tmp_path / "mine")
    assert main(["doctor", "--store", str(tmp_path / "mine")]) == 0
    assert "(personal store)" in capsys.readouterr().out
