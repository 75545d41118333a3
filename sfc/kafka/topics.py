"""The names of SFC's topics, and creating them at start-up."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError

from sfc.errors import UnavailableError
from sfc.settings import KafkaSettings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Topics:
    """Every topic SFC uses, named from the settings' prefix."""

    prefix: str
    partitions: int

    @classmethod
    def from_settings(cls, settings: KafkaSettings) -> Topics:
        """The topics for these settings."""
        return cls(settings.topic_prefix, settings.partitions)

    @property
    def commands(self) -> str:
        """StartFlow, task results, control messages: what engines consume."""
        return f"{self.prefix}.commands"

    @property
    def state(self) -> str:
        """The latest snapshot of each flow, partitioned as ``commands``."""
        return f"{self.prefix}.state"

    @property
    def events(self) -> str:
        """Every flow's history."""
        return f"{self.prefix}.events"

    @property
    def blueprints(self) -> str:
        """The blueprint and task-definition registry (one partition: one order)."""
        return f"{self.prefix}.blueprints"

    @property
    def outcomes(self) -> str:
        """One record per flow that ends: what ``?wait=`` callers wait for."""
        return f"{self.prefix}.outcomes"

    @property
    def subscriptions(self) -> str:
        """Which flows wait for which Join events (Subscribe / Unsubscribe from engines)."""
        return f"{self.prefix}.subscriptions"

    @property
    def common_jobs(self) -> str:
        """Jobs of ``common`` blueprints, for the common worker pool."""
        return f"{self.prefix}.jobs.common"

    @property
    def executor_jobs(self) -> str:
        """Sync jobs (HTTP, gRPC) for the executor."""
        return f"{self.prefix}.jobs.executor"

    @property
    def pools(self) -> str:
        """Worker pool configurations changed at run time (one partition: one order)."""
        return f"{self.prefix}.pools"

    @property
    def load(self) -> str:
        """Live figures of the pools: engines' pending jobs, the leading scheduler's workers."""
        return f"{self.prefix}.load"

    @property
    def scheduler(self) -> str:
        """The schedulers' leader election: its partition 0 is the leader's."""
        return f"{self.prefix}.scheduler"

    def blueprint_jobs(self, blueprint: str) -> str:
        """Jobs of a ``specific`` blueprint, for its own worker pool."""
        return f"{self.prefix}.jobs.bp.{blueprint}"

    def core(self) -> dict[str, int]:
        """SFC's own topics with their partition counts."""
        n = self.partitions
        return {
            self.commands: n,
            self.state: n,
            self.events: n,
            self.outcomes: n,
            self.subscriptions: n,
            self.blueprints: 1,
            self.common_jobs: n,
            self.executor_jobs: n,
            self.pools: 1,
            self.load: 1,
            self.scheduler: 1,
        }


async def ensure_topics(
    settings: KafkaSettings, topics: dict[str, int], patience: float = 30.0
) -> None:
    """Create the topics that do not exist yet.

    Args:
        settings: Where the broker is.
        topics: Topic names and their partition counts.
        patience: Seconds to keep trying while the broker is unreachable.

    Raises:
        UnavailableError: The broker could not be reached in time.
    """
    deadline = asyncio.get_running_loop().time() + patience
    while True:
        admin = AIOKafkaAdminClient(
            bootstrap_servers=settings.bootstrap_servers,
            client_id=f"{settings.client_id}-admin",
            request_timeout_ms=settings.request_timeout_ms,
        )
        try:
            await admin.start()
            existing = set(await admin.list_topics())
            missing = [
                NewTopic(name, partitions, settings.replication_factor)
                for name, partitions in topics.items()
                if name not in existing
            ]
            if missing:
                await admin.create_topics(missing)
                log.info("created topics %s", ", ".join(t.name for t in missing))
            return
        except KafkaError as exc:
            if asyncio.get_running_loop().time() > deadline:
                raise UnavailableError(
                    f"cannot create topics on {settings.bootstrap_servers}: {exc}"
                ) from exc
            log.warning("broker not ready to create topics (%s); retrying", exc)
            await asyncio.sleep(0.5)
        finally:
            await admin.close()
