"""Builders for the preference tests: notes on disk and coder decisions replayed into a real store."""

from __future__ import annotations

from pathlib import Path

from medcoder_tui.codes.systems import System
from medcoder_tui.engines.models import Evidence, Suggestion, SuggestionResult
from medcoder_tui.store import FinalCode, Store

# Notes the offline engine codes as R10.9 (abdominal pain), R51.9 (headache) and I10.
REVIEWED_NOTES = [
    "Chief complaint: abdominal pain for two days, worse after meals. Also reports headache. "
    "Essential hypertension, stable on lisinopril.",
    "Seen for abdominal pain since yesterday and a mild headache. History: hypertension on amlodipine.",
    "Abdominal pain with nausea this morning. Headache overnight. Hypertension controlled.",
    "Follow-up: abdominal pain persists, intermittent. Headache again today. Essential hypertension.",
    "New patient with abdominal pain and headache. Known hypertension, takes losartan daily.",
]
# Other notes with the same kind of problems, and the codes this organization gives them.
EVAL_NOTES = {
    "later_a": "Abdominal pain started after lunch; some headache too. Essential hypertension, on lisinopril.",
    "later_b": "Patient returns with abdominal pain. Headache on waking. Hypertension well controlled.",
    "later_c": "Abdominal pain, cramping. Headache this week. Hypertension since 2019.",
}
EVAL_GOLD = ["R10.31", "I10"]


def icd(code: str, codesets, *, confidence: float = 0.8) -> Suggestion:
    """A grounded, validated ICD-10-CM suggestion (what an engine would hand over)."""
    v = codesets.validate(code, System.ICD10CM)
    return Suggestion(code=v.normalized, system=System.ICD10CM, description=v.description, confidence=confidence,
                      reasoning="stated", evidence=[Evidence(text="pain", start=0, end=4)], valid=v.valid,
                      billable=v.billable, original_code=code)


def write_notes(folder: Path, texts: list[str] | dict[str, str], prefix: str = "note") -> list[Path]:
    """The notes as files in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    items = texts.items() if isinstance(texts, dict) else ((f"{prefix}{i:02d}", t) for i, t in enumerate(texts))
    paths = []
    for name, text in items:
        path = folder / f"{name}.txt"
        path.write_text(text + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def review(store: Store, note: Path, result: SuggestionResult, *, replace: dict[str, str] | None = None,
           reject: set[str] = frozenset(), complete: bool = True, setting: str = "outpatient") -> str:
    """Open the note's case, show ``result`` and decide every suggestion like a coder:
    ``replace`` maps a suggested code to the code the coder edits it to, codes in ``reject``
    are rejected, the rest accepted. Returns the case id."""
    replace = replace or {}
    case = store.open_case(note, note.read_text(encoding="utf-8"), setting=setting)
    store.save_suggestions(case.id, result)
    for s in result.suggestions:
        if s.code in replace:
            store.edit_code(case.id, s.key, FinalCode(code=replace[s.code], system=s.system))
        elif s.code in reject:
            store.reject(case.id, s.key)
        elif s.acceptable:
            store.accept(case.id, s.key)
    if complete:
        store.set_status(case.id, "completed")
    return case.id
