"""Compare two evaluation runs: per metric and per note, what got better and what got worse."""

from __future__ import annotations

from pydantic import BaseModel, Field, computed_field

from medcoder_tui.evaluation.models import EvalRun

EPSILON = 1e-9


class MetricDelta(BaseModel):
    """One figure in both runs."""

    name: str
    a: float
    b: float

    @computed_field  # type: ignore[prop-decorator]
    @property
    def delta(self) -> float:
        return self.b - self.a


class NoteDelta(BaseModel):
    """One note scored in both runs."""

    note_id: str
    f1_a: float
    f1_b: float
    gained: list[str] = Field(default_factory=list)   # gold codes B found and A missed
    lost: list[str] = Field(default_factory=list)     # gold codes A found and B missed

    @computed_field  # type: ignore[prop-decorator]
    @property
    def delta(self) -> float:
        return self.f1_b - self.f1_a


class Comparison(BaseModel):
    """Run A against run B (B is the newer or candidate run)."""

    run_a: str
    run_b: str
    metrics: list[MetricDelta] = Field(default_factory=list)
    patterns: list[MetricDelta] = Field(default_factory=list)
    better: list[NoteDelta] = Field(default_factory=list)
    worse: list[NoteDelta] = Field(default_factory=list)
    unchanged: int = 0
    only_a: list[str] = Field(default_factory=list)
    only_b: list[str] = Field(default_factory=list)
    caveats: list[str] = Field(default_factory=list)   # why the figures may not be comparable


def compare(a: EvalRun, b: EvalRun) -> Comparison:
    """Differences from ``a`` to ``b``; notes are matched by id, failed notes count as F1 0."""
    out = Comparison(run_a=a.label(), run_b=b.label())
    if a.types != b.types:
        out.caveats.append(f"the runs score different code types ({','.join(a.types)} vs {','.join(b.types)})")
    if a.source != b.source or a.gold_source != b.gold_source:
        out.caveats.append("the runs used different notes or gold; compare the per-note lines, not the totals")
    if a.codeset_versions and b.codeset_versions and a.codeset_versions != b.codeset_versions:
        out.caveats.append("the code set versions differ")
    for label, ma, mb in (("micro", a.micro, b.micro), ("macro", a.macro, b.macro),
                          ("category_micro", a.category_micro, b.category_micro)):
        for field in ("precision", "recall", "f1"):
            out.metrics.append(MetricDelta(name=f"{label}.{field}", a=getattr(ma, field), b=getattr(mb, field)))
    for system in sorted(set(a.per_system) | set(b.per_system)):
        if system in a.per_system and system in b.per_system:
            out.metrics.append(MetricDelta(name=f"{system}.f1", a=a.per_system[system].f1, b=b.per_system[system].f1))
    out.metrics.append(MetricDelta(name="must_not_hits", a=a.must_not_hits, b=b.must_not_hits))
    if a.em.notes and b.em.notes:
        out.metrics.append(MetricDelta(name="em_exact_rate", a=a.em.rate, b=b.em.rate))
    out.metrics.append(MetricDelta(name="failed", a=a.failed, b=b.failed))
    for name in sorted(set(a.error_patterns) | set(b.error_patterns)):
        ca = a.error_patterns[name].count if name in a.error_patterns else 0
        cb = b.error_patterns[name].count if name in b.error_patterns else 0
        out.patterns.append(MetricDelta(name=name, a=ca, b=cb))
    notes_a = {n.note_id: n for n in a.per_note}
    notes_b = {n.note_id: n for n in b.per_note}
    for note_id in sorted(set(notes_a) & set(notes_b)):
        na, nb = notes_a[note_id], notes_b[note_id]
        fa = na.f1 if na.status == "ok" else 0.0
        fb = nb.f1 if nb.status == "ok" else 0.0
        gold = set(na.gold) | set(nb.gold)
        found_a, found_b = set(na.predicted) & gold, set(nb.predicted) & gold
        d = NoteDelta(note_id=note_id, f1_a=fa, f1_b=fb,
                      gained=sorted(found_b - found_a), lost=sorted(found_a - found_b))
        if d.delta > EPSILON:
            out.better.append(d)
        elif d.delta < -EPSILON:
            out.worse.append(d)
        else:
            out.unchanged += 1
    out.better.sort(key=lambda d: -d.delta)
    out.worse.sort(key=lambda d: d.delta)
    out.only_a = sorted(set(notes_a) - set(notes_b))
    out.only_b = sorted(set(notes_b) - set(notes_a))
    return out


def comparison_text(c: Comparison, limit: int = 15) -> str:
    """The comparison as terminal text."""
    lines = [f"A: {c.run_a}", f"B: {c.run_b}", *(f"caution: {x}" for x in c.caveats),
             "", f"{'metric':<24}{'A':>9}{'B':>9}{'B-A':>9}"]
    for m in c.metrics:
        lines.append(f"{m.name:<24}{m.a:>9.3f}{m.b:>9.3f}{m.delta:>+9.3f}" if m.name not in ("failed", "must_not_hits")
                     else f"{m.name:<24}{m.a:>9.0f}{m.b:>9.0f}{m.delta:>+9.0f}")
    lines += ["", f"{'error pattern':<24}{'A':>9}{'B':>9}{'B-A':>9}"]
    lines += [f"{m.name:<24}{m.a:>9.0f}{m.b:>9.0f}{m.delta:>+9.0f}" for m in c.patterns if m.a or m.b]
    lines += ["", f"notes better in B: {len(c.better)}, worse: {len(c.worse)}, unchanged: {c.unchanged}"]
    for title, items in (("better", c.better), ("worse", c.worse)):
        for d in items[:limit]:
            extra = []
            if d.gained:
                extra.append("found " + ", ".join(k.partition(":")[2] for k in d.gained))
            if d.lost:
                extra.append("lost " + ", ".join(k.partition(":")[2] for k in d.lost))
            lines.append(f"  {title:<7}{d.note_id:<40} F1 {d.f1_a:.3f} -> {d.f1_b:.3f}  {'; '.join(extra)}")
        if len(items) > limit:
            lines.append(f"  ... {len(items) - limit} more {title}")
    for label, items in (("A", c.only_a), ("B", c.only_b)):
        if items:
            more = f" (+{len(items) - limit} more)" if len(items) > limit else ""
            lines.append(f"{len(items)} notes only in {label}: {', '.join(items[:limit])}{more}")
    return "\n".join(lines)
