"""Which signs and symptoms are routinely part of which diagnoses (guideline I.B.5).

"Signs and symptoms that are associated routinely with a disease process should
not be assigned as additional codes, unless otherwise instructed by the
classification." The table maps a symptom code prefix to the prefixes of the
diagnoses it is integral to. It is general clinical coding knowledge (the
presenting symptoms of each disease group), written from the guideline and the
chapter structure of ICD-10-CM, not from any note. Symptoms not routinely
associated with a coded diagnosis ("fatigue" beside hypertension) stay coded.

Unspecified pain (R52), illness (R69) and hemorrhage (R58) are integral to any
definitive diagnosis: they name nothing the diagnosis does not.
"""

from __future__ import annotations

import re

_RESP_INFECTIONS = ("J00", "J01", "J02", "J03", "J04", "J05", "J06", "J09", "J10", "J11", "J12", "J13", "J14",
                    "J15", "J16", "J17", "J18", "J20", "J21", "J22", "U07.1", "A37", "B97.4")
# the infections whose congestion and postnasal drip are their own: a cold, a URI, influenza, bronchiolitis, COVID-19
_NASAL_INFECTIONS = ("J00", "J06", "J09", "J10", "J11", "J21", "U07.1")
_LOWER_RESP = ("J40", "J41", "J42", "J43", "J44", "J45", "J47", "J80", "J81", "J84", "J90", "J93", "J96",
               "I26", "I50", "I11.0", "I13.0", "I13.2")
_INFECTIONS = ("A", "B", "J0", "J1", "J20", "J21", "J22", "J32", "J36", "J39.0", "J85", "J86", "N10", "N30.0",
               "N39.0", "N45", "N70", "N71", "L02", "L03", "L08", "K35", "K57.0", "K57.2", "K57.4", "K57.8",
               "K61", "K65", "K75.0", "K80.0", "K80.1", "K80.3", "K80.4", "K80.6", "K81", "K83.0", "K85", "M00", "M86", "G00", "G03", "G04", "H66", "H65.0",
               "H65.1", "U07.1", "I33.0", "T81.4", "T82.6", "T82.7", "T83.5", "T84.5")
# Infections a coder names by site or organism: an unspecified infectious disease (B99.9) gives way
# to any of them (guidelines._catch_all).
INFECTIONS = _INFECTIONS + ("N30", "N34", "N41", "J01", "J32", "H60", "H10.0", "K81", "N76", "A")
_ABDOMINAL = ("K20", "K21", "K25", "K26", "K27", "K28", "K29", "K30", "K35", "K36", "K37", "K38", "K40", "K41",
              "K42", "K43", "K44", "K45", "K46", "K50", "K51", "K52", "K55", "K56", "K57", "K58", "K59", "K60",
              "K61", "K63", "K64", "K65", "K70", "K72", "K75", "K80", "K81", "K82", "K83", "K85", "K86", "K90",
              "K92", "N10", "N13", "N20", "N21", "N23", "N30", "N39.0", "N70", "N73", "N80", "N83", "O00", "A0")
_URINARY = ("N10", "N11", "N12", "N13", "N20", "N21", "N23", "N30", "N32", "N34", "N35", "N39.0", "N40.1",
            "N41", "N42", "C61", "C67", "A54", "A56", "A59")
# (an acute stroke's deficits are coded beside it, not integral to it: the neurological deficits and the
# NIHSS score, Coding Clinic and I.C.18.j)
_NEURO_SENSORY = ("G54", "G55", "G56", "G57", "G58", "G59", "G60", "G61", "G62", "G63", "G35", "G45", "M47.1", "M47.2", "M50.1", "M51.1", "M54.1", "M48.0", "E11.4", "E10.4", "E13.4",
                  "E53.8", "S14", "S24", "S34", "S44", "S54", "S64", "S74", "S84", "S94")
_SKIN = ("L", "A38", "B00", "B01", "B02", "B05", "B06", "B08", "B09", "B35", "B36", "B37.2", "B86", "T78.4", "T88.7",
         "L50")
_JOINT_OR_LIMB = ("M00", "M05", "M06", "M08", "M10", "M11", "M12", "M13", "M15", "M16", "M17", "M18", "M19",
                  "M20", "M21", "M22", "M23", "M24", "M65", "M66", "M67", "M70", "M71", "M75", "M76", "M77",
                  "M79.1", "M84", "M87", "S4", "S5", "S6", "S7", "S8", "S9", "T14",
                  "T22", "T23", "T24", "T25")   # (and a burn of the limb: "pain R palm" of a palm burned)
_BACK = ("M43", "M45", "M46", "M47", "M48", "M50", "M51", "M53", "M54.1", "M54.3", "M54.4", "M62.83", "S13",
         "S23", "S32", "S33", "S39", "N20", "N23", "N10")
_HEADACHE = ("G43", "G44", "I60", "I61", "I62", "G93.2", "G93.5", "G93.6", "C71", "C79.3", "D33", "D43", "S06",
             "S00.0", "S09.9", "J01", "J32", "G03", "A87", "A39.0",
             # the headache of streptococcal pharyngitis or tonsillitis and of influenza belongs to the illness
             "J02.0", "J03.0", "J09", "J10", "J11")
# (I25.10 is atherosclerotic heart disease "without angina pectoris": a chest pain beside it is no part of it)
_CHEST = ("I20", "I21", "I22", "I24", "I25.11", "I26", "I30", "I31", "I71", "J93", "J18", "S20", "S22", "S29",
          "K21", "K20", "M94.0")
_ANY = ("",)   # any definitive diagnosis

INTEGRAL: dict[str, tuple[str, ...]] = {
    # respiratory and circulatory signs (R00-R09)
    # (a racing heart and fast breathing are also the criteria of a sepsis the note diagnoses)
    "R00.0": ("I47", "I48", "I49", "E05", "J96", "D62", "A40", "A41", "R65.1", "R65.2"), "R00.1": ("I44", "I45", "I49.5", "I49.8"),
    "R00.2": ("I47", "I48", "I49", "E05"), "R01": ("I34", "I35", "I36", "I37", "Q21", "Q23"),
    "R04.0": ("J01", "J31", "J34"), "R04.2": ("C34", "J18", "A15", "I26", "J47"),
    "R05": _RESP_INFECTIONS + ("J40", "J41", "J42", "J44", "J45", "J47", "J84", "C34", "A15"),
    "R06.0": _RESP_INFECTIONS + _LOWER_RESP, "R06.1": ("J05", "J38", "J45", "T78.3", "T78.0", "T78.2", "T88.6", "T63"),
    "R06.2": ("J44", "J45", "J21", "J98.01"), "R06.8": _RESP_INFECTIONS + _LOWER_RESP + ("A40", "A41", "R65.1", "R65.2"),
    "R07.0": ("J02", "J03", "J05", "J06", "A38"),
 "R07.1": _CHEST, "R07.2": _CHEST, "R07.8": _CHEST,
    "R07.9": _CHEST,
    # chest tightness with coughing fits or wheeze: the airway disease's own ("other chest pain", R07.89)
    "R07.89": _CHEST + ("J20", "J21", "J40", "J44.1", "J45"),
    # (hypoxemia is no part of a pneumonia, COPD or asthma: Coding Clinic codes it beside them when documented)
    "R09.0": ("J96", "J80", "I50", "I26", "U07.1"),
    "R09.3": _RESP_INFECTIONS + ("J40", "J41", "J42", "J44", "J47"), "R09.81": ("J01", "J30", "J31", "J32", "J34", *_NASAL_INFECTIONS),
    "R09.82": ("J01", "J30", "J31", "J32", "J34", *_NASAL_INFECTIONS),
    # digestive (R10-R19)
    # (abdominal pain, nausea and vomiting are also part of diabetic ketoacidosis)
    # (a child's abdominal pain with streptococcal pharyngitis is one of the infection's usual signs)
    "R10": _ABDOMINAL + ("E08.1", "E09.1", "E10.1", "E11.1", "E13.1", "J02.0", "J03.0"),
    # flank pain is the kidney's and the ureter's (pyelonephritis, a stone, an obstruction), not the bladder's
    "R10.A": tuple(c for c in _ABDOMINAL if not c.startswith(("N30", "N39.0"))) + ("N10", "N13", "N20", "N23", "N28"),
    "R11": ("K25", "K26", "K27", "K28", "K29", "K30", "K31", "K35", "K52", "K56", "K80",
                               "K81", "K85", "A08", "A09", "A0", "O21", "G43", "N10", "N20", "N23",
                               "Z34", "Z33.1",   # the nausea of a normal early pregnancy
                               "E08.1", "E09.1", "E10.1", "E11.1", "E13.1"),   # and of diabetic ketoacidosis
    "R12": ("K20", "K21", "K25", "K26", "K27", "K29", "K30"), "R13": ("C15", "K22.2", "K20", "J02", "J03", "J36"),
    "R14": ("K56", "K58", "K59", "K90", "K31"), "R15": ("K59.0",), "R17": ("K70", "K72", "K74", "K75", "K80",
                                                                        "K83", "B15", "B16", "B17", "B19", "C22",
                                                                        "C24", "C25", "K85"),
    "R18": ("K70.3", "K74", "K70.4", "C78.6", "I50"), "R19.4": ("K59",),
    "R19.7": ("A0", "K50", "K51", "K52", "K58", "K90"),
    # skin and sensation (R20-R23)
    "R20": _NEURO_SENSORY, "R21": _SKIN, "R22": ("D17", "D18", "L72", "L02", "L03", "C", "D4", "M71", "E04",
                                                 "N60", "K40", "K42", "K43", "I88"),
    # a swollen limb is the edema of what fills it: heart failure, a venous clot or insufficiency, an injury
    "R22.4": ("D17", "D18", "L02", "L03", "C", "D4", "M71", "I88", "I50", "I11.0", "I13", "I87", "I80", "I82.4",
              "I82.5", "I89.0", "M17", "M25.46", "S7", "S8", "S9", "O14"),
    "R23.1": ("D62", "D64", "D50", "R57", "I95"), "R23.3": ("D69", "S"),
    # nervous and musculoskeletal (R25-R29)
    "R25.1": ("G20", "G25.0", "E05"), "R25.2": ("G", "E83.5", "M62.83"), "R26": ("G20", "G35", "I69",
                                                                            "M16", "M17", "S7", "S8", "S9"),
    "R27": ("G11", "G35"), "R29.8": ("G45",),
    # urinary (R30-R39)
    "R30": _URINARY, "R31": ("N20", "N21", "N23", "N13.2", "N13.6", "N30", "N02", "N05", "C64", "C65", "C66", "C67", "N39.0",
                             "N40", "S37"),
    # (a retention a drug caused, R33.0, is no symptom of the enlarged prostate beside it)
    "R32": ("N39.3", "N39.4"), "R33.8": ("N40.1", "N31", "N13"), "R33.9": ("N40.1", "N31", "N13"),
    "R34": ("N17", "N18.6", "N19"),
    "R35": _URINARY + ("E11.6", "E10.6", "N40.1"), "R36": ("A54", "A56", "N34"),
    "R39.1": _URINARY, "R39.8": _URINARY,
    # cognition and emotions (R40-R46)
    # (and the postictal confusion of a seizure)
    "R41.0": ("F01", "F02", "F03", "F05", "G30", "E87", "E16", "G92", "G93.4", "K72", "K76.82", "R56", "G40", "G41"),
    "R41.8": ("F01", "F02", "F03", "F05", "G30", "G31", "G92", "G93.4", "K72", "K76.82"),
    "R42": ("H81", "H83", "I63", "G45", "I95", "E86", "D62"), "R44": ("F20", "F22", "F25", "F29", "F05", "F31.2", "F32.3",
                                                         "F33.3"),
    "R45.8": ("F32", "F33", "F31"),
    # insomnia is a symptom too: told only in the story beside a diagnosis, it is not coded (IV.D); an assessment that
    # lists it beside a depression codes it ("Insomnia. MDD, recurrent, moderate.")
    "G47.00": (),
    # the patchy atelectasis of a bronchiolitis (the mucus-plugged small airways the illness is)
    "J98.11": ("J21",),
    # the psychosis of a disorder that names its psychotic features
    "F29": ("F20", "F22", "F23", "F25", "F31.2", "F31.5", "F32.3", "F33.3", "F06.0", "F06.2"),
    # anxiety named as a symptom is part of a named anxiety-spectrum disorder (hyperarousal of PTSD, the worry of GAD)
    "F41.9": ("F43.1", "F43.2", "F40", "F41.0", "F41.1", "F41.3", "F41.8", "F42"), "R45.0": ("F41",), "R45.1": ("F41", "F43", "F90", "F01.511", "F01.A11", "F01.B11", "F01.C11", "F02.811",
                                                              "F02.A11", "F02.B11", "F02.C11", "F03.911", "F03.A11",
                                                              "F03.B11", "F03.C11"),   # (a dementia "with agitation")
    "R46": ("F20", "F25", "F29", "F31", "F32", "F33"),
    # speech (R47-R49)
    "R47": ("G45", "I69.02", "I69.12", "I69.22", "I69.32", "I69.82", "I69.92", "G35", "G12.2"), "R49": ("J37", "J38", "J04", "C32"),
    # general (R50-R69)
    # a raised white count is how an infection shows in the blood (D72.82-, leukocytosis)
    "D72.82": _INFECTIONS + ("A40", "A41", "R65.2"),
    # (fever is no part of a cystitis, a lower urinary tract infection: with it, the visit weighs the upper tract)
    "R50": tuple(c for c in _INFECTIONS if c not in ("N30.0", "N39.0")), "R51": _HEADACHE + ("O14.1", "O14.2", "O11", "O15"), "R52": _ANY,
    # fatigue is part of an anemia, a thyroid or heart-rhythm disorder, heart failure, depression, sleep apnea or an
    # infection the note diagnoses
    "R53.83": _INFECTIONS + ("D5", "D60", "D61", "D62", "D63", "D64", "E03", "E05", "I48", "I50", "I11.0", "I13.0",
                             "I13.2", "F32", "F33", "G47.3", "B27", "C"), "R53.1": ("G81", "G83", "I69.33", "I69.34", "I69.35", "I69.83", "I69.84", "I69.85", "I69.93", "I69.94", "I69.95", "G35", "G12", "G70", "M62.8", "M75", "M66", "S43", "S46", "M54.1", "G56", "G57",
                                                                      # (the weakness of a nerve root's muscles)
                                                                      "M50.1", "M51.1", "G54"),
    # the loss of consciousness of a head injury (its S06 code's 6th character says how long)
    "R40.2": ("S06",),
    # (a high-grade block faints; a first-degree block, a long PR alone, does not)
    # (and the faint of an acute blood loss)
    # (a bundle-branch, bifascicular or nonspecific intraventricular block, I45.0-I45.2 and I45.4, is no cause of a
    # syncope the note leaves unexplained; a trifascicular block, pre-excitation, long QT or Stokes-Adams is)
    "R55": ("I44.1", "I44.2", "I44.3", "I45.3", "I45.5", "I45.6", "I45.8", "I45.9", "I47", "I49", "I95", "D62"), "R56": ("G40", "G41"), "R57": ("A41", "R65.21", "T79.4", "I50",
                                                                          "I21", "T78.2", "T88.6"),
    "R58": _ANY, "R59": ("C81", "C82", "C83", "C84", "C85", "C86", "C88", "C90", "C91", "C92", "C93", "C94",
                         "C95", "C96", "C77", "J02", "J03", "B27", "B20", "A18.2", "L02", "L03", "A28.1"),
    "R60": ("I50", "I11.0", "I13", "N04", "N18", "K70.3", "K74", "I87", "I80", "I82.4", "E03", "O14"),
    "R61": ("E05", "N95.1", "R50", "I21", "I22", "E16", "E11.64", "E10.64", "E13.64"), "R63.0": ("C", "F50", "K35", "K36", "K37", "K57", "K65", "K81", "K85", "A08", "A09", "B15", "B16", "B17"), "R63.1": ("E11", "E10", "E13", "E23.2", "E87.0"),
    # (the weight loss of a hyperemesis is one of its criteria)
    "R63.4": ("C", "E05", "F50", "B20", "A15", "K50", "K51", "O21.1"), "R64": ("C", "B20", "A15"),
    # the weight gain of the fluid a failing heart or a nephrotic kidney retains
    "R63.5": ("I50", "I11.0", "I13.0", "I13.2", "N04"),
    "R68.8": _ANY, "R69": _ANY,
    # pain codes outside the symptom chapter: of a joint, a limb, the back
    "M25.5": _JOINT_OR_LIMB, "M79.1": _RESP_INFECTIONS + ("A9", "B2", "B33", "B34", "U07.1", "A08"), "M79.6": _JOINT_OR_LIMB + ("L02.4", "L02.6", "L03.0", "L03.1",   # (the pain of a limb's abscess or cellulitis)
                                                                          "I80", "I82.4", "I73", "I70.2",
                                                                          # the leg pain of a lumbar stenosis or root
                                                                          "M48.06", "M48.07", "M51.1", "M54.1", "M54.3",
                                                                          "M54.4", "M47.2"),
    "M54.5": _BACK, "M54.9": _BACK, "M54.2": ("M50", "M47.1", "M47.2", "M47.81", "S13", "S16"),
    "M54.6": ("M51.04", "M47.14", "M47.24", "S23", "S22"),
    "G89.1": ("S", "T"),
    # a joint's effusion and stiffness, synovitis and the seropositivity of an arthritis
    # (an osteophyte, the bone spur of a film, is part of the osteoarthritis or spondylosis it shows)
    "M25.4": _JOINT_OR_LIMB, "M25.6": _JOINT_OR_LIMB, "M25.7": ("M15", "M16", "M17", "M18", "M19", "M47"),
    "M65.9": ("M05", "M06", "M08", "M10", "M11", "M12", "M13"),
    "R76.8": ("M05", "M06"),
    # constipation and urge incontinence are symptoms too: of a bowel obstruction or an irritable bowel with
    # constipation, of an overactive bladder (and, told only in the story, not coded: IV.D)
    "K59.0": ("K56", "K58.1", "K59.03"), "N39.41": ("N32.81", "N31"),
    # a toothache (Index: Toothache K08.89) of a tooth's caries, pulp, periapical or periodontal disease
    "K08.89": ("K02", "K03", "K04", "K05", "S02.5"),
    # ear pain and ear discharge of an ear infection or other disorder of the ear itself
    "H92.0": ("H60", "H61", "H62", "H65", "H66", "H67", "H68", "H69", "H70", "H72", "H73", "H74", "S00.4", "S01.3",
              "S09.2", "T16"),
    "H92.1": ("H60", "H62", "H66.01", "H66.1", "H66.2", "H66.4", "H70", "H72"),
    # the painful periods and painful intercourse of endometriosis
    "N94.6": ("N80",), "N94.1": ("N80",), "N94.4": ("N80",), "N94.5": ("N80",),
    # the red, swollen conjunctiva of an eye injury, foreign body or inflammation
    "H11.4": ("T15", "S05", "H16", "H10", "B30", "T26"),
    # the embolism of an embolic cerebral infarction ("due to embolic occlusion of the L MCA"); emboli of no named
    # artery where the pulmonary embolism is coded ("CT: nodules c/w septic emboli" beside I26.90)
    "I74.9": ("I63", "I26"),
    # the albuminuria of a chronic kidney disease, diabetic or hypertensive (its stage is read from it: A2, A3)
    "R80": ("N18", "I12", "I13", "E08.2", "E09.2", "E10.2", "E11.2", "E13.2", "N00", "N01", "N02", "N03", "N04",
            "N05", "N06", "N07", "N08"),
    # the urine sediment of a kidney injury or nephritis ("muddy brown casts" of acute tubular necrosis)
    # ketones in the urine of a hyperemesis with metabolic disturbance are its carbohydrate depletion (O21.1's inclusion terms)
    "R82.4": ("O21.1", "E08.1", "E09.1", "E10.1", "E11.1", "E13.1"),
    "R82.99": ("N17", "N00", "N01", "N03", "N04", "N05", "N10", "N14"),
    # the colic of a urinary stone (N23: renal colic is the stone's pain)
    "N23": ("N20", "N21", "N13.2", "N13.6"),
    # the deformity of a fractured or dislocated limb ("dinner-fork deformity" of a Colles fracture)
    "M21.9": _JOINT_OR_LIMB,
    # photophobia and tearing of an eye injury or inflammation
    "H53.14": ("T15", "S05", "H16", "H10", "H20", "G43", "A87", "G03"), "H04.20": ("T15", "S05", "H16", "H10"),
    # the blurred vision and glare of a cataract
    "H53.8": ("H25", "H26", "H28"), "H53.71": ("H25", "H26", "H28"),
    # angioedema, urticaria and hypotension of an anaphylactic reaction
    "T78.3": ("T78.2", "T63", "T88.6", "T80.5"), "L50": ("T78.2", "T63", "T88.6", "T80.5"),
    # (hypotension of no kind; orthostatic or drug-induced hypotension, I95.1 and I95.2, is a diagnosis of its own,
    # with its syncope integral to it)
    "I95.9": ("T78.2", "T63", "T88.6", "T80.5", "R57", "R65.21", "A41"),
    "I95.89": ("T78.2", "T63", "T88.6", "T80.5", "R57", "R65.21", "A41"),
    # muscle spasm of a strained or sprained region, or of a back disorder
    # the radiograph's osteopenia of a patient with osteoporosis is that osteoporosis
    "M85.8": ("M80", "M81"),
    # the foreign-body sensation of a foreign body on the eye, or of a corneal abrasion
    "H57.8A": ("T15", "S05.0", "S05.1"),
    # the bone necrosis a chronic ulcer's depth names ("ulcer ... with necrosis of bone", L97.-4)
    "M87.9": ("L97", "L98.4", "L89"),
    # the eye pain of an injury of the eye, its lid or orbit, or of the eye's inflammation
    "H57.1": ("T15", "T26", "S05", "S00.1", "S00.2", "S01.1", "S02.3", "H10", "H16", "H20", "H40.2", "H44", "H46",
              "B02.3"),
    "M62.83": ("S13", "S16", "S23", "S29", "S33", "S39", "S43", "S46", "S53", "S56", "S63", "S66", "S73", "S76",
               "S83", "S86", "S93", "S96", "M54", "M50", "M51", "M47"),
}
# A substance withdrawal (F1x.13, F1x.23, F1x.93: alcohol, opioids, sedatives, cocaine, other stimulants, other
# substances) is its signs: tremor, sweating, a racing heart, agitation, hallucinations, nausea and confusion.
_WITHDRAWAL = tuple(f"F{n}.{k}3" for n in (10, 11, 13, 14, 15, 19) for k in (1, 2, 9))
for _sign in ("R25.1", "R61", "R00.0", "R45.1", "R44", "R41.0", "R11"):
    INTEGRAL[_sign] = INTEGRAL[_sign] + _WITHDRAWAL

# A substance intoxication (F1x.12-, F1x.22-, F1x.92-) is its signs: the staggering gait, the ataxia, the slurred
# speech and the drowsiness of the drunk (a delirium or a perceptual disturbance has its own 6th character).
_INTOXICATION = tuple(f"F{n}.{k}2" for n in (10, 11, 12, 13, 14, 15, 16, 18, 19) for k in (1, 2, 9))
for _sign in ("R26", "R27", "R47", "R40.0"):
    INTEGRAL[_sign] = INTEGRAL.get(_sign, ()) + _INTOXICATION
# the drowsiness of carbon dioxide retained in a hypercapnic respiratory failure
INTEGRAL["R40.0"] = INTEGRAL["R40.0"] + ("J96.02", "J96.12", "J96.22", "J96.92")
# worrying is the generalized anxiety, the obsessions, the depression it is a part of
INTEGRAL["R45.82"] = ("F41", "F42", "F43", "F32", "F33", "F31")
# suicidal and homicidal ideation are no part of a depressive or bipolar disorder: each is coded where documented
INTEGRAL["R45.85"] = ()

_KEYS = sorted(INTEGRAL, key=len, reverse=True)
_WITH_BLEEDING = re.compile(r"\bwith (?:[a-z ,]+ )?(?:hemorrhage|bleeding)\b")


def bleeds(title: str) -> bool:
    """True when a title says the condition is "with hemorrhage" or "with bleeding" (K26.0, K57.31)."""
    return bool(_WITH_BLEEDING.search(title.lower().replace("without", "w/o")))


def gangrenous(title: str) -> bool:
    """True when a title says its condition is with gangrene (K35.32, E11.52, K40.40), not "without gangrene"."""
    low = title.lower()
    return "gangrene" in low and not re.search(r"\bwithout\b[^,]*\bgangrene\b", low)


def _entry(code: str) -> tuple[str, ...] | None:
    return next((INTEGRAL[k] for k in _KEYS if code.startswith(k)), None)


def is_symptom(code: str) -> bool:
    """A sign or symptom code the integral rule may drop (R00-R69 and the listed pain codes)."""
    return (code[:1] == "R" and code[1:3].isdigit() and int(code[1:3]) <= 69) or _entry(code) is not None


def is_integral(symptom: str, diagnosis: str) -> bool:
    """True when ``symptom`` is routinely part of ``diagnosis`` (and so not coded beside it)."""
    if symptom == diagnosis or is_symptom(diagnosis):
        return False
    targets = _entry(symptom)
    if targets is None:
        return False
    # an infection of the urinary tract in pregnancy has the symptoms of the infection it names
    alias = next((a for p, a in _PREGNANCY_ALIASES if diagnosis.startswith(p)), diagnosis)
    return any(diagnosis.startswith(t) or alias.startswith(t) for t in targets)


_PREGNANCY_ALIASES = (("O23.0", "N10"), ("O23.1", "N30"), ("O23.2", "N34"), ("O23.4", "N39.0"))
