"""Benchmark the code-set foundation: cold CLI validation, index load, memory, validation speed.

Prints the figures and writes them to bench/results/codes.json.
Run: python bench/bench_codes.py
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

RESULTS = Path(__file__).parent / "results" / "codes.json"


def cold_validate(runs: int = 7) -> dict:
    """Wall time of a fresh `medcoder validate E11.9` process (index cache already built)."""
    cmd = [sys.executable, "-m", "medcoder_tui", "validate", "E11.9"]
    subprocess.run(cmd, check=True, capture_output=True)  # make sure the cache exists
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - t)
    return {"median_s": round(statistics.median(times), 3), "max_s": round(max(times), 3), "runs": runs}


def in_process() -> dict:
    """Index load time, resident memory after loading, and validation throughput."""
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t = time.perf_counter()
    from medcoder_tui.codes.service import CodeSets

    cs = CodeSets()
    load_s = time.perf_counter() - t
    rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    codes = list(cs.icd.all_codes())[::50] + ["E11", "S72.001", "T1490A", "99213", "J1100", "E11.99"]
    t = time.perf_counter()
    for code in codes:
        cs.validate(code)
    per_code_us = (time.perf_counter() - t) / len(codes) * 1e6
    return {
        "index_load_s": round(load_s, 3),
        "rss_after_load_mb": round(rss1 / 1024, 1),
        "rss_growth_mb": round((rss1 - rss0) / 1024, 1),
        "validate_us_per_code": round(per_code_us, 1),
        "icd10cm_entries": len(cs.icd),
    }


def main() -> None:
    figures = {"cold_validate": cold_validate(), **in_process(), "cpu_count": os.cpu_count()}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2) + "\n")
    print(f"cold `medcoder validate E11.9`: median {figures['cold_validate']['median_s']} s "
          f"(max {figures['cold_validate']['max_s']} s, target < 0.8 s)")
    print(f"ICD-10-CM index load: {figures['index_load_s']} s, {figures['icd10cm_entries']} entries")
    print(f"resident memory after load: {figures['rss_after_load_mb']} MB (target < 150 MB)")
    print(f"validate: {figures['validate_us_per_code']} us per code")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
