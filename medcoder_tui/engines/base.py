"""The engine protocol shared by the Ollama and offline engines."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Protocol

from medcoder_tui.codes.systems import System
from medcoder_tui.engines.models import EngineEvent, Setting, SuggestionResult


class Engine(Protocol):
    """Streams grounded suggestions for a note.

    ``stream`` yields ``TokenEvent`` (raw model text, if any), one
    ``SuggestionEvent`` per grounded suggestion as soon as it is complete, and
    exactly one final ``DoneEvent`` whose result holds every suggestion and any
    error. Errors never escape as exceptions once streaming has begun; they end
    up in ``result.error`` with the suggestions completed before them.
    Cancelling the consuming task cancels the request.
    """

    name: str
    model: str | None

    def stream(self, note: str, *, types: set[System], setting: Setting) -> AsyncIterator[EngineEvent]: ...


async def run_engine(engine: Engine, note: str, *, types: set[System], setting: Setting) -> SuggestionResult:
    """Drain an engine's stream and return its final result."""
    result: SuggestionResult | None = None
    async for event in engine.stream(note, types=types, setting=setting):
        if event.kind == "done":
            result = event.result
    assert result is not None, "engine stream ended without a DoneEvent"
    return result
