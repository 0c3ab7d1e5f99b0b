"""CPT/HCPCS modifiers and units of service: the small set medcoder knows, and the checks on a claim line.

The meanings are medcoder's own plain words (no AMA text). The set is the
modifiers a professional coder adds most often: the E/M and distinct-service
modifiers, laterality and body-part modifiers, repeat and reduced services,
professional/technical splits, and the drug-waste modifiers. A line may carry
up to four modifiers (the claim form's slots) and a whole number of units.
"""

from __future__ import annotations

import re

from medcoder_tui.codes.systems import System

MAX_MODIFIERS = 4
MAX_UNITS = 999

MODIFIERS: dict[str, str] = {
    "22": "the service took substantially more work than usual",
    "24": "an unrelated E/M visit during the postoperative period",
    "25": "a significant, separately identifiable E/M visit on the same day as a procedure",
    "26": "the professional part (the reading) of a service only",
    "50": "a bilateral procedure done in one session",
    "51": "one of several procedures in the same session",
    "52": "the service was reduced or partly done",
    "53": "the procedure was stopped after it started",
    "57": "the E/M visit at which the decision for major surgery was made",
    "58": "a staged or related procedure in the postoperative period",
    "59": "a distinct procedure or service, separate from the others that day",
    "76": "the same procedure repeated by the same clinician",
    "77": "the same procedure repeated by another clinician",
    "78": "an unplanned return to the operating room for a related procedure",
    "79": "an unrelated procedure in the postoperative period",
    "91": "a lab test repeated on the same day for a new result",
    "95": "a service given by real-time audio and video telehealth",
    "TC": "the technical part of a service only (equipment and staff)",
    "XE": "a separate encounter on the same day",
    "XS": "a separate organ or body structure",
    "XP": "a different practitioner",
    "XU": "an unusual service that does not overlap the usual parts of the main one",
    "LT": "left side of the body",
    "RT": "right side of the body",
    "E1": "upper left eyelid", "E2": "lower left eyelid", "E3": "upper right eyelid", "E4": "lower right eyelid",
    "FA": "left hand, thumb", "F1": "left hand, second digit", "F2": "left hand, third digit",
    "F3": "left hand, fourth digit", "F4": "left hand, fifth digit", "F5": "right hand, thumb",
    "F6": "right hand, second digit", "F7": "right hand, third digit", "F8": "right hand, fourth digit",
    "F9": "right hand, fifth digit",
    "TA": "left foot, great toe", "T1": "left foot, second digit", "T2": "left foot, third digit",
    "T3": "left foot, fourth digit", "T4": "left foot, fifth digit", "T5": "right foot, great toe",
    "T6": "right foot, second digit", "T7": "right foot, third digit", "T8": "right foot, fourth digit",
    "T9": "right foot, fifth digit",
    "JW": "the amount of a single-use drug vial that was discarded",
    "JZ": "no amount of a single-use drug vial was discarded",
    "GA": "a waiver of liability (advance notice) is on file",
    "GY": "a service the payer does not cover by law",
    "GZ": "a service expected to be denied, with no advance notice on file",
    "QW": "a lab test waived under CLIA",
    "KX": "the payer's documentation requirements are met",
}

# Modifiers of which a line carries at most one, with what to do instead.
_EXCLUSIVE: tuple[tuple[frozenset[str], str], ...] = (
    (frozenset({"LT", "RT"}), "a procedure on both sides is one line with 50, or one line per side"),
    (frozenset({"50", "LT", "RT"}), "50 already says both sides"),
    (frozenset({"59", "XE", "XS", "XP", "XU"}), "use the most specific one of 59, XE, XS, XP, XU"),
    (frozenset({"26", "TC"}), "the professional and technical parts together are the global service: no modifier"),
    (frozenset({"JW", "JZ"}), "a vial is either partly discarded (JW) or not at all (JZ)"),
)
_FORMAT = re.compile(r"^[A-Z0-9]{2}$")
_EM = re.compile(r"^99[2-4]\d\d$")


class LineError(ValueError):
    """Modifiers or units that cannot go on a claim line, told in one sentence."""


def parse_modifiers(text: str | list[str] | tuple[str, ...] | None) -> list[str]:
    """Modifiers from what a coder types ("25", "25 59", "-25,-LT") in upper case, in order."""
    if text is None:
        return []
    parts = text if isinstance(text, (list, tuple)) else re.split(r"[\s,;/\-]+", text)
    return [p.strip().upper() for p in parts if p and p.strip()]


def parse_units(value: str | int | None) -> int | None:
    """Units from text or a number; None for nothing typed. LineError unless a whole number 1-999."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise LineError("units must be a whole number from 1 to 999")
    if isinstance(value, str):
        if not re.fullmatch(r"\s*\d{1,6}\s*", value):
            raise LineError(f"units must be a whole number from 1 to {MAX_UNITS}, not {value.strip()!r}")
        value = int(value)
    if not isinstance(value, int) or not 1 <= value <= MAX_UNITS:
        raise LineError(f"units must be a whole number from 1 to {MAX_UNITS}, not {value!r}")
    return value


def check_line(system: System, code: str, modifiers: list[str], units: int | None) -> None:
    """Raise LineError when ``modifiers`` or ``units`` cannot go with ``code`` on a claim line."""
    if system is System.ICD10CM:
        if modifiers or units is not None:
            raise LineError(f"{code} is an ICD-10-CM diagnosis: modifiers and units go on CPT/HCPCS lines only")
        return
    parse_units(units)
    seen: set[str] = set()
    for mod in modifiers:
        if not _FORMAT.match(mod):
            raise LineError(f"modifier {mod!r} is not two letters or digits (e.g. 25, 59, RT)")
        if mod not in MODIFIERS:
            raise LineError(f"unknown modifier {mod}; medcoder knows {', '.join(sorted(MODIFIERS))} "
                            "(`medcoder modifiers` says what each means)")
        if mod in seen:
            raise LineError(f"modifier {mod} is listed twice")
        seen.add(mod)
    if len(modifiers) > MAX_MODIFIERS:
        raise LineError(f"a line carries at most {MAX_MODIFIERS} modifiers, not {len(modifiers)}")
    for group, why in _EXCLUSIVE:
        both = [m for m in modifiers if m in group]
        if len(both) > 1:
            raise LineError(f"modifiers {' and '.join(both)} do not go together: {why}")
    if "25" in seen and not (system is System.CPT and _EM.match(code)):
        raise LineError(f"modifier 25 marks an E/M visit (99202-99499), not {code}")


def line_text(code: str, modifiers: list[str], units: int | None) -> str:
    """The line as coders write it: ``99214-25``, ``J1100 x 4``, ``20610-RT-59 x 1``."""
    text = "-".join([code, *modifiers])
    return f"{text} x {units}" if units is not None else text
