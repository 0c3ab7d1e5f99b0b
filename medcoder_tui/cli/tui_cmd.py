"""``medcoder [tui] [PATH]``: the review workbench (the default command)."""

from __future__ import annotations

import argparse
from pathlib import Path

from medcoder_tui.cli.common import CliError, add_engine_options


def register(subparsers: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    """Add the ``tui`` sub-command."""
    p = subparsers.add_parser("tui", parents=parents, help="review notes in the terminal UI (default)",
                              description="Review and code clinical notes, keyboard first.")
    p.add_argument("path", nargs="?", default="sample_notes", metavar="PATH",
                   help="a folder of notes or one note (default: ./sample_notes)")
    add_engine_options(p, types=False)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Start the TUI; every start-up problem becomes a one-line error."""
    from medcoder_tui.config import load_settings
    from medcoder_tui.notes import NoteError, discover_notes

    target = Path(args.path).expanduser()
    if not target.exists():
        raise CliError(f"no such note or folder: {target}")
    try:
        discover_notes(target)
    except NoteError as exc:
        raise CliError(str(exc)) from None
    try:
        settings = load_settings(store_path=args.store, engine=args.engine, ollama_model=args.model,
                                 setting=args.setting, preferences=False if args.no_preferences else None)
    except Exception as exc:  # pydantic ValidationError or a broken config.toml
        raise CliError(f"bad settings: {exc}") from None

    from medcoder_tui.store import Store, StoreError
    try:
        store = Store(settings.resolved_store_path(), claim_expiry=settings.claim_expiry_minutes * 60)
    except StoreError as exc:
        raise CliError(str(exc)) from None

    from medcoder_tui.tui.app import make_app
    app = make_app(settings, target, store=store, engine_name=args.engine or settings.engine,
                   model=args.model, setting=args.setting)
    app.run()
    return int(app.return_code or 0)
