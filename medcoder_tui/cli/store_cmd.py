"""``medcoder export`` and ``medcoder stats``: the final codes and the coder's figures from the store."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from medcoder_tui.cli.common import CliError, print_json
from medcoder_tui.store import CaseStatus, Store, StoreError, default_store_path
from medcoder_tui.store.files import atomic_write_bytes
from medcoder_tui.store.reports import compute_stats, export_rows, render_export, render_stats


def open_cli_store(args: argparse.Namespace, *, read_only: bool = True) -> Store:
    """The store named by ``--store`` or the settings; StoreError becomes a one-line CliError."""
    try:
        path = Path(args.store) if getattr(args, "store", None) else default_store_path()
        return Store(path, read_only=read_only)
    except StoreError as exc:
        raise CliError(str(exc)) from None


def run_export(args: argparse.Namespace) -> int:
    """Write one row per final code, as JSON or CSV, to a file (mode 0600) or stdout."""
    store = open_cli_store(args)
    status = CaseStatus(args.status) if args.status else None
    try:
        rows = export_rows(store.list_cases(status), store.audit(), status)
    except StoreError as exc:
        raise CliError(str(exc)) from None
    text = render_export(rows, args.format)
    if args.output and args.output != "-":
        out = Path(args.output).expanduser()
        if out.is_dir():
            raise CliError(f"{out} is a folder; give a file name for --output")
        if not out.parent.is_dir():
            raise CliError(f"cannot write {out}: folder {out.parent} does not exist")
        try:
            atomic_write_bytes(out, text.encode("utf-8"))
        except StoreError as exc:
            raise CliError(str(exc)) from None
        print(f"exported {len(rows)} codes to {out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def run_stats(args: argparse.Namespace) -> int:
    """Acceptance rates per system and engine, codes added by hand, median time per case."""
    store = open_cli_store(args)
    try:
        stats = compute_stats(store.list_cases(), store.audit())
    except StoreError as exc:
        raise CliError(str(exc)) from None
    if args.json:
        print_json({"store": str(store.path), **stats.model_dump(mode="json")})
    else:
        sys.stdout.write(f"Store: {store.path}\n" + render_stats(stats))
    return 0


def register(subparsers: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    """Add ``export`` and ``stats`` to the medcoder command line."""
    p = subparsers.add_parser("export", parents=parents, help="export final codes (one row per code)",
                              description="Export the final codes of stored cases, one row per code: case, "
                                          "note, system, code, description, sequence position, coder, time.")
    p.add_argument("--format", choices=("json", "csv"), default="json", help="output format (default json)")
    p.add_argument("--output", "-o", metavar="FILE", help="write to FILE (mode 0600) instead of stdout")
    p.add_argument("--status", choices=[s.value for s in CaseStatus],
                   help="only cases with this status (default: all)")
    p.set_defaults(func=run_export)

    s = subparsers.add_parser("stats", parents=parents, help="productivity figures from the audit trail",
                              description="Acceptance rate per code system and per engine, codes added by "
                                          "hand, and the median working time per completed case.")
    s.add_argument("--json", action="store_true", help="print the figures as JSON")
    s.set_defaults(func=run_stats)
