"""Rules for injuries and external causes: 7th characters, sequelae, external cause placement."""

from __future__ import annotations

from medcoder_tui.sequencing.context import Context, Dx, issue
from medcoder_tui.sequencing.conventions import EXTERNAL, PLACE_ACTIVITY, SEQUELA, SEQUELA_CATEGORIES, SEVENTH
from medcoder_tui.sequencing.models import Issue


def encounter_kind(d: Dx) -> str | None:
    """``initial``, ``subsequent`` or ``sequela`` from the 7th character's meaning, else None."""
    if len(d.key) != 7 or not d.entry.seven_chr:
        return None
    meaning = d.entry.seven_chr.get(d.key[6], "").lower()
    for kind in ("initial", "subsequent", "sequela"):
        if kind in meaning:
            return kind
    return None


def is_external(key: str) -> bool:
    """External cause codes: V00-Y99."""
    return key[:1] in ("V", "W", "X", "Y")


def is_injury(key: str) -> bool:
    """Chapter 19 injury, poisoning and consequences of external causes: S00-T88."""
    return key[:1] == "S" or ("T00" <= key[:3] <= "T88")


def is_sequela(d: Dx) -> bool:
    """A sequela (late-effect) code: 7th character S, or a 'sequelae of' category."""
    return (encounter_kind(d) == "sequela" and not is_external(d.key)) or d.key[:3] in SEQUELA_CATEGORIES


def rule_seventh_character(ctx: Context) -> list[Issue]:
    """External cause 7th characters match the injury; injuries of one encounter agree."""
    out: list[Issue] = []
    injuries = [(d, encounter_kind(d)) for d in ctx.dx if is_injury(d.key) and encounter_kind(d)]
    kinds = {k for _, k in injuries}
    for d in ctx.dx:
        kind = encounter_kind(d)
        if is_external(d.key) and kind and injuries and kind not in kinds:
            out.append(issue("external_cause_7th", "error", [d.code, *(i.code for i, _ in injuries)],
                             f"{d.code} is coded as {kind} encounter but the injuries are "
                             f"{' / '.join(sorted(kinds))}; the external cause's 7th character must match.",
                             SEVENTH))
    if {"initial", "subsequent"} <= kinds:
        codes = [i.code for i, k in injuries if k in ("initial", "subsequent")]
        out.append(issue("seventh_character_mix", "warning", codes,
                         "Injuries in this encounter mix initial and subsequent 7th characters; check that "
                         "each matches the care given for that injury.", SEVENTH))
    return out


def rule_sequela(ctx: Context) -> list[Issue]:
    """The nature of the sequela comes first, the sequela code after it."""
    out: list[Issue] = []
    residuals = [d for d in ctx.dx if not is_sequela(d) and not is_external(d.key)]
    for d in ctx.dx:
        if not is_sequela(d):
            continue
        if not residuals:
            out.append(issue("sequela_nature_missing", "warning", [d.code],
                             f"{d.code} is a sequela code; code the residual condition (the nature of the sequela) "
                             "and sequence it first.", SEQUELA))
        elif all(r.index > d.index for r in residuals):
            out.append(issue("sequela_first", "error", [d.code, residuals[0].code],
                             f"{d.code} is a sequela code; the nature of the sequela ({residuals[0].code}) "
                             "is sequenced first.", SEQUELA))
    return out


def rule_external_cause(ctx: Context) -> list[Issue]:
    """External cause codes (V00-Y99) are never first-listed."""
    if ctx.dx and is_external(ctx.dx[0].key):
        d = ctx.dx[0]
        return [issue("external_cause_first", "error", [d.code],
                      f"{d.code} is an external cause code; it can never be principal or first-listed. "
                      "Sequence the injury or condition first.", EXTERNAL)]
    return []


_PLACE_ACTIVITY = {"Y92": "place of occurrence", "Y93": "activity", "Y99": "external cause status"}


def rule_place_activity(ctx: Context) -> list[Issue]:
    """Y92, Y93 and Y99: one code each, reported only with the initial encounter of the injury."""
    out: list[Issue] = []
    kinds = {encounter_kind(d) for d in ctx.dx if is_injury(d.key) or is_external(d.key)} - {None}
    for category, label in _PLACE_ACTIVITY.items():
        found = [d for d in ctx.dx if d.key.startswith(category)]
        if len(found) > 1:
            out.append(issue("place_activity_once", "warning", [d.code for d in found],
                             f"Only one {label} code ({category}) is reported per encounter.", PLACE_ACTIVITY))
        if found and kinds and "initial" not in kinds:
            out.append(issue("place_activity_initial_only", "warning", [found[0].code],
                             f"{found[0].code} ({label}) is reported only at the initial encounter; this case's "
                             f"injuries are {' / '.join(sorted(kinds))}.", PLACE_ACTIVITY))
    return out
