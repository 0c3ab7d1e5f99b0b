"""Reading notes, and the setting a note's title states."""

from __future__ import annotations

import concurrent.futures
import json
import os
from pathlib import Path

import pytest

from medcoder_tui.notes import NoteError, discover_notes, gold_sidecar, guess_setting, load_note

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


def test_a_device_is_refused_without_reading_it():
    # /dev/zero used to be read until memory ran out
    with pytest.raises(NoteError, match="is a device, not a note file"):
        load_note("/dev/zero")


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "note.txt"
    os.mkfifo(fifo)
    # a FIFO with no writer used to block forever; run it in a thread so a hang fails the test
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        future = pool.submit(load_note, fifo)
        with pytest.raises(NoteError, match="FIFO"):
            future.result(timeout=5)
    with pytest.raises(NoteError, match="FIFO"):
        discover_notes(fifo)


def test_a_note_that_grows_past_the_cap_after_stat_is_still_refused(tmp_path):
    path = tmp_path / "note.txt"
    path.write_text("x" * 200)
    with pytest.raises(NoteError, match="not coded"):
        load_note(path, max_bytes=100)


def test_a_name_too_long_for_a_sidecar_has_no_sidecar(tmp_path):
    note = tmp_path / ("n" * 250 + ".txt")
    note.write_text("Hypertension.")
    # NAME.gold.json is 255 + 5 characters: past NAME_MAX, so is_file() raised OSError
    assert gold_sidecar(note) is None
    (tmp_path / "short.txt").write_text("x")
    (tmp_path / "short.gold.json").write_text("{}")
    assert gold_sidecar(tmp_path / "short.txt") == tmp_path / "short.gold.json"
