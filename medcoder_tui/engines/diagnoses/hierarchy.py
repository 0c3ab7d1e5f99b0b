"""Questions about the ICD-10-CM tree that retrieval asks of a matched code text.

Which billable leaf a header stands for when a note names only the header
("Headache" -> R51.9, "Breast cancer" -> C50.919), and which sibling of an
"unspecified" code the sentence's side words pick (right, left, bilateral).
"""

from __future__ import annotations

import functools
import re

from medcoder_tui.codes.text import STOPWORDS, stem
from medcoder_tui.codes.text import fold as _fold


def vagueness(description: str) -> int:
    """How many of its axes a title leaves open: unspecified, without complication, other."""
    low = description.lower()
    return (("unspecified" in low) + ("without complication" in low or low.endswith(", uncomplicated"))
            + low.startswith("other "))


# Categories that only gather unlike conditions under a heading ("T78 Adverse effects, not elsewhere classified":
# anaphylaxis, angioedema, allergy): the heading's words ("adverse effect") name none of them
_NO_DEFAULT = frozenset({"T78", "T88"})


class CodeHierarchy:
    """Default leaves and side refinements over one ICD-10-CM index, cached per code."""

    def __init__(self, icd) -> None:
        self.icd = icd
        self._cache: dict = {}
        self._unspecified: dict[str, bool] = {}

    def refine(self, code: str, sentence_words: frozenset[str]) -> str:
        """A sibling of an "unspecified" code whose extra words (right, left, upper...) the sentence says."""
        if not sentence_words & _LATERAL:
            return code
        icd = self.icd
        unspecified = self._unspecified.get(code)
        if unspecified is None:   # asked for every match of a long note: the title is read once per code
            unspecified = self._unspecified[code] = "unspecified" in (icd.title(code) or "").lower()
        if not unspecified:
            return code
        title = icd.title(code) or ""
        key = ("refine", code)
        sibs = self._cache.get(key)
        if sibs is None:
            parent = icd.parent(code)
            mine = refine_tokens(title)
            sibs = []
            options = icd.children(parent) if parent else []
            if parent and len(code.replace(".", "")) == 7 and code.startswith(parent) and not icd.is_billable(parent):
                # a 7th-character code (S05.90XA): the sides are its parent's siblings, same extension
                ext = code[len(parent):]
                options = [sib + ext for sib in icd.children(icd.parent(parent) or "") if sib != parent]
            for sib in options:
                if sib == code or not icd.is_billable(sib):
                    continue
                theirs = refine_tokens(icd.title(sib) or "")
                gained = theirs - mine
                # only laterality-style refinements: the sibling adds side/position words and nothing else
                if gained and gained <= _LATERAL and "unspecified" not in (icd.title(sib) or "").lower()[:0] + "":
                    sibs.append((sib, gained))
            self._cache[key] = sibs
        said = sentence_words | _default_dominance(sentence_words)
        best, best_n = code, 0
        for sib, gained in sibs:
            if gained <= said and len(gained) > best_n:
                best, best_n = sib, len(gained)
        return best

    def default_billable(self, code: str) -> str | None:
        """The billable code a header stands for: its "unspecified" (or only) billable descendant.

        A leaf whose title adds a concept the header does not name ("Malignant
        *inflammatory* neoplasm of unspecified breast" under "Malignant neoplasm of
        breast") is no default while a leaf without one exists deeper down.
        """
        if code in self._cache:
            return self._cache[code]
        if code in _NO_DEFAULT:
            return None
        best = self._default_search(code, strict=True)
        if best is None and not _GROUP_OF_DISEASES.match(self.icd.title(code) or ""):
            # (a group of diseases, "Diseases of vocal cords and larynx, not elsewhere classified" (J38), has no
            # unspecified member: none of its diseases, "Paralysis of vocal cords ..., unspecified", stands for it)
            best = self._default_search(code, strict=False)
        self._cache[code] = best
        return best

    def _default_search(self, code: str, strict: bool) -> str | None:
        icd = self.icd
        head = icd.title(code) or ""
        head_words = refine_tokens(head) | _AXIS_WORDS

        extras: dict[str, int] = {}
        ranks: dict[str, float] = {}   # the leaves are ranked again at each level of a large subtree

        def extra(leaf: str) -> int:
            got = extras.get(leaf)
            if got is None:
                # (an axis's unspecified value adds nothing: "Otitis media, unspecified, unspecified ear")
                title = _UNSPECIFIED_VALUE.sub("unspecified", icd.title(leaf) or "")
                got = extras[leaf] = len(refine_tokens(title) - head_words)
            return got

        def rank(leaf: str) -> float:
            got = ranks.get(leaf)
            if got is None:
                r = _default_rank(leaf, icd.title(leaf) or "", head)
                got = ranks[leaf] = r + 3 if strict and extra(leaf) else r
            return got

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
            if leaves:   # the best leaf so far, fewest added words among equals (the first of ties)
                top = min(leaves, key=lambda leaf: (rank(leaf), extra(leaf)))
                if rank(top) < 3:
                    return top
            frontier = nxt
        if len(leaves) == 1:
            return leaves[0]
        # no unspecified leaf: the catch-all "Other <header>" stands for it ("Pancytopenia" -> D61.818)
        other = "other " + head.lower()
        catch_all = next((leaf for leaf in leaves if (icd.title(leaf) or "").lower() == other), None)
        if catch_all is not None or strict:
            return catch_all
        # a header whose own leaves are all specific but one "other": that one is where the Index sends the
        # unqualified term, NEC ("STEMI of inferior wall" -> I21.19 "... involving other coronary artery of
        # inferior wall"; "Persistent atrial fibrillation" -> I48.19)
        children = icd.children(code)
        others = [c for c in children if re.search(r"\bother\b", (icd.title(c) or "").lower())]
        if not re.search(r"\bother\b", head.lower()) and len(others) == 1 and len(children) <= 5 \
                and all(icd.is_billable(c) for c in children):
            return others[0]
        return None


_UNSPECIFIED_VALUE = re.compile(r"\bunspecified \w+", re.I)
_GROUP_OF_DISEASES = re.compile(r"(?:other )?(?:diseases|disorders|conditions) of\b", re.I)
# Words of a leaf's title that name an axis left open or the encounter, not a new concept.
_AXIS_WORDS = frozenset(stem(w) for w in (
    "unspecified site sites part parts other specified female male side left right bilateral without with "
    "type episode initial encounter nos not elsewhere classified complication complications uncomplicated "
    "unspecified behavior region organ stage".split()))


def _default_rank(code: str, title: str, header_title: str = "") -> float:
    """How well a leaf stands for its header: "...9" unspecified first, "other" never; a side last."""
    low = title.lower()
    # (both sides are a side too: "Otitis media, unspecified" stands for H66.90 "unspecified ear", not H66.93)
    side = 0.5 if re.search(r"\b(?:right|left|bilateral)\b", low) and not re.search(r"\b(?:right|left|bilateral)\b",
                                                                                  header_title.lower()) else 0.0
    return _base_rank(code, low, header_title) + side


def _base_rank(code: str, low: str, header_title: str) -> int:
    if code[:1] == "T" and re.search(r", (?:intentional self-harm|assault|undetermined)\b", low):
        return 9   # I.C.19.e.5.b: a poisoning or toxic effect of no stated intent is accidental
    if header_title and low.startswith(header_title.lower()) and "initial encounter" in low and code.endswith("A"):
        return 0   # a 7th-character extension: the initial encounter stands for the header
    # an "Other ..." catch-all never stands for its header, except an injury's: there the leaves of
    # an "other" header add only the side and the encounter ("Sprain of other ligament of ankle"
    # stands for "... of other ligament of unspecified ankle, initial encounter")
    injury_other = code[:1] in "ST" and "other" in header_title.lower().split(",")[0]
    if header_title.lower().startswith("personal history of malignant neoplasm") and \
            "other malignant neoplasm" in low:
        return 1   # Index: History, personal, malignant neoplasm, large intestine Z85.038 (not the carcinoid)
    if ("other" in low.split(",")[0] and not injury_other) or "in remission" in low:
        return 9
    if code.endswith("9") and ("unspecified" in low or "without" in low):
        return 0
    if low.endswith("unspecified") or "without complication" in low or low.endswith(", not intractable"):
        return 1   # (the intractable axis stands at "not intractable" when the note says neither: G44.4 -> G44.40)
    if "unspecified" in low:
        return 2
    return 5


# side and handedness ("left non-dominant side" of I69.354)
_LATERAL = frozenset({"right", "left", "bilateral", "upper", "lower", "dominant", "non"})


def _default_dominance(words: frozenset[str]) -> frozenset[str]:
    """Guideline I.C.6.a: a side affected with no dominance documented is dominant on the right,
    non-dominant on the left (not when handedness or both sides are in the sentence)."""
    if "dominant" in words or "handed" in words or ("left" in words) == ("right" in words):
        return frozenset()
    return frozenset({"dominant"}) if "right" in words else frozenset({"non", "dominant"})


@functools.lru_cache(maxsize=1 << 16)   # code titles: a leaf is ranked under each header above it
def refine_tokens(title: str) -> frozenset[str]:
    # the tabular spells it both ways (G81.94 "nondominant", I69.354 "non-dominant")
    text = _fold(title).replace("nondominant", "non-dominant")
    return frozenset(stem(w) for w in re.findall(r"[a-z0-9]+", text) if w not in STOPWORDS)


def siblings(code: str, icd) -> list[str]:
    """The billable codes beside ``code`` under its parent (for a 7th-character code: with the same 7th)."""
    parent = icd.parent(code)
    if parent is None:
        return []
    # 7th-character codes sit under a six-character code whose siblings hold the side
    # (not an eight-character code of no 7th character: "Personal history of colon polyps, unspecified", Z86.0100)
    grand = icd.parent(parent) if len(code) == 8 and (not hasattr(icd, "seven_chr") or icd.seven_chr(code)) else None
    pool = icd.billable_descendants(grand or parent)
    return [c for c in pool if c != code and len(c) == len(code) and c[-1:] == code[-1:]] if grand else \
        [c for c in pool if c != code]
