"""Primary and secondary neoplasms as the Index reads "metastatic (to)" (``diagnoses.metastasis``).

- A secondary-neoplasm code (C77-C79) whose words name the cancer *of* its site ("Breast cancer,
  METS to bone" read as C79.81, secondary of breast) is the primary of that site (C50.919).
- Each site the note says a cancer spread to ("mets to bone", "metastatic to the liver and
  lungs", "liver metastases") is its "Malignant Secondary" code, added when no suggestion
  has it. The added codes go through the same context rules as any other (a negated or, in
  an office or ED note, an uncertain metastasis is not coded).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from medcoder_tui.codes.systems import System
from medcoder_tui.engines.analysis.clinical_text import NoteAnalysis
from medcoder_tui.engines.checks.edits import CONTEXT_FLAGS, Reground, add_reason, usable_icd
from medcoder_tui.engines.diagnoses.metastasis import primary_site, secondary_sites
from medcoder_tui.engines.diagnoses.specific_steps import Mention, specific_variants
from medcoder_tui.engines.models import Flag, RawSuggestion, Suggestion

Replace = Callable[[Suggestion, str, str], Suggestion]
_SECONDARY = ("C77", "C78", "C79")
_PRIMARY_CANCER = re.compile(r"C(?:[0-6]\d|7[0-6])")
_SPREAD_WORDS = re.compile(r"metasta|\bmets\b|secondaries|(?:cancer|carcinoma|ca|malignancy) (?:has )?spread", re.I)


def secondary_as_primary(out: list[Suggestion], note: str, analysis: NoteAnalysis, icd,
                         replace: Replace) -> list[Suggestion]:
    """``out`` with each secondary code that the note's words name as a primary cancer replaced by it."""
    result = list(out)
    for s in out:
        if not usable_icd(s) or not s.code.startswith(_SECONDARY) or not s.evidence or not s.evidence[0].located:
            continue
        ev = s.evidence[0]
        sent = analysis.sentence_at(ev.start)
        if sent is None:
            continue
        found = primary_site(note[sent.start:sent.end], ev.start - sent.start, ev.end - sent.start, icd,
                             secondary=s.code)
        if found is None:
            continue
        code, why = found
        # (the site's code as specific as the sentence says: "breast cancer (L breast, overlapping quadrants)")
        code = (specific_variants(code, Mention.at(note, analysis, ev.start, ev.text), icd) or [code])[-1]
        if any(o is not s and o.code == code and usable_icd(o) for o in result):
            s.hold(f"{why}: the words name the primary cancer {code}, coded beside it, not a secondary "
                   f"neoplasm of that site")
            continue
        new = replace(s, code, f"{why}: the cancer named for its site is the primary, {code} in place of {s.code}")
        result[result.index(s)] = new
    return result


def spread_sites(out: list[Suggestion], note: str, analysis: NoteAnalysis, icd, reground: Reground) -> list[Suggestion]:
    """Secondary-neoplasm codes for the sites the note says a cancer spread to, that ``out`` lacks."""
    if not _SPREAD_WORDS.search(note):
        return []
    have = {s.code for s in out if s.system is System.ICD10CM}
    added: list[Suggestion] = []
    for sent in analysis.sentences:
        text = note[sent.start:sent.end]
        if not _SPREAD_WORDS.search(text):
            continue
        for code, words, why, primaries in secondary_sites(text, icd):
            if code in have:
                # (read already: its words still hold a primary read from them, "cancer with liver and lung" beside
                # "lung mets")
                ev = next((o.evidence[0] for o in out if o.code == code and usable_icd(o) and o.evidence
                           and o.evidence[0].located and sent.start <= o.evidence[0].start < sent.end), None)
                if ev is None:
                    continue
            else:
                new = reground(RawSuggestion(code=code, system=System.ICD10CM, evidence=[words], confidence=0.8,
                                             reasoning=why))
                if not new.acceptable or not new.evidence or not sent.start <= new.evidence[0].start < sent.end \
                        or set(new.flags) & (CONTEXT_FLAGS - {Flag.UNCERTAIN}):
                    continue   # (an uncertain one is added: the setting decides, as for any other code)
                add_reason(new, f"{why} (Index: Metastasis, metastatic (to) - see Neoplasm, secondary, by site)")
                added.append(new)
                have.add(code)
                ev = new.evidence[0]
            for o in out:   # the site it spread to, read as a primary cancer of that site ("cancer to the liver")
                if not (usable_icd(o) and o.evidence and o.evidence[0].located):
                    continue
                oe = o.evidence[0]
                if code.startswith("C77") and o.code.startswith(("C78", "C79")) and oe.start < ev.end \
                        and ev.start < oe.end:
                    # "mediastinal nodal metastases": the nodes of the region, not the region's organs (C78.1)
                    o.hold(f"{why}: the spread is to the lymph nodes of the region, coded {code}")
                    continue
                # (or any primary cancer read from the spread's words alone: "axillary node metastasis" as C49.3)
                # (or whose words end in the site the cancer spread to: "Colon cancer with liver and lung mets" is no
                # lung cancer)
                if (o.code[:3] in {p[:3] for p in primaries} and (ev.start <= oe.start < ev.end
                                                                   or ev.start < oe.end <= ev.end)) or (
                        _PRIMARY_CANCER.match(o.code) and ev.start <= oe.start and oe.end <= ev.end):
                    o.hold(f"{why}: the cancer spread to this site, coded {code}; not a primary cancer of it")
    return added
