"""Live figures of the pools, from ``sfc.load``: what engines owe each pool, and what the
leading scheduler runs.

Readers start at the topic's end (only fresh figures matter) and keep each engine's last
report per pool, and the leader's last status, for as long as its ``ttl`` says, counted
from when it was read: a report is never judged by the clock of the machine that wrote
it. An engine or a leader that goes away thus stops counting a few seconds later.
"""

from __future__ import annotations

import asyncio
import contextlib
import time

import msgspec
from aiokafka import AIOKafkaProducer, ConsumerRecord

from sfc.engine.load import PoolLoad
from sfc.kafka import Topics
from sfc.scheduler.log import PartitionLog
from sfc.scheduler.records import LIVE_DECODER, SchedulerStatus
from sfc.scheduler.rule import Demand
from sfc.settings import KafkaSettings

STATUS_KEY = "scheduler"
"""The key of the leader's status records."""


class LiveView:
    """The fresh reports of ``sfc.load``.

    Args:
        settings: Where the broker is.
        producer: A started producer to share; one is made otherwise.
    """

    def __init__(self, settings: KafkaSettings, producer: AIOKafkaProducer | None = None) -> None:
        self._loads: dict[tuple[str, str], tuple[PoolLoad, float]] = {}
        self._status: tuple[SchedulerStatus, float] | None = None
        self._status_read = asyncio.Event()
        topic = Topics.from_settings(settings).load
        self._log = PartitionLog(settings, topic, self._apply, producer=producer, from_end=True)

    async def start(self) -> None:
        """Start reading at the end of the topic.

        Raises:
            UnavailableError: The broker cannot be reached.
        """
        await self._log.start()

    async def stop(self) -> None:
        """Stop reading."""
        await self._log.stop()

    def demands(self) -> dict[str, Demand]:
        """Pending jobs and the oldest one's age per pool, summed over the engines."""
        now = time.monotonic()
        pending: dict[str, int] = {}
        oldest: dict[str, float] = {}
        for key, (load, expires) in list(self._loads.items()):
            if expires < now:
                del self._loads[key]
                continue
            pending[load.pool] = pending.get(load.pool, 0) + load.pending
            oldest[load.pool] = max(oldest.get(load.pool, 0.0), load.oldest_age)
        return {pool: Demand(count, oldest[pool]) for pool, count in pending.items()}

    def demand(self, pool: str) -> Demand:
        """One pool's pending jobs (none when no engine reports any)."""
        return self.demands().get(pool, Demand(0))

    def status(self) -> SchedulerStatus | None:
        """The leader's last status, while it counts."""
        if self._status is None or self._status[1] < time.monotonic():
            return None
        return self._status[0]

    async def wait_status(self, patience: float) -> SchedulerStatus | None:
        """The leader's status, waiting up to ``patience`` seconds for one to be read."""
        if self.status() is None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._status_read.wait(), patience)
        return self.status()

    async def publish(self, status: SchedulerStatus) -> None:
        """Write the leader's status.

        Raises:
            UnavailableError: The broker did not take it.
        """
        await self._log.send(msgspec.json.encode(status), STATUS_KEY)

    def _apply(self, record: ConsumerRecord[bytes, bytes]) -> None:
        if record.value is None:
            return
        found = LIVE_DECODER.decode(record.value)
        expires = time.monotonic() + found.ttl
        if isinstance(found, PoolLoad):
            self._loads[(found.engine, found.pool)] = (found, expires)
        elif (current := self.status()) is None or found.epoch >= current.epoch:
            # A deposed leader's late status never hides its successor's.
            self._status = (found, expires)
            self._status_read.set()
