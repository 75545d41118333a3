"""The same histories through the Elasticsearch and the SQLite stores give the same answers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import NamedTuple

import msgspec
import pytest

from sfc.index import BlueprintStats, FlowQuery, IndexStore
from sfc.index.elasticsearch import ElasticsearchIndexStore
from sfc.index.sqlite import SqliteIndexStore
from sfc.kafka.records import HistoryBatch
from tests.integration.index.index_support import order_batches, order_flow, started_at
from tests.unit.index.histories import HISTORIES, T0


def histories() -> list[HistoryBatch]:
    """Orders of two blueprints, a version 2, and every story of the projection's tests."""
    batches = order_batches(70)
    batches += [b for i in range(70, 85) for b in order_flow(i, blueprint="returns").batches]
    for name, recorder in HISTORIES.items():
        batches += [msgspec.structs.replace(b, flow_id=name) for b in recorder.batches]
    return batches


@pytest.fixture
async def stores(
    es_store: ElasticsearchIndexStore, sqlite_path: Path
) -> AsyncIterator[tuple[IndexStore, IndexStore]]:
    sqlite = SqliteIndexStore(sqlite_path)
    await sqlite.open()
    batches = histories()
    for start in range(0, len(batches), 25):
        await es_store.apply(batches[start : start + 25])
        await sqlite.apply(batches[start : start + 25])
    yield es_store, sqlite
    await sqlite.close()


async def every_page(store: IndexStore, query: FlowQuery) -> list[list[tuple[float, str]]]:
    """The flows of every page, as ``(sort value, id)``; flows of equal sort values in
    id order (each store breaks those ties its own way)."""
    pages = []
    cursor = None
    field = {"startedAt": "started_at", "endedAt": "ended_at", "updatedAt": "updated_at"}
    while True:
        page = await store.search(msgspec.structs.replace(query, cursor=cursor))
        pages.append([(getattr(f, field[query.sort_field]), f.id) for f in page.items])
        cursor = page.next
        if cursor is None:
            return pages


QUERIES = [
    FlowQuery(),
    FlowQuery(sort="startedAt", limit=9),
    FlowQuery(sort="-endedAt", limit=11),
    FlowQuery(sort="updatedAt", limit=13),
    FlowQuery(blueprint="orders", limit=20),
    FlowQuery(blueprint="orders", version=1, statuses=("FAILED", "RUNNING"), limit=15),
    FlowQuery(statuses=("PAUSED", "TIMED_OUT", "ABORTED")),
    FlowQuery(started_from=started_at(20), started_to=started_at(40), sort="startedAt"),
    FlowQuery(correlation_id="c7", sort="-updatedAt", limit=3),
    FlowQuery(correlation_id="c-1"),
    FlowQuery(text="A-1", limit=5),
    FlowQuery(text="declined payment", statuses=("FAILED",), limit=4),
    FlowQuery(text="shipped PAID", blueprint="returns"),
    FlowQuery(text="enough"),
    FlowQuery(text='"v" 2'),
]


@pytest.mark.parametrize("query", QUERIES, ids=[str(i) for i in range(len(QUERIES))])
async def test_searches_find_the_same_flows_in_the_same_order(
    stores: tuple[IndexStore, IndexStore], query: FlowQuery
) -> None:
    elastic, sqlite = stores
    found = await every_page(elastic, query)
    expected = await every_page(sqlite, query)
    assert [len(page) for page in found] == [len(page) for page in expected]
    assert sorted(f for page in found for f in page) == sorted(f for page in expected for f in page)
    # Pages follow the sort; ties (equal times) may fall on either side of a page break.
    values = [value for page in found for value, _ in page]
    assert values == [value for page in expected for value, _ in page]
    full = await elastic.search(msgspec.structs.replace(query, limit=500))
    reference = await sqlite.search(msgspec.structs.replace(query, limit=500))
    assert sorted(full.items, key=lambda f: f.id) == sorted(reference.items, key=lambda f: f.id)


class Window(NamedTuple):
    since: float
    until: float
    blueprint: str | None = None
    version: int | None = None
    states: bool = False


WINDOWS = [
    Window(started_at(0), started_at(0) + 3600 * 2),
    Window(started_at(0), started_at(0) + 3600 * 2, states=True),
    Window(T0 - 7200, T0 + 86_400, "orders", states=True),
    Window(T0, T0 + 300, "orders", 2, states=True),
    Window(T0 + 3600, T0 + 7200, states=True),
    Window(T0, T0 + 1, "nothing"),
]


@pytest.mark.parametrize("window", WINDOWS, ids=[str(i) for i in range(len(WINDOWS))])
async def test_statistics_are_the_same(
    stores: tuple[IndexStore, IndexStore], window: Window
) -> None:
    found, expected = [
        await store.stats(
            window.since,
            window.until,
            blueprint=window.blueprint,
            version=window.version,
            states=window.states,
        )
        for store in stores
    ]
    assert _exact(found) == _exact(expected)
    means = [s.mean_seconds for b in found for s in b.states]
    assert means == pytest.approx([s.mean_seconds for b in expected for s in b.states])


def _exact(found: list[BlueprintStats]) -> list[BlueprintStats]:
    """Without the means: sums of floats may differ in their last bits."""
    return [
        msgspec.structs.replace(
            stats, states=[msgspec.structs.replace(s, mean_seconds=None) for s in stats.states]
        )
        for stats in found
    ]
