"""``/api/v1/flows``: start a flow (optionally waiting for its end) and read flows."""

from __future__ import annotations

from aiohttp import web

from sfc.core.interpreter.inputs import StartFlow
from sfc.core.types import Json
from sfc.gateway import ids
from sfc.gateway.bodies import Body, header_token, query_seconds, read_json
from sfc.gateway.commands import send_command
from sfc.gateway.errors import RefusedError
from sfc.gateway.lookup import blueprint_version, flow_record
from sfc.gateway.metrics import FLOWS_STARTED
from sfc.gateway.routes.common import API, IDEMPOTENCY_KEY, TRACEPARENT
from sfc.gateway.routing import Param, Reply, Route, json_response, services_of
from sfc.gateway.services import GatewayServices
from sfc.index import FlowRecord
from sfc.kafka import make_headers
from sfc.kafka.records import FlowOutcome

BASE = f"{API}/flows"
_START_FIELDS = frozenset({"blueprint", "version", "input", "correlationId"})


async def start_flow(request: web.Request) -> web.Response:
    """Start a flow; ``202`` once the broker has the StartFlow, ``200`` if it ends in time.

    The flow pins its blueprint version here (the latest unless one is named), so a
    version deployed a moment later does not change which one it runs.
    """
    services = services_of(request)
    limits = services.settings.gateway
    wait = query_seconds(request, "wait", limits.max_wait_seconds)
    key = header_token(request, IDEMPOTENCY_KEY)
    body = Body(await read_json(request, limits.max_payload_bytes), _START_FIELDS)
    start = _start_command(services, body, key)
    flow, name = start.flow_id, start.blueprint
    headers = make_headers(
        "StartFlow",
        start.id,
        flow=flow,
        blueprint=name,
        traceparent=request.headers.get(TRACEPARENT),
    )
    # Registered before producing: the outcome cannot be read before we listen for it.
    with services.outcomes.expect(flow) as expected:
        await send_command(services, start, key=flow, headers=headers)
        FLOWS_STARTED.labels(name).inc()
        outcome = await expected.result(wait) if wait > 0 else None
    if outcome is None:
        return json_response({"id": flow, "status": "RUNNING"}, status=202)
    return json_response(outcome_body(outcome))


def _start_command(services: GatewayServices, body: Body, key: str | None) -> StartFlow:
    name = body.string("blueprint")
    version = body.optional_int("version")
    pinned = blueprint_version(services, name, version, name_field="blueprint").version
    if not services.registry.catalog.enabled(name):
        raise RefusedError(
            f"blueprint {name!r} is disabled: it starts no new flows", field="blueprint"
        )
    flow = ids.flow_id(name, key)
    return StartFlow(
        ids.message_id(flow, "start", key),
        flow,
        name,
        input=body.any("input", {}),
        version=pinned,
        correlation_id=body.optional_string("correlationId"),
    )


async def get_flow(request: web.Request) -> web.Response:
    """A flow's status, current states, input and output, as the index has it."""
    found = await flow_record(services_of(request), request.match_info["id"])
    return json_response(flow_body(found))


async def get_history(request: web.Request) -> web.Response:
    """A flow's raw history events, in order."""
    services = services_of(request)
    found = await flow_record(services, request.match_info["id"])
    return json_response({"id": found.id, "items": await services.index.history(found.id)})


async def get_steps(request: web.Request) -> web.Response:
    """The states a flow entered, in order, with their input, output and timing."""
    services = services_of(request)
    found = await flow_record(services, request.match_info["id"])
    return json_response({"id": found.id, "items": await services.index.steps(found.id)})


def outcome_body(outcome: FlowOutcome) -> dict[str, Json]:
    """How a flow ended, as ``?wait=`` answers it."""
    return {
        "id": outcome.flow_id,
        "blueprint": outcome.blueprint,
        "version": outcome.version,
        "status": outcome.status,
        "output": outcome.output,
        "error": outcome.error,
        "cause": outcome.cause,
        "endedAt": outcome.ended_at,
    }


def flow_body(flow: FlowRecord) -> dict[str, Json]:
    """A flow as ``GET /api/v1/flows/{id}`` answers it (every member present)."""
    return {
        "id": flow.id,
        "blueprint": flow.blueprint,
        "version": flow.version,
        "status": flow.status,
        "currentStates": flow.current_states,
        "input": flow.input,
        "output": flow.output,
        "error": flow.error,
        "cause": flow.cause,
        "startedAt": flow.started_at,
        "endedAt": flow.ended_at,
        "updatedAt": flow.updated_at,
        "correlationId": flow.correlation_id,
        "run": flow.run,
    }


_WAIT = Param(
    "wait",
    "Seconds to wait for the flow to end (capped by the gateway's max_wait_seconds)",
    {"type": "number", "minimum": 0},
)

ROUTES = [
    Route(
        "POST",
        BASE,
        start_flow,
        "Start a flow",
        "flows",
        {
            200: Reply("The flow ended within the wait", "FlowOutcome"),
            202: Reply("The StartFlow is acknowledged by the broker", "FlowAccepted"),
        },
        errors=(400, 404, 409, 413, 503),
        body="FlowStart",
        query=(_WAIT,),
        headers=(IDEMPOTENCY_KEY, TRACEPARENT),
    ),
    Route(
        "GET",
        BASE + "/{id}",
        get_flow,
        "A flow's status, current states, input and output",
        "flows",
        {200: Reply("The flow", "Flow")},
        errors=(404, 503),
    ),
    Route(
        "GET",
        BASE + "/{id}/history",
        get_history,
        "A flow's raw history events",
        "flows",
        {200: Reply("The events, in order", "FlowHistory")},
        errors=(404, 503),
    ),
    Route(
        "GET",
        BASE + "/{id}/steps",
        get_steps,
        "The states a flow entered",
        "flows",
        {200: Reply("The steps, in order", "FlowSteps")},
        errors=(404, 503),
    ),
]
