"""``medcoder preferences``: what medcoder learned of the organization's coding, with counts, and its rules."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from medcoder_tui.cli.common import CliError, print_json


def register(subparsers: Any, parents: list[argparse.ArgumentParser]) -> None:
    """Add the ``preferences`` sub-command."""
    p = subparsers.add_parser(
        "preferences", parents=parents, help="list the coding preferences learned from reviewed cases",
        description="List, per code, how often coders kept, rejected or replaced it (pooled and per engine), "
                    "the codes they add by hand, and the lead coder's rules from preferences.toml in the "
                    "config directory, with what each does to future suggestions.")
    p.add_argument("--json", action="store_true", help="print everything as JSON")
    p.add_argument("--rules", metavar="FILE", help="rules file (default: preferences.toml in the config dir)")
    p.set_defaults(func=run)


def _open_store(args: argparse.Namespace) -> Any:
    from medcoder_tui.store import Store, StoreError, default_store_path
    from medcoder_tui.store.layout import store_dir_for

    path = Path(args.store).expanduser() if getattr(args, "store", None) else default_store_path()
    if not store_dir_for(path).is_dir():
        return None, path
    try:
        return Store(path, read_only=True), path
    except StoreError as exc:
        raise CliError(str(exc)) from None


def run(args: argparse.Namespace) -> int:
    """Print the learned preferences and the rules."""
    from medcoder_tui.preferences.apply import learned_effect
    from medcoder_tui.preferences.rules import RuleError
    from medcoder_tui.preferences.wiring import load_preferences
    from medcoder_tui.store import StoreError

    if args.rules and not Path(args.rules).expanduser().is_file():
        raise CliError(f"no rules file at {args.rules}")
    store, path = _open_store(args)
    try:
        prefs = load_preferences(store, rules_file=Path(args.rules).expanduser() if args.rules else None)
    except RuleError as exc:
        raise CliError(str(exc)) from None
    except StoreError as exc:
        raise CliError(str(exc)) from None
    t = prefs.thresholds
    if args.json:
        print_json({
            "store": str(store.path if store is not None else path),
            "cases_learned": prefs.cases_learned,
            "completed_examples": len(prefs.examples),
            "thresholds": t,
            "codes": [{**s.model_dump(mode="json"), "decided": s.decided, "effect": learned_effect(s, t)}
                      for s in sorted(prefs.stats, key=lambda s: (s.key, s.engine != "*", s.engine,
                                                                  s.setting != "*", s.setting))],
            "manual": prefs.manual,
            "rules_file": prefs.rules_file,
            "warnings": prefs.warnings,
            "rules": [{**r.model_dump(mode="json"), "text": r.describe()} for r in prefs.rules],
        })
        return 0
    sys.stdout.write(render(prefs, store.path if store is not None else path))
    return 0


def render(prefs: Any, where: Any) -> str:
    """The preferences as a plain-text report."""
    from medcoder_tui.preferences.apply import learned_effect

    t = prefs.thresholds
    out = [f"Learned from {prefs.cases_learned} reviewed cases in {where} "
           f"({len(prefs.examples)} completed, usable as prompt examples)",
           f"A learned preference acts after {t.min_support} decided cases.", ""]
    out[2:2] = [f"warning: {w}" for w in prefs.warnings]
    pooled = prefs.pooled()
    if pooled:
        out.append(f"{'CODE':<9} {'SYSTEM':<9} {'KEPT':>4} {'REJ':>4} {'REPL':>4}  {'USUAL REPLACEMENT':<22} EFFECT")
        for s in pooled:
            top = s.top_replacement()
            usual = f"{top[0].partition(':')[2]} ({top[1]}/{s.decided})" if top else "-"
            out.append(f"{s.code:<9} {s.system.label:<9} {s.accepted:>4} {s.rejected:>4} {s.replaced:>4}  "
                       f"{usual:<22} {learned_effect(s, t)}")
        engines = sorted({s.engine for s in prefs.stats if s.engine != "*"})
        if len(engines) > 1 or (engines and engines[0] != "unknown"):
            out += ["", "By engine:"]
            for engine in engines:
                rows = [s for s in prefs.stats if s.engine == engine and s.setting == "*"]
                parts = [f"{s.code} {s.accepted}/{s.rejected}/{s.replaced}" for s in
                         sorted(rows, key=lambda s: (-s.decided, s.key))]
                out.append(f"  {engine}: " + ", ".join(parts) + "  (kept/rejected/replaced)")
    else:
        out.append("Nothing learned yet: accept, reject and edit suggestions, then complete cases.")
    if prefs.manual:
        out += ["", "Codes added by hand (not suggested): " +
                ", ".join(f"{m.code} ({m.cases})" for m in prefs.manual[:20])]
    out.append("")
    if prefs.rules:
        out.append(f"Rules from {prefs.rules_file}:")
        out += [f"  - {r.describe()}" for r in prefs.rules]
    else:
        from medcoder_tui.preferences.rules import rules_path

        out.append(f"No written rules ({prefs.rules_file or rules_path()} has none).")
    return "\n".join(out) + "\n"
