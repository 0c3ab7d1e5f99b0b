"""The coder's decisions as plain functions on a Case.

Each function changes the case in place and returns a :class:`Change` that
becomes one audit entry, or None when the request changes nothing (so no
write and no audit line). They raise StoreError for a request that must be
refused. Files, locks and time belong to the repository, not here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from medcoder_tui.codes.systems import System
from medcoder_tui.engines.models import BLOCKING_FLAGS, CONFIRM_FLAGS, SuggestionResult
from medcoder_tui.store.models import Case, CaseStatus, FinalCode, StoreError

ACCEPTED = "accepted"
REJECTED = "rejected"
# Actions undo can revert. The others (create, suggestions, note_changed) are
# facts about the note or the engine, not choices of the coder.
UNDOABLE = frozenset({"accept", "reject", "edit", "add_manual", "remove_final", "reorder", "status", "setting"})
SETTINGS = ("outpatient", "inpatient", "ed")
# Actions a completed case refuses until the coder reopens it (its codes are what was billed).
LOCKED_WHEN_COMPLETED = frozenset({"accept", "reject", "edit", "add_manual", "remove_final", "reorder",
                                   "setting", "suggestions"})


@dataclass
class Change:
    """What one decision did, as the audit trail records it."""

    action: str
    target: str | None
    before: Any
    after: Any
    group: str | None = None   # shared by the entries of one coder action (accept all); undone together
    reason: str | None = None  # the coder's reason, where the decision needed one

    @property
    def undoable(self) -> bool:
        return self.action in UNDOABLE


_SCALARS = ("status", "override", "status_reason", "setting", "completed_at", "completed_by")


def decision_state(case: Case) -> dict[str, Any]:
    """The part of a case that decisions change, as plain JSON values."""
    return {
        "decisions": dict(case.decisions),
        "final_codes": [fc.model_dump(mode="json") for fc in case.final_codes],
        "status": case.status.value,
        "override": case.override,
        "status_reason": case.status_reason,
        "setting": case.setting,
        "completed_at": case.completed_at.isoformat() if case.completed_at else None,
        "completed_by": case.completed_by,
    }


def undo_diff(before: dict[str, Any], case: Case) -> dict[str, Any]:
    """What undo needs to go from the case as it is now back to ``before``, kept small.

    Only changed decisions and fields are stored; the final list is stored as
    its keys, plus full records only for codes that are no longer on it, so an
    audit entry does not grow with the number of final codes' details.
    """
    after = decision_state(case)
    diff: dict[str, Any] = {}
    changed = {k: before["decisions"].get(k) for k in set(before["decisions"]) | set(after["decisions"])
               if before["decisions"].get(k) != after["decisions"].get(k)}
    if changed:
        diff["decisions"] = changed
    if before["final_codes"] != after["final_codes"]:
        diff["final_keys"] = [f"{fc['system']}:{fc['code']}" for fc in before["final_codes"]]
        diff["final_removed"] = [fc for fc in before["final_codes"] if fc not in after["final_codes"]]
    for name in _SCALARS:
        if before[name] != after[name]:
            diff[name] = before[name]
    return diff


def restore_state(case: Case, diff: dict[str, Any]) -> None:
    """Apply an :func:`undo_diff`, dropping decisions on suggestions no longer shown."""
    for key, value in diff.get("decisions", {}).items():
        if value is None:
            case.decisions.pop(key, None)
        else:
            case.decisions[key] = value
    shown = {s.key for s in case.suggestions}
    case.decisions = {k: v for k, v in case.decisions.items() if k in shown}
    if "final_keys" in diff:
        pool = {fc.key: fc for fc in case.final_codes}
        pool.update({f"{d['system']}:{d['code']}": FinalCode.model_validate(d) for d in diff["final_removed"]})
        case.final_codes = [pool[k] for k in diff["final_keys"] if k in pool]
    if "status" in diff:
        case.status = CaseStatus(diff["status"])
    for name in ("override", "status_reason", "setting", "completed_by"):
        if name in diff:
            setattr(case, name, diff[name])
    if "completed_at" in diff:
        done = diff["completed_at"]
        case.completed_at = datetime.fromisoformat(done) if done else None


def _final_dump(fc: FinalCode) -> dict[str, Any]:
    return fc.model_dump(mode="json", exclude={"suggestion_key"})


def _suggestion_or_fail(case: Case, key: str):
    s = case.suggestion(key)
    if s is None:
        raise StoreError(f"case {case.id} has no suggestion {key}")
    return s


def _final_for_key(case: Case, key: str) -> int | None:
    for i, fc in enumerate(case.final_codes):
        if fc.suggestion_key == key:
            return i
    return None


def accept(case: Case, key: str, reason: str = "") -> Change | None:
    """Accept a suggestion as shown; refused unless the suggestion is acceptable.

    A suggestion the note's words do not support (no evidence, evidence that does not
    name the code, words addressed to the coder) is accepted only with the coder's reason.
    """
    s = _suggestion_or_fail(case, key)
    if s.needs_confirmation and not reason.strip():
        why = ", ".join(f.value for f in s.flags if f in CONFIRM_FLAGS)
        raise StoreError(f"{s.code} needs the coder's reason to be accepted ({why}): the note's words do not "
                         "support it; give a reason or edit the code")
    if not s.acceptable:
        reasons = [f.value for f in s.flags if f in BLOCKING_FLAGS]
        if not reasons:
            reasons.append("not a valid code" if not s.valid else "not billable")
        detail = ", ".join(dict.fromkeys(reasons)) or "not acceptable"
        raise StoreError(f"{s.code} cannot be accepted ({detail}); edit it to a valid billable code instead")
    before = case.decisions.get(key)
    wanted = FinalCode(code=s.code, system=s.system, description=s.description,
                       source="suggested", suggestion_key=key, modifiers=list(s.modifiers), units=s.units,
                       confidence=s.confidence)
    idx = _final_for_key(case, key)
    if before == ACCEPTED and (case.final_codes[idx] == wanted if idx is not None
                               else case.find_final(wanted.key) is not None):
        return None
    case.decisions[key] = ACCEPTED
    if idx is not None:
        case.final_codes[idx] = wanted          # an edited code goes back to the suggestion
    elif case.find_final(wanted.key) is None:   # the coder may already have typed it by hand
        case.final_codes.append(wanted)
    return Change("accept", key, before, ACCEPTED, reason=reason.strip() or None)


def reject(case: Case, key: str) -> Change | None:
    """Reject a suggestion; a final code it produced leaves the list."""
    _suggestion_or_fail(case, key)
    before = case.decisions.get(key)
    idx = _final_for_key(case, key)
    if before == REJECTED and idx is None:
        return None
    case.decisions[key] = REJECTED
    if idx is not None:
        del case.final_codes[idx]
    return Change("reject", key, before, REJECTED)


def validated(code: FinalCode, source: str, suggestion_key: str | None = None) -> FinalCode:
    """The code in canonical spelling with its official title; StoreError unless valid and billable."""
    from medcoder_tui.codes.service import get_codesets  # loading code sets is deferred until needed

    from medcoder_tui.codes.modifiers import LineError, check_line, parse_modifiers

    result = get_codesets().validate(code.code, code.system)
    if not (result.valid and result.billable):
        reason = "; ".join(result.messages) or ("not billable" if result.valid else "not a valid code")
        hint = f" (try {', '.join(result.suggestions[:3])})" if result.suggestions else ""
        raise StoreError(f"{code.code} is not a valid billable {code.system.label} code: {reason}{hint}")
    system = result.system or code.system
    modifiers = parse_modifiers(code.modifiers)
    try:
        check_line(system, result.normalized, modifiers, code.units)
    except LineError as exc:
        raise StoreError(str(exc)) from None
    # the coder's own code: it carries no engine confidence
    return FinalCode(code=result.normalized, system=system,
                     description=result.description or code.description,
                     source=source, suggestion_key=suggestion_key,  # type: ignore[arg-type]
                     modifiers=modifiers, units=code.units, confidence=None)


def edit_code(case: Case, key: str, new: FinalCode) -> Change | None:
    """Replace a suggestion's code with the coder's own (validated) code."""
    s = _suggestion_or_fail(case, key)
    fc = validated(new, "edited", key)
    idx = _final_for_key(case, key)
    other = case.find_final(fc.key)
    if other is not None and other != idx:
        raise StoreError(f"{fc.code} is already in the final codes of case {case.id}")
    before = _final_dump(case.final_codes[idx]) if idx is not None else {"code": s.code, "system": s.system.value}
    if idx is not None and case.final_codes[idx] == fc:
        return None
    case.decisions[key] = ACCEPTED
    if idx is not None:
        case.final_codes[idx] = fc
    else:
        case.final_codes.append(fc)
    return Change("edit", key, before, _final_dump(fc))


def add_manual(case: Case, code: FinalCode) -> Change:
    """Add a code the engine did not suggest (validated)."""
    fc = validated(code, "manual")
    if case.find_final(fc.key) is not None:
        raise StoreError(f"{fc.code} is already in the final codes of case {case.id}")
    case.final_codes.append(fc)
    return Change("add_manual", fc.key, None, _final_dump(fc))


def remove_final(case: Case, key_or_code: str) -> Change:
    """Take a code off the final list; a suggested code counts as rejected."""
    idx = case.find_final(key_or_code)
    if idx is None:
        raise StoreError(f"{key_or_code} is not among the final codes of case {case.id}")
    fc = case.final_codes.pop(idx)
    if fc.suggestion_key and case.suggestion(fc.suggestion_key) is not None:
        case.decisions[fc.suggestion_key] = REJECTED
    return Change("remove_final", fc.key, fc.model_dump(mode="json"), None)


def reorder(case: Case, ordered: list[str]) -> Change | None:
    """Put the named final codes first, in the given order; the rest keep their order after them."""
    picked: list[int] = []
    for token in ordered:
        idx = case.find_final(token)
        if idx is None:
            raise StoreError(f"{token} is not among the final codes of case {case.id}")
        if idx in picked:
            raise StoreError(f"{token} is named twice in the new order")
        picked.append(idx)
    rest = [i for i in range(len(case.final_codes)) if i not in picked]
    new = [case.final_codes[i] for i in picked + rest]
    if new == case.final_codes:
        return None
    before = [fc.key for fc in case.final_codes]
    case.final_codes = new
    return Change("reorder", None, before, [fc.key for fc in new])


def set_status(case: Case, status: CaseStatus, override: bool, reason: str, user: str,
               when: datetime) -> Change | None:
    """Mark the case in progress, completed (possibly over open errors) or skipped."""
    status = CaseStatus(status)
    override = bool(override) and status is CaseStatus.COMPLETED
    if case.status is status and case.override == override and case.status_reason == reason:
        return None
    before = {"status": case.status.value, "override": case.override}
    case.status, case.override, case.status_reason = status, override, reason
    if status is CaseStatus.COMPLETED:
        case.completed_at, case.completed_by = when, user
    else:
        case.completed_at, case.completed_by = None, None
    return Change("status", status.value, before, {"status": status.value, "override": override, "reason": reason})


def set_setting(case: Case, setting: str) -> Change | None:
    """Change the care setting the case is coded for."""
    if setting not in SETTINGS:
        raise StoreError(f"unknown setting {setting!r}; use one of {', '.join(SETTINGS)}")
    if case.setting == setting:
        return None
    before, case.setting = case.setting, setting
    return Change("setting", setting, before, setting)


def save_suggestions(case: Case, result: SuggestionResult) -> Change:
    """Show a new engine run. Decisions on keys still present stay; accepted suggestions that
    the new run dropped are kept on screen so the coder's accepted work never disappears."""
    new_keys = {s.key for s in result.suggestions}
    kept = [s for s in case.suggestions
            if s.key not in new_keys and case.decisions.get(s.key) == ACCEPTED]
    before = {"engine": case.engine, "model": case.model, "prompt_version": case.prompt_version,
              "count": len(case.suggestions)}
    case.suggestions = list(result.suggestions) + kept
    shown = {s.key for s in case.suggestions}
    case.decisions = {k: v for k, v in case.decisions.items() if k in shown}
    case.engine, case.model, case.prompt_version = result.engine, result.model, result.prompt_version
    if case.current_hash:
        case.note_hash = case.current_hash
        case.note_size = case.current_size
    case.note_changed = False
    case.precoded_at = None   # a live run replaces what a batch run prepared
    after = {"engine": result.engine, "model": result.model, "prompt_version": result.prompt_version,
             "count": len(case.suggestions), "kept": [s.key for s in kept]}
    return Change("suggestions", result.engine, before, after)


def refuse_if_completed(case_id: str, was_status: str, change: Change | None) -> None:
    """StoreError when ``change`` would alter a case that was completed: it must be reopened first."""
    if change is not None and was_status == CaseStatus.COMPLETED.value and change.action in LOCKED_WHEN_COMPLETED:
        raise StoreError(f"case {case_id} is completed and read-only; reopen it before changing its codes")


def bulk_hold_reasons(s: Any) -> list[str]:
    """Why "accept all" must leave a suggestion for the coder to look at (empty: safe to bulk-accept).

    Only a valid, billable code without any flag is taken in bulk; a negated,
    uncertain, history or family-history mention, missing evidence and the
    like each need a human decision.
    """
    reasons = [f.value for f in s.flags]
    if not s.valid:
        reasons.append("invalid")
    elif not s.billable:
        reasons.append("not_billable")
    return list(dict.fromkeys(reasons))


def parse_system(value: str | System) -> System:
    """System.parse with a StoreError instead of ValueError."""
    try:
        return System.parse(value)
    except ValueError as exc:
        raise StoreError(str(exc)) from None
