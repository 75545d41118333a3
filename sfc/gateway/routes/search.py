"""``GET /api/v1/flows``: search the monitor's index; ``/flows/{id}/graph``: one flow drawn.

A search reads one page of the index at a time and hands back an opaque cursor for the
next: the index's keyset pagination, so a page costs the same on the millionth flow as
on the first.
"""

from __future__ import annotations

import asyncio

from aiohttp import web

from sfc.core.types import Json
from sfc.errors import InputError
from sfc.gateway.lookup import blueprint_version, flow_record
from sfc.gateway.params import QueryParams
from sfc.gateway.routes.common import API
from sfc.gateway.routing import Param, Reply, Route, json_response, services_of
from sfc.index import FlowQuery, FlowRecord
from sfc.index.projection import FLOW_STATUSES
from sfc.index.query import MAX_LIMIT, SORTS
from sfc.monitor import build_graph, mark_flow

BASE = f"{API}/flows"

_SEARCH = (
    Param("blueprint", "The blueprint's name", {"type": "string"}),
    Param("version", "The blueprint version (with blueprint)", {"type": "integer", "minimum": 1}),
    Param(
        "status",
        f"Any of {', '.join(FLOW_STATUSES)}; comma-separated, or the parameter repeated",
        {"type": "string", "examples": ["FAILED,TIMED_OUT"]},
    ),
    Param("from", "Started at or after: epoch seconds or ISO 8601", {"type": "string"}),
    Param("to", "Started before: epoch seconds or ISO 8601", {"type": "string"}),
    Param("correlationId", "The caller's correlation key, exactly", {"type": "string"}),
    Param(
        "q", "Words that must all occur in the input, output, error or cause", {"type": "string"}
    ),
    Param(
        "sort",
        f"One of {', '.join(SORTS)} (endedAt finds ended flows only); - first: newest first",
        {"type": "string", "default": "-startedAt"},
    ),
    Param("cursor", "The next of the previous page", {"type": "string"}),
    Param(
        "limit",
        "Flows per page",
        {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": 50},
    ),
)
_ALLOWED = frozenset(param.name for param in _SEARCH)


async def search_flows(request: web.Request) -> web.Response:
    """One page of the flows matching the query, and the cursor of the next."""
    page = await services_of(request).index.search(flow_query(request))
    return json_response({"items": [flow_summary(flow) for flow in page.items], "next": page.next})


def flow_query(request: web.Request) -> FlowQuery:
    """The search a request asks for.

    Raises:
        InputError: A parameter is unknown, repeated or malformed (naming it).
    """
    params = QueryParams(request, _ALLOWED, repeatable={"status"})
    blueprint, version = params.string("blueprint"), params.positive("version")
    if version is not None and blueprint is None:
        raise InputError("'version' needs 'blueprint'", field="version")
    started_from, started_to = params.time("from"), params.time("to")
    if started_from is not None and started_to is not None and started_from >= started_to:
        raise InputError("'from' must be before 'to'", field="from")
    statuses = tuple(dict.fromkeys(status.upper() for status in params.strings("status")))
    return FlowQuery(
        blueprint=blueprint,
        version=version,
        statuses=statuses,
        started_from=started_from,
        started_to=started_to,
        correlation_id=params.string("correlationId"),
        text=params.string("q"),
        sort=params.string("sort") or "-startedAt",
        limit=params.positive("limit") or 50,
        cursor=params.string("cursor"),
    )


def flow_summary(flow: FlowRecord) -> dict[str, Json]:
    """A flow as a search lists it: everything but its input and output."""
    return {
        "id": flow.id,
        "blueprint": flow.blueprint,
        "version": flow.version,
        "status": flow.status,
        "currentStates": flow.current_states,
        "error": flow.error,
        "cause": flow.cause,
        "correlationId": flow.correlation_id,
        "startedAt": flow.started_at,
        "endedAt": flow.ended_at,
        "updatedAt": flow.updated_at,
        "run": flow.run,
    }


async def flow_graph(request: web.Request) -> web.Response:
    """The flow's blueprint version as a graph, each state marked with what happened."""
    services = services_of(request)
    found = await flow_record(services, request.match_info["id"])
    version = blueprint_version(services, found.blueprint, found.version, name_field="blueprint")
    steps = await services.index.steps(found.id)
    graph = await asyncio.to_thread(lambda: mark_flow(build_graph(version.definition), steps))
    return json_response(
        {"id": found.id, "blueprint": found.blueprint, "version": found.version, "graph": graph}
    )


ROUTES = [
    Route(
        "GET",
        BASE,
        search_flows,
        "Search flows",
        "monitor",
        {200: Reply("One page of flows, newest first unless sorted otherwise", "FlowSearch")},
        errors=(400, 503),
        query=_SEARCH,
    ),
    Route(
        "GET",
        BASE + "/{id}/graph",
        flow_graph,
        "A flow's blueprint version as a graph, marked with what happened in the flow",
        "monitor",
        {200: Reply("The graph; each node's status is its last step's", "FlowGraph")},
        errors=(404, 503),
    ),
]
