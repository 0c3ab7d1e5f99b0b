"""Medical decision making (MDM) from a note, by the 2021 office/outpatient E/M table
(kept for ED, hospital and observation visits by the 2023 revisions).

Three elements, each graded 0 straightforward/minimal, 1 low/limited, 2 moderate, 3 high/extensive:

- **problems addressed** (the assessment's items): one self-limited or minor problem is minimal;
  two of them, one stable chronic illness or one acute uncomplicated illness or injury is low;
  a chronic illness with exacerbation, progression or side effects of treatment, two or more
  stable chronic illnesses, an undiagnosed new problem with uncertain prognosis, an acute illness
  with systemic symptoms or an acute complicated injury is moderate; a chronic illness with severe
  exacerbation or an illness or injury posing a threat to life or bodily function is high.
  History, status, exposure and screening items, and conditions ruled out, are not problems.
- **data reviewed and analysed**: category 1 counts each unique test reviewed or ordered, the
  notes of each external source and an independent historian; category 2 is the independent
  interpretation of a test not reported separately; category 3 a discussion of management with
  an external physician or other appropriate source. Limited: two from category 1 (or a
  historian); moderate: three from category 1, or category 2, or category 3; extensive: two of
  the three categories. A test the same provider reports separately (an office ECG, a dipstick)
  is not counted again.
- **risk of patient management**: rest, gargles or bandages are minimal; over-the-counter drugs,
  physical therapy or a splint are low; prescription drug management, a decision about elective
  major surgery or care limited by social determinants of health are moderate; a decision
  regarding hospitalization (to admit or not), escalation, emergency surgery, DNR or de-escalation
  of care, drug therapy needing intensive toxicity monitoring or a parenteral controlled substance
  are high.

The level is the one that two of the three elements meet or exceed (the middle grade).
:func:`mdm` returns it with a short plain-words reason per element for the coder.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from medcoder_tui.codes.systems import System
from medcoder_tui.engines.analysis.clinical_text import ASSESSMENT_SECTIONS, LEFT_TO_ANOTHER, line_at
from medcoder_tui.engines.analysis.prefilter import may_match
from medcoder_tui.engines.procedures.context import _I, _OWN_READ, _Ctx, procedure_not_done

LEVEL_WORDS = ("straightforward", "low", "moderate", "high")

# --- problems ----------------------------------------------------------------------------------
_NOT_A_PROBLEM = re.compile(
    r"^(?:long[- ]term|exposure|(?:personal |family )?history of|h/o|hx\b|screening|encounter for|"
    r"immunization|vaccin|status post|s/p|counsel\w*|fall (?:at|from|on)|presence of|dependence on|"
    r"bmi\b|body mass|health maintenance|follow[- ]?up|return|rtc|plan\b|continue|start|discussed|"
    r"recheck|will\b|see plan|no (?:other|new|acute)|"
    # advice with no condition: "3. SPF 30+ daily, hat."
    r"spf\b|sunscreen|sun protection|wound care|lifestyle|patient education|"
    # a comment on the item before it: its organism or culture ("Organism not yet known - MRSA suspected; culture
    # sent"), no problem of its own
    r"organism|cultures?\b|cx\b|specimens?\b)")
# (and "not c/w exam": not consistent with the examination)
_RULED_OUT = re.compile(r"ruled out|unlikely|not consistent with|not c/w\b|no evidence of|\bexcluded\b|less likely")
_HIGH_PROBLEM = re.compile(
    r"severe exacerbation|status asthmaticus|threat to (?:life|bodily)|life[- ]threatening|sepsis|septic|shock\b|"
    r"respiratory failure|\bn?stemi\b|myocardial infarction|stroke|\bcva\b|pulmonary embol|\bdka\b|ketoacidosis|"
    r"gi bleed|hemorrhag|suicidal|homicidal|acute abdomen|cauda equina|ectopic pregnancy|anaphyla(?:xis|ctic)|"
    r"delirium|overdose|(?<!food )poisoning|toxic ingestion|midline shift|herniat|"
    r"cord compression|status epilepticus|"
    # a broken hip threatens walking, a bodily function (AMA: an acute injury that poses a threat to bodily function)
    r"(?:hip|femoral neck|intertrochanteric|subcapital|subtrochanteric|pertrochanteric)\b[^.;\n]{0,30}\bfracture|"
    r"fracture of (?:the )?(?:left |right |l |r )?(?:hip|femoral neck)")
_AKI = re.compile(r"acute kidney injury|\baki\b|acute renal failure|\barf\b")
_SEVERE_AKI = re.compile(r"\bstage (?:2|3|ii|iii)\b|\bsevere\b|dialysis|hyperkalemi|anuri|oliguri")
_WORSE = re.compile(
    r"exacerbat|worsen|progress|uncontrolled|poorly controlled|not (?:well )?controlled|not (?:at|to) goal|"
    r"above goal|inadequately controlled|flare|side effect|adverse (?:effect|reaction)|induced|due to \w+ (?:use|"
    r"therapy)|intoleran|failed|refractory|intractable|despite|relapse|decompensat|declining|rising|\bworse\b|"
    r"acute on chronic|(?:given|taken|used) as prescribed|properly (?:given|administered)|correctly (?:prescribed|taken)|"
    r"immune[- ]related|toxicit|with hyperglyc\w*")
_UNCERTAIN = re.compile(r"suspect|possible|probable|\br/o\b|rule out|\bvs\.?\b|versus|concern for|differential|"
                        r"\bddx\b|unclear|uncertain|undetermined|unknown (?:etiology|cause)|work-?up|evaluate for|"
                        r"\bnodule|\bmass\b")
_SYMPTOM = re.compile(r"\bpain\b|\bache\b|headache|syncope|presyncope|dizz|vertigo|palpitation|dyspnea|shortness of breath|"
                      r"\bsob\b|weakness|numbness|tightness|pressure|hematuria|hematemesis|melena|collapse")
_WORKED_UP = re.compile(r"ruled out|rule out|\br/o\b|concern(?:ing)? for|cannot exclude|not excluded|unlikely|"
                        r"less likely|excluded|differential|\bddx\b")
_SYSTEMIC = re.compile(r"pneumonia|pyelonephritis|systemic (?:symptoms|sx|signs|features)|cellulitis with fever|mastoiditis|"
                       r"febrile (?:seizure|convulsion)|(?:first|new[- ]onset) (?:unprovoked )?seizure|"
                       # an acute illness that has obstructed an organ or dried the patient out: no low risk of
                       # morbidity (AMA's "acute, uncomplicated" is a problem with full recovery expected)
                       r"hydronephrosis|obstructing|with (?:\w+ )?obstruction|dehydration")
_INJURY = re.compile(r"fracture|\bfx\b|dislocat|sprain|strain|contusion|laceration|burn|injur|wound|trauma|"
                     r"concussion|abrasion|\bbite\b|\bbitten\b")
_COMPLICATED = re.compile(r"(?<!non)(?<!non-)displaced|dislocat|reduction|anticoag|warfarin|apixaban|rivaroxaban|dabigatran|"
                          r"motor vehicle|\bmvc\b|collision|loss of consciousness|\bloc\b|tendon|nerve|multiple|"
                          r"open fracture|head (?:injury|trauma)|(?:cat|human) bites?|fight bite|"
                          # the note's own verdict ("MDM: acute complicated injury (fracture)")
                          r"(?<!un)(?<!un-)complicated injury")
# an injury whose workup images the brain or the spine: body systems other than the injured part evaluated (AMA)
_OTHER_SYSTEM_IMAGED = re.compile(r"\bct (?:of the )?(?:head|brain|c-?spine|cervical spine)\b|\b(?:head|c-?spine) ct\b")
_CHRONIC = re.compile(
    r"hypertension|\bhtn\b|diabet|\bdm2?\b|t2dm|copd|asthma|heart failure|\bchf\b|hf[pr]ef|\bckd\b|chronic|"
    r"hyperlipid|dyslipid|hypercholesterol|\badhd\b|depress|\bmdd\b|anxiety|\bgad\b|bipolar|schizo|"
    r"atrial fib|\ba-?fib\b|\baf\b|hypothyroid|hyperthyroid|migraine|gerd|osteoarth|arthritis|epilep|"
    r"seizure disorder|parkinson|dementia|alzheimer|obesity|\bbph\b|osteopor|gout|psoriasis|hepatitis [bc]|"
    r"\besrd\b|end[- ]stage (?:renal|kidney)|hyperparathyroid|hyperphosphat|"
    r"\bhiv\b|\bcad\b|coronary|anemia|glaucoma|sleep apnea|\bosa\b|hypothyroid|insomnia|use disorder|"
    r"dependence|\boud\b|\baud\b|addiction|"
    # a cancer under treatment or surveillance, and long-lasting skin, joint and bowel diseases
    r"malignan|cancer|carcinoma|neoplasm|lymphoma|leukemia|myeloma|acne|eczema|atopic dermatitis|rheumatoid|"
    r"lupus|crohn|ulcerative colitis|multiple sclerosis|osteopenia|"
    # long-lasting conditions of other organ systems
    r"allergic rhinitis|hay fever|\bptsd\b|post-?traumatic stress|neuropathy|fibromyalgia|irritable bowel|\bibs\b|"
    r"sickle cell|endometriosis|stenosis|cirrhosis|\bpcos\b|polycystic|hypogonadism|\bocd\b|obsessive|"
    r"macular degeneration|kidney disease")
_UPTITRATED = re.compile(r"\b(?:increas\w*|up-?titrat\w*|titrat\w* up|escalat\w*|double\w*)\b[^.;\n]{0,40}"
                         r"\b(?:\d+(?:\.\d+)?\s*(?:mg|mcg|units?)|dose)\b")
_MINOR = re.compile(r"self[- ]limit|minor|common cold|viral uri|insect bite|\bwart|cerumen|callus|"
                    r"diaper rash")
_PLAN_ONLY = re.compile(r"[ \t#]*(?:plan|p)[ \t]*:", re.I)
# "Dx: 1. Heart failure. 2. AKI on CKD.": numbered items run on one line
_INLINE_ITEM = re.compile(r"(?<=[.;])[ \t]+(?=\d{1,2}[.)][ \t]+[A-Za-z])")
# a line that opens a numbered list ("Diagnosis: 1. ..."), and a later number on it that opens the next item
_FIRST_ITEM_LINE = re.compile(r"^[ \t]*(?:[A-Za-z /&]{1,30}:[ \t]*)?1[.)][ \t].*$", re.MULTILINE)
_LATER_ITEM = re.compile(r"[ \t]+(?=[2-9][.)][ \t]+[A-Z])")
_ITEM_START = re.compile(r"^\s*(?:\d+[.)]|#\d*|[-*\u2022])\s*", re.MULTILINE)


# (a dash starts a new clause: "without current fracture - BMD declining" is a decline)
_NEGATED_BEFORE = re.compile(r"\b(?:no|not|without|denies|negative for|free of)\b(?:(?!\s-\s)[^,;()]){0,25}$")


def _affirmed(rx: re.Pattern, text: str) -> bool:
    """``rx`` names something the item says the patient has ("no pneumonia" does not count)."""
    return any(not _NEGATED_BEFORE.search(text[max(0, m.start() - 40):m.start()]) for m in rx.finditer(text))


@dataclass(frozen=True)
class Element:
    level: int
    why: str


_PROBLEM_LINE = re.compile(r"^[ \t]*#[ \t]?\d{1,2}\b.*$", re.MULTILINE)


_NARRATIVE_IMPRESSION = re.compile(r"\b(?:my|the|our) (?:clinical )?(?:impression|assessment|diagnosis) (?:is|was) "
                                   r"(?:that |of )?|\bi (?:think|believe|suspect) (?:that )?(?:this|he|she|it) "
                                   r"(?:is|has|represents) ", _I)


def _assessment_parts(ctx: _Ctx) -> list[str]:
    """The assessment's sections, each apart (a standing problem list only when there is no assessment)."""
    # ("Dx: 1. Febrile seizure 2. AOM" then "Plan: amoxicillin ...": a plan alone assesses nothing, the diagnoses do)
    assessed = [ctx.note[s.start:s.end] for s in ctx.a.sections if s.name in ("assessment_plan", "impression")
                and not _PLAN_ONLY.match(ctx.note, s.start)]
    parts = assessed or [ctx.note[s.start:s.end] for s in ctx.a.sections if s.name in ASSESSMENT_SECTIONS]
    if not parts:
        # a problem-oriented note with no assessment heading: its "#1 ...", "#2 ..." lines are the assessment
        numbered = [m.group(0) for m in _PROBLEM_LINE.finditer(ctx.note)]
        parts = ["\n".join(numbered)] if numbered else []
    if not parts:
        # a narrative note's "My impression is acute bronchitis, most likely viral ...": the impression's sentence
        parts = ["\n".join(ctx.note[m.end():s.end].strip() for s in ctx.a.sentences
                           if (m := _NARRATIVE_IMPRESSION.search(ctx.note, s.start, s.end)))]
        parts = [p for p in parts if p]
    return parts + [m.group(0) for m in re.finditer(r"^[ \t]*MDM\b.*$", ctx.note, re.MULTILINE | _I)]


def _split_items(text: str) -> str:
    """Each numbered item on a line of its own ("Diagnosis: 1. COPD exacerbation 2. Acute respiratory failure")."""
    text = _INLINE_ITEM.sub("\n", text)
    return _FIRST_ITEM_LINE.sub(lambda m: _LATER_ITEM.sub("\n", m.group(0)), text)


def _assessment(ctx: _Ctx) -> str:
    return _split_items("\n".join(_assessment_parts(ctx)))


def _assessment_items(ctx: _Ctx) -> list[str]:
    return [item for part in _assessment_parts(ctx) for item in _items(_split_items(part))]


def _items(text: str) -> list[str]:
    """Assessment items: numbered or bulleted entries, else the sentences before the plan."""
    text = re.sub(r"^[ \t]*(?:#+\s*)?(?:assessment(?: and plan| & plan)?|a\s*/\s*p|a&p|impression|"
                  r"(?:\w+ )?diagnos[ie]s|dx)\s*:?", "", text, flags=re.MULTILINE | _I)
    lines = text.splitlines()
    # an "Impression: ..." paragraph followed by "Plan:" bullets: the bullets are the plan, not problems
    plan_at = next((i for i, ln in enumerate(lines) if re.match(r"\s*plan\s*:?\s*$", ln, _I)), None)
    if plan_at is not None and any(ln.strip() for ln in lines[:plan_at]):
        lines = lines[:plan_at]
    lines = [ln for ln in lines if not re.match(r"\s*(?:plan|mdm|dispo\w*)\b", ln, _I)]
    body = "\n".join(lines)
    if _ITEM_START.search(body):
        chunks = _ITEM_START.split(body)
    else:
        chunks = re.split(r"(?<=[.;])\s+|\n", body)
    items = []
    for chunk in chunks:
        first = re.split(r"(?<=\.)\s+(?=[A-Z])", chunk.strip(), maxsplit=1)[0]  # the diagnosis, not its plan
        if len(first) > 2:
            items.append(first)
    return items


def _head(item: str) -> str:
    """An assessment item's diagnosis, before its comment ("Chest pain - ACS ruled out": chest pain)."""
    return re.split(r"\s[-\u2013:]\s|:\s", item, maxsplit=1)[0]


def _ruled_out(item: str) -> bool:
    """Whether an assessment item's diagnosis is itself ruled out ("ACS ruled out", "ACS, excluded"), not a
    symptom whose serious causes were ("Chest pain, ACS and PE ruled out": the chest pain is the problem)."""
    if re.match(r"\W*(?:ddx|differential)\b", item, re.I) and _RULED_OUT.search(item):
        return True   # "DDx considered: septic bursitis/DVT - not c/w exam": a differential weighed and set aside
    first, *rest = re.split(r"[,;]\s*", _head(item))
    return bool(_RULED_OUT.search(first)) or bool(rest) and bool(
        re.fullmatch(r"(?:(?:now|since|was|were|has been|have been) )?(?:ruled out|excluded|unlikely)\W*", rest[0]))


def problem_count(ctx: _Ctx) -> int:
    """How many problems the assessment numbers ("1. ...", "2. ..."); without numbers, its items that
    are problems (not history, status, screening or ruled-out items)."""
    assessed = _assessment(ctx)
    numbered = re.findall(r"^[ \t]*\d+[.)]", assessed, re.MULTILINE)
    if numbered:
        return len(numbered)
    return sum(1 for item in _assessment_items(ctx)
               if not _NOT_A_PROBLEM.match(words := item.strip(" -:").lower())
               and not (_ruled_out(words) and not _WORSE.search(words)))



def addressed_problems(ctx: _Ctx) -> int:
    """The numbered assessment items the visit takes up (not those left to another physician)."""
    assessed = _assessment(ctx)
    items = re.split(r"(?m)^[ \t]*\d+[.)]", assessed)[1:]
    # ("3. Long-term insulin use." is a status, no problem taken up)
    return sum(1 for item in items if not LEFT_TO_ANOTHER.search(item)
               and not _NOT_A_PROBLEM.match(item.strip(" -:").lower()))


def problems(ctx: _Ctx) -> Element:
    high = moderate = stable = acute = minor = 0
    reasons: list[str] = []
    assessed = _assessment(ctx)
    around = assessed.lower() + " " + ctx.head
    hospital = None   # a decision about admission in the plan: read once, when a side effect asks
    for item in _assessment_items(ctx):
        words = item.strip(" -:").lower()
        if _NOT_A_PROBLEM.match(words) or (_ruled_out(words) and not _WORSE.search(words)):
            continue
        # (the plan after the diagnosis may weigh treatments: "resection vs SRS" leaves the problem certain)
        if _affirmed(_HIGH_PROBLEM, words) and not _UNCERTAIN.search(_head(words)):
            high += 1
            reasons.append("threat to life or bodily function / severe exacerbation")
        elif _affirmed(_AKI, words) and not _UNCERTAIN.search(_head(words)) and (
                _SEVERE_AKI.search(words) or (hospital := hospital if hospital is not None else
                                              bool(_first_affirmed(_HOSPITAL, _plan(ctx).lower())))):
            # a kidney injury threatens the kidney's function when it is severe or keeps the patient in
            high += 1
            reasons.append("threat to bodily function (acute kidney injury needing admission or severe)")
        elif _affirmed(_WORSE, words) and _CHRONIC.search(words):
            moderate += 1
            reasons.append("chronic illness with exacerbation, progression or side effects")
        elif _WORSE.search(words) and re.search(r"side effect|adverse|induced|intoleran|as prescribed|properly (?:given|"
                                                r"administered)|correctly|immune[- ]related|toxicit", words):
            # severe when it may need a higher level of care (AMA): admission weighed, or graded severe
            if hospital is None:
                hospital = bool(_first_affirmed(_HOSPITAL, _plan(ctx).lower()))
            if re.search(r"\bsevere\b|\bgrade [345]\b", words) or hospital:
                high += 1
                reasons.append("severe side effects of treatment (a higher level of care weighed)")
            else:
                moderate += 1
                reasons.append("side effects of treatment")
        elif _UNCERTAIN.search(words):
            moderate += 1
            reasons.append("undiagnosed new problem with uncertain prognosis")
        elif _affirmed(_SYSTEMIC, words):
            moderate += 1
            reasons.append("acute illness with systemic symptoms")
        elif _INJURY.search(words) and (_affirmed(_COMPLICATED, around) or _affirmed(_OTHER_SYSTEM_IMAGED, ctx.lower) or (
                # an animal bite that needed closing ("dog bite ... laceration repaired"): its closure risks infection
                re.search(r"\bbit(?:e|ten)\b", around) and re.search(r"\b(?:repair\w*|sutur\w*|closed with|staple\w*)\b",
                                                                     ctx.lower))):
            # ("no tendon/joint/bone involvement": the tendon words negated)
            moderate += 1
            reasons.append("acute complicated injury")
        elif ctx.setting == "ed" and _SYMPTOM.search(_head(words)) and _WORKED_UP.search(ctx.lower):
            # an ED symptom whose serious causes the visit weighed and set aside ("chest pain; ACS ruled out with
            # serial troponins"): an undiagnosed new problem with uncertain prognosis (AMA)
            moderate += 1
            reasons.append("undiagnosed new problem with uncertain prognosis (serious causes weighed)")
        elif _CHRONIC.search(words):
            stable += 1
        elif _MINOR.search(words):
            minor += 1
        else:
            acute += 1
    if high:
        return Element(3, next(r for r in reasons if r.startswith(("threat", "severe"))))
    if moderate:
        return Element(2, next(r for r in reasons if not r.startswith(("threat", "severe"))))
    if stable >= 2:
        return Element(2, f"{stable} stable chronic illnesses")
    if stable and _UPTITRATED.search(_plan(ctx).lower()):
        # a chronic illness whose treatment is stepped up is not at its goal: not stable (AMA)
        return Element(2, "chronic illness not at its treatment goal (dose increased)")
    if stable:
        return Element(1, "one stable chronic illness")
    if acute:
        return Element(1, "acute uncomplicated illness or injury")
    if minor >= 2:
        return Element(1, "two or more self-limited problems")
    return Element(0, "one self-limited or minor problem" if minor else "no problem assessed")


# --- data --------------------------------------------------------------------------------------
# unique test -> (pattern, CPT prefixes that mean this provider reports it separately)
_TESTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "cbc": (r"\bcbc\b|complete blood count|\bhgb\b|hemoglobin(?! a1c)|\bwbc\b", ("85025", "85027", "85018")),
    "metabolic panel": (r"\b[bc]mp\b|metabolic panel|electrolytes|creatinine|\bbun\b|\begfr\b", ("8004", "8005")),
    "troponin": (r"troponin|\btrop\b", ()), "bnp": (r"\bbnp\b|natriuretic", ()),
    "urinalysis": (r"\bua\b|urinalysis|urine dip", ("8100",)), "culture": (r"culture", ()),
    "a1c": (r"\ba1c\b|hba1c|hemoglobin a1c", ("83036",)), "lipids": (r"\blipid(?!emia)|\bldl\b", ("80061",)),
    "tsh": (r"\btsh\b|thyroid function|\bft4\b", ()), "inr": (r"\binr\b|\bpt/inr\b|prothrombin", ("85610",)),
    "hcg": (r"\bhcg\b|pregnancy test", ("81025", "84703")), "lactate": (r"\blactate|\blactic acid", ()),
    "liver tests": (r"\blfts?\b|liver (?:function|enzymes)|hepatic panel", ()), "lipase": (r"lipase", ()),
    "d-dimer": (r"d-?dimer", ()), "type and screen": (r"type and (?:screen|cross)|\bt&s\b", ()),
    "strep test": (r"strep (?:test|screen)|\bradt\b|rapid strep", ("87880",)),
    "flu/covid test": (r"(?:flu|influenza|covid|sars-cov-2|rsv) (?:swab|test|pcr|antigen)|\bpcr\b", ("8750", "8763", "8780", "87811")),
    "x-ray": (r"x-?rays?\b|\bxr\b|\bcxr\b|radiograph", ("7",)), "ct": (r"\bct\b|\bcta\b(?=\s*(?:\w+\s+){0,2}(?:chest|head|neck|abd\w*|pelvis|runoff|coronar\w*|of\b|show\w*|negative|"
           r"positive|pe\b|protocol|brain|aorta|:))(?<!lungs: cta)(?<!chest: cta)|cat scan",
                                                                          ("7",)),
    "mri": (r"\bmri\b|\bmra\b", ("7",)), "ultrasound": (r"ultrasound|\bus\b|sonogra|\bduplex\b", ("76", "93")),
    "echo": (r"echocardiogra|\becho\b|\btte\b", ("933",)),
    "ecg": (r"\becg\b|\bekg\b|electrocardiogra", ("9300", "9301")),
    "ambulatory ecg": (r"holter|event monitor|ambulatory ecg|ecg patch|zio", ("932",)),
    "pft": (r"\bpfts?\b|spirometry|pulmonary function", ("9401",)),
    "pathology": (r"patholog|biopsy result|cytology", ()),
    "tumor marker": (r"\bcea\b|\bpsa\b|ca[- ]?125|ca ?19-9|\bafp\b", ("84153",)),
    "iron studies": (r"ferritin|iron (?:studies|panel)", ()), "vitamin level": (r"vitamin d level|\b25-?oh\b|\bb12\b", ()),
    "alcohol level": (r"\betoh(?: level)?\b|\bethanol\b|(?:blood |serum )?alcohol level|\bbac\b", ()),
    "drug levels": (r"acetaminophen (?:level|concentration)|salicylate|\buds\b|urine drug screen|tox(?:icology)? screen", ()),
    "sleep study": (r"sleep (?:apnea )?(?:study|test)|polysomno\w*|\bpsg\b|\bhsat\b", ("9580", "9581", "9080")),
}
_TEST_RX = {name: re.compile(rx) for name, (rx, _) in _TESTS.items()}
# words that give a test's result, not say it was not done ("BMP unremarkable", "CT head negative")
_RESULT_WORDS = re.compile(r"^(?:negative|neg|unremarkable|normal|wnl|within normal limits|nonreactive|non-reactive|"
                           r"(?:was|were|is|are|came back|returned) (?:negative|normal|unremarkable))$")
# imaging sites: "Head CT and C-spine CT" are two unique tests (each its own CPT code)
_IMAGING_SITES = re.compile(r"\b(?:head|brain|c-?spine|cervical|t-?spine|thoracic|l-?spine|lumbar|chest|abdomen|"
                            r"abd|pelvis|neck|face|facial|sinus\w*|orbit\w*|wrist|hand|elbow|shoulder|hip|knee|"
                            r"ankle|foot|femur|tibia|humerus|forearm|renal|kidney)\b")
_EXTERNAL_NOTES = re.compile(r"(?:outside|external|prior|previous|old|pcp'?s?|referring|ed|hospital|"
                             r"discharge) (?:records?|notes?|chart|summary|documentation)[^.\n]{0,30}reviewed|"
                             r"reviewed (?:the )?(?:outside|external|prior|pcp'?s?|referring|hospital) "
                             r"(?:records?|notes?)|records? (?:from [^.\n]{1,30} )?reviewed|notes? (?:and [a-z ]{1,20})?reviewed|"
                             # "whose referral note and office notes from 01/2026 I have reviewed"
                             r"(?:referral|office|clinic|consult\w*) (?:notes?|letters?|records?)[^.\n]{0,60}\bi (?:have )?reviewed")
_OWN_TEAM = re.compile(r"nurs\w*|triage|\brn\b|vital|ems run|progress")  # this encounter's own notes, not external
_HISTORIAN = re.compile(r"historian|history (?:obtained |provided |given )?(?:mainly |mostly |primarily |largely |partly )?"
                        r"(?:from|by) (?:the )?(?:mother|father|parent|"
                        r"wife|husband|spouse|daughter|son|caregiver|ems|family|partner|staff)|per (?:mother|father|"
                        r"parent|mom|dad|wife|husband|daughter|son|caregiver|ems|family)|\b(?:with|accompanied by) "
                        r"(?:his |her )?(?:mother|father|parents?|mom|dad|caregiver)|"
                        # "His wife, who was present throughout, provides much of the nocturnal history"
                        r"(?:wife|husband|spouse|partner|mother|father|parents?|daughter|son|caregiver)\b[^.\n]{0,80}"
                        r"\b(?:provides?|provided|gives|gave|supplies|supplied) (?:much |most |all )?(?:of )?(?:the )?"
                        r"(?:\w+ )?history")
_DISCUSSED = re.compile(r"(?:discussed|spoke|conferred|consulted) (?:by (?:phone|telephone) )?(?:today )?"
                        r"(?:(?:the )?(?:case|management|plan|care) )?"
                        r"with (?:dr\.?|the )?\s*(?:\w+'?s? ){0,3}"
                        r"(?:on[- ]call|cardiolog|surg|radiolog|oncolog|nephrolog|neurolog|gastro|hospitalist|"
                        r"ortho|urolog|psychiatr|obstetric|ob/?gyn|gyn|pulmon|critical care|icu|trauma|intensivist|"
                        r"infectious|ent\b|otolaryng|ophthalm|dermatolog|endocrin|rheumatolog|hematolog|"
                        r"pcp|consult|specialist|attending|pharmacist|poison (?:control|cent(?:er|re))|dr\b|"
                        # an appropriate source outside the encounter (AMA): a case manager, social worker, home health
                        r"case manager|social worker|home health)|curbside|"
                        r"discussion of management with|"
                        # "Surgery consulted and accepted for appendectomy", "GI was called", "consulted on-call ortho":
                        # an ED or hospital consultant reached during the visit
                        r"\b(?:(?:general |vascular |ortho(?:pedic)? |cardiothoracic )?surgery|surgical team|gi|"
                        r"gastroenterology|cardiology|ortho(?:pedics)?|urology|neurology|neurosurgery|ob/?gyn|obstetrics|ob|"
                        r"nephrology|hospitalist|icu|trauma|psychiatry|pulmonology|oncology|ent|ophthalmology|"
                        # ("OB (Dr. Test Obstetrician, on call) consulted at bedside": the consultant named between)
                        r"interventional radiology|ir|poison control)(?:\s*\([^()\n]{0,60}\))?\s+(?:team\s+)?"
                        r"(?:was |were )?(?:consulted|called|"
                        r"paged|contacted)\b(?! (?:for|re:?) (?:outpatient|follow))|"
                        r"\b(?:consulted|called|paged|contacted) (?:the )?(?:on-call |on call )?(?:general surgery|surgery|"
                        r"gi|cardiology|ortho\w*|urology|neurology|neurosurgery|ob/?gyn|hospitalist|icu|trauma|psychiatry|"
                        r"interventional radiology|poison control)\b")


def _counted_tests(ctx: _Ctx) -> list[str]:
    billed = [code for (_, code) in ctx.hits]
    found: list[str] = []
    for name, rx in _TEST_RX.items():
        if not may_match(rx, ctx.lower):   # (a substring look first: most tests are not named at all)
            continue
        usable = (m for m in rx.finditer(ctx.lower)
                  if "family" not in ctx.a.context_at(m.start(), m.end()) and not _not_done(ctx, m.start(), m.end())
                  and not procedure_not_done(ctx.note, m.start(), m.end())   # "culture not sent"
                  and ctx.a.section_at(m.start()) not in ("past_medical_history", "family_history",
                                                          "past_surgical_history", "medications"))
        # the first usable mention says the test was done; an imaging study's first few name its sites
        # (a long note names its tests thousands of times)
        mentions = list(itertools.islice(usable, 5 if name in ("ct", "mri", "x-ray") else 1))
        if not mentions:
            continue
        if any(code.startswith(p) for p in _TESTS[name][1] for code in billed):
            continue  # reported separately by this provider: not counted again toward the E/M
        sites: set[str] = set()
        if name in ("ct", "mri", "x-ray"):
            # one unique test per body site the sentences with the study name ("Head CT and C-spine CT")
            for m in mentions:
                sent = ctx.a.sentence_at(m.start())
                if sent is not None:
                    sites |= {s.replace("-", "") for s in _IMAGING_SITES.findall(ctx.lower, sent.start, sent.end)}
        found += [f"{name} ({site})" for site in sorted(sites)[:3]] or [name]
    return found


def _not_done(ctx: _Ctx, start: int, end: int) -> bool:
    """A test mention under a negation that says it was not done ("no CT"), not one that gives its result
    ("BMP unremarkable")."""
    return any(span.kind == "negated" and not _RESULT_WORDS.match(span.trigger.lower().strip())
               for span in ctx.a.spans_overlapping(start, end))


_ECG_WORDS = re.compile(r"\b(?:ecgs?|ekgs?|electrocardiograms?|rhythm strips?)\b", re.I)
_IMAGE_KIND = re.compile(r"\b(?:mri|ct|ultrasound|us|xr|x-?rays?|cxr|radiographs?|films?)\b", re.I)
_IMAGE_WORDS = re.compile(r"\b(?:xr|x-?rays?|cxr|radiographs?|films?|images?|ct|mri|ultrasound|us|imaging)\b", re.I)


def _read_billed(ctx: _Ctx, at: int) -> bool:
    """The test the provider's own read on this line is of is billed by them: the read is that service's, not an
    independent interpretation for the MDM data ("ECG (my interpretation)" with 93010; the chest film read
    beside it, which radiology bills, still counts)."""
    line = line_at(ctx.note, at)
    billed = [code for (_, code) in ctx.hits]
    if _ECG_WORDS.search(line):
        return any(code.startswith("930") for code in billed)
    if _IMAGE_WORDS.search(line):
        # (of the same kind of study: the shoulder films billed leave the outside MRI read on the next line unbilled)
        kind = _IMAGE_KIND.search(line)
        want = {"mri": "magnetic", "ct": "ct", "ultrasound": "ultrasound", "us": "ultrasound"}.get(
            kind.group(0).lower(), "x-ray") if kind else None
        return any(code.startswith("7") and (want is None or want in (ctx.cs.cpt.get(code) or "").lower()
                                             or (want == "magnetic" and "mri" in (ctx.cs.cpt.get(code) or "").lower()))
                   for code in billed)
    return any(code.startswith(("7", "93")) for code in billed)


def data(ctx: _Ctx) -> Element:
    tests = _counted_tests(ctx)
    notes = int(any(not _OWN_TEAM.search(ctx.lower[max(0, m.start() - 25):m.end()])
                    for m in _EXTERNAL_NOTES.finditer(ctx.lower)))
    historian = bool(_HISTORIAN.search(ctx.lower))
    interp = any(not _read_billed(ctx, m.start()) for m in _OWN_READ.finditer(ctx.note))
    discussed = bool(_DISCUSSED.search(ctx.lower))
    cat1 = len(tests) + notes + int(historian)
    categories = int(cat1 >= 3) + int(interp) + int(discussed)
    parts = [f"{len(tests)} unique test(s)" + (f" ({', '.join(tests[:4])})" if tests else "")]
    if notes:
        parts.append("external notes")
    if historian:
        parts.append("independent historian")
    if interp:
        parts.append("independent interpretation")
    if discussed:
        parts.append("discussion with an external physician")
    why = ", ".join(parts)
    if categories >= 2:
        return Element(3, why)
    if categories:
        return Element(2, why)
    if len(tests) + notes >= 2 or historian:
        return Element(1, why)
    return Element(0, why)


# --- risk --------------------------------------------------------------------------------------
_PLAN_SECTIONS = ("assessment_plan", "impression", "diagnoses", "disposition", "follow_up", "hospital_course")
_HOSPITAL = re.compile(r"decision (?:regarding|re|for|against|about|to) (?:hospital|admi)|\badmit(?:ted|ting)? "
                       r"(?:to|for)\b|\badmission (?:to|for)\b|(?:against|considered|vs\.?|versus|defer\w*|decline\w*) "
                       r"(?:(?:hospital|observation|inpatient) )?admission|transfer(?:red)? to (?:the )?(?:icu|higher level|another hospital|"
                       r"tertiary)|observation (?:status|unit)|place (?:in|on) observation|"
                       # "Disposition: Admit - oncology", "Dispo: admitted (telemetry)", "admit for observation"
                       r"(?:admitted|admit) (?:to|in|into|on|for) observation|"
                       r"\b(?:dispo(?:sition)?)\s*:\s*(?:admit(?:ted)?|observation)\b")
_HOSPITAL_DECISION = re.compile(r"decision (?:regarding|re|for|against|about|to|(?:was )?made to) (?:hospital|admi)\w*|"
                                # "options of observation admission for stress testing tonight vs discharge"
                                r"(?:hospital|observation|inpatient) admission\b[^.\n]{0,60}\b(?:vs\.?|versus)\s+"
                                r"(?:discharge|d/c|home|outpatient)|"
                                r"(?:considered|vs\.?|versus|defer\w*|decline\w*) (?:(?:hospital|observation|"
                                r"inpatient) )?admission|"
                                # "Considered observation for repeat CT ... discharged; not admitted"
                                r"(?:considered|offered) (?:observation|hospitali[sz]ation)\b|"
                                # "Discussed with hospitalist - accepted to observation on telemetry" in the ED course
                                r"(?:accepted|placed?) (?:to|in|into|on) observation\b")
_ESCALATE = re.compile(r"escalat\w* (?:of )?care|\bicu\b|emergen\w* (?:surgery|operation|laparotomy)|to (?:the )?or\b|"
                       r"\bdnr\b|\bdni\b|comfort care|hospice|de-?escalat|intensive monitoring|toxicity monitoring")
_PARENTERAL_CS = re.compile(r"\b(?:iv|im|intravenous|intramuscular)\b[^.\n]{0,30}\b(?:morphine|hydromorphone|dilaudid|"
                            r"fentanyl|ketamine|lorazepam|midazolam|diazepam|meperidine)|\b(?:morphine|hydromorphone|"
                            r"dilaudid|fentanyl|ketamine|lorazepam|midazolam|diazepam|meperidine)\b[^.\n]{0,30}"
                            r"\b(?:iv|im|ivp|intravenous|intramuscular)\b")
_MAJOR_SURGERY = re.compile(r"(?:surgery|surgical (?:repair|intervention)|arthroplasty|ectomy|release)\b[^.\n]{0,30}"
                            r"(?:planned|scheduled|recommended|discussed|offered)|refer\w* (?:to|for) (?:surgery|surgical)|"
                            r"candidate for (?:surgery|\w+ectomy)|"
                            # "ortho plans hemiarthroplasty", "scheduled for laparoscopic cholecystectomy"
                            r"\b(?:plans?|planning|scheduled for|booked for)\s+(?:\w+\s+){0,2}?(?:\w+ectomy|\w+plasty|"
                            r"\w+otomy|surgery|surgical repair|orif)\b|"
                            r"(?:elects?|opts? for|agrees? to|chooses|proceed with)\s+(?:\w+\s+){0,2}(?:\w+ectomy|surgery|"
                            r"\w+plasty|\w+otomy|arthroplasty|surgical repair)")
_GIVEN_IN_ED = re.compile(r"\b(?:given|administered|received)\b[^.\n]{0,80}\b(?:iv|im|ivp|po|mg|mcg)\b", re.I)
_SURGICAL_RISK = re.compile(r"elevated (?:peri-?operative |surgical |cardiac |operative )?risk|high[- ]risk (?:for "
                            r"surgery|surgical|patient|candidate)|(?:peri-?operative|surgical|operative) risk (?:is )?"
                            r"(?:elevated|high|increased)|pre-?op(?:erative)? risk:? (?:elevated|high|increased)|"
                            r"\basa (?:class )?(?:3|4|iii|iv)\b")
_SDOH = re.compile(r"cannot afford|unable to afford|uninsured|no insurance|homeless|housing insecur|food insecur|"
                   r"lack of transportation|no transportation")
_OTC = re.compile(r"\b(?:otc|over[- ]the[- ]counter|ibuprofen|acetaminophen|apap|tylenol|motrin|advil|aleve|naproxen|"
                  r"loratadine|cetirizine|fexofenadine|diphenhydramine|benadryl|guaifenesin|dextromethorphan|saline|"
                  r"honey|lozenge|calcium|vitamin|docusate|senna|miralax|polyethylene glycol|antacid)\b")
_RX_WORD = re.compile(r"\b(?:rx|prescri\w*|e-?prescribed|refill\w*|sent to pharmacy)\b")
_RX_SUFFIXES = ("pril", "sartan", "olol", "dipine", "statin", "cillin", "mycin", "micin", "floxacin", "cycline",
                "azole", "prazole", "gliptin", "gliflozin", "glutide", "formin", "zepam", "zolam", "triptan", "setron",
                "semide", "thiazide", "apine", "idone", "oxetine", "xetine", "pram", "afaxine", "phenidate", "lukast",
                "olone", "xaban", "gatran", "parin", "umab", "imab", "tinib", "navir", "ovir", "amivir", "trexate",
                "tidine", "pam", "oxone", "traline", "azodone", "spirone", "xyzine", "trigine", "racetam", "azepine",
                "izide", "icam", "aprine", "asone", "onide", "dogrel", "dronate", "tretinoin",
                # antivirals: hepatitis C (sofosbuvir, velpatasvir, glecaprevir) and HIV (dolutegravir, rilpivirine,
                # emtricitabine, lamivudine)
                "buvir", "asvir", "previr", "gravir", "virine", "citabine", "vudine",
                # more class endings of common prescriptions (carvedilol, labetalol, diclofenac, hydralazine, clonidine,
                # donepezil, latanoprost, diltiazem, phenytoin, baclofen, naltrexone, buprenorphine, hydroxychloroquine,
                # etanercept, abatacept, mesalamine, tiotropium, umeclidinium, salmeterol, formoterol, vilanterol,
                # terbinafine, trimethoprim, tamoxifen, raloxifene, letrozole, cinacalcet, sevelamer, calcitriol,
                # epoetin, memantine, ropinirole, pramipexole, carbidopa, sildenafil, oxybutynin, mirabegron,
                # tolterodine, isosorbide, ezetimibe, fenofibrate, febuxostat, propylthiouracil, liothyronine,
                # norethindrone, levonorgestrel, clobetasol, triamcinolone, hydrocortisone, tacrolimus, adapalene)
                "dilol", "alol", "fenac", "alazine", "onidine", "pezil", "oprost", "tiazem", "ytoin", "clofen",
                "trexone", "orphine", "oquine", "ercept", "atacept", "alamine", "tropium", "idinium", "meterol",
                "moterol", "anterol", "afine", "oprim", "xifen", "xifene", "ozole", "calcet", "velamer", "citriol",
                "poetin", "mantine", "inirole", "pexole", "dopa", "dafil", "lafil", "butynin", "begron", "terodine",
                "sorbide", "timibe", "fibrate", "xostat", "thiouracil", "thyronine", "thindrone", "gestrel",
                "betasol", "cinolone", "cortisone", "limus", "palene")
_RX_NAME = re.compile(
    r"\b(?:insulin|warfarin|prednisone|dexamethasone|albuterol|ipratropium|nitrofurantoin|levothyroxine|amoxicillin|"
    r"augmentin|cephalexin|keflex|bactrim|doxycycline|azithromycin|gabapentin|pregabalin|tramadol|oxycodone|"
    r"hydrocodone|lithium|clozapine|varenicline|bupropion|spironolactone|digoxin|amiodarone|topiramate|erenumab|"
    r"methylphenidate|amphetamine|adderall|mupirocin|silver sulfadiazine|ondansetron|tamsulosin|finasteride|"
    r"allopurinol|colchicine|estradiol|progesterone|ocps?|oral contraceptive|inhaler|steroid|"
    # brand names and drugs of no class ending that a plan often writes
    r"norco|percocet|vicodin|lortab|codeine|tylenol (?:#3|with codeine)|ultram|dilaudid|flexeril|cyclobenzaprine|"
    r"methocarbamol|robaxin|tizanidine|zanaflex|zofran|cipro|macrobid|flagyl|metronidazole|medrol|valtrex|tamiflu|"
    r"diflucan|ketorolac|toradol|epipen|mtx|biktarvy|truvada|descovy|genvoya|triumeq|dovato|suboxone|vivitrol|"
    r"eliquis|xarelto|jardiance|farxiga|ozempic|trulicity|mounjaro|wegovy|humira|enbrel|dupixent|symbicort|advair|"
    r"breo|trelegy|spiriva|flovent|singulair|lasix|coumadin|synthroid|lipitor|crestor|zoloft|lexapro|prozac|"
    r"wellbutrin|xanax|klonopin|ativan|ambien|zolpidem|seroquel|abilify|lamictal|keppra|depakote|divalproex|"
    r"valproate|neurontin|lyrica|cymbalta|effexor|plavix|entresto|sacubitril|potassium chloride|klor-con|"
    r"disulfiram|acamprosate|methadone|nicotine (?:patch|gum|lozenges?)|plaquenil|guanfacine|"
    # a prescription class a plan manages by its name ("Anticoagulation continued - benefit outweighs risk")
    r"anticoagulation|anticoagulants?|"
    # ... or by its class's short name ("continue LAMA/LABA", "continue statin", "increase SSRI")
    r"lama|laba|ics|ssris?|snris?|statins?|ace inhibitors?|arbs?|beta[- ]blockers?|ppis?|glp-1(?: agonists?| ras?)?|"
    r"sglt-?2(?: inhibitors?)?|dmards?)\b")
_WORD = re.compile(r"[a-z]{5,}")


def _rx_drug(clause: str) -> str | None:
    """A prescription drug the clause names: a known name or a drug-class word ending (-pril, -statin, ...)."""
    return next(iter(_rx_drugs(clause)), None)


def _rx_drugs(clause: str) -> list[str]:
    """Every prescription drug the clause names, known names first ("home with tamsulosin, oxycodone for pain")."""
    return [m.group(0) for m in _RX_NAME.finditer(clause)] + [w for w in _WORD.findall(clause)
                                                              if w.endswith(_RX_SUFFIXES)]


_DOSE = re.compile(r"\d+(?:\.\d+)?\s*(?:mg|mcg|g|units?|ml|meq)\b|\b(?:bid|tid|qid|daily|q\d+h|qhs|qam|qpm|"
                   r"weekly|monthly|x ?\d+ ?d)\b")
_MANAGE = re.compile(r"\b(?:start\w*|begin|continu\w*|resum\w*|increas\w*|decreas\w*|titrat\w*|switch\w*|chang\w*|"
                     r"stop\w*|discontinu\w*|hold\w*|taper\w*|adjust\w*|add\w*|reduc\w*|restart\w*)\b")
_LOW = re.compile(r"physical therapy|\bpt\b (?:referral|eval)|occupational therapy|splint|sling|brace|orthosis|"
                  r"crutches|walker|boot\b")


_PLAN_ITEMS = re.compile(r"[,;+:]|\band\b|\bthen\b")


def _listed_alone(named: str, clause: str) -> bool:
    """"Plan: strainer, tamsulosin, urology f/u": a prescription drug that is an item of the plan's list by itself
    is prescribed (named with other words, "tamsulosin was discussed", it may not be)."""
    # ("Norco for pain", "zofran prn nausea": the drug and what it is for)
    alone = re.compile(r"\s*(?:\d+[.)]\s*)?(?:start |begin |trial of |rx |(?:discharged |sent )?home (?:with|on) )?"
                       + re.escape(named)
                       + r"(?:\s+(?:prn|as needed))?(?:\s+(?:for|prn)\s+[a-z ]{1,30})?\W*")
    return any(alone.fullmatch(item) for item in _PLAN_ITEMS.split(clause))


def _plan(ctx: _Ctx) -> str:
    parts = [ctx.note[s.start:s.end] for s in ctx.a.sections if s.name in _PLAN_SECTIONS]
    parts += [m.group(0) for m in re.finditer(r"^[ \t]*(?:MDM|Dispo\w*|Plan)\b.*$", ctx.note, re.MULTILINE | _I)]
    # a "Medical decision making" paragraph under its own title line
    parts += [m.group(1) for m in re.finditer(r"^[ \t]*medical decision[- ]making[ \t]*:?[ \t]*\n((?:[^\n]*\S[^\n]*\n?)+)",
                                              ctx.note, re.MULTILINE | _I)]
    return "\n".join(parts) or ctx.note


def _first_affirmed(rx: re.Pattern, text: str) -> str | None:
    """The first match the words just before do not negate ("no ICU needs" is no escalation)."""
    return next((m.group(0) for m in rx.finditer(text)
                 if not _NEGATED_BEFORE.search(text[max(0, m.start() - 40):m.start()])), None)


def _procedure_done(ctx: _Ctx) -> str | None:
    """A surgical CPT code (10004-69990) the rules found done at this encounter, not a blood draw."""
    return next((code for system, code in ctx.hits if system is System.CPT and code.isdigit()
                 and 10004 <= int(code) <= 69990 and code not in ("36415", "36416", "36591", "36600")), None)


def risk(ctx: _Ctx, *, admission_note: bool = False) -> Element:
    plan = _plan(ctx).lower()
    if ctx.setting == "ed":
        # the ED's own treatment, told in the course rather than a plan ("Given prochlorperazine 10 mg IV, ketorolac
        # 30 mg IV"), is drug management of this visit
        given = [s.text.lower() for s in ctx.a.sentences if _GIVEN_IN_ED.search(s.text) and s.text.lower() not in plan]
        plan = "\n".join([plan, *given])
    # a decision about admission in so many words counts wherever the note tells it (the ED course)
    hospital = _first_affirmed(_HOSPITAL, plan) or _first_affirmed(_HOSPITAL_DECISION, ctx.lower)
    if hospital and (ctx.setting != "inpatient" or admission_note):
        return Element(3, f"decision regarding hospitalization ('{hospital}')")
    for rx, what in ((_ESCALATE, "escalation, emergency surgery or limits of care"),
                     (_PARENTERAL_CS, "parenteral controlled substance")):
        words = _first_affirmed(rx, plan)
        if words:
            return Element(3, f"{what} ('{words}')")
    surgery = _MAJOR_SURGERY.search(plan)
    if surgery and (risky := _first_affirmed(_SURGICAL_RISK, plan)):
        # the decision for major surgery with the patient's risk weighed ("Pre-op risk: elevated risk (age, CKD, AF),
        # acceptable to proceed"): high (AMA)
        return Element(3, f"decision regarding major surgery with identified risk factors ('{surgery.group(0)}', "
                          f"'{risky}')")
    otc = False
    before: list[str] = []   # the drugs of the line's clause before ("improving on sertraline. Increase to 100 mg")
    for first, clause in ((i == 0, c) for line in plan.split("\n") for i, c in enumerate(re.split(r";|\.\s", line))):
        if first:
            before = []
        drugs = _rx_drugs(clause)
        if not drugs and before and _MANAGE.search(clause) and re.search(r"\d\s*(?:mg|mcg)\b", clause):
            drugs = before   # the dose changed is of the drug just named
        before = drugs
        named = next((d for d in drugs if _listed_alone(d, clause)), drugs[0] if drugs else None)
        if (_RX_WORD.search(clause) and not re.search(r"\botc\b", clause)) or \
                (named and (_MANAGE.search(clause) or _DOSE.search(clause) or _listed_alone(named, clause))):
            return Element(2, f"prescription drug management ('{named or _RX_WORD.search(clause).group(0)}')")
        otc = otc or bool(_OTC.search(clause))
    for rx, what in ((_MAJOR_SURGERY, "decision regarding elective major surgery"),
                     (_SDOH, "management limited by social determinants of health")):
        m = rx.search(plan)
        if m:
            return Element(2, f"{what} ('{m.group(0)}')")
    if otc:
        return Element(1, "over-the-counter drugs")
    if ctx.setting == "ed" and (minor := _procedure_done(ctx)):
        # the ED physician's decision for minor surgery without risk factors (a laceration repair, an I&D)
        return Element(1, f"minor procedure without identified risk factors ({minor})")
    m = _LOW.search(plan)
    if m:
        return Element(1, f"low-risk management ('{m.group(0)}')")
    return Element(0, "minimal risk (rest, fluids, reassurance)")


def mdm(ctx: _Ctx, *, admission_note: bool = False) -> tuple[int, str]:
    """The MDM level (0-3) that two of the three elements meet or exceed, and why, in plain words."""
    p, d, r = problems(ctx), data(ctx), risk(ctx, admission_note=admission_note)
    level = sorted((p.level, d.level, r.level))[1]
    why = (f"MDM {LEVEL_WORDS[level]} (two of three elements): problems {LEVEL_WORDS[p.level]} - {p.why}; "
           f"data {LEVEL_WORDS[d.level]} - {d.why}; risk {LEVEL_WORDS[r.level]} - {r.why}")
    return level, why
