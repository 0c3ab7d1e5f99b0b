"""Bulk accept as one action, and completed cases that stay as billed until reopened (real store folder)."""

from __future__ import annotations

import pytest
from store_helpers import NOTE, result, suggestion

from medcoder_tui.codes.systems import System
from medcoder_tui.engines.models import Flag
from medcoder_tui.store import CaseStatus, FinalCode, Store, StoreError
from medcoder_tui.store.decisions import bulk_hold_reasons
from medcoder_tui.store.reports import compute_stats


@pytest.fixture
def store(tmp_path):
    return Store(tmp_path / "store.json")


@pytest.fixture
def case(store, tmp_path):
    note = tmp_path / "note1.txt"
    note.write_text(NOTE)
    case = store.open_case(note, NOTE)
    return store.save_suggestions(case.id, result("E11.9", "I10", "Z79.4",
                                                  suggestion("J11.1", flags=[Flag.NEGATED])))


def test_accept_many_is_one_action_that_one_undo_reverts(store, case):
    store.reject(case.id, "icd10cm:Z79.4")
    c = store.accept_many(case.id, ["icd10cm:E11.9", "icd10cm:I10"])
    assert [f.code for f in c.final_codes] == ["E11.9", "I10"]
    entries = store.audit(case.id)[-2:]
    assert [e.action for e in entries] == ["accept", "accept"]
    assert entries[0].group and entries[0].group == entries[1].group
    c = store.undo(case.id)
    assert c.final_codes == [] and c.decisions == {"icd10cm:Z79.4": "rejected"}
    assert store.get_case(case.id).model_dump() == c.model_dump()
    # The undo entries name each reverted entry, so every reader of the trail sees both undone.
    undos = [e for e in store.audit(case.id) if e.action == "undo"]
    assert {u.target for u in undos} == {e.id for e in entries}
    stats = compute_stats(store.list_cases(), store.audit())
    assert stats.undos == 2 and stats.acceptance_by_system["icd10cm"]["accepted"] == 0
    c = store.undo(case.id)                                   # the next undo is the earlier rejection
    assert c.decisions == {}


def test_accept_many_refuses_as_a_whole(store, case):
    header = suggestion("E11", ok=False)
    store.save_suggestions(case.id, result("E11.9", header))
    with pytest.raises(StoreError, match="cannot be accepted"):
        store.accept_many(case.id, ["icd10cm:E11.9", "icd10cm:E11"])
    assert store.get_case(case.id).decisions == {}


def test_bulk_hold_reasons_name_every_flag():
    assert bulk_hold_reasons(suggestion("E11.9")) == []
    assert bulk_hold_reasons(suggestion("J11.1", flags=[Flag.NEGATED])) == ["negated"]
    assert bulk_hold_reasons(suggestion("Z80.0", flags=[Flag.FAMILY_HISTORY, Flag.NO_EVIDENCE])) == [
        "family_history", "no_evidence"]
    assert bulk_hold_reasons(suggestion("E11", ok=False)) == ["not_billable"]


def test_completed_case_is_read_only_until_reopened(store, case):
    store.accept(case.id, "icd10cm:E11.9")
    store.set_status(case.id, CaseStatus.COMPLETED)
    refused = [
        lambda: store.accept(case.id, "icd10cm:I10"),
        lambda: store.accept_many(case.id, ["icd10cm:I10"]),
        lambda: store.reject(case.id, "icd10cm:E11.9"),
        lambda: store.edit_code(case.id, "icd10cm:E11.9", FinalCode(code="E11.65", system=System.ICD10CM)),
        lambda: store.add_manual(case.id, FinalCode(code="I10", system=System.ICD10CM)),
        lambda: store.remove_final(case.id, "E11.9"),
        lambda: store.set_setting(case.id, "inpatient"),
        lambda: store.save_suggestions(case.id, result("I10")),
    ]
    for call in refused:
        with pytest.raises(StoreError, match="completed and read-only; reopen it"):
            call()
    after = store.get_case(case.id)
    assert [f.code for f in after.final_codes] == ["E11.9"] and after.status is CaseStatus.COMPLETED
    assert after.decisions == {"icd10cm:E11.9": "accepted"}

    reopened = store.reopen(case.id)
    assert reopened.status is CaseStatus.IN_PROGRESS and reopened.completed_at is None
    last = store.audit(case.id)[-1]
    assert (last.action, last.before["status"], last.after["status"]) == ("status", "completed", "in_progress")
    assert last.after["reason"] == "reopened"
    assert [f.code for f in store.accept(case.id, "icd10cm:I10").final_codes] == ["E11.9", "I10"]
    with pytest.raises(StoreError, match="not completed"):
        store.reopen(case.id)
