"""Searches for common words walk the time index; they answer exactly what the default
plan answers (pages and cursors included), on a real SQLite index."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import msgspec
import pytest

from sfc.index import FlowQuery
from sfc.index.sqlite import SqliteIndexStore, text
from tests.integration.index.index_support import order_batches

QUERIES = [
    FlowQuery(text="order", limit=7),
    FlowQuery(text="declined", limit=3),
    FlowQuery(text="order", sort="startedAt", limit=5),
    FlowQuery(text="order", sort="-endedAt", limit=4),
    FlowQuery(text="order", statuses=("RUNNING",), limit=4),
    FlowQuery(text="order", blueprint="orders", version=1, limit=50),
    FlowQuery(text="A-17", limit=5),
    FlowQuery(text="nothing-like-it"),
]


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqliteIndexStore]:
    opened = SqliteIndexStore(tmp_path / "index.sqlite3")
    await opened.open()
    await opened.apply(order_batches(60))
    yield opened
    await opened.close()


async def every_page(store: SqliteIndexStore, query: FlowQuery) -> list[list[str]]:
    pages, cursor = [], None
    while True:
        page = await store.search(msgspec.structs.replace(query, cursor=cursor))
        pages.append([flow.id for flow in page.items])
        if page.next is None:
            return pages
        cursor = page.next


@pytest.mark.parametrize("query", QUERIES, ids=[f"{q.text}:{q.sort}:{q.limit}" for q in QUERIES])
async def test_walking_the_time_index_gives_the_default_plan_s_pages(
    store: SqliteIndexStore, query: FlowQuery, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(text, "PROBE", 10**9)  # never walk
    expected = await every_page(store, query)
    monkeypatch.setattr(text, "PROBE", 2)
    monkeypatch.setattr(text, "CHUNK", 4)
    monkeypatch.setattr(text, "MAX_RANGES", 2)
    assert await every_page(store, query) == expected
    assert sum(map(len, expected)) == len({i for page in expected for i in page})


async def test_a_walk_that_finds_too_little_falls_back(
    store: SqliteIndexStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    query = FlowQuery(text="declined", limit=50)
    monkeypatch.setattr(text, "PROBE", 10**9)
    expected = await every_page(store, query)
    monkeypatch.setattr(text, "PROBE", 2)
    monkeypatch.setattr(text, "CHUNK", 3)
    monkeypatch.setattr(text, "BUDGET", 6)
    assert await every_page(store, query) == expected


def test_ranges_cover_every_key_in_at_most_max_ranges(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(text, "MAX_RANGES", 3)
    keys = [50, 1, 2, 3, 100, 101, 7, 300]
    found = text.ranges(keys)
    assert found == [(1, 50), (100, 101), (300, 300)]
    assert all(any(low <= key <= high for low, high in found) for key in keys)
    assert text.ranges([5]) == [(5, 5)]
