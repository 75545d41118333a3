"""SFC's one settings tree.

Values come from, in order of precedence: arguments given in code (the CLI's options),
``SFC_`` environment variables (nested with ``__``, e.g. ``SFC_KAFKA__BOOTSTRAP_SERVERS``),
a TOML file (``sfc.toml`` in the working directory, or the file named with ``--config``),
and the defaults below. No other module reads the environment.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, ValidationError
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from sfc.errors import ConfigError

DEFAULT_TOML = Path("sfc.toml")


class KafkaSettings(BaseModel):
    """The broker and SFC's topics."""

    bootstrap_servers: str = "127.0.0.1:9092"
    topic_prefix: str = Field(default="sfc", description="Prefix of SFC's own topics.")
    partitions: int = Field(
        default=8, ge=1, description="Partitions of the commands and state topics (equal, fixed)."
    )
    replication_factor: int = Field(default=1, ge=1)
    session_timeout_ms: int = Field(default=6000, ge=1000)
    request_timeout_ms: int = Field(default=10000, ge=1000)
    client_id: str = "sfc"

    def topic(self, name: str) -> str:
        """The full name of one of SFC's topics, e.g. ``commands`` -> ``sfc.commands``."""
        return f"{self.topic_prefix}.{name}"


class EngineSettings(BaseModel):
    """The engine role."""

    group_id: str = "sfc-engine"
    max_batch: int = Field(default=1000, ge=1, description="Commands applied per batch at most.")
    ended_flows_kept: int = Field(
        default=100_000, ge=0, description="Ended flows kept in memory to ignore late redeliveries."
    )
    port: int = Field(
        default=0, ge=0, le=65535, description="Health and metrics port; 0 picks one."
    )
    host: str = "127.0.0.1"


class GatewaySettings(BaseModel):
    """The gateway role (REST API, dashboard)."""

    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=0, le=65535)
    token: SecretStr | None = Field(default=None, description="Bearer token required when set.")
    max_payload_bytes: int = Field(default=256 * 1024, ge=1024)
    max_wait_seconds: float = Field(default=60.0, gt=0)


class WorkerSettings(BaseModel):
    """Workers of the async mode."""

    pool: str = "common"
    concurrency: int = Field(default=16, ge=1)
    heartbeat_seconds: float = Field(default=10.0, gt=0)
    group_prefix: str = "sfc-workers"


class ExecutorSettings(BaseModel):
    """The executor role (sync HTTP and gRPC calls)."""

    group_id: str = "sfc-executor"
    concurrency: int = Field(default=64, ge=1)
    per_host_limit: int = Field(default=32, ge=1)
    default_timeout_seconds: float = Field(default=60.0, gt=0)
    max_cause_bytes: int = Field(default=4096, ge=64)


class MonitorSettings(BaseModel):
    """The exporter and the monitor's index store."""

    store: Literal["sqlite", "elasticsearch"] = "sqlite"
    sqlite_path: Path = Path(".sfc/monitor.sqlite3")
    elasticsearch_url: str = "http://127.0.0.1:9200"
    index_prefix: str = "sfc"
    group_id: str = "sfc-exporter"


class LogSettings(BaseModel):
    """Logging, which only the CLI sets up."""

    level: str = "INFO"
    format: Literal["text", "json"] = "text"


class Settings(BaseSettings):
    """Everything SFC can be configured with."""

    model_config = SettingsConfigDict(
        env_prefix="SFC_",
        env_nested_delimiter="__",
        toml_file=DEFAULT_TOML,
        extra="ignore",
    )

    kafka: KafkaSettings = Field(default_factory=KafkaSettings)
    engine: EngineSettings = Field(default_factory=EngineSettings)
    gateway: GatewaySettings = Field(default_factory=GatewaySettings)
    worker: WorkerSettings = Field(default_factory=WorkerSettings)
    executor: ExecutorSettings = Field(default_factory=ExecutorSettings)
    monitor: MonitorSettings = Field(default_factory=MonitorSettings)
    log: LogSettings = Field(default_factory=LogSettings)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Arguments, then the environment, then the TOML file."""
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls))


def load_settings(config: Path | None = None) -> Settings:
    """Load the settings, from ``config`` instead of ``sfc.toml`` when given.

    Raises:
        ConfigError: The file is missing or a value is invalid.
    """
    if config is not None and not config.is_file():
        raise ConfigError(f"config file {config} does not exist")
    try:
        if config is None:
            return Settings()
        return _with_toml(config)()
    except ValidationError as exc:
        raise ConfigError(f"invalid settings: {exc}") from exc


def _with_toml(path: Path) -> type[Settings]:
    class FileSettings(Settings):
        model_config = SettingsConfigDict(toml_file=path)

    return FileSettings
