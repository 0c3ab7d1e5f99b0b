"""Test-wide set-up: isolate user directories and never reach a real Ollama.

The environment is set at import time so that subprocesses started by tests
(the CLI, the kill -9 worker) inherit it too. The ICD-10-CM index cache is
kept between runs (building it costs ~3 s) unless MEDCODER_CACHE_DIR is set.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

_SANDBOX = Path(tempfile.mkdtemp(prefix="medcoder-tests-"))
os.environ["MEDCODER_DATA_DIR"] = str(_SANDBOX / "data")
os.environ["MEDCODER_CONFIG_DIR"] = str(_SANDBOX / "config")
os.environ.setdefault("MEDCODER_CACHE_DIR", str(Path(tempfile.gettempdir()) / "medcoder-test-cache"))
# Port 9 (discard) is closed on loopback: any test that forgets to point at the
# loopback fake gets "unreachable" instead of a real model server.
os.environ["OLLAMA_HOST"] = "http://127.0.0.1:9"
for _var in list(os.environ):
    if _var.startswith("MEDCODER_") and _var not in ("MEDCODER_DATA_DIR", "MEDCODER_CONFIG_DIR", "MEDCODER_CACHE_DIR"):
        del os.environ[_var]

from ollama_fixtures import ollama_down_url, ollama_server  # noqa: E402,F401 - fixtures for every test module


@pytest.fixture(scope="session")
def codesets():
    """The shared, fully loaded code sets."""
    from medcoder_tui.codes.service import get_codesets

    return get_codesets()
