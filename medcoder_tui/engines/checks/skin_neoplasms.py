"""Skin cancers by the Table of Neoplasms: the site under "skin", the behaviour and the morphology.

A basal or squamous cell carcinoma, or a carcinoma in situ (Bowen disease), is a neoplasm of
the skin of the site the note names: the Table's "Neoplasm, neoplastic > skin NOS > <site>"
row gives the category by behaviour (C44 malignant, D04 in situ), and the C44 codes take the
morphology at their fifth character (1 basal cell, 2 squamous cell, 9 other) and the side
where the site has one. A neoplasm code of another or an unspecified site (C76.0, C80.1,
D09.9, C44.90) that such a mention was given becomes that code, with the Table's path as the
reason. Melanoma has its own categories (C43, D03) and is left to the title match.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from medcoder_tui.codes.systems import System
from medcoder_tui.engines.analysis.clinical_text import NoteAnalysis
from medcoder_tui.engines.models import Suggestion

Replace = Callable[[Suggestion, str, str], Suggestion]

_MORPHOLOGY = (
    (re.compile(r"\b(?:basal cell (?:carcinoma|ca|cancer|epithelioma)|bcc)\b", re.I), "1"),
    (re.compile(r"\b(?:squamous cell (?:carcinoma|ca|cancer)|scc|bowen'?s?(?: disease)?|keratoacanthoma)\b", re.I),
     "2"),
)
_IN_SITU = re.compile(r"\bin[- ]situ\b|\bbowen", re.I)
_SIDES = (("right", re.compile(r"\b(?:right|rt)\b|(?<![A-Za-z/])R(?![A-Za-z/])")),
          ("left", re.compile(r"\b(?:left|lt)\b|(?<![A-Za-z/])L(?![A-Za-z/])")))
_TABLE_PATH = ("Neoplasm, neoplastic", "skin NOS")


@lru_cache(maxsize=1)
def _sites() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """The Table's subterms under "skin NOS" (forearm, cheek, scalp ...), longest first."""
    from medcoder_tui.codes.index_data import neoplasm_table

    table = neoplasm_table()
    names = {table.path(i)[2] for i in table.find(["skin"], 1000)
             if table.path(i)[:2] == list(_TABLE_PATH) and len(table.path(i)) == 3}
    # body sites only: not the morphology rows ("basal cell carcinoma", "nevus") nor "overlapping lesion"
    names = {n for n in names if re.fullmatch(r"[a-z ]+", n)
             and not re.search(r"carcinoma|melano|nevus|lesion|organs|site\b", n)}
    return tuple((n, re.compile(rf"\b{re.escape(n)}s?\b", re.I)) for n in sorted(names, key=len, reverse=True))


def _site_codes(sentence: str, column: str) -> tuple[str, list[str]] | None:
    from medcoder_tui.codes.index_data import neoplasm_table

    table = neoplasm_table()
    for name, rx in _sites():
        if rx.search(sentence):
            codes = table.site([*_TABLE_PATH, name]).get(column, [])
            if codes:
                return name, codes
    return None


def _by_side(codes: list[str], sentence: str, icd) -> tuple[str, str | None]:
    sides = [name for name, rx in _SIDES if rx.search(sentence)]
    if len(sides) == 1:
        code = next((c for c in codes if sides[0] in (icd.title(c) or "").lower()), None)
        if code is not None:
            return code, sides[0]
    return next((c for c in codes if "unspecified" in (icd.title(c) or "").lower()), codes[0]), None


def skin_neoplasms(out: list[Suggestion], note: str, analysis: NoteAnalysis, icd,
                   replace: Replace) -> list[Suggestion]:
    """``out`` with each skin carcinoma coded at the site, behaviour and morphology the note gives."""
    result = list(out)
    for s in out:
        if s.system is not System.ICD10CM or not s.acceptable or not s.evidence or not s.evidence[0].located:
            continue
        if not (s.code[:1] == "C" and not s.code.startswith("C43") or s.code.startswith(("D04", "D09", "D49", "D48"))):
            continue
        sent = analysis.sentence_at(s.evidence[0].start)
        if sent is None:
            continue
        text = note[sent.start:sent.end]
        digit = next((d for rx, d in _MORPHOLOGY if rx.search(text)), None)
        if digit is None:
            continue
        column = "in_situ" if _IN_SITU.search(text) else "malignant_primary"
        found = _site_codes(text, column)
        if found is None:
            continue
        site, codes = found
        code, side = _by_side(codes, text, icd)
        if column == "malignant_primary" and code.startswith("C44") and len(code) > 5 and code[5] == "0":
            code = code[:5] + digit + code[6:]   # C44.601 -> C44.611 basal cell, C44.621 squamous cell
        if code == s.code or not icd.is_billable(code):
            continue
        why = (f"Table of Neoplasms: skin, {site}, {'in situ' if column == 'in_situ' else 'malignant'}"
               f"{f', {side} side' if side else ''}: {code} in place of {s.code}")
        result[result.index(s)] = replace(s, code, why)
    return result
