"""Offline CPT/HCPCS suggestions (engines/procedures/) scored on the sample notes' gold sidecars.

Usage: python bench/bench_procedures.py [--notes DIR] [--out FILE] [--verbose]

Runs ``suggest_procedures`` and the ``Grounder`` over every ``NAME.txt`` with a
``NAME.gold.json`` sidecar (setting from the sidecar), counts a suggestion only
when it is acceptable after grounding, and prints micro precision/recall/F1 per
system (cpt, hcpcs) and the time of ``suggest_procedures`` per note (the note's
analysis is shared with the ICD-10-CM engine, so it is not counted). Writes bench/results/procedures.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from medcoder_tui.codes.service import get_codesets  # noqa: E402
from medcoder_tui.codes.systems import System  # noqa: E402
from medcoder_tui.engines.analysis.clinical_text import analyze  # noqa: E402
from medcoder_tui.engines.checks.grounding import Grounder  # noqa: E402
from medcoder_tui.engines.procedures.suggest import suggest_procedures  # noqa: E402
from benchlib import prf  # noqa: E402

SYSTEMS = (System.CPT, System.HCPCS)


def run(notes_dir: Path, verbose: bool = False) -> dict:
    cs = get_codesets()
    counts = {s.value: [0, 0, 0] for s in SYSTEMS}
    per_note, times = [], []
    warm = "Office visit. Ketorolac 30 mg IM given."  # first call compiles the description index
    suggest_procedures(warm, analysis=analyze(warm), types=set(SYSTEMS), setting="outpatient", codesets=cs)
    for gold_path in sorted(notes_dir.glob("*.gold.json")):
        note_path = gold_path.with_name(gold_path.name.replace(".gold.json", ".txt"))
        if not note_path.exists():
            continue
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        note = note_path.read_text(encoding="utf-8")
        setting = gold.get("setting", "outpatient")
        analysis = analyze(note)
        t0 = time.perf_counter()
        raws = suggest_procedures(note, analysis=analysis, types=set(SYSTEMS), setting=setting, codesets=cs)
        times.append((time.perf_counter() - t0) * 1000)
        grounder = Grounder(note, codesets=cs, setting=setting, types=set(SYSTEMS))
        grounded = grounder.finish([grounder.ground(r) for r in raws])
        row = {"note": note_path.stem}
        for system in SYSTEMS:
            pred = {s.code for s in grounded if s.system is system and s.acceptable}
            want = set(gold.get(system.value, []))
            c = counts[system.value]
            c[0] += len(pred & want)
            c[1] += len(pred)
            c[2] += len(want)
            row[system.value] = {"tp": sorted(pred & want), "fp": sorted(pred - want), "fn": sorted(want - pred)}
        per_note.append(row)
        if verbose:
            print(f"{row['note']:42s} " + "  ".join(
                f"{s.value}: +{row[s.value]['tp']} fp{row[s.value]['fp']} fn{row[s.value]['fn']}" for s in SYSTEMS))
    tp = sum(c[0] for c in counts.values())
    npred = sum(c[1] for c in counts.values())
    ngold = sum(c[2] for c in counts.values())
    return {
        "notes": len(per_note),
        "per_system": {name: prf(*c) for name, c in counts.items()},
        "overall": prf(tp, npred, ngold),
        "ms_per_note": {"mean": round(statistics.mean(times), 2) if times else 0.0,
                        "max": round(max(times), 2) if times else 0.0},
        "per_note": per_note,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--notes", default=str(ROOT / "sample_notes"))
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "procedures.json"))
    ap.add_argument("--verbose", action="store_true", help="print each note's hits and misses")
    args = ap.parse_args(argv)
    result = run(Path(args.notes), verbose=args.verbose)
    for name, m in result["per_system"].items():
        print(f"{name:6s} P {m['precision']:.3f}  R {m['recall']:.3f}  F1 {m['f1']:.3f}  "
              f"(tp {m['tp']}, predicted {m['predicted']}, gold {m['gold']})")
    print(f"time per note: mean {result['ms_per_note']['mean']} ms, max {result['ms_per_note']['max']} ms")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
