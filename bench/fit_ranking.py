"""Fit the candidate-ranking weights (medcoder_tui/engines/diagnoses/ranking.py) on a coded corpus.

Usage: python bench/fit_ranking.py [--data DIR] [--l2 X]   (needs numpy: pip install numpy)

Logistic regression of "this candidate is a gold code" on the ranking features
of every candidate retrieval finds. To judge the fit honestly the notes are
split in two halves by a hash of their id: weights fitted on one half are
scored (candidate recall@10/20/50) on the other, both ways, beside the weights
in the code. Then it prints the weights fitted on all notes, to paste into
ranking.WEIGHTS, and writes the figures to bench/results/fit_ranking.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from medcoder_tui.codes.service import get_codesets  # noqa: E402
from medcoder_tui.codes.systems import System  # noqa: E402
from medcoder_tui.engines.diagnoses import ranking  # noqa: E402
from medcoder_tui.engines.diagnoses.retrieval import candidate_pool  # noqa: E402
from benchlib import load_codiesp, norm  # noqa: E402


def half(note_id: str) -> int:
    return hashlib.sha1(note_id.encode()).digest()[0] & 1


def fit(rows, l2: float, iters: int = 60):
    """Newton's method for L2-regularised logistic regression over (features, label) rows.

    The weights named in ranking.FIXED are held at their values (an offset), the rest fitted.
    """
    import numpy as np

    names = ranking.FEATURES
    free = [i for i, name in enumerate(names) if name not in ranking.FIXED]
    fixed = np.array([ranking.FIXED.get(name, 0.0) for name in names])
    full = np.array([f for f, _ in rows], dtype=float)
    offset = full @ fixed
    x = full[:, free]
    y = np.array([lab for _, lab in rows], dtype=float)
    w = np.zeros(x.shape[1])
    reg = l2 * np.eye(x.shape[1])
    reg[0, 0] = 0.0   # no penalty on the bias (feature 0)
    for _ in range(iters):
        p = 1.0 / (1.0 + np.exp(-(x @ w + offset)))
        grad = x.T @ (p - y) + reg @ w
        hess = (x * (p * (1 - p))[:, None]).T @ x + reg + 1e-9 * np.eye(x.shape[1])
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-7:
            break
    out = fixed.copy()
    out[free] = w
    return tuple(round(float(v), 3) for v in out)


def recall(notes, weights) -> dict[str, float]:
    hits = {10: 0, 20: 0, 50: 0}
    total = 0
    for pool, note_words, gold in notes:
        codes = [norm(c.code) for c in ranking.recall_order(pool, note_words, weights)]
        for k in hits:
            hits[k] += len(gold & set(codes[:k]))
        total += len(gold)
    return {f"@{k}": round(v / total, 4) for k, v in hits.items()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "codiesp-dev"))
    ap.add_argument("--l2", type=float, default=1.0)
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "fit_ranking.json"))
    args = ap.parse_args(argv)
    try:
        import numpy  # noqa: F401
    except ImportError:
        print("fit_ranking needs numpy: pip install numpy", file=sys.stderr)
        return 2
    cs = get_codesets()
    halves: list[list] = [[], []]
    rows: list[list] = [[], []]
    for nid, note, gold in load_codiesp(Path(args.data)):
        pool, note_words = candidate_pool(note, types={System.ICD10CM}, codesets=cs)
        found, sited = ranking.found_context(pool)
        h = half(nid)
        halves[h].append((pool, note_words, gold))
        rows[h].extend((ranking.features(c, note_words, found, sited), norm(c.code) in gold) for c in pool)
    out: dict = {"data": args.data, "l2": args.l2, "features": list(ranking.FEATURES), "halves": []}
    for train in (0, 1):
        test = 1 - train
        weights = fit(rows[train], args.l2)
        out["halves"].append({"train": train, "test_notes": len(halves[test]),
                              "in_code": recall(halves[test], ranking.WEIGHTS),
                              "fitted": recall(halves[test], weights)})
    weights = fit(rows[0] + rows[1], args.l2)
    out["weights_all_notes"] = dict(zip(ranking.FEATURES, weights))
    out["all_notes"] = {"in_code": recall(halves[0] + halves[1], ranking.WEIGHTS),
                        "fitted": recall(halves[0] + halves[1], weights)}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(out, indent=2))
    print("WEIGHTS = (" + ", ".join(str(w) for w in weights) + ")")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
