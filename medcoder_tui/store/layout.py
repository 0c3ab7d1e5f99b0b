"""Where the store's files live, the schema version, and the migration from older layouts.

Layout (schema 2). The store is a folder of small TinyDB files, so a
decision rewrites only the one file of its case, however many cases exist::

    <store>/meta.json                 table _meta: {"schema": 2, "layout": "case-files", ...}
    <store>/cases/<id[:2]>/<id>.json  tables cases (the one case) and decisions (its audit trail)
    <store>/gold.json                 table gold: reference codes per note id
    <store>/eval_runs/<run id>.json   table eval_runs: one evaluation run
    <store>/.lock, .lock.gate         store-wide cross-process lock and its turnstile (flock)
    <store>/locks/<id>.lock           one case's lock (see :mod:`medcoder_tui.store.locks`)

Path rule: ``--store X`` names the folder itself when X is a folder or has
no ``.json`` suffix; ``store.json`` (the config default) means the folder
``store.d`` next to it. If ``store.json`` exists as a file it is the schema-1
single-file store, migrated once into ``store.d`` and then left untouched.
"""

from __future__ import annotations

import hashlib
import re
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from medcoder_tui.store.files import (
    TMP_SUFFIX,
    atomic_write_bytes,
    corrupt,
    encode,
    ensure_dir,
    read_tables,
)
from medcoder_tui.store.models import StoreError

SCHEMA_VERSION = 2
LAYOUT = "case-files"
META_FILE = "meta.json"
CASES_DIR = "cases"
GOLD_FILE = "gold.json"
EVAL_DIR = "eval_runs"
LOCK_FILE = ".lock"
LEGACY_TABLES = ("cases", "decisions", "gold", "eval_runs")
CASE_ID = re.compile(r"^[0-9a-f]{16}$")
RUN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def store_dir_for(path: Path | str) -> Path:
    """The folder that holds the store named by ``path`` (see the module docstring)."""
    p = Path(path).expanduser()
    if p.is_dir():
        return p
    if p.suffix.lower() == ".json" or p.is_file():
        return p.with_name(p.stem + ".d")
    return p


def legacy_file_for(path: Path | str) -> Path | None:
    """The schema-1 single-file store the path names, if it exists as a file."""
    p = Path(path).expanduser()
    return p if p.is_file() else None


def case_id_for(note_path: str | Path) -> str:
    """Cases are keyed by the note's resolved path, so reopening a note finds its case."""
    resolved = str(Path(note_path).expanduser().resolve())
    return hashlib.sha256(resolved.encode("utf-8")).hexdigest()[:16]


def case_file(root: Path, case_id: str) -> Path:
    """The file of one case and its audit trail."""
    return root / CASES_DIR / case_id[:2] / f"{case_id}.json"


def now() -> datetime:
    """The current time, timezone-aware UTC (what every record stores)."""
    return datetime.now(timezone.utc)


def meta_doc(**extra: Any) -> dict[str, Any]:
    """The contents of a new meta.json."""
    return {"_meta": {"1": {"schema": SCHEMA_VERSION, "layout": LAYOUT,
                            "created_at": now().isoformat(), **extra}}}


def read_schema(meta_path: Path, *, backup: bool = True) -> int:
    """The schema version recorded in meta.json; CorruptFileError for anything unreadable."""
    tables = read_tables(meta_path, backup=backup)
    meta = (tables or {}).get("_meta", {}).get("1")
    if not isinstance(meta, dict) or "schema" not in meta:
        raise corrupt(meta_path, "has no schema version, so it is not a medcoder store this version knows",
                      backup=backup)
    schema = meta["schema"]
    if not isinstance(schema, int) or isinstance(schema, bool):
        raise corrupt(meta_path, f"has an unknown schema version {schema!r}", backup=backup)
    if schema > SCHEMA_VERSION or schema < 1:
        raise corrupt(meta_path, f"has schema version {schema}, but this medcoder understands "
                                 f"versions 1 to {SCHEMA_VERSION} (was it written by a newer medcoder?)", backup=backup)
    return schema


def check_existing(requested: Path | str, *, read_only: bool) -> tuple[Path, bool]:
    """The store folder, and whether it is ready (meta.json present with a known schema).

    Raises StoreError for anything that must not be touched: an unknown
    schema, a damaged meta.json, a foreign folder, or a missing store when
    only reading.
    """
    root = store_dir_for(requested)
    meta_path = root / META_FILE
    if meta_path.exists():
        schema = read_schema(meta_path, backup=not read_only)
        if schema < SCHEMA_VERSION:  # a future in-place migration starts here
            raise corrupt(meta_path, f"has schema version {schema} in folder form, which never existed",
                          backup=not read_only)
        return root, True
    if root.exists() and not root.is_dir():
        raise StoreError(f"{root} is a file, but the store needs a folder there")
    legacy = legacy_file_for(requested)
    if legacy is not None:
        read_tables(legacy, backup=not read_only)   # a damaged old file is reported (and backed up) before anything is created
    elif root.is_dir() and _foreign_files(root):
        raise StoreError(f"{root} is a folder with other files in it and no {META_FILE}, so it is not a "
                         "medcoder store; pass a new or empty folder, or a .json path")
    if read_only:
        raise StoreError(f"no case store at {root} (nothing has been saved there yet)")
    return root, False


def _foreign_files(root: Path) -> bool:
    return any(not p.name.startswith(".") for p in root.iterdir())


def initialise(requested: Path | str, root: Path, *, sync: bool = True) -> None:
    """Create a new store in ``root``, or migrate the schema-1 file ``requested`` names.

    Called with the store lock held; meta.json is written last, so an
    interrupted start is simply redone on the next open.
    """
    if (root / META_FILE).exists():
        return  # another process finished it while we waited for the lock
    legacy = legacy_file_for(requested)
    if legacy is not None:
        migrate_v1(legacy, root, sync=sync)
    else:
        atomic_write_bytes(root / META_FILE, encode(meta_doc()), sync=sync)


def sweep_temp_files(root: Path, older_than: float = 600.0) -> int:
    """Remove temporary files a killed writer left behind; in-flight ones are only milliseconds old."""
    cutoff = time.time() - older_than
    removed = 0
    for pattern in (f".*{TMP_SUFFIX}", f"{CASES_DIR}/*/.*{TMP_SUFFIX}", f"{EVAL_DIR}/.*{TMP_SUFFIX}"):
        for tmp in root.glob(pattern):
            try:
                if tmp.stat().st_mtime < cutoff:
                    tmp.unlink()
                    removed += 1
            except OSError:
                continue
    return removed


def probe_writable(root: Path) -> None:
    """Fail early, with a clear message, when the store folder cannot be written."""
    atomic_write_bytes(root / ".write-probe", b"{}", sync=False)
    try:
        (root / ".write-probe").unlink()
    except OSError:
        pass


def migrate_v1(legacy: Path, root: Path, *, sync: bool = True) -> None:
    """Schema 1 (one TinyDB file with every table) -> schema 2 (a folder of small files).

    Files are written into ``root`` with meta.json last: until it exists the
    folder does not count as a store, so an interrupted migration is redone
    from the old file, which is never modified.
    """
    tables = read_tables(legacy) or {}
    meta = tables.get("_meta", {}).get("1", {})
    schema = meta.get("schema", 1) if isinstance(meta, dict) else None
    if schema != 1 or not set(tables) <= {*LEGACY_TABLES, "_meta"}:
        raise corrupt(legacy, f"is not a medcoder store this version knows (schema {schema!r}, "
                              f"tables {sorted(tables)})")
    per_case: dict[str, dict[str, Any]] = {}
    for doc in tables.get("cases", {}).values():
        case_id = str(doc.get("id", "")) if isinstance(doc, dict) else ""
        if not CASE_ID.match(case_id):
            raise corrupt(legacy, f"holds a case with an unusable id {case_id!r}")
        per_case.setdefault(case_id, {"cases": {}, "decisions": {}})["cases"]["1"] = doc
    for n, doc in enumerate(tables.get("decisions", {}).values(), start=1):
        case_id = str(doc.get("case_id", "")) if isinstance(doc, dict) else ""
        if case_id in per_case:
            per_case[case_id]["decisions"][str(n)] = doc
    for case_id, data in per_case.items():
        target = case_file(root, case_id)
        ensure_dir(target.parent)
        atomic_write_bytes(target, encode(data), sync=sync)
    gold = {str(i): doc for i, doc in enumerate(tables.get("gold", {}).values(), start=1)}
    atomic_write_bytes(root / GOLD_FILE, encode({"gold": gold}), sync=sync)
    runs = [doc for doc in tables.get("eval_runs", {}).values() if isinstance(doc, dict)]
    if runs:
        ensure_dir(root / EVAL_DIR)
    for doc in runs:
        run_id = str(doc.get("id") or "")
        if RUN_ID.match(run_id):
            atomic_write_bytes(root / EVAL_DIR / f"{run_id}.json", encode({"eval_runs": {"1": doc}}), sync=sync)
    atomic_write_bytes(root / META_FILE, encode(meta_doc(migrated_from=str(legacy))), sync=sync)
