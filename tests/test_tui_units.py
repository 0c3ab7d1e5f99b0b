"""Pure parts of the TUI: wrapping, key names, theme choice, row status."""

from __future__ import annotations

from types import SimpleNamespace

from tui_support import NOTE, standard_suggestions

from medcoder_tui.tui.review_state import progress_text, suggestion_status
from medcoder_tui.tui.screens.help import help_rows, pretty_keys
from medcoder_tui.tui.theme import detect_theme
from medcoder_tui.tui.widgets.note_view import row_of, wrap_offsets


def test_wrap_covers_every_character_once():
    text = "alpha beta gamma delta\n\nepsilon " + "x" * 25 + " zeta"
    rows = wrap_offsets(text, 10)
    for start, end in rows:
        assert end - start <= 10
    covered = "".join(text[s:e] for s, e in rows)
    assert covered.replace(" ", "") == text.replace("\n", "").replace(" ", "")
    assert rows[0] == (0, 10) and text[0:10] == "alpha beta"


def test_row_of_finds_the_row_of_an_offset():
    rows = wrap_offsets(NOTE, 30)
    for offset in (0, 50, NOTE.index("Essential hypertension"), len(NOTE) - 2):
        s, e = rows[row_of(rows, offset)]
        assert s <= offset <= e


def test_pretty_keys_and_help_rows_apply_keymap():
    assert pretty_keys("question_mark,f1") == "? / F1"
    assert pretty_keys("plus") == "+"
    rows = help_rows({"review.accept": "y"})
    accept = [r for r in rows if r[0] == "Review" and r[2] == "Accept"]
    assert accept == [("Review", "y", "Accept")]


def test_theme_follows_colorfgbg_and_override():
    assert detect_theme({"COLORFGBG": "0;15"}) == "textual-light"
    assert detect_theme({"COLORFGBG": "15;0"}) == "textual-dark"
    assert detect_theme({}) == "textual-dark"
    assert detect_theme({"MEDCODER_THEME": "textual-ansi", "COLORFGBG": "0;15"}) == "textual-ansi"


def test_status_of_rows_from_case():
    sugg = standard_suggestions()
    header = next(s for s in sugg if not s.acceptable)
    case = SimpleNamespace(decisions={sugg[0].key: "accepted", sugg[1].key: "rejected"},
                           final_codes=[], status=SimpleNamespace(value="in_progress"))
    assert suggestion_status(sugg[0], case) == "accepted"
    assert suggestion_status(sugg[1], case) == "rejected"
    assert suggestion_status(sugg[2], case) == "pending"
    assert suggestion_status(header, case) == "blocked"
    assert progress_text(sugg, case).startswith("1✓ 1✗ 2 pending 1 to fix")
