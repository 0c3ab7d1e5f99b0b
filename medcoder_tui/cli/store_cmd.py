"""``medcoder export`` and ``medcoder stats``: the final codes and the coder's figures from the store.

Both read the case index (one compact record per case) instead of every case
file, open the store read-only (they never create, back up or rewrite
anything), and go on past a damaged case file: each one is named on stderr
and the exit status is ``SKIPPED_STATUS`` instead of 0.
"""

from __future__ import annotations

import argparse
import os
import stat
import sys
from pathlib import Path
from typing import Any

from medcoder_tui.cli.common import CliError, print_json
from medcoder_tui.store import CaseStatus, Store, StoreError, default_store_path
from medcoder_tui.store.files import CorruptFileError, atomic_write_bytes
from medcoder_tui.store.index import export_rows_of, gc_paused, note_changed_since
from medcoder_tui.store.qa import qa_figures, render_qa
from medcoder_tui.store.reports import render_export, render_stats, stats_from_parts

SKIPPED_STATUS = 3   # the command did its work, but left out damaged case files it named


def open_cli_store(args: argparse.Namespace, *, read_only: bool = True) -> Store:
    """The store named by ``--store`` or the settings; StoreError becomes a one-line CliError."""
    try:
        path = Path(args.store) if getattr(args, "store", None) else default_store_path()
        return Store(path, read_only=read_only)
    except StoreError as exc:
        raise CliError(str(exc)) from None


def skipped_line(exc: StoreError) -> str:
    """One line naming a damaged case file and where its copy is."""
    if isinstance(exc, CorruptFileError):
        copy = f"backup {exc.backup}" if exc.backup is not None else "no backup made (read-only command)"
        return f"skipped damaged case file {exc.path}: {exc.detail}; {copy}"
    return f"skipped case file: {exc}"


def index_entries(store: Store) -> tuple[list[dict[str, Any]], list[StoreError]]:
    """Every readable case's index record, oldest first, and the damaged files left out (reported)."""
    try:
        entries = store.case_index()
    except StoreError as exc:
        raise CliError(str(exc)) from None
    for exc in store.skipped:
        print(f"medcoder: warning: {skipped_line(exc)}", file=sys.stderr)
    return sorted(entries.values(), key=lambda e: (e["created_at"], e["id"])), list(store.skipped)


def _finish(skipped: list[StoreError]) -> int:
    if not skipped:
        return 0
    n = len(skipped)
    print(f"medcoder: {n} damaged case file{'s' if n != 1 else ''} skipped (exit status {SKIPPED_STATUS})",
          file=sys.stderr)
    return SKIPPED_STATUS


def output_target(raw: str, *, follow_symlink: bool) -> Path:
    """Where ``--output`` may write: a regular file or a new name, never a device, FIFO or socket;
    a symbolic link only with ``--follow-symlink`` (then its target is written)."""
    out = Path(raw).expanduser()
    if out.is_symlink():
        if not follow_symlink:
            raise CliError(f"{out} is a symbolic link (to {os.readlink(out)}); pass --follow-symlink to "
                           "write to its target")
        out = out.resolve()
    try:
        st = out.stat()
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise CliError(f"cannot write {out}: {exc.strerror or exc}") from None
    if st is not None:
        if stat.S_ISDIR(st.st_mode):
            raise CliError(f"{out} is a folder; give a file name for --output")
        if not stat.S_ISREG(st.st_mode):
            kind = ("a device" if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode)
                    else "a FIFO (named pipe)" if stat.S_ISFIFO(st.st_mode)
                    else "a socket" if stat.S_ISSOCK(st.st_mode) else "not a regular file")
            raise CliError(f"{out} is {kind}; --output writes only regular files")
    if not out.parent.is_dir():
        raise CliError(f"cannot write {out}: folder {out.parent} does not exist")
    return out


def run_export(args: argparse.Namespace) -> int:
    """Write one row per final code, as JSON or CSV, to a file (mode 0600) or stdout."""
    with gc_paused():
        return _export(args)


def _export(args: argparse.Namespace) -> int:
    out = None
    if args.output and args.output != "-":
        out = output_target(args.output, follow_symlink=args.follow_symlink)
    store = open_cli_store(args)
    status = CaseStatus(args.status).value if args.status else None
    entries, skipped = index_entries(store)
    rows: list[dict[str, Any]] = []
    left_out = 0
    for entry in entries:
        if status is not None and entry["status"] != status:
            continue
        changed = note_changed_since(entry)
        if changed and status == CaseStatus.COMPLETED.value and not args.include_changed:
            left_out += 1
            continue
        rows.extend(export_rows_of(entry, changed))
    if left_out:
        print(f"medcoder: left out {left_out} completed case{'s' if left_out != 1 else ''} whose note changed "
              "after coding (--include-changed exports them, marked note_changed)", file=sys.stderr)
    text = render_export(rows, args.format)
    if out is not None:
        try:
            atomic_write_bytes(out, text.encode("utf-8"))
        except StoreError as exc:
            raise CliError(str(exc)) from None
        print(f"exported {len(rows)} codes to {out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return _finish(skipped)


def run_stats(args: argparse.Namespace) -> int:
    """Acceptance rates per system and engine, codes added by hand, median time per case."""
    with gc_paused():
        return _stats(args)


def _qa_figures(store: Store, entries: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Accuracy from the second-level review, when any case was sampled (reads only the sampled cases)."""
    sampled = store.qa_sample_records()
    if not sampled:
        return None
    findings = {}
    for case_id in sampled:
        found = [e for e in store.audit(case_id) if e.action == "qa_finding"]
        if found:
            findings[case_id] = found
    return qa_figures({e["id"]: e for e in entries}, findings)


def _stats(args: argparse.Namespace) -> int:
    store = open_cli_store(args)
    entries, skipped = index_entries(store)
    stats = stats_from_parts([e["status"] for e in entries], [e["stats"] for e in entries])
    qa = _qa_figures(store, entries)
    if args.json:
        print_json({"store": str(store.path), **stats.model_dump(mode="json"), "qa": qa,
                    "skipped": [skipped_line(exc) for exc in skipped]})
    else:
        sys.stdout.write(f"Store: {store.path}\n" + render_stats(stats) + (render_qa(qa) if qa else ""))
    return _finish(skipped)


def register(subparsers: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    """Add ``export`` and ``stats`` to the medcoder command line."""
    p = subparsers.add_parser("export", parents=parents, help="export final codes (one row per code)",
                              description="Export the final codes of stored cases, one row per code: case, "
                                          "note, system, code, description, sequence position, coder, time, "
                                          "and whether the note changed after coding. Exit status 3 when "
                                          "damaged case files were skipped (each is named on stderr).")
    p.add_argument("--format", choices=("json", "csv"), default="json", help="output format (default json)")
    p.add_argument("--output", "-o", metavar="FILE", help="write to FILE (mode 0600) instead of stdout")
    p.add_argument("--follow-symlink", action="store_true",
                   help="when FILE is a symbolic link, write to its target (refused otherwise)")
    p.add_argument("--status", choices=[s.value for s in CaseStatus],
                   help="only cases with this status (default: all)")
    p.add_argument("--include-changed", action="store_true",
                   help="with --status completed, also export cases whose note changed after coding")
    p.set_defaults(func=run_export)

    s = subparsers.add_parser("stats", parents=parents, help="productivity figures from the audit trail",
                              description="Acceptance rate per code system and per engine, codes added by "
                                          "hand, and the median working time per completed case. Exit "
                                          "status 3 when damaged case files were skipped.")
    s.add_argument("--json", action="store_true", help="print the figures as JSON")
    s.set_defaults(func=run_stats)
