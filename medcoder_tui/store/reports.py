"""What the store tells a coder or a manager: the export of final codes and productivity figures.

Both are plain functions over cases and audit entries, so they can be
checked on a known audit trail without any file.
"""

from __future__ import annotations

import csv
import io
import json
import statistics
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from medcoder_tui.store.decisions import UNDOABLE
from medcoder_tui.store.models import AuditEntry, Case, CaseStatus

# A gap between two decisions longer than this counts as a break, not work.
IDLE_CAP_SECONDS = 300.0

EXPORT_COLUMNS = ("case_id", "note_path", "status", "position", "system", "code", "modifiers", "units",
                  "description", "source", "coder", "decided_at", "completed_at", "note_changed")


class ExportRow(BaseModel):
    """One final code of one case, as exported."""

    case_id: str
    note_path: str
    status: str
    position: int            # 1-based sequence position
    system: str
    code: str
    modifiers: list[str] = []   # CPT/HCPCS modifiers in claim order (CSV: joined by spaces)
    units: int | None = None    # units of service (CSV: empty means one)
    description: str
    source: str              # suggested, edited or manual
    coder: str               # who put this code on the list
    decided_at: datetime     # when they did
    completed_at: datetime | None = None
    note_changed: bool = False  # the note's text differs from the text the case was coded on


def _effective(entries: list[AuditEntry]) -> list[AuditEntry]:
    """The entries still in force: undo entries and what they undid are dropped."""
    undone = {e.target for e in entries if e.action == "undo"}
    return [e for e in entries if e.action != "undo" and e.id not in undone]


def case_export_rows(case: Case, entries: list[AuditEntry]) -> list[ExportRow]:
    """One row per final code of one case (``entries``: its audit trail), in sequence order."""
    entries = _effective(entries)
    rows: list[ExportRow] = []
    for pos, fc in enumerate(case.final_codes, start=1):
        target = fc.suggestion_key or fc.key
        who = [e for e in entries if e.action in ("accept", "edit", "add_manual") and e.target == target]
        last = who[-1] if who else None
        rows.append(ExportRow(
            case_id=case.id, note_path=case.note_path, status=case.status.value, position=pos,
            system=fc.system.value, code=fc.code, modifiers=list(fc.modifiers), units=fc.units,
            description=fc.description, source=fc.source,
            coder=last.user if last else case.user,
            decided_at=last.ts if last else case.updated_at,
            completed_at=case.completed_at, note_changed=case.note_changed,
        ))
    return rows


def export_rows(cases: list[Case], audit: list[AuditEntry], status: CaseStatus | None = None) -> list[ExportRow]:
    """One row per final code, in each case's sequence order."""
    by_case: dict[str, list[AuditEntry]] = {}
    for e in audit:
        by_case.setdefault(e.case_id, []).append(e)
    rows: list[ExportRow] = []
    for case in cases:
        if status is not None and case.status is not status:
            continue
        rows.extend(case_export_rows(case, by_case.get(case.id, [])))
    return rows


def render_export(rows: list[ExportRow] | list[dict[str, Any]], fmt: str) -> str:
    """The rows (models, or their JSON dumps) as CSV (header + one line per code) or as a JSON list."""
    rows = [r.model_dump(mode="json") if isinstance(r, BaseModel) else r for r in rows]
    if fmt == "json":   # one row per line: readable, and the C encoder keeps 10,000 cases fast
        if not rows:
            return "[]\n"
        return "[\n" + ",\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n]\n"
    if fmt != "csv":
        raise ValueError(f"unknown export format {fmt!r}; use json or csv")
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(EXPORT_COLUMNS), lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow({k: _csv_cell(r.get(k)) for k in EXPORT_COLUMNS})
    return buf.getvalue()


def _csv_cell(value: Any) -> Any:
    """A CSV cell: nothing for None, a list (modifiers) joined by spaces, and a text cell that a
    spreadsheet would run as a formula (= + - @, tab, CR) with a leading quote."""
    if value is None:
        return ""
    if isinstance(value, list):
        value = " ".join(value)
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


class Rate(BaseModel):
    """Outcomes of decided suggestions; ``rate`` = accepted as suggested / decided."""

    accepted: int = 0
    edited: int = 0
    rejected: int = 0

    @property
    def decided(self) -> int:
        return self.accepted + self.edited + self.rejected

    @property
    def rate(self) -> float | None:
        return round(self.accepted / self.decided, 4) if self.decided else None

    def add(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)


class StoreStats(BaseModel):
    """Productivity figures computed from the audit trail."""

    cases: int = 0
    by_status: dict[str, int] = Field(default_factory=dict)
    decisions: int = 0                     # audited coder actions, undos included
    undos: int = 0
    acceptance_by_system: dict[str, dict[str, Any]] = Field(default_factory=dict)
    acceptance_by_engine: dict[str, dict[str, Any]] = Field(default_factory=dict)
    acceptance_overall: dict[str, Any] = Field(default_factory=dict)
    manual_codes: int = 0                  # codes added by hand and still on the final lists
    timed_cases: int = 0                   # completed cases with a measurable duration
    median_seconds_per_case: float | None = None
    idle_cap_seconds: float = IDLE_CAP_SECONDS


_OUTCOME = {"accept": "accepted", "edit": "edited", "reject": "rejected"}


def engine_label(engine: str | None, model: str | None) -> str:
    """``offline``, or ``ollama/llama3.1:8b``: models of one engine differ, so they are told apart."""
    name = engine or "unknown"
    return f"{name}/{model}" if model else name


def _replay(entries: list[AuditEntry], engine: str) -> tuple[dict[str, tuple[str, str]], set[str], list]:
    """Run one case's trail forward, undo included: outcome per suggestion key, manual codes,
    and the (timestamp, status) history."""
    outcomes: dict[str, tuple[str, str]] = {}
    manual: set[str] = set()
    stack: list[tuple[str, dict, set, str | None]] = []
    current_engine = engine
    status_marks: list[tuple[datetime, str]] = []
    for e in entries:
        if e.action == "suggestions" and isinstance(e.after, dict):
            current_engine = engine_label(e.after.get("engine"), e.after.get("model"))
            continue
        if e.action == "undo":
            for i in range(len(stack) - 1, -1, -1):
                if stack[i][0] == e.target:
                    _, outcomes, manual, st = stack.pop(i)
                    if st is not None:
                        status_marks.append((e.ts, st))
                    break
            continue
        if e.action not in UNDOABLE:
            continue
        prev_status = status_marks[-1][1] if status_marks else CaseStatus.IN_PROGRESS.value
        stack.append((e.id, dict(outcomes), set(manual), prev_status if e.action == "status" else None))
        if e.action == "remove_final":
            from_suggestion = (e.before or {}).get("suggestion_key") if isinstance(e.before, dict) else None
            if from_suggestion:
                outcomes[from_suggestion] = ("rejected", current_engine)
            else:
                manual.discard(str(e.target))
        elif e.action in _OUTCOME and e.target:
            outcomes[e.target] = (_OUTCOME[e.action], current_engine)
        elif e.action == "add_manual" and e.target:
            manual.add(e.target)
        elif e.action == "status":
            status_marks.append((e.ts, str((e.after or {}).get("status", e.target))))
    return outcomes, manual, status_marks


def _active_seconds(entries: list[AuditEntry], until: datetime) -> float:
    times = sorted(e.ts for e in entries if e.ts <= until)
    return sum(min((b - a).total_seconds(), IDLE_CAP_SECONDS) for a, b in zip(times, times[1:]))


def case_stats_part(entries: list[AuditEntry], engine: str) -> dict[str, Any]:
    """What one case (its audit trail, in time order) adds to the store's figures, as plain JSON:
    the index keeps it so ``stats`` never has to read every case file."""
    outcomes, manual, marks = _replay(entries, engine)
    seconds = None
    if marks and marks[-1][1] == CaseStatus.COMPLETED.value:
        done = max(ts for ts, st in marks if st == CaseStatus.COMPLETED.value)
        seconds = _active_seconds(entries, done)
    return {"decisions": sum(1 for e in entries if e.action in UNDOABLE or e.action == "undo"),
            "undos": sum(1 for e in entries if e.action == "undo"),
            "manual": len(manual),
            "outcomes": [[key.split(":", 1)[0], engine_name, outcome]
                         for key, (outcome, engine_name) in outcomes.items()],
            "seconds": seconds}


def stats_from_parts(statuses: list[str], parts: list[dict[str, Any]]) -> StoreStats:
    """The store's figures from each case's status and :func:`case_stats_part`."""
    stats = StoreStats(cases=len(statuses))
    for status in statuses:
        stats.by_status[status] = stats.by_status.get(status, 0) + 1
    systems: dict[str, Rate] = {}
    engines: dict[str, Rate] = {}
    overall = Rate()
    durations: list[float] = []
    for part in parts:
        stats.decisions += part["decisions"]
        stats.undos += part["undos"]
        stats.manual_codes += part["manual"]
        for system, engine, outcome in part["outcomes"]:
            systems.setdefault(system, Rate()).add(outcome)
            engines.setdefault(engine, Rate()).add(outcome)
            overall.add(outcome)
        if part["seconds"] is not None:
            durations.append(part["seconds"])
    def dump(rate: Rate) -> dict[str, Any]:
        return {**rate.model_dump(), "decided": rate.decided, "rate": rate.rate}
    stats.acceptance_by_system = {k: dump(v) for k, v in sorted(systems.items())}
    stats.acceptance_by_engine = {k: dump(v) for k, v in sorted(engines.items())}
    stats.acceptance_overall = dump(overall)
    stats.timed_cases = len(durations)
    stats.median_seconds_per_case = round(statistics.median(durations), 1) if durations else None
    return stats


def compute_stats(cases: list[Case], audit: list[AuditEntry]) -> StoreStats:
    """Acceptance per system and engine, manual codes, and median working seconds per completed case.

    A case's working time runs from its first audit entry to its (last)
    completion, summing the gaps between consecutive entries, each capped at
    ``IDLE_CAP_SECONDS`` so a coffee break does not count as coding.
    """
    by_case: dict[str, list[AuditEntry]] = {}
    for e in sorted(audit, key=lambda e: e.ts):
        by_case.setdefault(e.case_id, []).append(e)
    engine_of = {c.id: engine_label(c.engine, c.model) for c in cases}
    parts = [case_stats_part(entries, engine_of.get(case_id, "unknown")) for case_id, entries in by_case.items()]
    return stats_from_parts([c.status.value for c in cases], parts)


def render_stats(stats: StoreStats) -> str:
    """The figures as a short plain-text report."""
    def pct(rate: dict[str, Any]) -> str:
        return "-" if rate.get("rate") is None else f"{100 * rate['rate']:.1f}%"
    lines = [f"Cases: {stats.cases}  ("
             + ", ".join(f"{k} {v}" for k, v in sorted(stats.by_status.items())) + ")",
             f"Decisions: {stats.decisions}  (undos {stats.undos})",
             f"Acceptance overall: {pct(stats.acceptance_overall)}  "
             f"({stats.acceptance_overall.get('accepted', 0)} accepted, {stats.acceptance_overall.get('edited', 0)}"
             f" edited, {stats.acceptance_overall.get('rejected', 0)} rejected)"]
    for title, table in (("system", stats.acceptance_by_system), ("engine", stats.acceptance_by_engine)):
        for name, rate in table.items():
            lines.append(f"  by {title} {name:<10} {pct(rate):>7}  of {rate['decided']} decided")
    lines.append(f"Codes added by hand: {stats.manual_codes}")
    median = "-" if stats.median_seconds_per_case is None else f"{stats.median_seconds_per_case:.0f} s"
    lines.append(f"Median working time per completed case: {median}  (over {stats.timed_cases} cases, "
                 f"pauses over {stats.idle_cap_seconds:.0f} s not counted)")
    return "\n".join(lines) + "\n"
