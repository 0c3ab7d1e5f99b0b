"""Several coders on one team store: claims, decisions and completions from separate processes.

    python bench/bench_team.py [--cases 10000] [--workers 8] [--per-worker 15] [--decisions 20]
                               [--think SECONDS] [--no-fsync] [--dir DIR]

Seeds a team store (``medcoder team init`` modes) with ``--cases`` cases of 20
suggestions each (copies of one real case, written without fsync: seeding is
not measured), then starts ``--workers`` processes that all walk the same
list of open cases in the same order, so they race for every case: claim it,
make ``--decisions`` accept/reject decisions, complete it, release it, next,
until each has completed ``--per-worker`` cases. Every measured call goes
through Store with the full lock + fsync path.

Checked afterwards, from the case files: every decision a worker reported is
in its case's audit trail exactly once (none lost or duplicated), and no case
was coded by two workers. Measured: claim and decision latency (p50/p95/max),
where a decision's time goes (lock wait, lock hold, and the worker's own CPU
seconds: with 8 workers on 2 cores the rest of the hold is waiting for a CPU
or the disk), and how long a worklist takes to show another coder's change (it polls
``change_signature`` every second, as the TUI does, then reloads the case
index; drawing the rows is not included). Prints the figures and writes
``bench/results/team.json`` (``team-think.json`` with ``--think``: coders who
read before each decision instead of eight loops back to back; ``-2w`` and the
like with another ``--workers``; ``-nofsync`` with ``--no-fsync``, a diagnosis
of how much of the time is the disk, never a figure for real work).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_store import NOTE, _suggestions  # noqa: E402

from medcoder_tui.codes.systems import System  # noqa: E402
from medcoder_tui.store import CaseStatus, Store, case_id_for  # noqa: E402
from medcoder_tui.store.claims import ClaimedError  # noqa: E402
from medcoder_tui.store.files import TEAM, atomic_write_bytes, encode, ensure_dir, read_tables  # noqa: E402
from medcoder_tui.store.index import change_signature  # noqa: E402
from medcoder_tui.store.layout import case_file  # noqa: E402
from medcoder_tui.store.team import init_team_store  # noqa: E402

EXTRA = ["Z00.00", "Z23", "R05.9", "R50.9", "J06.9"]


def _template(work: Path) -> dict:
    store = Store(work / "template")
    note = work / "template-note.txt"
    note.write_text(NOTE)
    case = store.open_case(note, NOTE)
    result = _suggestions()
    base = result.suggestions[0]
    result.suggestions.extend(base.model_copy(update={"code": c, "original_code": c, "system": System.ICD10CM})
                              for c in EXTRA)
    store.save_suggestions(case.id, result)
    return read_tables(case_file(store.path, case.id))


def seed(root: Path, template: dict, n: int) -> list[str]:
    text = json.dumps(template)
    old_id = template["cases"]["1"]["id"]
    old_path = template["cases"]["1"]["note_path"]
    ids = []
    for i in range(n):
        note_path = f"/bench/team/note-{i:05d}.txt"
        new_id = case_id_for(note_path)
        data = json.loads(text.replace(old_id, new_id).replace(json.dumps(old_path)[1:-1], note_path))
        target = case_file(root, new_id)
        ensure_dir(target.parent, TEAM)
        atomic_write_bytes(target, encode(data), sync=False, mode=TEAM.file)
        ids.append(new_id)
    return ids


def _time_locks(store: Store, spans: list[list[float]]) -> None:
    """Record [wait, hold] of every outermost store-lock acquisition of this worker (both the
    store-wide lock and, where the store has them, the per-case locks)."""
    depth = [0]
    for name in ("_locked", "_case_locked"):
        inner = getattr(store, name, None)
        if inner is None:
            continue

        @contextmanager
        def timed(*args, _inner=inner, **kwargs):
            depth[0] += 1
            t0 = time.perf_counter()
            try:
                with _inner(*args, **kwargs):
                    t1 = time.perf_counter()
                    try:
                        yield
                    finally:
                        if depth[0] == 1:
                            spans.append([t1 - t0, time.perf_counter() - t1])
            finally:
                depth[0] -= 1

        setattr(store, name, timed)


def worker(root: str, order_file: str, per_worker: int, decisions: int, out: str, think: float,
           fsync: bool = True) -> None:
    store = Store(root, lock_timeout=120, fsync=fsync)
    spans: list[list[float]] = []
    _time_locks(store, spans)
    waits, holds, cpu, claim_waits, claim_holds = [], [], [], [], []
    order = json.loads(Path(order_file).read_text())
    claims, decide, coded, lost_races = [], [], [], 0
    made: dict[str, list[str]] = {}
    for case_id in order:
        if len(coded) >= per_worker:
            break
        t, first = time.perf_counter(), len(spans)
        try:
            store.claim(case_id)
        except ClaimedError:
            lost_races += 1
            continue
        finally:
            claims.append(time.perf_counter() - t)
            claim_waits.append(sum(w for w, _ in spans[first:]))
            claim_holds.append(sum(h for _, h in spans[first:]))
        case = store.get_case(case_id)
        if case.status is CaseStatus.COMPLETED:   # another coder finished it before we got here
            store.release(case_id)
            continue
        keys = [s.key for s in case.suggestions][:decisions]
        made[case_id] = []
        for i, key in enumerate(keys):
            if think:
                time.sleep(think)   # a coder reads before deciding; 0 hammers the store back to back
            t, c, first = time.perf_counter(), time.process_time(), len(spans)
            case = store.accept(case_id, key, "documented") if i % 3 else store.reject(case_id, key)
            decide.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
            waits.append(sum(w for w, _ in spans[first:]))
            holds.append(sum(h for _, h in spans[first:]))
            made[case_id].append(key)
        store.set_status(case_id, CaseStatus.COMPLETED, override=True)
        store.release(case_id)
        coded.append(case_id)
    Path(out).write_text(json.dumps({"claims": claims, "decisions": decide, "coded": coded, "made": made,
                                     "lost_races": lost_races, "session": store.session,
                                     "lock_wait": waits, "lock_hold": holds, "cpu": cpu,
                                     "claim_wait": claim_waits, "claim_hold": claim_holds}))


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] if values else float("nan")


def ms(values: list[float]) -> dict:
    return {"n": len(values), "p50_ms": round(1000 * statistics.median(values), 2),
            "p95_ms": round(1000 * pct(values, 95), 2), "max_ms": round(1000 * max(values), 2)}


def refresh_latency(root: Path, case_ids: list[str], rounds: int) -> list[float]:
    """A viewer polls the change signature every second (as the worklist does) and reloads the
    index on a change; a writer makes one decision at a random moment. Time to the change showing."""
    import random

    viewer, writer = Store(root), Store(root)
    rng = random.Random(7)
    out = []
    for case_id in case_ids[:rounds]:
        viewer.case_index()
        seen = change_signature(root)
        tick = time.perf_counter()
        time.sleep(rng.uniform(0, 1.0))             # the change lands anywhere between two polls
        key = writer.get_case(case_id).suggestions[-1].key
        t0 = time.perf_counter()
        writer.reject(case_id, key)
        while True:
            tick += 1.0
            time.sleep(max(0.0, tick - time.perf_counter()))
            if change_signature(root) != seen:
                entry = viewer.case_index().get(case_id)
                if entry is not None and entry["rejected"] >= 1:
                    break
            if time.perf_counter() - t0 > 10:
                raise SystemExit("the change never showed")
        out.append(time.perf_counter() - t0)
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=10000)
    ap.add_argument("--workers", type=int, default=8)
    ap.add_argument("--per-worker", type=int, default=15)
    ap.add_argument("--decisions", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=10, help="refresh-latency measurements")
    ap.add_argument("--think", type=float, default=0.0,
                    help="seconds each worker waits before a decision (0: back to back, the worst case)")
    ap.add_argument("--no-fsync", action="store_true",
                    help="diagnosis only: workers skip fsync, to show how much of the time is the disk")
    ap.add_argument("--dir", type=Path, default=None)
    ap.add_argument("--worker", nargs=7, metavar=("ROOT", "ORDER", "N", "D", "OUT", "THINK", "FSYNC"),
                    help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        r, order, n, d, out, think, fsync = args.worker
        worker(r, order, int(n), int(d), out, float(think), fsync == "1")
        return 0
    load_before = os.getloadavg()[0]   # other work on the machine queues with the workers
    work = Path(tempfile.mkdtemp(dir=args.dir, prefix="bench-team-"))
    try:
        root = init_team_store(work / "team", str(os.getgid()))
        t = time.perf_counter()
        ids = seed(root, _template(work), args.cases)
        Store(root).case_index()   # build the index once, as the first session would
        seed_s = time.perf_counter() - t
        order = work / "order.json"
        order.write_text(json.dumps(ids))
        t = time.perf_counter()
        procs = [subprocess.Popen([sys.executable, __file__, "--worker", str(root), str(order),
                                   str(args.per_worker), str(args.decisions), str(work / f"w{i}.json"),
                                   str(args.think), "0" if args.no_fsync else "1"])
                 for i in range(args.workers)]
        codes = [p.wait(timeout=3600) for p in procs]
        run_s = time.perf_counter() - t
        if any(codes):
            raise SystemExit(f"a worker failed: exit codes {codes}")
        results = [json.loads((work / f"w{i}.json").read_text()) for i in range(args.workers)]
        coded = [c for r in results for c in r["coded"]]
        store = Store(root)
        lost = duplicated = 0
        for r in results:
            for case_id, keys in r["made"].items():
                trail = [e for e in store.audit(case_id) if e.action in ("accept", "reject")]
                targets = [e.target for e in trail]
                lost += sum(1 for k in keys if k not in targets)
                duplicated += len(targets) - len(set(targets)) + sum(1 for k in targets if k not in keys)
        two_coders = len(coded) - len(set(coded))
        refresh = refresh_latency(root, [i for i in ids if i not in set(coded)], args.rounds)
        report = {
            "cases": args.cases, "workers": args.workers, "cases_completed": len(coded),
            "decisions_per_case": args.decisions, "think_s": args.think, "fsync": not args.no_fsync, "seed_s": round(seed_s, 1), "run_s": round(run_s, 1),
            "lost_races": sum(r["lost_races"] for r in results),
            "lost_decisions": lost, "duplicated_decisions": duplicated, "cases_coded_twice": two_coders,
            "claim": ms([x for r in results for x in r["claims"]]),
            "claim_lock_wait": ms([x for r in results for x in r["claim_wait"]]),
            "claim_lock_hold": ms([x for r in results for x in r["claim_hold"]]),
            "decision": ms([x for r in results for x in r["decisions"]]),
            # where a decision's time goes: waiting for a lock, holding it (reading, writing,
            # fsync, and any time the holder waits for a CPU), and CPU seconds of the worker itself
            "decision_lock_wait": ms([x for r in results for x in r["lock_wait"]]),
            "decision_lock_hold": ms([x for r in results for x in r["lock_hold"]]),
            "decision_cpu": ms([x for r in results for x in r["cpu"]]),
            "worklist_refresh": ms(refresh),
            "cpu_count": os.cpu_count(), "load_before": round(load_before, 2),
        }
        print(json.dumps(report, indent=2))
        name = "team" + ("-think" if args.think else "") + (f"-{args.workers}w" if args.workers != 8 else "") + ("-nofsync" if args.no_fsync else "")
        out = ROOT / "bench" / "results" / f"{name}.json"
        out.parent.mkdir(exist_ok=True)
        out.write_text(json.dumps(report, indent=2) + "\n")
        ok = not lost and not duplicated and not two_coders
        print("checks:", "no lost or duplicated decision, no case coded twice" if ok else "FAILED")
        return 0 if ok else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
