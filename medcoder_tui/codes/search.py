"""Encoder-style lookup over ICD-10-CM titles and inclusion terms, CPT and HCPCS.

Each code contributes one or more *surfaces* (its title, each inclusion term, a
CPT/HCPCS description). Surfaces are tokenised into normalised, lightly stemmed
words and put in an inverted index (token -> set of surface ids).

A query becomes a list of *concepts*: each concept is a set of alternative
tokens (the word, its synonyms, spelling corrections for an unknown word), after
lay phrases and abbreviations are rewritten ("high blood pressure" ->
hypertension, "DM2" -> type 2 diabetes mellitus). Candidates are the surfaces
that contain all concepts, or all but one or two, found with set intersections;
each is scored by IDF-weighted coverage of the query's concepts with small
penalties for words the query did not ask for, for headers and for
"unspecified". The best surface of each code represents it.

The index is built by ``codes/search_build.py`` and pickled in the cache directory, keyed
by the ICD-10-CM version and a digest of the CPT and HCPCS tables.
"""

from __future__ import annotations

import bisect
import hashlib
import heapq
import itertools
import math
import pickle
import re
import threading
from array import array
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from medcoder_tui import paths
from medcoder_tui.fileutil import write_atomic as _write_atomic
from medcoder_tui.codes.abbreviations import ABBREVIATIONS, WORD_SYNONYMS, apply_phrases
from medcoder_tui.codes.models import LookupHit
from medcoder_tui.codes.search_build import _CHEAP_EXTRA, build_state, dump_state, load_state
from medcoder_tui.codes.systems import System, compact, parse_systems
from medcoder_tui.codes.text import _WORD_RE, STOPWORDS, join_compounds, stem
from medcoder_tui.codes.text import fold as _fold
from medcoder_tui.fileutil import damaged_cache_notice as _damaged_cache_notice
from medcoder_tui.fileutil import remove_stale as _remove_stale

INDEX_FORMAT = 20
MAX_QUERY_CHARS = 500

_HEADER_PENALTY = 0.12

@dataclass
class _Concept:
    word: str                 # the query word as normalised
    alts: frozenset[str]      # tokens that count as this concept in a surface
    idf: float


class LookupIndex:
    """The search behind ``CodeSets.lookup``. Built lazily on the first search."""

    def __init__(self, codesets) -> None:
        self._cs = codesets
        self._lock = threading.Lock()
        self._built = False

    # -- building -----------------------------------------------------------------------------
    def _ensure(self) -> None:
        if self._built:
            return
        with self._lock:
            if self._built:
                return
            state = self._load_or_build()
            self._surfaces: list[tuple] = state["surfaces"]
            self._raw_postings: dict[str, bytes] = state["postings"]
            self._base_cost: array = state["base_cost"]   # float per surface ("d")
            # system -> compact code -> code as written; the ICD-10-CM headers (not billable) by compact code
            self._codes: dict[str, dict[str, str]] = state["codes"]
            self._headers: frozenset[str] = state["headers"]
            self._icd_keys: list[str] = state["icd_keys"]
            self._vocab = sorted(self._raw_postings)
            # typo correction compares a word with the vocabulary words of about its length only
            self._vocab_by_len = sorted(self._vocab, key=len)
            self._len_starts = [bisect.bisect_left(self._vocab_by_len, n, key=len)
                                for n in range(len(self._vocab_by_len[-1]) + 2)] if self._vocab else [0]
            self._n = len(self._surfaces)
            self._postings_cache: dict[str, frozenset[int]] = {}
            self._tokset_cache: dict[int, frozenset[str]] = {}
            self._child_cache: dict[str, str | None] = {}
            self._built = True

    def _state_key(self) -> str:
        icd_version = getattr(self._cs.icd, "version", "")
        tables = repr(sorted(self._cs.cpt.items())) + repr(sorted(self._cs.hcpcs.items()))
        digest = hashlib.sha1(tables.encode("utf-8")).hexdigest()[:12]
        return f"{INDEX_FORMAT}|{icd_version}|{digest}" if icd_version else ""

    def _load_or_build(self) -> dict:
        key = self._state_key()
        cache = paths.cache_dir() / f"lookup-v{INDEX_FORMAT}-{hashlib.sha1(key.encode()).hexdigest()[:16]}.pickle"
        if key:
            try:
                data = load_state(cache, self._cs.icd)
                if data.get("key") == key:
                    return data
            except (OSError, pickle.UnpicklingError, EOFError, AttributeError, KeyError, TypeError, ValueError,
                    IndexError) as exc:
                _damaged_cache_notice(cache, exc)   # missing (quietly) or damaged: rebuild
        data = self._build()
        data["key"] = key
        if key:
            try:
                _write_atomic(cache, dump_state(data, self._cs.icd))
                _remove_stale(cache, "lookup-v")
            except OSError:
                pass  # a read-only cache only costs speed next time
        return data

    def _build(self) -> dict:
        return build_state(self._cs)

    def _code(self, system: str, key: str) -> tuple[str, bool]:
        """(code as written, billable) of a compact code of ``system``; KeyError when unknown."""
        return self._codes[system][key], not (system == "icd10cm" and key in self._headers)

    def _post(self, tok: str) -> frozenset[int]:
        """Surface ids containing ``tok`` (materialised on first use)."""
        got = self._postings_cache.get(tok)
        if got is None:
            arr = array("i")
            arr.frombytes(self._raw_postings.get(tok, b""))
            got = self._postings_cache[tok] = frozenset(arr)
        return got

    def _df(self, tok: str) -> int:
        return len(self._raw_postings.get(tok, b"")) // 4

    def _tokset(self, sid: int) -> frozenset[str]:
        got = self._tokset_cache.get(sid)
        if got is None:
            got = self._tokset_cache[sid] = frozenset(self._surfaces[sid][4])
        return got

    # -- querying -----------------------------------------------------------------------------
    def search(self, query: str, system: System | str = "all", limit: int = 20) -> list[LookupHit]:
        """Codes best matching ``query`` (words, abbreviations, typos, or a code), best first.

        Raises ValueError for an empty query, an unknown system or a non-positive limit.
        """
        if not isinstance(query, str) or not query.strip():
            raise ValueError("empty search: type a few words (e.g. 'type 2 diabetes') or a code (e.g. E11.9)")
        if limit < 1:
            raise ValueError("limit must be at least 1")
        systems = {s.value for s in (parse_systems(system) if isinstance(system, str) else {System.parse(system)})}
        query = query.strip()[:MAX_QUERY_CHARS]
        self._ensure()
        hits: dict[tuple[str, str], LookupHit] = {}
        for hit in self._code_hits(query, systems, limit):
            hits.setdefault((hit.system.value, hit.code), hit)
        if not hits:
            for hit in self._text_hits(query, systems, limit):
                hits.setdefault((hit.system.value, hit.code), hit)
                if len(hits) >= limit:
                    break
        return list(hits.values())[:limit]

    def _title(self, system: str, code: str) -> str:
        if system == "icd10cm":
            return self._cs.icd.title(code) or ""
        return (self._cs.cpt if system == "cpt" else self._cs.hcpcs).get(code, "")

    def _hit(self, system: str, code: str, score: float) -> LookupHit:
        _, billable = self._code(system, compact(code))
        return LookupHit(code=code, system=System(system), description=self._title(system, code),
                         billable=billable, score=round(score, 4))

    def _code_hits(self, query: str, systems: set[str], limit: int) -> list[LookupHit]:
        """A query that is a code (or a code prefix) returns that code, then its descendants."""
        key = compact(query)
        if not re.fullmatch(r"[A-Z0-9]{3,8}", key) or not any(c.isdigit() for c in key):
            return []
        out = []
        for system in ("icd10cm", "cpt", "hcpcs"):
            if system in systems and key in self._codes.get(system, ()):
                code, _ = self._code(system, key)
                out.append(self._hit(system, code, 100.0))
        if "icd10cm" in systems:
            # Descendants (or codes sharing the typed prefix), billable first, in tabular order.
            i = bisect.bisect_right(self._icd_keys, key)
            prefixed = []
            while i < len(self._icd_keys) and self._icd_keys[i].startswith(key) and len(prefixed) < 400:
                prefixed.append(self._code("icd10cm", self._icd_keys[i]))
                i += 1
            prefixed.sort(key=lambda cb: not cb[1])
            for code, _ in prefixed[: limit * 2]:
                out.append(self._hit("icd10cm", code, 90.0))
        return out

    def concepts(self, query: str, *, phrases: bool = True) -> list[_Concept]:
        """The query's concepts after phrase, abbreviation, synonym and spelling normalisation."""
        return self._concepts(query, phrases)[0]

    def _concepts(self, query: str, phrases: bool) -> tuple[list[_Concept], int]:
        """(concepts, number of query words no code uses and so dropped)."""
        dropped = 0
        words: list[str] = []
        text = join_compounds(apply_phrases(query) if phrases else query)
        for raw in re.findall(r"[A-Za-z0-9]+(?:[/.'\-][A-Za-z0-9]+)*/?", text):
            exp = ABBREVIATIONS.get(raw.lower())
            words.extend(_WORD_RE.findall(_fold(exp[0])) if exp else _WORD_RE.findall(_fold(raw)))
        out: list[_Concept] = []
        seen: set[str] = set()
        for w in words:
            if w in STOPWORDS:
                continue
            tok = stem(w)
            if tok in seen:
                continue
            seen.add(tok)
            alts = {tok}
            for syn in WORD_SYNONYMS.get(w, ()) + WORD_SYNONYMS.get(tok, ()):
                alts.add(stem(syn.split()[-1]))
            known = {a for a in alts if a in self._raw_postings}
            if not known and len(tok) >= 4 and not tok.isdigit():
                known = self._corrections(tok)
            if not known:
                dropped += 1
                continue  # a word no code uses ("eliquis") cannot change the ranking
            df = max(self._df(a) for a in known)
            out.append(_Concept(tok, frozenset(known), math.log(1 + self._n / df)))
        return out, dropped

    def _corrections(self, tok: str) -> set[str]:
        """Vocabulary words within a typo or two of ``tok`` (rapidfuzz over words, not titles)."""
        cutoff = 80 if len(tok) >= 6 else 75
        # a word more than 3 letters longer or shorter is no typo of it: only those of about its length
        starts = self._len_starts
        near = self._vocab_by_len[starts[min(max(len(tok) - 3, 0), len(starts) - 1)]:
                                  starts[min(len(tok) + 4, len(starts) - 1)]]
        found = process.extract(tok, near, scorer=fuzz.ratio, score_cutoff=cutoff, limit=3)
        if not found:
            return set()
        best = found[0][1]
        return {w for w, s, _ in found if s >= best - 3}

    def _text_hits(self, query: str, systems: set[str], limit: int) -> list[LookupHit]:
        best: dict[tuple[str, str], float] = {}
        if apply_phrases(query) == query.lower():
            self._score_into(best, self.concepts(query, phrases=False), systems, limit)
        else:
            # A lay phrase is read in its clinical sense ("flu shot" -> influenza vaccination).
            # The words as typed still count where a code's term holds them all ("high blood
            # pressure" is an inclusion term of I10), never one by one: "shot" alone is a
            # firearm's sense, and a typed word no code uses ("flu") must not simply vanish.
            self._score_into(best, self.concepts(query, phrases=True), systems, limit)
            literal, dropped = self._concepts(query, False)
            if not dropped:
                self._score_into(best, literal, systems, limit, whole=True)
        headers = [kv for kv in best.items()
                   if kv[0][0] == "icd10cm" and compact(kv[0][1]) in self._headers]
        for (sys_, code), score in heapq.nlargest(limit, headers, key=lambda kv: kv[1]):
            child = self._default_child(code)
            lifted = score + _HEADER_PENALTY + 0.001
            if child and best.get((sys_, child), -9.0) < lifted:
                # the header's own default leaf takes the header's place, without its penalty
                best[(sys_, child)] = lifted
        ranked = sorted(best.items(), key=lambda kv: (-kv[1], len(kv[0][1]), kv[0][1]))[:limit]
        return [self._hit(sys_, code, max(score, 0.0) * 100) for (sys_, code), score in ranked]

    def _score_into(self, best: dict, concepts: list[_Concept], systems: set[str], limit: int,
                    whole: bool = False) -> None:
        if not concepts:
            return
        sets = [frozenset().union(*(self._post(a) for a in c.alts)) if len(c.alts) > 1
                else self._post(next(iter(c.alts))) for c in concepts]
        total_idf = sum(c.idf for c in concepts)
        candidates = self._candidates(sets, want=max(limit * 2, 30))
        query_toks = frozenset().union(*(c.alts for c in concepts))
        surfaces, base, tokset_of = self._surfaces, self._base_cost, self._tokset
        for sid in candidates:
            surface = surfaces[sid]
            if surface[1] not in systems:
                continue
            tokset = tokset_of(sid)
            matched = sum(c.idf for c in concepts if tokset & c.alts)
            if whole and matched < total_idf:
                continue
            hit_req = query_toks.intersection(surface[6])
            fr = surface[7]
            extra = base[sid] - math.fsum(0.05 if t in fr else _CHEAP_EXTRA.get(t, 1.0) for t in hit_req)
            score = matched / total_idf - 0.04 * min(extra, 6.0)
            if not surface[2]:
                score -= _HEADER_PENALTY   # headers navigate; billable codes are what gets reported
            if surface[5] in (1, 3):
                score -= 0.01
            key = (surface[1], surface[0])
            if score > best.get(key, -9.0):
                best[key] = score

    def _default_child(self, code: str) -> str | None:
        """The billable "unspecified" child a header stands for, if it has one."""
        key = compact(code)
        if key in self._child_cache:
            return self._child_cache[key]
        self._child_cache[key] = found = self._find_default_child(key)
        return found

    def _find_default_child(self, key: str) -> str | None:
        i = bisect.bisect_right(self._icd_keys, key)
        kids = []
        while i < len(self._icd_keys) and self._icd_keys[i].startswith(key) and len(kids) < 60:
            c, billable = self._code("icd10cm", self._icd_keys[i])
            if billable and len(self._icd_keys[i]) == len(key) + 1:
                kids.append(c)
            i += 1
        def rank(c: str) -> int:
            title = (self._title("icd10cm", c) or "").lower()
            if "other" in title.split(",")[0]:
                return 9
            if "unspecified" in title or "without complication" in title:
                return 0 if compact(c).endswith("9") else 1
            return 9

        best = min(kids, key=rank, default=None)
        return best if best is not None and rank(best) < 9 else None

    def _candidates(self, sets: list[frozenset[int]], want: int) -> set[int]:
        """Surfaces matching all concepts, widened to all-but-one/two when too few match."""
        n = len(sets)
        order = sorted(range(n), key=lambda i: len(sets[i]))
        out: set[int] = set()
        for drop in range(0, min(n, 3)):
            keep_n = n - drop
            for keep in itertools.combinations(order, keep_n):
                part = sets[keep[0]]
                for i in keep[1:]:
                    part = part & sets[i]
                    if not part:
                        break
                if drop and len(part) > 800:
                    continue  # only common words left: too vague to widen with
                out |= part
            if len(out) >= want:
                break
        if len(out) < want and n > 3:
            # Long queries mix concepts of several codes ("DM2 with CKD 3a"): let the
            # rarest concepts bring their codes in on their own.
            for i in order[:2]:
                if len(sets[i]) <= 800:
                    out |= sets[i]
        if not out:
            out = set(sets[order[0]])
        if len(out) > 600:
            # A one-word query ("pain") matches thousands; the shortest surfaces win anyway.
            out = set(heapq.nsmallest(600, out, key=lambda sid: len(self._surfaces[sid][4])))
        return out
