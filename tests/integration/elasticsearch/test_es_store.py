"""The Elasticsearch store on a real Elasticsearch-API server (noida-db)."""

from __future__ import annotations

import asyncio
import logging
import math

import msgspec
import pytest
from es_support import NoidaServer, count, dump

from sfc.errors import ConfigError, InputError, UnavailableError
from sfc.index import FlowQuery
from sfc.index.elasticsearch import Connection, ElasticsearchIndexStore
from sfc.index.stores import make_store
from sfc.net import free_port
from sfc.settings import MonitorSettings
from tests.integration.index.index_support import order_batches, order_flow, started_at
from tests.unit.index.histories import HISTORIES, fold


def _store(noida: NoidaServer, prefix: str) -> ElasticsearchIndexStore:
    return ElasticsearchIndexStore(Connection(noida.url), prefix, refresh=True)


async def test_flows_steps_and_history_read_back_as_projected(
    es_store: ElasticsearchIndexStore,
) -> None:
    for name, recorder in HISTORIES.items():
        batches = [msgspec.structs.replace(b, flow_id=name) for b in recorder.batches]
        for batch in batches:  # one apply per decision, as a live exporter would
            await es_store.apply([batch])
        expected = fold(batches)
        assert await es_store.get_flow(name) == expected.flow
        assert await es_store.steps(name) == expected.ordered_steps()
        assert await es_store.history(name) == recorder.events
    assert await es_store.get_flow("nobody") is None
    assert await es_store.steps("nobody") == []
    assert await es_store.history("nobody") == []


async def test_applying_again_or_piece_by_piece_stores_the_same(
    noida: NoidaServer, prefix: str
) -> None:
    batches = order_batches(40)
    at_once, piecemeal = _store(noida, prefix), _store(noida, prefix + "-b")
    await at_once.open()
    await piecemeal.open()
    try:
        await at_once.apply(batches)
        for start in range(0, len(batches), 7):
            await piecemeal.apply(batches[start : start + 7])
            await piecemeal.apply(batches[: start + 7 : 3])  # replays of earlier records
        once = await dump(at_once)
        await at_once.apply(batches)
        assert await dump(at_once) == once
        assert await dump(piecemeal) == once
    finally:
        await at_once.close()
        await piecemeal.close()
    assert len(once["flows"]) == 40
    assert len(once["events"]) == sum(len(b.events) for b in batches)
    statuses = [flow["status"] for flow in once["flows"].values()]
    assert {s: statuses.count(s) for s in set(statuses)} == {
        "RUNNING": 14,
        "FAILED": 5,
        "SUCCEEDED": 21,
    }


async def test_exporters_writing_the_same_flows_at_once_store_them_once(
    noida: NoidaServer, prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="sfc.index.elasticsearch.write")
    batches = order_batches(30)
    alone, first, second = (_store(noida, p) for p in (prefix + "-alone", prefix, prefix))
    for store in (alone, first, second):
        await store.open()
    try:
        await alone.apply(batches)
        # A rebalance: the old owner still applies its records while the new one
        # applies the same ones and more, each starting from what the index held.
        for start in range(0, len(batches), 10):
            await asyncio.gather(
                first.apply(batches[start : start + 10]),
                second.apply(batches[max(0, start - 5) : start + 15]),
            )
        expected, found = await dump(alone), await dump(first)
    finally:
        for store in (alone, first, second):
            await store.close()
    assert found == expected
    assert "changed while being indexed" in caplog.text  # the writers did collide


async def test_full_text_finds_flows_by_input_output_and_error(
    es_store: ElasticsearchIndexStore,
) -> None:
    await es_store.apply(order_batches(30))
    by_input = await es_store.search(FlowQuery(text="A-12"))
    assert [f.id for f in by_input.items] == ["o12"]
    by_cause = await es_store.search(FlowQuery(text="payment declined"))
    assert {f.id for f in by_cause.items} == {"o5", "o10", "o20", "o25"}
    assert all(f.error == "Refused" for f in by_cause.items)
    by_output = await es_store.search(FlowQuery(text="shipped", statuses=("SUCCEEDED",), limit=500))
    assert len(by_output.items) == 16
    by_key = await es_store.search(FlowQuery(text='"PAID" refused', limit=500))
    assert by_key.items == []  # a word in the output (succeeded) and one in the error
    assert (await es_store.search(FlowQuery(text="nothing-like-this"))).items == []


async def test_an_error_cleared_by_a_restart_is_no_longer_found(
    es_store: ElasticsearchIndexStore,
) -> None:
    recorder = order_flow(5)  # declined: FAILED with the card's cause
    await es_store.apply(recorder.batches)
    assert [f.id for f in (await es_store.search(FlowQuery(text="declined"))).items] == ["o5"]
    recorder.restart()
    await es_store.apply(recorder.batches)
    assert (await es_store.search(FlowQuery(text="declined"))).items == []
    assert [f.id for f in (await es_store.search(FlowQuery(text="A-5"))).items] == ["o5"]


async def test_search_filters_sorts_and_pages(es_store: ElasticsearchIndexStore) -> None:
    await es_store.apply(order_batches(50))
    await es_store.apply([order_flow(i, blueprint="returns").batches[0] for i in range(50, 60)])
    everything = await es_store.search(FlowQuery(limit=500))
    assert len(everything.items) == 60
    starts = [f.started_at or 0.0 for f in everything.items]
    assert starts == sorted(starts, reverse=True)
    pages, cursor = [], None
    while True:
        page = await es_store.search(
            FlowQuery(blueprint="orders", sort="startedAt", limit=7, cursor=cursor)
        )
        pages.append([f.id for f in page.items])
        cursor = page.next
        if cursor is None:
            break
    assert [f for page in pages for f in page] == [f"o{i}" for i in range(50)]
    assert len(pages) == 8
    failed = await es_store.search(FlowQuery(blueprint="orders", statuses=("FAILED",)))
    assert {f.id for f in failed.items} == {"o5", "o10", "o20", "o25", "o35", "o40"}
    window = await es_store.search(
        FlowQuery(started_from=started_at(10), started_to=started_at(13))
    )
    assert [f.id for f in window.items] == ["o12", "o11", "o10"]
    correlated = await es_store.search(FlowQuery(correlation_id="c3", blueprint="orders"))
    assert [f.id for f in correlated.items] == ["o43", "o33", "o23", "o13", "o3"]
    ended = await es_store.search(FlowQuery(sort="-endedAt", limit=500))
    assert len(ended.items) == 33
    assert all(f.ended_at is not None for f in ended.items)
    updated = await es_store.search(FlowQuery(sort="updatedAt", blueprint="returns", version=1))
    assert [f.id for f in updated.items] == [f"o{i}" for i in range(50, 60)]
    assert (await es_store.search(FlowQuery(blueprint="returns", version=2))).items == []


async def test_a_foreign_cursor_is_refused(es_store: ElasticsearchIndexStore) -> None:
    await es_store.apply(order_batches(3))
    page = await es_store.search(FlowQuery(limit=1))
    assert page.next is not None
    with pytest.raises(InputError) as refused:
        await es_store.search(FlowQuery(limit=1, cursor=page.next, sort="updatedAt"))
    assert refused.value.field == "cursor"


async def test_statistics_per_blueprint_and_state(es_store: ElasticsearchIndexStore) -> None:
    await es_store.apply(order_batches(60))
    since = started_at(0)
    (stats,) = await es_store.stats(since, since + 3600 * 2, blueprint="orders", states=True)
    assert stats.counts == {"RUNNING": 20, "FAILED": 8, "SUCCEEDED": 32}
    assert (stats.started, stats.ended, stats.failed) == (60, 40, 8)
    assert stats.failure_rate == pytest.approx(0.2)
    took = sorted(1 + i % 4 + (2 if i % 7 == 0 else 0) for i in range(60) if i % 3 and i % 5)
    assert stats.p50_seconds == pytest.approx(took[len(took) // 2 - 1], rel=0.045)
    assert stats.p95_seconds == pytest.approx(took[math.ceil(0.95 * len(took)) - 1], rel=0.045)
    assert sum(h.started for h in stats.hours) == 60
    states = {s.state: s for s in stats.states}
    assert states["Charge"].running == 20
    assert (states["Charge"].caught, states["Refuse"].failed) == (8, 8)
    assert states["Reserve"].ended == 60
    assert states["Reserve"].mean_seconds == pytest.approx((51 * 1 + 9 * 3) / 60)
    assert await es_store.stats(since, since + 1, blueprint="nothing") == []
    (alone,) = await es_store.stats(since, since + 3600 * 2)
    assert alone.states == []


async def test_a_very_long_flow_id_is_stored_under_a_hashed_document_id(
    es_store: ElasticsearchIndexStore,
) -> None:
    name = "f" * 600
    batches = [msgspec.structs.replace(b, flow_id=name) for b in order_flow(1).batches]
    await es_store.apply(batches)
    flow = await es_store.get_flow(name)
    assert flow is not None
    assert (flow.id, flow.status) == (name, "SUCCEEDED")
    assert [s.state for s in await es_store.steps(name)] == ["Reserve", "Charge", "Ship"]
    assert await count(es_store, "flows") == 1


async def test_an_unreachable_cluster_is_unavailable(prefix: str) -> None:
    nobody = Connection(f"http://127.0.0.1:{free_port()}", timeout=2)
    store = ElasticsearchIndexStore(nobody, prefix)
    with pytest.raises(UnavailableError):
        await store.get_flow("o1")  # not open
    await store.open()  # logs, and sets up on the first call that reaches the cluster
    try:
        with pytest.raises(UnavailableError):
            await store.apply(order_batches(2))
        with pytest.raises(UnavailableError):
            await store.get_flow("o1")
        with pytest.raises(UnavailableError):
            await store.search(FlowQuery())
        with pytest.raises(UnavailableError):
            await store.stats(0.0, 3600.0)
    finally:
        await store.close()


async def test_open_again_keeps_the_indices_and_refuses_newer_ones(
    noida: NoidaServer, es_store: ElasticsearchIndexStore, prefix: str
) -> None:
    await es_store.apply(order_batches(3))
    again = _store(noida, prefix)
    await again.open()
    try:
        assert await again.get_flow("o1") is not None
    finally:
        await again.close()
    newer = _store(noida, prefix)
    await newer.open()
    try:
        client = newer.connection.client()
        await client.indices.put_mapping(index=f"{prefix}-steps", meta={"schema": 99})
        await client.close()
    finally:
        await newer.close()
    with pytest.raises(ConfigError, match="schema 99"):
        await newer.open()
    await newer.close()


def test_the_settings_make_an_elasticsearch_store() -> None:
    settings = MonitorSettings.model_validate(
        {
            "store": "elasticsearch",
            "elasticsearch_url": "http://127.0.0.1:9201",
            "index_prefix": "prod.sfc",
            "elasticsearch_username": "sfc",
            "elasticsearch_password": "secret",
        }
    )
    store = make_store(settings)
    assert isinstance(store, ElasticsearchIndexStore)
    assert store.indices.flows == "prod.sfc-flows"
    assert (store.connection.username, store.connection.password) == ("sfc", "secret")
    with pytest.raises(ValueError, match="index_prefix"):
        MonitorSettings.model_validate({"index_prefix": "Not Valid"})
