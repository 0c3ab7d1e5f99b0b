"""Offline CPT and HCPCS suggestions: procedures, E/M levels, drugs, supplies and DME.

Deterministic rules over the note's sentences (from :mod:`clinical_text`) and the
code tables (``codesets.cpt`` / ``codesets.hcpcs``). Nothing outside those tables
is ever suggested: every rule picks codes by matching the table *descriptions*.

Professional (physician) coding is assumed: in the ED and inpatient settings drugs,
supplies and their administration are billed by the facility, so only E/M levels,
procedures and the physician's own interpretations are suggested there.

This module holds the entry point :func:`suggest_procedures`, the timed services
that decide whether an E/M is separate (psychotherapy, tobacco counseling) and the
NCCI-style bundles (a code another chosen code includes is dropped). The E/M level is chosen
in :mod:`procedures.em` from the medical decision making of :mod:`procedures.mdm`. The other rules live in
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
from medcoder_tui.engines.procedures.context import _I, _Ctx
from medcoder_tui.engines.procedures.diagnostics import _ecg, _imaging, _tests
from medcoder_tui.engines.procedures.drugs import (
    _dme,
    _drugs,
    _joint_aspiration,
    _explicit_codes,
    _vaccines,
)
from medcoder_tui.engines.procedures.em import em, is_new_patient
from medcoder_tui.engines.procedures.mdm import problem_count
from medcoder_tui.engines.procedures.obstetric import delivery
from medcoder_tui.engines.procedures.match import (
    _GENERIC_RANGE,
    _destruction_addons,
    _surgical,
    _wound_repair,
)

# --- psychotherapy and counseling ------------------------------------------------------------
_ELSEWHERE = re.compile(r"\b(?:outside|other|another|community|her|his|their) (?:therapist|counsel+or|psychologist|"
                        r"provider)|\b(?:continue|continues|in weekly|in ongoing|referred? (?:to|for)|refer\w* to)\b"
                        r"[^.\n]{0,12}(?:psychotherap|cbt|dbt|therapy)|\bno (?:separate )?(?:psycho)?therapy|"
                        # "CBT referral": therapy another clinician will give
                        r"\b(?:psychotherapy|cbt|dbt|therapy)\s+(?:referral|consult\w*|recommended|to be arranged)|"
                        # "CBT-I workbook given", "CBT app": self-help material, no therapy given
                        r"\b(?:cbt|dbt)(?:-i)?\s+(?:workbook|handout|app|materials?|resources?|worksheets?|book|"
                        r"self-help|information|info|education|website)", _I)
def _psychotherapy(ctx: _Ctx) -> bool:
    intake = re.search(r"psychiatric diagnostic evaluation|(?:behavioral health|psychiatric|mental health) intake|"
                       r"intake (?:assessment|evaluation)", ctx.lower)
    if intake:
        ctx.add(System.CPT, "90791", 0.7, "psychiatric diagnostic evaluation (intake)", intake.start(), intake.end())
        return True
    # therapy this provider gives, not "no separate psychotherapy session" or "weekly CBT with an
    # outside therapist"
    if not any(not ctx.a.context_at(m.start(), m.end()) & {"negated", "history", "hypothetical"}
               and not _ELSEWHERE.search(ctx.note, max(0, m.start() - 40), min(len(ctx.note), m.end() + 40))
               for m in re.finditer(r"psychotherap|\bcbt\b|therapy session|\bdbt\b", ctx.lower)):
        return False
    if re.search(r"group (?:psycho)?therapy", ctx.lower):
        m = re.search(r"group (?:psycho)?therapy", ctx.lower)
        ctx.add(System.CPT, "90853", 0.75, "group psychotherapy", m.start(), m.end())
        return True
    m = re.search(r"(\d{2,3})\s*min\w*\s*(?:face[- ]to[- ]face|session|of (?:psycho)?therapy|with (?:the )?(?:client|patient))|"
                  r"(?:psychotherapy|therapy session)\s*(?:\([^)\n]{0,60}\)\s*)?(?:\(|:|-|of|for|x)?\s*(\d{2,3})\s*min|"
                  # "(CBT-focused, 26 min ...)", "(separate from E/M; start 10:22, stop 10:42 = 20 min)"
                  r"(?:psychotherapy|therapy session)\s*\([^)\n]{0,60}?(?<![:\d])\b(\d{2,3})\s*min",
                  ctx.note, _I)
    minutes = int(next(g for g in m.groups() if g)) if m else None
    if minutes is None:
        t = re.search(r"start\D{0,3}(\d{1,2}):(\d{2})\D{1,8}(?:end|stop)\D{0,3}(\d{1,2}):(\d{2})", ctx.note, _I)
        if t:
            a, b = int(t.group(1)) * 60 + int(t.group(2)), int(t.group(3)) * 60 + int(t.group(4))
            minutes, m = (b - a) % 1440, t
    with_em = _WITH_EM.search(ctx.note) is not None
    if minutes is None or minutes < 16:
        # therapy documented, length not: no therapy code can be chosen; a medical service beside it
        # is still the visit's E/M
        return not with_em
    if with_em:
        # psychotherapy by the prescriber beside a medical (E/M) service: the E/M by its MDM (the therapy's
        # time not counted in it) and the therapy as its add-on
        code = "90838" if minutes >= 53 else "90836" if minutes >= 38 else "90833"
        ctx.add(System.CPT, code, 0.75, f"psychotherapy with an E/M visit (add-on), {minutes} min", m.start(), m.end())
        return False
    code = "90837" if minutes >= 53 else "90834" if minutes >= 38 else "90832"
    ctx.add(System.CPT, code, 0.8, f"individual psychotherapy, {minutes} min", m.start(), m.end())
    return True


# the same visit's medical service: said outright, or medication management (a dose set or changed)
_WITH_EM = re.compile(r"\bin addition to (?:the |an? )?(?:e/?m|e&m|evaluation and management)|\badd-?on psychotherapy|"
                      r"\bpsychotherapy add-?on|\be/?m\s*(?:\+|and|with)\s*psychotherapy|\bmed(?:ication)? management|"
                      r"\b(?:continue|increase|decrease|start|titrate|reduce)\w*\s+[a-z]+\s+(?:to\s+|at\s+)?\d+(?:\.\d+)?\s*mg\b|"
                      # "Increase sertraline 150 -> 200 mg"; "Psychotherapy (separate from E/M ...)"
                      r"\b(?:increase|decrease|titrate|reduce)\w*\s+[a-z]+\s+(?:from\s+)?\d+\s*(?:mg\s*)?(?:->|→|to)\s*\d+\s*mg\b|"
                      r"\bseparate(?:ly)? from (?:the )?(?:e/?m|e&m)\b",
                      _I)


# minutes in digits or in words ("about five minutes on smoking cessation")
_NUMBER_WORDS = {"three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
                 "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20}
_MINUTES = r"(\d{1,2}|" + "|".join(_NUMBER_WORDS) + r")"
_CESSATION = re.compile(r"(?:tobacco|smoking|vaping|nicotine|cessation)[^.\n]{0,50}?\b" + _MINUTES + r"\s*min|"
                        r"\b" + _MINUTES + r"\s*min\w*[^.\n]{0,40}?(?:tobacco|smoking|cessation)", _I)
# the words that make minutes about tobacco counseling ("counseled", "spent ... on smoking cessation")
_COUNSEL_WORDS = re.compile(r"counsel|\bspent\b|\bdiscuss\w*|\badvis\w*", _I)


# "Tobacco use disorder - nicotine dependence. Counseled for 8 minutes today: ...", "Smoking cessation counseling
# today: ... Time spent on counseling: 8 minutes.": the minutes in a counseling sentence of the tobacco line
_TOBACCO_LINE = re.compile(r"^.*\b(?:tobacco|smok\w*|vap\w*|nicotine|cessation|cigarettes?)\b.*$", _I | re.MULTILINE)
_COUNSELING_MINUTES = re.compile(r"\bcounsel\w*\b[^.\n]{0,40}?\b(\d{1,2})\s*min\w*|"
                                 r"\b(\d{1,2})\s*min\w*[^.\n]{0,25}?\bcounsel\w*", _I)


def _counseling(ctx: _Ctx) -> None:
    """Tobacco cessation counseling, only with its minutes (3-10 or more than 10)."""
    found = []
    for m in _CESSATION.finditer(ctx.note):
        # ("12 minutes face-to-face cessation counseling today": the word may come after the minutes' words)
        if _COUNSEL_WORDS.search(ctx.note[max(0, m.start() - 60): m.end() + 50]):
            found.append(m)
    if not found:
        found = [m for line in _TOBACCO_LINE.finditer(ctx.note) if re.search(r"counsel", line.group(0), _I)
                 for m in _COUNSELING_MINUTES.finditer(ctx.note, line.start(), line.end())
                 if not re.search(r"\btotal\b", ctx.note[max(line.start(), m.start() - 30):m.end()], _I)]
    for m in found:
        at = next(i for i, g in enumerate(m.groups(), 1) if g)
        if re.search(r"(?:<|less than|under|fewer than)\s*$", ctx.note[max(0, m.start(at) - 12):m.start(at)], _I):
            continue   # "(< 3 min)": below the time the code needs
        said = m.group(at).lower()
        minutes = _NUMBER_WORDS[said] if said in _NUMBER_WORDS else int(said)
        if minutes >= 3:
            code = "99407" if minutes > 10 else "99406"
            ctx.add(System.CPT, code, 0.75, f"tobacco cessation counseling, {minutes} min", m.start(), m.end())
            return


# --- bundles and the entry point -------------------------------------------------------------
_INCLUDED = [  # (if a chosen description matches, drop codes whose description matches): NCCI-style bundles
    (r"arthroscopy", r"^Joint aspiration or injection"), (r"^Debridement", r"^Paring or cutting"),
    (r"repair of a wound", r"^Incision and removal of a foreign body"),
    # the nail's removal includes debriding its fold ("Granulation tissue debrided w/ curette" after the avulsion)
    (r"^Removal of a nail plate|^Excision of a nail and nail matrix", r"^Debridement of nails"),
    # the matrix's excision removes the nail plate over it ("partial nail avulsion with chemical matrixectomy")
    (r"^Excision of a nail and nail matrix", r"^Removal of a nail plate"),
    # the first cast or splint is part of the fracture or dislocation treatment
    (r"^(?:Closed|Open|Percutaneous) treatment", r"^Application of (?:a |an )?(?:\w+ )*(?:splint|cast)"),
]


_NAIL_COUNT = re.compile(r"\((\d{1,2}) (?:toe)?nails\)|\b(\d{1,2}|ten|all ten|all) (?:toe)?nails\b|"
                         r"\b(?:toe)?nails (?:1-5|one through five) (?:b/l|bilateral(?:ly)?)\b", _I)


def _nail_count(ctx: _Ctx) -> None:
    """Nail debridement by the number of nails ("toenails 1-5 b/l (10 nails)": 6 or more, 11721)."""
    raw = ctx.hits.get((System.CPT, "11720"))
    if raw is None or "11721" not in ctx.cs.cpt:
        return
    for m in _NAIL_COUNT.finditer(ctx.note):
        said = (m.group(1) or m.group(2) or "").lower()
        count = 10 if said in ("ten", "all ten", "all") or not said else int(said)
        if count >= 6:
            ctx.hits.pop((System.CPT, "11720"))
            ctx.add(System.CPT, "11721", raw.confidence, f"debridement of {count} nails (6 or more)", m.start(), m.end())
            return


# the lesions the premalignant destruction codes (17000-17004) are for
_PREMALIGNANT = re.compile(r"\bactinic keratos[ie]s\b|\baks?\b|\bpremalignant\b|\bprecancer\w*|\bpre-cancer\w*|"
                           r"\bleukoplakia\b|\bactinic cheilitis\b|\bbowenoid\b", _I)


def _apply_bundles(ctx: _Ctx) -> None:
    premalignant = [key for key in ((System.CPT, "17000"), (System.CPT, "17003"), (System.CPT, "17004"))
                    if key in ctx.hits]
    if premalignant and not _PREMALIGNANT.search(ctx.note):
        for key in premalignant:   # "liquid nitrogen" on warts is a benign lesion's destruction
            ctx.hits.pop(key, None)
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
    rules = ([_drugs, _joint_aspiration, _vaccines, _dme, _explicit_codes, _tests] if ctx.setting == "outpatient"
             else []) + [
        _surgical, _destruction_addons, _wound_repair, _imaging, _ecg, _counseling, delivery]
    for n, rule in enumerate(rules):
        checkpoint("procedure rules", n, len(rules))   # progress for the TUI; stops here once cancelled
        rule(ctx)
    therapy = _psychotherapy(ctx)
    # (a blood draw is no procedure that carries the visit's evaluation)
    procedures = [c for s, c in ctx.hits if s is System.CPT and _GENERIC_RANGE.match(c)
                  and c not in ("36415", "36416", "36600")]
    # An injection's own decision is part of it; a new patient's evaluation, or another problem
    # addressed beside it, is a separately identifiable E/M (modifier 25)
    injection_only = bool(procedures) and all(c.startswith(("2060", "2061", "2055")) for c in procedures)
    surgery = bool(procedures) and not (injection_only and (is_new_patient(ctx) or problem_count(ctx) >= 2))
    em(ctx, surgery, therapy)
    _nail_count(ctx)
    _apply_bundles(ctx)
    return [raw for (system, _), raw in ctx.hits.items() if system in wanted]
