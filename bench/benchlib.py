"""Helpers shared by the benchmark scripts (run them as `python bench/<script>.py`)."""

from __future__ import annotations

from medcoder_tui.evaluation.metrics import Counts, prf as _prf


def prf(tp: int, npred: int, ngold: int) -> dict[str, float]:
    """Precision/recall/F1 from raw totals, in the benchmarks' JSON shape (rounded, with the totals)."""
    scores = _prf(Counts(tp=tp, fp=npred - tp, fn=ngold - tp))
    return {"precision": round(scores.precision, 4), "recall": round(scores.recall, 4), "f1": round(scores.f1, 4),
            "tp": tp, "predicted": npred, "gold": ngold}
