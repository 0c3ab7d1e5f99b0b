"""Code references inside tabular-list note text, and membership of codes in them.

Tabular notes name companions as single codes (``Z79.4``), categories
(``G30.-``, ``G35-``), ranges (``N18.1-N18.6``, ``E08-E13``, ``E00-E03.-``)
and lists of those (``(X00-X19, X75-X77, Y92)``). A reference matches a code
by prefix: ``N18.1-N18.6`` holds ``N18.30`` because ``N183`` lies between
``N181`` and ``N186`` when compared at the same length.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from medcoder_tui.codes.systems import compact

# A code, optionally followed by "-" (all below it) or "-CODE" (a range).
_CODE = r"[A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?"
_REF = re.compile(rf"(?<![A-Za-z0-9])({_CODE})(?:\.?-({_CODE})?)?(?:\.-)?(?![A-Za-z0-9])")
# "(E08-E13 with .44)", "(E08-E13 with .51-.52)", "(F10-F19, with .17, .27, .97)"
_WITH = re.compile(r",?\s*with\s+((?:\.[0-9A-Z]+(?:-\.?[0-9A-Z]*)?(?:,\s*)?)+)")
_FINAL = re.compile(r"\.?\s*with final characters?\s+-?([0-9A-Z]+)", re.I)
_SUFFIX = re.compile(r"\.([0-9A-Z]+)(?:-\.?([0-9A-Z]+))?")
# "(T36-T50 with fifth or sixth character 5)": the adverse-effect codes of the range, not its poisonings
_NTH = re.compile(r",?\s*with (fifth|sixth|fifth or sixth) characters? ([0-9A-Z])\b", re.I)
_PLACES = {"fifth": (4,), "sixth": (5,), "fifth or sixth": (4, 5), "7th": (6,), "seventh": (6,)}
# "open skull fracture (S02.- with 7th character B)": the codes of the range with that 7th character only
_SEVENTH = re.compile(r",?\s*with (7th|seventh) characters? ([A-Z])\b", re.I)
# words after the last code of a line that narrow the codes named ("E08-E10, E11, E13 with ketoacidosis"), not a
# character ("with seventh character A")
_QUALIFIER = re.compile(r"(?<=[0-9A-Z-])\s+with\s+((?!(?:fifth|sixth|seventh|final|open fracture)\b)[a-z][a-z ]*?)\s*\)?\s*$")


@dataclass(frozen=True)
class CodeRef:
    """A code or range named in a note; ``low``/``high`` are compact prefixes."""

    low: str
    high: str
    text: str          # as written, e.g. "N18.1-N18.6"
    phrase: str = ""   # the words before it, e.g. "stage of chronic kidney disease"
    # "E08-E13 with .51-.52": the characters after the category must fall in this range too.
    after_low: str = ""
    after_high: str = ""
    ending: str = ""   # "I69. with final characters -22": the code must end so
    # "T36-T50 with fifth or sixth character 5": the code has ``character`` at one of these (0-based) places
    places: tuple[int, ...] = ()
    character: str = ""
    # "see categories E08-E10, E11, E13 with ketoacidosis": only the codes whose title says so (read by callers
    # that know the title: ``matches`` alone keeps the whole range)
    qualifier: str = ""

    def matches(self, code: str) -> bool:
        """Whether ``code`` (any spelling) falls under this reference."""
        c = compact(code)
        if not (self.low <= c[: len(self.low)] and c[: len(self.high)] <= self.high):
            return False
        if self.ending and not c.endswith(self.ending):
            return False
        if self.places and not any(len(c) > i and c[i] == self.character for i in self.places):
            return False
        if self.after_low:
            tail = c[3:]
            return self.after_low <= tail[: len(self.after_low)] and tail[: len(self.after_high)] <= self.after_high
        return True


def parse_refs(text: str) -> list[CodeRef]:
    """Every code reference in a note's text, each with the phrase it belongs to."""
    refs: list[CodeRef] = []
    if not text:
        return refs
    for line in text.splitlines():
        phrase = _phrase(line)
        q = _QUALIFIER.search(line)
        for m in _REF.finditer(line):
            low = compact(m.group(1))
            high = compact(m.group(2)) if m.group(2) else low
            if high < low[: len(high)]:
                continue  # not a range after all
            final = _FINAL.match(line, m.end())
            if final:   # "(I69. with final characters -22)": the codes of I69 that end in 22
                refs.append(CodeRef(low=low, high=high, text=f"{m.group(0)} with final characters -{final.group(1)}",
                                    phrase=phrase, ending=final.group(1)))
                continue
            nth = _NTH.match(line, m.end()) or _SEVENTH.match(line, m.end())
            if nth:
                refs.append(CodeRef(low=low, high=high, text=f"{m.group(0)} with {nth.group(1)} character "
                                    f"{nth.group(2)}", phrase=phrase, places=_PLACES[nth.group(1).lower()],
                                    character=nth.group(2)))
                continue
            with_ = _WITH.match(line, m.end())
            if with_:
                for lo, hi in _SUFFIX.findall(with_.group(1)):
                    refs.append(CodeRef(low=low, high=high, text=f"{m.group(0)} with .{lo}", phrase=phrase,
                                        after_low=lo, after_high=hi or lo))
                continue
            qualifier = q.group(1).strip() if q and m.end() <= q.start() else ""
            refs.append(CodeRef(low=low, high=high, text=m.group(0), phrase=phrase, qualifier=qualifier))
    return refs


def _phrase(line: str) -> str:
    """The words of a note line before its first parenthesis, trimmed of filler."""
    head = line.split("(")[0].strip(" :,;-")
    if head.lower() in ("", "code", "use additional code", "code also", "code first") and ")" in line:
        head = line.rsplit(")", 1)[1]  # "Use additional code (B95-B97), to identify infectious agent"
    head = re.sub(r"^(code first|use additional code|code also|code,? if applicable,? to identify)[:,]?\s*",
                  "", head, flags=re.I)
    return re.sub(r"^to identify\s+", "", head.strip(" :,;-."), flags=re.I)


def any_match(refs: list[CodeRef], code: str) -> CodeRef | None:
    """The first reference that ``code`` falls under, or None."""
    for ref in refs:
        if ref.matches(code):
            return ref
    return None


def describe_refs(refs: list[CodeRef], limit: int = 4) -> str:
    """A short human list of references for messages: ``N18.1-N18.6`` or ``G30.-, E75.4, ...``."""
    texts: list[str] = []
    for ref in refs:
        if ref.text not in texts:
            texts.append(ref.text)
    shown = ", ".join(texts[:limit])
    return shown + (", ..." if len(texts) > limit else "")


def is_hedged(note: str) -> bool:
    """Whether a note only applies sometimes ("if applicable", "if known", "any", "such as")."""
    return bool(re.search(r"\b(if applicable|if known|if present|if desired|any|such as)\b", note, re.I))


# the words of an injury title that name the injury and the encounter, not where it is
_INJURY_KIND_WORDS = frozenset(
    "abrasion blister bite bites contusion laceration lacerations puncture wound wounds open superficial injury injuries "
    "foreign body without with of and or the initial subsequent encounter sequela unspecified other specified "
    "external constriction insect nonvenomous fracture closed displaced nondisplaced right left side part "
    "routine healing delayed nonunion malunion into penetration damage nail cavity".split())


# injuries of a whole region, of no one site in it: an intracranial injury (a concussion) is the head's
_WHOLE_REGION = frozenset({"S06", "S09", "S19", "S29", "S39", "S49", "S59", "S69", "S79", "S89", "S99"})


@lru_cache(maxsize=8192)
def _injury_sites(title: str) -> frozenset[str]:
    return frozenset(w for w in re.findall(r"[a-z]+", title.lower()) if w not in _INJURY_KIND_WORDS)


def injury_sites_apart(code_a: str, title_a: str, code_b: str, title_b: str) -> bool:
    """Two injuries of different sites ("contusion of left eyelid" beside "laceration of lip"): unrelated conditions,
    coded together whatever the category's Excludes1 says of its kinds (the exception of guideline I.A.12.a)."""
    a, b = compact(code_a), compact(code_b)
    if a[:1] != "S" or b[:1] != "S" or a[:4] == b[:4] or a[:3] in _WHOLE_REGION or b[:3] in _WHOLE_REGION:
        return False
    sites_a, sites_b = _injury_sites(title_a), _injury_sites(title_b)
    return bool(sites_a) and bool(sites_b) and sites_a.isdisjoint(sites_b)
