"""Suggest, propose an order, check it: what ``medcoder sequence`` and the TUI's sequencing view run."""

from __future__ import annotations

import inspect
from collections.abc import Sequence

from pydantic import BaseModel

from medcoder_tui.codes.systems import System
from medcoder_tui.engines.models import Flag, Suggestion, SuggestionResult
from medcoder_tui.sequencing.checker import _codesets, check_sequence, normalize_setting
from medcoder_tui.sequencing.models import SequenceResult
from medcoder_tui.sequencing.propose import order_from_model, propose_sequence

# Suggestions about someone else's condition, or one the note denies, never enter the sequence.
_LEAVE_OUT = frozenset({Flag.NEGATED, Flag.FAMILY_HISTORY})


class SequenceOutcome(BaseModel):
    """A sequenced case and the engine run it came from."""

    result: SequenceResult
    suggestions: SuggestionResult
    used: list[str]                # codes taken from the suggestions, in final order
    left_out: list[str]            # suggested codes not sequenced (blocked, held by a guideline, unsupported,
                                   # negated, family history)


def usable(suggestions: Sequence[Suggestion]) -> list[Suggestion]:
    """The suggestions fit to sequence: what a coder reports by default (valid, billable, unblocked, not
    advised against by a guideline, supported by the note's words) and about the patient."""
    return [s for s in suggestions if s.reportable and not (set(s.flags) & _LEAVE_OUT)
            and not (s.system is not System.ICD10CM and Flag.HISTORY in s.flags)]   # a past procedure


def uncertain_codes(suggestions: Sequence[Suggestion]) -> set[str]:
    """Diagnoses grounding found only in uncertain context (probable, suspected, rule out)."""
    return {s.code for s in suggestions if Flag.UNCERTAIN in s.flags and s.system is System.ICD10CM}


def check_suggestions(ordered: Sequence[Suggestion], note: str | None = None, *, setting: str = "outpatient",
                      codesets=None, source: str = "coder") -> SequenceResult:
    """Check suggestions in the order the coder arranged them (what the sequencing view re-runs on each move)."""
    return check_sequence([(s.code, s.system) for s in ordered], setting=setting, note=note,
                          uncertain_codes=uncertain_codes(ordered), codesets=codesets, source=source)


async def sequence_suggestions(
    suggestions: Sequence[Suggestion],
    note: str,
    *,
    setting: str = "outpatient",
    engine=None,
    codesets=None,
    drg: bool = False,
) -> SequenceResult:
    """Order accepted suggestions (the model proposes when ``engine`` can, else the rules) and check them."""
    cs = _codesets(codesets)
    setting = normalize_setting(setting)
    offline = propose_sequence(suggestions, note, setting=setting, codesets=cs)
    order, source = offline, "rules"
    if engine is not None and hasattr(engine, "propose_sequence") and suggestions:
        try:
            reply = engine.propose_sequence(note, list(suggestions), setting)
            if inspect.isawaitable(reply):
                reply = await reply
        except Exception:  # noqa: BLE001 - a failed proposal falls back to the rules, never fails the case
            reply = None
        model_order = order_from_model(reply if isinstance(reply, dict) else None, offline, offline)
        if model_order:
            order, source = model_order, "model"
    systems = {s.code: s.system for s in suggestions}
    return check_sequence([(c, systems.get(c)) for c in order], setting=setting, note=note,
                          uncertain_codes=uncertain_codes(suggestions), codesets=cs, source=source, drg=drg)


async def sequence_note(note: str, engine, *, setting: str = "outpatient", types: set[System] | None = None,
                        codesets=None, drg: bool = False) -> SequenceOutcome:
    """Run ``engine`` over the note, keep the usable suggestions, propose an order and check it."""
    setting = normalize_setting(setting)
    types = types or set(System)
    run = None
    async for event in engine.stream(note, types=types, setting=setting):
        if event.kind == "done":
            run = event.result
    if run is None:
        run = SuggestionResult(engine=getattr(engine, "name", "?"), error="the engine ended without a result")
    chosen = usable(run.suggestions)
    result = await sequence_suggestions(chosen, note, setting=setting, engine=engine, codesets=codesets, drg=drg)
    used = set(result.codes)
    return SequenceOutcome(result=result, suggestions=run, used=result.codes,
                           left_out=[s.code for s in run.suggestions if s.code not in used])


def propose_final_order(final_codes: Sequence, suggestions: Sequence[Suggestion], note: str, *,
                        setting: str = "outpatient", codesets=None) -> list[str]:
    """The rules' order for a case's final codes, as ``system:code`` keys; every final code stays.

    A code accepted as suggested is ranked with its suggestion (evidence, flags); an edited code
    with its suggestion's evidence under the coder's code; a code added by hand without evidence.
    """
    by_key = {s.key: s for s in suggestions}
    items: list[Suggestion] = []
    for fc in final_codes:
        origin = by_key.get(fc.suggestion_key or "") or by_key.get(fc.key)
        if origin is None:
            items.append(Suggestion(code=fc.code, system=fc.system, description=fc.description,
                                    valid=True, billable=True))
        elif origin.code != fc.code or origin.system is not fc.system:
            items.append(origin.model_copy(update={"code": fc.code, "system": fc.system,
                                                   "description": fc.description}))
        else:
            items.append(origin)
    order = propose_sequence(items, note, setting=normalize_setting(setting), codesets=codesets)
    systems = {s.code: s.system for s in items}
    keys = [f"{systems[c].value}:{c}" for c in order if c in systems]
    return keys + [fc.key for fc in final_codes if fc.key not in keys]
