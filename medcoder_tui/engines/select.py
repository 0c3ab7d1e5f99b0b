"""Choosing the engine: Ollama, the offline engine, or ``auto`` (Ollama when reachable).

``auto`` never blocks a caller longer than the connect timeout: it probes
Ollama once, falls back to the offline engine with a warning that says why,
and probes again later if it fell back (Ollama may have been started since).
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Sequence
from typing import Any

from medcoder_tui.codes.systems import System
from medcoder_tui.config import Settings
from medcoder_tui.engines.base import Engine
from medcoder_tui.engines.models import DoneEvent, EngineEvent, Setting, SuggestionResult

ENGINE_NAMES = ("auto", "ollama", "offline")
# After falling back to the offline engine, how long before Ollama is probed again.
REPROBE_SECONDS = 30.0


class EngineUnavailable(RuntimeError):
    """An engine that cannot be built here (e.g. its module is missing)."""


def offline_engine(codesets: Any = None) -> Engine:
    """The built-in offline engine."""
    try:
        from medcoder_tui.engines.offline import OfflineEngine
    except ImportError as exc:
        raise EngineUnavailable(f"the offline engine is not available ({exc})") from None
    return OfflineEngine(codesets=codesets)


def _ollama_engine(settings: Settings, *, codesets: Any, model: str | None) -> Engine:
    """The Ollama engine, imported on first use: the offline engine never loads the HTTP client."""
    from medcoder_tui.engines.llm.ollama_engine import OllamaEngine

    return OllamaEngine(settings, codesets=codesets, model=model)


def fallback_warning(reason: str) -> str:
    """The warning shown when ``auto`` falls back (starts with the probe's own message)."""
    return f"{reason}; using the offline engine"


class AutoEngine:
    """Ollama when it is reachable and has the model, else the offline engine.

    ``name`` and ``model`` report the engine last chosen; each result says which
    engine produced it (``result.engine``) and, after a fallback, why.
    """

    def __init__(self, settings: Settings, *, codesets: Any = None, model: str | None = None) -> None:
        self.ollama = _ollama_engine(settings, codesets=codesets, model=model)
        self._codesets = codesets
        self._offline: Engine | None = None
        self._chosen: Engine | None = None
        self._warnings: list[str] = []
        self._chosen_at = 0.0

    @property
    def name(self) -> str:
        return self._chosen.name if self._chosen is not None else "auto"

    @property
    def model(self) -> str | None:
        return self._chosen.model if self._chosen is not None else self.ollama.model

    async def check(self) -> tuple[bool, str]:
        """Probe Ollama (what the status bar shows)."""
        return await self.ollama.check()

    async def choose(self) -> tuple[Engine, list[str]]:
        """The engine to use now, and the warnings that explain the choice."""
        stale = self._chosen is not self.ollama and time.monotonic() - self._chosen_at > REPROBE_SECONDS
        if self._chosen is None or stale:
            ok, message = await self.ollama.check()
            if ok:
                self._chosen, self._warnings = self.ollama, []
            else:
                if self._offline is None:
                    self._offline = offline_engine(self._codesets)
                self._chosen, self._warnings = self._offline, [fallback_warning(message)]
            self._chosen_at = time.monotonic()
        return self._chosen, list(self._warnings)

    async def stream(self, note: str, *, types: set[System], setting: Setting) -> AsyncIterator[EngineEvent]:
        """Stream from the chosen engine; the fallback warning goes into the final result."""
        try:
            engine, warnings = await self.choose()
        except EngineUnavailable as exc:
            yield DoneEvent(result=SuggestionResult(engine="auto", error=f"no engine available: {exc}"))
            return
        async for event in engine.stream(note, types=types, setting=setting):
            if event.kind == "done":
                event.result.warnings[:0] = warnings
            yield event

    async def propose_sequence(self, note: str, codes: Sequence[Any], setting: Setting) -> dict | None:
        """The model's sequence when Ollama is the chosen engine, else None (use the rules)."""
        engine, _ = await self.choose()
        if engine is self.ollama:
            return await self.ollama.propose_sequence(note, codes, setting)
        return None


def make_engine(settings: Settings, name: str | None = None, *, model: str | None = None,
                codesets: Any = None) -> Engine:
    """The engine called ``name`` (default: ``settings.engine``). Never probes.

    Preferences are not applied here: whoever composes the engine (the CLI, the
    TUI's services) wraps it with ``medcoder_tui.preferences.maybe_wrap``.
    """
    name = (name or settings.engine or "auto").lower()
    if name == "ollama":
        return _ollama_engine(settings, codesets=codesets, model=model)
    if name == "offline":
        return offline_engine(codesets)
    if name == "auto":
        return AutoEngine(settings, codesets=codesets, model=model)
    raise ValueError(f"unknown engine {name!r}; use one of {', '.join(ENGINE_NAMES)}")


async def resolve_engine(settings: Settings, name: str | None = None, *, model: str | None = None,
                         codesets: Any = None) -> tuple[Engine, list[str]]:
    """A concrete engine (``auto`` probed and resolved) and the warnings that explain the choice."""
    engine = make_engine(settings, name, model=model, codesets=codesets)
    if isinstance(engine, AutoEngine):
        return await engine.choose()
    return engine, []
