"""Pure helpers for the review screen: row status, progress text, evidence spans.

Kept free of Textual so they can be unit-tested directly.
"""

from __future__ import annotations

from typing import Any

from medcoder_tui.engines.models import Suggestion


def suggestion_status(s: Suggestion, case: Any) -> str:
    """accepted | rejected | edited | pending | blocked, from the stored case."""
    if case is not None:
        for fc in case.final_codes:
            if fc.suggestion_key == s.key and getattr(fc, "source", "") == "edited":
                return "edited"
        decision = case.decisions.get(s.key)
        if decision in ("accepted", "rejected"):
            return decision
    return "pending" if s.acceptable else "blocked"


def edited_final(s: Suggestion, case: Any) -> Any | None:
    """The coder's replacement FinalCode for this suggestion, if any."""
    for fc in getattr(case, "final_codes", []):
        if fc.suggestion_key == s.key and getattr(fc, "source", "") == "edited":
            return fc
    return None


def manual_codes(case: Any) -> list[Any]:
    """Final codes the coder added by hand (not tied to a suggestion)."""
    return [fc for fc in getattr(case, "final_codes", []) if getattr(fc, "source", "") == "manual"]


def manual_key(fc: Any) -> str:
    return f"manual:{fc.system.value}:{fc.code}"


def changed_keys(before: Any, after: Any) -> list[str]:
    """Table row keys whose decision or final code differs between two states of a case."""
    keys = {k for k in set(before.decisions) | set(after.decisions)
            if before.decisions.get(k) != after.decisions.get(k)}

    def finals(case: Any) -> dict[str, Any]:
        return {(fc.suggestion_key or manual_key(fc)): fc for fc in case.final_codes}

    old, new = finals(before), finals(after)
    keys |= {k for k in set(old) | set(new) if old.get(k) != new.get(k)}
    return sorted(keys)


def progress_text(suggestions: list[Suggestion], case: Any) -> str:
    """``3✓ 1✗ 2 pending 1 to fix · 5 final`` for the status bar."""
    counts = {"accepted": 0, "rejected": 0, "edited": 0, "pending": 0, "blocked": 0}
    for s in suggestions:
        counts[suggestion_status(s, case)] += 1
    parts = [f"{counts['accepted'] + counts['edited']}✓", f"{counts['rejected']}✗",
             f"{counts['pending']} pending"]
    if counts["blocked"]:
        parts.append(f"{counts['blocked']} to fix")
    finals = len(getattr(case, "final_codes", []))
    status = getattr(getattr(case, "status", None), "value", "in_progress").replace("_", " ")
    return " ".join(parts) + f" · {finals} final · {status}"


def evidence_spans(s: Suggestion) -> list[tuple[int, int]]:
    """Located evidence of a suggestion as (start, end) offsets."""
    return [(e.start, e.end) for e in s.evidence if e.located]


def detail_text(s: Suggestion, edited: Any | None = None) -> str:
    """One or two lines about the selected suggestion: why, where, what is wrong.

    After an edit the line leads with the coder's code; the engine's flags,
    messages and confidence were about the code it replaced.
    """
    if edited is not None:
        bits = [f"{edited.code} {edited.description}".strip(), f"edited by the coder from {s.code}"]
        if s.evidence:
            bits.append("evidence: " + "; ".join(f'"{e.text}"' for e in s.evidence[:3]))
        return " · ".join(bits)
    bits = [f"{s.code} {s.description or s.model_description}".strip()]
    if s.evidence:
        bits.append("evidence: " + "; ".join(f'"{e.text}"' + ("" if e.located else " (not found)")
                                             for e in s.evidence[:3]))
    if s.flags:
        bits.append("flags: " + ", ".join(f.value for f in s.flags))
    if s.messages:
        bits.append(" ".join(s.messages))
    if s.alternatives:
        bits.append("alternatives: " + ", ".join(a.code for a in s.alternatives[:5]))
    if s.reasoning:
        bits.append(f"why: {s.reasoning}")
    return " · ".join(bits)


def context_spans(text: str) -> list[tuple[str, int, int]]:
    """The note's negated/uncertain/history/family... scopes, for marking them on screen."""
    try:
        from medcoder_tui.engines.analysis.clinical_text import analyze
    except ImportError:
        return []
    try:
        return [(s.kind, s.start, s.end) for s in analyze(text).spans]
    except Exception:  # marking is a help, never a reason to fail opening a note
        return []
