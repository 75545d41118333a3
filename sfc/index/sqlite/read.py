"""Reading the SQLite index: one flow, its steps and history, and flow searches."""

from __future__ import annotations

import sqlite3
from typing import Any, Final

import msgspec

from sfc.core.interpreter.commands import HistoryEvent
from sfc.index.port import FlowRecord, StepRecord
from sfc.index.query import Cursor, FlowPage, FlowQuery, decode_cursor, encode_cursor
from sfc.index.sqlite.rows import FLOW_COLUMNS, STEP_COLUMNS, flow_of, step_of

_EVENT: Final = msgspec.json.Decoder(HistoryEvent)
_SORT_COLUMNS: Final = {"startedAt": "started_at", "endedAt": "ended_at", "updatedAt": "updated_at"}


def get_flow(conn: sqlite3.Connection, flow_id: str) -> FlowRecord | None:
    """One flow, or None."""
    row = conn.execute(f"SELECT {FLOW_COLUMNS} FROM flows WHERE id = ?", (flow_id,)).fetchone()
    return None if row is None else flow_of(row)


def steps(conn: sqlite3.Connection, flow_id: str) -> list[StepRecord]:
    """A flow's steps in the order they were entered."""
    rows = conn.execute(
        f"SELECT {STEP_COLUMNS} FROM steps WHERE flow_id = ? ORDER BY seq", (flow_id,)
    )
    return [step_of(row) for row in rows]


def history(conn: sqlite3.Connection, flow_id: str) -> list[HistoryEvent]:
    """A flow's history events in order."""
    rows = conn.execute("SELECT body FROM events WHERE flow_id = ? ORDER BY seq", (flow_id,))
    return [_EVENT.decode(body) for (body,) in rows]


def search(conn: sqlite3.Connection, query: FlowQuery) -> FlowPage:
    """One page of the flows that match a query."""
    sql, params = search_sql(query)
    rows = conn.execute(sql, params).fetchall()
    items = [flow_of(row) for row in rows[: query.limit]]
    following = None
    if len(rows) > query.limit:
        last = rows[query.limit - 1]
        following = encode_cursor(Cursor(query.sort, last[-1], last[-2]))
    return FlowPage(items, following)


def search_sql(query: FlowQuery) -> tuple[str, list[Any]]:
    """The SQL of a search and its parameters; each row ends with ``n`` and the sort value.

    Every filter but the full text has an index that also yields the sort order
    (``flows_*``), so a page reads about ``limit`` rows whatever the table's size.
    """
    column = _SORT_COLUMNS[query.sort_field]
    where = [f"{column} IS NOT NULL"]
    params: list[Any] = []

    def match(clause: str, *values: Any) -> None:
        where.append(clause)
        params.extend(values)

    if query.blueprint is not None:
        match("blueprint = ?", query.blueprint)
    if query.version is not None:
        match("version = ?", query.version)
    if query.statuses:
        match(f"status IN ({', '.join('?' * len(query.statuses))})", *query.statuses)
    if query.started_from is not None:
        match("started_at >= ?", query.started_from)
    if query.started_to is not None:
        match("started_at < ?", query.started_to)
    if query.correlation_id is not None:
        match("correlation_id = ?", query.correlation_id)
    if query.text is not None:
        phrases = " ".join(f'"{word}"' for word in query.words)
        match("n IN (SELECT rowid FROM flows_text WHERE flows_text MATCH ?)", phrases)
    direction, before = ("DESC", "<") if query.descending else ("ASC", ">")
    if query.cursor is not None:
        cursor = decode_cursor(query.cursor, query.sort)
        match(f"({column}, n) {before} (?, ?)", cursor.value, cursor.key)
    sql = (
        f"SELECT {FLOW_COLUMNS}, n, {column} FROM flows WHERE {' AND '.join(where)} "
        f"ORDER BY {column} {direction}, n {direction} LIMIT ?"
    )
    return sql, [*params, query.limit + 1]
