"""Rule-based clinical text analysis: sentences, sections and NegEx/ConText-style scopes.

No model is involved. A note is split into sentences (with character offsets)
and sections (by their headers), and trigger phrases open *scopes* of one of
four kinds -- ``negated``, ``uncertain``, ``history`` and ``family`` -- that run
forward (pre-triggers such as "denies") or backward (post-triggers such as
"... was ruled out") to the end of the clause. Pseudo-triggers ("no change",
"not only", "gram negative") are matched first so they never open a scope.

Grounding uses :meth:`NoteAnalysis.context_at` to flag evidence; the TUI uses
``spans`` to mark phrases.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from medcoder_tui.engines.analysis.triggers import _PSEUDO, _TERMINATORS, _TRIGGERS, ContextKind  # noqa: F401
from medcoder_tui.engines.progress import checkpoint

# Longest scope a trigger opens, in words: long enough for a list
# ("no fever, chills, night sweats or weight loss"), short enough that a
# negation at the start of a long run-on sentence does not swallow it whole.
MAX_SCOPE_WORDS = 10


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence with its offsets into the note (``note[start:end] == text``)."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Section:
    """A note section (canonical name such as ``family_history``) and its extent."""

    name: str
    start: int
    end: int
    label_end: int = -1   # where the header's label ("Secondary:") ends: its words name no condition


@dataclass(frozen=True, slots=True)
class ContextSpan:
    """Characters of the note that fall under a negation/uncertainty/history/family trigger."""

    kind: ContextKind
    start: int
    end: int
    trigger: str


# --- sections -------------------------------------------------------------------------------

# canonical name -> header spellings (regex fragments, matched case-insensitively)
_SECTION_HEADERS: dict[str, tuple[str, ...]] = {
    "chief_complaint": (r"chief complaints?", r"cc", r"reason for (?:visit|admission|consultation)",
                        r"presenting complaint"),
    # SOAP notes: "S:", "O:", "A:", "P:" (only as a line's own label, followed by a colon)
    "hpi": (r"history of (?:the )?present(?:ing)? illness", r"hpi", r"present illness", r"interval (?:history|hx)",
            r"subjective", r"s(?=\s*:)", r"brief (?:history|hpi)"),
    "past_medical_history": (r"past medical history", r"pmh(?:x)?", r"medical history",
                             r"past history", r"history", r"medical(?: hx)?", r"med(?:ical)? hx",
                             # a specialist's own: "Ocular hx: POAG OU dx 2021", "Cardiac history:"
                             r"(?:ocular|eye|cardiac|surgical|gyn(?:ecologic)?|ob|obstetric) (?:hx|history)", r"(?:past )?psych(?:iatric)? (?:hx|history)",
                             # a child's birth history: "Birth hx (hospital d/c summary reviewed): 38w5d, SVD ..."
                             r"(?:birth|perinatal|neonatal|nursery) (?:hx|history)(?: \([^()\n]{0,60}\))?",
                             # combined labels: "Medications/PMH:", "PMH/PSH:"
                             r"(?:medications|meds)\s*/\s*(?:pmhx?|past medical history)", r"pmhx?\s*/\s*[a-z]+"),
    "past_surgical_history": (r"past surgical history", r"psh(?:x)?", r"surgical history"),
    "family_history": (r"family history", r"fh(?:x)?", r"family hx", r"fam hx"),
    "social_history": (r"social history", r"sh(?:x)?", r"social hx", r"habits"),
    "review_of_systems": (r"review of systems", r"ros", r"systems review"),
    "physical_exam": (r"physical exam(?:ination)?", r"exam(?:ination)?", r"pe",
                      r"(?:focused|focal|brief|limited|targeted|general|detailed|full skin|skin) exam(?:ination)?",
                      r"vital signs", r"vitals", r"objective", r"o(?=\s*:)"),
    "labs": (r"lab(?:oratory)?(?: results| data| tests)?", r"labs", r"results"),
    "imaging": (r"imaging", r"radiology", r"studies"),
    "assessment_plan": (r"assessment and plan", r"assessment\s*/\s*plan", r"assessment & plan", r"a\s*/\s*p",
                        r"mdm\s*/\s*(?:assessment|impression)(?: (?:and|&) plan)?",
                        r"impression\s*(?:/|and|&)\s*plan", r"assessment\s*(?:/|and|&)\s*recommendations?",
                        r"a&p", r"assessment", r"plan", r"a(?=\s*:)", r"p(?=\s*:)",
                        r"plan\s*(?:/|and|&)\s*dispo(?:sition)?",
                        # "Tx: splint applied, crutches", "Treatment plan:", "Recommendations:" (a consultant's plan)
                        r"(?:treatment|management)(?: plan)?", r"tx(?:/plan)?", r"recommendations?"),
    "impression": (r"impressions?", r"imp(?=\s*:)",
                   r"(?:final|clinical|discharge|ed|er|working|admission|admitting|diagnostic) impressions?"),
    "diagnoses": (r"(?:(?:final|discharge|admitting|admission|primary|secondary|principal|working|"
                  r"postoperative|preoperative|other|ed|er|emergency department|clinical|visit|encounter)[ /]*){0,3}"
                  r"diagnos[ie]s(?: (?:at|on) (?:discharge|admission))?",
                  r"dx", r"problems", r"active problems",
                  # "Principal: ... Secondary: ...": a discharge summary's diagnosis labels, their noun left out
                  r"(?:principal|secondary)(?=[ \t]*:)"),
    # the chart's problem list, copied forward: what the patient has, not what this visit assessed
    "problem_list": (r"(?:active |chronic |current |chart )?problem list(?: (?:also )?(?:shows|includes|lists))?",),
    "procedures": (r"procedures?(?: performed)?", r"operations?", r"surgery", r"operative procedure",
                   # what a procedure report saw and did: "Description: The colonoscope was advanced ...", "Findings:
                   # 1) ..." (not a past history's list that goes on above them)
                   r"findings", r"(?:procedure )?description(?: of (?:the )?procedure)?", r"procedure details?",
                   r"details? of (?:the )?procedure"),
    # (a discharge list mixes home drugs with the ones this stay started: "Discharge meds:" is not one)
    "medications": (r"(?:current |home |discharge |admission |outpatient |active )?medications?",
                    r"(?:current |home |admission |outpatient |active )?meds", r"(?:medications?|meds) (?:on|at) admission",
                    r"medication list"),   # ("Rx: tamsulosin 0.4 mg" in a plan is what is prescribed now)
    "allergies": (r"allerg(?:y|ies)", r"nkda", r"all(?=\s*:)"),
    "hospital_course": (r"hospital course", r"course", r"clinical course", r"evolution"),
    # (a visit after a discharge, telling the stay: "HOSPITALIZATION SUMMARY (from discharge summary)")
    "hospital_stay": (r"hospitali[sz]ation summary", r"hospital stay", r"recent hospitali[sz]ation"),
    "disposition": (r"disposition", r"dispo", r"discharge instructions", r"follow[- ]?up instructions",
                    r"return precautions", r"patient instructions"),
    # "Follow-up:" opens a follow-up visit's note as often as it lists appointments.
    "follow_up": (r"follow[- ]?up",),
}

_HEADER_ALTS = []
for _name, _spellings in _SECTION_HEADERS.items():
    for _sp in _spellings:
        _HEADER_ALTS.append((_name, _sp))
# Longest spelling first so "past medical history" wins over "history".
_HEADER_ALTS.sort(key=lambda item: -len(item[1]))
_HEADER_NAME_BY_GROUP = {f"h{i}": name for i, (name, _) in enumerate(_HEADER_ALTS)}
_HEADER_RE = re.compile(
    # ("--- Problem list (carried forward) ---", "=== ASSESSMENT ===": a label between rules)
    r"^[ \t]*(?:#+[ \t]*|[-=*_~]{2,}[ \t]*)?(?:"
    + "|".join(f"(?P<h{i}>{sp})" for i, (_, sp) in enumerate(_HEADER_ALTS))
    # (a label, then a colon, a dash, a dotted leader "PMH ........ HTN; GERD", or nothing more on its line)
    # ("Procedure #2: Destruction of benign lesions", "PROCEDURE 1 - SHAVE BIOPSY": a numbered label)
    + r")(?:[ \t]*#?\d{1,2}(?=[ \t]*(?::|-[ \t])))?(?:[ \t]*\([^()\n]{0,160}\))?[ \t]*(?::|-(?=\s)|\.{3,}|[-=*_~]{2,}[ \t]*$|$)",
    re.IGNORECASE | re.MULTILINE,
)


_INLINE_NAMES = {"SH": "social_history", "FH": "family_history", "FHX": "family_history", "PMH": "past_medical_history",
                 "PSH": "past_surgical_history", "ALL": "allergies", "ALLERGIES": "allergies", "MEDS": "medications"}
_INLINE_HEADER = re.compile(r"(?<=[.;] )(SH|FH|FHx|PMH|PSH|All|Allergies|Meds)[ \t]*:")


# A patient's age and sex as a story opens them: "19F", "67 yo M", "8-year-old boy"
AGE_SEX = (r"\d{1,3}[ \t]*(?:-?[ \t]*(?:yo|y/o|y\.o\.|yrs?|years?|mo|months?)(?:[- ]old)?)?[ \t]*"
           r"(?:m|f|male|female|man|woman|boy|girl)\b")
# A list item's marker at a line's start: "1. ", "2) ", "- ", "* ", "\u2022 "
LIST_MARKER = re.compile(r"[ \t]*(?:\d{1,3}[.)]|[-*\u2022])[ \t]+")
# ("Ms." with its dot: "MS diagnosed 2010" on a past history is multiple sclerosis)
_STORY_SUBJECT = re.compile(r"\s*(?:(?:mr\.?|mrs\.?|ms\.|miss|dr\.?) [a-z]+|(?:the |this )?(?:patient|pt)\b|she\b|he\b)"
                            r"(?:,? an? \d+)?[^.\n]{0,40}?\b(?:was|is|has|had|presents?|presented|reports?|states?|"
                            r"fell|came|comes|arrived|developed|noticed|woke)\b", re.I)
_STORY_OPENS = re.compile(r"[ \t]*(?:this |the |a |an )?" + AGE_SEX + "|"
                          # "HISTORY: 68-year-old L-hand-dominant woman slipped on ...": a few words describe her
                          r"[ \t]*(?:this |the |a |an )?\d{1,3}[ \t]*-?[ \t]*(?:yo|y/o|y\.o\.|yrs?|years?)(?:[- ]old)?"
                          r"(?:[ \t]+[\w/-]+){1,3}?[ \t]+(?:m|f|male|female|man|woman|boy|girl)\b|"
                          # "History: Yesterday afternoon he was using an angle grinder...", "History: Resident of a
                          # nursing home. On 07/20 staff found her on the floor": a story told from when or where
                          r"\s*(?:yesterday|today|tonight|last (?:night|evening)|this (?:morning|afternoon|evening)|"
                          r"earlier today|(?:long-term )?resident of)\b", re.I)


# lists a coder reads no diagnosis from: they end with their paragraph
# (and a disposition: "Dispo: home with outpatient follow-up", then a blank line and "Diagnoses at discharge:")
_ENDS_AT_PARAGRAPH = frozenset({"allergies", "medications", "disposition"})


# the labels of a procedure's own parts ("Findings:", "Description:" below "Procedure: ..."): one section with it
PROCEDURE_PART_LABEL = re.compile(r"[ \t]*(?:#+[ \t]*)?(?:findings|(?:procedure )?description(?: of (?:the )?procedure)?|"
                                  r"procedure details?|details? of (?:the )?procedure)(?=[ \t]*(?::|-|$))", re.I)


def _find_sections(note: str) -> list[Section]:
    starts: list[tuple[int, str, int, bool]] = []
    for m in _HEADER_RE.finditer(note):
        group = m.lastgroup
        if group is None:
            continue
        line_end = note.find("\n", m.start())
        line = note[m.start(): line_end if line_end >= 0 else len(note)]
        # A bare word on its own line ("History") counts only when it has no
        # trailing sentence; "History of smoking." is prose, not a header.
        if not m.group(0).rstrip().endswith((":", "-", "...")) and line.strip().rstrip(":") != m.group(0).strip():
            continue
        name = _HEADER_NAME_BY_GROUP[group]
        if name == "past_medical_history" and m.group(group).lower() == "history" \
                and (_STORY_OPENS.match(note, m.end()) or _STORY_SUBJECT.match(note, m.end())):
            # "History: 19F, R-hand dominant, fell off her skateboard...", "History\nMrs. Testpatient was mopping
            # the floor when she slipped": the story, not the PMH
            name = "hpi"
        if name == "procedures" and starts and starts[-1][1] == "procedures" and PROCEDURE_PART_LABEL.match(line):
            continue   # "Procedure: ... the colonoscope was advanced ...\n\nFindings: 1) ...": one procedure's parts
        starts.append((m.start(), name, m.end(), False))
    # "All: NKDA. SH: former smoker": a short capitalised label after a sentence on the same line
    for m in _INLINE_HEADER.finditer(note):
        starts.append((m.start(1), _INLINE_NAMES[m.group(1).upper()], m.end(), True))
    starts.sort()
    sections = []
    for i, (pos, name, label_end, inline) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else len(note)
        if inline and (line_end := note.find("\n", pos)) >= 0:
            # a label inside a line labels the rest of its line: "FH: no colon cancer." does not make the
            # pre-procedure history below it a family's
            end = min(end, line_end + 1)
        elif (name in _ENDS_AT_PARAGRAPH or (name == "procedures" and re.search(r"\d", note[pos:label_end]))) \
                and re.search(r"\S", note[label_end:end]):
            # (a numbered procedure's paragraph: "PROCEDURE 2 - Cryotherapy: ..." then a blank line and the visit's
            # other problem)
            # "Allergies: NKDA.\n\nRating scales (scored by me): PHQ-9 = 13": a list ends with its paragraph,
            # whatever label (one this reader does not know) heads the next
            first = re.search(r"\S", note[label_end:end]).start() + label_end
            if (gap := note.find("\n\n", first, end)) >= 0 and re.search(r"\S", note[gap:end]):
                end = gap + 1
        sections.append(Section(name, pos, end, label_end))
    return sections


# --- sentences ------------------------------------------------------------------------------

_ABBREV_BEFORE_DOT = re.compile(
    r"(?:\b(?:dr|mr|mrs|ms|vs|e\.g|i\.e|etc|approx|no|fig|st|pt|pts|hx|dx|tx|sx|min|max|mg|ml|cm|mm|"
    r"b\.i\.d|t\.i\.d|q\.d|p\.o|a\.m|p\.m|inc|incl|jr|sr|resp|temp|[a-z]))$",
    re.IGNORECASE,
)
# Clinicians often start a sentence in lower case ("pt denies...", "r/o PNA"), so any letter may follow.
_BOUNDARY = re.compile(r"[.!?]+(?=\s+[\"'(\[]?[A-Za-z0-9])|\n\s*\n|\n")


def split_sentences(note: str) -> list[Sentence]:
    """Sentences with offsets. Line breaks end a sentence (notes are line-oriented), but for a long line of prose
    that its editor wrapped mid-clause."""
    out: list[Sentence] = []
    start = 0
    for m in _BOUNDARY.finditer(note):
        if not len(out) % 2048:
            checkpoint("reading the note", m.start(), len(note))
        if m.group(0)[0] in ".!?":
            # "Dr. Smith", "vs. pneumonia", "1.5 mg" do not end a sentence.
            if _ABBREV_BEFORE_DOT.search(note[max(start, m.start() - 8): m.start()]):
                continue
            end = m.end()
        elif m.group(0) == "\n" and _soft_wrap(note, m.start()):
            continue
        else:
            end = m.start()
        _append_sentence(out, note, start, end)
        start = m.end()
    _append_sentence(out, note, start, len(note))
    return out


# A line of prose wrapped by the writer's editor: long, ending mid-clause, the next line going on in lower case
# ("... never had a DEXA scan, no diagnosis of\nosteoporosis."). A list's short lines ("lisinopril 10 mg\n
# metformin 500 mg") stay apart.
_WRAPPED_LINE = 60
_GOES_ON = re.compile(r"[ \t]*[a-z]")


def _soft_wrap(note: str, newline: int) -> bool:
    line = note[note.rfind("\n", 0, newline) + 1:newline].rstrip()
    return len(line) >= _WRAPPED_LINE and (line[-1].isalpha() or line[-1] == ",") \
        and _GOES_ON.match(note, newline + 1) is not None


def _append_sentence(out: list[Sentence], note: str, start: int, end: int) -> None:
    while start < end and note[start].isspace():
        start += 1
    while end > start and note[end - 1].isspace():
        end -= 1
    if end > start:
        out.append(Sentence(start, end, note[start:end]))


_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'/\-]*")


def _first_words(pattern: str) -> set[str]:
    """Lower-case words a trigger pattern can start with (a cheap pre-filter before the regex)."""
    pattern = re.sub(r"^(?:\(\?<!?[^()]*\))+", "", pattern)   # lookbehinds look before the word
    if pattern.startswith("(?:"):
        depth, i = 0, 0
        for i, ch in enumerate(pattern):
            depth += ch == "("
            depth -= ch == ")"
            if depth == 0:
                break
        words = {w for alt in pattern[3:i].split("|") for w in _first_words(alt)}
        if pattern[i + 1:i + 2] in ("?", "*"):   # an optional group: the words after it can start the match too
            words |= _first_words(pattern[i + 2:].lstrip())
        return words
    if pattern.startswith(("\\?", "\u00f8")):   # the one-character triggers: "?" and "ø"
        return {pattern[1] if pattern[0] == "\\" else pattern[0]}
    m = re.match(r"[a-z0-9]+", pattern)
    if m is None:
        return set()
    # ("fhx?", "parents?": the last letter is optional, so "fh" and "parent" start the trigger too)
    return {m.group(0), m.group(0)[:-1]} if pattern[m.end():m.end() + 1] == "?" and m.end() > 1 else {m.group(0)}


def _compile_triggers() -> tuple[list[tuple[str, frozenset[str]]], frozenset[str]]:
    """The trigger alternatives in match order (pseudo-triggers, then longest first), each with its first words."""
    order = sorted(range(len(_TRIGGERS)), key=lambda i: -len(_TRIGGERS[i][2]))
    pseudo = sorted(_PSEUDO, key=len, reverse=True)
    parts = [(f"(?P<p{i}>{p})", frozenset(_first_words(p))) for i, p in enumerate(pseudo)]
    parts += [(f"(?P<t{i}>{_TRIGGERS[i][2]})", frozenset(_first_words(_TRIGGERS[i][2]))) for i in order]
    return parts, frozenset().union(*(firsts for _, firsts in parts))


_TRIGGER_PARTS, _TRIGGER_FIRST_WORDS = _compile_triggers()
_TOKEN = re.compile(r"[a-z0-9]+|[?\u00f8]")
_TRIGGERS_BY_WORD: dict[str, re.Pattern[str]] = {}


def _triggers_for(word: str) -> re.Pattern[str]:
    """The alternatives that can match where ``word`` starts, in the same order as the whole alternation.

    A part whose literal start is a prefix of the word, or whose start the prefilter cannot read, can
    match there; the others cannot, so one short alternation per word gives the whole one's match.
    """
    rx = _TRIGGERS_BY_WORD.get(word)
    if rx is None:
        parts = [p for p, firsts in _TRIGGER_PARTS if not firsts or any(word.startswith(f) for f in firsts)]
        rx = _TRIGGERS_BY_WORD[word] = re.compile(r"(?:" + "|".join(parts) + r")(?![a-z0-9])")
    return rx


# the colon after a backward "ruled out"/"excluded" that opens its line: a label ("Ruled out: PE, pneumonia")
_RULED_OUT_LABEL = re.compile(r"(?:[ \t]+(?:diagnos[ie]s|conditions))?[ \t]*:")


def _trigger_matches(lower: str):
    """Trigger and pseudo-trigger matches, leftmost-longest, never overlapping.

    Only positions whose word can start a trigger are tried, which keeps a
    600-word note well under the 5 ms budget.
    """
    pos = 0
    for tok in _TOKEN.finditer(lower):
        if tok.start() < pos:
            continue
        if tok.group(0) not in _TRIGGER_FIRST_WORDS and tok.group(0) not in "?\u00f8":
            continue
        if tok.start() > 0 and lower[tok.start() - 1].isalnum() and tok.group(0) not in "?\u00f8":
            continue   # (a word's tail is no trigger; a question mark right after a word is one)
        m = _triggers_for(tok.group(0)).match(lower, tok.start())
        if m:
            pos = m.end()
            yield m


# --- analysis -------------------------------------------------------------------------------

def own_without(span: ContextSpan, start: int, end: int) -> bool:
    """True for a "without"/"w/o" negation that opens inside the mention ``note[start:end]``."""
    return span.kind == "negated" and start < span.start < end and span.trigger.lower() in ("without", "w/o")


@dataclass
class NoteAnalysis:
    """The result of :func:`analyze`: sentences, sections and context scopes of one note."""

    text: str
    sentences: list[Sentence]
    sections: list[Section]
    spans: list[ContextSpan]
    _section_starts: list[int] = field(default_factory=list, repr=False)
    _sentence_starts: list[int] = field(default_factory=list, repr=False)
    _span_starts: list[int] = field(default_factory=list, repr=False)
    _span_reach: list[int] = field(default_factory=list, repr=False)
    memo: dict = field(default_factory=dict, repr=False)   # what rules read once per note (the visit's exam code)

    def __post_init__(self) -> None:
        self._section_starts = [s.start for s in self.sections]
        self._sentence_starts = [s.start for s in self.sentences]
        # Spans sorted by start, with the furthest end reached so far: context_at looks only at the
        # spans that can overlap, so its cost does not grow with the note.
        self.spans.sort(key=lambda s: (s.start, s.end))
        self._span_starts = [s.start for s in self.spans]
        reach, furthest = [], -1
        for s in self.spans:
            furthest = max(furthest, s.end)
            reach.append(furthest)
        self._span_reach = reach

    def once(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """``compute()``, run once per note and ``key``: a finder the prompt's candidates and the guideline
        layer both ask (the note's long-term drugs, its status codes) reads the note once."""
        if key not in self.memo:
            self.memo[key] = compute()
        return self.memo[key]

    def section_at(self, pos: int) -> str | None:
        """Canonical name of the section containing character ``pos``, or None before any header."""
        sec = self.section_span_at(pos)
        return sec.name if sec is not None else None

    def section_span_at(self, pos: int) -> Section | None:
        """The section containing character ``pos``, or None before any header."""
        i = bisect.bisect_right(self._section_starts, pos) - 1
        if i >= 0 and self.sections[i].start <= pos < self.sections[i].end:
            return self.sections[i]
        return None

    def in_label(self, pos: int) -> bool:
        """Whether character ``pos`` is in a section header's label ("Secondary:", "Family history:")."""
        sec = self.section_span_at(pos)
        return sec is not None and pos < sec.label_end

    def resolved_in_stay(self, start: int, end: int) -> bool:
        """A discharge summary's "Hyperkalemia, resolved", "encephalopathy resolved by day 2": what resolved in the
        stay's diagnoses or course was present and treated in it (UHDDS), so its only history is the resolving."""
        return self.section_at(start) in STAY_SECTIONS and all(
            sp.kind != "history" or sp.trigger.lower() == "resolved" for sp in self.spans_overlapping(start, end))

    def spans_overlapping(self, start: int, end: int) -> list[ContextSpan]:
        """The context spans that overlap ``note[start:end]`` (found by bisection, not by a scan)."""
        out: list[ContextSpan] = []
        i = bisect.bisect_left(self._span_starts, end) - 1
        while i >= 0 and self._span_reach[i] > start:
            if self.spans[i].end > start:
                out.append(self.spans[i])
            i -= 1
        out.reverse()
        return out

    def sentence_at(self, pos: int) -> Sentence | None:
        """The sentence containing character ``pos``."""
        i = bisect.bisect_right(self._sentence_starts, pos) - 1
        if i >= 0 and self.sentences[i].start <= pos < self.sentences[i].end:
            return self.sentences[i]
        return None

    def sentences_matching(self, pattern: re.Pattern[str]) -> list[Sentence]:
        """The sentences, in order, whose own text ``pattern`` matches: found by one scan of the note, not
        one search per sentence (a long note has tens of thousands of sentences and few that name it)."""
        if any(anchor in pattern.pattern for anchor in ("^", "$", "\\A", "\\Z")):
            # (an anchor matches at each sentence's own start or end: read sentence by sentence)
            return [sent for sent in self.sentences if pattern.search(sent.text)]
        out: list[Sentence] = []
        for m in pattern.finditer(self.text):
            sent = self.sentence_at(m.start())
            if sent is not None and (not out or out[-1] is not sent) \
                    and pattern.search(self.text[sent.start:sent.end]):
                out.append(sent)
        return out

    def blanked(self, start: int, end: int, kinds: frozenset[str] | set[str], *, from_: int | None = None) -> str:
        """``text[start:end]`` with the spans of ``kinds`` (from ``from_`` on, if given) replaced by spaces:
        the words a negation or a relative's story covers, left out of what the rest says."""
        first = start if from_ is None else from_
        spans = [sp for sp in self.spans_overlapping(first, end) if sp.kind in kinds]
        if not spans:
            return self.text[start:end]
        chars = list(self.text[start:end])
        for sp in spans:
            for k in range(max(sp.start, first), min(sp.end, end)):
                chars[k - start] = " "
        return "".join(chars)

    def ended(self, start: int, end: int) -> bool:
        """Whether a history scope over ``note[start:end]`` says the condition ended ("HTN and OSA -
        resolved", "GERD (resolved)"), not only that it began in the past ("history of HTN")."""
        return any(sp.kind == "history" and _ENDED.search(sp.trigger) for sp in self.spans_overlapping(start, end))

    def context_at(self, start: int, end: int, *, title_says_without: bool = False) -> set[str]:
        """Kinds whose scope overlaps ``note[start:end]``; ``family`` also for a family-history section.

        ``title_says_without``: the mention is of a code whose title says "without ..." (G43.719
        "... without aura ..."), so a "without" inside the mention is part of its name, not a
        negation of it.
        """
        # (a scope that meets the range only with its own trigger word, at the range's end, is what follows:
        # "Anterior epistaxis, L, s/p" quotes the "s/p" of the cautery after it)
        kinds = {span.kind for span in self.spans_overlapping(start, end)
                 if not (title_says_without and own_without(span, start, end))
                 and not (span.start >= end - len(span.trigger) and span.start > start)}
        if self.section_at(start) == "family_history":
            kinds.add("family")
        return kinds


_ENDED = re.compile(r"resolved|passed spontaneously|^passed$|none since|no recurrence", re.I)
# The sections where the writer states what the encounter assessed or diagnosed
ASSESSMENT_SECTIONS = frozenset({"assessment_plan", "impression", "diagnoses"})
# a discharge summary's account of the stay: what resolved there was present and treated in it (UHDDS)
STAY_SECTIONS = ASSESSMENT_SECTIONS | {"hospital_course"}
# Words that leave a condition or a drug to another physician at this visit ("DM2, HTN, BPH - per PCP, not
# addressed", "combined OCP - continue (per gynecology)"): the guideline layer, the contraceptive reading
# and the MDM problem count all read them with this one pattern
LEFT_TO_ANOTHER = re.compile(r"\b(?:not (?:otherwise |further |specifically |separately )?addressed|"
                             # "both stable on current meds (managed at separate visit next week)"
                             r"(?:managed|addressed|followed|seen|treated) (?:at|in|during) (?:a |their |its )?"
                             r"separate (?:visit|appointment|encounter)|"
                             # "Prediabetes & weight - to address at annual physical next month, not today"
                             r"(?:to (?:be )?address(?:ed)?|deferred|defer) (?:at|to|until) (?:the |her |his |their |a )?"
                             r"(?:next|upcoming|annual|scheduled|separate|follow-up|f/u|future|physical|well)|"
                             r"[,;-]\s*not today\b|"
                             # "already evaluated as seborrheic keratoses at the 03/2026 visit, not treated today"
                             r"\bnot (?:treated|removed|biopsied|re-?evaluated) (?:today|at this (?:visit|encounter))\b|"
                             r"not (?:the |a )?(?:focus|subject) of (?:this |today's |the )?(?:visit|therapy|session|"
                             r"encounter|treatment)|(?:per|managed by|deferred to|followed by|prescribed by) (?:the |his |her )?"
                             r"(?:pcp|primary care|gyn\w*|ob(?:/?gyn)?|cardiology|oncology|nephrology|endocrinology)\b"
                             # ("normal anatomy survey (per OB records)": where the facts come from, not who manages it)
                             r"(?! (?:records?|report|notes?|chart|letter|documentation))"
                             # ("CKD 3b - stable; followed by nephrology. BMP in 3 weeks": who else follows it, and
                             # this visit acts on it too)
                             r"(?![^\n]*\b(?:continu\w*|increas\w*|decreas\w*|start\w*|stop\w*|hold|held|recheck\w*|"
                             r"repeat|order\w*|bmp|cmp|refill\w*|adjust\w*|titrat\w*)\b))",
                             re.I)


def line_at(note: str, at: int) -> str:
    """The whole line of ``note`` that holds offset ``at``."""
    end = note.find("\n", at)
    return note[note.rfind("\n", 0, at) + 1:end if end >= 0 else len(note)]


_LIST_HEADER_LINES = 30   # a list's items read back to its header (a longer list is no one list)


def list_header(note: str, at: int) -> str | None:
    """The line that opens the list whose item holds offset ``at`` ("Vaccines administered today:" above
    "1. Tdap (Boostrix) - R deltoid"), or None when that line is no list item or its list has no header:
    the items run up, without a blank line, to a line that ends with a colon."""
    start = note.rfind("\n", 0, at) + 1
    if not LIST_MARKER.match(note, start):
        return None
    for _ in range(_LIST_HEADER_LINES):
        if start == 0:
            return None
        prev = note.rfind("\n", 0, start - 1) + 1
        line = note[prev:start - 1]
        if not line.strip():
            return None   # a blank line ends the list
        if not LIST_MARKER.match(line):
            return line if line.rstrip().endswith(":") else None
        start = prev
    return None


@functools.lru_cache(maxsize=8)   # the rules of one note ask for it many times; a long note is megabytes
def lowered(note: str) -> str:
    """``note`` in lower case with every offset kept (a few characters, the dotted capital I, lengthen
    when lowered: those stay as they are)."""
    lower = note.lower()
    return lower if len(lower) == len(note) else "".join(c.lower() if len(c.lower()) == 1 else c for c in note)


_ITEM_VERDICT = re.compile(r"^[ \t]*(?:[-*\u2022]|\d{1,2}[.)])[ \t]*([^:\n]{3,60}):[^\n]*?(?:\s[-\u2013]\s|[,;]\s*)"
                           r"(?:(?:very|highly|most|felt|thought|considered)\s+)*(unlikely|excluded|ruled out|not likely|"
                           r"doubtful)\W*$", re.M | re.I)
_FAMILY_LABEL = re.compile(r"family history(?: of)?|fhx?|family hx")
_VERDICT_WORD = re.compile(r"(?:negative|neg|nonreactive|non-reactive|unremarkable|normal|wnl)\b")
_TEST_NAME = re.compile(r"\b(?:rapid|test(?:ing)?|antigen|culture|screen|swab|pcr|panel|ua|urinalysis|x-?ray|xr|cxr|"
                        r"ct|cta|mri|ultrasound|echo|ecg|ekg|troponins?|d-dimer|lipase|cbc|bmp|cmp|labs?|work-?up)\b")
_LIST_ITEM_BEFORE = re.compile(r"[,;(/][ \t]*$")
_LIST_ITEM_AFTER = re.compile(r"[ \t]*[,;)/]")
_WORD_AFTER = re.compile(r"[ \t]*(?:of[ \t]+|:[ \t]*)?[A-Za-z]")
_UNCHECKED = re.compile(r"\[ ?\][ \t]*([^\[\]\n]*?)(?=[ \t]*(?:\[|\n|$))")


def analyze(note: str) -> NoteAnalysis:
    """Split ``note`` into sentences and sections and find negation/uncertainty/history/family scopes."""
    if not isinstance(note, str):
        raise TypeError("analyze() needs the note text as a str")
    sentences = split_sentences(note)
    sections = _find_sections(note)
    spans: list[ContextSpan] = []
    sent_starts = [s.start for s in sentences]
    lower = lowered(note)
    for m in _trigger_matches(lower):
        if not len(spans) % 1024:
            checkpoint("reading the note", m.start(), len(note))
        group = m.lastgroup
        if group is None or group.startswith("p"):
            continue
        kind, direction, _ = _TRIGGERS[int(group[1:])]
        if kind == "family" and _FAMILY_LABEL.fullmatch(m.group(0)) and _LIST_ITEM_AFTER.match(note, m.end()) \
                and _LIST_ITEM_BEFORE.search(note, max(0, m.start() - 8), m.start()):
            continue   # "risk factors (HTN, HLD, FH, former smoker)": the family history is an item of its own
        i = bisect.bisect_right(sent_starts, m.start()) - 1
        if i < 0:
            continue
        sent = sentences[i]
        label = _RULED_OUT_LABEL.match(note, m.end()) if kind == "negated" and direction == "backward" \
            and LIST_MARKER.sub("", note[note.rfind("\n", 0, m.start()) + 1:m.start()]).strip() == "" else None
        if label is not None:
            # "Ruled out: alcoholic hepatitis (...), withdrawal seizures (none occurred)": a line's own label heads
            # the list after it, to the sentence's end
            end = sent.end
            while end > label.end() and note[end - 1] in " \t,.":
                end -= 1
            if end > label.end():
                spans.append(ContextSpan(kind, m.start(), end, note[m.start():label.end()]))
            continue
        if direction in ("forward", "both"):
            limit = sent.end
            before = note[sent.start:m.start()]
            if before.count("(") > before.count(")"):
                # a trigger inside a parenthesis ("(on his way to work, not yet at work), slipped on ice")
                # reaches no further than its closing parenthesis
                close = note.find(")", m.end(), sent.end)
                limit = close if close >= 0 else limit
            if kind == "history" and m.group(0) in ("s/p", "status post"):
                # "CAD s/p CABG 2019, AF on apixaban, ...": a status-post inside a list item says how that item
                # was treated; the items after it are no procedures done
                item = max(note.rfind(c, sent.start, m.start()) for c in ",;:\n") + 1
                if re.search(r"[A-Za-z]", note[max(item, sent.start):m.start()]) \
                        and (comma := note.find(",", m.end(), limit)) >= 0:
                    limit = comma
            if m.group(0).endswith(":"):
                # a label ("DDx:", "Return precautions:") heads the list after it, to the sentence's end
                end = limit
                while end > m.end() and note[end - 1] in " \t,.":
                    end -= 1
            elif kind == "hypothetical" and _PRECAUTION.match(m.group(0)):
                # "Call for severe abdominal pain, fever, or more than a small amount of rectal bleeding": what to come
                # back for goes on to the sentence's end
                end = limit
                while end > m.end() and note[end - 1] in " \t,.":
                    end -= 1
            else:
                end = _scope_forward(note, m.end(), limit)
            if end > m.end():
                spans.append(ContextSpan(kind, m.start(), end, note[m.start():m.end()]))
        if direction in ("backward", "both") and not (
                # "..., former smoker, no FHx premature CAD": a family-history label followed by its condition
                # heads that condition; it says nothing of the items before it
                kind == "family" and _FAMILY_LABEL.fullmatch(m.group(0)) and _WORD_AFTER.match(note, m.end())):
            limit = sent.start
            comma = lower.rfind(",", sent.start, m.start())
            opened = lower.rfind("(", sent.start, m.start())
            if kind == "history" and opened >= 0 and ")" not in lower[opened:m.start()] \
                    and re.search(r"\b(?:last|prior|previous)\b", lower[opened:m.start()]):
                # "Tdap given by nursing (last tetanus 13 years ago)": the parenthesis dates its own earlier dose
                limit = opened + 1
            elif kind == "negated" and comma >= 0 and _VERDICT_WORD.match(m.group(0)) \
                    and _TEST_NAME.search(lower, comma, m.start()):
                # "Acute pharyngitis, viral, rapid strep negative": a test's result is its own item's
                limit = max(limit, comma + 1)
            elif (kind == "negated" and lower.startswith("not ", m.start())) or m.group(0) == "?":
                # "Pneumonia, organism not identified": a postposed "not found" negates its own item only
                # ("MDD, in partial remission?": and a question mark questions its own item)
                limit = max(limit, lower.rfind(",", sent.start, m.start()) + 1)
                if m.group(0) == "?":
                    # ("UTI (acute cystitis) in elderly woman with mild delirium?": the phrase after "with" is
                    # what is questioned)
                    joins = list(re.finditer(r"\b(?:with|and|or|plus)\b|\(", lower[limit:m.start()]))
                    if joins:
                        limit = limit + joins[-1].end()
            elif kind == "uncertain" and not m.group(0).lower().endswith("considered") \
                    and (comma := lower.rfind(",", sent.start, _before_parenthesis(lower, sent.start, m.start()))) >= 0 \
                    and re.search(r"[a-z]", lower[comma:m.start()]):
                # ("GERD, asthma and upper airway cough syndrome considered": a differential's verb is the list's)
                # "Anemia in pregnancy, iron deficiency suspected": a postposed doubt is about its own list item
                # ("Cholecystitis, suspected" has no words of its own: the doubt is the item's before it)
                limit = max(limit, comma + 1)
            start = _scope_backward(note, limit, m.start())
            colon = note.rfind(":", limit, m.start())
            if kind == "negated" and m.group(0).lower() in ("negative", "neg") and not note[start:m.start()].strip() \
                    and colon >= 0 \
                    and not note[colon + 1:m.start()].strip():
                # "Gastric biopsies for H. pylori: negative.": the verdict after a label's colon is the label's
                start = _scope_backward(note, limit, colon)
            if start < m.start():
                spans.append(ContextSpan(kind, start, m.end(), note[m.start():m.end()]))
    spans += _dated_past_events(note, lower, sentences, sent_starts)
    # an MDM item's verdict at its end ("- Aortic dissection: no tearing pain, equal pulses - very unlikely") is
    # said of the item's head
    for m in _ITEM_VERDICT.finditer(note):
        kind = "uncertain" if m.group(2).lower() in ("unlikely", "not likely", "doubtful") else "negated"
        spans.append(ContextSpan(kind, m.start(1), m.end(1), m.group(2)))
    # a template's unchecked box ("Etiology: [x] diabetic  [ ] venous  [ ] pressure") says the item is not so
    spans += [ContextSpan("negated", m.start(1), m.end(1), "[ ]") for m in _UNCHECKED.finditer(note) if m.group(1)]
    spans.sort(key=lambda s: (s.start, s.end))
    return NoteAnalysis(note, sentences, sections, spans)


# A year (bare, or ending a date: "2019", "01/2024", "3/14/2021"); and what makes a dated condition
# a current one ("diagnosed 2015", "since 03/2025", "started 2024": it began then and goes on).
# (not an obstetric history's term/preterm/abortion/living counts: "G3P2002" is no year)
_YEAR = re.compile(r"(?<![\d.\-])(?<![gp])(?:\d{1,2}/(?:\d{1,2}/)?)?((?:19[5-9]|20[0-4])\d)(?![\d/])", re.I)
_ONGOING_SINCE = re.compile(r"\b(?:diagnos\w*|dx(?:'d)?|since|started|starting|began|begun|onset|from|until|"
                            r"through|ongoing|on|every|each|q)\W*(?:in\W+)?(?:\w+\W+)?$", re.I)
_DIAGNOSED = re.compile(r"\b(?:diagnos\w*|dx)\b")
# ("second episode 2019 with a suicide attempt by overdose": what the dated episode came with)
_AFTER = re.compile(r"\s*(?:after|following|post|with)\s+", re.I)
_DATED_BUDGET = 200   # a note's story is dated in its first years named; an archive of dates is not read


def _dated_past_events(note: str, lower: str, sentences: list[Sentence], sent_starts: list[int]) -> list[ContextSpan]:
    """History scopes around a year earlier than the note's own (its latest year): "provoked DVT 2019",
    "inguinal hernia repair 2015" happened before this encounter."""
    years = [(m, int(m.group(1))) for _, m in zip(range(_DATED_BUDGET * 4), _YEAR.finditer(note))]
    if not years:
        return []
    current = max(y for _, y in years)
    out: list[ContextSpan] = []
    for m, year in years[:_DATED_BUDGET]:
        if year >= current or _ONGOING_SINCE.search(lower, max(0, m.start() - 30), m.start()):
            continue
        i = bisect.bisect_right(sent_starts, m.start()) - 1
        if i < 0:
            continue
        sent = sentences[i]
        # a year dates its own item of a list ("trigeminal neuralgia, depression 2011"), no further back
        item = max(note.rfind(c, sent.start, m.start()) for c in ",;(")
        start = _scope_backward(note, max(sent.start, item + 1), m.start())
        if _DIAGNOSED.search(lower, start, m.start()):
            continue   # "diagnosed with ankylosing spondylitis in 2005": when a condition began
        # the words before the year are what it dates ("DVT 2019"); after it only the event it
        # followed ("DVT 2019 after ankle fracture surgery"): a story's "in 2000, with pain" goes on
        after = _AFTER.match(note, m.end())
        end = _scope_forward(note, after.end(), sent.end) if after else m.end()
        if start < m.start() or end > m.end():
            out.append(ContextSpan("history", start, end, note[m.start():m.end()]))
    return out


_LIST_ITEM_WORDS = 5   # "Denies tinnitus, vertigo, ..., head trauma, loud noise exposure": a list of short items


_PRECAUTION = re.compile(r"(?:call|return|come back|seek)\b", re.I)


# "No albuterol or steroids (not indicated in bronchiolitis)": a parenthesis that says why the treatment is not given
# names a condition the patient has
_WHY_NOT_GIVEN = re.compile(r"\((?:not |no longer )?(?:indicated|needed|required|recommended|necessary|warranted|helpful|"
                            r"useful|effective) (?:in|for|with)\b", re.I)


def _scope_forward(note: str, pos: int, limit: int) -> int:
    if note.find("(", pos, limit) >= 0 and (why := _WHY_NOT_GIVEN.search(note, pos, limit)) is not None:
        limit = why.start()
    term = _TERMINATORS.search(note, pos, limit)
    if term is not None and "(" in note[pos:term.start()]:
        # a terminator inside an item's parenthesis ("aortic dissection (unlikely - no tearing pain), GERD")
        # ends that parenthesis's own words, not the list the trigger heads
        masked = _PARENTHESIS.sub(lambda m: " " * len(m.group(0)), note[pos:limit])
        inner = _TERMINATORS.search(masked)
        term = None if inner is None else _TERMINATORS.search(note, pos + inner.start(), limit)
    end = term.start() if term else limit
    words = list(_WORD.finditer(note, pos, end))
    if len(words) > MAX_SCOPE_WORDS:
        # a list of short items goes on to its end: each item is what the trigger says of the first
        # (not past a full stop the sentence splitter kept: "CBD 4 mm. LFTs normal")
        stop = re.search(r"\.\s+[A-Z]", note[pos:end])
        if stop:
            end = pos + stop.start()
        items = re.split(r",|\bor\b|\band\b|\bnor\b", re.sub(r"\([^()]*\)", " ", note[pos:end]))
        # (one qualified item among four or more short ones is still an item: "Denies CP, SOB, orthopnea, LE swelling
        # beyond usual ankle puffiness at night, dysuria, foot ulcers")
        long = [n for n in (len(_WORD.findall(item)) for item in items) if n > _LIST_ITEM_WORDS]
        if len(items) < 3 or len(long) > 1 or (long and (len(items) < 5 or long[0] > 8)):
            end = min(end, words[MAX_SCOPE_WORDS - 1].end())
    while end > pos and note[end - 1] in " \t,.":
        end -= 1
    return end


_PARENTHESIS = re.compile(r"\([^()\n]*\)")


_STATUS_BEFORE = re.compile(r"[\s,]*(?:(?:treated|completed|cured|healed|fully|and)[\s,]+)*")


def _before_parenthesis(lower: str, start: int, pos: int) -> int:
    """Where a parenthesis that closes right before ``pos`` opens ("pneumonia (CXR clear, no cough) unlikely"),
    else ``pos``: the commas inside it separate no items of the list the trigger ends."""
    before = lower[start:pos].rstrip()
    if before.endswith(")") and (opened := lower.rfind("(", start, start + len(before) - 1)) >= 0:
        return opened
    return pos


_PANEL = re.compile(r"\s*[a-z0-9-]+(?:\s*/\s*[a-z0-9-]+)+\s*", re.I)


def _scope_backward(note: str, limit: int, pos: int) -> int:
    before = note[limit:pos].rstrip()
    if before.endswith(")") and (opened := note.rfind("(", limit, limit + len(before) - 1)) > limit \
            and ")" not in note[opened:limit + len(before) - 1] and note[limit:opened].strip():
        # "aspiration pneumonia (CXR clear, no cough, no hypoxia) unlikely": the parenthesis says why, the verdict
        # is of the words before it
        pos = opened
    inner = note.rfind("(", limit, pos)
    if inner >= 0 and note.find(")", inner, pos) < 0 and _PANEL.fullmatch(note, inner + 1, pos):
        # "Acute viral URI, mild (COVID/flu/RSV negative)": a panel of tests inside a parenthesis is what its verdict
        # is of ("hyperthyroidism (TSH normal)", one test, still says it of the words before)
        limit = inner + 1
    start = limit
    terms = list(_TERMINATORS.finditer(note, limit, pos))
    if terms and terms[-1].group(0).strip() == "-" and _STATUS_BEFORE.fullmatch(note, terms[-1].end(), pos):
        # "HTN and OSA - resolved", "PCP - treated, resolved": the status after a dash is the item's before it
        terms.pop()
    elif terms and terms[-1].group(0) == ";" and not note[terms[-1].end():pos].strip() \
            and note[pos:pos + 16].lower().startswith(("none since", "no recurrence")):
        terms.pop()   # "because of recurrent oral thrush; none since": the thrush is what has not come back
    for term in terms:
        start = term.end()
    words = list(_WORD.finditer(note, start, pos))
    if len(words) > MAX_SCOPE_WORDS:
        start = words[-MAX_SCOPE_WORDS].start()
    while start < pos and note[start] in " \t,.":
        start += 1
    return start
