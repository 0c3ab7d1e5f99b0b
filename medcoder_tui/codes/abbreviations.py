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
- the Alphabetic Index entries (:data:`INDEX_TERMS`) live in :mod:`medcoder_tui.codes.index_terms`.
- :func:`american` respells British medical words ("haemorrhage" -> "hemorrhage").
- the history, family-history and status code tables live in :mod:`medcoder_tui.codes.status_terms`.
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
    "iud": ("intrauterine contraceptive device",), "lng": ("levonorgestrel",),
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
    "mca": ("middle cerebral artery",),
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
    "rsv": ("respiratory syncytial virus",),
    "uti": ("urinary tract infection",), "cap": ("community acquired pneumonia", "pneumonia"),
    "pna": ("pneumonia",), "ards": ("acute respiratory distress syndrome",), "sob": ("shortness of breath",),
    "doe": ("dyspnea on exertion",), "tb": ("tuberculosis",), "ild": ("interstitial lung disease",),
    "rad": ("reactive airway disease",), "ptx": ("pneumothorax",),
    # renal / urology
    "mci": ("mild cognitive impairment of uncertain or unknown etiology",),   # Index: Impairment, cognitive, mild G31.84
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
    # eye
    "npdr": ("nonproliferative diabetic retinopathy",), "pdr": ("proliferative diabetic retinopathy",),
    "poag": ("primary open-angle glaucoma",), "amd": ("age-related macular degeneration",),
    "armd": ("age-related macular degeneration",),
    # musculoskeletal
    "oa": ("osteoarthritis",), "ra": ("rheumatoid arthritis",), "djd": ("degenerative joint disease", "osteoarthritis"),
    "ddd": ("degenerative disc disease",), "lbp": ("low back pain",), "fx": ("fracture",), "fxs": ("fractures",),
    "sle": ("systemic lupus erythematosus",), "acl": ("anterior cruciate ligament",),
    "pcl": ("posterior cruciate ligament",), "mcl": ("medial collateral ligament",),
    "lcl": ("lateral collateral ligament",), "atfl": ("anterior talofibular ligament",),
    "cfl": ("calcaneofibular ligament",), "ucl": ("ulnar collateral ligament",),
    "orif": ("open reduction internal fixation",), "tka": ("total knee arthroplasty",),
    "tha": ("total hip arthroplasty",),
    # infection / heme / onc
    "hiv": ("human immunodeficiency virus",), "cmv": ("cytomegaloviral disease",), "aids": ("acquired immune deficiency syndrome",),
    "mrsa": ("methicillin resistant staphylococcus aureus",), "esbl": ("extended spectrum beta lactamase resistance",), "cdiff": ("clostridium difficile",),
    "c.diff": ("clostridium difficile",), "std": ("sexually transmitted disease",),
    "sti": ("sexually transmitted infection",), "ida": ("iron deficiency anemia",),
    "cll": ("chronic lymphocytic leukemia",), "cml": ("chronic myeloid leukemia",),
    "aml": ("acute myeloid leukemia",), "all": ("acute lymphoblastic leukemia",),
    # (the invasive ductal and lobular carcinomas are the site's carcinoma: ICD-10-CM codes no histology of C50)
    "idc": ("carcinoma",), "ilc": ("carcinoma",),
    "dcis": ("intraductal carcinoma in situ",), "lcis": ("lobular carcinoma in situ",),
    "uoq": ("upper outer quadrant",), "uiq": ("upper inner quadrant",), "loq": ("lower outer quadrant",),
    "liq": ("lower inner quadrant",),
    "nhl": ("non-hodgkin lymphoma",), "dlbcl": ("diffuse large b-cell lymphoma",), "voc": ("vaso-occlusive crisis",), "nsclc": ("non-small cell lung cancer",), "ca": ("cancer", "carcinoma"),
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
    # a mental status exam's "SI" (in capitals: the sacroiliac joint is read apart, in retrieval); not "HI", which a
    # glucose meter or a lab flag reads as often as a homicidal ideation
    "si": ("suicidal ideation",),
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
    "std", "hr", "bp", "seq", "init", "yo", "ct", "tx", "dx", "sx", "si",
    "aids",   # "hearing aids", "walking aids": the disease only as AIDS
})

# Lay or shorthand phrases -> the wording of ICD-10-CM titles.
PHRASES: dict[str, str] = {
    "high blood pressure": "hypertension", "elevated blood pressure": "elevated blood pressure reading",
    "elevated bp": "elevated blood pressure reading", "hypertension reading": "elevated blood pressure reading",
    "elevated bp reading": "elevated blood pressure reading", "high bp reading": "elevated blood pressure reading",
    "elevated blood pressure reading": "elevated blood pressure reading",
    "bp elevated": "elevated blood pressure reading", "blood pressure elevated": "elevated blood pressure reading",
    "seb derm": "seborrheic dermatitis", "seb-derm": "seborrheic dermatitis",
    # lower urinary tract symptoms in the words of a urology history (R39.1-: the titles say "urinary" and "bladder")
    "weak stream": "poor urinary stream", "weak urinary stream": "poor urinary stream",
    "incomplete emptying": "feeling of incomplete bladder emptying",
    "incomplete bladder emptying": "feeling of incomplete bladder emptying",
    "straining to void": "straining to void", "straining to urinate": "straining to void",
    # Swelling of a limb's part that is no joint: Localized swelling, mass and lump, lower / upper limb (R22.4-, R22.3-)
    **{f"{part} swelling": "localized swelling lower limb" for part in ("foot", "midfoot", "forefoot", "heel", "calf",
                                                                        "thigh", "shin", "lower leg")},
    **{f"swelling of {the}{part}": "localized swelling lower limb" for the in ("", "the ")
       for part in ("foot", "midfoot", "forefoot", "heel", "calf", "thigh", "shin", "lower leg")},
    **{f"{part} swelling": "localized swelling upper limb" for part in ("hand", "forearm", "upper arm")},
    **{f"swelling of {the}{part}": "localized swelling upper limb" for the in ("", "the ")
       for part in ("hand", "forearm", "upper arm")},
    # (not "GBS" alone: it is also Guillain-Barre syndrome)
    "gbs carrier": "carrier of group b streptococcus", "gbs colonization": "carrier of group b streptococcus",
    "gbs colonized": "carrier of group b streptococcus",
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
    "flu shot": "influenza vaccination", "flu jab": "influenza vaccination",
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
    "skin": ("cutaneous",), "bone": ("osseous",), "axillary": ("axilla",), "inguinal": ("groin",),
    "gluteal": ("buttock",), "sacrum": ("sacral",), "sacral": ("sacrum",), "vein": ("venous",), "venous": ("vein",),
    "artery": ("arterial",), "arterial": ("artery",), "bladder": ("vesical",), "eye": ("ocular",),
    "tumor": ("neoplasm",), "tumour": ("neoplasm",), "cancer": ("malignant", "neoplasm"),
    "carcinoma": ("malignant", "neoplasm"), "malignancy": ("malignant", "neoplasm"),
    "mass": ("neoplasm",), "metastasis": ("secondary", "malignant", "neoplasm"),
    "metastases": ("secondary", "malignant", "neoplasm"), "metastatic": ("secondary", "malignant", "neoplasm"),
    "stones": ("calculus",), "stone": ("calculus",),
    "lithiasis": ("calculus",), "breast": ("breast",), "anemic": ("anemia",), "anaemia": ("anemia",),
    "haemorrhage": ("hemorrhage",), "bleeding": ("hemorrhage",), "bleed": ("hemorrhage", "bleeding"),
    "hemorrhage": ("bleeding",),
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
    "hurt": ("pain",), "hurts": ("pain",), "fractured": ("fracture",), "broken": ("fracture",), "strained": ("strain",),
    "lacerated": ("laceration",), "bruised": ("contusion",), "dislocated": ("dislocation",),
    "enlarged": ("enlargement", "hypertrophy"), "swollen": ("swelling",), "inflamed": ("inflammation",),
    "ulcerated": ("ulcer",), "perforated": ("perforation",), "gangrenous": ("gangrene",), "ulceration": ("ulcer",), "tumoral": ("neoplasm",), "neoplastic": ("neoplasm",),
    "tachycardic": ("tachycardia",), "bradycardic": ("bradycardia",), "hypoxic": ("hypoxemia", "hypoxia"), "hypoxemic": ("hypoxia",), "hypercapnic": ("hypercapnia",),
    "hypercarbic": ("hypercapnia",), "hypercarbia": ("hypercapnia",),
    "jaundiced": ("jaundice",), "icteric": ("jaundice",), "icterus": ("jaundice",),
    "metatarsal": ("metatarsal bone",), "metacarpal": ("metacarpal bone",),
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


# Injury wording of the Alphabetic Index that the tabular titles spell out ("Strain, neck S16.1":
# "Strain of muscle, fascia and tendon at neck level"). Lookup and support read them like PHRASES.
PHRASES.update({
    "neck strain": "strain of muscle fascia and tendon at neck level",
    "cervical strain": "strain of muscle fascia and tendon at neck level",
    "strain of neck": "strain of muscle fascia and tendon at neck level",
    "lumbar strain": "strain of muscle fascia and tendon of lower back",
    "lumbosacral strain": "strain of muscle fascia and tendon of lower back",
    "low back strain": "strain of muscle fascia and tendon of lower back",
    "lower back strain": "strain of muscle fascia and tendon of lower back",
    "back strain": "strain of muscle fascia and tendon of lower back",
    "thoracic strain": "strain of muscle fascia and tendon of back wall of thorax",
    "upper back strain": "strain of muscle fascia and tendon of back wall of thorax",
    "hamstring strain": "strain of muscle fascia and tendon of the posterior muscle group at thigh level",
    "rotator cuff strain": "strain of muscle and tendon of the rotator cuff of shoulder",
    # the calf is the lower leg's posterior muscle group (gastrocnemius, soleus), the groin's pulled muscle the thigh's
    # adductor, the quad the quadriceps
    # the tibial plateau's lateral and medial halves are the tibia's condyles (a plateau of no half: bicondylar)
    "lateral tibial plateau": "lateral condyle of tibia", "medial tibial plateau": "medial condyle of tibia",
    # a diverticular bleed is the diverticulosis "with bleeding" (K57.-1), not diverticular disease of no complication
    **{f"diverticular {word}": "diverticulosis with bleeding" for word in ("hemorrhage", "bleed", "bleeding")},
    "calf strain": "strain of other muscle and tendon of posterior muscle group at lower leg level",
    "gastrocnemius strain": "strain of other muscle and tendon of posterior muscle group at lower leg level",
    "groin strain": "strain of adductor muscle fascia and tendon of thigh",
    "adductor strain": "strain of adductor muscle fascia and tendon of thigh",
    "quad strain": "strain of quadriceps muscle fascia and tendon",
    # "CKD 3a", "CKD4": the stage written without its axis word
    **{f"ckd{gap}{stage}": f"chronic kidney disease stage {stage}" for gap in ("", " ")
       for stage in ("1", "2", "3", "3a", "3b", "4", "5")},
    # Carcinoma in situ, breast, ductal: intraductal (D05.1-)
    "ductal carcinoma in situ": "intraductal carcinoma in situ",
    "chest wall": "front wall of thorax", "anterior chest wall": "front wall of thorax",
    "posterior chest wall": "back wall of thorax",
    "stomach flu": "gastroenteritis", "ear infection": "otitis media",
    "tobacco use disorder": "nicotine dependence", "tobacco dependence": "nicotine dependence",
    # Index: Exposure, tobacco smoke (second-hand) Z77.22; Sting, bee/wasp/hornet T63.44-/T63.45-/T63.45-
    # Insufficient, social insurance Z59.71 (inclusion: "No health insurance coverage")
    **{said: "no health insurance coverage" for said in (
        "uninsured", "no health insurance", "no insurance", "no dental insurance", "no medical insurance",
        "lack of health insurance", "lack of insurance", "without health insurance", "without insurance",
        "lost his insurance", "lost her insurance", "lost their insurance")},
    "secondhand smoke": "contact with and exposure to environmental tobacco smoke",
    "exposure to environmental tobacco smoke": "contact with and exposure to environmental tobacco smoke",
    "tobacco smoke exposure": "contact with and exposure to environmental tobacco smoke",
    "second-hand smoke": "contact with and exposure to environmental tobacco smoke",
    "secondhand tobacco smoke": "contact with and exposure to environmental tobacco smoke",
    "second-hand tobacco smoke": "contact with and exposure to environmental tobacco smoke",
    "passive smoking": "contact with and exposure to environmental tobacco smoke",
    "bee sting": "toxic effect of venom of bees", "honeybee sting": "toxic effect of venom of bees",
    "stung by a bee": "toxic effect of venom of bees", "stung by a honeybee": "toxic effect of venom of bees",
    "wasp sting": "toxic effect of venom of wasps", "hornet sting": "toxic effect of venom of hornets",
    "oropharyngeal dysphagia": "dysphagia oropharyngeal phase", "oral phase dysphagia": "dysphagia oral phase",
    "pharyngeal dysphagia": "dysphagia pharyngeal phase", "esophageal dysphagia": "dysphagia pharyngoesophageal phase",
    # Index: Poison ivy, oak, sumac or other plant dermatitis (allergic) (contact) L23.7
    "poison ivy": "allergic contact dermatitis due to plants", "poison oak": "allergic contact dermatitis due to plants",
    "poison sumac": "allergic contact dermatitis due to plants",
    # Index: Dementia, in (due to) Alzheimer's disease - see Disease, Alzheimer's (G30.9, F02.80 beside)
    "alzheimer's dementia": "alzheimer's disease", "alzheimer dementia": "alzheimer's disease",
    "alzheimers dementia": "alzheimer's disease", "alzheimer type dementia": "alzheimer's disease",
    "dementia of the alzheimer's type": "alzheimer's disease", "dementia of alzheimer type": "alzheimer's disease",
    "dementia, alzheimer type": "alzheimer's disease", "dementia, alzheimer's type": "alzheimer's disease",
    "dementia of the alzheimer type": "alzheimer's disease",
    # Index: Injury, pressure - see Ulcer, pressure; Decubitus (ulcer) - see Ulcer, pressure
    "pressure injury": "pressure ulcer", "decubitus ulcer": "pressure ulcer", "decubitus ulcers": "pressure ulcer",
    "bedsore": "pressure ulcer",
    # ACOG's current wording for severe pre-eclampsia (O14.1-) and for HELLP (O14.2-)
    "preeclampsia with severe features": "severe pre-eclampsia",
    "pre-eclampsia with severe features": "severe pre-eclampsia",
    "preeclampsia without severe features": "mild to moderate pre-eclampsia",
    "pre-eclampsia without severe features": "mild to moderate pre-eclampsia",
    "elderly primigravida": "supervision of elderly primigravida",
    "elderly multigravida": "supervision of elderly multigravida",
    # "Advanced maternal age, multigravida": the elderly mother of the index (35 or older at delivery)
    "advanced maternal age, multigravida": "supervision of elderly multigravida",
    "advanced maternal age multigravida": "supervision of elderly multigravida",
    "advanced maternal age, primigravida": "supervision of elderly primigravida",
    "advanced maternal age primigravida": "supervision of elderly primigravida",
    # Index: History, personal, fall Z91.81; At risk for falling Z91.81; Gait, unsteady / Unsteadiness on feet R26.81
    "history of falls": "history of falling", "fall risk": "history of falling", "risk for falls": "history of falling",
    "at risk for falls": "history of falling", "recurrent falls": "history of falling",
    "frequent falls": "history of falling", "gait unsteady": "unsteadiness on feet",
    "unsteady gait": "unsteadiness on feet", "unsteady on feet": "unsteadiness on feet",
    # Index: Pain, chest, atypical / musculoskeletal / non-cardiac R07.89
    # Index: Pain, pelvic (female) R10.2 "pelvic and perineal pain"
    "pelvic pain": "pelvic and perineal pain",
    "atypical chest pain": "other chest pain", "noncardiac chest pain": "other chest pain",
    "non-cardiac chest pain": "other chest pain", "musculoskeletal chest pain": "other chest pain",
    # Index: Hashimoto's disease or thyroiditis E06.3; Hypothyroidism, autoimmune E06.3
    "hashimoto's": "autoimmune thyroiditis", "hashimoto": "autoimmune thyroiditis",
    "hashimotos": "autoimmune thyroiditis", "hashimoto's thyroiditis": "autoimmune thyroiditis",
    # (the assessment's index order: "Chest pain, atypical - ACS ruled out")
    "chest pain, atypical": "other chest pain", "chest pain, noncardiac": "other chest pain",
    "chest pain, non-cardiac": "other chest pain", "chest pain, musculoskeletal": "other chest pain",
    # Index: Cholecystitis, calculous - see Calculus, gallbladder, with cholecystitis (K80.0-, K80.1-)
    "acute calculous cholecystitis": "calculus of gallbladder with acute cholecystitis",
    "chronic calculous cholecystitis": "calculus of gallbladder with chronic cholecystitis",
    "calculous cholecystitis": "calculus of gallbladder with cholecystitis",
    # Index: Abnormal, function studies, pulmonary R94.2: spirometry and PFTs are the lung's function studies
    **{f"abnormal {t}": "abnormal results of pulmonary function studies"
       for t in ("spirometry", "pfts", "pft", "pulmonary function tests", "pulmonary function testing",
                 "pulmonary function test")},
    # Index: Findings, abnormal, coagulation profile (an INR above its target, no bleeding)
    "supratherapeutic inr": "abnormal coagulation profile", "elevated inr": "abnormal coagulation profile",
    "inr elevated": "abnormal coagulation profile", "subtherapeutic inr": "abnormal coagulation profile",
    # Index: Cataract, senile, nuclear (sclerosis) H25.1-; cortical H25.01-: an adult's nuclear or cortical cataract is
    # the age-related one the tabular names
    "nuclear cataract": "nuclear sclerosis cataract", "nuclear cataracts": "nuclear sclerosis cataract",
    "nuclear sclerotic cataract": "nuclear sclerosis cataract",
    "nuclear sclerotic cataracts": "nuclear sclerosis cataract",
    "nuclear sclerosis cataract": "nuclear sclerosis cataract",
    "cortical cataract": "cortical age related cataract", "cortical cataracts": "cortical age related cataract",
    # Index: Infection, Helicobacter pylori, as the cause of diseases classified elsewhere B96.81
    "h. pylori": "helicobacter pylori", "h pylori": "helicobacter pylori", "h.pylori": "helicobacter pylori",
    # Index: Microalbuminuria R80.9; Diabetes, with, kidney complications NEC (E11.29): the diabetic albuminuria
    "diabetes with microalbuminuria": "diabetes with other diabetic kidney complication albuminuria",
    "diabetic microalbuminuria": "diabetes with other diabetic kidney complication albuminuria",
    "dm2 with microalbuminuria": "diabetes with other diabetic kidney complication albuminuria",
})

# heart block by its degree, as notes and ECG reads write it (Index: Block, atrioventricular, first degree I44.0)
_AV_BLOCK = {"first": ("1st", "first"), "second": ("2nd", "second"), "complete": ("3rd", "third", "complete")}
for _kind, _spellings in _AV_BLOCK.items():
    for _spelling in _spellings:
        for _block in ("av block", "heart block", "atrioventricular block"):
            _words = f"{_spelling} degree {_block}" if _spelling != "complete" else f"complete {_block}"
            PHRASES[_words] = f"{_kind} degree atrioventricular block" if _kind != "complete" \
                else "complete atrioventricular block"
PHRASES["av block"] = "atrioventricular block"
_HEART_BLOCKS = tuple(k for k in PHRASES if k.endswith(("av block", "heart block", "atrioventricular block")))

# The lay phrases that name one diagnosis wherever a note uses them: the offline engine reads a
# note's "strep throat" as "streptococcal pharyngitis". Not "sore throat" (a symptom, R07.0, until
# pharyngitis is diagnosed), nor single words ("swollen", "depressed") that have other senses.
NOTE_PHRASES: dict[str, str] = {k: PHRASES[k] for k in _HEART_BLOCKS + (
    "supratherapeutic inr", "elevated inr", "inr elevated", "subtherapeutic inr",
    "diabetes with microalbuminuria", "diabetic microalbuminuria", "dm2 with microalbuminuria",
    "strep throat", "bladder infection", "kidney infection", "pink eye", "ear infection", "sinus infection",
    "common cold", "chest cold", "stomach flu", "tennis elbow", "golfer's elbow", "frozen shoulder",
    "enlarged prostate", "heart attack", "high blood pressure", "morning sickness", "underactive thyroid",
    "overactive thyroid", "brittle bones", "bone thinning", "lazy eye", "tooth decay",
    "neck strain", "cervical strain", "strain of neck", "lumbar strain", "lumbosacral strain", "low back strain",
    "lower back strain", "back strain", "thoracic strain", "upper back strain", "hamstring strain",
    "rotator cuff strain", "lateral tibial plateau", "medial tibial plateau", "diverticular hemorrhage", "diverticular bleed", "diverticular bleeding", "calf strain", "gastrocnemius strain", "groin strain", "adductor strain", "quad strain",
    "chest wall", "anterior chest wall", "posterior chest wall", "ductal carcinoma in situ",
    *(f"ckd{gap}{stage}" for gap in ("", " ") for stage in ("1", "2", "3", "3a", "3b", "4", "5")),
    "tobacco use disorder", "tobacco dependence", "secondhand smoke", "second-hand smoke", "bee sting",
    "uninsured", "no health insurance", "no insurance", "no dental insurance", "no medical insurance",
    "lack of health insurance", "lack of insurance", "without health insurance", "without insurance",
    "lost his insurance", "lost her insurance", "lost their insurance",
    "secondhand tobacco smoke", "second-hand tobacco smoke", "passive smoking",
    "exposure to environmental tobacco smoke", "tobacco smoke exposure",
    "honeybee sting", "stung by a bee", "stung by a honeybee", "wasp sting", "hornet sting", "elderly primigravida",
    "oropharyngeal dysphagia", "oral phase dysphagia", "pharyngeal dysphagia", "esophageal dysphagia",
    "elderly multigravida", "advanced maternal age, multigravida", "advanced maternal age multigravida",
    "advanced maternal age, primigravida", "advanced maternal age primigravida", "preeclampsia with severe features", "pre-eclampsia with severe features",
    "preeclampsia without severe features", "pre-eclampsia without severe features",
    "pressure injury", "decubitus ulcer", "decubitus ulcers", "bedsore", "alzheimer's dementia", "alzheimer dementia",
    "alzheimers dementia", "alzheimer type dementia", "dementia of the alzheimer's type", "dementia of alzheimer type",
    "dementia, alzheimer type", "dementia, alzheimer's type", "dementia of the alzheimer type", "poison ivy", "poison oak", "poison sumac",
    "pelvic pain", "atypical chest pain", "noncardiac chest pain", "non-cardiac chest pain", "musculoskeletal chest pain",
    "chest pain, atypical", "chest pain, noncardiac", "chest pain, non-cardiac", "chest pain, musculoskeletal",
    "hashimoto's", "hashimoto", "hashimotos", "hashimoto's thyroiditis",
    "history of falls", "fall risk", "risk for falls", "at risk for falls", "recurrent falls", "frequent falls",
    "gait unsteady", "unsteady gait", "unsteady on feet",
    # Index: Elevated, blood pressure reading, without diagnosis of hypertension R03.0
    "elevated blood pressure", "elevated bp", "hypertension reading", "elevated bp reading", "high bp reading",
    "bp elevated", "blood pressure elevated",
    "h. pylori", "h pylori", "h.pylori", "nuclear cataract", "nuclear cataracts", "nuclear sclerotic cataract",
    "nuclear sclerotic cataracts", "nuclear sclerosis cataract", "cortical cataract", "cortical cataracts",
    "seb derm", "seb-derm", "gbs carrier", "gbs colonization", "gbs colonized",
    "weak stream", "weak urinary stream", "incomplete emptying", "incomplete bladder emptying", "straining to urinate",
    *(p for p in PHRASES if p.endswith(" swelling") or p.startswith("swelling of ")),
    *(p for p in PHRASES if PHRASES[p] == "abnormal results of pulmonary function studies"),
    "acute calculous cholecystitis", "chronic calculous cholecystitis", "calculous cholecystitis",
)}
_NOTE_PHRASE_RE = re.compile(
    r"(?<![a-z0-9])(?:" + "|".join(re.escape(p) for p in sorted(NOTE_PHRASES, key=len, reverse=True))
    + r")(?![a-z0-9])", re.IGNORECASE)
# "cervical paraspinal muscle strain", "lumbar muscle strain": a region, up to two words, then strain
_REGION_STRAIN = re.compile(r"\b(neck|cervical|lumbosacral|lumbar|low back|lower back|thoracic|upper back|back|"
                            r"hamstring|rotator cuff|calf|gastrocnemius|groin|adductor|quad)\s+(?:[a-z]+\s+){1,2}?strain\b", re.IGNORECASE)


# the last word of every phrase (and "strain"): a sentence holding none of them as a word holds no phrase
# (each phrase ends in a letter or digit, then no other), and one look at the sentence's words costs far
# less than the regular expressions on the many sentences without one
_PHRASE_HINTS = frozenset({re.findall(r"[a-z0-9]+", p.lower())[-1] for p in NOTE_PHRASES} | {"strain"})
_HINT_WORD = re.compile(r"[a-z0-9]+")


def find_note_phrases(text: str, start: int, end: int):
    """(start, end, ICD wording) of each phrase of ``NOTE_PHRASES`` in ``text[start:end]``."""
    if _PHRASE_HINTS.isdisjoint(_HINT_WORD.findall(text[start:end].lower())):
        return
    for m in _NOTE_PHRASE_RE.finditer(text, start, end):
        yield m.start(), m.end(), NOTE_PHRASES[m.group(0).lower()]
    for m in _REGION_STRAIN.finditer(text, start, end):
        yield m.start(), m.end(), NOTE_PHRASES[f"{m.group(1).lower()} strain"]


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
    "microalbuminuria": "albuminuria",
    "hypercholesterolaemia": "hypercholesterolemia", "tachypnoea": "tachypnea", "tachypnea": "tachypnea",
    # the trochanters are the femur's ("fracture of the right greater trochanter": of the femur, S72.11-)
    **{w: f"{w} femur" for w in ("trochanter", "trochanteric", "intertrochanteric", "subtrochanteric")},
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
    "preeclampsia": "pre eclampsia", "preeclamptic": "pre eclampsia",
}

# Anatomical adjectives -> the noun ICD titles use ("ureteral stricture" ~ "stricture of ureter"),
# and tumour morphology -> behaviour words of the neoplasm titles ("adenoma" ~ benign neoplasm).
WORD_SYNONYMS.update({
    # one named finger is the burn titles' "single finger (nail) except thumb" (T23.x2-)
    "index": ("single",), "ring": ("single",), "pinky": ("single", "little"),
    # the tabular says "postprocedural" (E89.0 hypothyroidism, E89.2 hypoparathyroidism after surgery)
    "postsurgical": ("postprocedural",),
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
    # Index: Ingrowing, nail (finger) (toe) L60.0; "ingrown toenail" is the note's word for it
    "ingrown": ("ingrowing",), "toenail": ("nail",), "toenails": ("nail",), "fingernail": ("nail",),
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
    # "osteoarthritis of both knees": both sides, the titles' "bilateral"
    "both": ("bilateral",),
    # Index: Laceration, eyebrow - see Laceration, eyelid (S01.11-, "eyelid and periocular area")
    "eyebrow": ("eyelid", "periocular"),
    # a bone's adjective where the tabular names the bone ("ulnar styloid fracture": fracture of ulna styloid)
    "ulnar": ("ulna",), "fibular": ("fibula",), "scapular": ("scapula",),
    "calcaneal": ("calcaneus",), "clavicular": ("clavicle",),
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
