"""What the rules cite and the fixed lists they apply: guideline references, Z-code placement, symptoms.

Kept apart from the rule logic so a coding lead can review (and a new
guideline year update) the lists without reading code.
"""

from __future__ import annotations

# -- conventions cited ------------------------------------------------------------------------
ETIOLOGY = ("ICD-10-CM Official Guidelines I.A.13"
            " (etiology/manifestation: 'code first', 'in diseases classified elsewhere')")
USE_ADDITIONAL = "ICD-10-CM Official Guidelines I.A.13 ('use additional code' note in the tabular list)"
CODE_ALSO = "ICD-10-CM Official Guidelines I.A.17 ('code also' note in the tabular list)"
EXCLUDES1 = "ICD-10-CM Official Guidelines I.A.12.a (Excludes1: never coded together, unless unrelated)"
SEVENTH = ("ICD-10-CM Official Guidelines I.C.19.a (7th character for the encounter) and I.C.20"
           " (external cause 7th character matches the injury)")
SEQUELA = "ICD-10-CM Official Guidelines I.B.10 and I.C.19.a (sequela: the nature of the sequela first)"
Z_FIRST = "ICD-10-CM Official Guidelines I.C.21.c.16 (Z codes that may only be principal/first-listed)"
Z_SECONDARY = ("ICD-10-CM Official Guidelines I.C.21.c (secondary-only Z codes); Medicare Code Editor"
               " (unacceptable principal diagnosis)")
EXTERNAL = "ICD-10-CM Official Guidelines I.C.20 (external cause codes are never principal or first-listed)"
UNCERTAIN = ("ICD-10-CM Official Guidelines IV.H"
             " (outpatient: do not code probable, suspected, rule-out diagnoses as confirmed)")
SYMPTOMS = ("ICD-10-CM Official Guidelines I.B.4-5 and II.A"
            " (signs and symptoms integral to a confirmed diagnosis)")
COMBINATION = ("ICD-10-CM Official Guidelines I.C.9.a"
               " (hypertension with heart disease or CKD: presumed link, combination codes)")
PLACE_ACTIVITY = ("ICD-10-CM Official Guidelines I.C.20.b-c and I.C.20.k"
                  " (place Y92, activity Y93, status Y99: one each, at the initial encounter only)")
SIRS = ("ICD-10-CM Official Guidelines I.C.1.d.4 and I.C.18.g"
        " (severe sepsis R65.2- and SIRS R65.1- are never principal: code first the underlying condition)")
OBSTETRIC = ("ICD-10-CM Official Guidelines I.C.15.a.1"
             " (chapter 15 codes have sequencing priority over codes from other chapters)")
SCREENING_FIRST = ("ICD-10-CM Official Guidelines I.C.21.c.5 and IV (a screening code is first-listed when the "
                   "screening is the reason for the encounter; a condition it finds is an additional code)")
DUPLICATE = "ICD-10-CM Official Guidelines I.B.12 (a code is reported only once per encounter)"


# Z codes that may only be principal/first-listed (guideline I.C.21.c.16), with their exceptions.
Z_FIRST_ONLY = ("Z00", "Z01", "Z02", "Z04", "Z31.81", "Z31.83", "Z31.84", "Z33.2", "Z34", "Z38", "Z39",
                "Z40", "Z42", "Z51.0", "Z51.1", "Z52", "Z76.1", "Z76.2", "Z99.12")
Z_FIRST_EXCEPT = ("Z00.6", "Z01.81", "Z52.9")
# Z codes the guidelines allow only as additional codes.
Z_SECONDARY_ONLY = ("Z37", "Z3A", "Z68")
# Status and history codes the Medicare Code Editor rejects as principal diagnosis.
Z_NOT_PRINCIPAL = ("Z14", "Z15", "Z16", "Z17", "Z18", "Z19", "Z28.3", "Z66", "Z67", "Z77", "Z78", "Z79",
                   "Z80", "Z81", "Z82", "Z83", "Z84", "Z85", "Z86", "Z87", "Z88", "Z89", "Z90", "Z91",
                   "Z92", "Z93", "Z94", "Z95", "Z96", "Z97", "Z98", "Z99")

# Preoperative evaluations only (guideline IV.M): first-listed outpatient, the reason for the surgery after.
PREOPERATIVE = ("Z01.81",)
# Screening encounters (guideline I.C.21.c.5): first-listed when the screening is why the patient came.
SCREENING = ("Z11", "Z12", "Z13", "Z36")
# Follow-up after completed treatment (guideline I.C.21.c.8): the follow-up code first, the history code after it.
FOLLOW_UP = ("Z08", "Z09")

# Categories whose codes are sequelae (late effects) by definition.
SEQUELA_CATEGORIES = ("B90", "B91", "B92", "B94", "E64", "E68", "G09", "O94")


# Symptom codes -> the confirmed diagnoses that routinely explain them (ranges of code prefixes).
# Kept to well-established pairs: a symptom is only "integral" to conditions of its own organ system.
SYMPTOM_MAP: tuple[tuple[str, str], ...] = (
    ("R00.0-R00.2", "I47-I49"),                       # tachycardia, bradycardia, palpitations
    ("R01", "I05-I09, I34-I37, Q20-Q24"),             # murmurs
    ("R03.0", "I10-I16"),                             # elevated blood pressure
    ("R04.2", "J00-J99, C34, A15"),                   # hemoptysis
    ("R05", "J00-J99, U07.1"),                        # cough
    ("R06.0", "J00-J99, I50, U07.1"),                 # dyspnea
    ("R06.2", "J00-J99"),                             # wheezing
    ("R07", "I20-I25, J00-J99"),                      # chest pain
    ("R09.0-R09.3", "J00-J99"),                       # asphyxia, pleurisy, respiratory arrest, sputum
    ("R10", "K00-K95, N20-N23, N10, N30, N39.0, A00-A09"),  # abdominal pain
    ("R11", "K00-K95, A00-A09, O21"),                 # nausea and vomiting
    ("R16", "K70-K77, B15-B19"),                      # hepatomegaly
    ("R17", "K70-K83, B15-B19"),                      # jaundice
    ("R18", "K70-K77, C22"),                          # ascites
    ("R19.7", "A00-A09, K50-K52, K58"),               # diarrhea
    ("R21", "L20-L30, B01-B09"),                      # rash
    ("R30", "N10-N12, N30, N34, N39.0, N41"),         # dysuria
    ("R31", "N00-N08, N20-N23, N30, N39.0, C64-C68"),  # hematuria
    ("R35", "E08-E13, N40"),                          # polyuria
    ("R39.1", "N40, N30, N39.0"),                     # difficulties with micturition
    ("R41.0", "F01-F03, F05, G30"),                   # disorientation
    ("R50", "A00-B99, J09-J22, N10, N39.0, L03, K35, K57, U07.1"),  # fever
    ("R51", "G43-G44"),                               # headache
    ("R55", "I44-I49, I95"),                          # syncope
    ("R56", "G40"),                                   # convulsions
    ("R59", "C81-C96"),                               # enlarged lymph nodes
    ("R60", "I50, N04"),                              # edema
    ("R73", "E08-E13"),                               # hyperglycemia
    ("R74", "K70-K77, B15-B19"),                      # abnormal serum enzyme levels
    ("R80", "N00-N08, N04"),                          # proteinuria
    ("R82.4", "E08-E13"),                             # ketonuria
    ("R91", "J00-J99, C34"),                          # abnormal findings on lung imaging
)


# Heart conditions the guidelines presume linked to hypertension (I.C.9.a.1): heart failure and
# the I51.4-I51.9 group. The link holds unless documented otherwise, hence a warning.
HEART = ("I50", "I514", "I515", "I517", "I5189", "I519")
