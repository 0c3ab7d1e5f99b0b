"""Second-level review (QA): sampling completed cases for audit, the auditor's findings, the figures.

The sample lives in one file beside the cases::

    <store>/qa.json   {"qa": {case id: {"coder", "sampled_at", "by", "done"}}}

A finding is an audit-trail entry of the case (action ``qa_finding``, user
the auditor): ``before`` is the coder's code as completed, ``after`` the
verdict and the auditor's code, ``reason`` one of :data:`REASONS`. Findings
never touch the case's codes or decisions: the coder's work stays as it was
completed, and the audit sits beside it. :func:`qa_figures` turns the
findings into accuracy per coder and per code system (code-level agreement
with the auditor), the most frequent finding types, and cases per hour.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from typing import Any

from medcoder_tui.store import decisions as dec
from medcoder_tui.store.files import atomic_write_bytes, encode, read_tables
from medcoder_tui.store.models import AuditEntry, StoreError

QA_FILE = "qa.json"
VERDICTS = ("agree", "change", "add", "remove")
REASONS = ("missed code", "wrong code", "wrong sequence", "unsupported by documentation",
           "wrong specificity", "other")


class QualityReview:
    """The QA methods of :class:`~medcoder_tui.store.repository.Store` (a mixin)."""

    def qa_sample_records(self) -> dict[str, dict[str, Any]]:
        """case id -> {"coder", "sampled_at", "by", "done"} for every case picked for audit."""
        return dict((read_tables(self.path / QA_FILE, backup=self._backup) or {}).get("qa", {}))

    def qa_sample(self, percent: float, coder: str | None = None, *, seed: int | None = None) -> list[str]:
        """Pick ``percent`` % of the completed cases not sampled yet (of one coder if given); their ids."""
        if not 0 < percent <= 100:
            raise StoreError(f"--percent must be above 0 and at most 100, not {percent:g}")
        entries = self.case_index()
        with self._locked():
            sampled = self.qa_sample_records()
            pool = sorted(cid for cid, e in entries.items() if e["status"] == "completed" and cid not in sampled
                          and (coder is None or e.get("coder") == coder))
            picked = sorted(random.Random(seed).sample(pool, math.ceil(len(pool) * percent / 100))) if pool else []
            ts = self._clock().isoformat()
            for cid in picked:
                sampled[cid] = {"coder": entries[cid].get("coder"), "sampled_at": ts, "by": self.user, "done": False}
            if picked:
                atomic_write_bytes(self.path / QA_FILE, encode({"qa": sampled}), sync=self.fsync,
                                   mode=self.modes.file)
            return picked

    def add_finding(self, case_id: str, verdict: str, code: str | None, *, new_code: str | None = None,
                    system: str | None = None, reason: str = "") -> None:
        """Record the auditor's verdict on one code of a completed case (the case's codes stay as they were).

        ``agree`` / ``change`` / ``remove`` name the coder's ``code``; ``change``
        and ``add`` give the auditor's ``new_code``; all but ``agree`` need a reason.
        """
        if verdict not in VERDICTS:
            raise StoreError(f"unknown verdict {verdict!r}; use one of {', '.join(VERDICTS)}")
        if verdict != "agree" and reason not in REASONS:
            raise StoreError(f"a finding needs a reason from the list: {', '.join(REASONS)}")
        if verdict in ("change", "add") and not new_code:
            raise StoreError(f"a '{verdict}' finding needs the auditor's code")

        def finding(case, _audit):
            if case.status.value != "completed":
                raise StoreError(f"case {case_id} is not completed; only completed work is audited")
            finals = {fc.code.upper(): fc for fc in case.final_codes}
            before = None
            if verdict != "add":
                fc = finals.get(str(code or "").upper())
                if fc is None:
                    raise StoreError(f"{code!r} is not one of the case's final codes "
                                     f"({', '.join(finals) or 'none'})")
                before = {"code": fc.code, "system": fc.system.value}
            sys_name = system or (before or {}).get("system")
            if sys_name is None:
                raise StoreError("an added code needs its system (icd10cm, cpt or hcpcs)")
            after = {"verdict": verdict, "code": (new_code or "").upper() or None,
                     "system": dec.parse_system(sys_name).value}
            return dec.Change("qa_finding", (before or after)["code"], before, after,
                              reason=reason if verdict != "agree" else None)

        self._mutate(case_id, finding)

    def finish_audit(self, case_id: str) -> None:
        """Mark a sampled case as audited."""
        with self._locked():
            sampled = self.qa_sample_records()
            if case_id not in sampled:
                raise StoreError(f"case {case_id} is not in the QA sample (`medcoder qa sample`)")
            sampled[case_id]["done"] = True
            atomic_write_bytes(self.path / QA_FILE, encode({"qa": sampled}), sync=self.fsync, mode=self.modes.file)


def qa_figures(entries: dict[str, dict[str, Any]], findings: dict[str, list[AuditEntry]]) -> dict[str, Any]:
    """Accuracy per coder and per system (agreed codes / codes judged), finding types, cases per hour.

    ``entries`` is the case index; ``findings`` the qa_finding entries of each audited case.
    """
    coders: dict[str, Counter] = {}
    systems: dict[str, Counter] = {}
    reasons: Counter = Counter()
    for cid, found in findings.items():
        coder = str(entries.get(cid, {}).get("coder") or "?")
        for f in found:
            ok = f.after.get("verdict") == "agree"
            system = f.after.get("system") or "?"
            for table, key in ((coders, coder), (systems, system)):
                table.setdefault(key, Counter())["agree" if ok else "finding"] += 1
            if not ok:
                reasons[f.reason or "other"] += 1

    def rate(c: Counter) -> dict[str, Any]:
        judged = c["agree"] + c["finding"]
        return {"agreed": c["agree"], "findings": c["finding"], "judged": judged,
                "accuracy": c["agree"] / judged if judged else None}

    per_hour: dict[str, dict[str, Any]] = {}
    for e in entries.values():
        if e["status"] != "completed":
            continue
        row = per_hour.setdefault(str(e.get("coder") or "?"), {"cases": 0, "seconds": 0.0})
        row["cases"] += 1
        row["seconds"] += (e.get("stats") or {}).get("seconds") or 0.0
    for row in per_hour.values():
        row["cases_per_hour"] = round(row["cases"] * 3600 / row["seconds"], 1) if row["seconds"] else None
    return {"audited_cases": len(findings),
            "accuracy_by_coder": {k: rate(v) for k, v in sorted(coders.items())},
            "accuracy_by_system": {k: rate(v) for k, v in sorted(systems.items())},
            "top_findings": reasons.most_common(5),
            "productivity_by_coder": dict(sorted(per_hour.items()))}


def render_qa(figures: dict[str, Any]) -> str:
    """The QA figures as plain text for ``medcoder stats``."""
    def pct(r: dict[str, Any]) -> str:
        return "-" if r["accuracy"] is None else f"{100 * r['accuracy']:.1f}%"
    lines = [f"QA: {figures['audited_cases']} audited case(s)"]
    for title in ("coder", "system"):
        for name, r in figures[f"accuracy_by_{title}"].items():
            lines.append(f"  accuracy {title} {name:<12} {pct(r):>7}  ({r['agreed']} of {r['judged']} codes agreed)")
    for reason, n in figures["top_findings"]:
        lines.append(f"  finding  {reason:<30} {n}")
    for name, row in figures["productivity_by_coder"].items():
        speed = "-" if row["cases_per_hour"] is None else f"{row['cases_per_hour']:g}"
        lines.append(f"  coder    {name:<12} {row['cases']} completed, {speed} cases/hour")
    return "\n".join(lines) + "\n"
