"""``PreferenceEngine``: any engine, with the organization's preferences applied to what it streams.

It implements the Engine protocol (``engines/base.py``) by streaming the inner
engine's events: each suggestion is re-scored as it arrives (a hidden one is
not passed on), and the final result is re-ranked, with a warning for every
suggestion a preference took off the list. An Ollama engine inside (directly,
or inside ``auto``) also gets the preference block -- learned preferences and
the most similar completed cases -- in its prompt.

Preferences come from a ``source`` callable, asked again at most every
``refresh_seconds`` so decisions made during a session are learned without a
restart.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any

from medcoder_tui.codes.systems import System
from medcoder_tui.engines.models import DoneEvent, EngineEvent, Setting, SuggestionEvent
from medcoder_tui.preferences.apply import Hidden, apply_detailed, apply_one
from medcoder_tui.preferences.models import Preferences
from medcoder_tui.preferences.prompt import DEFAULT_TOKEN_BUDGET, prompt_block
from medcoder_tui.store.reports import engine_label

log = logging.getLogger("medcoder.preferences")
PROMPT_SUFFIX = "+prefs"
REFRESH_SECONDS = 60.0


class PreferenceEngine:
    """Wraps ``inner`` (any Engine) and applies ``prefs`` (a Preferences, or a callable giving one)."""

    def __init__(self, inner: Any, prefs: Preferences | Callable[[], Preferences], *, codesets: Any = None,
                 token_budget: int = DEFAULT_TOKEN_BUDGET, refresh_seconds: float = REFRESH_SECONDS) -> None:
        self.inner = inner
        self._source = prefs if callable(prefs) else None
        self._prefs = prefs if isinstance(prefs, Preferences) else None
        self._loaded_at = time.monotonic() if self._prefs is not None else 0.0
        self._lock = threading.Lock()
        self._codesets = codesets
        self.token_budget = token_budget
        self.refresh_seconds = refresh_seconds
        self.last_error: str | None = None
        for ollama in self._ollama_engines():
            ollama.extra_context = self.prompt_context

    # -- the protocol's attributes come from the inner engine ----------------------------------
    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def model(self) -> str | None:
        return self.inner.model

    def __getattr__(self, attr: str) -> Any:
        # check(), choose(), propose_sequence(), ollama ... : whatever else the inner engine offers
        if attr == "inner":
            raise AttributeError(attr)
        return getattr(self.inner, attr)

    def _ollama_engines(self) -> list[Any]:
        from medcoder_tui.engines.llm.ollama_engine import OllamaEngine

        found = [e for e in (self.inner, getattr(self.inner, "ollama", None)) if isinstance(e, OllamaEngine)]
        return found

    # -- preferences -------------------------------------------------------------------------
    def preferences(self) -> Preferences:
        """The current preferences (reloaded from the source when stale; kept if reloading fails)."""
        with self._lock:
            stale = time.monotonic() - self._loaded_at > self.refresh_seconds
            if self._source is not None and (self._prefs is None or stale):
                try:
                    self._prefs = self._source()
                    self.last_error = None
                except Exception as exc:  # preferences must never stop coding
                    self.last_error = f"preferences could not be loaded: {exc}"
                    log.warning("%s", self.last_error)
                    if self._prefs is None:
                        self._prefs = Preferences()
                self._loaded_at = time.monotonic()
            assert self._prefs is not None
            return self._prefs

    def prompt_context(self, note: str, setting: str) -> str:
        """The preference block for the Ollama prompt ("" on any failure: the model codes without it)."""
        try:
            engine = engine_label("ollama", self.inner.model)
            return prompt_block(note, self.preferences(), token_budget=self.token_budget,
                                engine=engine, setting=setting)
        except Exception as exc:
            log.warning("preference block skipped: %s", exc)
            return ""

    def _cs(self) -> Any:
        if self._codesets is None:
            from medcoder_tui.codes.service import get_codesets

            self._codesets = get_codesets()
        return self._codesets

    # -- streaming ---------------------------------------------------------------------------
    async def stream(self, note: str, *, types: set[System], setting: Setting) -> AsyncIterator[EngineEvent]:
        """The inner engine's events with preferences applied (see the module docs)."""
        prefs = await asyncio.to_thread(self.preferences)
        if prefs.empty and not prefs.warnings:
            async for event in self.inner.stream(note, types=types, setting=setting):
                yield event
            return
        cs = await asyncio.to_thread(self._cs)
        async for event in self.inner.stream(note, types=types, setting=setting):
            label = engine_label(self.inner.name, self.inner.model)
            if isinstance(event, SuggestionEvent):
                try:
                    out = apply_one(event.suggestion, engine=label, setting=setting, prefs=prefs, cs=cs)
                except Exception as exc:  # a preference bug must not lose the engine's suggestion
                    log.warning("preference skipped for %s: %s", event.suggestion.code, exc)
                    out = event.suggestion
                if not isinstance(out, Hidden):
                    yield SuggestionEvent(suggestion=out)
                continue
            if isinstance(event, DoneEvent):
                event = DoneEvent(result=self._finish(event, note, types, setting, prefs, cs))
            yield event

    def _finish(self, event: DoneEvent, note: str, types: set[System], setting: str, prefs: Preferences,
                cs: Any):
        result = event.result.model_copy(deep=True)
        label = engine_label(result.engine, result.model)
        try:
            applied = apply_detailed(result.suggestions, engine=label, setting=setting, prefs=prefs, codesets=cs)
        except Exception as exc:
            result.warnings.append(f"preferences were not applied ({type(exc).__name__}: {exc})")
            return result
        suggestions = applied.suggestions
        if applied.swapped:
            suggestions = _recheck(suggestions, note, types, setting, cs)
        result.suggestions = suggestions
        for hidden in applied.hidden:
            result.warnings.append(f"{hidden.code} not suggested: {hidden.reason}")
        if not prefs.empty and result.prompt_version and not result.prompt_version.endswith(PROMPT_SUFFIX):
            result.prompt_version += PROMPT_SUFFIX
        result.warnings.extend(w for w in [*prefs.warnings, self.last_error or ""] if w)
        return result


def _recheck(suggestions: Sequence[Any], note: str, types: set[System], setting: str, cs: Any) -> list[Any]:
    """Excludes1 checks again after codes changed (the grounder's cross-checks over the new list)."""
    from medcoder_tui.engines.checks.grounding import Grounder

    try:
        return Grounder(note, codesets=cs, setting=setting, types=types).finish(list(suggestions))
    except Exception:  # the list stays usable without the cross-check
        return list(suggestions)
