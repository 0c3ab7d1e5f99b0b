"""Lexical similarity between notes: TF-IDF over content words, cosine ranking.

Used to pick the completed cases most like the note being coded as few-shot
examples. Plain Python: a few thousand notes index in well under a second.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence

from medcoder_tui.preferences.models import CaseExample

_WORD = re.compile(r"[a-z][a-z0-9]{2,}")
_STOP = frozenset("""
the and for with was were are this that from have has had not but his her she him they them their there
been being which who whom what when where while also into onto over under than then these those its our
your you all any each other some such only own same very can will just patient patients pt year years old
day days time mg per left right without history note notes noted reports report presented presents given
""".split())


def words(text: str) -> list[str]:
    """Content words of a text, lower case, stop words dropped."""
    return [w for w in _WORD.findall(text.lower()) if w not in _STOP]


class SimilarityIndex:
    """TF-IDF vectors of example notes; ``most_similar`` ranks them against a new note."""

    def __init__(self, examples: Sequence[CaseExample], read: Callable[[str], str | None]) -> None:
        self.examples: list[CaseExample] = []
        self.texts: list[str] = []
        counts: list[Counter[str]] = []
        for ex in examples:
            text = read(ex.note_path)
            if not text or not text.strip():
                continue   # the note moved or was emptied: it cannot serve as an example
            self.examples.append(ex)
            self.texts.append(text)
            counts.append(Counter(words(text)))
        df: Counter[str] = Counter()
        for c in counts:
            df.update(c.keys())
        n = max(len(counts), 1)
        self.idf = {w: math.log((n + 1) / (d + 1)) + 1.0 for w, d in df.items()}
        self.default_idf = math.log(n + 1) + 1.0
        self.vectors = [self._vector(c) for c in counts]

    def _vector(self, counts: Counter[str]) -> dict[str, float]:
        vec = {w: (1.0 + math.log(tf)) * self.idf.get(w, self.default_idf) for w, tf in counts.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        return {w: v / norm for w, v in vec.items()}

    def __len__(self) -> int:
        return len(self.examples)

    def most_similar(self, note: str, k: int = 3, *, min_score: float = 0.05,
                     exclude_text: bool = True) -> list[tuple[CaseExample, str, float]]:
        """Up to ``k`` (example, its note text, cosine) best first; the note itself is skipped."""
        query = self._vector(Counter(words(note)))
        if not query:
            return []
        scored = []
        stripped = note.strip()
        for i, vec in enumerate(self.vectors):
            if exclude_text and self.texts[i].strip() == stripped:
                continue
            small, big = (query, vec) if len(query) < len(vec) else (vec, query)
            score = sum(v * big.get(w, 0.0) for w, v in small.items())
            if score >= min_score:
                scored.append((score, i))
        scored.sort(key=lambda t: (-t[0], t[1]))
        return [(self.examples[i], self.texts[i], round(s, 4)) for s, i in scored[:k]]
