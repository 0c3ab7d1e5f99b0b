"""Talking to a local model under Ollama.

Owns ``ollama_engine`` (the streaming Engine over the official client), ``hosts`` (several
Ollama servers behind one engine: least busy host, failover), ``prompts`` (the
prompt text, candidate lists, the JSON schema of a reply, PROMPT_VERSION) and ``parsing``
(tolerant streaming parse of model output). May import every lower engine room
(models, analysis, diagnoses, procedures, checks), ``config`` and the code sets.
"""
