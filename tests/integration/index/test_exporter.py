"""The exporter against the real broker and a real SQLite file."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from index_support import dump, order_batches, produce
from prometheus_client import REGISTRY

from sfc.exporter import Exporter
from sfc.index.sqlite import SqliteIndexStore
from sfc.kafka import Topics, make_consumer
from sfc.kafka.records import HistoryBatch
from sfc.settings import Settings
from tests.integration.waiting import wait_until


class Offsets:
    """Reads the offsets the exporter's consumer group committed."""

    def __init__(self, settings: Settings) -> None:
        topic = Topics.from_settings(settings.kafka).events
        self._partitions = [TopicPartition(topic, p) for p in range(settings.kafka.partitions)]
        self.consumer: AIOKafkaConsumer = make_consumer(
            settings.kafka, group_id=settings.monitor.group_id
        )

    async def committed(self) -> int:
        """The committed offsets, summed over the partitions: records done with."""
        found = [await self.consumer.committed(tp) for tp in self._partitions]
        return sum(offset or 0 for offset in found)

    async def reach(self, records: int) -> bool:
        return await self.committed() == records


@pytest.fixture
async def offsets(settings: Settings, topics: Topics) -> AsyncIterator[Offsets]:
    reader = Offsets(settings)
    await reader.consumer.start()
    yield reader
    await reader.consumer.stop()


@pytest.fixture
async def store(settings: Settings) -> AsyncIterator[SqliteIndexStore]:
    opened = SqliteIndexStore(settings.monitor.sqlite_path)
    await opened.open()
    yield opened
    await opened.close()


def metric(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def events_in(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        (count,) = conn.execute("SELECT count(*) FROM events").fetchone()
    conn.close()
    return int(count)


def events_of(batches: list[HistoryBatch]) -> int:
    return sum(len(b.events) for b in batches)


async def test_the_exporter_indexes_every_flow_and_replays_change_nothing(
    settings: Settings, offsets: Offsets, store: SqliteIndexStore
) -> None:
    batches = order_batches(60)
    unreadable = metric("sfc_exporter_records_total", outcome="unreadable")
    exporter = Exporter(settings, store)
    await exporter.start()
    try:
        await produce(settings, batches)
        await wait_until(lambda: offsets.reach(len(batches)))
        assert events_in(store.path) == events_of(batches)
        indexed = dump(store.path)
        flow = await store.get_flow("o7")
        assert flow is not None
        assert (flow.status, flow.correlation_id) == ("SUCCEEDED", "c7")
        steps = await store.steps("o7")
        assert [(s.state, s.attempt) for s in steps] == [("Reserve", 1), ("Charge", 0), ("Ship", 0)]
        replayed = batches[::2]
        await produce(settings, replayed, b"not json", b'{"flowId": 3}')
        await wait_until(lambda: offsets.reach(len(batches) + len(replayed) + 2))
        assert exporter.ready
    finally:
        await exporter.stop()
    assert dump(store.path) == indexed
    assert metric("sfc_exporter_records_total", outcome="unreadable") - unreadable == 2
    assert {status: n for _, _, status, n in indexed["flow_counts"]} == {
        "RUNNING": 20,
        "FAILED": 8,
        "SUCCEEDED": 32,
    }


async def test_a_store_outage_makes_the_exporter_wait_and_resume_losing_nothing(
    settings: Settings, offsets: Offsets, store: SqliteIndexStore
) -> None:
    batches = order_batches(80)
    first, second = batches[:100], batches[100:]
    exporter = Exporter(settings, store, backoff=(0.05, 0.2))
    await exporter.start()
    try:
        await produce(settings, first)
        await wait_until(lambda: offsets.reach(len(first)))
        folder = store.path.parent
        folder.rename(folder.with_name("away"))
        failures = metric("sfc_exporter_store_failures_total")
        await produce(settings, second)
        await wait_until(lambda: metric("sfc_exporter_store_failures_total") >= failures + 3)
        assert not exporter.ready
        assert await offsets.committed() == len(first)  # nothing committed while down
        folder.with_name("away").rename(folder)
        await wait_until(lambda: offsets.reach(len(batches)))
        assert exporter.ready
    finally:
        await exporter.stop()
    assert events_in(store.path) == events_of(batches)
    indexed = dump(store.path)
    assert len(indexed["flows"]) == 80
    assert sum(n for _, _, _, n in indexed["flow_counts"]) == 80
    entered = sum(1 for b in batches for e in b.events if e.type == "StateEntered")
    assert len(indexed["steps"]) == entered


async def test_an_exporter_stopped_while_the_store_is_down_leaves_its_batch_to_the_next(
    settings: Settings, offsets: Offsets, store: SqliteIndexStore
) -> None:
    batches = order_batches(40)
    first, second = batches[:50], batches[50:]
    exporter = Exporter(settings, store, backoff=(0.05, 0.2), stop_timeout=0.5)
    await exporter.start()
    await produce(settings, first)
    await wait_until(lambda: offsets.reach(len(first)))
    folder = store.path.parent
    folder.rename(folder.with_name("away"))
    await produce(settings, second)
    await wait_until(lambda: not exporter.ready)
    started = time.monotonic()
    await exporter.stop()
    assert time.monotonic() - started < 3.0
    assert await offsets.committed() == len(first)
    folder.with_name("away").rename(folder)
    seen = metric("sfc_exporter_records_total", outcome="indexed")
    again = Exporter(settings, store)
    await again.start()
    try:
        await wait_until(lambda: offsets.reach(len(batches)))
    finally:
        await again.stop()
    # The second exporter read on from the committed offsets: the second part only.
    assert metric("sfc_exporter_records_total", outcome="indexed") - seen == len(second)
    assert events_in(store.path) == events_of(batches)
