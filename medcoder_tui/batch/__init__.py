"""Batch coding: pre-code every note of a folder into the store, over one or several Ollama hosts."""
