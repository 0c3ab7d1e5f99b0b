"""Assigning notes to coders (``medcoder assign``) and the worklist views mine / unassigned / all,
which follow another session's assignments by themselves."""

from __future__ import annotations

import grp
import json
import os
import pwd
import stat
from pathlib import Path

import pytest
from tui_support import NOTE, ScriptedEngine, frozen_clock, until

from medcoder_tui.cli import main
from medcoder_tui.config import Settings
from medcoder_tui.store import Store, case_id_for
from medcoder_tui.store.team import init_team_store
from medcoder_tui.tui.app import make_app
from medcoder_tui.tui.widgets.worklist_table import WorklistTable

GROUP = grp.getgrgid(os.getgid()).gr_name
ME = pwd.getpwuid(os.geteuid()).pw_name
OTHER = next(p.pw_name for p in pwd.getpwall() if p.pw_uid != os.geteuid())


@pytest.fixture
def team(tmp_path: Path):
    folder = tmp_path / "notes"
    (folder / "ward").mkdir(parents=True)
    for name in ("alpha", "beta", "ward/gamma", "ward/delta"):
        (folder / f"{name}.txt").write_text(NOTE)
    return folder, init_team_store(tmp_path / "team", GROUP)


def test_assign_notes_and_folders_and_take_them_back(team, capsys):
    folder, root = team
    assert main(["assign", str(folder / "ward"), "--to", ME, "--store", str(root)]) == 0
    assert main(["assign", str(folder / "alpha.txt"), "--to", OTHER, "--store", str(root)]) == 0
    assert "1 of 1 note assigned" in capsys.readouterr().out.splitlines()[-1]
    got = Store(root).assignments()
    assert {r["coder"] for r in got.values()} == {ME, OTHER} and len(got) == 3
    assert got[case_id_for(folder / "ward" / "gamma.txt")]["by"] == ME
    assert stat.S_IMODE((root / "assignments.json").stat().st_mode) == 0o660
    assert main(["assign", str(folder / "ward"), "--unassign", "--store", str(root)]) == 0
    assert len(Store(root).assignments()) == 1
    log = [json.loads(line) for line in (root / "assignments.log").read_text().splitlines()]
    assert [(e["from"], e["to"]) for e in log][-2:] == [(ME, None), (ME, None)]


def test_assign_bad_input_one_line_each(team, capsys):
    folder, root = team
    assert main(["assign", str(folder), "--to", "no-such-coder-xyz", "--store", str(root)]) == 2
    assert "no user account 'no-such-coder-xyz'" in capsys.readouterr().err
    assert main(["assign", str(folder / "missing"), "--to", ME, "--store", str(root)]) == 2
    assert "no such note or folder" in capsys.readouterr().err
    assert not (root / "assignments.json").exists()


def names(app) -> list[str]:
    table = app.screen.query_one(WorklistTable)
    return [table.get_row_at(i)[0] for i in range(table.row_count)]



async def test_worklist_views_follow_assignments_made_elsewhere(team):
    folder, root = team
    app = make_app(Settings(), folder, store=Store(root), engine=ScriptedEngine(), clock=frozen_clock,
                   theme="textual-dark")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert len(names(app)) == 4
        await pilot.press("f2")                       # mine: nothing yet
        await pilot.pause()
        assert names(app) == []
        assert "view: mine (0)" in str(app.screen.query_one("#worklist-title").render())
        Store(root).assign([folder / "ward" / "gamma.txt"], ME)     # the lead, in another session
        Store(root).assign([folder / "beta.txt"], OTHER)
        await until(pilot, lambda: names(app) == ["ward/gamma.txt"])
        await pilot.press("f2")                       # unassigned
        await pilot.pause()
        assert names(app) == ["alpha.txt", "ward/delta.txt"]
        await pilot.press("f2")                       # all again
        await pilot.pause()
        assert len(names(app)) == 4
