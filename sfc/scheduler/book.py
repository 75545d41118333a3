"""The pools every scheduler and gateway sees: the settings' ones, as changed at run time.

Run-time changes are records of ``sfc.pools`` (one partition, key: the pool's name),
each the pool's whole configuration; every reader reads the topic from its beginning
and keeps the last record of each pool, so they survive restarts and every scheduler
and gateway agrees on them. A pool set at run time replaces the one of the same name
in the settings.
"""

from __future__ import annotations

import uuid

import msgspec
from aiokafka import AIOKafkaProducer, ConsumerRecord

from sfc.kafka import Topics
from sfc.scheduler.log import PartitionLog
from sfc.scheduler.pools import COMMON, from_settings
from sfc.scheduler.records import POOL_DECODER, PoolConfig, PoolsSync
from sfc.settings import Settings


class PoolBook:
    """Every pool's configuration.

    Args:
        settings: The pools declared (``scheduler.pools``) and where the broker is.
        producer: A started producer to share; one is made otherwise.
    """

    def __init__(self, settings: Settings, producer: AIOKafkaProducer | None = None) -> None:
        self._declared = {pool.name: from_settings(pool) for pool in settings.scheduler.pools}
        self._set: dict[str, PoolConfig] = {}
        topic = Topics.from_settings(settings.kafka).pools
        self._log = PartitionLog(settings.kafka, topic, self._apply, producer=producer)

    async def start(self) -> None:
        """Read the topic up to now.

        Raises:
            UnavailableError: The broker cannot be reached.
        """
        await self._log.start()
        await self.sync()

    async def stop(self) -> None:
        """Stop reading."""
        await self._log.stop()

    def pools(self) -> list[PoolConfig]:
        """Every pool, the common pool first, then by name."""
        merged = {**self._declared, **self._set}
        return sorted(merged.values(), key=lambda pool: (pool.name != COMMON, pool.name))

    def get(self, name: str) -> PoolConfig | None:
        """One pool, or None."""
        return self._set.get(name) or self._declared.get(name)

    async def put(self, config: PoolConfig) -> PoolConfig:
        """Store a pool's new configuration and wait until it is read back.

        Raises:
            UnavailableError: The broker cannot be reached.
        """
        await self._log.append(msgspec.json.encode(config), config.name)
        return self._set.get(config.name, config)

    async def sync(self) -> None:
        """Wait until everything written to the topic before now has been read.

        Raises:
            UnavailableError: The broker cannot be reached.
        """
        await self._log.append(msgspec.json.encode(PoolsSync(uuid.uuid4().hex)), "sync")

    def _apply(self, record: ConsumerRecord[bytes, bytes]) -> None:
        if record.value is None:
            return
        found = POOL_DECODER.decode(record.value)
        if isinstance(found, PoolConfig):
            self._set[found.name] = found
