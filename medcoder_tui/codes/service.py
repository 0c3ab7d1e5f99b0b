"""One API over ICD-10-CM, CPT and HCPCS Level II: validate, describe, navigate, look up."""

from __future__ import annotations

import threading
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
    manifestation: bool = False     # "in diseases classified elsewhere" or code-first note
