"""``/api/v1/pools``: worker pools, their sizes and pending jobs, and advice; change them.

The pools' configuration lives in ``sfc.pools`` and the live figures in ``sfc.load``
(see :mod:`sfc.scheduler`); the app holds one :class:`PoolDirectory` reading both,
registered by :func:`install`.
"""

from __future__ import annotations

from typing import Any, Final

import msgspec
from aiohttp import web

from sfc.errors import InputError
from sfc.gateway.bodies import Body, read_json
from sfc.gateway.routes.common import API
from sfc.gateway.routing import SERVICES, Reply, Route, json_response, services_of
from sfc.scheduler.directory import PoolDirectory
from sfc.scheduler.pools import PoolChanges

BASE: Final = f"{API}/pools"
POOLS: Final = web.AppKey("pools", PoolDirectory)
_MAX_BODY: Final = 64 * 1024


def install(app: web.Application) -> None:
    """Give an app (with its services set) the pool directory its routes use."""
    directory = PoolDirectory(app[SERVICES].settings)
    app[POOLS] = directory

    async def close(_: web.Application) -> None:
        await directory.close()

    app.on_cleanup.append(close)


async def list_pools(request: web.Request) -> web.Response:
    """Every pool with its workers and pending jobs, the advice, and the leader."""
    services = services_of(request)
    overview = await request.app[POOLS].overview(services.registry, services.index)
    return json_response(overview)


async def get_pool(request: web.Request) -> web.Response:
    """One pool with its workers and pending jobs."""
    return json_response(await request.app[POOLS].pool(request.match_info["name"]))


async def put_pool(request: web.Request) -> web.Response:
    """Create a pool, or change it (fields left out keep their value)."""
    raw = await read_json(request, _MAX_BODY)
    try:
        changes = msgspec.convert(raw if raw is not None else {}, PoolChanges)
    except msgspec.ValidationError as exc:
        raise InputError(f"invalid pool: {exc}", field=_field_of(exc)) from exc
    registry = services_of(request).registry
    directory = request.app[POOLS]
    return json_response(await directory.update(request.match_info["name"], changes, registry))


async def scale_pool(request: web.Request) -> web.Response:
    """Give a pool a fixed number of workers, or (``null``) return it to autoscaling."""
    body = Body(await read_json(request, _MAX_BODY), {"replicas"})
    if not body.has("replicas"):
        raise InputError("'replicas' is required (a number of workers, or null)", field="replicas")
    replicas = body.any("replicas")
    if replicas is not None and (
        isinstance(replicas, bool) or not isinstance(replicas, int) or replicas < 0
    ):
        raise InputError("'replicas' must be a number of workers or null", field="replicas")
    return json_response(await request.app[POOLS].scale(request.match_info["name"], replicas))


def _field_of(error: msgspec.ValidationError) -> str | None:
    # msgspec names the place of the fault as "at `$.field`".
    text = str(error)
    start = text.find("`$.")
    return text[start + 3 : text.find("`", start + 3)] if start >= 0 else None


_STRING: Final = {"type": "string"}
_COUNT: Final = {"type": "integer", "minimum": 0}
_OPTIONAL_COUNT: Final = {"type": ["integer", "null"], "minimum": 0}
_SECONDS: Final = {"type": "number", "minimum": 0, "description": "Seconds"}
_OPTIONAL_SECONDS: Final = {"type": ["number", "null"], "description": "Seconds"}


def _object(required: tuple[str, ...], **properties: Any) -> dict[str, Any]:
    return {"type": "object", "required": list(required), "properties": properties}


SCHEMAS: Final[dict[str, Any]] = {
    "Pool": _object(
        ("name", "modules", "minReplicas", "maxReplicas", "targetPending", "cooldownSeconds"),
        name={**_STRING, "description": "'common' or a blueprint's name"},
        modules={"type": "array", "items": _STRING, "description": "Handler modules"},
        minReplicas=_COUNT,
        maxReplicas=_COUNT,
        targetPending={**_COUNT, "description": "Pending jobs per worker it is sized for"},
        cooldownSeconds=_SECONDS,
        maxAgeSeconds=_OPTIONAL_SECONDS,
        concurrency=_OPTIONAL_COUNT,
        replicas={**_OPTIONAL_COUNT, "description": "A fixed size; null: autoscaled"},
        revision=_COUNT,
        source={"type": "string", "enum": ["settings", "api"]},
        updatedAt=_OPTIONAL_SECONDS,
        pending={**_COUNT, "description": "Jobs dispatched and not finished"},
        oldestAgeSeconds=_SECONDS,
        desired={**_OPTIONAL_COUNT, "description": "Workers it should have (null: no leader)"},
        workers={"type": "array", "items": {"$ref": "#/components/schemas/PoolWorker"}},
        ready=_OPTIONAL_COUNT,
        starting=_OPTIONAL_COUNT,
        draining=_OPTIONAL_COUNT,
        failure={"oneOf": [{"type": "null"}, {"$ref": "#/components/schemas/StartFailure"}]},
    ),
    "PoolWorker": _object(
        ("id", "state", "startedAt"),
        id=_STRING,
        state={"type": "string", "enum": ["starting", "ready", "draining"]},
        startedAt=_SECONDS,
        current={"type": "boolean", "description": "Runs the pool's current command"},
        where={**_STRING, "description": "pid@host"},
    ),
    "StartFailure": _object(
        ("message", "at", "retryAt", "failures"),
        message=_STRING,
        stderr={**_STRING, "description": "The last lines of the worker's standard error"},
        at=_SECONDS,
        retryAt=_SECONDS,
        failures=_COUNT,
    ),
    "PoolAdvice": _object(
        ("blueprint", "reasons", "message"),
        blueprint=_STRING,
        reasons={"type": "array", "items": _STRING},
        message=_STRING,
    ),
    "PoolList": _object(
        ("items", "advice", "scheduler"),
        items={"type": "array", "items": {"$ref": "#/components/schemas/Pool"}},
        advice={"type": "array", "items": {"$ref": "#/components/schemas/PoolAdvice"}},
        scheduler={
            "type": ["object", "null"],
            "description": "The leading scheduler (null: none runs)",
            "properties": {"id": _STRING, "epoch": _COUNT, "at": _SECONDS},
        },
    ),
    "PoolChanges": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "modules": {"type": "array", "items": _STRING, "minItems": 1},
            "minReplicas": _COUNT,
            "maxReplicas": {"type": "integer", "minimum": 1},
            "targetPending": {"type": "integer", "minimum": 1},
            "cooldownSeconds": _SECONDS,
            "maxAgeSeconds": {**_SECONDS, "description": "0 turns the age rule off"},
            "concurrency": {"type": "integer", "minimum": 1},
            "roll": {"type": "boolean", "description": "Roll the workers over to new code"},
        },
    },
    "PoolScale": _object(("replicas",), replicas=_OPTIONAL_COUNT),
}
"""The bodies' schemas, for the OpenAPI document."""

ROUTES: Final = [
    Route(
        "GET",
        BASE,
        list_pools,
        "Every worker pool with its workers and pending jobs, and pool advice",
        "pools",
        {200: Reply("The pools, the advice, the leading scheduler", "PoolList")},
        errors=(503,),
    ),
    Route(
        "GET",
        f"{BASE}/{{name}}",
        get_pool,
        "One worker pool with its workers and pending jobs",
        "pools",
        {200: Reply("The pool", "Pool")},
        errors=(404, 503),
    ),
    Route(
        "PUT",
        f"{BASE}/{{name}}",
        put_pool,
        "Create or change a pool: modules, bounds, target, cooldown; its workers roll over",
        "pools",
        {200: Reply("The pool as stored", "Pool")},
        errors=(400, 503),
        body="PoolChanges",
    ),
    Route(
        "POST",
        f"{BASE}/{{name}}/scale",
        scale_pool,
        "Give a pool a fixed number of workers, or return it to autoscaling",
        "pools",
        {200: Reply("The pool as stored", "Pool")},
        errors=(400, 404, 503),
        body="PoolScale",
    ),
]
