"""Settings: defaults, then ``config.toml`` in the user config directory, then ``MEDCODER_*``.

``OLLAMA_HOST`` is honoured as the Ollama client itself honours it, unless
``MEDCODER_OLLAMA_HOST`` or the config file names a host.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from medcoder_tui import paths

Setting = Literal["outpatient", "inpatient", "ed"]


class SettingsError(ValueError):
    """A setting that cannot be used, in one line naming where it came from (file and key, or variable)."""


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
    """Settings from every source, with explicit overrides (CLI flags) on top.

    Raises :class:`SettingsError` with one line naming the file and key (or the
    environment variable) of the first bad value.
    """
    clean = {k: v for k, v in overrides.items() if v is not None}
    try:
        settings = Settings(**clean)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{config_file()}: not valid TOML ({exc})") from None
    except ValidationError as exc:
        raise SettingsError(_describe(exc, clean)) from None
    hosts = [("ollama_host", settings.ollama_host)] + [("ollama_hosts", h) for h in settings.ollama_hosts if h.strip()]
    for key, host in hosts:
        problem = host_problem(host)
        if problem:   # "http://[::1" must fail here, named, not later inside the HTTP client
            raise SettingsError(f"{_where(key, clean)}: bad value {host!r}: {problem}")
    return settings


def host_problem(host: str) -> str | None:
    """What is wrong with an Ollama host URL, or None (a bare ``host:port`` is allowed, as Ollama allows it)."""
    url = host.strip()
    try:
        parts = urlsplit(url if "://" in url else f"http://{url}")
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number or out of range
    except ValueError as exc:
        return f"not a valid URL ({exc})"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "not an http:// or https:// URL with a host name"
    return None


def _describe(exc: ValidationError, overrides: dict) -> str:
    """The first error of ``exc`` as one line saying where the bad value was set."""
    err = exc.errors()[0]
    key = str(err["loc"][0]) if err["loc"] else "?"
    msg = err["msg"].removeprefix("Value error, ")
    value = err.get("input")
    shown = f" {value!r}" if isinstance(value, (str, int, float, bool)) else ""
    more = f" (and {len(exc.errors()) - 1} more)" if len(exc.errors()) > 1 else ""
    return f"{_where(key, overrides)}: bad value{shown}: {msg}{more}"


def _where(key: str, overrides: dict) -> str:
    """Where the value of setting ``key`` came from: an option, a variable, or the config file's key."""
    env = f"MEDCODER_{key.upper()}"
    if key in overrides:
        return f"option for {key}"
    if any(name.upper() == env for name in os.environ):
        return env
    if key == "ollama_host" and "OLLAMA_HOST" in os.environ and not _in_config_file(key):
        return "OLLAMA_HOST"
    return f"{config_file()}: key {key!r}"


def _in_config_file(key: str) -> bool:
    try:
        return key in tomllib.loads(config_file().read_text("utf-8"))
    except (OSError, ValueError):
        return False
