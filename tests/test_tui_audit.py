"""Audit mode (Pilot): the auditor's verdicts become findings; the coder's codes stay as completed."""

from __future__ import annotations

from pathlib import Path

from store_helpers import result
from tui_support import NOTE, ScriptedEngine, frozen_clock, until

from medcoder_tui.config import Settings
from medcoder_tui.store import CaseStatus, Store
from medcoder_tui.tui.app import make_app
from medcoder_tui.tui.screens.qa_audit import AuditScreen, ReasonPick
from medcoder_tui.tui.screens.worklist import WorklistScreen



async def test_audit_agree_and_remove_with_reason(tmp_path: Path):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "a.txt").write_text(NOTE)
    store = Store(tmp_path / "store")
    store.user = "alice"
    case = store.open_case(folder / "a.txt", NOTE)
    case = store.save_suggestions(case.id, result("E11.9", "I10"))
    for s in case.suggestions:
        store.accept(case.id, s.key, "documented")
    store.set_status(case.id, CaseStatus.COMPLETED, override=True)
    store.qa_sample(100)
    finals = store.get_case(case.id).final_codes
    auditor = Store(store.path)
    auditor.user = "lead"
    app = make_app(Settings(), folder, store=auditor, engine=ScriptedEngine(), clock=frozen_clock,
                   theme="textual-dark")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("f4")
        await until(pilot, lambda: isinstance(app.screen, AuditScreen))
        assert "coded by alice" in str(app.screen.query_one("#qa-title").render())
        await pilot.press("g")                         # agree with E11.9
        await pilot.press("down", "x")                 # remove I10 ...
        await until(pilot, lambda: isinstance(app.screen, ReasonPick))
        await pilot.press("down", "enter")             # ... because it is the wrong code
        await until(pilot, lambda: isinstance(app.screen, AuditScreen) and len(app.screen.verdicts) == 2)
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, WorklistScreen))
    found = [e for e in Store(store.path).audit(case.id) if e.action == "qa_finding"]
    assert [(e.user, e.before["code"], e.after["verdict"], e.reason) for e in found] == [
        ("lead", "E11.9", "agree", None), ("lead", "I10", "remove", "wrong code")]
    assert Store(store.path).get_case(case.id).final_codes == finals
    assert Store(store.path).qa_sample_records()[case.id]["done"] is True
