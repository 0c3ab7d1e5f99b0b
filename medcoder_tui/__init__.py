"""medcoder: a keyboard-first workbench for medical coders.

The core (``codes``, ``engines``, ``store``, ``sequencing``, ``evaluation``,
``preferences``) never imports Textual; ``medcoder_tui.tui`` is a thin layer
over it.
"""

__version__ = "0.1.0"
