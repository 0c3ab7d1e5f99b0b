"""Re-scoring and re-ranking an engine's suggestions with the organization's preferences.

In order, for each suggestion:
1. a written ``never`` rule for its setting takes it off the list;
2. a written ``prefer A over B`` rule suggests A instead of B;
3. learned statistics (most specific engine/setting with enough support):
   replaced by one code in most cases -> that code is suggested instead;
   not kept in nearly every case (rejected, or replaced by codes none of
   which dominates) -> taken off the list, the usual replacements named; mostly not kept ->
   lower confidence, moved last; nearly always accepted -> a little more
   confidence; a usual replacement below the swap threshold is offered as an
   alternative.

Every change is told where the coder sees it: a message with the reason,
``Flag.PREFERENCE``, and for a swap the engine's own code as an alternative.
A code a preference introduces is validated first and must be billable;
otherwise the suggestion is left as it was. Suggestions taken off the list
come back as :class:`Hidden` records so the caller can say so.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, Field

from medcoder_tui.codes.systems import compact
from medcoder_tui.engines.models import BLOCKING_FLAGS, Alternative, Flag, Suggestion
from medcoder_tui.preferences.models import ANY, CodeStat, Preferences, Rule, Thresholds

# Flags about the code itself; they are re-derived when a preference changes the code.
_CODE_FLAGS = BLOCKING_FLAGS | {Flag.WRONG_SYSTEM, Flag.UNSPECIFIED, Flag.EXCLUDES1}
DEMOTE_BY, BOOST_BY, FLOOR, CEILING = 0.2, 0.1, 0.3, 0.95


class Hidden(BaseModel):
    """A suggestion a preference took off the list, and why."""

    code: str
    key: str
    reason: str


class Applied(BaseModel):
    """The suggestions after preferences, what was hidden, and how many were changed."""

    suggestions: list[Suggestion] = Field(default_factory=list)
    hidden: list[Hidden] = Field(default_factory=list)
    changed: int = 0              # suggestions a preference changed (swapped, re-scored, given an alternative)
    swapped: int = 0              # of them, suggestions now pointing at another code


def _matches(rule_code: str, code: str) -> bool:
    """A rule names a code, or a header meaning every code under it."""
    return compact(code).startswith(compact(rule_code))


def _rule_for(s: Suggestion, rules: Sequence[Rule], kind: str, setting: str) -> Rule | None:
    for rule in rules:
        if rule.kind != kind or rule.system is not s.system or not rule.applies_in(setting):
            continue
        if _matches(rule.code if kind == "never" else rule.over, s.code):
            return rule
    return None


def _scope(stat: CodeStat) -> str:
    parts = [p for p in (stat.engine, stat.setting) if p != ANY]
    return f" ({', '.join(parts)})" if parts else ""


def _mark(s: Suggestion, reason: str) -> None:
    if Flag.PREFERENCE not in s.flags:
        s.flags.append(Flag.PREFERENCE)
    if reason not in s.messages:
        s.messages.append(reason)


def _code_of(key: str) -> str:
    return key.partition(":")[2]


def swap(s: Suggestion, code: str, reason: str, cs: Any) -> Suggestion | None:
    """``s`` re-pointed at ``code`` (validated, billable), keeping the note's evidence; None if invalid."""
    result = cs.validate(code, s.system)
    if not (result.valid and result.billable) or result.system is not s.system:
        return None
    new = s.model_copy(deep=True)
    new.code, new.description = result.normalized, result.description or new.description
    new.valid, new.billable = True, True
    new.flags = [f for f in new.flags if f not in _CODE_FLAGS]
    new.messages = [m for m in new.messages if not m.startswith("Excludes1 with")]
    new.alternatives = [Alternative(code=s.code, description=s.description, reason=f"the engine's code; {reason}")]
    new.alternatives += [a for a in s.alternatives if a.code not in (s.code, new.code)]
    new.original_code = s.original_code or s.code
    _mark(new, reason)
    return new


def _not_kept(stat: CodeStat) -> str:
    """Why a code is hidden: how often it was dropped, and what coders chose instead."""
    n = stat.decided
    if not stat.replaced:
        return f"your team rejected {stat.code} in {stat.rejected}/{n} cases{_scope(stat)}"
    usual = sorted(stat.replacements.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
    instead = ", ".join(f"{_code_of(k)} ({c})" for k, c in usual)
    return (f"your team did not keep {stat.code} in {stat.rejected + stat.replaced}/{n} cases{_scope(stat)}; "
            f"it chose {instead} instead")


def apply_one(s: Suggestion, *, engine: str, setting: str, prefs: Preferences,
              cs: Any) -> Suggestion | Hidden:
    """One suggestion after preferences (a changed copy), or why it is hidden."""
    t = prefs.thresholds
    rule = _rule_for(s, prefs.rules, "never", setting)
    if rule is not None:
        return Hidden(code=s.code, key=s.key, reason=rule.describe())
    rule = _rule_for(s, prefs.rules, "prefer", setting)
    if rule is not None:
        swapped = swap(s, rule.code, rule.describe(), cs)
        if swapped is not None:
            return swapped
    stat = prefs.stat_for(s.key, engine, setting)
    if stat is None or stat.decided == 0:
        return s
    n = stat.decided
    top = stat.top_replacement()
    if top is not None and n >= t.min_support and top[1] / n >= t.replace_ratio:
        reason = (f"your team chose {_code_of(top[0])} over {s.code} in {top[1]}/{n} cases{_scope(stat)}")
        swapped = swap(s, _code_of(top[0]), reason, cs)
        if swapped is not None:
            return swapped
    out = s.model_copy(deep=True)
    dropped = stat.rejected + stat.replaced
    if n >= t.min_support and dropped / n >= t.hide_ratio:
        return Hidden(code=s.code, key=s.key, reason=_not_kept(stat))
    if n >= t.min_support and dropped / n >= t.demote_ratio:
        out.confidence = round(max(FLOOR, out.confidence - DEMOTE_BY), 2)
        _mark(out, f"demoted: your team did not keep {s.code} in {dropped}/{n} cases{_scope(stat)}")
    elif n >= t.min_support and stat.accepted / n >= t.boost_ratio and out.confidence < CEILING:
        out.confidence = round(min(CEILING, out.confidence + BOOST_BY), 2)
        _mark(out, f"your team accepted {s.code} in {stat.accepted}/{n} cases{_scope(stat)}")
    if top is not None and top[1] >= t.alternative_min:
        result = cs.validate(_code_of(top[0]), s.system)
        if result.valid and result.billable and not any(a.code == result.normalized for a in out.alternatives):
            reason = f"your team chose {result.normalized} over {s.code} in {top[1]}/{n} cases{_scope(stat)}"
            out.alternatives.insert(0, Alternative(code=result.normalized, description=result.description,
                                                   reason=reason))
            _mark(out, reason)
    return out


def learned_effect(stat: CodeStat, t: Thresholds) -> str:
    """What these statistics do to a suggestion of the code, in a few words (for listings)."""
    n = stat.decided
    if n < t.min_support:
        return f"none yet (needs {t.min_support} decided cases)"
    top = stat.top_replacement()
    if top is not None and top[1] / n >= t.replace_ratio:
        return f"suggest {_code_of(top[0])} instead"
    if (stat.rejected + stat.replaced) / n >= t.hide_ratio:
        return "hidden"
    effect = "demoted" if (stat.rejected + stat.replaced) / n >= t.demote_ratio else \
        "confidence raised" if stat.accepted / n >= t.boost_ratio else "none"
    if top is not None and top[1] >= t.alternative_min:
        effect = f"{effect}; {_code_of(top[0])} offered" if effect != "none" else f"{_code_of(top[0])} offered"
    return effect


def _merge(items: list[Suggestion]) -> list[Suggestion]:
    """One suggestion per code: a swap may land on a code the engine also suggested."""
    merged: dict[str, Suggestion] = {}
    for s in items:
        kept = merged.get(s.key)
        if kept is None:
            merged[s.key] = s
            continue
        seen = {(e.start, e.end, e.text) for e in kept.evidence}
        kept.evidence.extend(e for e in s.evidence if (e.start, e.end, e.text) not in seen)
        kept.messages.extend(m for m in s.messages if m not in kept.messages)
        kept.flags.extend(f for f in s.flags if f not in kept.flags and f not in _CODE_FLAGS)
        kept.alternatives.extend(a for a in s.alternatives if a.code not in {b.code for b in kept.alternatives})
        kept.confidence = max(kept.confidence, s.confidence)
    return list(merged.values())


def apply_detailed(suggestions: Sequence[Suggestion], *, engine: str, setting: str, prefs: Preferences,
                   codesets: Any = None) -> Applied:
    """:func:`apply_preferences` with the hidden suggestions and the number changed."""
    if prefs.empty:
        return Applied(suggestions=list(suggestions))
    if codesets is None:
        from medcoder_tui.codes.service import get_codesets

        codesets = get_codesets()
    applied = Applied()
    kept: list[Suggestion] = []
    for s in suggestions:
        out = apply_one(s, engine=engine, setting=setting, prefs=prefs, cs=codesets)
        if isinstance(out, Hidden):
            applied.hidden.append(out)
            continue
        applied.changed += out is not s and Flag.PREFERENCE in out.flags and Flag.PREFERENCE not in s.flags
        applied.swapped += out.code != s.code
        kept.append(out)
    merged = _merge(kept)
    # Demoted codes go last; every other suggestion keeps the engine's order (it often means sequence).
    demoted = [s for s in merged if any(m.startswith("demoted:") for m in s.messages)]
    applied.suggestions = [s for s in merged if s not in demoted] + demoted
    return applied


def apply_preferences(suggestions: Sequence[Suggestion], *, engine: str, setting: str, prefs: Preferences,
                      codesets: Any = None) -> list[Suggestion]:
    """The suggestions re-scored and re-ranked by ``prefs`` (hidden ones left out).

    ``engine`` is the label the statistics are kept under (``offline``,
    ``ollama/llama3.1:8b``); ``setting`` the care setting of the note.
    """
    return apply_detailed(suggestions, engine=engine, setting=setting, prefs=prefs,
                          codesets=codesets).suggestions
