"""The records the sequencing checker returns (the TUI's sequencing view and the CLI read these)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from medcoder_tui.codes.systems import System

Severity = Literal["error", "warning"]


class Issue(BaseModel):
    """One finding of the rule checker: errors must be fixed (or overridden), warnings reviewed."""

    rule: str                      # stable id, e.g. "manifestation_first"
    severity: Severity
    codes: list[str]               # the codes involved, canonical spelling, the offending one first
    message: str                   # one sentence a coder can act on
    convention: str                # the guideline or tabular convention it comes from

    def json_row(self) -> dict:
        """The CLI's JSON shape of an issue."""
        return {"rule": self.rule, "codes": list(self.codes), "message": self.message,
                "convention": self.convention}


class SequencedCode(BaseModel):
    """One code in its final place, with its CC/MCC status and the issues that concern it."""

    code: str                      # canonical spelling
    system: System
    description: str = ""
    valid: bool = True
    billable: bool = True
    cc: bool = False               # counts as a CC as secondary diagnosis (after CC exclusion)
    mcc: bool = False              # counts as an MCC as secondary diagnosis (after CC exclusion)
    cc_excluded: bool = False      # on the CC/MCC list, but the principal diagnosis excludes it
    cms_level: Literal["cc", "mcc"] | None = None   # the CMS table level, before exclusion
    issues: list[Issue] = Field(default_factory=list)

    @property
    def badge(self) -> str:
        """Short label for the sequencing view: ``MCC``, ``CC``, ``CC excl`` or ``""``."""
        if self.mcc:
            return "MCC"
        if self.cc:
            return "CC"
        if self.cc_excluded and self.cms_level:
            return f"{self.cms_level.upper()} excl"
        return ""


class DrgEstimate(BaseModel):
    """An MS-DRG estimate from the optional ``drg`` grouper (medical partition: no ICD-10-PCS codes)."""

    drg: str
    description: str
    mdc: str
    weight: float
    complication_level: str


class SequenceResult(BaseModel):
    """The checked sequence: principal/first-listed, secondary diagnoses, procedures and findings."""

    setting: str = "outpatient"
    principal: SequencedCode | None = None
    secondary: list[SequencedCode] = Field(default_factory=list)
    procedures: list[SequencedCode] = Field(default_factory=list)
    errors: list[Issue] = Field(default_factory=list)
    warnings: list[Issue] = Field(default_factory=list)
    drg: DrgEstimate | None = None
    drg_note: str = ""             # why an MS-DRG estimate that was asked for is not given
    source: str = ""               # "model", "rules" or "coder": who proposed this order
    cc_version: str = ""

    @property
    def ok(self) -> bool:
        """No open errors: the case may be completed without an override."""
        return not self.errors

    @property
    def diagnoses(self) -> list[SequencedCode]:
        """Principal first, then the secondary diagnoses."""
        return ([self.principal] if self.principal else []) + list(self.secondary)

    @property
    def codes(self) -> list[str]:
        """Every code in final order: diagnoses, then procedures."""
        return [c.code for c in self.diagnoses] + [p.code for p in self.procedures]

    def counts_text(self) -> str:
        """"2 diagnoses, 1 procedure · 1 error, 0 warnings" (singular and plural as English has them)."""
        return (f"{plural(len(self.diagnoses), 'diagnosis', 'diagnoses')}, "
                f"{plural(len(self.procedures), 'procedure')} · "
                f"{plural(len(self.errors), 'error')}, {plural(len(self.warnings), 'warning')}")

    def to_json(self) -> dict:
        """The CLI JSON shape: principal, secondary with CC/MCC, procedures, errors, warnings."""
        out: dict = {
            "setting": self.setting,
            "principal": self.principal.code if self.principal else None,
            "principal_description": self.principal.description if self.principal else None,
            "secondary": [
                {"code": c.code, "description": c.description, "cc": c.cc, "mcc": c.mcc,
                 "cc_excluded": c.cc_excluded, "valid": c.valid and c.billable}
                for c in self.secondary
            ],
            "procedures": [p.code for p in self.procedures],
            "errors": [i.json_row() for i in self.errors],
            "warnings": [i.json_row() for i in self.warnings],
            "source": self.source,
            "cc_mcc_version": self.cc_version,
        }
        if self.drg is not None:
            out["drg"] = self.drg.model_dump()
        if self.drg_note:
            out["drg_note"] = self.drg_note
        return out


def plural(n: int, word: str, many: str | None = None) -> str:
    """``n word`` with the word in the plural unless n is 1: plural(1, "error") -> "1 error"."""
    return f"{n} {word if n == 1 else (many or word + 's')}"
