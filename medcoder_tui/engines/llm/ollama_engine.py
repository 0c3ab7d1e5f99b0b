"""The Ollama engine: streams a local model's codes, grounds each one as it completes.

Talks to Ollama through the official ``ollama`` client (``AsyncClient.chat``
with ``stream=True`` and a JSON-schema ``format``). Whatever goes wrong -- no
server, a missing model, HTTP errors, a stall, a dropped connection, text that
is not Ollama's stream -- ends in ``SuggestionResult.error`` with every
suggestion completed before the fault, never in an exception.
"""

from __future__ import annotations

import asyncio
import functools
import json
import time
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any

import httpx
import ollama
from pydantic import ValidationError

from medcoder_tui.codes.systems import System
from medcoder_tui.config import Settings
from medcoder_tui.engines.progress import Progress, run_in_thread
from medcoder_tui.engines.analysis.clinical_text import analyze
from medcoder_tui.engines.models import (
    DoneEvent,
    EngineEvent,
    RawSuggestion,
    Setting,
    Suggestion,
    SuggestionEvent,
    SuggestionResult,
    TokenEvent,
)
from medcoder_tui.engines.llm.parsing import StreamParser
from medcoder_tui.engines.llm.prompts import (
    PROMPT_VERSION,
    build_messages,
    build_sequence_prompt,
    output_schema,
    parse_sequence_response,
    sequence_schema,
)

# A model stuck in a loop can write forever; past this the reply is cut.
MAX_REPLY_CHARS = 1_000_000
# Kept in the result (and the store) for audit; the rest is dropped.
RAW_OUTPUT_KEEP = 200_000
CANDIDATES_K = 50
# Ollama silently truncates prompts longer than num_ctx, so size it to the prompt.
MIN_CONTEXT, MAX_CONTEXT, REPLY_TOKENS = 4096, 32768, 2048
DEFAULT_HOST = "http://127.0.0.1:11434"


@functools.lru_cache(maxsize=1)
def _ssl_context() -> Any:
    """httpx's default verifying TLS context, built once per process: building it reads the CA
    bundle (~50 ms of CPU), which every request would otherwise pay, a batch once per note."""
    return httpx.create_ssl_context()


class BadHostError(ValueError):
    """The configured Ollama host is not a usable URL."""


def prompt_tokens(messages: Sequence[dict[str, str]]) -> int:
    """A generous token estimate for the prompt (clinical text runs ~3-4 characters a token)."""
    return int(sum(len(m["content"]) for m in messages) / 3.2)


def context_size(messages: Sequence[dict[str, str]]) -> int:
    """A num_ctx that fits the prompt plus room for the reply (a power of two)."""
    need = prompt_tokens(messages) + REPLY_TOKENS
    size = MIN_CONTEXT
    while size < need and size < MAX_CONTEXT:
        size *= 2
    return size


def model_key(name: str) -> str:
    """Ollama's full tag for a model name (``llama3.1`` means ``llama3.1:latest``)."""
    return name if ":" in name else f"{name}:latest"


class OllamaEngine:
    """The Engine protocol over an Ollama server (see ``engines/base.py``)."""

    name = "ollama"

    def __init__(self, settings: Settings, *, codesets: Any = None, model: str | None = None,
                 extra_context: str | Callable[[str, str], str] = "") -> None:
        self.settings = settings
        # Text for the prompt, or a function of (note, setting) giving it (the preferences block).
        self.extra_context = extra_context
        self.model: str = model or settings.ollama_model
        self.host: str = (settings.ollama_host or "").strip() or DEFAULT_HOST
        self._codesets = codesets
        self._model_ok = False
        self.last_error: str | None = None
        self.last_duration = 0.0

    # -- connection -------------------------------------------------------------------------
    def _client(self, read_timeout: float | None = None) -> ollama.AsyncClient:
        connect = self.settings.ollama_connect_timeout
        # The stall timer (asyncio.wait_for per chunk) is the real read limit; httpx's is a backstop.
        read = read_timeout if read_timeout is not None else self.settings.ollama_stall_timeout + 5
        try:
            return ollama.AsyncClient(host=self.host, verify=_ssl_context(),
                                      timeout=httpx.Timeout(connect=connect, read=read, write=connect, pool=connect))
        except (ValueError, httpx.InvalidURL) as exc:
            raise BadHostError(f"the Ollama host {self.host!r} is not a valid URL ({exc}); "
                               "fix MEDCODER_OLLAMA_HOST, OLLAMA_HOST or ollama_host in config.toml") from None

    async def check(self) -> tuple[bool, str]:
        """Probe the server: (ready, message). Never waits longer than the connect timeout."""
        timeout = self.settings.ollama_connect_timeout
        try:
            client = self._client(read_timeout=timeout)
        except BadHostError as exc:
            return False, str(exc)
        try:
            listing = await asyncio.wait_for(client.list(), timeout)
        except ollama.ResponseError as exc:
            return False, f"Ollama at {self.host} answered HTTP {exc.status_code}: {exc.error}"
        except (asyncio.TimeoutError, ConnectionError, httpx.HTTPError, OSError, ValueError):
            return False, f"Ollama unreachable at {self.host}"
        finally:
            await client.close()
        installed = [m.model or "" for m in listing.models]
        if model_key(self.model) not in {model_key(n) for n in installed if n}:
            names = ", ".join(sorted(installed)) or "none"
            return False, (f"model {self.model} is not installed in Ollama at {self.host} "
                           f"(installed: {names}); run `ollama pull {self.model}`")
        self._model_ok = True
        return True, f"Ollama at {self.host}, model {self.model}"

    def describe_error(self, exc: BaseException) -> str:
        """A one-line, actionable message for anything that stopped a request."""
        stall = self.settings.ollama_stall_timeout
        if isinstance(exc, BadHostError):
            return str(exc)
        if isinstance(exc, (asyncio.TimeoutError, httpx.ReadTimeout)):
            return (f"Ollama sent nothing for {stall:g} s, so medcoder stopped waiting "
                    "(raise MEDCODER_OLLAMA_STALL_TIMEOUT for slow models)")
        if isinstance(exc, httpx.ConnectTimeout):
            return (f"Ollama at {self.host} did not answer within "
                    f"{self.settings.ollama_connect_timeout:g} s")
        if isinstance(exc, (ConnectionError, httpx.ConnectError)):
            return f"Ollama unreachable at {self.host}: is `ollama serve` running?"
        if isinstance(exc, ollama.ResponseError):
            if exc.status_code == 404:
                return (f"model {self.model} was not found in Ollama at {self.host}; "
                        f"run `ollama pull {self.model}`")
            if exc.status_code < 0:
                return f"Ollama reported an error mid-reply: {exc.error}"
            return f"Ollama at {self.host} failed with HTTP {exc.status_code}: {exc.error}"
        if isinstance(exc, json.JSONDecodeError):
            return f"the server at {self.host} sent text that is not Ollama's JSON stream (is it Ollama?)"
        if isinstance(exc, ValidationError):
            return f"the server at {self.host} sent a reply Ollama would not send ({exc.error_count()} problems)"
        if isinstance(exc, (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)):
            return f"the connection to Ollama at {self.host} broke mid-reply ({type(exc).__name__})"
        if isinstance(exc, httpx.HTTPError):
            return f"talking to Ollama at {self.host} failed: {type(exc).__name__}: {exc}"
        return f"unexpected error from the Ollama engine: {type(exc).__name__}: {exc}"

    # -- suggestion -------------------------------------------------------------------------
    def prepare(self, note: str, types: set[System], setting: Setting) -> tuple[Any, list[dict], list[str]]:
        """Code sets, candidates, grounder and messages (blocking work, run in a thread)."""
        from medcoder_tui.codes.service import get_codesets
        from medcoder_tui.engines.checks.grounding import Grounder

        warnings: list[str] = []
        codesets = self._codesets or get_codesets()
        analysis = analyze(note)   # one analysis for retrieval, the procedure rules and grounding
        try:
            from medcoder_tui.engines.diagnoses.retrieval import retrieve_candidates

            candidates = retrieve_candidates(note, types=types, k=CANDIDATES_K, codesets=codesets,
                                             analysis=analysis)
            candidates = procedure_candidates(note, types, setting, codesets, analysis) + candidates
        except Exception as exc:  # the model can still code without candidates
            candidates = []
            warnings.append(f"candidate retrieval failed ({type(exc).__name__}); the model codes from memory")
        grounder = Grounder(note, codesets=codesets, setting=setting, types=types, analysis=analysis)
        try:
            extra = self.extra_context(note, setting) if callable(self.extra_context) else self.extra_context
        except Exception as exc:  # preferences are advice; the note can be coded without them
            extra = ""
            warnings.append(f"the extra prompt context failed ({type(exc).__name__}); coded without it")
        messages = build_messages(note, types=types, setting=setting, candidates=candidates, extra_context=extra)
        if prompt_tokens(messages) + REPLY_TOKENS > MAX_CONTEXT:
            warnings.append("the note is longer than the model's context window; its end may be ignored")
        return grounder, messages, warnings

    @staticmethod
    def _ground(grounder: Any, raw: RawSuggestion, result: SuggestionResult) -> Suggestion | None:
        try:
            return grounder.ground(raw)
        except Exception as exc:  # an ungrounded code must never reach the coder
            result.warnings.append(f"dropped {raw.code!r}: it could not be checked ({type(exc).__name__})")
            return None

    async def stream(self, note: str, *, types: set[System], setting: Setting) -> AsyncIterator[EngineEvent]:
        """Yield tokens, then each grounded suggestion as it completes, then one DoneEvent."""
        types = set(types) or set(System)
        result = SuggestionResult(engine=self.name, model=self.model, prompt_version=PROMPT_VERSION)
        started = time.perf_counter()
        try:
            # cancelling the run stops the note's analysis too, not only the wait for it
            grounder, messages, warnings = await run_in_thread(Progress(), self.prepare, note, types, setting)
        except Exception as exc:
            result.error = f"could not prepare the request: {type(exc).__name__}: {exc}"
            yield DoneEvent(result=result)
            return
        result.warnings.extend(warnings)
        parser = StreamParser()
        suggestions: list[Suggestion] = []
        parts: list[str] = []
        total = 0
        finished = False
        done_reason: str | None = None
        if not self._model_ok:
            ok, message = await self.check()
            if not ok:
                result.error = message
        if result.error is None:
            client = None
            chunks = None
            try:
                client = self._client()
                chunks = await client.chat(
                    model=self.model, messages=messages, stream=True, format=output_schema(types),
                    options={"temperature": self.settings.temperature, "num_ctx": context_size(messages)},
                )
                while True:
                    try:
                        chunk = await asyncio.wait_for(anext(chunks), self.settings.ollama_stall_timeout)
                    except StopAsyncIteration:
                        break
                    text = chunk.message.content or ""
                    if text:
                        parts.append(text)
                        total += len(text)
                        yield TokenEvent(text=text)
                        for raw in parser.feed(text):
                            if (s := self._ground(grounder, raw, result)) is not None:
                                suggestions.append(s)
                                yield SuggestionEvent(suggestion=s)
                    if chunk.done:
                        finished, done_reason = True, chunk.done_reason
                        break
                    if total > MAX_REPLY_CHARS:
                        result.error = (f"the model's reply passed {MAX_REPLY_CHARS:,} characters; stopped it "
                                        "(the model is probably repeating itself)")
                        break
                if not finished and result.error is None:
                    result.error = f"Ollama's reply from {self.host} ended before it was complete"
            except Exception as exc:
                result.error = self.describe_error(exc)
            finally:
                if chunks is not None:
                    try:
                        await chunks.aclose()
                    except Exception:  # noqa: S110 - closing a broken stream may fail again
                        pass
                if client is not None:
                    await client.close()
        for raw in parser.close(complete=finished and result.error is None):
            if (s := self._ground(grounder, raw, result)) is not None:
                suggestions.append(s)
                yield SuggestionEvent(suggestion=s)
        if finished and done_reason == "length":
            result.warnings.append("the model's reply hit its length limit; later codes may be missing")
        result.warnings.extend(parser.warnings)
        try:
            result.suggestions = grounder.finish(suggestions)
        except Exception as exc:
            result.suggestions = suggestions
            result.warnings.append(f"cross-checks between codes failed ({type(exc).__name__})")
        text = "".join(parts)
        result.raw_output = text if len(text) <= RAW_OUTPUT_KEEP else text[:RAW_OUTPUT_KEEP] + "\n[... cut ...]"
        self.last_error = result.error
        self.last_duration = time.perf_counter() - started
        yield DoneEvent(result=result)

    # -- sequencing -------------------------------------------------------------------------
    async def propose_sequence(self, note: str, codes: Sequence[Any], setting: Setting) -> dict | None:
        """The model's order for ``codes`` (see prompts.parse_sequence_response), or None on any failure."""
        messages = [{"role": "user", "content": build_sequence_prompt(codes, note, setting)}]
        client = None
        try:
            client = self._client(read_timeout=self.settings.ollama_stall_timeout)
            response = await asyncio.wait_for(
                client.chat(model=self.model, messages=messages, stream=False, format=sequence_schema(),
                            options={"temperature": self.settings.temperature,
                                     "num_ctx": context_size(messages)}),
                self.settings.ollama_stall_timeout,
            )
            parsed = parse_sequence_response(response.message.content or "")
            self.last_error = None if parsed else "the model's sequence reply held no usable codes"
            return parsed or None
        except Exception as exc:
            self.last_error = self.describe_error(exc)
            return None
        finally:
            if client is not None:
                await client.close()


def procedure_candidates(note: str, types: set[System], setting: Setting, codesets: Any,
                         analysis: Any = None) -> list[Any]:
    """CPT/HCPCS codes the procedure rules find documented as done or given, as prompt candidates.

    Title retrieval finds few procedure codes (notes rarely use the tables' wording), so the
    rule-based matches of the offline engine lead the list the model chooses from.
    """
    if not types & {System.CPT, System.HCPCS}:
        return []
    from medcoder_tui.engines.procedures.suggest import suggest_procedures
    from medcoder_tui.engines.diagnoses.retrieval import Candidate

    out = []
    for raw in suggest_procedures(note, analysis=analysis or analyze(note), types=types, setting=setting, codesets=codesets):
        words = raw.evidence[0] if raw.evidence else ""
        start = note.find(words) if words else -1
        out.append(Candidate(code=raw.code, system=raw.system, description=raw.description, score=raw.confidence,
                             evidence_text=words, start=start, end=start + len(words) if start >= 0 else -1,
                             origin="procedure rule"))
    return out

