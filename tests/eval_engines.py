"""A scripted engine for evaluation tests: a real Engine whose answers are fixed per note.

It implements the Engine protocol (stream of events ending in one DoneEvent), so
the runner drives it exactly as it drives the Ollama and offline engines.
"""

from __future__ import annotations

import asyncio

from medcoder_tui.codes.systems import System
from medcoder_tui.engines.models import DoneEvent, Flag, Suggestion, SuggestionEvent, SuggestionResult


def sugg(code: str, system: str = "icd10cm", *, valid: bool = True, billable: bool = True,
         flags: tuple[Flag, ...] = ()) -> Suggestion:
    """A grounded suggestion as an engine would emit it."""
    return Suggestion(code=code, system=System(system), description="", valid=valid, billable=billable,
                      flags=list(flags), original_code=code)


class ScriptedEngine:
    """Answers each note (matched by a word it contains) with fixed suggestions.

    An entry that is an exception is raised mid-stream; a string ends the
    stream with that error after the first suggestion, as a broken model
    stream does.
    """

    name = "scripted"
    model = "script-1"
    prompt_version = "test-1"

    def __init__(self, script: dict[str, object], delay: float = 0.0) -> None:
        self.script = script
        self.delay = delay
        self.active = 0
        self.max_active = 0
        self.settings_seen: list[str] = []

    async def stream(self, note: str, *, types: set[System], setting: str):
        self.active += 1
        self.max_active = max(self.max_active, self.active)
        self.settings_seen.append(setting)
        try:
            await asyncio.sleep(self.delay)
            answer = next((v for k, v in self.script.items() if k in note), [])
            if isinstance(answer, Exception):
                raise answer
            error = None
            if isinstance(answer, tuple):  # (suggestions, error)
                answer, error = answer
            for s in answer:
                yield SuggestionEvent(suggestion=s)
            yield DoneEvent(result=SuggestionResult(engine=self.name, model=self.model,
                                                    prompt_version=self.prompt_version,
                                                    suggestions=list(answer), error=error))
        finally:
            self.active -= 1
