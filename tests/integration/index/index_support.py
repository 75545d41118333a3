"""Flows to index and ways to look into the SQLite file, for the index tests."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sfc.kafka import Topics, make_producer
from sfc.kafka.records import ENCODER, HistoryBatch
from sfc.settings import Settings
from tests.unit.index.histories import T0, Recorder, chain, task

ORDER = chain(
    ("Reserve", task("reserve", Retry=[{"ErrorEquals": ["Busy"], "MaxAttempts": 2}])),
    ("Charge", task("charge", Catch=[{"ErrorEquals": ["Declined"], "Next": "Refuse"}])),
    ("Ship", {"Type": "Pass", "Result": "shipped", "ResultPath": "$.shipping"}),
)
ORDER["States"]["Refuse"] = {"Type": "Fail", "Error": "Refused", "Cause": "payment declined"}

TABLES = (
    "flows",
    "steps",
    "events",
    "flow_counts",
    "state_counts",
    "flow_hours",
    "flow_durations",
    "step_hours",
    "step_durations",
)


def order_flow(index: int, *, blueprint: str = "orders") -> Recorder:
    """Flow ``o<index>``: its outcome and path depend on the index.

    Every third one is still running in Charge, every fifth is declined (FAILED),
    every seventh retries Reserve once; the rest succeed.
    """
    recorder = Recorder(ORDER, flow_id=f"o{index}", name=blueprint, correlation_id=f"c{index % 10}")
    recorder.now += index * 10.0
    recorder.start({"order": f"A-{index}", "amount": index})
    if index % 7 == 0:
        recorder.fail("Reserve", "Busy", "try later").fire_next()
    recorder.succeed("Reserve", {"order": f"A-{index}", "reserved": True})
    if index % 3 == 0:
        return recorder
    if index % 5 == 0:
        return recorder.fail("Charge", "Declined", f"card of order A-{index} declined")
    return recorder.succeed("Charge", {"order": f"A-{index}", "paid": index}, after=index % 4)


def started_at(index: int) -> float:
    """When order flow ``o<index>`` started."""
    return T0 + index * 10.0 + 1.0


def order_batches(count: int, start: int = 0) -> list[HistoryBatch]:
    """The batches of ``count`` order flows, interleaved as an engine would write them."""
    flows = [order_flow(i).batches for i in range(start, start + count)]
    interleaved: list[HistoryBatch] = []
    for round_ in range(max(len(b) for b in flows)):
        interleaved += [batches[round_] for batches in flows if round_ < len(batches)]
    return interleaved


async def produce(settings: Settings, batches: list[HistoryBatch], *raw: bytes) -> None:
    """Write batches as the engine does (key: the flow id), then any raw values."""
    producer = make_producer(settings.kafka)
    await producer.start()
    try:
        topic = Topics.from_settings(settings.kafka).events
        for batch in batches:
            await producer.send(topic, ENCODER.encode(batch), key=batch.flow_id.encode())
        for value in raw:
            await producer.send(topic, value, key=b"junk")
        await producer.flush()
    finally:
        await producer.stop()


def dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table (flows without their row id), sorted."""
    with sqlite3.connect(path) as conn:
        tables = {}
        for table in TABLES:
            columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
            if table == "flows":
                columns.remove("n")  # row ids follow the order flows were first seen
            rows = conn.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall()
            tables[table] = sorted(rows, key=repr)
    conn.close()
    return tables
