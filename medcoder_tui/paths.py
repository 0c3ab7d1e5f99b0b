"""Where medcoder keeps its files: user data, cache and config, and the bundled styles."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "medcoder"


def _override(env: str) -> Path | None:
    value = os.environ.get(env)
    return Path(value).expanduser() if value else None


def data_dir() -> Path:
    """User data directory (store, imported CPT/HCPCS tables)."""
    return _override("MEDCODER_DATA_DIR") or Path(platformdirs.user_data_dir(APP_NAME))


def cache_dir() -> Path:
    """User cache directory (the compact ICD-10-CM index)."""
    return _override("MEDCODER_CACHE_DIR") or Path(platformdirs.user_cache_dir(APP_NAME))


def config_dir() -> Path:
    """User config directory (config.toml, preference rules)."""
    return _override("MEDCODER_CONFIG_DIR") or Path(platformdirs.user_config_dir(APP_NAME))


def styles_dir() -> Path:
    """The .tcss files: ``styles/`` in a checkout, or the copy installed inside the package."""
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "styles", here / "styles"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("medcoder styles directory not found; reinstall medcoder")
