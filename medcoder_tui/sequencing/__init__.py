"""Sequencing: a deterministic rule checker over a proposed order of codes, CC/MCC flags, and proposals.

The rules decide what the ICD-10-CM conventions decide; a model (or the
offline heuristics) only proposes an order. The TUI's sequencing view and the
``medcoder sequence``/``medcoder check`` commands are built on this API.
"""

from medcoder_tui.sequencing.checker import SETTINGS, check_sequence, normalize_setting
from medcoder_tui.sequencing.models import DrgEstimate, Issue, SequencedCode, SequenceResult

__all__ = [
    "SETTINGS",
    "DrgEstimate",
    "Issue",
    "SequenceResult",
    "SequencedCode",
    "check_sequence",
    "normalize_setting",
]
