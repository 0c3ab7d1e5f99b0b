"""Hostile input through the CLI: odd file names, control characters, bad settings, empty codes."""

from __future__ import annotations

import os
import pty
import shutil
import subprocess
import sys
from pathlib import Path

from medcoder_tui.cli import main
from medcoder_tui.textsafe import printable

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_notes"


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_printable_escapes_controls_and_bidi_but_keeps_letters():
    assert printable("a\x1b[31mb") == "a\\x1b[31mb"
    assert printable("txt\u202eexe") == "txt\\u202eexe"
    assert printable("line\nnext\ttab") == "line\\nnext\\ttab"
    assert printable("line\nnext\ttab", keep_lines=True) == "line\nnext\ttab"
    assert printable("café [draft] ü") == "café [draft] ü"


def test_eval_on_a_folder_with_a_250_character_note_name(tmp_path, capsys):
    notes = tmp_path / "notes"
    notes.mkdir()
    shutil.copy(SAMPLES / "01_office_htn_dm.txt", notes)
    shutil.copy(SAMPLES / "01_office_htn_dm.gold.json", notes)
    (notes / ("p" * 246 + ".txt")).write_text((SAMPLES / "02_ed_chest_pain.txt").read_text())
    status, out, err = run_cli(capsys, "eval", str(notes), "--engine", "offline", "--no-save",
                               "--store", str(tmp_path / "store"))
    # it used to exit 1 with "OSError: File name too long" building the .gold.json name
    assert status == 0, err
    assert "File name too long" not in out + err
    assert "notes have no gold and were skipped" in out + err


def test_an_escape_in_a_note_name_never_reaches_the_terminal(tmp_path):
    note = tmp_path / "evil\x1b]0;pwned\x07.txt"
    note.write_text("")   # empty: the error line names the file
    master, slave = pty.openpty()
    env = {**os.environ, "MEDCODER_CONFIG": str(tmp_path / "none.toml")}
    proc = subprocess.run([sys.executable, "-m", "medcoder_tui", "suggest", "--engine", "offline",
                           "--store", str(tmp_path / "store"), str(note)],
                          stdout=slave, stderr=slave, env=env, timeout=120)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    shown = b"".join(chunks).decode()
    assert proc.returncode == 2
    assert "is empty" in shown
    assert "\x1b" not in shown and "\x07" not in shown
    assert "\\x1b]0;pwned\\x07" in shown
