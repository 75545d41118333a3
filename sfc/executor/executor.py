"""The executor role: takes sync jobs from ``sfc.jobs.executor``, calls, reports the results.

Jobs are taken as long as fewer than ``concurrency`` are in flight, and each is reported
as soon as its call ends, with ``acks=all``: a slow service holds up nothing but its own
jobs. Offsets are committed only up to the first job of each partition not yet reported
(:mod:`.offsets`), so a job is delivered again, never lost, when an executor dies; the
engine applies one result per job token, so a repeated call changes no flow twice
(services should still make repeated calls harmless, as with any at-least-once client).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

import msgspec
from aiokafka import (
    AIOKafkaConsumer,
    AIOKafkaProducer,
    ConsumerRebalanceListener,
    ConsumerRecord,
    TopicPartition,
)
from aiokafka.errors import KafkaError

from sfc.core import Job, TaskHeartbeat
from sfc.executor import metrics
from sfc.executor.calls import Calls, Reply
from sfc.executor.offsets import Offsets
from sfc.kafka import Topics, ensure_topics, make_consumer, make_headers, make_producer
from sfc.kafka.records import ENCODER
from sfc.settings import Settings

log = logging.getLogger(__name__)

_JOB = msgspec.json.Decoder(Job)
_COMMIT_EVERY = 0.05
"""Seconds between commits while running: a commit per fetched batch would cost the
broker a request per few jobs at high rates."""
_REVOKE_PATIENCE = 5.0
"""Seconds the jobs of revoked partitions may take to finish before the partitions go
(their offsets are committed if they do, so the new owner does not call again)."""


class Executor:
    """One process's share of the executor role (a :class:`sfc.roles.Service`).

    Args:
        settings: The settings tree.
        calls: What makes the calls (default: one built from ``settings.executor``).

    Raises:
        ConfigError: A descriptor set named in the settings cannot be used.
    """

    def __init__(self, settings: Settings, calls: Calls | None = None) -> None:
        self.settings = settings
        self.topics = Topics.from_settings(settings.kafka)
        self.calls = calls or Calls(settings.executor)
        self._offsets = Offsets()
        self._jobs: dict[asyncio.Task[None], TopicPartition] = {}
        self._producer: AIOKafkaProducer | None = None
        self._consumer: AIOKafkaConsumer | None = None
        self._loop: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()

    @property
    def ready(self) -> bool:
        """Whether the executor is taking jobs."""
        return self._loop is not None and not self._loop.done() and not self._stopping.is_set()

    async def start(self) -> None:
        """Create the topics, open the clients, join the consumer group and start taking jobs."""
        kafka = self.settings.kafka
        await ensure_topics(kafka, self.topics.core())
        await self.calls.start()
        self._producer = make_producer(kafka)
        await self._producer.start()
        self._consumer = make_consumer(kafka, group_id=self.settings.executor.group_id)
        self._consumer.subscribe([self.topics.executor_jobs], listener=_Handover(self._hand_over))
        await self._consumer.start()
        self._loop = asyncio.create_task(self._run(), name="executor")
        log.info("executor taking jobs from %s", self.topics.executor_jobs)

    async def stop(self) -> None:
        """Take no more jobs; finish and report the calls in flight, commit, and leave."""
        if self._stopping.is_set():
            return
        self._stopping.set()
        if self._loop is not None:
            await self._loop
        if self._consumer is not None:
            await self._consumer.stop()
        if self._producer is not None:
            await self._producer.stop()
        await self.calls.stop()
        log.info("executor stopped")

    async def _run(self) -> None:
        consumer = self._consumer
        assert consumer is not None
        limit = self.settings.executor.concurrency
        loop = asyncio.get_running_loop()
        committed_at = loop.time()
        while not self._stopping.is_set():
            free = limit - len(self._jobs)
            if free <= 0:
                await asyncio.wait(self._jobs, timeout=0.2, return_when=asyncio.FIRST_COMPLETED)
            else:
                await self._take(consumer, free)
            if loop.time() - committed_at >= _COMMIT_EVERY:
                committed_at = loop.time()
                await self._commit()
        if self._jobs:
            await asyncio.wait(self._jobs)
        await self._commit()

    async def _take(self, consumer: AIOKafkaConsumer, free: int) -> None:
        try:
            batches = await consumer.getmany(timeout_ms=100, max_records=free)
        except KafkaError as exc:
            log.warning("fetching jobs failed (%s); retrying", exc)
            await asyncio.sleep(0.5)
            return
        for partition, records in batches.items():
            for record in records:
                self._launch(partition, record)

    def _launch(self, partition: TopicPartition, record: ConsumerRecord[bytes, bytes]) -> None:
        self._offsets.take(partition, record.offset)
        try:
            job = _JOB.decode(record.value or b"")
        except msgspec.DecodeError as exc:
            log.warning("skipping an unreadable job at %s@%d: %s", partition, record.offset, exc)
            self._offsets.done(partition, record.offset)
            return
        task = asyncio.create_task(self._serve(partition, record.offset, job))
        self._jobs[task] = partition
        metrics.IN_FLIGHT.inc()
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._jobs.pop(task, None)
        metrics.IN_FLIGHT.dec()
        if not task.cancelled() and task.exception() is not None:
            # The job was not reported, so its offset is never marked done: commits of its
            # partition stop there and the job is delivered again after a restart.
            log.error("serving a job failed", exc_info=task.exception())

    async def _serve(self, partition: TopicPartition, offset: int, job: Job) -> None:
        beating = None
        if job.heartbeat_seconds:
            beating = asyncio.create_task(self._heartbeats(job, job.heartbeat_seconds))
        try:
            reply = await self.calls.run(job)
        finally:
            if beating is not None:
                beating.cancel()
        await self._send(reply)
        self._offsets.done(partition, offset)

    async def _heartbeats(self, job: Job, every: float) -> None:
        """Tell the engine a long call is alive, so that its HeartbeatSeconds holds."""
        beat = 0
        while True:
            await asyncio.sleep(every / 2)
            beat += 1
            await self._send(TaskHeartbeat(f"{job.token}:beat:{beat}", job.flow_id, job.token))

    async def _send(self, message: Reply | TaskHeartbeat) -> None:
        """Produce to ``sfc.commands`` and wait for the acknowledgement, retrying until then."""
        producer = self._producer
        assert producer is not None
        value = ENCODER.encode(message)
        headers = make_headers(type(message).__name__, message.id, flow=message.flow_id)
        delay = 0.1
        while True:
            try:
                await producer.send_and_wait(
                    self.topics.commands, value, key=message.flow_id.encode(), headers=headers
                )
                return
            except KafkaError as exc:
                metrics.REPORT_RETRIES.inc()
                log.warning("reporting job %s failed (%s); retrying", message.token, exc)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)

    async def _commit(self, partitions: list[TopicPartition] | None = None) -> None:
        offsets = self._offsets.committable(partitions)
        if not offsets:
            return
        assert self._consumer is not None
        try:
            await self._consumer.commit(offsets)
        except KafkaError as exc:
            # Committing again later is harmless; until then a crash repeats a few calls.
            log.info("committing offsets failed (%s); will retry", exc)
            self._offsets.retry(offsets)

    async def _hand_over(self, revoked: list[TopicPartition]) -> None:
        """Let the jobs of revoked partitions finish (briefly) and commit them."""
        leaving = [task for task, partition in self._jobs.items() if partition in revoked]
        if leaving:
            await asyncio.wait(leaving, timeout=_REVOKE_PATIENCE)
        with contextlib.suppress(KafkaError):
            await self._commit(revoked)
        self._offsets.forget(revoked)


class _Handover(ConsumerRebalanceListener):
    """Commits what it can of partitions being taken away."""

    def __init__(self, hand_over: Callable[[list[TopicPartition]], Awaitable[None]]) -> None:
        self._hand_over = hand_over

    async def on_partitions_revoked(self, revoked: list[TopicPartition]) -> None:
        await self._hand_over(revoked)

    async def on_partitions_assigned(self, assigned: list[TopicPartition]) -> None:
        log.info("executor assigned %d partitions", len(assigned))
