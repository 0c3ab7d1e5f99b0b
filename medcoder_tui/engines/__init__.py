"""Suggestion engines: what finds codes in a note, and what checks every suggestion.

One room per concern, lower rooms never importing higher ones:

- ``models`` and ``base``: the shared vocabulary (suggestions, events, the Engine protocol).
- ``analysis``: reading a note (sentences, sections, negation, uncertainty, history scope).
- ``diagnoses``: ICD-10-CM candidates from the note's words (matching, retrieval, ranking,
  status and combination codes).
- ``procedures``: CPT and HCPCS rules (procedures, tests, drugs, supplies, E/M).
- ``checks``: what every engine's output passes through (grounding; guideline rules).
- ``llm``: the Ollama engine, its prompts and the parsing of its replies.
- ``offline`` and ``select``: the offline engine and the factory that picks an engine.

Order: models/base -> analysis -> diagnoses, procedures -> checks -> llm, offline -> select.
Engines import only the code sets (``medcoder_tui.codes``) and the base modules (config,
paths) from outside this package; never the store, sequencing, evaluation, preferences,
the CLI or the TUI. ``tests/test_architecture.py`` enforces this.
"""
