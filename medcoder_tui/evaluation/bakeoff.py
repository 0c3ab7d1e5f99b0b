"""Model bake-off: several systems on the same gold notes, compared in one table.

Each system (an Ollama model, or the offline engine) is an ordinary evaluation
run, stored as such, so ``--compare`` and the evaluation screen open it; the
runs of one bake-off share ``EvalRun.bakeoff``. :func:`add_figures` fills the
figures a team compares models on: must-not-code hits (when the gold lists
``not_codes``), the E/M exact rate, seconds per note and tokens per second.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from medcoder_tui.codes.systems import compact
from medcoder_tui.evaluation.gold import sidecar_for
from medcoder_tui.evaluation.metrics import split_key
from medcoder_tui.evaluation.models import EvalRun, GoldCase, GoldSet

# Evaluation and management visit codes (office, hospital, ED, nursing facility, home, consults ...).
EM_RANGE = (99202, 99499)


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


def _codes(raw: Any) -> set[str]:
    """Codes of a ``not_codes`` value in any plausible shape, compacted, system prefixes dropped."""
    if raw is None:
        return set()
    if isinstance(raw, str):
        raw = [raw]
    if isinstance(raw, dict):
        return set().union(*(_codes(v) for v in raw.values())) if raw else set()
    out: set[str] = set()
    if isinstance(raw, (list, tuple, set)):
        for item in raw:
            if isinstance(item, dict):
                item = item.get("code", "")
            text = str(item).strip()
            if ":" in text:
                text = text.split(":", 1)[1]
            if text:
                out.add(compact(text))
    return out


def not_codes_for(case: GoldCase) -> set[str] | None:
    """The codes the gold says must not be coded for this note, or None when it says nothing."""
    value = getattr(case, "not_codes", None)
    if value:
        return _codes(value)
    if case.source == "sidecar" and case.note_path is not None:
        try:
            data = json.loads(sidecar_for(case.note_path).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if isinstance(data, dict) and "not_codes" in data:
            return _codes(data.get("not_codes"))
    return None


def em_codes(keys: Iterable[str]) -> set[str]:
    """The E/M codes among comparison keys."""
    out = set()
    for key in keys:
        system, code = split_key(key)
        if system.value == "cpt" and code.isdigit() and EM_RANGE[0] <= int(code) <= EM_RANGE[1]:
            out.add(code)
    return out


def add_figures(run: EvalRun, gold: GoldSet) -> EvalRun:
    """Must-not-code hits, the E/M exact rate, seconds per note and tokens per second."""
    by_id = {c.note_id: c for c in gold.cases}
    hits, listed = 0, False
    em_right = em_notes = 0
    ok = [n for n in run.per_note if n.status == "ok"]
    for note in ok:
        case = by_id.get(note.note_id)
        banned = not_codes_for(case) if case is not None else None
        if banned is not None:
            listed = True
            note.must_not_code = [k for k in note.predicted if compact(split_key(k)[1]) in banned]
            hits += len(note.must_not_code)
        gold_em = em_codes(note.gold)
        if gold_em:
            em_notes += 1
            em_right += em_codes(note.predicted) == gold_em
    run.must_not_code = hits if listed else None
    run.em_notes = em_notes
    run.em_exact = round(em_right / em_notes, 4) if em_notes else None
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
    em = f"{run.em_exact:.0%} of {run.em_notes}" if run.em_exact is not None else "-"
    prf = [f"{run.micro.precision:.3f}", f"{run.micro.recall:.3f}", f"{run.micro.f1:.3f}"] if run.notes \
        else ["-", "-", "-"]   # every note failed: no figure describes this system
    return [run.system or system_label(run.engine, run.model), *prf,
            str(run.must_not_code) if run.must_not_code is not None else "-", em,
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
    if runs and all(r.must_not_code is None for r in runs):
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
