"""Building the lookup index's state from the code sets (``codes/search.py`` caches and queries it).

Each code contributes *surfaces* (its title, each inclusion term, a CPT/HCPCS description, the
lookup's own index terms), an inverted index from token to surface ids, each surface's base cost
(the words a query need not ask for), and the codes by system.
"""

from __future__ import annotations

import gc
import io
import math
import pickle
import re
from array import array
from pathlib import Path

from medcoder_tui.codes.index_terms import LOOKUP_TERMS
from medcoder_tui.codes.systems import System, compact
from medcoder_tui.codes.text import make_surface

# Words a title may carry without the query asking for them, at a reduced cost:
# they qualify rather than name a condition.
_CHEAP_EXTRA = {"unspecified": 0.25, "without": 0.35, "complication": 0.35, "complications": 0.35,
                "encounter": 0.1, "initial": 0.3, "site": 0.3, "type": 0.4, "disease": 0.4,
                "disorder": 0.5, "condition": 0.5, "specified": 0.6, "other": 0.6, "acute": 0.8,
                # 7th characters: closed and initial are the defaults, sequela and later visits are not
                "closed": 0.2, "routine": 0.6, "healing": 0.6, "subsequent": 1.2, "sequela": 1.5}


def build_state(cs) -> dict:
    """The lookup index's state (what the cache file holds) from the code sets ``cs``."""
    surfaces = []
    for code, title, billable, inclusion in _icd_rows(cs.icd):
        surfaces.append(make_surface(code, "icd10cm", billable, title, 0, compounds=True))
        if _SYNDROMES_TAIL in title:
            # "... symptomatic epilepsy and epileptic syndromes with complex partial seizures": a note names the
            # epilepsy, not the syndromes the category title adds to every code
            surfaces.append(make_surface(code, "icd10cm", billable, title.replace(_SYNDROMES_TAIL, ""), 1,
                                         compounds=True))
        for term in (t for term in inclusion for t in _alternatives(term)):
            surface = make_surface(code, "icd10cm", billable, term, 1, compounds=True)
            if surface[4]:
                surfaces.append(surface)
    for system, table in ((System.CPT, cs.cpt), (System.HCPCS, cs.hcpcs)):
        for code, desc in table.items():
            surfaces.append(make_surface(code, system.value, True, desc, 0, compounds=True))
    # Index terms the bundled tabular lacks (kind 3): the lookup's, not the engines' matching.
    for code, terms in LOOKUP_TERMS.items():
        if cs.icd.title(code) is not None:
            billable = cs.icd.is_billable(code)
            surfaces.extend(make_surface(code, "icd10cm", billable, term, 3, compounds=True) for term in terms)
    postings: dict[str, array] = {}
    for sid, surface in enumerate(surfaces):
        for tok in set(surface[4]):
            postings.setdefault(tok, array("i")).append(sid)
    # Plain per-system dicts and one set of headers: a dict of ~100k (system, code) tuple keys
    # and (code, billable) tuple values cost 20 MB in every process that searches.
    codes: dict[str, dict[str, str]] = {"icd10cm": {}, "cpt": {}, "hcpcs": {}}
    headers: set[str] = set()
    for code, system, billable, _text, _toks, kind, _req, _free in surfaces:
        if kind == 0:
            key = compact(code)
            codes.setdefault(system, {})[key] = code
            if billable:
                headers.discard(key)
            else:
                headers.add(key)
    return {
        "surfaces": surfaces,
        "postings": {t: a.tobytes() for t, a in postings.items()},
        # fsum: the same float whatever the order of the words (a set's order changes between
        # processes, and equal-scored codes must not swap places from one cache build to the next)
        "base_cost": array("d", (math.fsum(0.05 if t in s[7] else _CHEAP_EXTRA.get(t, 1.0) for t in s[6])
                                 for s in surfaces)),
        "codes": codes,
        "headers": frozenset(headers),
        "icd_keys": sorted(codes["icd10cm"]),
    }


_AXIS_CHOICE = re.compile(r"^(.*)\b(stage|grade|type|class|zone) (\w{1,3}) or \2 (\w{1,3})$", re.IGNORECASE)


_SYNDROMES_TAIL = " and epileptic syndromes"


def _alternatives(term: str) -> tuple[str, ...]:
    """An inclusion term that names two values of one axis ("Hepatic fibrosis, stage F1 or stage F2") as
    one term per value: a note names the one it means, and a term of both words would never match it."""
    m = _AXIS_CHOICE.match(term)
    if m is None:
        return (term,)
    head, axis = m.group(1), m.group(2)
    return (f"{head}{axis} {m.group(3)}", f"{head}{axis} {m.group(4)}")


def _icd_rows(icd):
    """(code, title, billable, inclusion terms) for every ICD-10-CM node.

    Reads the node's own fields only (via ``raw`` when the index offers it):
    inherited notes are not needed to search and cost a walk up the tree.
    """
    try:
        from medcoder_tui.codes.icd10cm import BILLABLE, INCLUSION, TITLE
    except ImportError:  # pragma: no cover - index without the bulk reader
        BILLABLE = INCLUSION = TITLE = None
    raw = getattr(icd, "raw", None)
    for code in icd.all_codes():
        node = raw(code) if raw is not None and TITLE is not None else None
        if node is not None:
            yield code, node[TITLE], bool(node[BILLABLE]), tuple(node[INCLUSION] or ())
            continue
        entry = icd.get(code)
        if entry is not None:
            yield entry.code, entry.title, entry.billable, tuple(entry.inclusion_terms)


# The ICD-10-CM codes and titles of the surfaces are the code index's own strings: the cache refers
# to them by position (a persistent id: the code's index, or ~index for its title) instead of
# holding 16 MB of copies, and loading it hands back the very objects the index already holds.
def _stored(icd) -> tuple[list[str], list[str]] | None:
    stored = getattr(icd, "stored_strings", None)
    return stored() if stored is not None else None


def _stamp(codes: list[str]) -> str:
    return f"{len(codes)}|{codes[0] if codes else ''}|{codes[-1] if codes else ''}"


def dump_state(data: dict, icd) -> bytes:
    """The state as cache bytes, referring to ``icd``'s strings where it can."""
    buf = io.BytesIO()
    pickler = pickle.Pickler(buf, protocol=pickle.HIGHEST_PROTOCOL)
    stored = _stored(icd)
    if stored is not None:
        codes, titles = stored
        ids = {id(t): ~i for i, t in enumerate(titles)}
        ids.update((id(c), i) for i, c in enumerate(codes))
        pickler.persistent_id = lambda obj: ids.get(id(obj)) if type(obj) is str else None
        data = {**data, "shared": _stamp(codes)}
    pickler.dump(data)
    return buf.getvalue()


class _Unpickler(pickle.Unpickler):
    def __init__(self, fh, stored) -> None:
        super().__init__(fh)
        self._codes, self._titles = stored if stored is not None else ((), ())

    def persistent_load(self, pid):
        if not isinstance(pid, int) or not self._codes:
            raise pickle.UnpicklingError(f"unknown reference {pid!r}")
        return self._codes[pid] if pid >= 0 else self._titles[~pid]


def load_state(path: Path, icd) -> dict:
    """The state from cache bytes written by :func:`dump_state` against the same ``icd``.

    Raises ValueError when the file refers to another index's strings (it is then rebuilt).
    """
    stored = _stored(icd)
    was_enabled = gc.isenabled()
    gc.disable()   # ~110k tuples: the cyclic GC would scan them repeatedly while they load
    try:
        with path.open("rb") as fh:
            data = _Unpickler(fh, stored).load()
    finally:
        if was_enabled:
            gc.enable()
    if not isinstance(data, dict):
        raise ValueError("not a lookup index")
    if data.get("shared") != (_stamp(stored[0]) if stored is not None else None):
        raise ValueError("refers to another ICD-10-CM index")
    return data
