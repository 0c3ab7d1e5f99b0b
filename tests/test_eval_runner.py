"""The runner, report and comparison on synthetic notes whose figures were computed by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from medcoder_tui.codes.systems import System
from medcoder_tui.engines.models import Flag
from medcoder_tui.evaluation.compare import compare, comparison_text
from medcoder_tui.evaluation.gold import collect_gold
from medcoder_tui.evaluation.report import markdown, summary_text
from medcoder_tui.evaluation.runner import run_evaluation
from eval_engines import ScriptedEngine, sugg

ICD = [System.ICD10CM]


@pytest.fixture(scope="module")
def validate():
    from medcoder_tui.codes.service import get_codesets

    cs = get_codesets()
    return lambda code, system: cs.validate(code, system)


def three_notes(tmp_path: Path) -> tuple[Path, Path]:
    """Three small notes plus one that makes the engine fail, with TSV gold (CodiEsp layout)."""
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "n1.txt").write_text("diabetic with hypertension and CKD stage 3", encoding="utf-8")
    (notes / "n2.txt").write_text("asthma flare, cough", encoding="utf-8")
    (notes / "n3.txt").write_text("humerus fracture nonunion, no MI", encoding="utf-8")
    (notes / "n4.txt").write_text("engine breaks here", encoding="utf-8")
    gold = tmp_path / "gold.tsv"
    gold.write_text("n1\te119\nn1\ti10\nn1\tn18.30\nn2\tj45.909\nn3\ts42.322b\nn4\ti10\n", encoding="utf-8")
    return notes, gold


SCRIPT = {
    # predicted {E11.65, I10}; E11 is a header (rejected): TP 1 FP 1 FN 2 -> P 1/2, R 1/3, F1 0.4
    "diabetic": [sugg("E11.65"), sugg("I10"), sugg("I10"), sugg("E11", billable=False, flags=(Flag.NOT_BILLABLE,))],
    # predicted {J45.909, R05.9}: TP 1 FP 1 FN 0 -> P 1/2, R 1, F1 2/3
    "asthma": [sugg("J45.909"), sugg("R05.9")],
    # predicted {S42.322A, I21.9 (negated)}: TP 0 FP 2 FN 1 -> 0, 0, 0
    "humerus": [sugg("S42.322A"), sugg("I21.9", flags=(Flag.NEGATED,))],
    "breaks": RuntimeError("stream broke"),
}


async def test_hand_checked_three_notes(tmp_path, validate):
    notes, gold_file = three_notes(tmp_path)
    gold = collect_gold(notes, gold=gold_file, types=ICD, validate=validate)
    engine = ScriptedEngine(SCRIPT)
    seen = []
    run = await run_evaluation(gold, engine, types=ICD, concurrency=2,
                               progress=lambda done, total, note: seen.append((done, total, note.note_id)))
    assert [s[:2] for s in seen] == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert (run.notes, run.failed) == (3, 1)
    failed = run.note("n4")
    assert failed.status == "failed" and "stream broke" in failed.error
    # micro: TP 2, FP 4, FN 3 -> P 1/3, R 2/5, F1 4/11
    assert (run.micro.tp, run.micro.fp, run.micro.fn) == (2, 4, 3)
    assert run.micro.precision == pytest.approx(1 / 3)
    assert run.micro.recall == pytest.approx(0.4)
    assert run.micro.f1 == pytest.approx(4 / 11)
    # macro: P (1/2+1/2+0)/3, R (1/3+1+0)/3, F1 (0.4+2/3+0)/3
    assert run.macro.precision == pytest.approx(1 / 3)
    assert run.macro.recall == pytest.approx(4 / 9)
    assert run.macro.f1 == pytest.approx(16 / 45)
    # categories: n1 {E11,I10} vs {E11,I10,N18}; n2 {J45,R05} vs {J45}; n3 {S42,I21} vs {S42}
    assert (run.category_micro.tp, run.category_micro.fp, run.category_micro.fn) == (4, 2, 1)
    assert run.category_micro.f1 == pytest.approx(8 / 11)
    assert run.per_system["icd10cm"].f1 == pytest.approx(4 / 11)
    counts = {k: v.count for k, v in run.error_patterns.items() if v.count}
    assert counts == {"wrong_specificity": 1, "missed": 1, "non_billable": 1, "symptom_for_confirmed": 1,
                      "wrong_7th_character": 1, "uncertain_or_negated": 1}
    n1 = run.note("n1")
    assert n1.predicted == ["icd10cm:E11.65", "icd10cm:I10"]
    assert n1.score.f1 == pytest.approx(0.4)
    assert (run.engine, run.model, run.prompt_version) == ("scripted", "script-1", "test-1")

    data = json.loads(run.model_dump_json())
    for key in ("engine", "model", "prompt_version", "notes", "failed", "micro", "macro", "category_micro",
                "per_system", "error_patterns", "per_note"):
        assert key in data
    assert set(data["micro"]) >= {"precision", "recall", "f1"}

    md = markdown(run)
    assert "| Micro (full code) | 0.333 | 0.400 | 0.364 | 2 | 4 | 3 |" in md
    assert "| wrong_7th_character | 1 | 1 |" in md and "S42.322A vs gold S42.322B" in md
    assert "## Worst notes" in md and "| n3 | 0.000 |" in md
    assert "## Failed notes" in md and "stream broke" in md
    assert "F1=0.364" in summary_text(run) and "FAILED n4" in summary_text(run)


async def test_concurrency_is_bounded_and_sidecar_setting_used(tmp_path, validate):
    for i in range(6):
        (tmp_path / f"s{i}.txt").write_text(f"note {i} asthma", encoding="utf-8")
        (tmp_path / f"s{i}.gold.json").write_text(json.dumps(
            {"setting": "inpatient" if i == 0 else "ed", "icd10cm": ["I10", "J45.909"]}), encoding="utf-8")
    gold = collect_gold(tmp_path, types=ICD, validate=validate)
    engine = ScriptedEngine({"asthma": [sugg("J45.909"), sugg("I10")]}, delay=0.02)
    run = await run_evaluation(gold, engine, types=ICD, concurrency=2)
    assert engine.max_active == 2
    assert sorted(engine.settings_seen) == ["ed"] * 5 + ["inpatient"]
    # sidecar gold is ordered: I10 is the principal, the engine put J45.909 first
    assert run.error_patterns["wrong_principal"].count == 6
    assert run.micro.f1 == 1.0
    forced = await run_evaluation(gold, ScriptedEngine({}), types=ICD, setting="outpatient", force_setting=True)
    assert forced.micro.f1 == 0.0 and forced.error_patterns["missed"].count == 12


async def test_partial_stream_error_marks_note_failed(tmp_path, validate):
    (tmp_path / "a.txt").write_text("asthma", encoding="utf-8")
    (tmp_path / "a.gold.json").write_text(json.dumps({"icd10cm": ["J45.909"]}), encoding="utf-8")
    gold = collect_gold(tmp_path, types=ICD, validate=validate)
    run = await run_evaluation(gold, ScriptedEngine({"asthma": ([sugg("J45.909")], "connection lost")}), types=ICD)
    note = run.note("a")
    assert note.status == "failed" and note.error == "connection lost"
    assert note.predicted == ["icd10cm:J45.909"]   # kept for display, not scored
    assert (run.notes, run.failed, run.micro.tp) == (0, 1, 0)


async def test_compare_lists_better_and_worse_notes(tmp_path, validate):
    notes, gold_file = three_notes(tmp_path)
    gold = collect_gold(notes, gold=gold_file, types=ICD, validate=validate)
    a = await run_evaluation(gold, ScriptedEngine(SCRIPT), types=ICD)
    a.id = "runa"
    better = dict(SCRIPT, humerus=[sugg("S42.322B")], asthma=[sugg("R05.9")])
    b = await run_evaluation(gold, ScriptedEngine(better), types=ICD)
    b.id = "runb"
    c = compare(a, b)
    assert [d.note_id for d in c.better] == ["n3"]
    assert [d.note_id for d in c.worse] == ["n2"]
    assert c.better[0].gained == ["icd10cm:S42.322B"] and c.worse[0].lost == ["icd10cm:J45.909"]
    assert c.unchanged == 2   # n1 same, n4 failed in both
    f1 = next(m for m in c.metrics if m.name == "micro.f1")
    assert f1.a == pytest.approx(4 / 11) and f1.delta == pytest.approx(b.micro.f1 - 4 / 11)
    text = comparison_text(c)
    assert "better n3" in text and "worse  n2" in text
    assert "micro.f1" in text and "caution" not in text
    b.types = ["icd10cm", "cpt"]
    assert "different code types" in comparison_text(compare(a, b))


async def test_must_not_code_hits_and_em_exact_rate(tmp_path, validate):
    """Three sidecar notes: hits and E/M agreement counted by hand, shown in the summary and report."""
    sidecars = {
        "ed": ({"setting": "ed", "icd10cm": ["R07.89"], "cpt": ["99284"],
                "not_codes": [{"code": "I24.9", "reason": "uncertain ACS in the ED (IV.H)"},
                              {"code": "R07.9", "reason": "chest pressure is documented: R07.89"}]},
               [sugg("R07.89"), sugg("I24.9"), sugg("R07.9"), sugg("99285", "cpt")]),
        "office": ({"icd10cm": ["J02.9"], "cpt": ["99213", "87880"],
                    "not_codes": [{"code": "J02.0", "reason": "ruled out"}]},
                   [sugg("J02.9"), sugg("99213", "cpt"), sugg("87880", "cpt")]),
        "noem": ({"icd10cm": ["M17.11"], "cpt": ["20610"], "not_codes": [{"code": "99213", "system": "cpt",
                                                                          "reason": "no separate E/M"}]},
                 [sugg("M17.11"), sugg("20610", "cpt"), sugg("99213", "cpt")]),
    }
    script = {}
    for name, (side, answer) in sidecars.items():
        (tmp_path / f"{name}.txt").write_text(f"note {name}", encoding="utf-8")
        (tmp_path / f"{name}.gold.json").write_text(json.dumps(side), encoding="utf-8")
        script[f"note {name}"] = answer
    types = [System.ICD10CM, System.CPT]
    gold = collect_gold(tmp_path, types=types, validate=validate)
    run = await run_evaluation(gold, ScriptedEngine(script), types=types)
    assert run.note("ed").not_code_hits == {"icd10cm:I24.9": "uncertain ACS in the ED (IV.H)",
                                            "icd10cm:R07.9": "chest pressure is documented: R07.89"}
    assert run.note("office").not_code_hits == {}
    assert run.note("noem").not_code_hits == {"cpt:99213": "no separate E/M"}
    assert (run.must_not_hits, run.must_not_notes) == (3, 2)
    # E/M: "ed" 99285 vs 99284 (not exact), "office" exact, "noem" has no gold E/M level
    assert (run.note("ed").em_exact, run.note("office").em_exact, run.note("noem").em_exact) == (False, True, None)
    assert (run.em.notes, run.em.exact) == (2, 1) and run.em.rate == pytest.approx(0.5)
    text = summary_text(run)
    assert "must-not-code hits 3 in 2 notes" in text and "E/M level exact 1/2 notes (0.500)" in text
    md = markdown(run)
    assert "## Must-not-code hits" in md and "| ed | I24.9 | uncertain ACS in the ED (IV.H) |" in md
    assert "| noem | 99213 (CPT) | no separate E/M |" in md
    only_icd = await run_evaluation(collect_gold(tmp_path, types=ICD, validate=validate), ScriptedEngine(script),
                                    types=ICD)
    assert (only_icd.must_not_hits, only_icd.em.notes) == (2, 0)
    assert "no gold E/M level" in summary_text(only_icd)


async def test_compare_shows_must_not_hits_and_em_rate(tmp_path, validate):
    (tmp_path / "a.txt").write_text("note a", encoding="utf-8")
    (tmp_path / "a.gold.json").write_text(json.dumps({"icd10cm": ["R07.89"], "cpt": ["99284"],
                                                      "not_codes": [{"code": "I24.9", "reason": "uncertain"}]}))
    types = [System.ICD10CM, System.CPT]
    gold = collect_gold(tmp_path, types=types, validate=validate)
    a = await run_evaluation(gold, ScriptedEngine({"note a": [sugg("I24.9"), sugg("99285", "cpt")]}), types=types)
    b = await run_evaluation(gold, ScriptedEngine({"note a": [sugg("R07.89"), sugg("99284", "cpt")]}), types=types)
    named = {m.name: m for m in compare(a, b).metrics}
    assert (named["must_not_hits"].a, named["must_not_hits"].b) == (1, 0)
    assert (named["em_exact_rate"].a, named["em_exact_rate"].b) == (0.0, 1.0)
    text = comparison_text(compare(a, b))
    assert "must_not_hits                   1        0       -1" in text
