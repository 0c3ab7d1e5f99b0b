"""``medcoder suggest`` and engine choice, run in-process against the loopback Ollama server."""

from __future__ import annotations

import json

import pytest

from medcoder_tui.cli import main
from medcoder_tui.codes.service import get_codesets
from medcoder_tui.codes.systems import System
from medcoder_tui.config import Settings
from medcoder_tui.engines.base import run_engine
from medcoder_tui.engines.llm.ollama_engine import OllamaEngine
from medcoder_tui.engines.select import AutoEngine, make_engine, resolve_engine


NOTE = "Patient seen for type 2 diabetes mellitus. Blood pressure fine, no hypertension.\n"
REPLY = json.dumps({"diagnoses": [
    {"evidence": ["type 2 diabetes mellitus"], "code": "E119", "system": "icd10cm", "description": "DM2",
     "confidence": "high", "reasoning": "stated"},
    {"evidence": ["hypertension"], "code": "I10", "system": "icd10cm", "description": "HTN",
     "confidence": "low", "reasoning": "mentioned"},
    {"evidence": ["diabetes"], "code": "E11", "system": "icd10cm", "description": "DM header",
     "confidence": "medium", "reasoning": "category"},
]})


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch, tmp_path):
    monkeypatch.setenv("MEDCODER_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("MEDCODER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("MEDCODER_OLLAMA_CONNECT_TIMEOUT", "1")
    monkeypatch.setenv("MEDCODER_OLLAMA_STALL_TIMEOUT", "2")
    for name in ("OLLAMA_HOST", "MEDCODER_OLLAMA_HOST", "MEDCODER_ENGINE", "MEDCODER_OLLAMA_MODEL"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def note(tmp_path):
    path = tmp_path / "visit.txt"
    path.write_text(NOTE, encoding="utf-8")
    return path


def run_json(capsys, *argv) -> tuple[int, dict, str]:
    status = main(["suggest", *argv, "--json"])
    out, err = capsys.readouterr()
    return status, json.loads(out), err


def test_json_output_shape(capsys, monkeypatch, ollama_server, note):
    monkeypatch.setenv("MEDCODER_OLLAMA_HOST", ollama_server.url)
    ollama_server.script(text=REPLY, chunk_size=11)
    status, data, err = run_json(capsys, str(note), "--engine", "ollama", "--types", "icd10cm")
    assert status == 0 and err == ""
    assert set(data) == {"engine", "model", "prompt_version", "suggestions", "warnings", "error", "setting",
                         "setting_source"}
    assert (data["engine"], data["model"], data["error"]) == ("ollama", "llama3.1:8b", None)
    first = data["suggestions"][0]
    assert set(first) >= {"code", "system", "description", "confidence", "reasoning", "evidence", "valid",
                          "billable", "flags"}
    assert (first["code"], first["system"], first["confidence"], first["valid"], first["billable"]) == \
        ("E11.9", "icd10cm", 0.9, True, True)
    ev = first["evidence"][0]
    assert NOTE[ev["start"]:ev["end"]] == "type 2 diabetes mellitus"
    header = next(s for s in data["suggestions"] if s["code"] == "E11")
    assert header["billable"] is False and header["acceptable"] is False and "not_billable" in header["flags"]
    codesets = get_codesets()
    for s in data["suggestions"]:
        if s["acceptable"]:
            assert codesets.validate(s["code"], System(s["system"])).billable


def test_table_streams_tokens_to_stderr(capsys, monkeypatch, ollama_server, note):
    monkeypatch.setenv("MEDCODER_OLLAMA_HOST", ollama_server.url)
    ollama_server.script(text=REPLY, chunk_size=11)
    status = main(["suggest", str(note), "--engine", "ollama", "--setting", "inpatient", "--types", "icd10cm"])
    out, err = capsys.readouterr()
    assert status == 0
    assert REPLY in err and "engine: ollama (llama3.1:8b)" in err
    lines = out.splitlines()
    assert lines[0].startswith("CODE") and any(line.startswith("E11.9") for line in lines)
    assert any(line.startswith("E11 ") and "BLOCKED" in line for line in lines)
    assert "INPATIENT" in ollama_server.last_chat.prompt_text


def test_types_and_model_reach_the_request(capsys, monkeypatch, ollama_server, note):
    monkeypatch.setenv("MEDCODER_OLLAMA_HOST", ollama_server.url)
    ollama_server.models.append("medllama:7b")
    status, data, _ = run_json(capsys, str(note), "--engine", "ollama", "--types", "cpt,hcpcs",
                               "--model", "medllama:7b")
    assert status == 0 and data["model"] == "medllama:7b"
    body = ollama_server.last_chat.body
    assert body["model"] == "medllama:7b" and list(body["format"]["properties"]) == ["procedures"]
    assert body["format"]["properties"]["procedures"]["items"]["properties"]["system"]["enum"] == ["cpt", "hcpcs"]


def test_auto_falls_back_to_offline_and_says_why(capsys, monkeypatch, ollama_down_url, note):
    monkeypatch.setenv("MEDCODER_OLLAMA_HOST", ollama_down_url)
    status, data, _ = run_json(capsys, str(note))
    assert status == 0 and data["engine"] == "offline"
    assert f"Ollama unreachable at {ollama_down_url}; using the offline engine" in data["warnings"]


def test_auto_uses_ollama_when_reachable(capsys, monkeypatch, ollama_server, note):
    monkeypatch.setenv("MEDCODER_OLLAMA_HOST", ollama_server.url)
    ollama_server.script(text=REPLY)
    status, data, _ = run_json(capsys, str(note), "--types", "icd10cm")
    assert status == 0 and data["engine"] == "ollama"
    assert not any("offline engine" in w for w in data["warnings"])


def test_explicit_ollama_unreachable_is_an_error(capsys, monkeypatch, ollama_down_url, note):
    monkeypatch.setenv("MEDCODER_OLLAMA_HOST", ollama_down_url)
    status, data, _ = run_json(capsys, str(note), "--engine", "ollama")
    assert status == 1 and data["error"] == f"Ollama unreachable at {ollama_down_url}"


def test_broken_stream_prints_what_completed_and_fails(capsys, monkeypatch, ollama_server, note):
    monkeypatch.setenv("MEDCODER_OLLAMA_HOST", ollama_server.url)
    cut = REPLY.index('"reasoning"', REPLY.index("I10")) // 10
    ollama_server.script(text=REPLY, chunk_size=10, fault="disconnect", after=cut)
    status = main(["suggest", str(note), "--engine", "ollama", "--types", "icd10cm"])
    out, err = capsys.readouterr()
    assert status == 1
    assert "E11.9" in out and "I10" not in out
    assert "error: the connection to Ollama" in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("content", "argv", "message"),
    [(None, [], "note not found"),
     (b"", [], "is empty"),
     (b"\x00\x01binary", [], "looks binary"),
     (b"\xff\xfe bad", [], "not UTF-8"),
     (NOTE.encode(), ["--types", "snomed"], "unknown code system"),
     (NOTE.encode(), ["--types", ","], "names no code system")],
)
def test_bad_input_is_one_clear_line(capsys, tmp_path, content, argv, message):
    path = tmp_path / "n.txt"
    if content is not None:
        path.write_bytes(content)
    status = main(["suggest", str(path), *argv])
    _, err = capsys.readouterr()
    assert status == 2 and message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_bad_settings_are_reported(capsys, monkeypatch, note):
    monkeypatch.setenv("MEDCODER_OLLAMA_STALL_TIMEOUT", "soon")
    status = main(["suggest", str(note)])
    _, err = capsys.readouterr()
    assert status == 2 and err.strip() == ("medcoder: error: MEDCODER_OLLAMA_STALL_TIMEOUT: bad value 'soon': "
                                         "Input should be a valid number, unable to parse string as a number")


def test_bad_choice_exits_with_usage(capsys, note):
    with pytest.raises(SystemExit) as exc:
        main(["suggest", str(note), "--setting", "home"])
    assert exc.value.code == 2 and "invalid choice" in capsys.readouterr().err


# -- engine choice, as the TUI and eval use it ------------------------------------------------

async def test_make_and_resolve_engine(ollama_server, ollama_down_url):
    up = Settings(ollama_host=ollama_server.url, ollama_connect_timeout=1)
    down = Settings(ollama_host=ollama_down_url, ollama_connect_timeout=1)
    assert isinstance(make_engine(up, "ollama"), OllamaEngine)
    assert make_engine(up, "offline").name == "offline"
    assert isinstance(make_engine(up), AutoEngine)
    with pytest.raises(ValueError, match="unknown engine"):
        make_engine(up, "gpt")
    engine, warnings = await resolve_engine(up, "auto")
    assert isinstance(engine, OllamaEngine) and warnings == []
    engine, warnings = await resolve_engine(down, "auto")
    assert engine.name == "offline"
    assert warnings == [f"Ollama unreachable at {ollama_down_url}; using the offline engine"]
    engine, warnings = await resolve_engine(up, "auto", model="absent:1b")
    assert engine.name == "offline" and "absent:1b is not installed" in warnings[0]


async def test_auto_engine_streams_and_sequences_with_the_chosen_engine(ollama_server, ollama_down_url):
    ollama_server.script(text=REPLY)
    auto = AutoEngine(Settings(ollama_host=ollama_server.url, ollama_connect_timeout=1))
    result = await run_engine(auto, NOTE, types={System.ICD10CM}, setting="outpatient")
    assert result.engine == "ollama" and auto.name == "ollama" and auto.model == "llama3.1:8b"
    ollama_server.script(text='{"primary_diagnosis": "E11.9", "secondary_diagnoses": [], '
                              '"procedure_sequence": [], "rationale": ""}')
    assert (await auto.propose_sequence(NOTE, ["E11.9"], "outpatient"))["primary_diagnosis"] == "E11.9"
    offline = AutoEngine(Settings(ollama_host=ollama_down_url, ollama_connect_timeout=1))
    result = await run_engine(offline, NOTE, types={System.ICD10CM}, setting="outpatient")
    assert result.engine == "offline" and result.warnings[0].startswith("Ollama unreachable")
    assert await offline.propose_sequence(NOTE, ["E11.9"], "outpatient") is None
    assert (await offline.check())[0] is False


def test_offline_colonoscopy_with_negated_findings_is_not_flagged_negated(capsys):
    """A polypectomy beside "no masses" was done: the CPT code carries no negation flag."""
    from pathlib import Path

    note = Path(__file__).resolve().parent.parent / "sample_notes" / "05_procedure_colonoscopy.txt"
    assert main(["suggest", str(note), "--engine", "offline", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    cpt = [s for s in out["suggestions"] if s["system"] == "cpt"]
    assert [s["code"] for s in cpt] == ["45385"]
    assert "negated" not in cpt[0]["flags"]
