"""Evaluation mode: run the coder over gold-coded notes, score it, find its error patterns.

``gold`` loads known correct codes, ``runner`` runs an engine and scores each note
(``metrics``, ``patterns``), ``report`` writes Markdown, ``compare`` diffs two runs.
Nothing here imports Textual.
"""
