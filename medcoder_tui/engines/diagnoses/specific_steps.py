"""Specificity rules (I.B.1): an unspecified code becomes the sibling the note documents.

- the side (right, left, bilateral; OD/OS/OU for the eye) of the mention's sentence;
- a sibling whose distinguishing words the sentence states ("COPD with acute exacerbation");
- nondisplaced fractures, open bite wounds, and the subsequent encounter (7th character D)
  when the note documents routine healing after treatment (I.C.19.a);
- a poisoning by the drug the sentence names, with the intent it documents (I.C.19.e.5.b);
- influenza of an identified type (J10, I.C.10.c), nicotine dependence on e-cigarettes
  (F17.29-), gestational diabetes by its control and pregnancy codes by trimester (I.C.15).

Each rule is a pure step, ``(code, mention, icd) -> (code, reason) | None``. The guideline
layer applies the steps to a suggestion (``checks.specificity``: validating each new code and
leaving the reason on it); retrieval applies the same steps to the codes the note's words
matched, so that the model's candidate list holds the specific code next to the unspecified one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from medcoder_tui.codes.text import tokenize
from medcoder_tui.engines.analysis.clinical_text import NoteAnalysis
from medcoder_tui.engines.diagnoses.adverse_effects import drug_class_stems
from medcoder_tui.engines.diagnoses.encounter_terms import delivered, weeks_of_gestation
from medcoder_tui.engines.diagnoses.hierarchy import siblings

_SIDES = (
    ("bilateral", re.compile(r"\b(?:bilateral(?:ly)?|both|b/l)\b", re.I)),
    # (a lone capital is a side; one before a digit is a vertebral or rib level: "L4-5", "R2")
    # ("the LEFT knee": the word in any case)
    ("right", re.compile(r"\b(?i:right|rt\.?)\b|(?<![A-Za-z/])R(?![A-Za-z/0-9])")),
    ("left", re.compile(r"\b(?i:left|lt\.?)\b|(?<![A-Za-z/])L(?![A-Za-z/0-9])")),
)
_EYE_SIDES = (("bilateral", re.compile(r"\bOU\b")), ("right", re.compile(r"\bOD\b")), ("left", re.compile(r"\bOS\b")))
_EYE_TITLE = re.compile(r"\b(?:eye|eyelid|cornea|conjunctiva|orbit|lacrimal|retina|lens)\b", re.I)
_UNSPECIFIED_SIDE = re.compile(r"\bunspecified\b(?= (?:side|upper limb|lower limb|hand|wrist|forearm|elbow|arm|"
                               r"shoulder|hip|thigh|knee|leg|lower leg|ankle|foot|toe|toes|finger|thumb|eye|ear|"
                               r"kidney|ovary|breast|female breast|male breast|lung|femur|tibia|fibula|radius|ulna|humerus|clavicle|"
                               r"scapula|patella|calcaneus|index|middle|ring|little|great)\b)", re.I)
# Words that say this visit follows completed active treatment of the injury (not a plan for one).
_ROUTINE_HEALING = re.compile(
    r"\b(?:routine healing|healing (?:well|as expected|appropriately|normally)|subsequent encounter|"
    r"(?:fracture|injury|laceration|sprain) follow[- ]?up|follow[- ]?up (?:of|for) (?:the |a |his |her )?"
    r"(?:\w+ )?(?:fracture|injury|laceration|sprain)|"
    # the treatment already given, by the surgeon or in a cast the patient comes in wearing
    r"(?:treated|managed|casted|splinted|reduced|fixed) (?:with \w+ )?by (?:ortho\w*|the orthop\w+|sports medicine|"
    r"hand surgery)|cast (?:is )?(?:in place|intact|clean and dry)|remains in (?:a|the|her|his) cast)\b", re.I)
# (not "s/p closed reduction": an ED note says so of the reduction it has just done)
_NONDISPLACED = re.compile(r"\b(?:non-?displaced|undisplaced|not displaced)\b", re.I)
_BITE = re.compile(r"\b(?:bite|bites|bitten|bit)\b", re.I)
_PAREN = re.compile(r"\([^()]*\)")
_AXIS_WORDS = frozenset(tokenize("unspecified other specified site type initial encounter subsequent sequela "
                                 "whether"))
# A sentence with any of these scopes may document the extra words in a way that does not apply.
_CONTEXTS_NOT_DOCUMENTED = frozenset({"negated", "uncertain", "hypothetical", "family", "history"})
_VAPING = re.compile(r"\b(?:e-?cig(?:arette)?s?|vap(?:e|es|ing|er)|electronic cigarettes?|juul)\b", re.I)
# Diabetes in pregnancy by its control (I.C.15.g: insulin wins over diet and oral drugs)
_PREGNANCY_DIABETES_CONTROL = (
    (re.compile(r"\binsulin\b", re.I), "4", "insulin controlled"),
    (re.compile(r"\b(?:metformin|glyburide|oral (?:hypoglycemic|agent|medication))\b", re.I), "5",
     "controlled by oral hypoglycemic drugs"),
    (re.compile(r"\b(?:diet[- ]controlled|controlled (?:by|with|on) diet|a1 ?gdm|gdm,? a1)\b", re.I), "0",
     "diet controlled"),
)
_TRIMESTER_WORDS = ((re.compile(r"\b(?:1st|first) trimester\b", re.I), "first"),
                    (re.compile(r"\b(?:2nd|second) trimester\b", re.I), "second"),
                    (re.compile(r"\b(?:3rd|third) trimester\b", re.I), "third"))
_TRIMESTER_AXIS = frozenset(tokenize("unspecified trimester"))
_CHILDBIRTH_AXIS = frozenset(tokenize("complicating childbirth in"))
_PREGNANCY_AXIS = frozenset(tokenize("in pregnancy"))
_FLU_TYPED = re.compile(r"\b(?:influenza|flu)\s*(?:type\s*)?[AB]\b(?!\s*(?:and|/|or|&)\s*B\b)"
                        r"(?!\s*(?:vaccine|vaccination|shot|immuni[sz]ation|and B negative))", re.I)

# The intent of a poisoning (6th character of T36-T50): unknown or unspecified intent is accidental
# (I.C.19.e.5.b); undetermined only when the note says intent cannot be determined.
_INTENTS = (
    ("2", "intentional self-harm", re.compile(
        r"\b(?:intentional(?:ly)?|suicid\w*|self[- ]harm\w*|deliberate(?:ly)?|to (?:end|take) (?:his|her|their|my) "
        r"(?:own )?life|to kill (?:himself|herself|themselves))\b", re.I)),
    ("3", "assault", re.compile(r"\b(?:assault\w*|homicid\w*|poisoned by (?:another|someone))\b", re.I)),
    ("4", "undetermined intent", re.compile(r"\b(?:undetermined intent|intent (?:unknown|unclear|undetermined|"
                                            r"cannot be determined))\b", re.I)),
    ("1", "accidental", re.compile(r"\b(?:accidental(?:ly)?|unintentional(?:ly)?|inadvertent(?:ly)?|by mistake|"
                                   r"mistakenly)\b", re.I)),
)


@dataclass(frozen=True)
class Mention:
    """Where a code was found: the note, its analysis, and the sentence of the mention."""

    note: str
    analysis: NoteAnalysis
    around: str           # the mention's sentence (its own words when it has none)
    documented: bool      # the sentence is outside negated, uncertain, hypothetical, family and history scopes
    said: bool = False    # the mention's own words are outside those scopes (the rest of the sentence may not be)

    @classmethod
    def at(cls, note: str, analysis: NoteAnalysis, start: int, words: str) -> Mention:
        sent = analysis.sentence_at(start) if start >= 0 else None
        if sent is None:
            return cls(note, analysis, words, False)
        said = not analysis.context_at(start, start + len(words)) & _CONTEXTS_NOT_DOCUMENTED
        return cls(note, analysis, note[sent.start:sent.end],
                   said and not analysis.context_at(sent.start, sent.end) & _CONTEXTS_NOT_DOCUMENTED, said)


Step = Callable[[str, Mention, object], "tuple[str, str] | None"]


def _side(code: str, m: Mention, icd) -> tuple[str, str] | None:
    title = icd.title(code) or ""
    if not _UNSPECIFIED_SIDE.search(title):
        return None
    sides = [name for name, rx in _SIDES if rx.search(m.around)]
    if not sides and _EYE_TITLE.search(title):
        sides = [name for name, rx in _EYE_SIDES if rx.search(m.around)]   # OD right, OS left, OU both
    side = "bilateral" if {"right", "left"} <= set(sides) else (sides[0] if len(sides) == 1 else None)
    if side is None:
        return None
    target = tokenize(_UNSPECIFIED_SIDE.sub(side, title, count=1))   # "limb" ~ "limbs"
    if side == "bilateral" and "eye" in target and target[target.index("eye") - 1] == "bilateral":
        # "..., unspecified eye" -> "..., bilateral" (H25.10 -> H25.13; H40.1191 "..., unspecified eye, mild stage"
        # -> H40.1131 "..., bilateral, mild stage")
        del target[target.index("eye")]
    # (a 7th character may be the side itself: E11.3319 -> E11.3311, "right eye"; or the side is the 6th and the
    # 7th another axis: H40.1191 -> H40.1131, the same stage under the bilateral code)
    by_seventh = [code[:-1] + c for c in icd.seven_chr(code) if len(code) == 8 and c != code[-1]]
    if len(code) == 8 and not by_seventh:
        by_seventh = [c for c in icd.billable_descendants(code[:6]) if len(c) == 8 and c[-1] == code[-1] and c != code]
    sibling = next((c for c in siblings(code, icd) + by_seventh
                    if icd.is_billable(c) and _tokens(icd.title(c) or "") == target), None)
    return (sibling, f"more specific: {side} side documented (was {code})") if sibling else None


@lru_cache(maxsize=20_000)
def _tokens(title: str) -> list[str]:
    """A code title's tokens (titles recur across notes and steps: read once; do not mutate)."""
    return tokenize(title)


@lru_cache(maxsize=20_000)
def _title_words(title: str) -> frozenset[str]:
    """A title's required words (parenthesised nonessential words left out)."""
    return frozenset(tokenize(_PAREN.sub(" ", title))) - _AXIS_WORDS


def _cousins(code: str, icd) -> list[str]:
    """When the parent itself is the unspecified member of its family ("unspecified deep veins of lower
    extremity" beside "femoral vein", "popliteal vein"), the billable codes of the other members, at
    the same length and 7th character: the sibling axis one level up."""
    parent = icd.parent(code)
    grand = icd.parent(parent) if parent else None
    if grand is None or len(code) == 8 or "unspecified" not in (icd.title(parent) or "").lower():
        return []
    mine = set(siblings(code, icd)) | {code}
    return [c for c in icd.billable_descendants(grand) if c not in mine and len(c) == len(code)]


# The Index's "see" from a note's word to the tabular's: "Conjunctivitis, allergic (acute) - see Conjunctivitis,
# acute, atopic"; "Neuropathy, peripheral (nerve) (see also Polyneuropathy)": diabetic peripheral neuropathy is the
# diabetic polyneuropathy (E11.42), not the unspecified diabetic neuropathy
_INDEX_SEE = ((frozenset(tokenize("allergic conjunctivitis")), tokenize("atopic")[0]),
              (frozenset(tokenize("peripheral neuropathy")), tokenize("polyneuropathy")[0]))


_SIDE_WORDS = frozenset(tokenize("right left bilateral unilateral"))
_WITHOUT_WHAT = re.compile(r"\bwithout\s+([a-z]+)", re.I)


def _without_says_what(sib_title: str, around: str) -> bool:
    """A sibling "without X" needs the sentence's own "without X" (or "w/o", "no" X), not another list
    item's "without complications" ("Hypertensive heart and CKD; type 2 diabetes without complications")."""
    what = _WITHOUT_WHAT.search(sib_title)
    if what is None:
        return True
    return re.search(rf"\b(?:without|w/o|no)\s+(?:[a-z]+\s+){{0,2}}{re.escape(what.group(1)[:5])}", around,
                     re.I) is not None


_SECONDARY_ARTHROSIS = re.compile(r"\b(?:secondary|post-?traumatic|traumatic|after (?:a |the )?(?:fracture|injury)|"
                                  r"dysplas\w*)\b", re.I)
_EITHER_KIND = re.compile(r"\b([a-z]+) and ([a-z]+) (?=[a-z]+ [a-z]+$|[a-z]+$)")


def _documented_sibling(code: str, m: Mention, icd) -> tuple[str, str] | None:
    """The one billable sibling of an unspecified code whose distinguishing words the mention's
    sentence states ("COPD with acute exacerbation" -> J44.1), or None when none or several do."""
    title = icd.title(code) or ""
    # (a history code's sentence is a history scope: "Personal history of adenomatous polyps" is that code's meaning)
    if not (m.documented or code[:3] in ("Z85", "Z86", "Z87")) or "unspecified" not in title.lower():
        return None
    said = frozenset(tokenize(m.around))
    for words, index_word in _INDEX_SEE:
        if words <= said:
            said |= {index_word}
    implied: frozenset[str] = frozenset()
    if code[:3] in ("M16", "M17", "M18", "M19") and not _SECONDARY_ARTHROSIS.search(m.around):
        # Index: Arthrosis (primary): an osteoarthritis of no stated cause is the primary one ("Osteoarthritis of right
        # knee" is M17.11, "unilateral primary osteoarthritis, right knee")
        implied = frozenset(tokenize("primary")) - said
        said |= implied
    sides = [name for name, rx in _SIDES if rx.search(m.around)]
    if len(sides) == 1:
        # "R knee" says right; one side named is unilateral ("osteoarthritis, right knee": M17.11)
        said |= frozenset(tokenize(sides[0] + (" unilateral" if sides[0] != "bilateral" else "")))
    # the unspecified axis itself ("..., unspecified whether with hypoxia or hypercapnia") names nothing
    own = _title_words(re.sub(r"(?i)\bunspecified whether[^,]*", " ", title))
    fits = []
    for sib in siblings(code, icd) + _cousins(code, icd):
        sib_title = icd.title(sib) or ""
        extra = _title_words(sib_title) - own
        for a, b in _EITHER_KIND.findall(sib_title.lower()):
            # "Personal history of adenomatous and serrated colon polyps": either kind said is the sibling's
            pair = set(tokenize(a)) | set(tokenize(b))
            if len(pair) == 2 and pair <= extra and pair & said:
                extra = extra - (pair - said)
        # (not a sibling that drops a side the sentence says: "Right hemiparesis (dominant side) following left MCA
        # stroke" is G81.91, whatever "left" says of the artery)
        lost = (own - _title_words(sib_title)) & _SIDE_WORDS
        if extra and extra <= said and not lost & said \
                and not ("other" in _tokens(sib_title) and "other" not in _tokens(title)) \
                and _without_says_what(sib_title, m.around) \
                and not (re.fullmatch(r"K2[5-8]\.[0-3]", sib) and not _ACUTE_ULCER.search(m.around)):
            # of two that fit equally, the one that leaves less unspecified ("left femoral vein", not
            # "unspecified femoral vein")
            fits.append((len(extra), -sib_title.lower().count("unspecified"), sib, sorted(extra)))
    fits.sort(reverse=True)
    if not fits or (len(fits) > 1 and fits[0][:2] == fits[1][:2]):
        return None
    *_, sibling, extra = fits[0]
    told = [w for w in extra if w not in implied]
    default = " (primary: the Index's default for an osteoarthritis of no stated cause)" if len(told) < len(extra) else ""
    return sibling, f"more specific: '{' '.join(told)}' documented with this mention{default} (was {code})"


_INTRACTABLE = re.compile(r"(?<!not )(?<!non-)(?<!non)\b(?:intractable|drug[- ]resistant|pharmaco-?resistant|"
                          r"refractory|poorly controlled|treatment[- ]resistant)\b", re.I)


def _intractable(code: str, m: Mention, icd) -> tuple[str, str] | None:
    """Epilepsy and migraine are 'not intractable' by default; the sentence that says intractable (drug-resistant,
    refractory, poorly controlled: the Index's synonyms) has the intractable sibling."""
    title = icd.title(code) or ""
    if "not intractable" not in title or not _INTRACTABLE.search(m.around):
        return None
    want = title.replace("not intractable", "intractable")
    # (in the category: G40.209's intractable twin is G40.219, under another subcategory)
    sibling = next((c for c in icd.billable_descendants(code[:3]) if (icd.title(c) or "") == want), None)
    return (sibling, f"more specific: intractable documented (was {code})") if sibling else None


# The Alphabetic Index's joints: "Gout, idiopathic" and "Osteoarthritis" by site (M10.0-, M19.0-; the hip, the
# knee and the first carpometacarpal joint have their own categories, M16-M18). Site digit by the joint's words.
_JOINTS = (("cmc", re.compile(r"\b(?:cmc|first carpometacarpal|carpometacarpal|basal joint of (?:the )?thumb)\b", re.I)),
           ("1", re.compile(r"\bshoulders?\b", re.I)), ("2", re.compile(r"\belbows?\b", re.I)),
           ("3", re.compile(r"\bwrists?\b", re.I)),
           ("4", re.compile(r"\b(?:hands?|fingers?|thumbs?|mcp\w*|pip\w*|dip\w*|knuckles?)\b", re.I)),
           ("5", re.compile(r"\bhips?\b", re.I)), ("6", re.compile(r"\bknees?\b", re.I)),
           ("7", re.compile(r"\b(?:ankles?|foot|feet|toes?|great toe|hallux|mtp\w*|metatarsophalangeal|heels?|"
                            r"midfoot|podagra)\b", re.I)))


_POST_TRAUMATIC = re.compile(r"\bpost-?\s?traumatic\b", re.I)


def _joint_site(code: str, m: Mention, icd) -> tuple[str, str] | None:
    """Gout or osteoarthritis of no site, where the sentence names the joint (and side): the index's code by site."""
    gout = code in ("M10.9", "M10.00", "M10.20")
    if not (gout or code in ("M19.90", "M19.91", "M19.92")):
        return None
    # (a post-traumatic arthritis by its joint: M19.1-, and the hip's, knee's and thumb base's own, M16.5-, M17.3-,
    # M18.3-; "Post-traumatic arthritis left wrist" is no primary one)
    traumatic = code == "M19.92" or bool(_POST_TRAUMATIC.search(m.around))
    site = next((digit for digit, rx in _JOINTS if rx.search(m.around)), None)
    if site is None:
        return None
    sides = [name for name, rx in _SIDES if rx.search(m.around)]
    # ("osteoarthritis of both knees, left worse than right": both joints, the sides compared)
    side = "bilateral" if "bilateral" in sides else sides[0] if len(sides) == 1 else None
    digit = {"right": "1", "left": "2"}.get(side or "", "9")
    if gout:
        if site == "cmc":
            site = "4"
        kind = "2" if code == "M10.20" else "0"   # (drug-induced gout keeps its kind)
        want = f"M10.{kind}{site}{digit}" if side != "bilateral" else None
    elif site in ("5", "6", "cmc"):
        category = {"5": "M16", "6": "M17", "cmc": "M18"}[site]
        both, one = ({"5": ("4", "5"), "6": ("2", "3"), "cmc": ("2", "3")}[site] if traumatic else ("0", "1"))
        want = f"{category}.{both}" if side == "bilateral" else f"{category}.{one}{digit}" if digit != "9" \
            else f"{category}.{one}0"
    else:
        want = f"M19.{'1' if traumatic else '0'}{site}{digit}" if side != "bilateral" else None
    if want is None or not icd.is_billable(want):
        return None
    return want, f"the joint is documented: {icd.title(want)} (Alphabetic Index, by site; was {code})"


# osteomyelitis by its course and bone (M86.1- other acute, M86.2- subacute, M86.6- other chronic; the site digit)
_OSTEOMYELITIS_COURSE = (("M86.2", re.compile(r"\bsubacute\b", re.I)), ("M86.1", re.compile(r"\bacute\b", re.I)),
                         ("M86.6", re.compile(r"\bchronic\b", re.I)))
_BONES = (("7", re.compile(r"\b(?:toes?|foot|feet|ankles?|heels?|calcane\w*|metatars\w*|talus|hallux|phalan\w* of "
                           r"the (?:\w+ )?toe)\b", re.I)),
          ("6", re.compile(r"\b(?:tibia\w*|fibula\w*|lower leg|shin)\b", re.I)),
          ("5", re.compile(r"\b(?:femur|femoral|thigh)\b", re.I)),
          ("4", re.compile(r"\b(?:hand|fingers?|thumb|metacarp\w*)\b", re.I)),
          ("3", re.compile(r"\b(?:radius|ulna|forearm)\b", re.I)),
          ("2", re.compile(r"\b(?:humerus|upper arm)\b", re.I)),
          ("1", re.compile(r"\b(?:shoulder|clavicle|scapula)\b", re.I)))


def _by_kind_and_site(m: Mention, icd, kinds, sites) -> str | None:
    """The billable code "category + site digit + side digit" whose category the first of ``kinds`` the mention's
    sentence matches gives, and whose site the first of ``sites`` (with the side it names, else 9); or None."""
    category = next((c for c, rx in kinds if rx.search(m.around)), None)
    site = next((digit for digit, rx in sites if digit != "cmc" and rx.search(m.around)), None)
    if category is None or site is None:
        return None
    sides = [name for name, rx in _SIDES if rx.search(m.around)]
    want = category + site + ({"right": "1", "left": "2"}.get(sides[0], "9") if len(sides) == 1 else "9")
    return want if icd.is_billable(want) else None


def _osteomyelitis_site(code: str, m: Mention, icd) -> tuple[str, str] | None:
    """Osteomyelitis of no kind or site whose sentence says acute, subacute or chronic and names the bone (and side):
    that course's code by site (the Index: Osteomyelitis, acute/subacute/chronic, by site)."""
    want = _by_kind_and_site(m, icd, _OSTEOMYELITIS_COURSE, _BONES) if code == "M86.9" else None
    return (want, f"more specific: {icd.title(want)} documented (was {code})") if want else None


# the organism of a pyogenic arthritis (M00.0 staphylococcal, M00.1 pneumococcal, M00.2 other streptococcal)
_ARTHRITIS_ORGANISMS = (("M00.0", re.compile(r"\b(?:staph\w*|mssa|mrsa|s\.? aureus)\b", re.I)),
                        ("M00.1", re.compile(r"\b(?:pneumococc\w*|s(?:trep)?\.? pneumoniae)\b", re.I)),
                        ("M00.2", re.compile(r"\b(?:strep\w*|gbs|gas)\b", re.I)))


def _arthritis_organism(code: str, m: Mention, icd) -> tuple[str, str] | None:
    """A pyogenic (septic) arthritis of no organism whose sentence names the staphylococcus or streptococcus: the
    arthritis of that organism, by its joint and side (M00.0-M00.2; the organism's B95 code beside it)."""
    want = _by_kind_and_site(m, icd, _ARTHRITIS_ORGANISMS, _JOINTS) if code.startswith(("M00.9", "M00.8")) else None
    return (want, f"more specific: the organism and joint are documented: {icd.title(want)} (was {code})") \
        if want else None


# The Alphabetic Index: "Diabetes, out of control / poorly controlled / inadequately controlled - code to Diabetes, by
# type, with hyperglycemia"; "uncontrolled, meaning hyperglycemia" (a sentence that speaks of hypoglycemia means
# the other)
_HYPERGLYCEMIA = re.compile(r"(?<!not )(?<!non-)\b(?:out of control|poorly controlled|inadequately controlled|"
                            r"uncontrolled|hyperglyc\w*)\b", re.I)
_HYPOGLYCEMIA = re.compile(r"\bhypoglyc", re.I)
_DENIED_BEFORE = re.compile(r"\b(?:no|not|without|w/o|denies|negative for|free of)\b[^.;:]*$", re.I)


def _with_hyperglycemia(code: str, m: Mention, icd) -> tuple[str, str] | None:
    """Diabetes without complications whose sentence says it is out of control: the type's "with hyperglycemia"."""
    if not (code[:3] in ("E08", "E09", "E10", "E11", "E13") and code.endswith(".9")) \
            or not (found := _HYPERGLYCEMIA.search(m.around)) or _HYPOGLYCEMIA.search(m.around) \
            or _DENIED_BEFORE.search(m.around, max(0, found.start() - 30), found.start()):
        return None   # ("well controlled, no hyperglycemia")
    want = code[:3] + ".65"
    if not icd.is_billable(want):
        return None
    return want, f"'{found.group(0)}' diabetes is diabetes with hyperglycemia (Alphabetic Index; was {code})"


# A burn's depth in the note's words (T20-T25, 4th character: 0 unspecified, 1 first, 2 second, 3 third degree)
_BURN_DEGREES = (("1", re.compile(r"\b(?:first|1st)[- ]degree\b|\bsuperficial (?:thickness )?burn|"
                                  r"\bsuperficial\s*\((?:first|1st)", re.I)),
                 ("2", re.compile(r"\b(?:second|2nd)[- ]degree\b|\bpartial[- ]thickness\b", re.I)),
                 ("3", re.compile(r"\b(?:third|3rd)[- ]degree\b|\bfull[- ]thickness\b", re.I)))


def _burn_degree(code: str, m: Mention, icd) -> tuple[str, str] | None:
    """A burn of unspecified degree whose sentence names one depth ("Second-degree (superficial partial-thickness)
    scald burn L forearm"): that degree's code."""
    if not ("T20" <= code[:3] <= "T25") or len(code) < 5 or code[4] != "0" or not m.documented:
        return None
    said = {digit for digit, rx in _BURN_DEGREES if rx.search(m.around)}
    if len(said) != 1:
        return None
    want = code[:4] + said.pop() + code[5:]
    return (want, f"more specific: the burn's degree is documented (was {code})") if icd.is_billable(want) else None


# BPH's lower urinary tract symptoms (N40.1: "with LUTS", the symptoms coded beside it)
_LUTS = re.compile(r"\b(?:luts|lower urinary tract symptoms|nocturia|weak (?:urinary )?stream|poor stream|hesitancy|"
                   r"urgency|frequency|incomplete (?:bladder )?emptying|straining|dribbling|intermittency|retention)\b",
                   re.I)


def _prostate_symptoms(code: str, m: Mention, icd) -> tuple[str, str] | None:
    """Benign prostatic hyperplasia "without LUTS" (N40.0, what "BPH" alone reaches) when the sentence names its
    urinary symptoms: N40.1."""
    # (the BPH's own words plainly said: "BPH urinary frequency - will discuss with urology; tamsulosin NOT preferred"
    # doubts the drug, not the symptom)
    if code != "N40.0" or not (m.documented or m.said) or not (found := _LUTS.search(m.around)) \
            or _DENIED_BEFORE.search(m.around, max(0, found.start() - 30), found.start()):
        return None
    return "N40.1", f"benign prostatic hyperplasia with lower urinary tract symptoms ('{found.group(0)}' documented)"


_AURA = re.compile(r"\b(with(?:out)?|w/o|w/|no)\s+(?:\w+\s+)?aura\b", re.I)


def _migraine_aura(code: str, m: Mention, icd) -> tuple[str, str] | None:
    """A migraine "without aura" (G43.0-) or "with aura" (G43.1-): the code text's own "without" is no negation
    of the migraine, and the unspecified migraine (G43.9-) of the same intractability is not what the note says."""
    title = icd.title(code) or ""
    said = _AURA.search(m.around)
    if not code.startswith("G43.9") or said is None:
        return None
    kind = "with aura" if said.group(1).lower() in ("with", "w/") else "without aura"
    want = title.replace("Migraine, unspecified", f"Migraine {kind}", 1)
    sibling = next((c for c in icd.billable_descendants("G43") if (icd.title(c) or "") == want), None)
    return (sibling, f"more specific: migraine {kind} documented (was {code})") if sibling else None


# words the Table of Neoplasms' site column does not spell (short or adjectival) that name where edema is
_EDEMA_SITE_WORDS = ("legs?", "arms?", "lips?", "pedal", "facial", "periorbital", "peripheral", "b?les?", "lower limbs?",
                     "upper limbs?", "lower extremit(?:y|ies)", "upper extremit(?:y|ies)")


@lru_cache(maxsize=1)
def _edema_at_site() -> re.Pattern[str]:
    from medcoder_tui.engines.diagnoses.skin_table import _site_spellings

    sites = "|".join([re.escape(w) + "s?" for w in sorted(_site_spellings(), key=len, reverse=True)]
                     + list(_EDEMA_SITE_WORDS))
    return re.compile(rf"\b(?:{sites})\s+(?:[a-z]+\s+){{0,2}}?(?:edema|swelling)\b|"
                      rf"\b(?:edema|swelling)\s+(?:of|in|at)\s+(?:the\s+)?(?:both\s+)?(?:[a-z]+\s+){{0,2}}?(?:{sites})\b", re.I)


_GENERALIZED_EDEMA = re.compile(r"\b(?:generali[sz]ed|diffuse|whole[- ]body)\s+(?:edema|swelling)\b|\banasarca\b", re.I)


def _localized_edema(code: str, m: Mention, icd) -> tuple[str, str] | None:
    """Edema told at a body part is localized (R60.0), told as generalized or anasarca is generalized (R60.1):
    the unspecified R60.9 is what the note does not say."""
    if code != "R60.9":
        return None
    if _GENERALIZED_EDEMA.search(m.around):
        return "R60.1", "more specific: generalized edema documented (was R60.9)"
    if _edema_at_site().search(m.around):
        return "R60.0", "more specific: edema at a body part is localized (was R60.9)"
    return None


# the site groups of melanocytic nevi (D22.-): the region words of the mention's sentence
_NEVUS_SITES = (
    (re.compile(r"\b(?:back|chest|abdomen|abdominal|trunk|flank|buttocks?|torso|breast|groin|scapula\w*)\b", re.I), "D22.5"),
    (re.compile(r"\b(?:scalp|neck)\b", re.I), "D22.4"),
    (re.compile(r"\b(?:face|cheek|forehead|nose|nasal|chin|temple|jaw)\b", re.I), "D22.39"),
    (re.compile(r"\b(?:shoulder|arm|forearm|elbow|wrist|hand|finger|thumb|palm)s?\b", re.I), "D22.6"),
    (re.compile(r"\b(?:hip|thigh|leg|knee|shin|calf|ankle|foot|feet|toe|heel|sole)s?\b", re.I), "D22.7"),
)


# the site groups of a cutaneous abscess (L02.-) and a cellulitis (L03.-): (region words, abscess code, cellulitis
# code); a limb's codes end in its side (right, left, unspecified)
_SKIN_INFECTION_SITES = (
    (re.compile(r"\b(?:thighs?|legs?|knees?|shins?|calf|calves|ankles?|lower (?:limb|extremity))\b", re.I),
     ("L02.415", "L02.416", "L02.419"), ("L03.115", "L03.116", "L03.119")),
    (re.compile(r"\b(?:feet|foot|heels?|soles?|dorsum of (?:the )?foot)\b", re.I),
     ("L02.611", "L02.612", "L02.619"), ("L03.115", "L03.116", "L03.119")),
    (re.compile(r"\b(?:axilla|axillary|armpit)\b", re.I), ("L02.413", "L02.414", "L02.419"),
     ("L03.111", "L03.112", "L03.119")),
    (re.compile(r"\b(?:upper arm|forearms?|arms?|elbows?|wrists?|upper (?:limb|extremity))\b", re.I),
     ("L02.411", "L02.412", "L02.419"), ("L03.113", "L03.114", "L03.119")),
    (re.compile(r"\b(?:hands?|palms?|dorsum of (?:the )?hand)\b", re.I), ("L02.511", "L02.512", "L02.519"),
     ("L03.113", "L03.114", "L03.119")),
    (re.compile(r"\b(?:buttocks?|gluteal|glutes?)\b", re.I), ("L02.31",) * 3, ("L03.317",) * 3),
    (re.compile(r"\b(?:groin|inguinal)\b", re.I), ("L02.214",) * 3, ("L03.314",) * 3),
    (re.compile(r"\b(?:perineum|perineal)\b", re.I), ("L02.215",) * 3, ("L03.315",) * 3),
    (re.compile(r"\b(?:abdominal wall|abdomen|abdominal)\b", re.I), ("L02.211",) * 3, ("L03.311",) * 3),
    (re.compile(r"\bchest wall\b", re.I), ("L02.213",) * 3, ("L03.313",) * 3),
    (re.compile(r"\b(?:back|flank)\b", re.I), ("L02.212",) * 3, ("L03.312",) * 3),
    (re.compile(r"\b(?:face|cheek|chin|forehead|jaw)\b", re.I), ("L02.01",) * 3, ("L03.211",) * 3),
    (re.compile(r"\bneck\b", re.I), ("L02.11",) * 3, ("L03.221",) * 3),
    (re.compile(r"\bscalp\b", re.I), ("L02.811",) * 3, ("L03.811",) * 3),
)


def _skin_infection_site(code: str, m: Mention, icd) -> tuple[str, str] | None:
    """A cutaneous abscess or cellulitis of unspecified site (L02.91, L03.90) whose sentence names one region:
    that region's code (and side, for a limb)."""
    if code not in ("L02.91", "L03.90") or not m.said:
        return None
    regions = [(abscess, cellulitis) for rx, abscess, cellulitis in _SKIN_INFECTION_SITES if rx.search(m.around)]
    if len(regions) != 1:
        return None
    sides = [name for name, rx in _SIDES if rx.search(m.around) and name != "bilateral"]
    which = 0 if sides == ["right"] else 1 if sides == ["left"] else 2
    want = regions[0][0 if code == "L02.91" else 1][which]
    return (want, f"more specific: the infection's site is documented (was {code})") if icd.is_billable(want) else None


def _nevus_site(code: str, m: Mention, icd) -> tuple[str, str] | None:
    """A melanocytic nevus of unspecified site (D22.9) whose sentence names one region: that region's code (and
    side, for a limb)."""
    if code != "D22.9":
        return None
    # the mention's line ("Pathology: L upper back, shave: compound dysplastic nevus" splits into sentences)
    line = m.around
    at = m.note.find(m.around)
    if at >= 0:
        end = m.note.find("\n", at)
        line = m.note[m.note.rfind("\n", 0, at) + 1:end if end >= 0 else len(m.note)]
    regions = [site for rx, site in _NEVUS_SITES if rx.search(line)]
    if len(regions) != 1:
        return None
    site = regions[0]
    if site in ("D22.6", "D22.7"):   # a limb: the side the line names
        sides = [name for name, rx in _SIDES if rx.search(line) and name != "bilateral"]
        site += "1" if sides == ["right"] else "2" if sides == ["left"] else "0"
    return site, f"more specific: the nevus's site is documented (was {code})"


_HEMORRHOID_DEGREE = re.compile(r"\b(?:grade|stage)\s*(iv|iii|ii|i|[1-4])\b|\b(first|second|third|fourth|1st|2nd|3rd|4th)"
                                r"[- ]degree\b", re.I)
_DEGREE_NUMBER = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "first": 1, "second": 2, "third": 3, "fourth": 4,
                  "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}


def _hemorrhoid_degree(code: str, m: Mention, icd) -> tuple[str, str] | None:
    """Hemorrhoids of a documented grade or degree (K64.0-K64.3, "Grade/stage I hemorrhoids"), not the
    "without mention of degree" K64.8 or the unspecified K64.9."""
    if code not in ("K64.8", "K64.9") or not re.search(r"hemorrhoid", m.around, re.I):
        return None
    said = _HEMORRHOID_DEGREE.search(m.around)
    if said is None:
        return None
    word = (said.group(1) or said.group(2)).lower()
    n = _DEGREE_NUMBER.get(word) or int(word)
    return f"K64.{n - 1}", f"more specific: grade {n} hemorrhoids documented (was {code})"


def _nondisplaced(code: str, m: Mention, icd) -> tuple[str, str] | None:
    """I.C.19.c.1: displaced is only the default when the note does not say."""
    title = icd.title(code) or ""
    if code[:1] != "S" or not title.startswith("Displaced fracture") or not _NONDISPLACED.search(m.around):
        return None
    want = title.replace("Displaced fracture", "Nondisplaced fracture", 1)
    sibling = next((c for c in siblings(code, icd) if (icd.title(c) or "") == want), None)
    return (sibling, f"more specific: nondisplaced documented (was {code})") if sibling else None


_CHRONIC = re.compile(r"\bchronic\b", re.I)
_ACUTE = re.compile(r"\b(?:acute|acutely|new)\b", re.I)


def _chronic(code: str, m: Mention, icd) -> tuple[str, str] | None:
    """A code whose title begins "Acute" becomes its "Chronic" twin in the category when the mention's
    sentence says chronic and not acute ("chronic DVT left leg": I82.502, not I82.402)."""
    title = icd.title(code) or ""
    if not title.startswith("Acute ") or not m.documented or not _CHRONIC.search(m.around) \
            or _ACUTE.search(m.around):
        return None
    want = "Chronic " + title[len("Acute "):]
    twin = next((c for c in icd.billable_descendants(code[:3]) if (icd.title(c) or "") == want), None)
    return (twin, f"more specific: chronic documented (was {code})") if twin else None


_ACUTE_ULCER = re.compile(r"\bacute\s+(?:(?:bleeding|hemorrhagic|perforated|stress|nsaid[- ]induced)\s+)?"
                          r"(?:(?:gastric|duodenal|peptic|stomach|gastrojejunal|marginal|anastomotic|prepyloric|"
                          r"pyloric)\s+)?ulcers?\b|\bulcers?,?\s+acute\b", re.I)


def _ulcer_acuity(code: str, m: Mention, icd) -> tuple[str, str] | None:
    """A peptic ulcer is acute only when "acute" is the ulcer's own word: "Acute upper GI bleed from gastric
    ulcer" is an acute bleed of an ulcer of unstated acuity (K25.4, not K25.0)."""
    if not re.fullmatch(r"K2[5-8]\.[0-3]", code) or _ACUTE_ULCER.search(m.around):
        return None
    twin = f"{code[:4]}{int(code[4]) + 4}"
    return (twin, f"'acute' describes the bleeding, not the ulcer: {icd.title(twin)} (was {code})") \
        if icd.is_billable(twin) else None


_TOE = re.compile(r"\b(?:toes?|toenails?|hallux|halluces)\b", re.I)
_FINGER = re.compile(r"\b(?:fingers?|fingernails?|thumbs?)\b", re.I)


def _digit(code: str, m: Mention, icd) -> tuple[str, str] | None:
    """Paronychia, onychia and cellulitis of a digit by the digit the sentence names: the index sends both to
    L03.01- (finger) and L03.03- (toe); "ingrown toenail, L great toe, with paronychia" is L03.032."""
    if not code.startswith(("L03.01", "L03.02", "L03.03", "L03.04")):
        return None
    toe, finger = _TOE.search(m.around), _FINGER.search(m.around)
    if bool(toe) == bool(finger):
        return None
    group = {"1": "3", "2": "4"}.get(code[5]) if toe else {"3": "1", "4": "2"}.get(code[5])
    if group is None:
        return None
    twin = f"{code[:5]}{group}{code[6:]}"
    return (twin, f"the {'toe' if toe else 'finger'} is documented: {icd.title(twin)} (was {code})") \
        if icd.is_billable(twin) else None


_SEROPOSITIVE = re.compile(r"\b(?:seropositive|(?:rf|rheumatoid factor)[ -]?(?:\+|positive|pos)|positive (?:rf|rheumatoid "
                           r"factor)|with (?:rf|rheumatoid factor))\b|\b(?:rf|rheumatoid factor)\s+\d", re.I)
_SERONEGATIVE = re.compile(r"\b(?:seronegative|(?:rf|rheumatoid factor)[ -]?(?:negative|neg)|negative (?:rf|rheumatoid "
                           r"factor))\b", re.I)


_MANY_JOINTS = re.compile(r"\b(?:polyarticular|multiple (?:joints|sites)|(?:several|many) joints|polyarthritis)\b", re.I)


def _rheumatoid_factor(code: str, m: Mention, icd) -> tuple[str, str] | None:
    """Rheumatoid arthritis with or without rheumatoid factor, as the note documents it (M05.7- / M06.0-);
    of multiple sites when the note says the arthritis is polyarticular."""
    if not code.startswith(("M05", "M06")):
        return None
    many = code in ("M05.9", "M06.9", "M05.70", "M06.00") and _MANY_JOINTS.search(m.note)
    said_positive, said_negative = bool(_SEROPOSITIVE.search(m.note)), bool(_SERONEGATIVE.search(m.note))
    positive, negative = said_positive and not said_negative, said_negative and not said_positive
    if many and (positive or code.startswith("M05")) and code != "M05.79":
        target, why = "M05.79", "rheumatoid factor positive, multiple joints documented"
    elif many and (negative or code == "M06.00"):
        target, why = "M06.09", "rheumatoid factor negative, multiple joints documented"
    elif code.startswith(("M06.0", "M06.9")) and positive:
        target = "M05.9" if code == "M06.9" else "M05.7" + code[5:]
        why = "rheumatoid factor documented as positive"
    elif code.startswith("M05.7") and negative:
        target, why = "M06.0" + code[5:], "rheumatoid factor documented as negative"
    elif code == "M06.00" and not negative:
        # the plain "rheumatoid arthritis" reads the seronegative title, whose "without" the matcher drops
        target, why = "M06.9", "rheumatoid factor not documented (Index: Arthritis, rheumatoid M06.9)"
    else:
        return None
    return (target, f"more specific: {why} (was {code})") if icd.is_billable(target) else None


# a pulmonary artery larger than a subsegmental one: "segmental" (not "subsegmental"), lobar, main, saddle
_LARGER_PULMONARY_ARTERY = re.compile(r"\b(?<!sub)(?<!sub-)segmental\b|\b(?:lobar|main|saddle)\b", re.I)


def _subsegmental_only(code: str, m: Mention, icd) -> tuple[str, str] | None:
    """Subsegmental pulmonary embolism (I26.93/I26.94) whose sentence says larger arteries hold clot too: the
    embolism is not limited to the subsegmental arteries: I26.99, both without acute cor pulmonale."""
    if code not in ("I26.93", "I26.94") or not _LARGER_PULMONARY_ARTERY.search(m.around):
        return None
    return "I26.99", f"segmental or larger arteries are involved, not only subsegmental ones (was {code})"


_INFARCT_CAUSE = ((re.compile(r"\b(?:cardio)?embol(?:ic|ism|us|i)\b", re.I), "4", "embolism"),
                  (re.compile(r"\bthromb(?:otic|osis|us)\b", re.I), "3", "thrombosis"))
_INFARCT_WORD = re.compile(r"\b(?:stroke|infarct\w*|cva)\b", re.I)
_CEREBRAL_ARTERY = ((re.compile(r"\b(?:mca|middle cerebral)\b", re.I), "1", "middle cerebral artery"),
                    (re.compile(r"\b(?:aca|anterior cerebral)\b", re.I), "2", "anterior cerebral artery"),
                    (re.compile(r"\b(?:pca|posterior cerebral)\b", re.I), "3", "posterior cerebral artery"),
                    (re.compile(r"\b(?:cerebellar artery|pica|aica|sca)\b", re.I), "4", "cerebellar artery"))


def _cerebral_infarction(code: str, m: Mention, icd) -> tuple[str, str] | None:
    """A cerebral infarction of unspecified cause or vessel takes the mechanism (embolism, thrombosis)
    and the cerebral artery and side the sentence documents (I63.4-, I63.3-)."""
    if code not in ("I63.9", "I63.30", "I63.40", "I63.50"):
        return None
    # the mention's sentence, else the note's first current sentence that names the stroke with its cause
    # and vessel (the mention may be a header's "STROKE SERVICE"); "probable cardioembolic" still says the
    # cause: an uncertain one follows the setting like the infarction itself
    around = next((text for text in [m.around] + [m.note[x.start:x.end] for x in m.analysis.sentences
                                                   if _INFARCT_WORD.search(m.note, x.start, x.end)
                                                   and not m.analysis.context_at(x.start, x.end)
                                                   & {"negated", "hypothetical", "family", "history"}]
                   if any(rx.search(text) for rx, _, _ in _CEREBRAL_ARTERY)), None)
    if around is None:
        return None
    # (an artery named without the mechanism: "due to unspecified occlusion or stenosis" of it, I63.5-)
    cause = next(((d, w) for rx, d, w in _INFARCT_CAUSE if rx.search(around)), ("5", "occlusion or stenosis"))
    artery = next(((d, w) for rx, d, w in _CEREBRAL_ARTERY if rx.search(around)), None)
    sides = [name for name, rx in _SIDES if rx.search(around)]
    if len(sides) > 1:
        # "stroke of the left middle cerebral artery ..., with right hemiparesis": the side the artery's own words
        # carry (the weakness is on the other side)
        own = re.search(r"\b(right|left|bilateral|r|l)\.?\s+(?:(?:middle|anterior|posterior|internal|vertebral|"
                        r"basilar|cerebral|carotid|cerebellar)\s+){1,3}(?:cerebral\s+)?(?:arter|mca|aca|pca|ica)|"
                        r"\b(right|left|r|l)\s+(?:mca|aca|pca|ica)\b", around, re.I)
        if own is not None:
            said = (own.group(1) or own.group(2)).lower()
            sides = [{"r": "right", "l": "left"}.get(said, said)]
    side = {"right": "1", "left": "2", "bilateral": "3"}.get(sides[0], "9") if len(sides) == 1 else "9"
    target = f"I63.{cause[0]}{artery[0]}{side}"
    if target == code or not icd.is_billable(target):
        return None
    return target, f"more specific: {cause[1]} of the {artery[1]} documented (was {code})"


# several ribs: "ribs 5-7", "5th and 6th ribs", "two ribs", "multiple rib fractures", "ribs 4, 5 and 6"
_SEVERAL_RIBS = re.compile(
    r"\bribs\s*#?\d{1,2}(?:st|nd|rd|th)?\s*(?:-|–|to|through|and|&|,)\s*#?\d{1,2}\b|"
    r"\b\d{1,2}(?:st|nd|rd|th)?\s*(?:-|–|to|through|and|&|,)\s*\d{1,2}(?:st|nd|rd|th)?(?:\s*,?\s*(?:and\s+)?"
    r"\d{1,2}(?:st|nd|rd|th)?)*\s+(?:(?:left|right|l|r|posterior|anterior|lateral|anterolateral|posterolateral)\s+)*ribs?\b|"
    r"\b(?:two|three|four|five|six|several|multiple|\d)\s+(?:(?:left|right|l|r|adjacent|contiguous|consecutive)\s+)*"
    r"(?:rib\s+fractures|ribs|fractured\s+ribs)\b|\bribs\b[^.;]{0,30}\bfractures\b|\bfractures\b[^.;]{0,40}\bribs\b",
    re.I)


def _several_ribs(code: str, m: Mention, icd) -> tuple[str, str] | None:
    """A rib fracture (S22.3-, "fracture of one rib") whose words count two ribs or more is the multiple fractures
    of ribs code of that side (S22.4-); a flail chest has its own (S22.5-)."""
    if not code.startswith("S22.3") or len(code) != 8 or not _SEVERAL_RIBS.search(m.around):
        return None
    several = "S22.4" + code[5:]
    if icd.is_billable(several):
        return several, f"more specific: two ribs or more fractured (was {code})"
    return None


def _open_bite(code: str, m: Mention, icd) -> tuple[str, str] | None:
    """An open wound from a bite is the open bite code of the site (S01-S91, fifth character 5)."""
    if code[:1] != "S" or len(code) < 6 or code[5] not in "1234" or not _BITE.search(m.around):
        return None
    bite = code[:5] + "5" + code[6:]
    if icd.is_billable(bite) and (icd.title(bite) or "").startswith("Open bite"):
        return bite, f"more specific: a bite wound is the open bite code (was {code})"
    return None


def _documents_healing(note: str, analysis: NoteAnalysis) -> bool:
    """The note says this visit follows treatment (outside instructions and hypothetical scopes)."""
    for m in _ROUTINE_HEALING.finditer(note):
        if analysis.section_at(m.start()) == "disposition":
            continue
        if m.group(0).lower().startswith("reduced") and _REDUCED_HERE.search(note):
            continue   # ("reduced by orthopaedics" in an ED note whose course tells them performing it: this encounter's)
        if m.group(0).lower() == "subsequent encounter":
            # the coder's own words, denied only outright ("not a subsequent encounter"): a negation reaching them from
            # a list before ("Concussion without loss of consciousness sustained 09/14, recovery phase, subsequent
            # encounter") denies the list's items
            if not _DENIED_OUTRIGHT.search(note, max(0, m.start() - 12), m.start()):
                return True
            continue
        if analysis.context_at(m.start(), m.end()) & {"hypothetical", "negated"}:
            continue
        return True
    return False


_REDUCED_HERE = re.compile(r"\bperformed\b[^.\n]{0,40}\breduction\b|\breduction\b[^.\n]{0,30}\b(?:performed|done|"
                           r"successful)\b", re.I)
_DENIED_OUTRIGHT = re.compile(r"\b(?:not|no|non|nor|if)\b[^,;]*$", re.I)


_SEQUELA_WORDS = re.compile(r"\b(?:sequelae?|late effects?)\b(?! (?:not|ruled out))", re.I)


_INJURY_WORDS = re.compile(r"\b(?:injur\w*|trauma\w*|contusion|fracture|tbi|concussion|burn|laceration)\b", re.I)


def _sequela_told(m: Mention) -> re.Match | None:
    """A sentence of the note that calls a condition the late effect of an injury ("Epilepsy is a late effect
    (sequela) of the 2019 traumatic L temporal contusion"), outside negated and uncertain words."""
    key = "sequela_told"
    if key not in m.analysis.memo:
        m.analysis.memo[key] = next(
            (said for said in _SEQUELA_WORDS.finditer(m.note)
             if not m.analysis.context_at(said.start(), said.end()) & {"negated", "uncertain", "hypothetical", "family"}
             and (sent := m.analysis.sentence_at(said.start())) is not None
             and _INJURY_WORDS.search(m.note, sent.start, sent.end)), None)
    return m.analysis.memo[key]


# codes outside S and T with the injury's 7th characters: pathological and stress fractures, collapsed vertebrae
_FRACTURE_7TH = ("M80", "M84.3", "M84.4", "M84.5", "M84.6", "M48.5")


def _healing(code: str, m: Mention, icd) -> tuple[str, str] | None:
    if (code[:1] not in "ST" and not code.startswith(_FRACTURE_7TH)) or len(code) != 8:
        return None
    # an injury whose sentence says it left a sequela ("epilepsy is a late effect of the 2019 contusion"): the
    # injury's code with 7th character S, after the condition it left (I.B.10, I.C.19.a)
    if code.endswith(("A", "D")) and (said := _SEQUELA_WORDS.search(m.around) or _sequela_told(m)) is not None \
            and icd.is_billable(code[:-1] + "S"):
        return code[:-1] + "S", f"7th character S: the note calls it the injury's {said.group(0).lower()} (was {code})"
    # a fracture seen after treatment whose healing the note calls delayed, or a nonunion or malunion
    if code.endswith(("A", "D")) and "fracture" in (icd.title(code) or "").lower():
        for rx, seventh, what in _FRACTURE_HEALING:
            if any(not m.analysis.context_at(x.start(), x.end()) & {"negated", "hypothetical", "family"}
                   and not _NOT_YET.match(m.note, x.end()) for x in rx.finditer(m.note)):
                later = code[:-1] + seventh
                if icd.is_billable(later):
                    return later, f"7th character {seventh}: {what} documented (was {code})"
    if not code.endswith("A") or not _documents_healing(m.note, m.analysis):
        return None
    later = code[:-1] + "D"
    if icd.is_billable(later):
        return later, f"7th character D: the note documents routine healing after treatment (was {code})"
    return None


_FRACTURE_HEALING = ((re.compile(r"\bnon-?union\b", re.I), "K", "a nonunion"),
                     (re.compile(r"\bmal-?union\b", re.I), "P", "a malunion"),
                     (re.compile(r"\bdelayed (?:healing|union)\b", re.I), "G", "delayed healing"))
_NOT_YET = re.compile(r"\s*(?:not yet|is not|not present|unlikely|ruled out|\?)", re.I)


def _identified_influenza(code: str, m: Mention, icd) -> tuple[str, str] | None:
    """I.C.10.c: influenza whose type (A or B) the note documents is an identified virus, J10, not J11."""
    if not code.startswith("J11"):
        return None
    found = _told_in_note(_FLU_TYPED, m, {"negated", "hypothetical", "family", "history", "uncertain"})
    identified = "J10" + code[3:]
    if found is None or not icd.is_billable(identified):
        return None
    return identified, (f"influenza {found.group(0)[-1].upper()} identified: {identified} in place of {code} "
                        f"(guideline I.C.10.c)")


def _told_in_note(rx: re.Pattern, m: Mention, unsaid: set[str]) -> re.Match | None:
    """The note's first match of ``rx`` that none of the context kinds ``unsaid`` covers."""
    return next((f for f in rx.finditer(m.note) if not m.analysis.context_at(f.start(), f.end()) & unsaid), None)


def _vaping(code: str, m: Mention, icd) -> tuple[str, str] | None:
    """Nicotine dependence on e-cigarettes is 'other tobacco product' (F17.29-), not cigarettes (F17.21-)."""
    if not code.startswith(("F17.21", "F17.20")):
        return None
    if not _VAPING.search(m.around) or re.search(r"\bcigarettes?\b", _VAPING.sub(" ", m.around)):
        return None   # no vaping, or cigarettes too
    return "F17.29" + code[-1], f"nicotine dependence on e-cigarettes is another tobacco product (F17.29-), not {code}"


_CIGARETTES = re.compile(r"\b(?:cigarettes?|cigs?|ppd|packs?(?:[- ]years?)?(?: (?:a|per) day)?|pk[- ]?yrs?|py)\b", re.I)


def _cigarettes(code: str, m: Mention, icd) -> tuple[str, str] | None:
    """Nicotine dependence, unspecified product (F17.20-), is on cigarettes (F17.21-) when the words say packs or
    cigarettes ("smokes 1 ppd", "smoker, 40 pack-years"); not beside a vaping word (F17.29-)."""
    if not code.startswith("F17.20") or not _CIGARETTES.search(m.around) or _VAPING.search(m.around):
        return None
    return "F17.21" + code[-1], f"the note says cigarettes ({_CIGARETTES.search(m.around).group(0)}): F17.21{code[-1]}"


def _pregnancy_diabetes(code: str, m: Mention, icd) -> tuple[str, str] | None:
    """Gestational diabetes of unspecified control (O24.419, O24.429, O24.439) by the control the note documents."""
    if not re.fullmatch(r"O24\.4[123]9", code):
        return None
    for rx, digit, words in _PREGNANCY_DIABETES_CONTROL:
        if any(not m.analysis.context_at(f.start(), f.end()) & {"negated", "hypothetical", "family"}
               for f in rx.finditer(m.note)):
            return code[:-1] + digit, f"more specific: {words} (was {code})"
    return None


def _childbirth(code: str, m: Mention, icd) -> tuple[str, str] | None:
    """I.C.15.a.3: when the delivery is at this admission, a pregnancy condition's "in childbirth" code
    where it has one (O14.1- severe pre-eclampsia: O14.14; O24.41- gestational diabetes: O24.42-)."""
    title = icd.title(code) or ""
    if code[:1] != "O" or "childbirth" in title or not re.search(r"unspecified trimester|in pregnancy", title):
        return None
    if not delivered(m.note, m.analysis):
        return None
    if "unspecified trimester" in title:
        pool, base = siblings(code, icd), frozenset(tokenize(title)) - _TRIMESTER_AXIS
    else:
        parent = icd.parent(code)
        grand = icd.parent(parent) if parent else None
        pool, base = (icd.billable_descendants(grand) if grand else []), frozenset(tokenize(title)) - _PREGNANCY_AXIS
    target = next((c for c in pool if "childbirth" in (icd.title(c) or "")
                   and frozenset(_tokens(icd.title(c) or "")) - _CHILDBIRTH_AXIS == base), None)
    return (target, f"more specific: delivered at this encounter, the 'in childbirth' code (was {code})") \
        if target else None


def documented_trimester(note: str, analysis: NoteAnalysis) -> str | None:
    """"first", "second" or "third": the trimester the weeks of gestation give, or else the one the note names
    first ("low risk in first trimester" later in a second-trimester note is an earlier time)."""
    if (weeks := weeks_of_gestation(note, analysis)) is not None:
        n = int(weeks[0][4:])
        return "first" if n < 14 else "second" if n < 28 else "third"
    named = [(m.start(), name) for rx, name in _TRIMESTER_WORDS for m in rx.finditer(note)
             if not analysis.context_at(m.start(), m.end()) & {"history", "negated", "hypothetical"}]
    return min(named)[1] if named else None


def _trimester(code: str, m: Mention, icd) -> tuple[str, str] | None:
    """I.C.15.a.3: a pregnancy code of unspecified trimester takes the trimester the note documents (its
    words, or the weeks of gestation)."""
    if code[:1] not in "OZ" or "unspecified trimester" not in (icd.title(code) or ""):
        return None
    which = documented_trimester(m.note, m.analysis)
    if which is None:
        return None
    title = (icd.title(code) or "").replace("unspecified trimester", f"{which} trimester")
    sibling = next((c for c in siblings(code, icd) if (icd.title(c) or "") == title), None)
    return (sibling, f"more specific: {which} trimester documented (was {code})") if sibling else None


def _poisoning(code: str, m: Mention, icd) -> tuple[str, str] | None:
    """A poisoning by a drug (T36-T50, 6th character 1-4): the drug class and intent the sentence names."""
    if not ("T36" <= code[:3] <= "T50") or len(code) < 8 or code[6] not in "1234" or not m.said:
        return None
    stems = {stem for stem, _ in drug_class_stems(m.around)}
    intent = next((digit for digit, _, rx in _INTENTS if rx.search(m.around)), code[6])
    stem = next(iter(stems))[:6] if len(stems) == 1 else code[:6]
    target = stem + intent + code[7:]
    if target == code or not icd.is_billable(target):
        return None
    said = [f"the drug named ({icd.title(target)})"] if stem != code[:6] else []
    said += [f"{why} documented" for digit, why, _ in _INTENTS if digit == intent != code[6]]
    return target, f"more specific: {' and '.join(said)} (was {code}; guideline I.C.19.e.5.b)"


# Index: "Fall, same level, from slipping, tripping or stumbling W01.-" (W01.0- without striking an object)
_SLIPPED = re.compile(r"\b(?:slip\w*|trip(?:s|ped|ping)?|stumbl\w*)\b", re.I)
_STRUCK = re.compile(r"\b(?:struck|striking|hit(?:ting)?|strik\w*)\b", re.I)


def _slipped(code: str, m: Mention, icd) -> tuple[str, str] | None:
    """A fall on the same level of no stated kind (W18.30) whose sentence says the patient slipped, tripped or
    stumbled: W01.0- (W01.10- when an object was struck, which the index reads by the object)."""
    if not code.startswith("W18.30") or not _SLIPPED.search(m.around) or _STRUCK.search(m.around):
        return None
    target = "W01.0XX" + code[7:]
    return (target, f"the fall was from slipping, tripping or stumbling (Index: Fall, same level, from slipping "
                    f"W01.-; was {code})") if icd.is_billable(target) else None


# Table of Drugs and Chemicals, "Carbon monoxide (from incomplete combustion)": its source (T58.0- motor vehicle or
# engine exhaust, T58.1- utility gas, T58.2- domestic fuels burnt in a furnace, stove, heater or fireplace)
_CO_SOURCES = (("0", re.compile(r"\b(?:exhaust|generators?|motor vehicles?|cars?|trucks?|engines?|idling)\b", re.I)),
               ("1", re.compile(r"\b(?:utility gas|natural gas|gas (?:leak|line|main))\b", re.I)),
               ("2", re.compile(r"\b(?:furnaces?|stoves?|(?:space |water )?heaters?|charcoal|grills?|hibachi|"
                                r"fireplaces?|wood[- ]burning|kerosene|boilers?)\b", re.I)))


def _carbon_monoxide(code: str, m: Mention, icd) -> tuple[str, str] | None:
    """Carbon monoxide from an unspecified source (T58.9-): the source and intent the sentence names."""
    if not code.startswith("T58.9") or len(code) < 8:
        return None
    source = next((digit for digit, rx in _CO_SOURCES if rx.search(m.around)), "9")
    intent = next((digit for digit, _, rx in _INTENTS if rx.search(m.around)), code[5])
    # (T58.01XA, T58.11XA; the domestic fuels' T58.2X1A keeps the placeholder before the intent)
    target = f"T58.2X{intent}{code[7:]}" if source == "2" else f"T58.{source}{intent}X{code[7:]}"
    if target == code or not icd.is_billable(target):
        return None
    return target, f"more specific: the carbon monoxide's source or intent documented ({icd.title(target)}; was {code})"


# Index: "Epilepsy, tonic(-clonic) - see Epilepsy, generalized, specified NEC" and "Grand mal - see Epilepsy,
# generalized, specified NEC" (G40.4-); an idiopathic generalized epilepsy is G40.3-
_OTHER_EPILEPSY = re.compile(r"\b(?:idiopathic generali[sz]ed|localization[- ]related|(?:focal|partial)(?:[- ]onset)?"
                            r"(?: impaired awareness| aware| motor)? (?:seizures?|epilepsy))\b", re.I)
_GENERALIZED_SEIZURES = re.compile(r"\b(?:(?:generali[sz]ed )?tonic[- ]clonic|grand mal|gtcs?)\b", re.I)


def _generalized_epilepsy(code: str, m: Mention, icd) -> tuple[str, str] | None:
    """An unspecified epilepsy (G40.9-) whose seizures the note calls tonic-clonic or grand mal: G40.4-."""
    if not code.startswith("G40.9") or _OTHER_EPILEPSY.search(m.note):
        return None   # (a focal seizure becoming bilateral tonic-clonic is a focal epilepsy's)
    target = "G40.4" + code[5:]
    if _told_in_note(_GENERALIZED_SEIZURES, m, {"negated", "hypothetical", "family", "uncertain"}) is None \
            or not icd.is_billable(target):
        return None
    return target, (f"generalized tonic-clonic seizures documented: {target} (Index: Epilepsy, tonic(-clonic), see "
                    f"Epilepsy, generalized, specified NEC) in place of {code}")


# Parkinson's disease (G20.A-/G20.B-) by its two axes: dyskinesia, and motor fluctuations (OFF episodes)
# ("no dyskinesia", "tardive dyskinesia" of a neuroleptic are neither)
_DYSKINESIA = re.compile(r"\b(?<!tardive )dyskinesias?\b|\bdyskinetic\b|\bchoreiform\b", re.I)
_FLUCTUATIONS = re.compile(r"\b(?:motor )?fluctuations?\b|\bwearing[- ]off\b|\bon[- /]off\b|"
                           r"\boff (?:episodes?|periods?|time|state|spells?)\b|(?-i:\bOFF\b)", re.I)


def _parkinson_motor(code: str, m: Mention, icd) -> tuple[str, str] | None:
    """Parkinson's disease with dyskinesia (G20.B-) and with fluctuations (G20.x2) when the note tells them ("peak-dose
    dyskinesias", "wearing-off, OFF ~4 h/day"); the code never loses an axis it already has."""
    if not code.startswith(("G20.A", "G20.B")) or code == "G20.B2":
        return None
    unsaid = {"negated", "hypothetical", "family", "uncertain"}
    dyskinesia = code.startswith("G20.B") or _told_in_note(_DYSKINESIA, m, unsaid) is not None
    fluctuations = code.endswith("2") or _told_in_note(_FLUCTUATIONS, m, unsaid) is not None
    want = ("G20.B" if dyskinesia else "G20.A") + ("2" if fluctuations else "1")
    if want == code or not icd.is_billable(want):
        return None
    return want, f"the note tells {'dyskinesia and ' if dyskinesia else ''}{'motor fluctuations' if fluctuations else ''}" \
                 .removesuffix(" and ") + f": {icd.title(want)} (was {code})"


# Lymphomas (C81-C85) by their 5th character: the lymph node regions the note names, or remission (A, FY2025)
_NODE_REGIONS = (
    ("1", re.compile(r"\b(?:cervical|supraclavicular|submandibular|submental|occipital|pre-?auricular|post-?auricular|"
                     r"jugular|neck|head and neck)\b", re.I)),
    ("2", re.compile(r"\b(?:mediastinal|hilar|intrathoracic|paratracheal|subcarinal|thoracic)\b", re.I)),
    ("3", re.compile(r"\b(?:mesenteric|retroperitoneal|para-?aortic|peri-?aortic|portal|celiac|intra-?abdominal|"
                     r"abdominal|porta hepatis)\b", re.I)),
    ("4", re.compile(r"\b(?:axillary|axilla|epitrochlear)\b", re.I)),
    ("5", re.compile(r"\b(?:inguinal|femoral|popliteal)\b", re.I)),
    ("6", re.compile(r"\b(?:iliac|pelvic|obturator|intrapelvic)\b", re.I)),
)
_NODES = re.compile(r"\b(?:nodes?|nodal|lymphadenopathy|adenopathy|lad|ln)\b", re.I)
IN_REMISSION = re.compile(r"(?<!not )(?<!never )\b(?:in|into|achieved|remains? in) (?:a |complete |partial |continued |"
                          r"sustained |early |full )?(?:remission|cr)\b", re.I)


@lru_cache(maxsize=1024)
def remission_code(code: str, icd) -> str | None:
    """The "in remission" code of ``code``'s subcategory (C92.00 -> C92.01, C83.30 -> C83.3A, F10.20 -> F10.21) for the
    blood cancers and the substance disorders, or None."""
    if not (code[:1] == "C" and "C81" <= code[:3] <= "C96") and not code.startswith("F1"):
        return None
    return next((c for c in icd.billable_descendants(code[:5])
                 if re.search(r",? in (?:early |sustained )?remission$", (icd.title(c) or "").lower())
                 and "not having" not in (icd.title(c) or "").lower()), None)


def _in_remission(code: str, m: Mention, icd) -> tuple[str, str] | None:
    """A blood cancer or a substance disorder its sentence calls in remission ("AML in complete remission"): the
    subcategory's remission code (C92.01, C83.3A)."""
    if not m.said or not IN_REMISSION.search(m.around) or (want := remission_code(code, icd)) in (None, code):
        return None
    return want, f"in remission: {icd.title(want)} (was {code})"


_FOLLICULAR_GRADE = re.compile(r"\bgrade\s*(1|2|3\s*a|3\s*b|3|iiia|iiib|iii|ii|i)\b(?!\s*(?:-|to|or)\s*\w)", re.I)
_GRADE_DIGIT = {"1": "0", "i": "0", "2": "1", "ii": "1", "3": "2", "iii": "2", "3a": "3", "iiia": "3", "3b": "4",
                "iiib": "4"}


# the parts of the breast C50.0-C50.6 name; a tumor the sentence places in two of them is of overlapping sites (C50.8-)
_BREAST_PARTS = (("1", re.compile(r"\bcentral portion\b|\bsubareolar\b|\bretroareolar\b", re.I)),
                 ("2", re.compile(r"\bupper[- ]inner\b|\buiq\b", re.I)),
                 ("3", re.compile(r"\blower[- ]inner\b|\bliq\b", re.I)),
                 ("4", re.compile(r"\bupper[- ]outer\b|\buoq\b", re.I)),
                 ("5", re.compile(r"\blower[- ]outer\b|\bloq\b", re.I)),
                 ("6", re.compile(r"\baxillary tail\b", re.I)))


_OVERLAPPING = re.compile(r"\boverlapping (?:quadrants|sites|lesion)\b", re.I)


def _overlapping_breast(code: str, m: Mention, icd) -> tuple[str, str] | None:
    """A breast cancer whose sentence places it in two parts of the breast ("spanning the upper-outer and lower-outer
    quadrants") is of overlapping sites, C50.8- (I.C.2: a neoplasm overlapping two contiguous sites)."""
    if not re.match(r"C50\.[0-69]\d\d$", code):
        return None
    parts = {digit for digit, rx in _BREAST_PARTS if rx.search(m.around)}
    want = "C50.8" + code[5:]
    if (len(parts) < 2 and not _OVERLAPPING.search(m.around)) or not icd.is_billable(want):
        return None
    return want, f"the sentence places the tumor in two parts of the breast: {icd.title(want)} (was {code})"


def _follicular_grade(code: str, m: Mention, icd) -> tuple[str, str] | None:
    """A follicular lymphoma of unspecified grade (C82.9-) whose sentence gives its grade ("grade 2", "grade 3A"):
    C82.0- to C82.4- (not a range: "grade 1-2")."""
    if not code.startswith("C82.9") or (found := _FOLLICULAR_GRADE.search(m.around)) is None:
        return None
    want = "C82." + _GRADE_DIGIT[re.sub(r"\s+", "", found.group(1).lower())] + code[5:]
    if not icd.is_billable(want):
        return None
    return want, f"the follicular lymphoma's grade is documented: {icd.title(want)} (was {code})"


def _lymphoma_site(code: str, m: Mention, icd) -> tuple[str, str] | None:
    """A lymphoma of unspecified site (C81-C85, 5th character 0) is the one of the node regions the note names with
    its nodes ("stage IIA (mediastinal and hilar nodes)": intrathoracic, 2; two regions or more: multiple sites, 8)."""
    if not re.match(r"C8[1-5]\.\d0$", code):
        return None
    regions = set()
    for sent in m.analysis.sentences_matching(_NODES):
        for digit, rx in _NODE_REGIONS:
            if any(not m.analysis.context_at(sent.start + f.start(), sent.start + f.end()) & _CONTEXTS_NOT_DOCUMENTED
                   for f in rx.finditer(sent.text)):
                regions.add(digit)
    if not regions:
        return None
    want = code[:-1] + (regions.pop() if len(regions) == 1 else "8")
    if not icd.is_billable(want):
        return None
    return want, f"the lymph node regions the note names: {icd.title(want)} (was {code})"


# The steps in the order they apply; a later step sees the code an earlier one chose. The guideline
# layer turns past conditions into history codes between the two groups.
# "Acute suppurative otitis media, R ear, w/ spontaneous rupture of TM", "AOM with perforation": the ear drum's
# rupture the sentence tells (not "TM intact", "without perforation")
_RUPTURE = re.compile(r"(?<!no )(?<!without )(?<!w/o )\b(?:spontaneous(?:ly)? )?(?:rupture[sd]?|perforat\w*)\b", re.I)
_NO_RUPTURE = re.compile(r"\b(?:no|not|without|w/o|intact)\b[^.;,]{0,25}\b(?:rupture|perforat)|\b(?:rupture|perforat)\w*"
                         r"[^.;,]{0,15}\b(?:absent|ruled out)\b", re.I)


def _ruptured_ear_drum(code: str, m: Mention, icd) -> tuple[str, str] | None:
    """Acute suppurative otitis media "without spontaneous rupture of ear drum" (H66.00-), where the sentence tells the
    rupture or perforation: the with-rupture twin (H66.01-)."""
    if not code.startswith("H66.00") or not _RUPTURE.search(m.around) or _NO_RUPTURE.search(m.around):
        return None
    want = "H66.01" + code[6:]
    if not icd.is_billable(want):
        return None
    return want, f"the ear drum's rupture is documented: {icd.title(want)} (was {code})"


FIRST_STEPS: tuple[Step, ...] = (_burn_degree, _prostate_symptoms, _ulcer_acuity, _digit, _joint_site, _ruptured_ear_drum, _migraine_aura, _with_hyperglycemia, _overlapping_breast, _side, _chronic, _rheumatoid_factor, _cerebral_infarction, _intractable,
                                 _documented_sibling,
                                 _several_ribs, _arthritis_organism, _osteomyelitis_site, _nondisplaced, _open_bite, _healing,
                                 _identified_influenza, _poisoning, _localized_edema, _hemorrhoid_degree, _nevus_site, _skin_infection_site,
                                 _generalized_epilepsy, _subsegmental_only, _carbon_monoxide, _slipped, _parkinson_motor,
                                 _in_remission, _follicular_grade, _lymphoma_site)
LATER_STEPS: tuple[Step, ...] = (_vaping, _cigarettes, _pregnancy_diabetes, _childbirth, _trimester)
STEPS = FIRST_STEPS + LATER_STEPS


# Steps that read the whole note, not the mention's sentence: they apply to a suggestion without evidence too.
NOTE_STEPS = frozenset({_rheumatoid_factor, _cerebral_infarction, _identified_influenza, _pregnancy_diabetes,
                        _childbirth, _trimester, _generalized_epilepsy, _parkinson_motor, _lymphoma_site})


def specific_variants(code: str, mention: Mention, icd) -> list[str]:
    """The more specific codes the steps lead ``code`` to, for this mention (each billable)."""
    out = []
    for step in STEPS:
        found = step(code, mention, icd)
        if found is not None and icd.is_billable(found[0]):
            code = found[0]
            out.append(code)
    return out
