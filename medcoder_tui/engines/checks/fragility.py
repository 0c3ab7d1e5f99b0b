"""A fragility fracture of osteoporosis is coded M80 at the fracture's site, not as an injury (I.C.13.d).

"A code from category M80, not a traumatic fracture code, should be used for any patient with known
osteoporosis who suffers a fracture, even if the patient had a minor fall or trauma, if that fall or
trauma would not usually break a normal, healthy bone." When the note calls the fracture a fragility
or osteoporotic one (read as M80.00-, site unspecified) and an injury code names the fractured bone,
the M80.0- code takes that bone's site, side and 7th character, and the injury code gives way. The
external causes of the fall stay (I.C.20: they are used with any code due to an external cause).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from medcoder_tui.engines.checks.edits import usable_icd
from medcoder_tui.engines.models import Suggestion

Replace = Callable[[Suggestion, str, str], Suggestion]
# injury category of a fractured bone -> the M80.0- site character (M80.0[site][side])
_SITES = (("S42.0", "1"), ("S42.1", "1"), ("S42", "2"), ("S52", "3"), ("S62", "4"), ("S72", "5"),
          ("S82.5", "7"), ("S82.6", "7"), ("S82.8", "7"), ("S82", "6"), ("S92", "7"),
          ("S12", "8"), ("S22.0", "8"), ("S32.0", "8"))


_FRAGILITY = re.compile(r"\b(?:fragility|osteoporotic|insufficiency) fracture|\blow[- ]energy|from standing( height)?\b|"
                        r"\bminor (?:fall|trauma)\b", re.I)


def fragility_fractures(out: list[Suggestion], note: str, icd, replace: Replace) -> list[Suggestion]:
    """``out`` with a site-less osteoporotic fracture coded at the site of the fracture the note names."""
    m80 = next((s for s in out if usable_icd(s) and s.code.startswith(("M80.00", "M80.80"))), None)
    m81 = next((s for s in out if usable_icd(s) and s.code.startswith(("M81.0", "M81.8"))), None)
    if m80 is None and not (m81 is not None and _FRAGILITY.search(note)):
        return out
    fracture = next((s for s in out if usable_icd(s) and s.code[:1] == "S" and "fracture" in s.description.lower()
                     and any(s.code.startswith(p) for p, _ in _SITES)), None)
    if fracture is None:
        return out
    if m80 is None:   # "osteoporosis" and a fragility fracture: M80 in place of the osteoporosis code
        m80 = m81
    site = next(d for p, d in _SITES if fracture.code.startswith(p))
    low = fracture.description.lower()
    side = "1" if "right" in low else "2" if "left" in low else "9"
    seventh = fracture.code[-1] if len(fracture.code) == 8 and fracture.code[-1] in "ADGKPS" else "A"
    stem = "M80.0" if m80.code.startswith(("M80.0", "M81.0")) else "M80.8"
    code = f"{stem}{site}X{seventh}" if site == "8" else f"{stem}{site}{side}{seventh}"
    if not icd.is_billable(code):
        return out
    why = "a fracture that a healthy bone would not suffer, in osteoporosis, is M80 at the fracture's site"
    new = replace(m80, code, f"{why} (guideline I.C.13.d): {code} in place of {m80.code}")
    if new.code != code:
        return out
    fracture.hold(f"{why}, {code}, not the traumatic fracture code (guideline I.C.13.d)")
    for s in out:   # the same fracture read again from another mention ("distal radius fx" with no side), or
        # as a pathological fracture of no cause (M84.4-, which M80 excludes)
        if s is not fracture and usable_icd(s) and (s.code[:3] == fracture.code[:3] or s.code.startswith("M84.4")) \
                and "fracture" in s.description.lower():
            s.hold(f"{why}, {code}, not the traumatic fracture code (guideline I.C.13.d)")
    for s in out:   # osteoporosis "without current pathological fracture" beside it
        if s is not m80 and usable_icd(s) and s.code.startswith("M81"):
            s.hold(f"{code} codes the osteoporosis with its current fracture: not coded separately")
    return [new if s is m80 else s for s in out]
