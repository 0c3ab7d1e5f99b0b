"""The ``medcoder`` command line: headless commands for scripts and tests, and the TUI.

Each ``*_cmd`` module registers its own sub-commands; this module only wires
them together and turns failures into clear one-line messages.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from medcoder_tui.cli.common import CliError

# Modules that register sub-commands. Each exposes ``register(subparsers, parents)``.
COMMAND_MODULES = (
    "codes_cmd",     # validate, lookup, doctor, codes import
    "suggest_cmd",   # suggest
    "store_cmd",     # export, stats
    "sequence_cmd",  # sequence, check
    "eval_cmd",      # eval
    "prefs_cmd",     # preferences
    "tui_cmd",       # tui (the default)
)


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser with every available sub-command."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--store", metavar="PATH", help="case store file (default: user data dir)")
    parser = argparse.ArgumentParser(
        prog="medcoder",
        description="Keyboard-first workbench for medical coders. Run with no command for the TUI.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"medcoder_tui.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"medcoder_tui.cli.{name}":
                continue  # that part of the CLI is not built yet
            raise
        module.register(sub, [common])
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``medcoder`` script. Returns the process exit status."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    commands = set(parser._subparsers._group_actions[0].choices) if parser._subparsers else set()  # noqa: SLF001
    # `medcoder`, `medcoder PATH` and `medcoder --store X PATH` all mean the TUI.
    if "tui" in commands and not any(a in commands or a in ("-h", "--help") for a in args_list[:1]):
        args_list = ["tui", *args_list]
    args = parser.parse_args(args_list)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except CliError as exc:
        print(f"medcoder: error: {exc}", file=sys.stderr)
        return exc.status
    except KeyboardInterrupt:
        print("medcoder: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # last resort: a message, never a traceback for the coder
        if os.environ.get("MEDCODER_DEBUG"):
            raise
        print(f"medcoder: error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
