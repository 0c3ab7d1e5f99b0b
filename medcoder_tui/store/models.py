"""The records kept in the case store. Pydantic models at the boundary; nothing here touches files."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any, Literal

from pydantic import BaseModel, Field

from medcoder_tui.codes.systems import System, canonical, compact
from medcoder_tui.engines.models import Suggestion


class StoreError(Exception):
    """A store problem told in one line that names the file; the CLI prints it as an error."""


class CaseStatus(str, Enum):
    """Where a case stands in the coder's work queue."""

    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    SKIPPED = "skipped"


class FinalCode(BaseModel):
    """A code the coder has put on the claim, in sequence order."""

    code: str
    system: System
    description: str = ""
    source: Literal["suggested", "edited", "manual"] = "manual"
    suggestion_key: str | None = None   # the Suggestion.key this code came from
    modifiers: list[str] = Field(default_factory=list)   # CPT/HCPCS modifiers, checked by codes.modifiers
    units: int | None = None            # units of service (None: one)
    # The engine's confidence in a code accepted as suggested; None for the coder's own code
    # (edited or added by hand): the model's confidence no longer describes it.
    confidence: float | None = None

    @property
    def line(self) -> str:
        """The claim line as coders write it: ``99214-25``, ``J1100 x 4``."""
        from medcoder_tui.codes.modifiers import line_text

        return line_text(self.code, self.modifiers, self.units)

    @property
    def key(self) -> str:
        """``system:code``, the same shape as ``Suggestion.key``."""
        return f"{self.system.value}:{self.code}"


class Case(BaseModel):
    """One note under review: what was suggested, what the coder decided, and where it stands."""

    id: str
    note_path: str
    note_hash: str                       # hash of the text the suggestions were made for
    note_changed: bool = False           # the file on disk no longer has that hash
    current_hash: str = ""               # hash of the text seen at the last open
    note_size: int = 0                   # characters of the text the suggestions were made for
    current_size: int = 0                # characters of the text seen at the last open
    note_sig: list[int] = Field(default_factory=list)   # (mtime ns, size) of the note file at that open
    setting: str = "outpatient"
    engine: str | None = None
    model: str | None = None
    prompt_version: str | None = None
    suggestions: list[Suggestion] = Field(default_factory=list)
    decisions: dict[str, str] = Field(default_factory=dict)   # Suggestion.key -> "accepted" | "rejected"
    final_codes: list[FinalCode] = Field(default_factory=list)
    status: CaseStatus = CaseStatus.IN_PROGRESS
    override: bool = False               # completed despite open sequencing errors
    status_reason: str = ""
    position: int = 0                    # selected row, restored on reopen
    user: str
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None = None
    completed_by: str | None = None
    # Set when a batch run coded the note before anyone opened it (see store/precoded.py).
    precoded_at: datetime | None = None
    precoded_host: str = ""              # the Ollama server that answered, if any
    precoded_seconds: float = 0.0        # the engine's time for the note

    def note_change_summary(self) -> str:
        """One line saying how the note differs from the text it was coded on (old/new hash and size)."""
        if not self.note_changed:
            return ""
        when = "completed" if self.status is CaseStatus.COMPLETED else "last coded"
        sizes = ""
        if self.note_size and self.current_size:
            delta = self.current_size - self.note_size
            sizes = f", {self.note_size:,} -> {self.current_size:,} characters ({delta:+,})"
        return (f"This note changed since it was {when}: sha256 {self.note_hash[:12]} -> "
                f"{self.current_hash[:12]}{sizes}. R re-runs the engine.")

    def suggestion(self, key: str) -> Suggestion | None:
        """The suggestion shown under ``key``, if any."""
        for s in self.suggestions:
            if s.key == key:
                return s
        return None

    def find_final(self, key_or_code: str) -> int | None:
        """Index of the final code named by ``system:code``, a suggestion key or a bare code."""
        token = key_or_code.strip()
        if ":" in token:
            head, _, tail = token.partition(":")
            try:
                system = System.parse(head)
                token_key = f"{system.value}:{canonical(tail, system)}"
            except ValueError:
                token_key = token
            for i, fc in enumerate(self.final_codes):
                if fc.key == token_key or fc.suggestion_key in (token, token_key):
                    return i
            return None
        wanted = compact(token)
        for i, fc in enumerate(self.final_codes):
            if compact(fc.code) == wanted:
                return i
        return None


class AuditEntry(BaseModel):
    """One line of the append-only audit trail: who changed what, when, from what to what."""

    id: str
    case_id: str
    ts: datetime
    user: str
    action: str           # create, note_changed, suggestions, accept, reject, edit, add_manual,
                          # remove_final, reorder, status, setting, undo
    target: str | None = None
    before: Any = None
    after: Any = None
    undo_state: dict[str, Any] | None = None   # the case's decision state before; lets undo restore it
    group: str | None = None   # entries written by one coder action (accept all): one undo reverts them all
    reason: str | None = None  # the coder's reason, where the decision needed one (accepting an unsupported code)



class GoldRecord(BaseModel):
    """Reference codes of one note (table ``gold``), in canonical spelling."""

    note_id: str
    icd10cm: list[str] = Field(default_factory=list)
    cpt: list[str] = Field(default_factory=list)
    hcpcs: list[str] = Field(default_factory=list)
    setting: str = ""
    source: str = ""


def review_state(case: Case | None) -> str:
    """How the worklist names a case: new, pre-coded, in review, completed or skipped."""
    if case is None:
        return "new"
    if case.status is CaseStatus.COMPLETED:
        return "completed"
    if case.status is CaseStatus.SKIPPED:
        return "skipped"
    if case.precoded_at is not None and not touched(case):
        return "pre-coded"
    return "in review"


def touched(case: Case) -> bool:
    """True once a coder has decided anything on the case."""
    return bool(case.decisions or case.final_codes or case.status is not CaseStatus.IN_PROGRESS
                or case.override)
