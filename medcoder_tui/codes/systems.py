"""Code systems and the canonical spelling of codes."""

from __future__ import annotations

import re
from enum import Enum


class System(str, Enum):
    """A code system. The value is the short name used in JSON and on the CLI."""

    ICD10CM = "icd10cm"
    CPT = "cpt"
    HCPCS = "hcpcs"

    @property
    def label(self) -> str:
        return {"icd10cm": "ICD-10-CM", "cpt": "CPT", "hcpcs": "HCPCS"}[self.value]

    @classmethod
    def parse(cls, value: "str | System") -> "System":
        """Accept ``icd10cm``, ``ICD-10-CM``, ``icd``, ``cpt``, ``hcpcs`` in any case."""
        if isinstance(value, System):
            return value
        key = re.sub(r"[^a-z0-9]", "", str(value).lower())
        aliases = {"icd10cm": cls.ICD10CM, "icd10": cls.ICD10CM, "icd": cls.ICD10CM,
                   "cpt": cls.CPT, "hcpcs": cls.HCPCS, "hcpcs2": cls.HCPCS, "hcpcsii": cls.HCPCS}
        if key not in aliases:
            raise ValueError(f"unknown code system {value!r}; use icd10cm, cpt or hcpcs")
        return aliases[key]


def parse_systems(value: str | None) -> set[System]:
    """``"all"``/None -> every system; ``"icd10cm,cpt"`` -> those systems."""
    if value is None or value.strip().lower() in ("", "all"):
        return set(System)
    return {System.parse(part) for part in value.split(",") if part.strip()}


MAX_CODE_LENGTH = 16
_STRIP = re.compile(r"[\s.\-]")
_ICD = re.compile(r"^[A-Z][0-9][0-9A-Z]([0-9A-Z]{1,4})?$")
_CPT = re.compile(r"^([0-9]{5}|[0-9]{4}[FTU])$")
_HCPCS = re.compile(r"^[A-V][0-9]{4}$")


def compact(code: str) -> str:
    """Upper case, without dot, dash or white space: ``e11.9`` -> ``E119``."""
    return _STRIP.sub("", code).upper()


def icd_dotted(code: str) -> str:
    """Canonical ICD-10-CM spelling: ``E119`` -> ``E11.9``; a 3-character category stays bare."""
    c = compact(code)
    return c if len(c) <= 3 else f"{c[:3]}.{c[3:]}"


def guess_system(code: str) -> System | None:
    """The system a code's shape belongs to, or None when it fits none.

    HCPCS Level II (letter A-V then 4 digits) and ICD-10-CM overlap in shape
    only for ``A0000``-like strings; five characters with four trailing digits
    are read as HCPCS, since ICD-10-CM subcategories this long contain a dot.
    """
    c = compact(code)
    if _CPT.match(c):
        return System.CPT
    if _HCPCS.match(c) and "." not in code:
        return System.HCPCS
    if _ICD.match(c):
        return System.ICD10CM
    return None


def is_well_formed(code: str, system: System) -> bool:
    """Whether the code has the shape its system requires."""
    c = compact(code)
    return bool({System.ICD10CM: _ICD, System.CPT: _CPT, System.HCPCS: _HCPCS}[system].match(c))


def canonical(code: str, system: System) -> str:
    """The spelling shown to coders: dotted ICD-10-CM, bare CPT and HCPCS."""
    return icd_dotted(code) if system is System.ICD10CM else compact(code)


# CPT E/M families whose codes state a visit level (add-on and counselling codes are not levels).
EM_LEVEL_RANGES = (
    (99202, 99215), (99221, 99239), (99242, 99255), (99281, 99285), (99291, 99291),
    (99304, 99310), (99381, 99397), (99460, 99463), (99495, 99496),
)


def is_em_level_code(code: str) -> bool:
    """Whether a CPT code is an E/M visit level (99214, 99284...)."""
    return code.isdigit() and any(lo <= int(code) <= hi for lo, hi in EM_LEVEL_RANGES)
