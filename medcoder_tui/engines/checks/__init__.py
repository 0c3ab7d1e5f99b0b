"""What every engine's output passes through before a coder sees it.

Owns ``grounding``: validation against the code sets (with reasons and nearest codes),
evidence offsets in the note, negated/uncertain/history/family flags, wrong-system
corrections, duplicates and Excludes1 conflicts. Guideline rules that change a suggestion
belong here too. May import ``engines.models``, ``engines.analysis`` and the code sets
(including ``codes.refs``); never ``llm``, ``offline`` or anything above the engines.
"""
