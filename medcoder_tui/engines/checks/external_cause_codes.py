"""External causes (I.C.20): beside an injury, the cause, and at the initial encounter the
place, activity and status, that the note's words reach in the External Cause Index."""

from __future__ import annotations

from medcoder_tui.codes.systems import System
from medcoder_tui.engines.analysis.clinical_text import NoteAnalysis
from medcoder_tui.engines.checks.edits import CONTEXT_FLAGS, Reground, add_reason, usable_icd
from medcoder_tui.engines.diagnoses.adverse_effects import poisoning_codes, sixth_character
from medcoder_tui.engines.diagnoses.external_causes import find_external_causes, foreign_body_cause, takes_external_cause
from medcoder_tui.engines.models import Flag, RawSuggestion, Suggestion

_EXTERNAL_KINDS = {"cause": ("V", "W", "X", "Y0", "Y1", "Y2", "Y3"), "place": ("Y92",), "activity": ("Y93",),
                   "status": ("Y99",)}


def hold_suicide_attempt(out: list[Suggestion]) -> None:
    """T14.91 (suicide attempt) is for an attempt whose injury is not specified: a poisoning or toxic
    effect coded with the self-harm intent (T36-T65, 6th character 2) already tells the attempt."""
    told = next((s.code for s in out if usable_icd(s) and sixth_character(s.code) == "2"), None)
    for s in out:
        if told and usable_icd(s) and s.code.startswith("T14.91"):
            add_reason(s, f"the suicide attempt is told by the self-harm intent of {told}: T14.91 is for an "
                          "attempt with unspecified injury", Flag.GUIDELINE)


# External causes for a mechanism the note does not tell: any cause the index reads comes first
_DEFAULT_CAUSES = ("W19", "X58", "V89.2", "V89.9", "V99", "V49.9", "V49.8")


def external_causes(out: list[Suggestion], note: str, analysis: NoteAnalysis, reground: Reground,
                     icd) -> list[Suggestion]:
    """I.C.20: the external causes of a coded injury that the suggestions lack, from the index."""
    # (a sequela's injury, 7th character S, is a past one: its history flag is expected)
    injuries = [s for s in out if usable_icd(s) and takes_external_cause(s.code)
                and not (set(s.flags) & (CONTEXT_FLAGS - {Flag.HISTORY} if s.code.endswith("S") else CONTEXT_FLAGS))]
    # a poisoning or toxic effect (T36-T65: an overdose, a sting's venom) names its cause and intent;
    # where it happened is coded beside it, but activity and status codes are "not applicable to
    # poisonings, adverse effects, misadventures or sequela" (I.C.20.c, I.C.20.k)
    toxic = [] if injuries else [s.code for s in out if usable_icd(s) and "T36" <= s.code[:3] <= "T65"
                                 and not (set(s.flags) & CONTEXT_FLAGS)]
    if not injuries and not toxic:   # a poisoning the guideline layer codes next (encounter_codes)
        toxic = [code for code, _start, _end in poisoning_codes(note, analysis)]
    anchor = injuries[0].code if injuries else toxic[0] if toxic else None
    if anchor is None:
        return []
    seventh = anchor[-1] if len(anchor) == 8 else "A"
    have = [s.code for s in out if s.system is System.ICD10CM and not s.suppressed]
    added = []
    found_all = find_external_causes(note, analysis, seventh, icd)
    if anchor[:3] in ("T15", "T16", "T17", "T18", "T19") and not any(c.startswith("W44") for c in have) \
            and (entered := foreign_body_cause(note, seventh)) is not None:
        # a foreign body in an eye, ear, nose, airway or gut: its cause is W44 by material, not the tool that threw it
        found_all = [entered] + [f for f in found_all if f.kind != "cause"]
    for found in found_all:
        if toxic and found.kind in ("cause", "activity", "status"):
            continue
        if found.kind == "cause":
            # a cause read from the code titles ("scooter fall": V00.141 nonmotorized) gives way to the index's
            # reading of the note's fuller words in the same category ("stand-up electric scooter": V00.841)
            # (and a transport accident's title reading that leaves the occupant or the other vehicle unspecified,
            # V49.60 "Unspecified car occupant injured in collision with unspecified motor vehicles", to the index's
            # reading of the driver and the pick-up truck, V43.53)
            for d in out:
                if usable_icd(d) and d.code != found.code \
                        and (d.code[:3] == found.code[:3] or (d.code[:1] == found.code[:1] == "V"
                                                              and "nspecified" in (icd.title(d.code) or ""))
                             # (one fall: "climbing the ladder of the slide" read from the titles as a ladder's too)
                             or ("W00" <= d.code[:3] <= "W19" and "W00" <= found.code[:3] <= "W19")) \
                        and not any("External Cause Index" in m for m in d.messages):
                    d.hold(f"the External Cause Index reads the note's fuller words: {found.code} ({found.why})")
                    have = [c for c in have if c != d.code]
        if any(code.startswith(_EXTERNAL_KINDS[found.kind]) and not code.startswith(_DEFAULT_CAUSES)
               for code in have):
            continue
        if found.code.startswith(_DEFAULT_CAUSES) and any(c.startswith(_DEFAULT_CAUSES) for c in have):
            continue
        for d in out:
            # "Unspecified fall" gives way to the mechanism the index reads ("tripped over a rug")
            if d.system is System.ICD10CM and d.code.startswith(_DEFAULT_CAUSES) and d.reportable \
                    and found.kind == "cause" and not found.code.startswith(_DEFAULT_CAUSES):
                d.hold(f"the note documents the mechanism: {found.code} ({found.why}), not this default")
        s = reground(RawSuggestion(code=found.code, system=System.ICD10CM, confidence=0.7,
                                   description=icd.title(found.code) or "", reasoning=found.why,
                                   evidence=[note[found.start:found.end].strip()]))
        if s.acceptable:
            add_reason(s, f"external cause of {anchor} (guideline I.C.20): {found.why}")
            added.append(s)
    return added
