"""Suggestion engines (Ollama and offline), their output parsing and grounding."""
