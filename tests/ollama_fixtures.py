"""Pytest fixtures for the loopback Ollama server (see ``ollama_server.py``).

Register them from ``tests/conftest.py`` with
``from ollama_fixtures import ollama_server, ollama_down_url  # noqa: F401``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ollama_server import OllamaServer, closed_port_url


@pytest.fixture
def ollama_server() -> Iterator[OllamaServer]:
    """A running loopback Ollama with the model ``llama3.1:8b``; stopped at teardown."""
    server = OllamaServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def ollama_down_url() -> str:
    """A loopback URL where nothing listens (connection refused)."""
    return closed_port_url()
