"""Core-word matching of code texts against a sentence's words.

Every code text (ICD title or inclusion term, CPT/HCPCS description) has a set
of *core* words: the words a mention must contain for the text to apply
(without nonessential modifiers in parentheses and without the words of an
"unspecified"/"NOS"/"without complication"/encounter axis). A code text matches
a sentence when all its core words occur close together in it, in any order.

This module holds the index from rarest core word to code texts (cached on
disk) and the per-sentence matching loop; the code-tree questions (a header's
billable default, a laterality refinement) are :mod:`medcoder_tui.engines.diagnoses.hierarchy`.
Turning a note into tokens is :mod:`medcoder_tui.engines.diagnoses.retrieval`, ordering
the candidates :mod:`medcoder_tui.engines.diagnoses.ranking`.
"""

from __future__ import annotations

import bisect
import hashlib
import math
import pickle
import re
import threading
import weakref
from array import array
from dataclasses import dataclass
from functools import lru_cache

from medcoder_tui import paths
from medcoder_tui.codes.index_terms import INDEX_TERMS
from medcoder_tui.codes.search import LookupIndex
from medcoder_tui.codes.text import STOPWORDS, make_surface, stem
from medcoder_tui.codes.text import fold as _fold
from medcoder_tui.fileutil import damaged_cache_notice as _damaged_cache_notice
from medcoder_tui.fileutil import load_pickle as _load_pickle
from medcoder_tui.fileutil import remove_stale as _remove_stale
from medcoder_tui.fileutil import write_atomic as _write_atomic
from medcoder_tui.engines.diagnoses.hierarchy import CodeHierarchy
from medcoder_tui.engines.diagnoses.skin_table import site_stems
from medcoder_tui.engines.diagnoses.hierarchy import refine_tokens as _refine_tokens  # noqa: F401 - retrieval uses it

MATCHER_FORMAT = 43
PARTIAL_LOSS = 1.0
# a token's list-item number counts the items a semicolon ends in thousands (the commas' in units)
SEMICOLON_ITEM = 1000
# How many other words may sit between the words of one mention.
WINDOW_EXTRA = 2

# Words that never form a mention on their own: too general to name a condition.
_WEAK = frozenset(
    "other specified unspecified type left right bilateral acute chronic disease disorder condition "
    "syndrome state status site part region lower upper body stage degree mild moderate severe "
    "primary secondary single multiple first second third initial subsequent encounter use "
    "complication abnormal abnormality finding findings due without with 1 2 3 4 5 6 7 8 9 0 "
    "elsewhere classified history activity exposure accident axis tissue soft connective donor contact "
    "procedure examination test result level".split()
)
# Free-axis chunks of a title after its first comma: the note need not say them.
_FREE_CHUNK = re.compile(
    r"^\s*(?:unspecified|not specified|site not specified|nos|uncomplicated|not elsewhere classified|"
    r"without\b|initial encounter|unspecified site|not intractable|with or without|except\b|"
    r"not classified|so stated|any site)"
)
_ROMAN_NUMBERS = frozenset({"i", "ii", "iii", "iv", "v"})
_OPTIONAL = frozenset({"disease", "disorder", "condition", "nos"})
_SIDE_WORDS = frozenset({"right", "left", "bilateral"})
# Inclusion notes that name a site a category covers, not a condition: no mention of the site is the disease
_SITE_INCLUSIONS = frozenset({"anal canal"})
# Qualifiers a note often leaves out ("weight loss" for "abnormal weight loss"), and the "non-"
# words that name the index default ("aortic stenosis" is the nonrheumatic I35.0; the rheumatic
# and congenital codes need their word). Not "nondisplaced": an unstated fracture is displaced.
_SOFT = frozenset({"abnormal", "localized", "essential", "primary", "idiopathic", "acquired", "simple",
                   "gland", "organ", "nonrheumatic", "nontraumatic", "noninfective", "noninfectious",
                   "nonthermal", "nonvenomous", "noninflammatory", "nonsuppurative", "nonspecific",
                   "nonpyogenic", "intra",
                   # Index: Abscess, axilla (region) L02.41-: a site's abscess is the skin's without "cutaneous"
                   "cutaneous",
                   # "distal radius" is the tabular's "lower end of radius" (and "proximal humerus" its "upper end")
                   "end",
                   # "Pressure ulcer of sacral region": the site names it, not the word "region"
                   "region", "area",
                   # "ulnar styloid", "coracoid fracture": the tabular's "styloid process", "coracoid process"
                   "process",
                   # "dislocation of the right shoulder": the tabular's "Unspecified dislocation of right shoulder joint"
                   "joint"})
# "of unspecified site": words naming an axis the code leaves open, not a body part.
_UNSPEC_AXIS = re.compile(
    r"\bunspecified\s+(?:site|sites|behavior|part|parts|organism|type|side|trimester|region|degree|severity|"
    r"episode|location|cause|agent|stage|morphology|laterality|origin|nature)\b"
)
_OPEN_FRACTURE = re.compile(r"\binitial encounter for open fracture\b")
_STRAIN_TISSUE = frozenset({"muscle", "fascia", "tendon", "level"})
_PAREN = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
_DIABETES = re.compile(r"\b(?:type 2 )?diabetes mellitus\b")


@dataclass(slots=True)
class _Match:
    sid: int
    positions: tuple[int, ...]
    score: float
    dominated: bool = False
    partial: bool = False
    fraction: float = 1.0   # share of the code text's core words the mention says



_HYPHENATED = re.compile(r"\b([a-z]{3,})-([a-z]{3,})\b")


@lru_cache(maxsize=1)
def _table_site_words() -> frozenset[str]:
    """The stems of the words that name sites in the Table of Neoplasms ("spinal", "cord", "plexus", "gland"),
    less the Table's words that qualify a neoplasm, not a place."""
    from medcoder_tui.codes.index_data import neoplasm_table

    table = neoplasm_table()
    words = {stem(w) for i in range(len(table.rows)) for part in table.path(i)
             for w in re.findall(r"[a-z]+", part.lower())}
    return frozenset(words - {stem(w) for w in _NOT_SITE_WORDS.split()} - STOPWORDS)


_NOT_SITE_WORDS = ("generalized primary secondary malignant benign disseminated carcinoid multiple overlapping lesion "
                   "neoplasm tumor unspecified other specified nec nos site sites see also")


def core_tokens(text: str, site_required: bool = False) -> tuple[str, ...]:
    """The words a mention must contain for this code text to apply.

    ``site_required`` (injury codes): a ", unspecified hip" chunk leaves the side
    open but names the site, so "hip" stays required; "Laceration" alone is no hip.
    """
    folded = _fold(_PAREN.sub(" ", text))
    # Diabetes of no stated type is type 2 (guideline I.C.4.a.2), and notes rarely say "mellitus":
    # "Type 2 diabetes mellitus with diabetic nephropathy" applies to "diabetic nephropathy".
    folded = _DIABETES.sub("diabetes", folded)
    words: list[str] = []
    n_before = 0
    for i, chunk in enumerate(folded.split(",")):
        if _OPEN_FRACTURE.search(chunk):
            words.append("open")   # (an open fracture's initial encounter is said: "open" is a word the note must have)
        if i > 0 and _FREE_CHUNK.search(chunk):
            site = re.fullmatch(r"\s*unspecified\s+([a-z ]+?)\s*", chunk) if site_required else None
            if site is None or _UNSPEC_AXIS.search(chunk) or site.group(1) in ("site", "body region"):
                continue
            chunk = site.group(1)
        chunk = re.sub(r"\bwithout complications?\b|\bnos\b|\bnot elsewhere classified\b|"
                       r"\b(?:as the )?cause of diseases? classified elsewhere\b|\bin diseases? classified elsewhere\b",
                       " ", chunk)
        # "of unspecified behavior", "of unspecified site": the unspecified axis is not said in notes
        chunk = _UNSPEC_AXIS.sub(" ", chunk)
        # "Laceration without foreign body of scalp": the default, but the site after it is kept
        chunk = re.sub(r"\bwithout foreign body\b", " ", chunk)
        # "Burn of first degree of single right finger (nail) except thumb": what the site leaves out is not said
        chunk = re.sub(r"\bexcept thumb\b", " ", chunk)
        # "... without perforation or abscess": the default a plain mention stands for
        if i > 0 or not chunk.strip().startswith("without"):
            chunk = re.sub(r"\bwithout\b(?:(?!\bwith\b).)*", " ", chunk)
        # "Chronic or unspecified duodenal ulcer with hemorrhage": a plain "duodenal ulcer" is the unspecified one
        chunk = re.sub(r"\b[a-z]+ or unspecified\b", " ", chunk)
        chunk = re.sub(r"\bunspecified\b", " ", chunk)
        chunk = re.sub(r"\s*initial encounter.*$", " ", chunk)
        for w in re.findall(r"[a-z0-9]+", chunk):
            if w not in STOPWORDS:
                words.append(stem(w))
        if i == 0:   # what the condition's own phrase names
            named = {w for w in words if w not in _OPTIONAL and w not in ("other", "specified")}
            sided = True
        elif len(words) > n_before and not _SIDE_WORDS & set(words[n_before:]):
            sided = False   # ", current episode manic": more than a side and site after the comma
        n_before = len(words)
    if folded.startswith("strain of "):
        # a strain is of muscle and tendon by definition: the stock "muscle(s), fascia and tendon(s) at thigh level" names
        # no site ("hamstring strain", "strain of the lower back muscles"); the muscle of a "posterior muscle group" does
        words = [w for i, w in enumerate(words) if w not in _STRAIN_TISSUE
                 or (w == "muscle" and i + 1 < len(words) and words[i + 1] == "group")]
    core = tuple(dict.fromkeys(words))
    # "X disease"/"disorder of X" name X: the generic head word is optional.
    lean = tuple(w for w in core if w not in _OPTIONAL)
    # Only when two words remain: "disorder of bone" must not fire on every "bone"; nor "Unspecified disorder
    # of patella, right knee" on every "R knee ... patella" (the side and site after the comma name no disorder).
    if len(named) < 2 and sided and len(lean) > len(named) and len(lean) < len(core):
        lean = ()
    if lean and len(lean) < len(core) and all(w in _table_site_words() for w in lean):
        # "Disease of spinal cord", "Brachial plexus disorders", "Disorder of pituitary gland": words that only
        # name a body part keep the head word ("spinal cord stimulator", "brachial plexus block" are no disease)
        lean = ()
    core = lean if len(lean) >= 2 and not all(w in _WEAK for w in lean) else core
    # ("End stage renal disease": there the end is the disease's stage, not a bone's end, and is said)
    optional = _SOFT - {"end"} if re.search(r"\bend[- ]stage\b", folded) else _SOFT
    soft = tuple(w for w in core if w not in optional)
    if len(soft) <= 2 and any(w in _POSITION_WORDS for w in soft) and len(soft) < len(core):
        return core   # ("Primary lateral sclerosis": "lateral sclerosis" is a position and a word of any X-ray report)
    return soft if len(soft) >= 2 and not all(w in _WEAK for w in soft) else core


class _Matcher:
    """Core-word index over one LookupIndex: rarest core word -> code texts."""

    def __init__(self, index: LookupIndex) -> None:
        index._ensure()
        self.index = index
        # rarest core word -> (surface ids, their core words, probes), in surface order: parallel
        # sequences, not a list of (sid, core) pairs (80k pairs and ints cost 7 MB per process). A
        # probe is the two next rarest core words of a text of 3+ words: both absent from a
        # sentence, the text cannot match it (nine visits in ten end there, after two lookups).
        self.by_key: dict[str, tuple[array, tuple[tuple[str, ...], ...], tuple]] = {}
        n = index._n
        self.idf: dict[str, float] = {}
        self.core_weight: dict[int, float] = {}   # a code text's summed core-word idf, filled as texts are matched
        icd = index._cs.icd
        # Alphabetic-index main terms become extra one-word texts of their default code.
        virtual = [make_surface(icd.key(code) if hasattr(icd, "key") else code, "icd10cm", True, term, 2)
                   for term, code in INDEX_TERMS.items() if icd.is_billable(code)]
        self.surfaces: list[tuple] = list(index._surfaces) + virtual + _either_word(index._surfaces) \
            + _site_aliases(index._surfaces)
        # Manifestation codes (their titles say "in diseases classified elsewhere"), whatever text matched.
        self.manifestations = frozenset(s[0] for s in self.surfaces
                                        if s[1] == "icd10cm" and "in diseases classified elsewhere" in s[3].lower())
        cached = self._load_cache()
        if cached is not None:
            self.by_key = cached
        else:
            lists: dict[str, list[tuple[int, tuple[str, ...]]]] = {}
            same: dict[tuple[str, ...], tuple[str, ...]] = {}   # one tuple per distinct core
            for sid, surface in enumerate(self.surfaces):
                if surface[5] == 3:
                    continue  # the lookup's own index terms: a note's words match the tabular's
                core = core_tokens(surface[3], site_required=surface[1] == "icd10cm" and surface[0][:1] in "SM")
                if not core or len(core) > 7 or (surface[5] != 2 and all(t in _WEAK for t in core)):
                    continue
                if len(core) == 1 and len(core[0]) <= 3 and surface[5] != 2:
                    continue  # an acronym term ("PIN") would fire on ordinary words ("pins")
                if surface[5] == 1 and surface[3].lower() in _SITE_INCLUSIONS:
                    continue  # a category's note of the site it covers ("K62 ... Includes: anal canal")
                key = min(core, key=lambda t: (index._df(t) or n, t))
                lists.setdefault(key, []).append((sid, same.setdefault(core, core)))
            probes: dict[tuple[str, str], tuple[str, str]] = {}

            def probe(key: str, core: tuple[str, ...]) -> tuple[str, str] | None:
                if len(core) < 3:
                    return None
                rare = sorted((w for w in core if w != key), key=lambda t: (index._df(t) or n, t))[:2]
                return probes.setdefault((rare[0], rare[1]), (rare[0], rare[1]))

            self.by_key = {key: (array("I", (sid for sid, _ in pairs)), tuple(core for _, core in pairs),
                                 tuple(probe(key, core) for _, core in pairs))
                           for key, pairs in lists.items()}
            self._save_cache()
        for tok in index._raw_postings:
            self.idf[tok] = math.log(1 + n / max(1, index._df(tok)))
        # Index terms no code text uses ("hematochezia", "gonalgia") are as specific as the rarest word.
        self.unused_idf = math.log(1 + n)
        for surface in virtual:
            for tok in core_tokens(surface[3]):
                self.idf.setdefault(tok, self.unused_idf)
        self.hierarchy = CodeHierarchy(icd)
        # "gastroesophageal" written as one word where the code texts say "gastro-esophageal": the note's
        # word is read as the two ("non-" stays joined: a negated word names another concept)
        self.compounds: dict[str, tuple[str, str]] = {}
        # ... and the words they hyphenate ("pre-eclampsia"): a note's "pre-eclampsia" stays two words there
        self.hyphenated: set[str] = set()
        for surface in self.surfaces:
            if "-" in surface[3]:
                for a, b in _HYPHENATED.findall(_fold(surface[3])):
                    self.hyphenated.add(stem(a + b))
                    if a != "non" and a + b not in self.idf:
                        self.compounds.setdefault(a + b, (a, b))

    def _cache_path(self):
        key = self.index._state_key()
        if not key:
            return None
        # the word sets core_tokens reads: changing one changes every code text's core words
        rules = (sorted(_OPTIONAL), sorted(_SOFT), sorted(_WEAK), sorted(_SITE_INCLUSIONS))
        # (the index terms in their order: their texts' ids follow it, so a reordered table is another index)
        material = repr((MATCHER_FORMAT, key, list(INDEX_TERMS.items()), len(self.surfaces), rules))
        digest = hashlib.sha1(material.encode("utf-8")).hexdigest()[:16]
        return paths.cache_dir() / f"retrieval-v{MATCHER_FORMAT}-{digest}.pickle"

    def _load_cache(self):
        path = self._cache_path()
        if path is None:
            return None
        try:
            data = _load_pickle(path)
            return data if isinstance(data, dict) else None
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError, ValueError,
                KeyError, IndexError) as exc:
            _damaged_cache_notice(path, exc)
            return None  # missing or unreadable: rebuild

    def _save_cache(self) -> None:
        path = self._cache_path()
        if path is None:
            return
        try:
            _write_atomic(path, pickle.dumps(self.by_key, protocol=pickle.HIGHEST_PROTOCOL))
            _remove_stale(path, "retrieval-v")
        except OSError:
            pass  # a read-only cache only costs time next run

    def refine(self, code: str, sentence_words: frozenset[str]) -> str:
        return self.hierarchy.refine(code, sentence_words)

    def default_billable(self, code: str) -> str | None:
        return self.hierarchy.default_billable(code)


# "Syncope and collapse", "Ischemia and infarction of kidney": two names for one finding.
# "Hemiplegia and hemiparesis following cerebral infarction ...": either name, then the rest.
_EITHER = re.compile(r"^([a-z][a-z'-]+) and ([a-z][a-z'-]+)((?: of| in| on| following| due to)\b[^,]*)?$")
# "Localized swelling, mass and lump, neck" (R19.0-, R22.-): three names of one finding. Other
# "A, B and C" titles mostly list sites ("Gout, ankle and foot"), so only this family is split.
_EITHER_OF_THREE = re.compile(r"^([a-z' -]*?)\b(swelling), (mass) and (lump)(, [^,]+)?$")


# an idiom of one sensation, not two names: "needles" alone is the procedure's needle
_IDIOMS = frozenset({"pins and needles"})


def _either_word(surfaces) -> list[tuple]:
    """Extra texts for ICD titles that join two one-word names with "and": either name alone applies."""
    out: list[tuple] = []
    for surface in surfaces:
        if surface[1] != "icd10cm" or " and " not in surface[3]:
            continue
        folded = re.sub(r"\s+", " ", _fold(_PAREN.sub(" ", surface[3]))).strip()
        three = _EITHER_OF_THREE.match(folded)
        if three is not None:   # "Localized swelling, mass and lump, neck": any of the three names
            prefix, rest = three.group(1), three.group(5) or ""
            pair = re.match(r"^([a-z-]+) and ([a-z]+) $", prefix)   # "intra-abdominal and pelvic "
            for start in ([pair.group(1) + " ", pair.group(2) + " "] if pair else [prefix]):
                for word in three.group(2, 3, 4):
                    out.append(make_surface(surface[0], "icd10cm", surface[2], start + word + rest, 1))
            continue
        head = folded.split(",")[0].strip()
        m = _EITHER.match(head)
        if m is None or m.group(1) in _WEAK or m.group(2) in _WEAK or head in _IDIOMS:
            continue
        rest = m.group(3) or ""
        for word in (m.group(1), m.group(2)):
            out.append(make_surface(surface[0], "icd10cm", surface[2], word + rest, 1))
    return out


# Code texts whose words the notes say otherwise: an anterior, posterior or inferior dislocation "of right humerus"
# (S43.01-S43.03) is the shoulder's ("anterior dislocation of the right shoulder"); a "fracture of one rib" (S22.3-)
# is a rib fracture of no count said (the multiple fractures, S22.4-, are read from the count: specific_steps)
_SITE_ALIASES = (("S43.0", r"\bhumerus\b", "shoulder"), ("S22.3", r"\bone rib\b", "rib"))


def _site_aliases(surfaces) -> list[tuple]:
    """Extra texts for the code texts whose words the notes say otherwise (``_SITE_ALIASES``)."""
    out: list[tuple] = []
    for surface in surfaces:
        if surface[1] != "icd10cm":
            continue
        for prefix, words, alias in _SITE_ALIASES:
            if surface[0].startswith(prefix) and re.search(words, surface[3]):
                out.append(make_surface(surface[0], "icd10cm", surface[2], re.sub(words, alias, surface[3]), 1))
    return out


_matchers: "weakref.WeakKeyDictionary[object, _Matcher]" = weakref.WeakKeyDictionary()
_matchers_lock = threading.Lock()


def matcher_for(codesets) -> _Matcher:
    """The (cached) matcher for a CodeSets instance, sharing its lookup index."""
    with _matchers_lock:
        m = _matchers.get(codesets)
        if m is None:
            index = getattr(codesets, "search_index", None)
            if not isinstance(index, LookupIndex):
                index = LookupIndex(codesets)  # a code-set stand-in without a shared index
            m = _matchers[codesets] = _Matcher(index)
        return m



def _axis_numbers_adjacent(core: tuple[str, ...], key: str, anchor: int, positions: dict[str, list[int]]) -> bool:
    """A staged or typed code text's number follows its axis word ("stage 2", "type 1"), when both are said."""
    for axis in ("stage", "type"):
        if axis not in core:
            continue
        numbers = [w for w in core if w[:1].isdigit() or w in _ROMAN_NUMBERS]
        axis_at = positions.get(axis, ()) if axis != key else (anchor,)
        for number in numbers:
            number_at = positions.get(number, ()) if number != key else (anchor,)
            if axis_at and number_at and not any(n - a == 1 for a in axis_at for n in number_at):
                return False
    return True


def _sentence_matches(toks: list, matcher: _Matcher, surfaces, systems: set[str],
                      idf: dict[str, float]) -> list:  # noqa: C901 - one tight loop, kept together for speed
    """Code texts whose core words all occur near each other in one sentence's tokens."""
    positions: dict[str, list[int]] = {}
    for i, tok in enumerate(toks):
        for a in tok.alts:
            positions.setdefault(a, []).append(i)
    found: dict[int, _Match] = {}
    by_key = matcher.by_key
    core_weight = matcher.core_weight
    any_negq = any(t.negq for t in toks)   # most sentences rule out no qualifier
    any_group = any(t.group >= 0 for t in toks)   # ... and expand no abbreviation
    members: dict[int, list[int]] = {}

    def members_of(group: int) -> list[int]:
        """The token indexes of one expansion (its words), found once per sentence."""
        got = members.get(group)
        if got is None:
            got = members[group] = [i for i in range(len(toks)) if toks[i].group == group]
        return got

    for key, anchors in positions.items():
        entry = by_key.get(key)
        if entry is None:
            continue
        for sid, core, probe in zip(*entry):
            if probe is not None and probe[0] not in positions and probe[1] not in positions:
                continue   # two core words absent: no anchor can match
            if surfaces[sid][1] not in systems:
                continue
            window = len(core) + WINDOW_EXTRA
            for anchor in anchors:
                picked = [anchor]
                missing = 0
                lost = 0.0
                for word in core:
                    if word == key:
                        continue
                    plist = positions.get(word)
                    best = None
                    if plist is None:
                        pass
                    elif len(plist) == 1:   # the usual case: the word once in the sentence
                        if -window <= plist[0] - anchor <= window:
                            best = plist[0]
                    else:
                        j = bisect.bisect_left(plist, anchor - window)
                        while j < len(plist) and plist[j] <= anchor + window:
                            if best is None or abs(plist[j] - anchor) < abs(best - anchor):
                                best = plist[j]
                            j += 1
                    if best is None:
                        missing += 1
                        lost = idf.get(word, 1.0)
                        if missing > 1 or len(core) < 2:
                            picked = []
                            break
                        continue
                    picked.append(best)
                if not picked:
                    continue
                if ("stage" in core or "type" in core) and not _axis_numbers_adjacent(core, key, anchor, positions):
                    continue   # "Type 2 diabetes with CKD stage 3a" holds no "stage 2"
                if "small" in core and any("large" in toks[p].alts for p in picked):
                    continue   # "colon: small-mouthed diverticula": the colon is the large intestine, not the small
                pos = tuple(sorted(set(picked)))
                ruled_out = sum(toks[p].negq for p in pos) if any_negq else 0
                if 0 < ruled_out < len(pos):
                    continue  # "laceration ... w/o foreign body" is no laceration *with* foreign body
                groups = {toks[p].group for p in pos if toks[p].group >= 0} if any_group else ()
                if len(groups) > 1 and not all(set(members_of(g)) <= set(pos) for g in groups):
                    # words of two different expansions ("GERD ... PE") are no mention, unless the code text
                    # holds each whole ("BPH with LUTS": N40.1)
                    continue
                if len(groups) > 1:
                    groups = ()
                if groups and _splits_expansion(toks, pos, members_of(groups.pop()), surfaces[sid]):
                    continue  # "left leg; AKI": the injury of an acute kidney injury is no injury of the leg
                span = pos[-1] - pos[0] + 1
                weight = core_weight.get(sid)
                if weight is None:
                    weight = core_weight[sid] = sum(idf.get(w, 1.0) for w in core)
                weight -= PARTIAL_LOSS * lost
                score = weight * (len(core) / max(span, len(core) - missing)) ** 0.5
                if missing:
                    # Part of a code text: useful for recall, never proposed on its own.
                    score *= 0.3 * (len(core) - missing) / len(core)
                if surfaces[sid][5] == 1:
                    score *= 0.97
                elif surfaces[sid][5] == 2 and len(core) == 1 and idf.get(core[0], 1.0) < matcher.unused_idf:
                    # an index default is a weak reading of a bare word the code texts use ("pain"), not of a
                    # phrase or of a word only the index knows ("osteosarcoma")
                    score *= 0.6
                if not surfaces[sid][2]:
                    score *= 0.95
                prev = found.get(sid)
                # a whole match always beats a partial one; among equals the better score wins
                if (prev is None or (prev.partial and not missing)
                        or (prev.partial == bool(missing) and score > prev.score)):
                    found[sid] = _Match(sid, pos, score, partial=bool(missing),
                                        fraction=(len(core) - missing) / len(core))
    matches = list(found.values())
    # A match inside a larger match of another code is dominated ("pain" inside "abdominal pain").
    matches.sort(key=lambda m: (-len(m.positions), -m.score))
    kept: list[_Match] = []
    partial = [m for m in matches if m.partial]
    matches = [m for m in matches if not m.partial]
    for m in partial:
        m.dominated = True
    # A manifestation code ("Aneurysm of aorta in diseases classified elsewhere") needs an etiology
    # code first: it never stands for a plain mention when another code matches the same words.
    manifest = [m for m in matches if surfaces[m.sid][0] in matcher.manifestations]
    matches = [m for m in matches if m not in manifest]
    kept_sets: list[tuple[set[int], int, int, float]] = []   # each kept match's positions, first, last, score
    asks_for: list[tuple[str, ...]] = []   # the codes each kept match's code asks for beside it (use additional code)
    listed = toks[-1].part > 0   # the sentence is a list ("L ovarian endometrioma, superficial endometriosis of ...")
    for m in matches:
        pset = set(m.positions)
        first, last = m.positions[0], m.positions[-1]
        n = len(pset)
        code = surfaces[m.sid][0]
        m.dominated = any(
            ((pset < oset) or (pset == oset and oscore > m.score * 1.0001)
             # (inside a longer mention's span: dominated unless its own words outweigh it, "Sprain of anterior
             # talofibular ligament of right ankle" is the talofibular ligament's sprain, not one of no ligament)
             or (len(oset) > n and ofirst <= first and last <= olast and (m.score <= oscore or pset <= oset)
                 and not _in_wide_gap(pset, oset)))
            # ("catheter-associated urinary tract infection": the device's complication asks for the infection's
            # code beside it, which its words name; "postoperative ileus": the postprocedural disorder's, the ileus)
            and not (asks and code.startswith(asks) and not code.startswith(kept_code[:3]))
            for (oset, ofirst, olast, oscore), (kept_code, asks) in zip(kept_sets, asks_for))
        kept.append(m)
        if listed and toks[first].part // SEMICOLON_ITEM != toks[last].part // SEMICOLON_ITEM:
            # ("due to HF exacerbation; COPD; chronic respiratory failure": a semicolon ends a list item, and the
            # exacerbation of one item is not the next one's); nor does such a reading hide the items' own mentions
            m.dominated = True
            continue
        if listed and not m.dominated and toks[first].part != toks[last].part \
                and any(len(oset) >= n and pset & oset for oset, _f, _l, _s in kept_sets) \
                and _borrows_across(m, matches, toks):
            # words of two list items that each name a condition, some of them a larger mention's: this
            # reading borrows from one item; it neither stands nor hides the other item's words
            m.dominated = True
            continue
        if not m.dominated and (toks[first].part != toks[last].part or last - first >= n) \
                and all(toks[p].alts & site_stems() for p in pset):
            # "Heart RRR, lungs clear", "Lungs clear b/l. Heart RRR": body parts apart (other words, or another list
            # item, between them) name no condition ("pulmonary heart disease"); a candidate, never a mention
            m.dominated = True
        kept_sets.append((pset, first, last, m.score))
        asks_for.append((code, asks_for_beside(code)))
    for m in manifest:
        pset = set(m.positions)
        m.dominated = any(pset <= oset for oset, _first, _last, _score in kept_sets)
    return kept + manifest + partial


# Infections and inflammatory reactions due to a device, implant or graft, or after a procedure: "use additional
# code to identify infection" (T80.2-, T81.4-, T82.6-T82.7, T83.5-T83.6, T84.5-T84.7, T85.7-)
DEVICE_INFECTIONS = ("T80.2", "T81.4", "T82.6", "T82.7", "T83.5", "T83.6", "T84.5", "T84.6", "T84.7", "T85.7")
# the infections such a code's words may name: of the urinary tract, the skin, the blood, a joint or a bone
INFECTIONS_NAMED = ("N39.0", "N30", "N10", "L03", "L02", "A40", "A41", "M00", "M86", "K65", "J18")
# "Other postprocedural complications and disorders of <a body system>": "use additional code to further specify
# the disorder", a disorder of that body system
_POSTPROCEDURAL_OTHER = {"K91.89": "K", "N99.89": "N", "J95.89": "J", "I97.89": "I", "G97.82": "G"}


def asks_for_beside(code: str) -> tuple[str, ...]:
    """The codes whose words a mention of ``code`` may hold and that its note asks for beside it."""
    if code.startswith(DEVICE_INFECTIONS):
        return INFECTIONS_NAMED
    return (_POSTPROCEDURAL_OTHER[code],) if code in _POSTPROCEDURAL_OTHER else ()


def _in_wide_gap(pset: set[int], oset: set[int]) -> bool:
    """A match whose words all lie in a wide gap of a longer match's ("Sepsis due to left lower lobe pneumonia with
    acute kidney injury": "pneumonia" between the "left" and the "kidney injury" a kidney injury code gathers)
    is a phrase of its own, not a word of the longer one."""
    if pset & oset:
        return False
    before = max((p for p in oset if p < min(pset)), default=None)
    after = min((p for p in oset if p > max(pset)), default=None)
    return before is not None and after is not None and after - before - 1 > 3


def _borrows_across(m: _Match, matches: list, toks: list) -> bool:
    """Whether every list item ``m`` takes words from holds a whole mention of its own ("L ovarian
    endometrioma, superficial endometriosis of ..."), not only a qualifier ("Primary osteoarthritis,
    right knee": the second item is the first's site)."""
    parts = {toks[p].part for p in m.positions}
    own = {toks[o.positions[0]].part for o in matches
           if o is not m and toks[o.positions[0]].part == toks[o.positions[-1]].part}
    return parts <= own


def _splits_expansion(toks: list, pos: tuple[int, ...], members: list[int], surface: tuple) -> bool:
    """Whether a match takes part of one abbreviation's or term's expansion together with other words, and
    leaves out expansion words its code text does not have: "AKI" (acute kidney injury) beside "left leg"
    is no injury of the leg, "UTI" beside "kidney" no kidney infection. Left-out words the text has, even
    as nonessential words ("CHF": the "(congestive)" of "Chronic diastolic (congestive) heart failure"),
    keep the match."""
    used = set(pos)
    if used.issuperset(members):
        return False
    # the expanded word itself ("preeclampsia" beside its "pre eclampsia") is no other word
    lo, hi = min(toks[i].start for i in members), max(toks[i].end for i in members)
    if all(lo <= toks[i].start and toks[i].end <= hi for i in used):
        return False
    words = _surface_stems(surface[3])
    # (a position word left out names no other condition: "ATFL" is the anterior talofibular ligament, and the Index's
    # "Sprain, ankle, talofibular ligament" does not say which)
    return any(not (toks[i].alts & words) and not toks[i].alts & _POSITION_WORDS for i in members if i not in used)


_POSITION_WORDS = frozenset({"anterior", "posterior", "medial", "lateral", "superior", "inferior", "proximal",
                             "distal"})


_SURFACE_STEMS: dict[str, frozenset[str]] = {}


def _surface_stems(text: str) -> frozenset[str]:
    got = _SURFACE_STEMS.get(text)
    if got is None:
        if len(_SURFACE_STEMS) > 20_000:
            _SURFACE_STEMS.clear()
        got = _SURFACE_STEMS[text] = frozenset(stem(w) for w in re.findall(r"[a-z0-9]+", _fold(text.lower())))
    return got


# Words that turn a condition's name into the name of a test, vaccine or screening, or of a service ("TB clinic").
_TEST_HEADS = frozenset(stem(w) for w in (
    "vaccine vaccines vaccination vaccinated immunization immunisation screening screen test testing tests "
    "serology antibody antibodies antigen ab abs ag prophylaxis ppx titer titers swab culture panel pcr protocol "
    "clinic clinics".split()))
_SERVICE_HEADS = frozenset(stem(w) for w in ("clinic", "clinics"))
# ... and an infection's name into the name of an exposure ("rabies exposure", "exposure to TB": the contact is
# coded Z20, the disease is not had)
_EXPOSURE_HEADS = frozenset(stem(w) for w in ("exposure", "exposures"))


def _names_a_test(toks: list, first: int, last: int, code: str = "") -> bool:
    """Whether the words around a mention make it a test, vaccine or screening ("influenza vaccine"), or the
    mention of an infection (``code`` in A00-B99, U07) an exposure to it.

    A one-letter token between is stepped over ("influenza A/B antigen", "hepatitis B vaccine").
    """
    after, before = last + 1, first - 1
    while after < len(toks) and max(map(len, toks[after].alts)) <= 1:
        after += 1
    while before >= 0 and max(map(len, toks[before].alts)) <= 1:
        before -= 1
    near = (toks[after].alts if after < len(toks) else frozenset()) | (toks[before].alts if before >= 0 else frozenset())
    if near & _SERVICE_HEADS and after < len(toks) and toks[after].start - toks[last].end > 2:
        # (a service set off by a dash names no service of it: "COPD with acute exacerbation - clinic in 2 weeks")
        near = near - _SERVICE_HEADS
    return bool(near & _TEST_HEADS) or (code[:1] in ("A", "B", "U") and bool(near & _EXPOSURE_HEADS))
