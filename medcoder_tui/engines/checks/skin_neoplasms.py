"""Neoplasms by the Table of Neoplasms (``diagnoses.skin_table``) in place of a site-less or
wrong-site neoplasm code: a basal or squamous cell carcinoma, or one in situ, of a named site
(C76.0, C80.1, D09.9 or C44.90 becomes C44.319, D04.61 ...), and a site-less code (D49.9, C80.1,
D48.9, D36.9, D09.9) whose sentence names a site of the Table (a kidney tumour: D49.51-), with the
Table's path as the reason.
"""

from __future__ import annotations

from collections.abc import Callable

from medcoder_tui.codes.systems import System
from medcoder_tui.engines.analysis.clinical_text import NoteAnalysis
from medcoder_tui.engines.diagnoses.skin_table import melanoma_table_code, site_table_code, skin_table_code
from medcoder_tui.engines.models import Suggestion

Replace = Callable[[Suggestion, str, str], Suggestion]


def skin_neoplasms(out: list[Suggestion], note: str, analysis: NoteAnalysis, icd,
                   replace: Replace) -> list[Suggestion]:
    """``out`` with each skin carcinoma coded at the site, behaviour and morphology the note gives."""
    result = list(out)
    for s in out:
        if s.system is not System.ICD10CM or not s.acceptable or s.suppressed or not s.evidence \
                or not s.evidence[0].located:
            continue
        if not (s.code[:1] == "C" or s.code.startswith(("D03", "D04", "D09", "D49", "D48"))):
            continue
        ev = s.evidence[0]
        # (by the mention's last word: quoted with its list number, "2. Melanoma" starts before its sentence)
        sent = analysis.sentence_at(max(ev.start, ev.end - 1))
        if s.code.startswith(("C43", "D03")):
            found = melanoma_table_code(note[sent.start:sent.end], icd) if sent is not None else None
            if found is not None and found[0] != s.code and _vague_melanoma(s.code, icd):
                code, why = found
                result[result.index(s)] = replace(s, code, f"{why}: {code} in place of {s.code}")
            continue
        found = skin_table_code(note[sent.start:sent.end], icd) if sent is not None else None
        if (found is None or found[0] == s.code) and sent is not None:
            # a site-less code (D49.9, C80.1) whose sentence names the site
            found = site_table_code(s.code, note[sent.start:sent.end], s.evidence[0].start - sent.start, icd)
        if found is None or found[0] == s.code:
            continue
        code, why = found
        result[result.index(s)] = replace(s, code, f"{why}: {code} in place of {s.code}")
    return result


def _vague_melanoma(code: str, icd) -> bool:
    """A melanoma code that leaves its site or side open (C43.9, D03.9, C43.60): the Table's reading may replace
    it; a code already naming a site and side stays (the words may name two sites)."""
    title = (icd.title(code) or "").lower()
    return "unspecified" in title or code in ("C43.8", "D03.8")
