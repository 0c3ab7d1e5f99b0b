"""Offline CPT and HCPCS suggestions: procedures, E/M levels, drugs, supplies and DME.

Deterministic rules over the note's sentences (from :mod:`clinical_text`) and the
code tables (``codesets.cpt`` / ``codesets.hcpcs``). Nothing outside those tables
is ever suggested: every rule picks codes by matching the table *descriptions*.

Professional (physician) coding is assumed: in the ED and inpatient settings drugs,
supplies and their administration are billed by the facility, so only E/M levels,
procedures and the physician's own interpretations are suggested there.

This module holds the entry point :func:`suggest_procedures`, the E/M level rules
(time or a rough MDM level, preventive and wellness visits), the timed services
that decide whether an E/M is separate (psychotherapy, tobacco counseling) and the
NCCI-style bundles (a code another chosen code includes is dropped). The other rules live in
:mod:`procedure_drugs` (drugs, administration, vaccines, DME and supplies),
:mod:`procedure_match` (procedures matched to the CPT descriptions, wound repair)
and :mod:`procedure_diagnostics` (office tests, X-rays, ECGs), on the shared
gates and context of :mod:`procedure_context`.
"""

from __future__ import annotations

import re

from medcoder_tui.codes.systems import System
from medcoder_tui.engines.analysis.clinical_text import NoteAnalysis
from medcoder_tui.engines.models import RawSuggestion
from medcoder_tui.engines.progress import checkpoint
from medcoder_tui.engines.procedures.context import _I, _OWN_READ, _TIME, _Ctx
from medcoder_tui.engines.procedures.diagnostics import _ecg, _imaging, _tests
from medcoder_tui.engines.procedures.drugs import (
    _dme,
    _drugs,
    _explicit_codes,
    _vaccines,
)
from medcoder_tui.engines.procedures.match import (
    _GENERIC_RANGE,
    _surgical,
    _wound_repair,
)

# --- E/M levels ------------------------------------------------------------------------------
_OFFICE_TIME = {"new": [(15, "99202"), (30, "99203"), (45, "99204"), (60, "99205")],
                "est": [(10, "99212"), (20, "99213"), (30, "99214"), (40, "99215")]}
_MDM_CODES = {"outpatient_new": ["99202", "99203", "99204", "99205"],
              "outpatient_est": ["99212", "99213", "99214", "99215"],
              "ed": ["99282", "99283", "99284", "99285"], "admit": ["99221", "99221", "99222", "99223"],
              "subsequent": ["99231", "99231", "99232", "99233"]}
_PREVENTIVE = re.compile(r"annual wellness visit|\bawv\b|well[- ]child|\bwcc\b|well[- ](?:visit|exam)|preventive (?:visit|exam|care)|"
                         r"annual (?:physical|exam)|routine (?:physical|health (?:exam|check))|wellness exam|"
                         r"complete physical", _I)
_RISK_MOD = re.compile(r"\b(?:start\w*|prescri\w*|rx\b|increase\w*|decrease\w*|titrat\w*|switch\w*|"
                       r"stop\w*|hold\b|iv\b|im\b|#\d+|x ?\d+ ?d\b|mg\b)", _I)


_REPORT = re.compile(r"operative report|op(?:erative)? note|procedure (?:note|report)|endoscopy report", _I)


def _total_time(ctx: _Ctx) -> tuple[int, int, int] | None:
    """(minutes, start, end) of the documented total/face-to-face time."""
    for m in _TIME.finditer(ctx.note):
        before = ctx.note[max(0, m.start() - 20): m.end()]
        if re.search(r"withdrawal|infusion time|travel|tourniquet|observed|ischemi|critical care", before, _I):
            continue
        return int(m.group(1) or m.group(2)), m.start(), m.end()
    return None


def _mdm_level(ctx: _Ctx) -> int:
    """0 straightforward .. 3 high: a rough count of problems, data and risk (two of three decide)."""
    problems, assessed = 0, []
    for sec in ctx.a.sections:
        head = ctx.note[sec.start: sec.start + 12].lower().lstrip(" #")
        if sec.name in ("assessment_plan", "impression", "diagnoses") and not head.startswith("plan"):
            text = ctx.note[sec.start:sec.end]
            assessed.append(text.lower())
            problems += len(re.findall(r"^\s*(?:\d+[.)]|#)\s*\S", text, re.MULTILINE)) or 1
    acute = re.search(r"exacerbation|worsen\w*|progress\w*|systemic|fever|threat", " ".join(assessed))
    prob = 2 if problems >= 2 or acute else 1 if problems else 0
    data_items = len(set(re.findall(r"\b(?:cbc|bmp|cmp|troponin|bnp|x-?ray|xr|cxr|ct|mri|ecg|ekg|ua|"
                                    r"culture|lactate|a1c|lipid|tsh)\b", ctx.lower)))
    data = 2 if _OWN_READ.search(ctx.note) or data_items >= 3 else 1 if data_items >= 2 else 0
    plan = "\n".join(ctx.note[s.start:s.end] for s in ctx.a.sections
                     if s.name in ("assessment_plan", "impression", "disposition", "follow_up"))
    risk = 2 if _RISK_MOD.search(plan or ctx.note) else 1
    if re.search(r"\badmi(?:t|ssion)\b(?! date)|surgery (?:planned|scheduled)|icu", plan, _I):
        risk = 3
    return sorted((prob, data, risk))[1]


def _em(ctx: _Ctx, performed_surgery: bool, psychotherapy: bool) -> None:
    """One E/M code for the setting: by documented time, else a rough MDM level at low confidence."""
    new = bool(re.search(r"\bnew (?:patient|pt)\b", ctx.lower)) and not re.search(r"\bestablished\b", ctx.head)
    timed = _total_time(ctx)
    anchor = timed[1:] if timed else (0, min(len(ctx.note), ctx.note.find("\n") if "\n" in ctx.note else 40))
    if ctx.setting == "outpatient":
        if _PREVENTIVE.search(ctx.head) and ctx.age is not None:
            _preventive(ctx, new, anchor)
            return
        if psychotherapy or _REPORT.search(ctx.head[:200]) or (performed_surgery and not timed):
            return  # the procedure or therapy is the service; no separate E/M without a separate problem
        kind = "new" if new else "est"
        if timed:
            chosen = [code for low, code in _OFFICE_TIME[kind] if timed[0] >= low]
            if chosen:
                why = f"{'new' if new else 'established'} patient office visit by total time ({timed[0]} min)"
                if performed_surgery:  # time spent on the procedure does not count toward the E/M
                    ctx.add(System.CPT, chosen[-1], 0.55, why + "; with a procedure: only for a separately "
                            "identifiable problem (modifier 25), procedure time excluded", *anchor)
                    return
                ctx.add(System.CPT, chosen[-1], 0.8, why, *anchor)
                top = 75 if new else 55  # past the top level: prolonged service per further 15 minutes
                if timed[0] >= top:
                    ctx.add(System.CPT, "99417", 0.7, f"prolonged service (units: {(timed[0] - top) // 15 + 1})",
                            *anchor)
            return
        code = _MDM_CODES[f"outpatient_{kind}"][_mdm_level(ctx)]
    elif ctx.setting == "ed":
        code = _MDM_CODES["ed"][_mdm_level(ctx)]
        cc = re.search(r"critical care time[^.\n\d]{0,20}(\d{2,3})\s*min", ctx.note, _I)
        if cc and int(cc.group(1)) >= 30:
            ctx.add(System.CPT, "99291", 0.75, f"critical care, {cc.group(1)} min (first 30-74 min)",
                    cc.start(), cc.end())
    else:
        if re.search(r"discharge (?:summary|day)", ctx.lower):
            if timed:
                code = "99239" if timed[0] > 30 else "99238"
                ctx.add(System.CPT, code, 0.8, f"discharge day management, {timed[0]} min", *anchor)
            else:
                ctx.add(System.CPT, "99238", 0.5, "discharge day management; time not documented", *anchor)
            return
        admit = re.search(r"history and physical|\bh&p\b|admission note|admit note", ctx.head)
        if timed:
            steps = [(40, "99221"), (55, "99222"), (75, "99223")] if admit else [(25, "99231"), (35, "99232"),
                                                                                 (50, "99233")]
            chosen = [code for low, code in steps if timed[0] >= low]
            if chosen:
                ctx.add(System.CPT, chosen[-1], 0.75, f"{'initial' if admit else 'subsequent'} hospital care by "
                        f"total time ({timed[0]} min)", *anchor)
                return
        code = _MDM_CODES["admit" if admit else "subsequent"][_mdm_level(ctx)]
    ctx.add(System.CPT, code, 0.5, "E/M visit; level needs MDM review (no total time documented)", *anchor)


def _preventive(ctx: _Ctx, new: bool, anchor: tuple[int, int]) -> None:
    awv = re.search(r"annual wellness visit|\bawv\b", ctx.note, _I)
    if awv:  # Medicare's wellness visit is a HCPCS service, not a preventive E/M
        initial = re.search(r"initial (?:annual wellness|awv)|first (?:annual wellness|awv)", ctx.note, _I)
        ctx.add(System.HCPCS, "G0438" if initial else "G0439", 0.75, "Medicare annual wellness visit",
                awv.start(), awv.end())
        return
    bands = [(1, 0), (5, 1), (12, 2), (18, 3), (40, 4), (65, 5), (999, 6)]
    idx = next(i for limit, i in bands if ctx.age < limit)
    code = str((99381 if new else 99391) + idx)
    m = _PREVENTIVE.search(ctx.note)
    ctx.add(System.CPT, code, 0.8, f"preventive visit, {'new' if new else 'established'} patient, age {ctx.age}",
            m.start(), m.end())


# --- psychotherapy and counseling ------------------------------------------------------------
def _psychotherapy(ctx: _Ctx) -> bool:
    intake = re.search(r"psychiatric diagnostic evaluation|(?:behavioral health|psychiatric|mental health) intake|"
                       r"intake (?:assessment|evaluation)", ctx.lower)
    if intake:
        ctx.add(System.CPT, "90791", 0.7, "psychiatric diagnostic evaluation (intake)", intake.start(), intake.end())
        return True
    if not re.search(r"psychotherap|\bcbt\b|therapy session|\bdbt\b", ctx.lower):
        return False
    if re.search(r"group (?:psycho)?therapy", ctx.lower):
        m = re.search(r"group (?:psycho)?therapy", ctx.lower)
        ctx.add(System.CPT, "90853", 0.75, "group psychotherapy", m.start(), m.end())
        return True
    m = re.search(r"(\d{2,3})\s*min\w*\s*(?:face[- ]to[- ]face|session|of psychotherapy|with (?:the )?(?:client|patient))",
                  ctx.note, _I)
    minutes = int(m.group(1)) if m else None
    if minutes is None:
        t = re.search(r"start\D{0,3}(\d{1,2}):(\d{2})\D{1,8}end\D{0,3}(\d{1,2}):(\d{2})", ctx.note, _I)
        if t:
            a, b = int(t.group(1)) * 60 + int(t.group(2)), int(t.group(3)) * 60 + int(t.group(4))
            minutes, m = (b - a) % 1440, t
    if minutes is None or minutes < 16:
        return True  # therapy documented, length not: no level can be chosen
    code = "90837" if minutes >= 53 else "90834" if minutes >= 38 else "90832"
    ctx.add(System.CPT, code, 0.8, f"individual psychotherapy, {minutes} min", m.start(), m.end())
    return True


_CESSATION = re.compile(r"(?:tobacco|smoking|vaping|nicotine|cessation)[^.\n]{0,50}?(\d{1,2})\s*min|"
                        r"(\d{1,2})\s*min\w*[^.\n]{0,40}?(?:tobacco|smoking|cessation)", _I)


def _counseling(ctx: _Ctx) -> None:
    """Tobacco cessation counseling, only with its minutes (3-10 or more than 10)."""
    for m in _CESSATION.finditer(ctx.note):
        if not re.search(r"counsel", ctx.note[max(0, m.start() - 60): m.end() + 20], _I):
            continue
        minutes = int(m.group(1) or m.group(2))
        if minutes >= 3:
            code = "99407" if minutes > 10 else "99406"
            ctx.add(System.CPT, code, 0.75, f"tobacco cessation counseling, {minutes} min", m.start(), m.end())
            return


# --- bundles and the entry point -------------------------------------------------------------
_INCLUDED = [  # (if a chosen description matches, drop codes whose description matches): NCCI-style bundles
    (r"arthroscopy", r"^Joint aspiration or injection"), (r"^Debridement", r"^Paring or cutting"),
    (r"repair of a wound", r"^Incision and removal of a foreign body"),
]


def _apply_bundles(ctx: _Ctx) -> None:
    chosen = {code: ctx.cs.cpt[code] for (system, code) in ctx.hits if system is System.CPT}
    for if_rx, drop_rx in _INCLUDED:
        if any(re.search(if_rx, d, _I) for d in chosen.values()):
            for code, desc in chosen.items():
                if re.search(drop_rx, desc, _I):
                    ctx.hits.pop((System.CPT, code), None)


def suggest_procedures(note: str, *, analysis: NoteAnalysis, types: set[System], setting: str,
                       codesets) -> list[RawSuggestion]:
    """CPT and HCPCS suggestions for ``note`` (only codes in ``codesets.cpt``/``codesets.hcpcs``).

    ``types`` limits the systems (ICD-10-CM is ignored here); ``setting`` is
    ``outpatient``, ``ed`` or ``inpatient``. Every suggestion quotes verbatim words of the note.
    """
    wanted = {System(t) for t in types} & {System.CPT, System.HCPCS}
    if not wanted or not note or not note.strip():
        return []
    ctx = _Ctx(note, analysis, setting if setting in ("outpatient", "ed", "inpatient") else "outpatient", codesets)
    rules = ([_drugs, _vaccines, _dme, _explicit_codes, _tests] if ctx.setting == "outpatient" else []) + [
        _surgical, _wound_repair, _imaging, _ecg, _counseling]
    for n, rule in enumerate(rules):
        checkpoint("procedure rules", n, len(rules))   # progress for the TUI; stops here once cancelled
        rule(ctx)
    therapy = _psychotherapy(ctx)
    surgery = any(s is System.CPT and _GENERIC_RANGE.match(c) for s, c in ctx.hits)
    _em(ctx, surgery, therapy)
    _apply_bundles(ctx)
    return [raw for (system, _), raw in ctx.hits.items() if system in wanted]
