"""Reading a clinical note: sentences, sections, and the scope of negation, uncertainty,
history, family history and hypothetical mentions.

Owns ``clinical_text`` (one ``NoteAnalysis`` per note, shared by every engine and by the
checks) and ``age`` (the patient's age, read one way for every rule). May import ``engines.models`` and the code sets only; knows nothing of codes found.
"""
