"""Pre-code a list of notes into the store: plan what is missing, code it concurrently, report.

Resumable by construction: each note's result is written on its own, atomically
(see :mod:`medcoder_tui.store.precoded`), and a run first asks the store which
notes are already coded for this text by this engine, model and prompt version.
A killed run started again therefore codes only what is missing, a note whose
text changed is coded again, and the write re-checks under the store's lock so
no note is ever stored twice.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from medcoder_tui.codes.systems import System
from medcoder_tui.engines.models import SuggestionResult
from medcoder_tui.notes import NoteError, guess_setting, load_note, note_hash
from medcoder_tui.store import precoded
from medcoder_tui.store.models import StoreError

Status = Literal["coded", "skipped", "failed"]
SKIP_REASONS = {"done": "already pre-coded by this engine, model and prompt",
                "in-review": "a coder has started this case"}


@dataclass
class NoteOutcome:
    """What the run did with one note."""

    path: str
    status: Status
    reason: str = ""
    host: str = ""
    suggestions: int = 0
    seconds: float = 0.0          # wall time of the note, engine included
    engine_seconds: float = 0.0   # the engine's own time
    tokens: int = 0
    why: str = ""                 # new, changed, other-engine (coded) or done, in-review (skipped)


@dataclass
class BatchReport:
    """The whole run: counts, every note's outcome, per-host figures."""

    engine: str
    model: str | None
    prompt_version: str
    total: int = 0
    outcomes: list[NoteOutcome] = field(default_factory=list)
    hosts: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, status: Status) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def failed(self) -> list[NoteOutcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    def overhead_per_note(self) -> float:
        """Mean seconds per coded note beyond the engine's own time (planning, hashing, the write)."""
        coded = [o for o in self.outcomes if o.status == "coded"]
        return sum(o.seconds - o.engine_seconds for o in coded) / len(coded) if coded else 0.0

    def to_json(self) -> dict[str, Any]:
        return {"engine": self.engine, "model": self.model, "prompt_version": self.prompt_version,
                "total": self.total, "coded": self.count("coded"), "skipped": self.count("skipped"),
                "failed": self.count("failed"), "seconds": round(self.seconds, 2),
                "overhead_ms_per_note": round(self.overhead_per_note() * 1000, 2),
                "hosts": self.hosts, "warnings": self.warnings,
                "failures": [{"path": o.path, "reason": o.reason} for o in self.failed],
                "notes": [asdict(o) for o in self.outcomes]}


Progress = Callable[[NoteOutcome, BatchReport], None]


async def run_batch(store: Any, notes: Sequence[Path], engine: Any, *, key: precoded.RunKey,
                    types: set[System], setting: str = "outpatient", setting_explicit: bool = False,
                    concurrency: int = 4, progress: Progress | None = None, pool: Any = None) -> BatchReport:
    """Code every note of ``notes`` that is not already pre-coded by ``key`` into ``store``.

    ``engine`` is any Engine; with ``pool`` (a PooledEngine under it) each note
    records the host that answered. ``progress(outcome, report)`` is called
    once per note, skipped and failed ones included.
    """
    report = BatchReport(engine=key.engine, model=key.model, prompt_version=key.prompt_version, total=len(notes))
    started = time.perf_counter()

    def finish(outcome: NoteOutcome) -> None:
        report.outcomes.append(outcome)
        if progress is not None:
            progress(outcome, report)

    todo: list[tuple[Path, str, str, str]] = []
    for path in notes:
        t0 = time.perf_counter()
        try:
            text = load_note(path)
            case = store.case_for_path(path)
            why = precoded.classify(case, note_hash(text), key)
        except (NoteError, StoreError, OSError) as exc:
            finish(NoteOutcome(str(path), "failed", reason=str(exc)))
            continue
        if why in SKIP_REASONS:
            finish(NoteOutcome(str(path), "skipped", reason=SKIP_REASONS[why], why=why,
                               seconds=time.perf_counter() - t0))
            continue
        note_setting = setting if setting_explicit else (
            getattr(case, "setting", None) or guess_setting(text) or setting)
        todo.append((path, text, note_setting, why))

    queue: asyncio.Queue[tuple[Path, str, str, str]] = asyncio.Queue()
    for item in todo:
        queue.put_nowait(item)

    async def worker() -> None:
        while not queue.empty():
            path, text, note_setting, why = queue.get_nowait()
            finish(await _code_one(store, engine, pool, path, text, note_setting, why, types))

    await asyncio.gather(*(worker() for _ in range(max(1, min(int(concurrency), len(todo) or 1)))))
    report.seconds = time.perf_counter() - started
    if pool is not None:
        report.hosts = pool.pool.figures()
    order = {str(p): i for i, p in enumerate(notes)}
    report.outcomes.sort(key=lambda o: order.get(o.path, len(order)))
    return report


async def _code_one(store: Any, engine: Any, pool: Any, path: Path, text: str, setting: str, why: str,
                    types: set[System]) -> NoteOutcome:
    t0 = time.perf_counter()
    result: SuggestionResult | None = None
    tokens = 0
    try:
        async for event in engine.stream(text, types=set(types), setting=setting):
            if event.kind == "token":
                tokens += 1
            elif event.kind == "done":
                result = event.result
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # engines report errors in the result; this is the last guard
        result = SuggestionResult(engine=getattr(engine, "name", "?"), error=f"{type(exc).__name__}: {exc}")
    engine_seconds = time.perf_counter() - t0
    attempt = pool.take_attempt(text) if pool is not None else None
    host = attempt.host if attempt is not None else ""
    if result is None:
        result = SuggestionResult(engine=getattr(engine, "name", "?"), error="the engine ended without a result")
    outcome = NoteOutcome(str(path), "failed", host=host, engine_seconds=engine_seconds, tokens=tokens,
                          suggestions=len(result.suggestions), why=why)
    if result.error:
        outcome.reason = result.error
    else:
        try:
            _, written = await asyncio.to_thread(precoded.save_precoded, store, path, text, result,
                                                 setting=setting, host=host, seconds=engine_seconds)
        except StoreError as exc:
            outcome.reason = f"not stored: {exc}"
        else:
            outcome.status = "coded" if written else "skipped"
            if not written:
                outcome.reason = "coded meanwhile by another run, or opened by a coder"
    outcome.seconds = time.perf_counter() - t0
    return outcome
