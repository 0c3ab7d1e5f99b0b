"""The suggestions table: one row per suggestion (and per code added by hand)."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.message import Message
from textual.widgets import DataTable

from medcoder_tui.codes.modifiers import line_text
from medcoder_tui.textsafe import printable
from medcoder_tui.engines.models import Flag, Suggestion

FLAG_ABBREV = {
    Flag.INVALID: "INVALID", Flag.NOT_BILLABLE: "HEADER", Flag.NEEDS_7TH: "7TH?",
    Flag.WRONG_SYSTEM: "sys", Flag.NO_EVIDENCE: "no-ev", Flag.FUZZY_EVIDENCE: "~ev",
    Flag.NEGATED: "NEG", Flag.UNCERTAIN: "unc", Flag.HISTORY: "hx", Flag.FAMILY_HISTORY: "fam", Flag.HYPOTHETICAL: "hyp",
    Flag.EXCLUDES1: "EXCL1", Flag.UNSPECIFIED: "unsp", Flag.PREFERENCE: "pref", Flag.UNSUPPORTED: "UNSUP",
    Flag.INSTRUCTION: "INSTR", Flag.GUIDELINE: "GUIDE",
}

STATUS_TEXT = {
    "accepted": ("✓ accepted", "bold green"),
    "rejected": ("✗ rejected", "dim"),
    "edited": ("✎ edited", "bold cyan"),
    "added": ("+ added", "bold green"),
    "pending": ("· pending", ""),
    "blocked": ("⚠ fix (e)", "bold red"),
}
SYSTEM_SHORT = {"icd10cm": "ICD", "cpt": "CPT", "hcpcs": "HCPCS"}


def flags_text(flags: list[Flag]) -> str:
    """Short flag names for the table (full names are in the detail line)."""
    return " ".join(FLAG_ABBREV.get(f, str(f.value)) for f in flags)


class SuggestionsTable(DataTable):
    """A DataTable keyed by ``Suggestion.key`` with helpers to add and restyle rows."""

    class WidthChanged(Message):
        """The table got a new width: its owner rebuilds the columns to fit."""

        def __init__(self, width: int) -> None:
            super().__init__()
            self.width = width

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=False)
        self.descriptions_width = 30
        self._fitted_width = 0

    def on_resize(self, event: events.Resize) -> None:
        # Only the table knows its laid-out width; the screen's size arrives too early.
        if event.size.width and event.size.width != self._fitted_width:
            self._fitted_width = event.size.width
            self.post_message(self.WidthChanged(event.size.width))

    # Code 11 + Sys 5 + Conf 4 + Flags 9 + Status 10, plus the cell padding between them.
    OTHER_COLUMNS = 51

    @classmethod
    def description_width_for(cls, width: int) -> int:
        """The description column's width in a table ``width`` cells wide."""
        return max(14, width - cls.OTHER_COLUMNS)

    def setup(self, width: int) -> None:
        """Create the columns; the description takes what the others leave."""
        self.clear(columns=True)
        self.descriptions_width = self.description_width_for(width)
        self.add_column("Code", key="code", width=11)   # a claim line: 99214-25, 20610-RT-59, J1100 x4
        self.add_column("Sys", key="system", width=5)
        self.add_column("Description", key="description", width=self.descriptions_width)
        self.add_column("Conf", key="confidence", width=4)
        self.add_column("Flags", key="flags", width=9)
        self.add_column("Status", key="status", width=10)

    def cells(self, s: Suggestion, status: str, shown_code: str | None = None,
              shown_description: str | None = None) -> list[Text]:
        """The row for a suggestion: blocked codes in red, rejected ones dimmed.

        The code cell is the claim line (code, modifiers, units); an edited row is the coder's
        code and shows no engine confidence.
        """
        bad = not s.acceptable
        code_style = "bold red strike" if (bad and status != "edited") else "bold"
        row_style = "dim" if status == "rejected" else ""
        line = shown_code or line_text(s.code, s.modifiers, s.units)
        code = Text(printable(line.replace(" x ", " x")), style=code_style if not row_style else row_style)
        confidence = "—" if status == "edited" else f"{s.confidence:.2f}"
        label, st = STATUS_TEXT[status]
        return [
            code,
            Text(SYSTEM_SHORT[s.system.value], style=row_style),
            Text(printable(shown_description or s.description or s.model_description), style=row_style,
                 overflow="ellipsis", no_wrap=True),
            Text(confidence, style=row_style),
            Text(flags_text(s.flags), style="red" if bad else "yellow"),
            Text(label, style=st),
        ]

    def put_row(self, key: str, cells: list[Text]) -> None:
        """Add the row, or update it in place when the key is already shown."""
        if key in self.rows:
            for col, value in zip(("code", "system", "description", "confidence", "flags", "status"), cells):
                self.update_cell(key, col, value)
        else:
            self.add_row(*cells, key=key)

    def current_key(self) -> str | None:
        """The row key under the cursor."""
        if not self.row_count:
            return None
        try:
            return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        except Exception:  # cursor beyond the rows while they are rebuilt
            return None
