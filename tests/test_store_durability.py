"""Promises 3 and 4 of the store: kill -9 loses nothing that returned; two processes lose nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from store_helpers import NOTE, many_keys, result

from medcoder_tui.store import Store

WORKER = Path(__file__).with_name("store_worker.py")
ROOT = Path(__file__).resolve().parent.parent


def _spawn(*args: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, str(WORKER), *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)


@pytest.mark.parametrize("kill_after", [7, 61, 160])
def test_sigkill_mid_session_loses_nothing_that_returned(tmp_path, kill_after):
    store_path = tmp_path / "store.json"
    note = tmp_path / "note.txt"
    note.write_text(NOTE)
    proc = _spawn("kill", str(store_path), str(note))
    printed: list[str] = []
    try:
        assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
        while len(printed) < kill_after:
            line = proc.stdout.readline()
            assert line, f"worker died early: {proc.stderr.read()}"
            printed.append(line.strip())
        os.kill(proc.pid, signal.SIGKILL)   # the worker is in the middle of its next write
    finally:
        proc.kill()
        proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL

    store = Store(store_path)               # reopens cleanly: no torn file
    case = store.case_for_path(note)
    assert case is not None
    keys = [s.key for s in many_keys("a", 20)]
    decided = [e for e in store.audit(case.id) if e.action in ("accept", "reject")]
    returned = [int(p.split()[0]) for p in printed if p.endswith("decision")]
    assert len(decided) >= len(returned)
    for n in returned:                      # every decision that returned is there, in order
        assert decided[n].target == keys[n % 20]
        assert decided[n].action == ("accept" if (n // 20) % 2 == 0 else "reject")
    gold = store.gold()
    for p in printed:
        n, kind = p.split()
        if kind == "gold":
            assert f"note-{n}" in gold
    # the case state agrees with its audit trail
    last = {e.target: e.after for e in decided}
    assert case.decisions == last


N_CASES = 5


def _simulate(tag: str, count: int) -> tuple[dict[tuple[int, str], str], int, int]:
    """What the race worker must leave behind: final decisions, real changes, gold writes."""
    keys = [s.key for s in many_keys(tag, 10)]
    state: dict[tuple[int, str], str] = {}
    changes = gold = 0
    for n in range(count):
        if n % 10 == 9:
            gold += 1
            continue
        slot = (n % N_CASES, keys[(n // N_CASES) % len(keys)])
        want = "accepted" if (n // (N_CASES * len(keys))) % 2 == 0 else "rejected"
        if state.get(slot) != want:
            changes += 1
            state[slot] = want
    return state, changes, gold


def test_two_processes_500_interleaved_writes_each_lose_none(tmp_path):
    store_path = tmp_path / "shared"
    store = Store(store_path)
    notes = []
    for i in range(N_CASES):
        note = tmp_path / f"shared-{i}.txt"
        note.write_text(NOTE)
        case = store.open_case(note, NOTE)
        store.save_suggestions(case.id, result(*many_keys("a", 10), *many_keys("b", 10)))
        notes.append(note)

    started = time.monotonic()
    joined = ",".join(map(str, notes))
    procs = [_spawn("race", str(store_path), joined, tag, "500") for tag in ("a", "b")]
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        assert out.strip() == "done"
    elapsed = time.monotonic() - started
    assert elapsed < 60, f"1000 durable writes took {elapsed:.1f} s"

    cases = [store.case_for_path(n) for n in notes]
    entries = {c.id: store.audit(c.id) for c in cases}
    gold = store.gold()
    for tag in ("a", "b"):
        state, changes, gold_writes = _simulate(tag, 500)
        mine = {s.key for s in many_keys(tag, 10)}
        got = {(i, k): v for i, c in enumerate(cases) for k, v in c.decisions.items() if k in mine}
        assert got == state
        assert sum(1 for c in cases for e in entries[c.id] if e.target in mine) == changes
        assert sum(1 for k in gold if k.startswith(f"{tag}-")) == gold_writes
    # the two writers really interleaved on the same files (not one after the other)
    targets = [e.target.split(":")[1][0] for e in entries[cases[0].id] if e.action in ("accept", "reject")]
    switches = sum(1 for x, y in zip(targets, targets[1:]) if x != y)
    assert switches > 10


def test_temp_files_of_a_killed_writer_are_swept_on_open(tmp_path):
    store = Store(tmp_path / "s")
    note = tmp_path / "n.txt"
    note.write_text(NOTE)
    case = store.open_case(note, NOTE)
    folder = store.path / "cases" / case.id[:2]
    stale, fresh = folder / f".{case.id}.json.999.abcd.tmp", folder / f".{case.id}.json.998.abcd.tmp"
    stale.write_text('{"cases": {"1": {"id": "half')
    fresh.write_text('{"cases"')
    os.utime(stale, (time.time() - 3600, time.time() - 3600))
    reopened = Store(tmp_path / "s")
    assert not stale.exists() and fresh.exists()          # a write in flight elsewhere is left alone
    assert [c.id for c in reopened.list_cases()] == [case.id]
