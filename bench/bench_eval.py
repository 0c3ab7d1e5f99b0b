"""Benchmark: evaluate the offline engine on the 250 CodiEsp development notes (ICD-10-CM).

Run from the repository root:  python bench/bench_eval.py [NOTES_DIR GOLD_TSV] [--limit-seconds 60]

Prints the timings and figures and writes them to bench/results/eval.json. The
budget is the whole evaluation (code sets, gold, engine over every note,
scoring) in one fresh process: under 60 s on the project's 2-core machine.
Exit status 1 when over budget. ``--cold`` starts from an empty cache directory,
so one-time index builds are included (the first run after installing).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_NOTES = Path(__file__).resolve().parents[2] / "shared" / "codiesp-dev" / "notes"
DEFAULT_GOLD = Path(__file__).resolve().parents[2] / "shared" / "codiesp-dev" / "gold_diagnoses.tsv"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notes", nargs="?", type=Path, default=DEFAULT_NOTES)
    parser.add_argument("gold", nargs="?", type=Path, default=DEFAULT_GOLD)
    parser.add_argument("--limit-seconds", type=float, default=60.0)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "eval.json")
    parser.add_argument("--cold", action="store_true",
                        help="start from an empty cache dir (first run after install: indexes are built)")
    args = parser.parse_args()
    if args.cold:
        import tempfile

        os.environ["MEDCODER_CACHE_DIR"] = tempfile.mkdtemp(prefix="medcoder-bench-cache-")

    from medcoder_tui.codes.service import get_codesets
    from medcoder_tui.codes.systems import System
    from medcoder_tui.engines.offline import OfflineEngine
    from medcoder_tui.evaluation.gold import collect_gold
    from medcoder_tui.evaluation.runner import run_evaluation

    t0 = time.perf_counter()
    codesets = get_codesets()
    t_codesets = time.perf_counter() - t0
    types = [System.ICD10CM]
    gold = collect_gold(args.notes, gold=args.gold, types=types,
                        validate=lambda code, system: codesets.validate(code, system))
    t_gold = time.perf_counter() - t0 - t_codesets
    engine = OfflineEngine(codesets)
    from medcoder_tui.config import load_settings

    run = asyncio.run(run_evaluation(gold, engine, types=types, setting=load_settings().setting,
                                     concurrency=args.concurrency))
    total = time.perf_counter() - t0
    per_note = sorted(n.seconds for n in run.per_note)
    result = {
        "benchmark": "offline engine over CodiEsp dev notes, ICD-10-CM",
        "cache": "cold (empty cache dir)" if args.cold else "warm (user cache dir)",
        "notes": len(run.per_note),
        "scored": run.notes,
        "failed": run.failed,
        "seconds_total": round(total, 2),
        "seconds_codesets": round(t_codesets, 2),
        "seconds_gold": round(t_gold, 2),
        "seconds_engine_and_scoring": run.seconds,
        "seconds_per_note_median": per_note[len(per_note) // 2] if per_note else 0.0,
        "seconds_per_note_max": per_note[-1] if per_note else 0.0,
        "limit_seconds": args.limit_seconds,
        "within_limit": total < args.limit_seconds,
        "micro": run.micro.model_dump(),
        "macro": run.macro.model_dump(),
        "category_micro": run.category_micro.model_dump(),
        "top_error_patterns": {k: v.count for k, v in sorted(run.error_patterns.items(),
                                                             key=lambda kv: -kv[1].count) if v.count},
        "engine": run.engine,
        "prompt_version": run.prompt_version,
        "codeset_versions": codesets.versions(),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    tmp.replace(args.out)
    print(json.dumps(result, indent=2))
    print(f"{'OK' if result['within_limit'] else 'OVER BUDGET'}: {result['notes']} notes in "
          f"{total:.1f} s (limit {args.limit_seconds:.0f} s); micro-F1 {run.micro.f1:.3f}, "
          f"category F1 {run.category_micro.f1:.3f}; written to {args.out}", file=sys.stderr)
    return 0 if result["within_limit"] else 1


if __name__ == "__main__":
    sys.exit(main())
