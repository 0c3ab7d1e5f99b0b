"""The Ollama engine against a real loopback HTTP server that speaks Ollama's API."""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from ollama_server import OllamaServer

from medcoder_tui.codes.service import get_codesets
from medcoder_tui.codes.systems import System
from medcoder_tui.config import Settings
from medcoder_tui.engines.base import run_engine
from medcoder_tui.engines.models import SuggestionResult
from medcoder_tui.engines.llm.ollama_engine import MAX_REPLY_CHARS, OllamaEngine, context_size
from medcoder_tui.engines.llm.prompts import PROMPT_VERSION, output_schema, sequence_schema


NOTE = ("Follow-up visit. Patient with type 2 diabetes mellitus and essential hypertension.\n"
        "Denies chest pain. Rule out pneumonia. History of kidney stones.\n")

ITEMS = [
    {"evidence": ["type 2 diabetes mellitus"], "code": "E11.9", "system": "icd10cm",
     "description": "Type 2 diabetes", "confidence": "high", "reasoning": "stated in the note"},
    {"evidence": ["essential hypertension"], "code": "I10", "system": "icd10cm",
     "description": "Hypertension", "confidence": "medium", "reasoning": "stated in the note"},
    {"evidence": ["History of kidney stones"], "code": "Z87.442", "system": "icd10cm",
     "description": "Personal history of urinary calculi", "confidence": "low", "reasoning": "history"},
]
REPLY = json.dumps({"diagnoses": ITEMS}, indent=1)
# Where the third item's object is half written: faults injected here must keep the first two.
CUT_AT = REPLY.index('"reasoning"', REPLY.index("Z87.442"))
CHUNK = 9


@pytest.fixture(scope="module")
def codesets():
    return get_codesets()


def settings(server_url: str, **kw) -> Settings:
    base = {"ollama_host": server_url, "ollama_connect_timeout": 1.0, "ollama_stall_timeout": 2.0}
    return Settings(**{**base, **kw})


async def collect(engine, note=NOTE, types=frozenset({System.ICD10CM}), setting="outpatient"):
    events = [e async for e in engine.stream(note, types=set(types), setting=setting)]
    assert [e.kind for e in events].count("done") == 1 and events[-1].kind == "done"
    return events, events[-1].result


def assert_safe(result: SuggestionResult, codesets) -> None:
    """No code is offered as acceptable unless the code sets validate it as billable."""
    for s in result.suggestions:
        if s.acceptable:
            v = codesets.validate(s.code, s.system)
            assert v.valid and v.billable, s


async def test_streams_tokens_and_grounded_suggestions_as_they_complete(ollama_server, codesets):
    ollama_server.script(text=REPLY, chunk_size=CHUNK)
    engine = OllamaEngine(settings(ollama_server.url), codesets=codesets)
    events, result = await collect(engine)
    kinds = [e.kind for e in events]
    assert result.error is None, result.error
    assert [s.code for s in result.suggestions] == ["E11.9", "I10", "Z87.442"]
    assert (result.engine, result.model, result.prompt_version) == ("ollama", "llama3.1:8b", PROMPT_VERSION)
    # The first suggestion is out long before the last token: a UI can show it at once.
    assert kinds.index("suggestion") < len(kinds) - 1 - kinds[::-1].index("token") - 10
    assert "".join(e.text for e in events if e.kind == "token") == REPLY == result.raw_output
    first = result.suggestions[0]
    assert first.valid and first.billable and first.acceptable
    assert first.evidence[0].located and NOTE[first.evidence[0].start:first.evidence[0].end].lower() == \
        "type 2 diabetes mellitus"
    assert first.confidence == 0.9 and result.suggestions[1].confidence == 0.7
    assert_safe(result, codesets)


async def test_request_carries_schema_options_and_prompt(ollama_server, codesets):
    ollama_server.script(text=REPLY)
    engine = OllamaEngine(settings(ollama_server.url, temperature=0.0), codesets=codesets)
    await collect(engine, types={System.ICD10CM, System.CPT}, setting="inpatient")
    body = ollama_server.last_chat.body
    assert body["model"] == "llama3.1:8b" and body["stream"] is True
    assert body["format"] == output_schema({System.ICD10CM, System.CPT})
    assert body["format"]["properties"]["procedures"]["items"]["properties"]["system"]["enum"] == ["cpt"]
    assert body["options"]["temperature"] == 0.0
    assert body["options"]["num_ctx"] >= 4096
    roles = [m["role"] for m in body["messages"]]
    prompt = ollama_server.last_chat.prompt_text
    assert roles == ["system", "user"]
    assert PROMPT_VERSION in prompt and NOTE.strip() in prompt
    assert "INPATIENT" in prompt and "coded as if they existed" in prompt
    assert "CPT" in prompt and "HCPCS Level II codes" not in prompt
    assert "Never code a condition the note negates" in prompt and "Z87" in prompt


@pytest.mark.parametrize(
    ("types", "keys", "phrase"),
    [({System.ICD10CM}, ["diagnoses"], "ICD-10-CM diagnosis codes"),
     ({System.CPT}, ["procedures"], "CPT procedure"),
     ({System.HCPCS}, ["procedures"], "HCPCS Level II codes"),
     (set(System), ["diagnoses", "procedures"], "HCPCS Level II codes")],
)
async def test_prompt_and_schema_follow_requested_types(ollama_server, codesets, types, keys, phrase):
    engine = OllamaEngine(settings(ollama_server.url), codesets=codesets)
    await collect(engine, types=types)
    body = ollama_server.last_chat.body
    assert list(body["format"]["properties"]) == keys
    assert phrase in ollama_server.last_chat.prompt_text


async def test_outpatient_prompt_forbids_coding_uncertain_diagnoses(ollama_server, codesets):
    engine = OllamaEngine(settings(ollama_server.url), codesets=codesets)
    await collect(engine, setting="outpatient")
    prompt = ollama_server.last_chat.prompt_text
    assert "OUTPATIENT" in prompt and "NOT coded as confirmed" in prompt and "r/o" in prompt


FAULTS = [
    # fault, script kwargs, words the error must contain, suggestions that must survive
    ("http500", {"fault": "http500"}, "HTTP 500", []),
    ("not_found", {"fault": "not_found"}, "not found", []),
    ("stall", {"fault": "stall", "after": CUT_AT // CHUNK, "stall": 10}, "sent nothing for 0.4 s",
     ["E11.9", "I10"]),
    ("disconnect", {"fault": "disconnect", "after": CUT_AT // CHUNK}, "broke mid-reply", ["E11.9", "I10"]),
    ("non_json", {"fault": "non_json", "after": CUT_AT // CHUNK}, "not Ollama's JSON stream", ["E11.9", "I10"]),
    ("error_line", {"fault": "error_line", "after": CUT_AT // CHUNK}, "out of memory", ["E11.9", "I10"]),
]


@pytest.mark.parametrize(("name", "kwargs", "words", "kept"), FAULTS, ids=[f[0] for f in FAULTS])
async def test_faults_end_in_a_clear_error_keeping_completed_suggestions(ollama_server, codesets, name, kwargs,
                                                                         words, kept):
    ollama_server.script(text=REPLY, chunk_size=CHUNK, **kwargs)
    engine = OllamaEngine(settings(ollama_server.url, ollama_stall_timeout=0.4), codesets=codesets)
    started = time.monotonic()
    _, result = await collect(engine)
    assert result.error and words in result.error, result.error
    assert [s.code for s in result.suggestions] == kept
    assert time.monotonic() - started < 5
    assert_safe(result, codesets)


async def test_connection_refused(ollama_down_url, codesets):
    engine = OllamaEngine(settings(ollama_down_url), codesets=codesets)
    started = time.monotonic()
    _, result = await collect(engine)
    assert result.error == f"Ollama unreachable at {ollama_down_url}"
    assert result.suggestions == [] and time.monotonic() - started < 2


async def test_model_missing_from_tags_is_reported_before_any_chat(ollama_server, codesets):
    engine = OllamaEngine(settings(ollama_server.url), codesets=codesets, model="medllama:70b")
    _, result = await collect(engine)
    assert "medllama:70b is not installed" in result.error and "llama3.1:8b" in result.error
    assert "ollama pull medllama:70b" in result.error
    assert ollama_server.calls("/api/chat") == []


async def test_runaway_five_megabyte_reply_is_cut_and_keeps_what_completed(ollama_server, codesets):
    runaway = json.dumps(ITEMS[:2])[:-1] + ', {"code": "I10", "reasoning": "' + "very " * 1_000_000
    assert len(runaway) > 5_000_000
    ollama_server.script(text=runaway, chunk_size=16_384)
    engine = OllamaEngine(settings(ollama_server.url), codesets=codesets)
    _, result = await collect(engine)
    assert result.error and f"{MAX_REPLY_CHARS:,}" in result.error
    assert [s.code for s in result.suggestions] == ["E11.9", "I10"]
    assert len(result.raw_output) < 300_000
    assert_safe(result, codesets)


MALFORMED = [
    "Here you go:\n```json\n" + json.dumps(ITEMS[:1]) + "\n```\nHope this helps!",
    json.dumps(ITEMS[:1]).replace('"', "'"),
    json.dumps(ITEMS[0]),
    json.dumps([{"code": "E119", "confidence": 0.95, "evidence": "type 2 diabetes mellitus"}]),
    json.dumps({"diagnoses": [{"code": "E11", "evidence": ["diabetes"]},           # header, not billable
                              {"code": "Q99.999", "evidence": ["x"]},              # does not exist
                              {"code": "S52.501", "evidence": ["x"]},              # needs a 7th character
                              {"code": "banana"}]}),
    "I cannot help with that.",
    "",
]


@pytest.mark.parametrize("reply", MALFORMED, ids=["fenced", "single-quotes", "one-object", "no-dots-numeric",
                                                  "invalid-codes", "prose-only", "empty"])
async def test_malformed_output_never_yields_an_acceptable_invalid_code(ollama_server, codesets, reply):
    ollama_server.script(text=reply, chunk_size=5)
    engine = OllamaEngine(settings(ollama_server.url), codesets=codesets)
    _, result = await collect(engine)
    assert result.error is None
    assert_safe(result, codesets)
    if "E11" in reply and "Q99" not in reply:
        assert [s.code for s in result.suggestions] == ["E11.9"]
    if "Q99" in reply:
        assert not any(s.acceptable for s in result.suggestions)


async def test_cancelling_the_consumer_closes_the_request(ollama_server, codesets):
    ollama_server.script(text=REPLY, chunk_size=4, delay=0.05)
    engine = OllamaEngine(settings(ollama_server.url), codesets=codesets)
    seen = asyncio.Event()

    async def consume():
        async for event in engine.stream(NOTE, types={System.ICD10CM}, setting="outpatient"):
            if event.kind == "token":
                seen.set()

    task = asyncio.create_task(consume())
    await asyncio.wait_for(seen.wait(), 5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    deadline = time.monotonic() + 3
    while ollama_server.aborted == 0 and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    assert ollama_server.aborted == 1   # the server saw the client hang up mid-stream


async def test_length_limit_and_thinking_models(ollama_server, codesets):
    ollama_server.script(text=REPLY, done_reason="length", thinking=["Let me think", " about codes."])
    engine = OllamaEngine(settings(ollama_server.url), codesets=codesets)
    events, result = await collect(engine)
    assert any("length limit" in w for w in result.warnings)
    assert "think" not in result.raw_output and len(result.suggestions) == 3


async def test_check_probes_without_blocking(ollama_server, ollama_down_url, codesets):
    assert await OllamaEngine(settings(ollama_server.url)).check() == \
        (True, f"Ollama at {ollama_server.url}, model llama3.1:8b")
    ok, message = await OllamaEngine(settings(ollama_server.url), model="llama3.1").check()
    assert not ok and "not installed" in message            # llama3.1 means llama3.1:latest
    ollama_server.tags_status = 500
    ok, message = await OllamaEngine(settings(ollama_server.url)).check()
    assert not ok and "HTTP 500" in message
    started = time.monotonic()
    assert await OllamaEngine(settings(ollama_down_url)).check() == (False, f"Ollama unreachable at {ollama_down_url}")
    assert time.monotonic() - started < 1.5


async def test_check_gives_up_at_the_connect_timeout():
    """A server that accepts but never answers cannot hold the probe past the connect timeout."""
    with OllamaServer() as server:
        server.tags_status = 200
        import socket

        with socket.socket() as silent:
            silent.bind(("127.0.0.1", 0))
            silent.listen(1)
            url = f"http://127.0.0.1:{silent.getsockname()[1]}"
            started = time.monotonic()
            ok, message = await OllamaEngine(settings(url, ollama_connect_timeout=0.3)).check()
            assert not ok and "unreachable" in message
            assert time.monotonic() - started < 1.0


async def test_settings_come_from_env(monkeypatch, ollama_server, tmp_path):
    monkeypatch.setenv("MEDCODER_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.delenv("MEDCODER_OLLAMA_HOST", raising=False)
    monkeypatch.setenv("OLLAMA_HOST", ollama_server.url)
    monkeypatch.setenv("MEDCODER_OLLAMA_STALL_TIMEOUT", "10")
    engine = OllamaEngine(Settings())
    assert engine.host == ollama_server.url and engine.settings.ollama_stall_timeout == 10
    assert (await engine.check())[0]


async def test_propose_sequence(ollama_server, codesets):
    ollama_server.script(text='Sure.\n```json\n{"primary_diagnosis": "e119", "secondary_diagnoses": ["I10", '
                              '"E11.9"], "procedure_sequence": [], "rationale": "DM is the reason",}\n```')
    engine = OllamaEngine(settings(ollama_server.url), codesets=codesets)
    proposal = await engine.propose_sequence(NOTE, ["I10", "E11.9"], "outpatient")
    assert proposal == {"primary_diagnosis": "E11.9", "secondary_diagnoses": ["I10"], "procedure_sequence": [],
                        "rationale": "DM is the reason"}
    body = ollama_server.last_chat.body
    assert body["stream"] is False and body["format"] == sequence_schema()
    assert "- I10 [ICD-10-CM]" in ollama_server.last_chat.prompt_text
    ollama_server.script(fault="http500")
    assert await engine.propose_sequence(NOTE, ["I10"], "outpatient") is None
    assert "HTTP 500" in engine.last_error
    ollama_server.script(text="no idea")
    assert await engine.propose_sequence(NOTE, ["I10"], "outpatient") is None


async def test_generate_endpoint_and_version(ollama_server):
    """The loopback server also answers /api/generate and /api/version like Ollama."""
    import ollama

    client = ollama.AsyncClient(host=ollama_server.url)
    ollama_server.script(chunks=["[", "]"])
    parts = [p.response async for p in await client.generate(model="llama3.1:8b", prompt="hi", stream=True)]
    assert "".join(parts) == "[]"
    ollama_server.script(text="whole")
    assert (await client.generate(model="llama3.1:8b", prompt="hi")).response == "whole"
    shown = await client.show("llama3.1:8b")
    assert shown.details.family == "llama"
    await client.close()
    assert ollama_server.calls("/api/generate")[0].prompt_text == "hi"
    import httpx

    async with httpx.AsyncClient(base_url=ollama_server.url) as raw:
        assert (await raw.get("/api/version")).json() == {"version": ollama_server.version}
        missing = await raw.post("/api/show", json={"model": "nope"})
        assert missing.status_code == 404 and "not found" in missing.json()["error"]


def test_context_size_fits_the_prompt():
    assert context_size([{"content": "x" * 100}]) == 4096
    assert context_size([{"content": "x" * 15_000}]) == 8192
    assert context_size([{"content": "x" * 10_000_000}]) == 32768


async def test_run_engine_over_many_notes_stays_fast(ollama_server, codesets):
    ollama_server.script(text=REPLY, chunk_size=CHUNK, default=True)
    engine = OllamaEngine(settings(ollama_server.url), codesets=codesets)
    results = await asyncio.gather(*(run_engine(engine, NOTE, types={System.ICD10CM}, setting="outpatient")
                                     for _ in range(4)))
    assert all(r.error is None and len(r.suggestions) == 3 for r in results)


def test_candidates_in_the_prompt_carry_context_and_headers():
    from dataclasses import dataclass

    from medcoder_tui.engines.llm.prompts import format_candidates

    @dataclass
    class Cand:
        code: str
        system: System
        description: str
        evidence_text: str
        context: frozenset = frozenset()
        billable: bool = True

    text = format_candidates([Cand("J18.9", System.ICD10CM, "Pneumonia, unspecified organism", "pneumonia",
                                   frozenset({"uncertain"})),
                              Cand("J10", System.ICD10CM, "Influenza due to other identified virus", "flu",
                                   billable=False),
                              Cand("99213", System.CPT, "Office visit", "")])
    assert text.splitlines() == [
        '- J18.9 [ICD-10-CM] Pneumonia, unspecified organism (note: "pneumonia") [uncertain]',
        '- J10 [ICD-10-CM] Influenza due to other identified virus (note: "flu") [category: pick a billable subcode]',
        "- 99213 [CPT] Office visit",
    ]


async def test_real_candidates_reach_the_prompt(ollama_server, codesets):
    engine = OllamaEngine(settings(ollama_server.url), codesets=codesets)
    await collect(engine)
    prompt = ollama_server.last_chat.prompt_text
    assert "Candidate codes retrieved" in prompt and "- E11.9 [ICD-10-CM]" in prompt


async def test_extra_context_reaches_the_prompt_and_its_failure_is_only_a_warning(ollama_server, codesets):
    engine = OllamaEngine(settings(ollama_server.url), codesets=codesets,
                          extra_context=lambda note, setting: f"Organization preference for {setting}: use I10.")
    await collect(engine)
    prompt = ollama_server.last_chat.prompt_text
    assert prompt.index("Organization preference for outpatient") < prompt.index("<note>")

    def broken(note, setting):
        raise KeyError("rules")

    engine = OllamaEngine(settings(ollama_server.url), codesets=codesets, extra_context=broken)
    ollama_server.script(text=REPLY)
    _, result = await collect(engine)
    assert result.error is None and len(result.suggestions) == 3
    assert any("extra prompt context failed" in w for w in result.warnings)


@pytest.mark.parametrize("host", ["http://[bad", "localhost:abc", "http://256.1.1.1:11434", "http://x:99999"])
async def test_a_bad_host_is_a_clear_error_not_a_crash(host, codesets):
    engine = OllamaEngine(settings(host), codesets=codesets)
    ok, message = await engine.check()
    assert not ok and "is not a valid URL" in message and "MEDCODER_OLLAMA_HOST" in message
    engine._model_ok = True   # go straight to the chat request, past the probe
    _, result = await collect(engine)
    assert "is not a valid URL" in result.error
    assert await engine.propose_sequence(NOTE, ["I10"], "outpatient") is None


async def test_documented_procedures_and_drugs_lead_the_prompt_candidates(ollama_server, codesets):
    note = ("Established patient, COPD flare. Wheezing. Given methylprednisolone acetate 40 mg IM "
            "in the left deltoid today. Albuterol nebulizer treatment given in clinic.\nTotal time 32 minutes.")
    ollama_server.script(text='{"codes": []}')
    engine = OllamaEngine(settings(ollama_server.url), codesets=codesets)
    await collect(engine, note=note, types=frozenset(System))
    prompt = ollama_server.last_chat.prompt_text
    assert "- J1030 [HCPCS]" in prompt and "- 96372 [CPT]" in prompt
    await collect(engine, note=note, types=frozenset({System.ICD10CM}))
    assert "[HCPCS]" not in ollama_server.last_chat.prompt_text
