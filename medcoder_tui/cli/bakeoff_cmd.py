"""``medcoder eval PATH --model a,b,c [--engine offline]``: a model bake-off on the same gold notes.

Each system runs over the same gold cases, over every configured Ollama host,
and is stored as an ordinary evaluation run (they share one bake-off id), so
``--compare`` and the evaluation screen open them. One comparison table is
printed; ``--report FILE.md`` writes it as Markdown.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from medcoder_tui.cli.common import CliError, parse_types, print_json
from medcoder_tui.evaluation.models import EvalRun


def run_bakeoff(args: argparse.Namespace, settings: Any, systems: list[tuple[str, str | None]], *,
                path: Path, store: Any, progress: Callable[[int], Any],
                write_report: Callable[[str, str], None]) -> int:
    """Run every system, store the runs (in ``store`` unless --no-save), print the comparison table.

    ``progress(total)`` makes a progress callback for one system's run; ``write_report(file, text)``
    writes the Markdown report.
    """
    from medcoder_tui.codes.service import get_codesets
    from medcoder_tui.evaluation.bakeoff import (
        add_figures, comparison_markdown, comparison_table, system_label,
    )
    from medcoder_tui.evaluation.gold import GoldError, collect_gold

    types = parse_types(args.types)
    codesets = get_codesets()
    try:
        gold = collect_gold(path, gold=args.gold, store=store, types=types,
                            validate=lambda code, system: codesets.validate(code, system))
    except GoldError as exc:
        raise CliError(str(exc)) from None
    bakeoff = datetime.now(timezone.utc).strftime("bakeoff-%Y%m%d-%H%M%S")
    runs: list[EvalRun] = []
    status = 0
    for index, (engine_name, model) in enumerate(systems, 1):
        label = system_label(engine_name, model)
        print(f"medcoder: bake-off {index}/{len(systems)}: {label}", file=sys.stderr)
        run = asyncio.run(_one(args, settings, store, codesets, gold, types, engine_name, model,
                               progress(len(gold.cases))))
        run.source, run.bakeoff, run.system = str(path), bakeoff, label
        run.codeset_versions = dict(codesets.versions())
        run.preferences = bool(settings.preferences)
        add_figures(run, gold)
        if not args.no_save:
            try:
                run.id = str(store.add_eval_run(run.model_dump(mode="json")))
            except Exception as exc:   # the table is still printed; say loudly that history missed it
                print(f"medcoder: error: the {label} run was not stored: {exc}", file=sys.stderr)
                status = 1
        runs.append(run)
    if args.json:
        print_json({"bakeoff": bakeoff, "runs": [r.model_dump(mode="json", exclude={"per_note"}) for r in runs]})
    else:
        print(comparison_table(runs))
    if args.report:
        write_report(args.report, comparison_markdown(runs))
    if all(r.notes == 0 for r in runs):
        print("medcoder: error: every note failed for every system; no figures", file=sys.stderr)
        status = 1
    return status


async def _one(args: argparse.Namespace, settings: Any, store: Any, codesets: Any, gold: Any, types: set,
               engine_name: str, model: str | None, progress: Any) -> EvalRun:
    """One system over the gold notes (a model every host lacks fails each note with the reason)."""
    from medcoder_tui.engines.llm.hosts import HostPool, PooledEngine
    from medcoder_tui.engines.select import offline_engine
    from medcoder_tui.evaluation.runner import run_evaluation
    from medcoder_tui.preferences import RuleError, maybe_wrap

    pool = None
    if engine_name == "offline":
        engine = offline_engine(codesets)
    else:
        pool = HostPool(settings, model=model, codesets=codesets)
        engine = PooledEngine(pool)
        ok, summary = await engine.check()
        print(f"medcoder: {summary}", file=sys.stderr)
    try:
        wrapped = maybe_wrap(engine, settings, store, codesets=codesets)
    except RuleError as exc:
        raise CliError(str(exc)) from None
    if pool is not None and wrapped is not engine:
        pool.set_extra_context(wrapped.prompt_context)
    run = await run_evaluation(gold, wrapped, types=types, setting=args.setting or settings.setting,
                               force_setting=bool(args.setting), concurrency=args.concurrency,
                               progress=progress)
    run.engine, run.model = engine_name, model if engine_name != "offline" else None
    if pool is not None:
        run.hosts = pool.figures()
    return run
