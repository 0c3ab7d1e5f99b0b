"""The encounter development set (bench/encounters) stays valid, complete and split as recorded."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from medcoder_tui.codes.systems import System
from medcoder_tui.evaluation.gold import collect_gold
from medcoder_tui.evaluation.metrics import em_levels

ROOT = Path(__file__).resolve().parent.parent
SETS = ROOT / "bench" / "encounters"
SIDECARS = sorted(SETS.glob("*/*.gold.json"))
SYSTEMS = ("icd10cm", "cpt", "hcpcs")


def _batch(name: str) -> tuple[str, str] | None:
    """(batch prefix, note id) of a later batch's note ("g", "g01"; "aa", "aa01"); None for the first batch (01_...)."""
    m = re.match(r"([a-z]+)(\d\d)_", name)
    return (m.group(1), m.group(1) + m.group(2)) if m else None


@pytest.fixture(scope="module")
def codesets():
    from medcoder_tui.codes.service import get_codesets

    return get_codesets()


def test_size_specialties_settings_and_recorded_split():
    assert len(SIDECARS) >= 48
    data = [json.loads(p.read_text(encoding="utf-8")) for p in SIDECARS]
    assert len({d["specialty"] for d in data}) >= 12
    assert {d["setting"] for d in data} == {"outpatient", "inpatient", "ed"}
    for p in SIDECARS:
        assert p.with_name(p.name.replace(".gold.json", ".txt")).is_file()
    # the recorded split is of the 52 development notes; the fresh set came later
    names = sorted(p.name[: -len(".gold.json")] for p in SIDECARS
                   if p.parent.name in ("tune", "heldout") and _batch(p.name) is None)
    held = sorted(p.name[: -len(".gold.json")] for p in (SETS / "heldout").glob("*.gold.json"))
    assert held == sorted(random.Random(13).sample(names, len(names) // 4))   # the README's recipe
    # the second batch (g01-g24): half held out in fresh2/, by the same recipe
    for letter, folder in (("g", "fresh2"), ("h", "fresh3"), ("i", "fresh4"), ("j", "fresh5"), ("k", "fresh6"),
                           ("m", "fresh7"), ("n", "fresh8"), ("p", "fresh9"),
                           ("q", "fresh10"), ("r", "fresh11"), ("s", "fresh12"),
                           ("t", "fresh13"), ("u", "fresh14"), ("v", "fresh15"), ("w", "fresh16"), ("x", "fresh17"), ("y", "fresh18"),
                           ("e", "fresh19"), ("z", "fresh20"), ("a", "fresh21"), ("b", "fresh22"),
                           ("c", "fresh23"), ("d", "fresh24"), ("o", "fresh25"), ("l", "fresh26"),
                           ("aa", "fresh27"), ("ab", "fresh28"), ("ac", "fresh29"), ("ad", "fresh30"),
                           ("ae", "fresh31"), ("af", "fresh32"), ("ag", "fresh33"), ("ah", "fresh34"),
                           ("ai", "fresh35"), ("aj", "fresh36"), ("ak", "fresh37"), ("al", "fresh38"),
                           ("am", "fresh39"), ("an", "fresh40"), ("ao", "fresh41"), ("ap", "fresh42")):
        batch = sorted(_batch(p.name)[1] for p in SIDECARS if (_batch(p.name) or ("",))[0] == letter)
        held_out = sorted(_batch(p.name)[1] for p in (SETS / folder).glob("*.gold.json"))
        assert len(batch) == 24 and held_out == sorted(random.Random(13).sample(batch, 12))


@pytest.mark.parametrize("path", SIDECARS, ids=lambda p: p.stem)
def test_gold_is_billable_not_codes_valid_and_reasoned(path, codesets):
    data = json.loads(path.read_text(encoding="utf-8"))
    gold = set()
    for name in SYSTEMS:
        for code in data[name]:
            res = codesets.validate(code, System(name))
            assert res.valid and res.billable, f"{code}: {res.messages}"
            gold.add(res.normalized)
    assert data["not_codes"], "every note lists what must not be coded"
    for item in data["not_codes"]:
        assert len(item["reason"]) >= 10
        system = System(item["system"]) if item.get("system") else System.ICD10CM
        res = codesets.validate(item["code"], system)
        assert res.valid, f"not-code {item['code']}: {res.messages}"
        assert res.normalized not in gold
    # at most one E/M level per note; a preventive visit may carry one problem-oriented level beside it (modifier 25),
    # and a stay's note its admission (or newborn) day beside its discharge day (99238/99239, a later date)
    levels = em_levels(f"cpt:{c}" for c in data["cpt"])
    preventive = [k for k in levels if k.startswith(("cpt:9938", "cpt:9939"))]
    discharge = [k for k in levels if k in ("cpt:99238", "cpt:99239")]
    admission = [k for k in levels if k in ("cpt:99221", "cpt:99222", "cpt:99223", "cpt:99460", "cpt:99463")]
    assert len(preventive) <= 1 and len(discharge) <= 1, levels
    assert len(levels) - len(preventive) - (len(discharge) if admission else 0) <= 1, levels


def test_the_eval_loader_reads_every_set(codesets):
    for folder in ["tune", "heldout", *sorted(p.name for p in SETS.glob("fresh*") if p.is_dir())]:
        gold = collect_gold(SETS / folder, validate=codesets.validate)
        assert len(gold.cases) == len(list((SETS / folder).glob("*.txt")))
        assert all(c.not_codes and c.setting for c in gold.cases)
        assert not gold.warnings, gold.warnings
