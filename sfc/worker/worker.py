"""A worker: takes jobs from its pool's topic and reports each result to ``sfc.commands``.

Handlers are registered by task name with :meth:`Worker.task`; a handler takes the job's
input and returns its result, and may be an ``async`` function (run on the event loop) or
a plain one (run in a thread, so that it may block). Jobs of one
fetched batch run concurrently (up to ``concurrency``); their results are produced with
``acks=all`` before the batch's offsets are committed, so a job is never lost and is
delivered again if the worker dies first (handlers should be idempotent: the job token is
stable across redeliveries).
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
from collections.abc import Callable
from typing import Any

import msgspec
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.errors import KafkaError

from sfc.core import Job, TaskFailed, TaskSucceeded
from sfc.core.types import Json
from sfc.kafka import Topics, make_consumer, make_headers, make_producer
from sfc.kafka.records import ENCODER
from sfc.settings import Settings
from sfc.worker.errors import TaskError
from sfc.worker.handlers import Handler, Handlers

log = logging.getLogger(__name__)

_JOB = msgspec.json.Decoder(Job)


class Worker:
    """Serves the jobs of one pool.

    Args:
        settings: The settings tree.
        pool: ``common`` for the shared pool, or a blueprint's name for its own pool.
        handlers: The handlers to serve (more can be added with :meth:`task`).
        concurrency: Jobs run at once (default: ``settings.worker.concurrency``).
    """

    def __init__(
        self,
        settings: Settings,
        pool: str = "common",
        handlers: Handlers | None = None,
        concurrency: int | None = None,
    ) -> None:
        self.settings = settings
        self.pool = pool
        self.topics = Topics.from_settings(settings.kafka)
        self.handlers = handlers or Handlers()
        self._limit = asyncio.Semaphore(concurrency or settings.worker.concurrency)
        self._producer: AIOKafkaProducer | None = None
        self._consumer: AIOKafkaConsumer | None = None
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()

    def task(self, name: str) -> Callable[[Handler], Handler]:
        """Register the decorated function as the handler of task ``name``."""
        return self.handlers.task(name)

    @property
    def topic(self) -> str:
        """The topic this worker's pool takes jobs from."""
        if self.pool == "common":
            return self.topics.common_jobs
        return self.topics.blueprint_jobs(self.pool)

    async def start(self) -> None:
        """Join the pool's consumer group and start serving."""
        kafka = self.settings.kafka
        self._producer = make_producer(kafka)
        await self._producer.start()
        group = f"{self.settings.worker.group_prefix}.{self.pool}"
        self._consumer = make_consumer(kafka, self.topic, group_id=group)
        await self._consumer.start()
        self._task = asyncio.create_task(self._run(), name=f"worker-{self.pool}")
        names = ", ".join(self.handlers.by_name) or "nothing"
        log.info("worker for pool %s serving %s", self.pool, names)

    async def stop(self) -> None:
        """Finish the jobs in hand, report them, commit, and leave the group."""
        self._stopping.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._consumer is not None:
            await self._consumer.stop()
        if self._producer is not None:
            await self._producer.stop()

    async def _run(self) -> None:
        assert self._consumer is not None
        while not self._stopping.is_set():
            try:
                batches = await self._consumer.getmany(timeout_ms=200, max_records=500)
            except KafkaError as exc:
                log.warning("fetching jobs failed (%s); retrying", exc)
                await asyncio.sleep(0.5)
                continue
            if batches:
                await self._serve(batches)

    async def _serve(
        self, batches: dict[TopicPartition, list[ConsumerRecord[bytes, bytes]]]
    ) -> None:
        records = [record for records in batches.values() for record in records]
        replies = await asyncio.gather(*(self._handle(record) for record in records))
        await self._report([reply for reply in replies if reply is not None])
        assert self._consumer is not None
        offsets = {tp: records[-1].offset + 1 for tp, records in batches.items()}
        with contextlib.suppress(KafkaError):
            await self._consumer.commit(offsets)

    async def _handle(
        self, record: ConsumerRecord[bytes, bytes]
    ) -> TaskSucceeded | TaskFailed | None:
        try:
            job = _JOB.decode(record.value or b"")
        except ValueError as exc:
            log.warning("skipping an unreadable job at offset %d: %s", record.offset, exc)
            return None
        async with self._limit:
            return await self.run_job(job)

    async def run_job(self, job: Job) -> TaskSucceeded | TaskFailed:
        """Run one job's handler and make the reply for it."""
        message_id = f"{job.token}:reply"
        handler = self._handler_for(job)
        if handler is None:
            return TaskFailed(
                message_id,
                job.flow_id,
                job.token,
                "SFC.NoHandler",
                f"worker pool {self.pool!r} has no handler for {job.resource!r} "
                f"(state {job.state!r})",
            )
        try:
            output = await _call(handler, job.input)
        except TaskError as exc:
            return TaskFailed(
                message_id, job.flow_id, job.token, exc.error, exc.cause, exc.retryable
            )
        except Exception as exc:  # a handler's own failure is the task's failure
            log.debug("handler for %s failed", job.resource, exc_info=True)
            return TaskFailed(message_id, job.flow_id, job.token, type(exc).__name__, str(exc))
        return TaskSucceeded(message_id, job.flow_id, job.token, output)

    def _handler_for(self, job: Job) -> Handler | None:
        resource = job.resource
        name = resource[5:].split(":")[0] if resource.startswith("task:") else resource
        by_name = self.handlers.by_name
        return by_name.get(name) or by_name.get(job.state)

    async def _report(self, replies: list[TaskSucceeded | TaskFailed]) -> None:
        assert self._producer is not None
        delay = 0.1
        while True:
            try:
                pending = [
                    await self._producer.send(
                        self.topics.commands,
                        ENCODER.encode(reply),
                        key=reply.flow_id.encode(),
                        headers=make_headers(type(reply).__name__, reply.id, flow=reply.flow_id),
                    )
                    for reply in replies
                ]
                await asyncio.gather(*pending)
                return
            except KafkaError as exc:
                log.warning("reporting %d results failed (%s); retrying", len(replies), exc)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)


async def _call(handler: Handler, data: Json) -> Any:
    if inspect.iscoroutinefunction(handler):
        return await handler(data)
    # A plain function may block (I/O, CPU): keep it off the event loop.
    result = await asyncio.to_thread(handler, data)
    if inspect.isawaitable(result):
        return await result
    return result
