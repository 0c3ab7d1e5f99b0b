"""The case store: every reviewed case, its audit trail, gold codes and evaluation runs.

A coder's decisions are durable (fsynced, atomically replaced) before any
mutating method returns, safe across processes (file lock, re-read under
it), and a damaged or unknown store is reported and backed up, never
overwritten.

Where it lives: the store is a folder of small TinyDB files (one per case,
holding the case and its audit trail), so a decision rewrites one small file
however many cases exist. ``--store X`` / ``store_path`` name that folder;
a name ending in ``.json`` (the default ``<user data dir>/store.json``)
means the folder ``<name>.d`` beside it (``store.d``). ``Store.path`` is the
folder actually used; ``layout.store_dir_for(path)`` computes it without
opening anything. Details in :mod:`medcoder_tui.store.layout`.
"""

from __future__ import annotations

from pathlib import Path

from medcoder_tui.store.models import AuditEntry, Case, CaseStatus, FinalCode, StoreError
from medcoder_tui.store.repository import Store, case_id_for, current_user

__all__ = [
    "AuditEntry",
    "Case",
    "CaseStatus",
    "FinalCode",
    "Store",
    "StoreError",
    "case_id_for",
    "current_user",
    "default_store_path",
    "open_store",
]


def default_store_path() -> Path:
    """The store named by settings (``MEDCODER_STORE_PATH``, config.toml), else the user data dir."""
    from medcoder_tui.config import load_settings

    return load_settings().resolved_store_path()


def open_store(path: str | Path | None = None, *, read_only: bool = False) -> Store:
    """The store at ``path``, or at the configured default when ``path`` is None."""
    return Store(path if path is not None else default_store_path(), read_only=read_only)
