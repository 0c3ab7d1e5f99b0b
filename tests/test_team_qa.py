"""Second-level review: a sample of completed cases, an audit that changes and adds codes without
touching the coder's work, and the accuracy figures that follow in ``medcoder stats``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from store_helpers import NOTE, result

from medcoder_tui.cli import main
from medcoder_tui.store import CaseStatus, Store, StoreError


def coded_case(store: Store, note: Path, *codes: str) -> str:
    note.write_text(NOTE)
    case = store.open_case(note, NOTE)
    case = store.save_suggestions(case.id, result(*codes))
    for s in case.suggestions:
        store.accept(case.id, s.key, "documented")
    store.set_status(case.id, CaseStatus.COMPLETED, override=True)
    return case.id


@pytest.fixture
def team(tmp_path):
    root = tmp_path / "store"
    alice, bob = Store(root), Store(root)
    alice.user, bob.user = "alice", "bob"
    a1 = coded_case(alice, tmp_path / "a1.txt", "E11.9", "I10")
    a2 = coded_case(alice, tmp_path / "a2.txt", "E11.9")
    b1 = coded_case(bob, tmp_path / "b1.txt", "I10")
    return root, a1, a2, b1


def run_json(capsys, *argv: str):
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_audit_findings_feed_accuracy_without_touching_the_coders_codes(team, capsys):
    root, a1, a2, b1 = team
    picked = run_json(capsys, "qa", "sample", "--percent", "100", "--coder", "alice", "--store", str(root))
    assert sorted(r["case"] for r in picked) == sorted([a1, a2])
    assert run_json(capsys, "qa", "sample", "--percent", "100", "--coder", "alice", "--store", str(root)) == []
    before = Store(root).get_case(a1).final_codes
    for argv in (["agree", "E11.9"], ["change", "I10", "I11.9", "--reason", "wrong code"],
                 ["add", "Z79.4", "--system", "icd10cm", "--reason", "missed code"]):
        assert main(["qa", "finding", a1, *argv, "--store", str(root)]) == 0
    assert main(["qa", "finding", a2, "agree", "E11.9", "--store", str(root)]) == 0
    assert main(["qa", "done", a1, "--store", str(root)]) == 0
    store = Store(root)
    assert store.get_case(a1).final_codes == before                   # the coder's work stays as completed
    assert store.get_case(a1).status is CaseStatus.COMPLETED
    found = [e for e in store.audit(a1) if e.action == "qa_finding"]
    assert [e.after["verdict"] for e in found] == ["agree", "change", "add"]
    assert found[1].before == {"code": "I10", "system": "icd10cm"} and found[1].after["code"] == "I11.9"
    capsys.readouterr()
    qa = run_json(capsys, "stats", "--store", str(root))["qa"]
    assert qa["audited_cases"] == 2
    assert qa["accuracy_by_coder"]["alice"] == {"agreed": 2, "findings": 2, "judged": 4, "accuracy": 0.5}
    assert "bob" not in qa["accuracy_by_coder"]
    assert qa["accuracy_by_system"]["icd10cm"]["accuracy"] == 0.5
    assert qa["top_findings"] == [["wrong code", 1], ["missed code", 1]]
    assert qa["productivity_by_coder"]["alice"]["cases"] == 2 and qa["productivity_by_coder"]["bob"]["cases"] == 1
    assert main(["stats", "--store", str(root)]) == 0
    assert "accuracy coder alice" in capsys.readouterr().out


def test_bad_findings_are_refused_with_one_line(team, capsys):
    root, a1, _, _ = team
    for argv, message in ((["change", "I10", "I11.9"], "needs a reason"),
                          (["remove", "J45.909", "--reason", "wrong code"], "is not one of the case's final codes"),
                          (["add", "Z79.4", "--reason", "missed code"], "needs its system")):
        assert main(["qa", "finding", a1, *argv, "--store", str(root)]) == 2
        err = capsys.readouterr().err
        assert message in err and err.count("\n") == 1
    assert main(["qa", "sample", "--percent", "0", "--store", str(root)]) == 2
    assert "--percent" in capsys.readouterr().err
    assert main(["qa", "done", a1, "--store", str(root)]) == 2      # never sampled
    assert [e for e in Store(root).audit(a1) if e.action == "qa_finding"] == []


def test_only_completed_cases_are_audited(tmp_path):
    store = Store(tmp_path / "s")
    note = tmp_path / "n.txt"
    note.write_text(NOTE)
    case = store.open_case(note, NOTE)
    store.save_suggestions(case.id, result("E11.9"))
    with pytest.raises(StoreError, match="not completed"):
        store.add_finding(case.id, "add", None, new_code="I10", system="icd10cm", reason="missed code")
    assert store.qa_sample(100) == []


def test_preferences_learn_the_auditors_corrections_above_the_coders(tmp_path):
    from medcoder_tui.preferences.learn import learn_from_store

    store = Store(tmp_path / "s")
    store.user = "alice"
    case_id = coded_case(store, tmp_path / "n.txt", "E11.9", "I10")
    store.user = "lead"
    store.add_finding(case_id, "change", "I10", new_code="I11.9", reason="wrong code")
    store.add_finding(case_id, "remove", "E11.9", reason="unsupported by documentation")
    store.add_finding(case_id, "add", None, new_code="Z79.4", system="icd10cm", reason="missed code")
    prefs = learn_from_store(Store(tmp_path / "s", read_only=True))
    pooled = {s.key: s for s in prefs.stats if s.engine == "*" and s.setting == "*"}
    assert (pooled["icd10cm:I10"].accepted, pooled["icd10cm:I10"].replaced) == (0, 1)
    assert pooled["icd10cm:I10"].replacements == {"icd10cm:I11.9": 1}
    assert (pooled["icd10cm:E11.9"].accepted, pooled["icd10cm:E11.9"].rejected) == (0, 1)
    assert [m.key for m in prefs.manual] == ["icd10cm:Z79.4"]
