"""The Markdown report of an evaluation run, and the plain-text summary the CLI prints."""

from __future__ import annotations

from medcoder_tui.evaluation.metrics import PRF, split_key
from medcoder_tui.evaluation.models import EvalRun, NoteEval
from medcoder_tui.evaluation.patterns import PATTERNS

WORST_NOTES = 10
MAX_FAILED_LINES = 10
MAX_NOT_CODE_ROWS = 40


def _code(key: str) -> str:
    if not key:
        return ""
    system, code = split_key(key)
    return code if system.value == "icd10cm" else f"{code} ({system.label})"


def _md_cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _row(label: str, m: PRF) -> str:
    return f"| {label} | {m.precision:.3f} | {m.recall:.3f} | {m.f1:.3f} | {m.tp} | {m.fp} | {m.fn} |"


def em_line(run: EvalRun) -> str:
    """``E/M level exact 7/9 notes (0.778)``, or a note that no gold has an E/M level."""
    if not run.em.notes:
        return "E/M level exact: no gold E/M level in these notes"
    return f"E/M level exact {run.em.exact}/{run.em.notes} notes ({run.em.rate:.3f})"


def not_code_line(run: EvalRun) -> str:
    """``must-not-code hits 3 in 2 notes``."""
    return f"must-not-code hits {run.must_not_hits} in {run.must_not_notes} notes"


def _not_code_section(run: EvalRun) -> list[str]:
    rows = [(n.note_id, key, why) for n in run.per_note if n.status == "ok" for key, why in n.not_code_hits.items()]
    if not rows:
        return []
    lines = ["", "## Must-not-code hits", "", "Suggested codes the gold lists as codes a coder must not report.", "",
             "| Note | Code | Why it must not be reported |", "|---|---|---|"]
    lines += [f"| {_md_cell(nid)} | {_md_cell(_code(key))} | {_md_cell(why)} |" for nid, key, why in rows[:MAX_NOT_CODE_ROWS]]
    if len(rows) > MAX_NOT_CODE_ROWS:
        lines.append(f"| ... | {len(rows) - MAX_NOT_CODE_ROWS} more | |")
    return lines


def worst_notes(run: EvalRun, limit: int = WORST_NOTES) -> list[NoteEval]:
    """Scored notes with the lowest F1 (most gold codes first on ties)."""
    ok = [n for n in run.per_note if n.status == "ok" and n.score]
    return sorted(ok, key=lambda n: (n.f1, -len(n.gold), n.note_id))[:limit]


def markdown(run: EvalRun) -> str:
    """The full report: summary, per-system figures, error patterns with examples, worst notes."""
    model = f" / {run.model}" if run.model else ""
    lines = [
        f"# medcoder evaluation {run.id or ''}".rstrip(),
        "",
        f"- Engine: {run.engine}{model}; prompt version: {run.prompt_version or 'n/a'}",
        f"- Notes: {run.source or 'n/a'}; gold: {run.gold_source or 'n/a'}; types: {', '.join(run.types)}",
        f"- Scored notes: {run.notes}; failed: {run.failed}; time: {run.seconds:.1f} s; {run.created}",
        f"- Code sets: {', '.join(f'{k} {v}' for k, v in run.codeset_versions.items()) or 'n/a'}",
        "",
        "## Summary",
        "",
        "| Level | Precision | Recall | F1 | TP | FP | FN |",
        "|---|---:|---:|---:|---:|---:|---:|",
        _row("Micro (full code)", run.micro),
        _row("Macro (mean per note)", run.macro),
        _row("Micro (category level)", run.category_micro),
    ]
    for system, m in run.per_system.items():
        lines.append(_row(f"Micro, {system} only", m))
    lines += [
        "",
        f"- {not_code_line(run).capitalize()}; {em_line(run)}.",
        "",
        "Codes count as a set per note (duplicates once). Category level compares ICD-10-CM codes by",
        "their 3-character category (CPT and HCPCS codes stay whole). Only suggestions a coder could",
        "accept are scored; failed notes are excluded from every figure.",
        "",
        "## Error patterns",
        "",
        "| Pattern | Count | Notes | What it means | Examples |",
        "|---|---:|---:|---|---|",
    ]
    for name, summary in sorted(run.error_patterns.items(), key=lambda kv: -kv[1].count):
        examples = "; ".join(
            _md_cell(f"{e.note_id}: " + " vs gold ".join(x for x in (_code(e.predicted), _code(e.gold)) if x)
                     + (f" ({e.detail})" if e.detail else ""))
            for e in summary.examples[:3]
        )
        desc = summary.description or PATTERNS.get(name, "")
        lines.append(f"| {name} | {summary.count} | {summary.notes} | {_md_cell(desc)} | {examples} |")
    lines += ["", f"## Worst notes (lowest F1, up to {WORST_NOTES})", "",
              "| Note | F1 | Gold | Suggested (acceptable) | Errors |", "|---|---:|---|---|---|"]
    for n in worst_notes(run):
        errs: dict[str, int] = {}
        for hit in n.patterns:
            errs[hit.pattern] = errs.get(hit.pattern, 0) + 1
        lines.append(
            f"| {_md_cell(n.note_id)} | {n.f1:.3f} | {_md_cell(', '.join(_code(k) for k in n.gold))} | "
            f"{_md_cell(', '.join(_code(k) for k in n.predicted)) or '(none)'} | "
            f"{_md_cell(', '.join(f'{k} {v}' for k, v in errs.items()))} |"
        )
    lines += _not_code_section(run)
    failed = [n for n in run.per_note if n.status == "failed"]
    if failed:
        lines += ["", "## Failed notes", "", "| Note | Error |", "|---|---|"]
        lines += [f"| {_md_cell(n.note_id)} | {_md_cell(n.error)} |" for n in failed]
    if run.warnings:
        lines += ["", "## Warnings", ""] + [f"- {_md_cell(w)}" for w in run.warnings]
    return "\n".join(lines) + "\n"


def engine_label(engine: str, model: str | None) -> str:
    """What answered a run: "offline", or "ollama / MODEL"; the model only where a model answered."""
    if not engine or engine == "offline" or not model:
        return engine or "?"
    return f"{engine} / {model}"


def configured_engine_label(engine: str, model: str | None) -> str:
    """What a run will use, before it runs: "auto" names both possibilities instead of a model it may not use."""
    if engine == "auto":
        return f"auto (Ollama {model} when reachable, else offline)" if model else "auto"
    return engine_label(engine, model)


def summary_text(run: EvalRun) -> str:
    """A few lines for the terminal after ``medcoder eval``."""
    model = f"/{run.model}" if run.model else ""
    out = [
        f"run {run.id or '(not stored)'}: {run.engine}{model}, {run.notes} notes scored, {run.failed} failed, "
        f"{run.seconds:.1f} s",
        f"  micro     P={run.micro.precision:.3f} R={run.micro.recall:.3f} F1={run.micro.f1:.3f} "
        f"(TP {run.micro.tp}, FP {run.micro.fp}, FN {run.micro.fn})",
        f"  macro     P={run.macro.precision:.3f} R={run.macro.recall:.3f} F1={run.macro.f1:.3f}",
        f"  category  P={run.category_micro.precision:.3f} R={run.category_micro.recall:.3f} "
        f"F1={run.category_micro.f1:.3f}",
    ]
    for system, m in run.per_system.items():
        out.append(f"  {system:<9} P={m.precision:.3f} R={m.recall:.3f} F1={m.f1:.3f}")
    out.append(f"  guideline {not_code_line(run)}; {em_line(run)}")
    top = [(k, v.count) for k, v in sorted(run.error_patterns.items(), key=lambda kv: -kv[1].count) if v.count]
    if top:
        out.append("  errors    " + ", ".join(f"{k} {c}" for k, c in top))
    failed = [n for n in run.per_note if n.status == "failed"]
    for n in failed[:MAX_FAILED_LINES]:
        out.append(f"  FAILED {n.note_id}: {n.error}")
    if len(failed) > MAX_FAILED_LINES:
        out.append(f"  ... and {len(failed) - MAX_FAILED_LINES} more failed notes (see --json or --report)")
    for w in run.warnings:
        out.append(f"  warning: {w}")
    return "\n".join(out)
