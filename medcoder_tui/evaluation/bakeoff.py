"""Model bake-off: several systems on the same gold notes, compared in one table.

Each system (an Ollama model, or the offline engine) is an ordinary evaluation
run, stored as such, so ``--compare`` and the evaluation screen open it; the
runs of one bake-off share ``EvalRun.bakeoff``. The table shows what a team
compares models on: micro P/R/F1, must-not-code hits (when the gold lists
``not_codes``), the E/M exact rate (both from the runner), and the seconds per
note and tokens per second :func:`add_figures` fills in.
"""

from __future__ import annotations

from collections.abc import Sequence

from medcoder_tui.evaluation.models import EvalRun, GoldSet


def systems_from_args(models: str | None, engine: str | None) -> list[tuple[str, str | None]]:
    """The systems of a bake-off, or [] for an ordinary single run.

    ``--model a,b,c`` names Ollama models; ``--engine offline`` beside ``--model`` adds the
    offline engine. One model without ``--engine offline`` is an ordinary run.
    """
    names = [m.strip() for m in (models or "").split(",") if m.strip()]
    names = list(dict.fromkeys(names))
    if engine == "offline" and names:
        return [("ollama", m) for m in names] + [("offline", None)]
    if len(names) > 1:
        if engine not in (None, "auto", "ollama"):
            raise ValueError(f"--model with several models runs Ollama; --engine {engine} does not fit")
        return [("ollama", m) for m in names]
    return []


def system_label(engine: str, model: str | None) -> str:
    return f"{engine} {model}" if model and engine != "offline" else engine


def add_figures(run: EvalRun, gold: GoldSet) -> EvalRun:
    """Seconds per note and tokens per second (must-not-code hits and the E/M rate come from the
    runner); notes whether the gold lists any ``not_codes`` at all."""
    run.not_codes_listed = any(c.not_codes for c in gold.cases)
    ok = [n for n in run.per_note if n.status == "ok"]
    run.seconds_per_note = round(sum(n.seconds for n in ok) / len(ok), 3) if ok else 0.0
    run.tokens = sum(n.tokens for n in run.per_note)
    busy = sum(n.seconds for n in run.per_note if n.tokens)
    run.tokens_per_second = round(run.tokens / busy, 1) if run.tokens and busy > 0 else None
    return run


def ranked(runs: Sequence[EvalRun]) -> list[EvalRun]:
    """Best micro-F1 first; systems whose every note failed last."""
    return sorted(runs, key=lambda r: (r.notes == 0, -r.micro.f1))


COLUMNS = ("System", "P", "R", "F1", "Must-not", "E/M exact", "s/note", "tokens/s", "Failed", "Run")


def _cells(run: EvalRun) -> list[str]:
    em = f"{run.em.rate:.0%} of {run.em.notes}" if run.em.notes else "-"
    prf = [f"{run.micro.precision:.3f}", f"{run.micro.recall:.3f}", f"{run.micro.f1:.3f}"] if run.notes \
        else ["-", "-", "-"]   # every note failed: no figure describes this system
    return [run.system or system_label(run.engine, run.model), *prf,
            str(run.must_not_hits) if run.not_codes_listed else "-", em,
            f"{run.seconds_per_note:.2f}", f"{run.tokens_per_second:.1f}" if run.tokens_per_second else "-",
            str(run.failed), run.id or "-"]


def comparison_table(runs: Sequence[EvalRun]) -> str:
    """One plain-text table: a row per system, best micro-F1 first."""
    rows = [list(COLUMNS)] + [_cells(r) for r in ranked(runs)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    notes = {r.notes + r.failed for r in runs}
    head = f"Bake-off {runs[0].bakeoff} on {runs[0].source}: {max(notes) if notes else 0} gold notes, " \
           f"types {','.join(runs[0].types)}" if runs else "Bake-off: no systems"
    foot = []
    if runs and not any(r.not_codes_listed for r in runs):
        foot.append("Must-not: the gold lists no codes that must not be coded (not_codes).")
    hosts = [f"  {r.system}: " + ", ".join(f"{h['host']} {h['notes']} notes {h['tokens_per_second']} tok/s"
                                          for h in r.hosts) for r in runs if len(r.hosts) > 1]
    if hosts:
        foot += ["Per host:", *hosts]
    return "\n".join([head, "", *lines, *([""] + foot if foot else [])])


def comparison_markdown(runs: Sequence[EvalRun]) -> str:
    """The bake-off as a Markdown report."""
    def md(cell: str) -> str:
        return cell.replace("|", "\\|")

    out = [f"# medcoder model bake-off {runs[0].bakeoff if runs else ''}".rstrip(), ""]
    if runs:
        r0 = runs[0]
        out += [f"- Notes: {r0.source} ({r0.gold_source})", f"- Types: {', '.join(r0.types)}",
                f"- Prompt version: {r0.prompt_version or 'n/a'}", f"- Created: {r0.created}", ""]
    out += ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for run in ranked(runs):
        out.append("| " + " | ".join(md(c) for c in _cells(run)) + " |")
    out += ["", "Micro precision, recall and F1 over acceptable suggestions; failed notes are left out of "
            "every figure. Must-not counts suggested codes the gold's `not_codes` forbids. E/M exact: "
            "notes with a gold E/M code whose suggested E/M codes are exactly the gold's.", ""]
    for run in runs:
        failed = [n for n in run.per_note if n.status == "failed"]
        if failed:
            out.append(f"## Failed notes: {run.system}")
            out += [f"- {n.note_id}: {md(n.error)}" for n in failed[:20]]
            out.append("")
        if len(run.hosts) > 1:
            out.append(f"## Hosts: {run.system}")
            out += [f"- {h['host']}: {h['notes']} notes, {h['failed']} failed, {h['tokens_per_second']} tokens/s"
                    for h in run.hosts]
            out.append("")
    return "\n".join(out)
