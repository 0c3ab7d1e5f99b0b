"""Learning preference statistics from the store's audit trail.

Each case's trail is replayed in order (undone decisions dropped) to find,
for every suggested code, what the coder finally did with it: kept it,
rejected it, or replaced it -- by editing the suggestion, or by rejecting it
and adding a code of the same category by hand. Counts are kept per engine
and care setting and pooled, one vote per case and code. A second-level
reviewer's finding (``qa_finding``) outranks the coder's decision on the same
code, so audit corrections are what the preferences learn above all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from medcoder_tui.codes.systems import System, compact
from medcoder_tui.preferences.models import ANY, CaseExample, CodeStat, ManualStat, Preferences, Thresholds
from medcoder_tui.store.models import AuditEntry, Case, CaseStatus
from medcoder_tui.store.reports import engine_label

# Most recent completed cases kept as few-shot candidates (older ones add little and cost reading).
MAX_EXAMPLES = 2000


@dataclass
class Outcome:
    """What happened, in the end, to one suggested code in one case."""

    key: str
    outcome: str                  # accepted | rejected | replaced
    engine: str
    setting: str
    replacement: str | None = None


def _effective(entries: list[AuditEntry]) -> list[AuditEntry]:
    undone = {e.target for e in entries if e.action == "undo"}
    return [e for e in entries if e.action != "undo" and e.id not in undone]


def _final_key(data: object) -> str | None:
    """``system:code`` of a final-code record as the audit trail stores it."""
    if not isinstance(data, dict) or not data.get("code") or not data.get("system"):
        return None
    return f"{data['system']}:{data['code']}"


def _category(key: str) -> str:
    """The family a replacement stays within: ICD-10-CM category, CPT/HCPCS leading characters."""
    system, _, code = key.partition(":")
    return f"{system}:{compact(code)[:4 if system == System.CPT.value else 3]}"


def replay_case(case: Case, entries: list[AuditEntry]) -> tuple[list[Outcome], list[str]]:
    """The outcome of every decided suggestion of one case, and the codes added by hand
    that replaced nothing."""
    setting = case.setting
    engine = engine_label(case.engine, case.model) if case.engine else "unknown"
    outcomes: dict[str, Outcome] = {}
    manual: list[str] = []
    for e in _effective(entries):
        if e.action == "create" and isinstance(e.after, dict):
            setting = str(e.after.get("setting") or setting)
        elif e.action == "setting" and e.after:
            setting = str(e.after)
        elif e.action == "suggestions" and isinstance(e.after, dict):
            engine = engine_label(e.after.get("engine"), e.after.get("model"))
        elif e.action == "accept" and e.target:
            outcomes[e.target] = Outcome(e.target, "accepted", engine, setting)
        elif e.action == "reject" and e.target:
            outcomes[e.target] = Outcome(e.target, "rejected", engine, setting)
        elif e.action == "edit" and e.target:
            new = _final_key(e.after)
            kind = "accepted" if new in (None, e.target) else "replaced"
            outcomes[e.target] = Outcome(e.target, kind, engine, setting, new if kind == "replaced" else None)
        elif e.action == "remove_final":
            source = (e.before or {}).get("suggestion_key") if isinstance(e.before, dict) else None
            if source:
                outcomes[source] = Outcome(source, "rejected", engine, setting)
            elif e.target in manual:
                manual.remove(str(e.target))
        elif e.action == "add_manual" and e.target and e.target not in manual:
            manual.append(str(e.target))
        elif e.action == "qa_finding" and isinstance(e.after, dict):
            _apply_finding(e, outcomes, manual, engine, setting)
    # A rejection followed by a hand-typed code of the same category is a replacement.
    for out in outcomes.values():
        if out.outcome != "rejected":
            continue
        same = next((m for m in manual if _category(m) == _category(out.key) and m != out.key), None)
        if same is not None:
            out.outcome, out.replacement = "replaced", same
            manual.remove(same)
    return list(outcomes.values()), manual


def _apply_finding(e: AuditEntry, outcomes: dict[str, Outcome], manual: list[str], engine: str,
                   setting: str) -> None:
    """A second-level reviewer's finding outranks the coder's decision on the same code: it comes
    later in the trail and rewrites what the code's outcome teaches."""
    verdict = e.after.get("verdict")
    coder_key = _final_key(e.before)
    auditor_key = _final_key(e.after)
    source = next((o for o in outcomes.values() if coder_key in (o.key, o.replacement)), None)
    if verdict in ("change", "remove") and coder_key is not None:
        if source is not None:
            if verdict == "remove" or auditor_key is None:
                source.outcome, source.replacement = "rejected", None
            elif auditor_key == source.key:   # back to what the engine suggested
                source.outcome, source.replacement = "accepted", None
            else:
                source.outcome, source.replacement = "replaced", auditor_key
        elif coder_key in manual:
            manual.remove(coder_key)
            if verdict == "change" and auditor_key is not None:
                manual.append(auditor_key)
    elif verdict == "add" and auditor_key is not None:
        missed = outcomes.get(auditor_key)
        if missed is not None:          # the engine had it right and the coder rejected it
            missed.outcome, missed.replacement = "accepted", None
        elif auditor_key not in manual:
            manual.append(auditor_key)


def _describe(case: Case, key: str) -> str:
    s = case.suggestion(key)
    if s is not None:
        return s.description
    idx = case.find_final(key)
    return case.final_codes[idx].description if idx is not None else ""


def example_for(case: Case) -> CaseExample | None:
    """A completed case with final codes, as a few-shot example."""
    if case.status is not CaseStatus.COMPLETED or not case.final_codes:
        return None
    return CaseExample(
        case_id=case.id, note_path=case.note_path, setting=case.setting,
        final_codes=[f"{fc.code} ({fc.system.label}) {fc.description}".rstrip() for fc in case.final_codes],
        codes=[fc.key for fc in case.final_codes],
    )


def learn(cases: Iterable[Case], audit: Iterable[AuditEntry], *,
          thresholds: Thresholds | None = None) -> Preferences:
    """Preference statistics and few-shot examples from cases and their audit trail.

    Skipped cases teach nothing (the coder did not finish deciding them).
    """
    by_case: dict[str, list[AuditEntry]] = {}
    for e in audit:
        by_case.setdefault(e.case_id, []).append(e)
    stats: dict[tuple[str, str, str], CodeStat] = {}
    manual: dict[str, ManualStat] = {}
    examples: list[CaseExample] = []
    learned = 0
    for case in cases:
        if case.status is CaseStatus.SKIPPED:
            continue
        outcomes, added = replay_case(case, sorted(by_case.get(case.id, []), key=lambda e: e.ts))
        if outcomes or added:
            learned += 1
        for out in outcomes:
            system = System(out.key.partition(":")[0])
            code = out.key.partition(":")[2]
            for eng, sett in ((out.engine, out.setting), (out.engine, ANY), (ANY, out.setting), (ANY, ANY)):
                stat = stats.get((out.key, eng, sett))
                if stat is None:
                    stat = stats[(out.key, eng, sett)] = CodeStat(
                        key=out.key, system=system, code=code, description=_describe(case, out.key),
                        engine=eng, setting=sett)
                if out.outcome == "accepted":
                    stat.accepted += 1
                elif out.outcome == "rejected":
                    stat.rejected += 1
                else:
                    stat.replaced += 1
                    assert out.replacement is not None
                    stat.replacements[out.replacement] = stat.replacements.get(out.replacement, 0) + 1
        for key in added:
            row = manual.get(key)
            if row is None:
                row = manual[key] = ManualStat(key=key, system=System(key.partition(":")[0]),
                                               code=key.partition(":")[2], description=_describe(case, key))
            row.cases += 1
        example = example_for(case)
        if example is not None:
            examples.append(example)
    return Preferences(
        stats=list(stats.values()),
        manual=sorted(manual.values(), key=lambda m: (-m.cases, m.key)),
        examples=examples[-MAX_EXAMPLES:],
        cases_learned=learned,
        thresholds=thresholds or Thresholds(),
    )


def learn_from_store(store, *, thresholds: Thresholds | None = None) -> Preferences:
    """:func:`learn` over every case of a :class:`~medcoder_tui.store.Store`."""
    cases = store.list_cases()
    skipped = list(getattr(store, "skipped", []))   # damaged case files: named, the rest still teach
    prefs = learn(cases, store.audit(), thresholds=thresholds)
    prefs.warnings.extend(f"skipped a damaged case file: {exc}" for exc in skipped)
    return prefs
