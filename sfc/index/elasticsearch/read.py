"""Reading the Elasticsearch index: one flow, its steps and history, and flow searches.

A flow is read with a realtime ``get``: it is current as soon as an apply returned.
Steps, history and searches are searches: they see what the last refresh made visible
(within the indices' refresh interval, one second by default, unless the store refreshes
after each apply).
"""

from __future__ import annotations

from typing import Any, Final

from elasticsearch import AsyncElasticsearch

from sfc.core.interpreter.commands import HistoryEvent
from sfc.index.elasticsearch import documents
from sfc.index.elasticsearch.client import error_of, translated
from sfc.index.elasticsearch.documents import Source
from sfc.index.elasticsearch.mappings import Indices
from sfc.index.port import FlowRecord, StepRecord
from sfc.index.query import Cursor, FlowPage, FlowQuery, decode_cursor, encode_cursor

PAGE: Final = 1000
"""Steps or events read per request."""

HIDDEN: Final = ["text", "carry"]
"""Fields of a flow's document that readers never need."""

SORT_FIELDS: Final = {"startedAt": "started_at", "endedAt": "ended_at", "updatedAt": "updated_at"}


async def get_flow(client: AsyncElasticsearch, indices: Indices, flow_id: str) -> FlowRecord | None:
    """One flow, or None."""
    with translated("reading a flow"):
        answer = await client.options(ignore_status=404).get(
            index=indices.flows, id=documents.doc_id(flow_id), source_excludes=HIDDEN
        )
    body = answer.body
    if not body.get("found"):
        if "error" in body:  # the index is missing, not the flow
            raise error_of(404, body, "reading a flow")
        return None
    return documents.flow_of(body["_source"])


async def steps(client: AsyncElasticsearch, indices: Indices, flow_id: str) -> list[StepRecord]:
    """A flow's steps in the order they were entered."""
    found = await _of_flow(client, indices.steps, flow_id, "reading steps")
    return [documents.step_of(source) for source in found]


async def history(client: AsyncElasticsearch, indices: Indices, flow_id: str) -> list[HistoryEvent]:
    """A flow's history events in order."""
    found = await _of_flow(client, indices.events, flow_id, "reading a history")
    return [documents.event_of(source) for source in found]


async def _of_flow(client: AsyncElasticsearch, index: str, flow_id: str, what: str) -> list[Source]:
    """Every document of a flow in one index, by ``seq``, a page at a time."""
    found: list[Source] = []
    after: list[Any] | None = None
    while True:
        with translated(what):
            answer = await client.search(
                index=index,
                query={"term": {"flow_id": flow_id}},
                sort=[{"seq": {"order": "asc"}}],
                size=PAGE,
                search_after=after,
                track_total_hits=False,
            )
        hits = answer["hits"]["hits"]
        found += [hit["_source"] for hit in hits]
        if len(hits) < PAGE:
            return found
        after = hits[-1]["sort"]


async def search(client: AsyncElasticsearch, indices: Indices, query: FlowQuery) -> FlowPage:
    """One page of the flows that match a query."""
    field = SORT_FIELDS[query.sort_field]
    order = "desc" if query.descending else "asc"
    after = None
    if query.cursor is not None:
        cursor = decode_cursor(query.cursor, query.sort)
        after = [cursor.value, cursor.key]
    with translated("searching flows"):
        answer = await client.search(
            index=indices.flows,
            query={"bool": {"filter": filters(query)}},
            sort=[{field: {"order": order}}, {"key": {"order": order}}],
            size=query.limit + 1,
            search_after=after,
            source_excludes=HIDDEN,
            track_total_hits=False,
        )
    hits = answer["hits"]["hits"]
    items = [documents.flow_of(hit["_source"]) for hit in hits[: query.limit]]
    following = None
    if len(hits) > query.limit:
        value, key = hits[query.limit - 1]["sort"]
        following = encode_cursor(Cursor(query.sort, float(value), int(key)))
    return FlowPage(items, following)


def filters(query: FlowQuery) -> list[dict[str, Any]]:
    """The query's criteria as Elasticsearch filters (all must hold).

    Only flows with a value to sort on match, as in SQLite (sorting on ``endedAt``
    finds ended flows only). Each word of the text must occur as a phrase of its
    tokens (``A-12`` is ``a`` followed by ``12``), as FTS5 reads a quoted word.
    """
    found: list[dict[str, Any]] = [{"exists": {"field": SORT_FIELDS[query.sort_field]}}]
    if query.blueprint is not None:
        found.append({"term": {"blueprint": query.blueprint}})
    if query.version is not None:
        found.append({"term": {"version": query.version}})
    if query.statuses:
        found.append({"terms": {"status": list(query.statuses)}})
    started: dict[str, float] = {}
    if query.started_from is not None:
        started["gte"] = query.started_from
    if query.started_to is not None:
        started["lt"] = query.started_to
    if started:
        found.append({"range": {"started_at": started}})
    if query.correlation_id is not None:
        found.append({"term": {"correlation_id": query.correlation_id}})
    found += [{"match_phrase": {"text": word}} for word in query.words]
    return found
