"""Proposing an order: offline from the rules plus the order of the evidence, or from a model's reply.

Either way the proposal is only a starting point: ``check_sequence`` runs on
it and the coder sees every error. A model may only reorder the codes it was
given; codes it adds are dropped, codes it forgets are appended in rule order.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterable, Sequence
from typing import Any

from medcoder_tui.codes.systems import System, compact
from medcoder_tui.engines.models import Flag, Suggestion
from medcoder_tui.codes.refs import any_match, parse_refs
from medcoder_tui.sequencing.conventions import (
    FOLLOW_UP,
    PREOPERATIVE,
    SCREENING,
    Z_FIRST_EXCEPT,
    Z_FIRST_ONLY,
    Z_NOT_PRINCIPAL,
    Z_SECONDARY_ONLY,
)
from medcoder_tui.sequencing.context import Dx
from medcoder_tui.sequencing.injury import is_external, is_sequela
from medcoder_tui.sequencing.rules import explaining, under

# Sections where the reason for the visit or the established diagnoses are written down.
_LEAD_SECTIONS = {"chief_complaint": 0, "diagnoses": 0, "impression": 0, "assessment_plan": 1, "hpi": 2}
# Lines that state why the patient came: the chief complaint, a procedure's indication.
_REASON_LINE = re.compile(r"^[ \t]*(?:cc|chief complaints?|presenting complaint|reason for (?:the )?(?:visit|encounter|"
                          r"exam|examination|procedure|referral|consultation)|referred for|referral (?:reason|for)|"
                          r"indications?(?: for (?:the )?(?:procedure|exam|study))?)[ \t]*:[ \t]*",
                          re.IGNORECASE | re.MULTILINE)
_FIRST_ITEM = re.compile(r"^[ \t]*(?:#\s*)?1[.)][ \t]+", re.MULTILINE)
# An inpatient record's own statement of the principal diagnosis (the chief complaint is not one: the principal
# diagnosis is the condition established after study, II)
_PRINCIPAL_LINE = re.compile(r"^[ \t]*(?:principal|primary|final|discharge) (?:diagnos[ei]s|dx)[ \t]*:[ \t]*",
                             re.IGNORECASE | re.MULTILINE)


def _codesets(codesets=None):
    if codesets is not None:
        return codesets
    from medcoder_tui.codes.service import get_codesets

    return get_codesets()


def _group(d: Dx, flags: set[Flag], setting: str) -> float:
    """Coarse rank: first-only Z codes, diagnoses, symptoms, sequelae, status Z codes, external causes."""
    key = d.key
    if key.startswith("Z") and under(key, Z_FIRST_ONLY) and not under(key, Z_FIRST_EXCEPT):
        return 0
    if setting != "inpatient" and under(key, PREOPERATIVE):
        return 0   # a preoperative evaluation only: Z01.81- first, the reason for the surgery after it (IV.M)
    if setting != "inpatient" and under(key, FOLLOW_UP):
        return 0.5   # follow-up after completed treatment: Z08/Z09 first, the history code after it (I.C.21.c.8)
    if setting != "inpatient" and under(key, SCREENING):
        # a screening encounter: the screening code is first-listed, findings follow (I.C.21.c.5, IV); at a
        # general or gynecological exam the screening done during it follows the exam's code
        return 0.5
    if _poisoning(key) or (key.startswith("T856") and key[5:6] == "4"):
        # the poisoning or toxic effect first, then its manifestations (I.C.19.e.5.b); an insulin pump's mechanical
        # complication before the insulin it under- or over-delivered and the diabetes (I.C.4.a.5)
        return 0.5
    if "T36" <= key[:3] <= "T50" and len(key) == 7 and key[5] == "6":
        return 5     # underdosing is never first-listed: the condition it left untreated is (I.C.19.e.5.c)
    if is_external(key):
        return 6 + ("Y90" <= key[:3] <= "Y99")   # place, activity and status codes last of all
    if key.startswith("Z") and (under(key, Z_SECONDARY_ONLY) or under(key, Z_NOT_PRINCIPAL)):
        return 5
    if is_sequela(d):
        return 4
    # A manifestation ranks with the diagnoses: the "code first" constraint alone puts it right
    # after its etiology, rather than behind every other diagnosis.
    if setting != "inpatient" and flags & {Flag.UNCERTAIN, Flag.NEGATED, Flag.FAMILY_HISTORY, Flag.HISTORY}:
        return 3
    if key.startswith("R"):
        return 2
    if key.startswith("Z"):
        return 2
    return 1


def _poisoning(key: str) -> bool:
    """A poisoning or toxic effect (T36-T65 with intent 1-4 as 6th character), not a sequela's encounter."""
    return "T36" <= key[:3] <= "T65" and len(key) == 7 and key[5] in "1234" and key[6] != "S"


def _must_precede(items: list[Dx]) -> list[tuple[int, int]]:
    """(i, j) pairs where the tabular notes put item i before item j."""
    pairs: list[tuple[int, int]] = []
    for j, d in enumerate(items):
        first_refs = [r for r in parse_refs(d.entry.code_first) if not r.matches(d.key)]
        after_refs = [r for r in parse_refs(d.entry.use_additional) if not r.matches(d.key)]
        for i, other in enumerate(items):
            if i == j:
                continue
            if first_refs and any_match(first_refs, other.key):
                pairs.append((i, j))        # the etiology before the code that says "code first"
            if after_refs and any_match(after_refs, other.key):
                pairs.append((j, i))        # the code asking for an additional code before it
    return pairs


def _stable_topological(n: int, rank: list[tuple], pairs: list[tuple[int, int]]) -> list[int]:
    """Order 0..n-1 by ``rank`` while honouring ``pairs``; a cycle falls back to rank order."""
    after: dict[int, set[int]] = {i: set() for i in range(n)}
    indegree = [0] * n
    for i, j in set(pairs):
        if j not in after[i]:
            after[i].add(j)
            indegree[j] += 1
    ready = [(rank[i], i) for i in range(n) if indegree[i] == 0]
    heapq.heapify(ready)
    done: list[int] = []
    placed = [False] * n
    while len(done) < n:
        if not ready:  # a cycle: release the best-ranked remaining item
            i = min((k for k in range(n) if not placed[k]), key=lambda k: rank[k])
            indegree[i] = 0
            heapq.heappush(ready, (rank[i], i))
        _, i = heapq.heappop(ready)
        if placed[i]:
            continue
        placed[i] = True
        done.append(i)
        for j in after[i]:
            indegree[j] -= 1
            if indegree[j] == 0 and not placed[j]:
                heapq.heappush(ready, (rank[j], j))
    return done


def _inherit_ranks(rank: list[tuple], pairs: list[tuple[int, int]]) -> list[tuple]:
    """Each code that must come before another takes that one's place when it is the better placed: the
    etiology a "code first" note asks for, or the combination code whose "use additional code" note asks
    for the principal diagnosis's detail, is sequenced where that diagnosis would be (I.A.13, I.C.9.a.3:
    hypertensive heart and kidney disease before the heart failure the note calls principal)."""
    rank = list(rank)
    for _ in range(len(rank)):   # a chain passes the place along; a cycle settles within n rounds
        changed = False
        for i, j in pairs:
            if rank[j] < rank[i]:
                rank[i] = rank[j]
                changed = True
        if not changed:
            break
    return rank


def _evidence_rank(s: Suggestion, analysis: Any) -> tuple[int, int]:
    starts = [e.start for e in s.evidence if e.located]
    if not starts:
        return (3, 10**9)
    first = min(starts)
    section = analysis.section_at(first) if analysis is not None else None
    return (_LEAD_SECTIONS.get(section or "", 3) if section else 3, first)


def _analysis(note: str):
    try:
        from medcoder_tui.engines.analysis.clinical_text import analyze

        return analyze(note)
    except Exception:  # noqa: BLE001 - section ranks are a refinement; evidence order still works
        return None


def propose_sequence(suggestions: Sequence[Suggestion], note: str, *, setting: str = "outpatient",
                     codesets=None) -> list[str]:
    """An offline order for the suggestions' codes: diagnoses (first-listed first), then procedures.

    Diagnoses are ranked by kind (first-only Z codes, definitive diagnoses,
    symptoms, sequelae, status Z codes, external causes), then
    by where the note first supports them (chief complaint, diagnoses and
    impression sections before the rest), then by confidence; "code first" and
    "use additional code" notes then reorder pairs. Procedures keep surgical
    CPT codes (10004-69990) first, then the note's order; HCPCS supplies last.
    """
    cs = _codesets(codesets)
    analysis = _analysis(note) if note else None
    unique: dict[str, Suggestion] = {}
    for s in suggestions:
        unique.setdefault(f"{s.system.value}:{compact(s.code)}", s)
    dx_items: list[Dx] = []
    dx_sugg: list[Suggestion] = []
    unknown: list[Suggestion] = []
    procs: list[Suggestion] = []
    for s in unique.values():
        if s.system is not System.ICD10CM:
            procs.append(s)
            continue
        entry = cs.icd.get(s.code)
        if entry is None:
            unknown.append(s)
            continue
        dx_items.append(Dx(index=len(dx_items), code=entry.code, key=compact(entry.code), entry=entry))
        dx_sugg.append(s)
    pairs = _must_precede(dx_items)
    has_etiology = {j for _, j in pairs}
    # Chapter 15 codes have sequencing priority in a pregnancy case (I.C.15.a.1).
    pregnancy = any(d.key.startswith("O") for d in dx_items)
    groups = [4 if d.entry.manifestation and d.index not in has_etiology else _group(d, set(s.flags), setting)
              for d, s in zip(dx_items, dx_sugg)]
    if any(d.key.startswith("T856") and d.key[5:6] == "4" for d in dx_items):
        # an insulin pump's failure: the insulin it under- or over-delivered right after it, then the diabetes
        # (I.C.4.a.5)
        groups = [0.75 if d.key.startswith("T383X") else g for d, g in zip(dx_items, groups)]
    reasons = _reasons(dx_items, dx_sugg, groups, note, setting)
    rank = [
        (min(g, 1) if i in reasons else g, int(i not in reasons), int(pregnancy and not d.key.startswith("O")),
         reasons.get(i, 0), *_evidence_rank(s, analysis), -s.confidence, d.index)
        for i, (d, s, g) in enumerate(zip(dx_items, dx_sugg, groups))
    ]
    order = _stable_topological(len(dx_items), _inherit_ranks(rank, pairs), pairs)
    codes = [dx_items[i].code for i in order] + [s.code for s in unknown]
    codes += [s.code for s in sorted(procs, key=lambda s: _procedure_rank(s, analysis))]
    return codes


def _reason_spans(note: str, lines: re.Pattern = _REASON_LINE) -> list[tuple[int, int]]:
    """Character spans of the lines that state the reason for the visit (a bare header takes the next line)."""
    spans = []
    for m in lines.finditer(note):
        end = note.find("\n", m.end())
        end = len(note) if end < 0 else end
        if not note[m.end():end].strip():
            nxt = note.find("\n", end + 1)
            end = len(note) if nxt < 0 else nxt
        spans.append((m.end(), end))
    return spans


# Qualifiers a chief complaint leaves out ("cough and fever" for the A/P's "acute cough").
_QUALIFIERS = frozenset("acute chronic mild moderate severe worsening new recurrent persistent intermittent "
                        "possible likely suspected the a an of with and "
                        # a label the evidence carries ("Admission diagnosis: sepsis") is no word of the condition
                        "diagnosis diagnoses dx admission admitting principal".split())


def _named_at(evidence_text: str, text: str) -> int | None:
    """Where the reason text names the evidence: the whole words, or its words without qualifiers."""
    words = " ".join(evidence_text.lower().split())
    if len(words) >= 4 and (pos := text.find(words)) >= 0:
        return pos
    core = [w for w in re.findall(r"[a-z0-9]+", words) if w not in _QUALIFIERS]
    if not core or len(" ".join(core)) < 4:
        return None
    found = [m.start() for w in core if (m := re.search(rf"\b{re.escape(w)}\b", text))]
    return min(found) if len(found) == len(core) else None


def _reasons(items: list[Dx], suggestions: list[Suggestion], groups: list[int], note: str,
             setting: str) -> dict[int, int]:
    """The diagnoses the note gives as the reason for the visit (outpatient and ED, guideline IV) or as the
    principal diagnosis (an inpatient record's "Principal diagnosis:" line, II).

    A diagnosis or symptom named on the chief-complaint or indication line, or as the assessment's first
    numbered item (outside the hospital), is first-listed ahead of coexisting conditions (an ED visit for
    chest pressure lists the symptom, not the patient's hypertension), unless it is a symptom that a
    confirmed diagnosis of the case explains.
    """
    if not note:
        return {}
    spans = _reason_spans(note, _PRINCIPAL_LINE if setting == "inpatient" else _REASON_LINE)
    if setting != "inpatient":
        # the assessment's first numbered item: the condition the provider lists as chiefly responsible (IV)
        analysis = _analysis(note)
        first = next((m for m in _FIRST_ITEM.finditer(note)
                      if analysis.section_at(m.start()) in ("assessment_plan", "impression", "diagnoses")), None)
        if first is not None:
            end = note.find("\n", first.end())
            spans.append((first.end(), len(note) if end < 0 else end))
    if not spans:
        return {}
    text = " ".join(note[a:b] for a, b in spans).lower()
    starts, offset = [], 0
    for a, b in spans:                  # where each span begins in ``text``
        starts.append((a, b, offset))
        offset += b - a + 1
    out: dict[int, int] = {}
    for i, (d, s) in enumerate(zip(items, suggestions)):
        if groups[i] > 2:
            continue
        inside = [off + max(e.start, a) - a for e in s.evidence if e.located for a, b, off in starts
                  if a < e.end and e.start < b]
        named = [p for e in s.evidence if (p := _named_at(e.text, text)) is not None]
        if not inside and not named:
            continue
        causes = explaining(d.key) if d.key.startswith("R") else []
        if causes and any(any_match(causes, o.key) for j, o in enumerate(items) if j != i and groups[j] <= 1):
            continue
        out[i] = min(inside + named)    # the order the reason line names them in
    return out


def _procedure_rank(s: Suggestion, analysis: Any) -> tuple:
    c = compact(s.code)
    surgical = s.system is System.CPT and c.isdigit() and 10004 <= int(c) <= 69990
    kind = 0 if surgical else (2 if s.system is System.HCPCS else 1)
    return (kind, _evidence_rank(s, analysis)[1], -s.confidence)


def order_from_model(reply: dict | None, available: Iterable[str], fallback: Sequence[str]) -> list[str] | None:
    """The model's order restricted to ``available`` codes, missing ones appended in ``fallback`` order.

    Returns None when the reply names none of the available codes (use the rules).
    """
    if not reply:
        return None
    by_key = {compact(c): c for c in available}
    picked: list[str] = []
    proposed = [reply.get("primary_diagnosis"), *(reply.get("secondary_diagnoses") or []),
                *(reply.get("procedure_sequence") or [])]
    for code in proposed:
        if not isinstance(code, str):
            continue
        real = by_key.get(compact(code))
        if real and real not in picked:
            picked.append(real)
    if not picked:
        return None
    return picked + [c for c in fallback if c not in picked]
