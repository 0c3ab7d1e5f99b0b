"""Does the quoted evidence name what the code means?

Finding the quoted words in the note proves only that they are there. A model can
quote "Return in 6 months" for an acute MI or "lisinopril 10 mg" for a
dexamethasone injection. This check asks whether the evidence names the code's
concept: a content word shared with the code's title, its ancestors' titles, its
inclusion terms or the Alphabetic Index entries of its category (after
abbreviation expansion, lay phrases, British spellings and word synonyms), or,
failing that, whether an encoder lookup of the evidence finds the code's category.

A code written in the note ("G0442") is not evidence of itself: the words around
it must name the concept. CPT codes are checked only when the evidence is a
code written in the note: the procedure rules quote the documentation of a
service ("48 min face to face", "Tdap 0.5"), which rarely repeats its name.
HCPCS drugs also count as named by their brand or generic name (DuoNeb).
"""

from __future__ import annotations

import re
from functools import lru_cache

from medcoder_tui.codes.abbreviations import (
    ABBREVIATIONS,
    TERM_EXPANSIONS,
    WORD_SYNONYMS,
    american,
    apply_phrases,
)
from medcoder_tui.codes.index_terms import INDEX_TERMS
from medcoder_tui.codes.status_terms import FAMILY_HISTORY_OF, HISTORY_OF
from medcoder_tui.codes.systems import System, compact
from medcoder_tui.codes.text import tokenize
from medcoder_tui.engines.procedures.drugs import names_drug_of

# Words that qualify a code's concept without naming it: a shared "left" or "unspecified"
# is no support. Stemmed forms (tokenize) are listed.
GENERIC = frozenset(tokenize(
    "unspecified other specified encounter left right bilateral side initial subsequent sequela type "
    "due without complication complications site part elsewhere classified not mg ml mcg gm gram units "
    "unit per dose injection oral solution tablet each up to include includes including use used using "
    "visit new established level total minutes min hour hours day days first second third fourth fifth "
    "one two three four five six seven eight nine ten week weeks month months year years old age"
))
PREFIX = 6   # words sharing their first six letters name the same thing (pregnancy ~ pregnant)
_CODE_TOKEN = re.compile(r"\b[A-Za-z]?\d{2,4}[A-Za-z0-9]?(?:\.[A-Za-z0-9]{1,4})?\b")
LOOKUP_DEPTH = 10
# Personal and family history codes are named through the condition they record ("father MI").
_HISTORY_TABLES = (HISTORY_OF, FAMILY_HISTORY_OF)
_HISTORY_CATEGORIES = frozenset(compact(z)[:3] for table in _HISTORY_TABLES for _, z in table)


@lru_cache(maxsize=8192)   # the same evidence and the same titles are read again for every code they meet
def _words(text: str) -> frozenset[str]:
    """Content words of ``text`` with their abbreviation expansions, ICD wording and synonyms."""
    base = text.lower()
    variants = [base, apply_phrases(base)]
    for raw in re.findall(r"[a-z0-9]+(?:[/.\-][a-z0-9]+)*", base):
        variants.extend(ABBREVIATIONS.get(raw, ()))
        for part in re.findall(r"[a-z0-9]+", raw) if raw not in ABBREVIATIONS else ():
            variants.extend(ABBREVIATIONS.get(part, ()))
            if part in TERM_EXPANSIONS:
                variants.append(TERM_EXPANSIONS[part])
    out: set[str] = set()
    for variant in variants:
        for word in re.findall(r"[a-z0-9]+", variant):
            word = american(word)
            out.update(tokenize(word))
            for syn in WORD_SYNONYMS.get(word, ()):
                out.update(tokenize(syn))
    return frozenset(w for w in out if w not in GENERIC and not w.isdigit() and len(w) > 1)


def _index_terms_by_category() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for term, code in INDEX_TERMS.items():
        out.setdefault(compact(code)[:3], []).append(term)
    return out


class SupportChecker:
    """Answers "does this evidence name this code's concept?" for one code-set service."""

    def __init__(self, codesets) -> None:
        self.cs = codesets
        self._index_terms = _index_terms_by_category()
        self._concepts = lru_cache(maxsize=4096)(self._concept_words)

    def exempt(self, code: str, system: System, evidence: str) -> bool:
        """True when words cannot judge this code: a CPT service quoted by its documentation,
        or a code with no text to compare."""
        # a service (CPT, or a HCPCS G code such as G0009, a vaccine's Medicare administration) is
        # quoted by the documentation of the service, not by its name
        service = system is System.CPT or (system is System.HCPCS and code[:1] == "G")
        if service and not self._is_code(code, evidence):
            return True
        return not self._concepts(code, system)

    @staticmethod
    def _is_code(code: str, evidence: str) -> bool:
        """The evidence is a code written in the note (this code or any other)."""
        return bool(_CODE_TOKEN.fullmatch(evidence.strip())) or compact(evidence).endswith(compact(code))

    def _concept_words(self, code: str, system: System) -> frozenset[str]:
        texts: list[str] = []
        if system is System.ICD10CM:
            icd = self.cs.icd
            chain = [code, *icd.ancestors(code)] if code in icd else []
            for node in chain:
                entry = icd.get(node)
                if entry is None:
                    continue
                texts.append(entry.title)
                texts.extend(entry.inclusion_terms)
            texts.extend(self._index_terms.get(compact(code)[:3], ()))
        else:
            table = self.cs.cpt if system is System.CPT else self.cs.hcpcs
            texts.append(table.get(code, "") or "")
        return frozenset().union(*(_words(t) for t in texts)) if texts else frozenset()

    def supports(self, code: str, system: System, evidence: str, sentence: str = "") -> bool:
        """True when ``evidence`` (or, for a code written in the note, its ``sentence``) names the concept."""
        text = evidence
        if self._is_code(code, evidence):
            # A bare code is evidence only through the words around it.
            text = _CODE_TOKEN.sub(" ", sentence or "")
        if system is System.HCPCS and names_drug_of(text, self.cs.hcpcs.get(code, "") or ""):
            return True
        words = _words(text)
        if not words:
            return False
        concept = self._concepts(code, system)
        if words & concept:
            return True
        stems = {w[:PREFIX] for w in concept if len(w) >= PREFIX}
        if any(w[:PREFIX] in stems for w in words if len(w) >= PREFIX):
            return True
        return self._lookup_finds(code, system, text)

    def _lookup_finds(self, code: str, system: System, text: str) -> bool:
        """An encoder lookup of the evidence finds the code or (ICD-10-CM) its category."""
        query = " ".join(text.split())[:200]
        if not query:
            return False
        try:
            hits = self.cs.lookup(query, system=system.value, limit=LOOKUP_DEPTH)
        except (ValueError, ImportError):
            return False
        if system is not System.ICD10CM:
            return any(compact(h.code) == compact(code) for h in hits)
        want = compact(code)[:3]
        if any(compact(h.code)[:3] == want for h in hits):
            return True
        if want not in _HISTORY_CATEGORIES:
            return False
        for hit in hits:   # the condition a history code records
            for table in _HISTORY_TABLES:
                z = next((z for prefix, z in table if hit.code.startswith(prefix)), None)
                if z is not None and compact(z)[:3] == want:
                    return True
        return False
