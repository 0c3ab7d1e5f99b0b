"""The tolerant parser against the shapes real models produce, whole and streamed."""

from __future__ import annotations

import json

import pytest

from medcoder_tui.codes.systems import System
from medcoder_tui.engines.llm.parsing import (
    StreamParser,
    clean_code,
    coerce_item,
    parse_confidence,
    parse_suggestions,
)

ITEMS = [
    {"code": "E11.9", "system": "icd10cm", "description": "Type 2 diabetes", "confidence": "high",
     "reasoning": "stated", "evidence": ["type 2 diabetes"]},
    {"code": "I10", "system": "icd10cm", "description": "Hypertension", "confidence": "medium",
     "reasoning": "stated", "evidence": ["hypertension"]},
    {"code": "99213", "system": "cpt", "description": "Office visit", "confidence": "low",
     "reasoning": "visit", "evidence": ["follow-up visit"]},
]


def codes(raws):
    return [r.code for r in raws]


def stream(text: str, size: int = 7, complete: bool = True):
    """Feed ``text`` in small chunks; return (emitted while streaming, emitted at close)."""
    parser = StreamParser()
    during = []
    for i in range(0, len(text), size):
        during.extend(parser.feed(text[i:i + size]))
    return during, parser.close(complete=complete)


@pytest.mark.parametrize(
    "text",
    [
        json.dumps(ITEMS),
        "Here are the codes:\n```json\n" + json.dumps(ITEMS, indent=2) + "\n```\nLet me know if you need more.",
        "Sure! " + json.dumps(ITEMS) + "\n\nThese codes reflect the documentation.",
        json.dumps(ITEMS).replace("}", ",}").replace("]}", "],}"),            # trailing commas
        json.dumps(ITEMS).replace('"', "'"),                                    # single quotes
        json.dumps({"diagnoses": ITEMS[:2], "procedures": ITEMS[2:]}),           # the seed's shape
        json.dumps({"suggestions": ITEMS}),
        "```\n" + json.dumps({"codes": ITEMS}) + "\n```",
    ],
    ids=["plain", "fenced-prose", "trailing-prose", "trailing-commas", "single-quotes", "seed-shape",
         "wrapped", "fenced-wrapped"],
)
def test_whole_reply_shapes(text):
    raws = parse_suggestions(text)
    assert codes(raws) == ["E11.9", "I10", "99213"]
    assert [r.confidence for r in raws] == [0.9, 0.7, 0.5]
    assert raws[0].evidence == ["type 2 diabetes"]
    assert raws[2].system is System.CPT


@pytest.mark.parametrize("size", [1, 3, 16, 1000])
def test_streamed_reply_equals_whole_reply(size):
    text = "Codes:\n```json\n" + json.dumps({"diagnoses": ITEMS[:2], "procedures": ITEMS[2:]}, indent=1) + "\n```"
    during, after = stream(text, size)
    assert codes(during + after) == ["E11.9", "I10", "99213"]


def test_items_come_out_as_soon_as_their_object_closes():
    text = json.dumps({"diagnoses": ITEMS}, indent=2)
    parser = StreamParser()
    first_close = text.index("},") + 1
    assert parser.feed(text[:first_close - 1]) == []
    assert codes(parser.feed(text[first_close - 1:first_close])) == ["E11.9"]    # the closing brace
    second_close = text.index("},", first_close) + 1
    assert codes(parser.feed(text[first_close:second_close])) == ["I10"]
    third_close = text.rindex("}", 0, text.rindex("]")) + 1
    assert codes(parser.feed(text[second_close:third_close])) == ["99213"]
    assert parser.feed(text[third_close:]) == []
    assert parser.close() == []


def test_a_brace_that_closes_a_nested_object_or_sits_in_a_string_emits_nothing():
    parser = StreamParser()
    assert parser.feed('[{"code": "E11.9", "evidence": [{"text": "DM2"}') == []
    assert parser.feed('], "reasoning": "a {braced}') == []
    assert codes(parser.feed('"}')) == ["E11.9"]
    assert parser.close() == []


def test_single_object_instead_of_array():
    raws = parse_suggestions('{"code": "J06.9", "description": "URI", "confidence": 0.8}')
    assert codes(raws) == ["J06.9"] and raws[0].confidence == 0.8


def test_cut_mid_object_keeps_only_completed_items():
    text = json.dumps(ITEMS)
    cut = text[: text.index('"reasoning"', text.index("99213"))]
    during, after = stream(cut, 5, complete=False)
    assert codes(during + after) == ["E11.9", "I10"]


def test_cut_right_after_an_item_keeps_it():
    text = json.dumps(ITEMS)
    cut = text[: text.index("}, {", text.index("I10")) + 1]
    during, after = stream(cut, 5, complete=False)
    assert codes(during + after) == ["E11.9", "I10"]


def test_cut_in_single_quoted_reply_keeps_completed_items():
    text = json.dumps(ITEMS).replace('"', "'")
    cut = text[: text.index("'reasoning'", text.index("99213"))]
    during, after = stream(cut, 11, complete=False)
    assert codes(during + after) == ["E11.9", "I10"]


def test_no_json_at_all_warns_and_returns_nothing():
    parser = StreamParser()
    assert parser.feed("I am sorry, I cannot code this note [citation needed].") == []
    assert parser.close() == []
    assert parser.warnings and "no JSON" in parser.warnings[0]


def test_empty_array():
    assert parse_suggestions("[]") == []
    assert parse_suggestions('{"diagnoses": [], "procedures": []}') == []


def test_items_without_code_are_skipped_and_bare_strings_accepted():
    raws = parse_suggestions('[{"description": "no code"}, "E119", {"code": ""}, {"code": "I10"}]')
    assert codes(raws) == ["E119", "I10"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("high", 0.9), ("Medium", 0.7), ("LOW", 0.5), ("moderate", 0.7), (0.83, 0.83), ("0.6", 0.6),
     (85, 0.85), ("85%", 0.85), (None, 0.7), ("", 0.7), ("banana", 0.5), (-3, 0.5), (True, 0.5),
     ("high confidence", 0.9), (1, 1.0), (1000, 1.0)],
)
def test_confidence(value, expected):
    assert parse_confidence(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("e119", "e119"), (" E11.9 ", "E11.9"), ("ICD-10-CM: E11.9 (type 2 DM)", "E11.9"),
     ("CPT 99213", "99213"), (99213, "99213"), ("`J1100`", "J1100"), (None, ""), ("   ", "")],
)
def test_clean_code(value, expected):
    assert clean_code(value) == expected


def test_coerce_item_aliases_and_hint():
    raw = coerce_item({"ICD-10 code": "E11.9", "code_type": "ICD-10", "rationale": "x", "quote": "DM2",
                       "certainty": "85%"})
    assert (raw.code, raw.system, raw.reasoning, raw.evidence, raw.confidence) == \
        ("E11.9", System.ICD10CM, "x", ["DM2"], 0.85)
    hinted = coerce_item({"code": "J1100"}, System.HCPCS)
    assert hinted.system is System.HCPCS
    assert coerce_item({"code": "A0428", "system": "HCPCS Level II"}).system is System.HCPCS
    assert coerce_item({"code": "E11.9", "evidence": [{"text": "DM2"}, "sugar"]}).evidence == ["DM2", "sugar"]
    assert coerce_item(42) is None


def test_seed_keys_hint_systems():
    raws = parse_suggestions(json.dumps({"diagnoses": [{"code": "E11.9"}], "cpt": [{"code": "99213"}]}))
    assert [(r.code, r.system) for r in raws] == [("E11.9", System.ICD10CM), ("99213", System.CPT)]


def test_long_reply_parses_in_linear_time():
    """A 5 MB reply of many items, fed token by token, stays cheap and loses nothing."""
    import time

    item = json.dumps(ITEMS[0])
    text = "[" + ", ".join([item] * 33_000) + "]"
    assert len(text) > 5_000_000
    parser = StreamParser()
    t0 = time.perf_counter()
    got = []
    for i in range(0, len(text), 200):
        got.extend(parser.feed(text[i:i + 200]))
    got.extend(parser.close())
    elapsed = time.perf_counter() - t0
    assert len(got) == 33_000
    assert elapsed < 10, elapsed


@pytest.mark.parametrize("junk", ["[" * 100_000, '[{"code": ' + "[" * 50_000, '{"a":' * 20_000,
                                  "[{'code': 'E11.9'}, " + "{" * 3_000],
                         ids=["brackets", "in-item", "objects", "after-item"])
def test_deeply_nested_junk_is_unreadable_not_a_crash(junk):
    from medcoder_tui.engines.llm.parsing import loads_tolerant

    parser = StreamParser()
    got = []
    for i in range(0, len(junk), 64):
        got.extend(parser.feed(junk[i:i + 64]))
    got.extend(parser.close(complete=False))
    assert all(r.code == "E11.9" for r in got)
    assert loads_tolerant(junk) is None or isinstance(loads_tolerant(junk), (list, dict))


@pytest.mark.parametrize("tail", ["{'co", "{", "{{{{" * 1000, "{'code': 'I10', 'evidence': [{'text': 'HTN'}"])
def test_repaired_reply_keeps_an_item_when_the_next_one_is_cut_early(tail):
    during, after = stream("Codes: [{'code': 'E11.9', 'confidence': 'high'}, " + tail, 5, complete=False)
    assert codes(during + after) == ["E11.9"]


@pytest.mark.parametrize("label, system", [
    ("ICD-10-CM", System.ICD10CM), ("CPT-4", System.CPT), ("HCPCS Level II", System.HCPCS),
    ("diagnosis code", System.ICD10CM), ("Supplies", System.HCPCS), ("LOINC", None), ("", None), (7, None),
])
def test_system_labels_as_models_write_them(label, system):
    from medcoder_tui.engines.llm.parsing import parse_system

    assert parse_system(label) is system
