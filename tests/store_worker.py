"""A separate process that writes to a store, for the crash and concurrency tests.

    python tests/store_worker.py kill STORE NOTE          # writes until killed, prints "<n> <kind>" after each return
    python tests/store_worker.py race STORE NOTES TAG N   # N interleaved writes on shared cases, then "done"
    python tests/store_worker.py fsize STORE CASE_ID KEY  # one write with a tiny file-size limit (a full disk)
    python tests/store_worker.py claim STORE CASE_ID      # claims the case on "go", prints who won
    python tests/store_worker.py hold STORE WHAT          # holds a lock ("held") until stdin closes
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from store_helpers import NOTE, many_keys, result  # noqa: E402

from medcoder_tui.store import Store, StoreError  # noqa: E402


def kill_mode(store_path: str, note: str) -> None:
    store = Store(store_path)
    case = store.open_case(note, NOTE)
    keys = many_keys("a", 20)
    store.save_suggestions(case.id, result(*keys))
    print("ready", flush=True)
    n = 0
    while True:
        key = keys[n % len(keys)].key
        if (n // len(keys)) % 2 == 0:
            store.accept(case.id, key)
        else:
            store.reject(case.id, key)
        print(f"{n} decision", flush=True)
        store.put_gold(f"note-{n}", {"icd10cm": ["e119"]}, source="worker")
        print(f"{n} gold", flush=True)
        n += 1


def race_mode(store_path: str, notes: str, tag: str, count: int) -> None:
    store = Store(store_path, lock_timeout=60)
    cases = [store.case_for_path(n) for n in notes.split(",")]
    assert all(cases), "the test opens the shared cases first"
    keys = [s.key for s in many_keys(tag, 10)]
    for n in range(count):
        if n % 10 == 9:
            store.put_gold(f"{tag}-{n}", {"cpt": ["99213"]}, source=tag)
            continue
        case = cases[n % len(cases)]
        key = keys[(n // len(cases)) % len(keys)]
        if (n // (len(cases) * len(keys))) % 2 == 0:
            store.accept(case.id, key)
        else:
            store.reject(case.id, key)
    print("done", flush=True)


def fsize_mode(store_path: str, case_id: str, key: str) -> None:
    import resource
    import signal

    store = Store(store_path)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)    # a write past the limit then fails with EFBIG
    resource.setrlimit(resource.RLIMIT_FSIZE, (512, 512))
    try:
        store.accept(case_id, key)
    except StoreError as exc:
        print(f"error: {exc}", flush=True)
        return
    print("written", flush=True)


def claim_mode(store_path: str, case_id: str) -> None:
    """Wait for "go" on stdin, claim the case, and say who won; then hold the claim until stdin closes."""
    from medcoder_tui.store.claims import ClaimedError

    store = Store(store_path, lock_timeout=60)
    print("ready", flush=True)
    sys.stdin.readline()
    try:
        store.claim(case_id)
        print("won", flush=True)
    except ClaimedError as exc:
        print(f"told: {exc}", flush=True)
    sys.stdin.read()
    store.release_all()


def hold_mode(store_path: str, what: str) -> None:
    """Hold one lock as a slow writer would: a case's ("case:ID"), the store-wide one ("store"),
    or ``.lock`` taken exclusively with filelock, as the previous version took it for every write
    ("previous"); "try-previous" reports whether that lock can be had within 0.3 s."""
    import filelock

    if what in ("previous", "try-previous"):
        lock = filelock.FileLock(str(Path(store_path) / ".lock"), thread_local=False)
        try:
            lock.acquire(timeout=0.3 if what == "try-previous" else 10)
        except filelock.Timeout:
            print("busy", flush=True)
            return
        print("held", flush=True)
        sys.stdin.read()
        lock.release()
        return
    store = Store(store_path)
    held = store._locked() if what == "store" else store._case_locked(what.removeprefix("case:"))
    with held:
        print("held", flush=True)
        sys.stdin.read()


if __name__ == "__main__":
    mode, *rest = sys.argv[1:]
    if mode == "kill":
        kill_mode(*rest)
    elif mode == "race":
        race_mode(rest[0], rest[1], rest[2], int(rest[3]))
    elif mode == "fsize":
        fsize_mode(*rest)
    elif mode == "claim":
        claim_mode(*rest)
    elif mode == "hold":
        hold_mode(*rest)
    else:
        raise SystemExit(f"unknown mode {mode}")
