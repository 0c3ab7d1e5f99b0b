"""``check_sequence``: validate a proposed order of codes, run the rules, attach CC/MCC flags."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from medcoder_tui.codes.systems import System, canonical, compact
from medcoder_tui.sequencing.context import Context, Dx
from medcoder_tui.sequencing.conventions import DUPLICATE
from medcoder_tui.sequencing.models import Issue, SequencedCode, SequenceResult
from medcoder_tui.sequencing.rules import run_rules

SETTINGS = ("outpatient", "inpatient", "ed")
VALIDITY = "ICD-10-CM Official Guidelines I.A.2-I.A.5 (report valid, billable codes to the highest specificity)"


def _codesets(codesets=None):
    if codesets is not None:
        return codesets
    from medcoder_tui.codes.service import get_codesets

    return get_codesets()


def normalize_setting(setting: str | None) -> str:
    """``outpatient`` (default), ``inpatient`` or ``ed``; anything else is a ValueError."""
    value = (setting or "outpatient").strip().lower()
    value = {"op": "outpatient", "ip": "inpatient", "er": "ed", "emergency": "ed"}.get(value, value)
    if value not in SETTINGS:
        raise ValueError(f"unknown setting {setting!r}; use outpatient, inpatient or ed")
    return value


def check_sequence(
    codes: Iterable[tuple[str, System | str | None]] | Iterable[str],
    *,
    setting: str = "outpatient",
    note: str | None = None,
    uncertain_codes: Iterable[str] = frozenset(),
    codesets=None,
    source: str = "",
    drg: bool = False,
) -> SequenceResult:
    """Check codes given in their proposed order (diagnoses first-listed first; procedures in order).

    ``codes`` holds strings (system detected) or ``(code, system)`` pairs. The
    first ICD-10-CM code is the principal/first-listed diagnosis. Invalid and
    header codes stay in place with an ``invalid_code``/``not_billable`` error
    (the other rules skip them); a repeated code is dropped with an error. ``uncertain_codes`` are
    diagnoses grounding found only in uncertain context; with ``note`` the
    checker also re-reads the note for uncertain or negated mentions. ``drg``
    asks for an MS-DRG estimate (inpatient only).
    """
    cs = _codesets(codesets)
    setting = normalize_setting(setting)
    issues: list[Issue] = []
    diagnoses: list[SequencedCode] = []
    procedures: list[SequencedCode] = []
    dx_items: list[Dx] = []
    seen: dict[str, str] = {}

    for raw, system in _pairs(codes):
        result = cs.validate(raw, system)
        target = result.system or (System.parse(system) if system else System.ICD10CM)
        shown = result.normalized or (canonical(raw, target) if raw.strip() else raw)
        item = SequencedCode(code=shown, system=target, description=result.description,
                             valid=result.valid, billable=result.billable)
        if not result.valid or not result.billable:
            why = "; ".join(result.messages) or "not a valid code"
            hint = f" Did you mean {', '.join(result.suggestions[:3])}?" if result.suggestions else ""
            issues.append(Issue(rule="invalid_code" if not result.valid else "not_billable", severity="error",
                                codes=[shown], message=f"{shown or raw!r}: {why}.{hint}", convention=VALIDITY))
        key = f"{target.value}:{compact(shown)}"
        if key in seen:
            issues.append(Issue(rule="duplicate", severity="error", codes=[shown],
                                message=f"{shown} is listed twice; report it once.", convention=DUPLICATE))
            continue
        seen[key] = shown
        if target is System.ICD10CM:
            diagnoses.append(item)
            entry = cs.icd.get(shown) if result.valid else None
            if entry is not None and result.billable:
                dx_items.append(Dx(index=len(diagnoses) - 1, code=entry.code, key=compact(entry.code), entry=entry))
        else:
            procedures.append(item)

    uncertain = {compact(c): "flagged uncertain when the note was grounded" for c in uncertain_codes}
    note_uncertain: dict[str, str] = {}
    negated: dict[str, str] = {}
    if note:
        note_uncertain, negated = _note_context(note, tuple((d.key, d.entry.title) for d in dx_items))
    issues.extend(run_rules(Context(dx=dx_items, setting=setting, uncertain=uncertain,
                                    note_uncertain=note_uncertain, negated=negated, codesets=cs)))

    principal = diagnoses[0] if diagnoses else None
    _flag_cc(cs, principal, diagnoses[1:])
    errors = [i for i in issues if i.severity == "error"]
    warnings = [i for i in issues if i.severity == "warning"]
    for item in diagnoses + procedures:
        item.issues = [i for i in errors + warnings if item.code in i.codes]
    result = SequenceResult(setting=setting, principal=principal, secondary=diagnoses[1:], procedures=procedures,
                            errors=errors, warnings=warnings, source=source, cc_version=_cc_version(cs))
    if drg:
        _estimate(result)
    return result


def _estimate(result: SequenceResult) -> None:
    """An MS-DRG estimate from a valid principal diagnosis, or ``drg_note`` saying why there is none."""
    principal = result.principal
    if result.setting != "inpatient":
        result.drg_note = (f"no MS-DRG estimate: MS-DRGs group inpatient stays and this case is {result.setting} "
                           "(use --setting inpatient, or a discharge summary)")
        return
    if principal is None:
        result.drg_note = "no MS-DRG estimate: there is no principal diagnosis"
        return
    if not (principal.valid and principal.billable):
        result.drg_note = f"no MS-DRG estimate: the principal diagnosis {principal.code} is not a valid billable code"
        return
    blocking = [i for i in result.errors if principal.code in i.codes]
    if blocking:
        result.drg_note = (f"no MS-DRG estimate: the principal diagnosis {principal.code} has an error to fix "
                           f"first ({blocking[0].rule})")
        return
    from medcoder_tui.sequencing.drg import estimate_drg

    result.drg = estimate_drg(principal.code, [c.code for c in result.secondary if c.valid and c.billable])
    if result.drg is None:
        result.drg_note = f"no MS-DRG estimate: the grouper could not place principal diagnosis {principal.code}"


def _pairs(codes) -> list[tuple[str, System | str | None]]:
    out: list[tuple[str, System | str | None]] = []
    for c in codes:
        if isinstance(c, (tuple, list)):
            code, system = (c[0], c[1]) if len(c) > 1 else (c[0], None)
        else:
            code, system = c, None
        out.append((str(code), system))
    return out


def _flag_cc(cs, principal: SequencedCode | None, secondary: list[SequencedCode]) -> None:
    """CC/MCC from the CMS tables on each valid secondary diagnosis, after CC exclusion."""
    for item in secondary:
        if not item.valid or item.system is not System.ICD10CM:
            continue
        level = cs.cc_status(item.code)
        item.cms_level = level
        if level is None:
            continue
        if principal is not None and principal.valid and cs.cc_excluded(item.code, principal.code):
            item.cc_excluded = True
            continue
        item.mcc = level == "mcc"
        item.cc = level == "cc"
    if principal is not None and principal.valid and principal.system is System.ICD10CM:
        principal.cms_level = cs.cc_status(principal.code)


_cc_versions: dict[int, str] = {}


def _cc_version(cs) -> str:
    if id(cs) not in _cc_versions:
        try:
            _cc_versions[id(cs)] = cs.versions().get("cc_mcc", "")
        except Exception:  # noqa: BLE001 - a version label is never worth failing a check
            _cc_versions[id(cs)] = ""
    return _cc_versions[id(cs)]


# -- re-reading the note ---------------------------------------------------------------------

_STOP = frozenset("""unspecified other specified without with due type site sites part parts organism acute chronic
disease disorder disorders condition conditions left right bilateral initial subsequent encounter sequela
and the for not elsewhere classified mellitus complication complications essential primary secondary
localized generalized enlarged malignant benign neoplasm neoplasms congenital multiple single recurrent
persistent severe moderate abnormal findings history personal family status""".split())
_WORD = re.compile(r"[a-z]{5,}")


def _title_terms(title: str) -> list[str]:
    """The words of a title a note would use to name the condition ("pneumonia", "diabetes")."""
    head = title.lower().split(",")[0]
    return [w for w in _WORD.findall(head) if w not in _STOP][:3]


@lru_cache(maxsize=32)
def _analysis(note: str):
    try:
        from medcoder_tui.engines.analysis.clinical_text import analyze
    except ImportError:
        return None
    try:
        return analyze(note)
    except Exception:  # noqa: BLE001 - the re-check is advisory; the rules still run without it
        return None


def _note_context(note: str, dx: tuple[tuple[str, str], ...]) -> tuple[dict[str, str], dict[str, str]]:
    """Diagnoses whose every mention in the note is uncertain, and those whose every mention is negated."""
    analysis = _analysis(note)
    if analysis is None:
        return {}, {}
    lower = note.lower()
    uncertain: dict[str, str] = {}
    negated: dict[str, str] = {}
    for key, title in dx:
        terms = _title_terms(title)
        if not terms:
            continue
        kinds: list[set[str]] = []
        for term in terms:
            for m in re.finditer(rf"\b{re.escape(term)}", lower):
                kinds.append(analysis.context_at(m.start(), m.end()))
        if not kinds:
            continue
        if all("uncertain" in k for k in kinds):
            uncertain[key] = f"every mention of '{terms[0]}' in the note is uncertain"
        elif all("negated" in k for k in kinds):
            negated[key] = f"every mention of '{terms[0]}' in the note is negated"
    return uncertain, negated
