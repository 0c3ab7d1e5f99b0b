"""Finding and reading clinical notes, with a clear error for anything unusable."""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
from pathlib import Path

MAX_NOTE_BYTES = 2_000_000
NOTE_SUFFIXES = (".txt", ".note", ".md")


class NoteError(ValueError):
    """A note file that cannot be coded (missing, empty, binary, not UTF-8, too large, not a file)."""


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def load_note(path: str | Path, max_bytes: int = MAX_NOTE_BYTES) -> str:
    """Return the note's text, or raise :class:`NoteError` saying what is wrong with it.

    Only regular files are read, and never more than ``max_bytes`` + 1 bytes: a device
    (``/dev/zero``) or a FIFO is refused at once instead of filling memory or waiting forever.
    """
    p = Path(path)
    try:
        # O_NONBLOCK: opening a FIFO with no writer must not wait; the mode is checked on the open file
        fd = os.open(p, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise NoteError(f"note not found: {p}") from None
    except IsADirectoryError:
        raise NoteError(f"{p} is a folder, not a note") from None
    except OSError as exc:
        if exc.errno == errno.ENAMETOOLONG:
            raise NoteError(f"file name too long: {p.name[:60]}...") from None
        raise NoteError(f"cannot read {p.name}: {exc.strerror or exc}") from None
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        os.close(fd)
        if stat.S_ISDIR(st.st_mode):
            raise NoteError(f"{p} is a folder, not a note")
        raise NoteError(f"{p} is {_kind(st.st_mode)}, not a note file; only regular files are read")
    with os.fdopen(fd, "rb") as fh:
        if st.st_size > max_bytes:
            raise NoteError(f"{p.name} is {st.st_size / 1e6:.1f} MB; notes over {max_bytes / 1e6:.0f} MB are not coded")
        data = fh.read(max_bytes + 1)   # the size can change between stat and read
    if len(data) > max_bytes:
        raise NoteError(f"{p.name} is over {max_bytes / 1e6:.0f} MB; notes over {max_bytes / 1e6:.0f} MB are not coded")
    if not data.strip():
        raise NoteError(f"{p.name} is empty")
    if b"\x00" in data:
        raise NoteError(f"{p.name} looks binary, not a text note")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NoteError(f"{p.name} is not UTF-8 text (bad byte at offset {exc.start}); convert it first") from None


def gold_sidecar(note: Path) -> Path | None:
    """The note's ``NAME.gold.json`` sidecar if it exists as a file; None otherwise.

    A note whose name is near the file-system limit has no possible sidecar name
    (``OSError: File name too long``): that is "no sidecar", not an error.
    """
    try:
        sidecar = note.with_name(note.stem + ".gold.json")
        return sidecar if sidecar.is_file() else None
    except (OSError, ValueError):
        return None


def note_hash(text: str) -> str:
    """Content hash used to recognise a reopened note and to notice an edited one."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def discover_notes(path: str | Path) -> list[Path]:
    """The note files under ``path`` (a folder or one file), sorted by name."""
    p = Path(path)
    if p.is_file():
        return [p]
    if not p.is_dir():
        if p.exists():
            raise NoteError(f"{p} is {_kind(p.stat().st_mode)}, not a note file or folder")
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
