"""``medcoder suggest NOTE``: code suggestions for one note, headless.

Without ``--json`` the model's tokens stream to stderr as they arrive and a
table of grounded suggestions follows on stdout; with ``--json`` stdout holds
one JSON document. Exit status 1 when the engine run ended with an error (the
suggestions completed before it are still printed).
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
from typing import Any

from pydantic import ValidationError

from medcoder_tui.cli.common import CliError, add_engine_options, parse_types, print_json, read_note
from medcoder_tui.codes.systems import System
from medcoder_tui.config import load_settings
from medcoder_tui.engines.base import Engine
from medcoder_tui.engines.models import Flag, Setting, Suggestion, SuggestionResult
from medcoder_tui.engines.select import EngineUnavailable, make_engine
from medcoder_tui.notes import note_setting


def register(subparsers: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    """Add the ``suggest`` sub-command."""
    p = subparsers.add_parser(
        "suggest", parents=parents, help="suggest codes for one note",
        description="Suggest ICD-10-CM, CPT and HCPCS codes for a clinical note, grounded in the code sets "
                    "and in the note's words.")
    p.add_argument("note", metavar="NOTE", help="the clinical note (a UTF-8 text file)")
    add_engine_options(p)
    p.add_argument("--json", action="store_true", help="print one JSON document instead of a table")
    p.set_defaults(func=run)


def suggestion_json(s: Suggestion) -> dict[str, Any]:
    """One suggestion in the CLI's JSON shape."""
    return {
        "code": s.code,
        "system": s.system.value,
        "description": s.description,
        "confidence": s.confidence,
        "reasoning": s.reasoning,
        "evidence": [{"text": e.text, "start": e.start, "end": e.end} for e in s.evidence],
        "valid": s.valid,
        "billable": s.billable,
        "acceptable": s.acceptable,
        "flags": [f.value for f in s.flags],
        "messages": list(s.messages),
        "alternatives": [a.model_dump(mode="json") for a in s.alternatives],
        "modifiers": list(s.modifiers),
        "units": s.units,
    }


def result_json(result: SuggestionResult) -> dict[str, Any]:
    """The whole run in the CLI's JSON shape."""
    return {
        "engine": result.engine,
        "model": result.model,
        "prompt_version": result.prompt_version,
        "suggestions": [suggestion_json(s) for s in result.suggestions],
        "warnings": list(result.warnings),
        "error": result.error,
    }


async def collect(engine: Engine, note: str, *, types: set[System], setting: Setting,
                  echo_tokens: bool) -> SuggestionResult:
    """Run the engine; optionally echo raw tokens to stderr while they arrive."""
    result: SuggestionResult | None = None
    wrote = False
    async for event in engine.stream(note, types=types, setting=setting):
        if event.kind == "token" and echo_tokens:
            sys.stderr.write(event.text)
            sys.stderr.flush()
            wrote = True
        elif event.kind == "done":
            result = event.result
    if wrote:
        sys.stderr.write("\n")
    if result is None:
        raise CliError("the engine ended without a result", status=1)
    return result


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def format_table(result: SuggestionResult, width: int | None = None) -> str:
    """The suggestions as a plain-text table a coder can read in a terminal."""
    width = width or shutil.get_terminal_size((100, 24)).columns
    if not result.suggestions:
        return "No codes suggested."
    head = f"{'CODE':<9} {'SYSTEM':<9} {'CONF':<6} {'STATUS':<22} DESCRIPTION"
    lines = [head]
    desc_width = max(width - len(head) + len("DESCRIPTION"), 20)
    for s in result.suggestions:
        flags = ",".join(f.value for f in s.flags)
        status = (flags or "ok") if s.acceptable else f"BLOCKED {flags}".strip()
        lines.append(f"{s.code:<9} {s.system.label:<9} {s.confidence_label:<6} {_cut(status, 22):<22} "
                     f"{_cut(s.description, desc_width)}")
        for e in s.evidence[:2]:
            where = f" [{e.start}-{e.end}]" if e.located else " [not found in note]"
            lines.append(f"{'':<9} evidence: {_cut(repr(e.text), max(width - 35, 20))}{where}")
        if Flag.PREFERENCE in s.flags:
            lines.extend(f"{'':<9} preference: {_cut(m, max(width - 22, 20))}" for m in s.messages
                         if m.startswith(("your team", "demoted:", "rule ")))
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Suggest codes for ``args.note`` and print them."""
    note = read_note(args.note)
    types = parse_types(args.types)
    try:
        settings = load_settings(engine=args.engine, ollama_model=args.model, setting=args.setting,
                                 store_path=args.store, preferences=False if args.no_preferences else None)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise CliError(f"invalid settings (config file or MEDCODER_* variables): {problems}") from None
    from medcoder_tui.preferences import RuleError, maybe_wrap

    try:
        engine = maybe_wrap(make_engine(settings, args.engine, model=args.model), settings)
    except EngineUnavailable as exc:
        raise CliError(str(exc), status=1) from None
    except RuleError as exc:
        raise CliError(str(exc)) from None
    setting, why = note_setting(note, args.setting, settings.setting)
    result = asyncio.run(collect(engine, note, types=types, setting=setting, echo_tokens=not args.json))
    if args.json:
        print_json({**result_json(result), "setting": setting, "setting_source": why})
    else:
        model = f" ({result.model})" if result.model else ""
        print(f"engine: {result.engine}{model}, prompt {result.prompt_version or '-'}, setting: {setting} ({why})",
              file=sys.stderr)
        for warning in result.warnings:
            print(f"warning: {warning}", file=sys.stderr)
        print(format_table(result))
        if result.error:
            print(f"error: {result.error}", file=sys.stderr)
    return 1 if result.error else 0
