"""Where a cancer started and where it spread, read by the Table of Neoplasms.

The Index sends "Metastasis, metastatic (to)" to "Neoplasm, secondary, by site": the site a
cancer spread *to* takes the Table's "Malignant Secondary" column, and the site the cancer is
named for ("breast cancer", "carcinoma of the lung", "metastatic prostate cancer") stays the
primary. Read word by word, "Breast cancer, METS to bone" holds the words of "secondary malignant
neoplasm of breast" (C79.81); these functions read it the way a coder does: C50.919 and C79.51.

Pure functions over one sentence; the guideline layer (``checks.metastases``) applies them.
"""

from __future__ import annotations

import re
from functools import lru_cache

from medcoder_tui.engines.diagnoses.skin_table import pick_by_side, table_sites

_TABLE = "Neoplasm, neoplastic"
_LYMPH = ("lymph, lymphatic channel NEC", "gland")
_CANCER = r"(?:cancer|carcinoma|ca|adenocarcinoma|malignancy|malignant neoplasm|sarcoma)"
_SPREAD = r"(?:metastatic|metastases|metastasis|metastasi[sz]ed|mets|secondaries)"
# "... metastatic to the liver and bone", "mets to L-spine, ribs", "spread into the peritoneum"
_TO_SITES = re.compile(rf"\b(?:{_SPREAD}|{_CANCER}\s+(?:has\s+)?spread|metastatic\s+(?:[a-z'-]+\s+){{0,3}}?"
                       rf"(?:{_CANCER}|melanoma|tumou?r))\s+(?:disease\s+|lesions?\s+)?(?:to|in|into|involving|within)\s+"
                       r"(?P<sites>[a-z][a-z ,/&'-]*)", re.I)
# "bone mets", "liver metastases", "axillary lymph node metastasis"
_SITE_FIRST = re.compile(rf"(?P<site>\b[a-z][a-z'-]*(?: [a-z][a-z'-]*){{0,2}})\s+(?:{_SPREAD}|metastatic disease)\b",
                         re.I)
# the cancer a site is named for: "breast cancer", "carcinoma of the left lung"
_PRIMARY = (re.compile(rf"(?P<site>\b[a-z][a-z'-]*(?: [a-z][a-z'-]*)?)\s+{_CANCER}\b", re.I),
            re.compile(rf"\b{_CANCER}\s+of\s+(?:the\s+)?(?:(?:right|left)\s+)?(?P<site>[a-z][a-z'-]*(?: [a-z][a-z'-]*)?)",
                       re.I))
_SPLIT = re.compile(r"\s*(?:,|/|&|\band\b|\bas well as\b|\bwith\b)\s*", re.I)
_END = re.compile(r"\b(?:with|without|status|s/p|who|which|that|since|on|for|per|but|diagnosed|treated|seen|noted|"
                  r"found|confirmed|on|now|currently|receiving|after)\b", re.I)
_DROP = re.compile(r"^(?:the|both|bilateral|multiple|diffuse|several|numerous|widespread|extensive|(?:right|left)(?: side)?"
                   r"|rt|lt|small|large|new|known|the)\s+", re.I)
_NODES = re.compile(r"^(?:(?P<where>[a-z'-]+(?: [a-z'-]+)??)\s+)?(?:lymph\s+nodes?|nodes?|nodal|lymph\s+glands?|ln)$", re.I)
_SYNONYMS = {"osseous": "bone", "bony": "bone", "skeletal": "bone", "skeleton": "bone", "bones": "bone",
             "l-spine": "spine", "t-spine": "spine", "c-spine": "spine", "lumbar spine": "spine",
             "thoracic spine": "spine", "cervical spine": "spine", "ribs": "rib", "hepatic": "liver",
             "cerebral": "brain", "intracranial": "brain", "brain": "brain NEC", "pulmonary": "lung", "lungs": "lung",
             "bronchogenic": "lung", "vertebrae": "vertebra", "vertebral": "vertebra", "adrenals": "adrenal",
             "peritoneal": "peritoneum, peritoneal", "pleural": "pleura, pleural", "nodes": "lymph nodes",
             "pancreatic": "pancreas", "omental": "omentum", "gastric": "stomach", "renal": "kidney", "ovarian": "ovary",
             "colonic": "colon", "rectal": "rectum", "prostatic": "prostate", "esophageal": "esophagus",
             "endometrial": "endometrium", "uterine": "uterus, uteri, uterine", "testicular": "testis, testes",
             "laryngeal": "larynx, laryngeal NEC", "urinary bladder": "bladder", "thyroid gland": "thyroid"}
# a bone the note names, read under the Table's "bone" when the sentence speaks of bone metastases
_BONE_SPELLINGS = {"pelvis": "pelvic", "iliac": "ilium", "vertebrae": "vertebra", "ribs": "rib", "femoral": "femur"}
_BONE_CONTEXT = re.compile(r"\b(?:bone|bony|osseous|skeletal|lytic|blastic|sclerotic)\b", re.I)
_NOT_SITES = frozenset({"metastatic", "metastases", "metastasis", "secondary", "primary", "stage", "cell"})


@lru_cache(maxsize=4096)
def _site_row(words: str, bone_context: bool = False) -> tuple[str, ...] | None:
    """The Table path of a site as a note writes it ("bone", "axillary lymph nodes", "liver"), or None."""
    from medcoder_tui.codes.index_data import neoplasm_table

    words = _DROP.sub("", words.strip().lower()).strip()
    words = _SYNONYMS.get(words, words)
    if words in _NOT_SITES:
        return None
    table = neoplasm_table()
    if bone_context:
        for name in (_BONE_SPELLINGS.get(words, words), words[:-1] if words.endswith("s") else ""):
            if name and table.lookup([_TABLE, "bone", name]) is not None:
                return (_TABLE, "bone", name)
    if m := _NODES.match(words):
        where = (m.group("where") or "").strip()
        # "axillary sentinel node": the region is one of the words before the node ("sentinel" is no site)
        for region in ([where] + where.split()[::-1]) if where else []:
            for name in _lymph_sites():
                if re.fullmatch(rf"(?:{'|'.join(re.escape(p.strip()) for p in name.split(','))})s?", region):
                    return (_TABLE, *_LYMPH, name)
        return (_TABLE, *_LYMPH)
    if table.lookup([_TABLE, words]) is not None:
        return (_TABLE, words)
    for rx, site in table_sites():
        if rx.fullmatch(words):
            return (_TABLE, site)
    return None


@lru_cache(maxsize=1)
def _lymph_sites() -> tuple[str, ...]:
    from medcoder_tui.codes.index_data import neoplasm_table

    table = neoplasm_table()
    return tuple(table.path(i)[3] for i in table.find(["gland"], 1000)
                 if len(table.path(i)) == 4 and table.path(i)[1:3] == list(_LYMPH))


def _column_code(path: tuple[str, ...], column: str, sentence: str, icd) -> str | None:
    from medcoder_tui.codes.index_data import neoplasm_table

    codes = [c for c in neoplasm_table().site(path).get(column, []) if icd.is_billable(c)]
    if not codes:
        return None
    return pick_by_side(codes, sentence, icd)[0]


def secondary_sites(sentence: str, icd) -> list[tuple[str, str, str, tuple[str, ...]]]:
    """(code, the sentence's words from the spread word to the site, the Table's reading, the site's
    primary codes) for each site the sentence says a cancer spread to, in order, one per code."""
    from medcoder_tui.codes.index_data import neoplasm_table

    found: list[tuple[str, str]] = []     # (site words, evidence words)
    for m in _TO_SITES.finditer(sentence):
        run = _END.split(m.group("sites"))[0]
        cursor = 0
        for part in (p.strip() for p in _SPLIT.split(run)):
            if not part:
                continue
            at = run.find(part, cursor)
            cursor = at + len(part)
            found.append((part, sentence[m.start():m.start("sites") + cursor]))
    for m in _SITE_FIRST.finditer(sentence):
        # the longest tail of the words that is a site: "with liver mets" -> "liver"
        parts = m.group("site").split()
        for k in range(len(parts)):
            words = " ".join(parts[k:])
            if _site_row(words) is not None:
                found.append((words, sentence[m.end("site") - len(words):m.end()]))
                break
    bones = bool(_BONE_CONTEXT.search(sentence))
    out: list[tuple[str, str, str, tuple[str, ...]]] = []
    for words, evidence in found:
        path = _site_row(words, bones)
        if path is None:
            continue
        code = _column_code(path, "malignant_secondary", words, icd)
        if code and code not in {c for c, *_ in out}:
            primaries = tuple(neoplasm_table().site(path).get("malignant_primary", []))
            out.append((code, evidence, f"Table of Neoplasms: {', '.join(path[1:])}, malignant secondary", primaries))
    return out


def primary_site(sentence: str, start: int, end: int, icd, *, secondary: str) -> tuple[str, str] | None:
    """(code, the Table's reading) of a cancer named for its site ("breast cancer", "carcinoma of the
    lung") in the sentence's words ``start:end``, read as the primary, when that site's secondary
    code is ``secondary``; None when the words name no such cancer."""
    from medcoder_tui.codes.index_data import neoplasm_table

    for rx in _PRIMARY:
        for m in rx.finditer(sentence):
            if m.end() <= start or m.start() >= end:
                continue
            parts = m.group("site").split()
            for words in sorted((" ".join(parts[i:j]) for i in range(len(parts)) for j in range(i + 1, len(parts) + 1)),
                                key=len, reverse=True):
                path = _site_row(words)
                if path is None or path[1] == _LYMPH[0]:
                    continue
                if secondary not in neoplasm_table().site(path).get("malignant_secondary", []):
                    break
                code = _column_code(path, "malignant_primary", m.group(0), icd)
                if code:
                    return code, f"Table of Neoplasms: {path[1]}, malignant primary"
                break
    return None
