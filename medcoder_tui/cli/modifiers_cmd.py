"""``medcoder modifiers``: the CPT/HCPCS modifiers medcoder knows, and a check of one claim line.

``medcoder modifiers`` lists each modifier with its meaning in plain words;
``medcoder modifiers CODE [MOD ...] [--units N]`` checks a line (a valid billable
code, known modifiers that go together, whole units) and exits 1 when it cannot
go on a claim.
"""

from __future__ import annotations

import argparse

from medcoder_tui.cli.common import CliError, print_json
from medcoder_tui.codes.modifiers import MODIFIERS, LineError, check_line, line_text, parse_modifiers, parse_units


def register(subparsers: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    """Add the ``modifiers`` sub-command."""
    p = subparsers.add_parser(
        "modifiers", parents=parents, help="list CPT/HCPCS modifiers, or check a code with modifiers and units",
        description="Without a code: the modifiers medcoder knows and what each means. With a code: check the "
                    "claim line (code, modifiers, units); exit status 1 when it cannot go on a claim.")
    p.add_argument("code", metavar="CODE", nargs="?", help="a CPT or HCPCS code, e.g. 99214 (or 99214-25)")
    p.add_argument("modifiers", metavar="MOD", nargs="*", help="modifiers, e.g. 25 or RT 59")
    p.add_argument("--units", default=None, help="units of service, a whole number from 1 to 999")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if not args.code:
        if args.units is not None or args.modifiers:
            raise CliError("give the code first, e.g. medcoder modifiers 99214 25")
        if args.json:
            print_json([{"modifier": m, "meaning": t} for m, t in sorted(MODIFIERS.items())])
        else:
            for m, t in sorted(MODIFIERS.items()):
                print(f"{m:<4}{t}")
        return 0
    from medcoder_tui.codes.service import get_codesets

    code, _, attached = args.code.partition("-")
    modifiers = parse_modifiers(attached) + parse_modifiers(args.modifiers)
    result = get_codesets().validate(code)
    problem = ""
    units = None
    if not (result.valid and result.billable):
        problem = "; ".join(result.messages) or f"{code} is not a valid billable code"
    else:
        try:
            units = parse_units(args.units)
            check_line(result.system, result.normalized, modifiers, units)
        except LineError as exc:
            problem = str(exc)
    line = line_text(result.normalized or code, modifiers, units)
    if args.json:
        print_json({"line": line, "code": result.normalized or code,
                    "system": result.system.value if result.system else None, "modifiers": modifiers,
                    "units": units, "valid": not problem, "message": problem,
                    "meanings": {m: MODIFIERS[m] for m in modifiers if m in MODIFIERS}})
    elif problem:
        print(f"✗ {line}: {problem}")
    else:
        print(f"✓ {line}  {result.description}")
        for m in modifiers:
            print(f"  {m}: {MODIFIERS[m]}")
    return 1 if problem else 0
