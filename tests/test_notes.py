"""Reading notes, and the setting a note's title states."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from medcoder_tui.notes import NoteError, guess_setting, load_note

SAMPLES = Path(__file__).resolve().parents[1] / "sample_notes"


@pytest.mark.parametrize("note", sorted(SAMPLES.glob("*.txt")), ids=lambda p: p.stem)
def test_setting_from_the_title_matches_the_gold_sidecar(note):
    gold = json.loads(note.with_suffix(".gold.json").read_text())["setting"]
    assert (guess_setting(note.read_text()) or "outpatient") == gold


def test_setting_cues_outside_the_title_are_ignored():
    office = "FAMILY MEDICINE VISIT\nCC: cough\n\n\n\nPlan: return to the emergency department if worse."
    assert guess_setting(office) is None
    assert guess_setting("Discharge Summary\nAdmitted for CHF") == "inpatient"


@pytest.mark.parametrize("content, message", [
    (b"", "is empty"),
    (b"\x00\x01binary", "looks binary"),
    (b"caf\xe9 au lait", "is not UTF-8"),
])
def test_unusable_notes_get_a_clear_error(tmp_path, content, message):
    path = tmp_path / "note.txt"
    path.write_bytes(content)
    with pytest.raises(NoteError, match=message):
        load_note(path)
