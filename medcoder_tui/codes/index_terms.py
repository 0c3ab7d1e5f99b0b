"""Alphabetic Index entries: terms a note uses and the code the ICD-10-CM index gives them.

Bare main terms ("Infection" -> B99.9), the index's wording for what the tabular
titles say otherwise ("Hernia, hiatal" -> K44.9, "Obesity, morbid" -> E66.01),
morphologies with the Neoplasm Table's default site, and the table's "unspecified
behavior" column by organ. Retrieval turns each into an extra code text of its
code, used only when no longer mention names something more specific.
"""

from __future__ import annotations

# intraepithelial neoplasia by site: (abbreviation, site word, the codes of grades 1, 2 and 3)
_INTRAEPITHELIAL_GRADES = (("ain", "anal", ("K62.82", "K62.82", "D01.3")), ("cin", "cervical", ("N87.0", "N87.1", "D06.9")),
                           ("vin", "vulvar", ("N90.0", "N90.1", "D07.1")), ("vain", "vaginal", ("N89.0", "N89.1", "D07.2")))

# Bare main terms of the ICD-10-CM Alphabetic Index and the code the index gives
# them when nothing more specific is said ("Infection" -> B99.9). Used only when
# no longer mention of the same words names a more specific code.
INDEX_TERMS: dict[str, str] = {
    "infection": "B99.9", "hematoma": "T14.8XXA", "wound": "T14.8XXA", "contusion": "T14.8XXA",
    "injury": "T14.90XA", "malignancy": "C80.1", "cancer": "C80.1", "carcinoma": "C80.1",
    "metastasis": "C79.9", "metastases": "C79.9", "illness": "R69", "disease": "R69", "pain": "R52",
    "colic": "R10.83", "edema": "R60.9", "oedema": "R60.9", "fever": "R50.9", "anemia": "D64.9",
    # Anemia, blood loss (chronic) D50.0; acute D62 (Alphabetic Index)
    # Elevated, blood pressure, reading (incidental) (isolated), no diagnosis of hypertension R03.0
    "elevated bp reading": "R03.0", "elevated bp readings": "R03.0", "elevated blood pressure readings": "R03.0",
    # Fracture, fragility / osteoporotic - see Fracture, pathological, due to osteoporosis (M80.0-)
    "fragility fracture": "M80.00XA", "osteoporotic fracture": "M80.00XA",
    # Epilepsy, localization-related, symptomatic, with complex (simple) partial seizures G40.2- (G40.1-); the
    # intractability and status steps read the rest of the note
    "epilepsy with complex partial seizures": "G40.209", "complex partial seizures": "G40.209",
    "complex partial epilepsy": "G40.209", "focal impaired awareness seizures": "G40.209",
    "epilepsy with simple partial seizures": "G40.109", "simple partial seizures": "G40.109",
    "focal aware seizures": "G40.109",
    # Hypothyroidism, postirradiation / postprocedural E89.0: after radioactive iodine ablation of the thyroid
    "postablative hypothyroidism": "E89.0", "post-ablative hypothyroidism": "E89.0",
    "post-rai hypothyroidism": "E89.0", "postradioiodine hypothyroidism": "E89.0",
    "hypothyroidism after radioactive iodine": "E89.0", "hypothyroidism after rai": "E89.0",
    # Conjunctivitis, allergic (acute) - see Conjunctivitis, acute, atopic (H10.1-; the side is read from the note)
    "allergic conjunctivitis": "H10.10",
    # Conjunctivitis, mucopurulent H10.02- (acute follicular H10.01- only when follicles are named)
    "mucopurulent conjunctivitis": "H10.029", "acute mucopurulent conjunctivitis": "H10.029",
    # Rhinitis, allergic, due to animal (cat) (dog) (hair) (dander) J30.81
    "allergic rhinitis due to cat dander": "J30.81", "allergic rhinitis due to dog dander": "J30.81",
    "allergic rhinitis due to animal dander": "J30.81", "allergic rhinitis due to pet dander": "J30.81",
    "allergic rhinitis due to cat": "J30.81", "allergic rhinitis due to dog": "J30.81",
    "acute blood loss anemia": "D62", "acute posthemorrhagic anemia": "D62", "posthemorrhagic anemia": "D62",
    "anemia due to acute blood loss": "D62", "chronic blood loss anemia": "D50.0",
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
    # the tabular's inclusion terms by grade: "anal intraepithelial neoplasia III [AIN III]" D01.3, "AIN I and II"
    # K62.82; CIN III D06.-, CIN II N87.1, CIN I N87.0; VIN and VAIN the same way (D07.1/N90.-, D07.2/N89.-)
    **{spelled: code for abbreviation, site, codes in _INTRAEPITHELIAL_GRADES
       for (arabic, roman), code in zip((("1", "i"), ("2", "ii"), ("3", "iii")), codes)
       for grade in (arabic, roman)
       for spelled in (f"{abbreviation} {grade}", f"{site} intraepithelial neoplasia {grade}",
                       f"{site} intraepithelial neoplasia grade {grade}")},
    # "Thrush (oral) B37.0": the mouth's and throat's candidiasis ("oropharyngeal candidiasis", OPC)
    # "Poisoning, carbon monoxide - see Table: Carbon monoxide (from unspecified source) T58.9-"
    "carbon monoxide poisoning": "T58.91XA", "co poisoning": "T58.91XA", "carbon monoxide toxicity": "T58.91XA",
    "carbon monoxide intoxication": "T58.91XA", "poisoning by carbon monoxide": "T58.91XA",
    "thrush": "B37.0", "oropharyngeal candidiasis": "B37.0", "oral thrush": "B37.0", "vaginal thrush": "B37.31",
    "vulvovaginal thrush": "B37.31",
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
    "hyperphosphatemia": "E83.39",
    # Dependence, nicotine, cigarettes F17.21- ("cigarette dependence" names the product and the dependence)
    "cigarette dependence": "F17.210", "cigarette addiction": "F17.210",
    # Infection, surgical site (following a procedure): superficial incisional T81.41, deep incisional T81.42, organ
    # and space T81.43, other T81.49 ("SSI" only with its depth: alone it is also sliding-scale insulin)
    "superficial incisional surgical site infection": "T81.41XA", "superficial incisional ssi": "T81.41XA",
    "superficial surgical site infection": "T81.41XA", "superficial ssi": "T81.41XA",
    "deep incisional surgical site infection": "T81.42XA", "deep incisional ssi": "T81.42XA",
    "organ space surgical site infection": "T81.43XA", "organ space ssi": "T81.43XA",
    "surgical site infection": "T81.49XA", "postoperative wound infection": "T81.49XA",
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
    # Disease, sickle-cell, with crisis D57.00 (Hb-SS: sickle-cell anemia); Crisis, sickle-cell D57.00 (the tabular's
    # "Sickle-cell disease without crisis", D57.1, holds the plain disease)
    "sickle cell disease with crisis": "D57.00", "sickle cell anemia with crisis": "D57.00", "sickle cell crisis": "D57.00",
    "sickle cell pain crisis": "D57.00", "vaso-occlusive crisis": "D57.00", "vasoocclusive crisis": "D57.00",
    "sickle cell disease with acute chest syndrome": "D57.01", "sickle cell anemia with acute chest syndrome": "D57.01",
    "sickle cell disease with splenic sequestration": "D57.02", "sickle cell anemia with splenic sequestration": "D57.02",
    # Neuralgia, postherpetic, postzoster B02.29 (the tabular's "Other postherpetic nervous system involvement")
    "postherpetic neuralgia": "B02.29", "postzoster neuralgia": "B02.29",
    # Atrophy, vagina (senile) N95.2; Vaginitis, atrophic, postmenopausal / senile N95.2 (not the acute N76.0)
    "vaginal atrophy": "N95.2", "atrophy of vagina": "N95.2", "atrophic vaginitis": "N95.2", "senile vaginitis": "N95.2",
    "endophthalmitis": "H44.009", "diabetic macular edema": "E11.311", "proptosis": "H05.20",
    "dry eye": "H04.129", "pterygium": "H11.009", "hidradenitis": "L73.2", "folliculitis": "L73.9",
    "pressure injury": "L89.90", "scleroderma": "M34.9", "raynaud phenomenon": "I73.00",
    # Index: Laceration / Contusion / Abrasion, forehead, chin: head, specified site NEC (S01.81-, S00.83-, S00.81-)
    "forehead laceration": "S01.81XA", "laceration of forehead": "S01.81XA", "chin laceration": "S01.81XA",
    "laceration of chin": "S01.81XA", "forehead contusion": "S00.83XA", "contusion of forehead": "S00.83XA",
    "forehead hematoma": "S00.83XA", "chin contusion": "S00.83XA", "forehead abrasion": "S00.81XA",
    "abrasion of forehead": "S00.81XA", "chin abrasion": "S00.81XA",
    # Z59.01 sheltered homelessness ("living in a shelter such as: motel, ... transitional living situation"); Z59.02
    # unsheltered ("residing on the street", "in a car", "homeless encampment")
    "living in a shelter": "Z59.01", "homeless shelter": "Z59.01", "staying at a shelter": "Z59.01",
    "lives in a shelter": "Z59.01", "living on the street": "Z59.02", "lives on the street": "Z59.02",
    "living in his car": "Z59.02", "living in her car": "Z59.02", "living in car": "Z59.02",
    "homeless encampment": "Z59.02",
    # Index: Insertion, intrauterine contraceptive device Z30.430 (the encounter for it)
    "iud insertion": "Z30.430", "insertion of iud": "Z30.430", "intrauterine device insertion": "Z30.430",
    "insertion of intrauterine device": "Z30.430",
    # Index: Disease, viral, virus NEC B34.9; Infection, viral NOS B34.9 ("viral syndrome", "viral illness")
    "viral syndrome": "B34.9", "viral illness": "B34.9", "viral disease": "B34.9",
    # Index: Gastroenteritis, viral, Norwalk agent A08.11 (norovirus is the Norwalk agent)
    "norovirus": "A08.11", "norovirus gastroenteritis": "A08.11", "norovirus infection": "A08.11",
    # Index: Pressure, chest R07.89; Tightness, chest R07.89
    "chest pressure": "R07.89", "chest tightness": "R07.89", "tightness in chest": "R07.89",
    "raynaud's phenomenon": "I73.00", "raynaud syndrome": "I73.00", "giant cell arteritis": "M31.6",
    "psoriatic arthritis": "L40.50", "pseudomembranous colitis": "A04.72",
    "clostridium difficile infection": "A04.72", "c. difficile infection": "A04.72",
    "alcoholic cirrhosis": "K70.30", "gallstones": "K80.20", "gallstone": "K80.20",
    "choledocholithiasis": "K80.50", "biliary colic": "K80.50",
    "staphylococcal pneumonia": "J15.20", "pneumococcal pneumonia": "J13", "klebsiella pneumonia": "J15.0",
    "pneumocystis pneumonia": "B59", "candida sepsis": "B37.7", "candidemia": "B37.7", "fungal infection": "B49",
    "epstein-barr virus infection": "B27.90", "spondylodiscitis": "M46.40", "psoas abscess": "K68.12",
    "prosthetic joint infection": "T84.50XA",
    "surgical wound infection": "T81.49XA",
    "catheter-related infection": "T80.219A", "catheter-related bloodstream infection": "T80.211A",
    "pertussis": "A37.90", "dengue": "A90", "falciparum malaria": "B50.9", "malaria falciparum": "B50.9",
    "tuberculous lymphadenitis": "A18.2", "chronic hepatitis c": "B18.2", "chronic hepatitis b": "B18.1",
    "biliary lithiasis": "K80.20",
    # Index: Infarct, myocardial, ST elevation (STEMI) / by site: inferior (wall) I21.19, anterior (wall) I21.09,
    # lateral, posterior I21.29 (the site's "NEC" leaf when no artery is named)
    "inferior st elevation myocardial infarction": "I21.19", "inferior wall st elevation myocardial infarction": "I21.19",
    "inferior myocardial infarction": "I21.19", "inferior wall myocardial infarction": "I21.19",
    "inferolateral myocardial infarction": "I21.19", "inferolateral st elevation myocardial infarction": "I21.19",
    "anterior st elevation myocardial infarction": "I21.09", "anterior wall st elevation myocardial infarction": "I21.09",
    "anterior myocardial infarction": "I21.09", "anterior wall myocardial infarction": "I21.09",
    "anterolateral myocardial infarction": "I21.09", "anteroseptal myocardial infarction": "I21.09",
    "anterolateral st elevation myocardial infarction": "I21.09", "anteroseptal st elevation myocardial infarction": "I21.09",
    "lateral st elevation myocardial infarction": "I21.29", "lateral wall myocardial infarction": "I21.29",
    "posterior st elevation myocardial infarction": "I21.29", "posterior wall myocardial infarction": "I21.29",
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
    "cerebellar infarction": "I63.9",
    # Infarct, cerebral, due to occlusion or stenosis, middle cerebral artery I63.51- ("L MCA infarct")
    "middle cerebral artery infarct": "I63.50", "middle cerebral artery infarction": "I63.50",
    "middle cerebral artery stroke": "I63.50", "vertebrobasilar insufficiency": "G45.0", "chiari malformation": "Q07.00",
    "deviated septum": "J34.2", "rhinosinusitis": "J32.9", "tonsillar hypertrophy": "J35.1",
    "branchial cyst": "Q18.0", "hypercortisolism": "E24.9", "adrenal hyperplasia": "E25.9",
    "frostbite": "T33.90XA", "drowning": "T75.1XXA", "dog bite": "W54.0XXA", "angioedema": "T78.3XXA",
    "overdose": "T50.901A", "alcohol intoxication": "F10.920", "acute alcohol intoxication": "F10.920",
    "alcohol withdrawal": "F10.239",
    # Complication, catheter, urinary, indwelling, infection T83.511- (a catheter-associated urinary tract infection is
    # the indwelling urethral catheter's; the urinary infection itself is coded beside it, N39.0)
    "catheter-associated urinary tract infection": "T83.511A", "catheter associated urinary tract infection": "T83.511A",
    "catheter-associated uti": "T83.511A", "catheter associated uti": "T83.511A", "cauti": "T83.511A",
    "foley-associated urinary tract infection": "T83.511A", "foley associated uti": "T83.511A",
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

# Terms the encoder lookup indexes as inclusion terms of a code, where the bundled
# tabular data lacks them: R07.89's inclusion terms ("Chest pressure" ...) and the
# Alphabetic Index's "Vaccination, encounter for Z23" / "Immunization, encounter for Z23".
LOOKUP_TERMS: dict[str, tuple[str, ...]] = {
    "R07.89": ("Chest discomfort", "Chest pressure", "Chest tightness"),
    "Z23": ("Vaccination, encounter for", "Immunization, encounter for", "Influenza vaccination",
            "Vaccine administration, encounter for"),
}
