"""The sequencing rules: each takes the diagnoses in order and returns the issues it finds.

Every rule is a plain function over :class:`Dx` items (position, code, tabular
entry) and cites the guideline or tabular convention it enforces. The rules
decide only what the written conventions decide; anything that depends on
documentation the checker cannot see is a warning, not an error.
"""

from __future__ import annotations

import re

from medcoder_tui.sequencing.context import Context, Rule, companions, issue, note_refs
from medcoder_tui.sequencing.conventions import (
    CODE_ALSO,
    COMBINATION,
    ETIOLOGY,
    EXCLUDES1,
    HEART,
    OBSTETRIC,
    SCREENING,
    SCREENING_FIRST,
    SIRS,
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
from medcoder_tui.sequencing.contradiction import rule_absent_condition
from medcoder_tui.sequencing.injury import (
    rule_external_cause,
    rule_place_activity,
    rule_sequela,
    rule_seventh_character,
)
from medcoder_tui.sequencing.models import Issue, Severity
from medcoder_tui.codes.refs import CodeRef, any_match, describe_refs, injury_sites_apart, is_hedged, parse_refs


# -- the rules --------------------------------------------------------------------------------

_ORGANISM = ("B95", "B96", "B97")


def rule_manifestation(ctx: Context) -> list[Issue]:
    """Manifestation codes never come first and follow their etiology; other 'code first' notes order pairs."""
    out: list[Issue] = []
    for d in ctx.dx:
        note = d.entry.code_first
        refs = note_refs(note, d.key)
        found = companions(refs, ctx.dx, d)
        before = [c for c in found if c.index < d.index]
        after = [c for c in found if c.index > d.index]
        if d.entry.manifestation:
            if d.index == 0:
                what = ("an organism code for diseases classified elsewhere (B95-B97)" if d.key[:3] in _ORGANISM
                        else "a manifestation code ('in diseases classified elsewhere')")
                out.append(issue("manifestation_first", "error", [d.code, *(c.code for c in found)],
                                 f"{d.code} is {what}; it is never first-listed or principal. Sequence the "
                                 "underlying condition first.", ETIOLOGY))
            elif after and not before:
                out.append(issue("etiology_order", "error", [d.code, *(c.code for c in after)],
                                 f"{d.code} is a manifestation; its etiology {', '.join(c.code for c in after)} "
                                 "must come before it.", ETIOLOGY))
            elif refs and not found:
                out.append(issue("etiology_missing", "warning", [d.code],
                                 f"{d.code} is a manifestation; code its underlying condition first "
                                 f"(e.g. {describe_refs(refs)}).", ETIOLOGY))
        elif refs:
            if after and not before:
                out.append(issue("code_first_order", "error", [d.code, *(c.code for c in after)],
                                 f"{d.code} has a 'code first' note: {', '.join(c.code for c in after)} "
                                 f"({after[0].entry.title}) must be sequenced before it.", ETIOLOGY))
            elif not found and not is_hedged(note) and "underlying" in note.lower():
                out.append(issue("code_first_missing", "warning", [d.code],
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
            refs = note_refs(note, d.key)
            if not refs:
                continue
            found = companions(refs, ctx.dx, d)
            if not found:
                # A note listing alternatives line by line ("insulin (Z79.4) / oral drugs (Z79.84)")
                # applies only when one of them is documented; a single companion is expected.
                alternatives = sum(1 for line in note.splitlines() if parse_refs(line)) > 1
                if not is_hedged(note) and not alternatives:
                    what = refs[0].phrase or "the companion condition"
                    out.append(issue(f"{rule}_missing", "warning", [d.code],
                                     f"{d.code} says '{label}' ({what}: {describe_refs(refs)}); none is coded.",
                                     convention))
            elif rule == "use_additional" and all(c.index < d.index for c in found):
                out.append(issue("use_additional_order", "warning", [d.code, *(c.code for c in found)],
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
            refs = note_refs(line, d.key)
            for other in companions(refs, ctx.dx, d):
                pair = frozenset((d.key, other.key))
                if pair in seen:
                    continue
                seen.add(pair)
                ref = any_match(refs, other.key)
                if ref is not None and ref.qualifier and ref.qualifier not in other.entry.title.lower():
                    continue   # "E08-E10, E11, E13 with ketoacidosis": E11.22 is no ketoacidosis
                if injury_sites_apart(d.code, d.entry.title, other.code, other.entry.title):
                    continue   # two injuries of different sites: unrelated, coded together (I.A.12.a)
                broad = ref is not None and len(ref.low) == 3 and not ref.after_low
                if broad and _QUALIFIED.search(ref.phrase):
                    out.append(issue("excludes1_review", "warning", [d.code, other.code],
                                     f"{d.code} Excludes1 '{line}': check whether {other.code} is that condition; "
                                     "if so, the two are not coded together.", EXCLUDES1))
                    continue
                out.append(issue("excludes1", "error", [d.code, other.code],
                                 f"{d.code} Excludes1 '{line}': {other.code} may not be coded with it, "
                                 "unless the two conditions are unrelated.", EXCLUDES1))
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
            out.append(issue("z_first_only", "warning" if both else "error", [d.code],
                             f"{d.code} ({d.entry.title}) may only be the principal or first-listed diagnosis.",
                             Z_FIRST))
        if d.index == 0 and under(d.key, Z_SECONDARY_ONLY):
            out.append(issue("z_secondary_only", "error", [d.code],
                             f"{d.code} ({d.entry.title}) may only be reported as a secondary diagnosis.",
                             Z_SECONDARY))
        elif d.index == 0 and under(d.key, Z_NOT_PRINCIPAL) and not under(d.key, ("Z99.12",)):
            severity: Severity = "error" if ctx.setting == "inpatient" else "warning"
            out.append(issue("z_secondary_only", severity, [d.code],
                             f"{d.code} ({d.entry.title}) is a status or history code, not acceptable as "
                             "principal or first-listed; sequence the reason for the encounter first.",
                             Z_SECONDARY))
    return out


def rule_screening_first(ctx: Context) -> list[Issue]:
    """Outpatient: a screening code is first-listed when the screening is the reason for the encounter."""
    if ctx.setting == "inpatient" or not ctx.dx or under(ctx.dx[0].key, SCREENING):
        return []
    first = ctx.dx[0]
    if under(first.key, Z_FIRST_ONLY) and not under(first.key, Z_FIRST_EXCEPT):
        return []   # a general exam (Z00, Z01) leads and the screening follows it
    return [issue("screening_first", "warning", [d.code, first.code],
                  f"{d.code} ({d.entry.title}) is a screening code: when the screening is the reason for the "
                  f"encounter it is first-listed, and findings such as {first.code} follow it.", SCREENING_FIRST)
            for d in ctx.dx[1:] if under(d.key, SCREENING)][:1]


def rule_sirs_first(ctx: Context) -> list[Issue]:
    """SIRS and severe sepsis (R65.1-, R65.2-) are never principal: the underlying condition or infection leads."""
    if ctx.dx and ctx.dx[0].key.startswith(("R651", "R652")):
        d = ctx.dx[0]
        return [issue("sirs_first", "error", [d.code],
                      f"{d.code} ({d.entry.title}) cannot be principal or first-listed; sequence the underlying "
                      "infection or condition first.", SIRS)]
    return []


def rule_uncertain(ctx: Context) -> list[Issue]:
    """Outpatient and ED: no probable/suspected/rule-out diagnosis coded as confirmed."""
    out: list[Issue] = []
    for d in ctx.dx:
        if d.key in ctx.negated:
            out.append(issue("negated_in_note", "warning", [d.code],
                             f"{d.code}: {ctx.negated[d.key]}; check that the condition is present.", UNCERTAIN))
        if ctx.setting == "inpatient":
            continue
        if d.key in ctx.uncertain:
            out.append(issue("uncertain_outpatient", "error", [d.code],
                             f"{d.code} is documented as uncertain ({ctx.uncertain[d.key]}); in {ctx.setting} "
                             "coding, code the signs, symptoms or findings instead.", UNCERTAIN))
        elif d.key in ctx.note_uncertain:
            out.append(issue("uncertain_in_note", "warning", [d.code],
                             f"{d.code} may be uncertain ({ctx.note_uncertain[d.key]}); in {ctx.setting} coding, "
                             "an uncertain diagnosis is not coded as confirmed.", UNCERTAIN))
    return out


_SYMPTOM_REFS = tuple((parse_refs(f"({symptom})"), parse_refs(f"({causes})")) for symptom, causes in SYMPTOM_MAP)


def explaining(key: str) -> list[CodeRef]:
    """The confirmed diagnoses (as code references) that routinely explain symptom code ``key``."""
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
        targets = explaining(d.key)
        related = [o for o in ctx.dx if o.key != d.key and o.key not in ctx.uncertain
                   and o.key not in ctx.note_uncertain
                   and any_match(targets, o.key)]
        if related:
            where = "first-listed ahead of" if d.index == 0 else "listed with"
            out.append(issue("integral_symptom", "warning", [d.code, *(o.code for o in related)],
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
        out.append(issue("hypertension_combination", "warning", [d.code, *(o.code for o in others)],
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
    return [issue("obstetric_first", "warning", [first.code, obstetric[0].code],
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
    rule_screening_first,
    rule_external_cause,
    rule_place_activity,
    rule_sirs_first,
    rule_uncertain,
    rule_integral_symptoms,
    rule_combination,
    rule_absent_condition,
    rule_obstetric,
)


def run_rules(ctx: Context) -> list[Issue]:
    """Every rule over the context, with the same finding (rule + codes) reported once."""
    issues: list[Issue] = []
    seen: set[tuple[str, tuple[str, ...]]] = set()
    for rule in RULES:
        for found in rule(ctx):
            key = (found.rule, tuple(found.codes))
            if key not in seen:
                seen.add(key)
                issues.append(found)
    return _drop_shadowed(issues)


def _drop_shadowed(issues: list[Issue]) -> list[Issue]:
    """A use-additional order warning repeats a code-first order error on the same pair: keep the error."""
    stronger = ("code_first_order", "etiology_order", "manifestation_first")
    ordered = {frozenset(i.codes) for i in issues if i.rule in stronger}
    return [i for i in issues if not (i.rule == "use_additional_order" and frozenset(i.codes) in ordered)]
