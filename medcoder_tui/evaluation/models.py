"""The records of an evaluation: gold cases, per-note results and whole runs."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from medcoder_tui.evaluation.metrics import PRF, EMRate

Setting = Literal["outpatient", "inpatient", "ed"]
GoldSource = Literal["sidecar", "tsv", "store"]


class GoldCase(BaseModel):
    """One note with its known correct codes.

    ``codes`` holds comparison keys (``icd10cm:E11.9``) in the gold's order;
    ``ordered`` says whether that order means anything (a sidecar lists the
    principal diagnosis first; a TSV file has no order).
    """

    note_id: str
    note_path: Path | None = None
    text: str | None = None          # the note itself, when not read from note_path
    note_hash: str = ""              # store cases: the text the coder completed
    codes: list[str] = Field(default_factory=list)
    ordered: bool = False
    setting: Setting | None = None
    source: GoldSource = "sidecar"
    rationale: str = ""
    not_codes: dict[str, str] = Field(default_factory=dict)   # key -> why it must not be reported
    warnings: list[str] = Field(default_factory=list)


class GoldSet(BaseModel):
    """Every gold case found for a run, and what was wrong with the gold itself."""

    cases: list[GoldCase] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    description: str = ""


class PatternHit(BaseModel):
    """One occurrence of an error pattern in one note."""

    pattern: str
    predicted: str = ""               # key of the suggested code involved, if any
    gold: str = ""                    # key of the gold code involved, if any
    detail: str = ""


class RejectedSuggestion(BaseModel):
    """A suggestion the coder could not accept (invalid, header, missing 7th character)."""

    key: str
    original_code: str = ""
    flags: list[str] = Field(default_factory=list)
    message: str = ""


class NoteEval(BaseModel):
    """The result of one note: what was suggested, how it scored, which errors it made."""

    note_id: str
    path: str = ""
    status: Literal["ok", "failed"] = "ok"
    error: str = ""
    gold: list[str] = Field(default_factory=list)
    gold_ordered: bool = False
    predicted: list[str] = Field(default_factory=list)     # acceptable suggestions, engine order
    flagged: dict[str, list[str]] = Field(default_factory=dict)  # key -> grounding flags
    rejected: list[RejectedSuggestion] = Field(default_factory=list)
    score: PRF | None = None
    category: PRF | None = None
    patterns: list[PatternHit] = Field(default_factory=list)
    not_code_hits: dict[str, str] = Field(default_factory=dict)   # suggested must-not-codes -> reason
    em_gold: list[str] = Field(default_factory=list)               # gold E/M level keys
    em_predicted: list[str] = Field(default_factory=list)          # suggested E/M level keys
    seconds: float = 0.0
    tokens: int = 0                                        # model tokens streamed for this note

    @property
    def em_exact(self) -> bool | None:
        """Whether the suggested E/M level is exactly the gold one (None: the gold has none)."""
        return self.em_predicted == self.em_gold if self.em_gold else None

    @property
    def f1(self) -> float:
        return self.score.f1 if self.score else 0.0


class PatternExample(BaseModel):
    """An example of a pattern, for reports."""

    note_id: str
    predicted: str = ""
    gold: str = ""
    detail: str = ""


class PatternSummary(BaseModel):
    """A named, counted error class over a run."""

    count: int = 0
    notes: int = 0                      # how many notes show it at least once
    description: str = ""
    examples: list[PatternExample] = Field(default_factory=list)


class EvalRun(BaseModel):
    """One evaluation run: settings, figures and every note's result. Stored in ``eval_runs``."""

    id: str | None = None
    created: str = Field(default_factory=lambda: datetime.now(timezone.utc).isoformat(timespec="seconds"))
    engine: str = ""
    model: str | None = None
    prompt_version: str = ""
    codeset_versions: dict[str, str] = Field(default_factory=dict)
    source: str = ""                    # the notes path
    gold_source: str = ""
    types: list[str] = Field(default_factory=list)
    setting: str = ""
    concurrency: int = 1
    preferences: bool = True
    notes: int = 0                      # notes scored (failed ones excluded)
    failed: int = 0
    micro: PRF = Field(default_factory=lambda: PRF(precision=0, recall=0, f1=0))
    macro: PRF = Field(default_factory=lambda: PRF(precision=0, recall=0, f1=0))
    category_micro: PRF = Field(default_factory=lambda: PRF(precision=0, recall=0, f1=0))
    per_system: dict[str, PRF] = Field(default_factory=dict)
    must_not_hits: int = 0              # suggested codes the gold lists as not_codes
    must_not_notes: int = 0             # notes with at least one such hit
    em: EMRate = Field(default_factory=EMRate)
    error_patterns: dict[str, PatternSummary] = Field(default_factory=dict)
    per_note: list[NoteEval] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    seconds: float = 0.0
    # Bake-off figures (see evaluation/bakeoff.py); runs of one bake-off share ``bakeoff``.
    bakeoff: str = ""
    system: str = ""                    # "ollama qwen2.5:7b", "offline"
    not_codes_listed: bool = False      # the gold lists not_codes, so must_not_hits means something
    seconds_per_note: float = 0.0
    tokens: int = 0
    tokens_per_second: float | None = None
    hosts: list[dict] = Field(default_factory=list)

    def note(self, note_id: str) -> NoteEval | None:
        """The result of one note, by id."""
        return next((n for n in self.per_note if n.note_id == note_id), None)

    def label(self) -> str:
        """A short human label: id, date, engine/model and micro-F1."""
        model = f"/{self.model}" if self.model else ""
        return f"{self.id or '(not stored)'} {self.created[:16]} {self.engine}{model} F1={self.micro.f1:.3f}"
