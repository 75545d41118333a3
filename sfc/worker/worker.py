"""A worker: serves the jobs of one pool with the handlers registered for their tasks.

Handlers are registered by task name (:meth:`Worker.task` or a :class:`Handlers` set); a
handler takes the job's input and returns its output, and may be ``async`` (run on the
event loop) or plain (run in a thread, so that it may block). Taking jobs, concurrency,
heartbeats, timeouts, reporting, commits and draining are the
:class:`~sfc.worker.consumer.JobConsumer`'s; see docs/workers.md.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sfc.core import Job
from sfc.core.types import Json
from sfc.errors import InputError
from sfc.kafka import Topics, ensure_topics
from sfc.registry.registry import NAME
from sfc.settings import Settings
from sfc.worker.calls import call_handler
from sfc.worker.consumer import JobConsumer
from sfc.worker.counts import JobCounts
from sfc.worker.errors import TaskError
from sfc.worker.handlers import Handler, Handlers
from sfc.worker.options import ConsumerOptions

log = logging.getLogger(__name__)

COMMON = "common"
"""The pool of every ``common`` blueprint."""

NO_HANDLER = "SFC.NoHandler"
"""The error of a job whose task no handler of the worker serves."""


class Worker:
    """Serves the jobs of one pool.

    Example::

        worker = Worker(load_settings(), "common")

        @worker.task("order.split")
        async def split(order):
            return {"parts": ...}

        await worker.start()
        ...
        await worker.stop()

    Args:
        settings: The settings tree.
        pool: ``common`` for the shared pool, or a blueprint's name for its own pool.
        handlers: The handlers to serve (more can be added with :meth:`task`).
        concurrency: Jobs run at once (default: ``settings.worker.concurrency``).

    Raises:
        InputError: ``pool`` is not ``common`` or a valid blueprint name.
    """

    def __init__(
        self,
        settings: Settings,
        pool: str = COMMON,
        handlers: Handlers | None = None,
        concurrency: int | None = None,
    ) -> None:
        if not NAME.match(pool):
            raise InputError(
                f"pool {pool!r} must be 'common' or a blueprint name (letters, digits, "
                "'.', '_', '-')",
                field="pool",
            )
        self.settings = settings
        self.pool = pool
        self.topics = Topics.from_settings(settings.kafka)
        self.handlers = handlers or Handlers()
        options = ConsumerOptions.from_settings(settings.worker, pool, concurrency)
        group = f"{settings.worker.group_prefix}.{pool}"
        self.consumer = JobConsumer(settings.kafka, self.topic, group, self._run, options)

    def task(self, name: str) -> Callable[[Handler], Handler]:
        """Register the decorated function as the handler of task ``name``."""
        return self.handlers.task(name)

    @property
    def topic(self) -> str:
        """The topic this worker's pool takes jobs from."""
        if self.pool == COMMON:
            return self.topics.common_jobs
        return self.topics.blueprint_jobs(self.pool)

    @property
    def ready(self) -> bool:
        """Whether it is taking jobs (started and not draining)."""
        return self.consumer.ready

    @property
    def counts(self) -> JobCounts:
        """Jobs in flight, succeeded, failed, handed back and skipped so far."""
        return self.consumer.counts

    async def start(self) -> None:
        """Create the pool's topic if it is missing, join the pool's group, start serving."""
        kafka = self.settings.kafka
        await ensure_topics(kafka, {self.topic: kafka.partitions})
        await self.consumer.start()
        names = ", ".join(sorted(self.handlers.by_name)) or "nothing"
        log.info("worker for pool %s on %s serving %s", self.pool, self.topic, names)

    async def stop(self) -> None:
        """Drain with ``settings.worker.shutdown_grace_seconds`` (see :meth:`drain`)."""
        await self.consumer.stop()

    async def drain(self, grace: float | None = None) -> JobCounts:
        """Stop taking jobs, finish or hand back those in hand, then stop.

        Jobs that finish within ``grace`` seconds are reported and committed; the others
        are cancelled and handed back, neither reported nor committed, so that the pool's
        other workers take them over once this one has left the group.

        Args:
            grace: Seconds to let jobs in hand finish (default:
                ``settings.worker.shutdown_grace_seconds``).

        Returns:
            The final counts.
        """
        return await self.consumer.drain(grace)

    async def _run(self, job: Job) -> Json:
        handler = self.handlers.find(job)
        if handler is None:
            raise TaskError(
                NO_HANDLER,
                f"worker pool {self.pool!r} has no handler for {job.resource!r} "
                f"(state {job.state!r})",
            )
        return await call_handler(handler, job)
