"""Codes a note implies rather than names: history and family-history codes for past and
relatives' conditions, status codes for drugs, procedures and devices, and the BMI code of
a documented body mass index. Each is a :class:`Candidate` for the prompt's list; only the
family-history codes are whole mentions the offline engine may propose.
"""

from __future__ import annotations

import re

from medcoder_tui.codes.status_terms import FAMILY_HISTORY_OF, HISTORY_OF, STATUS_TERMS
from medcoder_tui.codes.systems import System
from medcoder_tui.engines.diagnoses.candidate import Candidate
from medcoder_tui.engines.analysis.clinical_text import NoteAnalysis, line_at, lowered
from medcoder_tui.engines.diagnoses.ulcer_terms import LEFT_SIDE, RIGHT_SIDE


FRAGILITY_WORDS = re.compile(r"\b(?:fragility|osteoporotic|pathologic(?:al)?|insufficiency)\b", re.I)


def history_codes(found: list[Candidate], icd, note: str) -> list[Candidate]:
    """History codes for conditions the note says are past (for the prompt, never proposed offline),
    and family-history codes for a relative's condition (a whole mention: "Family history of
    colon cancer" is Z80.0, which the offline engine may code)."""
    out: list[Candidate] = []
    generic = [c for c in found if c.code[:3] in ("Z80", "Z81", "Z82", "Z83", "Z84")]
    for cand in found:
        if cand.system is not System.ICD10CM or cand.origin not in ("mention", "inside"):
            continue
        family = [ctx for ctx in cand.all_contexts if "family" in ctx and "negated" not in ctx]
        code = next((z for prefix, z in FAMILY_HISTORY_OF if cand.code.startswith(prefix)), None) if family else None
        if code is not None and icd.is_billable(code):
            # the relative's mention itself ("both parents have hypertension"), not the candidate's best one,
            # which may be the patient's own ("Assessment: 1. Hypertension")
            start, end = cand.start, cand.end
            own = [m for m in cand.spans if "family" in m[3] and "negated" not in m[3] and not m[4]]
            # a relative's words only inside a larger reading ("father alcohol use disorder") stay the
            # relative's: the code is read there, as part of that reading, never at the patient's own mention
            inside = [m for m in cand.spans if "family" in m[3] and "negated" not in m[3]] \
                if not own and "family" not in cand.context else []
            if own and not any(m[1] == cand.start and m[2] == cand.end for m in own):
                _score, start, end, *_ = max(own, key=lambda m: m[0])
            elif inside:
                _score, start, end, *_ = max(inside, key=lambda m: m[0])
            # above a vaguer family-history text matched over the same words ("Family history of ... cancer")
            score = 1.05 * max([cand.score] + [g.score for g in generic if g.start < end and start < g.end])
            words = cand.evidence_text if (start, end) == (cand.start, cand.end) else note[start:end]
            out.append(Candidate(code, System.ICD10CM, icd.title(code) or "", score, words,
                                 start, end, family[0], True, 1, bool(inside), cand.core_size, family,
                                 "inside" if inside else "mention", [(score, start, end, family[0], bool(inside))]))
        if cand.origin != "mention":
            continue
        if not any("history" in ctx and "negated" not in ctx and "family" not in ctx for ctx in cand.all_contexts):
            continue
        code = next((z for prefix, z in HISTORY_OF if cand.code.startswith(prefix)), None)
        if code is None and cand.code[:1] == "S" and "fracture" in cand.description.lower() \
                and FRAGILITY_WORDS.search(cand.evidence_text or ""):
            code = "Z87.310"   # a healed fragility (osteoporotic) fracture read at its site: its history code
        if code is None or not icd.is_billable(code):
            continue
        out.append(Candidate(code, System.ICD10CM, icd.title(code) or "", cand.score * 0.9, cand.evidence_text,
                             cand.start, cand.end, cand.context, True, 1, True, cand.core_size,
                             list(cand.all_contexts), "history"))
    return out


# No leading \b: it stops the regex engine's fast literal scan (six times slower on a long note);
# the word boundary is checked on each hit instead.
_STATUS = [(re.compile(r"(?:" + pattern + ")"), code) for pattern, code in STATUS_TERMS.items()]
STATUS_SCORE = 3.0


def status_codes(note: str, analysis: NoteAnalysis, icd) -> list[Candidate]:
    """Status codes (long-term drugs, absent organs, implants) for procedures and drugs the note names."""
    low = note.lower()
    out: list[Candidate] = []
    for pattern, code in _STATUS:
        for m in pattern.finditer(low):
            if m.start() > 0 and (low[m.start() - 1].isalnum() or low[m.start() - 1] == "_"):
                continue   # inside a word
            ctx = frozenset(analysis.context_at(m.start(), m.end()))
            if "negated" in ctx or "family" in ctx:
                continue
            if icd.is_billable(code):
                out.append(Candidate(code, System.ICD10CM, icd.title(code) or "", STATUS_SCORE,
                                     note[m.start():m.end()], m.start(), m.end(), ctx, True, 1, True, 1, [ctx],
                                     "status"))
            break
    return out


_BMI = re.compile(r"\b(?:bmi|body mass index)\b[^0-9\n]{0,25}?(\d{1,2}(?:[.,]\d+)?)(?!\s*(?:th|st|nd|rd)?\s*(?:%|percentile))",
                  re.IGNORECASE)


def bmi_code(value: float) -> str | None:
    """The adult BMI code (Z68.1-Z68.45) for a documented body mass index, or None if implausible."""
    if not 10 <= value < 100:
        return None
    if value < 20:
        return "Z68.1"
    if value < 40:
        return f"Z68.{int(value)}"
    return "Z68.4" + str(next(i for i, top in enumerate((45, 50, 60, 70, 1000), 1) if value < top))


def adult_bmi(note: str, analysis: NoteAnalysis) -> tuple[str, int, int] | None:
    """(Z68 code, start, end) of today's body mass index: of those the note gives as a number, not
    negated and not a past one ("pre-op BMI 43.8"), the first of the exam or assessment, else the first."""
    found = []
    for m in _BMI.finditer(note):
        code = bmi_code(float(m.group(1).replace(",", ".")))
        if code is None or analysis.context_at(m.start(), m.end()) & {"negated", "family", "history"} \
                or _PAST_VALUE.search(note, max(0, m.start() - 24), m.start()):
            continue
        found.append((analysis.section_at(m.start()) not in _TODAY_SECTIONS, m.start(), code, m.end()))
    if not found:
        return None
    _, start, code, end = min(found)
    return code, start, end


_PAST_VALUE = re.compile(r"\b(?:pre-?op(?:erative)?|pre-?surgery|pre-?pregnancy|prior|previous|initial|baseline|"
                         r"max(?:imum)?|peak|highest|was|from|at (?:surgery|diagnosis))\b[^.;\n]*$", re.I)
_TODAY_SECTIONS = frozenset({"physical_exam", "assessment_plan", "impression", "diagnoses"})


# "BMI 15.4 kg/m2 (2nd percentile for age and sex)", "BMI at the 97th percentile"
# ("<5th percentile": below the 5th, Z68.51, not at it)
_BMI_PERCENTILE = re.compile(r"\b(?:bmi|body mass index)\b[^\n;]{0,40}?(<\s*|\b(?:less than|below|under) )?\b(\d{1,2}(?:\.\d+)?)"
                             r"\s*(?:st|nd|rd|th)?\s*(?:%ile|percentile)", re.IGNORECASE)


def pediatric_bmi_code(percentile: float) -> str:
    """The pediatric BMI code (Z68.51-Z68.54) for a BMI-for-age percentile (ages 2-19)."""
    return "Z68.51" if percentile < 5 else "Z68.52" if percentile < 85 else "Z68.53" if percentile < 95 else "Z68.54"


def pediatric_bmi(note: str, analysis: NoteAnalysis) -> tuple[str, int, int] | None:
    """(Z68.5- code, start, end) of the first BMI-for-age percentile the note gives, not negated."""
    for m in _BMI_PERCENTILE.finditer(note):
        if not analysis.context_at(m.start(), m.end()) & {"negated", "family", "history"}:
            return pediatric_bmi_code(float(m.group(2)) - (0.01 if m.group(1) else 0)), m.start(), m.end()
    return None


def bmi_codes(note: str, analysis: NoteAnalysis, icd) -> list[Candidate]:
    """The Z68 code for a body mass index the note gives as a number (adults; percentiles are left alone)."""
    out: list[Candidate] = []
    for m in _BMI.finditer(note):
        code = bmi_code(float(m.group(1).replace(",", ".")))
        if code is None or not icd.is_billable(code) or any(c.code == code for c in out):
            continue
        ctx = frozenset(analysis.context_at(m.start(), m.end()))
        out.append(Candidate(code, System.ICD10CM, icd.title(code) or "", STATUS_SCORE, note[m.start():m.end()],
                             m.start(), m.end(), ctx, True, 1, True, 1, [ctx], "status"))
    return out


# Status codes a coder reports wherever the note documents the status as current (I.C.21.c.3): a
# transplanted organ, a cardiac device, graft or stent, an artificial opening, dependence on
# supplemental oxygen, bariatric surgery, an amputated limb (:func:`amputation_status`). (Absent organs and joint
# replacements are left to the coder: they matter only when the visit turns on them.)
_REPORTED_STATUS = frozenset({"Z94.0", "Z94.1", "Z94.2", "Z94.4", "Z94.81", "Z95.0", "Z95.1", "Z95.2", "Z95.5",
                              "Z95.810", "Z93.0", "Z93.1", "Z93.2", "Z93.3", "Z93.6", "Z99.81", "Z96.41"})
_MORE_STATUS = {   # no leading word boundary (see _STATUS): it is checked on each hit
    r"cabg\b|coronary artery bypass graft": "Z95.1",
    r"drug[- ]eluting stent|(?:pci|angioplasty) (?:with|and|/|\+) ?stent|s/p (?:des|bms)\b|"
    r"(?:des|bms) (?:x ?\d )?to (?:the )?(?:(?:proximal|mid|distal|ostial) )?(?:lad|lcx|rca|circumflex|diagonal|om\d?|"
    r"left main)\b": "Z95.5",
    r"aicd\b|implantable cardioverter[- ]defibrillator": "Z95.810",
    # (a dependence: the oxygen of home, of every night, of the long term; "requiring supplemental O2" in a stay for
    # bronchiolitis or pneumonia is the acute illness's treatment)
    r"home (?:supplemental )?(?:o2|oxygen)\b|(?:o2|oxygen) at home\b|nasal cannula (?:o2 )?at home|"
    r"(?:chronic|long[- ]term|continuous|nocturnal|baseline) (?:supplemental )?(?:o2|oxygen)\b"
    r"(?!\s*(?:sat\w*|saturations?|levels?|monitor\w*|%|\d+\s*%))|"
    r"(?:o2|oxygen)[- ]dependen\w+": "Z99.81",
    r"sleeve gastrectomy|gastric (?:sleeve|bypass)|roux-en-y|rygb\b|bariatric surgery|lap[- ]?band\b": "Z98.84",
    r"peg tube|g-tube|gastrostomy tube": "Z93.1", r"trach(?:eostomy)? (?:in place|dependent)": "Z93.0",
    # an insulin pump worn (external) or implanted (Z96.41)
    r"insulin pump\b|(?:automated )?insulin delivery (?:pump|system)\b|omnipod\b|t:slim\b": "Z96.41",
    # a do-not-resuscitate order documented at the encounter (Z66)
    r"dnr\b|do[- ]not[- ]resuscitate\b|code status:? ?(?:dnr|no code)\b": "Z66",
}
_STATUS_REPORTED = [(re.compile(r"(?:" + p + ")"), code) for p, code in STATUS_TERMS.items() if code in _REPORTED_STATUS] + \
    [(re.compile(p), code) for p, code in _MORE_STATUS.items()]
# a device placed or an organ transplanted at this encounter, or only planned or weighed: no status yet
_NOT_YET = re.compile(r"\b(?:placement|placed today|insert(?:ed|ion)|implant(?:ation|ed today)|scheduled|planned|"
                      r"candidate|evaluat\w*|eval for|referr\w*|consider\w*|discuss\w*|will need|needs?|work-?up|"
                      r"listed for|wait ?list\w*|recommend\w*|indicat\w*|interrogat\w*|check)\b", re.I)
_FULL_CODE = re.compile(r"\bfull code\b|\bwishes? (?:to be )?(?:full|resuscitat)", re.I)
_STATUS_SECTIONS_SKIPPED = frozenset({"family_history", "allergies", "medications", "review_of_systems"})


# An amputated limb's status (Z89, acquired absence of limb) by level and side: a permanent status a coder reports
# wherever the note documents it (it bears on wound care, mobility and prosthetics)
_AMPUTATION = re.compile(r"\b(?:amputations?|amputee|[ab]ka|tma|ray resection|disarticulation)\b", re.I)
_AMPUTATION_LEVELS = (
    (re.compile(r"\b(?:great|big|1st|first) toe\b|\bhallux\b", re.I), "Z89.41"),
    (re.compile(r"\b(?:2nd|3rd|4th|5th|second|third|fourth|fifth|lesser|other) toes?\b|\btoes\b|\bdigits? [2-5]\b",
                re.I), "Z89.42"),
    (re.compile(r"\btoe\b", re.I), "Z89.42"),
    (re.compile(r"\b(?:transmetatarsal|tma|ray|forefoot|midfoot|chopart|lisfranc|foot|partial foot)\b", re.I),
     "Z89.43"),
    (re.compile(r"\b(?:ankle|syme'?s?)\b", re.I), "Z89.44"),
    (re.compile(r"\b(?:bka|below[- ](?:the[- ])?knee|transtibial)\b", re.I), "Z89.51"),
    (re.compile(r"\bknee disarticulation\b", re.I), "Z89.52"),
    (re.compile(r"\b(?:aka|above[- ](?:the[- ])?knee|transfemoral)\b", re.I), "Z89.61"),
    (re.compile(r"\bhip disarticulation\b", re.I), "Z89.62"),
    (re.compile(r"\bthumb\b", re.I), "Z89.01"),
    (re.compile(r"\b(?:fingers?|(?:index|middle|ring|little|small) finger)\b", re.I), "Z89.02"),
    (re.compile(r"\bhand\b", re.I), "Z89.11"), (re.compile(r"\bwrist\b", re.I), "Z89.12"),
    (re.compile(r"\b(?:below[- ](?:the[- ])?elbow|transradial)\b", re.I), "Z89.21"),
    (re.compile(r"\b(?:above[- ](?:the[- ])?elbow|transhumeral)\b", re.I), "Z89.22"),
    (re.compile(r"\bshoulder disarticulation\b", re.I), "Z89.23"),
)
_AMPUTATION_PAST = re.compile(r"\b(?:s/p|status post|h/o|hx|history|prior|previous|old|healed|well[- ]healed|site|"
                              r"stump|residual limb|prosthe\w*|amputee|(?<![/-])(?:19|20)\d\d)\b", re.I)
# (a year alone dates the amputation; a full date, "Procedure: 07/09/2026 - amputation", may be this stay's)
_AMPUTATION_NOT = re.compile(r"\b(?:risk|avoid\w*|prevent\w*|salvage|threatened|impending|planned|scheduled|candidate|"
                             r"consent\w*|discuss\w*|recommend\w*|will need|may need|today)\b", re.I)
_AMPUTATION_SECTIONS = frozenset({"past_medical_history", "past_surgical_history", "problem_list"})
_BOTH = re.compile(r"\b(?:bilateral|bilat|both)\b", re.I)


def amputation_status(note: str, analysis: NoteAnalysis) -> list[tuple[str, int, int]]:
    """(Z89 code, start, end) for each amputation the note documents as done before this encounter, by level
    and side (both codes for a bilateral one)."""
    out: list[tuple[str, int, int]] = []
    for m in _AMPUTATION.finditer(note):
        if analysis.context_at(m.start(), m.end()) & {"negated", "family", "hypothetical", "uncertain"}:
            continue
        line_start = max(note.rfind("\n", 0, m.start()), note.rfind(";", 0, m.start()), note.rfind(",", 0, m.start())
                         if note[m.start() - 2:m.start()] != "s/" else -1) + 1
        ends = [i for i in (note.find("\n", m.end()), note.find(";", m.end()), note.find(",", m.end())) if i >= 0]
        clause = note[line_start:min(ends) if ends else len(note)]
        if _AMPUTATION_NOT.search(clause):
            continue
        past = "history" in analysis.context_at(m.start(), m.end()) or _AMPUTATION_PAST.search(clause) \
            or analysis.section_at(m.start()) in _AMPUTATION_SECTIONS
        level = next((code for rx, code in _AMPUTATION_LEVELS if rx.search(clause)), None)
        if not past or level is None:
            continue
        sides = ["1", "2"] if _BOTH.search(clause) else \
            [side for side, rx in (("1", RIGHT_SIDE), ("2", LEFT_SIDE)) if rx.search(clause)] or ["9"]
        for side in sides:
            code = level + side
            if all(code != c for c, _s, _e in out):
                out.append((code, m.start(), m.end()))
    return out


# A joint replaced (Z96.6-: 1 shoulder, 2 elbow, 4 hip, 5 knee, 6 ankle) and the visits of its recovery (Z47.1,
# aftercare following joint replacement surgery, with the Z96.6- code its note asks for)
_JOINT_REPLACED = re.compile(
    r"\b(?:(?P<side>right|left|r|l|bilateral)\s+)?(?:(?:total|partial|unicompartmental|reverse|primary)\s+)?"
    r"(?:(?P<joint>knee|hip|shoulder|elbow|ankle)\s+(?:arthroplasty|replacement)|(?P<abbr>t[khs]a|rtsa))\b", re.I)
_REPLACED_DIGIT = {"shoulder": "1", "elbow": "2", "hip": "4", "knee": "5", "ankle": "6", "tsa": "1", "rtsa": "1",
                   "tha": "4", "tka": "5"}
# the visit is of the recovery: a post-operative visit, weeks or days after, a therapy visit
_RECOVERY = re.compile(r"\bpost-?op(?:erative)?\b|\bpod\s*#?\d|\b\d{1,2}\s*(?:weeks?|wks?|days?)\s+(?:s/p|post|after|"
                       r"out from|since)\b|\bphysical therapy\b|\brehab\w*\b|\baftercare\b", re.I)


def joint_replacement_aftercare(note: str, analysis: NoteAnalysis) -> list[tuple[str, int, int]]:
    """(code, start, end): aftercare following joint replacement surgery (Z47.1) and the joint's presence (Z96.6-)
    when the visit is of a recent replacement's recovery (its opening lines say post-operative, weeks after, or
    therapy); empty otherwise."""
    head = note[:600]
    if not _RECOVERY.search(head):
        return []
    for m in _JOINT_REPLACED.finditer(note):
        if analysis.context_at(m.start(), m.end()) & {"negated", "family", "hypothetical", "uncertain"}:
            continue
        line = line_at(note, m.start())
        if _AMPUTATION_NOT.search(line) or not _RECOVERY.search(line + " " + head):
            continue
        kind = (m.group("joint") or m.group("abbr")).lower()
        said = (m.group("side") or "").lower()
        side = {"right": "1", "r": "1", "left": "2", "l": "2", "bilateral": "3"}.get(said, "9")
        presence = f"Z96.6{_REPLACED_DIGIT[kind]}{side}"
        if side == "3" and kind in ("shoulder", "tsa", "rtsa"):
            presence = "Z96.619"
        return [("Z47.1", m.start(), m.end()), (presence, m.start(), m.end())]
    return []


def reported_status(note: str, analysis: NoteAnalysis) -> list[tuple[str, int, int]]:
    """(status code, start, end) for each current status of :data:`_REPORTED_STATUS` the note documents, and
    each amputation's (:func:`amputation_status`)."""
    return list(analysis.once("reported_status", lambda: _reported_status(note, analysis)))


def _reported_status(note: str, analysis: NoteAnalysis) -> list[tuple[str, int, int]]:
    low = lowered(note)
    out: list[tuple[str, int, int]] = amputation_status(note, analysis)
    for pattern, code in _STATUS_REPORTED:
        if code in {c for c, _, _ in out}:
            continue
        for m in pattern.finditer(low):
            if m.start() > 0 and (low[m.start() - 1].isalnum() or low[m.start() - 1] == "_"):
                continue
            if analysis.context_at(m.start(), m.end()) & {"negated", "family", "hypothetical", "uncertain"} \
                    or analysis.section_at(m.start()) in _STATUS_SECTIONS_SKIPPED:
                continue
            sent = analysis.sentence_at(m.start())
            if sent is not None and (_NOT_YET.search(note, sent.start, sent.end) and code != "Z66"
                                     or code == "Z66" and _FULL_CODE.search(note, sent.start, sent.end)):
                continue   # (a DNR order is a decision, often one the visit discussed: only "full code" undoes it)
            out.append((code, m.start(), m.end()))
            break
    return out
