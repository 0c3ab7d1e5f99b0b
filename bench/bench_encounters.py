"""Offline engine on the encounter development set (bench/encounters), tune and held-out apart.

Usage: python bench/bench_encounters.py [--out FILE] [--split tune|heldout|fresh|both|all]

For each split: micro precision/recall/F1 over ICD-10-CM, CPT and HCPCS together and per
system, must-not-code hits (suggested codes the gold lists under ``not_codes``, with the
reason), the E/M level exact rate over notes whose gold has an E/M level, and ICD-10-CM
candidate recall@10/20/50 (the list the Ollama prompt gets, measured as
bench_offline.py measures it on CodiEsp). Each note is coded in its sidecar's setting,
through the same runner and scoring as ``medcoder eval`` (without learned preferences).
Writes bench/results/encounters.json.

The held-out quarter is for reporting: read its figures, not its notes, when tuning rules. The
fresh set (``fresh/``, when present) was written after the rules, by someone who had not read
them and without running any engine on it: the least biased of the three figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from medcoder_tui.codes.service import get_codesets  # noqa: E402
from medcoder_tui.codes.systems import System  # noqa: E402
from medcoder_tui.engines.offline import OfflineEngine  # noqa: E402
from medcoder_tui.engines.diagnoses.ranking import recall_order  # noqa: E402
from medcoder_tui.engines.diagnoses.retrieval import candidate_pool  # noqa: E402
from medcoder_tui.evaluation.gold import collect_gold  # noqa: E402
from medcoder_tui.evaluation.metrics import PRF, split_key  # noqa: E402
from medcoder_tui.evaluation.runner import run_evaluation  # noqa: E402
from medcoder_tui.notes import load_note  # noqa: E402

SETS = ROOT / "bench" / "encounters"
# the tuning set, the held-out quarter and the fresh sets (fresh, fresh2, fresh3, ...) present, in order
SPLITS = ["tune", "heldout", *sorted((p.name for p in SETS.glob("fresh*") if p.is_dir()),
                                     key=lambda n: int(n[5:] or 1))]
TYPES = [System.ICD10CM, System.CPT, System.HCPCS]
KS = (10, 20, 50)


def _prf(m: PRF) -> dict:
    return {"precision": round(m.precision, 4), "recall": round(m.recall, 4), "f1": round(m.f1, 4),
            "tp": m.tp, "fp": m.fp, "fn": m.fn}


def candidate_recall(cases, codesets) -> dict:
    """ICD-10-CM gold codes found in the first k retrieval candidates, over all notes of a split."""
    found = {k: 0 for k in KS}
    anywhere = total = 0
    for case in cases:
        gold = {split_key(k)[1] for k in case.codes if k.startswith("icd10cm:")}
        pool, words = candidate_pool(load_note(case.note_path), types={System.ICD10CM}, codesets=codesets)
        ordered = [c.code for c in recall_order(pool, words)]
        for k in KS:
            found[k] += len(gold & set(ordered[:k]))
        anywhere += len(gold & {c.code for c in pool})
        total += len(gold)
    out = {f"@{k}": round(v / total, 4) if total else 0.0 for k, v in found.items()}
    out["any_rank"] = round(anywhere / total, 4) if total else 0.0
    out["gold_codes"] = total
    return out


def _first_listed(run) -> dict:
    ordered = [n for n in run.per_note if n.status == "ok" and n.gold_ordered
               and any(split_key(k)[0] is System.ICD10CM for k in n.gold)]
    wrong = sum(1 for n in ordered if any(p.pattern == "wrong_principal" for p in n.patterns))
    return {"notes": len(ordered), "exact": len(ordered) - wrong,
            "rate": round((len(ordered) - wrong) / len(ordered), 4) if ordered else 0.0}


def run_split(name: str, engine: OfflineEngine, codesets) -> dict:
    gold = collect_gold(SETS / name, types=TYPES, validate=codesets.validate)
    t0 = time.perf_counter()
    run = asyncio.run(run_evaluation(gold, engine, types=TYPES, concurrency=1))
    seconds = time.perf_counter() - t0
    times = sorted(n.seconds for n in run.per_note if n.status == "ok")
    hits = [{"note": n.note_id, "code": split_key(k)[1], "system": split_key(k)[0].value, "reason": why}
            for n in run.per_note for k, why in n.not_code_hits.items()]
    em_misses = [{"note": n.note_id, "gold": [split_key(k)[1] for k in n.em_gold],
                  "suggested": [split_key(k)[1] for k in n.em_predicted]}
                 for n in run.per_note if n.em_exact is False]
    return {
        "notes": run.notes, "failed": run.failed,
        "settings": {s: sum(1 for c in gold.cases if c.setting == s) for s in ("outpatient", "ed", "inpatient")},
        "micro_all_systems": _prf(run.micro),
        "category_micro": _prf(run.category_micro),
        "per_system": {k: _prf(v) for k, v in run.per_system.items()},
        "must_not_code_hits": run.must_not_hits,
        "notes_with_must_not_code_hits": run.must_not_notes,
        "em_exact": {"notes": run.em.notes, "exact": run.em.exact, "rate": round(run.em.rate, 4)},
        # the proposed sequence's first diagnosis against the gold's principal or first-listed one
        "first_listed_exact": _first_listed(run),
        "icd10cm_candidate_recall": candidate_recall(gold.cases, codesets),
        "error_patterns": {k: v.count for k, v in sorted(run.error_patterns.items()) if v.count},
        "engine_ms_per_note": {"mean": round(statistics.mean(times) * 1000, 1) if times else 0.0,
                               "p95": round(times[int(0.95 * (len(times) - 1))] * 1000, 1) if times else 0.0},
        "total_s": round(seconds, 2),
        "must_not_code_hit_list": hits,
        "em_misses": em_misses,
        "warnings": run.warnings,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", default="all", choices=[*SPLITS, "both", "all"],
                    help="both: tune and heldout; all: every split folder present (the fresh sets too)")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "encounters.json"))
    args = ap.parse_args(argv)
    codesets = get_codesets()
    engine = OfflineEngine(codesets=codesets)
    engine.suggest_sync("Hypertension.", {System.ICD10CM}, "outpatient")   # warm the indexes
    splits = ["tune", "heldout"] if args.split == "both" else \
        SPLITS if args.split == "all" \
        else [args.split]
    out = {"engine": "offline", "preferences": False, "sets": str(SETS.relative_to(ROOT)),
           "codeset_versions": dict(codesets.versions())}
    for name in splits:
        out[name] = run_split(name, engine, codesets)
        r = out[name]
        m, rec = r["micro_all_systems"], r["icd10cm_candidate_recall"]
        print(f"{name:8} {r['notes']:3} notes  P={m['precision']:.3f} R={m['recall']:.3f} F1={m['f1']:.3f}  "
              + "  ".join(f"{s} F1={v['f1']:.3f}" for s, v in r["per_system"].items())
              + f"  must-not {r['must_not_code_hits']} ({r['notes_with_must_not_code_hits']} notes)"
              + f"  E/M exact {r['em_exact']['exact']}/{r['em_exact']['notes']}"
              + f"  first-listed {r['first_listed_exact']['exact']}/{r['first_listed_exact']['notes']}"
              + f"  ICD recall@50 {rec['@50']:.3f}"
              + (f"  ENGINE FAILED on {r['failed']} note(s)" if r["failed"] else ""))
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
