"""The scheduler role: keeps every worker pool at the right size while it leads.

Every ``scheduler.interval_seconds`` the leader reads each pool's configuration (from
the settings and ``sfc.pools``) and demand (pending jobs and their age, from the
engines' reports on ``sfc.load``), decides its size with the scaling rule
(:mod:`sfc.scheduler.rule`), and tells the backend whenever the size or the workers'
command changes, confirming its lead first (:meth:`Election.confirm`). It publishes what
it runs on ``sfc.load`` for the API and the dashboard. A standby does nothing but wait;
a leader that stops leading stops its backend (the local one drains its workers).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
import uuid
from collections.abc import Mapping

from aiokafka import AIOKafkaProducer

from sfc.errors import UnavailableError
from sfc.kafka import Topics, ensure_topics, make_producer
from sfc.scheduler import metrics
from sfc.scheduler.backend import Backend, Replica
from sfc.scheduler.book import PoolBook
from sfc.scheduler.election import Election
from sfc.scheduler.live import LiveView
from sfc.scheduler.local import LocalBackend
from sfc.scheduler.pools import WorkerCommand, desired_fixed, sizing
from sfc.scheduler.records import PoolConfig, PoolStatus, ReplicaView, SchedulerStatus
from sfc.scheduler.rule import Demand, Scale, scale
from sfc.settings import Settings

log = logging.getLogger(__name__)

_STATUS_TTL_INTERVALS = 3
"""The leader's status counts for this many intervals (plus a second)."""


class Scheduler:
    """One scheduler process's part: a leader or a standby (a :class:`sfc.roles.Service`).

    Args:
        settings: The settings tree (``scheduler`` above all).
        backend: Where workers run; the local backend by default.
        env: For the local backend: environment variables for the workers on top of
            this process's (e.g. a ``PYTHONPATH`` that finds the handler modules).
    """

    def __init__(
        self,
        settings: Settings,
        backend: Backend | None = None,
        *,
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.settings = settings
        self.id = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self.backend: Backend = backend or LocalBackend(settings, env)
        # Kafka clients bind to the running event loop: they are made in start().
        self._producer: AIOKafkaProducer | None = None
        self._book: PoolBook | None = None
        self._live: LiveView | None = None
        self._election: Election | None = None
        self.scales: dict[str, Scale] = {}
        self._ensured: dict[str, tuple[WorkerCommand, int]] = {}
        self._acting = False
        self._stopping = asyncio.Event()
        self._loop: asyncio.Task[None] | None = None

    @property
    def book(self) -> PoolBook:
        """The pools' configurations."""
        assert self._book is not None, "start() the scheduler first"
        return self._book

    @property
    def live(self) -> LiveView:
        """The pools' live figures (pending jobs, the leader's status)."""
        assert self._live is not None, "start() the scheduler first"
        return self._live

    @property
    def election(self) -> Election:
        """This scheduler's part in the leader election."""
        assert self._election is not None, "start() the scheduler first"
        return self._election

    @property
    def leading(self) -> bool:
        """Whether this scheduler leads and runs the pools."""
        return self._acting

    @property
    def ready(self) -> bool:
        """Whether it runs (as leader or standby)."""
        return self._loop is not None and not self._loop.done()

    async def start(self) -> None:
        """Create the topics, read the pools, and join the election.

        Raises:
            UnavailableError: The broker cannot be reached.
        """
        kafka = self.settings.kafka
        await ensure_topics(kafka, Topics.from_settings(kafka).core())
        self._producer = producer = make_producer(kafka)
        await producer.start()
        self._book = PoolBook(self.settings, producer)
        self._live = LiveView(kafka, producer)
        self._election = Election(self.settings, self.id, producer)
        try:
            await self._book.start()
            await self._live.start()
            await self._election.start()
        except UnavailableError:
            await self._close()
            raise
        self._loop = asyncio.create_task(self._run(), name=f"scheduler-{self.id}")
        log.info("scheduler %s started (%s backend)", self.id, self.settings.scheduler.backend)

    async def stop(self) -> None:
        """Stop leading (a standby takes over), then stop the backend's workers."""
        self._stopping.set()
        if self._loop is not None:
            await self._loop
        if self._election is not None:
            await self._election.stop()
        await self._abdicate()
        await self._close()
        log.info("scheduler %s stopped", self.id)

    def desired(self, pool: str) -> int | None:
        """The size last given to the backend for a pool."""
        ensured = self._ensured.get(pool)
        return None if ensured is None else ensured[1]

    async def _close(self) -> None:
        for part in (self._live, self._book):
            if part is not None:
                await part.stop()
        if self._producer is not None:
            await self._producer.stop()

    async def _run(self) -> None:
        interval = self.settings.scheduler.interval_seconds
        while not self._stopping.is_set():
            try:
                await self._step()
            except UnavailableError as exc:
                log.warning("scheduling step failed (%s); trying again", exc)
            except Exception:
                log.exception("scheduling step failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), interval)

    async def _step(self) -> None:
        election = self.election
        await election.refresh()
        if election.paused:
            # A rebalance (a standby joining, say) is no reason to give the workers up.
            return
        if not election.leading:
            await self._abdicate()
            return
        if not self._acting:
            log.info("scheduler %s takes the lead (epoch %d)", self.id, self.election.epoch)
            await self.backend.start()
            self._acting = True
            metrics.LEADER.set(1)
        statuses = [await self._size(pool) for pool in self.book.pools()]
        await self._publish(statuses)

    async def _abdicate(self) -> None:
        if not self._acting:
            return
        self._acting = False
        metrics.LEADER.set(0)
        log.info("scheduler %s stops leading; stopping its workers", self.id)
        self._ensured.clear()
        self.scales.clear()
        await self.backend.stop()

    async def _size(self, config: PoolConfig) -> PoolStatus:
        name = config.name
        demand = self.live.demand(name)
        desired = self._decide(config, demand)
        command = WorkerCommand.of(config)
        if self._ensured.get(name) != (command, desired) and await self.election.confirm():
            await self.backend.ensure(name, command, desired)
            self._ensured[name] = (command, desired)
            log.info(
                "pool %s: %d workers of %s (%d jobs pending, the oldest %.1f s)",
                name,
                desired,
                " ".join(command.modules) or "no module",
                demand.pending,
                demand.oldest_age,
            )
        # What the backend was told, which a failed confirmation may have held back.
        given = self.desired(name) or 0
        metrics.DESIRED.labels(name).set(given)
        metrics.PENDING.labels(name).set(demand.pending)
        metrics.OLDEST.labels(name).set(demand.oldest_age)
        replicas = self.backend.replicas(name)
        return PoolStatus(
            name,
            given,
            [_view(replica, command) for replica in replicas],
            demand.pending,
            demand.oldest_age,
            self.backend.failure(name),
        )

    def _decide(self, config: PoolConfig, demand: Demand) -> int:
        fixed = desired_fixed(config)
        if fixed is not None:
            self.scales[config.name] = Scale(fixed, time.monotonic())
            return fixed
        state = self.scales.get(config.name, Scale(0))
        self.scales[config.name] = state = scale(state, demand, sizing(config), time.monotonic())
        return state.replicas

    async def _publish(self, pools: list[PoolStatus]) -> None:
        interval = self.settings.scheduler.interval_seconds
        ttl = interval * _STATUS_TTL_INTERVALS + 1.0
        status = SchedulerStatus(self.id, self.election.epoch, time.time(), ttl, pools)
        try:
            await self.live.publish(status)
        except UnavailableError as exc:
            log.debug("publishing the status failed: %s", exc)


def _view(replica: Replica, command: WorkerCommand) -> ReplicaView:
    return ReplicaView(
        replica.id,
        replica.state.value,
        replica.started_at,
        replica.command == command,
        replica.where or None,
    )
