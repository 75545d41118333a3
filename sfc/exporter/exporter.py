"""The exporter: indexes ``sfc.events`` into an :class:`~sfc.index.IndexStore`.

It reads the topic in a consumer group, decodes each record as a
:class:`~sfc.kafka.records.HistoryBatch`, hands what it fetched to the store in one bulk
``apply``, and commits the offsets only once the store has accepted it. A store that
fails makes it wait and try the same records again, with an exponential back-off, until
they are stored: nothing is skipped, and the store's idempotence (events are keyed by
flow id and sequence number) makes every retry and every redelivery harmless. A record
it cannot read is logged and skipped.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import time
from collections.abc import Mapping, Sequence
from typing import Final

import msgspec
from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.errors import KafkaError

from sfc.errors import UnavailableError
from sfc.exporter import metrics
from sfc.index import IndexStore
from sfc.kafka import Topics, ensure_topics, make_consumer
from sfc.kafka.records import HistoryBatch
from sfc.settings import Settings

log = logging.getLogger(__name__)

_DECODER: Final = msgspec.json.Decoder(HistoryBatch)

LAG_INTERVAL: Final = 10.0
"""Seconds between two measures of the lag."""

Fetched = Mapping[TopicPartition, Sequence[ConsumerRecord[bytes, bytes]]]


class _AbandonedError(Exception):
    """Stopping, and the store did not come back in time: leave the batch uncommitted."""


class Exporter:
    """Indexes flow histories from Kafka into a store.

    The store's life cycle is the caller's: open it before :meth:`start`, close it
    after :meth:`stop`.

    Args:
        settings: The broker, topics and consumer group (``monitor.group_id``).
        store: Where to index.
        max_records: Records handed to the store in one apply at most.
        backoff: The first and the longest pause between two tries of a failed apply.
        stop_timeout: How long :meth:`stop` lets a failing store come back before it
            leaves the batch in hand uncommitted (it is then read again next time).
    """

    def __init__(
        self,
        settings: Settings,
        store: IndexStore,
        *,
        max_records: int = 2000,
        backoff: tuple[float, float] = (0.1, 5.0),
        stop_timeout: float = 10.0,
    ) -> None:
        self._settings = settings
        self._store = store
        self._topic = Topics.from_settings(settings.kafka).events
        self._max_records = max_records
        self._backoff = backoff
        self._stop_timeout = stop_timeout
        self._consumer: AIOKafkaConsumer | None = None
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._deadline = float("inf")
        self._store_up = True
        self._positions: dict[TopicPartition, int] = {}
        self._lag_due = 0.0

    @property
    def ready(self) -> bool:
        """Whether it runs and the store accepts writes."""
        return self._task is not None and not self._task.done() and self._store_up

    async def start(self) -> None:
        """Join the consumer group and start indexing in the background."""
        self._stopping = False
        self._deadline = float("inf")
        await ensure_topics(self._settings.kafka, {self._topic: self._settings.kafka.partitions})
        consumer = make_consumer(
            self._settings.kafka, self._topic, group_id=self._settings.monitor.group_id
        )
        await consumer.start()
        self._consumer = consumer
        self._task = asyncio.create_task(self._run(consumer), name="exporter")
        self._task.add_done_callback(_report_crash)
        metrics.STORE_UP.set(1)  # until an apply says otherwise
        log.info("exporter indexing %s (group %s)", self._topic, self._settings.monitor.group_id)

    async def stop(self) -> None:
        """Finish and commit the batch in hand, then leave the group."""
        task, consumer = self._task, self._consumer
        self._stopping = True
        self._deadline = time.monotonic() + self._stop_timeout
        if task is not None:
            try:
                await asyncio.wait_for(asyncio.shield(task), self._stop_timeout + 5.0)
            except TimeoutError:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        if consumer is not None:
            await consumer.stop()
        self._task = self._consumer = None

    async def _run(self, consumer: AIOKafkaConsumer) -> None:
        while not self._stopping:
            try:
                fetched = await consumer.getmany(timeout_ms=200, max_records=self._max_records)
            except KafkaError as exc:
                log.warning("reading %s failed (%s); retrying", self._topic, exc)
                await asyncio.sleep(self._backoff[0])
                continue
            if not fetched:
                continue
            try:
                await self._store_all(_decode(fetched))
            except _AbandonedError:
                log.warning("stopped with the index store down; the batch will be read again")
                return
            await self._commit(consumer, fetched)

    async def _store_all(self, batches: list[HistoryBatch]) -> None:
        """Apply until the store accepts, backing off between tries."""
        if not batches:
            return
        delay, longest = self._backoff
        failures = 0
        while True:
            started = time.perf_counter()
            try:
                await self._store.apply(batches)
            except (UnavailableError, OSError, sqlite3.Error) as exc:
                failures += 1
                log.warning("index store unavailable (%s); retry %d in %.1fs", exc, failures, delay)
            except Exception:
                # A fault of ours, not the store's: never drop the records over it.
                failures += 1
                log.exception("indexing failed; retry %d in %.1fs", failures, delay)
            else:
                metrics.APPLY_SECONDS.observe(time.perf_counter() - started)
                metrics.EVENTS.inc(sum(len(b.events) for b in batches))
                metrics.RECORDS.labels("indexed").inc(len(batches))
                self._set_store_up(True, failures)
                return
            self._set_store_up(False, failures)
            if time.monotonic() + delay > self._deadline:
                raise _AbandonedError
            await asyncio.sleep(delay)
            delay = min(delay * 2, longest)

    def _set_store_up(self, up: bool, failures: int) -> None:
        if up and failures:
            log.info("index store back after %d failed tries", failures)
        if not up:
            metrics.STORE_FAILURES.inc()
        self._store_up = up
        metrics.STORE_UP.set(1 if up else 0)

    async def _commit(self, consumer: AIOKafkaConsumer, fetched: Fetched) -> None:
        offsets = {tp: records[-1].offset + 1 for tp, records in fetched.items() if records}
        try:
            await consumer.commit(offsets)
        except KafkaError as exc:
            # The records are read again by whoever owns their partitions next, and
            # indexing them again changes nothing.
            log.warning("committing offsets failed (%s); they will be indexed again", exc)
        self._positions.update(offsets)
        if time.monotonic() >= self._lag_due:
            self._lag_due = time.monotonic() + LAG_INTERVAL
            await self._measure_lag(consumer)

    async def _measure_lag(self, consumer: AIOKafkaConsumer) -> None:
        """Set the lag gauge from the partitions' end offsets (a request: not every batch)."""
        owned = consumer.assignment()
        try:
            ends = await consumer.end_offsets(list(owned))
        except KafkaError as exc:
            log.debug("cannot read end offsets for the lag: %s", exc)
            return
        for tp, end in ends.items():
            done = self._positions.get(tp)
            if done is not None:
                metrics.LAG.labels(str(tp.partition)).set(max(0, end - done))


def _decode(fetched: Fetched) -> list[HistoryBatch]:
    """The history batches among the records, in partition order; unreadable ones skipped."""
    batches: list[HistoryBatch] = []
    for records in fetched.values():
        for record in records:
            if record.value is None:
                continue
            try:
                batches.append(_DECODER.decode(record.value))
            except msgspec.DecodeError as exc:
                metrics.RECORDS.labels("unreadable").inc()
                log.warning(
                    "skipping unreadable record %s[%d]@%d: %s",
                    record.topic,
                    record.partition,
                    record.offset,
                    exc,
                )
    return batches


def _report_crash(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("the exporter stopped on an error", exc_info=task.exception())
