"""Events/s the SQLite index store takes in, and how fast the monitor's queries answer.

Generates ``--flows`` flows of ten history events each (two Tasks; one flow in twenty
fails, one in ten is still running at the end), written as the engine writes them (one
record per decision, three per flow) and interleaved as many flows run at once. The
records are decoded and applied in bulk as the exporter does (``--batch`` records per
apply, no Kafka), then the monitor's queries are timed on the result.

    python -m benchmarks.exporter [--flows 100000] [--batch 2000] [--path FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import msgspec

from sfc.core.interpreter.commands import HistoryEvent
from sfc.index import FlowQuery
from sfc.index.sqlite import SqliteIndexStore
from sfc.kafka.records import HistoryBatch

BLUEPRINTS = ("orders", "payments", "shipping", "returns", "invoices")
DAY = 86_400.0
IN_FLIGHT = 2_000
"""Flows running at once: each apply sees records of this many distinct flows."""

DECODER = msgspec.json.Decoder(HistoryBatch)
ENCODER = msgspec.json.Encoder()


def flow_records(index: int, count: int, start: float) -> list[bytes]:
    """The three records (one per decision) of flow ``f<index>``, encoded."""
    rng = random.Random(index)
    flow_id = f"f{index:08d}"
    at = start + index * DAY / count
    blueprint = BLUEPRINTS[index % len(BLUEPRINTS)]
    order = {"orderId": f"A-{index}", "customer": f"c-{rng.randrange(5000)}", "amount": index % 977}
    fails, running = index % 20 == 7, index % 10 == 3
    took = rng.uniform(0.05, 2.0)

    def event(seq: int, type_: str, state: str | None = None, **data: Any) -> HistoryEvent:
        return HistoryEvent(seq, at + seq * took / 10, type_, "", state, **data)

    decisions = [
        [
            event(1, "FlowStarted", payload=order),
            event(2, "StateEntered", "Reserve", payload=order),
            event(3, "TaskScheduled", "Reserve", payload=order, token=f"{flow_id}:j1", attempt=0),
        ],
        [
            event(4, "TaskSucceeded", "Reserve", payload={**order, "reserved": True}),
            event(5, "StateExited", "Reserve", payload={**order, "reserved": True}),
            event(6, "StateEntered", "Charge", payload={**order, "reserved": True}),
            event(7, "TaskScheduled", "Charge", payload=order, token=f"{flow_id}:j2", attempt=0),
        ],
    ]
    if fails:
        cause = f"card of customer {order['customer']} declined"
        decisions.append(
            [
                event(8, "TaskFailed", "Charge", error="Declined", cause=cause),
                event(9, "StateFailed", "Charge", error="Declined", cause=cause),
                event(10, "FlowFailed", error="Declined", cause=cause),
            ]
        )
    elif not running:
        paid = {**order, "reserved": True, "paid": True}
        decisions.append(
            [
                event(8, "TaskSucceeded", "Charge", payload=paid),
                event(9, "StateExited", "Charge", payload=paid),
                event(10, "FlowSucceeded", payload=paid),
            ]
        )
    version = 1 + index % 2
    return [
        ENCODER.encode(
            HistoryBatch(flow_id, blueprint, version, events, correlation_id=f"k{index % 50_000}")
        )
        for events in decisions
    ]


def records(count: int, start: float) -> Iterator[bytes]:
    """Every flow's records, as an engine running ``IN_FLIGHT`` flows at once writes them."""
    flying: list[list[bytes]] = []
    started = 0
    while started < count or flying:
        while started < count and len(flying) < IN_FLIGHT:
            flying.append(flow_records(started, count, start))
            started += 1
        still: list[list[bytes]] = []
        for pending in flying:
            yield pending[0]
            if len(pending) > 1:
                still.append(pending[1:])
        flying = still


async def load(store: SqliteIndexStore, count: int, batch: int, start: float) -> tuple[int, float]:
    """Decode and apply every record; the events applied and the seconds it took."""
    events = 0
    spent = 0.0
    pending: list[bytes] = []

    async def flush() -> None:
        nonlocal events, spent
        began = time.perf_counter()
        batches = [DECODER.decode(value) for value in pending]
        await store.apply(batches)
        spent += time.perf_counter() - began
        events += sum(len(b.events) for b in batches)
        pending.clear()

    for value in records(count, start):
        pending.append(value)
        if len(pending) >= batch:
            await flush()
    if pending:
        await flush()
    return events, spent


async def latency(call: Callable[[], Awaitable[object]], times: int) -> tuple[float, float]:
    """p50 and p95 of a call, in milliseconds."""
    taken = []
    for _ in range(times):
        began = time.perf_counter()
        await call()
        taken.append((time.perf_counter() - began) * 1000)
    taken.sort()
    return statistics.median(taken), taken[int(0.95 * (len(taken) - 1))]


async def queries(store: SqliteIndexStore, count: int, start: float) -> list[tuple[str, Any]]:
    """The monitor's queries, each a name and a call (random arguments per call)."""
    rng = random.Random(1)
    second_page = (await store.search(FlowQuery(blueprint="orders"))).next

    def flow_id() -> str:
        return f"f{rng.randrange(count):08d}"

    return [
        ("get_flow", lambda: store.get_flow(flow_id())),
        ("steps", lambda: store.steps(flow_id())),
        ("history", lambda: store.history(flow_id())),
        ("search: newest", lambda: store.search(FlowQuery())),
        ("search: blueprint", lambda: store.search(FlowQuery(blueprint=rng.choice(BLUEPRINTS)))),
        (
            "search: blueprint+version+FAILED",
            lambda: store.search(
                FlowQuery(blueprint=rng.choice(BLUEPRINTS), version=1, statuses=("FAILED",))
            ),
        ),
        ("search: RUNNING", lambda: store.search(FlowQuery(statuses=("RUNNING",)))),
        ("search: ended, newest", lambda: store.search(FlowQuery(sort="-endedAt"))),
        (
            "search: 1 h window",
            lambda: store.search(
                FlowQuery(started_from=(t := start + rng.uniform(0, DAY)), started_to=t + 3600)
            ),
        ),
        (
            "search: correlation id",
            lambda: store.search(FlowQuery(correlation_id=f"k{rng.randrange(50_000)}")),
        ),
        (
            "search: text (order id)",
            lambda: store.search(FlowQuery(text=f"A-{rng.randrange(count)}")),
        ),
        (
            "search: next page",
            lambda: store.search(FlowQuery(blueprint="orders", cursor=second_page)),
        ),
        ("stats: all, 24 h", lambda: store.stats(start, start + DAY)),
        (
            "stats: one, 24 h, states",
            lambda: store.stats(start, start + DAY, blueprint=rng.choice(BLUEPRINTS), states=True),
        ),
    ]


async def main(count: int, batch: int, path: Path, times: int) -> None:
    start = time.time() - DAY
    store = SqliteIndexStore(path)
    await store.open()
    try:
        events, spent = await load(store, count, batch, start)
        size = sum(p.stat().st_size for p in path.parent.glob(path.name + "*")) / 2**20
        print(f"indexed {count:,} flows, {events:,} events in {spent:.1f} s")
        print(
            f"  {events / spent:,.0f} events/s, {count / spent:,.0f} flows/s, file {size:,.0f} MiB"
        )
        print(f"query latency over {times} calls each (ms):")
        for name, call in await queries(store, count, start):
            p50, p95 = await latency(call, times)
            print(f"  {name:<34} p50 {p50:7.2f}   p95 {p95:7.2f}")
    finally:
        await store.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--flows", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=2_000, help="records per apply")
    parser.add_argument("--times", type=int, default=200, help="calls per query timed")
    parser.add_argument("--path", type=Path, help="the SQLite file (default: a temporary one)")
    args = parser.parse_args()
    if args.path is not None:
        asyncio.run(main(args.flows, args.batch, args.path, args.times))
    else:
        with tempfile.TemporaryDirectory(prefix="sfc-bench-") as folder:
            asyncio.run(main(args.flows, args.batch, Path(folder) / "index.sqlite3", args.times))
