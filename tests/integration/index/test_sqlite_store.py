"""The SQLite index store on a real file."""

from __future__ import annotations

import math
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import msgspec
import pytest
from index_support import dump, order_batches, order_flow, started_at

from sfc.errors import InputError, UnavailableError
from sfc.index import FlowQuery
from sfc.index.query import Cursor, encode_cursor
from sfc.index.sqlite import SqliteIndexStore
from sfc.index.sqlite.read import search_sql
from tests.unit.index.histories import HISTORIES, fold


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqliteIndexStore]:
    opened = SqliteIndexStore(tmp_path / "index" / "monitor.sqlite3")
    await opened.open()
    yield opened
    await opened.close()


async def test_flows_steps_and_history_read_back_as_projected(store: SqliteIndexStore) -> None:
    for name, recorder in HISTORIES.items():
        batches = [msgspec.structs.replace(b, flow_id=name) for b in recorder.batches]
        await store.apply(batches)
        expected = fold(batches)
        assert await store.get_flow(name) == expected.flow
        assert await store.steps(name) == expected.ordered_steps()
        assert await store.history(name) == recorder.events
    assert await store.get_flow("nobody") is None
    assert await store.steps("nobody") == []


async def test_applying_again_or_piece_by_piece_stores_the_same(tmp_path: Path) -> None:
    batches = order_batches(40)
    at_once = SqliteIndexStore(tmp_path / "once.sqlite3")
    piecemeal = SqliteIndexStore(tmp_path / "pieces.sqlite3")
    await at_once.open()
    await piecemeal.open()
    try:
        await at_once.apply(batches)
        for start in range(0, len(batches), 7):
            await piecemeal.apply(batches[start : start + 7])
            await piecemeal.apply(batches[: start + 7 : 3])  # replays of earlier records
        once = dump(at_once.path)
        await at_once.apply(batches)
        assert dump(at_once.path) == once
        assert dump(piecemeal.path) == once
    finally:
        await at_once.close()
        await piecemeal.close()
    assert len(once["flows"]) == 40
    assert len(once["events"]) == sum(len(b.events) for b in batches)
    counts = {status: n for _, _, status, n in once["flow_counts"]}
    assert counts == {"RUNNING": 14, "FAILED": 5, "SUCCEEDED": 21}


async def test_full_text_finds_flows_by_input_output_and_error(store: SqliteIndexStore) -> None:
    await store.apply(order_batches(30))
    by_input = await store.search(FlowQuery(text="A-12"))
    assert [f.id for f in by_input.items] == ["o12"]
    by_cause = await store.search(FlowQuery(text="payment declined"))
    assert {f.id for f in by_cause.items} == {"o5", "o10", "o20", "o25"}
    assert all(f.error == "Refused" for f in by_cause.items)
    by_output = await store.search(FlowQuery(text="shipped", statuses=("SUCCEEDED",), limit=500))
    assert len(by_output.items) == 16
    assert (await store.search(FlowQuery(text="nothing-like-this"))).items == []


async def test_an_error_cleared_by_a_restart_is_no_longer_found(store: SqliteIndexStore) -> None:
    recorder = order_flow(5)  # declined: FAILED with the card's cause
    await store.apply(recorder.batches)
    assert [f.id for f in (await store.search(FlowQuery(text="declined"))).items] == ["o5"]
    recorder.restart()
    await store.apply(recorder.batches)
    assert (await store.search(FlowQuery(text="declined"))).items == []
    assert [f.id for f in (await store.search(FlowQuery(text="A-5"))).items] == ["o5"]


async def test_search_filters_sorts_and_pages(store: SqliteIndexStore) -> None:
    await store.apply(order_batches(50))
    await store.apply([order_flow(i, blueprint="returns").batches[0] for i in range(50, 60)])
    everything = await store.search(FlowQuery(limit=500))
    assert len(everything.items) == 60
    starts = [f.started_at or 0.0 for f in everything.items]
    assert starts == sorted(starts, reverse=True)
    pages, cursor = [], None
    while True:
        page = await store.search(
            FlowQuery(blueprint="orders", sort="startedAt", limit=7, cursor=cursor)
        )
        pages.append([f.id for f in page.items])
        cursor = page.next
        if cursor is None:
            break
    assert [f for page in pages for f in page] == [f"o{i}" for i in range(50)]
    assert len(pages) == 8
    failed = await store.search(FlowQuery(blueprint="orders", statuses=("FAILED",)))
    assert {f.id for f in failed.items} == {"o5", "o10", "o20", "o25", "o35", "o40"}
    window = await store.search(FlowQuery(started_from=started_at(10), started_to=started_at(13)))
    assert [f.id for f in window.items] == ["o12", "o11", "o10"]
    correlated = await store.search(FlowQuery(correlation_id="c3", blueprint="orders"))
    assert [f.id for f in correlated.items] == ["o43", "o33", "o23", "o13", "o3"]
    ended = await store.search(FlowQuery(sort="-endedAt", limit=500))
    assert len(ended.items) == 33
    assert all(f.ended_at is not None for f in ended.items)
    assert (await store.search(FlowQuery(blueprint="returns", version=2))).items == []


async def test_a_foreign_cursor_is_refused(store: SqliteIndexStore) -> None:
    await store.apply(order_batches(3))
    page = await store.search(FlowQuery(limit=1))
    assert page.next is not None
    with pytest.raises(InputError) as refused:
        await store.search(FlowQuery(limit=1, cursor=page.next, sort="updatedAt"))
    assert refused.value.field == "cursor"


async def test_statistics_per_blueprint_and_state(store: SqliteIndexStore) -> None:
    await store.apply(order_batches(60))
    since = started_at(0)
    (stats,) = await store.stats(since, since + 3600 * 2, blueprint="orders", states=True)
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
    assert await store.stats(since, since + 1, blueprint="nothing") == []
    (alone,) = await store.stats(since, since + 3600 * 2)
    assert alone.states == []


@pytest.mark.parametrize(
    "query",
    [
        FlowQuery(),
        FlowQuery(sort="startedAt", cursor=encode_cursor(Cursor("startedAt", 5.0, 3))),
        FlowQuery(blueprint="orders"),
        FlowQuery(blueprint="orders", version=2, sort="startedAt"),
        FlowQuery(blueprint="orders", statuses=("FAILED",)),
        FlowQuery(blueprint="orders", version=1, statuses=("FAILED",)),
        FlowQuery(statuses=("RUNNING",), started_from=1.0, started_to=9.0),
        FlowQuery(correlation_id="c3"),
        FlowQuery(sort="-endedAt"),
        FlowQuery(sort="-updatedAt", cursor=encode_cursor(Cursor("-updatedAt", 5.0, 3))),
    ],
)
async def test_searches_read_an_index_in_sort_order(
    store: SqliteIndexStore, query: FlowQuery
) -> None:
    await store.apply(order_batches(5))
    sql, params = search_sql(query)
    with sqlite3.connect(store.path) as conn:
        plan = [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}", params)]
    conn.close()
    assert len(plan) == 1, plan
    assert plan[0].startswith("SEARCH flows USING INDEX flows_"), plan


async def test_a_store_whose_file_is_gone_is_unavailable_until_it_is_back(tmp_path: Path) -> None:
    folder = tmp_path / "index"
    store = SqliteIndexStore(folder / "monitor.sqlite3")
    await store.open()
    try:
        batches = order_batches(6)
        await store.apply(batches[:6])
        folder.rename(tmp_path / "away")
        with pytest.raises(UnavailableError):
            await store.apply(batches[6:])
        with pytest.raises(UnavailableError):
            await store.get_flow("o1")
        (tmp_path / "away").rename(folder)
        await store.apply(batches[6:])
        assert len(dump(store.path)["flows"]) == 6
        flow = await store.get_flow("o1")
        assert flow is not None
        assert flow.status == "SUCCEEDED"
    finally:
        await store.close()


async def test_a_database_locked_by_another_process_is_unavailable(tmp_path: Path) -> None:
    store = SqliteIndexStore(tmp_path / "monitor.sqlite3", busy_timeout=0.2)
    await store.open()
    other = sqlite3.connect(store.path, isolation_level=None)
    try:
        other.execute("BEGIN EXCLUSIVE")
        with pytest.raises(UnavailableError):
            await store.apply(order_batches(2))
        other.execute("ROLLBACK")
        await store.apply(order_batches(2))
        assert await store.get_flow("o1") is not None
    finally:
        other.close()
        await store.close()


async def test_a_closed_store_is_unavailable(tmp_path: Path) -> None:
    store = SqliteIndexStore(tmp_path / "monitor.sqlite3")
    with pytest.raises(UnavailableError):
        await store.get_flow("o1")
    await store.open()
    await store.close()
    with pytest.raises(UnavailableError):
        await store.apply(order_batches(1))
