"""Test helpers for the TUI: a scripted engine, suggestion builders, a frozen clock."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from medcoder_tui.codes.systems import System
from medcoder_tui.engines.models import (
    DoneEvent, Evidence, Flag, Suggestion, SuggestionEvent, SuggestionResult, TokenEvent,
)

NOTE = (
    "CC: cough and fever for 3 days.\n"
    "HPI: 58 y/o M with type 2 diabetes mellitus and essential hypertension presents with productive "
    "cough. Denies chest pain. Possible pneumonia; chest x-ray pending.\n"
    "PMH: history of appendectomy.\n"
    "Assessment: 1. Acute bronchitis. 2. Type 2 diabetes mellitus without complications. "
    "3. Essential hypertension.\n"
)


def frozen_clock() -> float:
    """Elapsed time never moves in snapshots."""
    return 100.0


def suggestion(code: str, system: System, description: str, evidence: str = "", *, note: str = NOTE,
               confidence: float = 0.9, valid: bool = True, billable: bool = True,
               flags: list[Flag] | None = None) -> Suggestion:
    """A grounded-looking suggestion whose evidence offsets slice ``note``."""
    ev = []
    if evidence:
        start = note.find(evidence)
        ev.append(Evidence(text=evidence, start=start, end=start + len(evidence) if start >= 0 else -1))
    return Suggestion(code=code, system=system, description=description, confidence=confidence,
                      evidence=ev, valid=valid, billable=billable, flags=flags or [],
                      reasoning="stated in the assessment", original_code=code)


def standard_suggestions() -> list[Suggestion]:
    return [
        suggestion("J20.9", System.ICD10CM, "Acute bronchitis, unspecified", "Acute bronchitis"),
        suggestion("E11.9", System.ICD10CM, "Type 2 diabetes mellitus without complications",
                   "Type 2 diabetes mellitus without complications"),
        suggestion("I10", System.ICD10CM, "Essential (primary) hypertension", "Essential hypertension",
                   confidence=0.7),
        suggestion("E11", System.ICD10CM, "Type 2 diabetes mellitus", "type 2 diabetes mellitus",
                   confidence=0.5, billable=False, flags=[Flag.NOT_BILLABLE]),
        suggestion("99213", System.CPT, "Office visit, established patient, low complexity decision-making",
                   "presents with productive cough", confidence=0.7),
    ]


class ScriptedEngine:
    """An Engine that replays tokens and suggestions; ``hold`` pauses it mid-stream until released."""

    def __init__(self, suggestions: list[Suggestion] | None = None, *, tokens: list[str] | None = None,
                 hold_after: int | None = None, error: str | None = None, name: str = "ollama",
                 model: str | None = "llama3.1:8b", delay: float = 0.0,
                 warnings: list[str] | None = None) -> None:
        self.name, self.model = name, model
        self.suggestions = standard_suggestions() if suggestions is None else suggestions
        self.tokens = tokens if tokens is not None else ['{"codes": [', '{"code": "J20.9"}', ", ..."]
        self.hold_after = hold_after
        self.error = error
        self.delay = delay
        self.warnings = warnings or []
        self.release = asyncio.Event()
        self.runs = 0

    async def stream(self, note: str, *, types: set[System], setting: str) -> AsyncIterator:
        self.runs += 1
        for t in self.tokens:
            yield TokenEvent(text=t)
        done: list[Suggestion] = []
        for i, s in enumerate(s for s in self.suggestions if s.system in types):
            if self.hold_after is not None and i == self.hold_after:
                await self.release.wait()
            if self.delay:
                await asyncio.sleep(self.delay)
            done.append(s)
            yield SuggestionEvent(suggestion=s)
        yield DoneEvent(result=SuggestionResult(engine=self.name, model=self.model, prompt_version="test-1",
                                                suggestions=done, error=self.error, warnings=self.warnings))


async def until(pilot, condition, timeout: float = 10.0) -> None:
    """Let the app run until ``condition()`` holds, or fail the test after ``timeout`` seconds."""
    for _ in range(int(timeout / 0.02)):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError("condition not reached")
