"""Finding and reading clinical notes, with a clear error for anything unusable."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

MAX_NOTE_BYTES = 2_000_000
NOTE_SUFFIXES = (".txt", ".note", ".md")


class NoteError(ValueError):
    """A note file that cannot be coded (missing, empty, binary, not UTF-8, too large)."""


def load_note(path: str | Path, max_bytes: int = MAX_NOTE_BYTES) -> str:
    """Return the note's text, or raise :class:`NoteError` saying what is wrong with it."""
    p = Path(path)
    if not p.exists():
        raise NoteError(f"note not found: {p}")
    if p.is_dir():
        raise NoteError(f"{p} is a folder, not a note")
    size = p.stat().st_size
    if size > max_bytes:
        raise NoteError(f"{p.name} is {size / 1e6:.1f} MB; notes over {max_bytes / 1e6:.0f} MB are not coded")
    data = p.read_bytes()
    if not data.strip():
        raise NoteError(f"{p.name} is empty")
    if b"\x00" in data:
        raise NoteError(f"{p.name} looks binary, not a text note")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NoteError(f"{p.name} is not UTF-8 text (bad byte at offset {exc.start}); convert it first") from None


def note_hash(text: str) -> str:
    """Content hash used to recognise a reopened note and to notice an edited one."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def discover_notes(path: str | Path) -> list[Path]:
    """The note files under ``path`` (a folder or one file), sorted by name."""
    p = Path(path)
    if p.is_file():
        return [p]
    if not p.is_dir():
        raise NoteError(f"no such note or folder: {p}")
    return sorted(
        f for f in p.rglob("*")
        if f.is_file() and f.suffix.lower() in NOTE_SUFFIXES and not f.name.startswith(".")
        and f.name.lower() != "readme.md"
    )


# Title lines that name the encounter type. Only the note's opening lines are read:
# "return to the ED if worse" in an office plan says nothing about the setting.
_HEADER_LINES = 4
_SETTING_TITLES = (
    ("inpatient", re.compile(r"\b(discharge summary|hospital course|admission (h&p|history and physical)|"
                             r"inpatient progress note)\b", re.I)),
    ("ed", re.compile(r"\b(emergency department|emergency room|ED (provider|physician|note|visit)|ER note)\b",
                      re.I)),
)


def guess_setting(text: str) -> str | None:
    """The care setting a note's title states (``inpatient`` or ``ed``), or None when it says neither.

    Used only as the default for a new case; the coder can change it.
    """
    head = "\n".join(text.strip().splitlines()[:_HEADER_LINES])
    for setting, title in _SETTING_TITLES:
        if title.search(head):
            return setting
    return None


def note_setting(text: str, explicit: str | None, configured: str) -> tuple[str, str]:
    """(setting, where it came from) for coding ``text``: ``--setting``, else the title, else the config.

    The one rule the TUI (for a new case) and the headless commands share.
    """
    if explicit:
        return explicit, "--setting"
    guessed = guess_setting(text)
    if guessed:
        return guessed, "the note's title"
    return configured, "configured default"
