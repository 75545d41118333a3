"""Reading the SQLite index: one flow, its steps and history, and flow searches."""

from __future__ import annotations

import sqlite3
from typing import Any, Final

import msgspec

from sfc.core.interpreter.commands import HistoryEvent
from sfc.index.port import FlowRecord, StepRecord
from sfc.index.query import Cursor, FlowPage, FlowQuery, decode_cursor, encode_cursor
from sfc.index.sqlite import text
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
    rows = None
    if query.text is not None and text.common(conn, query):
        rows = _walk(conn, query)
    if rows is None:
        sql, params = search_sql(query)
        rows = conn.execute(sql, params).fetchall()
    return page_of(query, rows)


def _walk(conn: sqlite3.Connection, query: FlowQuery) -> list[tuple[Any, ...]] | None:
    """The rows of a search for common words, walking the time index (see
    :mod:`.text`); None when the walk gave up (then the default plan answers)."""
    wanted = query.limit + 1
    found: list[int] = []
    after: Cursor | None = None
    walked = 0
    while len(found) < wanted:
        if walked >= text.BUDGET:
            return None
        sql, params = search_sql(query, with_text=False, columns="1", after=after, limit=text.CHUNK)
        chunk = conn.execute(sql, params).fetchall()
        if not chunk:
            break
        walked += len(chunk)
        hits = text.matching(conn, query, [row[-2] for row in chunk])
        found += [row[-2] for row in chunk if row[-2] in hits]
        after = Cursor(query.sort, chunk[-1][-1], chunk[-1][-2])
        if len(chunk) < text.CHUNK:
            break
    keys = found[:wanted]
    marks = ", ".join("?" * len(keys))
    rows = conn.execute(
        f"SELECT {FLOW_COLUMNS}, n, {_SORT_COLUMNS[query.sort_field]} FROM flows "
        f"WHERE n IN ({marks})",
        keys,
    ).fetchall()
    order = {key: index for index, key in enumerate(keys)}
    return sorted(rows, key=lambda row: order[row[-2]])


def page_of(query: FlowQuery, rows: list[tuple[Any, ...]]) -> FlowPage:
    """The page of up to ``limit + 1`` rows selected as :func:`search_sql` selects them."""
    items = [flow_of(row) for row in rows[: query.limit]]
    following = None
    if len(rows) > query.limit:
        last = rows[query.limit - 1]
        following = encode_cursor(Cursor(query.sort, last[-1], last[-2]))
    return FlowPage(items, following)


def search_sql(
    query: FlowQuery,
    *,
    with_text: bool = True,
    columns: str = FLOW_COLUMNS,
    after: Cursor | None = None,
    limit: int | None = None,
) -> tuple[str, list[Any]]:
    """The SQL of a search and its parameters; each row ends with ``n`` and the sort value.

    Every filter but the full text has an index that also yields the sort order
    (``flows_*``), so a page reads about ``limit`` rows whatever the table's size.

    Args:
        query: The search.
        with_text: Whether to filter on ``query.text`` (see :mod:`.text` for when not).
        columns: The columns selected before ``n`` and the sort value.
        after: Where to start instead of ``query.cursor``.
        limit: Rows to select instead of ``query.limit + 1``.
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
    if query.text is not None and with_text:
        match("n IN (SELECT rowid FROM flows_text WHERE flows_text MATCH ?)", text.phrases(query))
    direction, before = ("DESC", "<") if query.descending else ("ASC", ">")
    cursor = after
    if cursor is None and query.cursor is not None:
        cursor = decode_cursor(query.cursor, query.sort)
    if cursor is not None:
        match(f"({column}, n) {before} (?, ?)", cursor.value, cursor.key)
    sql = (
        f"SELECT {columns}, n, {column} FROM flows WHERE {' AND '.join(where)} "
        f"ORDER BY {column} {direction}, n {direction} LIMIT ?"
    )
    return sql, [*params, query.limit + 1 if limit is None else limit]
