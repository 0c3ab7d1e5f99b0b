"""The store's names as the TUI uses them, importable before the store package exists."""

from __future__ import annotations

from typing import Any

try:
    from medcoder_tui.store import CaseStatus, FinalCode, Store, StoreError
except ImportError:  # pragma: no cover - only while the store is being written
    CaseStatus = FinalCode = Store = None  # type: ignore[assignment,misc]

    class StoreError(Exception):  # type: ignore[no-redef]
        """Stand-in so ``except StoreError`` works without the store package."""


def final_code(code: str, system: Any, description: str, source: str, key: str | None, *,
               modifiers: list[str] | None = None, units: int | None = None) -> Any:
    """A FinalCode record for the store (CPT/HCPCS lines with their modifiers and units)."""
    return FinalCode(code=code, system=system, description=description, source=source, suggestion_key=key,
                     modifiers=list(modifiers or []), units=units)
