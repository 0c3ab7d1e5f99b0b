"""Key bindings of every screen, with ids so ``settings.keymap`` can rebind them.

Secondary bindings stay in the help screen and the command palette but leave
the footer when the terminal is narrower than ``WIDE``.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

WIDE = 110

APP_BINDINGS = [
    Binding("question_mark,f1", "help", "Help", id="app.help"),
    Binding("E,ctrl+e", "evaluation", "Evaluate", id="app.evaluation", show=False),
    Binding("ctrl+q", "quit", "Quit", id="app.quit", show=False, priority=True),
]

WORKLIST_BINDINGS = [
    Binding("enter", "open", "Open", id="worklist.open"),
    Binding("slash", "filter", "Filter", id="worklist.filter"),
    Binding("escape", "clear_filter", "Clear filter", id="worklist.clear_filter", show=False),
    Binding("f5", "refresh", "Refresh", id="worklist.refresh", show=False),
    Binding("f2,ctrl+t", "cycle_view", "View: all / mine / unassigned", id="worklist.view", show=False),
    Binding("f4", "audit", "Audit a completed case (QA)", id="worklist.audit", show=False),
    Binding("q", "quit_app", "Quit", id="worklist.quit"),
]

REVIEW_BINDINGS = [
    Binding("a", "accept", "Accept", id="review.accept"),
    Binding("r", "reject", "Reject", id="review.reject"),
    Binding("space", "toggle", "Toggle", id="review.toggle", show=False),
    Binding("A", "accept_all", "Accept all", id="review.accept_all"),
    Binding("e", "edit", "Edit", id="review.edit"),
    Binding("plus", "add", "Add", id="review.add"),
    Binding("u", "undo", "Undo", id="review.undo"),
    Binding("s", "sequence", "Sequence", id="review.sequence"),
    Binding("R", "rerun", "Re-run", id="review.rerun"),
    Binding("t", "types", "Types", id="review.types"),
    Binding("i", "setting", "Setting", id="review.setting", show=False),
    Binding("ctrl+o", "reopen", "Reopen", id="review.reopen", show=False),
    Binding("L", "audit", "Audit trail", id="review.audit", show=False),
    Binding("n", "next_note", "Next", id="review.next"),
    Binding("p", "prev_note", "Prev", id="review.prev"),
    Binding("o", "toggle_output", "Output", id="review.output", show=False),
    Binding("tab", "switch_pane", "Note/table", id="review.switch_pane", show=False),
    Binding("escape", "cancel_or_back", "Cancel/Back", id="review.cancel"),
    Binding("ctrl+c", "cancel", "Cancel run", id="review.cancel_run", show=False, priority=True),
]

SEQUENCE_BINDINGS = [
    Binding("K,shift+up", "move_up", "Up", id="sequence.up"),
    Binding("J,shift+down", "move_down", "Down", id="sequence.down"),
    Binding("P", "set_principal", "Principal", id="sequence.principal"),
    Binding("x,delete", "remove", "Remove", id="sequence.remove"),
    Binding("O", "propose", "Propose", id="sequence.propose"),
    Binding("c", "complete", "Complete", id="sequence.complete"),
    Binding("ctrl+o", "reopen", "Reopen", id="sequence.reopen", show=False),
    Binding("escape,s", "back", "Back", id="sequence.back"),
]

AUDIT_BINDINGS = [
    Binding("escape,L,q", "back", "Back", id="audit.back"),
]

LOOKUP_BINDINGS = [
    Binding("escape", "cancel", "Cancel", id="lookup.cancel"),
    Binding("ctrl+t", "cycle_system", "System", id="lookup.system"),
    Binding("down", "focus_results", "Results", id="lookup.results", show=False),
]

EDIT_BINDINGS = [
    Binding("escape", "cancel", "Cancel", id="edit.cancel"),
    Binding("down", "focus_choices", "Choices", id="edit.choices", show=False),
]

# Actions that leave the footer on narrow terminals.
SECONDARY_ACTIONS = frozenset({"types", "prev_note", "rerun", "accept_all", "cancel_or_back"})

SCREEN_BINDINGS = (
    ("Everywhere", APP_BINDINGS),
    ("Worklist", WORKLIST_BINDINGS),
    ("Review", REVIEW_BINDINGS),
    ("Sequencing", SEQUENCE_BINDINGS),
    ("Audit trail (L)", AUDIT_BINDINGS),
    ("Code lookup (+)", LOOKUP_BINDINGS),
    ("Edit code (e)", EDIT_BINDINGS),
)


def effective_key(binding: Binding, keymap: dict[str, str]) -> str:
    """The keys a binding answers to once the user's keymap is applied."""
    return keymap.get(binding.id or "", binding.key)


class AppFooter(Footer):
    """Footer that drops secondary bindings when the terminal is narrow.

    Textual's footer rebuilds all of its keys whenever a screen refreshes its bindings,
    which the review screen does several times while a note opens. This one rebuilds
    only when the keys or labels it shows have changed (once, however many refreshes come
    before the rebuild runs); a key that was enabled or disabled is restyled in place.
    """

    _shown: tuple | None = None
    _rebuild_pending = False   # a rebuild is scheduled (after the next refresh) and will read the latest keys

    def _signature(self, screen) -> tuple[tuple, dict[str, bool]]:
        """What the footer shows, apart from which keys are enabled; and each shown action's enabled state."""
        palette = self.app.COMMAND_PALETTE_BINDING
        shown = [(key, binding, enabled, tooltip)
                 for key, (_node, binding, enabled, tooltip) in screen.active_bindings.items()
                 if binding.show or key == palette]
        enabled: dict[str, bool] = {}
        for _key, binding, on, _tooltip in shown:
            enabled.setdefault(binding.action, on)   # (a key shows its action's first binding)
        layout = (self.app.size.width < WIDE,
                  tuple((key, binding.action, binding.description, binding.group, tooltip)
                        for key, binding, _on, tooltip in shown))
        return layout, enabled

    def bindings_changed(self, screen) -> None:
        try:
            layout, enabled = self._signature(screen)
        except Exception:  # an unusual screen: fall back to the footer's own rebuild
            layout, enabled = None, {}
        if layout is not None and self._shown is not None and layout == self._shown[0] \
                and (self.children or self._rebuild_pending):
            # the same keys: a key that became enabled or disabled (a row selected, a run finished) is
            # restyled in place, not the whole footer rebuilt (a note opening changes them several times)
            self._bindings_ready = True
            if enabled != self._shown[1]:
                for key in self.query(FooterKey):
                    if key.action in enabled:
                        # (as FooterKey's constructor sets them: the dimmed class, and the flag its click reads)
                        key._disabled = not enabled[key.action]
                        key.set_class(key._disabled, "-disabled")
            self._shown = (layout, enabled)
            return
        self._shown = (layout, enabled) if layout is not None else None
        # (Textual's footer schedules its rebuild only for its own screen, with the app focused)
        self._rebuild_pending = bool(screen.app.app_focus and self.is_attached and screen is self.screen)
        super().bindings_changed(screen)

    def compose(self):
        self._rebuild_pending = False
        narrow = self.app.size.width < WIDE
        for widget in super().compose():
            if narrow and isinstance(widget, FooterKey) and widget.action in SECONDARY_ACTIONS:
                continue
            if self.compact:
                # the key's bound "compact" sets this class once mounted, restyling the key (and the screen
                # each time): set already, that is a no-op (a note opens with no footer restyles)
                widget.set_class(True, "-compact", update=False)
            yield widget

    def on_resize(self) -> None:
        narrow = self.app.size.width < WIDE
        if narrow != getattr(self, "_was_narrow", None):
            self._was_narrow = narrow
            self.compact = narrow
            if self._rebuild_pending or (self._shown is not None and self._shown[0][0] == narrow):
                return   # the keys shown, or about to be, are already those of this width (a screen's first size)
            self._rebuild_pending = True
            self._shown = None   # (the keys now shown are of the other width: the next refresh compares afresh)
            self.call_after_refresh(self.recompose)
