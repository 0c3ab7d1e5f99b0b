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
from medcoder_tui.textsafe import PrintableStream, printable

# Which module registers each sub-command. Only the module of the command being
# run is imported, so `medcoder validate` does not pay for the TUI or the
# Ollama client; `medcoder --help` imports them all.
COMMANDS = {
    "validate": "codes_cmd", "lookup": "codes_cmd", "doctor": "codes_cmd", "codes": "codes_cmd",
    "suggest": "suggest_cmd",
    "export": "store_cmd", "stats": "store_cmd",
    "sequence": "sequence_cmd", "check": "sequence_cmd",
    "eval": "eval_cmd",
    "batch": "batch_cmd",
    "preferences": "prefs_cmd",
    "modifiers": "modifiers_cmd",
    "tui": "tui_cmd",
    "team": "team_cmd", "assign": "team_cmd",
    "qa": "qa_cmd",
}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The argument parser: for one command's module only, or for every command."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--store", metavar="PATH", help="case store folder, or a .json name meaning <name>.d beside it (default: user data dir)")
    parser = argparse.ArgumentParser(
        prog="medcoder",
        description="Keyboard-first workbench for medical coders. Run with no command for the TUI.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    modules = [COMMANDS[command]] if command in COMMANDS else list(dict.fromkeys(COMMANDS.values()))
    for name in modules:
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
    # `medcoder`, `medcoder PATH` and `medcoder --store X PATH` all mean the TUI.
    if not args_list or (args_list[0] not in COMMANDS and args_list[0] not in ("-h", "--help")):
        args_list = ["tui", *args_list]
    if args_list[0] != "tui":
        # names, codes and descriptions come from files: no escape sequence reaches the terminal
        for name in ("stdout", "stderr"):
            stream = getattr(sys, name)
            if stream.isatty() and not isinstance(stream, PrintableStream):
                setattr(sys, name, PrintableStream(stream))
    parser = build_parser(args_list[0])
    args = parser.parse_args(args_list)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except CliError as exc:
        print(f"medcoder: error: {printable(exc)}", file=sys.stderr)
        return exc.status
    except KeyboardInterrupt:
        print("medcoder: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # last resort: a message, never a traceback for the coder
        from medcoder_tui.config import SettingsError

        if isinstance(exc, SettingsError):   # a bad config.toml value or MEDCODER_* variable: the user's to fix
            print(f"medcoder: error: {printable(exc)}", file=sys.stderr)
            return 2
        if os.environ.get("MEDCODER_DEBUG"):
            raise
        print(f"medcoder: error: {type(exc).__name__}: {printable(exc)}", file=sys.stderr)
        return 1
