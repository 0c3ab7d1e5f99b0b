"""Store kinds: a personal store (owner-only) and a team store shared by one Unix group.

The kind is recorded in the store's meta.json and decides the modes every
writer uses (:class:`~medcoder_tui.store.files.Modes`)::

    personal   no "kind" key (every store before team stores)   files 0600, folders 0700
    team       {"kind": "team", "group": NAME, "gid": N}        files 0660, folders setgid 2770

A team store is created by :func:`init_team_store` (``medcoder team init``);
opening one checks that its folder still has the team modes and group, so a
folder opened up to others, or handed to another group, is refused with one
line instead of spreading notes. :func:`mode_problems` lists every file and
folder whose modes are wrong (``medcoder doctor``).
"""

from __future__ import annotations

import grp
import os
import pwd
import stat
from pathlib import Path
from typing import Any

from medcoder_tui.store import layout
from medcoder_tui.store.files import PERSONAL, TEAM, Modes, atomic_write_bytes, encode, ensure_dir, read_tables
from medcoder_tui.store.models import StoreError

KINDS = ("personal", "team")


def os_account() -> str:
    """The OS account of this process: the coder of every decision (not a setting anyone can change)."""
    uid = os.geteuid()
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:   # a uid with no passwd entry (a bare container): still one stable name
        return f"uid-{uid}"


def group_id(group: str) -> int:
    """The gid of a Unix group given by name (or number); StoreError when there is no such group."""
    try:
        return grp.getgrnam(group).gr_gid
    except KeyError:
        pass
    if group.isdigit():
        try:
            return grp.getgrgid(int(group)).gr_gid
        except KeyError:
            pass
    raise StoreError(f"there is no Unix group {group!r} on this system; create it (groupadd) or name an existing one")


def group_name(gid: int) -> str:
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return str(gid)


def read_meta(root: Path, *, backup: bool = True) -> dict[str, Any]:
    """The store's meta record (schema, layout, kind...); empty when there is none yet."""
    tables = read_tables(root / layout.META_FILE, backup=backup) or {}
    meta = tables.get("_meta", {}).get("1")
    return meta if isinstance(meta, dict) else {}


def kind_of(root: Path, meta: dict[str, Any]) -> tuple[str, Modes]:
    """The kind recorded in ``meta`` and its modes; StoreError for a kind this version does not know."""
    kind = meta.get("kind", "personal")
    if kind not in KINDS:
        raise StoreError(f"{root} was made by another medcoder version (store kind {kind!r} is unknown to "
                         f"this one, which knows {', '.join(KINDS)}); open it with that version")
    if kind == "team" and not isinstance(meta.get("gid"), int):
        raise StoreError(f"{root / layout.META_FILE} names a team store without a group id; "
                         "it was not made by `medcoder team init`")
    return kind, (TEAM if kind == "team" else PERSONAL)


def check_team_root(root: Path, meta: dict[str, Any]) -> None:
    """Refuse a team store whose folder is open to others, lost its setgid bit or changed group."""
    st = root.stat()
    mode, gid = stat.S_IMODE(st.st_mode), meta["gid"]
    if mode != TEAM.dir or st.st_gid != gid:
        raise StoreError(f"team store {root} has mode {mode:04o} and group {group_name(st.st_gid)}, but needs "
                         f"{TEAM.dir:04o} and group {group_name(gid)}: run "
                         f"`chgrp -R {group_name(gid)} {root} && chmod {TEAM.dir:o} {root}`")


def mode_problems(root: Path, modes: Modes, gid: int | None = None, limit: int = 20) -> list[str]:
    """Files and folders of the store whose mode (or group, for a team store) is not the kind's."""
    problems: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root):
        for name, want in [(None, modes.dir), *((f, modes.file) for f in filenames)]:
            path = Path(dirpath) if name is None else Path(dirpath) / name
            try:
                st = path.lstat()
            except OSError:
                continue
            mode = stat.S_IMODE(st.st_mode)
            wrong = mode != want
            if wrong:
                problems.append(f"{path} has mode {mode:04o}, expected {want:04o}")
            elif gid is not None and st.st_gid != gid:
                problems.append(f"{path} belongs to group {group_name(st.st_gid)}, expected {group_name(gid)}")
            if len(problems) >= limit:
                return problems
    return problems


def init_team_store(folder: Path | str, group: str) -> Path:
    """Create an empty team store in ``folder`` for the members of ``group``; its folder path.

    The folder must be new or empty. It gets the group, mode 2770 and the
    lock file and meta.json (0660) before anyone can write a case.
    """
    gid = group_id(group)
    root = Path(folder).expanduser()
    if root.exists() and not root.is_dir():
        raise StoreError(f"{root} is a file, but a team store needs a folder there")
    if root.is_dir() and any(root.iterdir()):
        what = "already a medcoder store" if (root / layout.META_FILE).exists() else "not empty"
        raise StoreError(f"{root} is {what}; a team store is made in a new or empty folder")
    ensure_dir(root.parent)
    try:
        root.mkdir(exist_ok=True)
        os.chown(root, -1, gid)
        os.chmod(root, TEAM.dir)
    except PermissionError:
        raise StoreError(f"cannot give {root} to group {group}: you must own the folder and be a member "
                         "of the group") from None
    except OSError as exc:
        raise StoreError(f"cannot create team store {root}: {exc.strerror or exc}") from None
    ensure_dir(root / layout.CASES_DIR, TEAM)
    lock = root / layout.LOCK_FILE
    os.close(os.open(lock, os.O_WRONLY | os.O_CREAT, TEAM.file))
    os.chmod(lock, TEAM.file)
    meta = layout.meta_doc(kind="team", group=group_name(gid), gid=gid)
    atomic_write_bytes(root / layout.META_FILE, encode(meta), mode=TEAM.file)
    return root
