"""The case store's behaviour through a real store folder: cases, decisions, undo, gold, runs, stats."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from store_helpers import NOTE, result, suggestion

from medcoder_tui.codes.systems import System
from medcoder_tui.engines.models import Flag
from medcoder_tui.store import Case, CaseStatus, FinalCode, Store, StoreError, case_id_for
from medcoder_tui.store.reports import compute_stats, export_rows


class Clock:
    """A clock the test moves by hand, so durations are known exactly."""

    def __init__(self) -> None:
        self.now = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now

    def tick(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def note(tmp_path):
    path = tmp_path / "note1.txt"
    path.write_text(NOTE)
    return path


@pytest.fixture
def store(tmp_path):
    return Store(tmp_path / "store.json")


@pytest.fixture
def case(store, note) -> Case:
    case = store.open_case(note, NOTE)
    return store.save_suggestions(case.id, result("E11.9", "I10", suggestion("E11", ok=False), "Z79.4"))


def test_json_path_means_a_sibling_folder_and_reopen_finds_the_case(tmp_path, note, monkeypatch):
    store = Store(tmp_path / "store.json")
    assert store.path == tmp_path / "store.d"
    first = store.open_case(note, NOTE)
    monkeypatch.chdir(tmp_path)
    again = Store(tmp_path / "store.json").open_case("note1.txt", NOTE)   # relative path, new process view
    assert again.id == first.id == case_id_for(note)
    assert Store(tmp_path / "store.json").case_for_path(note).id == first.id
    assert [e.action for e in store.audit(first.id)] == ["create"]        # reopening writes nothing


def test_edited_note_is_noticed_and_a_rerun_clears_it(store, note, case):
    changed = store.open_case(note, NOTE + "Also gout.\n")
    assert changed.note_changed
    assert store.get_case(case.id).note_changed                           # persisted
    assert store.audit(case.id)[-1].action == "note_changed"
    assert not store.open_case(note, NOTE).note_changed                   # edit reverted
    store.open_case(note, NOTE + "Also gout.\n")
    rerun = store.save_suggestions(case.id, result("E11.9", "M10.9"))
    assert not rerun.note_changed and rerun.note_hash == rerun.current_hash


def test_case_records_run_metadata_and_suggestions_as_shown(store, case):
    got = store.get_case(case.id)
    assert (got.engine, got.prompt_version, got.setting, got.status) == ("offline", "p1", "outpatient",
                                                                         CaseStatus.IN_PROGRESS)
    header = got.suggestion("icd10cm:E11")
    assert header.flags == [Flag.NOT_BILLABLE] and header.evidence[0].start == 8
    assert got.user and got.created_at.tzinfo is not None


def test_accept_reject_and_refusal_of_blocked_suggestion(store, case):
    c = store.accept(case.id, "icd10cm:E11.9")
    assert c.decisions == {"icd10cm:E11.9": "accepted"}
    assert [(f.code, f.source, f.suggestion_key) for f in c.final_codes] == [("E11.9", "suggested", "icd10cm:E11.9")]
    with pytest.raises(StoreError, match="cannot be accepted.*not_billable"):
        store.accept(case.id, "icd10cm:E11")
    with pytest.raises(StoreError, match="no suggestion"):
        store.accept(case.id, "icd10cm:J45.909")
    c = store.reject(case.id, "icd10cm:E11.9")
    assert c.decisions["icd10cm:E11.9"] == "rejected" and c.final_codes == []
    assert store.accept(case.id, "icd10cm:I10").final_codes[0].code == "I10"
    entries = store.audit(case.id)
    assert [(e.action, e.target, e.before, e.after) for e in entries[-3:]] == [
        ("accept", "icd10cm:E11.9", None, "accepted"),
        ("reject", "icd10cm:E11.9", "accepted", "rejected"),
        ("accept", "icd10cm:I10", None, "accepted"),
    ]
    assert all(e.user == c.user for e in entries)
    n = len(entries)
    store.accept(case.id, "icd10cm:I10")                                   # no change, no audit line
    assert len(store.audit(case.id)) == n


def test_manual_and_edited_codes_are_validated(store, case):
    with pytest.raises(StoreError, match="not a valid billable"):
        store.add_manual(case.id, FinalCode(code="E11", system=System.ICD10CM))       # header
    with pytest.raises(StoreError, match="not a valid billable"):
        store.add_manual(case.id, FinalCode(code="Q99.99X", system=System.ICD10CM))   # no such code
    with pytest.raises(StoreError, match="not a valid billable"):
        store.edit_code(case.id, "icd10cm:E11", FinalCode(code="E11.6", system=System.ICD10CM))
    c = store.add_manual(case.id, FinalCode(code="e785", system=System.ICD10CM))
    assert c.final_codes[-1].model_dump() == {"code": "E78.5", "system": System.ICD10CM, "source": "manual",
                                              "description": "Hyperlipidemia, unspecified",
                                              "suggestion_key": None, "modifiers": [], "units": None,
                                              "confidence": None}
    with pytest.raises(StoreError, match="already in the final codes"):
        store.add_manual(case.id, FinalCode(code="E78.5", system=System.ICD10CM))
    c = store.edit_code(case.id, "icd10cm:E11", FinalCode(code="E11.65", system=System.ICD10CM))
    edited = c.final_codes[-1]
    assert (edited.code, edited.source, edited.suggestion_key) == ("E11.65", "edited", "icd10cm:E11")
    assert c.decisions["icd10cm:E11"] == "accepted"
    assert store.audit(case.id)[-1].before == {"code": "E11", "system": "icd10cm"}
    c = store.add_manual(case.id, FinalCode(code="99213", system=System.CPT))
    assert c.final_codes[-1].key == "cpt:99213"
    assert [f.code for f in store.get_case(case.id).final_codes] == ["E78.5", "E11.65", "99213"]


def test_reorder_remove_and_status(store, case):
    store.accept(case.id, "icd10cm:E11.9")
    store.accept(case.id, "icd10cm:I10")
    store.accept(case.id, "icd10cm:Z79.4")
    c = store.reorder(case.id, ["icd10cm:I10", "Z79.4"])
    assert [f.code for f in c.final_codes] == ["I10", "Z79.4", "E11.9"]
    with pytest.raises(StoreError, match="not among the final codes"):
        store.reorder(case.id, ["J45.909"])
    with pytest.raises(StoreError, match="twice"):
        store.reorder(case.id, ["I10", "icd10cm:I10"])
    c = store.remove_final(case.id, "z794")
    assert [f.code for f in c.final_codes] == ["I10", "E11.9"] and c.decisions["icd10cm:Z79.4"] == "rejected"
    c = store.set_status(case.id, CaseStatus.COMPLETED, override=True, reason="payer rule")
    assert (c.status, c.override, c.status_reason, c.completed_by) == (CaseStatus.COMPLETED, True,
                                                                        "payer rule", c.user)
    assert [x.id for x in store.list_cases(CaseStatus.COMPLETED)] == [case.id]
    assert store.list_cases("skipped") == []
    with pytest.raises(StoreError, match="unknown case status"):
        store.set_status(case.id, "done")


def test_undo_walks_back_one_decision_at_a_time(store, case):
    store.accept(case.id, "icd10cm:E11.9")
    store.accept(case.id, "icd10cm:I10")
    store.edit_code(case.id, "icd10cm:E11", FinalCode(code="E11.65", system=System.ICD10CM))
    store.reorder(case.id, ["E11.65"])
    store.set_status(case.id, "completed")
    store.set_position(case.id, 3)                                         # not a decision: undo skips it
    c = store.undo(case.id)
    assert c.status is CaseStatus.IN_PROGRESS and c.completed_at is None and c.position == 3
    c = store.undo(case.id)
    assert [f.code for f in c.final_codes] == ["E11.9", "I10", "E11.65"]
    c = store.undo(case.id)
    assert [f.code for f in c.final_codes] == ["E11.9", "I10"] and "icd10cm:E11" not in c.decisions
    store.reject(case.id, "icd10cm:E11.9")                                 # a new decision after undos
    c = store.undo(case.id)                                                # undoes the reject first
    assert [f.code for f in c.final_codes] == ["E11.9", "I10"]
    store.undo(case.id)
    c = store.undo(case.id)
    assert c.final_codes == [] and c.decisions == {}
    with pytest.raises(StoreError, match="nothing to undo"):
        store.undo(case.id)
    undos = [e for e in store.audit(case.id) if e.action == "undo"]
    assert len(undos) == 6 and undos[0].before["action"] == "status"
    assert store.get_case(case.id).model_dump() == c.model_dump()          # what undo returned is on disk


def test_new_engine_run_keeps_decisions_that_still_apply(store, case):
    store.accept(case.id, "icd10cm:E11.9")
    store.accept(case.id, "icd10cm:Z79.4")
    store.reject(case.id, "icd10cm:I10")
    c = store.save_suggestions(case.id, result("I10", "E78.5", engine="ollama", model="llama3.1:8b"))
    assert (c.engine, c.model) == ("ollama", "llama3.1:8b")
    keys = [s.key for s in c.suggestions]
    # I10 still shown -> its rejection stays; accepted E11.9/Z79.4 were dropped by the run but stay shown
    assert keys == ["icd10cm:I10", "icd10cm:E78.5", "icd10cm:E11.9", "icd10cm:Z79.4"]
    assert c.decisions == {"icd10cm:E11.9": "accepted", "icd10cm:Z79.4": "accepted", "icd10cm:I10": "rejected"}
    assert [f.code for f in c.final_codes] == ["E11.9", "Z79.4"]
    c = store.save_suggestions(case.id, result("E78.5"))
    assert "icd10cm:I10" not in c.decisions                                 # rejected and gone


def test_position_and_setting_survive_reopen(tmp_path, store, note, case):
    store.set_position(case.id, 2)
    store.set_setting(case.id, "inpatient")
    with pytest.raises(StoreError, match="unknown setting"):
        store.set_setting(case.id, "icu")
    again = Store(tmp_path / "store.json").open_case(note, NOTE, setting="outpatient")
    assert (again.position, again.setting) == (2, "inpatient")


def test_unknown_case_ids_are_clear_errors(store):
    assert store.get_case("0" * 16) is None and store.get_case("../../etc") is None
    with pytest.raises(StoreError, match="no case"):
        store.accept("0" * 16, "icd10cm:I10")
    with pytest.raises(StoreError, match="no case"):
        store.set_position("../x", 1)


def test_gold_and_completed_cases_as_gold(store, case, note):
    store.put_gold("S0001", {"icd10cm": ["e119", "i10"], "CPT": ["99213"]}, setting="outpatient", source="codiesp")
    store.put_gold("S0001", {"icd10cm": ["e119"]}, source="codiesp")       # replaced, not duplicated
    store.put_gold("S0002", {"icd": ["Z794"]})
    gold = store.gold()
    assert gold["S0001"] == {"icd10cm": ["E11.9"], "cpt": [], "hcpcs": [], "setting": "", "source": "codiesp"}
    assert gold["S0002"]["icd10cm"] == ["Z79.4"]
    with pytest.raises(StoreError, match="unknown code system"):
        store.put_gold("S3", {"snomed": ["1"]})
    assert store.put_gold_many({f"B{i}": {"icd10cm": ["i10"]} for i in range(50)}, source="bulk") == 50
    assert len(store.gold()) == 52 and store.gold()["B7"]["source"] == "bulk"
    store.accept(case.id, "icd10cm:I10")
    store.add_manual(case.id, FinalCode(code="99213", system=System.CPT))
    assert store.completed_as_gold() == {}
    store.set_status(case.id, "completed")
    assert store.completed_as_gold() == {str(note.resolve()): {
        "icd10cm": ["I10"], "cpt": ["99213"], "hcpcs": [], "setting": "outpatient", "source": f"store:{case.id}",
        "note_hash": case.note_hash}}


def test_eval_runs_by_id_and_prefix(store):
    first = store.add_eval_run({"engine": "offline", "figures": {"f1": 0.5}, "per_note": [{"id": "S1"}]})
    second = store.add_eval_run({"id": "run-b", "engine": "ollama", "when": datetime(2026, 1, 1)})
    assert second == "run-b"
    assert [r["id"] for r in store.list_eval_runs()] == [first, second]
    assert store.get_eval_run(first)["figures"] == {"f1": 0.5}
    assert store.get_eval_run("run-")["engine"] == "ollama"
    assert store.get_eval_run("nope") is None
    store.add_eval_run({"id": "run-c"})
    with pytest.raises(StoreError, match="ambiguous"):
        store.get_eval_run("run-")
    assert store.add_eval_run({"id": "run-b"}) != "run-b"                  # never overwrites a run


def test_stats_on_a_known_audit_trail(tmp_path):
    clock = Clock()
    store = Store(tmp_path / "s", clock=clock)
    ids = []
    for i, engine in enumerate(("offline", "ollama")):
        note = tmp_path / f"n{i}.txt"
        note.write_text(NOTE)
        c = store.open_case(note, NOTE)
        model = "llama3.1:8b" if engine == "ollama" else None
        store.save_suggestions(c.id, result("E11.9", "I10", suggestion("99213", System.CPT), engine=engine,
                                            model=model))
        ids.append(c.id)
    a, b = ids
    clock.tick(30); store.accept(a, "icd10cm:E11.9")
    clock.tick(30); store.reject(a, "icd10cm:I10")
    clock.tick(30); store.accept(a, "cpt:99213")
    clock.tick(1000); store.add_manual(a, FinalCode(code="E78.5", system=System.ICD10CM))   # after a break
    clock.tick(20); store.set_status(a, "completed")
    clock.tick(10); store.accept(b, "icd10cm:E11.9")
    clock.tick(10); store.edit_code(b, "icd10cm:I10", FinalCode(code="I11.9", system=System.ICD10CM))
    clock.tick(10); store.reject(b, "cpt:99213")
    clock.tick(10); store.add_manual(b, FinalCode(code="Z79.4", system=System.ICD10CM))
    clock.tick(10); store.undo(b)                                           # the manual code is undone
    clock.tick(10); store.set_status(b, "completed")
    stats = compute_stats(store.list_cases(), store.audit())
    assert stats.by_status == {"completed": 2}
    assert stats.acceptance_by_engine["offline"] == {"accepted": 2, "edited": 0, "rejected": 1,
                                                          "decided": 3, "rate": 0.6667}
    assert stats.acceptance_by_engine["ollama/llama3.1:8b"]["rate"] == pytest.approx(1 / 3, abs=1e-4)
    assert stats.acceptance_by_system["cpt"] == {"accepted": 1, "edited": 0, "rejected": 1, "decided": 2,
                                                 "rate": 0.5}
    assert stats.acceptance_by_system["icd10cm"]["edited"] == 1
    assert stats.manual_codes == 1 and stats.undos == 1
    # case a: 30+30+30 + a 1000 s break capped at 300 + 20 = 410 s;
    # case b: from its creation 1120 s before its first decision (capped 300) + 5 x 10 s = 350 s
    assert stats.timed_cases == 2
    assert stats.median_seconds_per_case == pytest.approx((410 + 350) / 2)


def test_export_rows_follow_the_sequence(store, case):
    store.accept(case.id, "icd10cm:E11.9")
    store.add_manual(case.id, FinalCode(code="99213", system=System.CPT))
    store.reorder(case.id, ["cpt:99213"])
    store.undo(case.id)                                                     # reorder undone
    rows = export_rows(store.list_cases(), store.audit())
    assert [(r.position, r.system, r.code, r.source) for r in rows] == [
        (1, "icd10cm", "E11.9", "suggested"), (2, "cpt", "99213", "manual")]
    assert rows[0].coder == store.user and rows[1].decided_at >= rows[0].decided_at
    assert export_rows(store.list_cases(), store.audit(), CaseStatus.COMPLETED) == []


def test_threads_sharing_one_store_lose_nothing(store, case):
    import threading

    from store_helpers import many_keys

    store.save_suggestions(case.id, result(*many_keys("a", 40)))
    keys = [s.key for s in many_keys("a", 40)]
    errors: list[BaseException] = []

    def work(part: list[str]) -> None:
        try:
            for key in part:
                store.accept(case.id, key)
        except BaseException as exc:  # surfaced below; a thread cannot fail the test itself
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(keys[i::4],)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert store.get_case(case.id).decisions == {k: "accepted" for k in keys}
    assert sum(1 for e in store.audit(case.id) if e.action == "accept") == 40


def test_logs_never_carry_note_text(tmp_path, caplog):
    import logging

    secret = "Jane Roe, born 1950-02-03, has type 2 diabetes\n"
    note = tmp_path / "phi.txt"
    note.write_text(secret)
    with caplog.at_level(logging.DEBUG, logger="medcoder"):
        store = Store(tmp_path / "s")
        c = store.open_case(note, secret)
        store.save_suggestions(c.id, result("E11.9"))
        store.accept(c.id, "icd10cm:E11.9")
        (store.path / "meta.json").write_text("{broken")
        with pytest.raises(StoreError):
            Store(tmp_path / "s")
    assert caplog.records                                  # the store does log ...
    assert not any("Jane" in r.getMessage() or "diabetes" in r.getMessage() for r in caplog.records)
