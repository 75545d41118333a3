"""SFC's one settings tree.

Values come from, in order of precedence: arguments given in code (the CLI's options),
``SFC_`` environment variables (nested with ``__``, e.g. ``SFC_KAFKA__BOOTSTRAP_SERVERS``),
a TOML file (``sfc.toml`` in the working directory, or the file named with ``--config``),
and the defaults below. No other module reads the environment.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, ValidationError, model_validator
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
    fetch_max_wait_ms: int = Field(
        default=10,
        ge=1,
        le=500,
        description="How long a fetch waits for data: each hop of a flow can wait this long. "
        "Lower cuts latency (5 ms: p99 ~40 ms at 100 flows/s) at the cost of idle CPU.",
    )

    def topic(self, name: str) -> str:
        """The full name of one of SFC's topics, e.g. ``commands`` -> ``sfc.commands``."""
        return f"{self.topic_prefix}.{name}"


class EngineSettings(BaseModel):
    """The engine role."""

    group_id: str = Field(
        default="", description="Consumer group; '<topic_prefix>-engine' if unset."
    )
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
    """Workers of the async mode (``sfc worker``); see docs/workers.md."""

    pool: str = Field(default="common", description="'common', or a blueprint's name.")
    concurrency: int = Field(default=16, ge=1, description="Jobs run at once.")
    group_prefix: str = Field(
        default="",
        description="Consumer group of a pool: '<prefix>.<pool>'; "
        "'<topic_prefix>-workers' if unset.",
    )
    shutdown_grace_seconds: float = Field(
        default=20.0,
        ge=0,
        description="On stop or drain, how long jobs in hand may finish before being handed back.",
    )
    rebalance_grace_seconds: float = Field(
        default=3.0,
        ge=0,
        description="When partitions move, how long their jobs may finish before they go.",
    )
    heartbeats_per_interval: int = Field(
        default=3, ge=1, description="Heartbeats sent per HeartbeatSeconds of a job."
    )
    max_output_bytes: int = Field(
        default=1_000_000,
        ge=1024,
        le=4_000_000,
        description="Largest encoded reply; keep it below the broker's message.max.bytes.",
    )
    linger_ms: int = Field(default=2, ge=0, le=1000, description="Batching delay of replies.")
    host: str = "127.0.0.1"
    port: int = Field(
        default=0, ge=0, le=65535, description="Health and metrics port; 0 picks one."
    )


class ExecutorSettings(BaseModel):
    """The executor role (sync HTTP and gRPC calls)."""

    group_id: str = Field(
        default="", description="Consumer group; '<topic_prefix>-executor' if unset."
    )
    concurrency: int = Field(default=64, ge=1, description="Calls in flight at most.")
    per_host_limit: int = Field(
        default=32, ge=1, description="Calls in flight to one host:port at most."
    )
    default_timeout_seconds: float = Field(
        default=60.0, gt=0, description="A call's timeout when its Task sets no TimeoutSeconds."
    )
    max_cause_bytes: int = Field(
        default=4096, ge=64, description="Failure causes (error bodies) are cut to this size."
    )
    max_response_bytes: int = Field(
        default=1_000_000,
        ge=1024,
        le=4_000_000,
        description="Largest successful HTTP response body; a larger one fails the task "
        "(SFC.Http.InvalidResponse). Keep it below the broker's message.max.bytes.",
    )
    descriptor_sets: list[Path] = Field(
        default_factory=list,
        description="Protobuf descriptor sets (protoc --include_imports --descriptor_set_out) "
        "describing gRPC services; services not in them are looked up by server reflection.",
    )
    port: int = Field(
        default=0, ge=0, le=65535, description="Health and metrics port; 0 picks one."
    )
    host: str = "127.0.0.1"


class BridgeSettings(BaseModel):
    """The bridge to plain Kafka services: replies, triggers and Join events.

    The gateway role runs it (and ``sfc dev``); several gateways share its work through
    the consumer groups below.
    """

    enabled: bool = Field(default=True, description="Whether the gateway role runs the bridge.")
    trigger_group: str = Field(
        default="", description="Consumer group of trigger topics; '<topic_prefix>' if unset."
    )
    reply_group: str = Field(
        default="", description="Consumer group of reply topics; '<topic_prefix>-replies' if unset."
    )
    event_group: str = Field(
        default="",
        description="Consumer group of Join event source topics; "
        "'<topic_prefix>-join-events' if unset.",
    )
    refresh_seconds: float = Field(
        default=1.0, gt=0, description="How often deployed blueprints are checked for topics."
    )
    early_event_seconds: float = Field(
        default=300.0,
        gt=0,
        description="How long a Join event is kept while no flow has subscribed to its key.",
    )
    max_early_events: int = Field(
        default=100_000, ge=1, description="Early events kept at most; reading pauses beyond."
    )
    create_topics: bool = Field(
        default=True, description="Create the topics blueprints name (kafka://) when missing."
    )


class MonitorSettings(BaseModel):
    """The exporter and the monitor's index store."""

    store: Literal["sqlite", "elasticsearch"] = "sqlite"
    sqlite_path: Path = Path(".sfc/monitor.sqlite3")
    elasticsearch_url: str = Field(
        default="http://127.0.0.1:9200",
        description="Elasticsearch node URL(s); several are separated by commas.",
    )
    index_prefix: str = Field(
        default="sfc",
        # What Elasticsearch accepts in index names, in a form that cannot start with - or _.
        pattern=r"^[a-z0-9][a-z0-9_.-]{0,200}$",
        description="Elasticsearch indices are named <prefix>-flows, <prefix>-steps, ...",
    )
    elasticsearch_api_key: SecretStr | None = Field(
        default=None, description="API key (the encoded id:key) for Elasticsearch."
    )
    elasticsearch_username: str | None = Field(
        default=None, description="User for HTTP basic authentication to Elasticsearch."
    )
    elasticsearch_password: SecretStr | None = None
    elasticsearch_ca_certs: Path | None = Field(
        default=None, description="CA bundle that signed the cluster's TLS certificate."
    )
    elasticsearch_timeout_seconds: float = Field(default=10.0, gt=0)
    elasticsearch_refresh: bool = Field(
        default=False,
        description=(
            "Refresh after each apply, so searches see it at once (as with SQLite); "
            "otherwise within the indices' refresh interval (1 s by default)."
        ),
    )
    group_id: str = Field(
        default="", description="Consumer group; '<topic_prefix>-exporter' if unset."
    )
    host: str = Field(default="127.0.0.1", description="The exporter's health and metrics server.")
    port: int = Field(
        default=0,
        ge=0,
        le=65535,
        description="The exporter's health and metrics port; 0 picks one.",
    )


POOL_NAME = r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,127}$"
"""A pool's name: ``common`` or a blueprint's (the registry's rule for names)."""


class PoolSettings(BaseModel):
    """One worker pool (``[[scheduler.pools]]``); see docs/scheduler.md.

    The API (``PUT /api/v1/pools/{name}``) changes pools at run time; what it writes
    takes precedence over what is declared here.
    """

    name: str = Field(
        default="common",
        pattern=POOL_NAME,
        description="'common', or the name of a blueprint with messageType specific.",
    )
    modules: list[str] = Field(
        default_factory=list,
        description="Handler modules its workers serve (sfc worker --module); none: no workers.",
    )
    min_replicas: int = Field(default=1, ge=0, description="Workers the pool keeps at least.")
    max_replicas: int = Field(default=4, ge=1, description="Workers the pool grows to at most.")
    target_pending: int = Field(
        default=32, ge=1, description="Pending jobs per worker the pool is sized for."
    )
    cooldown_seconds: float = Field(
        default=30.0,
        ge=0,
        description="How long the demand must stay lower before the pool shrinks.",
    )
    max_age_seconds: float | None = Field(
        default=None,
        gt=0,
        description="Add a worker (one per cooldown) while the oldest pending job is older; "
        "None sizes by the count of pending jobs alone.",
    )
    concurrency: int | None = Field(
        default=None,
        ge=1,
        description="Jobs each worker runs at once (worker.concurrency if unset).",
    )
    replicas: int | None = Field(
        default=None, ge=0, description="A fixed number of workers instead of autoscaling."
    )

    @model_validator(mode="after")
    def _bounds(self) -> PoolSettings:
        if self.min_replicas > self.max_replicas:
            raise ValueError(
                f"pool {self.name}: min_replicas {self.min_replicas} is over "
                f"max_replicas {self.max_replicas}"
            )
        if self.replicas is not None and not (
            self.min_replicas <= self.replicas <= self.max_replicas
        ):
            raise ValueError(f"pool {self.name}: replicas must be within min and max replicas")
        return self


class SchedulerSettings(BaseModel):
    """The scheduler role (``sfc scheduler``) and the pools it sizes; see docs/scheduler.md."""

    backend: Literal["local"] = Field(
        default="local", description="Where workers run: 'local' processes on this machine."
    )
    group_id: str = Field(
        default="",
        description="Consumer group of the leader election; '<topic_prefix>-scheduler' if unset.",
    )
    pools: list[PoolSettings] = Field(
        default_factory=lambda: [PoolSettings()],
        description="The pools; by default the common pool (without modules: no workers).",
    )
    interval_seconds: float = Field(
        default=1.0, gt=0, description="How often the leader sizes the pools."
    )
    load_interval_seconds: float = Field(
        default=1.0, gt=0, description="How often each engine reports its pending jobs."
    )
    load_ttl_seconds: float = Field(
        default=5.0,
        gt=0,
        description="How long an engine's report counts without a newer one "
        "(a few load intervals).",
    )
    start_timeout_seconds: float = Field(
        default=30.0, gt=0, description="A worker not ready after this long failed to start."
    )
    backoff_seconds: float = Field(
        default=1.0, gt=0, description="Wait after a first failed start; doubles each time."
    )
    max_backoff_seconds: float = Field(
        default=60.0, gt=0, description="Longest wait between two failed starts."
    )
    stop_timeout_seconds: float | None = Field(
        default=None,
        gt=0,
        description="A draining worker is killed after this long "
        "(default: worker.shutdown_grace_seconds + 10).",
    )
    high_volume_flows_per_day: int = Field(
        default=10_000, ge=1, description="Blueprints starting more flows a day get advice."
    )
    host: str = "127.0.0.1"
    port: int = Field(
        default=0, ge=0, le=65535, description="Health and metrics port; 0 picks one."
    )

    @model_validator(mode="after")
    def _unique(self) -> SchedulerSettings:
        names = [pool.name for pool in self.pools]
        twice = sorted({name for name in names if names.count(name) > 1})
        if twice:
            raise ValueError(f"pool {twice[0]} is declared more than once")
        return self


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
    bridge: BridgeSettings = Field(default_factory=BridgeSettings)
    monitor: MonitorSettings = Field(default_factory=MonitorSettings)
    scheduler: SchedulerSettings = Field(default_factory=SchedulerSettings)
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

    @model_validator(mode="after")
    def _consumer_groups(self) -> Settings:
        # Named after the topic prefix, so stacks with their own prefixes on one broker
        # never share a consumer group (and never wait on each other's rebalances).
        prefix = self.kafka.topic_prefix
        defaults = (
            (self.engine, "group_id", f"{prefix}-engine"),
            (self.executor, "group_id", f"{prefix}-executor"),
            (self.monitor, "group_id", f"{prefix}-exporter"),
            (self.scheduler, "group_id", f"{prefix}-scheduler"),
            (self.worker, "group_prefix", f"{prefix}-workers"),
            (self.bridge, "trigger_group", prefix),
            (self.bridge, "reply_group", f"{prefix}-replies"),
            (self.bridge, "event_group", f"{prefix}-join-events"),
        )
        for section, field, name in defaults:
            if not getattr(section, field):
                setattr(section, field, name)
        return self


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
