"""Finding and reading clinical notes, with a clear error for anything unusable."""

from __future__ import annotations

import hashlib
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
