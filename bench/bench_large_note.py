"""Large notes: time and peak memory of `medcoder suggest --engine offline` as the note grows.

Two kinds of note, each size in a fresh process (`medcoder suggest --json`):

- repeated visits: the sample notes concatenated with a numbered visit header, up to
  100 KB, 400 KB and 2 MB (a long record of copied-forward visits: sentences repeat);
- no repeated sentence: the same, with every line starting with a word naming its visit
  and line, so no sentence is analysed once for several copies (the worst case).

Figures: wall seconds, CPU seconds and peak resident set size of the child process
(``os.wait4``), and the same for a one-page note (the baseline: code sets and indexes
loaded). Target (issue 17 item 9): 2 MB in under 10 s and 200 MB, cost linear in size.

Run: python bench/bench_large_note.py [--sizes 100000,400000,2000000] [--unique-sizes 400000,2000000]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "large_note.json"


def build_note(size: int, unique: bool = False) -> str:
    """Sample notes repeated (numbered copies) up to ``size`` bytes, just under it.

    ``unique``: every line starts with a word naming its visit and line ("v12l3:"), so no two
    sentences are alike and nothing is analysed once for several copies (the worst case).
    """
    notes = [p.read_text("utf-8") for p in sorted((ROOT / "sample_notes").glob("*.txt"))]
    parts: list[str] = []
    total, i = 0, 0
    while True:
        body = notes[i % len(notes)]
        if unique:
            body = "\n".join(f"v{i}l{j}: {line}" if line.strip() else line
                             for j, line in enumerate(body.splitlines()))
        chunk = f"\n\n=== Visit {i + 1} ===\n" + body
        if total + len(chunk.encode("utf-8")) > size:
            break
        parts.append(chunk)
        total += len(chunk.encode("utf-8"))
        i += 1
    return "".join(parts)


def run_one(note: Path, tmp: Path) -> dict:
    """One `medcoder suggest` process on ``note``: wall and CPU seconds, its own peak RSS, suggestions."""
    # a cache folder of the run's own: the baseline run builds the indexes, the others reuse them
    env = {**os.environ, "MEDCODER_CONFIG": str(tmp / "none.toml"), "MEDCODER_PREFERENCES": "false",
           "MEDCODER_CACHE_DIR": str(tmp / "cache")}
    out_path, err_path = tmp / "out.json", tmp / "err.txt"
    with out_path.open("wb") as out, err_path.open("wb") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "medcoder_tui", "suggest", "--engine", "offline", "--json",
                                 "--store", str(tmp / "store"), str(note)], stdout=out, stderr=err, env=env, cwd=ROOT)
        _, status, usage = os.wait4(proc.pid, 0)   # this child's own rusage (peak RSS, CPU)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"suggest failed on {note.name}: {err_path.read_text()[-500:]}")
    return {"bytes": note.stat().st_size, "seconds": round(wall, 2),
            "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
            "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
            "suggestions": len(json.loads(out_path.read_text())["suggestions"])}


def _show(row: dict, label: str) -> None:
    print(f"{row['bytes']:>9} bytes  {row['seconds']:7.2f} s wall  {row['cpu_seconds']:7.2f} s CPU  "
          f"peak RSS {row['peak_rss_mb']:6.1f} MB  {row['suggestions']} suggestions  ({label})", flush=True)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="100000,400000,2000000")
    ap.add_argument("--unique-sizes", default="400000,2000000",
                    help="sizes also run with no two sentences alike (empty: none)")
    args = ap.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    rows = []
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        small = ROOT / "sample_notes" / "04_inpatient_dc_chf.txt"
        run_one(small, tmp)              # builds the indexes into the run's cache folder
        baseline = run_one(small, tmp)   # code sets and indexes loaded, a one-page note
        print(f"baseline (one-page note): {baseline['seconds']:.2f} s, peak RSS {baseline['peak_rss_mb']} MB")
        for size in sizes:
            note = tmp / f"note_{size}.txt"
            note.write_text(build_note(size), "utf-8")
            rows.append(run_one(note, tmp))
            _show(rows[-1], "repeated visits")
        for size in sorted(int(s) for s in args.unique_sizes.split(",") if s):
            note = tmp / f"unique_{size}.txt"
            note.write_text(build_note(size, unique=True), "utf-8")
            rows.append({**run_one(note, tmp), "unique_sentences": True})
            _show(rows[-1], "no repeated sentence")
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
