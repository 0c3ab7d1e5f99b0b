"""The model's raw output as it arrives, with engine, model, elapsed time and token count.

Tokens are appended to a plain buffer by the engine worker (same event loop, no
widget access) and painted by a 50 ms timer, so a flood of tokens costs one
repaint per tick however fast it comes.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from rich.text import Text
from textual.widget import Widget
from textual.widgets import Collapsible

TAIL_CHARS = 4000   # what the pane shows; the full text stays in the result
# With no token after this long, the pane says it is waiting for the model (and for how long).
WAIT_NOTICE_SECONDS = 1.0


class TokenBuffer:
    """Token text waiting to be painted, plus running totals."""

    def __init__(self) -> None:
        self.pending: list[str] = []
        self.tokens = 0
        self.chars = 0
        self.progress = None   # the engine's latest ProgressEvent (a long offline analysis)

    def append(self, text: str) -> None:
        self.pending.append(text)
        self.tokens += 1
        self.chars += len(text)

    def take(self) -> str:
        text = "".join(self.pending)
        self.pending.clear()
        return text


def progress_text(event) -> str:
    """``sentences 1,234/44,268 · about 3s left`` from an engine's ProgressEvent."""
    left = f" · about {event.remaining:.0f}s left" if event.remaining is not None else ""
    if event.phase == "reading the note":   # counted in characters: a share says more
        return f"{event.phase} {event.done / max(event.total, 1):.0%}{left}"
    return f"{event.phase} {event.done:,}/{event.total:,}{left}"


class StreamText(Widget):
    """The tail of the raw output, wrapped to the pane; repaints without a layout pass."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._text = ""

    def update(self, text: str) -> None:
        self._text = text
        self.refresh()

    def render(self) -> Text:
        width, height = max(1, self.size.width), max(1, self.size.height)
        # Only what fits is wrapped: a flood of tokens costs one small render per tick.
        tail = self._text[-(width * height * 2):]
        lines = Text(tail, no_wrap=False).wrap(self.app.console, width)
        return Text("\n").join(lines[-height:])


class StreamPane(Collapsible):
    """Collapsible pane with the model's raw output; its title carries the run's figures."""

    def __init__(self, clock: Callable[[], float], *, id: str | None = None) -> None:
        self._text = StreamText(id="stream-text")
        super().__init__(self._text, title="Model output", collapsed=False, id=id)
        self._clock = clock
        self.buffer = TokenBuffer()
        self._tail = ""
        self._engine = ""
        self._model: str | None = None
        self._started = 0.0
        self._ended: float | None = None
        self._state = "idle"
        self._timer = None
        self._title_at = -1.0
        self._stored_label = "stored"

    def on_mount(self) -> None:
        self._timer = self.set_interval(0.05, self.flush, pause=True)
        self._update_title()

    def start(self, engine: str, model: str | None) -> None:
        """A new run begins: clear the text and start the clock."""
        self.buffer = TokenBuffer()
        self._tail = ""
        self._engine, self._model = engine, model
        self._started, self._ended = self._clock(), None
        self._state = "streaming"
        self._text.update("")
        self._text.remove_class("-error")
        if self._timer is not None:
            self._timer.resume()
        self._update_title()

    def waiting(self, message: str) -> None:
        """Before the run starts (code sets loading, engine being chosen)."""
        self._state = "waiting"
        self._text.update(message)
        self._update_title()

    def finish(self, error: str | None = None, state: str = "done", notes: list[str] | None = None) -> None:
        """The run ended; ``error`` and the run's ``notes`` (warnings) are shown inline under the text."""
        self.flush()
        if self._timer is not None:
            self._timer.pause()
        self._ended = self._clock()
        self._state = "failed" if error else state
        lines = [f"· {note}" for note in (notes or [])]
        if error:
            lines.append(f"⚠ {error}")
            self._text.add_class("-error")
        if lines:
            self._text.update("\n".join([self._tail[-TAIL_CHARS // 2:], *lines]).lstrip("\n"))
        self._update_title()

    def show_stored(self, engine: str | None, model: str | None, count: int, precoded: str = "",
                    when: str = "") -> None:
        """A reopened case: say where its suggestions came from instead of streaming.

        ``precoded`` is the batch run's description (engine, model, time), ``when`` its short time.
        """
        self._engine, self._model = engine or "", model
        self._state = "stored"
        self._stored_label = f"pre-coded {when}".strip() if precoded else "stored"
        if precoded:
            self._text.update(f"{count} suggestions {precoded}. R re-runs the engine live.")
        else:
            self._text.update(f"{count} suggestions restored from the store. R re-runs the engine.")
        self._update_title()

    @property
    def waiting_for_model(self) -> bool:
        """A model run has started and no token has come yet for a noticeable time."""
        return (self._state == "streaming" and self._engine != "offline" and not self.buffer.tokens
                and self.elapsed >= WAIT_NOTICE_SECONDS)

    def flush(self) -> None:
        """Paint buffered tokens and refresh the figures (timer callback)."""
        text = self.buffer.take()
        if text:
            self._tail = (self._tail + text)[-TAIL_CHARS:]
            if not self.collapsed:
                self._text.update(self._tail)
        elif self.waiting_for_model and time.monotonic() - self._title_at >= 0.25:
            self._text.update(f"Waiting for the model: {self.elapsed:.0f} s so far. The server may be "
                              "busy with other coders' requests; esc cancels.")
        # The figures change every tick; repainting the title 4 times a second is enough.
        if time.monotonic() - self._title_at >= 0.25 or self._state != "streaming":
            self._update_title()

    @property
    def elapsed(self) -> float:
        if self._state in ("idle", "waiting", "stored"):
            return 0.0
        return max(0.0, (self._ended if self._ended is not None else self._clock()) - self._started)

    def _update_title(self) -> None:
        self._title_at = time.monotonic()
        label = {"ollama": "Ollama", "offline": "offline engine"}.get(self._engine, self._engine or "engine")
        model = f" {self._model}" if self._model else ""
        state = {"idle": "idle", "waiting": "waiting", "streaming": "streaming", "done": "done",
                 "failed": "failed", "cancelled": "cancelled", "stored": self._stored_label}[self._state]
        if self.waiting_for_model:
            state = "waiting for the model"
        figures = ""
        if self._state not in ("idle", "waiting", "stored"):
            seconds = f"{self.elapsed:.2f}" if self.elapsed < 10 else f"{self.elapsed:.1f}"
            progress = self.buffer.progress
            if self._state == "streaming" and progress is not None:
                figures = f" · {seconds}s · {progress_text(progress)}"
            else:
                figures = f" · {seconds}s · {self.buffer.tokens} tokens"
        hint = " (esc cancels)" if self._state == "streaming" else ""   # before the figures: never cut off
        self.title = f"Output: {label}{model} · {state}{hint}{figures}"
