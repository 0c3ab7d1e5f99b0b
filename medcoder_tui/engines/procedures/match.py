"""Procedures documented as performed, matched to the CPT descriptions.

The vocabulary (clinicians' words -> the descriptions' words, stop words,
generic heads), stemming, the per-table index of description heads and
qualifiers, and the ``_surgical`` rule that picks the description whose head a
sentence names; plus ``_wound_repair``, which picks a laceration repair by the
descriptions' own complexity, site group and length ranges.
``_GENERIC_RANGE`` is the CPT range these rules cover (the others have their own).
"""

from __future__ import annotations

import re
from functools import lru_cache

from medcoder_tui.codes.systems import System
from medcoder_tui.engines.procedures.context import _I, _NOT_DONE, _PERFORMED, _Ctx

# --- procedures: matching the note's words to the CPT descriptions ---------------------------
# clinicians' words -> the words the descriptions use
_SYNONYMS: list[tuple[str, str]] = [
    (r"meniscectomy", "removal meniscus"), (r"polypectomy", "removal polyp"),
    (r"\b(?:removed|excised|resected|extracted)\b", "removal"), (r"\bappl(?:ied|y)\b", "application"),
    (r"\bfx\b", "fracture"), (r"\bi ?& ?d\b|incised and drained", "incision drainage"),
    (r"\bdebrided\b", "debridement"), (r"\begd\b|esophagogastroduodenoscopy", "upper gi endoscopy"),
    (r"cholecystectomy|lap chole", "gallbladder removal"), (r"\blaparoscop\w*|\blap\b", "laparoscopic"),
    (r"cerumen", "ear wax"), (r"\blp\b|spinal tap", "lumbar puncture"), (r"(?<!ileum )(?<!ileum was )(?<!\bti )(?<!\bti was )(?<!cecum )(?<!cecal )(?<!ileal )intubat\w*(?! (?:the )?(?:terminal )?(?:ileum|ti\b|cecum))",
     "emergency endotracheal intubation"),   # (a scope's "terminal ileum intubated" is no airway)
    (r"\bfoley\b", "temporary indwelling foley bladder catheter"), (r"straight cath\w*|in and out cath\w*", "straight bladder catheterization"),
    (r"\biud\b", "intrauterine device"), (r"epistaxis", "nosebleed"),
    # a nosebleed packed or cauterized is a nosebleed controlled (30901/30903)
    (r"nasal packing|(?:anterior|posterior) (?:nasal )?packing|packed (?:the )?(?:left |right )?(?:naris|nostril)|"
     r"rhino ?rocket|merocel|silver nitrate", "control"), (r"\btka\b", "total knee replacement"),
    (r"\btha\b", "total hip replacement"), (r"\bbx\b|biopsied", "biopsy"), (r"\bshave\b", "tangential shave skin"),
    (r"cryo\w*|liquid nitrogen", "destruction"), (r"actinic keratos\w*|\baks?\b", "premalignant actinic keratosis skin lesion"),
    (r"\bwarts?\b|verruca\w*", "benign warts skin lesion"), (r"acrochordons?", "skin tags"),
    (r"central line|\bcvc\b", "central venous catheter"), (r"a-?line|arterial line", "arterial line"),
    (r"cardioverted", "cardioversion"), (r"\bcpr\b|chest compressions", "cardiopulmonary resuscitation"),
    (r"ingrown (?:toe)?nail|nail avulsion", "removal nail plate"),
    (r"matri(?:c|x)ectomy|phenol\w*", "excision nail matrix permanent"), (r"\bpared\b", "paring"),
    (r"\bscope\b|colonoscope", "colonoscopy"), (r"\bforceps\b", "biopsy"), (r"\bupper (?:gi )?endoscopy\b", "upper gi endoscopy"),
    (r"phacoemulsification|\bphaco\b|cataract extraction", "cataract removal"),
    (r"\biol\b|intraocular lens", "intraocular lens implant"), (r"\bcorneal\b", "cornea"),
    (r"\bcolles\b|\bsmith'?s?(?= fracture)", "distal radius"),   # the eponyms of distal radius fractures
    (r"lateral malleol\w*", "distal fibula lateral malleolus"), (r"medial malleol\w*", "distal tibia medial malleolus"), (r"\bdrained\b", "drainage"), (r"\bincised\b", "incision"),
    (r"\b(?:l[1-5]|s1)(?:\s*-\s*(?:l[1-5]|s1))?\b", "lumbar sacral"), (r"\btfesi\b", "transforaminal epidural injection"),
    (r"\binterlaminar\b|\bilesi\b", "between the laminae epidural injection"),
    (r"\bc[2-7](?:\s*-\s*(?:c[3-7]|t1))?\b", "cervical thoracic"),
    (r"\baspirated\b", "aspiration"), (r"arthrocentes[ie]s", "joint aspiration"), (r"\binjected\b", "injection"), (r"ultrasound|fluoro\w*|\bus-guided|ct-guided", "imaging guidance"),
    (r"\breduc\w*|\bmanipulat\w*", "manipulation"), (r"endometrial (?:biopsy|bx)|pipelle", "endometrial sampling"), (r"\binserted\b|\bplaced\b", "insertion placement"), (r"\bcasted\b", "cast"),
    (r"\bsplinted\b", "application splint"), (r"\blong-arm\b", "long arm"), (r"\bshort-arm\b", "short arm"),
    (r"\blong-leg\b", "long leg"), (r"\bshort-leg\b", "short leg"), (r"\bmenisci\b", "meniscus"),
]
# a treatment a procedure sentence names without the condition it treats, and that condition in the diagnosis
# (treatment, condition, words that make the sentence name its own condition and keep it)
_TREATS = (("manipul", "fractur", frozenset()), ("control", "noseble", frozenset()),
           # "Procedure: Cryodestruction ..., all 6 lesions" under "Impression: Actinic keratoses x6" (a sentence that
           # names its own lesions' kind, "Destruction of benign lesions", keeps it)
           ("destruction", "premalignant",
            frozenset({"benign", "premalignant", "wart", "verruca", "molluscum", "seborrheic", "malignant"})))
_BY_ME = re.compile(r"\b(?:applied|placed|fitted|molded)\b[^.;]{0,25}\bby (?:me|myself|us|this (?:provider|physician))\b|"
                    r"\bi (?:applied|placed|fitted|molded)\b", _I)
# a description's tool, and the tools a sentence may name instead
_RIVAL_TOOLS = (("snar", frozenset({"forcep"})),)   # (stems: "snare", "forceps")
_SYN_RX = [(re.compile(a, _I), b) for a, b in _SYNONYMS]
_ANY_SYN = re.compile("|".join(f"(?:{a})" for a, _ in _SYNONYMS), _I)
_STOP = frozenset({"of", "the", "a", "an", "and", "or", "with", "without", "by", "to", "for", "on", "in",
                  "e", "g", "each", "single", "first", "up", "including", "add-on", "procedure", "than",
                  "other", "under", "any", "more", "less", "one", "both", "all", "its", "at"})
_TOKEN = re.compile(r"[a-z][a-z-]*[a-z]|[a-z]")
# CPT ranges with their own rules elsewhere (E/M, vaccines, administration, labs, imaging, therapy...)
_GENERIC_RANGE = re.compile(r"^(?:1[0-9]|[2-6][0-9])\d{3}$|^9(?:2950|2960|3306)$")


# qualifiers that name the default a note need not state
_DEFAULT_QUALS = frozenset({"standard", "non-complex", "simpl", "uncomplicat", "routin"})
# first words of descriptions that say what was done but not to what: never enough on their own
_GENERIC_HEADS = frozenset({"remov", "applic", "insert", "incis", "inject", "repair", "closed", "destruct",
                            "treatment", "placement", "simpl", "total", "upper", "emergency", "control"})


def _stem(word: str) -> str:
    for suffix in ("ations", "ation", "ments", "ment", "ings", "ing", "ies", "ied", "ed", "es", "s", "al", "y", "e"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


# the heads by their stems too ("closed" is "clos", "treatment" "treat", as _stems gives them)
_GENERIC_HEADS = _GENERIC_HEADS | frozenset(_stem(w) for w in _GENERIC_HEADS)


@lru_cache(maxsize=8192)   # a long note repeats its sentences: each text is stemmed once
def _stems(text: str) -> frozenset[str]:
    low = text.lower()
    extra = " ".join(word for rx, word in _SYN_RX if rx.search(low)) if _ANY_SYN.search(low) else ""
    return frozenset(_stem(t) for t in _TOKEN.findall(f"{low} {extra}") if t not in _STOP and len(t) > 1)


class _Index:
    """Head and qualifier stems of each surgical CPT description, keyed by the first head stem."""

    def __init__(self, cpt: dict[str, str]) -> None:
        self.by_anchor: dict[str, list[tuple[str, list[str], set[str], set[str], frozenset[str]]]] = {}
        for code, desc in cpt.items():
            if not _GENERIC_RANGE.match(code):
                continue
            # A parenthesis explains ("Upper GI endoscopy (esophagus, stomach, duodenum)", "(spinal
            # tap)"): its words confirm a description but do not choose it, worth half a qualifier
            # however many the note names, or the findings' organ names would outweigh "with biopsy".
            aside = " ".join(re.findall(r"\(([^()]*)\)", desc))
            desc = re.sub(r"\([^()]*\)", " ", desc)
            # "Destruction of benign lesions other than skin tags": what is left out is no head word
            desc = re.sub(r"\bother than [^,;]+", " ", desc)
            head_text = re.split(r",| with | by ", desc, maxsplit=1)[0]
            head = [_stem(t) for t in _TOKEN.findall(head_text.lower()) if t not in _STOP and len(t) > 1]
            without = " ".join(re.findall(r"without ([^,;]+)", desc))
            absent = _stems(without) if without else frozenset()
            quals = {t for t in _stems(re.sub(r"\d[\d.]*|sq|cm|without [^,;]+", " ", desc)) if t not in head}
            explained = frozenset(_stems(aside) - set(head) - quals) if aside else frozenset()
            if head:
                self.by_anchor.setdefault(head[0], []).append((code, head, quals, absent, explained))


_INDEX_CACHE: dict[int, tuple[dict, _Index]] = {}


def _index(cs) -> _Index:
    cached = _INDEX_CACHE.get(id(cs))
    if cached is None or cached[0] is not cs.cpt or len(cached[0]) != len(cs.cpt):
        cached = (cs.cpt, _Index(cs.cpt))
        _INDEX_CACHE[id(cs)] = cached
    return cached[1]


_LOCAL_NEG = re.compile(r"\b(?:no|not|without|denies|declined|deferred|refused)\b[^,;.()]{0,25}$", _I)


_WINDOW_CHARS = 3000


def _window(ctx: _Ctx, i: int, *, own: bool = False) -> str:
    """The sentence, or for a procedure section the sentence and the rest of that section (findings...),
    without the words under a negation ('no polyps') after the sentence, and with ``own`` in the
    sentence too ("no cholangiography", "no complex features": a qualifier under a negation is not
    said; but a head word is, in "After DRE (normal, no masses), the colonoscope was introduced")."""
    sent = ctx.a.sentences[i]
    end = sent.end
    if ctx.section(sent) == "procedures":
        sec = ctx.a.section_span_at(sent.start)
        # the rest of the section, but not without end: a long note's last section can run for pages
        end = min(sec.end, sent.end + _WINDOW_CHARS) if sec is not None else sent.end
    return ctx.a.blanked(sent.start, end, {"negated"}, from_=sent.start if own else sent.end)


def _diagnosis_stems(ctx: _Ctx) -> frozenset[str]:
    """The words of the note's diagnosis and assessment sections, without those under a negation."""
    return frozenset().union(*(_stems(ctx.a.blanked(sec.start, sec.end, {"negated"})) for sec in ctx.a.sections
                               if sec.name in ("diagnoses", "assessment_plan", "impression")))


# "EGD 5/12 (Dr. Test GI): ...", "reduced by ortho": another physician's procedure, billed on that physician's
# claim, not on this note's author's
_BY_ANOTHER = re.compile(r"\((?:per |by )?dr\.?\s+([a-z][^)]{0,40}?)\s*\)|"
                         # "EGD 05/11 (GI): ...": the service that did it, in parentheses
                         r"\((?:gi|gastroenterology|general surgery|surgery|ir|interventional radiology|cardiology|"
                         r"urology|ortho(?:pedics|paedics)?|ent|pulmonology|anesthesia)\)|\b(?:done|performed|reduced|placed|"
                         r"inserted)?\s*(?:by|per) (?:the )?(?:gi|gastroenterolog\w*|surgeon|surgery|general surgery|"
                         r"cardiolog\w*|interventional radiology|ir|urolog\w*|ortho(?:pedics|paedics)?|ent)\b|"
                         # "Taken for laparoscopic cholecystectomy HD#2 by Dr. Test General Surgeon - uncomplicated"
                         r"\bby dr\.?\s+([a-z][a-z .'-]{0,40}?)\s*(?:[-,;:(]|$)|"
                         # a discharge summary's care team: "Surgery: Test General Surgeon, MD (performed lap chole)"
                         r"\b(?:surgery|surgeon|gi|cardiology|urology|ortho\w*|ir)\s*:\s*(?:dr\.?\s+)?"
                         r"([a-z][a-z .'-]{0,40}?),?\s*(?:md|do)?\s*\((?:performed|did)\b|"
                         # "GI performed EGD on HD1 (see GI procedure note)": the consulting service as the subject
                         r"\b(?:gi|gastroenterology|surgery|general surgery|the surgeon|cardiology|urology|ir|"
                         r"interventional radiology|ortho\w*|ent|pulmonology|anesthesia)\s+(?:performed|did|placed|"
                         r"inserted)\b|\bsee (?:the )?(?:\w+ )?(?:procedure|operative|op) (?:note|report)\b", re.I)
# a hospital stay's course: "Foley placed 07/20 in ED for the OR" (the ED's or the operating room's, not the author's)
_PLACED_ELSEWHERE = re.compile(r"\b(?:placed|inserted|done|performed)\s+(?:on\s+)?(?:\d{1,2}/\d{1,2}\s+)?in (?:the )?"
                               r"(?:ed|er|emergency department|or|pacu)\b", re.I)


def _by_another(ctx: _Ctx, text: str) -> bool:
    if ctx.setting == "inpatient" and _PLACED_ELSEWHERE.search(text):
        return True
    m = _BY_ANOTHER.search(text)
    if m is None:
        return False
    # the note's own author named in it ("(Dr. Test Surgeon)" in the surgeon's own note) is no other physician
    signature = " ".join(ctx.lower[-400:].strip().splitlines()[-2:])   # the author's name signs the note
    name = next((g for g in m.groups() if g), None)
    return not (name and name.lower().strip(" .,") in signature)


_REPORT_TITLE = re.compile(r"\s*(?:[a-z /&]+ )?(?:report|note)\s*[-:]\s*([a-z ,/&()-]{4,60})\s*$", re.I | re.M)
# ("TEST ENDOSCOPY CENTER - COLONOSCOPY REPORT": the procedure named before the word)
_TITLE_REPORT = re.compile(r"\s*(?:[a-z .&]+ - )?([a-z ,/&()-]{4,60}?)\s+(?:report|procedure note)\s*$", re.I | re.M)


def _surgical(ctx: _Ctx) -> None:
    """Procedures documented as done: the description whose head the sentence names and whose qualifiers fit."""
    index = _index(ctx.cs)
    performs: dict[str, bool] = {}   # a long note repeats its sentences: each text is searched once
    not_dones: dict[str, bool] = {}
    # "ENDOSCOPY REPORT - COLONOSCOPY": a procedure report's title names the procedure its findings
    # ("polyp removed with hot snare") are part of
    title = _REPORT_TITLE.match(ctx.note) or _TITLE_REPORT.match(ctx.note)
    title_stems = _stems(title.group(1)) if title else frozenset()
    for i, sent in enumerate(ctx.a.sentences):
        performed = performs.get(sent.text)
        if performed is None:
            performed = performs[sent.text] = _PERFORMED.search(sent.text) is not None
        in_proc = ctx.section(sent) == "procedures"
        if not (in_proc or performed):
            continue   # (most sentences: asked first, the cheaper question)
        not_done = not_dones.get(sent.text)
        if not_done is None:
            not_done = not_dones[sent.text] = (_NOT_DONE.search(sent.text) is not None
                                               or ctx.dated_before(sent.text) or _by_another(ctx, sent.text))
        if not_done or not ctx.usable(sent):
            continue
        sent_stems = _stems(sent.text) | (title_stems if in_proc and performed else frozenset())
        best: dict[str, tuple[float, str]] = {}
        window = None
        for anchor in sent_stems & index.by_anchor.keys():
            for code, head, quals, absent, explained in index.by_anchor[anchor]:
                if window is None:
                    window = _stems(_window(ctx, i)) | (title_stems if in_proc and performed else frozenset())
                    said_quals = _stems(_window(ctx, i, own=True))
                    if "fractur" in sent_stems and not in_proc or any(
                            treat in sent_stems and (in_proc or "clos" in sent_stems or treat == "control")
                            and condition in _diagnosis_stems(ctx) and not sent_stems & own_kind
                            for treat, condition, own_kind in _TREATS):
                        # "Closed treatment of fracture; splint applied by me", "Procedure: hematoma block, closed
                        # reduction", "Procedure: anterior nasal packing": the site is the diagnosis's
                        site = _diagnosis_stems(ctx)
                        window, said_quals = window | site, said_quals | site
                covered = len(set(head) & window)
                # every head word; a long head (4+ words) may miss one when its first word is specific
                missing = len(head) - covered
                if missing and (len(head) < 4 or missing > 1 or (anchor in _GENERIC_HEADS and len(head) < 5)):
                    continue
                # a generic head ("Application of a short arm cast") needs its explanation said too
                # ("elbow to fingers"): the head words alone are often a status ("in a short arm cast")
                if any(tool in quals and tool not in sent_stems and rivals & sent_stems
                       for tool, rivals in _RIVAL_TOOLS):
                    continue   # "polyp removed with cold biopsy forceps": no removal by snare (a forceps removal is
                    # the colonoscopy's biopsy code)
                if anchor in _GENERIC_HEADS and explained and not explained & said_quals \
                        and not _BY_ME.search(sent.text):
                    continue   # (unless the author applied it: "long-arm splint applied by me")
                # qualifiers the note names count for a code, those it lacks a little against,
                # and a "without X" the note does name counts against it
                # (the default, "standard", "simple", costs nothing when the note does not say it)
                # (a "without X" the note says itself, "closed treatment without manipulation", counts for the code:
                # X is in the window but under the sentence's own negation, so not among the said qualifiers)
                score = covered + len(quals & said_quals) - 0.25 * len(quals - said_quals - _DEFAULT_QUALS) \
                    - len(absent & said_quals) + 0.5 * len(absent & (window - said_quals)) \
                    + 0.5 * bool(explained & said_quals)
                if score > best.get(anchor, (-99.0, ""))[0]:
                    best[anchor] = (score, code)
        for anchor, (score, code) in best.items():
            if score < 1:
                continue
            m = re.search(rf"\b{re.escape(anchor[:5])}", sent.text, _I) or next(
                (hit for rx, words in _SYN_RX if anchor in _stems(words) and (hit := rx.search(sent.text))),
                None) or re.search(r"\S", sent.text)
            lead = len(sent.text) - len(sent.text.lstrip())
            start = sent.start + (m.start() if m.start() > 80 else lead)  # quote from the sentence's start
            if _LOCAL_NEG.search(sent.text[max(0, m.start() - 30): m.start()]):
                continue  # "no colonoscopy", "declined biopsy"
            end = min(sent.end, start + 70)
            while end < sent.end and ctx.note[end - 1].isalnum():
                end += 1  # whole words only
            ctx.add(System.CPT, code, 0.7, "procedure documented as performed; matched to the code description",
                    start, end)


_LESION_COUNT = re.compile(r"\b(?:of |x ?)?(\d{1,2})\s*(?:aks?\b|actinic keratos[ie]s|premalignant lesions?|lesions?\b)|"
                           r"\b(?:aks?|actinic keratos[ie]s|lesions)\s*(?:x|total:?)\s*(\d{1,2})\b", _I)


def _destruction_addons(ctx: _Ctx) -> None:
    """17003 for the 2nd to 14th premalignant lesion destroyed (17004 alone from the 15th)."""
    first = ctx.hits.get((System.CPT, "17000"))
    if first is None:
        return
    counts = [int(a or b) for a, b in _LESION_COUNT.findall(ctx.note) if 0 < int(a or b) < 100]
    count = max(counts, default=1)
    if count >= 15 and "17004" in ctx.cs.cpt:
        ctx.hits.pop((System.CPT, "17000"), None)
        start = ctx.note.find(first.evidence[0]) if first.evidence else 0
        ctx.add(System.CPT, "17004", 0.7, f"destruction of {count} premalignant lesions (15 or more)", start,
                start + len(first.evidence[0]) if first.evidence else 0)
    elif count >= 2 and "17003" in ctx.cs.cpt:
        start = ctx.note.find(first.evidence[0]) if first.evidence else 0
        ctx.add(System.CPT, "17003", 0.7, f"premalignant lesions 2 to {count} (units: {count - 1})", start,
                start + len(first.evidence[0]) if first.evidence else 0, units=count - 1)


_LAC_LENGTH = re.compile(r"(?:lac\w*|wound|length|repair\w*)[^.\n\d]{0,40}?(\d+(?:\.\d+)?)\s*cm\b(?! ?x)|"
                         r"(\d+(?:\.\d+)?)\s*cm\b(?! ?x)[^.\n]{0,30}?lacer", _I)


_REPAIRED = re.compile(r"repair|sutur|closed with|closure|staple|dermabond", _I)
_WOUND_REPAIR = re.compile(r"120(?:0[1-7]|1[1-8]|[345]\d)")   # 12001-12018 simple, 12031-12057 layered repairs
_NO_CLOSURE = re.compile(r"\b(?:no|without|not)\s+(?:primary\s+)?(?:closure|repair|sutur\w*)\b|\bleft open\b|"
                         r"\bnot (?:closed|sutured|repaired)\b|\bclosure (?:was )?(?:not|deferred)\b", _I)


_FACE_SITE = re.compile(r"\b(?:face|facial|forehead|cheek|chin|ear|eyelid|nose|nasal|lip|eyebrow)\b")
_BODY_SITE = re.compile(r"\b(?:scalp|neck|axilla|armpit|trunk|chest|back|abdomen|arm|forearm|elbow|wrist|hand|palm|"
                        r"finger|thumb|leg|thigh|knee|shin|ankle|foot|toe|buttock|genital\w*)\b")


_ADHESIVE = re.compile(r"\btissue adhesive|\bdermabond\b|\bskin glue\b|\bglue[d]?\b|\bcyanoacrylate|\boctyl", re.I)
_STITCHED = re.compile(r"(?<!no )(?<!without )\b(?:sutur\w*|stitch\w*|staple[ds]?|nylon|prolene|vicryl|monocryl|ethilon|"
                       r"\d-0)\b", re.I)


_OBSTETRIC_TEAR = re.compile(r"\b(?:1st|2nd|3rd|4th|first|second|third|fourth)[- ]degree (?:perineal |vaginal )?"
                             r"(?:lacerations?|tears?)|\b(?:perineal|vaginal|periurethral|labial|sulcal) "
                             r"(?:lacerations?|tears?)|\bat (?:the )?delivery\b", _I)


def _wound_repair(ctx: _Ctx) -> None:
    """Laceration repair by complexity, site group and length (the table's own ranges)."""
    if not re.search(r"lacerat|\blac\b", ctx.lower):
        return  # the 12xxx repairs are for wounds: a 'suture line' elsewhere is not one
    for sent in ctx.a.sentences:
        if not ctx.usable(sent) or not _REPAIRED.search(sent.text):
            continue
        if _NOT_DONE.search(sent.text) or (_NO_CLOSURE.search(sent.text) and not _ADHESIVE.search(sent.text)):
            # (a wound closed with tissue adhesive, "no sutures", is closed)
            continue   # ("Left open (no closure - bite wounds of the hand)": irrigated, not repaired)
        if _OBSTETRIC_TEAR.search(sent.text):
            continue   # "3rd degree laceration repaired at delivery": the delivery's own repair, no wound repair code
        text = ctx.lower
        lengths = [float(a or b) for a, b in _LAC_LENGTH.findall(text)]
        if not lengths:
            return
        length = max(lengths) if len(set(lengths)) == 1 else lengths[0]
        layered = re.search(r"intermediate|layered|(?:two|2|multi)[- ]layer", text) and not re.search(
            r"single layer", text)
        # the repaired wound's site: the repair sentence's own words, else those around a laceration's mention
        # (not a "facial droop" of the exam, nor a "scalp" told elsewhere)
        own = sent.text.lower()
        face = _FACE_SITE.search(own)
        if face is None and not _BODY_SITE.search(own):
            face = next((f for lac in re.finditer(r"lacerat\w*|\blac\b", text)
                         if (f := _FACE_SITE.search(text, max(0, lac.start() - 40), lac.end() + 40))), None)
        kind = "Layered" if layered else "Simple"
        best = None
        for code in ctx.describe(System.CPT, rf"^{kind} .*repair of a wound"):
            desc = ctx.cs.cpt[code]
            if bool(re.search(r"face", desc)) != bool(face):
                continue
            m = re.search(r"(\d+(?:\.\d+)?) to (\d+(?:\.\d+)?) cm|(\d+(?:\.\d+)?) cm or less", desc)
            if m and m.group(3):
                lo, hi = 0.0, float(m.group(3))
            elif m:
                lo, hi = float(m.group(1)), float(m.group(2))
            else:
                continue
            if lo - 0.05 <= length <= hi:
                best = code
        m = re.search(r"\S.*", sent.text)
        if best and not layered and _ADHESIVE.search(own) and not _STITCHED.search(own) \
                and re.search(r"\bmedicare\b", text):
            # Medicare pays a wound closed with tissue adhesive alone as G0168, not as a simple repair (CMS)
            for key in [k for k in ctx.hits if k[0] is System.CPT and _WOUND_REPAIR.match(k[1])]:
                del ctx.hits[key]
            ctx.add(System.HCPCS, "G0168", 0.75, "wound closed with tissue adhesive only, Medicare patient (G0168 in "
                    "place of the simple repair)", sent.start + m.start(), min(sent.end, sent.start + m.start() + 90))
            return
        if best:
            for key in [k for k in ctx.hits if k[0] is System.CPT and _WOUND_REPAIR.match(k[1]) and k[1] != best]:
                del ctx.hits[key]   # the words' own repair code of another length: the measured length decides
            ctx.add(System.CPT, best, 0.8, f"{kind.lower()} repair, {length:g} cm, "
                    f"{'face group' if face else 'scalp/neck/trunk/limbs group'}",
                    sent.start + m.start(), min(sent.end, sent.start + m.start() + 90))
        return

