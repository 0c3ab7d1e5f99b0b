"""Claiming cases in a team store: one coder per case, expiry by heartbeat, takeover audited,
two processes racing."""

from __future__ import annotations

import grp
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from store_helpers import NOTE, result

from medcoder_tui.store import Store, StoreError
from medcoder_tui.store.claims import ClaimedError
from medcoder_tui.store.team import init_team_store

GROUP = grp.getgrgid(os.getgid()).gr_name
WORKER = Path(__file__).with_name("store_worker.py")


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def team(tmp_path):
    root = init_team_store(tmp_path / "team", GROUP)
    note = tmp_path / "note.txt"
    note.write_text(NOTE)
    clock = Clock()
    a = Store(root, clock=clock, claim_expiry=300)
    b = Store(root, clock=clock, claim_expiry=300)
    case = a.open_case(note, NOTE)
    a.save_suggestions(case.id, result("E11.9", "I10"))
    return a, b, case.id, clock


def test_second_session_is_told_who_holds_the_case(team):
    a, b, case_id, _ = team
    claim = a.claim(case_id)
    assert claim is not None and claim.coder == a.user
    with pytest.raises(ClaimedError) as err:
        b.claim(case_id)
    assert f"being coded by {a.user} since " in str(err.value)
    assert b.claims()[case_id].describe().startswith(f"being coded by {a.user} since ")
    key = b.get_case(case_id).suggestions[0].key
    with pytest.raises(ClaimedError):
        b.accept(case_id, key)              # read-only for everyone but the holder
    a.accept(case_id, key)
    assert a.get_case(case_id).decisions[key] == "accepted"


def test_release_frees_the_case(team):
    a, b, case_id, _ = team
    a.claim(case_id)
    a.release_all()
    assert b.claims() == {}
    assert b.claim(case_id).session == b.session


def test_stopped_heartbeat_expires_and_takeover_is_audited(team):
    a, b, case_id, clock = team
    a.claim(case_id)
    clock.now += timedelta(seconds=240)
    a.heartbeat()                           # alive: the claim lasts 300 s from here
    clock.now += timedelta(seconds=240)
    with pytest.raises(ClaimedError):
        b.claim(case_id)
    clock.now += timedelta(seconds=61)      # a's session died: no heartbeat for 301 s
    assert b.claims() == {}
    taken = b.claim(case_id)
    assert taken.session == b.session
    takeover = [e for e in b.audit(case_id) if e.action == "claim_takeover"]
    assert len(takeover) == 1 and takeover[0].before["coder"] == a.user
    with pytest.raises(ClaimedError):      # the old holder is now told, not silently overwritten
        a.accept(case_id, a.get_case(case_id).suggestions[0].key)
    a.heartbeat()
    assert b.claim_of(case_id).session == b.session


def test_personal_store_has_no_claims(tmp_path):
    a = Store(tmp_path / "mine")
    note = tmp_path / "n.txt"
    note.write_text(NOTE)
    case = a.open_case(note, NOTE)
    assert a.claim(case.id) is None and Store(a.path).claim(case.id) is None
    assert not (a.path / "claims").exists()


def test_two_processes_racing_exactly_one_wins(team):
    a, _, case_id, _ = team
    procs = [subprocess.Popen([sys.executable, str(WORKER), "claim", str(a.path), case_id],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) for _ in range(2)]
    try:
        for p in procs:
            assert p.stdout.readline().strip() == "ready"
        for p in procs:
            p.stdin.write("go\n")
            p.stdin.flush()
        answers = sorted(p.stdout.readline().strip() for p in procs)
    finally:
        for p in procs:
            p.stdin.close()
            p.wait(timeout=30)
    assert answers[0].startswith("told: case ") and "being coded by" in answers[0]
    assert answers[1] == "won"
    assert Store(a.path).claims() == {}    # both quit: the winner released its claim


def test_claim_refuses_unknown_case(team):
    a, *_ = team
    with pytest.raises(StoreError):
        a.claim("0" * 16)
