"""CPT/HCPCS rules for what is given or handed over in the office: drugs, vaccines, DME and supplies.

J-codes for drugs given in the encounter (dose units from the descriptions) and the
administration codes their routes call for (IM, IV push/infusion, hydration,
nebulizer, joint injection); vaccine products and their administration; E/L/A/K
codes for equipment and supplies dispensed, fitted or ordered; and HCPCS codes the
note names itself. Outpatient only: elsewhere the facility bills these.
"""

from __future__ import annotations

import math
import re

from medcoder_tui.codes.systems import System
from medcoder_tui.engines.analysis.clinical_text import line_at, list_header
from medcoder_tui.engines.diagnoses.oncology_terms import CHEMO_DRUG_NAMES, IMMUNO_DRUG_NAMES, NOT_GIVEN
from medcoder_tui.engines.procedures.context import (
    _ADMIN,
    _DISPENSE,
    _I,
    _NOT_DONE,
    _NOT_DISPENSED,
    _PERIOP,
    _RX,
    _clause,
    _Ctx,
)

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
    # ("ipratropium 0.5 mg / albuterol 2.5 mg": a dose's decimal point is no sentence's end)
    (r"duoneb|ipratropium(?:[^.;\n]|\.\d){0,30}albuterol|albuterol(?:[^.;\n]|\.\d){0,30}ipratropium",
     r"albuterol.*ipratropium"),
    (r"albuterol|ventolin|proventil", r"^Albuterol, inhalation"), (r"ipratropium|atrovent", r"^Ipratropium"),
    (r"\bns\b|normal saline|0\.9% (?:sodium chloride|nacl)", r"normal saline"),
    (r"\blr\b|lactated ringer'?s?|ringer'?s lactate", r"Ringer"), (r"\bd5w\b", r"dextrose/water"),
    (r"\bd5 ?ns\b", r"dextrose/normal saline"),
]
_DRUG_RX = [(re.compile(n, _I), d) for n, d in _DRUGS]
_ANY_DRUG = re.compile("|".join(f"(?:{n})" for n, _ in _DRUGS), _I)
# The same names matched case-sensitively against lowered text: about 2.5 times faster than
# IGNORECASE over this many alternatives (the names are all lower case).
_ANY_DRUG_LOWER = re.compile(_ANY_DRUG.pattern)


def names_drug_of(text: str, description: str) -> bool:
    """True when ``text`` names (by brand or generic name) the drug of a HCPCS ``description``, or its contraceptive
    device or orthosis ("ParaGard" for "Intrauterine copper contraceptive", "Air-Stirrup" for an ankle orthosis); not
    other equipment, whose name alone ("CPAP") is as often the patient's own."""
    return any(rx.search(text) and re.search(pattern, description, _I) for rx, pattern in _DRUG_RX) \
        or any(rx.search(text) and re.search(pattern, description, _I) and _WORN_OR_PLACED.search(description)
               for rx, pattern in _DME_RX)


_WORN_OR_PLACED = re.compile(r"\b(?:orthosis|contracepti\w*|implant)\b", _I)
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


_ROUTE_WORDS = re.compile(r"\b(?:iv|im|intravenous\w*|intramuscular\w*|subcut\w*|sq|sc|po|orally|by mouth|neb\w*|"
                          r"inhal\w*)\b", _I)
_INJECTION_PROCEDURE = re.compile(r"\b(?:epidural|transforaminal|facet (?:joint )?injection|medial branch block|"
                                  r"nerve block|perineural|trigger point injection|caudal|"
                                  # a tendon sheath's injection (20550): "flexor tendon sheath", "A1 pulley"
                                  r"tendon sheath|a1 pulley|first dorsal compartment|carpal tunnel injection)\b", _I)


# a joint injection: "intra-articular", "into the knee", "the right knee was injected", "injected the left shoulder"
_JOINT = re.compile(r"intra-?articular|into (?:the )?(?:\w+ ){0,2}(?:knee|shoulder|hip|joint|wrist|elbow|ankle|bursa)|"
                    r"(?:joint|bursa|knee|shoulder|hip|wrist|elbow|ankle) (?:(?:was|were) )?(?:injection|injected)\b|"
                    r"injected (?:the )?(?:\w+ ){0,2}(?:knee|shoulder|hip|joint|wrist|elbow|ankle|bursa)\b|"
                    r"subacromial", _I)


def _procedure_title(ctx: _Ctx, sent) -> str:
    """The title line of the procedure section a sentence is in ("Procedure: Right knee intra-articular injection"),
    and the line above the sentence's own, or ""."""
    # (or the line just above, with no blank line between: "- R knee intra-articular corticosteroid injection today."
    # over "  Procedure: ... 40 mg triamcinolone + 4 mL lidocaine injected")
    line_start = ctx.note.rfind("\n", 0, sent.start) + 1
    above = line_at(ctx.note, line_start - 2) if line_start >= 2 and ctx.note[line_start - 2] != "\n" else ""
    sec = ctx.a.section_span_at(sent.start)
    if sec is None or sec.name != "procedures":
        return above
    end = ctx.note.find("\n", sec.label_end)
    return ctx.note[sec.start:end if end >= 0 else sec.end] + "\n" + above


def _route(clause: str, drug_desc: str) -> str | None:
    low = clause.lower()
    if _JOINT.search(low):
        return "joint"
    if "inhal" in drug_desc.lower() or "ipratropium" in drug_desc.lower() or re.search(r"\bneb", low):
        return "neb"
    # (the fluid itself, not a drug mixed in it: "Zoledronic acid 5 mg in 100 mL NS IV" is the drug's infusion)
    if re.search(r"\b(?:ns|lr|saline|ringer|d5)", low) and re.search(r"\b(?:iv|bolus|infus|drip)", low) \
            and (not drug_desc or re.search(r"saline|ringer|dextrose|sodium chloride", drug_desc, re.I)):
        return "hydration"
    if re.search(r"\biv ?push|\bivp\b|slow iv\b", low):
        return "push"
    # (an infusion's clock times or its length: "IV, start 10:05, stop 10:35 (30 min)")
    if re.search(r"\bivpb\b|infus\w*|\bdrip\b|over \d+ ?min|\bstart\w*\s*(?:time\s*)?[:@=]?\s*\d{1,2}:\d{2}\b"
                 r"[^.;\n]{0,25}\b(?:stop|end|finish|complete)\w*", low):
        return "infusion"
    if re.search(r"\biv\b|intravenous", low):
        return "push"
    if re.search(r"\bim\b|i\.m\.|intramuscular|\bsq\b|\bsc\b|subcut|deltoid|glute", low):
        return "im"
    return None


def _pick_dose(ctx: _Ctx, codes: list[str], dose: tuple[float, str] | None) -> tuple[str, str, int | None]:
    """The J-code whose dose unit fits the given dose best, a 'units' note for the reasoning, and the units."""
    parsed = []
    for code in codes:
        desc = ctx.cs.hcpcs[code]
        d = _dose(desc)
        parsed.append((code, d, "up to" in desc.lower()))
    if dose is None:
        return codes[0], "", None
    same = [(c, d[0], up) for c, d, up in parsed if d and d[1] == dose[1]]
    if not same:
        return codes[0], "", None
    exact = [c for c in same if abs(c[1] - dose[0]) < 1e-6]
    ups = sorted((c for c in same if c[2] and c[1] >= dose[0]), key=lambda c: c[1])
    below = sorted((c for c in same if c[1] <= dose[0]), key=lambda c: -c[1])
    code, amount, _ = (exact or ups or below or same)[0]
    units = max(1, math.ceil(dose[0] / amount - 1e-9))
    def num(x: float) -> str:
        return f"{x:,.0f}" if x >= 10000 and x == int(x) else f"{x:g}"

    return code, f"units: {num(dose[0])} {dose[1]} / {num(amount)} {dose[1]} = {units}", units


# a drug the clause only weighs: discussed, offered, considered, or the reason for an admission
_ONLY_DISCUSSED = re.compile(r"\b(?:(?:was|were) (?:discussed|offered|considered|recommended)|discussed and offered|"
                            r"(?:admission|admit|admitted|hospitali[sz]ation) for|would (?:need|require|be)|"
                            r"if (?:needed|worse|no improvement)|consider\w*)\b", _I)


_KEEP_OPEN = re.compile(r"\b(?:kvo|tko|keep (?:the )?vein open|to keep (?:the )?(?:vein|line) open|flush\w*|carrier|"
                        r"pre-? and post-?|line primed|primer)\b", _I)
_DILUENT_BEFORE = re.compile(r"\b(?:in|diluted in|mixed in|with)\s+\d+(?:\.\d+)?\s*(?:ml|cc|l)\s+(?:of\s+)?$", _I)


def _drugs(ctx: _Ctx) -> None:
    """J-codes for drugs given in the encounter, and the administration codes their routes call for."""
    routes: list[tuple[str, int, int]] = []
    drug_of: dict[tuple[str, int, int], str] = {}   # each route's drug (its J-code, else its name)
    names_drug: dict[str, bool] = {}   # a long note repeats its sentences: each text is searched once
    # A drug counts only when its clause names an administration (below); a clause lies within 25
    # characters before and 70 after its sentence. That short pattern first spares the long drug-name
    # pattern the sentences no administration word is near.
    # (each window is searched once: a long note repeats its sentences with the same surroundings)
    admin_near: dict[str, bool] = {}
    for sent in ctx.a.sentences:
        window = ctx.note[max(0, sent.start - 25):sent.end + 70]
        near = admin_near.get(window)
        if near is None:
            near = admin_near[window] = _ADMIN.search(window) is not None
        if not near:
            continue
        hit = names_drug.get(sent.text)
        if hit is None:
            hit = names_drug[sent.text] = _ANY_DRUG_LOWER.search(sent.text.lower()) is not None
        if not hit:
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
                if _DILUENT_BEFORE.search(sent.text, max(0, m.start() - 20), m.start()):
                    continue   # "pembrolizumab 200 mg in 100 mL NS IV": the saline carries the drug, no drug of its own
                clause = _clause(ctx.note, start, end)
                if _KEEP_OPEN.search(clause) and re.search(r"\b(?:ns|saline|lr|d5w?)\b", m.group(0), _I):
                    continue   # "NS at KVO", "saline flush": a line kept open, no hydration given
                # the sentence may name the joint injection before the clause of the drug ("the right knee was
                # injected with 40 mg triamcinolone"; "knee injection performed; 40 mg Kenalog with lidocaine")
                # (or the procedure's title line over it: "Procedure: Right knee intra-articular injection" over
                # "- Injectate: triamcinolone acetonide 40 mg")
                joint = (_JOINT.search(sent.text) is not None or _JOINT.search(_procedure_title(ctx, sent)) is not None) \
                    and not _ROUTE_WORDS.search(clause)
                if not (_ADMIN.search(clause) or joint) or _RX.search(clause) or _PERIOP.search(clause):
                    continue
                # ("if relief is short we will consider hyaluronic acid (Synvisc-One) next time": weighed, not given)
                if re.search(r"irrigat", clause, _I) or ctx.a.context_at(start, end) & {"negated", "history",
                                                                                         "hypothetical"}:
                    continue
                if _ONLY_DISCUSSED.search(clause):
                    continue   # "Admission for IV methylprednisolone was discussed and offered": not given
                if (_ONGOING_THERAPY.search(clause) or _ONGOING_THERAPY.search(sent.text, 0, m.end())) \
                        and not _GIVEN_TODAY.search(sent.text):
                    continue   # "Discharged 01/04 on IV vancomycin via PICC", "home infusion": given elsewhere
                codes = ctx.describe(System.HCPCS, desc_rx)
                codes = [c for c in codes if c[0] in "JQ"]
                # its parenthesis ("DuoNeb (albuterol/ipratropium)") names no other drug; the next item does
                stop = re.search(r"[;\n]", sent.text[m.end():m.end() + 40])
                taken.append((m.start(), m.end() + (stop.start() if stop else 40)))
                route = _route(clause, ctx.cs.hcpcs[codes[0]] if codes else "") or ("joint" if joint else None)
                if route is None and re.search(r"\binjected\b", clause, _I) and _INJECTION_PROCEDURE.search(ctx.note):
                    route = "procedure"   # the drug of an epidural, facet or nerve block injection: its J-code only
                if "methylprednisolone" == desc_rx and codes:
                    salt = "acetate" if route == "im" else "succinate"
                    codes = [c for c in codes if salt in ctx.cs.hcpcs[c].lower()] or codes
                if codes and route is None and ctx.cs.hcpcs[codes[0]].startswith(("Injection", "Infusion")):
                    continue  # an injectable's route must be documented (not a patch, tablet or spray)
                if codes:
                    code, units, count = _pick_dose(ctx, codes,
                                                    _dose(clause[clause.lower().find(m.group(0).lower()):]))
                    why = f"drug administered in the encounter ({route or 'route not stated'})"
                    ctx.add(System.HCPCS, code, 0.8, f"{why}; {units}" if units else why, start, end, units=count)
                if route:
                    routes.append((route, start, end))
                    drug_of[(route, start, end)] = codes[0] if codes else desc_rx
    # one drug told as an infusion and, elsewhere, only as "IV" ("Plan IV zoledronic acid ... Zoledronic acid 5 mg
    # IV, start 10:05, stop 10:35") was infused once, not also pushed
    infused = {drug_of[r] for r in routes if r[0] == "infusion"}
    routes = [r for r in routes if not (r[0] == "push" and drug_of[r] in infused)]
    _administration(ctx, routes)


# an antineoplastic drug infused at the visit (its J-code may be outside the bundled table: the administration
# is still the visit's initial IV service, 96413)
_CHEMO_INFUSED = re.compile(rf"\b(?:{CHEMO_DRUG_NAMES}|{IMMUNO_DRUG_NAMES})\b[^.;\n]{{0,50}}?\b(?:iv infusion|infusion|"
                            r"infused|ivpb)\b", _I)


def _chemo_infusions(ctx: _Ctx) -> list[tuple[str, int, int]]:
    for m in _CHEMO_INFUSED.finditer(ctx.note):
        sent = ctx.a.sentence_at(m.start())
        if sent is None or not ctx.usable(sent, m.start(), m.end()) or NOT_GIVEN.search(sent.text):
            continue
        return [("chemo", m.start(), m.end())]
    return []


def _administration(ctx: _Ctx, routes: list[tuple[str, int, int]]) -> None:
    routes = _chemo_infusions(ctx) + routes
    kinds = [r[0] for r in routes]
    chemo = "chemo" in kinds
    has_initial_iv = chemo or "push" in kinds or "infusion" in kinds
    first_iv = "chemo" if chemo else "infusion" if "infusion" in kinds else "push"
    pushes = 0
    for route, start, end in routes:
        if route == "chemo":
            ctx.add(System.CPT, "96413", 0.8, "chemotherapy given by IV infusion (first hour): the visit's initial "
                    "IV service", start, end)
            continue
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
        elif route == "infusion" and first_iv == "chemo":
            ctx.add(System.CPT, "96367", 0.6, "IV infusion of another drug after the chemotherapy (sequential, "
                    "add-on)", start, end)
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


# a joint aspirated at this visit: "Arthrocentesis, R 1st MTP joint", "aspirated 30 mL from the knee"
_ARTHROCENTESIS = re.compile(r"\barthrocentes[ie]s\b|\bjoint aspiration\b|\baspirat(?:ed|ion)\b[^.\n]{0,60}\b(?:joint|"
                             r"knee|shoulder|hip|elbow|wrist|ankle|mtp|bursa)\b|\b(?:joint|knee|shoulder|hip|elbow|wrist|ankle|"
                             r"mtp|bursa)\s+(?:was\s+)?aspirated\b", re.I)


def _joint_aspiration(ctx: _Ctx) -> None:
    """A joint aspirated without a drug injected (an injection is read with its drug): the joint aspiration code of
    the joint's size (20600-20611)."""
    if any(c.startswith(("2060", "2061")) for _, c in ctx.hits):
        return
    for m in _ARTHROCENTESIS.finditer(ctx.note):
        sent = ctx.a.sentence_at(m.start())
        if sent is None or not ctx.usable(sent, m.start(), m.end()) or _NOT_DONE.search(sent.text) \
                or ctx.a.context_at(m.start(), m.end()) & {"negated", "hypothetical", "history"}:
            continue
        if _joint_injection(ctx, m.start(), m.end(), "joint aspiration"):
            return


def _joint_injection(ctx: _Ctx, start: int, end: int, what: str = "joint injection") -> bool:
    sent = ctx.a.sentence_at(start)
    low = (sent.text + " " + _procedure_title(ctx, sent) if sent else ctx.note[start:end]).lower()
    size = ("major" if re.search(r"shoulder|hip|knee|subacromial|trochanteric", low) else "intermediate" if
            re.search(r"wrist|elbow|ankle|olecranon", low) else "small" if re.search(
                r"finger|toe|\bmcp|\bpip|\bmtp|\bdip\b|metatarsophalangeal|metacarpophalangeal|interphalangeal", low)
            else None)
    if size is None:
        return False
    # ("anatomic landmarks (no ultrasound)": no guidance)
    guided = ("ultrasound" in low or "us-guided" in low) and not re.search(
        r"\b(?:no|without|w/o|not)\s+(?:\w+\s+)?(?:ultrasound|us)\b", low)
    codes = [c for c in ctx.describe(System.CPT, rf"joint aspiration or injection, {size}")
             if ("with ultrasound" in ctx.cs.cpt[c]) == guided]
    if codes:
        ctx.add(System.CPT, codes[0], 0.75, f"{size} {what}", start, end)
    return bool(codes)


# --- vaccines --------------------------------------------------------------------------------
# an influenza product's kind: its brand, or the kind's word before "flu"/"influenza" or within a few words after
# it; the vaccine's own words after it belong to the same mention ("Fluad flu vaccine" is one product)
_FLU_KIND = (r"(?:{0}|{1} (?:flu|influenza)|\b(?:flu|influenza)\b[^.\n]{{0,25}}\b{1}\b)"
             r"(?:[^.\n]{{0,25}}?\b(?:vaccine|shot))?")
# note words -> (description pattern, components for 90460/90461)
_VACCINES: list[tuple[str, str, int]] = [
    (r"\bdtap\b", r"\(DTaP\)", 3), (r"\btdap\b|boostrix|adacel", r"\(Tdap\)", 3), (r"\btd\b(?! ?ap)", r"\(Td\)", 2),
    (r"\bipv\b|polio", r"Poliovirus", 1), (r"\bmmr\b", r"\(MMR\)", 3), (r"varicella|varivax", r"Varicella", 1),
    (r"\bhpv\b|gardasil", r"papillomavirus", 1), (r"hep(?:atitis)? ?a\b|havrix|vaqta", r"Hepatitis A vaccine", 1),
    (r"heplisav", r"Hepatitis B vaccine, adult dose, 2-dose", 1),
    (r"hep(?:atitis)? ?b\b|engerix|recombivax", r"Hepatitis B vaccine, [^,]+, 3-dose", 1),
    (r"pedvax ?hib", r"\(Hib\), PRP-OMP", 1), (r"\bhib\b|act ?hib|hiberix", r"\(Hib\), PRP-T", 1),
    (r"rotarix|\brv1\b", r"Rotavirus vaccine, human", 1),
    (r"rotateq|\brv5\b|rota(?:virus)?[- ](?:oral )?vaccine", r"Rotavirus vaccine, pentavalent", 1),
    (r"menquadfi|menacwy-tt", r"tetanus toxoid carrier", 1),
    (r"menactra|menveo|menacwy|\bmcv4\b|meningococcal (?:conjugate|acwy|vaccine)", r"diphtheria toxoid or CRM197", 1),
    (r"bexsero|menb-4c|\bmen ?b\b|meningococcal (?:serogroup )?b\b", r"\(MenB-4C\)", 1),
    (r"trumenba|menb-fhbp", r"\(MenB-FHbp\)", 1),
    (r"pcv ?15|vaxneuvance", r"\(PCV15\)", 1), (r"pcv ?20|prevnar ?20", r"\(PCV20\)", 1),
    (r"pcv ?13|prevnar(?! ?20)", r"\(PCV13\)", 1), (r"ppsv ?23|pneumovax", r"\(PPSV23\)", 1),
    (r"shingrix|zoster|shingles", r"Zoster", 1),
    (r"abrysvo", r"\(RSV\), prefusion F, bivalent", 1), (r"arexvy", r"\(RSV\), prefusion F, recombinant", 1),
    # the influenza products by their kind (a brand, or the kind before or after the word), then by valency
    (_FLU_KIND.format(r"fluzone high[- ]dose|fluzone hd", r"high[- ]dose"), r"Influenza vaccine, high-dose", 1),
    (_FLU_KIND.format(r"fluad", r"adjuvanted"), r"Influenza vaccine, adjuvanted", 1),
    (_FLU_KIND.format(r"flublok", r"recombinant"), r"Influenza vaccine, recombinant", 1),
    (_FLU_KIND.format(r"flucelvax", r"cell[- ]culture(?:[- ]based|[- ]derived)?"), r"Influenza vaccine, cell culture", 1),
    # (a standard-dose brand named with its valency: "Fluarix trivalent PF 0.5 mL IM")
    (r"trivalent (?:flu|influenza)|\b(?:flu|influenza|fluarix|flulaval|fluzone|afluria)\b[^.\n]{0,25}\btrivalent\b",
     r"Influenza vaccine, trivalent", 1),
    (r"\b(?:flu|influenza)\b[^.\n]{0,20}(?:vaccine|shot)|flu shot|\b(?:fluarix|flulaval|afluria)\b",
     r"Influenza vaccine, quadrivalent", 1),
]
# Combination products are one product code each, never one per component: (note words, product, components)
_COMBINATIONS: list[tuple[str, str, int]] = [
    (r"\bdtap[- /]hepb[- /]ipv\b|pediarix", r"DTaP-HepB-IPV", 5),
    (r"\bdtap[- /]ipv[- /]hib[- /]hepb\b|vaxelis", r"DTaP-IPV-Hib-HepB", 6),
    (r"\bdtap[- /]ipv[- /]hib\b|pentacel", r"DTaP-IPV/Hib", 5),
    (r"\bdtap[- /]ipv\b|kinrix|quadracel", r"DTaP-IPV combination", 4), (r"\bmmr[- /]?v\b|proquad", r"^MMRV combination", 4),
    (r"\bhep ?a[- /]hep ?b\b|twinrix", r"\(HepA-HepB\)", 2),
]
# the words that say a vaccine was given in this visit ("Immunizations today after VIS reviewed: DTaP, IPV")
# ("Rotavirus RV5 (RotaTeq) #3 PO": an oral vaccine's route says it was given too)
# ("Shingrix series recommended after recovery - will schedule (not given today)": not given)
_VAX_GIVEN = re.compile(r"(?<!not )(?<!never )\b(?:given|administered|im\b|sq\b|sc\b|subq\b|sub-q\b|subcut|intramuscular|po\b|orally\b|"
                        r"(?:immuni[sz]ations?|vaccines?|vaccinations?|shots)\s+today\b)", _I)
# a course the patient is on at home or since a discharge: given by the home infusion service, not in this encounter
_ONGOING_THERAPY = re.compile(r"\b(?:discharged|sent home|went home)\b[^.;\n]{0,40}\bon\b|\bhome infusion\b|\bopat\b",
                              _I)
_GIVEN_TODAY = re.compile(r"\b(?:today|this visit|in (?:the )?(?:clinic|office|infusion (?:center|suite)))\b", _I)
_BY_MOUTH = re.compile(r"\bby mouth\b|\bintranasal\b|\boral\b", _I)
_MEDICARE = re.compile(r"\bmedicare\b(?! advantage)", _I)
_MEDICARE_ADMIN = ((re.compile(r"influenza", _I), "G0008"), (re.compile(r"pneumococcal", _I), "G0009"),
                   (re.compile(r"hepatitis b", _I), "G0010"))
_VAX_NOT = re.compile(r"\b(?:declin\w*|refus\w*|utd\b|up to date|in (?:the )?fall|next|due\b(?!.*given)|recommended\b|"
                      r"offered|not (?:received|given)|will|return|to be (?:given|administered|started)|"
                      r"(?:given|administered|done) (?:at|by) (?:the |her |his )?(?:pcp|pharmacy|primary care|"
                      r"health department|school)|"
                      # "MenACWY given 03/2026 at school-based clinic": a dose of a past month (a day's date may be
                      # the visit's own)
                      r"(?:given|administered|received|done) (?:on |in )?\d{1,2}/(?:\d{4}|\d{2})\b(?!/))", _I)


# the provider's face-to-face counseling on the vaccines (90460/90461 under 19): "counseled", "risks/benefits
# discussed with mom by me" (not a nurse's or an assistant's)
_COUNSELLED = re.compile(r"counsel|\b(?:risks?|benefits?|side effects)\b[^.\n]{0,30}\b(?:discussed|reviewed|explained)\b"
                         r"(?![^.\n]{0,20}\bby (?:the )?(?:rn|nurse|ma|lpn|medical assistant)\b)|"
                         r"\b(?:discussed|reviewed|explained)\b[^.\n]{0,30}\b(?:risks?|benefits?|side effects)\b", _I)


def _not_given_here(ctx: _Ctx, start: int, end: int, sent) -> bool:
    """The vaccine's clause says it is not given in this encounter (declined, due later, given elsewhere).
    ("Due for influenza vaccine - given today": a dose that was due, given after the dash.)"""
    found = _VAX_NOT.search(_clause(ctx.note, start, end, 10, 40))
    if found is None:
        return False
    return not (found.group(0).lower() in ("due", "recommended")
                and re.search(r"\b(?:given|administered)\b(?! (?:at|by|on|in)\b)", ctx.note[end:sent.end], _I))


_GENERIC_FLU = r"Influenza vaccine, quadrivalent"
_FLU_KINDS = [note_rx for note_rx, desc_rx, _ in _VACCINES if desc_rx.startswith("Influenza") and desc_rx != _GENERIC_FLU]


def _vaccines(ctx: _Ctx) -> None:
    given: list[tuple[str, int, int, int]] = []
    # (an item of a list its header says was given: "Vaccines administered today:" then "2. Tdap (Boostrix) - R deltoid")
    sentences = [sent for sent in ctx.a.sentences if ctx.usable(sent) and (
        _VAX_GIVEN.search(sent.text) or _VAX_GIVEN.search(list_header(ctx.note, sent.start) or ""))]
    # "Fluzone High-Dose 0.5 mL IM ... Assessment: 4. Flu vaccine given.": a flu vaccine named by its kind is the one
    # a bare "flu vaccine" elsewhere speaks of
    kind_named = any(re.search(rx, sent.text, _I) for sent in sentences for rx in _FLU_KINDS)
    for sent in sentences:
        taken: list[tuple[int, int]] = []
        for note_rx, product_rx, parts in _COMBINATIONS:
            for m in re.finditer(note_rx, sent.text, _I):
                start, end = sent.start + m.start(), sent.start + m.end()
                if any(s < end and start < e for s, e in taken):
                    continue
                taken.append((start, end))   # (its components are no products of their own)
                if not (_not_given_here(ctx, start, end, sent)
                        or ctx.a.context_at(start, end) & {"negated", "history"}):
                    # (a product missing from the table, e.g. a reduced table: only its administration is suggested)
                    product = next(iter(ctx.describe(System.CPT, product_rx)), "")
                    if not product or all(product != g[0] for g in given):
                        if product:
                            ctx.add(System.CPT, product, 0.8, "combination vaccine product given in the encounter "
                                                              f"({parts} components)", start, end)
                        given.append((product, parts, start, end))
                # ("DTaP-IPV (Kinrix)": the brand in parentheses is the same product)
                if brand := re.match(r"\s*\([^()\n]{1,40}\)", ctx.note[end:sent.end]):
                    taken.append((end, end + brand.end()))
        for note_rx, desc_rx, parts in _VACCINES:
            if desc_rx == _GENERIC_FLU and kind_named:
                continue
            for m in re.finditer(note_rx, sent.text, _I):
                start, end = sent.start + m.start(), sent.start + m.end()
                if any(s < end and start < e for s, e in taken):
                    continue  # "trivalent flu vaccine" is not also a quadrivalent one
                taken.append((start, end))
                # ("Heplisav-B (hepatitis B vaccine, adjuvanted, 2-dose series)": the words in parentheses name the
                # same product)
                brand = re.match(r"(?:\s+vaccine)?\s*\([^()\n]{1,80}\)", ctx.note[end:sent.end])
                if brand and any(end <= s and e <= end + brand.end() for s, e in taken[:-1]):
                    # "Hepatitis B vaccine (Heplisav-B, 2-dose adult)": the brand in parentheses, read first,
                    # named this product; the generic words before it are the same vaccine
                    break
                if named := re.match(r"(?:-\w+)?\s*\([^()\n]{1,80}\)", ctx.note[end:sent.end]):
                    taken.append((end, end + named.end()))
                if _not_given_here(ctx, start, end, sent) or ctx.a.context_at(start, end) & {"negated", "history"}:
                    continue
                codes = ctx.describe(System.CPT, desc_rx)
                if desc_rx.startswith("Hepatitis") and codes:
                    # (an infant's age is 0 years, not an unknown age: "ctx.age or 30" made a newborn an adult)
                    adult = (30 if ctx.age is None else ctx.age) >= 19
                    codes = [c for c in codes if ("adult" in ctx.cs.cpt[c]) == adult] or codes
                if codes and all(codes[0] != g[0] for g in given):
                    ctx.add(System.CPT, codes[0], 0.8, "vaccine product given in the encounter", start, end)
                    given.append((codes[0], parts, start, end))
                break
    if not given:
        return
    if _MEDICARE.search(ctx.note):
        # Medicare Part B pays influenza, pneumococcal and hepatitis B vaccines' administration by its
        # own G codes, not 90471/90472
        rest = []
        for code, parts, start, end in given:
            admin = next((g for rx, g in _MEDICARE_ADMIN if rx.search(ctx.cs.cpt.get(code, ""))), None)
            if admin and admin in ctx.cs.hcpcs:
                ctx.add(System.HCPCS, admin, 0.75, "Medicare administration code of this vaccine", start, end)
            else:
                rest.append((code, parts, start, end))
        given = rest
        if not given:
            return
    _, _, start, end = given[0]
    # the combination product itself: its code is the coder's to add from the licensed CPT file
    combined = ("; a combination vaccine is one product code, which the bundled CPT table does not hold: add it "
                "from the licensed file") if any(not code for code, *_ in given) else ""
    counselled = _COUNSELLED.search(ctx.note) and ctx.age is not None and ctx.age <= 18
    if counselled:
        ctx.add(System.CPT, "90460", 0.75, f"vaccine administration with counseling, under 19 "
                f"(units: {len(given)} vaccines){combined}", start, end, units=len(given))
        extra = sum(p - 1 for _, p, _, _ in given)
        if extra:
            ctx.add(System.CPT, "90461", 0.7, f"additional vaccine components (units: {extra})", start, end,
                    units=extra)
    else:
        # a vaccine taken by mouth or nose has its own administration codes (90473, or 90474 after another)
        oral = sum(1 for code, *_ in given if code and _BY_MOUTH.search(ctx.cs.cpt.get(code, "")))
        shots = len(given) - oral
        if shots:
            ctx.add(System.CPT, "90471", 0.75, "vaccine administration by injection" + combined, start, end)
            if shots > 1:
                ctx.add(System.CPT, "90472", 0.7, f"each additional vaccine (units: {shots - 1})", start, end,
                        units=shots - 1)
        if oral and not shots:
            ctx.add(System.CPT, "90473", 0.75, "vaccine administration by mouth or nose", start, end)
        more_oral = oral if shots else oral - 1   # after an injection every oral vaccine is an add-on
        if more_oral > 0:
            ctx.add(System.CPT, "90474", 0.7, f"each additional vaccine by mouth or nose (units: {more_oral})",
                    start, end, units=more_oral)


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
    (r"(?:walking|cam|fracture) boot|\bcam walker\b|walker boot", r"^Walking boot, non-pneumatic"),
    (r"forearm crutch", r"^Crutches, forearm"), (r"\bcrutches\b", r"^Crutches, underarm, other than wood, adjustable"),
    (r"quad cane", r"^Cane, quad"), (r"\bcane\b", r"^Cane, includes"),
    (r"(?:rolling|wheeled|front-wheeled) walker", r"^Walker, folding, wheeled"), (r"\bwalker\b", r"^Walker, folding \(pickup\)"),
    (r"wheelchair", r"^Standard wheelchair"), (r"commode", r"^Commode chair"),
    (r"(?:home )?nebulizer (?:machine|with compressor)|\bcompressor nebulizer", r"^Nebulizer, with compressor"),
    (r"oxygen concentrator", r"^Oxygen concentrator"), (r"tens unit|\btens\b", r"^Transcutaneous electrical nerve"),
    (r"gluco(?:se )?meter|glucose monitor", r"^Home blood glucose monitor"), (r"test strips", r"reagent strips"),
    (r"lancets", r"^Lancets"), (r"knee immobilizer", r"^Knee orthosis, immobilizer"),
    (r"stirrup|air-?cast", r"^Ankle control orthosis, stirrup"), (r"ankle (?:[a-z-]+ ){0,2}(?:brace|orthosis)|lace-up brace|ankle gauntlet", r"^Ankle orthosis"),
    (r"wrist (?:splint|brace)|cock-?up", r"^Wrist hand orthosis"), (r"(?:cervical|soft) collar", r"^Cervical, flexible"),
    (r"\blso\b|lumbar (?:brace|orthosis)|back brace", r"^Lumbar-sacral orthosis"),
    (r"figure[- ]of[- ](?:eight|8)", r"figure of eight"), (r"post-?op(?:erative)? shoe|surgical shoe", r"^Surgical boot/shoe"),
    (r"\bsling\b", r"^Slings"), (r"\bspacer\b", r"^Spacer"), (r"peak flow meter", r"^Peak expiratory flow"),
    # ("LNG-IUD inserted" under "IUD INSERTION - LEVONORGESTREL 52 mg (Mirena)"; not another brand's device)
    (r"\bmirena\b|levonorgestrel[- ](?:releasing )?(?:iud|intrauterine)|\blng[- ]?iud\b(?![^.\n]{0,40}\b(?:liletta|"
     r"kyleena|skyla)\b)", r"^Levonorgestrel-releasing"), (r"paragard|copper iud", r"^Intrauterine copper"),
    (r"nexplanon|etonogestrel", r"^Etonogestrel"),
]
_DME_RX = [(re.compile(n, _I), d) for n, d in _DME]
_AS_NEEDED = re.compile(r"\s*(?:prn|as needed|if needed)\b", _I)


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
                if _NOT_DISPENSED.search(clause) or ctx.a.context_at(start, end) & {"negated", "history"} \
                        or _AS_NEEDED.match(ctx.note, end):
                    continue   # ("ankle brace (dispensed), crutches prn": advice to use crutches, none given)
                codes = ctx.describe(System.HCPCS, desc_rx)
                if "Walking boot" in desc_rx and codes:
                    # ("off-the-shelf ..., no custom fitting": the fitting words are negated)
                    fit = bool(re.search(r"custom|fitted by (?:me|staff|md|provider)|fitting and adjust", clause, _I)) \
                        and not re.search(r"off[- ]the[- ]shelf|\bots\b|\b(?:no|without|not)\s+(?:\w+\s+)?(?:custom|"
                                          r"fitting|fitted)", clause, _I)
                    codes = [c for c in codes if ("includes fitting" in ctx.cs.hcpcs[c]) == fit] or codes
                if codes:
                    # ("Air stirrup ankle brace": the device's noun after its kind is the same device)
                    noun = re.match(r"[\w -]{0,25}?\b(?:brace|orthosis|splint|boot|collar|sling)\b", sent.text[m.end():])
                    taken.append((m.start(), m.end() + (noun.end() if noun else 0)))
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
        if _EARLIER_CODE.search(ctx.note, max(sent.start, m.start() - 50), m.start()):
            continue   # "Last AWV: 11/2025 (G0439)": an earlier visit's code
        ctx.add(System.HCPCS, m.group(1), 0.85, "code named in the note", m.start(), m.end())


_EARLIER_CODE = re.compile(r"\b(?:last|prior|previous(?:ly)?|before)\b[^.;\n]{0,40}$", re.I)
