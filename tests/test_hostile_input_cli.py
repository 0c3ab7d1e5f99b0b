"""Hostile input through the CLI: odd file names, control characters, bad settings, empty codes."""

from __future__ import annotations

import os
import pty
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

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


def test_check_refuses_an_empty_code(capsys):
    status, out, err = run_cli(capsys, "check", "", "I10")
    assert status == 2          # it used to drop '' and exit 0
    assert err.strip() == "medcoder: error: argument 1 is empty: give a code, e.g. medcoder check G30.9 F02.80"


def test_a_bad_config_value_is_one_line_naming_the_file_and_key(tmp_path, capsys, monkeypatch):
    cfg = tmp_path / "config.toml"
    cfg.write_text('temperature = "hot"\n')
    monkeypatch.setenv("MEDCODER_CONFIG", str(cfg))
    status, out, err = run_cli(capsys, "check", "I10")
    assert status == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err  # it used to be four lines of pydantic, without the file's name
    assert str(cfg) in lines[0] and "'temperature'" in lines[0] and "'hot'" in lines[0]


def test_a_config_file_that_is_not_toml_is_one_line(tmp_path, capsys, monkeypatch):
    cfg = tmp_path / "config.toml"
    cfg.write_text("setting = [1\n")
    monkeypatch.setenv("MEDCODER_CONFIG", str(cfg))
    status, out, err = run_cli(capsys, "check", "I10")
    assert status == 2 and len(err.strip().splitlines()) == 1
    assert f"{cfg}: not valid TOML" in err


def test_a_malformed_ollama_host_is_one_line_naming_the_variable(capsys, monkeypatch):
    monkeypatch.setenv("MEDCODER_OLLAMA_HOST", "http://[::1")
    status, out, err = run_cli(capsys, "suggest", str(SAMPLES / "01_office_htn_dm.txt"))
    assert status == 2          # it used to be "InvalidURL" with exit 1
    assert err.strip().splitlines() == [
        "medcoder: error: MEDCODER_OLLAMA_HOST: bad value 'http://[::1': not a valid URL (Invalid IPv6 URL)"]


@pytest.fixture()
def own_data_dir(tmp_path, monkeypatch):
    """Imports go to a data folder of this test's own (the sandbox's tables stay as bundled)."""
    from medcoder_tui.codes.service import reset_codesets

    monkeypatch.setenv("MEDCODER_DATA_DIR", str(tmp_path / "data"))
    reset_codesets()
    yield
    monkeypatch.undo()
    reset_codesets()


def test_store_is_accepted_after_codes_import(tmp_path, capsys, own_data_dir):
    table = tmp_path / "cpt.csv"
    table.write_text("code,description\n10001,First procedure\n10002,Second procedure\n")
    status, out, err = run_cli(capsys, "codes", "import", "cpt", str(table), "--store", str(tmp_path / "s"))
    assert status == 0, err     # it used to be refused: unrecognized arguments: --store
    assert "imported 2 CPT codes" in out
    status, out, err = run_cli(capsys, "codes", "--store", str(tmp_path / "s"), "import", "cpt", str(table))
    assert status == 0, err


def test_a_malformed_entry_of_ollama_hosts_is_named_too(capsys, monkeypatch):
    monkeypatch.setenv("MEDCODER_OLLAMA_HOSTS", "http://127.0.0.1:9,http://[::1")
    status, out, err = run_cli(capsys, "check", "I10")
    assert status == 2
    assert err.strip() == ("medcoder: error: MEDCODER_OLLAMA_HOSTS: bad value 'http://[::1': "
                           "not a valid URL (Invalid IPv6 URL)")
