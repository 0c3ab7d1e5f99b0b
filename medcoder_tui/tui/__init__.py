"""The Textual user interface: a thin layer over the medcoder core.

Nothing outside this package imports Textual; ``tests/test_tui_core_imports.py``
proves it.
"""
