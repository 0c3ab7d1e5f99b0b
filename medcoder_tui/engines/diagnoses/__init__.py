"""Finding ICD-10-CM diagnosis candidates in a note.

Owns matching note words to code titles, inclusion and index terms (``matcher``,
``hierarchy``), retrieval of the candidate list (``retrieval``, ``candidate``), its ranking
model (``ranking``), history/status/BMI codes (``status_codes``) and guideline combination
codes (``combinations``). May import ``engines.models``, ``engines.analysis`` and the code
sets; never ``procedures``, ``checks``, ``llm`` or anything above the engines.
"""
