"""A consumer-group loop over a set of topics that changes as blueprints are deployed.

Each part of the bridge is one such loop: fetch a batch, act on it, produce its commands
to ``sfc.commands`` with ``acks=all`` and wait for every acknowledgement, and only then
commit the batch's offsets (at-least-once; the commands' ids make redeliveries harmless).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable

from aiokafka import (
    AIOKafkaConsumer,
    AIOKafkaProducer,
    ConsumerRebalanceListener,
    ConsumerRecord,
    TopicPartition,
)
from aiokafka.errors import CommitFailedError, IllegalStateError, KafkaError

from sfc.bridge import metrics
from sfc.core import Event
from sfc.engine.outbox import Record, produce_all
from sfc.kafka import Topics, make_consumer, make_headers
from sfc.kafka.records import ENCODER
from sfc.settings import Settings

log = logging.getLogger(__name__)

Batches = dict[TopicPartition, list[ConsumerRecord[bytes, bytes]]]

FETCH_MS = 100
"""Longest wait for records: how soon a loop notices new topics, subscriptions, stops."""


class GroupLoop:
    """Consumes a changing set of topics in a consumer group; subclasses handle batches.

    Args:
        settings: The settings tree.
        producer: A started producer (``acks=all``) for ``sfc.commands``.
        group_id: The consumer group.
        name: A name for logs and the task.
    """

    def __init__(
        self, settings: Settings, producer: AIOKafkaProducer, group_id: str, name: str
    ) -> None:
        self.settings = settings
        self.topics = Topics.from_settings(settings.kafka)
        self.name = name
        self._producer = producer
        self._group_id = group_id
        self._wanted: frozenset[str] = frozenset()
        self._consuming: frozenset[str] = frozenset()
        self._consumer: AIOKafkaConsumer | None = None
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()

    @property
    def consumer(self) -> AIOKafkaConsumer:
        """The started consumer."""
        assert self._consumer is not None, f"start() the {self.name} first"
        return self._consumer

    @property
    def running(self) -> bool:
        """Whether the loop is running."""
        return self._task is not None and not self._task.done()

    @property
    def subscribed(self) -> frozenset[str]:
        """The topics the loop consumes now."""
        return self._consuming

    def want(self, topics: Iterable[str]) -> None:
        """Consume these topics from now on (applied by the loop before its next fetch)."""
        self._wanted = frozenset(topics)

    async def start(self) -> None:
        """Start the consumer and the loop (which joins the group once it has topics)."""
        self._consumer = make_consumer(self.settings.kafka, group_id=self._group_id)
        await self._consumer.start()
        self._task = asyncio.create_task(self._run(), name=f"bridge-{self.name}")

    async def stop(self) -> None:
        """Finish the batch in hand, commit it and leave the group."""
        self._stopping.set()
        if self._task is not None:
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            except Exception:
                log.exception("%s had stopped on an error", self.name)
        if self._consumer is not None:
            await self._consumer.stop()

    async def _run(self) -> None:
        while not self._stopping.is_set():
            if self._wanted != self._consuming:
                await self._subscribe()
            if not self._consuming:
                await self._idle()
                continue
            self.before_fetch()
            try:
                batches = await self.consumer.getmany(timeout_ms=FETCH_MS, max_records=500)
            except KafkaError as exc:
                log.warning("%s: fetching failed (%s); retrying", self.name, exc)
                await asyncio.sleep(0.5)
                continue
            try:
                await self.handle(batches)
            except Exception:
                # A bug must not stop the loop for good: nothing of the batch was
                # committed, so rewinding makes it come again.
                log.exception("%s: handling a batch failed; it will be read again", self.name)
                self._rewind(batches)
                await asyncio.sleep(1.0)

    async def _subscribe(self) -> None:
        wanted = self._wanted
        if wanted:
            self.consumer.subscribe(sorted(wanted), listener=_Listener(self))
        else:
            # Nothing left to consume: leave the group with a fresh, idle consumer.
            await self.consumer.stop()
            self._consumer = make_consumer(self.settings.kafka, group_id=self._group_id)
            await self._consumer.start()
        self._consuming = wanted
        log.info("%s consumes %s", self.name, ", ".join(sorted(wanted)) or "nothing")

    async def _idle(self) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), FETCH_MS / 1000)

    def _rewind(self, batches: Batches) -> None:
        for tp, records in batches.items():
            self.seek(tp, records[0].offset)

    def seek(self, tp: TopicPartition, offset: int) -> None:
        """Fetch ``tp`` from ``offset`` again (if the partition is still ours)."""
        with contextlib.suppress(IllegalStateError):
            self.consumer.seek(tp, offset)

    # -- for subclasses --------------------------------------------------------------

    def before_fetch(self) -> None:
        """Called before each fetch (pause or resume partitions here)."""

    async def handle(self, batches: Batches) -> None:
        """Act on a batch (possibly empty): produce, then :meth:`commit`."""
        raise NotImplementedError

    def on_revoked(self, revoked: set[TopicPartition]) -> None:
        """Partitions were taken from this member (forget what is kept for them)."""

    async def send(self, commands: list[Event]) -> bool:
        """Produce commands to ``sfc.commands`` and wait for every acknowledgement.

        Retries with back-off while the broker does not answer.

        Returns:
            False when the bridge stopped before they were acknowledged (then they are
            not committed, and are sent again after a restart).
        """
        records = [command_record(self.topics, command) for command in commands]
        delay = 0.1
        while records:
            try:
                await produce_all(self._producer, records)
                return True
            except KafkaError as exc:
                if self._stopping.is_set():
                    return False
                log.warning("%s: sending %d commands failed (%s)", self.name, len(records), exc)
                metrics.PRODUCE_RETRIES.inc()
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)
        return True

    async def commit(self, offsets: dict[TopicPartition, int]) -> bool:
        """Commit offsets; a failure only means the records come again (to some member).

        Returns:
            Whether the offsets were committed.
        """
        if not offsets:
            return True
        try:
            await self.consumer.commit(offsets)
        except (CommitFailedError, IllegalStateError, KafkaError) as exc:
            log.info("%s: commit failed (%s); the records will be read again", self.name, exc)
            return False
        return True


def command_record(topics: Topics, command: Event) -> Record:
    """A command for ``sfc.commands``, keyed by its flow."""
    return Record(
        topics.commands,
        ENCODER.encode(command),
        key=command.flow_id.encode(),
        headers=make_headers(type(command).__name__, command.id, flow=command.flow_id),
    )


class _Listener(ConsumerRebalanceListener):
    def __init__(self, loop: GroupLoop) -> None:
        self._loop = loop

    async def on_partitions_revoked(self, revoked: list[TopicPartition]) -> None:
        self._loop.on_revoked(set(revoked))

    async def on_partitions_assigned(self, assigned: list[TopicPartition]) -> None:
        log.debug("%s assigned %s", self._loop.name, assigned)
