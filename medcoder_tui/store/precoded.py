"""Pre-coded cases: suggestions a batch run prepared before any coder opened the note.

A pre-coded case is an ordinary case (same file, same id as the note's) holding
the engine's suggestions, the engine, model and prompt version, and the hash of
the note text it coded, with no decisions. :func:`plan` says whether a note
still needs coding; :func:`save_precoded` writes one note's result and records
it in the audit trail as ``precoded``. Both re-check under the store's lock, so
two batch runs on one store never code a note twice, and a case a coder has
started (a decision, a final code, a status) is never touched.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from medcoder_tui.engines.models import SuggestionResult
from medcoder_tui.notes import note_hash
from medcoder_tui.store import decisions as dec
from medcoder_tui.store import layout
from medcoder_tui.store.models import Case, CaseStatus, StoreError, review_state, touched  # noqa: F401
from medcoder_tui.store.repository import Store, case_id_for

PRECODED = "precoded"
Why = Literal["new", "changed", "other-engine", "done", "in-review"]


@dataclass(frozen=True)
class RunKey:
    """What a pre-coding depends on: the engine, the model and the prompt version."""

    engine: str
    model: str | None
    prompt_version: str

    def matches(self, case: Case) -> bool:
        return (case.engine, case.model or None, base_version(case.prompt_version)) == \
            (self.engine, self.model or None, base_version(self.prompt_version))


def base_version(version: str | None) -> str:
    """The prompt version without the preferences marker (``...-v1+prefs`` is ``...-v1``): learned
    preferences change with every decision, and a note is not coded again for that."""
    return (version or "").split("+", 1)[0]


def classify(case: Case | None, digest: str, key: RunKey) -> Why:
    """Why a note needs coding (new, changed, other-engine), or why not (done, in-review)."""
    if case is None:
        return "new"
    if touched(case):
        return "in-review"
    if case.engine and case.note_hash == digest and key.matches(case):
        return "done"
    if case.engine and case.note_hash != digest:
        return "changed"
    return "other-engine" if case.engine else "new"


def plan(store: Store, note_path: str | Path, text: str, key: RunKey) -> Why:
    """Whether the note at ``note_path`` with this text needs coding by ``key`` (a cheap read)."""
    return classify(store.case_for_path(note_path), note_hash(text), key)


def save_precoded(store: Store, note_path: str | Path, text: str, result: SuggestionResult, *,
                  setting: str = "outpatient", host: str = "", seconds: float = 0.0) -> tuple[Case, bool]:
    """Write one note's batch result as a pre-coded case; returns (case, written).

    ``written`` is False when, under the lock, the case turns out to be coded
    already by the same engine, model and prompt for this text, or started by a
    coder: the result is then dropped and nothing changes.
    """
    if result.error:
        raise StoreError(f"a failed run is not kept as a pre-coded case ({result.error})")
    resolved = str(Path(note_path).expanduser().resolve())
    case_id = case_id_for(resolved)
    digest = note_hash(text)
    key = RunKey(result.engine, result.model, result.prompt_version)
    if setting not in dec.SETTINGS:
        raise StoreError(f"unknown setting {setting!r}; use one of {', '.join(dec.SETTINGS)}")
    with store._case_locked(case_id):
        path = layout.case_file(store.path, case_id)
        layout.ensure_dir(path.parent, store.modes)
        db, storage = store._db(path)
        tables = storage.read()
        case = store._parse_case(path, tables) if tables and "1" in tables.get("cases", {}) else None
        why = classify(case, digest, key)
        if why in ("done", "in-review"):
            return case, False   # type: ignore[return-value]
        ts = store._clock()
        if case is None:
            case = Case(id=case_id, note_path=resolved, note_hash=digest, current_hash=digest,
                        setting=setting, user=store.user, created_at=ts, updated_at=ts)
        before = {"engine": case.engine, "model": case.model, "prompt_version": case.prompt_version,
                  "hash": case.note_hash, "count": len(case.suggestions)} if case.engine else None
        case.suggestions = list(result.suggestions)
        case.decisions = {}
        case.engine, case.model, case.prompt_version = result.engine, result.model, result.prompt_version
        case.note_hash = case.current_hash = digest
        case.note_changed = False
        case.precoded_at = ts
        case.precoded_host = host
        case.precoded_seconds = round(float(seconds), 3)
        after = {"engine": result.engine, "model": result.model, "prompt_version": result.prompt_version,
                 "hash": digest, "count": len(case.suggestions), "host": host or None,
                 "warnings": list(result.warnings)[:5]}
        store._commit(db, storage, case, dec.Change(PRECODED, result.engine, before, after), None)
        return case, True


def precoded_count(store: Store, case_id: str) -> int:
    """How many times the case's audit trail records a batch coding (tests and checks)."""
    return sum(1 for e in store.audit(case_id) if e.action == PRECODED)


def describe(case: Any) -> str:
    """``pre-coded by Ollama llama3.1:8b at 2026-12-04 08:02 UTC (3.1 s)`` for a pre-coded case, else ''."""
    when = getattr(case, "precoded_at", None)
    if when is None:
        return ""
    engine = {"ollama": "Ollama", "offline": "the offline engine"}.get(case.engine or "", case.engine or "engine")
    model = f" {case.model}" if case.model and case.engine != "offline" else ""
    took = f", {case.precoded_seconds:.1f} s" if case.precoded_seconds else ""
    host = f" on {case.precoded_host}" if case.precoded_host else ""
    return f"pre-coded by {engine}{model}{host} at {when:%Y-%m-%d %H:%M} UTC{took}"
