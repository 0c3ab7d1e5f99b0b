"""Edit a suggestion's code: validated as you type; only a valid, billable code can be saved.

A CPT or HCPCS code also takes its modifiers and units here (checked by
``codes.modifiers`` as they are typed).
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from medcoder_tui.codes.modifiers import MODIFIERS, LineError, check_line, parse_modifiers, parse_units
from medcoder_tui.textsafe import printable
from medcoder_tui.codes.systems import System, guess_system
from medcoder_tui.tui.keys import EDIT_BINDINGS


def validate_code(codesets: Any, value: str, preferred: System | None) -> Any | None:
    """Validate ``value`` in the preferred system, or in the system its shape names."""
    if codesets is None or not value.strip():
        return None
    result = codesets.validate(value, preferred) if preferred else codesets.validate(value)
    other = guess_system(value)
    if not result.valid and other is not None and other != preferred:
        alt = codesets.validate(value, other)
        if alt.valid:
            return alt
    return result


def describe_validation(result: Any | None, loading: bool, modifiers: str = "", units: str = "") -> tuple[str, bool]:
    """The status line under the input, and whether the code (with its modifiers and units) may be saved."""
    if loading:
        return "Code sets are still loading…", False
    if result is None:
        return "Type a code.", False
    label = result.system.label if result.system else "no known system"
    if result.valid and result.billable:
        mods = parse_modifiers(modifiers)
        try:
            check_line(result.system, result.normalized, mods, parse_units(units))
        except LineError as exc:
            return f"✗ {exc}", False
        meaning = "".join(f" · {m}: {MODIFIERS[m]}" for m in mods)
        return f"✓ {result.normalized} ({label}) {result.description}{meaning}", True
    why = " ".join(result.messages) or ("not billable: a category header" if result.valid else "not a valid code")
    return f"✗ {result.normalized or result.code}: {why}", False


def takes_modifiers(result: Any | None, preferred: System | None) -> bool:
    """Modifiers and units belong to CPT/HCPCS lines."""
    system = getattr(result, "system", None) or preferred
    return system in (System.CPT, System.HCPCS)


class EditScreen(ModalScreen[tuple[str, System, str, list[str], int | None] | None]):
    """Dismisses with (code, system, description, modifiers, units) for a valid billable line, or None."""

    BINDINGS = EDIT_BINDINGS

    def __init__(self, suggestion: Any, codesets: Any) -> None:
        super().__init__()
        self.suggestion, self.codesets = suggestion, codesets
        self.result: Any | None = None

    def compose(self) -> ComposeResult:
        s = self.suggestion
        with Vertical(id="dialog", classes="dialog"):
            yield Static(printable(f"Edit {s.code} ({s.system.label}) — {s.description}"), classes="dialog-title",
                         markup=False)
            yield Input(value=s.code, id="edit-input", placeholder="code, e.g. E11.65")
            with Horizontal(id="edit-line"):
                yield Input(value=" ".join(getattr(s, "modifiers", []) or []), id="edit-modifiers",
                            placeholder="modifiers, e.g. 25 or RT 59")
                units = getattr(s, "units", None)
                yield Input(value="" if units is None else str(units), id="edit-units", placeholder="units")
            yield Static("", id="edit-status", markup=False)
            yield OptionList(id="edit-choices")
            yield Static("Enter saves · Tab modifiers/units · ↓ choices · Esc cancels", classes="dialog-hint")

    def on_mount(self) -> None:
        self._revalidate(self.suggestion.code)
        self.query_one("#edit-input", Input).focus()

    def _choices(self) -> list[tuple[str, str]]:
        seen: dict[str, str] = {}
        for alt in self.suggestion.alternatives:
            seen.setdefault(alt.code, alt.description or alt.reason)
        for code in getattr(self.result, "suggestions", []) or []:
            seen.setdefault(code, "")
        if self.codesets is not None:
            for code in list(seen):
                if not seen[code]:
                    seen[code] = self.codesets.describe(code) or ""
        return list(seen.items())[:12]

    def _line_values(self) -> tuple[str, str]:
        """The modifiers and units typed, or nothing for a code that takes none."""
        if not self.query_one("#edit-line").display:
            return "", ""
        return self.query_one("#edit-modifiers", Input).value, self.query_one("#edit-units", Input).value

    def _revalidate(self, value: str | None = None) -> None:
        if value is not None:
            self.result = validate_code(self.codesets, value, self.suggestion.system)
        self.query_one("#edit-line").display = takes_modifiers(self.result, self.suggestion.system)
        text, ok = describe_validation(self.result, self.codesets is None, *self._line_values())
        status = self.query_one("#edit-status", Static)
        status.update(text)
        status.set_class(ok, "-ok")
        status.set_class(not ok, "-bad")
        choices = self.query_one("#edit-choices", OptionList)
        choices.clear_options()
        for code, desc in self._choices():
            choices.add_option(Option(f"{code}  {desc}"[:100], id=code))
        choices.display = choices.option_count > 0

    @on(Input.Changed, "#edit-input")
    def _changed(self, event: Input.Changed) -> None:
        self._revalidate(event.value)

    @on(Input.Changed, "#edit-modifiers")
    @on(Input.Changed, "#edit-units")
    def _line_changed(self) -> None:
        self._revalidate()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        modifiers, units = self._line_values()
        text, ok = describe_validation(self.result, self.codesets is None, modifiers, units)
        if not ok:
            self.app.bell()
            self.notify(text, severity="warning")
            return
        self.dismiss((self.result.normalized, self.result.system, self.result.description,
                      parse_modifiers(modifiers), parse_units(units)))

    @on(OptionList.OptionSelected, "#edit-choices")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        box = self.query_one("#edit-input", Input)
        box.value = event.option.id or ""
        box.focus()

    def action_focus_choices(self) -> None:
        choices = self.query_one("#edit-choices", OptionList)
        if choices.option_count:
            choices.focus()
            choices.highlighted = 0

    def action_cancel(self) -> None:
        self.dismiss(None)
