"""A job consumer: takes jobs from a topic in a consumer group, runs each, reports each.

What runs a job is pluggable (a :data:`RunJob` callable: the worker's handlers, or any
other caller of services); everything around it is here:

- **No head-of-line blocking.** Each job runs in its own task as soon as it is fetched,
  at most ``concurrency`` at once; when every slot is busy, fetching waits, and after a
  second of that the partitions are paused (the consumer keeps polling, so the group
  still sees it alive). Each reply is sent as soon as its job ends.
- **Contiguous commits.** A partition's offset is committed up to its oldest job not yet
  reported (:class:`~sfc.worker.offsets.OffsetTracker`): a crash loses no job and
  redelivers only from the oldest unfinished one on.
- **Heartbeats** for jobs with ``heartbeatSeconds``, **timeouts** for jobs with
  ``timeoutSeconds`` (the run is cancelled and reported as ``States.Timeout``).
- **Drain.** :meth:`JobConsumer.drain` stops fetching, lets jobs in hand finish within a
  grace period, reports and commits them, hands back (neither reports nor commits) those
  still running, and leaves the group, whose other members then take the rest.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
import uuid
from dataclasses import replace

import msgspec
from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, ConsumerRecord, TopicPartition
from aiokafka.errors import KafkaError

from sfc.core import Job
from sfc.kafka import Topics, make_consumer
from sfc.settings import KafkaSettings
from sfc.worker import metrics
from sfc.worker.attempt import Attempts, RunJob
from sfc.worker.counts import JobCounts, Outcome, Tally
from sfc.worker.offsets import OffsetTracker
from sfc.worker.options import ConsumerOptions
from sfc.worker.reporter import Reporter

log = logging.getLogger(__name__)

_JOB = msgspec.json.Decoder(Job)
_FETCH_MS = 200
_FULL_PATIENCE = 1.0
"""Seconds every slot may stay busy before the partitions are paused."""
_COMMIT_EVERY = 0.05
"""Seconds between commits at most: one commit covers the jobs of many replies."""
_REPORT_PATIENCE = 10.0
"""Seconds a drain waits for replies already being sent (the broker may be down)."""

Key = tuple[TopicPartition, int]


class _Running:
    """A job in hand."""

    __slots__ = ("job", "key", "reporting", "started", "task")

    def __init__(self, key: Key, job: Job) -> None:
        self.key = key
        self.job = job
        self.started = time.monotonic()
        # Set once the handler has ended: from then on the job is reported, never handed back.
        self.reporting = False
        self.task: asyncio.Task[None] | None = None


class JobConsumer:
    """Consumes jobs from one topic in a consumer group and reports their results.

    Args:
        kafka: The broker and SFC's topics (replies go to the commands topic).
        topic: The job topic.
        group_id: The consumer group: every consumer of a pool shares it.
        run: Runs one job.
        options: Concurrency, grace periods and limits.
    """

    def __init__(
        self,
        kafka: KafkaSettings,
        topic: str,
        group_id: str,
        run: RunJob,
        options: ConsumerOptions,
    ) -> None:
        self.topic = topic
        self.group_id = group_id
        self.options = options
        self.id = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self._kafka = kafka
        self._label = options.pool
        self._tracker: OffsetTracker[TopicPartition] = OffsetTracker()
        self._running: dict[Key, _Running] = {}
        self._tally = Tally(options.pool)
        self._reporter = Reporter(kafka, Topics.from_settings(kafka).commands, options.linger_ms)
        self._attempts = Attempts(run, self._reporter, options, self.id)
        self._consumer: AIOKafkaConsumer | None = None
        self._fetcher: asyncio.Task[None] | None = None
        self._committer: asyncio.Task[None] | None = None
        self._closing = asyncio.Event()
        self._slot = asyncio.Event()
        self._dirty = asyncio.Event()
        self._paused = False
        self._drained: asyncio.Task[JobCounts] | None = None

    # -- life cycle ------------------------------------------------------------------

    async def start(self) -> None:
        """Connect, join the group and start taking jobs."""
        await self._reporter.start()
        kafka = self._kafka
        self._consumer = make_consumer(
            kafka,
            group_id=self.group_id,
            # A revocation may wait for jobs in hand (rebalance_grace) before rejoining.
            rebalance_timeout_ms=kafka.session_timeout_ms
            + int(self.options.rebalance_grace * 1000),
        )
        self._consumer.subscribe([self.topic], listener=_Rebalance(self))
        try:
            await self._consumer.start()
        except BaseException:
            await self._reporter.stop()
            raise
        self._fetcher = asyncio.create_task(self._fetch(), name=f"jobs-fetch-{self.topic}")
        self._committer = asyncio.create_task(self._commit_loop(), name=f"jobs-commit-{self.topic}")

    async def stop(self) -> None:
        """Drain with the configured shutdown grace period (see :meth:`drain`)."""
        await self.drain()

    async def drain(self, grace: float | None = None) -> JobCounts:
        """Stop taking jobs, finish or hand back those in hand, commit, leave the group.

        Jobs that end within ``grace`` seconds are reported and committed. Jobs still
        running then are cancelled and handed back: not reported, not committed, so the
        group redelivers them to another consumer once this one has left. Calling it
        again waits for the first drain.

        Args:
            grace: Seconds to let jobs in hand finish (default: the shutdown grace).

        Returns:
            The final counts.
        """
        if self._drained is None:
            seconds = self.options.shutdown_grace if grace is None else grace
            self._drained = asyncio.create_task(self._drain(seconds), name="jobs-drain")
        return await asyncio.shield(self._drained)

    @property
    def ready(self) -> bool:
        """Whether it is taking jobs (started, not draining)."""
        fetcher = self._fetcher
        return fetcher is not None and not fetcher.done() and not self._closing.is_set()

    @property
    def partitions(self) -> set[int]:
        """The partitions of the job topic assigned to it right now."""
        if self._consumer is None:
            return set()
        return {tp.partition for tp in self._consumer.assignment()}

    @property
    def counts(self) -> JobCounts:
        """What it did so far."""
        return replace(self._tally.counts, in_flight=len(self._running))

    async def _drain(self, grace: float) -> JobCounts:
        self._closing.set()
        self._slot.set()
        if self._fetcher is not None:
            await self._fetcher
        log.info("draining %d jobs in hand (grace %.1fs)", len(self._running), grace)
        await self._settle(list(self._running.values()), grace)
        for running in list(self._running.values()):
            if not running.reporting and running.task is not None:
                running.task.cancel()
        await self._settle(list(self._running.values()), _REPORT_PATIENCE)
        for running in list(self._running.values()):
            if running.task is not None:
                running.task.cancel()
        await self._settle(list(self._running.values()), None)
        if self._committer is not None:
            self._committer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._committer
        if self._consumer is not None:
            await self._commit(self._consumer.assignment())
            try:
                await self._consumer.stop()  # leaves the group: others take the partitions
            except KafkaError as exc:
                log.warning("leaving the group failed (%s)", exc)
        await self._reporter.stop()
        counts = self.counts
        log.info("drained: %s", counts)
        return counts

    async def _settle(self, jobs: list[_Running], within: float | None) -> None:
        """Wait until these jobs end, or ``within`` seconds (None: no limit)."""
        tasks = [r.task for r in jobs if r.task is not None]
        if tasks and (within is None or within > 0):
            await asyncio.wait(tasks, timeout=within)

    # -- fetching --------------------------------------------------------------------

    async def _fetch(self) -> None:
        assert self._consumer is not None
        consumer = self._consumer
        while not self._closing.is_set():
            free = self.options.concurrency - len(self._running)
            if free <= 0:
                await self._wait_for_slot(consumer)
                continue
            self._resume(consumer)
            try:
                batches = await consumer.getmany(timeout_ms=_FETCH_MS, max_records=free)
            except KafkaError as exc:
                log.warning("fetching jobs failed (%s); retrying", exc)
                await asyncio.sleep(0.5)
                continue
            except Exception:
                # Never stop fetching silently: the group would keep our partitions idle.
                log.exception("fetching jobs failed; retrying")
                await asyncio.sleep(1.0)
                continue
            if self._closing.is_set():
                return  # a drain began: these records stay uncommitted, for another consumer
            for tp, records in batches.items():
                for record in records:
                    self._take(tp, record)

    async def _wait_for_slot(self, consumer: AIOKafkaConsumer) -> None:
        self._slot.clear()
        if self._closing.is_set():
            return
        try:
            await asyncio.wait_for(self._slot.wait(), _FULL_PATIENCE)
        except TimeoutError:
            # Busy for a while: stop fetching, but poll so that the group sees us alive.
            if not self._paused:
                metrics.PAUSES.labels(self._label).inc()
            self._paused = True
            consumer.pause(*consumer.assignment())
            with contextlib.suppress(KafkaError):
                # A partition assigned meanwhile is not paused: rewind what it returned.
                for tp, records in (await consumer.getmany(timeout_ms=0)).items():
                    _rewind(consumer, tp, records[0].offset)

    def _resume(self, consumer: AIOKafkaConsumer) -> None:
        if self._paused:
            self._paused = False
            consumer.resume(*consumer.assignment())

    def _take(self, tp: TopicPartition, record: ConsumerRecord[bytes, bytes]) -> None:
        if not self._tracker.take(tp, record.offset):
            log.debug("job at %s/%d was already taken here", tp.partition, record.offset)
            return
        if (tp, record.offset) in self._running:
            # Still running from before its partition went away and came back: the
            # running job finishes it.
            return
        try:
            job = _JOB.decode(record.value or b"")
        except ValueError as exc:
            log.warning("skipping an unreadable job at %s/%d: %s", tp, record.offset, exc)
            self._tracker.finish(tp, record.offset)
            self._tally.count("skipped")
            self._dirty.set()
            return
        running = _Running((tp, record.offset), job)
        self._running[running.key] = running
        self._tally.started()
        running.task = asyncio.create_task(self._serve(running), name=f"job-{job.token}")

    # -- running one job -------------------------------------------------------------

    async def _serve(self, running: _Running) -> None:
        outcome: Outcome = "handed_back"
        try:
            message = await self._attempts.reply_for(running.job)
            running.reporting = True
            await self._reporter.send(message)
            outcome = "failed" if message.failed else "succeeded"
            self._tracker.finish(*running.key)
            self._dirty.set()
        finally:
            if self._running.get(running.key) is running:
                del self._running[running.key]
            self._tally.count(outcome)
            self._tally.ended(time.monotonic() - running.started)
            self._slot.set()

    # -- commits ---------------------------------------------------------------------

    async def _commit_loop(self) -> None:
        assert self._consumer is not None
        while True:
            await self._dirty.wait()
            self._dirty.clear()
            await self._commit(self._consumer.assignment())
            await asyncio.sleep(_COMMIT_EVERY)

    async def _commit(self, partitions: set[TopicPartition]) -> None:
        assert self._consumer is not None
        offsets = self._tracker.committable(partitions)
        if not offsets:
            return
        try:
            await self._consumer.commit(offsets)
        except KafkaError as exc:
            # The partitions moved: their new owner starts from the last commit.
            log.info("committing %s failed (%s)", offsets, exc)
            return
        self._tracker.committed(offsets)
        metrics.COMMITS.labels(self._label).inc()

    # -- rebalances ------------------------------------------------------------------

    async def revoked(self, partitions: list[TopicPartition]) -> None:
        """Before partitions move: let their jobs finish a little, and commit them."""
        revoked = set(partitions)
        jobs = [r for r in self._running.values() if r.key[0] in revoked]
        await self._settle(jobs, self.options.rebalance_grace)
        await self._commit(revoked)

    async def assigned(self, partitions: list[TopicPartition]) -> None:
        """Partitions are ours: learn where the group stands on each."""
        assert self._consumer is not None
        self._tracker.keep_only(partitions)
        for tp in partitions:
            try:
                committed = await self._consumer.committed(tp)
            except KafkaError as exc:
                # Keeping what we know is safe: it only ever skips jobs we took ourselves.
                log.info("cannot read the commit of %s (%s)", tp, exc)
                continue
            self._tracker.assigned(tp, committed)
        self._paused = False  # new assignments start unpaused


class _Rebalance(ConsumerRebalanceListener):
    def __init__(self, consumer: JobConsumer) -> None:
        self._consumer = consumer

    async def on_partitions_revoked(self, revoked: list[TopicPartition]) -> None:
        await self._consumer.revoked(list(revoked))

    async def on_partitions_assigned(self, assigned: list[TopicPartition]) -> None:
        await self._consumer.assigned(list(assigned))


def _rewind(consumer: AIOKafkaConsumer, tp: TopicPartition, offset: int) -> None:
    with contextlib.suppress(KafkaError):
        consumer.seek(tp, offset)
