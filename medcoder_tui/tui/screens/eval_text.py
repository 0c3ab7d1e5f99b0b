"""The text the evaluation screen shows: a note's drill-down rows, the error-pattern line that
fits the screen's width, the code-types label and a bake-off run's extra figures."""

from __future__ import annotations

from medcoder_tui.codes.systems import System
from medcoder_tui.evaluation.metrics import split_key
from medcoder_tui.evaluation.models import EvalRun, NoteEval


def _code(key: str) -> str:
    if not key:
        return ""
    system, code = split_key(key)
    return code if system is System.ICD10CM else f"{code} {system.label}"


# Patterns whose detail only repeats the two codes already shown side by side.
_SELF_EXPLAINED = {"wrong_specificity", "wrong_7th_character", "wrong_principal", "wrong_system"}


def _label(pattern: str, detail: str) -> str:
    return pattern if pattern in _SELF_EXPLAINED or not detail else f"{pattern}: {detail}"


def drilldown_rows(note: NoteEval) -> list[tuple[str, str, str]]:
    """Gold against suggested, side by side: (gold, suggested, class) rows for one note."""
    rows: list[tuple[str, str, str]] = []
    for hit in note.patterns:
        if hit.gold and hit.predicted:
            rows.append((_code(hit.gold), _code(hit.predicted), _label(hit.pattern, hit.detail)))
    for key in note.gold:
        if key in note.predicted:
            rows.append((_code(key), _code(key), "match"))
    for hit in note.patterns:
        if hit.gold and not hit.predicted:
            rows.append((_code(hit.gold), "", _label(hit.pattern, hit.detail)))
        elif hit.predicted and not hit.gold:
            rows.append(("", _code(hit.predicted), _label(hit.pattern, hit.detail)))
    if note.status == "failed":
        rows += [("", _code(k), "suggested before the failure (not scored)") for k in note.predicted]
    return rows


def errors_line(patterns: list[str], width: int) -> str:
    """``errors: spurious 37, missed 24, … +5 more (m: report)`` in at most ``width`` cells."""
    if not patterns:
        return "errors: none"
    line = "errors: " + ", ".join(patterns)
    if len(line) <= width:
        return line
    for n in range(len(patterns) - 1, 0, -1):
        line = f"errors: {', '.join(patterns[:n])} … +{len(patterns) - n} more (m: report)"
        if len(line) <= width:
            return line
    return f"errors: {patterns[0]} … +{len(patterns) - 1} more"


def _types_label(types: list[str]) -> str:
    return "all" if set(types) == {s.value for s in System} else ",".join(types)


def _bakeoff_line(run: EvalRun) -> str:
    """The bake-off figures of a run that was part of one (empty otherwise)."""
    if not run.bakeoff:
        return ""
    must = f"must-not-code {run.must_not_hits}" if run.not_codes_listed else "must-not-code -"
    em = f"E/M exact {run.em.rate:.0%}" if run.em.notes else "E/M exact -"
    tps = f"{run.tokens_per_second:.1f} tokens/s" if run.tokens_per_second else "tokens/s -"
    return f"\n{run.bakeoff} · {must} · {em} · {run.seconds_per_note:.2f} s/note · {tps}"
