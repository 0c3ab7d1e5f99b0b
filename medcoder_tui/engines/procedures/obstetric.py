"""The delivery code of an obstetric admission, by the package of care its physician gives.

CPT's maternity codes bundle what one physician or group does for a pregnancy: antepartum care,
the delivery, and postpartum care. A vaginal delivery is 59400 when the same group gave the
prenatal care and gives the postpartum care (the "global" obstetric package), 59410 with
postpartum care only, 59409 for the delivery alone; a cesarean delivery is 59510, 59515 or 59514
in the same way. The note says which: "prenatal care with our group", "global OB", "I did not
provide prenatal care", "postpartum care with her own OB", "6-week postpartum visit in our office".
"""

from __future__ import annotations

import re

from medcoder_tui.codes.systems import System
from medcoder_tui.engines.procedures.context import _I, _Ctx

_VAGINAL = re.compile(r"\b(?:spontaneous |normal |assisted |operative )?vaginal delivery\b|\bn?svd\b|"
                      r"\bdelivered vaginally\b", _I)
_CESAREAN = re.compile(r"\b(?:primary |repeat )?(?:low transverse )?(?:cesarean|caesarean)(?: delivery| section)?\b|"
                       r"\bc-section\b|\bp?ltcs\b", _I)
# prenatal care by this physician's group, or by another
_OWN_ANTEPARTUM = re.compile(r"\bglobal (?:ob|obstetric\w*)\b|\bprenatal care (?:w/|with|by|in|at) (?:our|this|my) "
                             r"(?:group|practice|office|clinic)|\b(?:our|my) (?:prenatal )?patient since\b", _I)
_OUTSIDE_ANTEPARTUM = re.compile(r"\b(?:did not|didn't) provide (?:the )?prenatal care\b|\bprenatal care[^.\n]{0,25}"
                                 r"\b(?:outside|another|other)\b|\b(?:followed|seen) by (?:an? )?outside\b", _I)
# postpartum care by this physician's group, or left to another
_OWN_POSTPARTUM = re.compile(r"\bpostpartum (?:care|visit)\w*[^.\n]{0,30}\b(?:in|at|with) (?:our|this|my) "
                             r"(?:office|practice|group|clinic)|\bpostpartum visit in our\b|\b(?:in|at) our office\b"
                             r"[^.\n]{0,30}\bpostpartum\b", _I)
_OUTSIDE_POSTPARTUM = re.compile(r"\bpostpartum care (?:with|by|at) (?:her|the patient's|an? )?(?:own|outside|other)\b|"
                                 r"\bdelivery only\b", _I)


_EARLIER = re.compile(r"\b(?:previous|prior|last|first|earlier) (?:pregnanc\w*|deliver\w*|birth)|\bhx of\b|"
                      r"\bhistory of\b|\bG\dP\d{1,4}\b[^.\n]{0,20}\bprior\b", _I)
_YEAR_AFTER = re.compile(r"[^.\n\d]{0,15}\b(?:19|20)\d\d\b")   # "SVD 2023", "C-section in 2021"


_NOT_THIS = re.compile(r"\b(?:plan\w*|anticipat\w*|attempt\w*|trial of|desires?|wants|counsel\w*|candidate|"
                       r"discuss\w*|consider\w*|schedul\w*|if|for|born|delivered|via|by)\b[^.\n]{0,25}$", _I)
_NEWBORN = re.compile(r"\b(?:newborn|neonat\w*|nicu|nursery|infant) (?:admission|h&p|note|progress|discharge|record)|"
                      r"\bnicu\b|\bnewborn nursery\b", _I)


def delivery(ctx: _Ctx) -> None:
    """59400/59409/59410 or 59510/59514/59515 for the delivery an inpatient obstetric note documents."""
    if ctx.setting != "inpatient" or _NEWBORN.search(ctx.head):
        return
    found = None
    for kind, rx in (("cesarean", _CESAREAN), ("vaginal", _VAGINAL)):
        for m in rx.finditer(ctx.note):
            sent = ctx.a.sentence_at(m.start())
            if sent is None or not ctx.usable(sent, m.start(), m.end()) \
                    or ctx.a.context_at(m.start(), m.end()) & {"hypothetical", "uncertain", "family"} \
                    or _EARLIER.search(ctx.note, sent.start, sent.end) or _YEAR_AFTER.match(ctx.note, m.end()) \
                    or _NOT_THIS.search(ctx.note, max(sent.start, m.start() - 40), m.start()):
                # an earlier pregnancy's delivery ("Previous pregnancy: term SVD 2023"), one only planned or
                # weighed, or the birth a newborn's record tells ("born via SVD")
                continue
            found = (kind, m)
            break
        if found:
            break
    if found is None:
        return
    kind, m = found
    own_ante = _OWN_ANTEPARTUM.search(ctx.note) is not None and not _OUTSIDE_ANTEPARTUM.search(ctx.note)
    own_post = _OWN_POSTPARTUM.search(ctx.note) is not None and not _OUTSIDE_POSTPARTUM.search(ctx.note)
    codes = {"vaginal": ("59400", "59410", "59409"), "cesarean": ("59510", "59515", "59514")}[kind]
    if own_ante:
        code, why = codes[0], "with the antepartum and postpartum care of the same group (global obstetric package)"
    elif own_post:
        code, why = codes[1], "with postpartum care (the prenatal care was another's)"
    else:
        code, why = codes[2], "delivery only (no antepartum or postpartum care by this physician documented)"
    # the package read here is the delivery's one code: a title match of another package gives way
    for other in ("59400", "59409", "59410", "59510", "59514", "59515"):
        if other != code:
            ctx.hits.pop((System.CPT, other), None)
    ctx.add(System.CPT, code, 0.7, f"{kind} delivery {why}", m.start(), m.end())
