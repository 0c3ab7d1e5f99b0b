"""``medcoder sequence NOTE`` and ``medcoder check CODE...``: sequencing and its rule checker, headless.

``sequence`` suggests codes for a note (engine as for ``suggest``), keeps the
acceptable ones, lets the model (or the offline rules) propose an order and
checks it. ``check`` runs the rule checker on codes given in order and exits
1 when there are errors (invalid codes included).
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from pydantic import ValidationError

from medcoder_tui.cli.common import CliError, add_engine_options, parse_types, print_json, read_note
from medcoder_tui.config import load_settings
from medcoder_tui.notes import note_setting
from medcoder_tui.sequencing import SETTINGS, SequenceResult, check_sequence
from medcoder_tui.sequencing.models import Issue, SequencedCode


def register(subparsers: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    """Add the ``sequence`` and ``check`` sub-commands."""
    p = subparsers.add_parser(
        "sequence", parents=parents, help="suggest codes for a note and sequence them",
        description="Suggest codes for a note, order them (principal/first-listed, secondary diagnoses with "
                    "CC/MCC, procedures) and check the order against the ICD-10-CM conventions.")
    p.add_argument("note", metavar="NOTE", help="the clinical note (a UTF-8 text file)")
    add_engine_options(p, preferences=False)
    p.add_argument("--drg", action="store_true", help="inpatient: add an MS-DRG estimate (diagnoses only)")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(func=run_sequence)

    c = subparsers.add_parser(
        "check", parents=parents, help="check the sequence of codes given in order",
        description="Run the sequencing rule checker on codes given in order (the first ICD-10-CM code is "
                    "principal/first-listed). Exit status 1 when there are errors.")
    c.add_argument("codes", metavar="CODE", nargs="+", help="codes in order, e.g. G30.9 F02.80 99213")
    c.add_argument("--setting", choices=SETTINGS, default=None, help="care setting (default from config)")
    c.add_argument("--note", metavar="FILE", default=None,
                   help="the note, to look for uncertain or negated mentions of the diagnoses")
    c.add_argument("--uncertain", metavar="CODES", default="",
                   help="comma list of diagnoses documented as uncertain (probable, suspected, rule out)")
    c.add_argument("--drg", action="store_true", help="inpatient: add an MS-DRG estimate (diagnoses only)")
    c.add_argument("--json", action="store_true", help="print one JSON document")
    c.set_defaults(func=run_check)


def _settings(**overrides):
    try:
        return load_settings(**overrides)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise CliError(f"invalid settings (config file or MEDCODER_* variables): {problems}") from None


def run_check(args: argparse.Namespace) -> int:
    """Check ``args.codes`` in the order given."""
    settings = _settings(setting=args.setting)
    note = read_note(args.note) if args.note else None
    for i, raw in enumerate(args.codes, 1):
        if not raw.replace(",", "").strip():   # '' used to be dropped silently and the rest checked
            raise CliError(f"argument {i} is empty: give a code, e.g. medcoder check G30.9 F02.80")
    codes = [c.strip() for raw in args.codes for c in raw.split(",") if c.strip()]
    uncertain = {c.strip() for c in args.uncertain.split(",") if c.strip()}
    result = check_sequence(codes, setting=settings.setting, note=note, uncertain_codes=uncertain,
                            source="coder", drg=args.drg)
    if args.json:
        print_json(result.to_json())
    else:
        print(format_result(result))
    return 1 if result.errors else 0


def _make_engine(settings, name: str | None, model: str | None):
    try:
        from medcoder_tui.engines.select import EngineUnavailable, make_engine
    except ImportError:
        make_engine = None
    if make_engine is not None:
        try:
            return make_engine(settings, name, model=model)
        except EngineUnavailable as exc:
            raise CliError(str(exc), status=1) from None
        except ValueError as exc:
            raise CliError(str(exc)) from None
    try:
        from medcoder_tui.engines.offline import OfflineEngine
    except ImportError:
        raise CliError("no suggestion engine is installed", status=1) from None
    return OfflineEngine()


def run_sequence(args: argparse.Namespace) -> int:
    """Suggest, propose an order and check it for ``args.note``."""
    from medcoder_tui.sequencing.pipeline import sequence_note

    note = read_note(args.note)
    types = parse_types(args.types)
    settings = _settings(engine=args.engine, ollama_model=args.model, setting=args.setting)
    setting, why = note_setting(note, args.setting, settings.setting)
    engine = _make_engine(settings, args.engine, args.model)
    outcome = asyncio.run(sequence_note(note, engine, setting=setting, types=types, drg=args.drg))
    run = outcome.suggestions
    if args.json:
        data = outcome.result.to_json()
        data["setting_source"] = why
        data["engine"] = run.engine
        data["model"] = run.model
        data["left_out"] = outcome.left_out
        data["engine_warnings"] = list(run.warnings)
        data["engine_error"] = run.error
        print_json(data)
    else:
        model = f" ({run.model})" if run.model else ""
        print(f"engine: {run.engine}{model}; setting: {setting} ({why}); order proposed by "
              f"{outcome.result.source}", file=sys.stderr)
        for warning in run.warnings:
            print(f"warning: {warning}", file=sys.stderr)
        if run.error:
            print(f"engine error: {run.error}", file=sys.stderr)
        print(format_result(outcome.result))
        if outcome.left_out:
            print(f"\nNot sequenced (blocked, advised against by a guideline, unsupported, negated or family "
                  f"history): {', '.join(outcome.left_out)}")
    # as ``check``: listed errors (or an engine run that produced nothing) exit 1
    return 1 if outcome.result.errors or (run.error and not outcome.result.codes) else 0


def _line(pos: str, item: SequencedCode) -> str:
    badge = f" [{item.badge}]" if item.badge else ""
    desc = item.description or ("INVALID" if not item.valid else "")
    return f"  {pos:<4}{item.code:<10}{desc}{badge}"


def _issue_lines(mark: str, issues: list[Issue]) -> list[str]:
    out = []
    for i in issues:
        out.append(f"  {mark} [{i.rule}] {i.message}")
        out.append(f"      ({i.convention})")
    return out


def format_result(result: SequenceResult) -> str:
    """The sequence as plain text: diagnoses, procedures, then errors and warnings."""
    if not result.codes:
        return "Nothing to sequence: no acceptable codes."
    first = "Principal diagnosis" if result.setting == "inpatient" else "First-listed diagnosis"
    lines = [f"{first} ({result.setting}):"]
    lines.append(_line("1.", result.principal) if result.principal else "  (none)")
    if result.secondary:
        lines.append("Secondary diagnoses:")
        lines += [_line(f"{n}.", c) for n, c in enumerate(result.secondary, start=2)]
    if result.procedures:
        lines.append("Procedures:")
        lines += [_line(f"{n}.", p) for n, p in enumerate(result.procedures, start=1)]
    if result.drg:
        d = result.drg
        lines.append(f"MS-DRG estimate: {d.drg} {d.description} (weight {d.weight}, diagnoses only)")
    elif result.drg_note:
        lines.append(result.drg_note[0].upper() + result.drg_note[1:] + ".")
    if result.errors:
        lines.append(f"Errors ({len(result.errors)}):")
        lines += _issue_lines("x", result.errors)
    if result.warnings:
        lines.append(f"Warnings ({len(result.warnings)}):")
        lines += _issue_lines("!", result.warnings)
    if not result.errors and not result.warnings:
        lines.append("No sequencing problems found.")
    return "\n".join(lines)
