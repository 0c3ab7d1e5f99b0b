"""Candidate retrieval: concept mentions in a note matched to ICD-10-CM, CPT and HCPCS texts.

Every code text (ICD title or inclusion term, CPT/HCPCS description) has a set
of *core* words: the words a mention must contain for the text to apply
(without nonessential modifiers in parentheses and without the words of an
"unspecified"/"NOS"/"without complication"/encounter axis). A code text matches
a sentence when all its core words occur close together in it, in any order,
after abbreviations are expanded (capitalised ones only when ambiguous) and
words are normalised with the lookup's stemmer and synonyms.

Each match is scored by how much of the sentence it explains (IDF of its core
words), how tight the window is and where it sits (a diagnosis section counts
more). A match whose words are all inside a more specific match of another code
is *dominated*; negated and family mentions are kept but ranked low, so the
list stays useful for recall while the offline engine skips them.
"""

from __future__ import annotations

import bisect
import hashlib
import math
import pickle
import re
import threading
import weakref
from dataclasses import dataclass, field

from medcoder_tui.codes.abbreviations import (
    ABBREVIATIONS,
    AMBIGUOUS,
    INDEX_TERMS,
    TERM_EXPANSIONS,
    WORD_SYNONYMS,
)
from medcoder_tui import paths
from medcoder_tui.codes.search import (
    STOPWORDS,
    LookupIndex,
    _fold,
    _load_pickle,
    _remove_stale,
    _write_atomic,
    make_surface,
    stem,
)
from medcoder_tui.codes.systems import System
from medcoder_tui.engines.clinical_text import NoteAnalysis, analyze

# Bump when core_tokens or the matcher's layout changes (invalidates the cached matcher).
MATCHER_FORMAT = 7
PARTIAL_LOSS = 1.0
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
_OPTIONAL = frozenset({"disease", "disorder", "condition", "nos"})
# Qualifiers a note often leaves out ("weight loss" for "abnormal weight loss").
_SOFT = frozenset({"abnormal", "localized", "essential", "primary", "idiopathic", "acquired", "simple",
                   "gland", "organ"})
# "of unspecified site": words naming an axis the code leaves open, not a body part.
_UNSPEC_AXIS = re.compile(
    r"\bunspecified\s+(?:site|sites|behavior|part|parts|organism|type|side|trimester|region|degree|severity|"
    r"episode|location|cause|agent|stage|morphology|laterality|origin|nature)\b"
)
_PAREN = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
_WORDS = re.compile(r"[A-Za-z0-9]+(?:[/'][A-Za-z0-9]+)*/?")
_DIAGNOSIS_SECTIONS = frozenset({"assessment_plan", "impression", "diagnoses"})
_LOW_SECTIONS = frozenset({"family_history", "medications", "allergies", "labs"})


@dataclass
class Candidate:
    """A code proposed for a note, with the words that support it."""

    code: str
    system: System
    description: str
    score: float
    evidence_text: str
    start: int
    end: int
    context: frozenset[str] = frozenset()
    billable: bool = True
    mentions: int = 1
    dominated: bool = False
    core_size: int = 1
    all_contexts: list[frozenset[str]] = field(default_factory=list, repr=False)
    origin: str = "mention"   # mention | inside (within a larger mention) | partial | related
    # every mention: (score, start, end, context, dominated), so rules can pick a usable one
    spans: list[tuple[float, int, int, frozenset[str], bool]] = field(default_factory=list, repr=False)


@dataclass
class _Match:
    sid: int
    positions: tuple[int, ...]
    score: float
    dominated: bool = False
    partial: bool = False


def core_tokens(text: str) -> tuple[str, ...]:
    """The words a mention must contain for this code text to apply."""
    folded = _fold(_PAREN.sub(" ", text))
    words: list[str] = []
    for i, chunk in enumerate(folded.split(",")):
        if i > 0 and _FREE_CHUNK.search(chunk):
            continue
        chunk = re.sub(r"\bwithout complications?\b|\bnos\b|\bnot elsewhere classified\b|"
                       r"\b(?:as the )?cause of diseases? classified elsewhere\b|\bin diseases? classified elsewhere\b",
                       " ", chunk)
        # "of unspecified behavior", "of unspecified site": the unspecified axis is not said in notes
        chunk = _UNSPEC_AXIS.sub(" ", chunk)
        # "... without perforation or abscess": the default a plain mention stands for
        if i > 0 or not chunk.strip().startswith("without"):
            chunk = re.sub(r"\bwithout\b(?:(?!\bwith\b).)*", " ", chunk)
        chunk = re.sub(r"\bunspecified\b", " ", chunk)
        chunk = re.sub(r"\s*initial encounter.*$", " ", chunk)
        for w in re.findall(r"[a-z0-9]+", chunk):
            if w not in STOPWORDS:
                words.append(stem(w))
    core = tuple(dict.fromkeys(words))
    # "X disease"/"disorder of X" name X: the generic head word is optional.
    lean = tuple(w for w in core if w not in _OPTIONAL)
    # Only when two words remain: "disorder of bone" must not fire on every "bone".
    core = lean if len(lean) >= 2 and not all(w in _WEAK for w in lean) else core
    soft = tuple(w for w in core if w not in _SOFT)
    return soft if len(soft) >= 2 and not all(w in _WEAK for w in soft) else core


class _Matcher:
    """Core-word index over one LookupIndex: rarest core word -> code texts."""

    def __init__(self, index: LookupIndex) -> None:
        index._ensure()
        self.index = index
        self.by_key: dict[str, list[tuple[int, tuple[str, ...]]]] = {}
        n = index._n
        self.idf: dict[str, float] = {}
        icd = index._cs.icd
        # Alphabetic-index main terms become extra one-word texts of their default code.
        virtual = [make_surface(icd.key(code) if hasattr(icd, "key") else code, "icd10cm", True, term, 2)
                   for term, code in INDEX_TERMS.items() if icd.is_billable(code)]
        self.surfaces: list[tuple] = list(index._surfaces) + virtual
        cached = self._load_cache()
        if cached is not None:
            self.by_key = cached
        else:
            for sid, surface in enumerate(self.surfaces):
                core = core_tokens(surface[3])
                if not core or len(core) > 7 or (surface[5] != 2 and all(t in _WEAK for t in core)):
                    continue
                if len(core) == 1 and len(core[0]) <= 3 and surface[5] != 2:
                    continue  # an acronym term ("PIN") would fire on ordinary words ("pins")
                key = min(core, key=lambda t: (index._df(t) or n, t))
                self.by_key.setdefault(key, []).append((sid, core))
            self._save_cache()
        for tok in index._raw_postings:
            self.idf[tok] = math.log(1 + n / max(1, index._df(tok)))
        self._default: dict = {}

    def _cache_path(self):
        key = self.index._state_key()
        if not key:
            return None
        material = repr((MATCHER_FORMAT, key, sorted(INDEX_TERMS.items()), len(self.surfaces)))
        digest = hashlib.sha1(material.encode("utf-8")).hexdigest()[:16]
        return paths.cache_dir() / f"retrieval-v{MATCHER_FORMAT}-{digest}.pickle"

    def _load_cache(self):
        path = self._cache_path()
        if path is None:
            return None
        try:
            data = _load_pickle(path)
            return data if isinstance(data, dict) else None
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError, ValueError):
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
        """A sibling of an "unspecified" code whose extra words (right, left, upper...) the sentence says."""
        icd = self.index._cs.icd
        title = icd.title(code) or ""
        if "unspecified" not in title.lower() or not sentence_words & _LATERAL:
            return code
        key = ("refine", code)
        sibs = self._default.get(key)
        if sibs is None:
            parent = icd.parent(code)
            mine = _refine_tokens(title)
            sibs = []
            for sib in icd.children(parent) if parent else ():
                if sib == code or not icd.is_billable(sib):
                    continue
                theirs = _refine_tokens(icd.title(sib) or "")
                gained = theirs - mine
                # only laterality-style refinements: the sibling adds side/position words and nothing else
                if gained and gained <= _LATERAL and "unspecified" not in (icd.title(sib) or "").lower()[:0] + "":
                    sibs.append((sib, gained))
            self._default[key] = sibs
        best, best_n = code, 0
        for sib, gained in sibs:
            if gained <= sentence_words and len(gained) > best_n:
                best, best_n = sib, len(gained)
        return best

    def default_billable(self, code: str) -> str | None:
        """The billable code a header stands for: its "unspecified" (or only) billable descendant."""
        if code in self._default:
            return self._default[code]
        icd = self.index._cs.icd
        best: str | None = None
        seen = {code}
        frontier = [code]
        leaves: list[str] = []
        while frontier and len(seen) < 400:
            nxt: list[str] = []
            for c in frontier:
                for child in icd.children(c):
                    if child in seen:
                        continue   # guards against a node listed as its own child
                    seen.add(child)
                    if icd.is_billable(child):
                        leaves.append(child)
                    nxt.append(child)
            head = icd.title(code) or ""
            ranked = sorted(leaves, key=lambda leaf: _default_rank(leaf, icd.title(leaf) or "", head))
            if ranked and _default_rank(ranked[0], icd.title(ranked[0]) or "", head) < 3:
                best = ranked[0]
            if best:
                break
            frontier = nxt
        if best is None and len(leaves) == 1:
            best = leaves[0]
        self._default[code] = best
        return best


def _default_rank(code: str, title: str, header_title: str = "") -> int:
    """How well a leaf stands for its header: "...9" unspecified first, "other" never."""
    low = title.lower()
    if header_title and low.startswith(header_title.lower()) and "initial encounter" in low and code.endswith("A"):
        return 0   # a 7th-character extension: the initial encounter stands for the header
    if "other" in low.split(",")[0] or "in remission" in low:
        return 9
    if code.endswith("9") and ("unspecified" in low or "without" in low):
        return 0
    if low.endswith("unspecified") or "without complication" in low:
        return 1
    if "unspecified" in low:
        return 2
    return 5


_LATERAL = frozenset({"right", "left", "bilateral", "upper", "lower"})


def _refine_tokens(title: str) -> frozenset[str]:
    return frozenset(stem(w) for w in re.findall(r"[a-z0-9]+", _fold(title)) if w not in STOPWORDS)


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


@dataclass
class _Token:
    alts: frozenset[str]
    start: int
    end: int
    group: int = -1   # index of the abbreviation/term a token was expanded from, else -1


def note_tokens(note: str, start: int, end: int) -> list[_Token]:
    """Content tokens of ``note[start:end]`` with alternatives (stem, synonyms, abbreviation expansion)."""
    out: list[_Token] = []
    for m in _WORDS.finditer(note, start, end):
        word = m.group(0)
        low = word.lower()
        exp = ABBREVIATIONS.get(low) if low not in _NOT_DIAGNOSES else None
        if exp and (low not in AMBIGUOUS or (word.isupper() and len(word) > 1)) and not _is_plain_word(low):
            for w in re.findall(r"[a-z0-9]+", _fold(exp[0])):
                if w not in STOPWORDS:
                    out.append(_Token(_alts(w), m.start(), m.end(), m.start()))
            continue
        for w in re.findall(r"[a-z0-9]+", _fold(word)):
            if w not in STOPWORDS:
                out.append(_Token(_alts(w), m.start(), m.end()))
        extra = TERM_EXPANSIONS.get(low)
        if extra and extra != low:
            for w in extra.split():
                if w not in STOPWORDS:
                    out.append(_Token(_alts(w), m.start(), m.end(), m.start()))
    return out


def _is_plain_word(low: str) -> bool:
    # "all", "as", "us" etc. in lower case are English, not abbreviations.
    return low in {"all", "as", "us", "ms", "ad", "pd", "ed", "er", "ca", "cap", "l", "r"}


# Abbreviations of tests, routes and record keeping: expanding them only invents findings.
_NOT_DIAGNOSES = frozenset(
    "bmi mri ct us ekg ecg cxr cbc bmp cmp echo lft lfts wbc rbc hgb plt iv im sq po ppd otc ivf bp hr dx tx sx "
    "f/u yo er abx dme hx pmh fhx c/o w/ w/o b/l bilat rt lt init subsq seq abd gi "
    # read too often as something else in notes: physical exam, room air, "as", ...
    "pe ra ms as ad pd ed ca cap hd ha all us".split()
)
_ROMAN = {"ii": "2", "iii": "3", "iv": "4", "vi": "6", "2": "two", "two": "2", "1": "one", "one": "1",
          "3": "three", "three": "3", "4": "four", "four": "4", "single": "1"}
_ALT_CACHE: dict[str, frozenset[str]] = {}


def _alts(word: str) -> frozenset[str]:
    got = _ALT_CACHE.get(word)
    if got is None:
        tok = stem(word)
        alts = {tok}
        if word in _ROMAN:
            alts.add(_ROMAN[word])
        for syn in WORD_SYNONYMS.get(word, ()) + WORD_SYNONYMS.get(tok, ()):
            alts.update(stem(w) for w in syn.split())
        got = _ALT_CACHE[word] = frozenset(alts)
    return got


def retrieve_candidates(note: str, *, types: set[System] | None = None, k: int = 50, codesets=None,
                        analysis: NoteAnalysis | None = None) -> list[Candidate]:
    """The ``k`` best candidate codes for ``note``, best first.

    ``types`` selects the systems (default: ICD-10-CM only). Negated and family
    mentions are kept but ranked low; each candidate carries the context kinds of
    its best mention.
    """
    if codesets is None:
        from medcoder_tui.codes.service import get_codesets

        codesets = get_codesets()
    systems = {s.value for s in (types or {System.ICD10CM})}
    matcher = matcher_for(codesets)
    analysis = analysis or analyze(note)
    surfaces = matcher.surfaces
    idf = matcher.idf
    by_code: dict[tuple[str, str], Candidate] = {}
    for sent in analysis.sentences:
        toks = note_tokens(note, sent.start, sent.end)
        if not toks:
            continue
        matches = _sentence_matches(toks, matcher, surfaces, systems, idf)
        sent_words = frozenset().union(*(t.alts for t in toks)) if matches else frozenset()
        section = analysis.section_at(sent.start)
        for match in matches:
            surface = surfaces[match.sid]
            code, system, billable = surface[0], surface[1], surface[2]
            if system == "icd10cm" and not billable:
                code = matcher.default_billable(code) or code
                billable = code != surface[0]
            if system == "icd10cm" and billable:
                code = matcher.refine(code, sent_words)
            start = toks[match.positions[0]].start
            last = match.positions[-1]
            # "... chronic kidney disease": the generic head word belongs to the mention's words
            while last + 1 < len(toks) and toks[last + 1].alts & _OPTIONAL and last - match.positions[-1] < 1:
                last += 1
            end = toks[last].end
            ctx = frozenset(analysis.context_at(start, end))
            if system == "icd10cm" and _names_a_test(toks, match.positions[0], last):
                match.dominated = True   # "influenza vaccine", "screening for colon cancer": not a diagnosis
            score = match.score * _context_weight(ctx) * _section_weight(section)
            key = (system, code)
            cand = by_code.get(key)
            mention = (score, start, end, ctx, match.dominated)
            if cand is None:
                desc = matcher.index._title(system, code) or surface[3]
                by_code[key] = Candidate(code, System(system), desc, score, note[start:end], start, end, ctx,
                                         billable, 1, match.dominated, len(match.positions), [ctx],
                                         _origin(match), [mention])
            else:
                cand.mentions += 1
                cand.all_contexts.append(ctx)
                cand.spans.append(mention)
                if score > cand.score:
                    cand.score, cand.evidence_text, cand.start, cand.end = score, note[start:end], start, end
                    cand.context, cand.dominated = ctx, match.dominated
                    cand.core_size = len(match.positions)
                    cand.origin = _origin(match)
                elif not match.dominated:
                    cand.dominated = False
                    cand.origin = "mention"
    for cand in by_code.values():
        # Repeated mentions make a condition more central to the note.
        cand.score *= 1.0 + 0.15 * math.log(cand.mentions)
    # Codes from a whole mention first; codes inside a larger mention, partial matches after.
    ranked = sorted(by_code.values(), key=lambda c: (_TIER[c.origin], -c.score, c.code))
    if len(ranked) < k and "icd10cm" in systems:
        ranked += _related(ranked, note, matcher, k - len(ranked))
    return ranked[:k]


def _related(found: list[Candidate], note: str, matcher: _Matcher, room: int) -> list[Candidate]:
    """Billable relatives (siblings, cousins in the category) of the found codes, for recall.

    Ranked by the found code's score and by how many of the relative's words the
    note uses; marked dominated so the offline engine never proposes them.
    """
    icd = matcher.index._cs.icd
    note_words = frozenset(stem(w) for w in re.findall(r"[a-z0-9]+", _fold(note)))
    have = {c.code for c in found}
    extra: dict[str, Candidate] = {}
    for cand in found[:40]:
        if cand.system is not System.ICD10CM or "negated" in cand.context:
            continue
        parent = icd.parent(cand.code)
        pool = icd.children(parent) if parent else []
        grand = icd.parent(parent) if parent else None
        if grand and len(pool) < 12:
            pool = pool + [c for p in icd.children(grand) if p != parent for c in [p, *icd.children(p)]]
        for rel in pool[:60]:
            if rel in have or not icd.is_billable(rel):
                continue
            words = _refine_tokens(icd.title(rel) or "") - {"unspecified", "other", "specified"}
            if not words:
                continue
            overlap = len(words & note_words) / len(words)
            score = cand.score * 0.35 * overlap
            prev = extra.get(rel)
            if prev is None or score > prev.score:
                extra[rel] = Candidate(rel, System.ICD10CM, icd.title(rel) or "", score, cand.evidence_text,
                                       cand.start, cand.end, cand.context, True, 1, True, cand.core_size,
                                       list(cand.all_contexts), "related")
    return sorted(extra.values(), key=lambda c: (-c.score, c.code))[:room]


# Words that turn a condition's name into the name of a test, vaccine or screening.
_TEST_HEADS = frozenset(stem(w) for w in (
    "vaccine vaccines vaccination vaccinated immunization immunisation screening screen test testing tests "
    "serology antibody antibodies antigen prophylaxis titer titers swab culture panel pcr".split()))


def _names_a_test(toks: list[_Token], first: int, last: int) -> bool:
    after = toks[last + 1].alts if last + 1 < len(toks) else frozenset()
    before = toks[first - 1].alts if first > 0 else frozenset()
    return bool((after | before) & _TEST_HEADS)


_TIER = {"mention": 0, "inside": 1, "partial": 2, "related": 2}


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
    if section in _DIAGNOSIS_SECTIONS:
        return 1.3
    if section in _LOW_SECTIONS:
        return 0.7
    return 1.0


def _sentence_matches(toks: list[_Token], matcher: _Matcher, surfaces, systems: set[str],
                      idf: dict[str, float]) -> list:  # noqa: C901 - one tight loop, kept together for speed
    """Code texts whose core words all occur near each other in one sentence's tokens."""
    positions: dict[str, list[int]] = {}
    for i, tok in enumerate(toks):
        for a in tok.alts:
            positions.setdefault(a, []).append(i)
    found: dict[int, _Match] = {}
    for key in positions:
        for sid, core in matcher.by_key.get(key, ()):
            if surfaces[sid][1] not in systems:
                continue
            window = len(core) + WINDOW_EXTRA
            for anchor in positions[key]:
                picked = [anchor]
                missing = 0
                lost = 0.0
                for word in core:
                    if word == key:
                        continue
                    plist = positions.get(word)
                    best = None
                    if plist:
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
                pos = tuple(sorted(set(picked)))
                groups = {toks[p].group for p in pos if toks[p].group >= 0}
                if len(groups) > 1:
                    continue  # words of two different expansions ("GERD ... PE") are no mention
                span = pos[-1] - pos[0] + 1
                weight = sum(idf.get(w, 1.0) for w in core) - PARTIAL_LOSS * lost
                score = weight * (len(core) / max(span, len(core) - missing)) ** 0.5
                if missing:
                    # Part of a code text: useful for recall, never proposed on its own.
                    score *= 0.3 * (len(core) - missing) / len(core)
                if surfaces[sid][5] == 1:
                    score *= 0.97
                elif surfaces[sid][5] == 2:
                    score *= 0.6   # an index default is a weak reading of a bare word
                if not surfaces[sid][2]:
                    score *= 0.95
                prev = found.get(sid)
                # a whole match always beats a partial one; among equals the better score wins
                if (prev is None or (prev.partial and not missing)
                        or (prev.partial == bool(missing) and score > prev.score)):
                    found[sid] = _Match(sid, pos, score, partial=bool(missing))
    matches = list(found.values())
    # A match inside a larger match of another code is dominated ("pain" inside "abdominal pain").
    matches.sort(key=lambda m: (-len(m.positions), -m.score))
    kept: list[_Match] = []
    partial = [m for m in matches if m.partial]
    matches = [m for m in matches if not m.partial]
    for m in partial:
        m.dominated = True
    for m in matches:
        pset = set(m.positions)
        first, last = m.positions[0], m.positions[-1]
        m.dominated = any(
            (pset < set(o.positions)) or (pset == set(o.positions) and o.score > m.score * 1.0001)
            or (len(o.positions) > len(pset) and o.positions[0] <= first and last <= o.positions[-1])
            for o in kept)
        kept.append(m)
    return kept + partial
