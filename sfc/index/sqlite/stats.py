"""Per-blueprint statistics from the rollup tables (see :mod:`sfc.index.rollup`).

Every query reads counters, never flows: its cost follows the number of blueprints,
hours and histogram buckets in the window, not the number of flows.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from typing import Any

from sfc.index.projection import FLOW_ENDINGS, SUCCEEDED
from sfc.index.query import BlueprintStats, HourStats, StateStats
from sfc.index.rollup import HOUR, STARTED, hour_of, percentile, state_stats

_FAILURES = tuple(s for s in FLOW_ENDINGS.values() if s != SUCCEEDED)


class _Filter:
    """The ``WHERE`` clause shared by the queries of one call."""

    def __init__(self, names: list[str], version: int | None, since: int, until: float) -> None:
        self.sql = f"blueprint IN ({', '.join('?' * len(names))})"
        self.params: list[Any] = list(names)
        if version is not None:
            self.sql += " AND version = ?"
            self.params.append(version)
        self.windowed = f"{self.sql} AND hour >= ? AND hour < ?"
        self.window_params = [*self.params, since, until]


def blueprint_stats(
    conn: sqlite3.Connection,
    since: float,
    until: float,
    blueprint: str | None,
    version: int | None,
    with_states: bool,
) -> list[BlueprintStats]:
    """Figures per blueprint (one, or every one the index knows) over ``[since, until)``.

    The window is widened to whole UTC hours: the hour holding ``since`` counts in full.
    """
    if blueprint is not None:
        names = [blueprint]
    else:
        names = [r[0] for r in conn.execute("SELECT DISTINCT blueprint FROM flow_counts")]
    if not names:
        return []
    where = _Filter(names, version, hour_of(since), until)
    counts: defaultdict[str, dict[str, int]] = defaultdict(dict)
    for name, status, n in conn.execute(
        f"SELECT blueprint, status, sum(n) FROM flow_counts WHERE {where.sql} "
        "GROUP BY blueprint, status HAVING sum(n) > 0",
        where.params,
    ):
        counts[name][status] = n
    hours: defaultdict[str, dict[int, dict[str, int]]] = defaultdict(dict)
    for name, hour, status, n in conn.execute(
        f"SELECT blueprint, hour, status, sum(n) FROM flow_hours WHERE {where.windowed} "
        "GROUP BY blueprint, hour, status",
        where.window_params,
    ):
        hours[name].setdefault(hour, {})[status] = n
    durations: defaultdict[str, list[tuple[int, int]]] = defaultdict(list)
    for name, bucket, n in conn.execute(
        f"SELECT blueprint, bucket, sum(n) FROM flow_durations WHERE {where.windowed} "
        "AND status = ? GROUP BY blueprint, bucket",
        [*where.window_params, SUCCEEDED],
    ):
        durations[name].append((bucket, n))
    window_hours = max((until - since) / HOUR, 1 / 60)
    found = []
    for name in names:
        if name not in counts and name not in hours:
            continue
        states = _state_stats(conn, name, where) if with_states else []
        found.append(
            _figures(
                name, version, counts[name], hours[name], durations[name], window_hours, states
            )
        )
    return found


def _figures(
    name: str,
    version: int | None,
    counts: dict[str, int],
    hours: dict[int, dict[str, int]],
    durations: list[tuple[int, int]],
    window_hours: float,
    states: list[StateStats],
) -> BlueprintStats:
    series = [
        HourStats(
            hour,
            by.get(STARTED, 0),
            by.get(SUCCEEDED, 0),
            sum(by.get(status, 0) for status in _FAILURES),
        )
        for hour, by in sorted(hours.items())
    ]
    started = sum(h.started for h in series)
    failed = sum(h.failed for h in series)
    ended = failed + sum(h.succeeded for h in series)
    return BlueprintStats(
        blueprint=name,
        version=version,
        counts=counts,
        started=started,
        ended=ended,
        failed=failed,
        failure_rate=failed / ended if ended else None,
        throughput_per_hour=ended / window_hours,
        p50_seconds=percentile(durations, 0.5),
        p95_seconds=percentile(durations, 0.95),
        hours=series,
        states=states,
    )


def _state_stats(conn: sqlite3.Connection, name: str, where: _Filter) -> list[StateStats]:
    running: dict[str, int] = {}
    for state, n in conn.execute(
        f"SELECT state, sum(n) FROM state_counts WHERE {where.sql} AND blueprint = ? "
        "GROUP BY state HAVING sum(n) > 0",
        [*where.params, name],
    ):
        running[state] = n
    ended: defaultdict[str, dict[str, tuple[int, float]]] = defaultdict(dict)
    for state, status, n, seconds in conn.execute(
        f"SELECT state, status, sum(n), sum(seconds) FROM step_hours "
        f"WHERE {where.windowed} AND blueprint = ? GROUP BY state, status",
        [*where.window_params, name],
    ):
        ended[state][status] = (n, seconds)
    buckets: defaultdict[str, list[tuple[int, int]]] = defaultdict(list)
    for state, bucket, n in conn.execute(
        f"SELECT state, bucket, sum(n) FROM step_durations "
        f"WHERE {where.windowed} AND blueprint = ? GROUP BY state, bucket",
        [*where.window_params, name],
    ):
        buckets[state].append((bucket, n))
    return [
        state_stats(state, running.get(state, 0), ended.get(state, {}), buckets.get(state, []))
        for state in sorted(set(running) | set(ended))
    ]
