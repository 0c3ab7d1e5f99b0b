"""Offline CPT and HCPCS suggestions: procedures, E/M levels, drugs, supplies and DME.

Deterministic rules over the note's sentences (from :mod:`clinical_text`) and the
code tables (``codesets.cpt`` / ``codesets.hcpcs``). Nothing outside those tables
is ever suggested: every rule picks codes by matching the table *descriptions*.

Professional (physician) coding is assumed: in the ED and inpatient settings drugs,
supplies and their administration are billed by the facility, so only E/M levels,
procedures and the physician's own interpretations are suggested there.
"""

from __future__ import annotations

import math
import re

from medcoder_tui.codes.systems import System
from medcoder_tui.engines.clinical_text import NoteAnalysis, Sentence
from medcoder_tui.engines.models import RawSuggestion

_I = re.IGNORECASE

# --- sentence gates --------------------------------------------------------------------------
# Sections that describe the past or other people, never this encounter's services.
_PAST_SECTIONS = frozenset({"hpi", "past_medical_history", "past_surgical_history", "family_history",
                            "social_history", "medications", "allergies", "review_of_systems",
                            "chief_complaint"})
_NOT_DONE = re.compile(
    r"\b(?:refer(?:ral|red)?|schedul\w*|recommend\w*|will\b|plan(?:ned|s)?\b|consider\w*|to be\b|defer\w*|"
    r"tomorrow|next\b|pending|if\b|once\b|declin\w*|refus\w*|offered|outside|prior|previous\w*|"
    r"last\b|failed|ago\b|hx\b|history|s/p|utd\b|up to date|due\b|in (?:the )?fall|should|may\b|"
    r"ordered at|per rads|radiolog\w*|would|by (?:the )?(?:ed|er|ir|another|outside|other)\b|\((?:ed|er|ir)\b)", _I)
_PERFORMED = re.compile(
    r"\b(?:performed|done|completed|applied|placed|removed|resected|excised|incised|drained|repaired|"
    r"sutured|closed with|debrided|aspirated|injected|administered|given|obtained|introduced|advanced|"
    r"inserted|reduced|splinted|treated|irrigated|biopsied|destroyed|frozen|pared|trimmed|intubated|i (?:applied|"
    r"performed|placed))\b", _I)
_ADMIN = re.compile(r"\b(?:given|administered|injected|injection|intra-?articular|inj\b|im\b|i\.m\.|iv\b|ivp\b|iv push|intramuscular\w*|"
                    r"intravenous\w*|subcut\w*|sq\b|sc\b|bolus|infus\w*|neb\w*|in (?:the )?(?:office|clinic))", _I)
_RX = re.compile(r"\b(?:rx|prescri\w*|start\w*|continu\w*|resum\w*|home|daily|bid|tid|qid|q\d+h|qhs|qd|"
                 r"prn|po\b|odt|orally|by mouth|tabs?\b|x ?\d+ ?(?:d|days|wks?|weeks)\b|taper|refill\w*)", _I)
_PERIOP = re.compile(r"\b(?:pre-?incision|pre-?op\w*|intra-?op\w*|anesthe\w*|sedation|prophyla\w*)", _I)
_DISPENSE = re.compile(r"\b(?:dispens\w*|provided|issued|fitted|fitting|supplied|order\w*|prescri\w*|rx\b|"
                       r"dme\b|sent home with|given|inserted|placed)", _I)
_NOT_DISPENSED = re.compile(r"\b(?:own|already|continues? (?:using|to use)|wean\w*|stop\w*|discontinu\w*|"
                            r"if needed|once healed|consider\w*|refer\w*|will need|arrives?|wearing|uses)\b", _I)
_IN_OFFICE = re.compile(r"\b(?:poc|point[- ]of[- ]care|in[- ]office|in clinic|rapid|dip\b|dipstick|"
                        r"fingerstick|finger stick|bedside)", _I)
_OWN_READ = re.compile(r"(?:interpret\w* by me|my (?:interpretation|read|review of the (?:images|films))|"
                       r"i (?:personally )?(?:interpreted|read)|independently interpreted)", _I)
_TIME = re.compile(r"(?:total|spent|face[- ]to[- ]face|discharge day|time)\b(?:[^.\n]|\.(?=\s?[a-z0-9(])){0,60}?(\d{1,3})\s*"
                   r"(?:min|mins|minutes)\b|(\d{1,3})\s*(?:min|mins|minutes)\s*(?:face[- ]to[- ]face|total|"
                   r"spent)", _I)
_AGE = re.compile(r"\b(\d{1,3})\s*(?:yo\b|y/o\b|y\.o\.|-?years?-?old|yrs? old|y(?= \d+ ?m\b))|"
                  r"\bage[:\s]+(\d{1,3})\b", _I)


_LABEL_LINE = re.compile(r"\n[ \t]*[A-Z][A-Za-z /&()-]{0,30}:")


def _clause(text: str, start: int, end: int, before: int = 25, after: int = 70) -> str:
    """Words around a mention up to the nearest clause break (so one drug's words don't judge another's)."""
    lo = max(0, start - before)
    hi = min(len(text), end + after)
    left = text[lo:start]
    cut = max(left.rfind(";"), left.rfind(". "), left.rfind("\n"), left.rfind(" - "))
    if cut >= 0:
        lo += cut + 1
    right = text[end:hi]
    m = re.search(r";|\.\s|\n| - |,\s*(?:then|and then)\b", right)
    if m:
        hi = end + m.start()
    return text[lo:hi]


class _Ctx:
    """One note's analysis plus the facts every rule needs."""

    def __init__(self, note: str, analysis: NoteAnalysis, setting: str, codesets) -> None:
        self.note, self.a, self.setting, self.cs = note, analysis, setting, codesets
        self.lower = note.lower()
        self.head = self.lower[:400]
        m = _AGE.search(note)
        self.age = int(m.group(1) or m.group(2)) if m else None
        self.hits: dict[tuple[System, str], RawSuggestion] = {}

    def section(self, s: Sentence) -> str | None:
        """The sentence's section, or None once another 'Label:' line has started (an unknown section)."""
        name = self.a.section_at(s.start)
        if name is None:
            return None
        sec = next(x for x in reversed(self.a.sections) if x.start <= s.start)
        body = self.note.find("\n", sec.start)
        if 0 <= body < s.start and _LABEL_LINE.search(self.note, body, s.start):
            return None
        return name

    def usable(self, s: Sentence, start: int | None = None, end: int | None = None) -> bool:
        """Not in a past/other-people section; the span (when given) is not negated or history."""
        if self.section(s) in _PAST_SECTIONS:
            return False
        if start is None:
            return True
        return not (self.a.context_at(start, end if end is not None else start + 1) & {"negated", "history"})

    def add(self, system: System, code: str, confidence: float, reasoning: str, start: int, end: int) -> None:
        table = self.cs.cpt if system is System.CPT else self.cs.hcpcs
        if code not in table:
            return  # never suggest a code the tables do not hold
        key = (system, code)
        if key in self.hits and self.hits[key].confidence >= confidence:
            return
        self.hits[key] = RawSuggestion(code=code, system=system, description=table[code],
                                       confidence=round(confidence, 2), reasoning=reasoning,
                                       evidence=[self.evidence(start, end)])

    def evidence(self, start: int, end: int) -> str:
        """The mention, widened to neighbouring words until it occurs once (grounding finds this one)."""
        lo, hi = start, end
        line_start = self.note.rfind("\n", 0, start) + 1
        line_end = self.note.find("\n", end)
        line_end = len(self.note) if line_end < 0 else line_end
        for _ in range(12):
            text = self.note[lo:hi].strip()
            if self.lower.count(text.lower()) <= 1 or (lo <= line_start and hi >= line_end):
                break
            nxt = self.note.find(" ", hi + 1)
            hi = line_end if nxt < 0 or nxt > line_end else nxt
            prev = self.note.rfind(" ", line_start, max(lo - 1, line_start))
            lo = line_start if prev < 0 else prev + 1
        return " ".join(self.note[lo:hi].split()).strip(" ,;:")

    def describe(self, system: System, pattern: str) -> list[str]:
        """Codes of ``system`` whose description matches ``pattern``, in code order."""
        table = self.cs.cpt if system is System.CPT else self.cs.hcpcs
        rx = re.compile(pattern, _I)
        return sorted(code for code, desc in table.items() if rx.search(desc))


# --- drugs and their administration ----------------------------------------------------------
# note words -> a pattern of the drug's name in the J-code descriptions
_DRUGS: list[tuple[str, str]] = [
    (r"depo-?medrol|methylprednisolone acetate", r"methylprednisolone acetate"),
    (r"solu-?medrol|methylprednisolone (?:sodium )?succinate", r"methylprednisolone sodium succinate"),
    (r"methylprednisolone", r"methylprednisolone"),
    (r"toradol|ketorolac", r"ketorolac"), (r"zofran|ondansetron", r"^Injection, ondansetron"),
    (r"rocephin|ceftriaxone", r"ceftriaxone"), (r"kenalog|triamcinolone", r"triamcinolone"),
    (r"decadron|dexamethasone", r"dexamethasone"), (r"benadryl|diphenhydramine", r"diphenhydramine"),
    (r"phenergan|promethazine", r"promethazine"), (r"compazine|prochlorperazine", r"prochlorperazine"),
    (r"lasix|furosemide", r"furosemide"), (r"dilaudid|hydromorphone", r"hydromorphone"),
    (r"ativan|lorazepam", r"lorazepam"), (r"versed|midazolam", r"midazolam"), (r"valium|diazepam", r"diazepam"),
    (r"ancef|cefazolin", r"cefazolin"), (r"bicillin|penicillin g benzathine", r"penicillin G benzathine"),
    (r"epinephrine|adrenalin|epi-?pen", r"epinephrine"), (r"depo-?provera|medroxyprogesterone", r"medroxyprogesterone"),
    (r"depo-?testosterone|testosterone cypionate", r"testosterone cypionate"), (r"lovenox|enoxaparin", r"enoxaparin"),
    (r"prolia|denosumab", r"denosumab"), (r"reclast|zoledronic", r"zoledronic"), (r"botox|onabotulinum", r"onabotulinum"),
    (r"vitamin b-?12|\bb-?12\b|cyanocobalamin", r"cyanocobalamin"), (r"celestone|betamethasone", r"betamethasone"),
    (r"synvisc|hyaluronan|hyaluronic", r"hyaluronan"), (r"lupron|leuprolide", r"leuprolide"),
    (r"vancomycin|\bvanc\b", r"vancomycin"), (r"gentamicin|garamycin", r"gentamicin"),
    (r"levaquin|levofloxacin", r"levofloxacin"), (r"ofirmev|acetaminophen", r"^Injection, acetaminophen"),
    (r"morphine", r"morphine"), (r"fentanyl", r"fentanyl"), (r"heparin", r"heparin"), (r"ampicillin", r"ampicillin"),
    (r"haldol|haloperidol", r"haloperidol"), (r"epoetin|epogen|procrit", r"^Injection, epoetin"),
    (r"duoneb|ipratropium[^.;\n]{0,30}albuterol|albuterol[^.;\n]{0,30}ipratropium", r"albuterol.*ipratropium"),
    (r"albuterol|ventolin|proventil", r"^Albuterol, inhalation"), (r"ipratropium|atrovent", r"^Ipratropium"),
    (r"\bns\b|normal saline|0\.9% (?:sodium chloride|nacl)", r"normal saline"),
    (r"\blr\b|lactated ringer'?s?|ringer'?s lactate", r"Ringer"), (r"\bd5w\b", r"dextrose/water"),
    (r"\bd5 ?ns\b", r"dextrose/normal saline"),
]
_DRUG_RX = [(re.compile(n, _I), d) for n, d in _DRUGS]
_ANY_DRUG = re.compile("|".join(f"(?:{n})" for n, _ in _DRUGS), _I)
_DOSE = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*(million )?(mg|mcg|g|units?|u|ml|cc|l)\b", _I)
_UNIT_SCALE = {"g": ("mg", 1000.0), "l": ("ml", 1000.0), "cc": ("ml", 1.0), "u": ("units", 1.0), "unit": ("units", 1.0)}


_GIVEN_HERE = re.compile(r"\b(?:given|administered|injected)\b[^.\n]{0,30}\b(?:today|in (?:the )?(?:office|clinic))|"
                         r"\b(?:today|in (?:the )?(?:office|clinic))\b[^.\n]{0,30}\b(?:given|administered|injected)\b", _I)


def _dose(text: str) -> tuple[float, str] | None:
    m = _DOSE.search(text)
    if not m:
        return None
    unit = m.group(3).lower()
    unit, scale = _UNIT_SCALE.get(unit, (unit, 1.0))
    return float(m.group(1).replace(",", "")) * scale * (1e6 if m.group(2) else 1.0), unit


def _route(clause: str, drug_desc: str) -> str | None:
    low = clause.lower()
    if re.search(r"intra-?articular|into the (?:\w+ ){0,2}(?:knee|shoulder|hip|joint|wrist|elbow|ankle)|joint injection", low):
        return "joint"
    if "inhal" in drug_desc.lower() or "ipratropium" in drug_desc.lower() or re.search(r"\bneb", low):
        return "neb"
    if re.search(r"\b(?:ns|lr|saline|ringer|d5)", low) and re.search(r"\b(?:iv|bolus|infus|drip)", low):
        return "hydration"
    if re.search(r"\biv ?push|\bivp\b|slow iv\b", low):
        return "push"
    if re.search(r"\bivpb\b|infus\w*|\bdrip\b|over \d+ ?min", low):
        return "infusion"
    if re.search(r"\biv\b|intravenous", low):
        return "push"
    if re.search(r"\bim\b|i\.m\.|intramuscular|\bsq\b|\bsc\b|subcut|deltoid|glute", low):
        return "im"
    return None


def _pick_dose(ctx: _Ctx, codes: list[str], dose: tuple[float, str] | None) -> tuple[str, str]:
    """The J-code whose dose unit fits the given dose best, and a 'units' note for the reasoning."""
    parsed = []
    for code in codes:
        desc = ctx.cs.hcpcs[code]
        d = _dose(desc)
        parsed.append((code, d, "up to" in desc.lower()))
    if dose is None:
        return codes[0], ""
    same = [(c, d[0], up) for c, d, up in parsed if d and d[1] == dose[1]]
    if not same:
        return codes[0], ""
    exact = [c for c in same if abs(c[1] - dose[0]) < 1e-6]
    ups = sorted((c for c in same if c[2] and c[1] >= dose[0]), key=lambda c: c[1])
    below = sorted((c for c in same if c[1] <= dose[0]), key=lambda c: -c[1])
    code, amount, _ = (exact or ups or below or same)[0]
    units = max(1, math.ceil(dose[0] / amount - 1e-9))
    def num(x: float) -> str:
        return f"{x:,.0f}" if x >= 10000 and x == int(x) else f"{x:g}"

    return code, f"units: {num(dose[0])} {dose[1]} / {num(amount)} {dose[1]} = {units}"


def _drugs(ctx: _Ctx) -> None:
    """J-codes for drugs given in the encounter, and the administration codes their routes call for."""
    routes: list[tuple[str, int, int]] = []
    for sent in ctx.a.sentences:
        if not _ANY_DRUG.search(sent.text):
            continue
        # a "Meds:" list is home medication unless the line itself says the drug was given here
        if not ctx.usable(sent) and not (ctx.section(sent) == "medications" and _GIVEN_HERE.search(sent.text)):
            continue
        taken: list[tuple[int, int]] = []
        for name_rx, desc_rx in _DRUG_RX:
            for m in name_rx.finditer(sent.text):
                if any(s <= m.start() < e for s, e in taken):
                    continue  # the words already named a more specific drug (DuoNeb before albuterol)
                start, end = sent.start + m.start(), sent.start + m.end()
                clause = _clause(ctx.note, start, end)
                if not _ADMIN.search(clause) or _RX.search(clause) or _PERIOP.search(clause):
                    continue
                if re.search(r"irrigat", clause, _I) or ctx.a.context_at(start, end) & {"negated", "history"}:
                    continue
                codes = ctx.describe(System.HCPCS, desc_rx)
                codes = [c for c in codes if c[0] in "JQ"]
                taken.append((m.start(), m.end() + 40))
                route = _route(clause, ctx.cs.hcpcs[codes[0]] if codes else "")
                if "methylprednisolone" == desc_rx and codes:
                    salt = "acetate" if route == "im" else "succinate"
                    codes = [c for c in codes if salt in ctx.cs.hcpcs[c].lower()] or codes
                if codes and route is None and ctx.cs.hcpcs[codes[0]].startswith(("Injection", "Infusion")):
                    continue  # an injectable's route must be documented (not a patch, tablet or spray)
                if codes:
                    code, units = _pick_dose(ctx, codes, _dose(clause[clause.lower().find(m.group(0).lower()):]))
                    why = f"drug administered in the encounter ({route or 'route not stated'})"
                    ctx.add(System.HCPCS, code, 0.8, f"{why}; {units}" if units else why, start, end)
                if route:
                    routes.append((route, start, end))
    _administration(ctx, routes)


def _administration(ctx: _Ctx, routes: list[tuple[str, int, int]]) -> None:
    kinds = [r[0] for r in routes]
    has_initial_iv = "push" in kinds or "infusion" in kinds
    first_iv = "infusion" if "infusion" in kinds else "push"
    pushes = 0
    for route, start, end in routes:
        if route == "im":
            n = kinds.count("im")
            ctx.add(System.CPT, "96372", 0.8, "IM/subcutaneous injection of a drug documented"
                    + (f" (units: {n} injections)" if n > 1 else ""), start, end)
        elif route == "neb":
            ctx.add(System.CPT, "94640", 0.8, "inhaled (nebulizer) treatment given in the encounter", start, end)
        elif route == "hydration":
            code = "96361" if has_initial_iv else "96360"
            why = "hydration after another initial IV service (add-on)" if has_initial_iv else "IV hydration"
            ctx.add(System.CPT, code, 0.7, why + "; check infusion times (>= 31 min)", start, end)
        elif route == "infusion":
            ctx.add(System.CPT, "96365", 0.7, "IV infusion of a drug (first hour)", start, end)
        elif route == "push":
            pushes += 1
            if first_iv == "push" and pushes == 1:
                ctx.add(System.CPT, "96374", 0.8, "IV push of a drug (initial)", start, end)
            else:
                ctx.add(System.CPT, "96375", 0.6, "IV push of an additional drug (add-on)", start, end)
        elif route == "joint":
            _joint_injection(ctx, start, end)


def _joint_injection(ctx: _Ctx, start: int, end: int) -> None:
    sent = ctx.a.sentence_at(start)
    low = (sent.text if sent else ctx.note[start:end]).lower()
    size = ("major" if re.search(r"shoulder|hip|knee", low) else "intermediate" if
            re.search(r"wrist|elbow|ankle", low) else "small" if re.search(r"finger|toe|\bmcp|\bpip", low) else None)
    if size is None:
        return
    guided = "ultrasound" in low or "us-guided" in low
    codes = [c for c in ctx.describe(System.CPT, rf"joint aspiration or injection, {size}")
             if ("with ultrasound" in ctx.cs.cpt[c]) == guided]
    if codes:
        ctx.add(System.CPT, codes[0], 0.75, f"{size} joint injection", start, end)


# --- vaccines --------------------------------------------------------------------------------
# note words -> (description pattern, components for 90460/90461)
_VACCINES: list[tuple[str, str, int]] = [
    (r"\bdtap\b", r"\(DTaP\)", 3), (r"\btdap\b|boostrix|adacel", r"\(Tdap\)", 3), (r"\btd\b(?! ?ap)", r"\(Td\)", 2),
    (r"\bipv\b|polio", r"Poliovirus", 1), (r"\bmmr\b", r"\(MMR\)", 3), (r"varicella|varivax", r"Varicella", 1),
    (r"\bhpv\b|gardasil", r"papillomavirus", 1), (r"hep(?:atitis)? ?a\b|havrix", r"Hepatitis A vaccine", 1),
    (r"hep(?:atitis)? ?b\b|engerix", r"Hepatitis B vaccine", 1), (r"pcv ?20|prevnar ?20", r"\(PCV20\)", 1),
    (r"pcv ?13|prevnar(?! ?20)", r"\(PCV13\)", 1), (r"ppsv ?23|pneumovax", r"\(PPSV23\)", 1),
    (r"shingrix|zoster|shingles", r"Zoster", 1), (r"trivalent (?:flu|influenza)", r"Influenza vaccine, trivalent", 1),
    (r"\b(?:flu|influenza)\b[^.\n]{0,20}(?:vaccine|shot)|flu shot", r"Influenza vaccine, quadrivalent", 1),
]
_VAX_NOT = re.compile(r"\b(?:declin\w*|refus\w*|utd\b|up to date|in (?:the )?fall|next|due\b(?!.*given)|"
                      r"offered|not (?:received|given)|will|return)", _I)


def _vaccines(ctx: _Ctx) -> None:
    given: list[tuple[str, int, int, int]] = []
    for sent in ctx.a.sentences:
        if not ctx.usable(sent) or not re.search(r"\b(?:given|administered|im\b|sq\b|subcut|intramuscular)", sent.text, _I):
            continue
        taken: list[tuple[int, int]] = []
        for note_rx, desc_rx, parts in _VACCINES:
            for m in re.finditer(note_rx, sent.text, _I):
                start, end = sent.start + m.start(), sent.start + m.end()
                if any(s < end and start < e for s, e in taken):
                    continue  # "trivalent flu vaccine" is not also a quadrivalent one
                taken.append((start, end))
                clause = _clause(ctx.note, start, end, 10, 40)
                if _VAX_NOT.search(clause) or ctx.a.context_at(start, end) & {"negated", "history"}:
                    continue
                codes = ctx.describe(System.CPT, desc_rx)
                if "Hepatitis B" in desc_rx and codes:
                    codes = [c for c in codes if ("adult" in ctx.cs.cpt[c]) == ((ctx.age or 30) >= 19)] or codes
                if codes and all(codes[0] != g[0] for g in given):
                    ctx.add(System.CPT, codes[0], 0.8, "vaccine product given in the encounter", start, end)
                    given.append((codes[0], parts, start, end))
                break
    if not given:
        return
    _, _, start, end = given[0]
    counselled = re.search(r"counsel", ctx.note, _I) and ctx.age is not None and ctx.age <= 18
    if counselled:
        ctx.add(System.CPT, "90460", 0.75, f"vaccine administration with counseling, under 19 "
                f"(units: {len(given)} vaccines)", start, end)
        extra = sum(p - 1 for _, p, _, _ in given)
        if extra:
            ctx.add(System.CPT, "90461", 0.7, f"additional vaccine components (units: {extra})", start, end)
    else:
        ctx.add(System.CPT, "90471", 0.75, "vaccine administration by injection", start, end)
        if len(given) > 1:
            ctx.add(System.CPT, "90472", 0.7, f"each additional vaccine (units: {len(given) - 1})", start, end)


# --- devices, DME and supplies ---------------------------------------------------------------
# note words -> description pattern (the first matching code in the table wins)
_DME: list[tuple[str, str]] = [
    (r"\bbi-?pap\b|\bbpap\b|bi-?level", r"bi-level pressure capability, without backup"),
    (r"\b(?:auto-?)?cpap\b|\bapap\b", r"\(CPAP\) device"),
    (r"heated humidifier", r"^Humidifier, heated"), (r"(?<!heated )humidifier", r"^Humidifier, non-heated"),
    (r"nasal (?:pillows?|mask|cushion|interface)", r"^Nasal interface"), (r"full[- ]face mask", r"^Full face mask"),
    (r"head ?gear", r"^Headgear"), (r"chin ?strap", r"^Chinstrap"),
    (r"(?:cpap|pap|standard|heated) tubing|\btubing\b(?=[^.\n]*(?:cpap|pap))", r"^Tubing used with positive"),
    (r"disposable filters?", r"^Filter, disposable"), (r"non-?disposable filters?", r"^Filter, non disposable"),
    (r"(?:pneumatic|air) (?:walking )?boot|walking boot[^.\n]{0,30}pneumatic", r"^Walking boot, pneumatic"),
    (r"(?:walking|cam|fracture) boot", r"^Walking boot, non-pneumatic"),
    (r"forearm crutch", r"^Crutches, forearm"), (r"\bcrutches\b", r"^Crutches, underarm, other than wood, adjustable"),
    (r"quad cane", r"^Cane, quad"), (r"\bcane\b", r"^Cane, includes"),
    (r"(?:rolling|wheeled|front-wheeled) walker", r"^Walker, folding, wheeled"), (r"\bwalker\b", r"^Walker, folding \(pickup\)"),
    (r"wheelchair", r"^Standard wheelchair"), (r"commode", r"^Commode chair"),
    (r"(?:home )?nebulizer (?:machine|with compressor)|\bcompressor nebulizer", r"^Nebulizer, with compressor"),
    (r"oxygen concentrator", r"^Oxygen concentrator"), (r"tens unit|\btens\b", r"^Transcutaneous electrical nerve"),
    (r"gluco(?:se )?meter|glucose monitor", r"^Home blood glucose monitor"), (r"test strips", r"reagent strips"),
    (r"lancets", r"^Lancets"), (r"knee immobilizer", r"^Knee orthosis, immobilizer"),
    (r"stirrup|air-?cast", r"^Ankle control orthosis, stirrup"), (r"ankle (?:brace|orthosis)|lace-up brace", r"^Ankle orthosis"),
    (r"wrist (?:splint|brace)|cock-?up", r"^Wrist hand orthosis"), (r"(?:cervical|soft) collar", r"^Cervical, flexible"),
    (r"\blso\b|lumbar (?:brace|orthosis)|back brace", r"^Lumbar-sacral orthosis"),
    (r"figure[- ]of[- ](?:eight|8)", r"figure of eight"), (r"post-?op(?:erative)? shoe|surgical shoe", r"^Surgical boot/shoe"),
    (r"\bsling\b", r"^Slings"), (r"\bspacer\b", r"^Spacer"), (r"peak flow meter", r"^Peak expiratory flow"),
    (r"\bmirena\b|levonorgestrel iud", r"^Levonorgestrel-releasing"), (r"paragard|copper iud", r"^Intrauterine copper"),
    (r"nexplanon|etonogestrel", r"^Etonogestrel"),
]
_DME_RX = [(re.compile(n, _I), d) for n, d in _DME]


def _dme(ctx: _Ctx) -> None:
    """E/L/A/K codes for equipment and supplies dispensed, fitted or ordered in this encounter."""
    for sent in ctx.a.sentences:
        if not ctx.usable(sent) or not _DISPENSE.search(sent.text):
            continue
        taken: list[tuple[int, int]] = []
        for name_rx, desc_rx in _DME_RX:
            for m in name_rx.finditer(sent.text):
                if any(s < m.end() and m.start() < e for s, e in taken):
                    continue
                start, end = sent.start + m.start(), sent.start + m.end()
                clause = _clause(ctx.note, start, end, 40, 60)
                if _NOT_DISPENSED.search(clause) or ctx.a.context_at(start, end) & {"negated", "history"}:
                    continue
                codes = ctx.describe(System.HCPCS, desc_rx)
                if "Walking boot" in desc_rx and codes:
                    fit = bool(re.search(r"custom|fitted by (?:me|staff|md|provider)|fitting and adjust", clause, _I))
                    codes = [c for c in codes if ("includes fitting" in ctx.cs.hcpcs[c]) == fit] or codes
                if codes:
                    taken.append((m.start(), m.end()))
                    ctx.add(System.HCPCS, codes[0], 0.75, "equipment or supply dispensed/ordered in the encounter",
                            start, end)
                break


_CODE_IN_TEXT = re.compile(r"\b([A-V]\d{4})\b(?!\.)")


def _explicit_codes(ctx: _Ctx) -> None:
    """A HCPCS code the note itself names (e.g. 'CPAP device E0601'), when the table holds it."""
    for m in _CODE_IN_TEXT.finditer(ctx.note):
        sent = ctx.a.sentence_at(m.start())
        if sent is None or not ctx.usable(sent, m.start(), m.end()) or m.group(1) not in ctx.cs.hcpcs:
            continue
        if ctx.setting != "outpatient" or _NOT_DISPENSED.search(_clause(ctx.note, m.start(), m.end(), 60, 30)):
            continue
        ctx.add(System.HCPCS, m.group(1), 0.85, "code named in the note", m.start(), m.end())


# --- E/M levels ------------------------------------------------------------------------------
_OFFICE_TIME = {"new": [(15, "99202"), (30, "99203"), (45, "99204"), (60, "99205")],
                "est": [(10, "99212"), (20, "99213"), (30, "99214"), (40, "99215")]}
_MDM_CODES = {"outpatient_new": ["99202", "99203", "99204", "99205"],
              "outpatient_est": ["99212", "99213", "99214", "99215"],
              "ed": ["99282", "99283", "99284", "99285"], "admit": ["99221", "99221", "99222", "99223"],
              "subsequent": ["99231", "99231", "99232", "99233"]}
_PREVENTIVE = re.compile(r"annual wellness visit|\bawv\b|well[- ]child|\bwcc\b|well[- ](?:visit|exam)|preventive (?:visit|exam|care)|"
                         r"annual (?:physical|exam)|routine (?:physical|health (?:exam|check))|wellness exam|"
                         r"complete physical", _I)
_RISK_MOD = re.compile(r"\b(?:start\w*|prescri\w*|rx\b|increase\w*|decrease\w*|titrat\w*|switch\w*|"
                       r"stop\w*|hold\b|iv\b|im\b|#\d+|x ?\d+ ?d\b|mg\b)", _I)


_REPORT = re.compile(r"operative report|op(?:erative)? note|procedure (?:note|report)|endoscopy report", _I)


def _total_time(ctx: _Ctx) -> tuple[int, int, int] | None:
    """(minutes, start, end) of the documented total/face-to-face time."""
    for m in _TIME.finditer(ctx.note):
        before = ctx.note[max(0, m.start() - 20): m.end()]
        if re.search(r"withdrawal|infusion time|travel|tourniquet|observed|ischemi|critical care", before, _I):
            continue
        return int(m.group(1) or m.group(2)), m.start(), m.end()
    return None


def _mdm_level(ctx: _Ctx) -> int:
    """0 straightforward .. 3 high: a rough count of problems, data and risk (two of three decide)."""
    problems, assessed = 0, []
    for sec in ctx.a.sections:
        head = ctx.note[sec.start: sec.start + 12].lower().lstrip(" #")
        if sec.name in ("assessment_plan", "impression", "diagnoses") and not head.startswith("plan"):
            text = ctx.note[sec.start:sec.end]
            assessed.append(text.lower())
            problems += len(re.findall(r"^\s*(?:\d+[.)]|#)\s*\S", text, re.MULTILINE)) or 1
    acute = re.search(r"exacerbation|worsen\w*|progress\w*|systemic|fever|threat", " ".join(assessed))
    prob = 2 if problems >= 2 or acute else 1 if problems else 0
    data_items = len(set(re.findall(r"\b(?:cbc|bmp|cmp|troponin|bnp|x-?ray|xr|cxr|ct|mri|ecg|ekg|ua|"
                                    r"culture|lactate|a1c|lipid|tsh)\b", ctx.lower)))
    data = 2 if _OWN_READ.search(ctx.note) or data_items >= 3 else 1 if data_items >= 2 else 0
    plan = "\n".join(ctx.note[s.start:s.end] for s in ctx.a.sections
                     if s.name in ("assessment_plan", "impression", "disposition", "follow_up"))
    risk = 2 if _RISK_MOD.search(plan or ctx.note) else 1
    if re.search(r"\badmi(?:t|ssion)\b(?! date)|surgery (?:planned|scheduled)|icu", plan, _I):
        risk = 3
    return sorted((prob, data, risk))[1]


def _em(ctx: _Ctx, performed_surgery: bool, psychotherapy: bool) -> None:
    """One E/M code for the setting: by documented time, else a rough MDM level at low confidence."""
    new = bool(re.search(r"\bnew (?:patient|pt)\b", ctx.lower)) and not re.search(r"\bestablished\b", ctx.head)
    timed = _total_time(ctx)
    anchor = timed[1:] if timed else (0, min(len(ctx.note), ctx.note.find("\n") if "\n" in ctx.note else 40))
    if ctx.setting == "outpatient":
        if _PREVENTIVE.search(ctx.head) and ctx.age is not None:
            _preventive(ctx, new, anchor)
            return
        if psychotherapy or _REPORT.search(ctx.head[:200]) or (performed_surgery and not timed):
            return  # the procedure or therapy is the service; no separate E/M without a separate problem
        kind = "new" if new else "est"
        if timed:
            chosen = [code for low, code in _OFFICE_TIME[kind] if timed[0] >= low]
            if chosen:
                why = f"{'new' if new else 'established'} patient office visit by total time ({timed[0]} min)"
                if performed_surgery:  # time spent on the procedure does not count toward the E/M
                    ctx.add(System.CPT, chosen[-1], 0.55, why + "; with a procedure: only for a separately "
                            "identifiable problem (modifier 25), procedure time excluded", *anchor)
                    return
                ctx.add(System.CPT, chosen[-1], 0.8, why, *anchor)
                top = 75 if new else 55  # past the top level: prolonged service per further 15 minutes
                if timed[0] >= top:
                    ctx.add(System.CPT, "99417", 0.7, f"prolonged service (units: {(timed[0] - top) // 15 + 1})",
                            *anchor)
            return
        code = _MDM_CODES[f"outpatient_{kind}"][_mdm_level(ctx)]
    elif ctx.setting == "ed":
        code = _MDM_CODES["ed"][_mdm_level(ctx)]
        cc = re.search(r"critical care time[^.\n\d]{0,20}(\d{2,3})\s*min", ctx.note, _I)
        if cc and int(cc.group(1)) >= 30:
            ctx.add(System.CPT, "99291", 0.75, f"critical care, {cc.group(1)} min (first 30-74 min)",
                    cc.start(), cc.end())
    else:
        if re.search(r"discharge (?:summary|day)", ctx.lower):
            if timed:
                code = "99239" if timed[0] > 30 else "99238"
                ctx.add(System.CPT, code, 0.8, f"discharge day management, {timed[0]} min", *anchor)
            else:
                ctx.add(System.CPT, "99238", 0.5, "discharge day management; time not documented", *anchor)
            return
        admit = re.search(r"history and physical|\bh&p\b|admission note|admit note", ctx.head)
        if timed:
            steps = [(40, "99221"), (55, "99222"), (75, "99223")] if admit else [(25, "99231"), (35, "99232"),
                                                                                 (50, "99233")]
            chosen = [code for low, code in steps if timed[0] >= low]
            if chosen:
                ctx.add(System.CPT, chosen[-1], 0.75, f"{'initial' if admit else 'subsequent'} hospital care by "
                        f"total time ({timed[0]} min)", *anchor)
                return
        code = _MDM_CODES["admit" if admit else "subsequent"][_mdm_level(ctx)]
    ctx.add(System.CPT, code, 0.5, "E/M visit; level needs MDM review (no total time documented)", *anchor)


def _preventive(ctx: _Ctx, new: bool, anchor: tuple[int, int]) -> None:
    awv = re.search(r"annual wellness visit|\bawv\b", ctx.note, _I)
    if awv:  # Medicare's wellness visit is a HCPCS service, not a preventive E/M
        initial = re.search(r"initial (?:annual wellness|awv)|first (?:annual wellness|awv)", ctx.note, _I)
        ctx.add(System.HCPCS, "G0438" if initial else "G0439", 0.75, "Medicare annual wellness visit",
                awv.start(), awv.end())
        return
    bands = [(1, 0), (5, 1), (12, 2), (18, 3), (40, 4), (65, 5), (999, 6)]
    idx = next(i for limit, i in bands if ctx.age < limit)
    code = str((99381 if new else 99391) + idx)
    m = _PREVENTIVE.search(ctx.note)
    ctx.add(System.CPT, code, 0.8, f"preventive visit, {'new' if new else 'established'} patient, age {ctx.age}",
            m.start(), m.end())


# --- procedures: matching the note's words to the CPT descriptions ---------------------------
# clinicians' words -> the words the descriptions use
_SYNONYMS: list[tuple[str, str]] = [
    (r"meniscectomy", "removal meniscus"), (r"polypectomy", "removal polyp"),
    (r"\b(?:removed|excised|resected|extracted)\b", "removal"), (r"\bappl(?:ied|y)\b", "application"),
    (r"\bfx\b", "fracture"), (r"\bi ?& ?d\b|incised and drained", "incision drainage"),
    (r"\bdebrided\b", "debridement"), (r"\begd\b|esophagogastroduodenoscopy", "upper gi endoscopy"),
    (r"cholecystectomy|lap chole", "gallbladder removal"), (r"\blaparoscop\w*|\blap\b", "laparoscopic"),
    (r"cerumen", "ear wax"), (r"\blp\b|spinal tap", "lumbar puncture"), (r"intubat\w*", "emergency endotracheal intubation"),
    (r"\bfoley\b", "temporary indwelling foley bladder catheter"), (r"straight cath\w*|in and out cath\w*", "straight bladder catheterization"),
    (r"\biud\b", "intrauterine device"), (r"epistaxis", "nosebleed"), (r"\btka\b", "total knee replacement"),
    (r"\btha\b", "total hip replacement"), (r"\bbx\b|biopsied", "biopsy"), (r"\bshave\b", "tangential shave"),
    (r"cryo\w*|liquid nitrogen", "destruction"), (r"actinic keratos\w*|\baks?\b", "premalignant actinic keratosis skin lesion"),
    (r"\bwarts?\b|verruca\w*", "benign warts skin lesion"), (r"acrochordons?", "skin tags"),
    (r"central line|\bcvc\b", "central venous catheter"), (r"a-?line|arterial line", "arterial line"),
    (r"cardioverted", "cardioversion"), (r"\bcpr\b|chest compressions", "cardiopulmonary resuscitation"),
    (r"ingrown (?:toe)?nail|nail avulsion", "removal nail plate"),
    (r"matricectomy|phenol\w*", "excision nail matrix permanent"), (r"\bpared\b", "paring"),
    (r"\bscope\b|colonoscope", "colonoscopy"), (r"\bdrained\b", "drainage"), (r"\bincised\b", "incision"),
    (r"\baspirated\b", "aspiration"), (r"ultrasound|fluoro\w*|\bus-guided|ct-guided", "imaging guidance"),
    (r"\breduc\w*|\bmanipulat\w*", "manipulation"), (r"endometrial (?:biopsy|bx)|pipelle", "endometrial sampling"), (r"\binserted\b|\bplaced\b", "insertion placement"), (r"\bcasted\b", "cast"),
    (r"\bsplinted\b", "application splint"), (r"\bmenisci\b", "meniscus"),
]
_SYN_RX = [(re.compile(a, _I), b) for a, b in _SYNONYMS]
_ANY_SYN = re.compile("|".join(f"(?:{a})" for a, _ in _SYNONYMS), _I)
_STOP = frozenset({"of", "the", "a", "an", "and", "or", "with", "without", "by", "to", "for", "on", "in",
                  "e", "g", "each", "single", "first", "up", "including", "add-on", "procedure", "than",
                  "other", "under", "any", "more", "less", "one", "both", "all", "its", "at"})
_TOKEN = re.compile(r"[a-z][a-z-]*[a-z]|[a-z]")
# CPT ranges with their own rules below (E/M, vaccines, administration, labs, imaging, therapy...)
_GENERIC_RANGE = re.compile(r"^(?:1[0-9]|[2-6][0-9])\d{3}$|^9(?:2950|2960|3306)$")
_INCLUDED = [  # (if a chosen description matches, drop codes whose description matches): NCCI-style bundles
    (r"arthroscopy", r"^Joint aspiration or injection"), (r"^Debridement", r"^Paring or cutting"),
    (r"repair of a wound", r"^Incision and removal of a foreign body"),
]


# first words of descriptions that say what was done but not to what: never enough on their own
_GENERIC_HEADS = frozenset({"remov", "applic", "insert", "incis", "inject", "repair", "closed", "destruct",
                            "treatment", "placement", "simpl", "total", "upper", "emergency", "control"})


def _stem(word: str) -> str:
    for suffix in ("ations", "ation", "ments", "ment", "ings", "ing", "ies", "ied", "ed", "es", "s", "al", "y", "e"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def _stems(text: str) -> set[str]:
    low = text.lower()
    extra = " ".join(word for rx, word in _SYN_RX if rx.search(low)) if _ANY_SYN.search(low) else ""
    return {_stem(t) for t in _TOKEN.findall(f"{low} {extra}") if t not in _STOP and len(t) > 1}


class _Index:
    """Head and qualifier stems of each surgical CPT description, keyed by the first head stem."""

    def __init__(self, cpt: dict[str, str]) -> None:
        self.by_anchor: dict[str, list[tuple[str, list[str], set[str], set[str]]]] = {}
        for code, desc in cpt.items():
            if not _GENERIC_RANGE.match(code):
                continue
            head_text = re.split(r",| with | by ", desc, maxsplit=1)[0].replace("(", " ").replace(")", " ")
            head = [_stem(t) for t in _TOKEN.findall(head_text.lower()) if t not in _STOP and len(t) > 1]
            without = " ".join(re.findall(r"without ([^,;]+)", desc))
            absent = _stems(without) if without else set()
            quals = {t for t in _stems(re.sub(r"\d[\d.]*|sq|cm|without [^,;]+", " ", desc)) if t not in head}
            if head:
                self.by_anchor.setdefault(head[0], []).append((code, head, quals, absent))


_INDEX_CACHE: dict[int, tuple[dict, _Index]] = {}


def _index(cs) -> _Index:
    cached = _INDEX_CACHE.get(id(cs))
    if cached is None or cached[0] is not cs.cpt or len(cached[0]) != len(cs.cpt):
        cached = (cs.cpt, _Index(cs.cpt))
        _INDEX_CACHE[id(cs)] = cached
    return cached[1]


_LOCAL_NEG = re.compile(r"\b(?:no|not|without|denies|declined|deferred|refused)\b[^,;.()]{0,25}$", _I)


def _window(ctx: _Ctx, i: int) -> str:
    """The sentence, or for a procedure section the sentence and the rest of that section (findings...),
    without the words under a negation ('no polyps')."""
    sent = ctx.a.sentences[i]
    if ctx.section(sent) != "procedures":
        return sent.text
    end = next((s.end for s in ctx.a.sections if s.start <= sent.start < s.end), sent.end)
    chars = list(ctx.note[sent.start:end])
    for span in ctx.a.spans:
        if span.kind == "negated" and span.end > sent.end and span.start < end:
            for k in range(max(span.start, sent.end), min(span.end, end)):
                chars[k - sent.start] = " "
    return "".join(chars)


def _surgical(ctx: _Ctx) -> None:
    """Procedures documented as done: the description whose head the sentence names and whose qualifiers fit."""
    index = _index(ctx.cs)
    for i, sent in enumerate(ctx.a.sentences):
        if not ctx.usable(sent) or _NOT_DONE.search(sent.text):
            continue
        in_proc = ctx.section(sent) == "procedures"
        if not (in_proc or _PERFORMED.search(sent.text)):
            continue
        sent_stems = _stems(sent.text)
        best: dict[str, tuple[float, str]] = {}
        window = None
        for anchor in sent_stems & index.by_anchor.keys():
            for code, head, quals, absent in index.by_anchor[anchor]:
                if window is None:
                    window = _stems(_window(ctx, i))
                covered = len(set(head) & window)
                # every head word; a long head (4+ words) may miss one when its first word is specific
                missing = len(head) - covered
                if missing and (len(head) < 4 or missing > 1 or (anchor in _GENERIC_HEADS and len(head) < 5)):
                    continue
                # qualifiers the note names count for a code, those it lacks a little against,
                # and a "without X" the note does name counts against it
                score = covered + len(quals & window) - 0.25 * len(quals - window) - len(absent & window)
                if score > best.get(anchor, (-99.0, ""))[0]:
                    best[anchor] = (score, code)
        for anchor, (score, code) in best.items():
            if score < 1:
                continue
            m = re.search(rf"\b{re.escape(anchor[:5])}", sent.text, _I) or next(
                (hit for rx, words in _SYN_RX if anchor in _stems(words) and (hit := rx.search(sent.text))),
                None) or re.search(r"\S", sent.text)
            lead = len(sent.text) - len(sent.text.lstrip())
            start = sent.start + (m.start() if m.start() > 80 else lead)  # quote from the sentence's start
            if _LOCAL_NEG.search(sent.text[max(0, m.start() - 30): m.start()]):
                continue  # "no colonoscopy", "declined biopsy"
            end = min(sent.end, start + 70)
            while end < sent.end and ctx.note[end - 1].isalnum():
                end += 1  # whole words only
            ctx.add(System.CPT, code, 0.7, "procedure documented as performed; matched to the code description",
                    start, end)


_LAC_LENGTH = re.compile(r"(?:lac\w*|wound|length|repair\w*)[^.\n\d]{0,40}?(\d+(?:\.\d+)?)\s*cm\b(?! ?x)|"
                         r"(\d+(?:\.\d+)?)\s*cm\b(?! ?x)[^.\n]{0,30}?lacer", _I)


def _wound_repair(ctx: _Ctx) -> None:
    """Laceration repair by complexity, site group and length (the table's own ranges)."""
    for sent in ctx.a.sentences:
        if not re.search(r"lacerat|\blac\b", ctx.lower):
            return  # the 12xxx repairs are for wounds: a 'suture line' elsewhere is not one
        if not ctx.usable(sent) or not re.search(r"repair|sutur|closed with|closure|staple|dermabond", sent.text, _I):
            continue
        if _NOT_DONE.search(sent.text):
            continue
        text = ctx.lower
        lengths = [float(a or b) for a, b in _LAC_LENGTH.findall(text)]
        if not lengths:
            return
        length = max(lengths) if len(set(lengths)) == 1 else lengths[0]
        layered = re.search(r"intermediate|layered|(?:two|2|multi)[- ]layer", text) and not re.search(
            r"single layer", text)
        face = re.search(r"\b(?:face|facial|forehead|cheek|chin|ear|eyelid|nose|nasal|lip|eyebrow)\b", text)
        kind = "Layered" if layered else "Simple"
        best = None
        for code in ctx.describe(System.CPT, rf"^{kind} .*repair of a wound"):
            desc = ctx.cs.cpt[code]
            if bool(re.search(r"face", desc)) != bool(face):
                continue
            m = re.search(r"(\d+(?:\.\d+)?) to (\d+(?:\.\d+)?) cm|(\d+(?:\.\d+)?) cm or less", desc)
            if m and m.group(3):
                lo, hi = 0.0, float(m.group(3))
            elif m:
                lo, hi = float(m.group(1)), float(m.group(2))
            else:
                continue
            if lo - 0.05 <= length <= hi:
                best = code
        if best:
            m = re.search(r"\S.*", sent.text)
            ctx.add(System.CPT, best, 0.8, f"{kind.lower()} repair, {length:g} cm, "
                    f"{'face group' if face else 'scalp/neck/trunk/limbs group'}",
                    sent.start + m.start(), min(sent.end, sent.start + m.start() + 90))
        return


# --- tests, imaging, ECG and psychotherapy ----------------------------------------------------
# note words -> description pattern; only tests done in the office (the lab bills its own)
_TESTS: list[tuple[str, str]] = [
    (r"\b(?:hb ?a1c|hemoglobin a1c|a1c)\b", r"^Hemoglobin A1c"), (r"\bua\b[^.\n]{0,10}dip|urine dip\w*|dipstick",
                                                                   r"^Urinalysis by dipstick"),
    (r"urine (?:hcg|pregnancy)|\bupt\b", r"^Urine pregnancy"), (r"influenza a/b antigen|rapid (?:influenza|flu)",
                                                                r"^Influenza antigen"),
    (r"rapid strep|strep (?:a )?(?:antigen|screen)", r"strep antigen"),
    (r"(?:fingerstick|poc|point[- ]of[- ]care) (?:blood )?glucose|glucometer reading|accu-?chek", r"^Blood glucose by a monitoring"),
    (r"vision screen\w*|visual acuity screen\w*", r"^Visual acuity screening"), (r"pure[- ]tone|audiometry", r"^Pure tone hearing"),
    (r"spirometry|\bpfts?\b", r"^Spirometry"), (r"\bppd\b (?:placed|planted)|tb skin test", r"^Tuberculosis skin test"),
    (r"venipuncture|(?:blood|labs?) (?:was |were )?drawn (?:today )?in (?:the )?(?:office|clinic)",
     r"^Routine venipuncture"),
    (r"\b(?:ua|urinalysis)\b[^.\n]{0,20}automated", r"^Urinalysis, automated, without microscopy"),
]
_TEST_RX = [(re.compile(n, _I), d) for n, d in _TESTS]
_SCREEN_RESULT = re.compile(r"\b(?:pass\w*|fail\w*|20/\d+|normal|abnormal|\d+ ?db)\b", _I)
_IMAGING_SITES = ["chest", "wrist", "hand", "knee", "ankle", "foot", "shoulder", "tibia", "cervical spine",
                  "lumbar", "abdomen", "pelvis", "head"]
_SITE_WORDS = {"cxr": "chest", "c-spine": "cervical spine", "l-spine": "lumbar", "tib/fib": "tibia"}


def _tests(ctx: _Ctx) -> None:
    if ctx.setting != "outpatient":
        return
    for sent in ctx.a.sentences:
        if not ctx.usable(sent):
            continue
        line_start = ctx.note.rfind("\n", 0, sent.start) + 1
        line = ctx.note[line_start: sent.end]
        for name_rx, desc_rx in _TEST_RX:
            m = name_rx.search(sent.text)
            if not m:
                continue
            screening = desc_rx.startswith(("^Visual", "^Pure"))
            if not (_IN_OFFICE.search(line) or (screening and _SCREEN_RESULT.search(sent.text))
                    or re.search(r"performed|done today", sent.text, _I)):
                continue
            if re.search(r"\b(?:sent|send|ordered|recent|last|prior|pending)\b", _clause(sent.text, m.start(), m.end(), 25, 12), _I):
                continue
            codes = ctx.describe(System.CPT, desc_rx)
            if "Spirometry" in desc_rx and codes:
                post = bool(re.search(r"bronchodilator|post-?(?:bd|albuterol)", sent.text, _I))
                codes = [c for c in codes if ("bronchodilator" in ctx.cs.cpt[c]) == post] or codes
            if codes:
                ctx.add(System.CPT, codes[0], 0.8, "test performed in the office", sent.start + m.start(),
                        sent.start + m.end())


def _imaging(ctx: _Ctx) -> None:
    """X-rays the note's own provider interprets (a radiologist's read is billed by the radiologist)."""
    rx = re.compile(r"\b(?:xr|x-?rays?|radiographs?|films?|cxr)\b", _I)
    for sent in ctx.a.sentences:
        m = rx.search(sent.text)
        if not m or not ctx.usable(sent, sent.start + m.start(), sent.start + m.end()) or not _OWN_READ.search(sent.text):
            continue
        low = sent.text.lower()
        site = "chest" if m.group(0).lower() == "cxr" else next(
            (s for s in _IMAGING_SITES if re.search(rf"\b{s}", low)), None)
        site = site or next((v for k, v in _SITE_WORDS.items() if k in low), None)
        if site is None:
            continue
        vm = re.search(r"(\d|one|two|three|four)\s*(?:v\b|views?)|pa(?: and |/)lat", low)
        words = {"one": 1, "two": 2, "three": 3, "four": 4}
        views = (2 if vm and vm.group(0).startswith("pa") else
                 int(words.get(vm.group(1), vm.group(1))) if vm else None)
        best = None
        for code in ctx.describe(System.CPT, rf"^(?:Chest )?X-ray(?: of the)? {site}" if site != "chest" else r"^Chest X-ray"):
            desc = ctx.cs.cpt[code]
            rng = (re.search(r"(\d) or (\d) views", desc), re.search(r"at least (\d) views", desc),
                   re.search(r"(\d) views", desc), re.search(r"single view", desc))
            lo, hi = ((int(rng[0].group(1)), int(rng[0].group(2))) if rng[0] else (int(rng[1].group(1)), 99)
                      if rng[1] else (int(rng[2].group(1)),) * 2 if rng[2] else (1, 1) if rng[3] else (0, 99))
            if views is None or lo <= views <= hi:
                best = best or code
        if best:
            ctx.add(System.CPT, best, 0.75 if views else 0.55, f"X-ray interpreted by the note's provider"
                    f"{f' ({views} views)' if views else '; number of views not stated'}",
                    sent.start + m.start(), sent.start + m.end())


def _ecg(ctx: _Ctx) -> None:
    for sent in ctx.a.sentences:
        m = re.search(r"\b(?:ecg|ekg|electrocardiogram)\b", sent.text, _I)
        if not m or not ctx.usable(sent, sent.start + m.start(), sent.start + m.end()) or _NOT_DONE.search(sent.text):
            continue
        if _OWN_READ.search(sent.text):
            code = "93000" if ctx.setting == "outpatient" and _IN_OFFICE.search(sent.text) else "93010"
            ctx.add(System.CPT, code, 0.75, "ECG interpreted by the note's provider", sent.start + m.start(),
                    sent.start + m.end())
        elif ctx.setting == "outpatient" and re.search(r"in[- ]office|in clinic|today|performed", sent.text, _I):
            ctx.add(System.CPT, "93000", 0.7, "12-lead ECG done in the office", sent.start + m.start(),
                    sent.start + m.end())


def _psychotherapy(ctx: _Ctx) -> bool:
    intake = re.search(r"psychiatric diagnostic evaluation|(?:behavioral health|psychiatric|mental health) intake|"
                       r"intake (?:assessment|evaluation)", ctx.lower)
    if intake:
        ctx.add(System.CPT, "90791", 0.7, "psychiatric diagnostic evaluation (intake)", intake.start(), intake.end())
        return True
    if not re.search(r"psychotherap|\bcbt\b|therapy session|\bdbt\b", ctx.lower):
        return False
    if re.search(r"group (?:psycho)?therapy", ctx.lower):
        m = re.search(r"group (?:psycho)?therapy", ctx.lower)
        ctx.add(System.CPT, "90853", 0.75, "group psychotherapy", m.start(), m.end())
        return True
    m = re.search(r"(\d{2,3})\s*min\w*\s*(?:face[- ]to[- ]face|session|of psychotherapy|with (?:the )?(?:client|patient))",
                  ctx.note, _I)
    minutes = int(m.group(1)) if m else None
    if minutes is None:
        t = re.search(r"start\D{0,3}(\d{1,2}):(\d{2})\D{1,8}end\D{0,3}(\d{1,2}):(\d{2})", ctx.note, _I)
        if t:
            a, b = int(t.group(1)) * 60 + int(t.group(2)), int(t.group(3)) * 60 + int(t.group(4))
            minutes, m = (b - a) % 1440, t
    if minutes is None or minutes < 16:
        return True  # therapy documented, length not: no level can be chosen
    code = "90837" if minutes >= 53 else "90834" if minutes >= 38 else "90832"
    ctx.add(System.CPT, code, 0.8, f"individual psychotherapy, {minutes} min", m.start(), m.end())
    return True


_CESSATION = re.compile(r"(?:tobacco|smoking|vaping|nicotine|cessation)[^.\n]{0,50}?(\d{1,2})\s*min|"
                        r"(\d{1,2})\s*min\w*[^.\n]{0,40}?(?:tobacco|smoking|cessation)", _I)


def _counseling(ctx: _Ctx) -> None:
    """Tobacco cessation counseling, only with its minutes (3-10 or more than 10)."""
    for m in _CESSATION.finditer(ctx.note):
        if not re.search(r"counsel", ctx.note[max(0, m.start() - 60): m.end() + 20], _I):
            continue
        minutes = int(m.group(1) or m.group(2))
        if minutes >= 3:
            code = "99407" if minutes > 10 else "99406"
            ctx.add(System.CPT, code, 0.75, f"tobacco cessation counseling, {minutes} min", m.start(), m.end())
            return


def _apply_bundles(ctx: _Ctx) -> None:
    chosen = {code: ctx.cs.cpt[code] for (system, code) in ctx.hits if system is System.CPT}
    for if_rx, drop_rx in _INCLUDED:
        if any(re.search(if_rx, d, _I) for d in chosen.values()):
            for code, desc in chosen.items():
                if re.search(drop_rx, desc, _I):
                    ctx.hits.pop((System.CPT, code), None)


def suggest_procedures(note: str, *, analysis: NoteAnalysis, types: set[System], setting: str,
                       codesets) -> list[RawSuggestion]:
    """CPT and HCPCS suggestions for ``note`` (only codes in ``codesets.cpt``/``codesets.hcpcs``).

    ``types`` limits the systems (ICD-10-CM is ignored here); ``setting`` is
    ``outpatient``, ``ed`` or ``inpatient``. Every suggestion quotes verbatim words of the note.
    """
    wanted = {System(t) for t in types} & {System.CPT, System.HCPCS}
    if not wanted or not note or not note.strip():
        return []
    ctx = _Ctx(note, analysis, setting if setting in ("outpatient", "ed", "inpatient") else "outpatient", codesets)
    if ctx.setting == "outpatient":
        _drugs(ctx)
        _vaccines(ctx)
        _dme(ctx)
        _explicit_codes(ctx)
        _tests(ctx)
    _surgical(ctx)
    _wound_repair(ctx)
    _imaging(ctx)
    _ecg(ctx)
    _counseling(ctx)
    therapy = _psychotherapy(ctx)
    surgery = any(s is System.CPT and _GENERIC_RANGE.match(c) for s, c in ctx.hits)
    _em(ctx, surgery, therapy)
    _apply_bundles(ctx)
    return [raw for (system, _), raw in ctx.hits.items() if system in wanted]
