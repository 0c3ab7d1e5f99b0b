"""Benchmark: does learning the organization's preferences improve coding of *other* notes?

Run from the repository root:  python bench/bench_preferences.py [--out bench/results/preferences.json]

The simulated review is honest: a simulated coder reviews the offline
engine's suggestions on one set of notes, deciding each as a coder working to
that note's gold codes would (keep a correct code; replace a wrong one by the
gold code of the same category the engine missed; reject the rest; add missed
gold codes by hand; complete the case). Every decision goes through a real
Store, and preferences are learned from its audit trail. They are then applied
to notes the review never saw, and those notes are scored against their own
gold with and without preferences. The gold of the evaluated notes is never
used to learn.

Figures:
1. CodiEsp dev (250 notes, ICD-10-CM): two-fold -- review half A, evaluate
   half B, and the other way round (split by a hash of the note id).
2. The 16 sample notes (all code types): preferences learned from reviewing
   all 250 CodiEsp notes, evaluated on the sample notes.
Also timed: learning from the store, applying to a note, building the prompt block.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

NOTES = Path(__file__).resolve().parents[2] / "shared" / "codiesp-dev" / "notes"
GOLD = Path(__file__).resolve().parents[2] / "shared" / "codiesp-dev" / "gold_diagnoses.tsv"
SAMPLES = ROOT / "sample_notes"
SETTING = "outpatient"


def split(cases: list, fold: int) -> tuple[list, list]:
    """(review, evaluate) halves by a stable hash of the note id."""
    def half(c) -> int:
        return hashlib.sha1(c.note_id.encode()).digest()[0] % 2
    review = [c for c in cases if half(c) == fold]
    return review, [c for c in cases if half(c) != fold]


def replace_by_gold(store, case_id: str, s, missing: list[str], tally: dict) -> bool:
    """Edit a wrong suggestion to the missed gold code of its category, if there is one (and it is billable)."""
    from medcoder_tui.evaluation.metrics import category_key
    from medcoder_tui.store import FinalCode, StoreError
    from medcoder_tui.store.decisions import parse_system

    same = next((g for g in missing if category_key(g) == category_key(s.key)), None)
    if same is None:
        return False
    missing.remove(same)
    system, _, code = same.partition(":")
    try:
        store.edit_code(case_id, s.key, FinalCode(code=code, system=parse_system(system)))
    except StoreError:   # the gold code is not billable in this code set version
        tally["unaddable"] += 1
        return False
    tally["replaced"] += 1
    return True


def simulate_review(store, cases: list, engine, types: set, setting: str) -> dict:
    """A coder working to each note's gold reviews the engine's suggestions in ``store``."""
    from medcoder_tui.notes import load_note
    from medcoder_tui.store import FinalCode, StoreError
    from medcoder_tui.store.decisions import parse_system

    tally = {"accepted": 0, "replaced": 0, "rejected": 0, "added": 0, "unaddable": 0}
    for case in cases:
        text = load_note(case.note_path)
        note_setting = case.setting or setting
        result = engine.suggest_sync(text, types, note_setting)
        c = store.open_case(case.note_path, text, setting=note_setting)
        store.save_suggestions(c.id, result)
        gold = list(case.codes)
        shown = {s.key for s in result.suggestions if s.acceptable}
        missing = [g for g in gold if g not in shown]
        for s in result.suggestions:
            if s.key in gold and s.acceptable:
                store.accept(c.id, s.key)
                tally["accepted"] += 1
            elif not replace_by_gold(store, c.id, s, missing, tally):
                store.reject(c.id, s.key)
                tally["rejected"] += 1
        for g in missing:
            system, _, code = g.partition(":")
            try:
                store.add_manual(c.id, FinalCode(code=code, system=parse_system(system)))
                tally["added"] += 1
            except StoreError:   # already on the list through another suggestion, or not billable
                tally["unaddable"] += 1
        store.set_status(c.id, "completed")
    return tally


def figures(run) -> dict:
    return {"notes": run.notes, "micro_precision": round(run.micro.precision, 4),
            "micro_recall": round(run.micro.recall, 4), "micro_f1": round(run.micro.f1, 4),
            "tp": run.micro.tp, "fp": run.micro.fp, "fn": run.micro.fn, "macro_f1": round(run.macro.f1, 4)}


async def compare(gold, engine, prefs, types, codesets) -> dict:
    """The same notes scored without and with preferences."""
    from medcoder_tui.evaluation.runner import run_evaluation
    from medcoder_tui.preferences import PreferenceEngine

    without = await run_evaluation(gold, engine, types=types, setting=SETTING, concurrency=2)
    wrapped = PreferenceEngine(engine, prefs, codesets=codesets)
    with_prefs = await run_evaluation(gold, wrapped, types=types, setting=SETTING, concurrency=2)
    a, b = figures(without), figures(with_prefs)
    return {"without": a, "with": b, "delta_f1": round(b["micro_f1"] - a["micro_f1"], 4)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "preferences.json")
    args = parser.parse_args()

    from medcoder_tui.codes.service import get_codesets
    from medcoder_tui.codes.systems import System
    from medcoder_tui.engines.offline import OfflineEngine
    from medcoder_tui.evaluation.gold import collect_gold
    from medcoder_tui.evaluation.models import GoldSet
    from medcoder_tui.preferences import learn_from_store, prompt_block
    from medcoder_tui.preferences.apply import apply_detailed
    from medcoder_tui.store import Store

    codesets = get_codesets()
    engine = OfflineEngine(codesets)
    icd = {System.ICD10CM}
    validate = lambda code, system: codesets.validate(code, system)  # noqa: E731
    codiesp = collect_gold(NOTES, gold=GOLD, types=icd, validate=validate)
    out: dict = {"benchmark": "preferences learned from a simulated review, evaluated on other notes",
                 "engine": "offline", "setting": SETTING, "folds": []}
    workdir = Path(tempfile.mkdtemp(prefix="medcoder-bench-prefs-"))

    for fold in (0, 1):
        review, evaluate = split(codiesp.cases, fold)
        store = Store(workdir / f"fold{fold}.json", fsync=False)
        t0 = time.perf_counter()
        tally = simulate_review(store, review, engine, icd, SETTING)
        t_review = time.perf_counter() - t0
        t0 = time.perf_counter()
        prefs = learn_from_store(store)
        t_learn = time.perf_counter() - t0
        result = asyncio.run(compare(GoldSet(cases=evaluate, description="codiesp half"), engine, prefs,
                                     [System.ICD10CM], codesets))
        acting = [s for s in prefs.pooled() if s.decided >= prefs.thresholds.min_support]
        out["folds"].append({"fold": fold, "reviewed_notes": len(review), "evaluated_notes": len(evaluate),
                             "review_decisions": tally, "codes_with_support": len(acting),
                             "seconds_review": round(t_review, 2), "seconds_learn": round(t_learn, 3),
                             **result})
        print(f"fold {fold}: review {len(review)} notes, evaluate {len(evaluate)}: "
              f"F1 {result['without']['micro_f1']:.4f} -> {result['with']['micro_f1']:.4f} "
              f"(P {result['without']['micro_precision']:.4f} -> {result['with']['micro_precision']:.4f}, "
              f"R {result['without']['micro_recall']:.4f} -> {result['with']['micro_recall']:.4f})")

    # Every CodiEsp note reviewed, the sample notes evaluated (all code types, each note's own setting).
    store = Store(workdir / "all.json", fsync=False)
    simulate_review(store, codiesp.cases, engine, icd, SETTING)
    prefs = learn_from_store(store)
    samples = collect_gold(SAMPLES, types=list(System), validate=validate)
    result = asyncio.run(compare(samples, engine, prefs, list(System), codesets))
    out["sample_notes"] = {"reviewed_notes": len(codiesp.cases), "evaluated_notes": len(samples.cases), **result}
    print(f"sample notes after reviewing all CodiEsp notes: F1 {result['without']['micro_f1']:.4f} -> "
          f"{result['with']['micro_f1']:.4f}")

    # Timings on the 250-case store.
    t0 = time.perf_counter()
    prefs = learn_from_store(store)
    t_learn = time.perf_counter() - t0
    note = (NOTES / f"{codiesp.cases[0].note_id}.txt").read_text(encoding="utf-8")
    suggestions = engine.suggest_sync(note, icd, SETTING).suggestions
    t0 = time.perf_counter()
    for _ in range(20):
        apply_detailed(suggestions, engine="offline", setting=SETTING, prefs=prefs, codesets=codesets)
    t_apply = (time.perf_counter() - t0) / 20
    t0 = time.perf_counter()
    prompt_block(note, prefs)   # first call builds the similarity index (reads every note)
    t_index = time.perf_counter() - t0
    t0 = time.perf_counter()
    block = prompt_block(note, prefs)
    t_block = time.perf_counter() - t0
    out["timings"] = {"cases": len(codiesp.cases), "seconds_learn": round(t_learn, 3),
                      "ms_apply_per_note": round(1000 * t_apply, 2),
                      "seconds_first_prompt_block_with_index": round(t_index, 3),
                      "ms_prompt_block": round(1000 * t_block, 2), "prompt_block_chars": len(block)}
    print(json.dumps(out["timings"]))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
