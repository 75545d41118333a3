"""``/api/v1/flows/{id}/pause|resume|terminate|retry|restart``: control one flow.

Each sends one control message to ``sfc.commands`` (keyed by the flow id, so it reaches
the engine that owns the flow) and answers ``202`` once the broker acknowledged it. With
an ``Idempotency-Key`` the message id is derived from (flow, action, key), so the engine
ignores a repeated request.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from aiohttp import web

from sfc.core.interpreter.inputs import Event, Pause, Restart, Resume, Retry, Terminate
from sfc.gateway import ids
from sfc.gateway.bodies import Body, header_token, read_json
from sfc.gateway.commands import send_command
from sfc.gateway.lookup import flow_record
from sfc.gateway.routes.common import API, IDEMPOTENCY_KEY, TRACEPARENT
from sfc.gateway.routing import Handler, Reply, Route, json_response, services_of
from sfc.kafka import make_headers


@dataclass(frozen=True)
class Action:
    """One control action: the body it accepts and the message it sends."""

    name: str
    summary: str
    fields: frozenset[str]
    build: Callable[[str, str, Body], Event]
    body_schema: str | None = None


def _restart(message_id: str, flow: str, body: Body) -> Event:
    return Restart(
        message_id,
        flow,
        input=body.any("input"),
        replace_input=body.has("input"),
        latest=body.flag("latest"),
    )


ACTIONS = (
    Action(
        "pause",
        "Pause a flow: it schedules no new task until resumed",
        frozenset({"reason"}),
        lambda mid, flow, body: Pause(mid, flow, reason=body.optional_string("reason")),
        "PauseRequest",
    ),
    Action(
        "resume",
        "Resume a paused flow",
        frozenset(),
        lambda mid, flow, body: Resume(mid, flow),
    ),
    Action(
        "terminate",
        "Stop a flow for good (ABORTED)",
        frozenset({"reason"}),
        lambda mid, flow, body: Terminate(mid, flow, reason=body.optional_string("reason")),
        "TerminateRequest",
    ),
    Action(
        "retry",
        "Run a failed, timed-out or aborted flow again from where it stopped",
        frozenset(),
        lambda mid, flow, body: Retry(mid, flow),
    ),
    Action(
        "restart",
        "Run a flow again from the start, optionally on the blueprint's latest version",
        frozenset({"input", "latest"}),
        _restart,
        "RestartRequest",
    ),
)


def _handler(action: Action) -> Handler:
    async def control(request: web.Request) -> web.Response:
        services = services_of(request)
        flow_id = request.match_info["id"]
        key = header_token(request, IDEMPOTENCY_KEY)
        raw = await read_json(request, services.settings.gateway.max_payload_bytes)
        body = Body(raw, action.fields)
        found = await flow_record(services, flow_id)
        message_id = ids.message_id(flow_id, action.name, key)
        record = action.build(message_id, flow_id, body)
        headers = make_headers(
            type(record).__name__,
            message_id,
            flow=flow_id,
            blueprint=found.blueprint,
            traceparent=request.headers.get(TRACEPARENT),
        )
        await send_command(services, record, key=flow_id, headers=headers)
        return json_response(
            {"id": flow_id, "action": action.name, "messageId": message_id}, status=202
        )

    control.__doc__ = action.summary
    return control


ROUTES = [
    Route(
        "POST",
        f"{API}/flows/{{id}}/{action.name}",
        _handler(action),
        action.summary,
        "flows",
        {202: Reply("The control message is acknowledged by the broker", "ControlAccepted")},
        errors=(400, 404, 413, 503),
        body=action.body_schema,
        body_required=False,
        headers=(IDEMPOTENCY_KEY, TRACEPARENT),
    )
    for action in ACTIONS
]
