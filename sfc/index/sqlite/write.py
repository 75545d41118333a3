"""Applying history batches to the SQLite index: one transaction per call, in bulk.

The flows a call touches are read in a few ``IN`` queries, folded in memory with
:class:`~sfc.index.projection.FlowProjection`, and written back with ``executemany``:
flows and steps upserted, events inserted unless present, rollup counters added to.
JSON read back only to be written again (a flow's input, say) stays as the stored text
(``msgspec.Raw``): it is neither parsed nor encoded again.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from typing import Any, Final

import msgspec

from sfc.core.interpreter.commands import HistoryEvent
from sfc.index.port import FlowRecord, StepRecord
from sfc.index.projection import FlowProjection
from sfc.index.rollup import Rollup
from sfc.index.sqlite.rows import (
    FLOW_COLUMNS,
    STEP_COLUMNS,
    flow_of,
    flow_row,
    raw,
    step_of,
    step_row,
)
from sfc.kafka.records import HistoryBatch

CHUNK: Final = 500
"""Ids per ``IN (...)`` query."""

_UPSERT_FLOW: Final = f"""
INSERT INTO flows ({FLOW_COLUMNS}) VALUES ({", ".join("?" * 16)})
ON CONFLICT (id) DO UPDATE SET
    blueprint = excluded.blueprint, version = excluded.version, status = excluded.status,
    paused = excluded.paused, correlation_id = excluded.correlation_id,
    started_at = excluded.started_at, ended_at = excluded.ended_at,
    updated_at = excluded.updated_at, last_seq = excluded.last_seq, run = excluded.run,
    current_states = excluded.current_states, input = excluded.input,
    output = excluded.output, error = excluded.error, cause = excluded.cause
"""
_UPSERT_STEP: Final = f"""
INSERT INTO steps ({STEP_COLUMNS}) VALUES ({", ".join("?" * 13)})
ON CONFLICT (flow_id, seq) DO UPDATE SET
    status = excluded.status, exited_at = excluded.exited_at, attempt = excluded.attempt,
    input = excluded.input, output = excluded.output, error = excluded.error,
    cause = excluded.cause, worker = excluded.worker
"""
_INSERT_EVENT: Final = (
    "INSERT OR IGNORE INTO events (flow_id, seq, type, at, body) VALUES (?, ?, ?, ?, ?)"
)

_ENCODER: Final = msgspec.json.Encoder()

_ROLLUP_KEYS: Final = {
    "flow_counts": ("blueprint, version, status", "n"),
    "state_counts": ("blueprint, version, state", "n"),
    "flow_hours": ("blueprint, hour, version, status", "n, seconds"),
    "flow_durations": ("blueprint, hour, version, status, bucket", "n"),
    "step_hours": ("blueprint, hour, version, state, status", "n, seconds"),
    "step_durations": ("blueprint, hour, version, state, bucket", "n"),
}


def _rollup_sql(table: str, keys: str, sums: str) -> str:
    """Add a row's sums to the row with the same keys (or insert it)."""
    columns = f"{keys}, {sums}"
    marks = ", ".join("?" * (columns.count(",") + 1))
    added = ", ".join(f"{c} = {c} + excluded.{c}" for c in sums.replace(" ", "").split(","))
    return (
        f"INSERT INTO {table} ({columns}) VALUES ({marks}) "
        f"ON CONFLICT ({keys}) DO UPDATE SET {added}"
    )


_ROLLUP_SQL: Final = {table: _rollup_sql(table, *spec) for table, spec in _ROLLUP_KEYS.items()}


class _Loaded(msgspec.Struct):
    flow: FlowRecord
    paused: bool


def apply_batches(conn: sqlite3.Connection, batches: Sequence[HistoryBatch]) -> int:
    """Index the batches in one transaction.

    Returns:
        How many events were new to the index.
    """
    by_flow: dict[str, list[HistoryBatch]] = {}
    for batch in batches:
        by_flow.setdefault(batch.flow_id, []).append(batch)
    conn.execute("BEGIN IMMEDIATE")
    try:
        applied = _apply(conn, by_flow)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return applied


def _apply(conn: sqlite3.Connection, by_flow: dict[str, list[HistoryBatch]]) -> int:
    loaded = _load_flows(conn, list(by_flow))
    fresh = [f for f, batches in by_flow.items() if _news(batches, loaded.get(f))]
    open_steps = _load_open_steps(conn, [f for f in fresh if f in loaded])
    rows = _Rows()
    for flow_id in fresh:
        known = loaded.get(flow_id)
        if known is None:
            projection = FlowProjection()
        else:
            projection = FlowProjection(
                known.flow,
                open_steps.get(flow_id, ()),
                paused=known.paused,
                ended_steps=_ended_steps(conn, known.flow, by_flow[flow_id]),
            )
        rows.add(projection, by_flow[flow_id], None if known is None else known.flow)
    conn.executemany(_UPSERT_FLOW, rows.flows)
    conn.executemany(_UPSERT_STEP, rows.steps)
    conn.executemany(_INSERT_EVENT, rows.events)
    for table, deltas in rows.rollup.rows().items():
        if deltas:
            conn.executemany(_ROLLUP_SQL[table], deltas)
    # Gauges count down to zero; their tables stay as small as the set of blueprint
    # versions and states in use.
    conn.execute("DELETE FROM flow_counts WHERE n = 0")
    conn.execute("DELETE FROM state_counts WHERE n = 0")
    return len(rows.events)


def _news(batches: list[HistoryBatch], known: _Loaded | None) -> bool:
    """Whether the batches hold any event the index has not applied."""
    if known is None:
        return True
    newest = max((e.seq for batch in batches for e in batch.events), default=0)
    return newest > known.flow.last_seq


class _Rows:
    """What one apply writes, gathered flow by flow."""

    def __init__(self) -> None:
        self.flows: list[tuple[Any, ...]] = []
        self.steps: list[tuple[Any, ...]] = []
        self.events: list[tuple[Any, ...]] = []
        self.rollup = Rollup()

    def add(
        self, projection: FlowProjection, batches: list[HistoryBatch], before: FlowRecord | None
    ) -> None:
        applied: list[HistoryEvent] = []
        for batch in batches:
            applied += projection.apply(batch)
        after = projection.flow()
        if not applied or after is None:
            return
        self.flows.append(flow_row(after, projection.paused))
        self.steps.extend(step_row(step) for step in projection.steps())
        self.events.extend(
            (after.id, e.seq, e.type, e.at, _ENCODER.encode(e).decode()) for e in applied
        )
        self.rollup.add(
            before,
            after,
            starts=projection.starts,
            endings=projection.endings,
            closed=projection.closed,
        )


def _ended_steps(
    conn: sqlite3.Connection, flow: FlowRecord, batches: list[HistoryBatch]
) -> list[StepRecord]:
    """The flow's ended steps, when the batches retry it (rarely): see the projection."""
    retried = any(e.type == "FlowRetried" for batch in batches for e in batch.events)
    if not retried:
        return []
    rows = conn.execute(
        f"SELECT {STEP_COLUMNS} FROM steps WHERE flow_id = ? AND exited_at IS NOT NULL",
        (flow.id,),
    )
    return [step_of(row, raw) for row in rows]


def _chunks(ids: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _load_flows(conn: sqlite3.Connection, ids: list[str]) -> dict[str, _Loaded]:
    found: dict[str, _Loaded] = {}
    for chunk in _chunks(ids):
        marks = ", ".join("?" * len(chunk))
        query = f"SELECT {FLOW_COLUMNS} FROM flows WHERE id IN ({marks})"
        for row in conn.execute(query, chunk):
            found[row[0]] = _Loaded(flow_of(row, raw), bool(row[4]))
    return found


def _load_open_steps(conn: sqlite3.Connection, ids: list[str]) -> dict[str, list[StepRecord]]:
    found: dict[str, list[StepRecord]] = {}
    for chunk in _chunks(ids):
        marks = ", ".join("?" * len(chunk))
        query = f"SELECT {STEP_COLUMNS} FROM steps WHERE flow_id IN ({marks}) AND exited_at IS NULL"
        for row in conn.execute(query, chunk):
            found.setdefault(row[0], []).append(step_of(row, raw))
    return found
