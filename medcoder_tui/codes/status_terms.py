"""Past conditions, relatives' conditions, procedures, devices and long-term drugs -> Z codes.

- :data:`HISTORY_OF` maps a past condition (by code prefix) to its personal-history code.
- :data:`FAMILY_HISTORY_OF` maps a relative's condition (by code prefix) to its family-history code.
- :data:`STATUS_TERMS` maps a named procedure, device or long-term drug to its status code.

Generic coding knowledge from the Z-code chapters; nothing here is tuned to any particular note.
"""

from __future__ import annotations


# The tabular list's own map: the inclusion term "Conditions classifiable to C44" at Z85.828 (and so on
# through Z85 and Z86.00-), copied out so the table needs no tabular load; tests/test_status_terms.py
# checks every entry against the loaded tabular list.
TABULAR_HISTORY_OF: dict[str, str] = {
    "C15": "Z85.01", "C16": "Z85.028", "C17": "Z85.068", "C18": "Z85.038", "C19": "Z85.048", "C20": "Z85.048",
    "C21": "Z85.048", "C22": "Z85.05", "C25": "Z85.07", "C30": "Z85.22", "C31": "Z85.22", "C32": "Z85.21",
    "C33": "Z85.12", "C34": "Z85.118", "C37": "Z85.238", "C43": "Z85.820", "C44": "Z85.828", "C4A": "Z85.821",
    "C50": "Z85.3", "C64": "Z85.528", "C76": "Z85.89", "C77": "Z85.89", "C78": "Z85.89", "C79": "Z85.89",
    "C7A.00": "Z85.9", "C7A.01": "Z85.060", "C7A.026": "Z85.040", "C7A.029": "Z85.030", "C7A.090": "Z85.110",
    "C7A.091": "Z85.230", "C7A.092": "Z85.020", "C7A.093": "Z85.520", "C7A.098": "Z85.89", "C80.1": "Z85.9",
    "C81": "Z85.71", "C82": "Z85.72", "C83": "Z85.72", "C84": "Z85.72", "C85": "Z85.72", "C88": "Z85.79",
    "C89": "Z85.79", "C90": "Z85.79", "C91": "Z85.6", "C92": "Z85.6", "C93": "Z85.6", "C94": "Z85.6",
    "C95": "Z85.6", "C96": "Z85.79", "D00": "Z86.003", "D01": "Z86.004", "D02": "Z86.005", "D03": "Z86.006",
    "D04": "Z86.007", "D05": "Z86.000", "D06": "Z86.001", "D07": "Z86.002", "D09": "Z86.008",
}

# A condition said to be past ("history of breast cancer") -> the history code a coder uses for it,
# by code prefix, longest first: the tabular's map, then sites its inclusion terms leave out (prostate,
# bladder, cervix...) and the other past conditions. Cancers without a listed site fall to Z85.9.
HISTORY_OF = sorted({
    **TABULAR_HISTORY_OF,
    "C50": "Z85.3", "C18": "Z85.038", "C19": "Z85.048", "C20": "Z85.048", "C61": "Z85.46", "C34": "Z85.118",
    "C67": "Z85.51", "C64": "Z85.528", "C43": "Z85.820", "C53": "Z85.41", "C54": "Z85.42", "C56": "Z85.43",
    "C73": "Z85.850", "C16": "Z85.028", "C22": "Z85.05", "C25": "Z85.07", "C32": "Z85.21", "C71": "Z85.841",
    "C62": "Z85.47", "C81": "Z85.71", "C82": "Z85.72", "C83": "Z85.72", "C84": "Z85.72", "C85": "Z85.72",
    "C91": "Z85.6", "C92": "Z85.6", "C93": "Z85.6", "C94": "Z85.6", "C95": "Z85.6", "C": "Z85.9",
    # the Z85.8- and Z85.4-/Z85.5- titles by site: tongue; lip, oral cavity and pharynx; bone; soft tissue; eye; other
    # nervous tissue; other endocrine glands; renal pelvis; other urinary organs; other female genital organs; other
    # digestive organs (gallbladder, bile ducts, ill-defined digestive)
    "C01": "Z85.810", "C02": "Z85.810", "C00": "Z85.818", **{f"C{n:02d}": "Z85.818" for n in range(3, 15)},
    "C40": "Z85.830", "C41": "Z85.830", "C49": "Z85.831", "C69": "Z85.840", "C70": "Z85.848", "C72": "Z85.848",
    "C74": "Z85.858", "C75": "Z85.858", "C65": "Z85.53", "C66": "Z85.59", "C68": "Z85.59", "C51": "Z85.44",
    "C52": "Z85.44", "C57": "Z85.44", "C23": "Z85.09", "C24": "Z85.09", "C26": "Z85.09",
    "I21": "I25.2", "I22": "I25.2", "I26": "Z86.711", "I80": "Z86.718", "I82": "Z86.718", "I63": "Z86.73",
    "G45": "Z86.73", "N39.0": "Z87.440", "N30": "Z87.440", "N10": "Z87.440", "N20": "Z87.442",
    "N21": "Z87.442", "N23": "Z87.442", "A15": "Z86.11", "F17": "Z87.891", "J18": "Z87.01", "K25": "Z87.11",
    "K26": "Z87.11", "K27": "Z87.11", "D12": "Z86.0101", "D1": "Z86.018", "D2": "Z86.018", "D3": "Z86.018",
    # a healed osteoporotic (fragility) fracture; a past suicide attempt (Z91.51, suicidal behavior)
    "M80": "Z87.310", "T14.91": "Z91.51",
    # a past cervical, vaginal or vulvar dysplasia (CIN I-II, VAIN, VIN: Z87.41-)
    "N87": "Z87.410", "N89.0": "Z87.411", "N89.1": "Z87.411", "N90.0": "Z87.412", "N90.1": "Z87.412",
    # a past MRSA infection, told by the organism or by its infection (Z86.14)
    "A49.02": "Z86.14", "B95.62": "Z86.14", "A41.02": "Z86.14", "J15.212": "Z86.14",
    # a latent tuberculosis infection treated (Z86.15); a hepatitis C cured (Z86.19, other infectious diseases)
    "Z22.7": "Z86.15", "B17.1": "Z86.19", "B18.2": "Z86.19", "B19.2": "Z86.19",
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
    "M81": "Z82.62", "F10": "Z81.1", "D12": "Z83.719", "N18": "Z84.19", "E78": "Z83.438",
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
