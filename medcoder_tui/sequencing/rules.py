"""The sequencing rules: each takes the diagnoses in order and returns the issues it finds.

Every rule is a plain function over :class:`Dx` items (position, code, tabular
entry) and cites the guideline or tabular convention it enforces. The rules
decide only what the written conventions decide; anything that depends on
documentation the checker cannot see is a warning, not an error.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from medcoder_tui.codes.service import IcdEntry
from medcoder_tui.sequencing.conventions import (
    CODE_ALSO,
    COMBINATION,
    ETIOLOGY,
    EXCLUDES1,
    EXTERNAL,
    HEART,
    OBSTETRIC,
    PLACE_ACTIVITY,
    SEQUELA,
    SEQUELA_CATEGORIES,
    SEVENTH,
    SYMPTOM_MAP,
    SYMPTOMS,
    UNCERTAIN,
    USE_ADDITIONAL,
    Z_FIRST,
    Z_FIRST_EXCEPT,
    Z_FIRST_ONLY,
    Z_NOT_PRINCIPAL,
    Z_SECONDARY,
    Z_SECONDARY_ONLY,
)
from medcoder_tui.sequencing.models import Issue, Severity
from medcoder_tui.sequencing.refs import CodeRef, any_match, describe_refs, is_hedged, parse_refs


@dataclass
class Dx:
    """A diagnosis in the proposed order."""

    index: int                     # 0 = principal/first-listed
    code: str                      # dotted
    key: str                       # compact
    entry: IcdEntry


@dataclass
class Context:
    """What the rules see: the ICD-10-CM diagnoses in order, the setting and the uncertain codes."""

    dx: list[Dx]
    setting: str = "outpatient"
    uncertain: dict[str, str] = field(default_factory=dict)   # grounding flagged it: compact code -> why
    note_uncertain: dict[str, str] = field(default_factory=dict)  # the note's mentions look uncertain
    negated: dict[str, str] = field(default_factory=dict)


Rule = Callable[[Context], list[Issue]]


def _issue(rule: str, severity: Severity, codes: list[str], message: str, convention: str) -> Issue:
    return Issue(rule=rule, severity=severity, codes=codes, message=message, convention=convention)


def _refs(note: str, own: str) -> list[CodeRef]:
    """References of a note, minus those naming the code itself."""
    return [r for r in parse_refs(note) if not r.matches(own)]


def _companions(refs: list[CodeRef], dx: list[Dx], own: Dx) -> list[Dx]:
    return [d for d in dx if d.key != own.key and any_match(refs, d.key)]


# -- 7th characters ---------------------------------------------------------------------------

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
    return encounter_kind(d) == "sequela" and not is_external(d.key) or d.key[:3] in SEQUELA_CATEGORIES


# -- the rules --------------------------------------------------------------------------------

def rule_manifestation(ctx: Context) -> list[Issue]:
    """Manifestation codes never come first and follow their etiology; other 'code first' notes order pairs."""
    out: list[Issue] = []
    for d in ctx.dx:
        note = d.entry.code_first
        refs = _refs(note, d.key)
        found = _companions(refs, ctx.dx, d)
        before = [c for c in found if c.index < d.index]
        after = [c for c in found if c.index > d.index]
        if d.entry.manifestation:
            if d.index == 0:
                out.append(_issue("manifestation_first", "error", [d.code, *(c.code for c in found)],
                                  f"{d.code} is a manifestation code ('in diseases classified elsewhere'); it is never "
                                  "first-listed or principal. Sequence the underlying condition first.", ETIOLOGY))
            elif after and not before:
                out.append(_issue("etiology_order", "error", [d.code, *(c.code for c in after)],
                                  f"{d.code} is a manifestation; its etiology {', '.join(c.code for c in after)} "
                                  "must come before it.", ETIOLOGY))
            elif refs and not found:
                out.append(_issue("etiology_missing", "warning", [d.code],
                                  f"{d.code} is a manifestation; code its underlying condition first "
                                  f"(e.g. {describe_refs(refs)}).", ETIOLOGY))
        elif refs:
            if after and not before:
                out.append(_issue("code_first_order", "error", [d.code, *(c.code for c in after)],
                                  f"{d.code} has a 'code first' note: {', '.join(c.code for c in after)} "
                                  f"({after[0].entry.title}) must be sequenced before it.", ETIOLOGY))
            elif not found and not is_hedged(note) and "underlying" in note.lower():
                out.append(_issue("code_first_missing", "warning", [d.code],
                                  f"{d.code} says 'code first' {describe_refs(refs)}; code the underlying "
                                  "condition first if it is documented.", ETIOLOGY))
    return out


def rule_use_additional(ctx: Context) -> list[Issue]:
    """'Use additional code' and 'code also' companions that are missing (or, for use-additional, ahead)."""
    out: list[Issue] = []
    for d in ctx.dx:
        for note, rule, convention, label in (
            (d.entry.use_additional, "use_additional", USE_ADDITIONAL, "use additional code"),
            (d.entry.code_also, "code_also", CODE_ALSO, "code also"),
        ):
            refs = _refs(note, d.key)
            if not refs:
                continue
            found = _companions(refs, ctx.dx, d)
            if not found:
                # A note listing alternatives line by line ("insulin (Z79.4) / oral drugs (Z79.84)")
                # applies only when one of them is documented; a single companion is expected.
                alternatives = sum(1 for line in note.splitlines() if parse_refs(line)) > 1
                if not is_hedged(note) and not alternatives:
                    what = refs[0].phrase or "the companion condition"
                    out.append(_issue(f"{rule}_missing", "warning", [d.code],
                                      f"{d.code} says '{label}' ({what}: {describe_refs(refs)}); none is coded.",
                                      convention))
            elif rule == "use_additional" and all(c.index < d.index for c in found):
                out.append(_issue("use_additional_order", "warning", [d.code, *(c.code for c in found)],
                                  f"{', '.join(c.code for c in found)} is the additional code for {d.code}; "
                                  f"it normally follows {d.code}.", convention))
    return out


_QUALIFIED = re.compile(r"\b(with|without|in|due to|associated|following|complicating)\b", re.I)


def rule_excludes1(ctx: Context) -> list[Issue]:
    """Pairs of codes where one's Excludes1 note names the other.

    A note that names whole categories but qualifies them ("peptic ulcer with
    hemorrhage (K25-K28)", "coma in diabetes (E08-E13)") only excludes some of
    their codes, which the reference cannot tell apart: that pair is a warning.
    """
    out: list[Issue] = []
    seen: set[frozenset[str]] = set()
    for d in ctx.dx:
        for line in d.entry.excludes1:
            refs = _refs(line, d.key)
            for other in _companions(refs, ctx.dx, d):
                pair = frozenset((d.key, other.key))
                if pair in seen:
                    continue
                seen.add(pair)
                ref = any_match(refs, other.key)
                broad = ref is not None and len(ref.low) == 3 and not ref.after_low
                if broad and _QUALIFIED.search(ref.phrase):
                    out.append(_issue("excludes1_review", "warning", [d.code, other.code],
                                      f"{d.code} Excludes1 '{line}': check whether {other.code} is that condition; "
                                      "if so, the two are not coded together.", EXCLUDES1))
                    continue
                out.append(_issue("excludes1", "error", [d.code, other.code],
                                  f"{d.code} Excludes1 '{line}': {other.code} may not be coded with it, "
                                  "unless the two conditions are unrelated.", EXCLUDES1))
    return out


def rule_seventh_character(ctx: Context) -> list[Issue]:
    """External cause 7th characters match the injury; injuries of one encounter agree."""
    out: list[Issue] = []
    injuries = [(d, encounter_kind(d)) for d in ctx.dx if is_injury(d.key) and encounter_kind(d)]
    kinds = {k for _, k in injuries}
    for d in ctx.dx:
        kind = encounter_kind(d)
        if is_external(d.key) and kind and injuries and kind not in kinds:
            out.append(_issue("external_cause_7th", "error", [d.code, *(i.code for i, _ in injuries)],
                              f"{d.code} is coded as {kind} encounter but the injuries are "
                              f"{' / '.join(sorted(kinds))}; the external cause's 7th character must match.",
                              SEVENTH))
    if {"initial", "subsequent"} <= kinds:
        codes = [i.code for i, k in injuries if k in ("initial", "subsequent")]
        out.append(_issue("seventh_character_mix", "warning", codes,
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
            out.append(_issue("sequela_nature_missing", "warning", [d.code],
                              f"{d.code} is a sequela code; code the residual condition (the nature of the sequela) "
                              "and sequence it first.", SEQUELA))
        elif all(r.index > d.index for r in residuals):
            out.append(_issue("sequela_first", "error", [d.code, residuals[0].code],
                              f"{d.code} is a sequela code; the nature of the sequela ({residuals[0].code}) "
                              "is sequenced first.", SEQUELA))
    return out


def under(key: str, prefixes: tuple[str, ...]) -> bool:
    """Whether a compact code falls under any of the (dotted or compact) prefixes."""
    return any(key.startswith(p.replace(".", "")) for p in prefixes)


def rule_z_codes(ctx: Context) -> list[Issue]:
    """Z codes that may only be first, and Z codes that may never be."""
    out: list[Issue] = []
    first = ctx.dx[0] if ctx.dx else None
    for d in ctx.dx:
        first_only = under(d.key, Z_FIRST_ONLY) and not under(d.key, Z_FIRST_EXCEPT)
        if first_only and d.index > 0:
            both = first is not None and under(first.key, Z_FIRST_ONLY) and not under(first.key, Z_FIRST_EXCEPT)
            out.append(_issue("z_first_only", "warning" if both else "error", [d.code],
                              f"{d.code} ({d.entry.title}) may only be the principal or first-listed diagnosis.",
                              Z_FIRST))
        if d.index == 0 and under(d.key, Z_SECONDARY_ONLY):
            out.append(_issue("z_secondary_only", "error", [d.code],
                              f"{d.code} ({d.entry.title}) may only be reported as a secondary diagnosis.",
                              Z_SECONDARY))
        elif d.index == 0 and under(d.key, Z_NOT_PRINCIPAL) and not under(d.key, ("Z99.12",)):
            severity: Severity = "error" if ctx.setting == "inpatient" else "warning"
            out.append(_issue("z_secondary_only", severity, [d.code],
                              f"{d.code} ({d.entry.title}) is a status or history code, not acceptable as "
                              "principal or first-listed; sequence the reason for the encounter first.",
                              Z_SECONDARY))
    return out


def rule_external_cause(ctx: Context) -> list[Issue]:
    """External cause codes (V00-Y99) are never first-listed."""
    if ctx.dx and is_external(ctx.dx[0].key):
        d = ctx.dx[0]
        return [_issue("external_cause_first", "error", [d.code],
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
            out.append(_issue("place_activity_once", "warning", [d.code for d in found],
                              f"Only one {label} code ({category}) is reported per encounter.", PLACE_ACTIVITY))
        if found and kinds and "initial" not in kinds:
            out.append(_issue("place_activity_initial_only", "warning", [found[0].code],
                              f"{found[0].code} ({label}) is reported only at the initial encounter; this case's "
                              f"injuries are {' / '.join(sorted(kinds))}.", PLACE_ACTIVITY))
    return out


def rule_uncertain(ctx: Context) -> list[Issue]:
    """Outpatient and ED: no probable/suspected/rule-out diagnosis coded as confirmed."""
    out: list[Issue] = []
    for d in ctx.dx:
        if d.key in ctx.negated:
            out.append(_issue("negated_in_note", "warning", [d.code],
                              f"{d.code}: {ctx.negated[d.key]}; check that the condition is present.", UNCERTAIN))
        if ctx.setting == "inpatient":
            continue
        if d.key in ctx.uncertain:
            out.append(_issue("uncertain_outpatient", "error", [d.code],
                              f"{d.code} is documented as uncertain ({ctx.uncertain[d.key]}); in {ctx.setting} "
                              "coding, code the signs, symptoms or findings instead.", UNCERTAIN))
        elif d.key in ctx.note_uncertain:
            out.append(_issue("uncertain_in_note", "warning", [d.code],
                              f"{d.code} may be uncertain ({ctx.note_uncertain[d.key]}); in {ctx.setting} coding, "
                              "an uncertain diagnosis is not coded as confirmed.", UNCERTAIN))
    return out


_SYMPTOM_REFS = tuple((parse_refs(f"({symptom})"), parse_refs(f"({causes})")) for symptom, causes in SYMPTOM_MAP)


def _explaining(key: str) -> list[CodeRef]:
    for symptom, causes in _SYMPTOM_REFS:
        if any_match(symptom, key):
            return causes
    return []


def rule_integral_symptoms(ctx: Context) -> list[Issue]:
    """Symptom codes listed with a confirmed diagnosis of the body system that explains them."""
    out: list[Issue] = []
    for d in ctx.dx:
        if not d.key.startswith("R"):
            continue
        targets = _explaining(d.key)
        related = [o for o in ctx.dx if o.key != d.key and o.key not in ctx.uncertain
                   and o.key not in ctx.note_uncertain
                   and any_match(targets, o.key)]
        if related:
            where = "first-listed ahead of" if d.index == 0 else "listed with"
            out.append(_issue("integral_symptom", "warning", [d.code, *(o.code for o in related)],
                              f"{d.code} ({d.entry.title}) is {where} the confirmed diagnosis "
                              f"{related[0].code} ({related[0].entry.title}); omit the symptom if it is routinely "
                              "part of that condition.", SYMPTOMS))
    return out


def rule_combination(ctx: Context) -> list[Issue]:
    """Essential hypertension coded next to CKD or heart failure, where a combination code applies."""
    out: list[Issue] = []
    keys = [d.key for d in ctx.dx]
    for d in ctx.dx:
        if d.key != "I10":
            continue
        ckd = [o for o in ctx.dx if o.key.startswith("N18")]
        heart = [o for o in ctx.dx if o.key.startswith(HEART)]
        if ckd and heart:
            target, what, others = "I13.-", "heart disease and chronic kidney disease", ckd + heart
        elif ckd:
            target, what, others = "I12.-", "chronic kidney disease", ckd
        elif heart:
            target, what, others = "I11.-", "heart disease", heart
        else:
            continue
        if any(k.startswith(target[:3]) for k in keys):
            continue
        out.append(_issue("hypertension_combination", "warning", [d.code, *(o.code for o in others)],
                          f"Hypertension with {what} is presumed linked: use {target} instead of {d.code} "
                          "unless the provider documents the conditions as unrelated.", COMBINATION))
    return out


def rule_obstetric(ctx: Context) -> list[Issue]:
    """In a pregnancy case a chapter 15 (O) code leads, unless the pregnancy is incidental (Z33.1)."""
    if not ctx.dx or ctx.dx[0].key.startswith("O"):
        return []
    obstetric = [d for d in ctx.dx if d.key.startswith("O")]
    first = ctx.dx[0]
    if not obstetric or first.key.startswith(("Z33", "Z34", "Z3A", "Z37", "Z39")):
        return []
    return [_issue("obstetric_first", "warning", [first.code, obstetric[0].code],
                   f"{obstetric[0].code} is a pregnancy code: chapter 15 codes are sequenced before {first.code} "
                   "unless the provider documents the pregnancy as incidental (then Z33.1, no O codes).",
                   OBSTETRIC)]


RULES: tuple[Rule, ...] = (
    rule_manifestation,
    rule_use_additional,
    rule_excludes1,
    rule_seventh_character,
    rule_sequela,
    rule_z_codes,
    rule_external_cause,
    rule_place_activity,
    rule_uncertain,
    rule_integral_symptoms,
    rule_combination,
    rule_obstetric,
)


def run_rules(ctx: Context) -> list[Issue]:
    """Every rule over the context, with the same finding (rule + codes) reported once."""
    issues: list[Issue] = []
    seen: set[tuple[str, tuple[str, ...]]] = set()
    for rule in RULES:
        for issue in rule(ctx):
            key = (issue.rule, tuple(issue.codes))
            if key not in seen:
                seen.add(key)
                issues.append(issue)
    return _drop_shadowed(issues)


def _drop_shadowed(issues: list[Issue]) -> list[Issue]:
    """A use-additional order warning repeats a code-first order error on the same pair: keep the error."""
    stronger = ("code_first_order", "etiology_order", "manifestation_first")
    ordered = {frozenset(i.codes) for i in issues if i.rule in stronger}
    return [i for i in issues if not (i.rule == "use_additional_order" and frozenset(i.codes) in ordered)]
