"""Non-pressure chronic ulcers of the lower limb (L97): site, side and depth from the note's words.

L97 is built on three axes: the site (4th character: thigh 1, calf 2, ankle 3, heel and midfoot 4, other part
of foot 5 - the toes, the forefoot, the metatarsal heads -, other part of lower leg 8, unspecified 9), the side
(5th: right 1, left 2, unspecified 0) and the severity (6th: limited to breakdown of skin 1, fat layer exposed
2, necrosis of muscle 3, necrosis of bone 4, muscle involvement without necrosis 5, bone involvement without
necrosis 6, other specified severity 8, unspecified 9). A diabetic, venous or arterial ulcer is coded with its
cause and the L97 code beside it ("use additional code to identify site of ulcer"). Pressure ulcers (L89),
and ulcers of other organs, are not read here.
"""

from __future__ import annotations

import re

from medcoder_tui.engines.analysis.clinical_text import ASSESSMENT_SECTIONS, NoteAnalysis

_ULCER = re.compile(r"\b(?:ulcers?|ulceration|ulcerated)\b", re.I)
_NOT_LIMB = re.compile(r"(?<!non-)(?<!non )\b(?:pressure|decubitus|bedsores?|peptic|gastric|duodenal|esophageal|aphthous|corneal|oral|"
                       r"mouth|genital|rectal|colonic|stomal|ulcerative|mucosal|tongue|buccal)\b", re.I)
# the site's 4th character, the most specific first (a toe before the foot, the heel before the foot)
_SITES = (
    ("4", re.compile(r"\b(?:heels?|calcaneal|midfoot|mid-foot|hindfoot|navicular|cuboid)\b", re.I)),
    ("5", re.compile(r"\b(?:toes?|hallux|halluces|great toe|forefoot|fore-foot|metatarsal(?: heads?)?|mth|mtpj?|"
                     r"plantar|sole|dorsum of (?:the )?foot|dorsal foot|foot|feet)\b", re.I)),
    ("3", re.compile(r"\b(?:ankles?|malleol\w*)\b", re.I)),
    ("2", re.compile(r"\b(?:calf|calves|shin)\b", re.I)),
    ("1", re.compile(r"\bthighs?\b", re.I)),
    ("8", re.compile(r"\b(?:lower leg|leg|pretibial)\b", re.I)),
)
# the foot as a whole, or its sole: a heel, toe or forefoot named beside it says where
_GENERIC_SITE = re.compile(r"(?i)foot|feet|plantar|sole")
# ("R foot", "L heel": a capital letter alone, not "r/o" nor "2 L of saline")
RIGHT_SIDE = re.compile(r"\b(?:[Rr]ight|RIGHT|[Rr]t|RT)\b|\bR\b(?![/'])")
LEFT_SIDE = re.compile(r"\b(?:[Ll]eft|LEFT|[Ll]t|LT)\b|\bL\b(?![/'])(?<!\d L)(?<!\d\sL)")
_DEPTHS = (
    ("4", re.compile(r"\b(?:necrosis of bone|bone necrosis|necrotic bone)\b", re.I)),
    ("3", re.compile(r"\b(?:necrosis of muscle|muscle necrosis|necrotic muscle)\b", re.I)),
    ("6", re.compile(r"\b(?:bone (?:involvement|exposed)|exposed bone|probe[- ]to[- ]bone (?:positive|\+))\b", re.I)),
    ("5", re.compile(r"\b(?:muscle (?:involvement|exposed)|exposed muscle)\b", re.I)),
    ("2", re.compile(r"\b(?:fat (?:layer )?exposed|exposed fat|subcutaneous (?:fat|tissue) exposed|"
                     r"full[- ]thickness)\b", re.I)),
    ("1", re.compile(r"\b(?:limited to (?:the )?breakdown of (?:the )?skin|skin breakdown only|partial[- ]thickness|"
                     r"epidermis|superficial)\b", re.I)),
)




def lower_limb_ulcers(note: str, analysis: NoteAnalysis, icd) -> list[tuple[str, int, int]]:
    """(L97 code, start, end) of each lower-limb ulcer the note names at a site of the lower limb: the
    assessment's mentions when it names one, one code per site and side, the depth where a mention states it."""
    found: list[tuple[bool, str, int, int]] = []
    for m in _ULCER.finditer(note):
        sent = analysis.sentence_at(m.start())
        if sent is None or analysis.context_at(m.start(), m.end()) & {"negated", "history", "family", "hypothetical",
                                                                        "uncertain"}:
            continue
        # the ulcer's own clause ("R foot ulcer f/u; new R midfoot swelling": the foot, not the midfoot)
        lo = max(note.rfind(";", sent.start, m.start()) + 1, sent.start)
        hi = note.find(";", m.end(), sent.end)
        text = note[lo:hi if hi >= 0 else sent.end]
        if _NOT_LIMB.search(text):
            continue
        at = m.start() - lo
        sites = [(abs(s.start() - at), code, _GENERIC_SITE.fullmatch(s.group(0)) is not None)
                 for code, rx in _SITES for s in rx.finditer(text)]
        if not sites:
            continue
        # ("Diabetic foot ulcer, left heel", "ulcer of the plantar surface of the heel": the heel says where on the foot)
        sites = [s for s in sites if not s[2]] or sites
        site = min(sites)[1]
        right, left = RIGHT_SIDE.search(text), LEFT_SIDE.search(text)
        side = "0" if bool(right) == bool(left) else "1" if right else "2"
        depth = next((code for code, rx in _DEPTHS if rx.search(text)), "9")
        found.append((analysis.section_at(m.start()) in ASSESSMENT_SECTIONS, f"L97.{site}{side}{depth}", m.start(), m.end()))
    if any(assessed for assessed, *_ in found):
        found = [f for f in found if f[0]]
    out: list[tuple[str, int, int]] = []
    # a stated depth first: the same ulcer named again without it is the same ulcer
    for _assessed, code, start, end in sorted(found, key=lambda f: f[1][-1] == "9"):
        if icd is not None and not icd.is_billable(code):
            continue
        # ("walking boot R - for ulcer off-loading and midfoot protection": the ulcer already read, by its side)
        if all(c[:6] != code[:6] for c, _s, _e in out) and not (
                code[-1] == "9" and any(c[5] == code[5] and c[-1] != "9" for c, _s, _e in out)):
            out.append((code, start, end))
    return sorted(out, key=lambda f: f[1])
