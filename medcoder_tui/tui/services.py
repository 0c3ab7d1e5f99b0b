"""What the screens share: settings, the store, the notes, code sets and the engine.

Plain Python (no Textual): the app loads code sets in a thread and chooses the
engine in an async worker, and fills these in; screens await the events.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from medcoder_tui.codes.systems import System
from medcoder_tui.config import Settings

TYPE_CHOICES: tuple[tuple[str, frozenset[System]], ...] = (
    ("all", frozenset(System)),
    ("ICD-10-CM", frozenset({System.ICD10CM})),
    ("CPT", frozenset({System.CPT})),
    ("HCPCS", frozenset({System.HCPCS})),
)


@dataclass
class Services:
    """Shared state of one TUI session."""

    settings: Settings
    notes: list[Path]
    store: Any                          # medcoder_tui.store.Store
    engine_name: str = "auto"           # auto | ollama | offline
    model: str | None = None
    setting: str = "outpatient"
    setting_explicit: bool = False      # --setting given: it wins over what a note's title says
    clock: Callable[[], float] = time.monotonic
    codesets: Any = None
    codesets_error: str | None = None
    engine: Any = None
    engine_note: str = ""               # e.g. why the offline engine is used
    types_index: int = 0
    _codesets_ready: asyncio.Event = field(default_factory=asyncio.Event)
    _engine_ready: asyncio.Event = field(default_factory=asyncio.Event)
    _index_ready: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def types(self) -> frozenset[System]:
        return TYPE_CHOICES[self.types_index][1]

    @property
    def types_label(self) -> str:
        return TYPE_CHOICES[self.types_index][0]

    def set_codesets(self, codesets: Any, error: str | None = None) -> None:
        self.codesets, self.codesets_error = codesets, error
        self._codesets_ready.set()

    def set_engine(self, engine: Any, note: str = "") -> None:
        self.engine, self.engine_note = engine, note
        self._engine_ready.set()

    def reset_engine(self) -> None:
        """Forget the chosen engine; runs wait until a new one is set."""
        self.engine, self.engine_note = None, ""
        self._engine_ready = asyncio.Event()

    def set_index_ready(self) -> None:
        self._index_ready.set()

    async def wait_index(self) -> None:
        """Until the search index (lookup and candidate retrieval) is built."""
        await self._index_ready.wait()

    @property
    def index_ready(self) -> bool:
        return self._index_ready.is_set()

    async def wait_codesets(self) -> Any:
        await self._codesets_ready.wait()
        return self.codesets

    async def wait_engine(self) -> Any:
        await self._engine_ready.wait()
        return self.engine

    @property
    def codesets_loaded(self) -> bool:
        return self._codesets_ready.is_set() and self.codesets is not None

    def gold_path(self, note: Path) -> Path:
        """Where a note's gold sidecar would be (``NAME.gold.json`` beside it)."""
        return note.with_name(note.stem + ".gold.json")
