"""Preferences in every engine, in the Ollama prompt, the CLI and the evaluation -- and off when switched off."""

from __future__ import annotations

import json

import pytest
from preferences_support import EVAL_GOLD, EVAL_NOTES, REVIEWED_NOTES, review, write_notes

from medcoder_tui.cli import main
from medcoder_tui.codes.systems import System
from medcoder_tui.config import Settings, load_settings
from medcoder_tui.engines.models import Flag
from medcoder_tui.engines.offline import OfflineEngine
from medcoder_tui.engines.llm.ollama_engine import OllamaEngine
from medcoder_tui.engines.select import make_engine
from medcoder_tui.preferences import PreferenceEngine, maybe_wrap
from medcoder_tui.store import Store

ICD = {System.ICD10CM}


@pytest.fixture
def offline(codesets):
    return OfflineEngine(codesets)


@pytest.fixture
def org_store(tmp_path, offline):
    """Coders reviewed the offline engine on five notes: R10.9 -> R10.31, R51.9 rejected, I10 kept."""
    store = Store(tmp_path / "org.json")
    for note in write_notes(tmp_path / "reviewed", REVIEWED_NOTES):
        result = offline.suggest_sync(note.read_text(), ICD, "outpatient")
        assert {"R10.9", "R51.9", "I10"} <= {s.code for s in result.suggestions}, result.suggestions
        review(store, note, result, replace={"R10.9": "R10.31"}, reject={"R51.9"})
    return store


async def run_stream(engine, note):
    events = [e async for e in engine.stream(note, types=set(ICD), setting="outpatient")]
    assert events[-1].kind == "done"
    return [e.suggestion for e in events if e.kind == "suggestion"], events[-1].result


async def test_offline_engine_suggestions_follow_the_learned_preferences(org_store, offline, codesets):
    note = EVAL_NOTES["later_a"]
    engine = maybe_wrap(offline, Settings(), org_store, codesets=codesets)
    assert isinstance(engine, PreferenceEngine) and engine.name == "offline"
    streamed, result = await run_stream(engine, note)
    assert sorted(s.code for s in result.suggestions) == ["I10", "R10.31"]
    assert sorted(s.code for s in streamed) == ["I10", "R10.31"]
    r1031 = next(s for s in result.suggestions if s.code == "R10.31")
    assert Flag.PREFERENCE in r1031.flags and r1031.acceptable
    assert "your team chose R10.31 over R10.9 in 5/5 cases (offline, outpatient)" in r1031.messages
    assert r1031.alternatives[0].code == "R10.9"
    assert r1031.evidence and note[r1031.evidence[0].start:r1031.evidence[0].end].lower() == "abdominal pain"
    assert any(w.startswith("R51.9 not suggested: your team rejected R51.9 in 5/5") for w in result.warnings)
    assert result.prompt_version.endswith("+prefs")


async def test_switched_off_preferences_change_nothing(org_store, offline, codesets, monkeypatch):
    note = EVAL_NOTES["later_a"]
    plain = (await run_stream(offline, note))[1]
    off = maybe_wrap(offline, Settings(preferences=False), org_store, codesets=codesets)
    assert off is offline
    assert maybe_wrap(offline, Settings(), org_store, enabled=False) is offline   # --no-preferences
    monkeypatch.setenv("MEDCODER_PREFERENCES", "false")
    assert load_settings().preferences is False
    again = (await run_stream(off, note))[1]
    assert [s.code for s in again.suggestions] == [s.code for s in plain.suggestions]
    assert sorted(s.code for s in plain.suggestions) == ["I10", "R10.9", "R51.9"]
    # an empty store and no rules: the wrapper passes the engine's events through untouched
    empty = maybe_wrap(offline, Settings(), Store(org_store.path.parent / "empty.json"), codesets=codesets)
    assert (await run_stream(empty, note))[1] == plain


REPLY = json.dumps({"diagnoses": [
    {"evidence": ["Abdominal pain"], "code": "R10.9", "system": "icd10cm", "description": "abdominal pain",
     "confidence": "high", "reasoning": "stated"},
    {"evidence": ["headache"], "code": "R51.9", "system": "icd10cm", "description": "headache",
     "confidence": "medium", "reasoning": "stated"},
]})


async def test_ollama_prompt_carries_preferences_and_similar_cases(org_store, ollama_server, codesets):
    settings = Settings(ollama_host=ollama_server.url, ollama_connect_timeout=1.0, ollama_stall_timeout=5.0)
    note = EVAL_NOTES["later_b"]
    ollama_server.script(text=REPLY, default=True)
    engine = maybe_wrap(make_engine(settings, "auto", codesets=codesets), settings, org_store, codesets=codesets)
    _, result = await run_stream(engine, note)
    prompt = ollama_server.last_chat.prompt_text
    assert "Coding preferences of this organization" in prompt
    assert "code R10.31 rather than R10.9" in prompt and "avoid R51.9" in prompt
    assert '<example n="1"' in prompt and "R10.31 (ICD-10-CM) Right lower quadrant pain" in prompt
    assert prompt.index("<example") < prompt.index("<note>")
    assert result.engine == "ollama" and [s.code for s in result.suggestions] == ["R10.31"]

    plain = OllamaEngine(settings, codesets=codesets)
    off = maybe_wrap(plain, settings.model_copy(update={"preferences": False}), org_store)
    _, result = await run_stream(off, note)
    prompt = ollama_server.last_chat.prompt_text
    assert "Coding preferences" not in prompt and "<example" not in prompt
    assert [s.code for s in result.suggestions] == ["R10.9", "R51.9"]


def test_preferences_command_lists_counts_and_rules(org_store, tmp_path, capsys):
    rules = tmp_path / "rules.toml"
    rules.write_text('[[rule]]\nnever = "R51.9"\nsetting = "ed"\nreason = "integral"\n')
    assert main(["preferences", "--store", str(org_store.requested_path), "--rules", str(rules)]) == 0
    out = capsys.readouterr().out
    assert "Learned from 5 reviewed cases" in out
    line = next(ln for ln in out.splitlines() if ln.startswith("R10.9 "))
    assert "R10.31 (5/5)" in line and "suggest R10.31 instead" in line
    assert "never code R51.9 in ed" in out and "offline:" in out
    assert main(["preferences", "--json", "--store", str(org_store.requested_path)]) == 0
    data = json.loads(capsys.readouterr().out)
    pooled = next(c for c in data["codes"] if c["code"] == "R51.9" and c["engine"] == "*" and c["setting"] == "*")
    assert (pooled["rejected"], pooled["decided"], pooled["effect"]) == (5, 5, "hidden")


def test_bad_rules_file_is_a_clear_error_in_every_command(org_store, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("MEDCODER_CONFIG_DIR", str(tmp_path / "cfg"))
    (tmp_path / "cfg").mkdir()
    (tmp_path / "cfg" / "preferences.toml").write_text('[[rule]]\nprefer = "R10.31"\nover = "R10.99"\n')
    note = write_notes(tmp_path / "n", ["Abdominal pain."])[0]
    for argv in (["preferences"], ["suggest", str(note), "--engine", "offline"]):
        assert main([*argv, "--store", str(org_store.requested_path)]) == 2
        err = capsys.readouterr().err
        assert "preferences.toml:3: R10.99 is not a code" in err and "Traceback" not in err
    assert main(["suggest", str(note), "--engine", "offline", "--no-preferences", "--json"]) == 0


def test_eval_of_other_notes_improves_with_the_learned_preferences(org_store, tmp_path, capsys):
    folder = tmp_path / "later"
    for path in write_notes(folder, EVAL_NOTES):
        path.with_suffix(".gold.json").write_text(json.dumps({"setting": "outpatient", "icd10cm": EVAL_GOLD}))
    base = ["eval", str(folder), "--store", str(org_store.requested_path), "--engine", "offline",
            "--types", "icd10cm", "--json"]
    assert main([*base, "--no-preferences"]) == 0
    without = json.loads(capsys.readouterr().out)
    assert main(base) == 0
    with_prefs = json.loads(capsys.readouterr().out)
    assert (without["preferences"], with_prefs["preferences"]) == (False, True)
    assert without["micro"]["f1"] == pytest.approx(0.4)          # R10.9 and R51.9 wrong, R10.31 missed
    assert with_prefs["micro"]["f1"] == pytest.approx(1.0)
    assert main(["eval", "--store", str(org_store.requested_path), "--compare", without["id"], with_prefs["id"]]) == 0
    assert capsys.readouterr().out.strip()


async def test_the_composed_engine_applies_preferences(org_store, codesets):
    # The engines never import preferences: whoever composes the engine wraps it.
    engine = maybe_wrap(make_engine(Settings(), "offline", codesets=codesets), Settings(), org_store,
                        codesets=codesets)
    assert isinstance(engine, PreferenceEngine)
    _, result = await run_stream(engine, EVAL_NOTES["later_c"])
    assert sorted(s.code for s in result.suggestions) == ["I10", "R10.31"]
    plain = make_engine(Settings(preferences=False), "offline")
    assert isinstance(maybe_wrap(plain, Settings(preferences=False), org_store), OfflineEngine)
    assert isinstance(make_engine(Settings(), "offline"), OfflineEngine)


async def test_a_damaged_store_does_not_stop_coding(org_store, offline, codesets, capsys):
    victim = sorted((org_store.path / "cases").glob("*/*.json"))[0]
    victim.write_text("{ not json")
    engine = maybe_wrap(offline, Settings(), Store(org_store.requested_path, read_only=True), codesets=codesets)
    _, result = await run_stream(engine, EVAL_NOTES["later_a"])
    # coding goes on with what the healthy cases teach (R10.31 over R10.9, R51.9 rejected)
    assert sorted(s.code for s in result.suggestions) == ["I10", "R10.31"]
    # the damaged case is named and skipped; the other cases are still learned from
    assert any(w.startswith("skipped a damaged case file") and str(victim.name) in w for w in result.warnings), \
        result.warnings
    assert main(["preferences", "--store", str(org_store.requested_path)]) == 0
    assert "warning: skipped a damaged case file" in capsys.readouterr().out
