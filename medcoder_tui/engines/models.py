"""The records every engine produces and every consumer (store, TUI, evaluation) reads."""

from __future__ import annotations

from enum import Enum
from typing import Literal

from pydantic import BaseModel, Field

from medcoder_tui.codes.systems import System

Setting = Literal["outpatient", "inpatient", "ed"]

CONFIDENCE_WORDS = {"high": 0.9, "medium": 0.7, "low": 0.5}


def confidence_label(value: float) -> str:
    """The word a coder sees for a numeric confidence (the seed's high/medium/low)."""
    if value >= 0.85:
        return "high"
    if value >= 0.65:
        return "medium"
    return "low"


class Flag(str, Enum):
    """Why a suggestion needs a coder's attention. BLOCKING flags forbid acceptance."""

    INVALID = "invalid"                    # not in the code set
    NOT_BILLABLE = "not_billable"          # a category/subcategory header
    NEEDS_7TH = "needs_7th_character"      # 7th character missing
    WRONG_SYSTEM = "wrong_system"          # e.g. a CPT code labelled HCPCS (fixed when possible)
    NO_EVIDENCE = "no_evidence"            # the quoted words are not in the note
    UNSUPPORTED = "unsupported"            # the quoted words are in the note but do not name the code
    FUZZY_EVIDENCE = "fuzzy_evidence"      # evidence matched only approximately
    NEGATED = "negated"                    # the evidence sits in a negation scope
    UNCERTAIN = "uncertain"                # r/o, possible, probable ...
    HISTORY = "history"                    # history-of; consider Z86/Z87
    FAMILY_HISTORY = "family_history"      # a relative's condition, not the patient's
    HYPOTHETICAL = "hypothetical"          # only a possibility to watch for ("return if SOB")
    INSTRUCTION = "instruction"            # words addressed to the coder ("also add ..."), not documentation
    EXCLUDES1 = "excludes1"                # conflicts with another suggested code
    UNSPECIFIED = "unspecified"            # a more specific sibling may be supported
    PREFERENCE = "preference"              # changed by a learned or written preference
    GUIDELINE = "guideline"                # a coding guideline says not to code it (reason in messages)


BLOCKING_FLAGS = frozenset({Flag.INVALID, Flag.NOT_BILLABLE, Flag.NEEDS_7TH})
# A code whose support the note does not show: acceptable only when the coder edits it or
# confirms it with a reason, never by a bulk accept.
CONFIRM_FLAGS = frozenset({Flag.NO_EVIDENCE, Flag.UNSUPPORTED, Flag.INSTRUCTION})


class Evidence(BaseModel):
    """Words of the note that support a code, with character offsets into the note."""

    text: str
    start: int = -1
    end: int = -1
    exact: bool = True

    @property
    def located(self) -> bool:
        return 0 <= self.start < self.end


class Alternative(BaseModel):
    """A nearby valid code offered instead of (or next to) a suggestion."""

    code: str
    description: str = ""
    reason: str = ""


class RawSuggestion(BaseModel):
    """What an engine proposes before grounding: nothing here is trusted yet."""

    code: str
    system: System | None = None
    description: str = ""
    confidence: float = 0.7
    reasoning: str = ""
    evidence: list[str] = Field(default_factory=list)
    modifiers: list[str] = Field(default_factory=list)   # CPT/HCPCS modifiers (25, 59, RT ...)
    units: int | None = None       # units of service (a drug's dose units, a count of vaccines)


class Suggestion(BaseModel):
    """A grounded suggestion: validated against the code sets and tied to the note."""

    code: str                      # canonical spelling (E11.9, 99213, J1100)
    system: System
    description: str               # official title where the code exists
    confidence: float = 0.7
    reasoning: str = ""
    evidence: list[Evidence] = Field(default_factory=list)
    valid: bool = False
    billable: bool = False
    flags: list[Flag] = Field(default_factory=list)
    messages: list[str] = Field(default_factory=list)
    alternatives: list[Alternative] = Field(default_factory=list)
    original_code: str = ""        # exactly what the engine wrote
    model_description: str = ""    # the engine's own description, kept for audit
    modifiers: list[str] = Field(default_factory=list)   # CPT/HCPCS modifiers, checked by codes.modifiers
    units: int | None = None       # units of service; None means one line of one unit

    @property
    def acceptable(self) -> bool:
        """True only for a valid, billable code with no blocking flag."""
        return self.valid and self.billable and not (set(self.flags) & BLOCKING_FLAGS)

    @property
    def needs_confirmation(self) -> bool:
        """True when accepting needs the coder's reason (no words in the note support the code)."""
        return bool(set(self.flags) & CONFIRM_FLAGS)

    def hold(self, reason: str) -> None:
        """Advise against reporting it, with the guideline's reason (it stays on screen, acceptable)."""
        if Flag.GUIDELINE not in self.flags:
            self.flags.append(Flag.GUIDELINE)
        if reason not in self.messages:
            self.messages.append(reason)

    @property
    def suppressed(self) -> bool:
        """True when a coding guideline advises against reporting it (the reason is in ``messages``)."""
        return Flag.GUIDELINE in self.flags

    @property
    def reportable(self) -> bool:
        """What a coder reports by default: acceptable, not advised against, no confirmation needed."""
        return self.acceptable and not self.suppressed and not self.needs_confirmation

    @property
    def confidence_label(self) -> str:
        return confidence_label(self.confidence)

    @property
    def key(self) -> str:
        return f"{self.system.value}:{self.code}"


class SuggestionResult(BaseModel):
    """One engine run over one note."""

    engine: str                    # "ollama" or "offline"
    model: str | None = None
    prompt_version: str = ""
    suggestions: list[Suggestion] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    error: str | None = None       # set when the run ended early; suggestions stay
    raw_output: str = ""


# Streaming events an engine yields while it works (the TUI and CLI consume these).
class TokenEvent(BaseModel):
    kind: Literal["token"] = "token"
    text: str


class SuggestionEvent(BaseModel):
    kind: Literal["suggestion"] = "suggestion"
    suggestion: Suggestion


class DoneEvent(BaseModel):
    kind: Literal["done"] = "done"
    result: SuggestionResult


class ProgressEvent(BaseModel):
    """How far a long analysis has got (the offline engine sends one about every quarter second)."""

    kind: Literal["progress"] = "progress"
    phase: str                     # e.g. "sentences", "procedure rules"
    done: int
    total: int
    elapsed: float
    remaining: float | None = None   # seconds left in this phase, when there is a pace to go by


EngineEvent = TokenEvent | SuggestionEvent | DoneEvent | ProgressEvent
