"""``medcoder team init``: create a store shared by the members of one Unix group."""

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
