"""Two TUI sessions on one team store (Pilot): the second sees who holds a case, opens it
read-only, and the case is free again once the first goes back to the list."""

from __future__ import annotations

import grp
import os
from pathlib import Path

import pytest
from tui_support import NOTE, ScriptedEngine, frozen_clock, until

from medcoder_tui.config import Settings
from medcoder_tui.store import Store, StoreError
from medcoder_tui.store.team import init_team_store
from medcoder_tui.tui.app import make_app
from medcoder_tui.tui.screens.review import ReviewScreen
from medcoder_tui.tui.screens.worklist import WorklistScreen
from medcoder_tui.tui.widgets.worklist_table import WorklistTable

GROUP = grp.getgrgid(os.getgid()).gr_name


@pytest.fixture
def team(tmp_path: Path):
    folder = tmp_path / "notes"
    folder.mkdir()
    for name in ("alpha", "beta"):
        (folder / f"{name}.txt").write_text(NOTE)
    return folder, init_team_store(tmp_path / "team", GROUP)


def build(folder: Path, root: Path):
    return make_app(Settings(), folder, store=Store(root), engine=ScriptedEngine(), clock=frozen_clock,
                    theme="textual-dark")



def first_row(app) -> list[str]:
    return app.screen.query_one(WorklistTable).get_row_at(0)


async def test_second_coder_sees_the_claim_and_opens_read_only(team):
    folder, root = team
    a, b = build(folder, root), build(folder, root)
    async with a.run_test(size=(120, 40)) as pa, b.run_test(size=(120, 40)) as pb:
        await pa.pause()
        await pb.pause()
        await pa.press("enter")
        await until(pa, lambda: isinstance(a.screen, ReviewScreen) and a.screen.suggestions)
        case_id = a.screen.case.id
        assert a.screen.held_by is None
        await until(pb, lambda: "being coded by" in first_row(b)[0])   # b's list refreshed by itself
        assert first_row(b)[1] == "claimed" and f"by {a.services.store.user} since " in first_row(b)[0]
        await pb.press("enter")
        await until(pb, lambda: isinstance(b.screen, ReviewScreen))
        assert b.screen.held_by is not None
        assert "READ-ONLY, being coded by" in str(b.screen.query_one("#review-title").render())
        await pb.press("a")                                           # refused: nothing is written
        await pb.pause()
        assert b.services.store.get_case(case_id).decisions == {}
        await pa.press("a")
        await until(pa, lambda: a.services.store.get_case(case_id).decisions)
        await pa.press("escape")
        await until(pa, lambda: isinstance(a.screen, WorklistScreen))
        assert Store(root).claims() == {}                             # back at the list: released
        await pb.press("escape")
        await until(pb, lambda: isinstance(b.screen, WorklistScreen) and "being coded" not in first_row(b)[0])
        await pb.press("enter")
        await until(pb, lambda: isinstance(b.screen, ReviewScreen))
        assert b.screen.held_by is None and Store(root).claims()[case_id].session == b.services.store.session
    assert Store(root).claims() == {}                                 # quitting released b's claim


async def test_an_open_case_keeps_its_claim_alive(team):
    folder, root = team
    app = make_app(Settings(), folder, store=Store(root, claim_expiry=1.5), engine=ScriptedEngine(),
                   clock=frozen_clock, theme="textual-dark")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        case_id = app.screen.case.id
        first = Store(root).claims()[case_id].heartbeat
        await pilot.pause(2.5)                       # longer than the expiry: only heartbeats keep it
        other = Store(root, claim_expiry=1.5)
        claim = other.claim_of(case_id)
        assert claim is not None and claim.heartbeat > first
        with pytest.raises(StoreError):
            other.claim(case_id)
