"""Offline engine and candidate retrieval on the CodiEsp development split (diagnoses).

Usage: python bench/bench_offline.py [--data DIR] [--setting inpatient|outpatient] [--limit N]

Prints micro precision/recall/F1 at full-code and category (first 3 characters)
level, candidate recall@10/20/50 (the list the Ollama prompt gets) at code and
category level, per-note engine time, and writes bench/results/offline.json.
Gold codes are lower case without dots; ours are compared in the same form.

Ceilings put the recall in context: the share of gold codes that are valid
and billable in the installed ICD-10-CM (a list of billable codes cannot hold
the rest), the share of valid gold codes none of whose title words (after
stemming and synonyms) occur anywhere in the note, and the recall of
everything retrieval finds at any rank (what a better order alone could reach).

The code level is also given edition-aligned: CodiEsp follows the 2018 Spanish edition, where
some codes are shorter than the April 2026 ones (T14.90 for T14.90XA, R51 for R51.9, M54.5 for
M54.50). A gold code that is not a billable 2026 code matches one prediction that extends it;
every other code must match exactly. The strict figure stays the headline.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from medcoder_tui.codes.service import get_codesets  # noqa: E402
from medcoder_tui.codes.systems import System  # noqa: E402
from medcoder_tui.engines.offline import OfflineEngine  # noqa: E402
from medcoder_tui.engines.diagnoses.ranking import coverage, recall_order  # noqa: E402
from medcoder_tui.engines.diagnoses.retrieval import candidate_pool  # noqa: E402
from benchlib import load_codiesp, norm, prf  # noqa: E402


def _aligned_hits(pred: set[str], gold: set[str], cs) -> int:
    """Gold codes matched exactly, or (when not a billable 2026 code) by one prediction extending them."""
    hits, used = 0, set()
    for g in sorted(gold):
        entry = cs.icd.get(g)
        if g in pred:
            hits, used = hits + 1, used | {g}
        elif entry is None or not entry.billable:
            longer = next((p for p in sorted(pred) if p.startswith(g) and p not in used and p not in gold), None)
            if longer is not None:
                hits, used = hits + 1, used | {longer}
    return hits


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "codiesp-dev"))
    ap.add_argument("--setting", default="inpatient", choices=["inpatient", "outpatient", "ed"])
    ap.add_argument("--limit", type=int, default=0, help="only the first N notes")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "offline.json"))
    args = ap.parse_args(argv)
    data = Path(args.data)
    notes = load_codiesp(data, args.limit)

    t0 = time.perf_counter()
    cs = get_codesets()
    engine = OfflineEngine(codesets=cs)
    engine.suggest_sync("Hypertension.", {System.ICD10CM}, args.setting)   # warm the indexes
    warm_s = time.perf_counter() - t0

    tp = npred = ngold = ctp = cpred = cgold = atp = 0
    rec = {10: 0, 20: 0, 50: 0}
    rec_cat = {10: 0, 20: 0, 50: 0}
    rec_all = billable = valid = wordless = 0
    times: list[float] = []
    retr_times: list[float] = []
    errors = 0
    t_all = time.perf_counter()
    for _nid, note, g in notes:
        t = time.perf_counter()
        pool, note_words = candidate_pool(note, types={System.ICD10CM}, codesets=cs)
        ordered = recall_order(pool, note_words)   # what retrieve_candidates returns, before the cut at k
        retr_times.append(time.perf_counter() - t)
        ccodes = [norm(c.code) for c in ordered[:50]]
        for k in rec:
            rec[k] += len(g & set(ccodes[:k]))
            rec_cat[k] += len({x[:3] for x in g} & {x[:3] for x in ccodes[:k]})
        rec_all += len(g & {norm(c.code) for c in pool})
        entries = [e for x in g if (e := cs.icd.get(x)) is not None]
        billable += sum(e.billable for e in entries)
        valid += len(entries)
        wordless += sum(coverage(cs.icd.title(e.code) or "", note_words) == 0 for e in entries)
        t = time.perf_counter()
        result = engine.suggest_sync(note, {System.ICD10CM}, args.setting)
        times.append(time.perf_counter() - t)
        errors += result.error is not None
        pred = {norm(s.code) for s in result.suggestions if s.reportable}
        tp += len(pred & g)
        atp += _aligned_hits(pred, g, cs)
        npred += len(pred)
        ngold += len(g)
        pc, gc = {p[:3] for p in pred}, {x[:3] for x in g}
        ctp += len(pc & gc)
        cpred += len(pc)
        cgold += len(gc)
    total_s = time.perf_counter() - t_all
    words = statistics.mean(len(note.split()) for _nid, note, _g in notes)
    out = {
        "data": str(data), "notes": len(notes), "setting": args.setting, "engine_errors": errors,
        "code_level": prf(tp, npred, ngold),
        "code_level_edition_aligned": prf(atp, npred, ngold),
        "category_level": prf(ctp, cpred, cgold),
        "candidate_recall": {f"@{k}": round(v / ngold, 4) for k, v in rec.items()},
        "candidate_category_recall": {f"@{k}": round(v / cgold, 4) for k, v in rec_cat.items()},
        "candidate_recall_any_rank": round(rec_all / ngold, 4),
        "gold_valid_share": round(valid / ngold, 4),
        "gold_billable_share": round(billable / ngold, 4),
        "gold_valid_without_a_title_word_in_note_share": round(wordless / ngold, 4),
        "mean_words_per_note": round(words, 1),
        "engine_ms_per_note": {"mean": round(statistics.mean(times) * 1000, 2),
                               "p95": round(sorted(times)[int(0.95 * (len(times) - 1))] * 1000, 2)},
        "retrieval_ms_per_note": round(statistics.mean(retr_times) * 1000, 2),
        "warm_up_s": round(warm_s, 2),
        "total_s": round(total_s, 2),
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
