"""Shared ground for the CPT/HCPCS rules: the sentence gates and the per-note context.

The regular expressions that say whether a sentence describes this encounter's
services (done, given, dispensed, read by the note's provider, timed), the
``_clause`` helper that keeps one mention's words apart from its neighbours', and
``_Ctx``: one note's analysis, its setting and code tables, and the suggestions
collected so far (only codes the tables hold, with verbatim evidence).
Every rule module (:mod:`procedure_drugs`, :mod:`procedure_match`,
:mod:`procedure_diagnostics`, :mod:`procedures`) builds on this one.
"""

from __future__ import annotations

import re

from medcoder_tui.codes.systems import System
from medcoder_tui.engines.analysis.age import patient_age
from medcoder_tui.engines.analysis.clinical_text import PROCEDURE_PART_LABEL, NoteAnalysis, Sentence
from medcoder_tui.engines.models import RawSuggestion

_I = re.IGNORECASE

# --- sentence gates --------------------------------------------------------------------------
# Sections that describe the past or other people, never this encounter's services.
_PAST_SECTIONS = frozenset({"hpi", "past_medical_history", "past_surgical_history", "family_history",
                            "social_history", "medications", "allergies", "review_of_systems",
                            "chief_complaint"})
_NOT_DONE = re.compile(
    r"\b(?:refer(?:ral|red)?|schedul\w*|recommend\w*|will\b|plan(?:ned|s)?\b|consider\w*|to be\b|defer\w*|"
    r"tomorrow|next\b|pending|if\b|once\b|declin\w*|refus\w*|offered|outside|prior|previous\w*|"
    r"last\b|failed|ago\b|hx\b|history|s/p|utd\b|up to date|due\b|in (?:the )?fall|should|may\b|"
    r"ordered at|per rads|radiolog\w*|would|by (?:the )?(?:ed|er|ir|another|outside|other)\b|\((?:ed|er|ir)\b)", _I)
_PERFORMED = re.compile(
    r"\b(?:performed|done|completed|applied|placed|removed|resected|excised|incised|drained|repaired|"
    r"sutured|closed with|debrided|aspirated|injected|administered|given|obtained|introduced|advanced|"
    r"inserted|reduced|splinted|treated|irrigated|biopsied|destroyed|frozen|pared|trimmed|intubated|i (?:applied|"
    r"performed|placed)|"
    # a fracture's care named as done ("Treatment: Closed treatment, no reduction. Short arm cast applied by me")
    r"closed treatment(?=[,;.]|\s+(?:with|without|w/o|of|no)\b))\b", _I)
_ADMIN = re.compile(r"\b(?:given|administered|injected|injection|injectate|intra-?articular|inj\b|im\b|i\.m\.|iv\b|ivp\b|iv push|intramuscular\w*|"
                    r"intravenous\w*|subcut\w*|sq\b|sc\b|bolus|infus\w*|neb\w*|in (?:the )?(?:office|clinic)|"
                    r"into (?:the )?(?:\w+ ){0,3}(?:bursa|joint|tendon sheath))", _I)
# (not an infusion's clock times: "IV, start 10:05, stop 10:35")
_RX = re.compile(r"\b(?:rx|prescri\w*|start\w*(?!\s*(?:time\s*)?[:@=]?\s*\d{1,2}:\d{2}\b)|continu\w*|resum\w*|home|daily|bid|tid|qid|q\d+h|qhs|qd|"
                 r"prn|po\b|odt|orally|by mouth|tabs?\b|x ?\d+ ?(?:d|days|wks?|weeks)\b|taper|refill\w*)", _I)
_PERIOP = re.compile(r"\b(?:pre-?incision|pre-?op\w*|intra-?op\w*|anesthe\w*|sedation|prophyla\w*)", _I)
_DISPENSE = re.compile(r"\b(?:dispens\w*|provided|issued|fitted|fitting|supplied|order\w*|prescri\w*|rx\b|"
                       r"dme\b|sent home with|given|inserted|placed)", _I)
# (and "CAM walker (dispensed 04/14/2026)": dispensed on another date)
_NOT_DISPENSED = re.compile(r"\b(?:own|already|continues? (?:using|to use)|wean\w*|stop\w*|discontinu\w*|"
                            r"(?:dispensed|issued|fitted|provided|given|ordered) (?:on )?\d{1,2}/\d{1,2}(?:/\d{2,4})?|"
                            r"if needed|once healed|consider\w*|refer\w*|will need|arrives?|wearing|uses|from home|has (?:a|his|her|their)|"
                            r"brought|"
                            # "discussed continence pessary and mid-urethral sling as later options": choices for
                            # later, and an operation's sling is no supply
                            r"as (?:\w+ )?options?|mid-?urethral|(?:tvt|suburethral|pubovaginal) sling|"
                            # "order replacement cushions through her DME supplier", "Continue auto-CPAP": the
                            # supplier dispenses and bills the equipment, or the patient has it
                            r"(?:through|via|from|by) (?:her|his|their|the|a|an) (?:\w+ )?(?:dme|supplier|vendor|"
                            r"durable medical equipment)|dme (?:supplier|company|vendor|provider)|"
                            r"continue (?:auto-?|nightly |home |current )?(?:cpap|apap|bipap|bi-?pap|oxygen|o2))\b", _I)
_IN_OFFICE = re.compile(r"\b(?:poc|point[- ]of[- ]care|in[- ]office|in[- ]clinic|in[- ]house|rapid|dip\b|dipstick|"
                        r"fingerstick|finger stick|bedside|(?:drawn|done|performed|collected|obtained|venipuncture) here\b)", _I)
_OWN_READ = re.compile(r"(?:interpret\w* by me|(?:read|reviewed) by me|my (?:own |independent )?(?:interpretation|read|"
                       r"review of the (?:images|films))|i (?:personally )?(?:interpreted|read)|personally interpreted|"
                       r"(?:images|films) (?:were )?personally reviewed|"
                       # "CT head: I personally reviewed images - no ICH", "my interp: NSR"
                       r"i personally (?:reviewed|viewed) (?:the )?(?:images|films|study|scan)|my interp\b|"
                       r"independently interpreted|independent interpretation of (?:the )?(?:xr|x-?rays?|films?|images?|ct|ecg|ekg|imaging)|"
                       # "(radiology read, concordant with my review)": the physician's own look at the images
                       r"(?:concordant|consistent|agrees?|in agreement) with my (?:own |independent )?(?:review|read|"
                       r"interpretation)\b(?! of systems))", _I)
# (and a discharge's minutes however told: "Discharge: 40 min", "35 minutes on the day of discharge", "Minutes spent
# on discharge: 38")
# (a parenthesis of what the time held counts as one step: "Time spent on discharge day (exam, family teaching,
# coordination with PCP, med rec, summary): 40 minutes")
_TIME = re.compile(r"(?:total|spent|face[- ]to[- ]face|discharg\w*|time)\b(?:\([^()\n]{0,100}\)|[^.\n]|\.(?=\s?[a-z0-9(])){0,60}?"
                   r"(\d{1,3})\s*"
                   r"(?:min|mins|minutes)\b|(\d{1,3})\s*(?:min|mins|minutes)\s*(?:(?:were|was|have been|of time)\s+)?"
                   r"(?:face[- ]to[- ]face|total|spent|(?:on|for|in) (?:the )?(?:day of |date of )?discharg)|"
                   r"\bminutes spent (?:on|in|for) [a-z -]{0,30}:\s*(\d{1,3})\b", _I)
_YEAR = re.compile(r"(?<![\d/.-])(?:19|20)\d\d(?![\d-])|(?<=/)(?:19|20)\d\d\b")
_LABEL_LINE = re.compile(r"\n[ \t]*[A-Z][A-Za-z /&()-]{0,30}(?:\([^)\n]{0,40}\))?:")


def _clause(text: str, start: int, end: int, before: int = 25, after: int = 70) -> str:
    """Words around a mention up to the nearest clause break (so one drug's words don't judge another's)."""
    lo = max(0, start - before)
    hi = min(len(text), end + after)
    left = text[lo:start]
    cut = max(left.rfind(";"), left.rfind(". "), left.rfind("\n"), left.rfind(" - "))
    if cut >= 0:
        lo += cut + 1
    right = text[end:hi]
    m = re.search(r";|\.\s|\n| - |,\s*(?:then|and then)\b", right)
    if m:
        hi = end + m.start()
    return text[lo:hi]


# A procedure itself not done: "no colonoscopy", "declined biopsy", "ECG not obtained". A negative
# result ("rapid strep negative", "no masses") is a finding: the test or procedure was still done.
_NOT_DONE_BEFORE = re.compile(
    r"\b(?:no|not|never|without|denies|declined?|deferred|refused|cancel+ed|held|omitted|"
    r"unable to (?:perform|obtain|complete)|will (?:do|perform|provide|complete|schedule))\b[^,;.:()\n]{0,25}$", _I)
_NOT_DONE_AFTER = re.compile(
    r"^[^,;.:()\n]{0,20}?\b(?:(?:was|were|is|are|been)\s+)?(?:not|never)\s+(?:been\s+)?(?:done|performed|"
    r"obtained|sent|given|administered|completed|attempted|drawn|collected|placed|indicated)\b|"
    r"^[^,;.:()\n]{0,20}?\b(?:declined|refused|deferred|cancel+ed|aborted|held|omitted)\b|"
    # "smoking cessation counseling 5 min at next visit": a service planned for another day
    r"^[^,;.:()\n]{0,25}?\b(?:at|during|on) (?:the |his |her |their )?next (?:visit|appointment|encounter)\b", _I)
_NOT_DONE_INSIDE = re.compile(
    r"^\W*(?:no|not|never|declined?|refused|deferred)\b|\b(?:not|never)\s+(?:been\s+)?(?:done|performed|"
    r"obtained|sent|given|administered|completed|attempted)\b|\b(?:declined|refused|cancel+ed|aborted)\b", _I)


def procedure_not_done(note: str, start: int, end: int) -> bool:
    """True when the words at ``note[start:end]`` name a procedure or test the note says was not done.

    Negation of findings near it (a negative result, "no masses" beside a polypectomy) does not count.
    """
    line_start = note.rfind("\n", 0, start) + 1
    before = note[max(line_start, start - 40):start]
    after_end = note.find("\n", end)
    after = note[end:min(end + 60, after_end if after_end >= 0 else len(note))]
    return bool(_NOT_DONE_BEFORE.search(before) or _NOT_DONE_AFTER.search(after)
                or _NOT_DONE_INSIDE.search(note[start:end]))


# A procedure of an earlier encounter: "prior colonoscopy", "Colonoscopy 2025:", "echo 2 years ago".
_PAST_BEFORE = re.compile(r"\b(?:prior|previous|last|s/p|status post|history of|hx of|h/o)\b[^,;.:()\n]{0,30}$", _I)
_PAST_AT = re.compile(r"^[^,;.:()\n]{0,30}?(?:(?<![/\d-])\b(?:19|20)\d{2}\b(?![/\d-])|"
                      r"\b\d+\s*(?:years?|yrs?|months?|mos?|weeks?|wks?)\s+ago\b)", _I)


def procedure_in_past(note: str, start: int, end: int) -> bool:
    """True when the words at ``note[start:end]`` name a procedure done before this encounter."""
    line_start = note.rfind("\n", 0, start) + 1
    before = note[max(line_start, start - 40):start]
    return bool(_PAST_BEFORE.search(before) or _PAST_AT.search(note[start:min(len(note), max(end, start + 40))]))


# "not her routine prenatal visit", "outside routine prenatal schedule", "keep routine prenatal visit 03/23": another
# visit than this one
_ANOTHER_VISIT = re.compile(r"\b(?:not|outside(?: of)?|apart from|besides|keep|next|upcoming|schedul\w*|due|"
                            r"return (?:for|to)|rtc (?:for|to)|"
                            # "Letter to Dr. X, who continues routine prenatal care": the other physician's care
                            r"who (?:continues|will continue|provides|is providing|manages))\b(?:\s+\w+){0,2}\s*$", _I)


# "Requesting physician: Dr. X (primary OB, providing global prenatal care)": a line about another provider
# ("CC:" opens the chief complaint, which may name this visit: "CC: routine prenatal visit")
_OTHER_PROVIDER_LINE = re.compile(r"[ \t]*(?:requesting|referring|referred by|primary (?:care|ob)|pcp|copy to)\b", _I)


def told_of_this_visit(note: str, analysis: NoteAnalysis, rx: re.Pattern) -> bool:
    """Whether ``rx`` names this visit somewhere (not negated, hypothetical, another visit than this one, or another
    provider's care)."""
    return any(not analysis.context_at(m.start(), m.end()) & {"negated", "hypothetical"}
               and not _ANOTHER_VISIT.search(note, max(0, m.start() - 30), m.start())
               and not _OTHER_PROVIDER_LINE.match(note, note.rfind("\n", 0, m.start()) + 1)
               for m in rx.finditer(note))


class _Ctx:
    """One note's analysis plus the facts every rule needs."""

    def __init__(self, note: str, analysis: NoteAnalysis, setting: str, codesets) -> None:
        self.note, self.a, self.setting, self.cs = note, analysis, setting, codesets
        self.lower = note.lower()
        self.head = self.lower[:400]
        age = patient_age(note)
        self.age = int(age) if age is not None else None   # in whole years, an infant's 0
        self.hits: dict[tuple[System, str], RawSuggestion] = {}
        year = _YEAR.search(self.head)
        self.year = int(year.group(0)[-4:]) if year else None

    def dated_before(self, text: str) -> bool:
        """The text names a year before the encounter's ("Colonoscopy 2025: ..." in a 2026 note)."""
        return self.year is not None and any(int(y[-4:]) < self.year for y in _YEAR.findall(text))

    def section(self, s: Sentence) -> str | None:
        """The sentence's section, or None once another 'Label:' line has started (an unknown section)."""
        sec = self.a.section_span_at(s.start)
        if sec is None:
            return None
        name = sec.name
        body = self.note.find("\n", max(sec.start, sec.label_end))   # (past the section's own label line)
        if 0 <= body < s.start:
            # (a label that opens the sentence's own line counts: "Given in clinic today: ondansetron 4 mg IV push")
            label = _LABEL_LINE.search(self.note, body, s.end)
            while label is not None and PROCEDURE_PART_LABEL.match(label.group(0), 1):
                # (the procedure's own parts: "Findings:" below "Procedure: the colonoscope was advanced")
                label = _LABEL_LINE.search(self.note, label.end(), s.end)
            if label is not None and label.start() < s.start:
                return None
        return name

    def usable(self, s: Sentence, start: int | None = None, end: int | None = None) -> bool:
        """Not in a past/other-people section; the span (when given) is not negated or history."""
        section = self.section(s)
        if section in _PAST_SECTIONS or (section == "hospital_stay" and self.setting != "inpatient"):
            return False   # (an office or ED visit's account of a hospital stay tells what was done there)
        if start is None:
            return True
        return not (self.a.context_at(start, end if end is not None else start + 1) & {"negated", "history"})

    def add(self, system: System, code: str, confidence: float, reasoning: str, start: int, end: int,
            units: int | None = None) -> None:
        table = self.cs.cpt if system is System.CPT else self.cs.hcpcs
        if code not in table:
            return  # never suggest a code the tables do not hold
        key = (system, code)
        if key in self.hits and self.hits[key].confidence >= confidence:
            return
        self.hits[key] = RawSuggestion(code=code, system=system, description=table[code],
                                       confidence=round(confidence, 2), reasoning=reasoning,
                                       evidence=[self.evidence(start, end)], units=units)

    def evidence(self, start: int, end: int) -> str:
        """The mention, widened to neighbouring words until it occurs once (grounding finds this one)."""
        lo, hi = start, end
        line_start = self.note.rfind("\n", 0, start) + 1
        line_end = self.note.find("\n", end)
        line_end = len(self.note) if line_end < 0 else line_end
        for _ in range(12):
            text = self.note[lo:hi].strip()
            if self.lower.count(text.lower()) <= 1 or (lo <= line_start and hi >= line_end):
                break
            nxt = self.note.find(" ", hi + 1)
            hi = line_end if nxt < 0 or nxt > line_end else nxt
            prev = self.note.rfind(" ", line_start, max(lo - 1, line_start))
            lo = line_start if prev < 0 else prev + 1
        return " ".join(self.note[lo:hi].split()).strip(" ,;:")

    def describe(self, system: System, pattern: str) -> list[str]:
        """Codes of ``system`` whose description matches ``pattern``, in code order."""
        table = self.cs.cpt if system is System.CPT else self.cs.hcpcs
        rx = re.compile(pattern, _I)
        return sorted(code for code, desc in table.items() if rx.search(desc))
