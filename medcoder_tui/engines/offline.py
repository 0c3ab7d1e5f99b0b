"""The offline engine: deterministic code suggestions without a language model.

Used when Ollama is unreachable (or chosen explicitly). Candidates come from
:mod:`medcoder_tui.engines.diagnoses.retrieval`; this module applies the coding rules a
coder expects and sends every pick through the same ``Grounder`` as the model's
suggestions, so the offline engine's output is validated and tied to the note
in exactly the same way.

Rules:
- a negated finding is never coded; a relative's condition is not the patient's;
- history-of is coded only with a history code (Z85-Z87, I25.2...; a past cancer, infarction,
  stroke or thromboembolism becomes one in the guideline layer) or, for a chronic condition
  still present ("history of hypertension"), as the condition;
- uncertain diagnoses are coded only in the inpatient setting;
- one code per concept span: a mention inside a more specific mention of another
  code is dropped, and so is a second code for the same words;
- headers are never proposed: the retrieval maps them to their billable default.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from dataclasses import replace

from medcoder_tui.codes.status_terms import HISTORY_OF
from medcoder_tui.codes.systems import System
from medcoder_tui.engines.analysis.clinical_text import (ASSESSMENT_SECTIONS, LIST_MARKER, NoteAnalysis, analyze,
                                                         line_at, lowered)
from medcoder_tui.engines.checks.status_history import PAST_EVENTS
from medcoder_tui.engines.diagnoses.combinations import HYPERTENSIVE, hypertension_combinations
from medcoder_tui.engines.diagnoses.external_causes import takes_external_cause
from medcoder_tui.engines.models import (
    DoneEvent,
    EngineEvent,
    ProgressEvent,
    RawSuggestion,
    Setting,
    Suggestion,
    SuggestionEvent,
    SuggestionResult,
)
from medcoder_tui.engines.procedures.suggest import suggest_procedures
from medcoder_tui.engines.progress import AnalysisCancelled, Progress, checkpoint, run_in_thread
from medcoder_tui.engines.diagnoses.hierarchy import vagueness
from medcoder_tui.engines.diagnoses.matcher import asks_for_beside
from medcoder_tui.engines.diagnoses.ranking import SITELESS_NEOPLASMS, is_neoplasm
from medcoder_tui.engines.diagnoses.retrieval import Candidate, retrieve_candidates
from medcoder_tui.engines.diagnoses.status_codes import FRAGILITY_WORDS

OFFLINE_VERSION = "5"
PROMPT_VERSION = f"offline-{OFFLINE_VERSION}"
# Minimum retrieval score for a suggestion (roughly: one specific medical word in plain prose).
MIN_SCORE = 2.0
MAX_SUGGESTIONS = 25
PROGRESS_EVERY = 0.25   # seconds between progress events of a long analysis

# Chronic conditions that "history of" does not end: still coded as the condition.
_CHRONIC_PREFIXES = (
    "I10", "I11", "I12", "I13", "I15", "I1A", "I25.1", "I48", "I50", "E03", "E05", "E10", "E11", "E13", "E66",
    "E78", "J44", "J45", "N18", "K21", "F17", "F10.2", "F32", "F33", "F41", "G20", "G30", "G35", "G40",
    "M05", "M06", "M15", "M16", "M17", "M19", "B18", "B20", "D50", "D63", "K70", "K74", "N40", "G47.33",
)
# Lists and instructions, not the patient's conditions: allergies, drugs, follow-up advice, ROS.
_NOT_CODED_SECTIONS = frozenset({"allergies", "medications", "disposition", "review_of_systems"})
_HISTORY_CODES = ("Z85", "Z86", "Z87", "Z92", "Z80", "Z81", "Z82", "Z83", "Z84", "I25.2", "Z95", "Z96", "Z98", "Z91.81")
# Past conditions whose history code a coder reports wherever the note names them (I.C.21.c.4): a
# cancer (Z85), an infarction (I25.2), a stroke or TIA (Z86.73), a venous thromboembolism (Z86.71-),
# tobacco dependence (Z87.891), urinary calculi (Z87.442), a suicide attempt (Z91.51), a fragility fracture
# (Z87.310). The active code is proposed with its history context and the
# guideline layer puts the history code in its place.
_CODED_AS_HISTORY = PAST_EVENTS + ("F17.2",)


# "superficial endometriosis of the posterior cul-de-sac and of the L uterosacral ligament": a mention
# that goes on past a coded one with "and ..." names the second, coordinated condition too
_COORDINATED = re.compile(r"[\s,]*(?:and|&)\s+(?:of\s+|the\s+|in\s+)", re.IGNORECASE)




def choose(candidates: list[Candidate], setting: Setting,
           analysis: NoteAnalysis | None = None) -> list[Candidate]:
    """The candidates the rules allow, best first, at most one per concept span.

    A returned candidate's ``start``/``end``/``evidence_text``/``context`` are
    those of the mention the rules allow coding from (not a negated one).
    """
    picked: list[Candidate] = []
    spans: list[tuple[int, int, str]] = []
    # A neoplasm named with its site or behaviour makes the site-less code redundant.
    # (one the rules allow: "No personal hx of skin cancer" names no neoplasm of the patient)
    sited_neoplasm = any(is_neoplasm(c.code) and c.code not in SITELESS_NEOPLASMS and not c.dominated
                         and c.score >= MIN_SCORE and _usable_mention(c, setting, analysis) is not None
                         for c in candidates)
    set_aside: list[tuple[int, int]] = []   # mentions the rules did not code for a doubt or a negation in them

    def take(cand: Candidate, mention: tuple) -> None:
        _score, start, end, ctx, _dom = mention
        clash = any(start < e and s < end and (code[:3] == cand.code[:3] or (s <= start and end <= e))
                    and not (s <= start and e < end and analysis is not None and _COORDINATED.match(analysis.text, e))
                    and not _both_gas_failures(code, cand.code)
                    and not ((asks := asks_for_beside(code)) and cand.code.startswith(asks)
                             and not cand.code.startswith(code[:3]))
                    for s, e, code in spans)
        if clash:
            # ("Acute otitis externa, right ear (swimmer's ear)": a reading of the same category that says more,
            # from words beyond the first one's, stands in its place: H60.331, not H60.501)
            same = [i for i, (s, e, code) in enumerate(spans) if start < e and s < end]
            # ("subcapital fracture of the right femoral neck": the part of the neck it names, S72.011A, stands in
            # the place of the neck's "unspecified part", S72.001A)
            part = len(same) == 1 and spans[same[0]][2][:3] == cand.code[:3] \
                and _UNSPECIFIED_PART.search(picked[same[0]].description) is not None \
                and _UNSPECIFIED_PART.search(cand.description) is None and start < spans[same[0]][0]
            # ("pulmonary nodule": the solitary nodule's own code, R91.1, not the category's "other" finding, R91.8)
            twin = len(same) == 1 and spans[same[0]][:2] == (start, end) and spans[same[0]][2][:3] == cand.code[:3] \
                and picked[same[0]].description.startswith("Other ") \
                and vagueness(cand.description) < vagueness(picked[same[0]].description)
            if part or twin or len(same) == 1 and spans[same[0]][2][:3] == cand.code[:3] and analysis is not None \
                    and end > spans[same[0]][1] and analysis.text.startswith(" (", spans[same[0]][1]) \
                    and vagueness(cand.description) < vagueness(picked[same[0]].description):
                cand.start, cand.end, cand.context = start, end, ctx
                picked[same[0]] = cand
                spans[same[0]] = (start, end, cand.code)
            return  # one code per concept span
        cand.start, cand.end, cand.context = start, end, ctx
        picked.append(cand)
        spans.append((start, end, cand.code))

    for cand in candidates:
        if cand.dominated or cand.score < MIN_SCORE or not cand.billable:
            continue
        if sited_neoplasm and cand.code in SITELESS_NEOPLASMS:
            continue
        mention = _usable_mention(cand, setting, analysis)
        if mention is None:
            set_aside += [(m[1], m[2]) for m in cand.spans or [(0, cand.start, cand.end, cand.context, False)]
                          if not m[4] and m[3] & {"uncertain", "negated"}]
            continue
        take(cand, mention)
        if len(picked) >= MAX_SUGGESTIONS:
            break
    # "Anemia in pregnancy, iron deficiency suspected": a larger reading set aside for its doubtful or negated
    # part leaves the words the note states plainly (anemia, inside the doubtful iron deficiency anemia)
    for cand in candidates if set_aside else ():
        if len(picked) >= MAX_SUGGESTIONS:
            break
        # (a code the note also names elsewhere is a "mention" candidate: "Syncope - most likely vasovagal (heat" set
        # aside as a doubtful heat syncope leaves the syncope the impression states)
        if not (cand.dominated or cand.origin == "mention") or cand.origin not in ("inside", "mention") \
                or cand.score < MIN_SCORE or not cand.billable or any(p.code == cand.code for p in picked):
            continue
        if cand.origin == "mention" and any("negated" in ctx and not dom for _sc, _s, _e, ctx, dom in cand.spans):
            continue   # ("causes of liver disease excluded (viral, ...)": what the note rules out stays out)
        freed = [(score, start, end, ctx, False) for score, start, end, ctx, dom in cand.spans
                 if dom and any(s <= start and end <= e for s, e in set_aside)
                 and (cand.origin == "inside" or score >= _FREED_MENTION)]
        if freed and (mention := _usable_mention(replace(cand, spans=freed, dominated=False), setting, analysis)):
            take(cand, mention)
    if analysis is not None and setting != "inpatient":
        picked = _without_what_the_assessment_doubts(picked, candidates, analysis)
    return _drop_vague_siblings(_without_ill_defined_sites(picked))


def _title_words(title: str) -> frozenset[str]:
    return frozenset(re.findall(r"[a-z0-9]+", title.lower())) - {"unspecified"}


def _without_what_the_assessment_doubts(picked: list[Candidate], candidates: list[Candidate],
                                        analysis: NoteAnalysis) -> list[Candidate]:
    """At a visit, a condition read from outside the assessment ("CC: my watch keeps saying AFib") that the
    assessment itself only calls possible ("possible paroxysmal AF vs PACs, not confirmed"), and nowhere states,
    is not coded (IV.H): the assessment's verdict on it is the provider's."""
    def in_assessment(m) -> bool:
        return not m[4] and analysis.section_at(m[1]) in ASSESSMENT_SECTIONS

    doubted: list[Candidate] = []
    stated: set[str] = set()   # the categories the assessment states plainly
    for c in candidates:
        if c.system is not System.ICD10CM or c.code[:1] in "RVWXYZ":
            continue
        spans = [m for m in c.spans or [(c.score, c.start, c.end, c.context, c.dominated)] if in_assessment(m)]
        if any("uncertain" in m[3] and not m[3] & {"negated", "family"} for m in spans):
            doubted.append(c)
        if any(not m[3] & {"uncertain", "negated", "family", "hypothetical", "history"} for m in spans):
            stated.add(c.code[:3])
    if not doubted:
        return picked
    return [p for p in picked
            if p.code[:1] in "RVWXYZ" or p.code[:3] in stated or analysis.section_at(p.start) in ASSESSMENT_SECTIONS
            or "history" in p.context   # (a past one is its history: "one kidney stone 2019, passed" beside "r/o stone")
            or not any(d.code[:3] == p.code[:3] and _title_words(p.description) <= _title_words(d.description)
                       for d in doubted)]


_UNSPECIFIED_PART = re.compile(r"\bunspecified part of\b", re.I)
_FREED_MENTION = 3.0   # a named condition's own mention freed from a doubtful larger reading: a word, not a fragment


def _both_gas_failures(a: str, b: str) -> bool:
    """A respiratory failure "with hypoxia and hypercapnia": ICD-10-CM has no code for both, so both are coded
    (J96.x1 beside J96.x2)."""
    return a[:3] == b[:3] == "J96" and a[:5] == b[:5] and {a[-1:], b[-1:]} == {"1", "2"}


def _without_ill_defined_sites(picked: list[Candidate]) -> list[Candidate]:
    """A neoplasm of an ill-defined site (C76: "carcinoma ... nasal", the head) gives way to a neoplasm
    code of a defined site read from any of the same words ("basal cell carcinoma R nasal ala", C44.311)."""
    sited = [c for c in picked if is_neoplasm(c.code) and not c.code.startswith("C76")
             and c.code not in SITELESS_NEOPLASMS]
    if not sited:
        return picked

    def overlaps(a: Candidate, b: Candidate) -> bool:
        return any(s1 < e2 and s2 < e1 for _x, s1, e1, *_ in a.spans or [(0, a.start, a.end)]
                   for _y, s2, e2, *_ in b.spans or [(0, b.start, b.end)])
    return [c for c in picked if not (c.code.startswith("C76") and any(overlaps(c, o) for o in sited))]


def _drop_vague_siblings(picked: list[Candidate]) -> list[Candidate]:
    """No near-duplicate siblings: a vaguer code gives way to a more specific one of its category
    (F10.20 'uncomplicated' to F10.21 'in remission', J45.909 to J45.30). Of two equally vague, the one "without
    complications" gives way to a complication of its category: the note that names one says it has one (E11.9 to
    E11.40 'with diabetic neuropathy, unspecified')."""
    def kin(code: str) -> str:
        # (a substance's intoxication is a state beside its disorder, not a sibling: "alcohol use disorder, mild"
        # (F10.10) beside "acute alcohol intoxication" (F10.920) makes abuse with intoxication, neither vaguer)
        return code[:6] if code.startswith("F1") and code[4:6] in ("12", "22", "92") else code[:3]

    least: dict[str, int] = {}
    for c in picked:
        least[kin(c.code)] = min(least.get(kin(c.code), 9), vagueness(c.description))

    def complicated(c: Candidate) -> bool:
        # the same condition's title "with" something ("Alcohol abuse, uncomplicated" is no "Alcohol use ... with")
        stem, *without = re.split(r",? (?:without complications?|uncomplicated)\b", c.description.lower())
        return bool(without) and any(o is not c and o.code[:3] == c.code[:3]
                                     and o.description.lower().startswith(stem + " with ")
                                     and vagueness(o.description) <= vagueness(c.description) for o in picked)
    return [c for c in picked if not (vagueness(c.description) > least[kin(c.code)]
                                      and sum(kin(o.code) == kin(c.code) for o in picked) > 1)
            and not complicated(c)]


# II.H codes what discharge calls probable, suspected or likely as established; a diagnosis called unlikely,
# doubtful or less likely is one the workup set aside
_SET_ASIDE = re.compile(r"\b(?:unlikely|not likely|doubtful|less likely)\b", re.I)


def _set_aside(analysis: NoteAnalysis, start: int, end: int) -> bool:
    return any(sp.kind == "uncertain" and _SET_ASIDE.search(sp.trigger)
               for sp in analysis.spans_overlapping(start, end))


def _excluded_later(analysis: NoteAnalysis, start: int, end: int) -> bool:
    """An uncertain diagnosis whose head word a later sentence negates ("Admitting diagnosis: appendicitis vs right
    ovarian torsion" ... "Pelvic ultrasound: normal Doppler flow - torsion excluded"): the workup ruled it out."""
    low = lowered(analysis.text)
    head = re.findall(r"[a-z]{5,}", low[start:end])
    if not head:
        return False
    sent = analysis.sentence_at(start)
    if sent is not None and _ITEM_RULED_OUT.search(low, end, sent.end):
        return True   # "Heart failure considered on admission given dyspnea - no evidence: BNP 62, no edema"
    # (searched in place from the sentence's end: a long note is not copied for each doubtful mention)
    for m in re.compile(rf"\b{head[-1]}\b").finditer(low, sent.end if sent is not None else end):
        at = m.start()
        kinds = analysis.context_at(at, at + len(head[-1]))
        if "negated" in kinds and not kinds & {"family", "hypothetical", "history"} \
                and analysis.section_at(at) not in _STORY_OF_PRESENTATION \
                and any(sp.kind == "negated" and _RULED_OUT.search(sp.trigger)
                        for sp in analysis.spans_overlapping(at, at + len(head[-1]))):
            return True
    return False


# a workup's verdict on a possibility ("torsion excluded", "PE ruled out by CTA", "no evidence of abscess"), not a
# review of systems or an exam's plain "no" ("denies chest pain", "no edema")
_RULED_OUT = re.compile(r"\b(?:excluded|ruled out|exclusion|no evidence|not (?:seen|found|detected|present)|"
                        r"negative)\b", re.I)
# the verdict the item itself gives after a dash: "X considered - no evidence: ...", "X suspected - ruled out by CT"
_ITEM_RULED_OUT = re.compile(r"\s[-\u2013]\s(?:no evidence|ruled out|excluded|not supported|not found)\b")
# (the history of the stay's illness may tell the workup's verdicts; a review of systems or an exam tells none)
_STORY_OF_PRESENTATION = frozenset({"chief_complaint", "review_of_systems", "physical_exam",
                                    "family_history", "social_history"})


def _negated_again(analysis: NoteAnalysis, start: int, end: int) -> bool:
    """The same words said again later in the sentence under a negation ("UTI considered on admission - culture
    contaminated, no treatment; no UTI"): one sentence gives the matcher one mention of them, the first."""
    sent = analysis.sentence_at(start)
    low = lowered(analysis.text)   # (cached: offsets kept, the note not lowered again per mention)
    words = low[start:end]
    if sent is None or len(words) < 3:
        return False
    at = low.find(words, end, sent.end)
    while at >= 0:
        kinds = analysis.context_at(at, at + len(words))
        if "negated" in kinds and not kinds & {"family", "hypothetical"}:
            return True
        at = low.find(words, at + len(words), sent.end)
    return False


# ("PMH not active this stay: BPH; colonic adenoma 2023" inside a diagnosis list is the past history's line)
_PAST_LIST_LINE = re.compile(r"^\W*(?:pmhx?|past (?:medical )?history)\b", re.I)


def _usable_mention(cand: Candidate, setting: Setting, analysis: NoteAnalysis | None):
    """The best mention of ``cand`` the rules allow coding from, or None."""
    # (a healed fragility fracture told at its site has a history code of its own, Z87.310)
    is_history_code = cand.code.startswith(_HISTORY_CODES) or (
        cand.code[:1] == "S" and FRAGILITY_WORDS.search(cand.evidence_text or "") is not None)
    is_chronic = cand.code.startswith(_CHRONIC_PREFIXES)
    # a relative's mention codes a family history, or an exposure whose source is the relative ("exposure to
    # environmental tobacco smoke (father)")
    told_by_relative = cand.code.startswith(("Z80", "Z81", "Z82", "Z83", "Z84", "Z20", "Z77", "Z58"))
    mentions = cand.spans or [(cand.score, cand.start, cand.end, cand.context, cand.dominated)]
    finding = cand.code[:2] in ("R7", "R8", "R9") and cand.description.lower().startswith(("abnormal ", "elevated "))
    ended = [m for m in mentions if "history" in m[3] and not m[4] and analysis is not None
             and analysis.ended(m[1], m[2])] \
        if not is_history_code else []
    # (at a visit, the assessment's own "resolved" is no taking up: "Follow-up after completed tx for CAP - resolved";
    # a stay's record codes what resolved in it)
    if ended and (is_chronic or not any(analysis.section_at(m[1]) in ASSESSMENT_SECTIONS
                                        and (setting != "outpatient" or (not m[4] and m not in ended))
                                        for m in mentions)):
        # a condition the note says resolved ("HTN and OSA - resolved after weight loss", "nephrolithiasis
        # (passed)"): a chronic one wherever else it is named, another unless the assessment takes it up;
        # a past event with a history code of its own is read from the mention that ends it (Z87.442)
        if cand.code.startswith(_CODED_AS_HISTORY) and not is_chronic:
            return ended[0]
        # (the assessment's own "resolved" takes the past condition up: "Follow-up after completed tx for CAP -
        # resolved" is coded as its history, Z87.01, beside the follow-up)
        if setting == "outpatient" and not is_chronic and any(cand.code.startswith(prefix) for prefix, _z in HISTORY_OF):
            return next((m for m in ended if analysis.section_at(m[1]) in ASSESSMENT_SECTIONS), None)
        return None
    # "Sepsis considered on arrival ... Sepsis ruled out.": a possibility the note also rules out
    ruled_out = any("negated" in m[3] and not m[3] & {"family", "hypothetical", "uncertain"} and not m[4]
                    for m in mentions) or (setting == "inpatient" and analysis is not None and any(
                        "uncertain" in m[3] and (_negated_again(analysis, m[1], m[2]) or _set_aside(analysis, m[1], m[2])
                                                 or _excluded_later(analysis, m[1], m[2]))
                        for m in mentions))
    # a current mention before a past one ("acute ischemic stroke" before "old cerebellar infarct")
    for mention in sorted(mentions, key=lambda m: ("history" in m[3], -m[0])):
        _score, start, _end, ctx, dominated = mention
        # (the history of falling is also the risk of falls: "History of falls / fall risk" names it)
        if dominated or "negated" in ctx or ("hypothetical" in ctx and cand.code != "Z91.81") or "instruction" in ctx:
            continue
        if "family" in ctx and not told_by_relative:
            continue
        if "uncertain" in ctx and (setting != "inpatient" or ruled_out):
            continue   # (II.H codes an uncertain diagnosis at discharge as established, not one the note rules out)
        if "history" in ctx and not (is_history_code or is_chronic or cand.code.startswith(_CODED_AS_HISTORY)) \
                and not (setting in ("inpatient", "ed") and analysis is not None
                         and analysis.resolved_in_stay(start, _end)) \
                and not (analysis is not None and analysis.section_at(start) in ASSESSMENT_SECTIONS
                         and any(cand.code.startswith(prefix) for prefix, _z in HISTORY_OF)
                         and not _PAST_LIST_LINE.search(line_at(analysis.text, start))):
            # (a past condition the assessment takes up, "Hx latent TB - treated; no repeat testing needed", is its
            # history code's: the guideline layer puts it in place)
            continue
        if analysis is not None and analysis.section_at(start) in _NOT_CODED_SECTIONS:
            continue
        if analysis is not None and finding and not _ABNORMAL_SAID.search(*_list_item(analysis.text, start, _end)):
            continue   # ("labs ordered - ANA, RF, anti-CCP": a test's name is no abnormal result of it)
        if analysis is not None and _TOPIC_LABEL.match(analysis.text, _end) \
                and (ruled_out or _denied_on_its_line(analysis, start, _end)):
            continue   # ("Sepsis: met SIRS criteria ... sepsis was NOT present": a topic's label asserts nothing)
        return mention
    return None


# the words that make a test's name an abnormal result ("RF positive", "anti-CCP elevated at 120", "PSA 9.8 (H)")
_ABNORMAL_SAID = re.compile(r"\b(?:abnormal\w*|abn|elevat\w*|positive|pos|high|raised|increased|rising|low|decreased|"
                            r"reduced|detected|reactive|borderline|flagged|out of range|impaired|prolonged|critical|"
                            r"(?:supra|sub)therapeutic|above|below)\b|\w\+|\+\w|[<>]\s*\d|[\u2191\u2193]|"
                            r"\((?:H|L|HH|LL)\)|\b(?:H|L)\b(?=\s*[\n;,)])", re.I)


def _list_item(text: str, start: int, end: int) -> tuple[str, int, int]:
    """(text, first, last) of the list item or clause around ``text[start:end]``, at most 40 characters each side."""
    lo = max(text.rfind(d, max(0, start - 40), start) for d in ",;:\n")
    his = [i for d in ",;\n" if (i := text.find(d, end, end + 40)) >= 0]
    return text, (lo + 1 if lo >= 0 else max(0, start - 40)), min(his) if his else min(len(text), end + 40)


def _denied_on_its_line(analysis: NoteAnalysis, start: int, end: int) -> bool:
    """Whether the line a label opens names the label's words again in a negated scope ("Pulmonary embolism: CT
    angiogram negative; pulmonary embolism ruled out")."""
    text = analysis.text
    words = text[start:end].lower()
    line_end = text.find("\n", end)
    line = lowered(text)[end:line_end if line_end >= 0 else len(text)]
    at = line.find(words)
    return at >= 0 and "negated" in analysis.context_at(end + at, end + at + len(words))


_FOREIGN_BODY = ("T15", "T16", "T17", "T18", "T19")
_TOPIC_LABEL = re.compile(r"[ \t]*:")


def _without_orphan_external_causes(suggestions: list[Suggestion]) -> list[Suggestion]:
    """External-cause codes (V00-Y99) only when an injury or poisoning (S00-T88) is coded too.

    They describe how an injury happened; alone, a word such as "shot" (flu shot) is no firearm.
    """
    icd = [s for s in suggestions if s.system is System.ICD10CM]
    if not any(s.acceptable and s.code.startswith(_FOREIGN_BODY) for s in icd):
        # a foreign body entering an orifice (W44) is the cause of a foreign body's injury (T15-T19) only:
        # "hearing aids" on a problem list is a device the patient uses
        suggestions = [s for s in suggestions if not (s.system is System.ICD10CM and s.code.startswith("W44"))]
    if any(takes_external_cause(s.code) and s.acceptable for s in icd):
        return suggestions
    # (Y90, the blood alcohol level, goes with an alcohol code, not with an injury)
    return [s for s in suggestions if not (s.system is System.ICD10CM and s.code[:1] in "VWXY"
                                           and not s.code.startswith("Y90"))]


def _unique_evidence(note: str, start: int, end: int) -> str:
    """The mention, widened word by word until it occurs once in the note (so grounding finds this one).

    Leftwards first, to the sentence's start: the words after a mention are more often a negation or
    another finding ("laceration L index finger, no tendon involvement"); then rightwards to the line's end,
    and only then leftwards into the sentence before on the line.
    """
    text = note[start:end]
    low = lowered(note)   # grounding finds a quote whatever its case: "Hypertension" is also "hypertension"
    lo, hi = start, end
    line_start = note.rfind("\n", 0, lo) + 1
    # not into a list item's number ("1. Intentional ..."): the quote stays in its sentence
    marker = LIST_MARKER.match(note, line_start)
    if marker and marker.end() <= lo:
        line_start = marker.end()
    line_end = note.find("\n", hi)
    line_end = len(note) if line_end < 0 else line_end
    # within the mention's own sentence first ("r/o melanoma. Seborrheic keratoses, benign": the quote does not
    # reach back into another sentence's words while the line still has room on the right)
    stop = note.rfind(". ", line_start, lo)
    sentence_start = stop + 2 if stop >= 0 else line_start
    for _ in range(16):
        if low.count(text.lower()) <= 1:
            break
        if lo > sentence_start:
            prev = note.rfind(" ", sentence_start, max(lo - 1, sentence_start))
            lo = prev + 1 if prev >= 0 else sentence_start
        elif hi < line_end:
            nxt = note.find(" ", hi + 1, line_end)
            hi = nxt if nxt > 0 else line_end
        elif lo > line_start:
            prev = note.rfind(" ", line_start, max(lo - 1, line_start))
            lo = prev + 1 if prev >= 0 else line_start
        else:
            break
        text = note[lo:hi].strip(" ,;:")
    return text


class OfflineEngine:
    """Deterministic rule-and-dictionary engine implementing the Engine protocol."""

    name = "offline"
    model: str | None = None

    def __init__(self, codesets=None) -> None:
        self._cs = codesets

    @property
    def codesets(self):
        if self._cs is None:
            from medcoder_tui.codes.service import get_codesets

            self._cs = get_codesets()
        return self._cs

    def _suggestions(self, note: str, types: set[System], setting: Setting) -> list[Suggestion]:
        from medcoder_tui.engines.checks.grounding import Grounder

        cs = self.codesets
        checkpoint("reading the note", 0, 1)
        analysis = analyze(note)
        # Diagnoses come from title matching; procedures, drugs and supplies from the rules in
        # procedures.py, which know what was done or given (title matching alone over-codes them).
        icd_types = types & {System.ICD10CM}
        candidates = (retrieve_candidates(note, types=icd_types, k=200, codesets=cs, analysis=analysis,
                                          order="score")
                      if icd_types else [])
        grounder = Grounder(note, codesets=cs, setting=setting, types=types, analysis=analysis)
        out: list[Suggestion] = []
        for cand in choose(candidates, setting, analysis):
            confidence = round(min(0.95, 0.45 + 0.04 * cand.score + 0.05 * (cand.mentions - 1)), 2)
            raw = RawSuggestion(
                code=cand.code,
                system=cand.system,
                description=cand.description,
                confidence=confidence,
                reasoning=f"offline match of the note's words to the code text ({cand.mentions} mention(s))",
                evidence=[_unique_evidence(note, cand.start, cand.end)],
            )
            out.append(grounder.ground(raw))
        replacements = [grounder.ground(raw) for raw in hypertension_combinations(out, note)]
        if any(r.acceptable for r in replacements):
            out = [s for s in out if not s.code.startswith(HYPERTENSIVE)] + [r for r in replacements if r.acceptable]
        out = _without_orphan_external_causes(out)
        if types & {System.CPT, System.HCPCS}:
            for raw in suggest_procedures(note, analysis=analysis, types=types, setting=setting, codesets=cs):
                out.append(grounder.ground(raw))
        checkpoint("checking the codes", 0, 1)
        return grounder.finish(out)

    def suggest_sync(self, note: str, types: set[System] | None = None,
                     setting: Setting = "outpatient") -> SuggestionResult:
        """Suggestions for ``note`` without an event loop (scripts and benchmarks)."""
        types = set(types or {System.ICD10CM})
        result = SuggestionResult(engine=self.name, model=None, prompt_version=PROMPT_VERSION)
        if not note or not note.strip():
            result.warnings.append("the note is empty; nothing to code")
            return result
        try:
            result.suggestions = self._suggestions(note, types, setting)
        except AnalysisCancelled:
            result.error = "cancelled"
        except Exception as exc:  # noqa: BLE001 - the engine contract: errors end up in the result
            result.error = f"offline engine failed: {exc}"
        return result

    async def stream(self, note: str, *, types: set[System], setting: Setting) -> AsyncIterator[EngineEvent]:
        """Yield ProgressEvents while the note is analysed, one SuggestionEvent per suggestion, then a DoneEvent.

        The work runs in a thread so a first call (which loads the indexes) does not
        freeze the TUI's event loop. Cancelling the consumer cancels the work: the
        thread stops at its next checkpoint (well within a second).
        """
        progress = Progress()
        task = asyncio.ensure_future(run_in_thread(progress, self.suggest_sync, note, types, setting))
        try:
            while not task.done():
                await asyncio.wait({task}, timeout=PROGRESS_EVERY)
                if not task.done() and progress.total:
                    yield ProgressEvent(phase=progress.phase, done=progress.done, total=progress.total,
                                        elapsed=round(progress.elapsed, 2), remaining=progress.estimate())
        finally:
            if not task.done():
                progress.cancel()
                task.cancel()
        result = task.result()
        for suggestion in result.suggestions:
            yield SuggestionEvent(suggestion=suggestion)
        yield DoneEvent(result=result)
