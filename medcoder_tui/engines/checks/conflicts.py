"""One code per condition: which of two conflicting diagnosis codes gives way.

Engines often find one condition twice, through two of its names ("threatened
abortion" and "miscarriage", "acute duodenal ulcer with hemorrhage" and "acute
duodenal bulb ulcer"), and put both codes forward. Three signals, all read from
the code set, say that two suggested codes cannot both be right:

- an Excludes1 note between them (guideline I.A.12.a: "not coded here", the two
  conditions cannot occur together);
- a title that says a condition is absent ("... without hemorrhage ...") beside a
  code for that condition (guideline I.B.9, ``codes.contradiction``);
- two codes of one category where one title's words are all in the other's
  (K80.00 "... with acute cholecystitis ..." inside K80.12 "... with acute and
  chronic cholecystitis ..."): the longer title is the more specific code of the
  same condition (guideline I.B.1, code to the highest specificity documented).

The weaker code is kept on screen, marked with the reason and left out of bulk
accepts (``Suggestion.suppressed``); a coder who knows the conditions are
unrelated (the Excludes1 exception) may still accept it. Which is weaker: a
"without X" code gives way to the code of X; otherwise a sign or symptom gives way
to a diagnosis, a symptom whose Excludes1 note names the other symptom (and not the other way
round) to that other, an "unspecified" title to a specified one, then the code whose
evidence quotes fewer words, then the lower confidence.
"""

from __future__ import annotations

import re
from functools import lru_cache

from medcoder_tui.codes.contradiction import contradictions
from medcoder_tui.codes.refs import any_match, injury_sites_apart, parse_refs
from medcoder_tui.codes.systems import System
from medcoder_tui.engines.analysis.clinical_text import ASSESSMENT_SECTIONS
from medcoder_tui.engines.checks.integral import is_symptom
from medcoder_tui.engines.models import Flag, Suggestion

_PAREN = re.compile(r"\([^()]*\)")
# "Urinary tract infection, site not specified" is as unspecified as an "unspecified" title
# (not "... stage 1 through stage 4 chronic kidney disease, or unspecified chronic kidney disease": I13.0 names an
# alternative there, it is no unspecified code)
_UNSPECIFIED = re.compile(r"(?<!\bor )\bunspecified\b|\bnot specified\b|\bNOS\b", re.IGNORECASE)


def _live(s: Suggestion) -> bool:
    return s.system is System.ICD10CM and s.acceptable and not s.suppressed


def _strength(s: Suggestion, partner: Suggestion, out: list[Suggestion], icd) -> tuple:
    words = max((len(e.text.split()) for e in s.evidence), default=0)
    # a sign, symptom or abnormal finding (R00-R99) gives way to a diagnosis, however unspecified, and an
    # R-chapter symptom to one the classification places in a body system's chapter (R55 syncope to I95.1
    # orthostatic hypotension, which R55 excludes); then a code read from words that another coded mention
    # explains ("UTI with acute kidney injury": 'infection ... kidney' borrows the kidney of the coded AKI)
    # gives way to one read from its own
    # (among symptoms, a one-way Excludes1 note sends the kind of symptom it names elsewhere: R53.1 Weakness
    # excludes the age-related weakness R54, so beside R54 the weakness is that one)
    return (not (is_symptom(s.code) or s.code[:1] == "R"), s.code[:1] != "R",
            s.code[:1] != "R" or partner.code[:1] != "R" or not _excludes(s, partner, icd) or _excludes(partner, s, icd),
            not _UNSPECIFIED.search(s.description),
            not _borrows(s, partner, out, icd), words,
            # then, as among symptoms, a one-way Excludes1 note sends the condition to the code it names: E87.1
            # Hyponatremia excludes E22.2, so "hyponatremia - SIADH" is the syndrome's code
            not _excludes(s, partner, icd) or _excludes(partner, s, icd), s.confidence)


# Excludes1 pairs the Alphabetic Index codes together under the first: (kept, the one it takes in)
_INDEX_WITH = (("T78.3", "L50"),   # Angioedema (allergic) (any site) (with urticaria) T78.3
               # a stroke's deficit: "Hemiplegia, following cerebrovascular disease, cerebral infarction I69.35-",
               # "Aphasia, following ... I69.320", "Dysphagia, following ... I69.391" (the G81, R47, R13.1
               # Excludes1 notes send them there)
               ("I69", "G81"), ("I69", "G83"), ("I69", "R47"), ("I69", "R13.1"))


_ADDED_TO = ("B95", "B96", "B97", "V", "W", "X", "Y", "Z")


def _borrows(s: Suggestion, partner: Suggestion, out: list[Suggestion], icd) -> bool:
    """Whether ``s``'s evidence cuts into the evidence of a third live condition code (holding it whole, as
    a combination code holds the words of the code it adds to, is no borrowing; an organism, external
    cause or status code quotes its host condition's words and is no other mention, and neither is a
    code ``s``'s own notes ask for beside it: "use additional code", "code first", "code also")."""
    mine = [e for e in s.evidence if e.located]
    notes = _note_refs(icd, s.code)
    return any(o is not s and o is not partner and _live(o) and not o.code.startswith(_ADDED_TO)
               and any_match(notes, o.code) is None and any(
        e.start < f.end and f.start < e.end and not (e.start <= f.start and f.end <= e.end)
        for e in mine for f in o.evidence if f.located) for o in out)


_GRADE = re.compile(r"\d+[a-z]?|i{1,3}v?|v|class|stage|grade")


def _grades_of_one(a: Suggestion, b: Suggestion, acuity: bool = False) -> bool:
    """Two codes of one subcategory whose titles differ only in a grade, class or stage number (``acuity``: or in
    the condition's acuity, "Chronic diastolic ..." and "Acute on chronic diastolic ... heart failure")."""
    if a.code[:5] != b.code[:5] or len(a.code) < 6:
        return False
    differ = _words(a.description) ^ _words(b.description)
    return bool(differ) and (all(_GRADE.fullmatch(w) for w in differ) or (acuity and differ <= _ACUITY))


_ACUITY = frozenset({"acute", "on", "chronic"})


_UNRELATED = re.compile(r"\b(?:not (?:due to|related to|caused by|from|secondary to|attributable to)|unrelated to|"
                        r"independent of|separate from)\s+(?:the |his |her |this )?([a-z]+)", re.I)


def _says_unrelated(a: Suggestion, b: Suggestion, analysis) -> bool:
    """``a``'s line says it is not due to what ``b``'s words name ("hearing loss ... not due to the cerumen")."""
    if not a.evidence or not a.evidence[0].located or not b.evidence:
        return False
    text = analysis.text
    start = a.evidence[0].start
    end = text.find("\n", start)
    others = {w for w in re.findall(r"[a-z]{4,}", b.evidence[0].text.lower())}
    return any(m.group(1).lower() in others
               for m in _UNRELATED.finditer(text, start, end if end >= 0 else len(text)))


_NONDISPLACED = re.compile(r"\bnon-?\s?displaced\b", re.IGNORECASE)


def side_of(title: str) -> str | None:
    """The side a code's title names ("right", "left"), or None."""
    found = re.search(r"\b(right|left)\b", title.lower())
    return found.group(1) if found else None


def _one_side_of(a: Suggestion, b: Suggestion) -> bool:
    """``a`` is the right or left code (last character 1 or 2) of the bilateral code ``b`` (3)."""
    return (a.code[:-1] == b.code[:-1] and a.code[-1:] in "12" and b.code[-1:] == "3"
            and re.search(r"\b(?:right|left)\b", a.description.lower()) is not None
            and "bilateral" in b.description.lower())


@lru_cache(maxsize=4096)   # (titles recur across the pairs of a note and across notes)
def _unspecified(title: str) -> bool:
    return _UNSPECIFIED.search(title) is not None


@lru_cache(maxsize=4096)
def _head(title: str) -> str:
    """A title's head noun: the last word of its first part, before any "with", "of", "in", "due to"
    ("Periapical abscess without sinus" -> abscess; "Cutaneous abscess, unspecified" -> abscess)."""
    first = re.split(r",|\s(?:with|without|of|in|due to|following|and)\s", _PAREN.sub(" ", title.lower()), maxsplit=1)[0]
    words = re.findall(r"[a-z0-9]+", first)
    return words[-1] if words else ""


def _bare_mention_of(a: Suggestion, b: Suggestion) -> bool:
    """``a``, an unspecified code, was read from its head word alone, which is the head of ``b``'s more specific
    title: "will treat the abscess" beside "Periapical abscess without sinus" (K04.7) is that abscess, not an
    unspecified skin one."""
    if not a.evidence or not _unspecified(a.description) or _unspecified(b.description) \
            or b.code[:1] in "RVWXYZ":   # (a sign, an external cause or a status is no condition's specific code:
        return False                    # severe sepsis, R65.2-, goes with the sepsis code, not instead of it)
    head = _head(a.description)
    if _head(b.description) != head:
        return False
    said = _words(a.evidence[0].text) & _words(a.description)   # the condition's own words in the evidence
    return said == {head} and not any(e.located and f.located and e.start == f.start
                                      for e in a.evidence for f in b.evidence)


def _assessed(s: Suggestion, analysis) -> bool:
    return any(e.located and analysis.section_at(e.start) in ASSESSMENT_SECTIONS for e in s.evidence)


@lru_cache(maxsize=8192)   # the same titles are compared pair by pair
def _words(title: str) -> frozenset[str]:
    """A title's words, "with" and "without" included (they are what tells K26.0 from K26.3); a "non-" word is
    one word ("non-insulin" is no "insulin": Z79.85 is no more specific Z79.4)."""
    folded = re.sub(r"\bnot\s+(?=[a-z])", "not", re.sub(r"\bnon-(?=[a-z])", "non", _PAREN.sub(" ", title.lower())))
    return frozenset(re.findall(r"[a-z0-9]+", folded))   # ("not intractable" is no "intractable" either)


def resolve_conflicts(out: list[Suggestion], icd, analysis=None, setting: str = "outpatient") -> None:
    """Mark, in place, the weaker code of every conflicting pair of live diagnosis codes.

    ``analysis`` (the note's): two grades of one condition ("Obesity, class 1" and "class 3", two CKD
    stages) are one condition at two times; the grade the assessment states is today's. So is the acuity, at
    a visit (a stay's record codes what the stay treated: its "acute on chronic" is no earlier state)."""
    acuity = setting != "inpatient"
    def pairs():
        live = [s for s in out if _live(s)]   # read once per pass: each pass lists its pairs before acting
        for a in live:
            for b in live:
                if a is not b and a.code != b.code:
                    yield a, b

    for a, b in list(pairs()):
        absent = _live(a) and _live(b) and contradictions(a.code, a.description, b.code, b.description, icd)
        if absent:
            a.hold(f"says 'without {absent[0]}' while {b.code} codes it (guideline I.B.9): {b.code} is kept")
    for a, b in list(pairs()):
        # "Epilepsy, unspecified, not intractable" beside "..., intractable": the state the note documents stands
        differ = _words(a.description) ^ _words(b.description)
        if _live(a) and _live(b) and a.code[:3] == b.code[:3] and len(differ) == 2 \
                and any(w.startswith("not") and w[3:] in differ for w in _words(a.description) & differ):
            a.hold(f"{b.code} ({b.description}) is the state documented: the 'not' default is not coded beside it")
    for a, b in list(pairs()):
        if _live(a) and _live(b) and a.code[:3] == b.code[:3] and _words(a.description) < _words(b.description) \
                and not (analysis is not None and _grades_of_one(a, b, acuity) and _assessed(a, analysis)
                         and not _assessed(b, analysis)):
            # (an acuity only the history states, "admitted for acute on chronic ...", is an earlier state: below)
            a.hold(f"{b.code} ({b.description}) is the more specific code of the same condition "
                   f"(guideline I.B.1): {b.code} is kept")
    for a, b in list(pairs()):
        if not (_live(a) and _live(b)) or not (_excludes(a, b, icd) or _excludes(b, a, icd)):
            continue
        if analysis is not None and (_says_unrelated(a, b, analysis) or _says_unrelated(b, a, analysis)):
            # the Excludes1 exception (I.A.12.a): the note says the two conditions are unrelated
            for s, o in ((a, b), (b, a)):
                why = f"the note says it is unrelated to {o.code}: both coded (Excludes1 exception, guideline I.A.12.a)"
                if why not in s.messages:
                    s.messages.append(why)
                if Flag.EXCLUDES1 in s.flags:
                    s.flags.remove(Flag.EXCLUDES1)
            continue
        if {a.code[:1], b.code[:5]} == {"O", "Z33.1"} or {b.code[:1], a.code[:5]} == {"O", "Z33.1"}:
            # the incidental pregnant state (Z33.1) is for a pregnancy nothing complicates: a chapter 15 code says
            # the pregnancy is the visit's concern (I.C.15.a.1)
            weaker, kept = (a, b) if a.code.startswith("Z33.1") else (b, a)
            weaker.hold(f"Excludes1 with {kept.code}: a complication of the pregnancy is coded, so the pregnancy "
                        f"is not incidental (guideline I.C.15.a.1)")
            continue
        indexed = next((k for k, o in _INDEX_WITH if (a.code.startswith(k) and b.code.startswith(o))
                        or (b.code.startswith(k) and a.code.startswith(o))), None)
        if indexed is not None:
            # "Angioedema (allergic) (with urticaria) T78.3": the index puts the pair under one code
            weaker, kept = (a, b) if b.code.startswith(indexed) else (b, a)
            weaker.hold(f"Excludes1 with {kept.code}: the Alphabetic Index codes the two together there")
            continue
        weaker, kept = (a, b) if _strength(a, b, out, icd) < _strength(b, a, out, icd) else (b, a)
        weaker.hold(f"Excludes1 with {kept.code}, the better-supported code (guideline I.A.12.a): "
                    f"accept it only if the two conditions are unrelated")
    for a, b in list(pairs()):
        # "Catheter-associated urinary tract infection related to his indwelling urethral catheter": one complication
        # of care told once is one complication code (T83.511A), not also another device's (T80.219A)
        if _live(a) and _live(b) and a.code[:2] == b.code[:2] == "T8" and a.code[:3] != b.code[:3] \
                and any(e.located and f.located and e.start == f.start for e in a.evidence for f in b.evidence):
            weaker, kept = (a, b) if _strength(a, b, out, icd) < _strength(b, a, out, icd) else (b, a)
            weaker.hold(f"{kept.code} ({kept.description}) codes the complication these words tell: one "
                        f"complication, one code")
    for a, b in list(pairs()):
        if _live(a) and _live(b) and a.code[:3] != b.code[:3] and _bare_mention_of(a, b):
            a.hold(f"its words ('{a.evidence[0].text.strip()}') name the condition {b.code} codes ({b.description}): "
                   f"one condition, its specific code (guideline I.B.1)")
    for a, b in list(pairs()):
        if _live(a) and _live(b) and a.code == "R78.81" and "sepsis" in b.description.lower() \
                and b.code[:3] not in ("R65", "Z86"):
            # R78.81's own note: sepsis is coded to the infection; the organism in the blood is that sepsis
            a.hold(f"bacteremia is part of the sepsis {b.code} codes ({b.description}): not coded beside it")
    for a, b in list(pairs()):
        if _live(a) and _live(b) and a.code.startswith("S62.10") and b.code.startswith(("S52.5", "S52.6")) \
                and side_of(a.description) == side_of(b.description):
            # "Colles fracture L wrist": the wrist fracture a note names is the distal radius's (or ulna's) coded
            a.hold(f"the wrist fracture is the distal forearm fracture {b.code} codes ({b.description}): one fracture")
    for a, b in list(pairs()):
        if _live(a) and _live(b) and a.code[:5] == b.code[:5] and _words(a.description) - {"displaced"} \
                == _words(b.description) - {"nondisplaced"} != _words(b.description) \
                and any(_NONDISPLACED.search(e.text) for e in b.evidence):
            # "Displaced Colles fracture with ulnar styloid fracture ... Nondisplaced fracture of L ulnar styloid": the
            # words that say the bone's fracture is nondisplaced outrank a "displaced" another bone's words lent it
            a.hold(f"the note calls this fracture nondisplaced ({b.code}): not also the displaced code")
    for a, b in list(pairs()):
        if _live(a) and _live(b) and _one_side_of(a, b):
            a.hold(f"{b.code} ({b.description}) codes both sides: the one-side code is not coded beside it")
    if analysis is not None:
        for a, b in list(pairs()):
            if _live(a) and _live(b) and _grades_of_one(a, b, acuity) and _assessed(b, analysis) \
                    and not _assessed(a, analysis):
                a.hold(f"another grade of the condition the assessment states ({b.code}, {b.description}): "
                       f"an earlier state, not coded")
    # a kept code whose every Excludes1 partner gave way, or was said unrelated, is clean again (its message stays)
    for s in out:
        if Flag.EXCLUDES1 in s.flags and _live(s) and not any(
                o is not s and _live(o) and (_excludes(s, o, icd) or _excludes(o, s, icd))
                and not (analysis is not None and (_says_unrelated(s, o, analysis) or _says_unrelated(o, s, analysis)))
                for o in out):
            s.flags.remove(Flag.EXCLUDES1)


def sites_apart(a: Suggestion, b: Suggestion) -> bool:
    """Two injuries of different sites: unrelated, coded together whatever Excludes1 says (I.A.12.a exception)."""
    return injury_sites_apart(a.code, a.description, b.code, b.description)


def _excludes(a: Suggestion, b: Suggestion, icd) -> bool:
    """True when ``a``'s Excludes1 note names ``b``'s code."""
    if sites_apart(a, b):
        return False
    refs = _excludes1_refs(icd, a.code)
    title = b.description.lower()
    return any(ref.matches(b.code) and (not ref.qualifier or ref.qualifier in title) for ref in refs)


@lru_cache(maxsize=65536)
def _note_refs(icd, code: str) -> tuple:
    """The parsed "use additional code", "code first" and "code also" references of ``code`` and its parents."""
    text: list[str] = []
    while code and (entry := icd.get(code)) is not None:
        text += [t for t in (entry.use_additional, entry.code_first, entry.code_also) if t]
        code = entry.parent or ""
    return tuple(parse_refs("\n".join(text))) if text else ()


@lru_cache(maxsize=65536)
def _excludes1_refs(icd, code: str) -> tuple:
    """The parsed Excludes1 references of ``code`` (parsed once per code set and code)."""
    entry = icd.get(code)
    return tuple(parse_refs("\n".join(entry.excludes1))) if entry is not None and entry.excludes1 else ()
