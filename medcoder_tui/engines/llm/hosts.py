"""Several Ollama servers behind one engine: each note goes to the least busy reachable host.

:class:`HostPool` probes every host of ``settings.host_list()`` (``ollama_hosts``
/ ``MEDCODER_OLLAMA_HOSTS``, else the one ``ollama_host``), and
:class:`PooledEngine` is the Engine protocol over it. When a note fails, the
pool probes its host: a host that no longer answers is taken out and the note
goes to another host, so a server that dies mid-run only moves its work. A
host that answers but failed the note (HTTP 500, a stall) keeps its place and
the note fails with that host's message. Per-host figures (notes, failures,
tokens and seconds of generation) are kept for the batch and eval reports.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

from medcoder_tui.codes.systems import System
from medcoder_tui.config import Settings
from medcoder_tui.engines.models import DoneEvent, EngineEvent, Setting, SuggestionResult
from medcoder_tui.engines.llm.ollama_engine import OllamaEngine
from medcoder_tui.engines.llm.prompts import PROMPT_VERSION
from medcoder_tui.notes import note_hash

# A host taken out is probed again after this long (it may have been restarted).
REPROBE_SECONDS = 30.0


@dataclass
class HostState:
    """One Ollama server and what it did in this run."""

    url: str
    engine: OllamaEngine
    reachable: bool | None = None    # None until probed
    message: str = ""
    models: list[str] = field(default_factory=list)
    in_flight: int = 0
    notes: int = 0                   # notes this host finished (with or without codes)
    failed: int = 0                  # notes that failed here (moved or not)
    tokens: int = 0
    seconds: float = 0.0             # wall time of this host's requests
    down_at: float = 0.0

    @property
    def tokens_per_second(self) -> float:
        return self.tokens / self.seconds if self.seconds > 0 else 0.0

    def figures(self) -> dict[str, Any]:
        return {"host": self.url, "reachable": bool(self.reachable), "notes": self.notes, "failed": self.failed,
                "tokens": self.tokens, "seconds": round(self.seconds, 2),
                "tokens_per_second": round(self.tokens_per_second, 1),
                **({"error": self.message} if not self.reachable and self.message else {})}


class HostPool:
    """The configured Ollama hosts for one model, with their state."""

    def __init__(self, settings: Settings, *, model: str | None = None, hosts: list[str] | None = None,
                 codesets: Any = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.settings = settings
        self.model = model or settings.ollama_model
        self._clock = clock
        self.hosts: list[HostState] = []
        for url in hosts or settings.host_list():
            engine = OllamaEngine(settings, codesets=codesets, model=self.model)
            engine.host = url
            self.hosts.append(HostState(url=url, engine=engine))

    def set_extra_context(self, extra: Any) -> None:
        """The prompt's extra context (the preferences block) for every host."""
        for host in self.hosts:
            host.engine.extra_context = extra

    async def probe(self) -> list[HostState]:
        """Probe every host at once (each within the connect timeout)."""
        await asyncio.gather(*(self._probe(h) for h in self.hosts))
        return self.hosts

    async def _probe(self, host: HostState) -> bool:
        ok, message = await host.engine.check()
        host.reachable, host.message = ok, message
        if not ok:
            host.down_at = self._clock()
        return ok

    @property
    def reachable(self) -> list[HostState]:
        return [h for h in self.hosts if h.reachable]

    def summary(self) -> str:
        """``2/3 hosts reachable``-style line with the reasons of the others."""
        down = [f"{h.url}: {h.message}" for h in self.hosts if not h.reachable]
        head = f"{len(self.reachable)}/{len(self.hosts)} Ollama hosts reachable"
        return head + (f" ({'; '.join(down)})" if down else "")

    async def pick(self, exclude: set[str]) -> HostState | None:
        """The reachable host with the fewest requests in flight (then the fewest notes)."""
        now = self._clock()
        for host in self.hosts:   # give a host taken out a while ago another chance
            if host.reachable is False and host.url not in exclude and now - host.down_at > REPROBE_SECONDS:
                await self._probe(host)
        live = [h for h in self.hosts if h.reachable and h.url not in exclude]
        if not live:
            return None
        return min(live, key=lambda h: (h.in_flight, h.notes, self.hosts.index(h)))

    def figures(self) -> list[dict[str, Any]]:
        return [h.figures() for h in self.hosts]


@dataclass
class Attempt:
    """The outcome of one note on the pool: the result, the host that answered, its tokens."""

    result: SuggestionResult
    host: str = ""
    tokens: int = 0
    seconds: float = 0.0
    moved: list[str] = field(default_factory=list)   # hosts that failed the note first


class PooledEngine:
    """The Engine protocol over a :class:`HostPool` (the engine name stays ``ollama``)."""

    name = "ollama"
    prompt_version = PROMPT_VERSION

    def __init__(self, pool: HostPool) -> None:
        self.pool = pool
        self.model: str | None = pool.model
        self._attempts: dict[str, list[Attempt]] = {}

    def take_attempt(self, note: str) -> Attempt | None:
        """The last finished attempt on this note text (which host answered), once."""
        found = self._attempts.get(note_hash(note))
        return found.pop() if found else None

    async def check(self) -> tuple[bool, str]:
        await self.pool.probe()
        return bool(self.pool.reachable), self.pool.summary()

    async def run(self, note: str, *, types: set[System], setting: Setting,
                  on_token: Callable[[str], None] | None = None) -> Attempt:
        """Code one note on the least busy host, moving it when that host goes away."""
        tried: set[str] = set()
        moved: list[str] = []
        while True:
            host = await self.pool.pick(tried)
            if host is None:
                names = ", ".join(h.url for h in self.pool.hosts)
                reason = "; ".join(f"{h.url}: {h.message}" for h in self.pool.hosts if h.message and not h.reachable)
                result = SuggestionResult(engine=self.name, model=self.model, prompt_version=PROMPT_VERSION,
                                          error=f"no reachable Ollama host ({reason or names})")
                return Attempt(result=result, moved=moved)
            tried.add(host.url)
            host.in_flight += 1
            tokens, started = 0, time.perf_counter()
            result: SuggestionResult | None = None
            try:
                async for event in host.engine.stream(note, types=types, setting=setting):
                    if event.kind == "token":
                        tokens += 1
                        if on_token is not None:
                            on_token(event.text)
                    elif event.kind == "done":
                        result = event.result
            finally:
                host.in_flight -= 1
            seconds = time.perf_counter() - started
            host.tokens += tokens
            host.seconds += seconds
            if result is None:
                result = SuggestionResult(engine=self.name, model=self.model, error="the engine ended without a result")
            if result.error:
                host.failed += 1
                if not await self.pool._probe(host):
                    moved.append(host.url)   # the host went away: the note goes elsewhere
                    continue
            host.notes += 1
            if moved:
                result.warnings.append(f"moved from {', '.join(moved)} (unreachable) to {host.url}")
            attempt = Attempt(result=result, host=host.url, tokens=tokens, seconds=seconds, moved=moved)
            self._attempts.setdefault(note_hash(note), []).append(attempt)
            return attempt

    async def stream(self, note: str, *, types: set[System], setting: Setting) -> AsyncIterator[EngineEvent]:
        """Tokens as they come (from every attempt), then the suggestions and one DoneEvent."""
        from medcoder_tui.engines.models import SuggestionEvent, TokenEvent

        queue: asyncio.Queue[str | None] = asyncio.Queue()
        task = asyncio.ensure_future(self.run(note, types=types, setting=setting, on_token=queue.put_nowait))
        task.add_done_callback(lambda _: queue.put_nowait(None))
        try:
            while (text := await queue.get()) is not None:
                yield TokenEvent(text=text)
        finally:
            if not task.done():
                task.cancel()
        attempt = task.result()
        for s in attempt.result.suggestions:
            yield SuggestionEvent(suggestion=s)
        yield DoneEvent(result=attempt.result)
