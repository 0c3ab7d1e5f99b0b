"""The preference block added to the Ollama prompt: learned preferences and similar completed cases.

The block is data about the organization, not instructions from the note, and
it must never crowd out the note: it is cut to a token budget (estimated the
way the Ollama engine sizes its context, ~3.2 characters a token).
"""

from __future__ import annotations

import threading
from pathlib import Path

from medcoder_tui.codes.systems import System
from medcoder_tui.preferences.models import Preferences
from medcoder_tui.preferences.similarity import SimilarityIndex, words

CHARS_PER_TOKEN = 3.2
DEFAULT_TOKEN_BUDGET = 1200
MAX_PREFERENCE_LINES = 12
MAX_EXAMPLES = 3
EXCERPT_CHARS = 900
_lock = threading.Lock()


def read_note_text(path: str) -> str | None:
    """A completed case's note, or None when it can no longer be read."""
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def similarity_index(prefs: Preferences) -> SimilarityIndex:
    """The TF-IDF index of ``prefs``' completed cases, built once (reads their notes)."""
    with _lock:
        if prefs._similarity is None:
            prefs._similarity = SimilarityIndex(prefs.examples, read_note_text)
        return prefs._similarity  # type: ignore[return-value]


def preference_lines(note: str, prefs: Preferences, *, engine: str, setting: str) -> list[str]:
    """Learned preferences and rules as short lines, the ones about this note's words first."""
    t = prefs.thresholds
    lines = [f"- {r.describe()}" for r in prefs.rules if r.applies_in(setting)]
    note_words = set(words(note))
    scored: list[tuple[int, int, str]] = []
    for pooled in prefs.pooled():
        stat = prefs.stat_for(pooled.key, engine, setting) or pooled
        n = stat.decided
        if n < t.min_support:
            continue
        label = System(stat.system).label
        relevant = int(bool(note_words & set(words(stat.description))))
        top = stat.top_replacement()
        if top is not None and top[1] / n >= t.replace_ratio:
            text = (f"- code {top[0].partition(':')[2]} rather than {stat.code} ({label}, {stat.description}): "
                    f"your team chose it in {top[1]}/{n} cases")
        elif (stat.rejected + stat.replaced) / n >= t.demote_ratio:
            text = f"- avoid {stat.code} ({label}, {stat.description}): not kept in {stat.rejected + stat.replaced}/{n} cases"
        else:
            continue
        scored.append((relevant, n, text))
    scored.sort(key=lambda x: (-x[0], -x[1], x[2]))
    lines.extend(text for _, _, text in scored)
    return lines[:MAX_PREFERENCE_LINES]


def _excerpt(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut + " ..."


def prompt_block(note: str, prefs: Preferences, *, token_budget: int = DEFAULT_TOKEN_BUDGET,
                 engine: str = "ollama", setting: str = "outpatient", examples: int = MAX_EXAMPLES) -> str:
    """Learned preferences and the most similar completed cases with their final codes, within
    ``token_budget`` tokens; "" when there is nothing to say or no room."""
    budget = int(token_budget * CHARS_PER_TOKEN)
    parts: list[str] = []
    used = 0
    lines = preference_lines(note, prefs, engine=engine, setting=setting)
    if lines:
        head = ("Coding preferences of this organization (from its reviewed cases and its lead coder's rules; "
                "follow them whenever the note supports the code):")
        kept = [head]
        size = len(head)
        for line in lines:
            if used + size + len(line) + 1 > budget // 2:   # leave room for examples
                break
            kept.append(line)
            size += len(line) + 1
        if len(kept) > 1:
            parts.append("\n".join(kept))
            used += size
    if prefs.examples and examples > 0:
        similar = similarity_index(prefs).most_similar(note, examples)
        shots: list[str] = []
        intro = "Completed cases similar to this note, with the codes the organization assigned (examples only; " \
                "code the note below on its own documentation):"
        room = budget - used - len(intro) - 2
        for n, (ex, text, score) in enumerate(similar, start=1):
            codes = "; ".join(ex.final_codes)
            frame = f'<example n="{n}" setting="{ex.setting}">\nNote: \nFinal codes: {codes}\n</example>'
            space = room - len(frame) - 1
            if space < 200:
                break
            excerpt = _excerpt(text, min(EXCERPT_CHARS, space))
            shot = f'<example n="{n}" setting="{ex.setting}">\nNote: {excerpt}\nFinal codes: {codes}\n</example>'
            shots.append(shot)
            room -= len(shot) + 1
        if shots:
            parts.append(intro + "\n" + "\n".join(shots))
    return "\n\n".join(parts)


def estimate_tokens(text: str) -> int:
    """The token estimate the budget is checked against."""
    return int(len(text) / CHARS_PER_TOKEN) + (1 if text else 0)
