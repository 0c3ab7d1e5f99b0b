"""Small modal dialogs: a message to acknowledge, a reason to type, a yes/no question."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static


class _Dialog(ModalScreen):
    """A titled message box; subclasses add what follows the message and the hint line."""

    HINT = ""

    def __init__(self, title: str, message: str, *, classes: str = "") -> None:
        super().__init__(classes=classes)
        self.title_text, self.message = title, message

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog message-dialog"):
            yield Static(self.title_text, classes="dialog-title", markup=False)
            yield Static(self.message, id="message-text", markup=False)
            yield from self.body()
            yield Static(self.HINT, classes="dialog-hint")

    def body(self) -> ComposeResult:
        yield from ()


class MessageScreen(_Dialog):
    """A clear message (e.g. a note that cannot be opened); Enter or Esc closes it."""

    BINDINGS = [Binding("escape,enter,q", "close", "Close", id="message.close")]
    HINT = "Enter or Esc closes"

    def __init__(self, title: str, message: str, *, error: bool = True) -> None:
        super().__init__(title, message, classes="-error" if error else "")

    def action_close(self) -> None:
        self.dismiss(None)


class ReasonScreen(_Dialog):
    """Ask for a reason (required); dismisses with it, or None on Esc."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="reason.cancel")]
    HINT = "Enter confirms · Esc cancels"

    def body(self) -> ComposeResult:
        yield Input(placeholder="reason (required)", id="reason-input")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.dismiss(event.value.strip())
        else:
            self.app.bell()
            self.notify("A reason is required.", severity="warning")

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmScreen(_Dialog):
    """A yes/no question; ``y`` or Enter confirms, ``n`` or Esc declines."""

    BINDINGS = [
        Binding("y,enter", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]
    HINT = "y / Enter: yes · n / Esc: no"

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
