"""Codes a cancer note implies beside the neoplasm: hormone receptor status (Z17) and the encounter for
chemotherapy or immunotherapy given at the visit (Z51.11, Z51.12).

- C50 "use additional code to identify estrogen receptor status (Z17.0, Z17.1)" and, since FY2026, the
  progesterone (Z17.2-) and HER2 (Z17.3-) statuses: one code per receptor the note reports; the combined
  codes (Z17.4-) only where the note gives the status combined ("HR+/HER2-", "triple negative").
- I.C.2.e.2: an encounter to receive antineoplastic chemotherapy or immunotherapy is Z51.11 or Z51.12,
  first-listed, with the malignancy after it.
"""

from __future__ import annotations

import re

from medcoder_tui.engines.analysis.clinical_text import NoteAnalysis

# a word after a space, or a sign written on the name ("ER+", "HER2-"; "ER - negative workup" is the room)
_SIGN = r"(?:\s*(?:positive|negative|pos\b|neg\b)|(?<=\w)(?:\+|-(?![\w-])|\u2212))"
# "ER positive (90%)", "ER+/PR+", "PR 40% positive", "HER2 negative (IHC 1+)", "HER2-neu negative"
_RECEPTOR = re.compile(r"\b(ER|estrogen receptors?|PR|PgR|progesterone receptors?|HER-?2(?:[-/ ]?neu)?|ERBB2)"
                       r"(?:\s*status)?(?:\s*(?:is|was|:))?(?:\s*\(?\d{1,3}\s*%\)?)?(" + _SIGN + r")", re.I)
_ER_PR = re.compile(r"\bER\s*/\s*PR(?:\s*status)?(?:\s*:)?(" + _SIGN + r")", re.I)
_HER2_IHC = re.compile(r"\bHER-?2(?:[-/ ]?neu)?[^.;\n]{0,20}?\bIHC\s*([0-3])\s*\+?", re.I)
_TRIPLE_NEGATIVE = re.compile(r"\btriple[- ]negative\b", re.I)
_HR_COMBINED = re.compile(r"\b(?:HR|hormone receptor)(" + _SIGN + r")\s*(?:,|/|and)?\s*HER-?2(" + _SIGN + ")", re.I)
_CODES = {"er": ("Z17.0", "Z17.1"), "pr": ("Z17.21", "Z17.22"), "her2": ("Z17.31", "Z17.32")}


def _positive(sign: str) -> bool:
    return sign.strip().lower() in ("+", "positive", "pos")


def _kind(name: str) -> str:
    low = name.lower()
    return "er" if low.startswith(("er", "estrogen")) and not low.startswith("erbb") else \
        "pr" if low.startswith(("pr", "pgr", "progesterone")) else "her2"


def receptor_codes(note: str, analysis: NoteAnalysis) -> list[tuple[str, int, int]]:
    """(code, start, end) of each receptor status the note reports (see the module's doc)."""
    found: dict[str, tuple[str, int, int]] = {}

    def take(kind: str, positive: bool, start: int, end: int) -> None:
        # ("negative" is the status read, not a negation of it)
        if kind not in found and not analysis.context_at(start, end) & {"family", "hypothetical"}:
            found[kind] = (_CODES[kind][0 if positive else 1], start, end)

    combined = _HR_COMBINED.search(note)
    if combined and not _ER_PR.search(note) and not any(_kind(m.group(1)) != "her2" for m in _RECEPTOR.finditer(note)):
        # the status given combined ("HR+/HER2-"): the combined code, not the HER2 code alone
        hormone, her2 = _positive(combined.group(1)), _positive(combined.group(2))
        return [(f"Z17.4{1 if hormone else 2}{0 if her2 else 1}", combined.start(), combined.end())]

    for m in _ER_PR.finditer(note):
        take("er", _positive(m.group(1)), m.start(), m.end())
        take("pr", _positive(m.group(1)), m.start(), m.end())
    for m in _RECEPTOR.finditer(note):
        take(_kind(m.group(1)), _positive(m.group(2)), m.start(), m.end())
    for m in _HER2_IHC.finditer(note):   # IHC 0 or 1+ negative, 3+ positive (2+ is equivocal: nothing)
        if m.group(1) != "2":
            take("her2", m.group(1) == "3", m.start(), m.end())
    if found:
        return list(found.values())
    if (m := _TRIPLE_NEGATIVE.search(note)) and not analysis.context_at(m.start(), m.end()) & {"negated", "family"}:
        return [("Z17.421", m.start(), m.end())]
    return []


# antineoplastic drugs by name (the procedure rules read their infusion too: 96413)
CHEMO_DRUG_NAMES = (r"paclitaxel|nab-paclitaxel|docetaxel|carboplatin|cisplatin|oxaliplatin|doxorubicin|epirubicin|"
                    r"cyclophosphamide|gemcitabine|fluorouracil|5-?fu|etoposide|irinotecan|pemetrexed|vincristine|"
                    r"vinorelbine|bendamustine|azacitidine|decitabine|cytarabine|trastuzumab|pertuzumab|bevacizumab|"
                    r"rituximab|ado-trastuzumab|sacituzumab|enfortumab")
IMMUNO_DRUG_NAMES = r"pembrolizumab|nivolumab|ipilimumab|atezolizumab|durvalumab|avelumab|cemiplimab|dostarlimab"
_CHEMO_DRUGS = rf"chemo(?:therapy)?|folfox\w*|folfiri\w*|capox|{CHEMO_DRUG_NAMES}"
_IMMUNO_DRUGS = rf"{IMMUNO_DRUG_NAMES}|immunotherapy"
_GIVEN = r"(?:iv infusion|infusion|infused|given|administered|ivpb|iv over)"
_CHEMO_GIVEN = re.compile(rf"\b(?:{_CHEMO_DRUGS})\b[^.;\n]{{0,60}}\b{_GIVEN}\b|\b{_GIVEN}\b[^.;\n]{{0,30}}\b(?:{_CHEMO_DRUGS})\b|"
                          r"\bencounter for (?:\w+ ){0,2}chemotherapy\b", re.I)
_IMMUNO_GIVEN = re.compile(rf"\b(?:{_IMMUNO_DRUGS})\b[^.;\n]{{0,60}}\b{_GIVEN}\b|\bencounter for (?:\w+ ){{0,2}}"
                           r"immunotherapy\b", re.I)
# (a drug "given as prescribed" in a sentence about what it caused is the adverse effect's drug, not today's)
NOT_GIVEN = re.compile(r"\b(?:held|hold|deferred|delayed|cancel+ed|postponed|not given|will (?:start|begin|receive)|"
                        r"planned|next|prior|previous|completed|last|as prescribed|as directed|due to|induced|"
                        r"adverse|side effects?|toxicity|"
                        # "cycle 3 day 1 given 03/23/2026 (day 10 today)": a dose given days before this encounter
                        r"day (?:[2-9]|[1-9]\d) (?:today|of (?:the |this )?cycle)|\d+ (?:days?|weeks?) ago)\b", re.I)


def treatment_encounter(note: str, analysis: NoteAnalysis) -> list[tuple[str, int, int]]:
    """(code, start, end) of the antineoplastic chemotherapy (Z51.11) or immunotherapy (Z51.12) the visit gives."""
    out: list[tuple[str, int, int]] = []
    for code, rx in (("Z51.11", _CHEMO_GIVEN), ("Z51.12", _IMMUNO_GIVEN)):
        for m in rx.finditer(note):
            sent = analysis.sentence_at(m.start())
            text = note[sent.start:sent.end] if sent else m.group(0)
            if NOT_GIVEN.search(text) or analysis.context_at(m.start(), m.end()) & {"negated", "history", "hypothetical",
                                                                                     "family", "uncertain"}:
                continue
            out.append((code, m.start(), m.end()))
            break
    return out
