"""Clinical abbreviations, lay phrases and word-level synonyms.

Shared by the encoder lookup (``codes/search.py``) and the offline engine's
candidate retrieval. Generic medical vocabulary only: nothing here is tuned to
any particular note.

- :data:`ABBREVIATIONS` maps a lower-case abbreviation to its expansions, the
  usual reading first.
- :data:`AMBIGUOUS` lists abbreviations that also mean something non-diagnostic
  (``PE`` physical exam, ``RA`` room air...): retrieval expands these only when
  they are written in capitals.
- :data:`PHRASES` maps lay or shorthand phrases to the wording ICD-10-CM uses.
- :data:`WORD_SYNONYMS` maps a word to words ICD titles use for the same thing
  (kidney -> renal), applied token by token.
- :data:`INDEX_TERMS` gives bare Alphabetic Index main terms their default code.
- :func:`american` respells British medical words ("haemorrhage" -> "hemorrhage").
- :data:`HISTORY_OF` and :data:`STATUS_TERMS` map a past condition to its history
  code and a named procedure, device or long-term drug to its status code.
"""

from __future__ import annotations

import re

ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    # cardiovascular
    "htn": ("hypertension",), "hld": ("hyperlipidemia",), "hlp": ("hyperlipidemia",),
    "chf": ("congestive heart failure",), "hf": ("heart failure",),
    "hfref": ("heart failure with reduced ejection fraction", "systolic heart failure"),
    "hfpef": ("heart failure with preserved ejection fraction", "diastolic heart failure"),
    "cad": ("coronary artery disease", "atherosclerotic heart disease"),
    "ashd": ("atherosclerotic heart disease",), "mi": ("myocardial infarction",),
    "ami": ("acute myocardial infarction",), "stemi": ("st elevation myocardial infarction",),
    "nstemi": ("non st elevation myocardial infarction",), "acs": ("acute coronary syndrome",),
    "afib": ("atrial fibrillation",), "a-fib": ("atrial fibrillation",), "af": ("atrial fibrillation",),
    "aflutter": ("atrial flutter",), "svt": ("supraventricular tachycardia",),
    "vtach": ("ventricular tachycardia",), "vt": ("ventricular tachycardia",), "vfib": ("ventricular fibrillation",),
    "dvt": ("deep vein thrombosis",), "pe": ("pulmonary embolism",), "vte": ("venous thromboembolism",),
    "pvd": ("peripheral vascular disease",), "pad": ("peripheral arterial disease",),
    "aaa": ("abdominal aortic aneurysm",), "cva": ("cerebral infarction", "stroke"),
    "tia": ("transient ischemic attack",), "cabg": ("coronary artery bypass graft",),
    "pci": ("percutaneous coronary intervention",), "lvh": ("left ventricular hypertrophy",),
    "avb": ("atrioventricular block",), "rbbb": ("right bundle branch block",),
    "lbbb": ("left bundle branch block",), "mvp": ("mitral valve prolapse",), "as": ("aortic stenosis",),
    "hocm": ("hypertrophic obstructive cardiomyopathy",), "sss": ("sick sinus syndrome",),
    # endocrine / metabolic
    "dm": ("diabetes mellitus",), "dm1": ("type 1 diabetes mellitus",), "dm2": ("type 2 diabetes mellitus",),
    "t1dm": ("type 1 diabetes mellitus",), "t2dm": ("type 2 diabetes mellitus",),
    "iddm": ("type 1 diabetes mellitus",), "niddm": ("type 2 diabetes mellitus",),
    "dka": ("diabetic ketoacidosis",), "hhs": ("hyperosmolar hyperglycemic state",),
    "gdm": ("gestational diabetes mellitus",),
    "hypothyroid": ("hypothyroidism",), "hyperthyroid": ("hyperthyroidism",),
    "pcos": ("polycystic ovary syndrome",), "bmi": ("body mass index",),
    # respiratory
    "copd": ("chronic obstructive pulmonary disease",), "aecopd": ("chronic obstructive pulmonary disease with acute exacerbation",),
    "osa": ("obstructive sleep apnea",), "uri": ("upper respiratory infection",),
    "uti": ("urinary tract infection",), "cap": ("community acquired pneumonia", "pneumonia"),
    "pna": ("pneumonia",), "ards": ("acute respiratory distress syndrome",), "sob": ("shortness of breath",),
    "doe": ("dyspnea on exertion",), "tb": ("tuberculosis",), "ild": ("interstitial lung disease",),
    "rad": ("reactive airway disease",), "ptx": ("pneumothorax",),
    # renal / urology
    "ckd": ("chronic kidney disease",), "esrd": ("end stage renal disease",), "aki": ("acute kidney injury",),
    "arf": ("acute renal failure",), "bph": ("benign prostatic hyperplasia",), "luts": ("lower urinary tract symptoms",),
    "ed": ("erectile dysfunction",), "hd": ("hemodialysis",),
    # gastrointestinal / hepatic
    "gerd": ("gastro-esophageal reflux disease",), "gi": ("gastrointestinal",),
    "gib": ("gastrointestinal hemorrhage",), "ugib": ("upper gastrointestinal hemorrhage",),
    "lgib": ("lower gastrointestinal hemorrhage",), "ibs": ("irritable bowel syndrome",),
    "ibd": ("inflammatory bowel disease",), "uc": ("ulcerative colitis",), "pud": ("peptic ulcer disease",),
    "nafld": ("nonalcoholic fatty liver disease",), "nash": ("nonalcoholic steatohepatitis",),
    "sbo": ("small bowel obstruction",), "n/v": ("nausea with vomiting",), "nv": ("nausea with vomiting",),
    "n/v/d": ("nausea vomiting diarrhea",), "hcv": ("hepatitis c",), "hbv": ("hepatitis b",),
    "cp": ("chest pain",), "abd": ("abdominal",),
    # neuro / psych
    "ms": ("multiple sclerosis",), "als": ("amyotrophic lateral sclerosis",), "sah": ("subarachnoid hemorrhage",),
    "ich": ("intracerebral hemorrhage",), "tbi": ("traumatic brain injury",), "loc": ("loss of consciousness",),
    "mdd": ("major depressive disorder",), "gad": ("generalized anxiety disorder",),
    "adhd": ("attention deficit hyperactivity disorder",), "ptsd": ("post-traumatic stress disorder",),
    "ocd": ("obsessive compulsive disorder",), "aud": ("alcohol use disorder", "alcohol dependence"),
    "etoh": ("alcohol",), "ha": ("headache",), "sz": ("seizure",), "pd": ("parkinson disease",),
    "ad": ("alzheimer disease",),
    # musculoskeletal
    "oa": ("osteoarthritis",), "ra": ("rheumatoid arthritis",), "djd": ("degenerative joint disease", "osteoarthritis"),
    "ddd": ("degenerative disc disease",), "lbp": ("low back pain",), "fx": ("fracture",), "fxs": ("fractures",),
    "sle": ("systemic lupus erythematosus",), "acl": ("anterior cruciate ligament",),
    "orif": ("open reduction internal fixation",), "tka": ("total knee arthroplasty",),
    "tha": ("total hip arthroplasty",),
    # infection / heme / onc
    "hiv": ("human immunodeficiency virus",), "cmv": ("cytomegaloviral disease",), "aids": ("acquired immunodeficiency syndrome",),
    "mrsa": ("methicillin resistant staphylococcus aureus",), "cdiff": ("clostridium difficile",),
    "c.diff": ("clostridium difficile",), "std": ("sexually transmitted disease",),
    "sti": ("sexually transmitted infection",), "ida": ("iron deficiency anemia",),
    "cll": ("chronic lymphocytic leukemia",), "cml": ("chronic myeloid leukemia",),
    "aml": ("acute myeloid leukemia",), "all": ("acute lymphoblastic leukemia",),
    "nhl": ("non-hodgkin lymphoma",), "nsclc": ("non-small cell lung cancer",), "ca": ("cancer", "carcinoma"),
    "mets": ("metastases",), "hcc": ("hepatocellular carcinoma",), "rcc": ("renal cell carcinoma",),
    "bcc": ("basal cell carcinoma",), "scc": ("squamous cell carcinoma",), "itp": ("immune thrombocytopenic purpura",),
    "dic": ("disseminated intravascular coagulation",), "sirs": ("systemic inflammatory response syndrome",),
    # general / other
    "hx": ("history",), "h/o": ("history of",), "s/p": ("status post",), "pmh": ("past medical history",),
    "fhx": ("family history",), "w/": ("with",), "w/o": ("without",), "c/o": ("complains of",),
    "b/l": ("bilateral",), "bilat": ("bilateral",), "rt": ("right",), "lt": ("left",), "r": ("right",),
    "l": ("left",), "lle": ("left lower extremity",), "rle": ("right lower extremity",),
    "lue": ("left upper extremity",), "rue": ("right upper extremity",), "llq": ("left lower quadrant",),
    "rlq": ("right lower quadrant",), "ruq": ("right upper quadrant",), "luq": ("left upper quadrant",),
    "init": ("initial encounter",), "subsq": ("subsequent encounter",), "seq": ("sequela",),
    "er": ("emergency",), "yo": ("year old",),
    "f/u": ("follow up",), "sx": ("symptoms",), "dx": ("diagnosis",), "tx": ("treatment",),
    "abx": ("antibiotics",), "ams": ("altered mental status",), 
    "bp": ("blood pressure",), "hr": ("heart rate",), "wbc": ("white blood cell",),
    "rbc": ("red blood cell",), "hgb": ("hemoglobin",), "plt": ("platelets",), "hepb": ("hepatitis b",),
    "hepc": ("hepatitis c",), "bmp": ("basic metabolic panel",), "cbc": ("complete blood count",),
    "cmp": ("comprehensive metabolic panel",), "ekg": ("electrocardiogram",), "ecg": ("electrocardiogram",),
    "cxr": ("chest x-ray",), "ct": ("computed tomography",), "mri": ("magnetic resonance imaging",),
    "us": ("ultrasound",), "echo": ("echocardiogram",), "dme": ("durable medical equipment",),
    "iv": ("intravenous",), "im": ("intramuscular",), "sq": ("subcutaneous",), "po": ("oral",),
    "ppd": ("packs per day",), "otc": ("over the counter",), "ivf": ("intravenous fluids",),
    "lft": ("liver function test",), "lfts": ("liver function tests",),
}

# Abbreviations that also read as ordinary words or non-diagnostic shorthand;
# in running note text they are expanded only when written in capitals.
AMBIGUOUS = frozenset({
    "pe", "ra", "ms", "as", "all", "ad", "pd", "ed", "er", "us", "ca", "cap", "hd", "af", "ha", "l", "r",
    "lt", "rt", "im", "po", "sq", "iv", "mi", "vt", "hf", "cp", "gi", "loc", "sob", "echo", "pad", "rad",
    "std", "hr", "bp", "seq", "init", "yo", "ct", "tx", "dx", "sx",
})

# Lay or shorthand phrases -> the wording of ICD-10-CM titles.
PHRASES: dict[str, str] = {
    "high blood pressure": "hypertension", "elevated blood pressure": "elevated blood pressure reading",
    "low blood pressure": "hypotension", "heart attack": "myocardial infarction",
    "sugar diabetes": "diabetes mellitus", "high sugar": "hyperglycemia",
    "low sugar": "hypoglycemia", "low blood sugar": "hypoglycemia", "high blood sugar": "hyperglycemia",
    "kidney stones": "calculus of kidney", "kidney stone": "calculus of kidney",
    "gallstones": "calculus of gallbladder", "gallstone": "calculus of gallbladder",
    "high cholesterol": "hypercholesterolemia", "stroke": "cerebral infarction",
    "mini stroke": "transient cerebral ischemic attack", 
    "water pills": "diuretics", "irregular heartbeat": "cardiac arrhythmia", "racing heart": "palpitations",
    "fast heart rate": "tachycardia", "slow heart rate": "bradycardia", "shortness of breath": "shortness of breath",
    "short of breath": "shortness of breath", "trouble breathing": "dyspnea", "difficulty breathing": "dyspnea",
    "belly pain": "abdominal pain", "stomach ache": "abdominal pain", "stomach pain": "abdominal pain",
    "tummy ache": "abdominal pain", "heartburn": "gastro-esophageal reflux disease", "acid reflux": "gastro-esophageal reflux disease",
    "throwing up": "vomiting", "threw up": "vomiting", "the runs": "diarrhea", "loose stools": "diarrhea",
    "blood in urine": "hematuria", "blood in the urine": "hematuria", "blood in stool": "blood in stool",
    "bladder infection": "cystitis", "kidney infection": "pyelonephritis", "pink eye": "conjunctivitis",
    "strep throat": "streptococcal pharyngitis", "sore throat": "pharyngitis", "common cold": "acute nasopharyngitis",
    "cold sore": "herpes simplex", "shingles": "zoster", "chicken pox": "varicella", "flu": "influenza",
    "broken": "fracture", "sprained": "sprain",
    "bone thinning": "osteoporosis", "brittle bones": "osteoporosis", "wear and tear arthritis": "osteoarthritis",
    "lower back pain": "low back pain", "low back pain": "low back pain", "back pain": "dorsalgia", "neck pain": "cervicalgia",
    "pinched nerve": "radiculopathy", "sciatica": "sciatica", "frozen shoulder": "adhesive capsulitis",
    "tennis elbow": "lateral epicondylitis", "golfer's elbow": "medial epicondylitis",
    "carpal tunnel": "carpal tunnel syndrome", "memory loss": "amnesia", "fainting": "syncope",
    "passed out": "syncope", "blackout": "syncope", "dizzy": "dizziness", "fits": "seizures",
    "bed sore": "pressure ulcer", "bedsore": "pressure ulcer", "pressure sore": "pressure ulcer",
    "underactive thyroid": "hypothyroidism", "overactive thyroid": "hyperthyroidism",
    "enlarged prostate": "benign prostatic hyperplasia", "overweight": "overweight", "obese": "obesity",
    "morbidly obese": "morbid obesity", "smoker": "nicotine dependence cigarettes", "smoking": "nicotine dependence",
    "tobacco use": "nicotine dependence", "alcoholism": "alcohol dependence", "alcoholic": "alcohol dependence",
    "drinking problem": "alcohol abuse", "drug abuse": "drug abuse", "depressed": "depression",
    "anxious": "anxiety", "panic attacks": "panic disorder", "yellow skin": "jaundice", "itching": "pruritus",
    "itchy": "pruritus", "rash": "rash", "hives": "urticaria", "swelling": "edema", "swollen": "edema",
    "fluid retention": "edema", "hair loss": "alopecia", "nosebleed": "epistaxis", "nose bleed": "epistaxis",
    "ringing in the ears": "tinnitus", "hearing loss": "hearing loss", "ear infection": "otitis media",
    "sinus infection": "sinusitis", "chest cold": "bronchitis", "lung infection": "pneumonia",
    "blood clot": "thrombosis", "clot in the leg": "deep vein thrombosis", "clot in lung": "pulmonary embolism",
    "low iron": "iron deficiency anemia", "low platelets": "thrombocytopenia", "low potassium": "hypokalemia",
    "high potassium": "hyperkalemia", "low sodium": "hyponatremia", "high sodium": "hypernatremia",
    "weight loss": "weight loss", "loss of appetite": "anorexia", "not eating": "anorexia",
    "tiredness": "fatigue", "weakness": "weakness", "fever": "fever",
    "night sweats": "night sweats", "fell": "fall", "fall": "fall", "dog bite": "bitten by dog",
    "bug bite": "insect bite", "sunburn": "sunburn", "gash": "laceration",
    "scrape": "abrasion", "bruise": "contusion", "bruising": "contusion", "concussion": "concussion",
    "pregnant": "pregnancy", "morning sickness": "nausea and vomiting of pregnancy",
    "miscarriage": "spontaneous abortion", "period pain": "dysmenorrhea", "painful periods": "dysmenorrhea",
    "heavy periods": "menorrhagia", "yeast infection": "candidiasis", "tooth decay": "dental caries",
    "cavities": "dental caries", "lazy eye": "amblyopia", "cross eyed": "strabismus",
    "nearsighted": "myopia", "farsighted": "hypermetropia", "cataracts": "cataract",
    "type ii": "type 2", "type i": "type 1", "type two": "type 2", "type one": "type 1",
    "stage iii": "stage 3", "stage iv": "stage 4", "stage ii": "stage 2", "stage v": "stage 5",
    "stage 3a": "stage 3a", "stage 3b": "stage 3b", "first episode": "initial encounter",
    "new patient": "new patient", "esophageal reflux": "gastro-esophageal reflux disease", "diabetic": "diabetes mellitus",
}

# Word -> the word(s) ICD-10-CM titles use for the same concept. Applied per token
# on both the index side and the query side so either spelling finds the other.
WORD_SYNONYMS: dict[str, tuple[str, ...]] = {
    "kidney": ("renal",), "renal": ("kidney",), "heart": ("cardiac",), "cardiac": ("heart",),
    "liver": ("hepatic",), "hepatic": ("liver",), "lung": ("pulmonary",), "pulmonary": ("lung",),
    "stomach": ("gastric",), "gastric": ("stomach",), "brain": ("cerebral",), "cerebral": ("brain",),
    "skin": ("cutaneous",), "bone": ("osseous",), "vein": ("venous",), "venous": ("vein",),
    "artery": ("arterial",), "arterial": ("artery",), "bladder": ("vesical",), "eye": ("ocular",),
    "tumor": ("neoplasm",), "tumour": ("neoplasm",), "cancer": ("malignant", "neoplasm"),
    "carcinoma": ("malignant", "neoplasm"), "malignancy": ("malignant", "neoplasm"),
    "mass": ("neoplasm",), "metastasis": ("secondary", "malignant", "neoplasm"),
    "metastases": ("secondary", "malignant", "neoplasm"), "metastatic": ("secondary", "malignant", "neoplasm"),
    "stones": ("calculus",), "stone": ("calculus",),
    "lithiasis": ("calculus",), "breast": ("breast",), "anemic": ("anemia",), "anaemia": ("anemia",),
    "haemorrhage": ("hemorrhage",), "bleeding": ("hemorrhage",), "bleed": ("hemorrhage",),
    "oedema": ("edema",), "diarrhoea": ("diarrhea",), "oesophagus": ("esophagus",),
    "oesophageal": ("esophageal",), "tumors": ("neoplasm",), "leukaemia": ("leukemia",),
    "paediatric": ("pediatric",), "haematuria": ("hematuria",), "faecal": ("fecal",),
    "infection": ("infection", "infectious", "disease"), "infected": ("infection",), "sepsis": ("sepsis",),
    "septic": ("sepsis",), "fever": ("fever",), "pyrexia": ("fever",), "febrile": ("fever",),
    "obese": ("obesity",), "hypertensive": ("hypertension",), "diabetic": ("diabetes",),
    "asthmatic": ("asthma",), "epileptic": ("epilepsy",), "cirrhotic": ("cirrhosis",),
    "thrombus": ("thrombosis",), "clot": ("thrombosis",), "embolus": ("embolism",), "emboli": ("embolism",),
    "pneumonitis": ("pneumonitis",), "dyspnoea": ("dyspnea",), "breathlessness": ("dyspnea",),
    "vomit": ("vomiting",), "vomited": ("vomiting",), "nauseous": ("nausea",), "nauseated": ("nausea",),
    "itch": ("pruritus",), "painful": ("pain",), "ache": ("pain",), "aches": ("pain",), "sore": ("pain",),
    "hurt": ("pain",), "hurts": ("pain",), "fractured": ("fracture",), "broken": ("fracture",),
    "lacerated": ("laceration",), "bruised": ("contusion",), "dislocated": ("dislocation",),
    "enlarged": ("enlargement", "hypertrophy"), "swollen": ("swelling",), "inflamed": ("inflammation",),
    "ulcerated": ("ulcer",), "ulceration": ("ulcer",), "tumoral": ("neoplasm",), "neoplastic": ("neoplasm",),
    "tachycardic": ("tachycardia",), "bradycardic": ("bradycardia",), "hypoxic": ("hypoxemia",),
    "jaundiced": ("jaundice",), "icteric": ("jaundice",), "icterus": ("jaundice",),
    "leg": ("lower limb", "lower extremity"), "legs": ("lower limb", "lower extremity"),
    "arm": ("upper limb", "upper extremity"), "arms": ("upper limb", "upper extremity"),
    "limb": ("limb",), "distal": ("lower",), "proximal": ("upper",),
    "hip": ("hip", "femur"), "extremity": ("limb",), "extremities": ("limb",),
}

_TOKEN = re.compile(r"[a-z0-9]+(?:[/.'\-][a-z0-9]+)*/?")


def expansions(token: str) -> tuple[str, ...]:
    """Expansions of one abbreviation (case-insensitive); empty when it is not one."""
    return ABBREVIATIONS.get(token.lower(), ())


def expand_abbreviations(text: str, *, strict_case: bool = False) -> str:
    """``text`` with every known abbreviation replaced by its usual expansion.

    With ``strict_case`` (running note text), abbreviations in :data:`AMBIGUOUS`
    are expanded only when written in capitals ("PE" but not "pe").
    """
    def repl(m: re.Match[str]) -> str:
        word = m.group(0)
        key = word.lower()
        exp = ABBREVIATIONS.get(key)
        if not exp:
            return word
        if strict_case and key in AMBIGUOUS and not word.isupper():
            return word
        return exp[0]

    return re.sub(r"(?<![A-Za-z0-9])[A-Za-z0-9]+(?:[/.\-][A-Za-z0-9]+)*/?(?![A-Za-z0-9])", repl, text)


def apply_phrases(text: str) -> str:
    """Lower-case ``text`` with lay phrases replaced by the ICD wording (longest phrase first)."""
    return _PHRASE_RE.sub(lambda m: PHRASES[m.group(0)], text.lower())


_PHRASE_RE = re.compile(
    r"(?<![a-z0-9])(?:" + "|".join(re.escape(p) for p in sorted(PHRASES, key=len, reverse=True)) + r")(?![a-z0-9])"
)

# Single clinical words -> the multi-word ICD wording of the same finding. Retrieval
# adds these words next to the original (a note's "adenopathy" also reads as
# "enlarged lymph nodes"); lookup treats them like lay phrases.
TERM_EXPANSIONS: dict[str, str] = {
    "adenopathy": "enlarged lymph nodes", "adenopathies": "enlarged lymph nodes",
    "lymphadenopathy": "enlarged lymph nodes", "lymphadenopathies": "enlarged lymph nodes",
    "adenomegaly": "enlarged lymph nodes", "adenomegalies": "enlarged lymph nodes",
    "smoker": "nicotine dependence", "smoking": "nicotine dependence", "dyslipidemia": "hyperlipidemia",
    "hypercholesterolaemia": "hypercholesterolemia", "tachypnoea": "tachypnea", "tachypnea": "tachypnea",
    "feverish": "fever", "pyrexial": "fever", "haematoma": "hematoma", "lumbago": "low back pain",
    "lumbalgia": "low back pain", "cephalalgia": "headache", "cephalea": "headache", "emesis": "vomiting",
    "hyporexia": "anorexia", "asthenia": "asthenia", "oliguria": "oliguria", "anuria": "anuria",
    "nephrolithiasis": "calculus of kidney", "urolithiasis": "urinary calculus", "ureterolithiasis": "calculus of ureter",
    "cholelithiasis": "calculus of gallbladder", "renoureteral": "renal colic", "hydronephrosis": "hydronephrosis",
    "neoformation": "neoplasm", "neoplasia": "neoplasm", "tumoration": "neoplasm", "leukocytosis": "leukocytosis",
    "dysuria": "dysuria", "pollakiuria": "frequency of micturition", "nocturia": "nocturia",
    "hepatomegaly": "hepatomegaly", "splenomegaly": "splenomegaly", "diaphoresis": "hyperhidrosis",
    "sweating": "hyperhidrosis", "paresthesias": "paresthesia", "paraesthesia": "paresthesia",
    "hypoesthesia": "hypoesthesia", "jaundice": "jaundice", "pruritus": "pruritus", "cachexia": "cachexia",
    "pale": "pallor", "paleness": "pallor", "hemoptysis": "hemoptysis", "haemoptysis": "hemoptysis",
    "melena": "melena", "haematemesis": "hematemesis", "cytomegalovirus": "cytomegaloviral",
    "distension": "distension", "distention": "distension", "coli": "escherichia coli",
}

# Bare main terms of the ICD-10-CM Alphabetic Index and the code the index gives
# them when nothing more specific is said ("Infection" -> B99.9). Used only when
# no longer mention of the same words names a more specific code.
INDEX_TERMS: dict[str, str] = {
    "infection": "B99.9", "hematoma": "T14.8XXA", "wound": "T14.8XXA", "contusion": "T14.8XXA",
    "injury": "T14.90XA", "malignancy": "C80.1", "cancer": "C80.1", "carcinoma": "C80.1",
    "metastasis": "C79.9", "metastases": "C79.9", "illness": "R69", "disease": "R69", "pain": "R52",
    "colic": "R10.83", "edema": "R60.9", "oedema": "R60.9", "fever": "R50.9", "anemia": "D64.9",
    "vomiting": "R11.10", "nausea": "R11.0", "hypertension": "I10", "diabetes": "E11.9", "scar": "L90.5",
    "fibrosis": "L90.5", "alcoholism": "F10.20", "smoker": "F17.210", "obesity": "E66.9",
    "hematuria": "R31.9", "cough": "R05.9", "headache": "R51.9", "dyspnea": "R06.00", "asthenia": "R53.1",
    "weakness": "R53.1", "paresthesia": "R20.2", "erythema": "L53.9",
    "necrosis": "I96", "necrotic": "I96", "gangrene": "I96", "renal mass": "N28.89", "kidney mass": "N28.89",
    "renal lesion": "N28.89", "kidney lesion": "N28.89", "skin lesion": "L98.9", "cutaneous lesion": "L98.9",
    "ex-smoker": "Z87.891", "former smoker": "Z87.891", "alcohol abuse": "F10.10", "enolism": "F10.10",
    "peritonitis": "K65.9", "abdominal distension": "R14.0", "oliguria": "R34", "anuria": "R34",
    "microhematuria": "R31.29", "microscopic hematuria": "R31.29", "urinary urgency": "R39.15",
    "tuberculosis": "A15.9", "hypoesthesia": "R20.1", "hypoaesthesia": "R20.1", "arthralgia": "M25.50",
    "hematochezia": "K92.1", "rectorrhagia": "K62.5", "rectal bleeding": "K62.5", "otitis": "H66.90",
    "ptosis": "H02.409", "hyperhidrosis": "R61", "abscess": "L02.91", "embolism": "I74.9",
    "cholestasis": "K83.1", "hyperbilirubinemia": "E80.7", "hepatitis c": "B19.20", "hepatitis b": "B19.10",
    "urinary infection": "N39.0", "nephritic colic": "N23", "hypertriglyceridemia": "E78.1",
    "hydatid cyst": "B67.90", "hydatidosis": "B67.90", "herpes": "B00.9", "hemodialysis": "Z99.2",
    "coagulopathy": "D68.9",
    # index entries the tabular wording hides: "Obesity, morbid E66.01", "Candidiasis, mouth B37.0"
    "morbid obesity": "E66.01", "morbidly obese": "E66.01", "severe obesity": "E66.01", "oral candidiasis": "B37.0",
    "esophageal candidiasis": "B37.81", "vaginal candidiasis": "B37.31",
    # "Trauma, traumatism - see Injury"; "Paralysis, facial G51.0"; "Irritation, peritoneum - see Peritonitis"
    "trauma": "T14.90XA", "traumatism": "T14.90XA", "facial paralysis": "G51.0", "facial palsy": "G51.0",
    "peritoneal irritation": "K65.9", "enlarged spleen": "R16.1", "enlarged liver": "R16.0",
    "scarring": "L90.5", "laceration": "T14.8XXA", "lumbar pain": "M54.50",
    # "Fibroid, uterus D25.9"; "Hypertrophy, cardiac I51.7"; "Hypovitaminosis - see Deficiency, vitamin"
    "fibroid": "D25.9", "fibroids": "D25.9", "cardiac hypertrophy": "I51.7", "ventricular hypertrophy": "I51.7",
    "hypovitaminosis d": "E55.9",
    "septic shock": "R65.21", "lymphopenia": "D72.810", "hypertransaminasemia": "R74.01",
    "elevated transaminases": "R74.01", "transaminitis": "R74.01", "elevated crp": "R79.82",
    "hypoalbuminemia": "E88.09", "urinary retention": "R33.9", "erectile dysfunction": "N52.9",
    "hypoacusis": "H91.90", "gonalgia": "M25.569", "coxalgia": "M25.559", "omalgia": "M25.519",
    "diverticulitis": "K57.92", "diverticulosis": "K57.90", "hiatal hernia": "K44.9", "hiatus hernia": "K44.9",
    "pleuritis": "R09.1", "transient ischemic attack": "G45.9", "septic arthritis": "M00.9",
    "vasculitis": "I77.6", "pancytopenia": "D61.818", "diabetic ketoacidosis": "E11.10",
    "adrenal insufficiency": "E27.40", "cryptorchidism": "Q53.9", "epigastralgia": "R10.13",
    "liver metastases": "C78.7", "liver metastasis": "C78.7", "hepatic metastases": "C78.7",
    "uncontrolled diabetes": "E11.65", "poorly controlled diabetes": "E11.65", "gouty arthropathy": "M10.9",
    # morphology with no site: the Neoplasm Table's default site or the index's own code
    "seminoma": "C62.90", "wilms tumor": "C64.9", "nephroblastoma": "C64.9", "glioblastoma": "C71.9",
    "pheochromocytoma": "D35.00", "basal cell carcinoma": "C44.91", "liposarcoma": "C49.9",
    "leiomyosarcoma": "C49.9", "chronic lymphocytic leukemia": "C91.10", "acute myeloid leukemia": "C92.00",
    "cervical intraepithelial neoplasia": "N87.9", "prostatic hyperplasia": "N40.0",
    "neurogenic bladder": "N31.9", "renal artery stenosis": "I70.1", "renal abscess": "N15.1",
    "perinephric abscess": "N15.1", "scrotal abscess": "N49.2", "ureteral stenosis": "N13.5",
    "ureteral stricture": "N13.5", "ureteropelvic junction obstruction": "Q62.11", "renal tuberculosis": "A18.11",
    "peritoneal dialysis": "Z99.2", "gonorrhea": "A54.9", "chlamydia infection": "A74.9",
    "chlamydial infection": "A74.9", "genital warts": "A63.0", "genital herpes": "A60.00",
    "bacterial vaginosis": "N76.0",
    "endophthalmitis": "H44.009", "diabetic macular edema": "E11.311", "proptosis": "H05.20",
    "dry eye": "H04.129", "pterygium": "H11.009", "hidradenitis": "L73.2", "folliculitis": "L73.9",
    "pressure injury": "L89.90", "scleroderma": "M34.9", "raynaud phenomenon": "I73.00",
    "raynaud's phenomenon": "I73.00", "raynaud syndrome": "I73.00", "giant cell arteritis": "M31.6",
    "psoriatic arthritis": "L40.50", "pseudomembranous colitis": "A04.72",
    "clostridium difficile infection": "A04.72", "c. difficile infection": "A04.72",
    "alcoholic cirrhosis": "K70.30", "gallstones": "K80.20", "gallstone": "K80.20",
    "choledocholithiasis": "K80.50", "biliary colic": "K80.50",
    "staphylococcal pneumonia": "J15.20", "pneumococcal pneumonia": "J13", "klebsiella pneumonia": "J15.0",
    "pneumocystis pneumonia": "B59", "candida sepsis": "B37.7", "candidemia": "B37.7", "fungal infection": "B49",
    "epstein-barr virus infection": "B27.90", "spondylodiscitis": "M46.40", "psoas abscess": "K68.12",
    "prosthetic joint infection": "T84.50XA", "postoperative wound infection": "T81.49XA",
    "surgical wound infection": "T81.49XA", "surgical site infection": "T81.49XA",
    "catheter-related infection": "T80.219A", "catheter-related bloodstream infection": "T80.211A",
    "pertussis": "A37.90", "dengue": "A90", "falciparum malaria": "B50.9", "malaria falciparum": "B50.9",
    "tuberculous lymphadenitis": "A18.2", "chronic hepatitis c": "B18.2", "chronic hepatitis b": "B18.1",
    "biliary lithiasis": "K80.20",
    "acute coronary syndrome": "I24.9", "coronary artery disease": "I25.10", "hypertrophic cardiomyopathy": "I42.2",
    "peripheral arterial disease": "I73.9", "peripheral artery disease": "I73.9", "carotid stenosis": "I65.29",
    "hypophosphatemia": "E83.39", "pulmonary nodule": "R91.1", "lung nodule": "R91.1",
    "pulmonary nodules": "R91.8", "lung nodules": "R91.8", "lung mass": "R91.8",
    "status epilepticus": "G40.901", "subdural hematoma": "I62.00", "epidural hematoma": "I62.1",
    "lumbar disc herniation": "M51.26", "herniated lumbar disc": "M51.26", "rotator cuff tear": "M75.100",
    "meniscal tear": "S83.209A", "meniscus tear": "S83.209A", "anterior cruciate ligament tear": "S83.519A",
    "bursitis": "M71.9", "dupuytren contracture": "M72.0", "dupuytren's contracture": "M72.0",
    "avascular necrosis": "M87.9", "paget disease of bone": "M88.9", "osteopenia": "M85.80", "rickets": "E55.0",
    "immune thrombocytopenia": "D69.3", "idiopathic thrombocytopenic purpura": "D69.3",
    # dental and maxillofacial
    "tooth abscess": "K04.7", "impacted tooth": "K01.1", "impacted third molar": "K01.1",
    "odontogenic cyst": "K09.0", "trismus": "R25.2", "sialadenitis": "K11.20", "pleomorphic adenoma": "D11.9",
    "oral leukoplakia": "K13.21", "aphthous ulcer": "K12.0", "aphthous stomatitis": "K12.0", "mucocele": "K11.6",
    "oroantral fistula": "J32.0", "facial cellulitis": "L03.211", "ludwig angina": "K12.2",
    "ludwig's angina": "K12.2", "bruxism": "F45.8",
    # obstetric, newborn and child
    "preeclampsia": "O14.90", "pre-eclampsia": "O14.90", "placental abruption": "O45.90",
    "hyperemesis gravidarum": "O21.0", "breech presentation": "O32.1XX0",
    "previous cesarean section": "O34.219", "prior cesarean section": "O34.219", "low birth weight": "P07.10",
    "developmental delay": "R62.50", "autism": "F84.0", "undescended testis": "Q53.9",
    "kawasaki disease": "M30.3", "croup": "J05.0",
    # substance use and mood
    "drug abuse": "F19.10", "major depressive disorder": "F32.9", "major depression": "F32.9",
    # neoplasms named by site words the titles spell otherwise, or by morphology alone
    "ampullary carcinoma": "C24.1", "bile duct cancer": "C24.0", "cervical cancer": "C53.9",
    "oral cancer": "C06.9", "thymoma": "D15.0", "osteosarcoma": "C41.9", "ewing sarcoma": "C41.9",
    "chondrosarcoma": "C41.9", "soft tissue sarcoma": "C49.9", "rhabdomyosarcoma": "C49.9",
    "neuroblastoma": "C74.90", "retinoblastoma": "C69.20", "peritoneal carcinomatosis": "C78.6",
    "cancer pain": "G89.3", "radiation cystitis": "N30.40", "postmastectomy lymphedema": "I97.2",
    "lymphedema after mastectomy": "I97.2", "penicillin allergy": "Z88.0", "allergy to penicillin": "Z88.0",
    "allergic to penicillin": "Z88.0",
    # signs, symptoms and findings as notes word them
    "abdominal discomfort": "R10.9", "lower back pain": "M54.50", "urinary frequency": "R35.0",
    "frequent urination": "R35.0", "leukocyturia": "R82.81", "elevated psa": "R97.20",
    "elevated alkaline phosphatase": "R74.8", "elevated ldh": "R74.02", "anemia of chronic disease": "D63.8",
    "microcytic anemia": "D50.9", "joint swelling": "M25.40", "knee swelling": "M25.469",
    "loss of consciousness": "R40.20", "gait disturbance": "R26.9", "numbness": "R20.0",
    "blurred vision": "H53.8", "decreased visual acuity": "H54.7", "decreased vision": "H54.7",
    "earache": "H92.09", "odynophagia": "R13.10",
    # endocrine and digestive
    "hepatic steatosis": "K76.0", "liver steatosis": "K76.0", "steatosis": "K76.0", "graves disease": "E05.00",
    "graves' disease": "E05.00", "prolactinoma": "D35.2", "acromegaly": "E22.0", "siadh": "E22.2",
    "inappropriate antidiuretic hormone secretion": "E22.2", "osteomalacia": "M83.9", "malabsorption": "K90.9",
    "mallory-weiss tear": "K22.6", "intra-abdominal abscess": "K65.1", "wound dehiscence": "T81.30XA",
    "postoperative ileus": "K91.89", "mesenteric ischemia": "K55.059", "angiodysplasia": "K55.20",
    "hemorrhoidal disease": "K64.9", "primary sclerosing cholangitis": "K83.01",
    "drug-induced liver injury": "K71.9", "acute liver failure": "K72.00",
    "pancreatic insufficiency": "K86.81", "pseudoaneurysm": "I72.9", "pulmonary thromboembolism": "I26.99",
    # kidney, urology and gynaecology
    "iga nephropathy": "N02.8", "lupus nephritis": "M32.14", "diabetic kidney disease": "E11.22",
    "hypervolemia": "E87.70", "contrast nephropathy": "N14.11", "prostate enlargement": "N40.0",
    "enlarged prostate": "N40.0", "spermatocele": "N43.40", "detrusor overactivity": "N32.81",
    "pelvic organ prolapse": "N81.9", "ovarian torsion": "N83.519", "polycystic ovary syndrome": "E28.2",
    "polycystic ovaries": "E28.2", "fibroadenoma": "D24.9", "breast mass": "N63.0", "breast lump": "N63.0",
    # eye
    "choroidal melanoma": "C69.30", "uveal melanoma": "C69.30", "conjunctival melanoma": "C69.00",
    "optic nerve glioma": "C72.30", "macular hole": "H35.349", "epiretinal membrane": "H35.379",
    "herpetic keratitis": "B00.52", "acanthamoeba keratitis": "B60.13", "eyelid laceration": "S01.119A",
    "ectropion": "H02.109", "entropion": "H02.009", "pseudophakia": "Z96.1",
    # nervous system, ENT, endocrine and external causes
    "cognitive impairment": "R41.89", "tetraplegia": "G82.50", "neurocysticercosis": "B69.0",
    "cerebellar infarction": "I63.9", "vertebrobasilar insufficiency": "G45.0", "chiari malformation": "Q07.00",
    "deviated septum": "J34.2", "rhinosinusitis": "J32.9", "tonsillar hypertrophy": "J35.1",
    "branchial cyst": "Q18.0", "hypercortisolism": "E24.9", "adrenal hyperplasia": "E25.9",
    "frostbite": "T33.90XA", "drowning": "T75.1XXA", "dog bite": "W54.0XXA", "angioedema": "T78.3XXA",
    "overdose": "T50.901A", "alcohol intoxication": "F10.929", "acute alcohol intoxication": "F10.929",
    "alcohol withdrawal": "F10.239",
}
# The Neoplasm Table's "unspecified behavior" column: a neoplasm, tumour or mass of an organ,
# with no word on its behaviour, is coded by the organ's body system (D49.-).
INDEX_TERMS.update({
    f"neoplasm {organ}": code
    for code, organs in {
        "D49.0": "esophagus stomach duodenum jejunum ileum intestine colon cecum appendix rectum anus liver "
                 "gallbladder pancreas parotid",
        "D49.1": "larynx trachea bronchus lung pleura",
        "D49.2": "bone skin",
        "D49.3": "breast",
        "D49.4": "bladder",
        "D49.59": "prostate testis penis ureter urethra uterus ovary vagina vulva",
        "D49.6": "brain",
        "D49.7": "thyroid adrenal pituitary",
        "D49.81": "retina choroid",
    }.items()
    for organ in organs.split()
})

# Anatomical adjectives -> the noun ICD titles use ("ureteral stricture" ~ "stricture of ureter"),
# and tumour morphology -> behaviour words of the neoplasm titles ("adenoma" ~ benign neoplasm).
WORD_SYNONYMS.update({
    "meningeal": ("meninges",), "vesical": ("bladder",), "ureteral": ("ureter",), "ureteric": ("ureter",),
    "urethral": ("urethra",), "prostatic": ("prostate",), "testicular": ("testis",), "ovarian": ("ovary",),
    "uterine": ("uterus",), "rectal": ("rectum",), "duodenal": ("duodenum",),
    "pancreatic": ("pancreas",), "splenic": ("spleen",), "ocular": ("eye",), "orbital": ("orbit",),
    "palpebral": ("eyelid",), "vertebral": ("vertebra",), "femoral": ("femur",), "tibial": ("tibia",),
    "humeral": ("humerus",), "aortic": ("aorta",), "esophageal": ("esophagus",), "intestinal": ("intestine",),
    "peritoneal": ("peritoneum",), "pleural": ("pleura",), "bronchial": ("bronchus",), "laryngeal": ("larynx",),
    "pharyngeal": ("pharynx",), "nasal": ("nose",), "mammary": ("breast",), "gallbladder": ("gallbladder",),
    "biliary": ("bile",), "adrenal": ("adrenal",), "pituitary": ("pituitary",), "mandibular": ("mandible",),
    "maxillary": ("maxilla",), "lumbar": ("lumbar",), "thoracic": ("thoracic",), "parotid": ("parotid",),
    "scrotal": ("scrotum",), "penile": ("penis",), "vaginal": ("vagina",), "vulvar": ("vulva",),
    "adenoma": ("benign", "neoplasm"), "fibroma": ("benign", "neoplasm"), "lipoma": ("lipoma",),
    "schwannoma": ("benign", "neoplasm"), "neurinoma": ("benign", "neoplasm"), "meningioma": ("benign", "neoplasm"),
    "sarcoma": ("malignant", "neoplasm"), "osteosarcoma": ("malignant", "neoplasm"),
    "adenocarcinoma": ("malignant", "neoplasm"), "leiomyosarcoma": ("malignant", "neoplasm"),
    "liposarcoma": ("malignant", "neoplasm"), "rhabdomyosarcoma": ("malignant", "neoplasm"),
    "blastoma": ("malignant", "neoplasm"), "neoplasia": ("neoplasm",), "neoformation": ("neoplasm",),
    "tumoral": ("neoplasm",), "colon": ("large intestine",), "colonic": ("colon", "large intestine"),
    "sigmoid": ("colon", "large intestine"), "diverticula": ("diverticulum", "diverticulosis"),
    "diverticulum": ("diverticulosis",),
    "oropharyngeal": ("oropharynx",), "nasopharyngeal": ("nasopharynx",), "hypopharyngeal": ("hypopharynx",),
    "cerebellar": ("cerebellum",), "mediastinal": ("mediastinum",), "retroperitoneal": ("retroperitoneum",),
    "gingival": ("gum",), "lingual": ("tongue",), "palatal": ("palate",), "tracheal": ("trachea",),
    "jejunal": ("jejunum",), "ileal": ("ileum",), "cecal": ("cecum",), "appendicular": ("appendix",),
    "pericardial": ("pericardium",), "conjunctival": ("conjunctiva",), "corneal": ("cornea",),
    "retinal": ("retina",), "choroidal": ("choroid",), "scleral": ("sclera",), "cutaneous": ("skin",),
    "testicle": ("testis",), "testicles": ("testis",), "osseous": ("bone",),
    # "-paresis" is indexed under "-plegia"; older spellings of the lipid disorders
    "paraparesis": ("paraplegia",), "hemiparesis": ("hemiplegia",), "tetraparesis": ("quadriplegia",),
    "quadriparesis": ("quadriplegia",), "hyperlipemia": ("hyperlipidemia",),
    "erythematous": ("erythema",), "iliac": ("lower quadrant",), "hypogastric": ("lower abdominal",),
    "hypogastrium": ("lower abdominal",), "pruritic": ("pruritus",), "allergic": ("allergy status",),
    "sulfamides": ("sulfonamides",), "sulfa": ("sulfonamides",), "smokes": ("nicotine dependence",),
    "smoked": ("nicotine dependence",),
    # the other part of speech the code texts use ("loss of vision" ~ "visual loss", "splenic infarcts")
    "vision": ("visual",), "hyperopic": ("hypermetropia",), "hyperopia": ("hypermetropia",),
    "infarct": ("infarction",), "caloric": ("calorie",), "distended": ("distension",),
    "trauma": ("injury",), "traumatism": ("injury",), "palm": ("hand",), "palmar": ("hand",),
    "occlusion": ("obstruction",),   # "Occlusion, intestine - see Obstruction, intestine"
    "colorectal": ("colon",),         # a colorectal cancer with no part named is coded to the colon
    "anal": ("anus",), "endometrial": ("endometrium",), "bowel": ("intestine", "intestinal"),
})

# The other way round for one-word anatomical adjectives: a note's "prostate" also reads as the
# "prostatic" of "Benign prostatic hyperplasia", "testis" as "testicular", "uterus" as "uterine".
for _adj, _nouns in list(WORD_SYNONYMS.items()):
    if (len(_nouns) == 1 and " " not in _nouns[0] and _nouns[0] != _adj
            and _adj.endswith(("al", "ic", "ar", "ary", "ine", "ous"))):
        if _adj not in WORD_SYNONYMS.get(_nouns[0], ()):
            WORD_SYNONYMS[_nouns[0]] = WORD_SYNONYMS.get(_nouns[0], ()) + (_adj,)
WORD_SYNONYMS.update({
    "lithiasis": ("calculus",), "pregnant": ("pregnancy", "gestation"),
})

# British spellings of medical words ("haemorrhage", "oesophagus", "tumour"); the code sets use American ones.
BRITISH = (
    (re.compile(r"(?<=[a-z])aem"), "em"), (re.compile(r"^haem"), "hem"), (re.compile(r"^anaes"), "anes"),
    (re.compile(r"^(o|dyspn|diarrh|amenorrh|gonorrh|seborrh|oed|foet)oe"), r"\1e"),
    (re.compile(r"^oe"), "e"), (re.compile(r"paed"), "ped"), (re.compile(r"(?<=[a-z]{3})our$"), "or"),
    (re.compile(r"^foet"), "fet"), (re.compile(r"orrhoea"), "orrhea"), (re.compile(r"^caec"), "cec"),
)


def american(word: str) -> str:
    """The American spelling of a British-spelt medical word (the word itself when it has none)."""
    if "ae" not in word and "oe" not in word and not word.endswith("our"):
        return word
    for pattern, repl in BRITISH:
        word = pattern.sub(repl, word)
    return word


# A condition said to be past ("history of breast cancer") -> the history code a coder uses for it,
# by code prefix, longest first. Cancers without a listed site fall to Z85.9.
HISTORY_OF = sorted({
    "C50": "Z85.3", "C18": "Z85.038", "C19": "Z85.048", "C20": "Z85.048", "C61": "Z85.46", "C34": "Z85.118",
    "C67": "Z85.51", "C64": "Z85.528", "C43": "Z85.820", "C53": "Z85.41", "C54": "Z85.42", "C56": "Z85.43",
    "C73": "Z85.850", "C16": "Z85.028", "C22": "Z85.05", "C25": "Z85.07", "C32": "Z85.21", "C71": "Z85.841",
    "C62": "Z85.47", "C81": "Z85.71", "C82": "Z85.72", "C83": "Z85.72", "C84": "Z85.72", "C85": "Z85.72",
    "C91": "Z85.6", "C92": "Z85.6", "C93": "Z85.6", "C94": "Z85.6", "C95": "Z85.6", "C": "Z85.9",
    "I21": "I25.2", "I22": "I25.2", "I26": "Z86.711", "I80": "Z86.718", "I82": "Z86.718", "I63": "Z86.73",
    "G45": "Z86.73", "N39.0": "Z87.440", "N30": "Z87.440", "N10": "Z87.440", "N20": "Z87.442",
    "N21": "Z87.442", "N23": "Z87.442", "A15": "Z86.11", "F17": "Z87.891", "J18": "Z87.01", "K25": "Z87.11",
    "K26": "Z87.11", "K27": "Z87.11", "D1": "Z86.018", "D2": "Z86.018", "D3": "Z86.018",
}.items(), key=lambda kv: -len(kv[0]))

# A relative's condition ("mother had colon cancer") -> the family-history code, by code prefix,
# longest first. Cancers of a site not listed fall to Z80.8, an unknown site to Z80.9.
FAMILY_HISTORY_OF = sorted({
    **{f"C{n}": "Z80.0" for n in range(15, 27)}, "C33": "Z80.1", "C34": "Z80.1", "C50": "Z80.3",
    "C56": "Z80.41", "C61": "Z80.42", "C62": "Z80.43", "C53": "Z80.49", "C54": "Z80.49", "C55": "Z80.49",
    "C64": "Z80.51", "C67": "Z80.52", "C65": "Z80.59", "C66": "Z80.59", "C68": "Z80.59",
    **{f"C{n}": "Z80.6" for n in range(91, 96)}, **{f"C{n}": "Z80.7" for n in range(81, 91)},
    "C80": "Z80.9", "C": "Z80.8", "I63": "Z82.3", "G45": "Z82.3", "I10": "Z82.49", "I2": "Z82.49",
    "E10": "Z83.3", "E11": "Z83.3", "E13": "Z83.3", "G40": "Z82.0", "J45": "Z82.5", "H40": "Z83.511",
    "M81": "Z82.62", "F10": "Z81.1", "D12": "Z83.71", "N18": "Z84.1", "E78": "Z83.438",
}.items(), key=lambda kv: -len(kv[0]))

# Procedures, devices and long-term drugs a note names -> the status code a coder may add
# (Z79 long-term drug use, Z90 acquired absence, Z93-Z95 openings, transplants and implants).
# Regular expressions over the lower-case note; for the model to weigh, never coded offline.
STATUS_TERMS: dict[str, str] = {
    r"hysterectom": "Z90.710", r"nephrectom": "Z90.5", r"cholecystectom|appendectom|colectom": "Z90.49",
    r"splenectom": "Z90.81", r"gastrectom": "Z90.3", r"prostatectom|orchi(?:d)?ectom": "Z90.79",
    r"pneumonectom|lobectom": "Z90.2", r"mastectom": "Z90.10", r"cystectom": "Z90.6",
    r"(?:kidney|renal) transplant": "Z94.0", r"liver transplant": "Z94.4", r"heart transplant": "Z94.1",
    r"lung transplant": "Z94.2", r"bone marrow transplant": "Z94.81", r"pacemaker": "Z95.0",
    r"valve (?:replacement|prosthesis)|prosthetic (?:heart )?valve|mechanical valve": "Z95.2",
    r"coronary stent|stent(?:ing)? (?:of|in) the (?:\w+ )?coronary": "Z95.5",
    r"aortocoronary bypass|coronary (?:artery )?bypass": "Z95.1",
    r"colostomy": "Z93.3", r"ileostomy": "Z93.2", r"gastrostomy": "Z93.1", r"tracheostomy": "Z93.0",
    r"nephrostomy": "Z93.6", r"wheelchair": "Z99.3", r"home oxygen|oxygen therapy at home": "Z99.81",
    r"insulin": "Z79.4", r"anticoagula|acenocoumarol|warfarin|sintrom|apixaban|rivaroxaban": "Z79.01",
    r"aspirin|acetylsalicylic": "Z79.82",
    r"corticosteroid|corticoid|prednison|prednisolon|dexamethason|deflazacort": "Z79.52",
    r"metformin|oral antidiabetic|glibenclamide|gliclazide|sitagliptin|oral hypoglycemic": "Z79.84",
    r"tamoxifen": "Z79.810", r"letrozole|anastrozole|exemestane": "Z79.811",
}
