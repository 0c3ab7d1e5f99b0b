"""Words that name a disease without documenting it: the sense of a mention.

A note names many diseases the patient does not have at this encounter, in ways
that negation and history scopes do not catch. These rules read the words around
a diagnosis code's evidence and mark the code (``Suggestion.suppressed``, with the
reason) when the mention is in another sense:

- a vaccine, an immunity or a last dose: "Varicella live SC", "Hepatitis A
  2-dose (dose 1) IM", "rubella immune", "Tetanus 2023" name what protects the
  patient from the disease (guideline I.C.21.c.2 codes the vaccination, Z23, not
  the disease);
- an ECG finding: "ST depression" is not a depressive disorder, nor is an organ's lowered function
  ("CNS depression", "respiratory depression");
- the child's growth ("Growth: Wt 10.8 kg", "growth monitored") is not a neoplasm;
- "death" is a cause-of-death code only when the patient died ("passive death wish");
- a nerve named before "neuropathy" ("median neuropathy at the wrist") is a
  mononeuropathy of that nerve, not a polyneuropathy;
- "poisoning" as a verb ("believed neighbours were poisoning him") is no poisoning;
- "illness" alone ("chronic illness with progression") names no condition (R69);
- a risk is no condition ("infection risk", "risk of falls");
- an abnormal-finding code for a test the sentence calls normal or negative ("tumor markers
  were normal" is no R97.8);
- "pregnancy" beside a delivery or birth ("normal pregnancy and delivery", a child's birth
  history, an obstetric history) is a past pregnancy, not the pregnant state (Z33.1); nor is a
  pregnancy wished for, planned, prevented, at risk or tested for ("wishes future pregnancy",
  "no pregnancy risk", "pregnancy test negative");
- a mass or tumour word in a sense that is no neoplasm: "mass effect", "myocardial mass",
  "tumor markers", "tumor cells";
- a skin code (cutaneous abscess, fibrosis of skin, gangrene) from a bare word
  ("abscess", "fibrosis", "necrotic") of another organ or tissue: "prostatic abscess",
  "periductal fibrosis", "a necrotic center";
- a condition only the past history lists, as untreated or quiet ("gout (no flare in 3 yrs, no
  meds)"): it does not affect this encounter's care (IV.J);
- an injury of unspecified body region (T14) when the words name the region
  ("perineal laceration") or the wound is the operation's own ("Wound hydrated").

General clinical language; none of it is fitted to a note.
"""

from __future__ import annotations

import re

from medcoder_tui.codes.systems import System
from medcoder_tui.engines.analysis.clinical_text import NoteAnalysis
from medcoder_tui.engines.models import Suggestion

# Vaccine-preventable diseases (the CDC schedule's antigens), by ICD-10-CM category.
_VACCINE_PREVENTABLE = ("A33", "A34", "A35", "A36", "A37", "A39", "A80", "B01", "B02", "B05", "B06", "B15",
                        "B16", "B17.1", "B18", "B19", "B26", "J09", "J10", "J11", "J13", "A08.0", "U07.1",
                        "B97.7", "A01", "A82", "A84", "A92.3", "A95", "G00.0", "G00.1")
_VACCINE_WORDS = re.compile(
    r"\b(?:vaccin\w*|immuniz\w*|immunis\w*|immune|immunity|titers?|titres?|boosters?|shots?|"
    r"\d-dose|doses?\s*#?\d|dose \d|series|ims?|sc|sq|subq|subcut|sub-q|s\.c\.|intramuscular(?:ly)?|subcutaneous(?:ly)?|vis|"
    r"\w*vax\w*|0?\.5 ?ml|registry|"   # a brand ("Varivax"), the half-millilitre dose of a vaccine given
    r"utd|up[- ]to[- ]date|current|tdap|td|dtap|mmr|mmrv|ipv|hib|pcv\d*|ppsv\d*|hpv|rzv|vzv)\b", re.I)
# "RTC 1 month (HBV #2, nurse visit)": the series' dose number after the vaccine named by its disease
_DOSE_NUMBER = re.compile(r"\s*#\s?\d\b")
# "Last tetanus: about 10 years ago": the last dose of the vaccine named by its disease
_LAST_BEFORE = re.compile(r"\blast\s+$", re.I)
# "Tetanus 2023", "Td 5/2019": a name followed by the date of the last dose
_DOSE_DATE = re.compile(r"^\W{0,3}(?:(?:in|on|was|last|given)\s+){0,2}(?:\d{1,2}/)?(?:\d{1,2}/)?(?:19|20)\d\d\b",
                        re.I)
# ("CNS/resp depression": two organs joined by a slash)
_ORGANS = r"(?:cns|central nervous system|respiratory|resp|ventilatory|myocardial|cardiac|(?:bone )?marrow|" \
          r"neurologic(?:al)?|mental status|sensorium)"
_ORGAN_DEPRESSION = re.compile(rf"\b{_ORGANS}(?:\s*/\s*{_ORGANS})?\s+depress\w*\s*$", re.I)
# "mild depression of the lateral plateau articular surface", "depressed skull fracture"
_BONE_DEPRESSION = re.compile(r"\s+of (?:the )?(?:[\w-]+ ){0,3}(?:plateau|surface|endplates?|skull|fragments?|fracture|bone|"
                              r"cortex|articular|orbital floor)\b", re.I)
_ADENOSINE = re.compile(r"\badenosine\b", re.I)
_ST_SEGMENT = re.compile(r"\bST(?:[- ]segment)?\s*$", re.I)
_TUMOUR_WORDS = re.compile(r"\b(?:mass|masses|lesion|tumou?r|neoplas\w*|lump|nodule|cyst|polyp|malignan\w*|"
                           r"biops\w*|excis\w*|on (?:the |his |her )?\w+)\b", re.I)
# the stress Z73.3 codes: of a life, a job, a family, money or care-giving ("psychosocial stress related to divorce")
_LIFE_STRESS = re.compile(r"\b(?:psychosocial|emotional|life|work|job|occupational|family|financial|caregiver|"
                          r"situational|marital|school|academic)[- ](?:related )?stress|\bstressors?\b|"
                          r"\bstress (?:related to|due to|from|over|at|about)\b|\bunder (?:a lot of |significant )?stress\b",
                          re.I)
_DIED = re.compile(r"\b(?:pronounced (?:dead|deceased)|time of death|expired|deceased|died|demise|"
                   r"cause of death|autopsy)\b", re.I)
# another person's death ("the index trauma, in which a coworker died"): not the patient's
_SOMEONE_ELSE = re.compile(r"\b(?:coworkers?|co-workers?|colleagues?|friends?|partners?|spouses?|wife|husband|sons?|"
                           r"daughters?|mother|father|brothers?|sisters?|child(?:ren)?|relatives?|someone|others?|"
                           r"passengers?|driver|victims?|pets?|dog|cat)\b[^.;\n]{0,25}$", re.I)
_PSYCHOLOGICAL = re.compile(r"\b(?:ptsd|post-?traumatic|stress disorder|trauma[- ]focused|index trauma|"
                            r"psycholog\w*|emotional)\b", re.I)
_NERVES = re.compile(r"\b(?:median|ulnar|radial|peroneal|fibular|tibial|sciatic|femoral|facial|trigeminal|"
                     r"optic|axillary|musculocutaneous|lateral femoral cutaneous|sural|pudendal|"
                     r"suprascapular|obturator|plantar|digital|intercostal|occipital)\s+(?:nerve\s+)?$", re.I)
_REGIONS = re.compile(
    r"\b(?:head|scalp|face|facial|eye|eyelid|ear|nose|nasal|lip|mouth|oral|tooth|teeth|jaw|neck|cervical|"
    r"molar|premolar|incisor|cusp|gingiva|gum|tongue|"
    r"throat|chest|thorax|thoracic|rib|ribs|breast|back|lumbar|spine|spinal|abdomen|abdominal|pelvis|pelvic|"
    r"perineal|perineum|vaginal|vulva|penis|scrotum|scrotal|buttock|shoulder|arm|elbow|forearm|wrist|hand|"
    r"finger|fingers|thumb|hip|thigh|knee|leg|shin|calf|ankle|foot|feet|toe|toes|heel|cheek|chin|forehead|"
    r"sacral|sacrum|coccyx|clavicle|axilla|groin|flank|trunk)\b", re.I)
# prophylaxis against HIV itself, not the prophylaxis a person with HIV takes ("TMP-SMX prophylaxis for PJP")
_HIV_PROPHYLAXIS = re.compile(r"\b(?:PrEP|PEP|(?i:pre-?exposure|post-?exposure)(?i: prophylaxis)?)\b")
_BURN_DEGREE = re.compile(r"\b(?:first|1st|second|2nd|third|3rd)[- ]degree\b|\bsuperficial burn|\bsunburn", re.I)
_DECAY = re.compile(r"\b(?:caries|carious|decay\w*)\b", re.I)
_TRAUMA = re.compile(r"\b(?:trauma\w*|injur\w*|struck|hit|fell|fall|blow|bit down|assault\w*|accident\w*)\b", re.I)
_OPERATIVE = re.compile(r"\b(?:incision|incised|sutured|closed|closure|hydrated|port|trocar|operative|"
                        r"procedure|surgery|surgical|post-?op|intra-?op)\b", re.I)
# the operation a past-history line names by its condition ("Cataract surgery bilat", "hernia repair 2019")
_OPERATED_AFTER = re.compile(r"(?i)\W{0,3}(?:surgery|surgeries|repair|repaired|extraction|extracted|removal|removed|"
                             r"excision|excised|resection|resected|operation)\b")
# an incidental finding the provider sets aside ("Incidental simple R ovarian cyst, physiologic - no follow-up needed")
_NOT_SIGNIFICANT = re.compile(r"(?i)\b(?:physiologic(?:al)?|not clinically significant|clinically insignificant|"
                              r"no (?:further )?(?:follow[- ]?up|action|work-?up|treatment|intervention)s? "
                              r"(?:is )?(?:needed|required|indicated|necessary)|of no clinical significance)\b")
_PHYSIOLOGIC = re.compile(r"(?i)\bphysiologic(?:al)?\b")
_NO_FOLLOW_UP = re.compile(r"(?i)\bno (?:further )?(?:f/u|follow[- ]?up|imaging|work-?up)\b")
_ABNORMAL_TITLE = re.compile(r"\b(?:abnormal|elevated)\b", re.I)
_ABNORMAL_WORDS = re.compile(r"\b(?:abnormal\w*|elevat\w*|raised|high|higher|increas\w*|positive|low|lower|"
                             r"decreas\w*|reduced|rising|rose|borderline|out of range)\b", re.I)
# "tumor markers were normal", "tumor markers: negative", "normal tumor markers"
_NORMAL_AFTER = re.compile(r"^\s*(?:[:=-]|(?:were|was|are|is|remain(?:ed|s)?|came back|returned|show(?:ed|s)?)\b)?\s*(?:all\s+|also\s+|"
                           r"absolutely\s+|completely\s+)?(?:normal|negative|unremarkable|within (?:the )?(?:normal|"
                           r"reference) (?:limits|range)|wnl)\b", re.I)
_NORMAL_BEFORE = re.compile(r"\b(?:normal|negative|unremarkable)\s+$", re.I)
_BIRTH_WORDS = re.compile(r"\b(?:deliver(?:y|ies|ed)|childbirth|birth|born|cesarean|caesarean|c-section|apgar|"
                          r"gravida|para|g\d+ ?p\d+)\b", re.I)
# a pregnancy the patient plans, avoids or is tested for: no pregnant state
_NOT_PREGNANT_BEFORE = re.compile(r"\b(?:future|planning|plans|plan for|wish(?:es)?|wants?|desires|"
                                  r"prevent\w*|avoid\w*|no|not|possible|potential|"
                                  r"rule out|r/o|ttc|trying to conceive|contraception and)\s+(?:\w+\s+){0,2}$", re.I)
_NOT_PREGNANT_AFTER = re.compile(r"^\s*(?:risk|prevention|test\w*|tests?|planning|plans?|intention|wish|"
                                 r"potential|screen\w*|counsel\w*|hcg)\b", re.I)
# "mass effect", "myocardial mass", "tumor markers": the word in a sense that names no neoplasm
_NO_NEOPLASM_AFTER = re.compile(r"^\s*(?:effect|index|markers?|cells?|board|lysis|size|volume|burden)\b", re.I)
# "until cancer evaluation completed", "cancer workup", "cancer risk assessment": the search for one, not one
_WORKUP_AFTER = re.compile(r"^\s*(?:evaluation|eval|work-?up|w/u|screening|risk|concerns?|rule[- ]?out|r/o|scare|"
                           r"prevention|staging work-?up)\b", re.I)
_NO_NEOPLASM_BEFORE = re.compile(r"\b(?:body|muscle|muscular|fat|lean|bone|myocardial|ventricular|cardiac|"
                                 r"cell|red cell)\s+$", re.I)
# Codes of the skin that a bare word reaches, and the words of other organs and tissues that say
# the word is about them ("subconjunctival abscess", "bone marrow fibrosis", "necrotic lymph nodes").
_SKIN_CODES = ("L02.91", "L90.5", "I96", "L53.9")
_BARE_TISSUE_WORD = re.compile(r"(?i)(?:the |an? |focal |\w+ )?(?:abscess(?:es)?|fibrosis|necrosis|necrotic|scarring|"
                               r"erythema|erythematous)(?: \w+)?")
_SKIN_WORDS = re.compile(r"\b(?:skin|cutaneous|subcutaneous|dermal|scar|wound|ulcer|toe|toes|finger|fingers|foot|"
                         r"heel|gangren\w*|cellulitis|buttock|axilla|groin|scalp|limb|leg|arm|flaps?)\b", re.I)
_ORGAN_WORDS = re.compile(
    r"\b(?:prostat\w*|conjunctiv\w*|subconjunctival|hepat\w*|liver|lung|pulmonary|renal|perirenal|kidney|brain|"
    r"cerebr\w*|bone|marrow|osse\w*|tumou?r\w*|intratumou?ral|rect\w*|colon\w*|bowel|intestin\w*|duct\w*|"
    r"periductal|biliary|pancrea\w*|splen\w*|spleen|cardiac|myocard\w*|peritone\w*|pelvic|ovar\w*|uter\w*|"
    r"tubo-ovarian|dental|periapical|tooth|gingiv\w*|psoas|epidural|spinal|mucosa\w*|lymph\w*|nodes?|"
    r"adenopath\w*|cyst\w*|pleura\w*|mediastin\w*|orbit\w*|tonsil\w*|peritonsillar|testi\w*|scrot\w*|"
    r"vertebr\w*|muscle|nodular|center|centre|lesion|mass|gallbladder|pericystic|retroperitone\w*|antrum|antral|"
    r"stomach|gastric|duoden\w*|esophag\w*|pharyn\w*|tympanic|conjunctiva|throat|tonsils?)\b", re.I)
_ORGAN_BEFORE = re.compile(_ORGAN_WORDS.pattern + r"\s+$", re.I)
# "(no flare in 3 yrs, no meds)", "- untreated", "inactive": a past-history item that needs no care now
_QUIET = re.compile(r"\b(?:no meds|no medications?|no treatment|untreated|not treated|no flares?|inactive|quiescent|"
                    r"asymptomatic|resolved|no longer|off (?:all )?(?:meds|medications?|treatment|therapy)|no sx|"
                    r"no symptoms)\b", re.I)
_VERB_BEFORE = re.compile(r"\b(?:was|were|is|are|am|been|be|kept|keeps|started|stop(?:ped)?)\s+$", re.I)


_FIREARM_CODES = ("W32", "W33", "W34", "X72", "X73", "X74", "X93", "X94", "X95", "Y22", "Y23", "Y24", "Y35.0")
_FIREARM_WORDS = re.compile(r"\b(?:gun\w*|gsw|firearms?|bullets?|rifle|pistol|handgun|shotgun|was shot|got shot|"
                            r"been shot|shot (?:him|her|me|them|at)|shooting)\b", re.I)
# weight lost on purpose: after bariatric surgery, on a diet or weight program, or to a goal
_INTENDED = re.compile(r"\b(?:intentional(?:ly)?|intended|purposeful|sleeve gastrectomy|gastric bypass|roux-en-y|"
                       r"bariatric|lap[- ]?band|weight (?:loss|management) (?:program|medication|clinic)|"
                       r"(?:semaglutide|tirzepatide|liraglutide|phentermine)\b|goal weight|dieting|"
                       # the loss a plan recommends: "we discussed weight reduction (a 10 percent loss would help)"
                       r"(?:discussed|recommended|advised|counsel+ed)[^.\n]{0,30}\bweight (?:reduction|loss)|"
                       r"\bweight (?:reduction|loss) (?:goal|counsel\w*|advice|recommended|discussed))", re.I)
_UNINTENDED = re.compile(r"\b(?:unintentional|unintended|unexplained|involuntary|unplanned|unexpected)\b", re.I)


def _quiet_item(note: str, end: int) -> bool:
    """The words right after a past-history item, before the next item, say it is untreated or quiet."""
    m = _QUIET.search(note, end, min(len(note), end + 60))
    return m is not None and re.fullmatch(r"\s*[(:,-]?[^,;\n()]{0,40}", note[end:m.start()]) is not None


# "growth", "fetal growth", "normal growth and development": the patient's own growth, not a new growth
_BODY_GROWTH = re.compile(r"(?:the |a |of )?(?:(?:fetal|normal|appropriate|catch-up|linear|somatic|interval|poor|hair|"
                          r"nail|bone) )?growths?(?: of)?(?:\W|$)", re.I)

def check_mentions(out: list[Suggestion], note: str, analysis: NoteAnalysis) -> None:
    """Mark, in place, diagnosis codes whose evidence names the disease in another sense."""
    died = None
    for s in out:
        if s.system is not System.ICD10CM or not s.acceptable or s.suppressed or not s.evidence:
            continue
        ev = s.evidence[0]
        if not ev.located:
            continue
        sent = analysis.sentence_at(ev.start)
        last = analysis.sentence_at(max(ev.start, ev.end - 1))   # evidence widened across a sentence's end
        around = note[sent.start:max(sent.end, last.end if last else 0)] if sent is not None else ev.text
        before = note[max(0, ev.start - 40):ev.start]
        after = note[ev.end:ev.end + 30]
        reason = None
        if s.code.startswith(_VACCINE_PREVENTABLE) and (_VACCINE_WORDS.search(around) or _DOSE_DATE.search(after)
                                                        or _LAST_BEFORE.search(before) or _DOSE_NUMBER.match(after)):
            reason = "names a vaccine, immunity or last dose, not the disease (guideline I.C.21.c.2): not coded"
        elif s.code.startswith(("F32", "F33", "F34.1")) and _BONE_DEPRESSION.match(note, ev.end):
            reason = "a depression of a bone's surface (a plateau, an endplate, a skull fragment) is no depressive disorder: not coded"
        elif s.code.startswith(("F32", "F33", "F34.1")) \
                and _ST_SEGMENT.search(before + re.match(r"(?i).*?(?=depress)|", ev.text).group(0)):
            # (the evidence may begin before the words: "horizontal ST depression")
            reason = "'ST depression' is an ECG finding, not a depressive disorder: not coded"
        elif s.code.startswith(("F32", "F33", "F34.1")) \
                and _ORGAN_DEPRESSION.search(before + re.match(r"(?i).*?depress\w*|", ev.text).group(0)):
            # (the evidence's first word: "CNS depression/somnolence")
            reason = "'CNS/respiratory depression' is an organ's lowered function, not a depressive disorder: not coded"
        elif s.code.startswith(("I44", "I45.9")) and _ADENOSINE.search(around):
            reason = ("the transient AV block adenosine is pushed to cause is its intended effect, not a conduction "
                      "disorder: not coded")
        elif s.code.startswith(("D49", "D48", "D3A")) and _BODY_GROWTH.match(ev.text.strip() + " ") \
                and not _TUMOUR_WORDS.search(around):
            reason = "'growth' here is the patient's growth, not a neoplasm: not coded"
        elif s.code.startswith("Z73.3") and not _LIFE_STRESS.search(around):
            reason = ("stress here is no psychosocial stress the visit addresses (a physiological 'stress' "
                      "hyperglycemia, a mood word): not coded")
        elif s.code.startswith("G40") and re.fullmatch(r"(?i)(?:(?:a |the |typical |an? )?\w+ )?attacks?", ev.text.strip()) \
                and not re.search(r"(?i)\b(?:seizures?|epilep\w*|convuls\w*|ictal)\b", around):
            reason = "an 'attack' of no seizure (a migraine's or a panic attack) is no epilepsy: not coded"
        elif re.search(r"(?i)\bshoulder\s*$", ev.text) and re.match(r"(?i)\s*(?:belt|strap|harness|restraint|seat ?belt)",
                                                                     after):
            reason = "the shoulder belt is the seatbelt's strap, not the patient's shoulder: not coded"
        elif s.code[:3] in ("B95", "B96", "B97") and re.search(r"(?i)\b(?:to cover|coverage|empiric\w*|screen\w*|"
                                                               r"pending|no growth|coloni[sz]\w*)\b", around):
            reason = "the organism is what a drug covers or a test looks for, not what the culture grew: not coded"
        elif s.code.startswith(("T78.3", "T78.4", "T88.6", "T88.7", "L50")) and re.search(
                r"(?i)\b(?:contraindicat\w*|allerg\w*|intoleran\w*|avoid\w*)[^.;\n]{0,30}\(\s*(?:\w+\s+){0,2}$",
                before + re.match(r"\W*", ev.text).group(0)):   # (the evidence may quote the parenthesis)
            reason = "a past reaction given as why a drug is avoided ('ACE inhibitor contraindicated (angioedema)'): not " \
                     "a reaction at this encounter"
        elif s.code.startswith("R63.4") and re.search(r"(?i)\b(?:goals?|target|interested in|wants? to|would like to|"
                                                     r"trying to|aim\w*|plan\w*|intentional\w*|intended|desired|"
                                                     r"diet\w*|counsel\w*)\b", around):
            reason = "weight loss as a goal or a plan is no abnormal loss of weight: not coded"
        elif s.code.startswith("T14.8") and re.search(r"(?i)\bwounds?\W*$", ev.text) and re.match(
                r"(?i)\W*(?:care|culture|check|checks|vac|dressings?|healing|clinic|bed|edges?|margins?|packing|"
                r"irrigation|assessment)\b", after):
            reason = "'wound care', 'wound culture', 'wound check': the care of a wound, not an injury"
        elif s.code.startswith("Q79.8") and re.match(r"(?i)\W*(?:use|usage|retractions?|breathing)\b", after):
            reason = "'accessory muscle use' is the work of breathing on exam, not a congenital accessory muscle"
        elif s.code == "Z66" and re.search(r"(?i)\bfull code\b|\bdeclin\w*|\brefus\w*|\brevoked?\b|\brescind\w*", around):
            reason = "the do-not-resuscitate order was declined or revoked (full code): no DNR status"
        elif s.code.startswith("R99"):
            if died is None:
                died = any("family" not in analysis.context_at(m.start(), m.end())
                           and not _SOMEONE_ELSE.search(note, max(0, m.start() - 40), m.start())
                           for m in _DIED.finditer(note))
            if not died:
                reason = "a cause-of-death code, and the note does not document the patient's death: not coded"
        elif s.code.startswith(("I49.01", "I49.02")) and re.search(r"(?i)\bventricular (?:rate|response)", around) \
                and not re.search(r"(?i)\bventricular fibrillation|\bv-?fib\b|\bventricular flutter", around):
            reason = "'atrial fibrillation, ventricular rate' is the ventricular rate of the atrial rhythm: not coded"
        elif re.match(r"(?i)\s*risks?\b(?! factors?)", after) or re.search(r"(?i)\b(?:risk|risks) (?:of|for)\s+$", before):
            reason = "names a risk ('infection risk', 'risk of falls'), not the condition: not coded"
        elif s.code.startswith("R20.2") and re.fullmatch(r"(?i)(?:\d+-gauge )?needles?", ev.text.strip()):
            reason = "a needle is an instrument here, not 'pins and needles': not coded"
        elif s.code.startswith("G62") and _NERVES.search(before):
            reason = "a named nerve's neuropathy is a mononeuropathy of that nerve (G56-G58), not a polyneuropathy"
        elif s.code[:1] == "T" and ev.text.lower().startswith("poisoning") and _VERB_BEFORE.search(before):
            reason = "'poisoning' is used as a verb here, not a poisoning: not coded"
        elif s.code.startswith("R69") and re.fullmatch(r"(?i)(?:\w+ )?(?:illness|ill)", ev.text.strip()):
            reason = "'illness' alone names no condition: not coded"
        elif _ABNORMAL_TITLE.search(s.description) and not _ABNORMAL_WORDS.search(ev.text) \
                and (_NORMAL_AFTER.search(after) or _NORMAL_BEFORE.search(before)):
            reason = "the sentence calls the result normal or negative: no abnormal finding to code"
        elif s.code.startswith("Z33.1") and _BIRTH_WORDS.search(around):
            reason = "a pregnancy told with its delivery or birth is a past one, not the pregnant state: not coded"
        elif s.code.startswith("Z33.1") and (_NOT_PREGNANT_BEFORE.search(before) or _NOT_PREGNANT_AFTER.search(after)):
            reason = "a pregnancy planned, avoided or tested for is no pregnant state: not coded"
        elif (s.code[:1] == "C" or s.code[:2] in ("D0", "D1", "D2", "D3", "D4")) \
                and re.search(r"(?i)\b(?:mass|masses|tumou?rs?|tumou?ral)\s*$", ev.text) \
                and (_NO_NEOPLASM_AFTER.search(after) or _NO_NEOPLASM_BEFORE.search(before)):
            reason = "the mass or tumour word names no neoplasm here ('mass effect', 'tumor markers'): not coded"
        elif (s.code[:1] == "C" or s.code[:2] in ("D0", "D3", "D4")) and _WORKUP_AFTER.search(after) \
                and re.search(r"(?i)\b(?:cancer|carcinoma|malignan\w*|neoplasm|ca)\s*$", ev.text):
            reason = "the cancer word names a workup or a risk ('cancer evaluation', 'cancer risk'), not a diagnosis: not coded"
        elif s.code in _SKIN_CODES and _BARE_TISSUE_WORD.fullmatch(ev.text.strip()) \
                and (not _SKIN_WORDS.search(around) and _ORGAN_WORDS.search(around)
                     # ("mild antral erythema" on an EGD beside a duodenal ulcer: the organ's word just before it)
                     or _ORGAN_BEFORE.search(before[-30:])):
            reason = "the word is about another organ or tissue, not the skin: not coded as a skin condition"
        elif analysis.section_at(ev.start) in ("past_medical_history", "past_surgical_history") \
                and _quiet_item(note, ev.end):
            reason = "listed in the past history as untreated or quiet: no effect on this encounter's care (IV.J)"
        elif s.code == "L98.9" and re.fullmatch(r"(?i)(?:the )?skin and subcutaneous tissues?", ev.text.strip()):
            # "Skin and subcutaneous tissue anesthetized with 1% lidocaine": the layers a procedure passes through
            reason = "the layers of a procedure's approach, no skin disorder: not coded"
        elif s.code == "L90.5" and re.search(r"(?i)\b(?:well[- ]healed|healed well|healing well|healed)\b", around):
            # ("the right forehead Mohs scar was examined - well healed, no sign of recurrence")
            reason = "a well-healed scar examined at a skin check is no scar condition: not coded"
        elif s.code.startswith("L84") and re.fullmatch(r"(?i)(?:\(?\w+ )?call(?:us|i)", ev.text.strip()) \
                and re.search(r"(?i)\b(?:periosteal|fracture|fx|bony|bone|xr|x-ray|radiograph\w*|films?)\b", around):
            reason = "the callus of a healing fracture is bone, not a skin callosity: not coded"
        elif s.code.startswith("L84") and re.search(r"(?i)\b(?:peri-?wound|peri-?ulcer|wound (?:edges?|margins?|rim)|"
                                                     r"(?:ulcer|wound)'?s? (?:rim|edges?|margins?)|hyperkeratotic rim)\b",
                                                     around):
            reason = "the callus of an ulcer's rim is part of the ulcer being treated, not a callosity of its own"
        elif s.code.startswith("T71.16") and re.match(r"(?i)\s+(?:on|in there|around)\b", after):
            reason = "'hanging on' is a symptom that lingers, not asphyxiation by hanging: not coded"
        elif s.code[:1] == "S" and re.match(r"(?i)\s*(?:\w+\s+){0,2}?(?:last|the previous|the prior) (?:year|month)\b", after):
            reason = "an injury of last year is a past one, not this encounter's: not coded"
        elif s.code.startswith("D49") and re.fullmatch(r"(?i)growths?", ev.text.strip()) and (
                re.search(r"(?i)\b(?:normal|appropriate|good|poor|adequate|linear|catch-?up|slow|fetal|hair|nail|"
                          r"bacterial|no)\s+$", before)
                or re.match(r"(?i)\s*(?:and development|chart|curves?|parameters?|percentiles?|velocity|spurt|hormone|"
                            r"plates?|restriction|delay|on culture)\b", after)):
            reason = "'growth' here is the child's growing or a culture's ('normal growth and development'), not a " \
                     "neoplasm: not coded"
        elif s.code[:1] not in "ZVWXY" and _OPERATED_AFTER.match(after) and (
                analysis.section_at(ev.start) in ("past_medical_history", "past_surgical_history", "problem_list")
                or analysis.context_at(ev.start, ev.end) & {"history"}):
            reason = "named as the condition of a past operation ('Cataract surgery bilat'): treated then, not a " \
                     "current condition"
        elif (re.search(r"(?i)\bincidental(?:ly)?\b", around) and _NOT_SIGNIFICANT.search(around)) \
                or (_PHYSIOLOGIC.search(around) and _NO_FOLLOW_UP.search(around)):
            # ("2.4 cm L ovarian simple cyst - c/w physiologic follicle per radiology, no f/u": said in other words)
            reason = "an incidental finding the note calls physiologic or in no need of follow-up (guideline III.B: " \
                     "coded only when the provider calls it clinically significant): not coded"
        elif re.search(r"(?i)\bcvas?\b", ev.text) and (
                re.match(r"(?i)\W*(?:(?:non|no|without|w/o|not)[- ]?)?(?:percussion )?(?:tender\w*|ttp|pain)\b", after)
                or re.search(r"(?i)\b(?:tender\w*|non-?tender|ttp)\s+(?:\w+\s+){0,2}$", before)
                or re.search(r"(?i)\b(?:costovertebral|flank|punch)\b", around)):
            reason = "'CVA' on the exam is the costovertebral angle ('R CVA non-tender'), not a cerebrovascular " \
                     "accident: not coded"
        elif s.code.startswith("R23.1") and re.fullmatch(r"(?i)pale", ev.text.strip()) \
                and re.match(r"(?i)\W*(?:pink|red|yellow)?\W*(?:granulation|tissue|wound|base|slough|stools?|urine|"
                             r"optic|discs?|fibrin)\b", after):
            reason = "'pale' describes a tissue, a wound bed or a specimen here, not the patient's pallor: not coded"
        elif s.code == "Z71.9":
            reason = "counseling of no named subject: the visit's diagnoses are coded, not unspecified counseling"
        elif s.code.startswith(_FIREARM_CODES) and re.fullmatch(r"(?i)shots?", ev.text.strip()) \
                and not _FIREARM_WORDS.search(around):
            reason = "'shot' here is a drink or an injection, not a firearm discharge: not coded"
        elif s.code.startswith("R63.4") and not _UNINTENDED.search(around) and _INTENDED.search(note):
            reason = "the weight loss is intended (bariatric surgery, a weight program): not abnormal weight loss"
        elif s.code.startswith(("B20", "Z21")) and _HIV_PROPHYLAXIS.search(around):
            reason = "HIV prophylaxis (PrEP, PEP) is taken by someone without HIV: no HIV infection is coded"
        elif s.code.startswith("L53") and _BURN_DEGREE.search(around):
            reason = "the erythema is the burn's own (a first-degree burn is coded as the burn): not coded apart"
        elif s.code.startswith("S02.5") and _DECAY.search(around) and not _TRAUMA.search(around):
            reason = "a tooth broken down by decay is no injury (a dental caries code): not coded as a traumatic fracture"
        elif s.code.startswith(("T14.8", "T14.9")):
            if _REGIONS.search(around):
                reason = "the injury's body region is documented: code the injury of that region, not T14"
            elif re.search(r"(?i)\btrauma\b", ev.text) and _PSYCHOLOGICAL.search(around):
                reason = "the trauma of a posttraumatic or stress disorder is the experience, not an injury: not coded"
            elif re.fullmatch(r"(?i)(?:surgical )?wounds?", ev.text.strip()) and (
                    _OPERATIVE.search(around) or re.match(r"\s+(?:care|check|dressing)", after, re.I)):
                reason = "the wound of the operation itself, or its care, is no injury: not coded"
        if reason:
            s.hold(reason)
