"""Adverse effects of drugs properly given (guideline I.C.19.e.5.a).

"When the drug was correctly prescribed and properly administered, code the
reaction plus the appropriate code from categories T36-T50" with 5 as its fifth
or sixth character. The T code depends on the drug's class, which the Table of
Drugs and Chemicals gives; without an imported table this module knows the drug
classes of the tabular's own T36-T50 titles by their usual generic names and
name stems (-pril, -sartan, -olol, -statin...). A poisoning (overdose, wrong
drug, wrong dose, intent) is not an adverse effect and is left to the coder.
"""

from __future__ import annotations

import re
from functools import lru_cache

from medcoder_tui.engines.analysis.clinical_text import NoteAnalysis, lowered

# drug names or stems -> the adverse-effect code stem of their class (the 7th character follows)
# cytotoxic cancer chemotherapy by name: what a code "due to antineoplastic chemotherapy" (D61.810, D70.1) says
# (methotrexate and the immunosuppressants treat more than cancer)
CYTOTOXIC_DRUGS = (r"cisplatin|carboplatin|oxaliplatin|paclitaxel|docetaxel|taxanes?|doxorubicin|adriamycin|epirubicin|"
                   r"daunorubicin|anthracyclines?|cyclophosphamide|fluorouracil|5-?fu|capecitabine|gemcitabine|"
                   r"vincristine|vinblastine|vinorelbine|etoposide|irinotecan|pemetrexed|bortezomib")
DRUG_CLASSES: tuple[tuple[str, str], ...] = (
    (r"\w+pril|ace inhibitors?", "T46.4X5"),
    (r"\w+sartan|arbs?|hydralazine|clonidine|minoxidil", "T46.5X5"),
    (r"\w+olol|beta[- ]?blockers?", "T44.7X5"),
    # alpha-1 blockers for the prostate or the blood pressure (Table of Drugs: alpha-adrenoreceptor antagonists)
    (r"tamsulosin|flomax|alfuzosin|silodosin|doxazosin|terazosin|prazosin|alpha[- ]?blockers?", "T44.6X5"),
    (r"spironolactone|eplerenone", "T50.0X5"),
    (r"allopurinol|febuxostat", "T50.4X5"),
    (r"omeprazole|pantoprazole|esomeprazole|lansoprazole|rabeprazole|famotidine|ppis?", "T47.1X5"),
    (r"amlodipine|nifedipine|diltiazem|verapamil|\w+dipine|calcium channel blockers?", "T46.1X5"),
    (r"\w+statin|ezetimibe|fenofibrate|gemfibrozil", "T46.6X5"),
    (r"ibuprofen|naproxen|ketoprofen", "T39.315"),
    (r"aspirin", "T39.015"),
    (r"acetaminophen|paracetamol|tylenol", "T39.1X5"),
    (r"ketorolac|diclofenac|meloxicam|indomethacin|celecoxib|nsaids?", "T39.395"),
    (r"oxycodone|hydrocodone|morphine|hydromorphone|codeine|tramadol|opioids?|opiates?", "T40.2X5"),
    (r"clozapine|olanzapine|quetiapine|risperidone|aripiprazole|ziprasidone|lurasidone|antipsychotics?",
     "T43.595"),
    (r"haloperidol", "T43.4X5"),
    (r"fluoxetine|sertraline|citalopram|escitalopram|paroxetine|ssris?", "T43.225"),
    (r"venlafaxine|duloxetine|desvenlafaxine|snris?", "T43.215"),
    (r"amitriptyline|nortriptyline|imipramine|tricyclics?", "T43.015"),
    (r"lithium", "T43.8X5"),
    (r"metformin|glipizide|glyburide|glimepiride|insulin|sitagliptin|empagliflozin|\w+gliflozin", "T38.3X5"),
    (r"warfarin|apixaban|rivaroxaban|dabigatran|heparin|enoxaparin|anticoagulants?", "T45.515"),
    # antiplatelets are the tabular's "antithrombotic drugs" (T45.52-); aspirin has its own code above
    (r"clopidogrel|plavix|prasugrel|ticagrelor|cilostazol|dipyridamole|antiplatelets?", "T45.525"),
    (r"prednisone|prednisolone|methylprednisolone|dexamethasone|hydrocortisone|corticosteroids?|steroids?|"
     r"fluticasone|beclomethasone|mometasone|triamcinolone", "T38.0X5"),
    (r"albuterol|salbutamol|levalbuterol", "T48.6X5"),
    (r"levothyroxine|synthroid|liothyronine|thyroid hormones?", "T38.1X5"),
    (r"penicillin|amoxicillin|ampicillin|augmentin", "T36.0X5"),
    (r"cephalexin|cefazolin|ceftriaxone|cefdinir|\w+cef\w+|cephalosporins?", "T36.1X5"),
    (r"azithromycin|clarithromycin|erythromycin|macrolides?", "T36.3X5"),
    (r"sulfamethoxazole|bactrim|tmp-?smx|sulfonamides?", "T37.0X5"),
    (r"ciprofloxacin|levofloxacin|moxifloxacin|doxycycline|clindamycin|vancomycin|\w+floxacin", "T36.8X5"),
    # (Table of Drugs: antiallergic and antiemetic drugs T45.0; antiviral T37.5; antimycobacterial T37.1;
    # antimalarial T37.2)
    (r"diphenhydramine|benadryl|hydroxyzine|cetirizine|loratadine|fexofenadine|chlorpheniramine|doxylamine|"
     r"antihistamines?", "T45.0X5"),
    (r"bictegravir|dolutegravir|raltegravir|tenofovir|emtricitabine|efavirenz|abacavir|lamivudine|darunavir|"
     r"antiretrovirals?|(?-i:c?ART|HAART)|acyclovir|valacyclovir|oseltamivir", "T37.5X5"),
    (r"isoniazid|rifampin|rifampicin|rifapentine|pyrazinamide|ethambutol", "T37.1X5"),
    (r"hydroxychloroquine|chloroquine|atovaquone-proguanil|mefloquine|primaquine", "T37.2X5"),
    (r"amiodarone|sotalol|flecainide", "T46.2X5"),
    (r"digoxin", "T46.0X5"),
    (r"furosemide|bumetanide|torsemide|lasix", "T50.1X5"),
    # (Table of Drugs: benzothiadiazides, thiazides and the thiazide-like diuretics T50.2X-)
    (r"hydrochlorothiazide|hctz|chlorthalidone|indapamide|metolazone|thiazides?(?: diuretics?)?", "T50.2X5"),
    (r"lorazepam|alprazolam|diazepam|clonazepam|benzodiazepines?", "T42.4X5"),
    (r"phenytoin", "T42.0X5"),
    (r"carbamazepine|oxcarbazepine", "T42.1X5"),
    (r"levetiracetam|lamotrigine|topiramate|gabapentin|pregabalin|valproate", "T42.6X5"),
    # the "Z-drug" hypnotics: other sedative-hypnotics (Table of Drugs: Zolpidem T42.6X-)
    (r"zolpidem|ambien|eszopiclone|lunesta|zaleplon", "T42.6X5"),
    # (Table of Drugs: antineoplastic and immunosuppressive drugs, T45.1X-)
    (r"methotrexate|chemo(?:therapy)?|" + CYTOTOXIC_DRUGS + r"|hydroxyurea|trastuzumab|rituximab|bevacizumab|"
     r"tacrolimus|cyclosporine", "T45.1X5"),
    (r"pembrolizumab|nivolumab|ipilimumab|atezolizumab|durvalumab|avelumab|cemiplimab|dostarlimab|tremelimumab|"
     r"relatlimab|(?:immune )?checkpoint inhibitors?", "T45.AX5"),
)
_CLASSES = [(re.compile(rf"\b(?:{pattern})\b", re.I), stem) for pattern, stem in DRUG_CLASSES]
# Words that say the drug caused what the sentence describes.
_CAUSED = re.compile(r"\b(?:adverse (?:effect|reaction)s?|side[- ]effects?|induced|(?<=-)associated|due to|secondary to|"
                     r"caused by|attributed to|related to|related(?! to)|intoleran\w+|"
                     # ("... with probable contribution from sertraline": a second cause of the same reaction)
                     r"contribution (?:from|of|by)|contributed to by|"
                     r"(?:potentiated|precipitated|provoked|exacerbated) by|(?:nephro|hepato|oto|cardio|neuro)?toxicity (?:of|from)|"
                     # ("Constipation from opioids/immobility", "nausea from the metformin": a common drug reaction
                     # named, then what it comes from)
                     r"(?:constipation|nausea|vomiting|sedation|somnolence|drowsiness|dizziness|rash|urticaria|"
                     r"pruritus|itching|cough|hypotension|bradycardia|hyperkalemia|hyponatremia|diarrhea|dyspepsia|"
                     r"gastritis|delirium|headache|edema|myalgias?|neuropathy|cardiomyopathy|thrombocytopenia|neutropenia|"
                     r"pancytopenia|anemia|mucositis) from)\b", re.I)
_NAMED_BEFORE = frozenset({"induced", "related", "associated"})
# Underdosing (I.C.19.e.5.c): less of a drug taken than prescribed, or none delivered.
_UNDERDOSED = re.compile(r"\b(?:underdos\w*|ran out of|running out of|run out of|missed (?!no |zero |0 |none )(?:\w+ )?doses?|"
                         r"(?:was|were|been) missed|(?:has|had|have) not (?:been )?(?:received|given)|not given x|"
                         r"(?:has|had|have) not (?:been )?tak(?:en|ing)|ran out(?= and| -|,|\)|[.;]|$)|"
                         r"forg[eo]t(?:ten)? to (?:refill|take|give|pick up)|"
                         r"skipp\w+ (?:\w+ ){0,2}doses?|stopped taking|(?:was |is )?not taking|"
                         r"(?:could not|couldn't|cannot|can't|unable to) afford|self[- ]discontinu\w*|"
                         r"(?:interrupted|no|inadequate|failed) (?:\w+ )?delivery|"
                         # "stopped it herself", "quit taking", "taking each pill every other day to stretch the bottles"
                         r"stopped (?:\w+ ){0,2}?(?:herself|himself|themselves|on (?:her|his|their) own)|quit taking|"
                         r"stretch(?:ing)? (?:the |his |her |their |my )?(?:bottles?|pills?|medications?|meds|supply|"
                         r"doses?|prescriptions?))\b", re.I)
# the words that point back to a drug named earlier in the sentence ("fluoxetine ..., stopped it herself") or name
# the underdosing of drugs listed before them ("taking amlodipine and lisinopril every other day (intentional
# underdosing)"): the drug may stand further back
_POINTS_BACK = re.compile(r"^(?:underdos|stopped (?:it|them)|stretch)", re.I)
# A poisoning is another code family (wrong drug or dose, overdose, intent): not an adverse effect; nor is a
# drug not taken (underdosing).
_POISONING = re.compile(r"\b(?:overdose|od|ingest\w*|poison\w*|took (?:too many|extra)|wrong (?:dose|drug|med\w*)|"
                        r"suicid\w*|intentional)\b|" + _UNDERDOSED.pattern, re.I)


# a drug's delivery device named by the drug ("insulin pump"): what the words after it say is of the device
_DEVICE_AFTER = re.compile(r"\s+(?:pump|pen|infusion set)s?\b", re.I)

# Guideline I.C.4.a.5: an underdose (or overdose) of insulin from an insulin pump's failure is coded to the pump's
# mechanical complication (T85.6-, 6th character 4), then the underdosing (T38.3X6-) or poisoning (T38.3X1-).
# The kind of failure: the pump displaced, leaking, occluded or otherwise failing, or broken down.
_PUMP_FAILURES = (
    (re.compile(r"\b(?:dislodg\w*|came out|fell out|pulled out|displac\w*)", re.I), "T85.624"),
    (re.compile(r"\bleak\w*", re.I), "T85.633"),
    (re.compile(r"\b(?:occlu\w*|kink\w*|clog\w*|block\w*)", re.I), "T85.694"),
    (re.compile(r"\b(?:fail\w*|malfunction\w*|broke\w*|faulty|defective|stopped working|not working|(?:is|was) dead)",
                re.I), "T85.614"),
)
_PUMP = re.compile(r"\bpump\b", re.I)
_OVERDELIVERED = re.compile(r"\b(?:hypoglyc\w*|too much insulin|over-?deliver\w*|excess(?:ive)? insulin|"
                            r"overdos\w*)", re.I)


def insulin_pump_failure(note: str, analysis: NoteAnalysis, seventh: str = "A") -> list[tuple[str, int, int]]:
    """(code, start, end) of an insulin pump's mechanical complication and the insulin it under- or over-delivered,
    when a sentence tells the pump (or its infusion site) failing: the complication first (I.C.4.a.5)."""
    if "insulin pump" not in lowered(note):
        return []
    for sent in analysis.sentences_matching(_PUMP):
        text = note[sent.start:sent.end]
        for pump in _PUMP.finditer(text):
            # the failure told within a few words of "pump" ("pump site failed", "a malfunctioning insulin pump")
            lo, hi = max(0, pump.start() - 30), min(len(text), pump.end() + 40)
            for rx, code in _PUMP_FAILURES:
                said = rx.search(text, lo, hi)
                if said is None or analysis.context_at(sent.start + said.start(), sent.start + said.end()) & {
                        "negated", "hypothetical", "uncertain", "family", "history"}:
                    continue
                drug = "T38.3X1" if _OVERDELIVERED.search(text) else "T38.3X6"
                at = sent.start + pump.start(), sent.start + pump.end()
                return [(code + seventh, *at), (drug + seventh, *at)]
    return []


_MISSED_DIALYSIS = re.compile(r"\b(?:missed|skipp\w+|no-?showed (?:for|to)|did not (?:attend|go to|show up for)|"
                              r"(?:has not|hasn't|had not) (?:had|been to|attended))\b[^.;\n]{0,40}\b(?:dialysis|hd|"
                              r"hemodialysis|sessions?|runs?|treatments?)\b|\bnon-?(?:adherence|compliance) (?:to|with) "
                              r"(?:(?:the|his|her|their) )?(?:hemo)?dialysis\b", re.I)


def missed_dialysis(note: str, analysis: NoteAnalysis) -> tuple[str, int, int] | None:
    """(Z91.151 or Z91.158, start, end) when a sentence tells dialysis sessions the patient missed: financial hardship
    as the reason, or another (Z91.15-, noncompliance with renal dialysis)."""
    for sent in analysis.sentences_matching(_MISSED_DIALYSIS):
        text = note[sent.start:sent.end]
        said = _MISSED_DIALYSIS.search(text)
        if said is None or analysis.context_at(sent.start + said.start(), sent.start + said.end()) & {
                "negated", "hypothetical", "family"}:
            continue
        code = "Z91.151" if _FINANCIAL.search(text) else "Z91.158"
        return code, sent.start + said.start(), sent.start + said.end()
    return None


def drug_class_stems(text: str) -> list[tuple[str, int]]:
    """(adverse-effect code stem, position) of each drug class ``text`` names, first mention each."""
    out: list[tuple[str, int]] = []
    for rx, stem in _CLASSES:
        m = rx.search(text)
        if m is not None:
            out.append((stem, m.start()))
    return out


def adverse_effect_codes(note: str, analysis: NoteAnalysis, seventh: str = "A",
                         inpatient: bool = False) -> list[tuple[str, int, int]]:
    """(code, start, end) of each drug class the note says caused a reaction, properly taken. In an inpatient
    record a cause the discharge calls likely or probable is coded as if established (guideline II.H)."""
    # (the prompt's candidates, the Z codes and the drug-induced rule all ask)
    found = analysis.once(("adverse_effect_codes", seventh, inpatient),
                          lambda: _adverse_effect_codes(note, analysis, seventh, inpatient))
    return list(analysis.once(("adverse_effect_classes", seventh, inpatient), lambda: _first_of_each_class(found)))


def _first_of_each_class(found: list[tuple[str, int, int]]) -> tuple[tuple[str, int, int], ...]:
    seen: set[str] = set()
    out = []
    for f in found:
        if f[0][:-1] not in seen:
            seen.add(f[0][:-1])
            out.append(f)
    return tuple(out)


def drug_cause_sentences(note: str, analysis: NoteAnalysis, inpatient: bool = False) -> list[int]:
    """The starts of the sentences that name a drug as the cause of what they describe, every one of them
    ("Carboplatin-induced thrombocytopenia" in the story, "Chemo-induced peripheral neuropathy" in the assessment);
    in an inpatient record a cause the discharge calls likely or questions too (II.H)."""
    found = analysis.once(("adverse_effect_codes", "A", inpatient),
                          lambda: _adverse_effect_codes(note, analysis, "A", inpatient))
    return sorted({analysis.sentence_at(start).start for _code, start, _end in found})


# (not the parenthesis of a list's letter: "attributed to (a) naproxen, taken as directed, and (b) H. pylori")
_CLAUSE_END = re.compile(r"[:;]|(?<!\([a-z0-9])\)", re.I)


def _clause_end(text: str, start: int, limit: int) -> int:
    end = _CLAUSE_END.search(text, start, limit)
    return end.start() if end else limit


def _adverse_effect_codes(note: str, analysis: NoteAnalysis, seventh: str, inpatient: bool) -> list[tuple[str, int, int]]:
    out: list[tuple[str, int, int]] = []
    classes: set[str] = set()   # the code stems' first five characters read so far ("T39.3")
    unsure = {"negated", "hypothetical", "family"} | (set() if inpatient else {"uncertain"})
    for sent in analysis.sentences_matching(_CAUSED):
        text = note[sent.start:sent.end]
        if _POISONING.search(text):
            continue
        # the drug is what the cause words name: just after them ("adverse effect of lisinopril",
        # "due to clozapine") or just before "induced" ("lisinopril-induced"); the drug's own words are not
        # negated, possible, a relative's or planned ("no severe events, due to glipizide" still names it)
        # (up to the clause's end: "provoked by the metastasis): levetiracetam 750 mg" names its treatment)
        # ("steroid-related", "steroid related" name it before, as "induced" does)
        # ("ibuprofen 800 mg TID as prescribed (adverse effect, taken correctly)": a parenthesis that says it of the
        # drug before it)
        # ("Gabapentin - no side effects": cause words the note denies name no reaction)
        causes = [c for c in _CAUSED.finditer(text)
                  if "negated" not in analysis.context_at(sent.start + c.start(), sent.start + c.end())]
        windows = [(c.end(), _clause_end(text, c.end(), c.end() + 45)) if c.group(0).lower() not in _NAMED_BEFORE
                   else (max(0, c.start() - 30), c.start()) for c in causes]
        windows += [(max(0, c.start() - 80), c.start()) for c in causes
                    if re.search(r"\(\s*$", text[max(0, c.start() - 3):c.start()])]
        # ("Inhaled corticosteroid side effects (hoarseness)", "statin side effects": the drug before the words)
        windows += [(max(0, c.start() - 30), c.start()) for c in causes
                    if re.match(r"side[- ]effects?", c.group(0), re.I)]
        for rx, stem in _CLASSES:
            # ("DKA due to insulin pump failure": the drug's device failed, not the drug taken as prescribed)
            m = next((m for lo, hi in windows for m in rx.finditer(text, lo, hi)
                      if not analysis.context_at(sent.start + m.start(), sent.start + m.end()) & unsure
                      and not _DEVICE_AFTER.match(text, m.end())), None)
            if m and stem == "T39.395" and m.group(0).lower().startswith("nsaid") \
                    and "T39.3" in classes:
                continue   # "NSAID-associated - ibuprofen ...": the drug named is the NSAID
            if m:   # (each sentence that names it: the callers keep the first of a class)
                out.append((stem + seventh, sent.start + m.start(), sent.start + m.end()))
                classes.add(stem[:5])
    return out


_DRUG_INDUCED = re.compile(r"\bdrug[- ]induced\b|\bdue to (?:drugs?|medicaments)\b|\binduced by (?:other )?drugs?\b",
                           re.I)
# the Alphabetic Index's drug-induced code where the tabular's title does not say so: Thrombocytopenia, due to drugs
# D69.59 ("Other secondary thrombocytopenia"); Neutropenia, drug induced D70.2 ("Other drug-induced agranulocytosis")
_INDEX_DRUG_INDUCED = {"D69": "D69.59", "D70": "D70.2"}
_TITLE_FILLER = frozenset({"other", "unspecified", "specified", "without", "with", "acute", "chronic", "disease",
                           "disorder"})


@lru_cache(maxsize=512)
def drug_induced_code(code: str, icd) -> str | None:
    """The billable code of ``code``'s category that names the condition as drug-induced, by its title or
    an inclusion term (K52.9 -> K52.1 "Drug-induced gastroenteritis and colitis"), or None. The code names the same
    condition: "Other pancytopenia" is no "Drug-induced aplastic anemia" (D61.1), but "Other drug-induced
    pancytopenia" (D61.811)."""
    title = icd.title(code) or ""
    if _DRUG_INDUCED.search(title) or re.search(r"\blevel\b|\bdue to\b|\binduced\b", title, re.I):
        # already drug-induced, or due to a cause of its own ("Anemia due to antineoplastic chemotherapy", D64.81,
        # is no sideroblastic anemia due to drugs); or a level beside the condition (E16.A1), not the condition
        return None
    if (indexed := _INDEX_DRUG_INDUCED.get(code[:3])) is not None:
        return indexed if indexed != code and icd.is_billable(indexed) else None
    names = {w for w in re.findall(r"[a-z]{5,}", title.lower()) if w not in _TITLE_FILLER}
    found = []
    for other in icd.billable_descendants(code[:3]):
        entry = icd.get(other)
        texts = (entry.title, *entry.inclusion_terms) if entry is not None else ()
        if any(_DRUG_INDUCED.search(t) for t in texts) \
                and (not names or any(w in t.lower() for t in texts for w in names)):
            found.append(other)
    # the site and side the code already names stay ("Idiopathic gout, right ankle and foot", M10.071: the
    # drug-induced gout of that site, M10.271, not the category's first, the right shoulder's)
    return next((o for o in found if len(code) > 5 and o[5:] == code[5:]), found[0] if found else None)


# A poisoning: the drug taken in error, in excess, by someone it was not prescribed to, or with intent
# ("took 30 tablets", not a dose, "took 400 mg ibuprofen", nor the usual one or two: "took 2 Tylenol")
_POISONED = re.compile(r"\b(?:poisoning|overdosed?|ingestion|ingested|swallowed|took (?:too many|extra|"
                       r"(?:[4-9]|\d{2,})\b(?![.,]\d|\s*(?:mg|mcg|µg|g|gm|grams?|ml|units?|iu|%|puffs?)\b)))", re.I)
# the intent, by I.C.19.e.5.b: unknown or unspecified intent is coded accidental ("intent unknown" too);
# "undetermined" only when the note says the intent cannot be determined
_INTENTS = ((re.compile(r"\b(?:intentional|suicid\w*|self[- ]harm|deliberate|want(?:ed|s)? to (?:die|kill (?:him|her|them)"
                        r"sel(?:f|ves)|end (?:his|her|their|my) life)|to (?:end (?:his|her|their|my) life|kill "
                        r"(?:him|her|them|my)sel(?:f|ves)))", re.I), "2"),
            (re.compile(r"\bassault\w*|\bpoisoned by (?:another|someone)\b", re.I), "3"),
            (re.compile(r"\bundetermined intent\b|\bintent (?:is |was )?(?:undetermined|indeterminate|cannot be "
                        r"determined|could not be determined)\b", re.I), "4"))
_ACCIDENTAL = re.compile(r"\b(?:accidental\w*|un-?intentional\w*|non-?intentional|exploratory)\b", re.I)


def sixth_character(code: str) -> str | None:
    """The 6th character of a poisoning, adverse-effect, underdosing or toxic-effect code (T36-T65): 1-4 the intent,
    5 an adverse effect, 6 an underdosing (T42.4X2A, T40.602A; T58.02XA keeps its placeholder after it), else None."""
    if not ("T36" <= code[:3] <= "T65") or len(code) < 7:
        return None
    return code[5] if code[6] == "X" else code[6]


def underdosing_codes(note: str, analysis: NoteAnalysis, seventh: str = "A") -> list[tuple[str, int, int]]:
    """(code, start, end) of each drug class a sentence says was taken less than prescribed or not delivered
    (T36-T50, 6th character 6: "ran out of furosemide", "underdosing of insulin")."""
    return list(analysis.once(("underdosing_codes", seventh), lambda: _underdosing_codes(note, analysis, seventh)
                              if _UNDERDOSED.search(note) else []))


def _told(note: str, analysis: NoteAnalysis, trigger: re.Pattern, contexts: set[str]):
    """(sentence, its text, the trigger's match) of each sentence whose trigger words ("ran out of", "overdose")
    stand outside ``contexts``."""
    for sent in analysis.sentences_matching(trigger):
        text = note[sent.start:sent.end]
        said = trigger.search(text)
        # (read at the trigger's first word: the "not" inside "has not taken" negates nothing before it)
        first = re.match(r"\S+", text[said.start():]) if said is not None else None
        if said is not None and not analysis.context_at(sent.start + said.start(),
                                                        sent.start + said.start() + first.end()) & contexts:
            yield sent, text, said


def _underdosed(note: str, analysis: NoteAnalysis):
    """The sentences that tell an underdosing (a relative's words count when the relative gives the drugs: "Mom
    forgot to refill the fluticasone")."""
    for sent, text, said in _told(note, analysis, _UNDERDOSED, {"negated", "hypothetical", "uncertain"}):
        if "family" not in analysis.context_at(sent.start + said.start(), sent.start + said.end()) \
                or _CAREGIVER.search(text):
            yield sent, text, said


def _underdosing_codes(note: str, analysis: NoteAnalysis, seventh: str) -> list[tuple[str, int, int]]:
    out: list[tuple[str, int, int]] = []
    for sent, text, said in _underdosed(note, analysis):
        for rx, stem in _CLASSES:
            # the drug the words say ran out ("pAF on apixaban ... after running out of torsemide": torsemide),
            # named in them ("interrupted insulin delivery"), just after them or just before ("insulin not taken")
            back = 100 if _POINTS_BACK.match(said.group(0)) else 30
            m = rx.search(text, said.start(), said.end() + 40) or rx.search(text, max(0, said.start() - back),
                                                                              said.start())
            # (negated by other words than the trigger's own: "has not taken lisinopril" names the drug not taken)
            if m is None or any(span.kind == "negated" and not (sent.start + said.start() <= span.start
                                                                 < sent.start + said.end())
                                for span in analysis.spans_overlapping(sent.start + m.start(), sent.start + m.end())):
                continue
            code = stem[:-1] + "6" + seventh
            if all(c != code for c, _, _ in out):
                out.append((code, sent.start + m.start(), sent.start + m.end()))
    return out


# The intent of an underdosing ("Noncompliance (Z91.12-, Z91.13-, Z91.14-) ... to indicate intent, if known",
# I.C.19.e.5.c), read in the sentence that tells it
_FINANCIAL = re.compile(r"\b(?:afford\w*|cost\w*|expensive|financial\w*|copay\w*|insurance (?:lapse|lapsed|denied|issue)\w*|"
                        r"(?:could|can)(?:n't| ?not| no longer) pay|lost (?:his |her |their )?(?:job and )?insurance)\b",
                        re.I)
_INTENDED = re.compile(r"\b(?:chose|decided|intentional(?:ly)?|on purpose|did(?:n't| not) want|self[- ]discontinu\w*|"
                       r"stopped (?:\w+ ){0,2}?(?:herself|himself|themselves|on (?:her|his|their) own)|"
                       r"to (?:save|stretch)|ration\w*|stopped taking (?:it |them )?because)\b", re.I)
_UNINTENDED = re.compile(r"\b(?:forg[eo]t\w*|unintentional(?:ly)?|confus\w*|misunderst\w*|did(?:n't| not) realize|by mistake|"
                         r"mix-?up)\b", re.I)
# the patient's own doing with no intent told ("ran out of amlodipine 4 days ago"): other noncompliance (Z91.14-)
_NONCOMPLIANT = re.compile(r"\b(?:ran out|run out|running out|missed|skipp\w+|stopped taking|not taking)\b", re.I)
# (a child's parent gives the child's drugs: "Mom forgot to refill the fluticasone")
_CAREGIVER = re.compile(r"\b(?:caregiver'?s?|care giver'?s?|daughter'?s?|son'?s|wife'?s?|husband'?s?|spouse'?s?|"
                        r"(?:home )?aide'?s?|facility staff|mom'?s?|mother'?s?|dad'?s?|father'?s?|parents?'?s?|"
                        r"grandm\w+|guardian'?s?)\b", re.I)
_DEBILITY = re.compile(r"\b(?:dementia|memory (?:loss|impairment|problems?)|cognitive (?:impairment|decline)|"
                       r"age-related)\b", re.I)


def underdosing_intent(note: str, analysis: NoteAnalysis) -> tuple[str, int, int] | None:
    """The Z91.12-/Z91.13-/Z91.14- code of the intent an underdosing's own sentence tells (other noncompliance when
    it tells the patient's doing but no intent), or None when it tells none. Of several sentences, the one that tells
    an intent ("ran out of levetiracetam 4 days ago" in the story, "stopped taking because of cost" in the
    assessment: Z91.120)."""
    told = None
    for sent, text, said in _underdosed(note, analysis):
        if _CAREGIVER.search(text):   # the caregiver's doing (Z91.A2-, Z91.A3, Z91.A4-)
            code = "Z91.A20" if _FINANCIAL.search(text) else "Z91.A28" if _INTENDED.search(text) else \
                "Z91.A3" if _UNINTENDED.search(text) else "Z91.A48"
        elif _FINANCIAL.search(text):
            code = "Z91.120"
        elif _INTENDED.search(text):
            code = "Z91.128"
        elif _UNINTENDED.search(text):
            code = "Z91.130" if _DEBILITY.search(text) else "Z91.138"
        elif _NONCOMPLIANT.search(text):
            code = "Z91.148"
        else:
            continue   # a pump's interrupted delivery is no noncompliance of the patient's
        if code not in ("Z91.148", "Z91.A48"):
            return code, sent.start + said.start(), sent.start + said.end()
        told = told or (code, sent.start + said.start(), sent.start + said.end())
    return told


def poisoning_codes(note: str, analysis: NoteAnalysis, seventh: str = "A") -> list[tuple[str, int, int]]:
    """(code, start, end) of each drug class a sentence says was taken as a poisoning (an overdose, an
    accidental ingestion), with the intent the sentence gives (accidental when it gives none)."""
    # (the prompt's candidates, the external causes and the Z codes all ask)
    return list(analysis.once(("poisoning_codes", seventh), lambda: _poisoning_codes(note, analysis, seventh)
                              if _POISONED.search(note) else []))


def _intent(text: str) -> str | None:
    """The intent digit a text states (accidental, self-harm, assault, undetermined), or None."""
    return "1" if _ACCIDENTAL.search(text) else next((d for rx, d in _INTENTS if rx.search(text)), None)


_PAST_EVENT = re.compile(r"(?i)prior|previous|past|history of|hx of|h/o")
# an aside on the drug's course as a treatment: "(started on fluoxetine 2 mo ago, stopped it herself 3 wk ago)"
_THERAPY_WORDS = re.compile(r"(?i)\b(?:started|stopped|quit|prescribed|discontinued|switched|tapered|titrated|"
                            r"restarted|held)\b")


_A_YEAR = re.compile(r"(?:19|20)\d\d$")
# the poisoning's words go on to name what was taken: "overdose of", "ingestion of her", "took 30 tablets of"
_NAMED_AFTER = re.compile(r"(?:\s+\w+){0,2}?\s+of\b", re.I)
_POISON_CLAUSE_END = re.compile(r"[;.\n]|\s-\s", re.I)
_ANY_DRUG = re.compile("|".join(rx.pattern for rx, _ in _CLASSES), re.I)


def _named_upto(text: str, start: int) -> int:
    """Where the drugs an "overdose of ..." names end: the clause's end, or a comma that no further drug of the list
    follows ("overdose of lorazepam, zolpidem and sertraline" names three; "... lorazepam, mood worse after she
    stopped duloxetine" one)."""
    clause = _POISON_CLAUSE_END.search(text, start)
    upto = clause.start() if clause is not None else len(text)
    for comma in re.finditer(",", text[start:upto]):
        at = start + comma.end()
        nxt = _ANY_DRUG.search(text, at, upto)
        if nxt is None or nxt.start() - at > 20:
            return start + comma.start()
    return upto


def _therapy_aside(text: str, drug: re.Match, said: re.Match) -> bool:
    """``drug`` stands in a parenthesis, away from the poisoning's words, that tells its course as a treatment."""
    opened, closed = text.rfind("(", 0, drug.start()), text.find(")", drug.end())
    if opened < 0 or closed < 0 or text.rfind(")", 0, drug.start()) > opened or opened <= said.start() < closed:
        return False
    return _THERAPY_WORDS.search(text, opened, closed) is not None


def _poisoning_codes(note: str, analysis: NoteAnalysis, seventh: str) -> list[tuple[str, int, int]]:
    out: list[tuple[str, int, int]] = []
    told: set[str] = set()   # the classes whose intent a sentence stated
    # (the words of the poisoning itself: "ingestion of grandmother's medication" is the child's)
    for sent, text, said in _told(note, analysis, _POISONED, {"negated", "hypothetical", "uncertain"}):
        if any(sp.kind == "history" and (_PAST_EVENT.fullmatch(sp.trigger) or _A_YEAR.search(sp.trigger))
               for sp in analysis.spans_overlapping(sent.start + said.start(), sent.start + said.end())):
            # ("on sertraline daily; one prior suicide attempt by overdose", "second episode 2019 with a suicide
            # attempt by overdose"): a past poisoning, not this one
            continue
        stated = _intent(text)
        if stated is None:
            # "... swallowed thirty tablets. She tells me she took them because she wanted to die.": the next
            # sentence tells the same event's intent
            after = analysis.sentence_at(sent.end + 1)
            stated = _intent(note[after.start:after.end]) if after is not None else None
        # "an overdose of his wife's zolpidem": the words name the drug taken; another drug of the sentence
        # ("remitted on venlafaxine, which he stopped") is his treatment's
        named = _NAMED_AFTER.match(text, said.end())
        upto = _named_upto(text, said.end()) if named is not None else len(text)
        for rx, stem in _CLASSES:
            m = next((m for m in rx.finditer(text)
                      if not analysis.context_at(sent.start + m.start(), sent.start + m.end()) & {"negated"}
                      and not _therapy_aside(text, m, said)
                      and (named is None or said.start() <= m.start() < upto)), None)
            if m is None:
                continue
            code = stem[:-1] + (stated or "1") + seventh
            same = [i for i, (c, _, _) in enumerate(out) if c[:-2] == code[:-2]]
            if same and (stem in told or stated is None):
                continue
            # quoted from the drug to the poisoning word ("clonidine poisoning"): the drug's name alone
            # may stand elsewhere too (the relative's medication list)
            lo, hi = min(m.start(), said.start()), max(m.end(), said.end())
            if hi - lo > 80:
                lo, hi = m.start(), m.end()
            if same:   # an intent stated later for a class first read without one
                out[same[0]] = (code, sent.start + lo, sent.start + hi)
            else:
                out.append((code, sent.start + lo, sent.start + hi))
            if stated is not None:
                told.add(stem)
        # a drug taken with alcohol: the interaction is a poisoning, the alcohol's toxic effect coded beside the
        # drug's (I.C.19.e.5.b; Table of Drugs: Alcohol, ethyl T51.0X-)
        alcohol = _WITH_ALCOHOL.search(text)
        if alcohol and any(c[:3] != "T51" for c, _, _ in out) and all(c[:5] != "T51.0" for c, _, _ in out):
            out.append((f"T51.0X{stated or '1'}{seventh}", sent.start + alcohol.start(), sent.start + alcohol.end()))
    return out


# (not "a patient with alcohol use disorder": the drinking is the disorder's, not taken with the drug)
_WITH_ALCOHOL = re.compile(r"\b(?:(?:taken |combined |mixed )?with (?:alcohol|ethanol|etoh|wine|beer|liquor)"
                           r"(?! (?:use|abuse|dependence|withdrawal|intoxication|history|related))|"
                           r"(?:drug|medication)[- ](?:alcohol|ethanol) interaction|and (?:alcohol|ethanol|etoh) "
                           r"(?:ingestion|co-?ingestion|together))\b", re.I)
