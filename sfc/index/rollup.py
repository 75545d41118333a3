"""Counters the monitor's statistics read instead of scanning flows: pure, no I/O.

Each apply of history to the index turns into deltas of a few counters, summed over the
batch and added to the store's rollup tables in the same transaction. Events are applied
exactly once (see :mod:`sfc.index.projection`), so the counters stay exact:

- ``flow_counts``: flows by blueprint, version and current status;
- ``state_counts``: running flows by the states they are in now;
- ``flow_hours``: flows started (status ``STARTED``) and ended (by status) per UTC hour,
  with the sum of their durations;
- ``flow_durations``: the same endings as a histogram of durations, for percentiles;
- ``step_hours`` and ``step_durations``: steps ended per state and hour, likewise.

Durations go into logarithmic buckets, eight per doubling, from one millisecond: a
percentile read back from them is within about 4.5 % of the exact one.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from typing import Final, TypeVar

from sfc.index.port import FlowRecord
from sfc.index.projection import CANCELLED, CAUGHT, FAILED, Closed, Ending, Started
from sfc.index.query import StateStats

HOUR: Final = 3600
STARTED: Final = "STARTED"
"""The status under which ``flow_hours`` counts flows that started."""

_PER_DOUBLING: Final = 8

K = TypeVar("K", bound=tuple[str | int, ...])


def hour_of(at: float) -> int:
    """The start of the UTC hour ``at`` falls in (seconds since the Unix epoch)."""
    return int(at // HOUR) * HOUR


def duration_bucket(seconds: float) -> int:
    """The histogram bucket of a duration: 0 below one millisecond, then 8 per doubling."""
    millis = seconds * 1000.0
    if millis < 1.0:
        return 0
    return int(math.log2(millis) * _PER_DOUBLING) + 1


def bucket_value(bucket: int) -> float:
    """The duration (seconds) a bucket stands for: the geometric middle of its range."""
    if bucket <= 0:
        return 0.0005
    return float(2.0 ** ((bucket - 0.5) / _PER_DOUBLING) / 1000.0)


def percentile(histogram: Sequence[tuple[int, int]], fraction: float) -> float | None:
    """A percentile (``fraction`` in [0, 1]) of a histogram of ``(bucket, count)``."""
    total = sum(count for _, count in histogram)
    if total == 0:
        return None
    rank = max(1, math.ceil(fraction * total))
    seen = 0
    for bucket, count in sorted(histogram):
        seen += count
        if seen >= rank:
            return bucket_value(bucket)
    return bucket_value(max(bucket for bucket, _ in histogram))


class Rollup:
    """The counter deltas of one apply.

    Attributes:
        flow_counts: ``(blueprint, version, status) -> delta``.
        state_counts: ``(blueprint, version, state) -> delta``.
        flow_hours: ``(blueprint, hour, version, status) -> [count, duration sum]``.
        flow_durations: ``(blueprint, hour, version, status, bucket) -> count``.
        step_hours: ``(blueprint, hour, version, state, status) -> [count, duration sum]``.
        step_durations: ``(blueprint, hour, version, state, bucket) -> count``.
    """

    def __init__(self) -> None:
        self.flow_counts: Counter[tuple[str, int, str]] = Counter()
        self.state_counts: Counter[tuple[str, int, str]] = Counter()
        self.flow_hours: defaultdict[tuple[str, int, int, str], list[float]] = defaultdict(
            lambda: [0, 0.0]
        )
        self.flow_durations: Counter[tuple[str, int, int, str, int]] = Counter()
        self.step_hours: defaultdict[tuple[str, int, int, str, str], list[float]] = defaultdict(
            lambda: [0, 0.0]
        )
        self.step_durations: Counter[tuple[str, int, int, str, int]] = Counter()

    def add(
        self,
        before: FlowRecord | None,
        after: FlowRecord,
        *,
        starts: Iterable[Started] = (),
        endings: Iterable[Ending] = (),
        closed: Iterable[Closed] = (),
    ) -> None:
        """Count what one flow's apply changed.

        Args:
            before: The flow as the index held it; None if it was new.
            after: The flow after the apply.
            starts: Each ``FlowStarted`` applied.
            endings: Each ending applied.
            closed: Each step that ended.
        """
        self._move(before, after)
        for start in starts:
            self.flow_hours[(start.blueprint, hour_of(start.at), start.version, STARTED)][0] += 1
        for ending in endings:
            self._ending(ending)
        for step in closed:
            self._step(step)

    def rows(self) -> dict[str, list[tuple[str | int | float, ...]]]:
        """The deltas as rows of each rollup table: key columns, then the sums (non-zero)."""
        return {
            "flow_counts": _counted(self.flow_counts),
            "state_counts": _counted(self.state_counts),
            "flow_hours": [
                (*key, int(n), seconds) for key, (n, seconds) in self.flow_hours.items()
            ],
            "flow_durations": _counted(self.flow_durations),
            "step_hours": [
                (*key, int(n), seconds) for key, (n, seconds) in self.step_hours.items()
            ],
            "step_durations": _counted(self.step_durations),
        }

    def _move(self, before: FlowRecord | None, after: FlowRecord) -> None:
        if before is not None:
            old = (before.blueprint, before.version)
            self.flow_counts[(*old, before.status)] -= 1
            for state in before.current_states:
                self.state_counts[(*old, state)] -= 1
        new = (after.blueprint, after.version)
        self.flow_counts[(*new, after.status)] += 1
        for state in after.current_states:
            self.state_counts[(*new, state)] += 1

    def _ending(self, ending: Ending) -> None:
        key = (ending.blueprint, hour_of(ending.at), ending.version, ending.status)
        cell = self.flow_hours[key]
        cell[0] += 1
        if ending.duration is not None:
            cell[1] += ending.duration
            self.flow_durations[(*key, duration_bucket(ending.duration))] += 1

    def _step(self, step: Closed) -> None:
        hour = hour_of(step.exited_at)
        duration = max(0.0, step.exited_at - step.entered_at)
        key = (step.blueprint, hour, step.version, step.state)
        cell = self.step_hours[(*key, step.status)]
        cell[0] += 1
        cell[1] += duration
        if step.status != CANCELLED:
            self.step_durations[(*key, duration_bucket(duration))] += 1


def _counted(counter: Counter[K]) -> list[tuple[str | int | float, ...]]:
    return [(*key, n) for key, n in counter.items() if n]


def _summed(cells: dict[K, list[float]]) -> list[tuple[str | int | float, ...]]:
    return [(*key, int(n), seconds) for key, (n, seconds) in cells.items()]


def state_stats(
    state: str, running: int, ended: dict[str, tuple[int, float]], buckets: list[tuple[int, int]]
) -> StateStats:
    """One state's figures from its counters, as every store reports them.

    Args:
        state: The state's name.
        running: Flows in the state now.
        ended: Per ending status, how many steps ended so and their seconds in all.
        buckets: The duration histogram (bucket, count) of its timed endings.
    """
    timed = [(n, s) for status, (n, s) in ended.items() if status != CANCELLED]
    count = sum(n for n, _ in timed)
    return StateStats(
        state=state,
        running=running,
        ended=sum(n for n, _ in ended.values()),
        failed=ended.get(FAILED, (0, 0.0))[0],
        caught=ended.get(CAUGHT, (0, 0.0))[0],
        mean_seconds=sum(s for _, s in timed) / count if count else None,
        p50_seconds=percentile(buckets, 0.5),
        p95_seconds=percentile(buckets, 0.95),
    )
