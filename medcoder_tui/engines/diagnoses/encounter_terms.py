"""Words of a note that call for reason-for-encounter and status Z codes.

Shared by retrieval (the candidates the model is offered) and the guideline layer
(``engines.checks.encounter_codes``, which adds the codes beside what was coded): weeks
of gestation (Z3A), a general or routine examination (Z00), long-term drug use (Z79),
a vaccine given (Z23), the supervision of a normal pregnancy (Z34) and the outcome of a
delivery on the mother's record (Z37). Regular expressions over the note, with the note's negation,
history and hypothetical scopes respected.
"""

from __future__ import annotations

import itertools
import re
from functools import lru_cache

from medcoder_tui.engines.analysis.age import patient_age
from medcoder_tui.engines.analysis.clinical_text import ASSESSMENT_SECTIONS, LEFT_TO_ANOTHER, NoteAnalysis, line_at, lowered
from medcoder_tui.engines.analysis.prefilter import may_match

_WEEKS = re.compile(r"\b(?:(\d{1,2})(?:\s*\+\s*\d)?\s*(?:weeks?|wks?|w)(?:\s*(?:and\s*)?\d\s*d(?:ays?)?)?"
                    r"\s*(?:gestation|ga|pregnant|iup|by (?:early |first[- ]trimester |dating )?(?:lmp|us|u/s|"
                    r"ultrasound|sonogram|dating))|"
                    r"(?:ga|gestational age|egA)\s*(?:of|:)?\s*(\d{1,2})(?:\s*\+\s*\d)?\s*(?:weeks?|wks?|w)?|"
                    r"g\d\s*p\d{1,4}\s*(?:at|@)\s*(\d{1,2})\s*(?:weeks?|wks?|w)|"
                    # "39w3d", "39 wk 3 d", "28 weeks 2 days": the weeks-and-days notation needs no following word
                    r"(\d{1,2})\s*(?:w|wks?|weeks)\s*(?:and\s*)?\d\s*d(?:ays?)?)\b", re.I)
# ("routine care" is what a plan gives any visit: only a preventive or well visit's care is an examination)
_EXAM = re.compile(r"\b(?:annual|routine|preventive|preventative|wellness|well)[- ](?:physical|exam|examination|"
                   r"visit|check|check-?up|child|woman|man|adult)\b|\bcomplete physical\b|"
                   r"\b(?:preventive|preventative|wellness|well)[- ]care (?:visit|exam|examination)\b|"
                   r"\b(?:annual|routine) (?:health|medical) (?:exam|examination|visit)\b|\bwcc\b", re.I)
_PREOP = re.compile(r"\b(?:pre-?op(?:erative)?|pre-?procedur(?:al|e)|pre-?surgical)\s+(?:(?:medical|risk|cardiac|"
                    r"cardiovascular|pulmonary|respiratory)\s+)?(?:evaluation|eval|examination|exam|assessment|"
                    r"clearance|consultation|risk assessment|visit)\b", re.I)
# Drugs many patients take beside the visit's problem: coded when the assessment or plan speaks of them
_WHEN_ADDRESSED = frozenset({"Z79.1", "Z79.3", "Z79.52"})
# ("Long-term ART.": the antiretroviral therapy by its abbreviation)
_LONG_TERM_THERAPY = re.compile(r"\blong[- ]term (?:[\w-]+ ){0,3}?(?:therapy|use|treatment|art|haart|cart|"
                                r"antiretrovirals?)\b|"
                                r"\b(?:therapy|use|treatment),? long[- ]term\b|\blong[- ]term therapy\b|"
                                # "HIV disease, well controlled on ART": antiretrovirals are taken for life
                                r"\bon (?:art|haart|cart|antiretroviral(?: therapy)?s?)\b", re.I)
# drug classes with a Z79 code of their own: Z79.899 is for the others
_OWN_Z79_CLASS = re.compile(r"\b(?:anticoag\w*|antiplatelet\w*|antithrombotic\w*|insulin|hypoglycemic\w*|"
                            r"antidiabetic\w*|aspirin|nsaids?|non-?steroidal|steroids?|corticosteroids?|"
                            r"contracepti\w*|opioids?|opiates?|antibiotics?|immunosuppress\w*|hormone replacement|"
                            r"estrogen|aromatase|tamoxifen|bisphosphonates?)\b", re.I)
_AS_SCHEDULED = r"(?![^,;\n]{0,40}\b(?:prn|as needed)\b)"
# a single dose the story tells ("ibuprofen given 23:30", "took ibuprofen 400 mg at 6 pm", "x1 prior to arrival")
_ONE_DOSE = re.compile(r"[^,;.\n]{0,25}?\b(?:given|taken|took|administered|dose)\b[^,;.\n]{0,15}?(?:\d{1,2}:\d{2}|"
                       r"\d{1,2}\s*(?:am|pm)\b|at home|prior to arrival|\bpta\b|this (?:morning|evening|afternoon)|"
                       r"last night|\bx\s?1\b|once\b)|[^,;.\n]{0,25}?\b(?:x\s?1|once|single dose)\b")
# a course of days the clause gives the drug: "enoxaparin 40 mg daily for VTE prophylaxis, short course through
# 08/04", "x 35 days total", "for 10 days": this stay's or this operation's course, not long-term use
_SHORT_COURSE = re.compile(r"[^,;.\n]{0,60}?(?:\bshort course\b|\b(?:through|until|thru) \d{1,2}/\d{1,2}\b|"
                           r"\bx\s*\d{1,2}\s*(?:d|days?)\b|\bfor \d{1,2} days?\b|\bvte (?:prophylaxis|ppx)\b|"
                           r"\bdvt (?:prophylaxis|ppx)\b)")
# lower-case patterns, matched against the lower-cased note (twice as fast as IGNORECASE on a long note)
_LONG_TERM = (
    (re.compile(r"\b(?:warfarin|coumadin|apixaban|eliquis|rivaroxaban|xarelto|dabigatran|pradaxa|edoxaban|"
                r"enoxaparin|lovenox|acenocoumarol)\b"), "Z79.01"),
    (re.compile(r"\b(?:insulin|glargine|lantus|detemir|levemir|degludec|tresiba|lispro|humalog|aspart|novolog)\b"),
     "Z79.4"),
    (re.compile(r"\b(?:metformin|glipizide|glyburide|glimepiride|sitagliptin|januvia|pioglitazone|empagliflozin|"
                r"jardiance|dapagliflozin|farxiga|linagliptin)\b"), "Z79.84"),
    # antiplatelet drugs other than aspirin (aspirin has Z79.82)
    (re.compile(r"\b(?:clopidogrel|plavix|prasugrel|effient|ticagrelor|brilinta|cilostazol|dipyridamole|"
                r"ticlopidine)\b"), "Z79.02"),
    # GLP-1 receptor agonists and tirzepatide: injectable non-insulin antidiabetic drugs
    (re.compile(r"\b(?:semaglutide|ozempic|dulaglutide|trulicity|liraglutide|victoza|exenatide|byetta|bydureon|"
                r"tirzepatide|mounjaro|lixisenatide)\b"), "Z79.85"),
    (re.compile(r"\b(?:aspirin|asa)\s*81\b|\bbaby aspirin\b|\blow[- ]dose aspirin\b|\baspirin\b(?=[^.\n]{0,25}"
                r"\bdaily\b)"), "Z79.82"),
    # an NSAID taken on a schedule, not as needed; not one bought over the counter, stopped or rubbed on ("naproxen 500
    # mg BID (OTC)", "Stop OTC naproxen", "diclofenac gel")
    (re.compile(r"(?<!otc )(?<!stop )(?<!stopped )(?<!discontinue )(?<!d/c )\b(?:meloxicam|naproxen|ibuprofen|diclofenac|"
                r"celecoxib|etodolac|nabumetone|indomethacin|piroxicam)\b" + _AS_SCHEDULED
                + r"(?!\s+(?:\d+(?:\.\d+)?\s*%\s*)?(?:gel|cream|topical|patch|ointment|solution|drops))"
                r"(?![^,;\n]{0,40}\b(?:otc|over the counter)\b)"), "Z79.1"),
    (re.compile(r"\b(?:(?:combined )?oral contraceptives?|ocps?|birth control pills?|contraceptive (?:pill|patch|ring)|"
                r"nuvaring|depo-?provera)\b"), "Z79.3"),
    (re.compile(r"\b(?:prednisone|prednisolone|methylprednisolone|hydrocortisone|dexamethasone)\b" + _AS_SCHEDULED
                + r"(?![^,;\n]{0,40}\b(?:taper\w*|burst|x\s*\d+\s*d(?:ays?)?|for \d+ days?)\b)"), "Z79.52"),
    # "Long-term inhaled corticosteroid (in Trelegy)", "on an inhaled steroid": the class said in words
    (re.compile(r"\binhaled (?:cortico)?steroids?\b"), "Z79.51"),
    # immunosuppressants by kind (Z79.62-, Z79.631)
    (re.compile(r"\b(?:tacrolimus|cyclosporine|prograf)\b"), "Z79.621"),
    (re.compile(r"\b(?:tofacitinib|baricitinib|upadacitinib|ruxolitinib)\b"), "Z79.622"),
    (re.compile(r"\b(?:sirolimus|everolimus)\b"), "Z79.623"),
    (re.compile(r"\b(?:mycophenolate|cellcept|azathioprine|leflunomide)\b"), "Z79.624"),
    (re.compile(r"\bmethotrexate\b"), "Z79.631"),
    (re.compile(r"\b(?:alendronate|fosamax|risedronate|actonel|ibandronate|boniva|zoledronic acid|reclast)\b"), "Z79.83"),
    (re.compile(r"\b(?:adalimumab|humira|etanercept|enbrel|infliximab|remicade|certolizumab|cimzia|golimumab|simponi|"
                r"tocilizumab|actemra|sarilumab|abatacept|orencia|ustekinumab|stelara|secukinumab|cosentyx|ixekizumab|"
                r"risankizumab|guselkumab|vedolizumab|entyvio|natalizumab|ocrelizumab)\b"), "Z79.620"),
    (re.compile(r"\bapremilast|otezla\b"), "Z79.61"),
    (re.compile(r"\bhydroxyurea\b"), "Z79.64"),
)
# ("HPV" alone is the virus: "smoking impairs HPV clearance", "hrHPV positive")
_VACCINE = re.compile(r"\b(?:vaccin\w*|immuniz\w*|flu shot|tdap|dtap|mmr|hpv(?=\s*(?:vaccin|vax|#|dose|series|shot|9\b))|"
                      r"shingrix|pneumovax|prevnar|"
                      r"pcv ?\d*|ppsv ?\d*|ipv|varivax|gardasil|boostrix|adacel)\b", re.I)
# (a dose changed or refilled is of a drug the patient takes: "increase metformin to 1000 mg")
_TAKES = re.compile(r"\b(?:on|takes|taking|continues?|cont|long[- ]term(?: use of)?|increas\w*|decreas\w*|reduc\w*|titrat\w*|uptitrat\w*|"
                    r"refill\w*|resum\w*)\s+(?:\w+\s+)?$", re.I)
# a drug further down a list the verb heads: "Taking glargine 28 u qHS, metformin 500 mg BID"
_TAKES_LIST = re.compile(r"\b(?:on|takes|taking|continues?|cont)\s+[^.;:\n()]{0,60}?(?:,|\band\b|\+)\s*$", re.I)
# the verb after the drug: "home metformin resumed", "metformin continued", "apixaban - continue"
_TAKES_AFTER = re.compile(r"(?:\s+(?:was|is|to be))?\s*(?:-\s*)?(?:continued|resumed|continue|resume)\b", re.I)
# (a drug held for a while is still the patient's: "metformin held, resume at follow-up")
_NOT_TAKEN = re.compile(r"\b(?:stop(?:ped)?|discontinu\w*|start(?:ed|ing)?|initiat\w*|begin|"
                        r"prescribe[ds]?|switch\w*|consider|allerg\w*|d/c)\b", re.I)
_GIVEN_IV = re.compile(r"\b(?:iv|ivpb|intravenous\w*|load(?:ing)?(?: dose)?|drip|infusion)\b", re.I)
# a drug the note says was stopped: "off metformin", "metformin was discontinued"
# (a drug held for a while, "metformin held, resumed at d/c", is not stopped)
# ("OCP was stopped when leuprolide started": the word between may not begin another clause)
# ("STOPPED: ibuprofen": a discharge medication list's heading)
_STOPPED_BEFORE = re.compile(r"\b(?:off|stopped|discontinued|d/c'?d|no longer (?:on|taking)|weaned off)\s*:?\s+"
                             r"(?:(?!(?:when|after|because|since|as|and|once|while|until|for)\s)[a-z-]+\s+)?$")
_STOPPED_AFTER = re.compile(r"\s*(?:[^\s.;,]+\s+){0,3}?(?:was |were |has been |- )?(?:stopped|discontinued|d/c'?d|"
                            r"held (?:by|since)\b|held in \d{4}|on hold)\b")   # (not "held in hospital per protocol")


# Obstetric encounters (guideline I.C.15.b)
_PRENATAL_VISIT = re.compile(r"\b(?:routine prenatal (?:care|visit)|prenatal (?:visit|care|check|follow[- ]?up|appointment)|"
                             r"(?:new|initial|routine|return) (?:ob|obstetric) (?:visit|patient|check)|"
                             r"supervision of (?:a |an )?(?:other )?(?:normal )?(?:first )?pregnancy)\b", re.I)
_FIRST_PREGNANCY = re.compile(r"\b(?:g1(?:\s*p0)?|gravida 1|primigravida|primigravid|first pregnancy)\b", re.I)
_HIGH_RISK = re.compile(r"\bhigh[- ]risk (?:pregnancy|ob|obstetric)\b", re.I)
_DELIVERY = re.compile(r"\b(?:(?:spontaneous |normal |assisted |operative |vacuum[- ]assisted |forceps[- ]assisted )?"
                       r"vaginal (?:delivery|birth)|n?svd|vbac|(?:primary |repeat |low transverse )?(?:cesarean|caesarean|"
                       r"c-section)(?: section| delivery| birth)?|delivered (?:a |of )?(?:viable |healthy |live[- ]?born )?"
                       r"(?:male|female|infant|baby|boy|girl|twins))\b", re.I)
_MATERNAL = re.compile(r"\b(?:g\d+\s*p\d+|gravida|labou?r|postpartum|laborist|l&d|delivery note|intrapartum)\b", re.I)
_OUTCOMES = (
    (re.compile(r"\b(?:still ?born|stillbirth|fetal demise|iufd)\b", re.I), "Z37.1"),
    (re.compile(r"\btwins?\b", re.I), "Z37.2"),
    (re.compile(r"\b(?:live[- ]?born|live birth|viable|healthy (?:male|female|infant|baby|boy|girl)|apgars?)\b", re.I),
     "Z37.0"),
)


def _trimester(weeks: int) -> int:
    """The trimester of a gestational age in completed weeks (ICD-10-CM chapter 15 notes)."""
    return 1 if weeks < 14 else 2 if weeks < 28 else 3


_TRIMESTER = re.compile(r"\b(first|1st|second|2nd|third|3rd)[- ]trimester\b", re.I)


def _named_trimester(note: str, analysis: NoteAnalysis) -> int:
    """The trimester the note names ("third trimester"), 0 when none or more than one."""
    named = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3}
    found = {named[m.group(1).lower()] for m in _TRIMESTER.finditer(note)
             if not analysis.context_at(m.start(), m.end()) & {"negated", "hypothetical", "history"}}
    return found.pop() if len(found) == 1 else 0


def prenatal_supervision(note: str, analysis: NoteAnalysis) -> tuple[str, int, int] | None:
    """Z34 for a visit the note calls routine prenatal care of a pregnancy it does not call high
    risk (I.C.15.b.1): first pregnancy or other, by trimester when the weeks are documented."""
    m = next((m for m in _PRENATAL_VISIT.finditer(note)
              if not analysis.context_at(m.start(), m.end()) & {"negated", "hypothetical", "history"}), None)
    if m is None or any(not analysis.context_at(h.start(), h.end()) & {"negated", "history"}
                        for h in _HIGH_RISK.finditer(note)):
        return None
    weeks = weeks_of_gestation(note, analysis)
    # Z3A.01 is "less than 8 weeks", Z3A.49 "greater than 42 weeks": the number still orders them
    trimester = _trimester(int(weeks[0][4:])) if weeks else _named_trimester(note, analysis)
    kind = "0" if _FIRST_PREGNANCY.search(note[:800]) else "8"
    return f"Z34.{kind}{trimester}", m.start(), m.end()


# "OB hx: 2022 SVD 39 wk", "G3P2 (SVD 2019, C/S 2021)": an earlier pregnancy's delivery, by the line's label or a
# bare year beside the word (a full date, "delivered 03/14/2026", may be this stay's)
_OB_HISTORY_LABEL = re.compile(r"\b(?:ob|obstetric(?:al)?|pregnancy|delivery) (?:hx|history)\b|\bprior (?:deliver|pregnan)",
                               re.I)
_BARE_YEAR_BEFORE = re.compile(r"(?<![/\d])(?:19|20)\d\d[ \t]*(?:[:-][ \t]*)?$")
_BARE_YEAR_AFTER = re.compile(r"[ \t]*(?:in |at |[(,][ \t]*)?(?:19|20)\d\d(?![/\d])")


def _this_delivery(note: str, analysis: NoteAnalysis, m: re.Match) -> bool:
    """Whether the delivery word at ``m`` tells a delivery of this encounter, not a past one."""
    if analysis.context_at(m.start(), m.end()) & {"negated", "hypothetical", "history", "family"}:
        return False
    line_start = note.rfind("\n", 0, m.start()) + 1
    return not (_OB_HISTORY_LABEL.search(note, line_start, m.start())
                or _BARE_YEAR_BEFORE.search(note, max(line_start, m.start() - 12), m.start())
                or _BARE_YEAR_AFTER.match(note, m.end()))


def delivered(note: str, analysis: NoteAnalysis) -> bool:
    """Whether the mother's record documents a delivery at this encounter."""
    return bool(_MATERNAL.search(note)) and any(_this_delivery(note, analysis, m) for m in _DELIVERY.finditer(note))


def delivery_outcome(note: str, analysis: NoteAnalysis) -> tuple[str, int, int] | None:
    """Z37 for a delivery the mother's record documents (I.C.15.b.5): single live birth, twins,
    stillbirth, read from the words of the delivery's own sentence."""
    if not _MATERNAL.search(note):
        return None
    for m in _DELIVERY.finditer(note):
        if not _this_delivery(note, analysis, m):
            continue
        sent = analysis.sentence_at(m.start())
        # the delivery's sentence and the one after it ("... cesarean delivery at 21:12. Liveborn female, Apgars 8/9")
        after = next((a for k in range(4) if sent and (a := analysis.sentence_at(sent.end + k))), None)
        clause = note[sent.start:(after or sent).end] if sent else note[m.start():m.end() + 80]
        for rx, code in _OUTCOMES:
            if rx.search(clause):
                return code, m.start(), m.end()
    return None


def weeks_of_gestation(note: str, analysis: NoteAnalysis) -> tuple[str, int, int] | None:
    for m in _WEEKS.finditer(note):
        if analysis.context_at(m.start(), m.end()) & {"negated", "hypothetical", "history"}:
            continue
        value = int(next(g for g in m.groups() if g))
        if value > 45:
            continue
        code = "Z3A.01" if value < 8 else "Z3A.49" if value > 42 else f"Z3A.{value:02d}"
        return code, m.start(), m.end()
    return None


# "Established (annual exam 09/2025)", "last well-child visit 3/2025": a past preventive visit dated, not this one
# (a month and year, or a year in parentheses, is an earlier visit's; a full date may be this visit's)
# ("4-yr well visit done 03/10/2026 - vaccines deferred then": done on another day)
_DATED_AFTER = re.compile(r"[ \t]*(?:on |in )?\(?\d{1,2}/(?:19|20)\d\d\b(?!/)|[ \t]*(?:in )?\((?:19|20)\d\d\)|"
                          r"[ \t]+in (?:19|20)\d\d\b|[ \t]+(?:was )?(?:done|completed|performed|held)\b", re.I)
# ("f/u from 24 mo WCC where we said recheck words", "since her 4 yr physical": a visit this one follows)
_PAST_BEFORE = re.compile(r"\b(?:last|prior|previous|recent)\s+$|\b(?:from|since|after)\s+(?:(?:the|her|his|their|a|an|"
                          r"\d+[- ]?(?:mo|mos|month|months|yr|yrs|year|years|wk|wks|week|weeks|y|m))\s+){0,2}$", re.I)


def an_earlier_visit(text: str, start: int, end: int) -> bool:
    """Whether the visit named at ``text[start:end]`` is an earlier one: dated after it with a month and year, said
    done, or called the last or prior one."""
    return bool(_DATED_AFTER.match(text, end) or _PAST_BEFORE.search(text, max(0, start - 24), start))


def exam_codes(note: str, analysis: NoteAnalysis) -> tuple[tuple[str, str], int, int] | None:
    """(without, with abnormal findings) codes of the general or routine examination the visit is."""
    # not a future one ("next WCC at 2 yrs", "due for annual physical")
    m = next((m for m in _EXAM.finditer(note[:1500])
              if not analysis.context_at(m.start(), m.end()) & {"negated", "hypothetical", "history"}
              and not re.search(r"\b(?:next|upcoming|due(?: for)?|schedule\w*|return for|rtc)\s+(?:\w+\s+)?$",
                                note[max(0, m.start() - 25):m.start()], re.I)
              and not an_earlier_visit(note, m.start(), m.end())), None)
    gyn = next((g for g in _GYN_EXAM.finditer(note[:1500])
                if not analysis.context_at(g.start(), g.end()) & {"negated", "hypothetical", "history"}), None)
    if gyn is not None:   # a routine gynecological examination is Z01.41-, not the general one (Z00.0-)
        return ("Z01.419", "Z01.411"), gyn.start(), gyn.end()
    age = patient_age(note)
    if m is None or age is None or age < 29 / 365:
        return None
    if any(not analysis.context_at(p.start(), p.end()) & {"negated", "hypothetical", "history"}
           for p in _PRENATAL_VISIT.finditer(note[:1500])):
        return None   # a prenatal visit supervises the pregnancy (Z34, O09, chapter 15): no general examination
    return (("Z00.129", "Z00.121") if age < 18 else ("Z00.00", "Z00.01")), m.start(), m.end()


_GYN_EXAM = re.compile(r"\b(?:well[- ]woman|(?:annual|routine|yearly) (?:gyn\w*|gynecologic(?:al)?|pelvic|ob/?gyn) "
                       r"(?:exam|examination|visit|check)|gyn(?:ecologic(?:al)?)? (?:annual|well) (?:exam|visit))\b", re.I)
_STI_SCREEN = re.compile(r"\b(?:sti|std|sexually transmitted (?:infection|disease))s? screen\w*|screen\w* for "
                         r"(?:sti|std|sexually transmitted|gc|gonorrh\w*|chlamydia)|\bgc/ct (?:naat|screen\w*|testing)\b",
                         re.I)
_CONTRACEPTIVE_SURVEILLANCE = (
    (re.compile(r"\b(?:ocp|oral contracepti\w*|birth control pills?|combined ocp|pills?)\b[^.\n]{0,40}\b(?:surveillance|"
                r"refill\w*)\b|\b(?:surveillance|refill\w*)\b[^.\n]{0,40}\b(?:ocp|oral "
                r"contracepti\w*|birth control(?: pills?)?)\b", re.I), "Z30.41"),
    (re.compile(r"\b(?:depo-?provera|injectable contracepti\w*)\b[^.\n]{0,40}\b(?:surveillance|given|continue\w*)\b",
                re.I), "Z30.42"),
    # routine checking of an IUD in place, or of an implant (its insertion and removal have codes of their own)
    (re.compile(r"\b(?:(?:lng|cu|copper|hormonal)[- ]?iud|iud|intrauterine (?:device|contracepti\w*)|mirena|kyleena|"
                r"liletta|paragard)\b[^.\n]{0,40}\b(?:surveillance|check\w*|strings? (?:visuali[sz]ed|visible|seen|"
                r"checked|present))|\b(?:surveillance|check) of (?:the |her )?(?:iud|intrauterine)", re.I), "Z30.431"),
    (re.compile(r"\b(?:nexplanon|implanon|(?:contraceptive|etonogestrel|subdermal) implant)\b[^.\n]{0,40}"
                r"\b(?:surveillance|check\w*|palpable|in place)\b", re.I), "Z30.46"),
)
# the HPV test taken at a routine gynecological examination (Z01.41- use additional code Z11.51)
_HPV_SCREEN = re.compile(r"\bhpv\b[^.\n]{0,30}\b(?:co-?test\w*|test\w*|screen\w*)\b[^.\n]{0,40}\b(?:collected|obtained|"
                         r"sent|done|performed|taken)\b|\b(?:collected|obtained|sent|performed)\b[^.\n]{0,40}\bhpv\b",
                         re.I)
# screening for HIV the plan documents (Z11.4); offered and accepted is done ("offered routine HIV screening; she
# accepted")
# the routine visit after a delivery (Z39.2, I.C.15.o): "Routine postpartum follow-up", "6 week postpartum check"
_POSTPARTUM_VISIT = re.compile(r"\b(?:routine )?(?:post-?partum|post-?natal) (?:follow[- ]?up|visit|check(?:-?up)?|exam\w*|"
                               r"care)\b", re.I)
_FUTURE_VISIT = re.compile(r"\b(?:at|schedul\w*|f/u|return|rtc|next|plans?|planned|in \d+ (?:days?|weeks?|wks?))\b"
                           r"[^.\n]{0,40}$", re.I)
_HIV_SCREEN = re.compile(r"\bhiv\b[^.\n]{0,20}\bscreen\w*|\bscreen\w* for hiv\b|\b(?:routine|opt-out) hiv (?:test\w*)", re.I)
_SCREENING_DONE = re.compile(r"\b(?:accepted|agreed|consented|drawn|sent)\b", re.I)
# (not the test that follows an abnormal result up: that one is diagnostic)
_ABNORMAL_CYTOLOGY = re.compile(r"\b(?:asc-?us|asc-h|lsil|hsil|abnormal (?:pap|cytology)|colpo\w*)\b", re.I)



_HISTORY_SECTIONS = frozenset({"past_medical_history", "past_surgical_history", "family_history", "social_history",
                               "medications", "allergies"})
# the abnormal cervical cytology a Pap reported (R87.61-) and a positive high-risk HPV test (R87.810), the reason
# for a colposcopy or a follow-up; a lesion a biopsy confirmed is its own diagnosis (CIN, N87; D06)
# (the tabular's texts are longer than the title matcher reads: "High grade squamous intraepithelial lesion on
# cytologic smear of cervix (HGSIL)")
_CERVICAL_CYTOLOGY = (
    (re.compile(r"\b(?:hg?sil|high[- ]grade squamous intraepithelial lesion)\b", re.I), "R87.613"),
    (re.compile(r"\b(?:lg?sil|low[- ]grade squamous intraepithelial lesion)\b", re.I), "R87.612"),
    (re.compile(r"\basc-?h\b|\batypical squamous cells,? cannot exclude", re.I), "R87.611"),
    (re.compile(r"\basc-?us\b|\batypical squamous cells of undetermined significance", re.I), "R87.610"),
)
_OTHER_SITE = re.compile(r"\b(?:anal|anus|anoscopy|vagina|vaginal|vulva|vulvar|ain|vain|vin)\b", re.I)
_CYTOLOGY_WORDS = re.compile(r"\b(?:pap|cytology|cytologic|smear|thin ?prep)\b", re.I)
_HR_HPV = re.compile(r"\b(?:hr-?hpv|high[- ]risk hpv|hpv (?:16|18)(?:/18)?)\b(?:\s+(?:dna|test|co-?test))?[^.;\n]{0,20}?"
                     r"\b(?:pos(?:itive)?|\+|detected)", re.I)


def cervical_cytology(note: str, analysis: NoteAnalysis) -> list[tuple[str, int, int]]:
    """(code, start, end) of the abnormal cervical cytology and positive high-risk HPV test a note reports (read once
    per note: the prompt's candidates and the guideline layer both ask)."""
    return list(analysis.once("cervical_cytology", lambda: _cervical_cytology(note, analysis)))


def _cervical_cytology(note: str, analysis: NoteAnalysis) -> tuple[tuple[str, int, int], ...]:
    out: list[tuple[str, int, int]] = []
    for rx, code in (*_CERVICAL_CYTOLOGY, (_HR_HPV, "R87.810")):
        for m in rx.finditer(note):
            # (the result's own last word: "high-risk" names the HPV type, no hypothetical risk)
            if analysis.context_at(max(m.start(), m.end() - 3), m.end()) & {"negated", "hypothetical", "family",
                                                                            "history"}:
                continue
            line = line_at(note, m.start())
            if (code != "R87.810" and not _CYTOLOGY_WORDS.search(line)) or _OTHER_SITE.search(line):
                continue   # a biopsy's lesion ("HSIL (CIN 2) on the cone specimen") is the histology's; an anal or vaginal
                # smear has codes of its own (R85.61-, R87.62-)
            out.append((code, m.start(), m.end()))
            break
    return tuple(out[:2])


def gyn_encounter_reasons(note: str, analysis: NoteAnalysis) -> list[tuple[str, int, int]]:
    """Screening for sexually transmitted infections (Z11.3) or HPV (Z11.51), surveillance of a contraceptive
    (Z30.4-) and the routine postpartum visit (Z39.2) the assessment or plan documents."""
    out = []
    assessed = [(sec.start, sec.end) for sec in analysis.sections if sec.name in ASSESSMENT_SECTIONS]
    # an HPV test the note says was collected is done wherever it is told ("Cervical cancer screening: Pap with
    # HPV co-test collected" in the exam), not in a history
    told = [(0, len(note))] if not any(sec.name in _HISTORY_SECTIONS for sec in analysis.sections) else \
        [(sec.start, sec.end) for sec in analysis.sections if sec.name not in _HISTORY_SECTIONS]
    for rx, code in ((_STI_SCREEN, "Z11.3"), (_HPV_SCREEN, "Z11.51"), (_HIV_SCREEN, "Z11.4"),
                     *_CONTRACEPTIVE_SURVEILLANCE, (_POSTPARTUM_VISIT, "Z39.2")):
        m = next((m for lo, hi in (told if code == "Z11.51" else assessed) for m in rx.finditer(note, lo, hi)
                  if not analysis.context_at(m.start(), m.end()) & {"negated", "hypothetical", "history"} - (
                      {"hypothetical"} if screening_told_done(note, m.start()) else set())
                  and not LEFT_TO_ANOTHER.search(note, m.start(), note.find("\n", m.end()) % (len(note) + 1))),
                 None)
        if m is not None and not (code == "Z11.51" and _ABNORMAL_CYTOLOGY.search(line_at(note, m.start()))) \
                and not (code == "Z39.2" and _FUTURE_VISIT.search(note, max(0, m.start() - 50), m.start())):
            # (a delivery record's "6-wk comprehensive postpartum visit in our office" is a visit to come)
            out.append((code, m.start(), m.end()))
    return out


def screening_told_done(note: str, at: int) -> bool:
    """The line of a screening says it was done, not only offered ("offered HIV screening; she accepted")."""
    return _SCREENING_DONE.search(line_at(note, at)) is not None


def other_long_term_drug(note: str, analysis: NoteAnalysis) -> tuple[str, int, int] | None:
    """Z79.899 for a long-term drug therapy the assessment names ("Long-term stimulant therapy - growth
    monitored") when the drug has no Z79 code of its own (anticoagulants, insulin, NSAIDs...)."""
    for m in _LONG_TERM_THERAPY.finditer(note):
        if analysis.section_at(m.start()) not in ASSESSMENT_SECTIONS or \
                analysis.context_at(m.start(), m.end()) & {"negated", "hypothetical", "history", "family"}:
            continue
        sent = analysis.sentence_at(m.start())
        clause = note[sent.start:sent.end] if sent else note[m.start():m.end()]
        if _OWN_Z79_CLASS.search(clause) or any(rx.search(clause.lower()) for rx, _ in _LONG_TERM):
            continue
        return "Z79.899", m.start(), m.end()
    return None


# The screening test the encounter is for, named in the report's title or its indication line (I.C.21.c.5:
# the screening code first-listed, the findings beside it)
_SCREENING_TESTS = (
    (re.compile(r"\bscreening\s+colonoscopy\b|\bcolonoscopy\b[^.\n]{0,20}\bscreening\b|"
                r"\b(?:colon(?:ic)?|colorectal|crc) (?:cancer |ca )?screening\b|"
                r"\bscreening for (?:colon|colorectal) (?:cancer|ca|neoplasia)\b",
                re.I), "Z12.11"),
    (re.compile(r"\bscreening\s+(?:bilateral\s+)?(?:digital\s+)?mammogra(?:m|phy)\b|\bmammogra(?:m|phy)\b[^.\n]{0,20}"
                r"\bscreening\b", re.I), "Z12.31"),
    (re.compile(r"\b(?:lung cancer screening|(?:low[- ]dose ct|ldct)\b[^.\n]{0,30}\bscreening)\b", re.I), "Z12.2"),
)
_INDICATION_LINE = re.compile(r"^[ \t]*(?:indications?|reason for (?:the )?(?:exam|examination|procedure|study|visit)|"
                              r"procedure|exam(?:ination)?|study)[ \t]*(?::|\n(?=[ \t]*\S))[^\n]*", re.I | re.M)


def screening_encounter(note: str, analysis: NoteAnalysis) -> tuple[str, int, int] | None:
    """The Z12 code of a screening test the encounter is for: named in the note's title (its first line) or on
    its indication line, never in a plan or history ("screening colonoscopy due - referral placed")."""
    first_line = note[:max(note.find("\n"), 0) or len(note)]
    # (a title has no label: "Plan: screening colonoscopy due" is no title)
    places = [(0, len(first_line))] if ":" not in first_line else []
    places += [(m.start(), m.end()) for m in _INDICATION_LINE.finditer(note[:3000])]
    for start, end in places:
        for rx, code in _SCREENING_TESTS:
            m = rx.search(note, start, end)
            # (not "family": "Screening colonoscopy - father with colon cancer" names why the screening is done)
            if m and not analysis.context_at(m.start(), m.end()) & {"negated", "hypothetical", "history"}:
                return code, m.start(), m.end()
    return None


# "Depression screening: PHQ-9 administered today, score 2 (negative)", "Depression screen: PHQ-9 = 3": a screening
# done at the visit (Z13.31 beside the visit's reason, I.C.21.c.5), not a known depression's monitoring
_DEPRESSION_SCREEN = re.compile(r"\bdepression screen(?:ing)?\b(?=[^.\n]{0,80}\b(?:phq|administered|score|scored|"
                                r"negative|positive|completed|done|performed)\b)|\b(?:negative|positive) depression "
                                r"screen\b", re.I)


# a mother's screening after a birth (Z13.32 "Encounter for screening for maternal depression"): "Postpartum depression
# screen negative", "EPDS 4", the Edinburgh scale
_MATERNAL_BEFORE = re.compile(r"\b(?:post-?partum|perinatal|maternal|post-?natal)\s+$", re.I)
_EDINBURGH = re.compile(r"\b(?:epds|edinburgh(?: post-?natal depression scale)?)\b(?=[^.\n]{0,40}(?:\d|negative|positive|"
                        r"administered|completed|done|score))", re.I)


def depression_screening(note: str, analysis: NoteAnalysis) -> tuple[str, int, int] | None:
    """(Z13.31, start, end) of a depression screening the note says was done at the visit (Z13.32 when it is a
    mother's after a birth), or None."""
    for m in (*_DEPRESSION_SCREEN.finditer(note), *_EDINBURGH.finditer(note)):
        if analysis.context_at(m.start(), m.end()) & {"hypothetical", "history", "family"}:
            continue
        maternal = _MATERNAL_BEFORE.search(note, max(0, m.start() - 15), m.start()) \
            or _EDINBURGH.search(note, m.start(), min(len(note), m.end() + 80))
        return ("Z13.32" if maternal else "Z13.31"), m.start(), m.end()
    return None


def preprocedural_exam(note: str, analysis: NoteAnalysis) -> tuple[str, int, int] | None:
    """IV.M: the Z01.81- code of a preoperative evaluation the visit is (cardiovascular, respiratory or other)."""
    for m in _PREOP.finditer(note[:1500]):
        if analysis.context_at(m.start(), m.end()) & {"negated", "hypothetical", "history", "family"}:
            continue
        words = m.group(0).lower()
        code = "Z01.810" if re.search(r"cardi", words) else "Z01.811" if re.search(r"pulmonary|respiratory", words) \
            else "Z01.818"
        return code, m.start(), m.end()
    return None


def vaccine_mention(note: str, analysis: NoteAnalysis) -> tuple[int, int] | None:
    """Words of a vaccine given (not declined, not only due)."""
    for m in _VACCINE.finditer(note):
        if analysis.context_at(m.start(), m.end()) & {"negated", "hypothetical", "history", "family"}:
            continue
        return m.start(), m.end()
    return None


# "Influenza vaccine offered and recommended; mother declines today": immunization not carried out because of
# the patient's (Z28.21) or the caregiver's (Z28.82) refusal. A refusal of the past, a dose received elsewhere
# or a series already complete is no refusal at this visit.
_REFUSED = re.compile(r"\b(?:declin\w*|refus\w*|opts? out|opted out|does not want|doesn't want)\b", re.I)
_REFUSAL_ELSEWHEN = re.compile(r"\b(?:previously|in the past|last (?:year|season|visit)|prior|already|received|"
                               r"up to date|utd|pharmacy|elsewhere|reconsider\w* (?:and|&) (?:accepted|agreed))\b", re.I)
_CAREGIVER = re.compile(r"\b(?:mother|mom|father|dad|parents?|guardians?|caregivers?|family|grand(?:mother|father|"
                        r"ma|pa|parents?)|foster)\b", re.I)
_NEAR = 100   # how far a refusal may stand from the vaccine it refuses


def vaccine_refusal(note: str, analysis: NoteAnalysis) -> tuple[str, int, int] | None:
    """Z28.21 or Z28.82 for a vaccine declined at this visit."""
    return analysis.once("vaccine_refusal", lambda: _vaccine_refusal(analysis))


def _vaccine_refusal(analysis: NoteAnalysis) -> tuple[str, int, int] | None:
    for sent in analysis.sentences:
        text = sent.text
        if analysis.section_at(sent.start) in _HISTORY_SECTIONS or _REFUSAL_ELSEWHEN.search(text):
            continue
        for v in _VACCINE.finditer(text):
            r = next((r for r in _REFUSED.finditer(text) if abs(r.start() - v.start()) <= _NEAR), None)
            if r is not None:
                code = "Z28.82" if _CAREGIVER.search(text) else "Z28.21"
                return code, sent.start + r.start(), sent.start + r.end()
    return None


_USE_OF = re.compile(r"^long[- ]term \(current\) use of (.+)$", re.I)
_NAMED_DRUG = re.compile(r"[a-z][a-z-]{4,}")   # one word: "monoclonal antibodies", "plant alkaloids" are classes


@lru_cache(maxsize=4)
def _tabular_drugs(icd) -> tuple[tuple[re.Pattern, str, tuple[str, ...]], ...]:
    """The drugs the tabular list names in Z79's inclusion terms ("Long term (current) use of leuprolide
    acetate (leuprorelin) (Lupron)" at Z79.818), by code: each name and its parenthesised aliases. Class
    words ("agonist", "downregulators") name no drug a note lists; only single drug names are kept.
    Cancer chemotherapy (Z79.63-) is left out: given in cycles, its encounters have codes of their own."""
    by_code: dict[str, set[str]] = {}
    for code in icd.billable_descendants("Z79"):
        if code.startswith("Z79.63"):
            continue
        entry = icd.get(code)
        for term in entry.inclusion_terms if entry else ():
            m = _USE_OF.match(term.strip())
            if not m:
                continue
            names = [m.group(1).split(" (")[0]] + re.findall(r"\(([^()]+)\)", m.group(1))
            for name in names:
                name = name.strip().lower().removesuffix(" acetate")
                if _NAMED_DRUG.fullmatch(name):
                    by_code.setdefault(code, set()).add(name)
    # (each with its plain names: a substring look finds most notes name none of them)
    return tuple((re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, names))) + r")\b"), code, tuple(sorted(names)))
                 for code, names in sorted(by_code.items()))


_MENTIONS_READ = 20
_CLAUSE_CHARS = 60    # how far from a drug's name the words that stop or start it are read   # a drug's mentions read: a long note names it thousands of times


@lru_cache(maxsize=4)
def _drug_table(icd) -> tuple[tuple[re.Pattern, str, tuple[str, ...] | None], ...]:
    """The named drug classes, then the tabular's Z79 drugs of the codes they do not cover (with their
    plain names)."""
    listed = {code for _rx, code in _LONG_TERM}
    return tuple((rx, code, None) for rx, code in _LONG_TERM) + tuple(
        entry for entry in (_tabular_drugs(icd) if icd is not None else ()) if entry[1] not in listed)


def long_term_drugs(note: str, analysis: NoteAnalysis, icd=None) -> list[tuple[str, int, int]]:
    return list(analysis.once(("long_term_drugs", id(icd)), lambda: _long_term_drugs(note, analysis, icd)))


def _long_term_drugs(note: str, analysis: NoteAnalysis, icd) -> list[tuple[str, int, int]]:
    found: list[tuple[str, int, int]] = []
    low = lowered(note)
    for rx, code, names in _drug_table(icd):
        if not (may_match(rx, low) if names is None else any(name in low for name in names)):
            continue   # a plain substring search first: most drugs are not named at all
        # once, and no more than a long note's first mentions
        hits = list(itertools.islice(rx.finditer(low), _MENTIONS_READ))
        if not hits:
            continue
        if code in _WHEN_ADDRESSED and not any(analysis.section_at(m.start()) in ASSESSMENT_SECTIONS for m in hits):
            continue
        if any(_GIVEN_IV.search(re.split(r"[,;.\n]", low[m.end():m.end() + 40], maxsplit=1)[0]) for m in hits):
            # a drug given intravenously or as a load here is this stay's treatment, not long-term use (in its own
            # clause: "hold warfarin, vitamin K 2.5 mg IV now" gives the vitamin K intravenously)
            continue
        for m in hits:
            if _ONE_DOSE.match(low, m.end()):
                continue   # "Meds: ibuprofen given 23:30": a dose before arrival, no long-term use
            # listed first (a cheap look): a long note names its drugs in many places that are neither
            if analysis.section_at(m.start()) != "medications" and \
                    not _TAKES.search(note, max(0, m.start() - 25), m.start()) and \
                    not _TAKES_LIST.search(note, max(0, m.start() - 80), m.start()) and \
                    not _TAKES_AFTER.match(note, m.end()):
                continue
            sent = analysis.sentence_at(m.start())
            # the words about this drug: "on apixaban ..., p/w bleeding starting 10/18" starts nothing
            lo, hi = max(0, m.start() - _CLAUSE_CHARS), m.end() + _CLAUSE_CHARS
            if sent:
                lo, hi = max(lo, sent.start), min(hi, sent.end)
            if _NOT_TAKEN.search(note, lo, hi) or _SHORT_COURSE.match(low, m.end()):
                continue
            if analysis.context_at(m.start(), m.end()) & {"negated", "family", "hypothetical", "history"}:
                continue
            if not any(_STOPPED_BEFORE.search(low, max(0, x.start() - 25), x.start()) or _STOPPED_AFTER.match(low, x.end())
                       for x in hits):   # "off metformin since 05/2025": stopped, whatever else is said
                found.append((code, m.start(), m.end()))
            break
    return found


# I.C.18.j: the NIH stroke scale score (the first one documented); I.C.21.c.8: a thrombolytic given at another
# facility before this admission (Z92.82)
_NIHSS = re.compile(r"\b(?:nihss|nih stroke scale)(?: score)?[^\d\n.;]{0,30}?(\d{1,2})\b", re.I)
_TPA = re.compile(r"\b(?:tpa|rtpa|alteplase|tenecteplase|tnk(?:ase)?|thrombolytics?|thrombolysis)\b", re.I)
_NOT_GIVEN = re.compile(r"\b(?:no|not|without|declined|refused|contraindicated|ineligible|not a candidate)\s+(?:for\s+|"
                        r"given\s+)?(?:iv\s+)?(?:tpa|rtpa|alteplase|tenecteplase|tnk|thromboly\w*)|(?:tpa|alteplase|"
                        r"tenecteplase|thromboly\w*)\s+(?:was\s+)?(?:not given|withheld|contraindicated|deferred)", re.I)
_ELSEWHERE = re.compile(r"\b(?:given there|there\b|outside (?:\w+ )?(?:hospital|facility|ed)|osh\b|referring (?:hospital|facility)|"
                        r"transferring (?:hospital|facility)|another (?:hospital|facility)|prior to (?:transfer|arrival)|"
                        r"before transfer)", re.I)


def stroke_codes(note: str, analysis: NoteAnalysis) -> list[tuple[str, int, int]]:
    """(code, start, end) of an acute infarction's companions the note documents: the NIHSS score (R29.7-)
    and a thrombolytic given elsewhere (Z92.82). The caller decides that an infarction is coded."""
    out: list[tuple[str, int, int]] = []
    if (nihss := _NIHSS.search(note)) and 0 <= int(nihss.group(1)) <= 42:
        out.append((f"R29.7{int(nihss.group(1)):02d}", nihss.start(), nihss.end()))
    for m in _TPA.finditer(note):
        sent = analysis.sentence_at(m.start())
        if sent is not None and _ELSEWHERE.search(note, sent.start, sent.end) \
                and not _NOT_GIVEN.search(note, sent.start, sent.end):
            out.append(("Z92.82", m.start(), m.end()))
            break
    return out


# --- a burn's extent and the dementia of Alzheimer's disease (the guideline layer and the prompt's candidates) ---
_TBSA = re.compile(r"(\d{1,2}(?:\.\d)?)\s*%\s*(?:of\s+)?(?:tbsa|bsa|total body surface|body surface)|"
                   r"\b(?:tbsa|bsa)\s*(?:of|:|=)?\s*\(?\s*(?:~|approx\w*\.?\s*|about\s*)?(\d{1,2}(?:\.\d)?)\s*%", re.I)
_BOUND = re.compile(r"(?:<|less than|under|below|up to)\s*$", re.I)


def _tbsa(note: str) -> tuple[re.Match, float] | None:
    """The burned share of body surface the note states: its first value, not a bound ("< 10% TBSA (~2%)":
    2); a bound alone counts just under itself ("< 10%": under ten)."""
    bound = None
    for m in _TBSA.finditer(note):
        value = float(m.group(1) or m.group(2))
        if m.group(1) and _BOUND.search(note, max(0, m.start() - 12), m.start()):
            bound = bound or (m, max(value - 1, 0.0))
            continue
        return m, value
    return bound


_THIRD_DEGREE = re.compile(r"(\d{1,2}(?:\.\d)?)\s*%\s*(?:full[- ]thickness|third[- ]degree|3rd[- ]degree)", re.I)


def burn_extent(note: str) -> tuple[str, int, int] | None:
    """(T31 code, start, end) of the body surface burned and its third-degree share (guideline I.C.19.d.6)."""
    found = _tbsa(note)
    if found is None:
        return None
    tbsa, total = found
    third = _THIRD_DEGREE.search(note)
    tens, third_tens = min(int(total // 10), 9), min(int(float(third.group(1)) // 10), 9) if third else 0
    code = "T31.0" if tens == 0 else f"T31.{tens}{min(third_tens, tens)}"
    return code, tbsa.start(), tbsa.end()


_DEMENTIA = re.compile(r"\bdementia\b|\bmajor neurocognitive disorder\b", re.I)


def dementia_mention(note: str, analysis: NoteAnalysis) -> tuple[int, int] | None:
    for m in _DEMENTIA.finditer(note):
        if not analysis.context_at(m.start(), m.end()) & {"negated", "family", "hypothetical", "uncertain"}:
            return m.start(), m.end()
    return None


_SEVERITY = (("C", re.compile(r"\bsevere\b", re.I)), ("B", re.compile(r"\bmoderate\b", re.I)),
             ("A", re.compile(r"\bmild\b", re.I)))
# F02.-/F03.- fifth and sixth characters: the behaviour the dementia comes with (none when it says without)
_BEHAVIOUR = (("11", re.compile(r"\b(?:agitat\w*|aggressi\w*|combative\w*|violent)\b", re.I)),
              ("2", re.compile(r"\b(?:psychotic|psychosis|hallucinat\w*|delusion\w*|paranoi\w*)\b", re.I)),
              ("3", re.compile(r"\b(?:mood disturbance|depressi\w*|apath\w*)\b", re.I)),
              ("4", re.compile(r"\banxi\w*\b", re.I)),
              ("18", re.compile(r"\b(?:wander\w*|disinhibit\w*|sleep disturbance|behaviou?ral disturbance)\b", re.I)))
_WITHOUT_BEHAVIOUR = re.compile(r"\b(?:without|w/o|no)\s+(?:\w+\s+){0,2}?(?:behaviou?ral|psychotic|mood|anxiety)\b", re.I)


_DEMENTIA_WORD = re.compile(r"\bdementia\b", re.I)


def _behaviour(texts: list[str]) -> str:
    """The 5th/6th characters of the first behavioural disturbance the texts state, unless they say there is none."""
    return next((c for text in texts if not _WITHOUT_BEHAVIOUR.search(text)
                 for c, rx in _BEHAVIOUR if rx.search(text)), "")


def alzheimer_dementia_code(note: str, analysis: NoteAnalysis, at: tuple[int, int], read: str | None, icd) -> str:
    """The F02 code of a dementia in Alzheimer's disease: the severity and behaviour of an F03 code the engine
    read, else those its sentence states ("Dementia, Alzheimer type, mild, without behavioral disturbance")."""
    def texts() -> list[str]:
        # the assessment's own statement of the dementia first ("Alzheimer's dementia, moderate, with agitation
        # (sundowning)"), then the sentence the engine read it from ("w/ Alzheimer's dementia ... now moderate stage")
        sent = analysis.sentence_at(at[0])
        return [s.text for s in analysis.sentences_matching(_DEMENTIA_WORD)
                if analysis.section_at(s.start) in ASSESSMENT_SECTIONS and s is not sent] \
            + [note[sent.start:sent.end] if sent else note[at[0]:at[1] + 80]]

    if read and read != "F03.90":
        rest = read[4:]
        code = "F02." + ("8" + rest[1:] if rest.startswith("9") else rest)
        if code.endswith("0") and (behaviour := _behaviour(texts())):
            code = code[:-1] + behaviour   # "dementia - moderate" read, "moderate, with agitation" assessed
    else:
        said = texts()
        severity = next((c for text in said for c, rx in _SEVERITY if rx.search(text)), "8")
        code = f"F02.{severity}{_behaviour(said) or '0'}"
    return code if icd is None or icd.is_billable(code) else "F02.80"


# "a previous suicide attempt by overdose in 2023", "Prior suicide attempt (2023)", "h/o attempted suicide"
_PAST_ATTEMPT = re.compile(r"\b(?:prior|previous|past|earlier|hx of|history of|h/o)\s+(?:\w+\s+)?(?:suicide attempts?|"
                           r"suicidal behaviou?r|attempted suicide|attempts? (?:at|of) suicide)\b|"
                           r"\bsuicide attempts? (?:in|at age) (?:\d{4}|\d{1,2}\b)", re.I)


def past_suicide_attempt(note: str, analysis: NoteAnalysis) -> tuple[str, int, int] | None:
    """(Z91.51, start, end) of a suicide attempt the note tells as past, not negated nor a relative's."""
    for m in _PAST_ATTEMPT.finditer(note):
        if not analysis.context_at(m.start(), m.end()) & {"negated", "family", "hypothetical"}:
            return "Z91.51", m.start(), m.end()
    return None


# Contact with and (suspected) exposure to a communicable disease (Z20, by its tabular titles): the disease's words
# after "exposure to", "exposed to", "contact with" or before "exposure"; and the codes that say the disease is had
# (then no exposure code: the tabular's Excludes1 and guideline I.C.21.c.1)
_EXPOSURE_AGENTS = (
    ("tuberculosis|tb|mycobacterium tuberculosis", "Z20.1", ("A15", "A16", "A17", "A18", "A19", "Z22.7", "R76.1")),
    ("rabies|rabid (?:animal|bat|dog|raccoon|fox|skunk)", "Z20.3", ("A82",)),
    ("hiv|human immunodeficiency virus", "Z20.6", ("B20", "Z21")),
    ("covid(?:-19)?|sars-cov-2|coronavirus", "Z20.822", ("U07.1",)),
    ("varicella|chicken ?pox", "Z20.820", ("B01",)),
    ("rubella|german measles", "Z20.4", ("B06",)),
    ("(?:viral )?hepatitis(?: [abc])?|hbv|hcv", "Z20.5", ("B15", "B16", "B17", "B18", "B19")),
    ("gonorrh\\w*|chlamydia|syphilis|trichomon\\w*|stis?|stds?|sexually transmitted (?:infections?|diseases?)",
     "Z20.2", ("A5", "A60", "A63", "A64")),
    ("meningococc\\w*|neisseria meningitidis|meningococcal meningitis", "Z20.811", ("A39",)),
    ("zika(?: virus)?", "Z20.821", ("A92.5",)),
    ("scabies|(?:head |body )?lice|pediculosis", "Z20.7", ("B85", "B86")),
    ("pertussis|whooping cough", "Z20.818", ("A37",)),
    ("measles|mumps|influenza", "Z20.828", ("B05", "B26", "J09", "J10", "J11")),
)
_AGENT_WORDS = "|".join(f"(?P<z{i}>{words})" for i, (words, _, _) in enumerate(_EXPOSURE_AGENTS))
_EXPOSURE = re.compile(rf"\b(?:exposure|exposed|contact)\s+(?:to|with)\s+(?:an?\s+|the\s+|known\s+|possible\s+)*"
                       rf"(?:{_AGENT_WORDS})\b|\b(?:{_AGENT_WORDS.replace('?P<z', '?P<y')})\s+(?:exposure|contact)\b",
                       re.I)
# ("rabies exposure low risk - vaccinated dog under observation, no PEP": judged no exposure to treat)
_NO_EXPOSURE = re.compile(r"\blow[- ]risk\b|\bnot indicated\b|\bno (?:pep|prophylaxis|rpep)\b|\bnot needed\b", re.I)


def communicable_exposure(note: str, analysis: NoteAnalysis, have: set[str]) -> tuple[str, int, int] | None:
    """(Z20 code, start, end) of a contact with or exposure to a communicable disease that the assessment or plan
    names and that the note does not code as had (``have``: the codes suggested)."""
    low = lowered(note)
    if "expos" not in low and "contact" not in low:
        return None   # (the long pattern is not run over a note without its words)
    for m in _EXPOSURE.finditer(note):
        if analysis.section_at(m.start()) not in ASSESSMENT_SECTIONS \
                or analysis.context_at(m.start(), m.end()) & {"negated", "hypothetical", "family", "history"}:
            continue
        sent = analysis.sentence_at(m.start())
        if sent is not None and _NO_EXPOSURE.search(note, sent.start, sent.end):
            continue
        group = next(name for name, value in m.groupdict().items() if value)
        _, code, had = _EXPOSURE_AGENTS[int(group[1:])]
        if not any(c.startswith(had) for c in have):
            return code, m.start(), m.end()
    return None


# A pre-travel consultation: the visit is counselling and prevention for a trip to come (Z71.84)
PRE_TRAVEL = re.compile(r"\bpre-?travel\b|\btravel (?:medicine|clinic|health) (?:consult\w*|visit|clinic|evaluation)|"
                        r"\btravel consult\w*", re.I)


def travel_counseling(note: str, analysis: NoteAnalysis) -> tuple[str, int, int] | None:
    """(Z71.84, start, end) of a pre-travel consultation the note's opening or assessment names (the encounter for
    health counselling related to travel)."""
    if "travel" not in lowered(note):
        return None
    for m in PRE_TRAVEL.finditer(note):
        if (m.start() < 400 or analysis.section_at(m.start()) in ASSESSMENT_SECTIONS) \
                and not analysis.context_at(m.start(), m.end()) & {"negated", "history", "hypothetical"}:
            return "Z71.84", m.start(), m.end()
    return None


_MRSA = re.compile(r"\bmrsa\b|\bmethicillin[- ]resistant staph\w*", re.I)


# HIV pre-exposure prophylaxis: "3-month PrEP visit", "HIV PrEP - continues to be indicated", "pre-exposure
# prophylaxis (emtricitabine/tenofovir)"; not the doxycycline post-exposure prophylaxis ("doxy-PEP") of other STIs
# (case kept: a "skin prep" or "bowel prep" is no PrEP)
_HIV_PREP = re.compile(r"\bPrEP\b|\bHIV (?:prep|PREP)\b|\b(?i:pre-?exposure prophylaxis)\b"
                       r"(?! (?i:for|against) (?i:rabies|hepatitis|tetanus))")


def hiv_prep(note: str, analysis: NoteAnalysis) -> tuple[str, int, int] | None:
    """(Z29.81, start, end) of HIV pre-exposure prophylaxis the assessment or plan continues or starts (the
    encounter for it, guideline I.C.21.c.9): not one discussed and declined, planned for later or of the past."""
    for m in _HIV_PREP.finditer(note):
        if analysis.section_at(m.start()) in ASSESSMENT_SECTIONS and not analysis.context_at(m.start(), m.end()) \
                & {"negated", "hypothetical", "history", "family", "uncertain"}:
            return "Z29.81", m.start(), m.end()
    return None


def past_mrsa(note: str, analysis: NoteAnalysis, infection_coded: bool) -> tuple[str, int, int] | None:
    """(Z86.14, start, end) of an MRSA infection the note tells as past ("Hx MRSA abscess R thigh 2023, resolved")
    when it bears on this encounter: an infection is coded, or the assessment or plan speaks of it ("Given his prior
    MRSA infection, empiric TMP-SMX"). A remote one on the past history list of a visit for a kidney stone is not."""
    past = [m for m in _MRSA.finditer(note) if "history" in (kinds := analysis.context_at(m.start(), m.end()))
            and not kinds & {"negated", "family", "hypothetical"}]
    if not past:
        return None
    assessed = any(analysis.section_at(m.start()) in ASSESSMENT_SECTIONS for m in _MRSA.finditer(note))
    if not (infection_coded or assessed):
        return None
    return "Z86.14", past[0].start(), past[0].end()


# The infectious agent of a localized infection (B95-B97: "use additional code to identify infectious agent"),
# named as what the culture grew or what caused the infection; MRSA before S. aureus
# lower-case patterns, read in the lower-cased note (each first looked for by its literal starts)
_ORGANISMS = (
    (re.compile(r"\bmrsa\b|methicillin[- ]resistant staph\w*(?: aureus)?"), "B95.62"),
    (re.compile(r"\bmssa\b|methicillin[- ](?:susceptible|sensitive) staph\w*(?: aureus)?|\bstaph(?:ylococcus)?\.? "
                r"aureus\b|\bs\. ?aureus\b"), "B95.61"),
    (re.compile(r"\be\. ?coli\b|\bescherichia coli\b"), "B96.20"),
    (re.compile(r"\bklebsiella\b"), "B96.1"),
    (re.compile(r"\bpseudomonas\b"), "B96.5"),
    (re.compile(r"\bproteus\b"), "B96.4"),
    (re.compile(r"\benterococc\w*"), "B95.2"),
    (re.compile(r"\bgroup a strep\w*|\bstreptococcus pyogenes\b|\bs\. ?pyogenes\b"), "B95.0"),
    (re.compile(r"\bgroup b strep\w*|\bstreptococcus agalactiae\b"), "B95.1"),
    (re.compile(r"\bstreptococcus pneumoniae\b|\bs\. ?pneumoniae\b|\bpneumococc\w*"), "B95.3"),
    (re.compile(r"\bh(?:a?emophilus|\.) ?influenzae\b"), "B96.3"),
)
_GREW = re.compile(r"\bcultures?\b|\bgrew\b|\bgrowing\b|\bisolat\w*|\bpositive\b|\bpcr\b|\bdue to\b|\bbottles?\b|"
                   r"\bbacteremia\b|\bsusceptib\w*|\bsensitive to\b", re.I)
_NOT_GROWN = re.compile(r"\bcover\w*|\bempiric\w*|\bscreen\w*|\bcoloni[sz]\w*|\bcarrier\b|\bno growth\b|\bpending\b|"
                        r"\bnot (?:yet )?known\b|\bunknown\b|\bawaiting\b", re.I)


def infectious_agent(note: str, analysis: NoteAnalysis) -> tuple[str, int, int] | None:
    """(B95-B96 code, start, end) of the one organism the note names as grown or causing the infection, or None
    when it names none or more than one."""
    found: dict[str, tuple[int, int]] = {}
    named: list[tuple[int, int]] = []   # every span an earlier organism's words take, grown or not
    low = lowered(note)
    for rx, code in _ORGANISMS:
        if not may_match(rx, low):
            continue
        spans = [(m.start(), m.end()) for m in rx.finditer(low)]
        for m in rx.finditer(low):
            if any(m.start() < e and s < m.end() for s, e in named):
                continue   # (MRSA's words are not also S. aureus, wherever the note spells them out)
            sent = analysis.sentence_at(m.start())
            text = note[sent.start:sent.end] if sent else note[max(0, m.start() - 80):m.end() + 80]
            # ("Organism not yet known - MRSA suspected given prior hx; culture sent": a guess, not what grew)
            if analysis.context_at(m.start(), m.end()) & {"negated", "history", "family", "hypothetical", "uncertain"} \
                    or not _GREW.search(text) or _NOT_GROWN.search(text):
                continue
            found.setdefault(code, (m.start(), m.end()))
            break
        named += spans
    if len(found) != 1:
        return None
    code, (start, end) = next(iter(found.items()))
    return code, start, end
