"""The statistics counters: exact under any batching, and percentiles close enough."""

from __future__ import annotations

import itertools
from collections import Counter

import msgspec
from histories import HISTORIES, T0, Folded, Recorder, chain, task
from hypothesis import given, settings
from hypothesis import strategies as st
from test_projection_properties import names

from sfc.index.projection import FlowProjection
from sfc.index.rollup import (
    HOUR,
    STARTED,
    Rollup,
    bucket_value,
    duration_bucket,
    hour_of,
    percentile,
)
from sfc.kafka.records import HistoryBatch


def counted(applies: list[list[HistoryBatch]]) -> dict[tuple[object, ...], float]:
    """Apply groups of batches as a store does, summing every rollup delta."""
    held = Folded()
    totals: Counter[tuple[object, ...]] = Counter()
    for batches in applies:
        ended = [s for s in held.steps.values() if s.exited_at is not None]
        projection = FlowProjection(
            held.flow, held.open_steps(), paused=held.paused, ended_steps=ended
        )
        if not [e for batch in batches for e in projection.apply(batch)]:
            continue
        after = projection.flow()
        assert after is not None
        rollup = Rollup()
        rollup.add(
            held.flow,
            after,
            starts=projection.starts,
            endings=projection.endings,
            closed=projection.closed,
        )
        for table, rows in rollup.rows().items():
            for row in rows:
                *key, last = row
                if table.endswith("_hours"):  # (..., n, seconds): count and sum apart
                    *key, n = key
                    totals[(table, *key, "n")] += float(n)
                    totals[(table, *key, "s")] += float(last)
                else:
                    totals[(table, *key)] += float(last)
        held.flow, held.paused = after, projection.paused
        held.steps = {**held.steps, **{s.seq: s for s in projection.steps()}}
    return {key: round(value, 6) for key, value in totals.items() if round(value, 6)}


def one_by_one(batches: list[HistoryBatch]) -> list[list[HistoryBatch]]:
    return [[batch] for batch in batches]


def split_and_grouped(batches: list[HistoryBatch], data: st.DataObject) -> list[list[HistoryBatch]]:
    """Each decision's batch cut anywhere, the pieces grouped into applies anyhow."""
    pieces = []
    for batch in batches:
        cuts = data.draw(st.lists(st.integers(1, max(1, len(batch.events) - 1)), max_size=2))
        bounds = [0, *sorted(set(cuts)), len(batch.events)]
        pieces += [
            msgspec.structs.replace(batch, events=batch.events[start:end])
            for start, end in itertools.pairwise(bounds)
            if end > start
        ]
    sizes = data.draw(st.lists(st.integers(1, 6), min_size=len(pieces), max_size=len(pieces)))
    applies, start = [], 0
    for size in sizes:
        if start < len(pieces):
            applies.append(pieces[start : start + size])
            start += size
    return applies


@settings(max_examples=100, deadline=None)
@given(name=names, data=st.data())
def test_counters_come_out_the_same_however_the_history_is_batched(
    name: str, data: st.DataObject
) -> None:
    batches = HISTORIES[name].batches
    assert counted(split_and_grouped(batches, data)) == counted(one_by_one(batches))


def test_a_replayed_apply_counts_nothing_more() -> None:
    batches = HISTORIES["parallel_failed_retried_and_done"].batches
    assert counted([*one_by_one(batches), batches[:3], batches]) == counted(one_by_one(batches))


def test_counters_of_a_flow_say_where_it_is_and_what_it_did() -> None:
    recorder = Recorder(chain(("A", task("a")), ("B", task("b")))).start({})
    running = counted(one_by_one(recorder.batches))
    assert running[("flow_counts", "orders", 1, "RUNNING")] == 1
    assert running[("state_counts", "orders", 1, "A")] == 1
    recorder.succeed("A", 1).succeed("B", 2, after=90.0)
    done = counted(one_by_one(recorder.batches))
    hour = hour_of(T0 + 1)
    assert {k: v for k, v in done.items() if k[0] in ("flow_counts", "state_counts")} == {
        ("flow_counts", "orders", 1, "SUCCEEDED"): 1
    }
    assert done[("flow_hours", "orders", hour, 1, STARTED, "n")] == 1
    assert done[("flow_hours", "orders", hour, 1, "SUCCEEDED", "n")] == 1
    assert done[("flow_hours", "orders", hour, 1, "SUCCEEDED", "s")] == 91.0
    assert done[("flow_durations", "orders", hour, 1, "SUCCEEDED", duration_bucket(91.0))] == 1
    assert done[("step_hours", "orders", hour, 1, "B", "SUCCEEDED", "s")] == 90.0


def test_hours_are_whole_utc_hours() -> None:
    base = hour_of(T0)
    assert base == T0 - T0 % HOUR
    assert hour_of(base + HOUR - 0.001) == base
    assert hour_of(base + HOUR) == base + HOUR


@given(st.floats(min_value=0.001, max_value=1e7))
def test_a_bucket_stands_for_its_durations_within_five_percent(seconds: float) -> None:
    assert abs(bucket_value(duration_bucket(seconds)) - seconds) <= 0.045 * seconds


def test_durations_under_a_millisecond_share_the_first_bucket() -> None:
    assert duration_bucket(0.0) == duration_bucket(0.0009) == 0
    assert duration_bucket(0.001) == 1


def test_percentiles_of_a_histogram() -> None:
    histogram = Counter(duration_bucket(float(s)) for s in range(1, 101))
    cells = sorted(histogram.items())
    median = percentile(cells, 0.5)
    p95 = percentile(cells, 0.95)
    assert median is not None
    assert p95 is not None
    assert abs(median - 50) <= 0.045 * 50
    assert abs(p95 - 95) <= 0.045 * 95
    assert percentile([], 0.5) is None
