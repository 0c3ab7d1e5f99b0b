"""Grounding: nothing an engine proposes reaches a coder before it passes through here.

Every suggestion is validated against the official code sets (an invalid,
non-billable or incomplete code is flagged and can never be accepted), tied to
the words of the note that support it (character offsets; exact match first,
then fuzzy), checked against the note's negation, uncertainty, history and
family scopes, and finally cross-checked against the other suggestions
(duplicates, Excludes1 pairs).
"""

from __future__ import annotations

import math
import re

from rapidfuzz import fuzz

from medcoder_tui.codes.modifiers import LineError, check_line, parse_modifiers, parse_units
from medcoder_tui.codes.refs import any_match, injury_sites_apart, parse_refs
from medcoder_tui.codes.status_terms import HISTORY_OF
from medcoder_tui.codes.systems import System, guess_system, is_em_level_code
from medcoder_tui.engines.analysis import clinical_text
from medcoder_tui.engines.checks.conflicts import resolve_conflicts
from medcoder_tui.engines.checks.guidelines import apply_guidelines
from medcoder_tui.engines.checks.support import SupportChecker
from medcoder_tui.engines.diagnoses.encounter_terms import screening_told_done
from medcoder_tui.engines.models import Alternative, Evidence, Flag, RawSuggestion, Suggestion
from medcoder_tui.engines.procedures.context import procedure_in_past, procedure_not_done

FUZZY_MIN_SCORE = 85.0
MAX_ALTERNATIVES = 6
_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset("of the and or with without in on to for by due other unspecified specified a an as at "
                  "not elsewhere classified type".split())

# Personal and family history categories and codes: history context is what they code.
# history codes, and status codes that a past procedure gives ("s/p CABG" is Z95.1, "s/p kidney transplant" Z94.0)
_HISTORY_CATEGORIES = frozenset({"Z80", "Z81", "Z82", "Z83", "Z84", "Z85", "Z86", "Z87", "Z92", "Z89", "Z90", "Z93",
                                 "Z94", "Z95", "Z96", "Z97", "Z98", "Z99"})
_HISTORY_CODES = frozenset(z for _, z in HISTORY_OF)
_EVENT_HEAD = 40   # characters of an external cause's quoted sentence read for its context
# contact with and exposure to a hazard or a communicable disease, which a relative is often the source of
_EXPOSURE_CATEGORIES = frozenset({"Z20", "Z77", "Z58"})


def _is_underdosing(code: str) -> bool:
    """T36-T50 with 6th character 6: a drug taken less than prescribed."""
    return "T36" <= code[:3] <= "T50" and code[5:6] == "6"


_CONTEXT_FLAGS = {
    "negated": (Flag.NEGATED, "the note negates this finding"),
    "uncertain": (Flag.UNCERTAIN, "documented as uncertain (possible/probable/rule out)"),
    "history": (Flag.HISTORY, "documented as history; consider a Z86/Z87 history code"),
    "family": (Flag.FAMILY_HISTORY, "a relative's condition, not the patient's"),
    "hypothetical": (Flag.HYPOTHETICAL, "mentioned only as something to watch for, not as a current finding"),
    "instruction": (Flag.INSTRUCTION, "written as an instruction to the coder, not as documentation"),
    "past_procedure": (Flag.HISTORY, "done before this encounter (dated, prior or last): not reported for this one"),
}


def _words(text: str) -> set[str]:
    # one match at a time: a list of every word of a 2 MB note would cost 20 MB for a moment
    return {w for m in _WORD.finditer(text.lower()) if (w := m.group()) not in _STOP and len(w) > 1}


class Grounder:
    """Grounds the suggestions of one engine run over one note."""

    def __init__(self, note: str, *, codesets=None, setting: str = "outpatient",
                 types: set[System] | None = None, analysis: clinical_text.NoteAnalysis | None = None) -> None:
        if codesets is None:
            from medcoder_tui.codes.service import get_codesets

            codesets = get_codesets()
        self.cs = codesets
        self.note = note
        self.setting = setting
        self.types = types
        self._lower = note.lower()
        self._note_words = _words(note)
        self.analysis = analysis if analysis is not None else clinical_text.analyze(note)
        self._support: SupportChecker | None = None

    # -- one suggestion ---------------------------------------------------------------------
    def ground(self, raw: RawSuggestion, *, by_rule: bool = False) -> Suggestion:
        """Validate, locate and flag one raw suggestion.

        ``by_rule``: a guideline rule chose the code and its evidence (a vaccine given for Z23,
        metformin on the medication list for Z79.84), so whether the words name the code is
        not asked; validation and context flags still apply.
        """
        flags: list[Flag] = []
        messages: list[str] = []
        system = self._system(raw, flags, messages)
        result = self.cs.validate(raw.code, system)
        system = result.system or system or System.ICD10CM
        alternatives: list[Alternative] = []
        if not result.valid:
            flags.append(Flag.INVALID)
            alternatives = self._alternatives(result.suggestions, raw.description, system)
        elif not result.billable:
            needs_7th = any(m.startswith("needs 7th") or m.startswith("needs a 7th") for m in result.messages)
            flags.append(Flag.NEEDS_7TH if needs_7th else Flag.NOT_BILLABLE)
            alternatives = self._alternatives(result.suggestions, raw.description, system, keep_order=needs_7th)
        messages.extend(result.messages)

        evidence = [ev for text in raw.evidence if (ev := self.locate(text)) is not None]
        if not evidence:
            flags.append(Flag.NO_EVIDENCE)
            messages.append("no supporting words found in the note" if raw.evidence else
                            "the engine quoted no supporting words")
        else:
            if any(not ev.exact for ev in evidence):
                flags.append(Flag.FUZZY_EVIDENCE)
            if result.valid and not by_rule and not self._supported(result.normalized, system, evidence):
                flags.append(Flag.UNSUPPORTED)
                messages.append("the quoted words do not name what this code means: confirm or edit it")
        for ev in evidence[:1]:
            for kind in sorted(self._context(system, ev, result.normalized)):
                flag, why = _CONTEXT_FLAGS[kind]
                if flag in (Flag.HISTORY, Flag.FAMILY_HISTORY) and (result.normalized[:3] in _HISTORY_CATEGORIES
                                                                    or result.normalized in _HISTORY_CODES):
                    continue  # a history code is the right way to code history
                if flag is Flag.FAMILY_HISTORY and result.normalized[:3] in _EXPOSURE_CATEGORIES:
                    continue  # "exposure to tobacco smoke (father)": the relative is the source of the exposure
                if flag is Flag.FAMILY_HISTORY and (result.normalized.startswith("Z91.A")
                                                    or _is_underdosing(result.normalized)):
                    continue  # "Mom forgot to refill the fluticasone": the relative gives the drugs (Z91.A-)
                if flag is Flag.UNCERTAIN and self.setting == "inpatient":
                    continue  # inpatient: uncertain at discharge is coded as if established
                flags.append(flag)
                messages.append(why)
        if result.valid and result.billable and "unspecified" in result.description.lower():
            better = self._specific_siblings(result.normalized)
            if better:
                flags.append(Flag.UNSPECIFIED)
                messages.append("a more specific code may be supported by the note")
                alternatives.extend(better)

        modifiers, units = self._line(raw, system, result.normalized or raw.code, messages)
        confidence = float(raw.confidence)
        confidence = min(max(confidence, 0.0), 1.0) if math.isfinite(confidence) else 0.0
        if {Flag.NO_EVIDENCE, Flag.UNSUPPORTED, Flag.INSTRUCTION, Flag.NEGATED, Flag.FAMILY_HISTORY,
            Flag.HYPOTHETICAL} & set(flags) or (system in (System.CPT, System.HCPCS) and Flag.HISTORY in flags):
            confidence = min(confidence, 0.3)
        return Suggestion(
            code=result.normalized or raw.code.strip(),
            system=system,
            description=result.description or raw.description,
            confidence=confidence,
            reasoning=raw.reasoning,
            evidence=evidence,
            valid=result.valid,
            billable=result.billable,
            flags=list(dict.fromkeys(flags)),
            messages=messages,
            alternatives=alternatives[:MAX_ALTERNATIVES],
            original_code=raw.code,
            model_description=raw.description,
            modifiers=modifiers,
            units=units,
        )

    @staticmethod
    def _line(raw: RawSuggestion, system: System, code: str, messages: list[str]) -> tuple[list[str], int | None]:
        """The engine's modifiers and units when they can go on the line; otherwise none, and why."""
        if not raw.modifiers and raw.units is None:
            return [], None
        modifiers = parse_modifiers(raw.modifiers)
        try:
            units = parse_units(raw.units)
            check_line(system, code, modifiers, units)
        except LineError as exc:
            messages.append(f"modifiers/units dropped: {exc}")
            return [], None
        return modifiers, units

    def _context(self, system: System, ev: Evidence, code: str = "") -> set[str]:
        """The note's context kinds for a suggestion's evidence.

        Negation applies to findings: a procedure or test is negated only when the note says it
        was not done, not when a finding beside it is negated or its result is negative.
        """
        title = self.cs.icd.title(code) if system is System.ICD10CM and code else ""
        end = ev.end
        if system is System.ICD10CM and code[:1] in "VWXY":
            # an external cause quotes the sentence that tells the event: what it sets aside later ("riding for
            # fun, not competing, not working") does not negate the event; "no fall" does, from its first words
            end = min(ev.end, ev.start + _EVENT_HEAD)
        kinds = self.analysis.context_at(ev.start, end, title_says_without=" without " in (title or "").lower())
        if system is System.ICD10CM and code[:1] in "VWXY" and code[-1:] in ("D", "S") and len(code) == 8:
            kinds = kinds - {"history"}   # a later encounter's cause is the past injury's: "3 weeks s/p fall on ice"
        if system is System.ICD10CM and _is_underdosing(code):
            kinds = kinds - {"negated"}   # an underdosing is a drug not taken: "has not taken lisinopril" says it
        if system is System.ICD10CM and code[:3] in ("Z11", "Z12", "Z13") and "hypothetical" in kinds \
                and screening_told_done(self.note, ev.start):
            kinds = kinds - {"hypothetical"}   # "offered routine HIV screening; she accepted": it was done
        if "history" in kinds and self.setting in ("inpatient", "ed") and system is System.ICD10CM \
                and self.analysis.resolved_in_stay(ev.start, end):
            # "encephalopathy resolved by day 2", an ED's "Anaphylactic reaction due to peanuts, resolved": treated in
            # this stay or visit, so coded
            kinds = kinds - {"history"}
        if system is System.CPT and is_em_level_code(code):
            return set()   # a visit level is the whole visit's, not the words of the sentence it cites
        if system in (System.CPT, System.HCPCS):
            kinds = kinds - {"negated"}
            if "counseling" in (self.cs.describe(code, system) or "").lower():
                kinds = kinds - {"hypothetical"}   # "Tobacco: counseled 5 min": the counseling is the service
            if procedure_in_past(self.note, ev.start, ev.end):
                kinds = (kinds - {"history"}) | {"past_procedure"}
            if procedure_not_done(self.note, ev.start, ev.end):
                kinds.add("negated")
        return kinds

    def _system(self, raw: RawSuggestion, flags: list[Flag], messages: list[str]) -> System | None:
        """The system to validate in; a code labelled with the wrong system is moved and flagged."""
        shape = guess_system(raw.code)
        detected = self.cs.detect_system(raw.code)
        if raw.system is None:
            return detected
        if shape is not None and shape is not raw.system and detected is not raw.system:
            flags.append(Flag.WRONG_SYSTEM)
            messages.append(f"labelled {raw.system.label} but {raw.code} is a {detected.label} code")
            return detected
        return raw.system

    def _supported(self, code: str, system: System, evidence: list[Evidence]) -> bool:
        """Some evidence names the code's concept (E/M levels and codes without a text pass)."""
        if self._support is None:
            self._support = SupportChecker(self.cs)
        for ev in evidence:
            if self._support.exempt(code, system, ev.text):
                return True
            sent = self.analysis.sentence_at(ev.start)
            if self._support.supports(code, system, ev.text, self.note[sent.start:sent.end] if sent else ""):
                return True
        return False

    def locate(self, text: str) -> Evidence | None:
        """Find quoted words in the note: exact (case-insensitive), then fuzzy."""
        quote = " ".join(text.split())
        if len(quote) < 2:
            return None
        pos = self._lower.find(quote.lower())
        if pos >= 0:
            return Evidence(text=self.note[pos:pos + len(quote)], start=pos, end=pos + len(quote))
        # Whitespace in the note may differ from the quote (line breaks, double spaces).
        pattern = r"\s+".join(re.escape(part) for part in quote.lower().split())
        m = re.search(pattern, self._lower)
        if m:
            return Evidence(text=self.note[m.start():m.end()], start=m.start(), end=m.end())
        if len(quote) < 4:
            return None
        align = fuzz.partial_ratio_alignment(quote.lower(), self._lower, score_cutoff=FUZZY_MIN_SCORE)
        if align is None:
            return None
        return Evidence(text=self.note[align.dest_start:align.dest_end], start=align.dest_start,
                        end=align.dest_end, exact=False)

    def _alternatives(self, codes: list[str], description: str, system: System,
                      keep_order: bool = False) -> list[Alternative]:
        """Nearest valid codes, those whose titles the note supports first."""
        scored = []
        for i, code in enumerate(codes):
            title = self.cs.describe(code, system) or ""
            overlap = len(_words(title) & self._note_words)
            scored.append((0 if keep_order else -overlap, i, code, title))
        scored.sort()
        out = [Alternative(code=c, description=t, reason="valid code near the suggested one")
               for _, _, c, t in scored]
        if not out and description.strip():
            try:
                hits = self.cs.lookup(description, system=system.value, limit=3)
            except (ValueError, ImportError):
                hits = []
            out = [Alternative(code=h.code, description=h.description, reason="matches the engine's description")
                   for h in hits if h.billable]
        return out

    def _specific_siblings(self, code: str) -> list[Alternative]:
        """Billable siblings of an unspecified code whose distinguishing words appear in the note."""
        parent = self.cs.icd.parent(code)
        if not parent:
            return []
        own = _words(self.cs.icd.title(code) or "")
        out = []
        for sib in self.cs.icd.billable_descendants(parent):
            if sib == code:
                continue
            extra = _words(self.cs.icd.title(sib) or "") - own
            if extra and extra <= self._note_words:
                out.append(Alternative(code=sib, description=self.cs.icd.title(sib) or "",
                                       reason="more specific; its distinguishing words are in the note"))
        return out[:3]

    # -- across suggestions ----------------------------------------------------------------
    def finish(self, suggestions: list[Suggestion]) -> list[Suggestion]:
        """Apply the coding guidelines, then merge duplicates and flag Excludes1 pairs."""
        suggestions = apply_guidelines(suggestions, note=self.note, analysis=self.analysis, setting=self.setting,
                                       reground=lambda raw: self.ground(raw, by_rule=True),
                                       icd=self.cs.icd, types=self.types)
        merged: dict[str, Suggestion] = {}
        for s in suggestions:
            kept = merged.get(s.key)
            if kept is None:
                merged[s.key] = s
                continue
            best, other = (s, kept) if s.confidence > kept.confidence else (kept, s)
            seen = {(e.start, e.end) for e in best.evidence}
            best.evidence.extend(e for e in other.evidence if (e.start, e.end) not in seen)
            merged[s.key] = best
        out = list(merged.values())
        icd = [s for s in out if s.system is System.ICD10CM and s.valid]
        for a in icd:
            entry = self.cs.icd.get(a.code)
            if entry is None or not entry.excludes1:
                continue
            refs = parse_refs("\n".join(entry.excludes1))
            for b in icd:
                ref = None if b is a else any_match(refs, b.code)
                if ref is None or injury_sites_apart(a.code, a.description, b.code, b.description):
                    continue   # (two injuries of different sites are unrelated: coded together, I.A.12.a)
                for s, other in ((a, b), (b, a)):
                    if Flag.EXCLUDES1 not in s.flags:
                        s.flags.append(Flag.EXCLUDES1)
                    prefix = f"Excludes1 with {other.code}"
                    if not any(m.startswith(prefix) for m in s.messages):
                        s.messages.append(f"{prefix}: not coded together ({a.code} excludes {ref.text})")
        resolve_conflicts(out, self.cs.icd, self.analysis, self.setting)
        return out
