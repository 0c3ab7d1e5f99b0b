"""The E/M code of an encounter: office/outpatient, ED, hospital and preventive visits.

- **Office/outpatient** (new 99202-99205, established 99212-99215): by medical decision making
  (:mod:`procedures.mdm`) or by total time on the date of the encounter when documented
  (new 15/30/45/60, established 10/20/30/40 minutes), whichever supports the higher level; the
  reason says both. Prolonged time past the top level (99417) and the longitudinal-care
  complexity add-on (G2211) are suggested only when the note documents them.
- **ED** (99282-99285, 2023): by MDM only; time does not select an ED level. Critical care by its
  documented minutes.
- **Hospital inpatient/observation** (2023): initial care 99221-99223 and subsequent care
  99231-99233 by MDM or time; discharge day management by time (30 minutes or less, more).
- **Preventive visits** (99381-99387 new, 99391-99397 established) by age band, and Medicare's
  annual wellness visit (initial G0438, subsequent G0439), when the visit is a preventive exam.
- **No E/M** when the procedure or therapy is the service: a procedure or operative note, a visit
  inside a global surgical or obstetric package, psychotherapy or a psychiatric intake.
"""

from __future__ import annotations

import datetime
import re

from medcoder_tui.codes.systems import System
from medcoder_tui.engines.diagnoses.encounter_terms import PRE_TRAVEL, an_earlier_visit
from medcoder_tui.engines.procedures.context import _I, _TIME, _Ctx, told_of_this_visit
from medcoder_tui.engines.procedures.mdm import _procedure_done, addressed_problems, mdm, risk

_OFFICE_TIME = {"new": [(15, "99202"), (30, "99203"), (45, "99204"), (60, "99205")],
                "est": [(10, "99212"), (20, "99213"), (30, "99214"), (40, "99215")]}
_HOSPITAL_TIME = {"admit": [(40, "99221"), (55, "99222"), (75, "99223")],
                  "subsequent": [(25, "99231"), (35, "99232"), (50, "99233")]}
# Office or other outpatient consultation (99242-99245 by MDM): an opinion requested by another physician who keeps
# the patient's care ("Thank you for asking me to see Ms. X in consultation ... she will continue her care with you");
# not a transfer of care, and not for Medicare, which does not recognize the codes
_CONSULT_CODES = ["99242", "99243", "99244", "99245"]
_CONSULTATION = re.compile(r"\b(?:see (?:him|her|them|the patient|mr\.?|ms\.?|mrs\.?)[^.\n]{0,40} in consultation|"
                           r"consultation (?:was )?requested by|(?:asked|requested) (?:me )?(?:to see|for) (?:[^.\n]{0,40} )?"
                           r"(?:in )?consultation)|"
                           # "Requesting physician: Dr. X", "Thank you for asking me to see Mr. X for my opinion on ..."
                           r"^[ \t]*requesting (?:physician|provider|clinician)[ \t]*:|"
                           r"\b(?:asking|asked) me to see\b[^.\n]{0,60}?\bfor (?:my |an? )?(?:opinion|recommendations?)\b",
                           _I | re.M)
_NOT_CONSULTATION = re.compile(r"transfer(?:red|ring|s)? (?:of |(?:his|her|their) )?care|assum\w* (?:his|her|their|the patient's) care|"
                               r"establish\w* care|\bmedicare\b|"
                               r"(?:does not|doesn't|do not|don't) (?:recognize|accept|pay for|cover) consultation", _I)
_MDM_CODES = {"new": ["99202", "99203", "99204", "99205"], "est": ["99212", "99213", "99214", "99215"],
              "ed": ["99282", "99283", "99284", "99285"], "admit": ["99221", "99221", "99222", "99223"],
              "subsequent": ["99231", "99231", "99232", "99233"]}
PREVENTIVE = re.compile(r"annual wellness visit|\bawv\b|well[- ]child|\bwcc\b|well[- ](?:visit|exam|baby|infant)|"
                        r"preventive (?:visit|exam|care)|annual (?:physical|exam)|routine (?:physical|health "
                        r"(?:exam|check))|wellness exam|complete physical|health maintenance (?:exam|visit)|"
                        # "12-year check-up", "annual checkup", "health supervision visit", "well adolescent visit"
                        r"(?:annual|yearly|routine|adolescent|\d{1,2}[- ](?:years?|yrs?|months?|mos?)(?:[- ]old)?)[- ]"
                        r"check[- ]?up\b|health supervision (?:visit|exam)|well[- ](?:adolescent|teen|woman|man) "
                        r"(?:visit|exam|check)", _I)
_REPORT = re.compile(r"operative report|op(?:erative)? note|procedure (?:note|report|visit)|procedure[- ]only|"
                     r"endoscopy report|delivery note", _I)
# (a routine prenatal visit is part of the global obstetric package unless the note bills it apart)
# delivery codes whose package includes postpartum care (the stay's visits and its discharge)
_OB_WITH_POSTPARTUM = frozenset({"59400", "59410", "59510", "59515", "59610", "59614", "59618", "59622"})
# a note the operating surgeon writes: "GENERAL SURGERY - DISCHARGE SUMMARY", "Attending surgeon / author"
_SURGEON = re.compile(r"\bsurgeon\b|\bsurgery\b[^\n]{0,20}\bdischarge summary\b|\b(?:orthopaedic|orthopedic|urology|"
                      r"neurosurgery|surgical) (?:service|team)\b", _I)
_GLOBAL = re.compile(r"global (?:surgical |ob |obstetric(?:al)? )?(?:package|period|care)|\(global\)|"
                     # "Global OB - prenatal care with this practice", "Global OB patient"; "routine 28 wk visit"
                     r"global (?:ob|obstetric(?:al)?)\b|routine \d{1,2}[- ]?(?:wk|week)s? (?:visit|check)|"
                     r"post-?op(?:erative)? visit|included in (?:the )?global|routine prenatal (?:visit|care)|"
                     # "Assessment: Supervision of normal pregnancy, second trimester" (Z34: no complication)
                     r"supervision of (?:a |an )?(?:other )?normal (?:first |\w+ )?pregnancy|"
                     r"routine (?:ob|prenatal|antenatal) (?:visit|care|check|follow[- ]?up)|"
                     # the routine visit after the delivery is the package's postpartum care
                     r"routine post-?partum (?:visit|care|check|follow[- ]?up|exam\w*)", _I)
_NEW = re.compile(r"\bnew (?:patient|pt)\b|\bnew to (?:the |our |this )?(?:clinic|practice|office|center|centre|group|me)\b|"
                  r"establish(?:ing)? care|first visit (?:to|with|in) (?:this|our)|initial (?:visit|consult\w*)|"
                  r"\bnp\b visit|\b(?<!follow-up )(?<!follow up )consultation\b", _I)
_ESTABLISHED = re.compile(r"\bestablished (?:patient|pt)\b|\best\.? pt\b|\bknown to (?:me|this|our)", _I)
_DEPRESSION_SCREEN = re.compile(r"depression screen\w*[^.\n]{0,40}(?:administered|performed|completed|done|score|"
                                r"phq-?[29]\s*[:=]?\s*\d)|phq-?9[^.\n]{0,30}(?:administered|performed|completed|done|score)|"
                                r"\bphq-?9\s*(?:score\s*)?[:=]?\s*\d{1,2}\b", _I)
_SEPARATE = re.compile(r"separately identifiable|significant(?:ly)?,? separate|modifier 25|problem[- ]oriented "
                       r"(?:visit|e/m|service)|separate (?:e/m|e&m|evaluation and management)(?: service)?|"
                       # a problem of its own heading its lines: "SEPARATE PROBLEM - groin rash: itchy red rash ..."
                       r"^[ \t]*(?:\d+[.)][ \t]*)?separate (?:problem|issue|complaint|concern)s?[ \t]*[-:]", _I | re.M)
_NO_BEFORE = re.compile(r"\b(?:no|not|without|none)\b[^.\n]{0,20}$", _I)
# the physician as the continuing focal point of a patient's care, in the words notes use
_CONTINUING = re.compile(r"\blongitudinal\w*|\bcontinuing (?:primary care )?(?:physician|provider|doctor|care)\b|"
                         r"\bfollowed by me\b|\bwhom i (?:follow|have followed)\b|\bi have (?:been )?follow(?:ed|ing) (?:him|her|them)\b|"
                         r"\b(?:serve|act|remain) as (?:his|her|their|the patient's) (?:ongoing|continuing|primary)\b|"
                         r"\bongoing (?:\w+ ){0,2}care (?:since|for)\b|\b(?:pcp|primary care physician) since (?:19|20)\d\d\b", _I)
_MEDICARE = re.compile(r"\bmedicare\b", _I)
# services beside which the visit is billed with modifier 25: procedures, injections and infusions, a nebulizer
_WITH_MODIFIER_25 = re.compile(r"(?!3641[56])(?:1\d|[2-6]\d)\d{3}|963[67]\d|964\d\d|965[0-4]\d|94640")
_LONGITUDINAL = re.compile(r"\bg2211\b|longitudinal care|continuing focal point|ongoing (?:longitudinal )?care "
                           r"for (?:a |this )?(?:single,? )?(?:serious|complex)|"
                           # "Provider: Test Internist, MD (PCP since 2017)": the author is the patient's continuing
                           # primary care physician, the focal point for all needed services
                           r"\b(?:md|do|np|pa-c|pa|aprn|fnp)\b[^\n(]{0,20}\((?:(?:her|his|their|the patient's) )?"
                           r"(?:pcp|primary care (?:physician|provider|doctor)) since\b", _I)


def total_time(ctx: _Ctx) -> tuple[int, int, int] | None:
    """(minutes, start, end) of the documented total time on the date of the encounter."""
    for m in _TIME.finditer(ctx.note):
        before = ctx.note[max(0, m.start() - 20): m.end()]
        # (a procedure's own clock: "Cecal intubation time 6 min. Withdrawal time 11 min", "procedure time",
        # "sedation time", "fluoroscopy time")
        if re.search(r"withdrawal|intubation|insertion|procedure|sedation|fluoro\w*|scope|anesthesia|"
                     r"infusion time|travel|tourniquet|observed|ischemi|critical care|"
                     r"psychotherapy|counsel\w* (?:for|on) (?:tobacco|smoking)", before, _I):
            continue
        group = next(g for g in (1, 2, 3) if m.group(g))
        minutes = int(m.group(group))
        # "> 30 min (45 min)": the exact minutes in parentheses, or more than the bound
        exact = re.match(r"\s*\((\d{1,3})\s*(?:min|mins|minutes)\)", ctx.note[m.end():m.end() + 20], _I)
        if exact:
            minutes = max(minutes, int(exact.group(1)))
        elif re.search(r"(?:>|more than|over|greater than)\s*$", ctx.note[max(0, m.start(group) - 15):m.start(group)], _I):
            minutes += 1
        return minutes, m.start(), m.end()
    return None


def _this_visit_preventive(head: str) -> bool:
    """Whether the note's opening names a preventive visit that is this one (not a dated or earlier one)."""
    return any(not an_earlier_visit(head, m.start(), m.end()) for m in PREVENTIVE.finditer(head))


def is_new_patient(ctx: _Ctx) -> bool:
    """New: the note's opening says so (new patient, new to the clinic, establishing care), not established."""
    return bool(_NEW.search(ctx.head)) and not _ESTABLISHED.search(ctx.head)


def _by_time(minutes: int, steps: list[tuple[int, str]]) -> int:
    """Index of the highest step whose minutes are met, -1 below the first."""
    return sum(1 for low, _ in steps if minutes >= low) - 1


# "TELEPHONE ENCOUNTER (audio-only)", "Telephone visit": no video, so no office visit code (a video visit is one)
_AUDIO_ONLY = re.compile(r"\baudio[- ]only\b|\b(?:telephone|phone) (?:encounter|visit|call visit|e/m)\b", re.I)


def _report_only(ctx: _Ctx) -> bool:
    """A procedure or operative report's title: the procedure is the service ("GYNECOLOGY VISIT + PROCEDURE NOTE"
    names a visit beside it, which its MDM may bill)."""
    report = _REPORT.search(ctx.head[:200])
    if report is None:
        return False
    start = ctx.head.rfind("\n", 0, report.start()) + 1
    end = ctx.head.find("\n", report.end())
    title = ctx.head[start:end if end >= 0 else len(ctx.head)]
    # ("ORTHOPAEDICS - Procedure visit": the visit is the procedure's own)
    title = re.sub(r"procedure[- ]?(?:only )?visit", " ", title, flags=_I)
    return not re.search(r"\b(?:visit|consult\w*|e/m)\b", title, _I)


def em(ctx: _Ctx, performed_surgery: bool, psychotherapy: bool) -> None:
    """One E/M code for the setting, with the MDM (and time) that supports it as the reason."""
    timed = total_time(ctx)
    first_line = ctx.note.find("\n") if "\n" in ctx.note else min(len(ctx.note), 40)
    anchor = timed[1:] if timed else (0, first_line)
    if _report_only(ctx) or psychotherapy or told_of_this_visit(ctx.note, ctx.a, _GLOBAL):
        return  # the procedure, the therapy or the global package is the service
    if any(code in _OB_WITH_POSTPARTUM for _, code in ctx.hits):
        return  # a delivery billed with its postpartum care includes the hospital visits and the discharge
    if ctx.setting == "outpatient" and _AUDIO_ONLY.search(ctx.head):
        return   # an audio-only visit has telephone E/M codes of its own (98008-98015), outside the bundled table
    if ctx.setting == "outpatient" and _therapy_visit(ctx):
        return   # a physical therapist's evaluation and treatment are the therapy codes, no E/M
    if ctx.setting == "outpatient":
        separate = _separate_problem(ctx)
        if _this_visit_preventive(ctx.head) and ctx.age is not None:
            preventive(ctx, is_new_patient(ctx), anchor)
            if separate:  # a significant problem addressed beyond the preventive work: its own E/M
                _office(ctx, None, anchor, False, extra="; a separately identifiable problem beside the "
                        "preventive visit (modifier 25)")
            return
        if separate is False:
            return  # the note says no separately identifiable E/M
        if PRE_TRAVEL.search(ctx.head) and not addressed_problems(ctx):
            return  # pre-travel counselling is preventive medicine counselling (99401-99404), outside the table
        if performed_surgery and not timed and not separate \
                and not addressed_problems(ctx) >= 3 and not _managed_beside(ctx):
            return  # no separate E/M for the procedure's own evaluation (three problems addressed are more)
        if _transitional_care(ctx, anchor):
            return
        # (with a psychotherapy add-on the visit is chosen by MDM: the therapy's minutes are not the E/M's)
        with_therapy = any(code in ("90833", "90836", "90838") for _, code in ctx.hits)
        _office(ctx, None if with_therapy else timed, anchor, performed_surgery)
    elif ctx.setting == "ed":
        level, why = mdm(ctx)
        ctx.add(System.CPT, _MDM_CODES["ed"][level], 0.6, f"ED visit by MDM: {why}", *anchor)
        _critical_care(ctx)
    else:
        _hospital(ctx, timed, anchor)


_NEW_PRESCRIPTION = re.compile(r"\brx sent\b|\(rx\b|\brx\)|\be-?prescribed\b|\bprescribed today\b|"
                               r"\b(?:start|begin|initiate|increase|decrease|switch)\w*\s+(?:\w+\s+){0,3}\d+(?:\.\d+)?\s*"
                               r"(?:mg|mcg|%|units?)\b|"
                               # a course with its length is prescribed now: "metronidazole 500 mg PO BID x 7 days"
                               r"\b[a-z]{4,}\s+\d+(?:\.\d+)?\s*(?:mg|mcg)\b[^.;\n]{0,30}\bx\s*\d+\s*(?:d|days?|wks?|weeks?)\b",
                               _I)


def _managed_beside(ctx: _Ctx) -> bool:
    """Whether a second problem addressed beside the procedure's own is managed with a prescription drug: an
    evaluation beyond the procedure's pre-service work, separately identifiable (modifier 25)."""
    # (the procedure's own problem is one of them, unless the assessment names it as an "Encounter for ..." item,
    # which is no problem counted)
    own = 0 if re.search(r"(?im)^[ \t]*\d+[.)][ \t]*encounter for\b", ctx.note) else 1
    if addressed_problems(ctx) - own < 1:
        return False
    element = risk(ctx)
    # a drug started, changed or prescribed at this visit ("(Rx sent)"), not one continued or left to another
    return element.level >= 2 and "prescription" in element.why and _NEW_PRESCRIPTION.search(ctx.note) is not None


# A physical therapy visit: the evaluation by its documented complexity (97161-97163) and the timed treatments given,
# each by its minutes (the 8-minute rule: 8 to 22 minutes is one unit)
_PT_VISIT = re.compile(r"\bphysical therapy\b[^\n]{0,40}\b(?:evaluation|eval|visit|treatment|note)\b|"
                       r"\bpt (?:initial )?(?:evaluation|eval)\b", re.I)
_PT_COMPLEXITY = re.compile(r"\b(?:evaluation )?complexity\s*[:=-]?\s*(low|moderate|high)\b|"
                            r"\b(low|moderate|high)[- ]complexity\b", re.I)
_PT_TIMED = (("97110", re.compile(r"\b(?:therapeutic exercises?|ther ?ex)\b", re.I)),
             ("97140", re.compile(r"\bmanual therapy\b", re.I)),
             ("97112", re.compile(r"\bneuromuscular re-?education\b|\bnm re-?ed\b", re.I)),
             ("97116", re.compile(r"\bgait training\b", re.I)),
             ("97530", re.compile(r"\btherapeutic activit(?:y|ies)\b|\bther activit(?:y|ies)\b", re.I)))
_MINUTES = re.compile(r"(\d{1,3})\s*min", re.I)
_PLANNED = re.compile(r"\b(?:plan|interventions?|frequency|will)\b", re.I)


def _therapy_visit(ctx: _Ctx) -> bool:
    """A physical therapist's visit: its evaluation (when one) and the timed treatments given with their minutes."""
    head = _PT_VISIT.search(ctx.head)
    if head is None:
        return False
    if re.search(r"\b(?:evaluation|eval)\b", head.group(0), re.I):
        level = _PT_COMPLEXITY.search(ctx.note)
        kind = ((level.group(1) or level.group(2)).lower() if level else "moderate")
        code = {"low": "97161", "moderate": "97162", "high": "97163"}[kind]
        at = (level.start(), level.end()) if level else (head.start(), head.end())
        ctx.add(System.CPT, code, 0.7, f"physical therapy evaluation, {kind} complexity"
                + ("" if level else " (no complexity documented: the moderate level by default)"), *at)
    for code, rx in _PT_TIMED:
        for m in rx.finditer(ctx.note):
            line_start = ctx.note.rfind("\n", 0, m.start()) + 1
            line_end = ctx.note.find("\n", m.end()) % (len(ctx.note) + 1)
            minutes = _MINUTES.search(ctx.note, m.end(), line_end)   # ("Therapeutic exercise x 15 min: quad sets")
            sent = ctx.a.sentence_at(m.start())
            if minutes is None or int(minutes.group(1)) < 8 or sent is None or not ctx.usable(sent, m.start(), m.end()) \
                    or _PLANNED.search(ctx.note, line_start, m.start()):
                continue   # (under 8 minutes bills no unit; "Plan: ... interventions: manual therapy" is not given)
            n = int(minutes.group(1))
            ctx.add(System.CPT, code, 0.65, f"timed therapy given, {n} min (units: {(n + 7) // 15})", m.start(),
                    m.end())
            break
    return True


# Transitional care management (99495-99496): the face-to-face visit of the 30 days after a discharge, billed in
# place of the office visit, by its MDM (moderate or high) and how soon after the discharge it came (14 or 7 days)
_TCM = re.compile(r"\btransitional care (?:management|visit)\b|\btcm\b|\btransition(?:s)? of care (?:visit|management)\b",
                  re.I)
_DAYS_AFTER = re.compile(r"\b(\d{1,2})\s*(?:calendar\s+|business\s+)?days?\s+(?:after|post|since|from)[\s-]*"
                         r"(?:(?:the|her|his|hospital)\s+)?discharge|\bpost[- ]discharge day\s*#?\s*(\d{1,2})\b", re.I)
_DATE = r"(\d{1,2})/(\d{1,2})/(\d{2,4})"
_DISCHARGED_ON = re.compile(r"\bdischarged?\b[^\n\d]{0,30}" + _DATE, re.I)
_SEEN_ON = re.compile(r"(?:\btoday\b[,:]?\s*(?:\(|is\s+)?|\b(?:dos|date of (?:service|visit)|visit date|date)\s*[:#]?\s*)"
                      + _DATE, re.I)


def _days_after_discharge(note: str) -> int | None:
    """How many days after the discharge the visit came, as the note says it or by its two dates."""
    said = _DAYS_AFTER.search(note)
    if said is not None:
        return int(said.group(1) or said.group(2))
    out, seen = _DISCHARGED_ON.search(note), _SEEN_ON.search(note)
    if out is None or seen is None:
        return None
    try:
        dates = [datetime.date(int(y) + (2000 if len(y) == 2 else 0), int(m), int(d))
                 for m, d, y in (out.groups(), seen.groups())]
    except ValueError:
        return None
    days = (dates[1] - dates[0]).days
    return days if 0 <= days <= 60 else None


def _transitional_care(ctx: _Ctx, anchor: tuple[int, int]) -> bool:
    """Transitional care management in place of the office visit, when the note is one's face-to-face visit with
    moderate or high MDM within 14 days of the discharge (high within 7: 99496)."""
    if not _TCM.search(ctx.head):
        return False
    level, why = mdm(ctx)
    days = _days_after_discharge(ctx.note)
    if level < 2 or (days is not None and days > 14):
        return False   # (a low-complexity or late visit is an office visit)
    when = f"{days} days after discharge" if days is not None else "after discharge"
    if level == 3 and (days is None or days <= 7):
        ctx.add(System.CPT, "99496", 0.6, f"transitional care management, face-to-face visit {when} with {why}",
                *anchor)
    else:
        ctx.add(System.CPT, "99495", 0.6, f"transitional care management, face-to-face visit {when} with {why}",
                *anchor)
    return True


def _critical_care(ctx: _Ctx) -> None:
    """Critical care by its documented minutes: 99291 for the first 30-74, 99292 per further 30."""
    cc = re.search(r"critical care time[^.\n\d]{0,20}(\d{2,3})\s*min|"
                   # ("I personally provided 42 minutes of critical care time")
                   r"(\d{2,3})\s*min(?:ute)?s?\s+of\s+critical care\b", ctx.note, _I)
    minutes = int(cc.group(1) or cc.group(2)) if cc else 0
    if minutes < 30:
        return
    ctx.add(System.CPT, "99291", 0.75, f"critical care, {minutes} min (first 30-74 min)", cc.start(), cc.end())
    if minutes >= 75:
        ctx.add(System.CPT, "99292", 0.7, f"critical care add-on, {minutes} min (units: {(minutes - 75) // 30 + 1}; "
                "Medicare counts the first unit from 104 min)", cc.start(), cc.end())


def _separate_problem(ctx: _Ctx) -> bool | None:
    """True: the note documents a significant, separately identifiable problem (modifier 25);
    False: it says there is none; None: it does not say."""
    m = _SEPARATE.search(ctx.note)
    if m is None:
        return None
    return not _NO_BEFORE.search(ctx.note[max(0, m.start() - 30):m.start()])


def _office(ctx: _Ctx, timed, anchor: tuple[int, int], performed_surgery: bool, extra: str = "") -> None:
    kind = "new" if is_new_patient(ctx) else "est"
    who = "new" if kind == "new" else "established"
    level, why = mdm(ctx)
    by_time = _by_time(timed[0], _OFFICE_TIME[kind]) if timed else -1
    if by_time > level:
        code = _OFFICE_TIME[kind][by_time][1]
        reason = f"{who} patient office visit by total time ({timed[0]} min; {why})"
        confidence = 0.8
    else:
        code = _MDM_CODES[kind][level]
        reason = f"{who} patient office visit by {why}" + (f" (total time {timed[0]} min)" if timed else "")
        confidence = 0.75 if timed else 0.6
    if kind == "new" and not performed_surgery and _CONSULTATION.search(ctx.note) \
            and not _NOT_CONSULTATION.search(ctx.note) and by_time <= level:
        # an opinion another physician asked for, the care staying with them: the consultation code by MDM
        ctx.add(System.CPT, _CONSULT_CODES[level], confidence, f"office consultation by {why}" + extra, *anchor)
        return
    if performed_surgery:  # time spent on the procedure does not count toward the E/M
        ctx.add(System.CPT, code, 0.55, reason + "; with a procedure: only for a separately identifiable "
                "problem (modifier 25), procedure time excluded", *anchor)
        return
    ctx.add(System.CPT, code, 0.55 if extra else confidence, reason + extra, *anchor)
    top = 75 if kind == "new" else 55  # prolonged service: each further 15 minutes past the top level
    if timed and timed[0] >= top and code == _OFFICE_TIME[kind][-1][1]:
        ctx.add(System.CPT, "99417", 0.7, f"prolonged service by total time {timed[0]} min "
                f"(units: {(timed[0] - top) // 15 + 1})", *anchor)
    # (the words of a continuing relationship are read only for Medicare, the payer whose add-on G2211 is; and
    # Medicare pays no G2211 on a visit billed with modifier 25 beside a procedure, an injection or infusion)
    longitudinal = _LONGITUDINAL.search(ctx.note) or (
        _MEDICARE.search(ctx.note) and _CONTINUING.search(ctx.note))
    if longitudinal and not any(system is System.CPT and _WITH_MODIFIER_25.fullmatch(c) for system, c in ctx.hits):
        ctx.add(System.HCPCS, "G2211", 0.6, "visit complexity add-on: longitudinal care documented",
                longitudinal.start(), longitudinal.end())


def _hospital(ctx: _Ctx, timed, anchor: tuple[int, int]) -> None:
    if re.search(r"discharge (?:summary|day)", ctx.lower):
        if _procedure_done(ctx) and _SURGEON.search(ctx.head):
            return   # the operating surgeon's care to discharge is part of the operation's global package
        if timed:
            code = "99239" if timed[0] > 30 else "99238"
            ctx.add(System.CPT, code, 0.8, f"discharge day management, {timed[0]} min", *anchor)
        else:
            ctx.add(System.CPT, "99238", 0.5, "discharge day management; time not documented", *anchor)
        return
    admit = bool(re.search(r"history\s*(?:and|&)\s*physical|\bh\s*&\s*p\b|admission note|admit note|admitting note|"
                           r"admission history", ctx.head))
    kind = "admit" if admit else "subsequent"
    label = "initial" if admit else "subsequent"
    level, why = mdm(ctx, admission_note=admit)
    by_time = _by_time(timed[0], _HOSPITAL_TIME[kind]) if timed else -1
    mdm_index = max(0, level - 1)  # straightforward and low share the first level
    if by_time > mdm_index:
        ctx.add(System.CPT, _HOSPITAL_TIME[kind][by_time][1], 0.75,
                f"{label} hospital care by total time ({timed[0]} min; {why})", *anchor)
        return
    ctx.add(System.CPT, _MDM_CODES[kind][level], 0.6, f"{label} hospital care by {why}", *anchor)


def preventive(ctx: _Ctx, new: bool, anchor: tuple[int, int]) -> None:
    """Preventive medicine visit by age band and new/established; Medicare's AWV by HCPCS."""
    awv = re.search(r"annual wellness visit|\bawv\b", ctx.note, _I)
    if awv:  # Medicare's wellness visit is a HCPCS service, not a preventive E/M
        subsequent = re.search(r"subsequent (?:annual wellness|awv)|\b(?:annual wellness visit|awv)\b,? subsequent",
                               ctx.note, _I)
        initial = re.search(r"(?:initial|first) (?:annual wellness|awv)(?![^.\n]{0,12}\b(?:19|20)\d\d)", ctx.note, _I)
        code = "G0438" if initial and not subsequent else "G0439"
        ctx.add(System.HCPCS, code, 0.75, f"Medicare annual wellness visit, {'initial' if code == 'G0438' else 'subsequent'}",
                awv.start(), awv.end())
        screen = _DEPRESSION_SCREEN.search(ctx.note)
        # a negative result is still a screen done; a screen declined or due is not
        if code == "G0439" and screen and not re.search(r"declin|refus|\bdue\b|next", screen.group(0), _I):
            ctx.add(System.HCPCS, "G0444", 0.65, "annual depression screening done at the subsequent wellness visit",
                    screen.start(), screen.end())
        return
    age = ctx.age
    bands = [(1, 0), (5, 1), (12, 2), (18, 3), (40, 4), (65, 5), (999, 6)]
    idx = next(i for limit, i in bands if age < limit)
    code = str((99381 if new else 99391) + idx)
    m = PREVENTIVE.search(ctx.note)
    ctx.add(System.CPT, code, 0.8, f"preventive visit, {'new' if new else 'established'} patient, age {age}",
            m.start(), m.end())


__all__ = ["PREVENTIVE", "em", "is_new_patient", "preventive", "total_time"]
