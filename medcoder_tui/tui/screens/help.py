"""Every key binding, screen by screen, with the user's keymap applied."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from medcoder_tui.tui.keys import SCREEN_BINDINGS, effective_key

KEY_NAMES = {"question_mark": "?", "plus": "+", "slash": "/", "space": "space", "escape": "esc",
             "delete": "del", "enter": "enter", "tab": "tab"}


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
        table.add_column("Where", width=15)
        table.add_column("Keys", width=14)
        table.add_column("Action", width=max(20, min(60, self.app.size.width - 45)))
        keymap = dict(getattr(self.app.services.settings, "keymap", {}) or {})
        for row in help_rows(keymap):
            table.add_row(*row)
        table.focus()

    def action_close(self) -> None:
        self.dismiss(None)
