"""The exporter indexing into Elasticsearch from the real broker, through an outage."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from es_support import NoidaServer, count, dump
from prometheus_client import REGISTRY

from sfc.exporter import Exporter
from sfc.index import FlowQuery
from sfc.index.elasticsearch import ElasticsearchIndexStore
from sfc.index.sqlite import SqliteIndexStore
from sfc.kafka import Topics, make_consumer
from sfc.kafka.records import HistoryBatch
from sfc.settings import Settings
from tests.integration.index.index_support import order_batches, produce, started_at
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


def metric(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def events_of(batches: list[HistoryBatch]) -> int:
    return sum(len(b.events) for b in batches)


async def test_the_exporter_indexes_every_flow_and_replays_change_nothing(
    settings: Settings, offsets: Offsets, es_store: ElasticsearchIndexStore
) -> None:
    batches = order_batches(60)
    exporter = Exporter(settings, es_store)
    await exporter.start()
    try:
        await produce(settings, batches)
        await wait_until(lambda: offsets.reach(len(batches)))
        indexed = await dump(es_store)
        flow = await es_store.get_flow("o7")
        assert flow is not None
        assert (flow.status, flow.correlation_id) == ("SUCCEEDED", "c7")
        steps = await es_store.steps("o7")
        assert [(s.state, s.attempt) for s in steps] == [("Reserve", 1), ("Charge", 0), ("Ship", 0)]
        replayed = batches[::2]
        await produce(settings, replayed, b"not json")
        await wait_until(lambda: offsets.reach(len(batches) + len(replayed) + 1))
        assert exporter.ready
    finally:
        await exporter.stop()
    assert await dump(es_store) == indexed
    assert len(indexed["events"]) == events_of(batches)
    statuses = [flow["status"] for flow in indexed["flows"].values()]
    assert {s: statuses.count(s) for s in set(statuses)} == {
        "RUNNING": 20,
        "FAILED": 8,
        "SUCCEEDED": 32,
    }


async def test_an_outage_makes_the_exporter_wait_then_index_every_flow_once(
    settings: Settings,
    offsets: Offsets,
    es_store: ElasticsearchIndexStore,
    noida: NoidaServer,
    sqlite_path: Path,
) -> None:
    batches = order_batches(80)
    first, second = batches[:100], batches[100:]
    exporter = Exporter(settings, es_store, backoff=(0.05, 0.2))
    await exporter.start()
    try:
        await produce(settings, first)
        await wait_until(lambda: offsets.reach(len(first)))
        noida.stop()  # mid-run: the rest of the flows are still to come
        failures = metric("sfc_exporter_store_failures_total")
        await produce(settings, second)
        await wait_until(lambda: metric("sfc_exporter_store_failures_total") >= failures + 3)
        assert not exporter.ready
        assert await offsets.committed() == len(first)  # nothing committed while down
        noida.start()  # the same port and data folder
        await wait_until(lambda: offsets.reach(len(batches)))
        assert exporter.ready
    finally:
        await exporter.stop()
        if not noida.running:
            noida.start()  # for the tests that follow
    assert await count(es_store, "flows") == 80
    assert await count(es_store, "events") == events_of(batches)
    entered = sum(1 for b in batches for e in b.events if e.type == "StateEntered")
    assert await count(es_store, "steps") == entered
    await _same_as_sqlite(es_store, batches, sqlite_path)


async def _same_as_sqlite(
    store: ElasticsearchIndexStore, batches: list[HistoryBatch], path: Path
) -> None:
    """Every flow counted once: the same searches and statistics as SQLite's."""
    sqlite = SqliteIndexStore(path)
    await sqlite.open()
    try:
        await sqlite.apply(batches)
        query = FlowQuery(limit=500)
        assert (await store.search(query)).items == (await sqlite.search(query)).items
        since = started_at(0)
        for reference in (store, sqlite):
            (figures,) = await reference.stats(since, since + 7200, states=True)
            assert (figures.started, figures.ended) == (80, sum(1 for i in range(80) if i % 3))
        found = await store.stats(since, since + 7200, states=True)
        assert found == await sqlite.stats(since, since + 7200, states=True)
    finally:
        await sqlite.close()
