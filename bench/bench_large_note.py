"""Large notes: time and peak memory of `medcoder suggest --engine offline` as the note grows.

The note is the sample notes concatenated (each copy numbered, so no two lines
repeat exactly) up to 100 KB, 400 KB and 2 MB. Each size runs in a fresh process
(`medcoder suggest --json`); the figure is the wall time and the peak resident
set size (ru_maxrss of the child). Target (issue 17 item 9): 2 MB in under
10 s and 200 MB, cost growing linearly with the size.

Run: python bench/bench_large_note.py [--sizes 100000,400000,2000000]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "large_note.json"


def build_note(size: int) -> str:
    """Sample notes repeated (numbered copies) up to ``size`` bytes, just under it."""
    notes = [p.read_text("utf-8") for p in sorted((ROOT / "sample_notes").glob("*.txt"))]
    parts: list[str] = []
    total, i = 0, 0
    while True:
        chunk = f"\n\n=== Visit {i + 1} ===\n" + notes[i % len(notes)]
        if total + len(chunk.encode("utf-8")) > size:
            break
        parts.append(chunk)
        total += len(chunk.encode("utf-8"))
        i += 1
    return "".join(parts)


def run_one(note: Path, tmp: Path) -> dict:
    """One `medcoder suggest` process on ``note``: wall and CPU seconds, peak RSS, suggestions."""
    env = {**os.environ, "MEDCODER_CONFIG": str(tmp / "none.toml"), "MEDCODER_PREFERENCES": "false"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "medcoder_tui", "suggest", "--engine", "offline", "--json",
                           "--store", str(tmp / "store"), str(note)], capture_output=True, env=env, cwd=ROOT)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"suggest failed on {note.name}: {proc.stderr.decode()[-500:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"bytes": note.stat().st_size, "seconds": round(wall, 2), "cpu_seconds": round(cpu, 2),
            # ru_maxrss of children is the largest child so far: notes run smallest first
            "peak_rss_mb": round(after.ru_maxrss / 1024, 1),
            "suggestions": len(json.loads(proc.stdout)["suggestions"])}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="100000,400000,2000000")
    args = ap.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    rows = []
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        small = ROOT / "sample_notes" / "04_inpatient_dc_chf.txt"
        baseline = run_one(small, tmp)   # code sets and indexes loaded, a one-page note
        print(f"baseline (one-page note): {baseline['seconds']:.2f} s, peak RSS {baseline['peak_rss_mb']} MB")
        for size in sizes:
            note = tmp / f"note_{size}.txt"
            note.write_text(build_note(size), "utf-8")
            row = run_one(note, tmp)
            rows.append(row)
            print(f"{row['bytes']:>9} bytes  {row['seconds']:7.2f} s wall  {row['cpu_seconds']:7.2f} s CPU  "
                  f"peak RSS {row['peak_rss_mb']:6.1f} MB  {row['suggestions']} suggestions", flush=True)
    result = {"benchmark": "large_note", "engine": "offline", "command": "medcoder suggest --engine offline --json",
              "note": "sample notes repeated (numbered visits) up to each size",
              "load_average": os.getloadavg()[0],
              "target": {"bytes": 2_000_000, "seconds": 10, "peak_rss_mb": 200},
              "baseline": baseline, "runs": rows}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", "utf-8")
    print(f"wrote {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
