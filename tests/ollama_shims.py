"""Stand-ins for the grounding and offline modules, for tests written before those modules existed.

``install()`` / ``install_offline()`` register them only when importing the
real modules fails, so with the real modules present they do nothing and
tests exercise the real code. Kept because other test modules import them.
"""

from __future__ import annotations

import importlib
import sys
import types as _types

from medcoder_tui.codes.systems import System, guess_system
from medcoder_tui.engines.models import Evidence, Flag, RawSuggestion, Suggestion


class ShimGrounder:
    """Validates the code and finds the quoted words verbatim: the minimum a grounder must do."""

    def __init__(self, note, *, codesets=None, setting="outpatient", types=None):
        from medcoder_tui.codes.service import get_codesets

        self.note, self.cs, self.setting = note, codesets or get_codesets(), setting

    def ground(self, raw: RawSuggestion) -> Suggestion:
        v = self.cs.validate(raw.code, raw.system)
        system = v.system or raw.system or guess_system(raw.code) or System.ICD10CM
        flags = [] if v.valid else [Flag.INVALID]
        if v.valid and not v.billable:
            flags.append(Flag.NOT_BILLABLE)
        evidence = []
        for text in raw.evidence:
            at = self.note.lower().find(text.lower())
            evidence.append(Evidence(text=text, start=at, end=at + len(text) if at >= 0 else -1))
        if not any(e.located for e in evidence):
            flags.append(Flag.NO_EVIDENCE)
        return Suggestion(code=v.normalized, system=system, description=v.description or raw.description,
                          confidence=raw.confidence, reasoning=raw.reasoning, evidence=evidence,
                          valid=v.valid, billable=v.billable, flags=flags, original_code=raw.code,
                          model_description=raw.description)

    def finish(self, suggestions):
        seen, out = set(), []
        for s in suggestions:
            if s.key not in seen:
                seen.add(s.key)
                out.append(s)
        return out


def install() -> None:
    """Register the shims for modules that are not importable yet."""
    try:
        importlib.import_module("medcoder_tui.engines.grounding")
    except ImportError:
        module = _types.ModuleType("medcoder_tui.engines.grounding")
        module.Grounder = ShimGrounder
        sys.modules["medcoder_tui.engines.grounding"] = module


class ShimOfflineEngine:
    """Answers with no codes at all: enough to prove which engine ``auto`` picked."""

    name = "offline"
    model = None

    def __init__(self, codesets=None):
        self.codesets = codesets

    async def stream(self, note, *, types, setting):
        from medcoder_tui.engines.models import DoneEvent, SuggestionResult

        yield DoneEvent(result=SuggestionResult(engine="offline", prompt_version="offline-shim"))


def install_offline() -> None:
    """Register the offline shim when the real offline engine is not importable yet."""
    try:
        importlib.import_module("medcoder_tui.engines.offline")
    except ImportError:
        module = _types.ModuleType("medcoder_tui.engines.offline")
        module.OfflineEngine = ShimOfflineEngine
        sys.modules["medcoder_tui.engines.offline"] = module
