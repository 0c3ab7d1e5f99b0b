"""Settings: defaults, then ``config.toml`` in the user config directory, then ``MEDCODER_*``.

``OLLAMA_HOST`` is honoured as the Ollama client itself honours it, unless
``MEDCODER_OLLAMA_HOST`` or the config file names a host.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from medcoder_tui import paths

Setting = Literal["outpatient", "inpatient", "ed"]


def config_file() -> Path:
    """The TOML config file medcoder reads (it need not exist)."""
    return Path(os.environ.get("MEDCODER_CONFIG", paths.config_dir() / "config.toml"))


class Settings(BaseSettings):
    """Every tunable of medcoder, with the defaults a coder gets out of the box."""

    model_config = SettingsConfigDict(env_prefix="MEDCODER_", extra="ignore")

    ollama_host: str = Field(default_factory=lambda: os.environ.get("OLLAMA_HOST", "http://127.0.0.1:11434"))
    # Several Ollama servers for batch coding and evaluation (a comma list in MEDCODER_OLLAMA_HOSTS);
    # empty means the one ``ollama_host``.
    ollama_hosts: Annotated[list[str], NoDecode] = Field(default_factory=list)
    ollama_model: str = "llama3.1:8b"
    ollama_connect_timeout: float = 3.0
    ollama_stall_timeout: float = 60.0
    temperature: float = 0.0
    engine: Literal["auto", "ollama", "offline"] = "auto"
    setting: Setting = "outpatient"
    store_path: Path | None = None
    # In a team store: minutes a case claim lasts after its holder's last heartbeat (a crashed session).
    claim_expiry_minutes: float = Field(default=10.0, gt=0)
    preferences: bool = True
    keymap: dict[str, str] = Field(default_factory=dict)

    @field_validator("ollama_hosts", mode="before")
    @classmethod
    def _split_hosts(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    def host_list(self) -> list[str]:
        """The Ollama servers to spread work over: ``ollama_hosts``, else the one ``ollama_host``."""
        hosts = [h.strip().rstrip("/") for h in self.ollama_hosts if h and h.strip()]
        return list(dict.fromkeys(hosts)) or [(self.ollama_host or "").strip() or "http://127.0.0.1:11434"]

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (
            init_settings,
            env_settings,
            TomlConfigSettingsSource(settings_cls, toml_file=config_file()),
        )

    def resolved_store_path(self) -> Path:
        """The store file: ``store_path`` if set, else ``store.json`` in the user data dir."""
        return Path(self.store_path).expanduser() if self.store_path else paths.data_dir() / "store.json"


def load_settings(**overrides: object) -> Settings:
    """Settings from every source, with explicit overrides (CLI flags) on top."""
    clean = {k: v for k, v in overrides.items() if v is not None}
    return Settings(**clean)
