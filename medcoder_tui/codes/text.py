"""Text normalisation shared by the code lookup and the engines' matching.

Folding (case, accents, possessives), a light stemmer, tokenising into content words,
and the *surface* of a code text (its tokens, required tokens and free tokens).
"""

from __future__ import annotations

import functools
import re
import unicodedata

STOPWORDS = frozenset(
    "a an and as at by for from in into of on or the to with w due than that this which nos is was are "
    "were be been has have had patient pt pts her his she he it its their they them".split()
)
_WORD_RE = re.compile(r"[a-z0-9]+")
_POSSESSIVE = re.compile(r"['\u2019]s\b")


def fold(text: str) -> str:
    """Lower case without accents or possessive 's (Ménière's -> meniere)."""
    if text.isascii():
        return _POSSESSIVE.sub("", text).lower()
    text = _POSSESSIVE.sub("", unicodedata.normalize("NFKD", text))
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


@functools.lru_cache(maxsize=16384)   # a long note's one-off words must not hold megabytes
def stem(word: str) -> str:
    """A light English stemmer for plurals and possessives (fractures -> fracture)."""
    if len(word) <= 3 or word.isdigit():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("aches"):   # headaches, backaches: the singular ends in -ache
        return word[:-1]
    if word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if word.endswith(("eys", "ays", "oys")):   # kidneys, x-rays, airways
        return word[:-1]
    # Latin -us nouns: sinuses, viruses, fetuses, calluses, plexuses (not causes, abuses, refuses)
    if len(word) >= 7 and word.endswith("uses") and word[-5] in "nrtlxgm" and not word.endswith("overuses"):
        return word[:-2]
    # Greek plurals: keratoses, stenoses, diagnoses -> -osis; metastases -> -asis; prostheses -> -esis
    # (not doses, noses or closes, too short; not purposes or overdoses; not diseases or phases)
    if len(word) >= 8 and word.endswith("oses") and not word.endswith(("doses", "poses")):
        return word[:-2] + "is"
    if word.endswith(("stases", "theses")) and len(word) >= 9:
        return word[:-2] + "is"
    # "-as" is stripped too: carcinomas, arrhythmias (pancreas -> "pancrea" on both sides alike)
    if word.endswith("s") and not word.endswith(("ss", "us", "is", "ys", "os")):
        return word[:-1]
    return word


def tokenize(text: str, *, compounds: bool = False) -> list[str]:
    """Normalised content tokens of a text (stopwords removed, stemmed).

    With ``compounds`` a negating prefix stays joined to its word ("non-pressure"
    -> "nonpressure"): the word inside such a compound names its opposite.
    """
    folded = fold(text)
    if compounds:
        folded = join_compounds(folded)
    return [stem(w) for w in _WORD_RE.findall(folded) if w not in STOPWORDS]


# "non-pressure ulcer", "non-Hodgkin", "non-ST elevation": the word after "non" is negated.
_NEGATING_PREFIX = re.compile(r"\b(non)[-\s]+(?=[a-z0-9])", re.IGNORECASE)


def join_compounds(folded: str) -> str:
    """Lower-case text with negating prefixes joined to their word ("non-pressure" -> "nonpressure")."""
    return _NEGATING_PREFIX.sub(r"\1", folded) if "non" in folded else folded


_PAREN = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
_UNSPEC_CHUNK = re.compile(r"^\s*(?:unspecified|not specified|site not specified|nos)\b|\bnot specified\b")


def make_surface(code: str, system: str, billable: bool, text: str, kind: int, *, compounds: bool = False) -> tuple:
    """(code, system, billable, text, tokens, kind, required tokens, free tokens) for one text of a code.

    The required and free tokens are tuples of distinct tokens (test membership, or intersect
    them with a set: ``query_tokens.intersection(surface[6])``).

    Words in parentheses are ICD "nonessential modifiers": they match but are
    not required. Words of an "unspecified ..." axis ("Pneumonia, unspecified
    organism") are *free*: a query need not name them.
    """
    tokens = tuple(tokenize(text, compounds=compounds))
    # Tuples, not frozensets: ~110k surfaces are kept in memory, and an empty or small frozenset
    # costs 216 bytes where a tuple costs 40-100. The required words are usually the tokens
    # themselves: then the same tuple is shared (also in the pickle).
    required = tuple(dict.fromkeys(tokenize(_PAREN.sub(" ", text), compounds=compounds)))
    if required == tokens:
        required = tokens
    free: set[str] = set()
    for i, chunk in enumerate(fold(text).split(",")):
        if i > 0 and _UNSPEC_CHUNK.search(chunk):
            free.update(tokenize(chunk, compounds=compounds))
            continue
        either = re.search(r"\b([a-z]+) or unspecified\b", chunk)
        if either:
            # "Chronic or unspecified duodenal ulcer with hemorrhage": the axis word is one choice, not a need
            free.update(tokenize(either.group(1), compounds=compounds))
            free.add("unspecified")
            chunk = chunk[:either.start()] + " " + chunk[either.end():]
        m = re.search(r"(\S)?\s*\bunspecified\s+([a-z0-9]+)", chunk)
        if m:
            free.add("unspecified")
            if m.group(1):   # "pain in unspecified joint", not "unspecified abdominal pain"
                free.add(stem(m.group(2)))
    return (code, system, billable, text, tokens, kind, required, tuple(sorted(free)))
