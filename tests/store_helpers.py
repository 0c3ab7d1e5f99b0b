"""Shared builders for the store tests (real records, no mocks)."""

from __future__ import annotations

from medcoder_tui.codes.systems import System
from medcoder_tui.engines.models import Evidence, Flag, Suggestion, SuggestionResult

NOTE = "Type 2 diabetes mellitus without complications. Essential hypertension. Office visit.\n"


def suggestion(code: str, system: System = System.ICD10CM, *, ok: bool = True,
               flags: list[Flag] | None = None, description: str = "") -> Suggestion:
    """A grounded suggestion; ``ok=False`` makes it a non-billable header."""
    return Suggestion(
        code=code, system=system, description=description or f"desc {code}", confidence=0.8,
        reasoning="stated in the note", evidence=[Evidence(text="diabetes", start=8, end=16)],
        valid=True, billable=ok, flags=list(flags or ([] if ok else [Flag.NOT_BILLABLE])),
        original_code=code,
    )


def result(*codes: str | Suggestion, engine: str = "offline", model: str | None = None) -> SuggestionResult:
    """An engine run holding the given suggestions (codes become ICD-10-CM suggestions)."""
    items = [c if isinstance(c, Suggestion) else suggestion(c) for c in codes]
    return SuggestionResult(engine=engine, model=model, prompt_version="p1", suggestions=items)


def many_keys(prefix: str, n: int) -> list[Suggestion]:
    """``n`` distinct acceptable suggestions (HCPCS-shaped codes, no code set needed)."""
    letter = {"a": "A", "b": "E"}.get(prefix, "G")
    return [suggestion(f"{letter}{i:04d}", System.HCPCS) for i in range(n)]
