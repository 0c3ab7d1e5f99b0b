"""Candidate retrieval: concept mentions in a note matched to ICD-10-CM, CPT and HCPCS texts.

The note is split into sentences and tokens (abbreviations expanded, capitalised
ones only when ambiguous; words normalised with the lookup's stemmer and
synonyms); :mod:`medcoder_tui.engines.diagnoses.matcher` finds the code texts whose core
words occur close together in a sentence.

Each match is scored by how much of the sentence it explains (IDF of its core
words), how tight the window is and where it sits (a diagnosis section counts
more). A match whose words are all inside a more specific match of another code
is *dominated*; negated and family mentions are kept but ranked low, so the
list stays useful for recall while the offline engine skips them.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Container, Mapping
from dataclasses import dataclass, replace

from medcoder_tui.codes.abbreviations import (
    ABBREVIATIONS,
    AMBIGUOUS,
    TERM_EXPANSIONS,
    WORD_SYNONYMS,
    american,
    find_note_phrases,
)
from medcoder_tui.codes.text import _WORD_RE, STOPWORDS, stem
from medcoder_tui.codes.text import fold as _fold
from medcoder_tui.codes.systems import System
from medcoder_tui.engines.diagnoses.candidate import Candidate, add_mention
from medcoder_tui.engines.diagnoses.guided import guideline_candidates
from medcoder_tui.engines.analysis.clinical_text import ASSESSMENT_SECTIONS, NoteAnalysis, analyze, list_header, own_without
from medcoder_tui.engines.diagnoses.matcher import (  # noqa: F401 - re-exported: callers import these from here
    _OPTIONAL,
    MATCHER_FORMAT,
    SEMICOLON_ITEM,
    _Match,
    _Matcher,
    _names_a_test,
    _refine_tokens,
    _sentence_matches,
    core_tokens,
    matcher_for,
)
from medcoder_tui.engines.progress import checkpoint
from medcoder_tui.engines.diagnoses.specific_steps import Mention, specific_variants
from medcoder_tui.engines.diagnoses.ranking import PER_SPAN, recall_order  # noqa: F401 - PER_SPAN re-exported
from medcoder_tui.engines.diagnoses.status_codes import (  # noqa: F401 - bmi_code re-exported
    bmi_code,
    bmi_codes,
    history_codes,
    status_codes,
)

_LIST_SEP = re.compile(r"[,;]")
_WORDS = re.compile(r"[A-Za-z0-9]+(?:[/'][A-Za-z0-9]+)*/?")
_LOW_SECTIONS = frozenset({"family_history", "medications", "allergies", "labs"})


@dataclass(slots=True)
class _Token:
    alts: frozenset[str]
    start: int
    end: int
    group: int = -1   # index of the abbreviation/term a token was expanded from, else -1
    negq: bool = False   # right after "without"/"w/o"/"no": a qualifier the note rules out
    part: int = 0   # the sentence's list item (comma- or semicolon-separated) the word stands in


# axis words a "non-" prefix turns into their opposite (the recurrent, intractable, obstructive, bleeding sibling)
_AXIS_NEGATED = frozenset({"recurrent", "intractable", "obstructive", "bleeding"})
_NON_BEFORE = re.compile(r"\bnon-?\s?$", re.I)


# prefixes a note hyphenates where the code texts write one word ("non-rheumatic", "post-herpetic", "pre-diabetes")
_JOINED_PREFIXES = frozenset({"non", "post", "pre", "peri", "sub", "anti", "para"})


def note_tokens(note: str, start: int, end: int, compounds: Mapping[str, tuple[str, str]] = {},
                vocabulary: Container[str] = (), hyphenated: Container[str] = ()) -> list[_Token]:
    """Content tokens of ``note[start:end]`` with alternatives (stem, synonyms, abbreviation expansion;
    ``compounds``: a word the code texts hyphenate, as its two words; ``vocabulary``: the code texts' words, which
    a hyphenated prefix joins ("non-rheumatic" is the titles' "nonrheumatic", not a rheumatic valve), unless the
    texts hyphenate the word too (``hyphenated``: "pre-eclampsia"; their "non-" is always joined))."""
    out: list[_Token] = []
    prev = ""
    skip_to = -1
    for m in _WORDS.finditer(note, start, end):
        if m.start() < skip_to:
            continue
        if vocabulary and m.end() + 1 < end and note[m.end()] == "-" and (low := m.group(0).lower()) in _JOINED_PREFIXES \
                and (after := _WORDS.match(note, m.end() + 1, end)) is not None \
                and stem(joined := low + after.group(0).lower()) in vocabulary \
                and (low == "non" or stem(joined) not in hyphenated):
            out.append(_Token(_alts(joined), m.start(), after.end()))
            skip_to, prev = after.end(), joined
            continue
        if m.end() < end and note[m.end()] == "-" and (ident := _IDENTIFIER.match(note, m.start(), end)):
            skip_to = ident.end()   # "MRN DM-TEST-4112": an identifier's letters name no condition
            continue
        word = m.group(0)
        low = word.lower()
        if low == "i" and prev == "type":   # "diabetes mellitus type I": a Roman numeral, not the pronoun
            out.append(_Token(_alts("1"), m.start(), m.end()))
            prev = low
            continue
        prev = low
        exp = ABBREVIATIONS.get(low) if low not in _NOT_DIAGNOSES else None
        if low in _CAPITAL_SENSE and word.isupper():
            before, after = _CAPITAL_SENSE[low]
            if not (before.search(note, max(0, m.start() - 20), m.start()) or after.match(note, m.end())):
                exp = ABBREVIATIONS[low]   # "acute PE", "seropositive RA"
        if exp and low in _EXAM_SENSE and _EXAM_SENSE[low].match(note, m.end()):
            exp = None   # "SLE OD": the slit lamp exam of the right eye, not lupus
        if exp and low == "tbi" and (_INDEX_VALUE.match(note, m.end())
                                     or _ABI.search(note, max(0, m.start() - 60), m.start())):
            continue   # "ABI R 0.72 / L 0.61; TBI R 0.48": the toe-brachial index, no brain injury
        if low in ("smoker", "smokers", "drinker", "drinkers") and _NON_BEFORE.search(note, max(0, m.start() - 5),
                                                                                    m.start()):
            continue   # "Non-smoker.": no smoker, and no negation scope to say so (a pseudo-trigger)
        if low == "fx" and _RADIATION_FRACTIONS.search(note, max(0, m.start() - 40), m.start()):
            continue   # "definitive RT 63 Gy/28 fx": the course's fractions
        if low == "broken" and _TOOL_SENSE.match(note, m.end()):
            continue   # "loculations broken with a hemostat", "adhesions broken up": no fracture
        if low in ("fall", "falls", "falling", "fell") and _ASLEEP.match(note, m.end()):
            continue   # "difficulty falling asleep", "fell asleep at the wheel": sleep, no fall
        if low in ("trauma", "injury", "damage") and _NIPPLE_BEFORE.search(note, max(0, m.start() - 12), m.start()):
            continue   # "shallow latch, nipple trauma": breastfeeding's sore nipple (O92.1-), no injury
        if low in ("pregnant", "pregnancy") and _NOT_YET_PREGNANT.search(note, max(0, m.start() - 30), m.start()):
            continue   # "planning pregnancy", "increase the dose once pregnant": no pregnancy yet
        if low in ("clot", "clots", "clotting") and _BLEEDING_BEFORE.search(note, max(0, m.start() - 80), m.start()):
            continue   # "soaking a pad q1h with quarter-sized clots", "passing clots in the urine": blood passed, no thrombus
        if low == "herpes" and _ZOSTER_AFTER.match(note, m.end()):
            continue   # "herpes zoster": the tabular's "Zoster [herpes zoster]", no herpes simplex (B00) beside it
        if low == "pregnant" and _OTHERS_AFTER.match(note, m.end()):
            continue   # "avoid contact with pregnant women", "his pregnant wife": someone else's pregnancy
        if low == "accessory" and (_MUSCLE_USE_AFTER.match(note, m.end())
                                   or _MUSCLE_USE_BEFORE.search(note, max(0, m.start() - 12), m.start())):
            continue   # "using accessory muscles", "accessory muscle use": the work of breathing, no malformation
        if low in ("diabetes", "diabetic") and _DIABETES_SERVICE.match(note, m.end()):
            continue   # "teaching done with our diabetes nurse", "diabetes educator": a service, no diagnosis
        if _SERVICE_AFTER.match(note, m.end()) or _CODE_BEFORE.search(note, max(0, m.start() - 6), m.start()):
            # "will present at ILD conference", "COPD clinic", "stroke team at bedside", "code stroke called",
            # "sepsis alert": a service's or an alert's name, no diagnosis
            continue
        if low in ("renal", "kidney", "renally") and _KIDNEY_CARE.match(note, m.end()):
            continue   # "continue lisinopril for renal protection", "renally adjusted": care of a kidney, no disease
        if low in ("wound", "wounds") and _WOUND_CARE.match(note, m.end()):
            continue   # "Wound care, remove packing in 48 h", "wound check": the care of a wound, no injury named
        if low in _COLORS and (_COLOR_AFTER.match(note, m.end()) or _COLOR_BEFORE.search(note, max(0, m.start() - 10),
                                                                                          m.start())):
            continue   # "yellow-green sputum": a colour compound describes a discharge, it names no yellow fever
        if low in ("clot", "clots") and (_SHED_CLOT_AFTER.match(note, m.end())
                                         or _SHED_CLOT_BEFORE.search(note, max(0, m.start() - 30), m.start())):
            continue
        if low in _AXIS_NEGATED and _NON_BEFORE.search(note, max(0, m.start() - 5), m.start()):
            continue   # "AOM, right - non-recurrent": the word names the other sibling of its axis
        if low == "trauma" and (_MIND_TRAUMA_AFTER.match(note, m.end())
                                or _MIND_TRAUMA_BEFORE.search(note, max(0, m.start() - 25), m.start())):
            continue
        if low in ("bleeding", "blood") and _PROCEDURE_BLEEDING.search(note, max(0, m.start() - 25), m.start()):
            continue   # "Minimal bleeding. Pt tolerated well.", "negligible blood loss": a procedure's, no hemorrhage
        if low == "rsv" and (_RSV_PREVENTION_AFTER.match(note, m.end())
                             or _RSV_PREVENTION_BEFORE.search(note, max(0, m.start() - 40), m.start())):
            continue   # "RSV vaccine (Abrysvo) discussed", "nirsevimab for RSV season": a prevention, no infection
        if low == "mood" and _MOOD_QUALIFIER.match(note, m.end()):
            continue   # "mood-congruent psychotic features", "a mood stabilizer": the features' or drug's kind, no mood disorder
        if low == "septic" and _SEPTIC_JOINT.match(note, m.end()):
            # "septic arthritis", "septic knee": the pyogenic infection of the joint, no sepsis
            out.append(_Token(_PYOGENIC, m.start(), m.end()))
            continue
        if exp and low == "mets" and (word == "METs" or _COUNTED.search(note, max(0, m.start() - 8), m.start())):
            exp = None   # ">= 4 METs": metabolic equivalents of exercise capacity, not metastases
        if exp and ((low not in AMBIGUOUS or (word.isupper() and len(word) > 1))
                    and (not _is_plain_word(low) or (low in _CAPITAL_SENSE and word.isupper()))
                    or word in ("L", "R")):   # "L hand", "R knee": capital single letters are sides
            for w in re.findall(r"[a-z0-9]+", _fold(_OPEN_PROCEDURE.sub(" ", exp[0]))):
                if w not in STOPWORDS:
                    out.append(_Token(_alts(w), m.start(), m.end(), m.start()))
            continue
        if low == "open" and _OPEN_PROCEDURE.match(note, m.start()):
            continue   # "open reduction and internal fixation": the procedure's approach, no open fracture or wound
        # a plain word (no apostrophe or slash) folds to itself in lower case
        for w in ((low,) if low.isalnum() and low.isascii() else _WORD_RE.findall(_fold(word))):
            if w not in STOPWORDS:
                out.append(_Token(_alts(w), m.start(), m.end()))
        parts = compounds.get(low)
        if parts:
            out.extend(_Token(_alts(w), m.start(), m.end(), m.start()) for w in parts if w not in STOPWORDS)
        extra = TERM_EXPANSIONS.get(low)
        if extra and extra != low:
            for w in extra.split():
                if w not in STOPWORDS:
                    out.append(_Token(_alts(w), m.start(), m.end(), m.start()))
    if out and note.find("radiat", start, end) >= 0:
        # "RUQ pain radiating to R shoulder blade", "chest pain radiating to the left arm": where a pain spreads is a
        # feature of that pain, no pain of the shoulder or arm
        spread = [(m.start(1), m.end(1)) for m in _RADIATES_TO.finditer(note, start, end)]
        if spread:
            out = [tok for tok in out if not any(a <= tok.start < b for a, b in spread)]
    for p_start, p_end, wording in find_note_phrases(note, start, end):
        # "strep throat": the words of the diagnosis it names, right after the phrase's own words
        at = next((k for k, tok in enumerate(out) if tok.start >= p_end), len(out))
        words = [w for w in wording.split() if w not in STOPWORDS]
        out[at:at] = [_Token(_alts(w), p_start, p_end, p_start) for w in words]
    if len(out) > 1 and (note.find(",", start, end) >= 0 or note.find(";", start, end) >= 0):
        seps = [m.start() for m in _LIST_SEP.finditer(note, start, end)]
        # (a semicolon's item counts in thousands: ``part // SEMICOLON_ITEM`` tells the items a semicolon ends)
        semis = [p for p in seps if note[p] == ";"]
        for tok in out:
            tok.part = bisect.bisect_left(seps, tok.start) + SEMICOLON_ITEM * bisect.bisect_left(semis, tok.start)
    if note.find("?", start, end) >= 0:
        # "moderate - improving, in partial remission?": the questioned item is a qualifier the note does not
        # assert; a reading that needs it beside asserted words is none (the one without it stands)
        for q in re.finditer(r"(?<=[A-Za-z0-9])\?", note[start:end]):
            qpos = start + q.start()
            item = max(note.rfind(c, start, qpos) for c in ",;(-") + 1
            for tok in out:
                if max(item, start) <= tok.start < qpos:
                    tok.negq = True
    negators = [m.end() for m in _NEGATOR.finditer(note, start, end)]
    if negators:   # most sentences have none: skip the per-word look-back
        for tok in out:
            # only a word within reach of a negator can be ruled out by it
            if any(0 <= tok.start - e <= 30 for e in negators):
                tok.negq = _RULED_OUT_BEFORE.search(note, max(start, tok.start - 30), tok.start) is not None
    return out


_RADIATES_TO = re.compile(r"\bradiat\w*\s+(?:to|into|down|toward|towards|up)\s+((?:(?:the|her|his|both|r|l|right|left|"
                          r"bilateral)\s+)*[a-z]+(?:\s+(?:blade|blades|arm|arms|leg|legs|jaw|neck|back|area))?)", re.I)
_PROCEDURE_BLEEDING = re.compile(r"\b(?:minimal|negligible|procedural|expected|no significant|no excessive)\s+$", re.I)
_RSV_PREVENTION_AFTER = re.compile(r"[\s-]*(?:vaccin\w*|immuni[sz]\w*|prophyla\w*|season|preventi\w*|monoclonal|"
                                   r"antibod\w*|shot|(?:19|20)\d\d\b)", re.I)
_RSV_PREVENTION_BEFORE = re.compile(r"\b(?:nirsevimab|beyfortus|palivizumab|synagis|abrysvo|arexvy|mresvia|"
                                    r"vaccin\w*|immuni[sz]\w*|prophyla\w*|prevent\w*)\b[^.;\n]{0,30}$", re.I)
_MOOD_QUALIFIER = re.compile(r"[- ]?(?:in)?congruent\b|\s+stabili[sz]", re.I)


# "laceration ... w/o foreign body": the words after the negator are ruled out for this mention
# ("not in exacerbation": the asthma is, the exacerbation is not)
# ("w/o diverticulitis or bleeding": the second item of the negated pair is ruled out too)
_RULED_OUT_BEFORE = re.compile(r"(?:\bwithout|\bw/o|\bno|\bnot(?: in| an?| with)?)\s+(?:[A-Za-z-]+,?\s+)?"
                               r"(?:(?:or|nor)\s+)?$", re.IGNORECASE)
_NEGATOR = re.compile(r"\b(?:without|w/o|no|not)\s", re.IGNORECASE)


def _is_plain_word(low: str) -> bool:
    # "all", "as", "us" etc. in lower case are English, not abbreviations.
    return low in {"all", "as", "us", "ms", "ad", "pd", "ed", "er", "ca", "cap", "l", "r"}


# Abbreviations of tests, routes and record keeping: expanding them only invents findings.
_NOT_DIAGNOSES = frozenset(
    "bmi mri ct us ekg ecg cxr cbc bmp cmp echo lft lfts wbc rbc hgb plt iv im sq po ppd otc ivf bp hr dx tx sx "
    "f/u yo er abx dme hx pmh fhx c/o w/ w/o b/l bilat rt lt init subsq seq abd gi "
    # read too often as something else in notes: physical exam, room air, "as", ...
    "pe ra ms as ad pd ed ca cap hd ha all us si af "
    # "NV intact" in an exam is neurovascular, not nausea and vomiting ("N/V" still reads as that)
    "nv".split()
)
# Abbreviations with an exam sense that the words after them give away
_EXAM_SENSE = {"sle": re.compile(r"\s*(?:od|os|ou|:|\n|(?:and|\+|\/) dfe\b|exam\b)", re.I),
               # "R CVA tenderness": the costovertebral angle of an exam, not a stroke
               "cva": re.compile(r"\s*(?:tender\w*|percussion|pain|punch)\b", re.I),
               # "Arrived: ALS ambulance", "ALS unit": advanced life support of the ambulance, not the neuron disease
               "als": re.compile(r"[\s/-]*(?:ambulance|unit|crew|transport|ems|medics?|rig|truck|squad|team|"
                                 r"protocol|level)\b", re.I),
               # "AF soft and flat": an infant's anterior fontanelle, not atrial fibrillation
               "af": re.compile(r"\s*(?:is\s+)?(?:soft|flat|open|closed|full|bulging|sunken)\b", re.I),
               # "Vaping: MI discussion", "brief MI techniques": motivational interviewing, not an infarction
               # ("MI regarding meeting attendance", "MI to increase engagement": the talk's aim follows)
               "mi": re.compile(r"[\s-]*(?:discussion|techniques?|approach|strateg\w*|session|counsel\w*|"
                                r"interview\w*|based|style|skills|spirit|conversation|regarding|re:|"
                                r"to (?:increase|reduce|improve|enhance|address|explore|support|strengthen|build)|"
                                r"for (?:adherence|abstinence|motivation|change|cessation|engagement))\b", re.I),
               # "GAD-7 6", "GAD7 score 12": the anxiety questionnaire, not the disorder it screens for
               "gad": re.compile(r"[\s-]?[27]\b|[\s-]*(?:score|screen\w*|questionnaire|scale)\b", re.I)}
# "PE" and "RA" in capitals name a pulmonary embolism and rheumatoid arthritis unless the words around them give
# away the physical exam ("PE: BP 130/80", "on PE", "PE tubes") or the room air, right atrium or receptor agonist
# ("SpO2 97% RA", "on RA", "RA mildly dilated", "GLP-1 RA"): (words before, words after) that say so.
_CAPITAL_SENSE = {
    "pe": (re.compile(r"(?:^|\n)[ \t]*$|\bon\s+$|\b(?:brief|focused|complete|detailed|full)\s+$", re.I),
           re.compile(r"\s*(?::|-\s|=)|\s+(?:tubes?|exam\w*|findings?|normal|unremarkable|wnl|notable|significant|shows|"
                      r"reveal\w*|remarkable|performed|done|today|was|is|otherwise|as\s+above|per)\b", re.I)),
    "ra": (re.compile(r"(?:%|\d)\s*(?:on\s+)?$|\b(?:on|at|in|to|from|sats?|spo2|saturation|la|la and|dilated|enlarged|normal)\s+$|"
                      r"(?:glp-?1|gnrh|lhrh|dopamine|beta|receptor|agonist)[\s-]*$|/\s*$", re.I),
           re.compile(r"\s*(?:/|\d|:)|\s+(?:sats?|saturation|spo2|at rest|size|pressure|volume|dilat\w*|enlarg\w*|normal|"
                      r"is|was|mildly|moderately|severely|and\s+rv|agonists?|"
                      # the right atrium of a device's leads and pacing ("RA lead", "RA pacing 12%", "RA/RV leads")
                      r"leads?|pacing|paced|sensing|electrodes?|appendage|threshold|impedance)\b", re.I)),
    # "CAP" in capitals is community-acquired pneumonia (not the College of American Pathologists' accreditation)
    # (nor FibroScan's controlled attenuation parameter, "CAP 310 dB/m", nor the pathologists' "ASCO/CAP guidelines")
    "cap": (re.compile(r"(?:/|\basco\W*)\s*$", re.I), re.compile(r"\s*(?:[:=]?\s*\d|/|-\w)|\s+(?:accredit\w*|certified|inspection|guidelines?|"
                                         r"score|values?|criteria|db|protocols?|synoptic|templates?|checklist|cancer protocol)\b", re.I)),
}
# "SI" in capitals is suicidal ideation, unless it is the sacroiliac joint ("R SI joint", "SI joint injection")
_CAPITAL_SENSE["si"] = (re.compile(r"\b(?:r|l|rt|lt|right|left|bilateral|b/l|bilat)\s*$", re.I),
                        re.compile(r"[\s-]*(?:joints?|jt|dysfunction|injections?|belt|fusion|screws?|region|tender\w*|"
                                   r"pain|arthr\w*|ligaments?|sacroiliitis)\b|\s*/\s*(?:l|s|lumbar)", re.I))
# "AF" in capitals is atrial fibrillation, unless an infant's exam names the anterior fontanelle ("AF small, slightly
# sunken", "AFOSF", "AF open/soft/flat")
_CAPITAL_SENSE["af"] = (re.compile(r"\b(?:heent|head)\s*:\s*(?:\w+\s*,\s*)?$", re.I),
                        re.compile(r"[\s,:]*(?:open|soft|flat|small|sunken|depressed|bulging|full|closed|closing|"
                                   r"tense|normal|nl|wnl|o/s/f|osf|\d+\s*(?:x|cm|fb|finger))", re.I))
_VACCINE_LINE = re.compile(r"[ \t]*(?:[-*\u2022][ \t]*)?(?:immuni[sz]ations?|vaccines?|vaccinations?)"
                           r"(?: (?:history|status|record|hx))?[ \t]*:", re.I)
_VACCINE_WORD = re.compile(r"\b(?:immuni[sz]ations?|vaccines?|vaccinations?)\b", re.I)
_IDENTIFIER = re.compile(r"[A-Z0-9]{1,10}(?:-[A-Z0-9]{1,10})*-\d{3,}(?![\w-])")
_NOT_YET_PREGNANT = re.compile(r"\b(?:planning|plans?|desires?|desiring|wants?|wanting|considering|"
                               r"preparing for|trying to get|before|prior to|until|once|when|if) (?:she is |she's |"
                               r"she becomes |becoming |a |future |another |her )?$", re.I)
_MUSCLE_USE_AFTER = re.compile(r"\s+(?:respiratory\s+)?muscles?\s+(?:use|usage|recruitment)\b", re.I)
_MUSCLE_USE_BEFORE = re.compile(r"\b(?:using|use of|uses|with|no|mild|moderate|increased)\s+$", re.I)
_DIABETES_SERVICE = re.compile(r"\s+(?:nurses?|educators?|clinic|team|cent(?:er|re)|program(?:me)?|specialists?|"
                               r"nurse educator|dietitian|navigator|coordinator|supplies|class(?:es)?)\b", re.I)
_ASLEEP = re.compile(r"\s+(?:back\s+)?asleep\b", re.I)
# an exam line's label of one to three body parts or systems ("Heart/lungs:", "HEENT:", "Abd:")
_EXAM_LABEL = re.compile(r"[ \t]*(?:[-*][ \t]*)?[A-Za-z]+(?:[ \t]*[/&,][ \t]*[A-Za-z]+|[ \t]+(?:and[ \t]+)?[A-Za-z]+){0,2}"
                         r"[ \t]*:(?![0-9/])")
_BLEEDING_BEFORE = re.compile(r"\b(?:bleed\w*|period|periods|menses|menstrua\w*|menorrhagia|pads?|tampons?|flow|"
                              r"hematuria|urine|passing|passed|vaginal)\b[^.\n]*$", re.I)
_ZOSTER_AFTER = re.compile(r"[\s-]+zoster\b", re.I)
_OTHERS_AFTER = re.compile(r"\s+(?:women|people|persons|individuals|contacts|household members|family members|visitors|"
                           r"wife|partner|girlfriend|daughter|sister|mother|mom|(?:family|household) contacts?)\b", re.I)
_NIPPLE_BEFORE = re.compile(r"\bnipples?\s+$", re.I)
# a service, meeting or list named by the condition it sees ("ILD conference", "COPD clinic", "stroke team")
_SERVICE_AFTER = re.compile(r"[ \t]+(?:conference|clinic|board|registry|team|program(?:me)?|service|navigator|"
                            r"support group|alert|activation)\b", re.I)
_CODE_BEFORE = re.compile(r"\bcode[ \t]+$", re.I)
_KIDNEY_CARE = re.compile(r"[\s-]+(?:protection|protective|dosing|dosed|dose|adjusted|adjustment|panel)\b", re.I)
_WOUND_CARE = re.compile(r"[\s-]+(?:care|checks?|vac|dressings?|healing|clinic|culture|cx|packing|edges?|bed|base|"
                         r"irrigation|management|instructions)\b", re.I)
# "adhesions broken up", "broken glass": the word after "broken" says it is no fracture
_TOOL_SENSE = re.compile(r"\s+(?:with|w(?=/)|up|down|apart|using|through|by (?:blunt|finger|hemostat)|"
                         r"(?:glass|bottles?|window|windshield|mirror|plates?|dish(?:es)?|mugs?|cups?|jars?|"
                         r"ceramic|pottery|vase|tiles?|china)\b)\b", re.I)
# "trauma nightmares", "trauma-focused CBT", "childhood trauma": the psychological sense, no injury
_MIND_TRAUMA_AFTER = re.compile(r"[\s-]+(?:nightmares?|memor(?:y|ies)|focused|related|informed|symptoms?|processing|"
                                r"cues?|reminders?|triggers?|narrative|therapy|history|survivors?|responses?|"
                                r"reactions?|exposure|anniversary|dreams?)\b", re.I)
_MIND_TRAUMA_BEFORE = re.compile(r"\b(?:emotional|psychological|childhood|sexual|combat|military|developmental|complex|"
                                 r"relational|interpersonal|past|early|generational|vicarious|racial|moral)\s+$", re.I)
_COLORS = frozenset("yellow green brown red white black gray grey tan pink blue orange purple".split())
_COLOR_WORDS = "|".join(sorted(_COLORS))
_COLOR_AFTER = re.compile(rf"-(?:ish-)?(?:{_COLOR_WORDS})\b", re.I)
_COLOR_BEFORE = re.compile(rf"\b(?:{_COLOR_WORDS})(?:ish)?-$", re.I)
# "after clot evacuation", "passing clots", "clots in the urine": blood clotted outside a vessel, no thrombosis
_SHED_CLOT_AFTER = re.compile(r"\s+(?:evacuat\w*|remov\w*|suction\w*|expressed|extracted|retriev\w*|passed|"
                              r"(?:in|with) (?:the )?(?:urine|stool|vomit\w*|emesis|sputum|menses|menstrual))\b", re.I)
_SHED_CLOT_BEFORE = re.compile(r"\b(?:evacuation of|removal of|passing|passed|passes|expressed|suctioned|old|small|"
                               r"menstrual)\s+(?:\w+\s+)?$", re.I)
_COUNTED = re.compile(r"\d\s*-?\s*$")
_ROMAN = {"ii": "2", "iii": "3", "iiia": "3a", "iiib": "3b", "iv": "4", "vi": "6", "2": "two", "two": "2", "1": "one", "one": "1",
          "3": "three", "three": "3", "4": "four", "four": "4", "single": "1",
          # ordinals as titles spell them ("R 5th metatarsal": fifth metatarsal bone)
          "1st": "first", "2nd": "second", "3rd": "third", "4th": "fourth", "5th": "fifth"}
_ALT_CACHE: dict[str, frozenset[str]] = {}


# a measured index's value after its abbreviation ("TBI R 0.48", "TBI: 0.52", "TBI 0.4") and the ankle-brachial
# index beside it
_INDEX_VALUE = re.compile(r"\s*(?:[:=]\s*)?(?:(?:r|l|right|left|rt|lt)\b\s*)?[:=]?\s*0?\.\d", re.I)
_ABI = re.compile(r"\b(?:abis?|ankle[- ]brachial)\b", re.I)
# a radiation course's fractions, "63 Gy/28 fx", "20 Gy in 5 fx": no fracture
_RADIATION_FRACTIONS = re.compile(r"\b(?:c?Gy|radiation|RT|SBRT|XRT|IMRT)\b[^.\n]{0,20}\d\s*$", re.I)
# "open" of a procedure's approach ("ORIF", "open reduction", "open repair"): no open fracture or wound
_OPEN_PROCEDURE = re.compile(r"\bopen(?=\s+(?:reduction|repair|approach|surgery|procedure|biopsy|fixation)\b)", re.I)
_SEPTIC_JOINT = re.compile(r"\s+(?:(?:left|right|l|r|native|prosthetic)\s+)?(?:arthritis|joints?|bursitis|"
                           r"tenosynovitis|knees?|hips?|shoulders?|elbows?|wrists?|ankles?)\b", re.I)
_PYOGENIC = frozenset({"pyogenic", "septic"})


def _alts(word: str) -> frozenset[str]:
    got = _ALT_CACHE.get(word)
    if got is None:
        if len(_ALT_CACHE) > 10_000:
            _ALT_CACHE.clear()   # bounded: a long note's numbers and names must not grow it without limit
        tok = stem(word)
        alts = {tok}
        if word in _ROMAN:
            alts.add(_ROMAN[word])
        us = american(word)
        if us != word:
            alts.add(stem(us))
        for syn in WORD_SYNONYMS.get(word, ()) + WORD_SYNONYMS.get(tok, ()) + WORD_SYNONYMS.get(us, ()):
            alts.update(stem(w) for w in syn.split())
        got = _ALT_CACHE[word] = frozenset(alts)
    return got


def retrieve_candidates(note: str, *, types: set[System] | None = None, k: int = 50, codesets=None,
                        analysis: NoteAnalysis | None = None, order: str = "recall") -> list[Candidate]:
    """The ``k`` best candidate codes for ``note``, best first.

    ``types`` selects the systems (default: ICD-10-CM only). Negated and family
    mentions are kept but ranked low; each candidate carries the context kinds of
    its best mention. ``order="recall"`` (the prompt's list) ranks everything
    found, relatives and categories included, by how likely the note means it
    (:mod:`medcoder_tui.engines.diagnoses.ranking`); ``order="score"`` gives only what the
    words themselves matched, whole mentions first, by match score (what the
    offline engine codes from).
    """
    if order not in ("recall", "score"):
        raise ValueError(f"unknown order {order!r}: use 'recall' or 'score'")
    if codesets is None:
        from medcoder_tui.codes.service import get_codesets

        codesets = get_codesets()
    if order == "score":
        matcher = matcher_for(codesets)
        systems = {s.value for s in (types or {System.ICD10CM})}
        return _matched(note, systems, matcher, analysis or analyze(note))[0][:k]
    pool, note_words = candidate_pool(note, types=types, codesets=codesets, analysis=analysis)
    return recall_order(pool, note_words)[:k]


def candidate_pool(note: str, *, types: set[System] | None, codesets,
                   analysis: NoteAnalysis | None = None) -> tuple[list[Candidate], frozenset[str]]:
    """Everything retrieval finds for ``note`` (matches, relatives, categories), unordered; and the note's words."""
    systems = {s.value for s in (types or {System.ICD10CM})}
    matcher = matcher_for(codesets)
    analysis = analysis or analyze(note)   # once: the matches and the guideline candidates both read it
    found, note_words = _matched(note, systems, matcher, analysis)
    if "icd10cm" not in systems:
        return found, note_words
    have = {c.code for c in found}
    extra = [c for c in _categories(found, matcher) if c.code not in have]
    guided = []
    at = {c.code: i for i, c in enumerate(found)}
    for c in guideline_candidates(note, analysis, found, matcher.index._cs.icd):
        if c.code not in have:
            guided.append(c)
        elif found[at[c.code]].dominated and found[at[c.code]].origin != "mention":
            # a guideline code the words reached only in part ("hypertensive" for I12.9): offered as
            # the guideline's code, at its rank, not at the part's
            found[at[c.code]] = c
    variants = _specific_variants(found, note, analysis, matcher.index._cs.icd, have)
    return found + guided + variants + _related(found, note, matcher, RELATED_MAX) + extra, note_words


def _specific_variants(found: list[Candidate], note: str, analysis: NoteAnalysis, icd,
                       have: set[str]) -> list[Candidate]:
    """The more specific codes the note's own words lead each mentioned code to (side, trimester...).

    The same steps the guideline layer applies after a model answers (``checks.specificity``):
    offering their result here lets the model pick it itself, and the candidate list holds what
    a coder reaches in the tabular from the code the words matched.
    """
    out: list[Candidate] = []
    for cand in found:
        if cand.system is not System.ICD10CM or cand.origin not in ("mention", "inside") or cand.start < 0 \
                or "negated" in cand.context:
            continue
        mention = Mention.at(note, analysis, cand.start, cand.evidence_text)
        for code in specific_variants(cand.code, mention, icd):
            if code not in have:
                have.add(code)
                out.append(replace(cand, code=code, description=icd.title(code) or code, origin="related",
                                   dominated=True, mentions=1, spans=[], all_contexts=[]))
    return out


# a note's letterhead: its first lines in capitals that name a practice, a department or a specialty
_LETTERHEAD = re.compile(r"\b(?:CLINIC|CENTER|CENTRE|ASSOCIATES|HOSPITAL|DEPARTMENT|PRACTICE|GROUP|INSTITUTE|SERVICES?|"
                         r"[A-Z]*OLOGY|PEDIATRICS|ORTHOPA?EDICS|SURGERY|MEDICINE|PSYCHIATRY|OBSTETRICS)\b")


# (a title that names the visit is no letterhead: "PULMONOLOGY CONSULT - COPD", "CARDIOLOGY FOLLOW-UP: HEART FAILURE")
_NOTE_TITLE = re.compile(r"\b(?:VISIT|CONSULT\w*|FOLLOW|NOTE|REPORT|ADMISSION|DISCHARGE|SUMMARY|EXAM\w*|EVALUATION|"
                         r"PROGRESS|H&P)\b|\s-\s|:")


def _letterhead_end(note: str) -> int:
    """The end of the note's opening lines written wholly in capitals (a letterhead or a title), else 0."""
    end = 0
    for line in note[:600].splitlines(keepends=True)[:3]:
        if line.strip() and (not re.search(r"[A-Z]", line) or re.search(r"[a-z]", line)):
            break
        end += len(line)
    return end


def _matched(note: str, systems: set[str], matcher: _Matcher,
             analysis: NoteAnalysis) -> tuple[list[Candidate], frozenset[str]]:
    """Every code text the note's words match, whole mentions first by score; and the note's words."""
    surfaces = matcher.surfaces
    idf = matcher.idf
    by_code: dict[tuple[str, str], Candidate] = {}
    note_words: set[str] = set()
    # A long note repeats whole sentences (copied-forward notes): their tokens and matches depend on
    # the sentence's text alone, so each repeated text is matched once and its offsets shifted.
    seen_texts: set[str] = set()
    repeated = {s.text for s in analysis.sentences if s.text in seen_texts or seen_texts.add(s.text)}
    memo: dict[str, tuple] = {}
    best_of_kind: dict[tuple, tuple] = {}   # (code key, context, dominated, section) -> its best mention
    total = len(analysis.sentences)
    letterhead_end = _letterhead_end(note)
    for n, sent in enumerate(analysis.sentences):
        if not n % 128:
            checkpoint("sentences", n, total)   # progress for the TUI; stops here once cancelled
        got = memo.get(sent.text)
        if got is None:
            toks = note_tokens(note, sent.start, sent.end, matcher.compounds, matcher.idf, matcher.hyphenated)
            if analysis.in_label(sent.start):   # "Secondary: Hypertensive heart ...": no secondary hypertension
                toks = [t for t in toks if not analysis.in_label(t.start)]
            elif toks and analysis.section_at(sent.start) == "physical_exam" \
                    and (label := _EXAM_LABEL.match(note, note.rfind("\n", 0, sent.start) + 1)) is not None \
                    and toks[0].start < label.end():
                # "Heart/lungs: nl", "Neck/thyroid: supple": an exam line's body systems name no disease
                toks = [t for t in toks if t.start >= label.end()]
            matches = _sentence_matches(toks, matcher, surfaces, systems, idf) if toks else []
            # "screening for colorectal cancer": the words inside a test's mention ("cancer") name no diagnosis
            tests = [(m.positions[0], m.positions[-1]) for m in matches
                     if surfaces[m.sid][1] == "icd10cm"
                     and _names_a_test(toks, m.positions[0], m.positions[-1], surfaces[m.sid][0])]
            got = (sent.start, toks, matches, tests, frozenset().union(*(t.alts for t in toks)), {})
            if sent.text in repeated:
                memo[sent.text] = got
        base, toks, matches, tests, sent_words, last_of = got
        if not toks or (sent.start < letterhead_end and _LETTERHEAD.search(sent.text)
                        and not _NOTE_TITLE.search(sent.text)):
            continue   # ("TEST PEDIATRIC OPHTHALMOLOGY & STRABISMUS": a practice's name, no patient's strabismus)
        if _VACCINE_LINE.match(note, note.rfind("\n", 0, sent.start) + 1) \
                or _VACCINE_WORD.search(list_header(note, sent.start) or ""):
            # "- Immunizations: Tdap 2019. PCV20 done 2024. Influenza due today.": a vaccine list names vaccines
            # (so do the items under "Vaccine review (registry):", "- Yellow fever - none")
            tests = [*tests, (0, len(toks))]
        shift = sent.start - base
        note_words |= sent_words
        section = analysis.section_at(sent.start)
        one_section = analysis.section_span_at(sent.start) is analysis.section_span_at(sent.end - 1)  # no header inside
        # the context spans of this sentence, looked up once: most sentences have none
        sent_spans = analysis.spans_overlapping(sent.start, sent.end)
        plain_ctx = _FAMILY_CTX if section == "family_history" else _NO_CTX
        section_weight = _section_weight(section)
        for match in matches:
            surface = surfaces[match.sid]
            system = surface[1]
            got = last_of.get(id(match))
            if got is None:
                code, billable = surface[0], surface[2]
                if system == "icd10cm" and not billable:
                    code = matcher.default_billable(code) or code
                    billable = code != surface[0]
                if system == "icd10cm" and billable:
                    code = matcher.refine(code, _nearest_side(toks, match.positions, sent_words))
                    code = _with_sibling(code, note, sent, analysis, matcher.index._cs.icd)
                last = match.positions[-1]
                # "... chronic kidney disease": the generic head word belongs to the mention's words
                while last + 1 < len(toks) and toks[last + 1].alts & _OPTIONAL and last - match.positions[-1] < 1:
                    last += 1
                p0, p1 = match.positions[0], match.positions[-1]   # not widened: already asked (``tests``)
                if system == "icd10cm" and ((last != p1 and _names_a_test(toks, p0, last, code))
                                            or any(a <= p0 and p1 <= b for a, b in tests)):
                    match.dominated = True   # "influenza vaccine", "screening for colon cancer": not a diagnosis
                # the words' own span: a phrase's words ("CKD 4" read as "chronic kidney disease stage 4") follow the
                # phrase's own tokens and span the whole phrase, so the first token is not always the leftmost
                lo = min(toks[p].start for p in match.positions)
                hi = max(toks[last].end, max(toks[p].end for p in match.positions))
                got = last_of[id(match)] = (code, billable, lo, hi)
            code, billable, lo, hi = got
            start = lo + shift
            end = hi + shift
            ctx = _context(sent_spans, start, end, plain_ctx,
                           lambda: " without " in (matcher.index._title(system, code) or "").lower()) \
                if sent_spans else plain_ctx
            weight = _CTX_WEIGHTS.get(ctx)
            if weight is None:
                weight = _CTX_WEIGHTS[ctx] = _context_weight(ctx)
            score = match.score * weight * section_weight
            key = (system, code)
            cand = by_code.get(key)
            mention = (score, start, end, ctx, match.dominated)
            # mentions alike for the coding rules (see add_mention): a long note has hundreds of thousands
            kind = (key, ctx, match.dominated, section if one_section else analysis.section_at(start))
            if cand is None:
                desc = matcher.index._title(system, code) or surface[3]
                by_code[key] = Candidate(code, System(system), desc, score, note[start:end], start, end, ctx,
                                         billable, 1, match.dominated, len(match.positions), [ctx],
                                         _origin(match), [mention], match.fraction)
                best_of_kind[kind] = mention
            else:
                add_mention(cand, mention, kind, best_of_kind)
                if score > cand.score:
                    cand.score, cand.evidence_text, cand.start, cand.end = score, note[start:end], start, end
                    cand.context, cand.dominated = ctx, match.dominated
                    cand.core_size = len(match.positions)
                    cand.origin = _origin(match)
                    cand.fraction = match.fraction
                elif not match.dominated:
                    cand.dominated = False
                    cand.origin = "mention"
    for cand in by_code.values():
        # Repeated mentions make a condition more central to the note.
        cand.score *= 1.0 + 0.15 * math.log(cand.mentions)
    # Codes from a whole mention first; codes inside a larger mention, partial matches after.
    if "icd10cm" in systems:
        icd = matcher.index._cs.icd
        bmi = bmi_codes(note, analysis, icd)
        if bmi:   # the documented value names the one BMI code: the others' texts only share words
            by_code = {key: c for key, c in by_code.items() if not c.code.startswith("Z68")}
        for cand in history_codes(list(by_code.values()), icd, note) + status_codes(note, analysis, icd) + bmi:
            have = by_code.get(("icd10cm", cand.code))
            if have is None or _TIER[have.origin] >= 2:   # a history mention outranks a partial match
                by_code[("icd10cm", cand.code)] = cand
    ranked = sorted(by_code.values(), key=lambda c: (_TIER[c.origin], -c.score, c.code))
    return ranked, frozenset(note_words)


_SIDES = frozenset({"left", "right"})


_WITHOUT = re.compile(r"\bwithout ([a-z]+)\b")


def _with_sibling(code: str, note: str, sent, analysis: NoteAnalysis, icd) -> str:
    """The default of a category read by its name alone ("Alcoholic cirrhosis" -> K70.30, "... without ascites")
    gives way to its "with" sibling when the sentence says so ("Alcoholic cirrhosis with ascites": K70.31), the
    words themselves outside any negation, doubt or history ("... with no septic shock" stays without)."""
    title = icd.title(code) or ""
    m = _WITHOUT.search(title)
    if m is None:
        return code
    word = re.escape(m.group(1)[:6])
    # (one qualifier between: "with mood-congruent psychotic features")
    said = re.compile(rf"\b(?:with|w/)\s+(?:[a-z]+(?:-[a-z]+)?\s+)?{word}\w*", re.I).search(note, sent.start, sent.end)
    if said is None or analysis.context_at(said.start(), said.end()) \
            or re.compile(rf"\b(?:without|no|not|w/o|denies)\b[^.;\n]{{0,30}}\b{word}|\b{word}\w*[^.;\n]{{0,25}}\b"
                          r"(?:ruled out|excluded|absent|not present|resolved)", re.I).search(note, sent.start, sent.end):
        return code
    want = title[:m.start()] + "with " + m.group(1) + title[m.end():]
    parent = icd.parent(code)
    options = [c for c in (icd.children(parent) if parent else []) if icd.is_billable(c)]
    exact = next((c for c in options if icd.title(c) == want), None)
    if exact is not None:
        return exact
    # the sibling's title worded otherwise: "Major depressive disorder, recurrent severe without psychotic features"
    # beside "..., recurrent, severe with psychotic symptoms" (F33.3): the same words before, "with" the same word
    with_word = re.compile(rf"\bwith {word}", re.I)
    before = _plain_words(title[:m.start()])
    alike = [c for c in options if (w := with_word.search(title_c := icd.title(c) or "")) is not None
             and _plain_words(title_c[:w.start()]) == before]
    return alike[0] if len(alike) == 1 else code


def _plain_words(text: str) -> tuple[str, ...]:
    return tuple(re.findall(r"[a-z0-9]+", text.lower()))


def _nearest_side(toks: list, positions: tuple[int, ...], words: frozenset[str]) -> frozenset[str]:
    """The sentence's words for refining one mention: when the sentence names both sides ("L hemiparesis
    ... of R MCA stroke"), only the side nearest the mention's words."""
    if not _SIDES <= words:
        return words
    first, last = positions[0], positions[-1]
    best: dict[str, int] = {}
    for i, tok in enumerate(toks):
        for side in _SIDES & tok.alts:
            gap = first - i if i < first else i - last if i > last else 0
            best[side] = min(best.get(side, 1 << 30), gap)
    if len(best) == 2 and best["left"] != best["right"]:
        far = "left" if best["left"] > best["right"] else "right"
        return words - {far}
    return words


_NO_CTX: frozenset[str] = frozenset()
_FAMILY_CTX = frozenset({"family"})
_CTX_SETS: dict[frozenset[str], frozenset[str]] = {}
_CTX_WEIGHTS: dict[frozenset[str], float] = {}


def _context(spans: list, start: int, end: int, plain: frozenset[str], says_without) -> frozenset[str]:
    """``NoteAnalysis.context_at`` for a mention, from its sentence's spans; one shared set per combination.

    A "without" that opens inside the mention of a code whose title says "without" is part of
    its name (``says_without()`` is asked only then)."""
    kinds = plain | {s.kind for s in spans if s.start < end and start < s.end
                     and not (own_without(s, start, end) and says_without())}
    return _CTX_SETS.setdefault(kinds, kinds)


# At most how many relatives of the found codes join the list.
RELATED_MAX = 100


def _related(found: list[Candidate], note: str, matcher: _Matcher, room: int) -> list[Candidate]:
    """Billable relatives (siblings, cousins in the category) of the found codes, for recall.

    Ranked by the found code's score and by how many of the relative's words the
    note uses; marked dominated so the offline engine never proposes them.
    """
    icd = matcher.index._cs.icd
    note_words = frozenset(stem(w) for w in re.findall(r"[a-z0-9]+", _fold(note)))
    have = {c.code for c in found}
    best: dict[str, tuple[float, Candidate]] = {}   # relative -> (score, the found code it came from)
    for cand in found[:40]:
        if cand.system is not System.ICD10CM or "negated" in cand.context or cand.origin == "status":
            continue   # a status code comes from a rule that names the one code: its siblings are noise
        parent = icd.parent(cand.code)
        pool = icd.children(parent) if parent else []
        grand = icd.parent(parent) if parent else None
        if grand and len(pool) < 12:
            pool = pool + [c for p in icd.children(grand) if p != parent for c in [p, *icd.children(p)]]
        for rel in pool[:60]:
            if rel in have or not icd.is_billable(rel):
                continue
            words = _title_words(icd, rel)
            if not words:
                continue
            score = cand.score * 0.35 * len(words & note_words) / len(words)
            prev = best.get(rel)
            if prev is None or score > prev[0]:
                best[rel] = (score, cand)
    top = sorted(best.items(), key=lambda kv: (-kv[1][0], kv[0]))[:room]
    # Candidates are built only for the relatives kept: this runs on every note
    return [Candidate(rel, System.ICD10CM, icd.title(rel) or "", score, src.evidence_text, src.start, src.end,
                      src.context, True, 1, True, src.core_size, list(src.all_contexts), "related")
            for rel, (score, src) in top]


def _categories(found: list[Candidate], matcher: _Matcher) -> list[Candidate]:
    """The category a found code is the default of ("Headache" for R51.9 Headache, unspecified).

    Not billable: in the prompt's list it tells the model which category the words
    name, so it can pick the subcode the note supports (the grounding offers the
    children of a category the model returns). Marked dominated: never proposed offline.
    """
    icd = matcher.index._cs.icd
    out: dict[str, Candidate] = {}
    for cand in found:
        if cand.system is not System.ICD10CM or cand.origin not in ("mention", "inside"):
            continue
        parent = icd.parent(cand.code)
        if not parent or icd.is_billable(parent) or matcher.default_billable(parent) != cand.code:
            continue
        have = out.get(parent)
        if have is None or cand.score > have.score:
            out[parent] = Candidate(parent, System.ICD10CM, icd.title(parent) or "", cand.score, cand.evidence_text,
                                    cand.start, cand.end, cand.context, False, cand.mentions, True,
                                    cand.core_size, list(cand.all_contexts), "category", list(cand.spans),
                                    cand.fraction)
    return list(out.values())


_TITLE_WORDS: dict[str, frozenset[str]] = {}


def _title_words(icd, code: str) -> frozenset[str]:
    """The distinctive words of a code's title (cached: the same relatives recur across notes)."""
    words = _TITLE_WORDS.get(code)
    if words is None:
        if len(_TITLE_WORDS) > 50_000:
            _TITLE_WORDS.clear()   # bounded: a long session must not grow without limit
        words = _TITLE_WORDS[code] = _refine_tokens(icd.title(code) or "") - {"unspecified", "other", "specified"}
    return words


_TIER = {"mention": 0, "inside": 1, "history": 1, "status": 1, "partial": 2, "related": 2, "category": 2}


def _origin(match: _Match) -> str:
    return "partial" if match.partial else "inside" if match.dominated else "mention"


def _context_weight(ctx: frozenset[str]) -> float:
    weight = 1.0
    if "negated" in ctx:
        weight *= 0.25
    if "family" in ctx:
        weight *= 0.3
    if "uncertain" in ctx:
        weight *= 0.8
    if "history" in ctx:
        weight *= 0.85
    return weight


def _section_weight(section: str | None) -> float:
    if section in ASSESSMENT_SECTIONS:
        return 1.3
    if section in _LOW_SECTIONS:
        return 0.7
    return 1.0
