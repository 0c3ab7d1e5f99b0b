"""Run an engine over gold notes, concurrently, and score every note.

A note that fails (unreadable, engine error, broken stream) is recorded as
``failed`` with its error and any suggestions completed before it, and the run
goes on. Failed notes are counted in ``EvalRun.failed`` and excluded from every
figure, so a figure always describes notes the engine actually finished.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable

from medcoder_tui.codes.systems import System
from medcoder_tui.engines.base import Engine
from medcoder_tui.engines.models import SuggestionResult
from medcoder_tui.evaluation import metrics, patterns
from medcoder_tui.evaluation.models import EvalRun, GoldCase, GoldSet, NoteEval, RejectedSuggestion
from medcoder_tui.notes import NoteError, load_note

Progress = Callable[[int, int, NoteEval], None]
SYSTEM_ORDER = (System.ICD10CM, System.CPT, System.HCPCS)


def score_note(
    case: GoldCase,
    result: SuggestionResult | None,
    types: Iterable[System],
    *,
    error: str = "",
    seconds: float = 0.0,
    first_listed: str | None = None,
) -> NoteEval:
    """One note's result: acceptable suggestions scored against gold, errors classified.

    Only suggestions a coder could accept are predictions; the others feed the
    ``invalid_code``/``non_billable`` patterns. Both sides are restricted to ``types``.
    ``first_listed``: the diagnosis the proposed sequence puts first (what ``O`` proposes), judged
    against the gold principal; without it, the engine's first diagnosis.
    """
    wanted = set(types)
    gold = [k for k in case.codes if split_system(k) in wanted]
    predicted: list[str] = []
    flagged: dict[str, list[str]] = {}
    rejected: list[RejectedSuggestion] = []
    for s in result.suggestions if result else []:
        if s.system not in wanted:
            continue
        key = metrics.code_key(s.system, s.code)
        flags = [f.value for f in s.flags]
        if s.reportable:
            if key not in predicted:
                predicted.append(key)
            if flags:
                flagged[key] = sorted(set(flagged.get(key, [])) | set(flags))
        elif key not in {r.key for r in rejected}:
            if not s.valid and "invalid" not in flags:
                flags.append("invalid")
            rejected.append(RejectedSuggestion(
                key=key, original_code=s.original_code or s.code, flags=flags,
                message="; ".join(s.messages[:2]),
            ))
    failed = bool(error or (result is not None and result.error))
    not_codes = {k: why for k, why in case.not_codes.items() if split_system(k) in wanted}
    note = NoteEval(
        note_id=case.note_id, path=str(case.note_path or ""), gold=gold, gold_ordered=case.ordered,
        predicted=predicted, flagged=flagged, rejected=rejected, seconds=round(seconds, 3),
        not_code_hits=metrics.must_not_hits(predicted, not_codes),
        em_gold=metrics.em_levels(gold), em_predicted=metrics.em_levels(predicted),
    )
    if failed:
        note.status = "failed"
        note.error = error or (result.error if result else "") or "failed"
        return note
    note.score = metrics.score(predicted, gold)
    note.category = metrics.prf(metrics.category_counts(predicted, gold))
    note.patterns = patterns.classify(gold, predicted, ordered=case.ordered, flags=flagged, rejected=rejected,
                                      first_listed=first_listed)
    return note


def _first_listed(result: SuggestionResult, text: str, setting: str) -> str | None:
    """The comparison key of the diagnosis the proposed sequence lists first, or None."""
    from medcoder_tui.sequencing.propose import propose_sequence

    dx = [s for s in result.suggestions if s.reportable and s.system is System.ICD10CM]
    if not dx:
        return None
    try:
        order = propose_sequence(dx, text, setting=setting)
    except Exception:  # noqa: BLE001 - sequencing is advice; the engine's order stands in
        return None
    return metrics.code_key(System.ICD10CM, order[0]) if order else None


def split_system(key: str) -> System:
    """The system of a comparison key."""
    return metrics.split_key(key)[0]


def aggregate(run: EvalRun, types: Iterable[System]) -> EvalRun:
    """Fill a run's figures from its per-note results (failed notes excluded)."""
    ok = [n for n in run.per_note if n.status == "ok"]
    run.notes = len(ok)
    run.failed = sum(1 for n in run.per_note if n.status == "failed")
    run.micro = metrics.micro(metrics.counts(n.predicted, n.gold) for n in ok)
    run.macro = metrics.macro(n.score for n in ok if n.score)
    run.category_micro = metrics.micro(metrics.category_counts(n.predicted, n.gold) for n in ok)
    run.per_system = metrics.per_system(((set(n.predicted), set(n.gold)) for n in ok), types)
    run.must_not_hits = sum(len(n.not_code_hits) for n in ok)
    run.must_not_notes = sum(1 for n in ok if n.not_code_hits)
    run.em = metrics.em_rate((n.predicted, n.gold) for n in ok)
    run.error_patterns = patterns.summarize(ok)
    return run


async def run_evaluation(
    gold: GoldSet,
    engine: Engine,
    *,
    types: Iterable[System],
    setting: str = "outpatient",
    force_setting: bool = False,
    concurrency: int = 4,
    progress: Progress | None = None,
) -> EvalRun:
    """Run ``engine`` over every gold case, at most ``concurrency`` notes at a time.

    Each case is coded in its own setting (from its sidecar) unless
    ``force_setting``; ``progress(done, total, note)`` is called after every note.
    """
    types = [s for s in SYSTEM_ORDER if s in set(types)]
    sem = asyncio.Semaphore(max(1, int(concurrency)))
    total = len(gold.cases)
    done = 0
    versions: list[tuple[str, str | None, str]] = []   # (engine, model, prompt version) per finished note
    started = time.perf_counter()

    async def one(case: GoldCase) -> NoteEval:
        nonlocal done
        async with sem:
            t0 = time.perf_counter()
            result, error, tokens, text, note_setting = None, "", 0, "", setting
            try:
                text = case.text if case.text else load_note(case.note_path) if case.note_path else ""
                if not text.strip():
                    raise NoteError(f"{case.note_id}: no note text")
                note_setting = setting if force_setting or not case.setting else case.setting
                async for event in engine.stream(text, types=set(types), setting=note_setting):
                    if event.kind == "token":
                        tokens += 1
                    elif event.kind == "done":
                        result = event.result
                if result is None:
                    raise RuntimeError("the engine stream ended without a result")
            except NoteError as exc:
                error = str(exc)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # a failing note must not end the run
                error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            first = _first_listed(result, text, note_setting) if case.ordered and result and not error else None
            note = score_note(case, result, types, error=error, seconds=time.perf_counter() - t0,
                              first_listed=first)
            note.tokens = tokens
            if result is not None and not result.error:
                versions.append((result.engine, result.model, result.prompt_version))
        done += 1
        if progress:
            progress(done, total, note)
        return note

    notes = await asyncio.gather(*(one(c) for c in gold.cases))
    # What actually answered: an "auto" engine reports the engine it chose in each result.
    used = sorted(set(versions), key=versions.index)
    run = EvalRun(
        engine="+".join(dict.fromkeys(v[0] for v in used)) or getattr(engine, "name", "") or "",
        model=next((v[1] for v in used if v[1]), None) if used else getattr(engine, "model", None),
        prompt_version=next((v[2] for v in used if v[2]), "") or str(getattr(engine, "prompt_version", "") or ""),
        types=[s.value for s in types],
        setting=setting,
        concurrency=max(1, int(concurrency)),
        gold_source=gold.description,
        per_note=list(notes),
        warnings=list(gold.warnings),
    )
    aggregate(run, types)
    run.seconds = round(time.perf_counter() - started, 2)
    return run

