"""The code sets' value types: validation results, lookup hits and ICD-10-CM tabular entries.

They live apart from ``service`` so that the loaders (``icd10cm``, ``search``) and the
service that owns them can all import them without importing each other in a circle.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import BaseModel, Field

from medcoder_tui.codes.systems import System


class ValidationResult(BaseModel):
    """What ``medcoder validate`` prints for one code."""

    code: str                       # as given
    normalized: str                 # canonical spelling, e.g. E11.9
    system: System | None
    valid: bool                     # exists in the code set (headers included)
    billable: bool                  # a leaf that can be reported
    description: str = ""
    messages: list[str] = Field(default_factory=list)
    suggestions: list[str] = Field(default_factory=list)  # nearest billable codes


class LookupHit(BaseModel):
    """One result of an encoder-style search."""

    code: str
    system: System
    description: str
    billable: bool
    score: float


@dataclass(frozen=True)
class IcdEntry:
    """One ICD-10-CM tabular entry (category, subcategory or code)."""

    code: str                       # dotted
    title: str
    billable: bool
    parent: str | None
    inclusion_terms: tuple[str, ...] = ()
    excludes1: tuple[str, ...] = ()
    excludes2: tuple[str, ...] = ()
    code_first: str = ""            # note text, own or inherited
    use_additional: str = ""
    code_also: str = ""
    seven_chr: dict[str, str] = field(default_factory=dict)  # inherited 7th-character choices
    manifestation: bool = False     # title (own or an ancestor's) says "in diseases classified elsewhere"
