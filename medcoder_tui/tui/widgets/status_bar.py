"""The status bar: engine and Ollama connectivity, model, store path and the case's progress."""

from __future__ import annotations

from textual.reactive import reactive
from textual.widgets import Static


class StatusBar(Static):
    """One line above the footer. The app sets ``engine_label`` and ``store_label``; screens set ``progress``."""

    progress = reactive("")

    def on_mount(self) -> None:
        self.watch(self.app, "engine_label", self._changed, init=False)
        self.watch(self.app, "store_label", self._changed, init=False)
        self._changed()

    def watch_progress(self) -> None:
        self._changed()

    def _changed(self, *_: object) -> None:
        engine = getattr(self.app, "engine_label", "")
        store = getattr(self.app, "store_label", "")
        parts = [engine, self.progress, f"store {store}" if store else ""]
        self.update(" │ ".join(p for p in parts if p))
        self.set_class("offline" in engine.lower() or "unreachable" in engine.lower(), "-offline")
