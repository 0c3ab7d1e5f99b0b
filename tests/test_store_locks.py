"""The store's locks across real processes: a case held by one writer leaves every other case free,
files of the whole store wait for case writers, a writer of the previous version (one exclusive
``.lock`` for everything) and this one still exclude each other, and the index journal is folded
once the case is let go, and a case file written by this version keeps the shape older ones read."""

from __future__ import annotations

import grp
import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from store_helpers import NOTE, result

from medcoder_tui.store import Store, StoreError, index
from medcoder_tui.store.team import init_team_store

GROUP = grp.getgrgid(os.getgid()).gr_name
WORKER = Path(__file__).with_name("store_worker.py")


@pytest.fixture
def two_cases(tmp_path):
    """A team store with two coded cases; the store, and the two (case id, first key) pairs."""
    root = init_team_store(tmp_path / "team", GROUP)
    store = Store(root, lock_timeout=0.5)
    out = []
    for name, codes in (("x", ("E11.9", "I10")), ("y", ("J45.909", "R05.9"))):
        note = tmp_path / f"{name}.txt"
        note.write_text(NOTE + name)
        case = store.open_case(note, NOTE + name)
        store.save_suggestions(case.id, result(*codes))
        out.append((case.id, store.get_case(case.id).suggestions[0].key))
    return store, out


class Holder:
    """A separate process holding one lock until the test lets it go."""

    def __init__(self, root: Path, what: str) -> None:
        self.proc = subprocess.Popen([sys.executable, str(WORKER), "hold", str(root), what],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.answer = self.proc.stdout.readline().strip()

    def __enter__(self) -> Holder:
        assert self.answer == "held"
        return self

    def __exit__(self, *exc) -> None:
        self.proc.stdin.close()
        assert self.proc.wait(timeout=30) == 0


def test_a_held_case_leaves_the_other_cases_free(two_cases):
    store, [(x, x_key), (y, y_key)] = two_cases
    with Holder(store.path, f"case:{x}"):
        t = time.perf_counter()
        store.accept(y, y_key)                  # another coder's case: no wait at all
        assert time.perf_counter() - t < 0.4
        with pytest.raises(StoreError, match=r"is busy: another medcoder session has held .* for over"):
            store.accept(x, x_key)
        with pytest.raises(StoreError, match="is busy"):
            store.claim(x)
    store.accept(x, x_key)
    assert [e.action for e in store.audit(x)][-1] == "accept"
    assert [e.action for e in store.audit(y)][-1] == "accept"


def test_a_store_wide_write_waits_for_a_case_writer(two_cases):
    store, [(x, _), _] = two_cases
    with Holder(store.path, f"case:{x}"):
        with pytest.raises(StoreError, match="is busy"):
            store.put_gold("note-1", {"icd10cm": ["E11.9"]}, source="test")
    store.put_gold("note-1", {"icd10cm": ["E11.9"]}, source="test")
    with Holder(store.path, "store"):              # and a case writer waits for a store-wide one
        with pytest.raises(StoreError, match="is busy"):
            store.set_setting(x, "inpatient")
    assert store.set_setting(x, "inpatient").setting == "inpatient"


def test_a_writer_of_the_previous_version_and_this_one_exclude_each_other(two_cases):
    store, [(x, x_key), (y, y_key)] = two_cases
    with Holder(store.path, "previous"):
        with pytest.raises(StoreError, match="is busy"):
            store.accept(y, y_key)
    with store._case_locked(x):
        assert Holder(store.path, "try-previous").answer == "busy"
    store.accept(y, y_key)


def test_an_older_store_without_lock_files_gets_them_with_the_team_modes(two_cases):
    store, [(x, x_key), _] = two_cases
    for path in [*store.path.glob("locks/*"), store.path / ".lock.gate", store.path / ".lock"]:
        path.unlink()
    (store.path / "locks").rmdir()
    old = os.umask(0o022)
    try:
        fresh = Store(store.path)
        fresh.accept(x, x_key)
    finally:
        os.umask(old)
    assert [e.action for e in fresh.audit(x)][-1] == "accept"
    for path in [store.path / "locks", *store.path.glob("locks/*"), store.path / ".lock.gate"]:
        want = 0o2770 if path.is_dir() else 0o660
        assert stat.S_IMODE(path.stat().st_mode) == want, path


def test_the_journal_is_folded_after_the_case_is_let_go(two_cases, monkeypatch):
    store, [(x, x_key), (y, _)] = two_cases
    monkeypatch.setattr(index, "JOURNAL_LIMIT", 1)     # every append is past the limit
    store.accept(x, x_key)
    assert store.index.journal_path.read_bytes() == b""
    entries = json.loads(store.index.index_path.read_bytes())["entries"]
    assert entries[x]["accepted"] == 1 and y in entries
    assert not store._locks.held
    assert Store(store.path).case_index()[x]["accepted"] == 1


def test_a_case_file_keeps_the_tinydb_shape_every_version_reads(two_cases):
    """The case record is written as pydantic's JSON text beside the audit table; the file must
    stay what TinyDB and earlier versions read: tables cases {"1": case} and decisions {"1".."n"}."""
    store, [(x, x_key), _] = two_cases
    store.accept(x, x_key)
    store.reject(x, x_key)
    store.undo(x)
    tables = json.loads((store.path / "cases" / x[:2] / f"{x}.json").read_bytes())
    assert list(tables) == ["cases", "decisions"]
    case = store.get_case(x)
    assert tables["cases"] == {"1": case.model_dump(mode="json")}
    assert list(tables["decisions"]) == [str(n) for n in range(1, len(tables["decisions"]) + 1)]
    assert [e["action"] for e in tables["decisions"].values()][-3:] == ["accept", "reject", "undo"]
    assert case.decisions[x_key] == "accepted"
    from tinydb import TinyDB

    db = TinyDB(store.path / "cases" / x[:2] / f"{x}.json")
    assert db.table("cases").get(doc_id=1)["id"] == x
    db.close()
