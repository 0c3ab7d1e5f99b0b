"""CPT rules for diagnostics: office tests, X-rays and ECGs.

Tests done in the office (the lab bills its own), X-rays the note's own provider
interprets (a radiologist's read is billed by the radiologist), and ECGs the
provider interprets or that are done in the office.
"""

from __future__ import annotations

import re

from medcoder_tui.codes.systems import System
from medcoder_tui.engines.procedures.context import (
    _I,
    _IN_OFFICE,
    _NOT_DONE,
    _OWN_READ,
    _clause,
    _Ctx,
    told_of_this_visit,
    procedure_not_done,
)

# --- tests, imaging and ECG ------------------------------------------------------------------
# note words -> description pattern; only tests done in the office (the lab bills its own)
_TESTS: list[tuple[str, str]] = [
    (r"\b(?:hb ?a1c|hemoglobin a1c|a1c)\b", r"^Hemoglobin A1c"),
    # a blood count and a chemistry panel the practice runs itself (a differential when the count gives one)
    (r"\b(?:cbc|complete blood count)\b[^.\n]{0,80}\b(?:diff\w*|anc|neutrophils?|lymphocytes?)\b|\banc\b",
     r"^Complete blood count with automated differential"),
    (r"\bcmp\b|comprehensive metabolic panel", r"^Comprehensive metabolic panel"),
    (r"\bbmp\b|basic metabolic panel", r"^Basic metabolic panel"),
    (r"\b(?:hemoglobin|hgb)\b(?! ?a1c)", r"^Hemoglobin \(blood\)"), (r"\b(?:blood )?lead (?:level|screen\w*|test)",
                                                                  r"^Lead level"), (r"\bua\b[^.\n]{0,10}dip|urine dip\w*|dipstick|"
                                                                   # a point-of-care UA is the office dipstick
                                                                   r"\b(?:poc|point[- ]of[- ]care)\s+(?:ua|urinalysis)\b(?![^.\n]{0,25}\b(?:micro|automated))",
                                                                   r"^Urinalysis by dipstick"),
    (r"urine (?:hcg|pregnancy)|\bupt\b", r"^Urine pregnancy"), (r"influenza a/b antigen|rapid (?:influenza|flu)|"
                                                                # "flu Ag", "COVID/flu antigen negative"
                                                                r"\b(?:flu|influenza)(?: a ?(?:/|and|&) ?b)? (?:antigen|ag)\b|"
                                                                r"\b(?:flu|influenza)/[a-z0-9/ -]{2,25}\b(?:antigen|ag)\b",
                                                                r"^Influenza antigen"),
    (r"rapid strep|strep (?:a )?(?:antigen|screen)", r"strep antigen"),
    (r"(?:fingerstick|poc|point[- ]of[- ]care) (?:blood )?glucose|glucometer reading|accu-?chek", r"^Blood glucose by a monitoring"),
    (r"vision screen\w*|visual acuity screen\w*|\bvision\b:?[^.\n:]{0,30}\b(?:hotv|snellen|lea symbols?|eye chart|"
     r"quantitative)\b", r"^Visual acuity screening"), (r"pure[- ]tone|audiometry", r"^Pure tone hearing"),
    (r"spirometry|\bpfts?\b", r"^Spirometry"), (r"\bppd\b (?:placed|planted)|tb skin test", r"^Tuberculosis skin test"),
    (r"venipuncture|(?:blood|labs?) (?:was |were )?drawn (?:today )?in (?:the )?(?:office|clinic)",
     r"^Routine venipuncture"),
    # a specimen drawn by a heel or capillary stick and sent out ("heel-stick capillary sample collected in office ->
    # sent to hospital lab"), not a point-of-care reading's own fingerstick
    (r"\bheel[- ]?stick\b[^.\n]{0,40}\b(?:collect\w*|drawn|obtained|sent)\b|"
     r"\bcapillary (?:blood )?(?:sample|specimen)\b[^.\n]{0,30}\b(?:collect\w*|drawn|obtained|sent)\b",
     r"^Capillary blood collection"),
    (r"\b(?:ua|urinalysis)\b[^.\n]{0,20}(?<!non-)(?<!non)(?<!non )automated", r"^Urinalysis, automated, without microscopy"),
    (r"inhaler (?:technique|teaching|use)[^.\n]{0,40}(?:taught|demonstrat\w*|reviewed|observed)|"
     r"(?:demonstrat\w*|taught|teach\w*)[^.\n]{0,30}(?:inhaler|spacer|nebulizer) (?:use|technique)|"
     r"(?:inhaler|spacer|nebulizer)[^.\n]{0,40}return demonstration",
     r"^Demonstration or evaluation of a patient's use of an inhaler"),
    # a post-void residual measured with a bladder scanner (not a catheter, not an imaging ultrasound)
    (r"\b(?:pvr|post[- ]?void(?: residual)?)\b[^.\n]{0,40}\b(?:bladder scan\w*|ultrasound|us|scanner)\b|"
     r"\bbladder scan\w*\b[^.\n]{0,40}\b(?:pvr|post[- ]?void|residual)\b", r"^Post-void residual urine measurement"),
    # oximetry read over exercise ("exercise oximetry, 6-minute walk"), not a single reading
    (r"(?:exercise|ambulatory|exertional|walking) (?:pulse )?oximetry|oximetry (?:with|during|on) (?:exercise|exertion|"
     r"ambulation|walking)|6[- ]?min(?:ute)? walk[^.\n]{0,60}\b(?:oximetry|spo2|sat\w*)\b", r"^Pulse oximetry, multiple"),
    # an anticoagulation clinic's point-of-care INR
    (r"\b(?:pt\s*/\s*inr|inr|prothrombin time)\b", r"^Prothrombin time"),
]
# words one of which every match of a test's pattern holds: a sentence without any is not searched for it
_TEST_HINTS = (("a1c",), ("cbc", "complete blood", "anc"), ("cmp", "comprehensive metabolic"),
               ("bmp", "basic metabolic"), ("hemoglobin", "hgb"), ("lead",), ("dip", "poc", "point"), ("urine", "upt"),
               ("flu", "rapid"), ("strep",), ("glucose", "glucometer", "accu"), ("vision", "visual"),
               ("tone", "audiometry"), ("spirometry", "pft"), ("ppd", "tb skin"), ("venipuncture", "drawn"),
               ("heel", "capillary"), ("automated",), ("inhaler", "spacer", "nebulizer"), ("pvr", "void", "bladder scan"),
               ("oximetry", "walk"), ("inr", "prothrombin"))
assert len(_TEST_HINTS) == len(_TESTS)
_TEST_RX = [(re.compile(n, _I), d, hints) for (n, d), hints in zip(_TESTS, _TEST_HINTS)]
_SCREEN_RESULT = re.compile(r"\b(?:pass\w*|fail\w*|20/\d+|normal|abnormal|\d+ ?db)\b", _I)
_IMAGING_SITES = ["chest", "wrist", "hand", "knee", "ankle", "foot", "shoulder", "tibia", "cervical spine",
                  "lumbar", "abdomen", "pelvis", "head"]
_SITE_WORDS = {"cxr": "chest", "c-spine": "cervical spine", "l-spine": "lumbar", "tib/fib": "tibia"}


# A routine prenatal visit is part of the global obstetric package, its urine dipstick included
_ROUTINE_PRENATAL = re.compile(r"\broutine prenatal (?:visit|care)|\bglobal (?:ob|obstetric)\b", _I)


# Standardized instruments of a brief emotional or behavioral assessment (96127, one unit each)
_INSTRUMENTS = re.compile(r"\b(phq-?9|phq-?a|gad-?7|vanderbilt|epds|edinburgh postnatal|m-?chat(?:-r)?|psc-?17|"
                          r"pediatric symptom checklist|pcl-?5|crafft|scared|audit-?c?|cssrs|c-ssrs|mdq|asrs)\b", _I)
_ADMINISTERED = re.compile(r"\b(?:administered|scored|completed)\b", _I)
_TODAY = re.compile(r"\b(?:today|this (?:visit|session)|at this visit|in clinic|in office)\b", _I)
_GIVEN = re.compile(r"\badministered\b", _I)
_EARLIER = re.compile(r"\b(?:\d{4}|ago|last|previous\w*|prior|was|were|at intake|in (?:jan|feb|mar|apr|may|jun|jul|aug|"
                      r"sep|oct|nov|dec)\w*)\b", _I)
_TOLD_SECTIONS = frozenset({"hpi", "chief_complaint", "review_of_systems"})


def _instruments(ctx: _Ctx) -> None:
    """96127 per standardized instrument the note says was administered or scored at this visit
    (not at a Medicare wellness visit, whose depression screen is G0444)."""
    if re.search(r"annual wellness visit|\bawv\b", ctx.note, _I):
        return
    found: dict[str, tuple[int, int]] = {}
    for m in _INSTRUMENTS.finditer(ctx.note):
        sent = ctx.a.sentence_at(m.start())
        if sent is None:
            continue
        # (the story may tell what was scored at this visit: "Vanderbilt forms scored today" in the interval history)
        told_today = ctx.section(sent) in _TOLD_SECTIONS and _ADMINISTERED.search(sent.text) and (
            _TODAY.search(sent.text) or _GIVEN.search(sent.text) or not _EARLIER.search(sent.text))
        # (a screen that came out negative was still given: "PSC-17 scored 8 - negative")
        if not (ctx.usable(sent) and "history" not in ctx.a.context_at(m.start(), m.end()) or told_today) \
                or procedure_not_done(ctx.note, m.start(), m.end()):
            continue
        # the sentence, or the paragraph it heads ("Measures (administered and scored today):" over a list)
        para_start = max(ctx.note.rfind("\n\n", 0, m.start()), m.start() - 300, 0)
        if _ADMINISTERED.search(ctx.note, para_start, sent.end):
            found.setdefault(re.sub(r"[^a-z0-9]", "", m.group(1).lower())[:5], (m.start(), m.end()))
    if found:
        start, end = next(iter(found.values()))
        ctx.add(System.CPT, "96127", 0.7, f"brief standardized emotional/behavioral assessment (units: {len(found)} "
                "instruments)", start, end, units=len(found))


def _tests(ctx: _Ctx) -> None:
    if ctx.setting != "outpatient":
        return
    _instruments(ctx)
    prenatal = told_of_this_visit(ctx.note, ctx.a, _ROUTINE_PRENATAL)
    named: dict[str, list] = {}   # a long note repeats its sentences: each text is searched once
    for sent in ctx.a.sentences:
        tests = named.get(sent.text)
        if tests is None:
            low = sent.text.lower()
            tests = named[sent.text] = [(m, desc_rx) for name_rx, desc_rx, hints in _TEST_RX
                                        if any(h in low for h in hints) and (m := name_rx.search(sent.text))]
        if not tests or not ctx.usable(sent):
            continue
        line_start = ctx.note.rfind("\n", 0, sent.start) + 1
        line = ctx.note[line_start: sent.end]
        for m, desc_rx in tests:
            if prenatal and desc_rx.startswith("^Urinalysis by dipstick"):
                continue
            if procedure_not_done(ctx.note, sent.start + m.start(), sent.start + m.end()):
                continue   # "rapid influenza A/B not done": the heading's place names no test done
            screening = desc_rx.startswith(("^Visual", "^Pure", "^Demonstration"))   # done where it is told
            if not (_IN_OFFICE.search(line) or _IN_OFFICE.search(_heading(ctx.note, line_start))
                    or (screening and (_SCREEN_RESULT.search(sent.text)
                                                               or desc_rx.startswith("^Demonstration")))
                    or re.search(r"performed|done today", sent.text, _I)
                    # "venipuncture by clinic MA, specimens sent to reference lab": the draw is told where it is done
                    # (not "venipuncture at the outside lab")
                    or (re.fullmatch(r"venipuncture", m.group(0), _I)
                        and not re.search(r"\b(?:at|by) (?:the |an? )?(?:outside |commercial |reference )?lab\b",
                                          sent.text, _I))
                    # an influenza antigen read by eye is a rapid test, read where the swab is taken
                    or (desc_rx == "^Influenza antigen" and re.search(r"\b(?:antigen|ag)\b", m.group(0), _I))):
                continue
            if desc_rx.startswith(_PANELS) and (not _RUN_HERE.search(line) or re.search(r"\bpending\b", line, _I)):
                continue   # a blood count or panel drawn here is run by the lab unless the note says it ran here
            if desc_rx.startswith("^Hemoglobin \\(") and _BLOOD_COUNT.search(line):
                continue   # the hemoglobin of a blood count is the count's
            venipuncture = desc_rx.startswith(("^Routine venipuncture", "^Capillary blood"))   # drawn here, sent out
            # ("HbA1c 9.2% (prior 8.4%)": the earlier value beside today's result says nothing of where it was done)
            if not venipuncture and re.search(r"\b(?:sent|send|ordered|recent|last|prior|pending)\b",
                                              _EARLIER_VALUE.sub(" ", _clause(sent.text, m.start(), m.end(), 25, 12)), _I):
                continue
            codes = ctx.describe(System.CPT, desc_rx)
            if "Spirometry" in desc_rx and codes:
                # ("pre-bronchodilator only", "no bronchodilator given": spirometry alone)
                post = bool(re.search(r"bronchodilator|post-?(?:bd|albuterol)", sent.text, _I)) and not re.search(
                    r"pre[- ]?bronchodilator only|\bonly pre[- ]?bronchodilator|\b(?:without|no) (?:a |post[- ]?)?"
                    r"bronchodilator", sent.text, _I)
                codes = [c for c in codes if ("bronchodilator" in ctx.cs.cpt[c]) == post] or codes
            if codes:
                ctx.add(System.CPT, codes[0], 0.8, "test performed in the office", sent.start + m.start(),
                        sent.start + m.end())


_PANELS = ("^Complete blood count", "^Comprehensive metabolic", "^Basic metabolic")
_RUN_HERE = re.compile(r"\b(?:in[- ]house|run (?:in|here|on site)|point[- ]of[- ]care|poc|in-office analy[sz]er)\b", _I)
_BLOOD_COUNT = re.compile(r"\b(?:cbc|wbc|plt|platelets?|complete blood count)\b", _I)
_EARLIER_VALUE = re.compile(r"\((?:prior|previous|last|was)\b[^)]*(?:\)|$)", _I)   # (the clause may cut it)


def _heading(note: str, line_start: int) -> str:
    """The heading line ("In-office tests:") over the list item starting at ``line_start``, or ""."""
    at = line_start
    for _ in range(12):   # up through the list's items, to the line that ends with a colon
        if at <= 0:
            return ""
        prev = note.rfind("\n", 0, at - 1) + 1
        line = note[prev:at - 1].strip()
        if not line:
            return ""   # a blank line ends the block
        if line.endswith(":"):
            return line
        at = prev
    return ""


_RADIOLOGY_READ = re.compile(r"\bradiolog\w*(?: final)? (?:read|report|interpretation)|\b(?:read|interpreted|reported) by "
                             r"(?:the )?radiolog\w*|\bradiolog\w* (?:agrees|concurs|final)|"
                             # ("images personally reviewed by me ... - agree with radiology": the film has its read)
                             r"\b(?:agree|agrees|concur|concurs|in agreement) with (?:the )?radiolog\w*", _I)
# ("XR L hand - my independent interpretation ... (Radiology over-read pending.)"): in the ED the radiologist's read
# is the one billed; an office or urgent care that owns its machine bills its own read, the over-read its quality check
_OVER_READ = re.compile(r"(?<!no )\bradiolog\w* over-?read|(?<!no )\bover-?read by (?:the )?radiolog\w*", _I)


_NEXT_ITEM = re.compile(r"\n[ \t]*(?:\d{1,2}[.)]|[-*\u2022])[ \t]")
_OTHER_TEST = re.compile(r"\b(?:ecgs?|ekgs?|troponins?|cbc|bmp|cmp|labs?|ua|echo\w*|ct|mri|ultrasound)\b", _I)


def _read_of_film(text: str, start: int, end: int) -> bool:
    """An own-read phrase said of the film itself: no other test's name between the two ("XR R foot, 3 views (in
    office, read by me)", not "Serial ECGs independently interpreted, troponins, CBC and CXR reviewed")."""
    for read in _OWN_READ.finditer(text):
        lo, hi = (read.end(), start) if read.end() <= start else (end, read.start())
        if not _OTHER_TEST.search(text, lo, max(lo, hi)):
            return True
    return False


def _imaging(ctx: _Ctx) -> None:
    """X-rays the note's own provider interprets (a radiologist's read is billed by the radiologist)."""
    # ("Imaging (performed in this clinic; my interpretation): R wrist, 3 views": plain films by their views)
    rx = re.compile(r"\b(?:xr|x-?rays?|radiographs?|films?|cxr)\b|\bimaging\b(?=[^.\n]{0,120}?\b(?:\d|one|two|three|four)"
                    r"\s*views?\b)", _I)
    for sent in ctx.a.sentences:
        m = rx.search(sent.text)
        # (the own read said of the film itself: "Serial ECGs independently interpreted, ... CXR reviewed" reads
        # the ECGs, not the chest film)
        if not m or not ctx.usable(sent, sent.start + m.start(), sent.start + m.end()) \
                or not _read_of_film(sent.text, m.start(), m.end()):
            continue
        # (up to the next list item: "2) Outside MRI ...: radiology report reviewed" is another study's read)
        item = _NEXT_ITEM.search(ctx.note, sent.end, min(len(ctx.note), sent.end + 200))
        upto = item.start() if item else min(len(ctx.note), sent.end + 200)
        if _RADIOLOGY_READ.search(ctx.note, sent.start, upto) \
                or (ctx.setting != "outpatient" and _OVER_READ.search(ctx.note, sent.start, upto)):
            continue   # the radiologist's read is the one billed; the provider's counts in the MDM data
        low = sent.text.lower()
        site = "chest" if m.group(0).lower() == "cxr" else next(
            (s for s in _IMAGING_SITES if re.search(rf"\b{s}", low)), None)
        site = site or next((v for k, v in _SITE_WORDS.items() if k in low), None)
        if site is None:
            continue
        vm = re.search(r"(\d|one|two|three|four)[\s-]*(?:v\b|views?)|pa(?: and |/)lat", low)
        words = {"one": 1, "two": 2, "three": 3, "four": 4}
        views = (2 if vm and vm.group(0).startswith("pa") else
                 int(words.get(vm.group(1), vm.group(1))) if vm else None)
        best = None
        for code in ctx.describe(System.CPT, rf"^(?:Chest )?X-ray(?: of the)? {site}" if site != "chest" else r"^Chest X-ray"):
            desc = ctx.cs.cpt[code]
            rng = (re.search(r"(\d) or (\d) views", desc), re.search(r"at least (\d) views", desc),
                   re.search(r"(\d) views", desc), re.search(r"single view", desc))
            lo, hi = ((int(rng[0].group(1)), int(rng[0].group(2))) if rng[0] else (int(rng[1].group(1)), 99)
                      if rng[1] else (int(rng[2].group(1)),) * 2 if rng[2] else (1, 1) if rng[3] else (0, 99))
            if views is None or lo <= views <= hi:
                best = best or code
        if best:
            ctx.add(System.CPT, best, 0.75 if views else 0.55, f"X-ray interpreted by the note's provider"
                    f"{f' ({views} views)' if views else '; number of views not stated'}",
                    sent.start + m.start(), sent.start + m.end())
    _ob_ultrasound(ctx)
    _pelvic_ultrasound(ctx)


_OB_US = re.compile(r"\b(?:ob|obstetric|pregnan\w*|dating|fetal|iup|gestation\w*)\b[^.\n]{0,40}\b(?:ultrasound|us|"
                    r"sonogram)\b|\b(?:ultrasound|sonogram)\b[^.\n]{0,40}\b(?:pregnan\w*|iup|gestation\w*|fetal|obstetric)\b",
                    _I)   # ("BEDSIDE ULTRASOUND (limited obstetric, transabdominal, performed and interpreted by me)")
_GA_WEEKS = re.compile(r"\b(\d{1,2})\s*(?:w|wks?|weeks?)\s*(?:\d\s*d\b|gestation|ga\b|by\b|pregnant)", _I)


def _ob_ultrasound(ctx: _Ctx) -> None:
    """An obstetric ultrasound the note's provider performs or interprets: under 14 weeks (76801) or
    from 14 weeks (76805), by the gestational age the note states; "limited" (76815)."""
    for sent in ctx.a.sentences:
        m = _OB_US.search(sent.text)
        if not m or not ctx.usable(sent, sent.start + m.start(), sent.start + m.end()) or _not_done(sent.text):
            continue
        if not (_OWN_READ.search(sent.text) or re.search(r"\bperformed\b|in[- ]office|done today", sent.text, _I)):
            continue
        weeks = _GA_WEEKS.search(ctx.note)
        if re.search(r"\blimited\b", sent.text, _I):
            pattern = r"^Obstetric ultrasound, limited"
        elif weeks is None:
            continue
        else:
            pattern = r"^Obstetric ultrasound through the abdomen, under 14" if int(weeks.group(1)) < 14 else \
                r"^Obstetric ultrasound through the abdomen, 14 weeks"
        codes = ctx.describe(System.CPT, pattern)
        if codes:
            ctx.add(System.CPT, codes[0], 0.75, "obstetric ultrasound performed or interpreted by the note's provider",
                    sent.start + m.start(), sent.start + m.end())
            return


# A non-obstetric pelvic ultrasound: transvaginal (76830) or through the abdomen (76856)
# ("Transvaginal pelvic ultrasound": the route before the region)
_PELVIC_US = re.compile(r"\b(?:(?:transvaginal|tvus|endovaginal)(?:\s+pelvic)?|pelvic)\s+(?:ultrasound|us|sonogram|sonography)\b|"
                        r"\btvus\b", _I)


def _pelvic_ultrasound(ctx: _Ctx) -> None:
    """A pelvic ultrasound the note's provider performs and interprets, outside pregnancy (a pregnancy's
    scan is obstetric: _ob_ultrasound). A scan ordered, planned or read by radiology is not this visit's."""
    if ctx.setting != "outpatient" or not _PELVIC_US.search(ctx.note):
        return
    for sent in ctx.a.sentences:
        m = _PELVIC_US.search(sent.text)
        if not m or not ctx.usable(sent, sent.start + m.start(), sent.start + m.end()) or _not_done(sent.text):
            continue
        if _OB_US.search(sent.text) or not (_OWN_READ.search(sent.text)
                                            or re.search(r"\bperformed\b|in[- ]office|done today", sent.text, _I)):
            continue
        if re.search(r"\b(?:repeat|ordered|order|schedul\w*|plan\w*|next|in \d+ (?:mo|months?|wks?|weeks?))\b",
                     _clause(sent.text, m.start(), m.end(), 25, 25), _I):
            continue
        vaginal = re.search(r"transvaginal|tvus|endovaginal", m.group(0), _I)
        codes = ctx.describe(System.CPT, r"^Transvaginal ultrasound, non-obstetric" if vaginal
                             else r"^Pelvic ultrasound through the abdomen, non-obstetric")
        if codes:
            ctx.add(System.CPT, codes[0], 0.75, "pelvic ultrasound performed and interpreted by the note's provider",
                    sent.start + m.start(), sent.start + m.end())
            return


# a study read beside an earlier one ("no prior for comparison", "unchanged from prior ECG") was still done today
_COMPARISON = re.compile(r"\b(?:no |(?:compared|unchanged|changed|similar) (?:to|with|from) (?:the )?)?(?:prior|previous|"
                         r"old)(?: (?:ecg|ekg|tracing|study|studies|films?|imaging|exam))?(?: available)?"
                         r"(?: for comparison)?\b", _I)


def _not_done(text: str) -> bool:
    """The sentence of a study says it was not done here now (not only that it is compared with a prior one)."""
    return _NOT_DONE.search(_COMPARISON.sub(" ", text)) is not None


# the tracing's report written by cardiology: the reading physician's own read is credited in the MDM only
_READ_BY_CARDIOLOGY = re.compile(r"\b(?:formal(?:ly)?|official|final)\s+(?:\w+\s+){0,2}?(?:read|reading|interpretation|"
                                 r"interpreted)\s+(?:\w+\s+){0,2}?by\s+(?:the\s+)?cardiolog|\binterpreted by (?:the )?"
                                 r"cardiology|\bcardiology reading service\b", _I)


_ELSEWHERE = re.compile(r"\b(?:outside|(?:from|at|in) (?:the )?(?:ed|er|emergency|hospital|urgent care)|brought|faxed|"
                        r"prior|previous|old|last (?:week|month|year)|on \d{1,2}/\d{1,2})\b", _I)


def _ecg(ctx: _Ctx) -> None:
    for sent in ctx.a.sentences:
        m = re.search(r"\b(?:ecg|ekg|electrocardiogram)\b", sent.text, _I)
        if not m or not ctx.usable(sent, sent.start + m.start(), sent.start + m.end()) or _not_done(sent.text):
            continue
        line_end = ctx.note.find("\n", sent.end)
        if _READ_BY_CARDIOLOGY.search(ctx.note, sent.start, line_end if line_end >= 0 else len(ctx.note)):
            continue   # ("ECG (my interpretation): NSR ... (Formal interpretation by cardiology.)"): theirs to report
        if _OWN_READ.search(sent.text):
            # in the office the tracing is done there too (global 93000); elsewhere the read alone
            # (at an office visit a tracing the provider reads is the office's own unless the note says it came from
            # elsewhere: "12-lead ECG (interpreted by me): sinus tachycardia")
            here = _IN_OFFICE.search(sent.text) or re.search(r"\b(?:performed|done|obtained|today|here)\b",
                                                            sent.text, _I) or not _ELSEWHERE.search(sent.text)
            code = "93000" if ctx.setting == "outpatient" and here else "93010"
            ctx.add(System.CPT, code, 0.75, "ECG interpreted by the note's provider", sent.start + m.start(),
                    sent.start + m.end())
        elif ctx.setting == "outpatient" and re.search(r"in[- ]office|in clinic|today|performed", sent.text, _I):
            ctx.add(System.CPT, "93000", 0.7, "12-lead ECG done in the office", sent.start + m.start(),
                    sent.start + m.end())

