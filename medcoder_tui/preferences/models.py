"""What medcoder learns about an organization's coding, and the rules a lead coder writes.

Pydantic records only; learning lives in :mod:`.learn`, rules in :mod:`.rules`,
their use in :mod:`.apply` and :mod:`.prompt`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, PrivateAttr

from medcoder_tui.codes.systems import System

ANY = "*"   # the engine or setting of statistics pooled over every engine or setting


class Thresholds(BaseModel):
    """How much evidence a learned preference needs before it changes a suggestion.

    Ratios are over the cases where the code was suggested and decided
    (accepted, rejected, or replaced by another code).
    """

    min_support: int = Field(3, ge=1)          # decided cases before any learned preference acts
    replace_ratio: float = Field(0.6, ge=0, le=1)  # share replaced by one code: suggest that code instead
    hide_ratio: float = Field(0.9, ge=0, le=1)     # share not kept: take the code off the list (with a warning)
    demote_ratio: float = Field(0.6, ge=0, le=1)   # share not kept: lower confidence and move it last
    boost_ratio: float = Field(0.9, ge=0, le=1)    # share accepted as suggested: raise confidence a little
    alternative_min: int = Field(2, ge=1)      # replacements seen before the usual replacement is offered


class CodeStat(BaseModel):
    """How coders decided one suggested code, for one engine and one setting (or pooled: ``*``)."""

    key: str                      # system:code, as Suggestion.key
    system: System
    code: str
    description: str = ""
    engine: str = ANY
    setting: str = ANY
    accepted: int = 0             # kept as suggested
    rejected: int = 0             # taken off without a replacement
    replaced: int = 0             # edited to another code, or rejected for a same-category code added by hand
    replacements: dict[str, int] = Field(default_factory=dict)   # replacing key -> cases

    @property
    def decided(self) -> int:
        return self.accepted + self.rejected + self.replaced

    def top_replacement(self) -> tuple[str, int] | None:
        """The replacing key chosen most often, and in how many cases."""
        if not self.replacements:
            return None
        key = max(sorted(self.replacements), key=lambda k: self.replacements[k])
        return key, self.replacements[key]


class ManualStat(BaseModel):
    """A code coders added by hand (not as a replacement of a suggestion)."""

    key: str
    system: System
    code: str
    description: str = ""
    cases: int = 0


class CaseExample(BaseModel):
    """A completed case, usable as a few-shot example: its note and its final codes in order."""

    case_id: str
    note_path: str
    setting: str = ""
    final_codes: list[str] = Field(default_factory=list)   # "E11.9 (ICD-10-CM) title"
    codes: list[str] = Field(default_factory=list)         # keys, for matching


class Rule(BaseModel):
    """One rule from ``preferences.toml``: never code X, or code A instead of B."""

    kind: Literal["never", "prefer"]
    system: System
    code: str                     # never: the code (or header) not to code; prefer: the code to use
    over: str = ""                # prefer: the code (or header) it replaces
    settings: list[str] = Field(default_factory=list)   # empty: every setting
    reason: str = ""              # the lead coder's words
    source: str = ""              # "preferences.toml:12"

    def applies_in(self, setting: str) -> bool:
        return not self.settings or setting in self.settings

    def describe(self) -> str:
        """The rule in words, with where it was written."""
        where = f" in {'/'.join(self.settings)}" if self.settings else ""
        text = f"never code {self.code}{where}" if self.kind == "never" else \
            f"code {self.code} instead of {self.over}{where}"
        why = f": {self.reason}" if self.reason else ""
        return f"rule {self.source} ({text}){why}"


class Preferences(BaseModel):
    """Everything preferences know: learned statistics, examples and written rules."""

    stats: list[CodeStat] = Field(default_factory=list)
    manual: list[ManualStat] = Field(default_factory=list)
    examples: list[CaseExample] = Field(default_factory=list)
    rules: list[Rule] = Field(default_factory=list)
    rules_file: str = ""
    cases_learned: int = 0
    thresholds: Thresholds = Field(default_factory=Thresholds)
    warnings: list[str] = Field(default_factory=list)   # e.g. the store could not be read: nothing learned
    _index: dict[tuple[str, str, str], CodeStat] = PrivateAttr(default_factory=dict)
    _similarity: object = PrivateAttr(default=None)   # built on first use by prompt.similarity_index

    def model_post_init(self, __context: object) -> None:
        self._index = {(s.key, s.engine, s.setting): s for s in self.stats}

    @property
    def empty(self) -> bool:
        return not (self.stats or self.rules or self.examples)

    def stat_for(self, key: str, engine: str, setting: str) -> CodeStat | None:
        """The most specific statistics with enough support: this engine and setting, this engine,
        this setting, then all; the pooled figures (even thin) when none has enough."""
        need = self.thresholds.min_support
        pooled = None
        for eng, sett in ((engine, setting), (engine, ANY), (ANY, setting), (ANY, ANY)):
            stat = self._index.get((key, eng, sett))
            if stat is not None and stat.decided >= need:
                return stat
            pooled = stat if (eng, sett) == (ANY, ANY) else pooled
        return pooled

    def pooled(self) -> list[CodeStat]:
        """Statistics over every engine and setting, most decided first."""
        rows = [s for s in self.stats if s.engine == ANY and s.setting == ANY]
        return sorted(rows, key=lambda s: (-s.decided, s.key))
