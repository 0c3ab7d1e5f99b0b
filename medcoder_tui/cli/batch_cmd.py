"""``medcoder batch PATH``: pre-code every note into the store before a coder opens it.

A progress bar with rate and ETA on a terminal, one plain line per note
otherwise; failed notes are listed at the end with the reason, and the exit
status is 1 when any note failed. Resumable: run it again after an interruption
and it codes only what is missing (see :mod:`medcoder_tui.batch.runner`).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from pydantic import ValidationError

from medcoder_tui.cli.common import CliError, add_engine_options, parse_types, print_json


def register(subparsers: Any, parents: list[argparse.ArgumentParser]) -> None:
    """Add the ``batch`` sub-command."""
    p = subparsers.add_parser(
        "batch", parents=parents, help="pre-code every note of a folder into the store",
        description="Code every note under PATH into the case store as pre-coded cases, so coders open "
                    "charts whose suggestions are already there. Notes already pre-coded by the same "
                    "engine, model and prompt version are skipped; run it again to resume.")
    p.add_argument("path", metavar="PATH", help="a folder of notes or one note")
    add_engine_options(p)
    p.add_argument("--concurrency", type=_positive_int, default=4, metavar="N",
                   help="notes coded at once, spread over the Ollama hosts (default: 4)")
    p.add_argument("--json", action="store_true", help="print the run as one JSON document")
    p.set_defaults(func=run_batch_command)


def _positive_int(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if not 1 <= n <= 256:
        raise argparse.ArgumentTypeError("must be between 1 and 256")
    return n


class BatchProgress:
    """A bar with rate and ETA redrawn in place on a terminal; one line per note otherwise."""

    def __init__(self, total: int, stream: TextIO | None = None, width: int = 24) -> None:
        self.total, self.width = total, width
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.started = time.perf_counter()

    def __call__(self, outcome: Any, report: Any) -> None:
        done = len(report.outcomes)
        coded, skipped, failed = report.count("coded"), report.count("skipped"), report.count("failed")
        elapsed = time.perf_counter() - self.started
        worked = coded + failed
        rate = worked / elapsed if elapsed > 0 and worked else 0.0
        left = self.total - done
        eta = f"{int(left / rate) // 60}:{int(left / rate) % 60:02d}" if rate else "--:--"
        if self.tty:
            filled = int(self.width * done / self.total) if self.total else self.width
            bar = "#" * filled + "-" * (self.width - filled)
            self.stream.write(f"\r[{bar}] {done}/{self.total} coded {coded} skipped {skipped} failed {failed}"
                              f" · {rate:.1f} notes/s · ETA {eta} ")
            if done == self.total:
                self.stream.write("\n")
        else:
            where = f" on {outcome.host}" if outcome.host else ""
            why = f": {outcome.reason}" if outcome.reason else ""
            self.stream.write(f"batch: {done}/{self.total} {outcome.status} {Path(outcome.path).name}{where}"
                              f" ({outcome.seconds:.2f}s){why}\n")
        self.stream.flush()


def _settings(args: argparse.Namespace) -> Any:
    from medcoder_tui.config import load_settings

    try:
        return load_settings(engine=args.engine, ollama_model=args.model, setting=args.setting,
                             store_path=args.store, preferences=False if args.no_preferences else None)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise CliError(f"invalid settings (config file or MEDCODER_* variables): {problems}") from None


async def choose(settings: Any, name: str, model: str | None, codesets: Any) -> tuple[Any, Any, list[str]]:
    """(engine, pooled engine or None, notes): the host pool when Ollama is wanted and reachable."""
    from medcoder_tui.engines.llm.hosts import HostPool, PooledEngine
    from medcoder_tui.engines.select import offline_engine

    if name == "offline":
        return offline_engine(codesets), None, []
    pooled = PooledEngine(HostPool(settings, model=model, codesets=codesets))
    ok, summary = await pooled.check()
    if ok:
        notes = [summary] if len(pooled.pool.hosts) > 1 or not ok else []
        return pooled, pooled, notes
    if name == "ollama":
        raise CliError(summary, status=1)
    return offline_engine(codesets), None, [f"{summary}; using the offline engine"]


def run_batch_command(args: argparse.Namespace) -> int:
    """Entry point of ``medcoder batch``."""
    from medcoder_tui.batch.runner import run_batch
    from medcoder_tui.codes.service import get_codesets
    from medcoder_tui.notes import NoteError, discover_notes
    from medcoder_tui.store import Store, StoreError
    from medcoder_tui.store.precoded import RunKey

    settings = _settings(args)
    types = parse_types(args.types)
    try:
        notes = discover_notes(Path(args.path).expanduser())
    except NoteError as exc:
        raise CliError(str(exc)) from None
    if not notes:
        raise CliError(f"no notes (.txt, .note, .md) under {args.path}")
    path = Path(args.store).expanduser() if args.store else settings.resolved_store_path()
    try:
        store = Store(path)
    except (StoreError, OSError) as exc:
        raise CliError(f"cannot open the case store {path}: {exc}") from None
    codesets = get_codesets()
    name = args.engine or settings.engine

    async def go() -> Any:
        engine, pooled, said = await choose(settings, name, args.model, codesets)
        for line in said:
            print(f"medcoder: {line}", file=sys.stderr)
        from medcoder_tui.preferences import RuleError, maybe_wrap

        try:
            wrapped = maybe_wrap(engine, settings, store, codesets=codesets)
        except RuleError as exc:
            raise CliError(str(exc)) from None
        if pooled is not None and wrapped is not engine:
            pooled.pool.set_extra_context(wrapped.prompt_context)
        version = getattr(engine, "prompt_version", None) or _offline_version()
        key = RunKey(engine.name, engine.model if engine.name != "offline" else None, version)
        bar = BatchProgress(len(notes))
        return await run_batch(store, notes, wrapped, key=key, types=types, setting=settings.setting,
                               setting_explicit=args.setting is not None, concurrency=args.concurrency,
                               progress=None if args.json and not bar.tty else bar, pool=pooled)

    report = asyncio.run(go())
    if args.json:
        print_json(report.to_json())
    else:
        _print_summary(report)
    return 1 if report.failed else 0


def _offline_version() -> str:
    from medcoder_tui.engines.offline import PROMPT_VERSION

    return PROMPT_VERSION


def _print_summary(report: Any) -> None:
    model = f" {report.model}" if report.model else ""
    print(f"{report.total} notes: {report.count('coded')} coded, {report.count('skipped')} skipped, "
          f"{report.count('failed')} failed in {report.seconds:.1f}s ({report.engine}{model}, "
          f"prompt {report.prompt_version})")
    for h in report.hosts:
        state = "" if h["reachable"] else f" — unreachable: {h.get('error', '')}"
        print(f"  host {h['host']}: {h['notes']} notes, {h['failed']} failed, "
              f"{h['tokens_per_second']:.1f} tokens/s{state}")
    for w in report.warnings:
        print(f"warning: {w}", file=sys.stderr)
    if report.failed:
        print(f"failed notes ({len(report.failed)}):")
        for o in report.failed:
            print(f"  {o.path}: {o.reason}")
