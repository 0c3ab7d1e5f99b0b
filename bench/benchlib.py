"""Helpers shared by the benchmark scripts (run them as `python bench/<script>.py`)."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from medcoder_tui.evaluation.metrics import Counts
from medcoder_tui.evaluation.metrics import prf as _prf


def prf(tp: int, npred: int, ngold: int) -> dict[str, float]:
    """Precision/recall/F1 from raw totals, in the benchmarks' JSON shape (rounded, with the totals)."""
    scores = _prf(Counts(tp=tp, fp=npred - tp, fn=ngold - tp))
    return {"precision": round(scores.precision, 4), "recall": round(scores.recall, 4), "f1": round(scores.f1, 4),
            "tp": tp, "predicted": npred, "gold": ngold}


def norm(code: str) -> str:
    """A code as CodiEsp writes it: lower case, no dot."""
    return code.replace(".", "").strip().lower()


def load_codiesp(data: Path, limit: int = 0) -> list[tuple[str, str, set[str]]]:
    """(note id, note text, gold diagnosis codes) for each note of a CodiEsp-style folder, by id."""
    gold: dict[str, set[str]] = defaultdict(set)
    for line in (data / "gold_diagnoses.tsv").read_text(encoding="utf-8").splitlines():
        if "\t" in line:
            nid, code = line.split("\t", 1)
            gold[nid].add(norm(code))
    ids = sorted(nid for nid in gold if (data / "notes" / f"{nid}.txt").exists())
    if limit:
        ids = ids[:limit]
    return [(nid, (data / "notes" / f"{nid}.txt").read_text(encoding="utf-8"), gold[nid]) for nid in ids]


def record_frames(app, what: Callable[[], Any] | None = None) -> list:
    """Record every frame a Textual app sends to the terminal from now on: its time, or
    ``(time, what())`` when ``what`` says what else to note (the rows a table drew)."""
    frames: list = []
    original = app._display

    def display(screen, renderable):
        frames.append(time.perf_counter() if what is None else (time.perf_counter(), what()))
        original(screen, renderable)

    app._display = display
    return frames
