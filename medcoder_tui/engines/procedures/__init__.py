"""Finding CPT and HCPCS Level II codes in a note by rule: procedures performed, tests and
their own reads, drugs given with units, vaccines, supplies and E/M levels.

Owns ``suggest`` (the entry point, ``suggest_procedures``), ``context`` (shared patterns and
the per-note context), ``match``, ``diagnostics`` and ``drugs``. May import
``engines.models``, ``engines.analysis`` and the code sets; never ``diagnoses``, ``checks``,
``llm`` or anything above the engines.
"""
