"""The engine role: applies ``sfc.commands`` to the flows of the partitions it owns.

One loop: take a batch of commands, apply each with :func:`sfc.core.decide` (and the
timers that are due), produce every output (history, jobs, outcomes, one state snapshot
per touched flow) with ``acks=all``, and only then commit the batch's offsets. A crash
anywhere before the commit replays the batch onto the last durable snapshots, and
``decide`` ignores what was already applied: exactly-once effect on flow state.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
import uuid

from aiokafka import (
    AIOKafkaConsumer,
    AIOKafkaProducer,
    ConsumerRebalanceListener,
    ConsumerRecord,
    TopicPartition,
)
from aiokafka.errors import CommitFailedError, IllegalStateError, KafkaError

from sfc.core import (
    Context,
    Event,
    FlowState,
    Pause,
    Restart,
    Resume,
    StartFlow,
    TimerFired,
    decide,
)
from sfc.core.blueprint import Blueprint
from sfc.core.validation import InvalidBlueprintError
from sfc.engine import metrics
from sfc.engine.apply import Applier
from sfc.engine.load import LoadReporter, PendingJobs
from sfc.engine.outbox import Outbox, produce_all
from sfc.engine.partition import Partition
from sfc.engine.restore import restore_partition
from sfc.kafka import Topics, ensure_topics, make_consumer, make_producer
from sfc.kafka.records import COMMAND_DECODER, PauseBlueprint, ResumeBlueprint
from sfc.registry import Registry
from sfc.settings import Settings

log = logging.getLogger(__name__)

_BLUEPRINT_PATIENCE = 10.0
"""Seconds to wait for a blueprint version the registry has not delivered yet."""

Batches = dict[TopicPartition, list[ConsumerRecord[bytes, bytes]]]


class Engine:
    """One process's share of the engine role.

    Args:
        settings: The settings tree.
        registry: A started registry to share (the engine makes its own otherwise).
    """

    def __init__(self, settings: Settings, registry: Registry | None = None) -> None:
        self.settings = settings
        self.topics = Topics.from_settings(settings.kafka)
        self.id = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self.partitions: dict[int, Partition] = {}
        self.applier = Applier(self.topics)
        self.load = PendingJobs(self.topics)
        self._reporter: LoadReporter | None = None
        self._registry = registry
        self._own_registry = registry is None
        self._producer: AIOKafkaProducer | None = None
        self._consumer: AIOKafkaConsumer | None = None
        self._reader: AIOKafkaConsumer | None = None
        self._lock = asyncio.Lock()
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def registry(self) -> Registry:
        """The registry the engine reads blueprints from."""
        assert self._registry is not None, "start() the engine first"
        return self._registry

    async def start(self) -> None:
        """Create the topics, join the consumer group and start the loop."""
        kafka = self.settings.kafka
        await ensure_topics(kafka, self.topics.core())
        self._producer = make_producer(kafka)
        await self._producer.start()
        if self._registry is None:
            self._registry = Registry(kafka, self._producer)
            await self._registry.start()
        self._reader = make_consumer(kafka)
        await self._reader.start()
        self._consumer = make_consumer(kafka, group_id=self.settings.engine.group_id)
        self._consumer.subscribe([self.topics.commands], listener=_Ownership(self))
        await self._consumer.start()
        self._reporter = LoadReporter(
            self.id, self._producer, self.topics, self.load, self.settings.scheduler
        )
        self._reporter.start()
        self._task = asyncio.create_task(self._run(), name=f"engine-{self.id}")
        log.info("engine %s started", self.id)

    async def stop(self) -> None:
        """Finish the batch in hand, commit it, and leave the group."""
        self._stopping.set()
        if self._task is not None:
            await self._task
        if self._reporter is not None:
            await self._reporter.stop()
        for client in (self._consumer, self._reader):
            if client is not None:
                await client.stop()
        if self._own_registry and self._registry is not None:
            await self._registry.stop()
        if self._producer is not None:
            await self._producer.stop()
        log.info("engine %s stopped", self.id)

    @property
    def ready(self) -> bool:
        """Whether the engine has joined its group and owns partitions it restored."""
        return self._task is not None and not self._task.done() and bool(self.partitions)

    @property
    def flows(self) -> int:
        """How many running flows this engine holds."""
        return sum(len(p.running) for p in self.partitions.values())

    # -- the loop --------------------------------------------------------------------

    async def _run(self) -> None:
        assert self._consumer is not None
        while not self._stopping.is_set():
            try:
                batches = await self._consumer.getmany(
                    timeout_ms=self._wait_ms(), max_records=self.settings.engine.max_batch
                )
            except KafkaError as exc:
                log.warning("fetching commands failed (%s); retrying", exc)
                await asyncio.sleep(0.5)
                continue
            async with self._lock:
                with metrics.BATCH_SECONDS.time():
                    await self._process(batches)
            metrics.RUNNING_FLOWS.set(self.flows)

    def _wait_ms(self) -> int:
        dues = [due for p in self.partitions.values() if (due := p.next_due()) is not None]
        if not dues:
            return 200
        return max(0, min(200, int((min(dues) - time.time()) * 1000) + 1))

    async def _process(self, batches: Batches) -> None:
        outbox = Outbox()
        offsets: dict[TopicPartition, int] = {}
        for tp, records in batches.items():
            partition = self.partitions.get(tp.partition)
            if partition is None:
                self._refetch(tp, records[0].offset)
                continue
            for record in records:
                await self._apply_record(partition, record, outbox)
                offsets[tp] = record.offset + 1
            metrics.COMMANDS.inc(len(records))
        self._fire_timers(outbox)
        if outbox:
            await self._flush(outbox)
        if offsets:
            await self._commit(offsets)

    def _refetch(self, tp: TopicPartition, offset: int) -> None:
        # Records of a partition this engine does not hold (yet) must not be skipped:
        # rewind, so that they are fetched again once it is restored (or by its new owner).
        assert self._consumer is not None
        try:
            self._consumer.seek(tp, offset)
        except IllegalStateError:
            log.debug("partition %s is no longer assigned", tp)

    async def _apply_record(
        self, partition: Partition, record: ConsumerRecord[bytes, bytes], outbox: Outbox
    ) -> None:
        try:
            command = COMMAND_DECODER.decode(record.value or b"")
        except ValueError as exc:
            log.warning(
                "skipping unreadable command at %s/%d: %s", record.partition, record.offset, exc
            )
            return
        if isinstance(command, PauseBlueprint | ResumeBlueprint):
            await self._control_blueprint(partition, command, outbox)
        else:
            await self._apply(partition, command, outbox)

    async def _apply(self, partition: Partition, event: Event, outbox: Outbox) -> None:
        flow = partition.get(event.flow_id)
        blueprint = await self._blueprint_for(flow, event)
        if blueprint is None:
            return
        ctx = Context(time.time(), blueprint, event.id)
        decision = decide(flow, event, ctx)
        self.applier.absorb(partition, flow, decision, outbox)
        self.load.observe(partition.number, flow, decision)

    async def _blueprint_for(self, flow: FlowState | None, event: Event) -> Blueprint | None:
        if flow is None and not isinstance(event, StartFlow):
            log.debug("no flow %s for %s", event.flow_id, type(event).__name__)
            return None
        if isinstance(event, StartFlow):
            if flow is not None:
                return self._compiled(flow.blueprint, flow.version)
            name, version = event.blueprint, event.version
        elif isinstance(event, Restart) and event.latest and flow is not None:
            name, version = flow.blueprint, None
        else:
            assert flow is not None
            name, version = flow.blueprint, flow.version
        try:
            found = await self.registry.blueprint(name, version, patience=_BLUEPRINT_PATIENCE)
        except InvalidBlueprintError as exc:
            log.error("blueprint %s:%s in the registry is invalid: %s", name, version, exc)
            return None
        if found is None:
            log.error("no blueprint %s version %s: %s ignored", name, version, event.id)
        return found

    def _compiled(self, name: str, version: int) -> Blueprint | None:
        try:
            return self.registry.catalog.blueprint(name, version)
        except InvalidBlueprintError:
            return None

    async def _control_blueprint(
        self, partition: Partition, command: PauseBlueprint | ResumeBlueprint, outbox: Outbox
    ) -> None:
        pause = isinstance(command, PauseBlueprint)
        for flow in list(partition.running.values()):
            if flow.blueprint != command.blueprint:
                continue
            message_id = f"{command.id}:{flow.id}"
            event: Event = Pause(message_id, flow.id) if pause else Resume(message_id, flow.id)
            await self._apply(partition, event, outbox)

    def _fire_timers(self, outbox: Outbox) -> None:
        now = time.time()
        for partition in self.partitions.values():
            for due in partition.pop_due(now):
                flow = partition.running[due.flow_id]
                blueprint = self._compiled(flow.blueprint, flow.version)
                if blueprint is None:
                    continue
                event = TimerFired(f"timer:{due.timer}", flow.id, due.timer)
                ctx = Context(now, blueprint, event.id)
                decision = decide(flow, event, ctx)
                self.applier.absorb(partition, flow, decision, outbox)
                self.load.observe(partition.number, flow, decision)

    async def _flush(self, outbox: Outbox) -> None:
        records = list(outbox.records)
        for number, flow in outbox.states.values():
            partition = self.partitions.get(number)
            if partition is not None:
                records.append(self.applier.snapshot_record(partition, flow))
        delay = 0.1
        while True:
            assert self._producer is not None
            try:
                await produce_all(self._producer, records)
                return
            except KafkaError as exc:
                log.warning("producing %d records failed (%s); retrying", len(records), exc)
                metrics.PRODUCE_RETRIES.inc()
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)

    async def _commit(self, offsets: dict[TopicPartition, int]) -> None:
        assert self._consumer is not None
        try:
            await self._consumer.commit(offsets)
        except (CommitFailedError, KafkaError) as exc:
            # The partition moved; its new owner replays these commands onto the snapshots
            # just written, and decide() ignores what they already contain.
            log.info("commit failed (%s); the new owner will replay", exc)

    # -- ownership -------------------------------------------------------------------

    async def take(self, assigned: list[TopicPartition]) -> None:
        """Restore the partitions just assigned to this engine, fetching none meanwhile."""
        assert self._producer is not None
        assert self._reader is not None
        assert self._consumer is not None
        self._consumer.pause(*assigned)
        numbers = [tp.partition for tp in assigned]
        keep = max(
            1, self.settings.engine.ended_flows_kept // max(1, self.settings.kafka.partitions)
        )
        for number in numbers:
            self.partitions[number] = await restore_partition(
                self._producer, self._reader, self.topics.state, number, self.id, keep
            )
            self.load.restore(self.partitions[number], self.registry.catalog)
        metrics.PARTITIONS.set(len(self.partitions))
        self._consumer.resume(*assigned)

    async def release(self, numbers: list[int]) -> None:
        """Forget partitions taken from this engine (after the batch in hand is done)."""
        async with self._lock:
            for number in numbers:
                self.partitions.pop(number, None)
                self.load.release(number)
            metrics.PARTITIONS.set(len(self.partitions))


class _Ownership(ConsumerRebalanceListener):
    """Restores partitions on assignment; lets the batch in hand finish on revocation."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    async def on_partitions_revoked(self, revoked: list[TopicPartition]) -> None:
        await self._engine.release([tp.partition for tp in revoked])

    async def on_partitions_assigned(self, assigned: list[TopicPartition]) -> None:
        await self._engine.take(list(assigned))
