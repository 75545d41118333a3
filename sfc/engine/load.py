"""How many jobs each worker pool owes this engine, reported for the scheduler.

A job is *pending* from the decision that schedules it until the decision that takes its
result (or gives up on it): the tokens of a flow's ``jobs``. :class:`PendingJobs` follows
them decision by decision, in the engine's loop, at the cost of a set difference per
decision; a partition taken over is counted from its restored flows, one given up is
forgotten. :class:`LoadReporter` writes each pool's count and the age of its oldest job
to ``sfc.load`` every ``scheduler.load_interval_seconds``, one record per engine and
pool, valid for ``scheduler.load_ttl_seconds``: an engine that goes away stops counting
once its last reports expire.

This is SFC's own count (dispatched minus finished), not Kafka consumer lag: it includes
jobs workers hold and jobs the broker has not delivered yet, and nothing else.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass

import msgspec
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError

from sfc.core import Decision, FlowState, ScheduleJob
from sfc.core.interpreter.commands import Job
from sfc.core.interpreter.records import AwaitJob
from sfc.core.validation import InvalidBlueprintError
from sfc.engine.partition import Partition
from sfc.engine.routing import job_topic
from sfc.kafka import Topics, make_headers
from sfc.registry import Catalog
from sfc.settings import SchedulerSettings

log = logging.getLogger(__name__)

COMMON = "common"
"""The pool of every ``common`` blueprint."""

_STOP_PATIENCE = 2.0
"""Seconds a stopping engine waits to report its pools empty (the broker may be down)."""

_QUIET_SECONDS = 10.0
"""A pool with no pending job is still reported (as 0) for this long, so readers see it drop."""


class PoolLoad(msgspec.Struct, frozen=True, tag=True, rename="camel"):
    """One engine's pending jobs for one pool (a record of ``sfc.load``, key ``engine:pool``).

    Attributes:
        engine: The engine's id.
        pool: ``common`` or a blueprint's name.
        pending: Jobs scheduled and not yet finished, of this engine's flows.
        oldest_age: Seconds since the oldest of them was scheduled (0 without any).
        at: When the figures were taken (seconds since the Unix epoch).
        ttl: Seconds the report counts for, from when it is read.
    """

    engine: str
    pool: str
    pending: int
    oldest_age: float
    at: float
    ttl: float


@dataclass(frozen=True)
class PoolCount:
    """Pending jobs of a pool and when the oldest one was scheduled (``time.time()``)."""

    pending: int
    oldest: float | None


class _PartitionJobs:
    """The pending jobs of one partition's flows, by pool, oldest first."""

    def __init__(self) -> None:
        self.by_pool: dict[str, dict[str, float]] = {}
        self.pool_of: dict[str, str] = {}

    def add(self, token: str, pool: str, since: float) -> None:
        # Dicts keep insertion order: tokens added as time goes on stay oldest first.
        self.by_pool.setdefault(pool, {})[token] = since
        self.pool_of[token] = pool

    def remove(self, token: str) -> None:
        pool = self.pool_of.pop(token, None)
        if pool is not None:
            self.by_pool[pool].pop(token, None)


class PendingJobs:
    """Counts an engine's pending jobs per pool, incrementally.

    Args:
        topics: SFC's topics, to tell which pool a job goes to (as the engine routes it).
    """

    def __init__(self, topics: Topics) -> None:
        self._topics = topics
        self._partitions: dict[int, _PartitionJobs] = {}
        self._routes: dict[tuple[str, str, str], str | None] = {}

    def observe(self, number: int, before: FlowState | None, decision: Decision) -> None:
        """Follow one decision applied to a flow of partition ``number``."""
        after = decision.flow
        if after is None:
            return
        jobs = self._partitions.setdefault(number, _PartitionJobs())
        if before is not None and before.jobs:
            for token in before.jobs.keys() - after.jobs.keys():
                jobs.remove(token)
        now = time.time()
        for command in decision.commands:
            if isinstance(command, ScheduleJob) and command.job.token in after.jobs:
                pool = self.pool_of(command.job)
                if pool is not None:
                    jobs.add(command.job.token, pool, now)

    def restore(self, partition: Partition, catalog: Catalog) -> None:
        """Count the pending jobs of a partition just restored.

        The time a restored job was scheduled is not kept in the flow; the time its
        thread entered the Task state stands for it (the same or a little earlier).
        """
        found: list[tuple[float, str, str]] = []
        for flow in partition.running.values():
            for token, thread_id in flow.jobs.items():
                thread = flow.threads.get(thread_id)
                if thread is None or not isinstance(thread.wait, AwaitJob):
                    continue
                pool = self._restored_pool(flow, thread.wait.resource, catalog)
                if pool is not None:
                    found.append((thread.entered_at, token, pool))
        jobs = _PartitionJobs()
        for since, token, pool in sorted(found):
            jobs.add(token, pool, since)
        self._partitions[partition.number] = jobs

    def release(self, number: int) -> None:
        """Forget a partition given up."""
        self._partitions.pop(number, None)

    def counts(self) -> dict[str, PoolCount]:
        """Pending jobs per pool, over every partition held."""
        pending: dict[str, int] = {}
        oldest: dict[str, float] = {}
        for jobs in self._partitions.values():
            for pool, tokens in jobs.by_pool.items():
                if not tokens:
                    continue
                pending[pool] = pending.get(pool, 0) + len(tokens)
                first = next(iter(tokens.values()))
                oldest[pool] = min(first, oldest.get(pool, first))
        return {pool: PoolCount(count, oldest.get(pool)) for pool, count in pending.items()}

    def pool_of(self, job: Job) -> str | None:
        """The worker pool a job goes to; None for the executor and ``kafka://`` services."""
        key = (job.resource, job.message_type, job.blueprint)
        if key not in self._routes:
            topic = job_topic(self._topics, job)
            if topic == self._topics.common_jobs:
                self._routes[key] = COMMON
            elif topic == self._topics.blueprint_jobs(job.blueprint):
                self._routes[key] = job.blueprint
            else:
                self._routes[key] = None
        return self._routes[key]

    def _restored_pool(self, flow: FlowState, resource: str, catalog: Catalog) -> str | None:
        try:
            blueprint = catalog.blueprint(flow.blueprint, flow.version)
        except InvalidBlueprintError:
            blueprint = None
        message_type = blueprint.message_type if blueprint is not None else COMMON
        probe = Job("", flow.id, flow.blueprint, flow.version, "", resource)
        return self.pool_of(msgspec.structs.replace(probe, message_type=message_type))


class LoadReporter:
    """Writes an engine's pending jobs per pool to ``sfc.load`` at a steady pace.

    Args:
        engine_id: The engine's id (the records' key starts with it).
        producer: A started producer to share.
        topics: SFC's topics.
        jobs: The engine's counts.
        settings: How often to report (``load_interval_seconds``) and for how long a
            report counts (``load_ttl_seconds``).
    """

    def __init__(
        self,
        engine_id: str,
        producer: AIOKafkaProducer,
        topics: Topics,
        jobs: PendingJobs,
        settings: SchedulerSettings,
    ) -> None:
        self._engine = engine_id
        self._producer = producer
        self._topic = topics.load
        self._jobs = jobs
        self._interval = settings.load_interval_seconds
        self._ttl = settings.load_ttl_seconds
        self._last_busy: dict[str, float] = {}
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start reporting."""
        self._task = asyncio.create_task(self._run(), name=f"load-reporter-{self._engine}")

    async def stop(self) -> None:
        """Stop, reporting every pool as empty so that readers need not wait for expiry."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        with contextlib.suppress(KafkaError, TimeoutError):
            empty = {pool: PoolCount(0, None) for pool in self._last_busy}
            await asyncio.wait_for(self._send(empty, 0.0), _STOP_PATIENCE)

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self._interval)
            try:
                await self._send(self._due(), self._ttl)
            except KafkaError as exc:
                # A missed report only ages the scheduler's view; the next one replaces it.
                log.debug("reporting pending jobs failed: %s", exc)

    def _due(self) -> dict[str, PoolCount]:
        now = time.monotonic()
        counts = self._jobs.counts()
        for pool in counts:
            self._last_busy[pool] = now
        for pool, busy in list(self._last_busy.items()):
            if pool not in counts:
                if now - busy > _QUIET_SECONDS:
                    del self._last_busy[pool]
                else:
                    counts[pool] = PoolCount(0, None)
        return counts

    async def _send(self, counts: dict[str, PoolCount], ttl: float) -> None:
        now = time.time()
        sent = []
        for pool, count in counts.items():
            age = max(0.0, now - count.oldest) if count.oldest is not None else 0.0
            record = PoolLoad(self._engine, pool, count.pending, round(age, 3), now, ttl)
            sent.append(
                await self._producer.send(
                    self._topic,
                    msgspec.json.encode(record),
                    key=f"{self._engine}:{pool}".encode(),
                    headers=make_headers("PoolLoad", f"{self._engine}:{pool}:{now}"),
                )
            )
        await asyncio.gather(*sent)
