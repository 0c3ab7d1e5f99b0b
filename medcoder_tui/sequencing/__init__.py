"""Sequencing: a deterministic rule checker over a proposed order of codes, CC/MCC flags, and proposals.

The rules decide what the ICD-10-CM conventions decide; a model (or the
offline heuristics) only proposes an order. The TUI's sequencing view and the
``medcoder sequence``/``medcoder check`` commands are built on this API:

- ``check_sequence(codes, setting=, note=, uncertain_codes=)`` -> ``SequenceResult``
  (principal, secondary with CC/MCC badges, procedures, errors and warnings,
  each ``SequencedCode`` carrying the issues that concern it). It takes a few
  milliseconds, so a view can re-run it after every move.
- ``check_suggestions(ordered_suggestions, note, setting=)``: the same for Suggestion
  objects in the coder's order (uncertain flags from grounding become errors outpatient).
- ``propose_sequence(suggestions, note, setting=)`` -> codes in the offline order.
- ``sequence_suggestions(...)`` / ``sequence_note(...)`` (async): the model proposes
  when the engine can, the rules otherwise, and the checker always runs.
- ``move_up``/``move_down``/``make_principal``: reorder a list without losing a code.
- ``SequenceResult.ok`` is False while errors are open: completing then needs an override.
"""

from medcoder_tui.sequencing.checker import SETTINGS, check_sequence, normalize_setting
from medcoder_tui.sequencing.edit import make_principal, move, move_down, move_up
from medcoder_tui.sequencing.models import DrgEstimate, Issue, SequencedCode, SequenceResult
from medcoder_tui.sequencing.pipeline import (
    SequenceOutcome,
    check_suggestions,
    sequence_note,
    sequence_suggestions,
    uncertain_codes,
    usable,
)
from medcoder_tui.sequencing.propose import order_from_model, propose_sequence

__all__ = [
    "SETTINGS",
    "DrgEstimate",
    "Issue",
    "SequenceOutcome",
    "SequenceResult",
    "SequencedCode",
    "check_sequence",
    "check_suggestions",
    "make_principal",
    "move",
    "move_down",
    "move_up",
    "normalize_setting",
    "order_from_model",
    "propose_sequence",
    "sequence_note",
    "sequence_suggestions",
    "uncertain_codes",
    "usable",
]
