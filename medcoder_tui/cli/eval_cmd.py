"""``medcoder eval``: run the coder over gold-coded notes, score it, keep the run, compare runs."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from medcoder_tui.cli.common import CliError, add_engine_options, parse_types, print_json
from medcoder_tui.evaluation.models import EvalRun, NoteEval

DEFAULT_PATH = "sample_notes"


def register(subparsers: Any, parents: list[argparse.ArgumentParser]) -> None:
    """Add the ``eval`` sub-command."""
    p = subparsers.add_parser(
        "eval", parents=parents, help="evaluate suggestions against gold-coded notes",
        description="Run the coder over notes with known correct codes, score it and store the run. "
                    "Gold comes from NAME.gold.json sidecars, a note_id<TAB>code file (--gold FILE.tsv) "
                    "or the cases completed in the store (--gold store).",
    )
    p.add_argument("path", nargs="?", default=DEFAULT_PATH, metavar="PATH",
                   help=f"a folder of notes or one note (default: {DEFAULT_PATH})")
    p.add_argument("--gold", metavar="FILE", help="note_id<TAB>code[<TAB>system] file, or 'store'")
    add_engine_options(p, setting_help="code every note in this setting (default: each sidecar's own, else settings)")
    p.add_argument("--concurrency", type=_positive_int, default=4, metavar="N",
                   help="notes coded at once (default: 4)")
    p.add_argument("--json", action="store_true", help="print the run (or comparison) as JSON")
    p.add_argument("--report", metavar="FILE.md", help="also write a Markdown report (owner-only, 0600)")
    p.add_argument("--no-save", action="store_true", help="do not keep this run in the store")
    p.add_argument("--compare", nargs=2, metavar=("RUN_A", "RUN_B"), help="compare two stored runs")
    p.add_argument("--runs", action="store_true", help="list stored runs, newest first")
    p.add_argument("--show", metavar="RUN", help="show a stored run (with --json or --report too)")
    p.set_defaults(func=run_eval_command)
    for action in p._actions:
        if action.dest == "model":
            action.help = ("Ollama model; a comma list (a,b,c) runs a bake-off, and --engine offline beside "
                           "--model adds the offline engine to it")


def _positive_int(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return n


class ProgressBar:
    """A progress bar on stderr: redrawn in place on a terminal, a line every 10% otherwise."""

    def __init__(self, total: int, stream: TextIO | None = None, width: int = 30) -> None:
        self.total, self.width = total, width
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.failed = 0
        self.started = time.perf_counter()
        self._last_decile = -1

    def __call__(self, done: int, total: int, note: NoteEval) -> None:
        self.failed += note.status == "failed"
        frac = done / total if total else 1.0
        elapsed = time.perf_counter() - self.started
        failed = f", {self.failed} failed" if self.failed else ""
        if self.tty:
            filled = int(frac * self.width)
            bar = "#" * filled + "-" * (self.width - filled)
            self.stream.write(f"\r[{bar}] {done}/{total}{failed} {elapsed:5.1f}s {note.note_id[:30]:<30}")
            if done == total:
                self.stream.write("\n")
        else:
            decile = int(frac * 10)
            if decile != self._last_decile or done == total:
                self._last_decile = decile
                self.stream.write(f"eval: {done}/{total} notes ({frac:.0%}){failed}, {elapsed:.1f}s\n")
        self.stream.flush()


def _open_store(args: argparse.Namespace, settings: Any, *, read_only: bool = False) -> Any:
    from medcoder_tui.store import Store
    from medcoder_tui.store.layout import META_FILE, store_dir_for

    path = Path(args.store).expanduser() if args.store else settings.resolved_store_path()
    if read_only and not (store_dir_for(path) / META_FILE).exists():
        return None   # runs of a store that does not exist: none to show, and nothing is created
    try:
        return Store(path, read_only=read_only)
    except Exception as exc:   # a store that cannot open is the user's to fix
        raise CliError(f"cannot open the case store {path}: {exc}") from None


def _resolve_path(raw: str) -> Path:
    path = Path(raw).expanduser()
    if not path.exists() and raw == DEFAULT_PATH:
        bundled = Path(__file__).resolve().parents[2] / DEFAULT_PATH
        if bundled.is_dir():
            return bundled
    if not path.exists():
        raise CliError(f"no such note or folder: {path}")
    return path


def _get_run(store: Any, ref: str) -> EvalRun:
    try:
        data = store.get_eval_run(ref) if store is not None else None
    except Exception as exc:
        raise CliError(f"run {ref!r}: {exc}") from None
    if not data:
        raise CliError(f"no stored evaluation run matches {ref!r}; see `medcoder eval --runs`")
    return EvalRun.model_validate(data)


def _write_report(path: str, run: EvalRun | str) -> None:
    """Write a report (a run's, or ready Markdown) owner-only: it names notes and codes."""
    from medcoder_tui.evaluation.report import markdown
    from medcoder_tui.store.files import write_private

    text = run if isinstance(run, str) else markdown(run)
    try:
        write_private(Path(path).expanduser(), text)
    except OSError as exc:
        raise CliError(f"cannot write the report {path}: {exc.strerror or exc}") from None
    print(f"report written to {path}", file=sys.stderr)


def run_eval_command(args: argparse.Namespace) -> int:
    """Entry point of ``medcoder eval``."""
    from medcoder_tui.config import load_settings

    settings = load_settings(
        store_path=args.store, setting=args.setting, engine=args.engine, ollama_model=args.model,
        preferences=False if args.no_preferences else None,
    )
    if args.compare or args.runs or args.show:
        return _history(args, _open_store(args, settings, read_only=True))
    from medcoder_tui.evaluation.bakeoff import systems_from_args

    try:
        systems = systems_from_args(args.model, args.engine)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    if systems:
        from medcoder_tui.cli.bakeoff_cmd import run_bakeoff

        path = _resolve_path(args.path)
        store = None if args.no_save and args.gold != "store" else _open_store(args, settings)
        return run_bakeoff(args, settings, systems, path=path, store=store, progress=ProgressBar,
                           write_report=_write_report)
    return _evaluate(args, settings)


async def pooled_engine(settings: Any, name: str, model: str | None, codesets: Any) -> tuple[Any, list[str]]:
    """The Ollama hosts behind one engine (several hosts configured), or the offline engine for
    ``auto`` when none answers."""
    from medcoder_tui.engines.llm.hosts import HostPool, PooledEngine
    from medcoder_tui.engines.select import offline_engine

    pooled = PooledEngine(HostPool(settings, model=model, codesets=codesets))
    ok, summary = await pooled.check()
    if ok:
        return pooled, [summary]
    if name == "ollama":
        raise CliError(summary, status=1)
    return offline_engine(codesets), [f"{summary}; using the offline engine"]


def _history(args: argparse.Namespace, store: Any) -> int:
    from medcoder_tui.evaluation.compare import compare, comparison_text
    from medcoder_tui.evaluation.report import summary_text

    if args.runs:
        runs = [EvalRun.model_validate(r) for r in store.list_eval_runs()][::-1] if store else []  # newest first
        if args.json:
            print_json([r.model_dump(mode="json", exclude={"per_note"}) for r in runs])
        elif not runs:
            print("no evaluation runs stored yet; run `medcoder eval`")
        for r in [] if args.json else runs:
            print(f"{r.label()}  notes={r.notes} failed={r.failed} types={','.join(r.types)} {r.source}")
        return 0
    if args.show:
        run = _get_run(store, args.show)
        print_json(run) if args.json else print(summary_text(run))
        if args.report:
            _write_report(args.report, run)
        return 0
    a, b = (_get_run(store, ref) for ref in args.compare)
    result = compare(a, b)
    print_json(result) if args.json else print(comparison_text(result))
    return 0


def _evaluate(args: argparse.Namespace, settings: Any) -> int:
    from medcoder_tui.codes.service import get_codesets
    from medcoder_tui.evaluation.gold import GoldError, collect_gold
    from medcoder_tui.evaluation.report import summary_text
    from medcoder_tui.evaluation.runner import run_evaluation

    types = parse_types(args.types)
    path = _resolve_path(args.path)
    store = None if args.no_save and args.gold != "store" else _open_store(args, settings)
    codesets = get_codesets()
    try:
        gold = collect_gold(path, gold=args.gold, store=store, types=types,
                            validate=lambda code, system: codesets.validate(code, system))
    except GoldError as exc:
        raise CliError(str(exc)) from None
    bar = ProgressBar(len(gold.cases))
    engine_name = args.engine or settings.engine

    async def evaluate() -> EvalRun:
        # One event loop for the probe and the run: the Ollama client belongs to the loop it was made in.
        from medcoder_tui.engines.select import resolve_engine

        try:
            if engine_name != "offline" and len(settings.host_list()) > 1:
                engine, notes = await pooled_engine(settings, engine_name, args.model, codesets)
            else:
                engine, notes = await resolve_engine(settings, engine_name, model=args.model, codesets=codesets)
        except (ValueError, RuntimeError, OSError) as exc:
            raise CliError(f"cannot start the {engine_name} engine: {exc}") from None
        pool = getattr(engine, "pool", None)
        from medcoder_tui.preferences import PreferenceEngine, RuleError, maybe_wrap

        try:   # learned from this run's store; off with --no-preferences
            wrapped = maybe_wrap(engine, settings, store, codesets=codesets)
        except RuleError as exc:
            raise CliError(str(exc)) from None
        if pool is not None and wrapped is not engine:
            pool.set_extra_context(wrapped.prompt_context)
        engine = wrapped
        if args.gold == "store" and isinstance(engine, PreferenceEngine):
            notes.append("preferences are learned from the same completed cases this run scores, so the "
                         "figures are optimistic; add --no-preferences for a fair measure")
        for note in notes:
            print(f"medcoder: {note}", file=sys.stderr)
        if engine_name == "ollama":
            # One clear message instead of the same failure on every note.
            ok, message = await engine.check()
            if not ok:
                raise CliError(message, status=1)
        run = await run_evaluation(
            gold, engine, types=types, setting=args.setting or settings.setting,
            force_setting=bool(args.setting), concurrency=args.concurrency, progress=bar,
        )
        if pool is not None:
            run.hosts = pool.figures()
        return run

    from medcoder_tui.evaluation.bakeoff import add_figures

    run = add_figures(asyncio.run(evaluate()), gold)
    run.source = str(path)
    run.codeset_versions = dict(codesets.versions())
    run.preferences = bool(settings.preferences)
    status = 0
    if not args.no_save:
        try:
            run.id = str(store.add_eval_run(run.model_dump(mode="json")))
        except Exception as exc:   # the figures are still printed; say loudly that history missed them
            print(f"medcoder: error: the run was not stored: {exc}", file=sys.stderr)
            status = 1
    if args.json:
        print_json(run)
    else:
        print(summary_text(run))
    if args.report:
        _write_report(args.report, run)
    if run.notes == 0:
        print("medcoder: error: every note failed; no figures", file=sys.stderr)
        status = 1
    return status

