"""Benchmark: the Ollama engine's own overhead per note, model time excluded.

Run from the repository root:  python bench/bench_engine.py [--notes DIR] [--limit-ms 50]

For ~600-word notes it times what medcoder adds around the model: candidate
retrieval and prompt building (``OllamaEngine.prepare``), then parsing a
realistic streamed reply token by token, grounding each suggestion and the
final cross-checks. Separately it times the whole ``engine.stream`` against
the loopback Ollama server from the tests (HTTP included, zero model time).
Prints the figures and writes bench/results/engine.json. Exit status 1 when
the p95 overhead is over the limit.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))   # the loopback server lives with the tests

DEFAULT_NOTES = Path(__file__).resolve().parents[2] / "shared" / "codiesp-dev" / "notes"
TOKEN_CHARS = 4        # Ollama streams about one token (~4 characters) per chunk
REPLY_CODES = 15


def pick_notes(folder: Path, low: int = 500, high: int = 700, limit: int = 20) -> list[tuple[str, str]]:
    """Notes of roughly 600 words; the sample notes, doubled up, when the corpus is absent."""
    notes = []
    if folder.is_dir():
        for path in sorted(folder.glob("*.txt")):
            text = path.read_text(encoding="utf-8")
            if low <= len(text.split()) <= high:
                notes.append((path.stem, text))
            if len(notes) >= limit:
                break
    if not notes:
        for path in sorted((ROOT / "sample_notes").glob("*.txt")):
            text = path.read_text(encoding="utf-8")
            while len(text.split()) < low:
                text += "\n" + text
            notes.append((path.stem, text))
    return notes


def model_reply(note: str, candidates: list, fallback_codes: list[str]) -> str:
    """A reply shaped like a real model's: REPLY_CODES items quoting the note."""
    from medcoder_tui.engines.llm.prompts import ModelCode, ModelReply

    words = note.split()
    items = []
    for i in range(REPLY_CODES):
        if i < len(candidates):
            c = candidates[i]
            code, system = c.code, getattr(c.system, "value", str(c.system))
            evidence = c.evidence_text or " ".join(words[i * 3:i * 3 + 3])
            description = c.description
        else:
            code, system = fallback_codes[i % len(fallback_codes)], "icd10cm"
            evidence, description = " ".join(words[i * 7:i * 7 + 4]), "as documented"
        items.append(ModelCode(evidence=[evidence], code=code, system=system, description=description,
                               confidence=("high", "medium", "low")[i % 3],
                               reasoning="The note documents this condition explicitly in the assessment."))
    reply = ModelReply(diagnoses=[m for m in items if m.system == "icd10cm"],
                       procedures=[m for m in items if m.system != "icd10cm"])
    return reply.model_dump_json(indent=1)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=Path, default=DEFAULT_NOTES)
    parser.add_argument("--limit-ms", type=float, default=50.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "engine.json")
    args = parser.parse_args()

    from medcoder_tui.codes.service import get_codesets
    from medcoder_tui.codes.systems import System
    from medcoder_tui.config import Settings
    from medcoder_tui.engines.llm.ollama_engine import OllamaEngine
    from medcoder_tui.engines.llm.parsing import StreamParser
    from medcoder_tui.engines.diagnoses.retrieval import retrieve_candidates

    t0 = time.perf_counter()
    codesets = get_codesets()
    load_s = time.perf_counter() - t0
    notes = pick_notes(args.notes)
    types = set(System)
    engine = OllamaEngine(Settings(ollama_host="http://127.0.0.1:9"), codesets=codesets)
    fallback = ["E11.9", "I10", "J18.9", "N18.30", "Z87.442"]

    prepare_ms, parse_ms, total_ms, words, suggestions = [], [], [], [], []
    for round_no in range(args.rounds + 1):   # round 0 warms caches and is not counted
        for _, note in notes:
            t1 = time.perf_counter()
            grounder, messages, _ = engine.prepare(note, types, "outpatient")
            t2 = time.perf_counter()
            candidates = retrieve_candidates(note, types=types, k=REPLY_CODES, codesets=codesets)
            reply = model_reply(note, candidates, fallback)
            t3 = time.perf_counter()
            stream = StreamParser()
            grounded = []
            for i in range(0, len(reply), TOKEN_CHARS):
                grounded.extend(grounder.ground(r) for r in stream.feed(reply[i:i + TOKEN_CHARS]))
            grounded.extend(grounder.ground(r) for r in stream.close())
            final = grounder.finish(grounded)
            t4 = time.perf_counter()
            if round_no:
                prepare_ms.append((t2 - t1) * 1000)
                parse_ms.append((t4 - t3) * 1000)
                total_ms.append((t2 - t1 + t4 - t3) * 1000)
                words.append(len(note.split()))
                suggestions.append(len(final))

    from ollama_server import OllamaServer

    e2e_ms = []
    with OllamaServer() as server:
        live = OllamaEngine(Settings(ollama_host=server.url), codesets=codesets)
        for _, note in notes:
            reply = model_reply(note, [], fallback)
            server.script(text=reply, chunk_size=TOKEN_CHARS)
            t1 = time.perf_counter()

            async def drain(text: str = note) -> None:
                async for _ in live.stream(text, types=types, setting="outpatient"):
                    pass

            asyncio.run(drain())
            e2e_ms.append((time.perf_counter() - t1) * 1000)

    figures = {
        "notes": len(notes),
        "rounds": args.rounds,
        "words_mean": round(statistics.mean(words), 1),
        "suggestions_mean": round(statistics.mean(suggestions), 1),
        "reply_token_chars": TOKEN_CHARS,
        "codesets_load_s": round(load_s, 3),
        "prepare_ms": {"p50": round(percentile(prepare_ms, 0.5), 2), "p95": round(percentile(prepare_ms, 0.95), 2)},
        "parse_ground_ms": {"p50": round(percentile(parse_ms, 0.5), 2), "p95": round(percentile(parse_ms, 0.95), 2)},
        "overhead_ms": {"p50": round(percentile(total_ms, 0.5), 2), "p95": round(percentile(total_ms, 0.95), 2),
                        "max": round(max(total_ms), 2)},
        "loopback_stream_ms": {"p50": round(percentile(e2e_ms, 0.5), 2), "p95": round(percentile(e2e_ms, 0.95), 2)},
        "limit_ms": args.limit_ms,
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    figures["within_limit"] = figures["overhead_ms"]["p95"] <= args.limit_ms
    print(json.dumps(figures, indent=2))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0 if figures["within_limit"] else 1


if __name__ == "__main__":
    sys.exit(main())
