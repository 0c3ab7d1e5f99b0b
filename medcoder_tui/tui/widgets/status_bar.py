"""The status bar: engine and Ollama connectivity, model, store path and the case's progress."""

from __future__ import annotations

from pathlib import Path

from textual.reactive import reactive
from textual.widgets import Static

SEP = " │ "


def short_path(path: str, room: int) -> str:
    """``path`` in at most ``room`` cells: home as ``~``, then leading folders replaced by ``…/``.

    The last folders name the store (``…/medcoder/store.d``); the file name is never cut.
    """
    home = str(Path.home())
    if home not in ("", "/") and (path == home or path.startswith(home + "/")):
        path = "~" + path[len(home):]
    if len(path) <= room:
        return path
    parts = [p for p in path.split("/") if p]
    tail = parts[-1] if parts else path
    for part in reversed(parts[:-1]):
        if len(f"…/{part}/{tail}") > room:
            break
        tail = f"{part}/{tail}"
    return f"…/{tail}"


def short_engines(label: str) -> list[str]:
    """The engine label, then shorter forms of it for narrow terminals."""
    short = label.replace("offline engine", "offline").replace("(Ollama unreachable)", "(no Ollama)")
    minimal = short.replace("Ollama ● ", "").replace(" (no Ollama)", "")
    return list(dict.fromkeys([label, short, minimal]))


def status_line(engine: str, progress: str, store: str, width: int) -> str:
    """Engine, progress and store in ``width`` cells: progress is never cut; the engine label is
    shortened first, then the store path, which keeps its last folders."""
    forms = short_engines(engine)
    if not store:
        return next((SEP.join(p for p in (eng, progress) if p) for eng in forms
                     if len(SEP.join(p for p in (eng, progress) if p)) <= width),
                    SEP.join(p for p in (forms[-1], progress) if p))
    for eng in forms:
        fixed = SEP.join(p for p in (eng, progress) if p)
        room = width - len(fixed) - len(SEP) - len("store ")
        shown = short_path(store, room)
        if not shown.startswith("…") or (eng == forms[-1] and room >= 12):
            return f"{fixed}{SEP}store {shown}"
    fixed = SEP.join(p for p in (forms[-1], progress) if p)
    room = width - len(fixed) - len(SEP)
    return fixed + (SEP + short_path(store, room) if room >= 6 else "")


class StatusBar(Static):
    """One line above the footer. The app sets ``engine_label`` and ``store_label``; screens set ``progress``."""

    progress = reactive("")

    def on_mount(self) -> None:
        self.watch(self.app, "engine_label", self._changed, init=False)
        self.watch(self.app, "store_label", self._changed, init=False)
        self._changed()

    def watch_progress(self) -> None:
        self._changed()

    def on_resize(self) -> None:
        self._changed()

    def _changed(self, *_: object) -> None:
        engine = getattr(self.app, "engine_label", "")
        store = getattr(self.app, "store_label", "")
        width = (self.size.width or self.app.size.width) - 2   # the bar's padding
        self.update(status_line(engine, self.progress, store, max(20, width)))
        self.set_class("offline" in engine.lower() or "unreachable" in engine.lower(), "-offline")
