"""``medcoder team init`` (a store shared by one Unix group) and ``medcoder assign`` (notes to coders)."""

from __future__ import annotations

import argparse

from medcoder_tui.cli.common import CliError


def register(sub, parents) -> None:
    p = sub.add_parser("team", help="team stores shared by a Unix group")
    team_sub = p.add_subparsers(dest="team_command", metavar="COMMAND", required=True)
    init = team_sub.add_parser("init", help="create a team store (folders setgid 2770, files 0660)")
    init.add_argument("folder", help="new or empty folder for the store")
    init.add_argument("--group", required=True, help="the Unix group whose members share the store")
    init.set_defaults(func=cmd_init)
    p = sub.add_parser("assign", parents=parents, help="give notes or folders of notes to a coder")
    p.add_argument("paths", nargs="+", metavar="PATH", help="notes, or folders (every note under them)")
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--to", metavar="CODER", help="the coder's login name")
    who.add_argument("--unassign", action="store_true", help="take the notes back (unassigned)")
    p.set_defaults(func=cmd_assign)


def cmd_init(args: argparse.Namespace) -> int:
    from medcoder_tui.store import Store, StoreError
    from medcoder_tui.store.team import init_team_store

    try:
        root = init_team_store(args.folder, args.group)
        store = Store(root)   # opens it as every member will, so a bad result is reported now
    except StoreError as exc:
        raise CliError(str(exc)) from None
    print(f"team store {store.path} created for group {store.group} (folders 2770 setgid, files 0660); "
          f"members use it with --store {store.path} or store_path in config.toml")
    return 0


def cmd_assign(args: argparse.Namespace) -> int:
    from medcoder_tui.cli.store_cmd import open_cli_store
    from medcoder_tui.notes import NoteError, discover_notes
    from medcoder_tui.store import StoreError

    notes = []
    for path in args.paths:
        try:
            notes.extend(discover_notes(path))
        except NoteError as exc:
            raise CliError(str(exc)) from None
    if not notes:
        raise CliError(f"no notes (.txt, .note, .md) under {', '.join(args.paths)}")
    store = open_cli_store(args, read_only=False)
    try:
        changed = store.assign(notes, None if args.unassign else args.to)
    except StoreError as exc:
        raise CliError(str(exc)) from None
    target = "unassigned" if args.unassign else f"assigned to {args.to}"
    print(f"{changed} of {len(notes)} note{'s' if len(notes) != 1 else ''} {target}"
          + (f" ({len(notes) - changed} already were)" if changed < len(notes) else ""))
    return 0
