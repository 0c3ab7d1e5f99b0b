"""Every key binding, screen by screen, with the user's keymap applied."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from medcoder_tui.tui.keys import SCREEN_BINDINGS, effective_key

KEY_NAMES = {"question_mark": "?", "plus": "+", "slash": "/", "space": "space", "escape": "esc",
             "delete": "del", "enter": "enter", "tab": "tab", "up": "↑", "down": "↓"}


def pretty_keys(keys: str) -> str:
    """``question_mark,f1`` -> ``? / F1``."""
    out = []
    for key in keys.split(","):
        key = key.strip()
        parts = key.split("+")
        name = KEY_NAMES.get(parts[-1], parts[-1].upper() if len(parts[-1]) > 1 else parts[-1])
        out.append("+".join([*parts[:-1], name]) if len(parts) > 1 else name)
    return " / ".join(out)


def help_rows(keymap: dict[str, str]) -> list[tuple[str, str, str]]:
    """(where, keys, what) for every binding, in screen order."""
    rows = []
    sections = list(SCREEN_BINDINGS)
    try:
        from medcoder_tui.tui.screens.evaluation import EvaluationScreen
        sections.append(("Evaluation (E)", EvaluationScreen.BINDINGS))
    except ImportError:
        pass
    for where, bindings in sections:
        for b in bindings:
            if isinstance(b, Binding):
                rows.append((where, pretty_keys(effective_key(b, keymap)), b.description))
    rows.append(("Everywhere", "ctrl+p", "Command palette: every action by name"))
    rows.append(("Worklist", "letters, digits", "Type to filter the notes by name"))
    rows.append(("Review", "↑ ↓ PgUp PgDn", "Move between suggestions (note pane: scroll)"))
    rows.append(("Sequencing", "tab", "Focus the findings pane; ↑ ↓ scroll it"))
    rows.append(("Evaluation (E)", "enter", "A note's gold against suggested (at 80 columns: Enter or Esc closes)"))
    return rows


class HelpScreen(ModalScreen[None]):
    """The help (``?`` or F1): every key the app answers to."""

    BINDINGS = [
        Binding("escape,q,question_mark,f1", "close", "Close", id="help.close"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog help-dialog"):
            yield Static("Keys — Esc closes · keys can be changed in config.toml [keymap]",
                         classes="dialog-title")
            yield DataTable(id="help-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one("#help-table", DataTable)
        # The dialog is 96% of the screen (at most 110) less its border and padding, the table's
        # scrollbar and one cell of padding each side of three columns.
        inner = min(110, self.app.size.width * 96 // 100) - 4 - 2 - 6
        table.add_column("Where", width=15)
        table.add_column("Keys", width=16)
        action_width = max(20, inner - 31)
        table.add_column("Action", width=action_width)
        keymap = dict(getattr(self.app.services.settings, "keymap", {}) or {})
        for where, keys, what in help_rows(keymap):
            # long descriptions wrap onto a second line instead of being cut
            table.add_row(where, keys, Text(what), height=1 if len(what) <= action_width else None)
        table.focus()

    def action_close(self) -> None:
        self.dismiss(None)
