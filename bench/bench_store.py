"""How long one durable decision write takes with 1,000 and 10,000 cases in the store, and how long
the case index takes to rebuild and load and ``stats``/``export`` take to run over it.

    python bench/bench_store.py [--sizes 1000,10000] [--writes 200] [--dir DIR]

Prints the figures and writes them to ``bench/results/store.json``. Cases are
realistic (15 grounded suggestions with evidence, a few decisions and audit
entries each). Seeding copies one real case file under new ids without fsync
(seeding is not what is measured); every measured write goes through
``Store.accept``/``Store.reject`` with the full lock + re-read + fsync +
atomic replace + directory fsync path. The floor of one fsynced atomic
replace of a small file on the same disk is reported for comparison.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from medcoder_tui.codes.systems import System  # noqa: E402
from medcoder_tui.engines.models import Evidence, Flag, Suggestion, SuggestionResult  # noqa: E402
from medcoder_tui.store import Store, case_id_for  # noqa: E402
from medcoder_tui.store.files import atomic_write_bytes, encode, ensure_dir, read_tables  # noqa: E402
from medcoder_tui.store.layout import case_file  # noqa: E402

NOTE = "Patient with type 2 diabetes, hypertension and chronic kidney disease stage 3. " * 20
CODES = ["E11.9", "I10", "N18.30", "E78.5", "Z79.4", "I25.10", "J44.9", "K21.9", "M54.50", "F32.A",
         "G47.33", "E66.9", "Z87.891", "R73.03", "E03.9"]


def _suggestions() -> SuggestionResult:
    items = []
    for i, code in enumerate(CODES):
        items.append(Suggestion(
            code=code, system=System.ICD10CM, description=f"Official title of {code} " * 3, confidence=0.8,
            reasoning="The note states the condition in the assessment and plan section. " * 2,
            evidence=[Evidence(text="type 2 diabetes", start=13, end=28), Evidence(text="hypertension", start=30,
                                                                                  end=42)],
            valid=True, billable=True, flags=[Flag.UNSPECIFIED] if i % 4 == 0 else [],
            messages=["a more specific code may be supported"] if i % 4 == 0 else [],
            original_code=code, model_description=f"model text for {code}"))
    return SuggestionResult(engine="ollama", model="llama3.1:8b", prompt_version="v3", suggestions=items)


def _template(work: Path) -> dict:
    """One real case made through the API: suggestions, three decisions."""
    store = Store(work / "template")
    note = work / "template-note.txt"
    note.write_text(NOTE)
    case = store.open_case(note, NOTE)
    store.save_suggestions(case.id, _suggestions())
    for key in ("icd10cm:E11.9", "icd10cm:I10"):
        store.accept(case.id, key)
    store.reject(case.id, "icd10cm:E78.5")
    return read_tables(case_file(store.path, case.id))


def _seed(store_dir: Path, template: dict, start: int, stop: int, notes_dir: Path | None = None) -> None:
    """Copies of the template case under new ids; with ``notes_dir``, each gets a real note file
    there (as a coder's folder would hold), else a path that does not exist."""
    text = json.dumps(template)
    old_id = template["cases"]["1"]["id"]
    old_path = template["cases"]["1"]["note_path"]
    for i in range(start, stop):
        if notes_dir is not None:
            note = notes_dir / f"note-{i:05d}.txt"
            note.write_text(NOTE)
            note_path = str(note.resolve())
        else:
            note_path = f"/bench/notes/note-{i:05d}.txt"
        new_id = case_id_for(note_path)
        data = json.loads(text.replace(old_id, new_id).replace(json.dumps(old_path)[1:-1], note_path))
        if notes_dir is not None:
            st = Path(note_path).stat()
            data["cases"]["1"]["note_sig"] = [st.st_mtime_ns, st.st_size]
        if i % 3 == 0:   # a third completed, as in a working store
            data["cases"]["1"].update(status="completed", completed_at=data["cases"]["1"]["updated_at"],
                                      completed_by="bench")
        target = case_file(store_dir, new_id)
        ensure_dir(target.parent)
        atomic_write_bytes(target, encode(data), sync=False)


# Peak memory is VmHWM of the command's own address space: ru_maxrss would report the benchmark
# process's size, which Linux carries over into a child through fork and exec.
CHILD = """
import json, sys, time
t = time.perf_counter()
from medcoder_tui.cli import main
rc = main(sys.argv[1:])
hwm = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps({"rc": rc, "s": time.perf_counter() - t, "rss_mb": hwm / 1024}), file=sys.stderr)
"""


def _cli(*args: str) -> dict:
    """One read-only command in a fresh process: wall time (process start to exit) and peak memory."""
    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", CHILD, *args], capture_output=True, text=True, cwd=ROOT,
                         env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=600)
    wall = time.perf_counter() - t
    inner = json.loads(out.stderr.strip().splitlines()[-1])
    return {"wall_s": round(wall, 3), "in_main_s": round(inner["s"], 3), "peak_rss_mb": round(inner["rss_mb"]),
            "exit": inner["rc"], "output_bytes": len(out.stdout)}


def _commands(store_dir: Path, work: Path) -> dict:
    """stats and export through the CLI, reading the case index."""
    s = str(store_dir)
    return {
        "stats": _cli("stats", "--store", s),
        "stats_json": _cli("stats", "--json", "--store", s),
        "export_json_stdout": _cli("export", "--store", s),
        "export_csv_file": _cli("export", "--format", "csv", "-o", str(work / "export.csv"), "--store", s),
        "export_completed": _cli("export", "--status", "completed", "--store", s),
    }


def _measure(store_dir: Path, n_cases: int, writes: int, rng: random.Random, notes_dir: Path, work: Path) -> dict:
    store = Store(store_dir)
    ids = [case_id_for(str((notes_dir / f"note-{i:05d}.txt").resolve())) for i in range(n_cases)]
    keys = [f"icd10cm:{c}" for c in CODES]
    open_ids = [case_id for i, case_id in enumerate(ids) if i % 3]   # completed cases are read-only
    times = []
    for n in range(writes):
        case_id, key = rng.choice(open_ids), rng.choice(keys)
        t = time.perf_counter()
        if n % 2:
            store.reject(case_id, key)
        else:
            store.accept(case_id, key)
        times.append((time.perf_counter() - t) * 1000)
    reader = Store(store_dir)            # a new session: nothing parsed yet
    t, cpu = time.perf_counter(), time.process_time()
    listed = len(reader.list_cases())
    cold, cold_cpu = time.perf_counter() - t, time.process_time() - cpu
    t = time.perf_counter()
    reader.list_cases()                  # unchanged files come from memory after a stat
    warm = time.perf_counter() - t
    t = time.perf_counter()
    indexed = len(Store(store_dir).case_index())       # no index yet for seeded files: rebuilt and saved
    index_rebuild = time.perf_counter() - t
    t = time.perf_counter()
    Store(store_dir).case_index()                      # a new session with the index on disk
    index_load = time.perf_counter() - t
    commands = _commands(store_dir, work)
    times.sort()
    return {
        "cases": n_cases, "listed": listed, "writes": writes, "indexed": indexed,
        "index_rebuild_from_case_files_s": round(index_rebuild, 3),
        "index_load_and_check_s": round(index_load, 3),
        "index_bytes": (store_dir / "index.json").stat().st_size,
        "commands": commands,
        "write_ms_median": round(statistics.median(times), 2),
        "write_ms_mean": round(statistics.fmean(times), 2),
        "write_ms_p95": round(times[int(0.95 * (len(times) - 1))], 2),
        "write_ms_max": round(times[-1], 2),
        "list_cases_cold_s": round(cold, 3), "list_cases_cold_cpu_s": round(cold_cpu, 3),
        "list_cases_warm_s": round(warm, 3),
        "case_file_bytes": case_file(store_dir, ids[0]).stat().st_size,
    }


def _floor(work: Path, n: int = 50) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        atomic_write_bytes(work / "floor.json", b"{}" * 500)
        times.append((time.perf_counter() - t) * 1000)
    return round(statistics.median(times), 2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--writes", type=int, default=200)
    parser.add_argument("--dir", help="work folder on the disk to measure (default: a temp folder in bench/)")
    parser.add_argument("--output", default=str(ROOT / "bench" / "results" / "store.json"))
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    work = Path(tempfile.mkdtemp(prefix="store-bench-", dir=args.dir or ROOT / "bench"))
    rng = random.Random(7)
    try:
        template = _template(work)
        store_dir = work / "store"
        notes_dir = work / "notes"
        notes_dir.mkdir()
        Store(store_dir)
        results, seeded = [], 0
        for size in sizes:
            t = time.perf_counter()
            _seed(store_dir, template, seeded, size, notes_dir)
            seeded = size
            print(f"seeded {size} cases in {time.perf_counter() - t:.1f} s", flush=True)
            row = _measure(store_dir, size, args.writes, rng, notes_dir, work)
            results.append(row)
            print(f"{size:>6} cases: decision write median {row['write_ms_median']} ms, "
                  f"p95 {row['write_ms_p95']} ms, max {row['write_ms_max']} ms; "
                  f"list_cases cold {row['list_cases_cold_s']} s ({row['list_cases_cold_cpu_s']} s CPU), warm {row['list_cases_warm_s']} s", flush=True)
            print(f"        index rebuild {row['index_rebuild_from_case_files_s']} s, load+check "
                  f"{row['index_load_and_check_s']} s, {row['index_bytes'] / 1e6:.1f} MB; "
                  + "; ".join(f"{k} {v['wall_s']} s {v['peak_rss_mb']} MB (exit {v['exit']})"
                              for k, v in row["commands"].items()), flush=True)
        floor = _floor(work)
        print(f"floor: one fsynced atomic replace of a 1 KB file takes {floor} ms on this disk")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    out = {"benchmark": "store decision write", "python": platform.python_version(), "load_average": load,
           "machine": platform.machine(), "fsync_atomic_replace_floor_ms": floor,
           "target_ms_at_10000": 20, "target_stats_export_s_at_10000": 2.0, "results": results}
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(json.dumps(out, indent=2) + "\n")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
