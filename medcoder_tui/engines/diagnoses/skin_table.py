"""Neoplasms by the Table of Neoplasms: a site-less code's site, and skin cancers' site, behaviour and morphology.

A basal or squamous cell carcinoma, or a carcinoma in situ (Bowen disease), is a neoplasm of
the skin of the site the note names: the Table's "Neoplasm, neoplastic > skin NOS > <site>"
row gives the category by behaviour (C44 malignant, D04 in situ), and the C44 codes take the
morphology at their fifth character (1 basal cell, 2 squamous cell, 9 other) and the side
where the site has one. Melanoma has its own categories (C43, D03) and is left to the title
match. Used by the guideline layer (``checks.skin_neoplasms``) and for the candidates the
model is offered (``guided``).
"""

from __future__ import annotations

import re
from functools import lru_cache

_MORPHOLOGY = (
    (re.compile(r"\b(?:basal cell (?:carcinoma|ca|cancer|epithelioma)|bcc)\b", re.I), "1"),
    (re.compile(r"\b(?:squamous cell (?:carcinoma|ca|cancer)|scc|bowen'?s?(?: disease)?|keratoacanthoma)\b", re.I),
     "2"),
)
MORPHOLOGY_WORDS = re.compile("|".join(rx.pattern for rx, _ in _MORPHOLOGY), re.I)
_IN_SITU = re.compile(r"\bin[- ]situ\b|\bbowen", re.I)
_SIDES = (("right", re.compile(r"\b(?:right|rt)\b|(?<![A-Za-z/])R(?![A-Za-z/0-9])")),
          ("left", re.compile(r"\b(?:left|lt)\b|(?<![A-Za-z/])L(?![A-Za-z/0-9])")))
_TABLE_PATH = ("Neoplasm, neoplastic", "skin NOS")
# the parts of the nose a skin note names ("R nasal ala", "nasal tip", "alar crease"): the Table's nose
_NOSE_PARTS = re.compile(r"\bnasal (?:alae?|alar rim|tip|dorsum|side ?wall|bridge)\b|\balar (?:rim|crease|groove)\b", re.I)


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


def pick_by_side(codes: list[str], sentence: str, icd) -> tuple[str, str | None]:
    sides = [name for name, rx in _SIDES if rx.search(sentence)]
    if len(sides) == 1:
        code = next((c for c in codes if sides[0] in (icd.title(c) or "").lower()), None)
        if code is not None:
            return code, sides[0]
    # no side documented: the code that names none ("unspecified site of unspecified female breast"),
    # not one with "unspecified" elsewhere in its title ("unspecified site of right female breast")
    sideless = [c for c in codes if not re.search(r"\b(?:right|left)\b", (icd.title(c) or "").lower())] or codes
    return next((c for c in sideless if "unspecified" in (icd.title(c) or "").lower()), sideless[0]), None


def skin_table_code(sentence: str, icd) -> tuple[str, str] | None:
    """(code, the Table's reading in words) for a skin carcinoma the sentence names with its site."""
    from medcoder_tui.codes.index_data import neoplasm_table

    digit = next((d for rx, d in _MORPHOLOGY if rx.search(sentence)), None)
    if digit is None:
        return None
    column = "in_situ" if _IN_SITU.search(sentence) else "malignant_primary"
    table = neoplasm_table()
    sentence = _NOSE_PARTS.sub("nose", sentence)
    for site, rx in _sites():
        if not rx.search(sentence):
            continue
        codes = table.site([*_TABLE_PATH, site]).get(column, [])
        if not codes:
            continue
        code, side = pick_by_side(codes, sentence, icd)
        if column == "malignant_primary" and code.startswith("C44") and len(code) > 5 and code[5] == "0":
            code = code[:5] + digit + code[6:]   # C44.601 -> C44.611 basal cell, C44.621 squamous cell
        if not icd.is_billable(code):
            return None
        return code, (f"Table of Neoplasms: skin, {site}, {'in situ' if column == 'in_situ' else 'malignant'}"
                      f"{f', {side} side' if side else ''}")
    return None


_MELANOMA = re.compile(r"\bmelanomas?\b", re.I)


def melanoma_table_code(sentence: str, icd) -> tuple[str, str] | None:
    """(code, the Table's reading) for a melanoma the sentence names with its site: the Table's skin row
    for the site (C44.509 for the back), read in the melanoma categories by the site its title names
    ("... of skin of other part of trunk" -> C43.59 "Malignant melanoma of other part of trunk"; in
    situ, D03.59)."""
    from medcoder_tui.codes.index_data import neoplasm_table

    if not _MELANOMA.search(sentence):
        return None
    in_situ = bool(_IN_SITU.search(sentence))
    table = neoplasm_table()
    for site, rx in _sites():
        if not rx.search(sentence):
            continue
        codes = table.site([*_TABLE_PATH, site]).get("malignant_primary", [])
        if not codes:
            continue
        skin, side = pick_by_side(codes, sentence, icd)
        m = re.search(r"\bskin of (.+)$", icd.title(skin) or "", re.I)
        if m is None:
            return None
        phrase = m.group(1).lower()
        for code in _melanoma_codes(icd, "D03" if in_situ else "C43"):
            title = (icd.title(code) or "").lower()
            if title.endswith(phrase) or title.endswith(phrase + " (skin) (soft tissue)"):
                return code, (f"Table of Neoplasms: skin, {site}, read as melanoma{' in situ' if in_situ else ''}"
                              f"{f', {side} side' if side else ''}")
        return None
    return None


@lru_cache(maxsize=4)
def _melanoma_codes(icd, category: str) -> tuple[str, ...]:
    return tuple(icd.billable_descendants(category))


# Site-less neoplasm codes -> the Table's column their behaviour is
SITELESS_COLUMNS = {"D49.9": "unspecified", "C80.1": "malignant_primary", "D48.9": "uncertain",
                    "D36.9": "benign", "D09.9": "in_situ"}


# spellings in the Table's site column that name no site ("Meckel diverticulum, malignant")
_NOT_SITES = frozenset({"skin", "site", "tissue", "malignant", "benign", "primary", "secondary", "unspecified",
                        "specified", "other", "overlapping", "lesion", "multiple", "tumor", "tumour", "mass"})


@lru_cache(maxsize=1)
def table_sites() -> tuple[tuple[re.Pattern[str], str], ...]:
    """Every spelling of the Table's top-level sites ("kidney", "abdomen", "abdominal"), longest first."""
    return tuple((re.compile(rf"\b{re.escape(w)}s?\b", re.I), site)
                 for w, site in sorted(_site_spellings().items(), key=lambda kv: -len(kv[0])))


@lru_cache(maxsize=1)
def site_stems() -> frozenset[str]:
    """The stems of the Table's one-word sites ("heart", "lung", "kidney"): words that name a body part."""
    from medcoder_tui.codes.text import stem

    return frozenset(stem(w) for w in _site_spellings() if re.fullmatch(r"[a-z']+", w))


@lru_cache(maxsize=1)
def _site_spellings() -> dict[str, str]:
    """The Table's top-level site spellings, each with the site row it names."""
    from medcoder_tui.codes.index_data import neoplasm_table

    table = neoplasm_table()
    spellings: dict[str, str] = {}
    for i in range(len(table.rows)):
        path = table.path(i)
        if len(path) != 2 or path[0] != _TABLE_PATH[0]:
            continue
        for spelling in re.sub(r"\([^)]*\)", " ", path[1]).split(","):
            word = re.sub(r"\b(?:NEC|NOS)\b", " ", spelling).strip().lower()
            if len(word) >= 4 and re.fullmatch(r"[a-z' -]+", word) and word not in _NOT_SITES:
                spellings.setdefault(word, path[1])
    return spellings


def site_table_code(code: str, sentence: str, at: int, icd) -> tuple[str, str] | None:
    """(code, the Table's reading) for a site-less neoplasm code (D49.9, C80.1 ...) whose sentence names a
    site of the Table: the site nearest the mention (``at``, an offset in the sentence), its column."""
    from medcoder_tui.codes.index_data import neoplasm_table

    column = SITELESS_COLUMNS.get(code)
    if column is None:
        return None
    found = [(abs(m.start() - at), site) for rx, site in table_sites() for m in rx.finditer(sentence)]
    if not found:
        return None
    _, site = min(found)
    codes = neoplasm_table().site([_TABLE_PATH[0], site]).get(column, [])
    if not codes:
        return None
    picked, side = pick_by_side(codes, sentence, icd)
    if not icd.is_billable(picked) or picked == code:
        return None
    return picked, f"Table of Neoplasms: {site}, {column.replace('_', ' ')}{f', {side} side' if side else ''}"
